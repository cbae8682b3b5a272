/* SPDX-License-Identifier: MIT */
/* Atomic file replacement below the root, with a backup and a journal. */
#include "lib/atomic.h"
#include "lib/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t gpupt_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Split "a/b/c" into its directory ("a/b", or "." for none) and base name. */
static int split_path(const char *path, char *dir, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!*path || path[0] == '/')
		return -EINVAL;
	if (!slash) {
		*base = path;
		return snprintf(dir, size, ".") < (int)size ? 0 : -ENAMETOOLONG;
	}
	if ((size_t)(slash - path) >= size)
		return -ENAMETOOLONG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	*base = slash + 1;
	return **base ? 0 : -EINVAL;
}

static int mkdir_parents(int rootfd, const char *dir)
{
	char part[GPUPT_PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(part))
		return -ENAMETOOLONG;
	for (size_t i = 1; i <= len; i++) {
		if (dir[i] != '/' && dir[i] != '\0')
			continue;
		memcpy(part, dir, i);
		part[i] = '\0';
		if (mkdirat(rootfd, part, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static int open_dir(int rootfd, const char *dir, bool create)
{
	int fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create && strcmp(dir, ".") != 0) {
		int r = mkdir_parents(rootfd, dir);
		if (r < 0)
			return r;
		fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* A fresh temp file next to base; its name goes to tmp. */
static int open_temp(int dirfd, const char *base, char *tmp, size_t size)
{
	static unsigned counter;

	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (snprintf(tmp, size, ".%s.gpupt-%ld-%lx%x", base, (long)getpid(),
			     (unsigned long)ts.tv_nsec, counter++) >= (int)size)
			return -ENAMETOOLONG;
		int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

/* The new file gets the old one's mode and owner (or mode, if there is none). */
static int copy_attributes(int fd, int dirfd, const char *base, mode_t mode)
{
	struct stat old, cur;

	if (fstatat(dirfd, base, &old, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
		return fchmod(fd, mode) < 0 ? -errno : 0;
	}
	if (fchmod(fd, old.st_mode & 07777) < 0 || fstat(fd, &cur) < 0)
		return -errno;
	if ((cur.st_uid != old.st_uid || cur.st_gid != old.st_gid) &&
	    fchown(fd, old.st_uid, old.st_gid) < 0)
		return -errno;
	return 0;
}

static int fill_temp(int fd, int dirfd, const char *base, const void *data, size_t len,
		     mode_t mode)
{
	int r = copy_attributes(fd, dirfd, base, mode);

	if (r < 0)
		return r;
	r = write_all(fd, data, len);
	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

int gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len,
			    mode_t mode)
{
	char dir[GPUPT_PATH_MAX], tmp[GPUPT_PATH_MAX];
	const char *base;
	int dirfd, fd, r;

	r = split_path(path, dir, sizeof(dir), &base);
	if (r < 0)
		return r;
	dirfd = open_dir(rootfd, dir, true);
	if (dirfd < 0)
		return dirfd;
	fd = open_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0) {
		r = fd;
		goto out;
	}
	r = fill_temp(fd, dirfd, base, data, len, mode);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, base) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		goto out;
	}
	/* The rename is done; a failed directory fsync is still reported. */
	if (fsync(dirfd) < 0)
		r = -errno;
out:
	close(dirfd);
	return r;
}

int gpupt_file_remove(int rootfd, const char *path)
{
	char dir[GPUPT_PATH_MAX];
	const char *base;
	int dirfd, r;

	r = split_path(path, dir, sizeof(dir), &base);
	if (r < 0)
		return r;
	dirfd = open_dir(rootfd, dir, false);
	if (dirfd < 0)
		return dirfd == -ENOENT ? 0 : dirfd;
	r = 0;
	if (unlinkat(dirfd, base, 0) < 0)
		r = errno == ENOENT ? 0 : -errno;
	else if (fsync(dirfd) < 0)
		r = -errno;
	close(dirfd);
	return r;
}

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
	r = mkdir_parents(b->rootfd, GPUPT_BACKUP_DIR);
	if (r < 0)
		return r;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	for (unsigned n = 0; n < 1000; n++) {
		int len = n ? snprintf(b->dir, sizeof(b->dir), "%s/%s.%u", GPUPT_BACKUP_DIR, stamp, n)
			    : snprintf(b->dir, sizeof(b->dir), "%s/%s", GPUPT_BACKUP_DIR, stamp);
		if (len >= (int)sizeof(b->dir))
			break;
		if (mkdirat(b->rootfd, b->dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	r = errno == EEXIST ? -EEXIST : -errno;
	b->dir[0] = '\0';
	return r ? r : -ENAMETOOLONG;
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
		r = fstatat(b->rootfd, path, &st, 0) < 0 ? -errno : 0;
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

int gpupt_backup_edit(struct gpupt_backup *b, const char *path, const void *data, size_t len,
		      mode_t mode)
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

	if (faccessat(b->rootfd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
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

static int journal_entry(char *buf, size_t size, const struct gpupt_backup_entry *e)
{
	const char *tok = e->notes;
	int n = snprintf(buf, size, "file %s\nold %s %zu %016llx\nnew %s %zu %016llx\n", e->path,
			 e->old_existed ? "present" : "absent", e->old_size,
			 (unsigned long long)e->old_sum, e->new_exists ? "present" : "absent",
			 e->new_size, (unsigned long long)e->new_sum);

	while (n >= 0 && (size_t)n < size && *tok) {
		const char *nl = strchr(tok, '\n');
		n += snprintf(buf + n, size - (size_t)n, "token %.*s\n", (int)(nl - tok), tok);
		tok = nl + 1;
	}
	return n >= 0 && (size_t)n < size ? n : -ENOSPC;
}

int gpupt_backup_commit(struct gpupt_backup *b)
{
	size_t size = 256 + b->n_files * (3 * GPUPT_PATH_MAX + GPUPT_NOTES_MAX * 2);
	char path[GPUPT_PATH_MAX];
	char *buf;
	int n, r;

	if (b->n_files == 0)
		return 0;
	r = snprintf(path, sizeof(path), "%s/journal", b->dir) < (int)sizeof(path) ? 0
										      : -ENAMETOOLONG;
	if (r < 0)
		return r;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	n = snprintf(buf, size, "# gpupt backup journal: what one run changed; old versions beside it\n"
				"command %s\n", b->command ? b->command : "-");
	for (unsigned i = 0; i < b->n_files && r == 0; i++) {
		int m = journal_entry(buf + n, size - (size_t)n, &b->files[i]);
		if (m < 0)
			r = m;
		else
			n += m;
	}
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
	if (fstatat(b->rootfd, copy, &st, 0) < 0)
		return -errno;
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
