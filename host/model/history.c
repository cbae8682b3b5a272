// SPDX-License-Identifier: MIT
/*
 * The backups under var/lib/gpupt/backup/: listed newest first, and pruned
 * to those the main journal refers to and the newest GPUPT_BACKUP_KEEP.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/model/history.h"
#include "lib/msg.h"
#include "lib/path.h"

enum { BACKUPS_MAX = 4096 };

/* A name backup.c makes: 20261207T101500Z, maybe with ".N". */
static bool is_backup_name(const char *name)
{
	return strlen(name) < GPUPT_BACKUP_NAME && name[0] >= '0' && name[0] <= '9' &&
	       gpupt_path_name_ok(name);
}

/* The run number after a name's time: "20261207T101500Z.2" is 2, without one 0. */
static unsigned long run_number(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? strtoul(dot + 1, NULL, 10) : 0;
}

static int newest_first(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t xl = strcspn(x, "."), yl = strcspn(y, ".");
	int r = xl != yl ? (yl > xl) - (yl < xl) : strncmp(y, x, xl);
	unsigned long xn = run_number(x), yn = run_number(y);

	return r ? r : (yn > xn) - (yn < xn);
}

/* The backups' names, newest first: malloc'd array in *names; their number or -errno. */
static int backup_names(int rootfd, char ***names)
{
	DIR *d = gpupt_path_opendir(rootfd, GPUPT_BACKUP_DIR);
	struct dirent *e;
	size_t n = 0;

	*names = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	*names = calloc(BACKUPS_MAX, sizeof(**names));
	while (*names && n < BACKUPS_MAX && (e = readdir(d)) != NULL)
		if (is_backup_name(e->d_name) && ((*names)[n] = strdup(e->d_name)) != NULL)
			n++;
	closedir(d);
	if (!*names)
		return -ENOMEM;
	qsort(*names, n, sizeof(**names), newest_first);
	return (int)n;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Does the journal keep a version saved in backup name? */
static bool journal_needs(const struct gpupt_plan *j, const char *name)
{
	size_t dl = strlen(GPUPT_BACKUP_DIR), nl = strlen(name);

	for (unsigned i = 0; j && i < j->n; i++) {
		const char *p = j->c[i].prior;

		if (j->c[i].prior_saved && strncmp(p, GPUPT_BACKUP_DIR, dl) == 0 && p[dl] == '/' &&
		    strncmp(p + dl + 1, name, nl) == 0 && p[dl + 1 + nl] == '/')
			return true;
	}
	return false;
}

static void read_summary(int rootfd, struct gpupt_backup_info *b)
{
	char path[GPUPT_PATH_MAX], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s/journal", GPUPT_BACKUP_DIR, b->name);
	b->err = gpupt_read_file_alloc(rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);
	if (b->err < 0)
		return;
	b->err = gpupt_backup_journal_parse(buf, len, &b->s);
	free(buf);
}

int gpupt_backups_list(int rootfd, const struct gpupt_plan *j, struct gpupt_backup_info *out, size_t max)
{
	char **names;
	int n = backup_names(rootfd, &names);

	for (int i = 0; i < n && (size_t)i < max; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].name, sizeof(out[i].name), "%s", names[i]);
		out[i].needed = journal_needs(j, names[i]);
		read_summary(rootfd, &out[i]);
	}
	free_names(names, n);
	return n;
}

/*
 * Remove dirfd/name and all below it.  Nothing is followed: a symlink is
 * removed as a link, a directory opened with O_NOFOLLOW.
 */
static int remove_tree(int parent, const char *name)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int fd, r = 0;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0) < 0 ? -errno : 0;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			r = remove_tree(dirfd(d), e->d_name);
	closedir(d);
	if (r == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

int gpupt_backups_prune(int rootfd, FILE *err)
{
	struct gpupt_plan *j = calloc(1, sizeof(*j));
	struct gpupt_journal_seen seen;
	char **names = NULL;
	int n = 0, removed = 0, dir = -1, r = j ? 0 : -ENOMEM;

	/* What disable needs is known only from a journal that can be read. */
	if (r == 0 && gpupt_journal_read(rootfd, NULL, j, &seen) < 0)
		r = -EBADMSG;
	if (r == 0)
		n = r = backup_names(rootfd, &names);
	if (r > GPUPT_BACKUP_KEEP && (dir = gpupt_path_open_dir(rootfd, GPUPT_BACKUP_DIR)) < 0)
		r = dir;
	for (int i = GPUPT_BACKUP_KEEP; r >= 0 && dir >= 0 && i < n; i++) {
		int e;

		if (journal_needs(j, names[i]))
			continue;
		e = remove_tree(dir, names[i]);
		if (e < 0)
			gpupt_warn(err, "cannot remove the old backup /%s/%s: %s\n", GPUPT_BACKUP_DIR,
				   names[i], strerror(-e));
		else
			removed++;
	}
	if (dir >= 0)
		gpupt_path_close_dir(dir);
	free_names(names, n > 0 ? n : 0);
	if (j)
		gpupt_plan_free(j);
	free(j);
	return r < 0 && r != -EBADMSG ? r : removed;
}
