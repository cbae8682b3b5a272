/* SPDX-License-Identifier: MIT */
/*
 * One writer at a time: every command that changes files (enable, disable,
 * vm) holds gpupt's lock while it writes, an flock(2) on var/lib/gpupt/lock
 * below the root, with the holder's pid written into the file for the
 * messages of the others.  A dry run takes no lock.
 */
#ifndef GPUPT_LOCK_H
#define GPUPT_LOCK_H

#include <stdio.h>
#include <sys/types.h>

#define GPUPT_LOCK_PATH "var/lib/gpupt/lock" /* relative to the root */

enum { GPUPT_LOCK_WAIT_MS = 3000 }; /* how long a second writer waits */

struct gpupt_lock {
	int fd; /* the locked file, -1 when not held */
};

/*
 * Take the lock below rootfd, waiting up to wait_ms while another process
 * holds it.  Returns 0; -EWOULDBLOCK when it is still held (*holder: the
 * holder's pid, 0 when unknown); or -errno.
 */
int gpupt_lock_try(int rootfd, unsigned wait_ms, struct gpupt_lock *l, pid_t *holder);

/*
 * What a command calls before writing: take the lock (waiting up to
 * GPUPT_LOCK_WAIT_MS), or explain on err why not and what to do, naming
 * the other holder's pid, for `gpupt command`.  Returns 0 or -errno.
 */
int gpupt_lock_take(int rootfd, const char *command, FILE *err, struct gpupt_lock *l);

/* Let go of the lock (closing its file); nothing when it is not held. */
void gpupt_lock_release(struct gpupt_lock *l);

#endif
