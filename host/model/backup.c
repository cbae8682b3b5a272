// SPDX-License-Identifier: MIT
/*
 * One run's backup: the previous version of every file it edits under
 * var/lib/gpupt/backup/<time>/, and what it changed, so the run can be
 * rolled back and the admin can see what happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/model/backup.h"
#include "host/model/journal.h"
#include "lib/path.h"

void gpupt_backup_init(struct gpupt_backup *b, int rootfd, const char *command)
{
	memset(b, 0, sizeof(*b));
	b->rootfd = rootfd;
	b->command = command;
}

/* var/lib/gpupt/backup/<UTC time>[.N]: a new directory for this run. */
static int backup_make_dir(struct gpupt_backup *b)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int r;

	if (b->dir[0])
		return 0;
	r = gpupt_mkdir_parents(b->rootfd, GPUPT_BACKUP_DIR);
	if (r < 0)
		return r;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	for (unsigned n = 0; n < 1000; n++) {
		int len = n ? snprintf(b->dir, sizeof(b->dir), "%s/%s.%u", GPUPT_BACKUP_DIR, stamp, n)
			    : snprintf(b->dir, sizeof(b->dir), "%s/%s", GPUPT_BACKUP_DIR, stamp);
		if (len >= (int)sizeof(b->dir))
			break;
		r = gpupt_path_mkdir(b->rootfd, b->dir, 0700);
		if (r != -EEXIST)
			break;
	}
	if (r == 0)
		return 0;
	b->dir[0] = '\0';
	return r < 0 ? r : -ENAMETOOLONG;
}

static int backup_copy_path(const struct gpupt_backup *b, const char *path, char *out, size_t size)
{
	return snprintf(out, size, "%s/%s", b->dir, path) < (int)size ? 0 : -ENAMETOOLONG;
}

static struct gpupt_backup_entry *backup_find(struct gpupt_backup *b, const char *path)
{
	for (unsigned i = 0; i < b->n_files; i++)
		if (strcmp(b->files[i].path, path) == 0)
			return &b->files[i];
	return NULL;
}

/* The entry for path, saving its current version the first time. */
static int backup_save(struct gpupt_backup *b, const char *path, struct gpupt_backup_entry **out)
{
	struct gpupt_backup_entry *e = backup_find(b, path);
	struct stat st;
	char *old = NULL;
	size_t len = 0;
	int r;

	if (e) {
		*out = e;
		return 0;
	}
	if (b->n_files >= GPUPT_BACKUP_MAX_FILES)
		return -ENOSPC;
	if (strlen(path) >= sizeof(e->path))
		return -ENAMETOOLONG;
	r = backup_make_dir(b);
	if (r < 0)
		return r;
	r = gpupt_read_file_alloc(b->rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &old, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	e = &b->files[b->n_files];
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (r == 0) {
		e->old_existed = true;
		e->old_size = len;
		e->old_sum = gpupt_checksum(old, len);
		char copy[GPUPT_PATH_MAX];
		r = gpupt_path_stat(b->rootfd, path, &st, false);
		if (r == 0)
			r = backup_copy_path(b, path, copy, sizeof(copy));
		if (r == 0)
			r = gpupt_file_write_atomic(b->rootfd, copy, old, len, st.st_mode & 07777);
		free(old);
		if (r < 0)
			return r;
	}
	e->new_exists = e->old_existed;
	e->new_size = e->old_size;
	e->new_sum = e->old_sum;
	b->n_files++;
	*out = e;
	return 0;
}

int gpupt_backup_edit(struct gpupt_backup *b, const char *path, const void *data, size_t len, mode_t mode)
{
	struct gpupt_backup_entry *e;
	int r = backup_save(b, path, &e);

	if (r < 0)
		return r;
	r = gpupt_file_write_atomic(b->rootfd, path, data, len, mode);
	if (r < 0)
		return r;
	e->new_exists = true;
	e->new_size = len;
	e->new_sum = gpupt_checksum(data, len);
	return 0;
}

int gpupt_backup_remove(struct gpupt_backup *b, const char *path)
{
	struct gpupt_backup_entry *e;
	int r;

	if (!gpupt_path_exists(b->rootfd, path))
		return 0;
	r = backup_save(b, path, &e);
	if (r < 0)
		return r;
	r = gpupt_file_remove(b->rootfd, path);
	if (r < 0)
		return r;
	e->new_exists = false;
	e->new_size = 0;
	e->new_sum = 0;
	return 0;
}

int gpupt_backup_note(struct gpupt_backup *b, const char *path, const char *token)
{
	struct gpupt_backup_entry *e = backup_find(b, path);
	size_t used, add = strlen(token);

	if (!e)
		return -ENOENT;
	if (strchr(token, '\n'))
		return -EINVAL;
	used = strlen(e->notes);
	if (used + add + 2 > sizeof(e->notes))
		return -ENOSPC;
	memcpy(e->notes + used, token, add);
	e->notes[used + add] = '\n';
	e->notes[used + add + 1] = '\0';
	return 0;
}

int gpupt_backup_commit(struct gpupt_backup *b)
{
	size_t size = 256 + b->n_files * (3 * GPUPT_PATH_MAX + GPUPT_NOTES_MAX * 2);
	char path[GPUPT_PATH_MAX];
	char *buf;
	int n, r;

	if (b->n_files == 0)
		return 0;
	r = snprintf(path, sizeof(path), "%s/journal", b->dir) < (int)sizeof(path) ? 0 : -ENAMETOOLONG;
	if (r < 0)
		return r;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	n = gpupt_backup_journal_format(b, buf, size);
	r = n < 0 ? n : 0;
	if (r == 0)
		r = gpupt_file_write_atomic(b->rootfd, path, buf, (size_t)n, 0600);
	free(buf);
	return r;
}

static int backup_restore_one(struct gpupt_backup *b, const struct gpupt_backup_entry *e)
{
	char copy[GPUPT_PATH_MAX];
	struct stat st;
	char *old;
	size_t len;
	int r;

	if (!e->old_existed)
		return gpupt_file_remove(b->rootfd, e->path);
	r = backup_copy_path(b, e->path, copy, sizeof(copy));
	if (r < 0)
		return r;
	r = gpupt_path_stat(b->rootfd, copy, &st, false);
	if (r < 0)
		return r;
	r = gpupt_read_file_alloc(b->rootfd, copy, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &old, &len);
	if (r < 0)
		return r;
	r = gpupt_file_write_atomic(b->rootfd, e->path, old, len, st.st_mode & 07777);
	free(old);
	return r;
}

int gpupt_backup_rollback(struct gpupt_backup *b)
{
	int first = 0;

	/* Newest first, so a path touched in two steps ends at its first version. */
	for (unsigned i = b->n_files; i-- > 0;) {
		int r = backup_restore_one(b, &b->files[i]);
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}
