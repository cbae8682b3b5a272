/* SPDX-License-Identifier: MIT */
/*
 * What gpupt changed, run by run: the backups under var/lib/gpupt/backup/,
 * each with its journal and the versions it saved.  Listed for `gpupt
 * status --verbose`; pruned after every run that made a new one, keeping
 * those the main journal still refers to (`gpupt disable` restores from
 * them) and the newest few.
 */
#ifndef GPUPT_HISTORY_H
#define GPUPT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "host/model/journal.h"

enum { GPUPT_BACKUP_KEEP = 5, GPUPT_BACKUP_NAME = 40 };

struct gpupt_backup_info {
	char name[GPUPT_BACKUP_NAME]; /* "20261207T101500Z", ".N" added when two runs share a second */
	bool needed;		      /* the main journal refers to a version saved in it */
	int err;		      /* its journal: 0, -ENOENT, -EBADMSG (damaged), -errno */
	struct gpupt_backup_summary s;
};

/*
 * Every backup, newest first, into out (max of them) with what the main
 * journal j needs (NULL: none known).  Returns how many there are (more
 * than max when out was too small), or -errno.
 */
int gpupt_backups_list(int rootfd, const struct gpupt_plan *j, struct gpupt_backup_info *out, size_t max);

/*
 * Remove every backup but the newest GPUPT_BACKUP_KEEP and those the main
 * journal refers to.  With a journal that cannot be read nothing is
 * removed.  Returns how many were removed, or -errno (said on err).
 */
int gpupt_backups_prune(int rootfd, FILE *err);

#endif
