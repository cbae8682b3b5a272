/* SPDX-License-Identifier: MIT */
/* Generic attribute I/O below a directory fd: read, write, links, paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "lib/number.h"
#include "sysfs/sysfs.h"

bool gpupt_sysfs_name_ok(const char *name)
{
	size_t len = strnlen(name, 256);

	if (len == 0 || len > 255 || memchr(name, '/', len))
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int gpupt_sysfs_path(char *buf, size_t size, const char *first, ...)
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

static ssize_t read_retry(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/*
 * One read(2) only: sysfs hands out a whole attribute per read, and a second
 * read just to see EOF would cost a syscall per device while scanning.  A
 * buffer filled to the brim gets one more read to tell "fits" from "too big".
 */
int gpupt_sysfs_read(int dirfd, const char *path, char *buf, size_t size)
{
	char extra;
	ssize_t n;
	int fd;

	if (size < 2)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read_retry(fd, buf, size - 1);
	if (n == (ssize_t)size - 1 && read_retry(fd, &extra, 1) != 0)
		n = -EFBIG;
	close(fd);
	if (n < 0) {
		buf[0] = '\0';
		return (int)n;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

int gpupt_sysfs_read_ulong(int dirfd, const char *path, unsigned long *out)
{
	char buf[32];
	int r = gpupt_sysfs_read(dirfd, path, buf, sizeof(buf));

	return r < 0 ? r : gpupt_parse_ulong(buf, (size_t)r, out);
}

int gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len)
{
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

int gpupt_sysfs_write_str(int dirfd, const char *path, const char *val)
{
	return gpupt_sysfs_write(dirfd, path, val, strlen(val));
}

int gpupt_sysfs_link_name(int dirfd, const char *path, char *buf, size_t size)
{
	char target[256];
	const char *base;
	ssize_t n = readlinkat(dirfd, path, target, sizeof(target) - 1);
	size_t len;

	if (size > 0)
		buf[0] = '\0';
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	len = strlen(base);
	if (len == 0)
		return -EINVAL;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, base, len + 1);
	return (int)len;
}

/* openat(O_PATH) rather than faccessat(): musl's faccessat carries a fallback. */
int gpupt_sysfs_exists(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_PATH | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}
