/* SPDX-License-Identifier: MIT */
/* Running external programs (update-grub, update-initramfs, ...): fork/execve, no shell. */
#ifndef GPUPT_RUN_H
#define GPUPT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Run argv[0], looked up in PATH, with argv (NULL-terminated); its output
 * goes straight to ours.  Returns its exit status (0-255), 128 + signal
 * when killed, or -errno when it could not be started (-ENOENT: not in PATH).
 */
int gpupt_run(const char *const *argv);

/* The same, with the program's standard output sent to out_fd (-1: ours),
 * e.g. to stderr so that it cannot mix into --json output. */
int gpupt_run_to(const char *const *argv, int out_fd);

/*
 * The same, with the program's standard output kept in buf: up to size-1
 * bytes (size > 0), NUL-terminated, the rest read and dropped.  buf is ""
 * when the program could not be started.
 */
int gpupt_run_capture(const char *const *argv, char *buf, size_t size);

/*
 * Start argv as gpupt_run does, without waiting for it: 0 with *pid set, or
 * -errno when it could not be started.  Then gpupt_run_poll until it ends,
 * or gpupt_run_kill.
 */
int gpupt_run_start(const char *const *argv, pid_t *pid);

/* Has pid ended?  0: still running; 1: ended, *status as gpupt_run returns it; -errno. */
int gpupt_run_poll(pid_t pid, int *status);

/* Kill pid (SIGKILL) and reap it. */
void gpupt_run_kill(pid_t pid);

/* Is there an executable name in one of PATH's directories (what gpupt_run would start)? */
bool gpupt_run_in_path(const char *name);

/*
 * argv as it runs on the system below root: through chroot(8) unless root
 * is "/" (the boot loader's and initramfs tools act on the system they run
 * on).  Into out (max entries, NULL-terminated; argv is cut to fit).
 */
void gpupt_run_argv_in_root(const char *root, const char *const *argv, const char **out, size_t max);

/* argv joined with spaces ("update-initramfs -u -k all").  Like snprintf. */
int gpupt_argv_format(const char *const *argv, char *buf, size_t size);

#endif
