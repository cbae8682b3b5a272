/* SPDX-License-Identifier: MIT */
/*
 * The command line kernel-install gets while disable rebuilds the boot
 * entries, when gpupt had created /etc/kernel/cmdline.
 *
 * disable removes that file, then runs `kernel-install add` for each
 * kernel.  Without the file, kernel-install (systemd 252,
 * 90-loaderentry.install) takes /usr/lib/kernel/cmdline, else /proc/cmdline:
 * and disable runs on the boot that has passthrough on, whose /proc/cmdline
 * carries gpupt's tokens, so the new entries would keep them.  Those runs
 * get KERNEL_INSTALL_CONF_ROOT instead: a private directory inside the root
 * (so that it works through --root's chroot) holding `cmdline`, the file
 * without gpupt's tokens (the command line enable started from, byte for
 * byte), and copies of what kernel-install would read from /etc/kernel
 * otherwise, as it then reads those from that directory only: install.conf
 * (else /usr/lib/kernel/install.conf), entry-token, tries.
 *
 * Why not write the file back for the runs and remove it after them: the
 * journal and the backups then stay what they are for every other change
 * (the file is removed, its removal journalled and backed up, rolled back
 * when a run fails).  The directory is written only after every change is
 * committed and removed after the runs, whatever their outcome; a crash in
 * between leaves at most that directory, which nothing else reads and the
 * next disable replaces.
 */
#ifndef GPUPT_KINSTALL_H
#define GPUPT_KINSTALL_H

#include <stddef.h>

#include "host/model/bootloader.h"
#include "host/model/plan.h"

#define GPUPT_KINSTALL_CONF_DIR "var/lib/gpupt/kernel-install"

struct gpupt_kinstall_conf {
	char *cmdline; /* its cmdline (malloc'd); NULL: kernel-install runs as usual */
	size_t len;
};

/*
 * Does plan, for boot loader b, remove an /etc/kernel/cmdline that the
 * journal says gpupt created, while kernel-install would fall back to
 * /proc/cmdline (no /usr/lib/kernel/cmdline, which it would take as it is,
 * as enable did)?  Then k->cmdline is that file as it is now without the
 * tokens the journal records (/proc/cmdline without them and the boot
 * loader's words when the file is gone already), and each of the n
 * commands gets `env KERNEL_INSTALL_CONF_ROOT=/DIR` in front.  Returns 0 or
 * -errno (plan->failed names the file).
 */
int gpupt_kinstall_conf_plan(int rootfd, const struct gpupt_bootloader *b,
			     const struct gpupt_plan *journal, struct gpupt_plan *plan,
			     struct gpupt_regen *cmds, size_t n, struct gpupt_kinstall_conf *k);

/*
 * Write the directory: cmdline, and the copies.  Returns 0 or -errno;
 * failed names the file that could not be read or written.
 */
int gpupt_kinstall_conf_write(int rootfd, const struct gpupt_kinstall_conf *k, char *failed, size_t size);

/* Remove the directory and what gpupt_kinstall_conf_write put there; 0 or -errno. */
int gpupt_kinstall_conf_remove(int rootfd);

void gpupt_kinstall_conf_free(struct gpupt_kinstall_conf *k);

#endif
