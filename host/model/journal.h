/* SPDX-License-Identifier: MIT */
/* gpupt's journals: the record of what enable added, and each backup's record. */
#ifndef GPUPT_JOURNAL_H
#define GPUPT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/model/backup.h"
#include "host/model/plan.h"

#define GPUPT_JOURNAL_PATH "var/lib/gpupt/journal" /* relative to the root */
#define GPUPT_JOURNAL_VERSION "gpupt-journal 1"	   /* its first line */

/* The journal file as it was read, to tell later whether it changed. */
struct gpupt_journal_seen {
	bool exists;
	size_t len;
	uint64_t sum;
};

/*
 * Read the journal of what gpupt added into *j (entries without contents);
 * an absent journal is an empty one.  A damaged journal is refused with
 * -EBADMSG, explained on err with what to do: no version line, no closing
 * record or one whose checksum does not match, a line not understood, a
 * file that is not one of gpupt's own, a saved copy outside the backup
 * directory.  *seen describes the bytes read.
 */
int gpupt_journal_read(int rootfd, FILE *err, struct gpupt_plan *j, struct gpupt_journal_seen *seen);

/* The journal's meaning: 0, or -EBADMSG with what is wrong in why. */
int gpupt_journal_parse(const char *buf, size_t len, struct gpupt_plan *j, char *why, size_t size);

/* Does the journal still hold what seen describes?  0, -ESTALE, or -errno. */
int gpupt_journal_verify(int rootfd, const struct gpupt_journal_seen *seen);

/*
 * The journal's text for j: the version line, the entries, and a closing
 * record with the checksum of all that.  Returns its length; a length of
 * size or more means buf was too small.
 */
size_t gpupt_journal_format(const struct gpupt_plan *j, char *buf, size_t size);

/*
 * The journal after a run: old updated by the plan's changes (empty when
 * disabling), with the checksum of each whole file as the plan leaves it.
 */
int gpupt_journal_merge(const struct gpupt_plan *old, const struct gpupt_plan *plan, bool disabling,
			struct gpupt_plan *out);

/* A backup's journal text, sealed with `end SHA256` as the main journal is; its length, or -ENOSPC. */
int gpupt_backup_journal_format(const struct gpupt_backup *b, char *buf, size_t size);

enum gpupt_seal {
	GPUPT_SEAL_NONE, /* no end line: written before backup journals had one */
	GPUPT_SEAL_OK,
	GPUPT_SEAL_BAD, /* damaged: its checksum does not match, or bytes follow it */
};

/* What a backup's journal says, for a person: its command and the files it changed. */
struct gpupt_backup_summary {
	char command[32];
	char files[GPUPT_BACKUP_MAX_FILES][GPUPT_PATH_MAX];
	bool saved[GPUPT_BACKUP_MAX_FILES]; /* the version before is saved ("old present") */
	size_t n_files;			    /* may be more than the array holds */
	enum gpupt_seal seal;
};

/* Read a backup's journal: 0, or -EBADMSG when its seal does not match (s says what it could read). */
int gpupt_backup_journal_parse(const char *buf, size_t len, struct gpupt_backup_summary *s);

#endif
