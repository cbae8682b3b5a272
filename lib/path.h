/* SPDX-License-Identifier: MIT */
/*
 * Files below a directory fd: the one way gpupt reads a file.
 *
 * Every path is relative and opened with openat() from a directory fd (the
 * root "/" or --root DIR, or a directory below it), so the binder and the
 * host tool behave the same on the live system and on a fixture tree
 * (after util-linux's lib/path.c).  Reads go until end of file: procfs
 * reports a size of 0 and sysfs one of 4096 whatever the content, so a
 * file's size is only ever a hint.  Every read is bounded, and files are
 * opened with O_NONBLOCK so that a FIFO where a file should be cannot hang
 * the caller.  Functions return >= 0 or -errno and never print.
 */
#ifndef GPUPT_LIB_PATH_H
#define GPUPT_LIB_PATH_H

#include <stdbool.h>
#include <stddef.h>

enum gpupt_read_flags {
	/* One read(2): sysfs hands out a whole attribute per read, and a second
	 * read just to see the end would cost a syscall per device. */
	GPUPT_READ_ONCE = 1 << 0,
	/* Anything but a regular file is refused with -EINVAL (whole-file
	 * reads only: the binder's fixed-buffer reads stay free of fstat). */
	GPUPT_READ_REGULAR = 1 << 1,
	/* Strip one trailing newline. */
	GPUPT_READ_CHOMP = 1 << 2,
};

enum { GPUPT_FILE_MAX = 1 << 20 };	/* the usual bound of a whole-file read */

/*
 * Read dirfd/path into buf and NUL-terminate it.  Returns the length, or
 * -EFBIG when the content does not fit in size - 1 bytes, or -errno; buf
 * then holds "".
 */
int gpupt_read_file(int dirfd, const char *path, char *buf, size_t size, unsigned flags);

/*
 * Read all of dirfd/path into a malloc'd, NUL-terminated buffer (the NUL is
 * not counted in *len).  -EFBIG when it holds more than max bytes.
 */
int gpupt_read_file_alloc(int dirfd, const char *path, size_t max, unsigned flags, char **buf,
			  size_t *len);

/* Does dirfd/path exist (any type; a symlink is not followed)? */
bool gpupt_path_exists(int dirfd, const char *path);

/*
 * A single path component we are willing to put into a path: 1..255 bytes,
 * no '/', no NUL, not "." or "..".
 */
bool gpupt_path_name_ok(const char *name);

/*
 * Join NULL-terminated components with '/' into buf.  Returns the length or
 * -ENAMETOOLONG (buf then holds "").  Components are not validated here:
 * check untrusted ones with gpupt_path_name_ok() first.
 */
int gpupt_path_join(char *buf, size_t size, const char *first, ...);

#endif
