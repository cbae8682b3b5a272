// SPDX-License-Identifier: MIT
/* gpupt's write lock: flock(2) on var/lib/gpupt/lock, with the holder's pid. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/model/lock.h"
#include "lib/atomic.h"
#include "lib/msg.h"
#include "lib/number.h"
#include "lib/path.h"

enum { POLL_MS = 50 };

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The lock file, created below the root (confined), and only a regular file. */
static int open_lock(int rootfd)
{
	struct stat st;
	int r = gpupt_mkdir_parents(rootfd, "var/lib/gpupt");
	int fd;

	if (r < 0)
		return r;
	fd = gpupt_path_open(rootfd, GPUPT_LOCK_PATH,
			     O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* The pid the holder wrote into the lock file; 0 when there is none. */
static pid_t holder_pid(int rootfd)
{
	char buf[32];
	unsigned long pid;
	int n = gpupt_read_file(rootfd, GPUPT_LOCK_PATH, buf, sizeof(buf), GPUPT_READ_REGULAR | GPUPT_READ_CHOMP);

	if (n <= 0 || gpupt_parse_ulong(buf, (size_t)n, &pid) < 0 || pid == 0 || pid > 0x7fffffff)
		return 0;
	return (pid_t)pid;
}

/*
 * The pid goes into the locked file itself: replacing the file atomically,
 * as every other write does, would give the next process a new inode to
 * lock while this one still holds the old.
 */
static bool write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	return ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) == n;
}

int gpupt_lock_try(int rootfd, unsigned wait_ms, struct gpupt_lock *l, pid_t *holder)
{
	long deadline = now_ms() + (long)wait_ms;
	int fd = open_lock(rootfd);

	*holder = 0;
	l->fd = -1;
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec pause = { 0, POLL_MS * 1000000L };
		int r = errno;

		if (r != EWOULDBLOCK && r != EINTR) {
			close(fd);
			return -r;
		}
		if (now_ms() >= deadline) {
			*holder = holder_pid(rootfd);
			close(fd);
			return -EWOULDBLOCK;
		}
		nanosleep(&pause, NULL);
	}
	/* The pid only helps the messages of others: the lock holds without it. */
	write_pid(fd);
	l->fd = fd;
	return 0;
}

int gpupt_lock_take(int rootfd, const char *command, FILE *err, struct gpupt_lock *l)
{
	pid_t pid;
	int r = gpupt_lock_try(rootfd, GPUPT_LOCK_WAIT_MS, l, &pid);
	char who[48] = "another gpupt";

	if (r == 0)
		return 0;
	if (pid > 0)
		snprintf(who, sizeof(who), "another gpupt (pid %ld)", (long)pid);
	if (r == -EWOULDBLOCK)
		gpupt_msg(err,
			  "%s is changing files (it holds /%s; waited %d s); nothing was "
			  "written; run `gpupt %s` again once it is done\n",
			  who, GPUPT_LOCK_PATH, GPUPT_LOCK_WAIT_MS / 1000, command);
	else
		gpupt_msg(err,
			  "cannot lock /%s: %s; nothing was written; make it a regular file "
			  "gpupt can open (or remove it), then run `gpupt %s` again\n",
			  GPUPT_LOCK_PATH, strerror(-r), command);
	return r;
}

void gpupt_lock_release(struct gpupt_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
