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
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Confinement: with --root DIR, every path gpupt opens must stay inside DIR,
 * symlinks included (an absolute link in DIR means DIR/..., and ".." stops
 * at DIR), as if DIR were "/".  gpupt_path_confine(rootfd) turns that on for
 * every path opened relative to rootfd, or to a directory opened with
 * gpupt_path_open_dir() below it; -1 turns it off (the root is "/", where
 * plain openat() is already right).  The kernel does the resolving
 * (openat2(RESOLVE_IN_ROOT), Linux 5.6); before that a component walk does
 * the same in user space.
 */
void gpupt_path_confine(int rootfd);

/*
 * Open the root directory dir (O_PATH) and confine every later path to it
 * unless it is "/".  Returns the fd or -errno.
 */
int gpupt_path_open_root(const char *dir);

/* openat(2) for a path below dirfd, confined as above.  Returns an fd or -errno. */
int gpupt_path_open(int dirfd, const char *path, int flags, mode_t mode);

/*
 * A directory fd (O_RDONLY|O_DIRECTORY|O_CLOEXEC) for dirfd/path, confined
 * as above; paths below it stay confined too.  Close it with
 * gpupt_path_close_dir().  Returns the fd or -errno.
 */
int gpupt_path_open_dir(int dirfd, const char *path);
void gpupt_path_close_dir(int fd);

/*
 * The parent directory of dirfd/path, confined, for the *at() calls that
 * take a single name (mkdirat, unlinkat, renameat, fstatat): *base points
 * into path at the last component, which must be a name.  Close it with
 * close(); it is not for paths of more than one component.
 */
int gpupt_path_open_parent(int dirfd, const char *path, const char **base);

/* fstat of dirfd/path, confined; a final symlink is followed only with follow. */
int gpupt_path_stat(int dirfd, const char *path, struct stat *st, bool follow);

/* readlink of dirfd/path, confined (the link itself is read, not followed). */
ssize_t gpupt_path_readlink(int dirfd, const char *path, char *buf, size_t size);

/* mkdir of dirfd/path, confined.  0 or -errno (-EEXIST when it exists). */
int gpupt_path_mkdir(int dirfd, const char *path, mode_t mode);

/*
 * The absolute path that dirfd/path resolves to, confined, for libraries
 * that take a path string (libpci, libkmod): the kernel's name of the
 * opened file (/proc/self/fd), so a symlink in the root cannot send them
 * outside it.  Returns the length or -errno.
 */
int gpupt_path_resolve(int dirfd, const char *path, char *buf, size_t size);

/* A directory stream for dirfd/path, confined; NULL with errno set. */
DIR *gpupt_path_opendir(int dirfd, const char *path);

/* Tests only: resolve with the user-space walk even where openat2 exists. */
void gpupt_path_force_walk(bool on);

enum gpupt_read_flags {
	/* One read(2): sysfs hands out a whole attribute per read, and a second
	 * read just to see the end would cost a syscall per device. */
	GPUPT_READ_ONCE = 1 << 0,
	/* Anything but a regular file (a FIFO, a device node, a directory) is
	 * refused with -EINVAL, before any read.  Costs an fstat(2), so the
	 * binder's sysfs reads go without it; every read of a file a person
	 * may have replaced (a config file, a ROM dump) should use it.  procfs
	 * and sysfs files are regular files. */
	GPUPT_READ_REGULAR = 1 << 1,
	/* Strip one trailing newline. */
	GPUPT_READ_CHOMP = 1 << 2,
	/* What cannot seek (a FIFO, a socket, a terminal) is refused with
	 * -ESPIPE, before any read: the part of GPUPT_READ_REGULAR the binder
	 * affords (lseek(2) costs it a few bytes where fstat(2) costs 800).
	 * A directory then fails the read with -EISDIR, and a device node is
	 * read up to the bound like a file. */
	GPUPT_READ_SEEKABLE = 1 << 3,
};

enum { GPUPT_FILE_MAX = 1 << 20 }; /* the usual bound of a whole-file read */

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
int gpupt_read_file_alloc(int dirfd, const char *path, size_t max, unsigned flags, char **buf, size_t *len);

/*
 * strerror() for what the readers return: -EINVAL after GPUPT_READ_REGULAR
 * and -ESPIPE after GPUPT_READ_SEEKABLE say "not a regular file (...)".
 */
const char *gpupt_read_strerror(int err);

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
