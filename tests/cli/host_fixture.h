/* SPDX-License-Identifier: MIT */
/*
 * A fixture root for the host command tests (test_host_rom.c,
 * test_host_vm.c): a fresh directory under /tmp, its fd, and the command's
 * stdout and stderr captured in memory.
 */
#ifndef GPUPT_TESTS_HOST_FIXTURE_H
#define GPUPT_TESTS_HOST_FIXTURE_H

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/host.h"
#include "lib/path.h"

struct fixture {
	char root[64];
	int rootfd;
	char *out, *err;
	size_t out_len, err_len;
	struct gpupt_host h;
};

static void write_file(int dirfd, const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void mkdirs(int dirfd, const char *path)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdirat(dirfd, p, 0755);
		*s = '/';
	}
	mkdirat(dirfd, p, 0755);
}

/* An empty root /tmp/NAME-XXXXXX, with f->h pointed at it and at the streams. */
static void fixture_open(struct fixture *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/%s-XXXXXX", name);
	assert_non_null(mkdtemp(f->root));
	f->rootfd = gpupt_path_open_root(f->root);
	assert_true(f->rootfd >= 0);
	f->h.root = f->root;
	f->h.rootfd = f->rootfd;
	f->h.out = open_memstream(&f->out, &f->out_len);
	f->h.err = open_memstream(&f->err, &f->err_len);
}

static void fixture_teardown(struct fixture *f)
{
	char cmd[128];

	fclose(f->h.out);
	fclose(f->h.err);
	free(f->out);
	free(f->err);
	close(f->rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);	/* test cleanup only */
}

#endif
