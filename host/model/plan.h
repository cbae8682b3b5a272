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
#include <sys/types.h>

#include "host/formats/kcmdline.h"
#include "host/model/backup.h"

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
	char failed[GPUPT_PATH_MAX];	/* the file gpupt_plan_add could not take in */
};

void gpupt_plan_free(struct gpupt_plan *p);
struct gpupt_change *gpupt_plan_find(struct gpupt_plan *p, const char *path);

/*
 * A new change for path with its current contents read in (new = old).
 * -ENOSPC when the plan is full; -ELOOP when path is a symlink (gpupt
 * replaces only regular files: writing through a link would change a file
 * somewhere else, replacing it would lose the link).  On failure p->failed
 * names path.
 */
int gpupt_plan_add(struct gpupt_plan *p, int rootfd, const char *path,
		   enum gpupt_change_kind kind, struct gpupt_change **out);

/* Set a change's new contents (copied); data NULL: the file goes away. */
int gpupt_change_set_new(struct gpupt_change *c, const char *data, size_t len);
bool gpupt_change_is_noop(const struct gpupt_change *c);

/* Fill t with the '\n'-separated tokens of notes (pointers into notes, cut in place). */
void gpupt_notes_split(char *notes, struct gpupt_tokens *t);

#endif
