// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/macro.h"
#include "lib/path.h"

/* openat2(2)'s ABI (linux/openat2.h), which musl's headers lack. */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
struct open_how_abi {
	uint64_t flags, mode, resolve; /* cppcheck-suppress unusedStructMember */
};
enum {
	RESOLVE_NO_MAGICLINKS_ABI = 0x02,
	RESOLVE_IN_ROOT_ABI = 0x10,
	WALK_MAX_LINKS = 40,
	OPENAT2_TRIES = 16
};

/* The confined root, and the directories opened below it with their root-relative paths. */
static int confined_root = -1;
static bool walk_forced;
static struct {
	int fd;
	char rel[512];
} dirs[16];

void gpupt_path_confine(int rootfd)
{
	confined_root = rootfd;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		dirs[i].fd = -1;
}

void gpupt_path_force_walk(bool on)
{
	walk_forced = on;
}

/* dirfd's path below the confined root ("" for the root), or NULL when not known. */
static const char *dir_rel(int dirfd)
{
	if (dirfd == confined_root)
		return "";
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (dirs[i].fd == dirfd && dirfd >= 0)
			return dirs[i].rel;
	return NULL;
}

/* Drop the leading component of *todo into comp; false when none is left. */
static bool next_component(const char **todo, char *comp, size_t size)
{
	const char *p = *todo;
	size_t n;

	while (*p == '/')
		p++;
	n = strcspn(p, "/");
	if (n == 0 || n >= size)
		return false;
	memcpy(comp, p, n);
	comp[n] = '\0';
	*todo = p + n;
	return true;
}

static bool append_component(char *buf, size_t *len, size_t size, const char *comp)
{
	size_t n = strlen(comp);

	if (*len + 1 + n >= size)
		return false;
	if (*len)
		buf[(*len)++] = '/';
	memcpy(buf + *len, comp, n + 1);
	*len += n;
	return true;
}

/* Cut the last component off buf. */
static void drop_component(char *buf, size_t *len)
{
	while (*len > 0 && buf[--*len] != '/')
		;
	buf[*len] = '\0';
}

/*
 * RESOLVE_IN_ROOT in user space, for kernels before 5.6: resolve each
 * component below rootfd, following symlinks by hand (an absolute target
 * starts again at rootfd, ".." stops there).  Racy against a concurrent
 * rename, which openat2 is not; good enough for a fallback.
 */
static int walk_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	char todo[PATH_MAX], done[PATH_MAX] = "", comp[NAME_MAX + 1], link[PATH_MAX], next[PATH_MAX];
	const char *rest = todo;
	size_t dlen = 0;
	int links = 0, fd;

	if (gpupt_path_join(todo, sizeof(todo), path, (const char *)NULL) < 0)
		return -ENAMETOOLONG;
	while (next_component(&rest, comp, sizeof(comp))) {
		bool last = rest[strspn(rest, "/")] == '\0';
		ssize_t n;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			drop_component(done, &dlen);
			continue;
		}
		if (!append_component(done, &dlen, sizeof(done), comp))
			return -ENAMETOOLONG;
		if (last && (flags & O_NOFOLLOW))
			break;
		n = readlinkat(rootfd, done, link, sizeof(link) - 1);
		if (n < 0 && errno != EINVAL && errno != ENOENT)
			return -errno;
		if (n < 0)
			continue;
		if (++links > WALK_MAX_LINKS)
			return -ELOOP;
		link[n] = '\0';
		drop_component(done, &dlen);
		if (link[0] == '/')
			dlen = 0;
		if (gpupt_path_join(next, sizeof(next), link, rest, (const char *)NULL) < 0)
			return -ENAMETOOLONG;
		memcpy(todo, next, strlen(next) + 1);
		rest = todo;
	}
	fd = openat(rootfd, dlen ? done : ".", flags | O_NOFOLLOW, mode);
	return fd < 0 ? -errno : fd;
}

static int open_in_root(const char *path, int flags, mode_t mode)
{
	struct open_how_abi how = {
		.flags = (uint64_t)flags,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT_ABI | RESOLVE_NO_MAGICLINKS_ABI,
	};
	/*
	 * EAGAIN: a ".." of the walk met a rename or a mount somewhere on the
	 * machine, and the kernel cannot vouch that it stayed inside the root
	 * (openat2(2) says to retry).  sysfs's links are all "../../..", and a
	 * busy host renames all the time; after OPENAT2_TRIES the walk in user
	 * space does it.
	 */
	for (int i = 0; !walk_forced && i < OPENAT2_TRIES; i++) {
		long fd = syscall(SYS_openat2, confined_root, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno == ENOSYS)
			break;
		if (errno != EAGAIN)
			return -errno;
	}
	return walk_in_root(confined_root, path, flags, mode);
}

