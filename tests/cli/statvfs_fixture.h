/* SPDX-License-Identifier: MIT */
/*
 * A file system as full as a test wants: in a test linked with
 * -Wl,--wrap=fstatvfs, fstatvfs reports fake_free_bytes free (when not -1),
 * everything else as the real one does.
 */
#ifndef GPUPT_TESTS_STATVFS_FIXTURE_H
#define GPUPT_TESTS_STATVFS_FIXTURE_H

#include <sys/statvfs.h>

int __real_fstatvfs(int fd, struct statvfs *vfs);
int __wrap_fstatvfs(int fd, struct statvfs *vfs);
static long long fake_free_bytes = -1;

int __wrap_fstatvfs(int fd, struct statvfs *vfs)
{
	int r = __real_fstatvfs(fd, vfs);

	if (r == 0 && fake_free_bytes >= 0)
		vfs->f_bavail = (fsblkcnt_t)(fake_free_bytes / (long long)vfs->f_frsize);
	return r;
}

#endif
