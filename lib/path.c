// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/path.h"

static int open_for_reading(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
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

int gpupt_read_file(int dirfd, const char *path, char *buf, size_t size, unsigned flags)
{
	char extra;
	ssize_t n;
	int fd;

	if (size < 2)
		return -EINVAL;
	buf[0] = '\0';
	fd = open_for_reading(dirfd, path);
	if (fd < 0)
		return fd;
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

int gpupt_read_file_alloc(int dirfd, const char *path, size_t max, unsigned flags, char **buf,
			  size_t *len)
{
	int fd = open_for_reading(dirfd, path), r;
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if ((flags & GPUPT_READ_REGULAR) && !S_ISREG(st.st_mode))
		r = -EINVAL;
	else
		r = read_growing(fd, &st, max, buf, len);
	close(fd);
	if (r == 0) {
		*len = chomp(*buf, *len, flags);
		(*buf)[*len] = '\0';
	}
	return r;
}

bool gpupt_path_exists(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
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
