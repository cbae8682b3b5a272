/* SPDX-License-Identifier: MIT */
/*
 * A plan of file changes.  Edits are planned in memory first (struct
 * gpupt_change: old and new contents), so --dry-run can show them and
 * nothing is written until all of them are known.  The same struct, without
 * contents, is one entry of the journal of what gpupt added.
 */
#ifndef GPUPT_PLAN_H
#define GPUPT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host/formats/kcmdline.h"
#include "host/model/backup.h"

enum gpupt_change_kind {
	GPUPT_CHANGE_WHOLE,	   /* the whole file is gpupt's */
	GPUPT_CHANGE_GRUB,	   /* tokens in GRUB_CMDLINE_LINUX_DEFAULT */
	GPUPT_CHANGE_KCMDLINE,	   /* tokens on the first line (proxmox-boot-tool) */
	GPUPT_CHANGE_KCMDLINE_ALL, /* tokens anywhere in the file (kernel-install) */
};

#define GPUPT_MODPROBE_PATH "etc/modprobe.d/gpupt.conf" /* --allow-unsafe-interrupts */

/*
 * gpupt's own files: the only files enable and disable change, each with
 * the kinds of change gpupt makes to it (a path may be listed once per
 * kind: /etc/kernel/cmdline is edited for either boot loader, or created
 * whole for kernel-install).  gpupt_plan_add takes no other file, and the
 * journal may name no other (host/model/journal.c).
 */
struct gpupt_own_file {
	const char *path;
	enum gpupt_change_kind kind;
};

extern const struct gpupt_own_file gpupt_own_files[]; /* NULL-path terminated */

/* Is path one of gpupt's own files, changed the way kind says? */
bool gpupt_own_file_ok(const char *path, enum gpupt_change_kind kind);

/*
 * One file's change; also one entry of the journal of what gpupt added
 * (then without contents).
 */
struct gpupt_change {
	char path[GPUPT_PATH_MAX];
	enum gpupt_change_kind kind;
	char ours[GPUPT_NOTES_MAX]; /* tokens gpupt added, one per line */
	bool line_added;	    /* GRUB: gpupt added the variable's line */
	bool prior_saved;	    /* WHOLE: a version before gpupt exists ... */
	char prior[GPUPT_PATH_MAX]; /* ... saved here (a backup copy) */
	uint64_t sum;		    /* WHOLE: checksum of the content gpupt left */
	/* The plan: contents before and after (malloc'd, not in the journal). */
	char *old, *new;
	size_t old_len, new_len;
	bool old_exists, new_exists;
	mode_t mode;	  /* for a new file */
	bool hand_edited; /* WHOLE: old is not what gpupt left there */
};

enum { GPUPT_PLAN_MAX = 8 };

struct gpupt_plan {
	struct gpupt_change c[GPUPT_PLAN_MAX];
	unsigned n;
	char failed[GPUPT_PATH_MAX]; /* the file gpupt_plan_add could not take in */
};

void gpupt_plan_free(struct gpupt_plan *p);
struct gpupt_change *gpupt_plan_find(struct gpupt_plan *p, const char *path);

/*
 * A new change for path with its current contents read in (new = old).
 * -EPERM when path is not one of gpupt's own files (of that kind);
 * -ENOSPC when the plan is full; -ELOOP when path is a symlink (gpupt
 * replaces only regular files: writing through a link would change a file
 * somewhere else, replacing it would lose the link).  On failure p->failed
 * names path.
 */
int gpupt_plan_add(struct gpupt_plan *p, int rootfd, const char *path, enum gpupt_change_kind kind,
		   struct gpupt_change **out);

/*
 * Does every planned file still hold what the plan was made from?  0 when
 * it does; -ESTALE when one changed since (p->failed names it), or the
 * error reading it.
 */
int gpupt_plan_verify(struct gpupt_plan *p, int rootfd);

/* Set a change's new contents (copied); data NULL: the file goes away. */
int gpupt_change_set_new(struct gpupt_change *c, const char *data, size_t len);
bool gpupt_change_is_noop(const struct gpupt_change *c);

/* Fill t with the '\n'-separated tokens of notes (pointers into notes, cut in place). */
void gpupt_notes_split(char *notes, struct gpupt_tokens *t);

#endif
