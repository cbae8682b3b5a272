/* SPDX-License-Identifier: MIT */
/*
 * Boot loaders: where the kernel command line lives and what rebuilds the
 * boot menu, behind a table in detection order (as pciutils' access methods):
 *   proxmox-boot-tool managing systemd-boot ESPs: /etc/kernel/cmdline
 *   proxmox-boot-tool managing GRUB ESPs or a BIOS boot: /etc/default/grub
 *   GRUB (Debian): /etc/default/grub, update-grub
 * GRUB edits go to a drop-in /etc/default/grub.d/gpupt.cfg unless in place.
 * The edits are planned (host/model/plan.h), not written.
 */
#ifndef GPUPT_BOOTLOADER_H
#define GPUPT_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "host/formats/kcmdline.h"
#include "host/model/plan.h"

#define GPUPT_GRUB_DEFAULT "etc/default/grub"
#define GPUPT_GRUB_DROPIN "etc/default/grub.d/gpupt.cfg"
#define GPUPT_KERNEL_CMDLINE "etc/kernel/cmdline"

struct gpupt_boot_edit {
	int rootfd;
	bool grub_in_place;
	const struct gpupt_tokens *want;	/* the tokens the command line must hold */
	struct gpupt_plan *journal;		/* what gpupt added before (may be empty) */
	struct gpupt_plan *plan;		/* changes go here */
};

struct gpupt_bootloader {
	const char *name;
	bool (*detect)(int rootfd);
	int (*apply)(struct gpupt_boot_edit *e);	/* plan the edits that add e->want */
	const char *const *regen;	/* rebuilds the boot menu / ESPs */
};

extern const struct gpupt_bootloader gpupt_bootloaders[];	/* NULL-name terminated */

/* The boot loader of the host below rootfd, or NULL when none is known. */
const struct gpupt_bootloader *gpupt_bootloader_detect(int rootfd);

enum { GPUPT_CMDLINE_MAX = 4096 };

/*
 * The command line boot loader b passes at the next boot, as its files say
 * now, into out: for GRUB, /etc/default/grub then /etc/default/grub.d/NAME.cfg
 * in name order, as grub-mkconfig sources them ("$VAR ..." appends, anything
 * else replaces); for systemd-boot, the first line of /etc/kernel/cmdline.
 * *file names where it comes from, for messages.
 */
void gpupt_bootloader_configured(int rootfd, const struct gpupt_bootloader *b, char *out,
				 size_t size, const char **file);

/*
 * Plan undoing journal entry j (what gpupt added to that file): remove its
 * tokens, or put back (or remove) a whole file.  What the journal records
 * but the file no longer holds is warned about on err.  Returns 0 or
 * -errno; when the saved copy of a whole file's prior version cannot be
 * read, plan->failed names that copy.
 */
int gpupt_change_revert(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan,
			FILE *err);

#endif
