/* SPDX-License-Identifier: MIT */
/*
 * A fixture root whose proc/ and sys/ files report the kernel's sizes: in a
 * test linked with -Wl,--wrap=fstat, while `pseudo` is on, fstat of a
 * regular file below ROOT/proc reports a size of 0, as procfs does, and
 * below ROOT/sys one of 4096, as sysfs does, whatever the content.  A
 * reader that trusted st_size would read them as empty or cut.  Set the
 * root with pseudo_root_set() first; `pseudo_faked` counts the sizes
 * reported so.
 */
#ifndef GPUPT_TESTS_PSEUDO_FIXTURE_H
#define GPUPT_TESTS_PSEUDO_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);

static bool pseudo;			/* make proc/ and sys/ below the root look like the kernel's */
static char pseudo_dir[PATH_MAX];	/* the fixture root, resolved */
static unsigned pseudo_faked;		/* fstat calls that reported a kernel-like size */

/* Is path below dir (proc, sys) of the root? */
static inline bool pseudo_below(const char *path, const char *dir)
{
	size_t rl = strlen(pseudo_dir), dl = strlen(dir);

	return strncmp(path, pseudo_dir, rl) == 0 && path[rl] == '/' &&
	       strncmp(path + rl + 1, dir, dl) == 0 && path[rl + 1 + dl] == '/';
}

int __wrap_fstat(int fd, struct stat *st)
{
	char link[64], path[PATH_MAX];
	int r = __real_fstat(fd, st);
	ssize_t n;

	if (r != 0 || !pseudo || !S_ISREG(st->st_mode))
		return r;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return r;
	path[n] = '\0';
	if (pseudo_below(path, "proc")) {
		st->st_size = 0;
		pseudo_faked++;
	} else if (pseudo_below(path, "sys")) {
		st->st_size = 4096;
		pseudo_faked++;
	}
	return r;
}

/* The fixture root at dir ("" when it cannot be resolved). */
static inline void pseudo_root_set(const char *dir)
{
	if (!realpath(dir, pseudo_dir))
		pseudo_dir[0] = '\0';
}

#endif
