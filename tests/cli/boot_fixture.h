/* SPDX-License-Identifier: MIT */
/*
 * Fixture roots for gpupt enable and disable (test_enable.c,
 * test_journal.c): tests/fixtures/host/boot-root.sh builds the root and
 * fake update-grub, update-initramfs and proxmox-boot-tool first in PATH;
 * commands run with their output captured; a listing of the whole tree
 * (path, type, size, checksum) tells whether anything changed; stdin can
 * be a terminal with an answer typed in.  Include it first, after
 * defining _XOPEN_SOURCE 700; its functions are static inline, so that a
 * test uses only what it needs.
 */
#ifndef GPUPT_TESTS_BOOT_FIXTURE_H
#define GPUPT_TESTS_BOOT_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include "lib/atomic.h"
#include "lib/path.h"
#include "lib/run.h"
#include "tests/cli/tty_fixture.h"

#define ADDRS "gpupt.addrs=0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc"

struct fx {
	char dir[64], root[96], bin[96];
	struct gpupt_host h;
	char *out, *err;
	size_t out_len, err_len;
};

static inline struct fx *make_fixture(const char *devcase, const char *boot, const char *grub)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *argv[] = { "sh", "tests/fixtures/host/boot-root.sh", devcase, boot, NULL, NULL,
			       grub, NULL };
	static char path[4096], *orig_path;

	if (!orig_path)
		orig_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin:/sbin:/bin");
	setenv("PATH", orig_path, 1);
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/gpupt-enable-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
	snprintf(f->bin, sizeof(f->bin), "%s/bin", f->dir);
	argv[4] = f->root;
	argv[5] = f->bin;
	assert_int_equal(gpupt_run(argv), 0);
	snprintf(path, sizeof(path), "%s:%s", f->bin, orig_path);
	setenv("PATH", path, 1);
	unsetenv("GPUPT_FAKE_FAIL");
	f->h.root = f->root;
	f->h.rootfd = gpupt_path_open_root(f->root);
	assert_true(f->h.rootfd >= 0);
	return f;
}

static inline int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void free_fixture(struct fx *f)
{
	close(f->h.rootfd);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->out);
	free(f->err);
	free(f);
}

/* Run a command with output captured in f->out / f->err; returns its exit status. */
static inline int run_argv(struct fx *f, int (*cmd)(struct gpupt_host *, int, char **),
			    char **argv)
{
	int argc = 0, status;

	while (argv[argc])
		argc++;
	free(f->out);
	free(f->err);
	f->h.out = open_memstream(&f->out, &f->out_len);
	f->h.err = open_memstream(&f->err, &f->err_len);
	status = cmd(&f->h, argc, argv);
	fclose(f->h.out);
	fclose(f->h.err);
	return status;
}

#define RUN(f, cmd, ...) run_argv(f, cmd, (char *[]){ __VA_ARGS__, NULL })

static inline char *read_rel(struct fx *f, const char *rel)
{
	char *buf;
	size_t len;

	if (gpupt_read_file_alloc(f->h.rootfd, rel, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return NULL;
	return buf;
}

static inline char *read_abs(const char *path)
{
	char *buf;
	size_t len;
	int fd = open("/", O_PATH | O_DIRECTORY);
	int r = gpupt_read_file_alloc(fd, path + 1, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);

	close(fd);
	return r < 0 ? NULL : buf;
}

static inline char *calls(struct fx *f)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/calls", f->bin);
	return read_abs(path);
}

/* ---- a listing of the whole tree (path, type, size, checksum) ---- */

static char **snap_lines;
static size_t snap_n, snap_root_len;
static const char *snap_skip;

static inline int snap_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + snap_root_len;
	char line[1024], target[512] = "";
	uint64_t sum = 0;

	(void)ftw;
	if (snap_skip && strncmp(rel, snap_skip, strlen(snap_skip)) == 0)
		return 0;
	if (flag == FTW_SL) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
	} else if (flag == FTW_F) {
		char *buf = read_abs(path);
		sum = buf ? gpupt_checksum(buf, (size_t)st->st_size) : 0;
		free(buf);
	}
	snprintf(line, sizeof(line), "%s %o %lld %016llx %s", rel, st->st_mode, (long long)st->st_size,
		 (unsigned long long)sum, target);
	char **grown = realloc(snap_lines, (snap_n + 1) * sizeof(*snap_lines));
	assert_non_null(grown);
	snap_lines = grown;
	snap_lines[snap_n++] = strdup(line);
	return 0;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree as one sorted text; paths starting with skip (e.g. "/var/lib") left out. */
static inline char *snapshot(struct fx *f, const char *skip)
{
	size_t total = 1, at = 0;
	char *s;

	snap_lines = NULL;
	snap_n = 0;
	snap_root_len = strlen(f->root);
	snap_skip = skip;
	assert_int_equal(nftw(f->root, snap_entry, 16, FTW_PHYS), 0);
	qsort(snap_lines, snap_n, sizeof(*snap_lines), cmp_str);
	for (size_t i = 0; i < snap_n; i++)
		total += strlen(snap_lines[i]) + 1;
	s = malloc(total);
	for (size_t i = 0; i < snap_n; i++) {
		at += (size_t)sprintf(s + at, "%s\n", snap_lines[i]);
		free(snap_lines[i]);
	}
	s[at] = '\0';
	free(snap_lines);
	return s;
}

static inline void assert_snapshot(struct fx *f, const char *before, const char *skip)
{
	char *now = snapshot(f, skip);

	assert_string_equal(now, before);
	free(now);
}

/*
 * The journal of an enable that wrote /etc/gpupt.conf and the whole file
 * rel (the GRUB drop-in, or an /etc/kernel/cmdline gpupt created) and added
 * the usual tokens: a version line, an entry per file with the checksum of
 * the file as gpupt wrote it, and a closing record with the checksum of
 * every line before it.
 */
static inline void assert_journal_whole(struct fx *f, const char *rel)
{
	char *conf = read_rel(f, "etc/gpupt.conf"), *s = read_rel(f, "var/lib/gpupt/journal");
	char *file = read_rel(f, rel), want[2048];
	int n;

	assert_non_null(conf);
	assert_non_null(file);
	n = snprintf(want, sizeof(want),
		     "gpupt-journal 1\n"
		     "# What `gpupt enable` added; `gpupt disable` takes exactly this away.\n"
		     "# The last line is a checksum of every line before it: gpupt refuses "
		     "this file once it was edited.\n"
		     "file etc/gpupt.conf whole\nsum %016llx\n"
		     "file %s whole\nsum %016llx\n"
		     "token intel_iommu=on\ntoken iommu=pt\ntoken " ADDRS "\n",
		     (unsigned long long)gpupt_checksum(conf, strlen(conf)), rel,
		     (unsigned long long)gpupt_checksum(file, strlen(file)));
	snprintf(want + n, sizeof(want) - (size_t)n, "end %016llx\n",
		 (unsigned long long)gpupt_checksum(want, (size_t)n));
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	free(conf);
	free(file);
}

static inline int setup_stdin(void **state)
{
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	/* Not a terminal: enable never waits for an answer here. */
	dup2(fd, STDIN_FILENO);
	close(fd);
	return 0;
}

#endif
