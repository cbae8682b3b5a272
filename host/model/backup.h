/* SPDX-License-Identifier: MIT */
/*
 * A backup (one per command run) saves the previous version of each file it
 * edits under var/lib/gpupt/backup/<timestamp>/<path> and writes a journal
 * there of what changed (path, whether the old file existed, sizes and
 * checksums, tokens added), so a failed run can be rolled back and a later
 * command can undo it.  Paths are relative to the root fd.
 */
#ifndef GPUPT_BACKUP_H
#define GPUPT_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/atomic.h"

#define GPUPT_BACKUP_DIR "var/lib/gpupt/backup" /* relative to the root */

enum {
	GPUPT_BACKUP_MAX_FILES = 16,
	GPUPT_NOTES_MAX = 4096, /* tokens noted per file, '\n'-separated */
};

struct gpupt_backup_entry {
	char path[GPUPT_PATH_MAX];
	bool old_existed; /* a copy is saved at <dir>/<path> */
	size_t old_size;
	uint64_t old_sum;
	bool new_exists; /* false: this run removed the file */
	size_t new_size;
	uint64_t new_sum;
	char notes[GPUPT_NOTES_MAX]; /* tokens added, one per line */
};

struct gpupt_backup {
	int rootfd;
	const char *command;	  /* "enable", "disable", "vm": written to the journal */
	char dir[GPUPT_PATH_MAX]; /* "var/lib/gpupt/backup/<timestamp>", "" until the first edit */
	struct gpupt_backup_entry files[GPUPT_BACKUP_MAX_FILES];
	unsigned n_files;
};

void gpupt_backup_init(struct gpupt_backup *b, int rootfd, const char *command);

/*
 * Save path's current version (or its absence) in the backup, then write
 * data atomically (mode for a new file).  The backup directory is created at
 * the first edit; a path edited twice in one run keeps its first version.
 */
int gpupt_backup_edit(struct gpupt_backup *b, const char *path, const void *data, size_t len, mode_t mode);

/* Save path in the backup, then remove it.  0 when it did not exist. */
int gpupt_backup_remove(struct gpupt_backup *b, const char *path);

/* Record a token this run added to path (listed in the journal). */
int gpupt_backup_note(struct gpupt_backup *b, const char *path, const char *token);

/* Write <dir>/journal (atomically).  Nothing to do when nothing was edited. */
int gpupt_backup_commit(struct gpupt_backup *b);

/*
 * Put every file this run edited back as it was: the saved copy is written
 * back atomically, a file that did not exist is removed.  Tries every file;
 * returns 0 or the first error.
 */
int gpupt_backup_rollback(struct gpupt_backup *b);

#endif
