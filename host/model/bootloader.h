/* SPDX-License-Identifier: MIT */
/*
 * Boot loaders: where the kernel command line lives and what rebuilds the
 * boot menu, behind a table in detection order (as pciutils' access methods):
 *   proxmox-boot-tool managing systemd-boot ESPs: /etc/kernel/cmdline
 *   proxmox-boot-tool managing GRUB ESPs or a BIOS boot: /etc/default/grub
 *   GRUB (Debian): /etc/default/grub, update-grub
 * GRUB edits go to a drop-in /etc/default/grub.d/gpupt.cfg unless in place.
 *
 * Edits are planned in memory first (struct gpupt_change: old and new
 * contents), so --dry-run can show them and nothing is written until all of
 * them are known.
 */
#ifndef GPUPT_BOOTLOADER_H
#define GPUPT_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/atomic.h"
#include "host/formats/kcmdline.h"

#define GPUPT_GRUB_DEFAULT "etc/default/grub"
#define GPUPT_GRUB_DROPIN "etc/default/grub.d/gpupt.cfg"
#define GPUPT_KERNEL_CMDLINE "etc/kernel/cmdline"

enum gpupt_change_kind {
	GPUPT_CHANGE_WHOLE,	/* the whole file is gpupt's */
	GPUPT_CHANGE_GRUB,	/* tokens in GRUB_CMDLINE_LINUX_DEFAULT */
	GPUPT_CHANGE_KCMDLINE,	/* tokens on the first line */
};

/*
 * One file's change; also one entry of the journal of what gpupt added
 * (then without contents).
 */
struct gpupt_change {
	char path[GPUPT_PATH_MAX];
	enum gpupt_change_kind kind;
	char ours[GPUPT_NOTES_MAX];	/* tokens gpupt added, one per line */
	bool line_added;		/* GRUB: gpupt added the variable's line */
	bool prior_saved;		/* WHOLE: a version before gpupt exists ... */
	char prior[GPUPT_PATH_MAX];	/* ... saved here (a backup copy) */
	/* The plan: contents before and after (malloc'd, not in the journal). */
	char *old, *new;
	size_t old_len, new_len;
	bool old_exists, new_exists;
	mode_t mode;			/* for a new file */
};

enum { GPUPT_PLAN_MAX = 8 };

struct gpupt_plan {
	struct gpupt_change c[GPUPT_PLAN_MAX];
	unsigned n;
};

void gpupt_plan_free(struct gpupt_plan *p);
struct gpupt_change *gpupt_plan_find(struct gpupt_plan *p, const char *path);

/*
 * A new change for path with its current contents read in (new = old).
 * -ENOSPC when the plan is full.
 */
int gpupt_plan_add(struct gpupt_plan *p, int rootfd, const char *path,
		   enum gpupt_change_kind kind, struct gpupt_change **out);

/* Set a change's new contents (copied); data NULL: the file goes away. */
int gpupt_change_set_new(struct gpupt_change *c, const char *data, size_t len);
bool gpupt_change_is_noop(const struct gpupt_change *c);

/* Fill t with the '\n'-separated tokens of notes (pointers into notes, cut in place). */
void gpupt_notes_split(char *notes, struct gpupt_tokens *t);

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

/*
 * Plan undoing journal entry j (what gpupt added to that file): remove its
 * tokens, or put back (or remove) a whole file.  Returns 0 or -errno.
 */
int gpupt_change_revert(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan);

#endif
