// SPDX-License-Identifier: MIT
/* Atomic file replacement below a directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "lib/path.h"

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

int gpupt_mkdir_parents(int rootfd, const char *dir)
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
		int r = gpupt_path_mkdir(rootfd, part, 0755);

		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static int open_dir(int rootfd, const char *dir, bool create)
{
	int fd = gpupt_path_open(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd == -ENOENT && create && strcmp(dir, ".") != 0) {
		int r = gpupt_mkdir_parents(rootfd, dir);

		if (r < 0)
			return r;
		fd = gpupt_path_open(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	}
	return fd;
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

/*
 * The new file gets the old one's mode and owner (or mode, if there is
 * none).  A symlink in its place is refused (-ELOOP): replacing it would
 * turn a link to someone else's file into a regular file of ours.
 */
static int copy_attributes(int fd, int dirfd, const char *base, mode_t mode)
{
	struct stat old, cur;

	if (fstatat(dirfd, base, &old, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		return fchmod(fd, mode) < 0 ? -errno : 0;
	}
	if (S_ISLNK(old.st_mode))
		return -ELOOP;
	if (fchmod(fd, old.st_mode & 07777) < 0 || fstat(fd, &cur) < 0)
		return -errno;
	if ((cur.st_uid != old.st_uid || cur.st_gid != old.st_gid) && fchown(fd, old.st_uid, old.st_gid) < 0)
		return -errno;
	return 0;
}

static int fill_temp(int fd, int dirfd, const char *base, const void *data, size_t len, mode_t mode)
{
	int r = copy_attributes(fd, dirfd, base, mode);

	if (r < 0)
		return r;
	r = write_all(fd, data, len);
	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

int gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len, mode_t mode)
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

static int remove_entry(int rootfd, const char *path, int flags)
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
	if (unlinkat(dirfd, base, flags) < 0)
		r = errno == ENOENT ? 0 : -errno;
	else if (fsync(dirfd) < 0)
		r = -errno;
	close(dirfd);
	return r;
}

int gpupt_file_remove(int rootfd, const char *path)
{
	return remove_entry(rootfd, path, 0);
}

int gpupt_dir_remove(int rootfd, const char *dir)
{
	return remove_entry(rootfd, dir, AT_REMOVEDIR);
}
