// SPDX-License-Identifier: MIT
/* Attribute I/O below a directory fd: read, write, links. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/number.h"
#include "lib/path.h"
#include "sysfs/sysfs.h"

/* Sysfs hands out an attribute whole in one read(2): one syscall per attribute. */
int gpupt_sysfs_read(int dirfd, const char *path, char *buf, size_t size)
{
	return gpupt_read_file(dirfd, path, buf, size, GPUPT_READ_ONCE | GPUPT_READ_CHOMP);
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

	/* O_NONBLOCK: a FIFO in an attribute's place fails (ENXIO) instead of waiting for a reader. */
	fd = gpupt_path_open(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
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
	ssize_t n = gpupt_path_readlink(dirfd, path, target, sizeof(target) - 1);
	size_t len;

	if (size > 0)
		buf[0] = '\0';
	if (n < 0)
		return n == -ENOENT ? 0 : (int)n;
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
	int fd = gpupt_path_open(dirfd, path, O_PATH | O_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}