int gpupt_path_open_root(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	gpupt_path_confine(strcmp(dir, "/") == 0 ? -1 : fd);
	return fd;
}

int gpupt_path_open(int dirfd, const char *path, int flags, mode_t mode)
{
	const char *rel = confined_root >= 0 ? dir_rel(dirfd) : NULL;
	char full[PATH_MAX];

	if (!rel) {
		int fd = openat(dirfd, path, flags, mode);

		return fd < 0 ? -errno : fd;
	}
	if (gpupt_path_join(full, sizeof(full), rel, path, (const char *)NULL) < 0)
		return -ENAMETOOLONG;
	return open_in_root(full, flags, mode);
}

int gpupt_path_open_dir(int dirfd, const char *path)
{
	const char *rel = confined_root >= 0 ? dir_rel(dirfd) : NULL;
	int fd = gpupt_path_open(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0 || !rel)
		return fd;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i].fd >= 0)
			continue;
		if (gpupt_path_join(dirs[i].rel, sizeof(dirs[i].rel), rel, path, (const char *)NULL) < 0)
			break;
		dirs[i].fd = fd;
		return fd;
	}
	close(fd);
	return -ENAMETOOLONG;
}

void gpupt_path_close_dir(int fd)
{
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (dirs[i].fd == fd)
			dirs[i].fd = -1;
	if (fd >= 0)
		close(fd);
}

