/* SPDX-License-Identifier: MIT */
/*
 * Safe edits of files below a directory fd.
 *
 * Every write goes to a temp file in the same directory (O_EXCL), takes the
 * old file's mode and owner, is fsync'ed and renamed over the old file, and
 * the directory is fsync'ed.  A failure at any step leaves the old file
 * byte-identical and no temp file behind.  Paths are relative to the
 * directory fd, without a leading '/': "etc/default/grub".
 */
#ifndef GPUPT_LIB_ATOMIC_H
#define GPUPT_LIB_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	GPUPT_PATH_MAX = 256,
};

/*
 * Replace or create path with data, atomically.  An existing file keeps its
 * mode and owner; a new file gets mode.  Missing parent directories are
 * created (0755).  Returns 0 or -errno; on failure path is untouched.
 * A symlink at path is refused with -ELOOP, never replaced.  Every
 * directory is resolved through lib/path.h, so --root confinement holds.
 */
int gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len, mode_t mode);

/* Create dir and its missing parents (0755); 0 when it exists already. */
int gpupt_mkdir_parents(int rootfd, const char *dir);

/* Remove path and fsync its directory; 0 when it did not exist. */
int gpupt_file_remove(int rootfd, const char *path);

/* Remove the empty directory dir and fsync its parent; 0 when it did not exist. */
int gpupt_dir_remove(int rootfd, const char *dir);

/* Content checksum recorded in journals (64-bit FNV-1a). */
uint64_t gpupt_checksum(const void *data, size_t len);

#endif
