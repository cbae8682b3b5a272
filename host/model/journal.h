/* SPDX-License-Identifier: MIT */
/* gpupt's journals: the record of what enable added, and each backup's record. */
#ifndef GPUPT_JOURNAL_H
#define GPUPT_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "host/model/backup.h"
#include "host/model/plan.h"

#define GPUPT_JOURNAL_PATH "var/lib/gpupt/journal"	/* relative to the root */

/*
 * Read the journal of what gpupt added into *j (entries without contents);
 * an absent journal is an empty one.  Problems are explained on err.
 */
int gpupt_journal_read(int rootfd, FILE *err, struct gpupt_plan *j);

/* The journal's text for j; returns its length (at most size - 1 written). */
size_t gpupt_journal_format(const struct gpupt_plan *j, char *buf, size_t size);

/* The journal after a run: old updated by the plan's changes (empty when disabling). */
int gpupt_journal_merge(const struct gpupt_plan *old, const struct gpupt_plan *plan,
			bool disabling, struct gpupt_plan *out);

/* A backup's journal text; its length, or -ENOSPC. */
int gpupt_backup_journal_format(const struct gpupt_backup *b, char *buf, size_t size);

#endif