int gpupt_path_open_parent(int dirfd, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];

	*base = slash ? slash + 1 : path;
	if (!**base || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
		return -EINVAL;
	if (!slash)
		return gpupt_path_open(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if ((size_t)(slash - path) >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	return gpupt_path_open(dirfd, slash == path ? "/" : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}

int gpupt_path_stat(int dirfd, const char *path, struct stat *st, bool follow)
{
	int fd = gpupt_path_open(dirfd, path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), 0);
	int r = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		r = -errno;
	close(fd);
	return r;
}

ssize_t gpupt_path_readlink(int dirfd, const char *path, char *buf, size_t size)
{
	const char *base;
	int pfd = gpupt_path_open_parent(dirfd, path, &base);
	ssize_t n;

	if (pfd < 0)
		return pfd;
	n = readlinkat(pfd, base, buf, size);
	if (n < 0)
		n = -errno;
	close(pfd);
	return n;
}

int gpupt_path_mkdir(int dirfd, const char *path, mode_t mode)
{
	const char *base;
	int pfd = gpupt_path_open_parent(dirfd, path, &base), r = 0;

	if (pfd < 0)
		return pfd;
	if (mkdirat(pfd, base, mode) < 0)
		r = -errno;
	close(pfd);
	return r;
}

int gpupt_path_resolve(int dirfd, const char *path, char *buf, size_t size)
{
	char proc[32] = "/proc/self/fd/";
	int fd = gpupt_path_open(dirfd, path, O_PATH | O_CLOEXEC, 0), i = 14, d = 1;
	ssize_t n;

	if (fd < 0)
		return fd;
	/* snprintf-free itoa: lib/path.c is linked into the static binder. */
	while (fd / d >= 10)
		d *= 10;
	for (; d > 0; d /= 10)
		proc[i++] = (char)('0' + fd / d % 10);
	proc[i] = '\0';
	n = readlink(proc, buf, size > 0 ? size - 1 : 0);
	if (n < 0)
		n = -errno;
	else if ((size_t)n >= size - 1)
		n = -ENAMETOOLONG;
	else
		buf[n] = '\0';
	close(fd);
	return (int)n;
}

DIR *gpupt_path_opendir(int dirfd, const char *path)
{
	int fd = gpupt_path_open(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	DIR *dir;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir)
		close(fd);
	return dir;
}

static int open_for_reading(int dirfd, const char *path)
{
	return gpupt_path_open(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
}

static ssize_t read_retry(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Fill buf[0..size) until end of file; size itself means "maybe more". */
static ssize_t read_until_eof(int fd, char *buf, size_t size, unsigned flags)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read_retry(fd, buf + got, size - got);

		if (n <= 0)
			return n < 0 ? n : (ssize_t)got;
		got += (size_t)n;
		if (flags & GPUPT_READ_ONCE)
			break;
	}
	return (ssize_t)got;
}

static size_t chomp(const char *buf, size_t len, unsigned flags)
{
	return (flags & GPUPT_READ_CHOMP) && len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
}

/* GPUPT_READ_REGULAR: -EINVAL for a FIFO, a device node, a directory or a socket. */
static int check_regular(int fd, struct stat *st, unsigned flags)
{
	if (fstat(fd, st) < 0)
		return -errno;
	return (flags & GPUPT_READ_REGULAR) && !S_ISREG(st->st_mode) ? -EINVAL : 0;
}

int gpupt_read_file(int dirfd, const char *path, char *buf, size_t size, unsigned flags)
{
	struct stat st;
	char extra;
	ssize_t n;
	int fd;

	if (size < 2)
		return -EINVAL;
	buf[0] = '\0';
	fd = open_for_reading(dirfd, path);
	if (fd < 0)
		return fd;
	/* fstat only when asked: the binder's sysfs reads stay one open, read, close. */
	n = flags & GPUPT_READ_REGULAR ? check_regular(fd, &st, flags) : 0;
	if (n == 0 && (flags & GPUPT_READ_SEEKABLE) && lseek(fd, 0, SEEK_CUR) < 0)
		n = -errno;
	if (n == 0)
		n = read_until_eof(fd, buf, size - 1, flags);
	/* A buffer filled to the brim gets one more read to tell "fits" from "too big". */
	if (n == (ssize_t)size - 1 && read_retry(fd, &extra, 1) != 0)
		n = -EFBIG;
	close(fd);
	if (n < 0) {
		buf[0] = '\0';
		return (int)n;
	}
	n = (ssize_t)chomp(buf, (size_t)n, flags);
	buf[n] = '\0';
	return (int)n;
}

/* The first capacity: the size the file tells, plus one byte to see the end at once. */
static size_t first_capacity(const struct stat *st, size_t max)
{
	if (S_ISREG(st->st_mode) && st->st_size > 0 && (size_t)st->st_size <= max)
		return (size_t)st->st_size + 1;
	return max < 4096 ? max + 1 : 4096;
}

static int read_growing(int fd, const struct stat *st, size_t max, char **bufp, size_t *lenp)
{
	size_t cap = first_capacity(st, max), len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = read_retry(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len > max) {
			n = -EFBIG;
			break;
		}
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);

			if (!bigger) {
				n = -ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int gpupt_read_file_alloc(int dirfd, const char *path, size_t max, unsigned flags, char **buf, size_t *len)
{
	int fd = open_for_reading(dirfd, path), r;
	struct stat st;

	if (fd < 0)
		return fd;
	r = check_regular(fd, &st, flags);
	if (r == 0)
		r = read_growing(fd, &st, max, buf, len);
	close(fd);
	if (r == 0) {
		*len = chomp(*buf, *len, flags);
		(*buf)[*len] = '\0';
	}
	return r;
}

const char *gpupt_read_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == EINVAL || err == ESPIPE)
		return "not a regular file (a FIFO, a device or a directory)";
	return strerror(err);
}

bool gpupt_path_exists(int dirfd, const char *path)
{
	struct stat st;

	return gpupt_path_stat(dirfd, path, &st, false) == 0;
}

bool gpupt_path_name_ok(const char *name)
{
	size_t len = strnlen(name, 256);

	if (len == 0 || len > 255 || memchr(name, '/', len))
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int gpupt_path_join(char *buf, size_t size, const char *first, ...)
{
	va_list ap;
	size_t len = 0;
	int r = 0;

	va_start(ap, first);
	for (const char *part = first; part; part = va_arg(ap, const char *)) {
		size_t n = strlen(part);

		if (len + (len > 0) + n >= size) {
			r = -ENAMETOOLONG;
			break;
		}
		if (len > 0)
			buf[len++] = '/';
		memcpy(buf + len, part, n);
		len += n;
	}
	va_end(ap);
	if (size > 0)
		buf[r < 0 ? 0 : len] = '\0';
	return r < 0 ? r : (int)len;
}
