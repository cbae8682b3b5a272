// SPDX-License-Identifier: MIT
/*
 * Loading the passthrough driver.  vfio-pci's ID table is empty (it binds
 * through driver_override only), so udev never loads it: the binder runs
 * modprobe itself, with an argv (no shell), and waits a bounded time.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binder/binder.h"

enum { POLL_MS = 5 };

/*
 * The driver's directory name may differ from what was typed: the module
 * is vfio_pci, the driver vfio-pci.  Try the name as given, then with '_'
 * and '-' swapped, and keep the one that exists.
 */
int binder_resolve_driver(struct binder *b)
{
	char alt[sizeof(b->driver)];
	int r = gpupt_sysfs_pci_driver_loaded(b->rootfd, b->driver);

	if (r != 0)
		return r;
	for (int pass = 0; pass < 2; pass++) {
		char from = pass ? '-' : '_', to = pass ? '_' : '-';

		memcpy(alt, b->driver, sizeof(alt));
		for (char *p = alt; *p; p++)
			if (*p == from)
				*p = to;
		if (strcmp(alt, b->driver) != 0 && gpupt_sysfs_pci_driver_loaded(b->rootfd, alt) == 1) {
			memcpy(b->driver, alt, sizeof(alt));
			return 1;
		}
	}
	return 0;
}

void binder_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Exit status of pid within wait_ms, or -ETIMEDOUT (the child is left running). */
static int wait_bounded(pid_t pid, unsigned long wait_ms)
{
	int status;

	for (unsigned long waited = 0; waited <= wait_ms; waited += POLL_MS) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (r < 0 && errno != EINTR)
			return -errno;
		binder_sleep_ms(POLL_MS);
	}
	return -ETIMEDOUT;
}

static int run_modprobe(struct binder *b, const char *module)
{
	char *const argv[] = { (char *)b->modprobe, (char *)"-q", (char *)module, NULL };
	char *const envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	pid_t pid;

	/*
	 * vfork: the child only calls execve or _exit, and fork() would pull
	 * musl's fork handlers and locks into the static binary.
	 */
	pid = vfork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(b->modprobe, argv, envp);
		_exit(127);
	}
	return wait_bounded(pid, b->modprobe_wait_ms);
}

static void log_status(struct binder *b, const char *module, int st)
{
	struct msg m;

	msg_init(&m);
	msg_cat(&m, b->modprobe, " -q ", module, (const char *)NULL);
	if (st == -ETIMEDOUT) {
		msg_str(&m, " still runs after ");
		msg_dec(&m, b->modprobe_wait_ms);
		msg_str(&m, strcmp(module, b->driver) == 0
				    ? " ms; going on (the driver binds the devices when it loads)"
				    : " ms; going on");
	} else if (st < 0) {
		msg_cat(&m, " could not run: ", binder_strerror(-st), (const char *)NULL);
	} else {
		msg_str(&m, " failed with status ");
		msg_dec(&m, (unsigned long)st);
		msg_cat(&m, ": is ", module, " in the initramfs (update-initramfs -u)?", (const char *)NULL);
	}
	binder_log(b, LOG_ERR, &m);
}

int binder_load_driver(struct binder *b)
{
	int r, st;

	if (b->driver_loaded)
		return 0;
	r = binder_resolve_driver(b);
	if (r == 1) {
		b->driver_loaded = true;
		binder_logs(b, LOG_DEBUG, b->driver, " is loaded; no modprobe", (const char *)NULL);
		return 0;
	}
	if (b->dry_run) {
		binder_logs(b, LOG_INFO, "would load ", b->driver,
			    ", which is not loaded yet: ", b->modprobe ? b->modprobe : "/sbin/modprobe",
			    " -q ", b->driver, (const char *)NULL);
		return 0;
	}
	if (!b->modprobe) {
		binder_logs(b, LOG_WARNING, b->driver, " is not loaded, and modprobe is not run with --root",
			    " unless --modprobe is given", (const char *)NULL);
		return -ENOENT;
	}
	binder_logs(b, LOG_INFO, "loading ", b->driver, ": ", b->modprobe, " -q ", b->driver,
		    (const char *)NULL);
	st = run_modprobe(b, b->driver);
	if (st != 0) {
		log_status(b, b->driver, st);
		return st < 0 ? st : -EIO;
	}
	b->driver_loaded = binder_resolve_driver(b) == 1;
	return 0;
}

int binder_modprobe(struct binder *b, const char *module)
{
	int st;

	if (!b->modprobe) {
		binder_logs(b, LOG_WARNING, module,
			    ": modprobe is not run with --root unless --modprobe is given",
			    (const char *)NULL);
		return -ENOENT;
	}
	st = run_modprobe(b, module);
	if (st != 0)
		log_status(b, module, st);
	return st == 0 ? 0 : st < 0 ? st : -EIO;
}
