// SPDX-License-Identifier: MIT
/* fork/execvp with a close-on-exec pipe that reports a failed exec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/run.h"

int gpupt_argv_format(const char *const *argv, char *buf, size_t size)
{
	size_t n = 0;

	if (size > 0)
		buf[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		int m = snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, "%s%s",
				 i ? " " : "", argv[i]);
		if (m < 0)
			return -EINVAL;
		n += (size_t)m;
	}
	return (int)n;
}

void gpupt_run_argv_in_root(const char *root, const char *const *argv, const char **out, size_t max)
{
	size_t n = 0;

	if (strcmp(root, "/") != 0) {
		out[n++] = "chroot";
		out[n++] = root;
	}
	for (; *argv && n < max - 1; argv++)
		out[n++] = *argv;
	out[n] = NULL;
}

bool gpupt_run_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && snprintf(file, sizeof(file), "%.*s/%s", (int)n, path, name) < (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* In the child: exec, or send errno through the pipe and exit 127. */
static void run_child(const char *const *argv, int report, int out_fd)
{
	int e;

	if (out_fd >= 0 && out_fd != STDOUT_FILENO && dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(127);
	execvp(argv[0], (char *const *)argv);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return exit_status(status);
}

int gpupt_run(const char *const *argv)
{
	return gpupt_run_to(argv, -1);
}

/*
 * Fork and exec argv with its standard output on out_fd (-1: ours).  0 with
 * *pid set once the exec succeeded, or -errno when the program could not be
 * started (the child, if any, already reaped).
 */
static int spawn(const char *const *argv, int out_fd, pid_t *pid)
{
	int pipefd[2], exec_errno = 0;
	ssize_t n;

	fflush(NULL);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		int e = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return e;
	}
	if (*pid == 0)
		run_child(argv, pipefd[1], out_fd);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &exec_errno, sizeof(exec_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(exec_errno)) {
		wait_child(*pid);
		return -exec_errno;
	}
	return 0;
}

int gpupt_run_start(const char *const *argv, pid_t *pid)
{
	return spawn(argv, -1, pid);
}

int gpupt_run_poll(pid_t pid, int *status)
{
	int st;
	pid_t r;

	do
		r = waitpid(pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	*status = exit_status(st);
	return 1;
}

void gpupt_run_kill(pid_t pid)
{
	kill(pid, SIGKILL);
	wait_child(pid);
}

int gpupt_run_to(const char *const *argv, int out_fd)
{
	pid_t pid;
	int r = spawn(argv, out_fd, &pid);

	return r < 0 ? r : wait_child(pid);
}

/* Up to size-1 bytes from fd into buf, then the rest drained unread. */
static size_t read_capped(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			char sink[256];
			while (read(fd, sink, sizeof(sink)) > 0)
				; /* drain, so the child does not block */
			break;
		}
	}
	return len;
}

int gpupt_run_capture(const char *const *argv, char *buf, size_t size)
{
	int pipefd[2], r;
	size_t len = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	r = spawn(argv, pipefd[1], &pid);
	close(pipefd[1]);
	if (r == 0) {
		len = read_capped(pipefd[0], buf, size);
		r = wait_child(pid);
	}
	close(pipefd[0]);
	buf[len] = '\0';
	return r;
}
