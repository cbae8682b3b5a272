// SPDX-License-Identifier: MIT
/*
 * Atomic writes under fault injection: write, fsync and renameat fail in
 * turn (linked with -Wl,--wrap=...).  The target must always hold the old
 * or the new bytes, never a mix; no temp file may stay behind.
 */
#include <dirent.h>
#include <errno.h>
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
#include "host/model/backup.h"
#include "lib/atomic.h"
#include "lib/path.h"
#include "lib/run.h"
#include "lib/sha256.h"

ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

enum op { OP_WRITE, OP_FSYNC, OP_RENAME, N_OPS };

/* Fail the fail_at[op]-th call of op (0: never); count the calls. */
static unsigned fail_at[N_OPS], calls[N_OPS];
static bool short_writes;

static bool should_fail(enum op op)
{
	return ++calls[op] == fail_at[op];
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (should_fail(OP_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	/* A short write the caller must continue. */
	return __real_write(fd, buf, short_writes && n > 3 ? 3 : n);
}

int __wrap_fsync(int fd)
{
	if (should_fail(OP_FSYNC)) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

int __wrap_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	if (should_fail(OP_RENAME)) {
		errno = EXDEV;
		return -1;
	}
	return __real_renameat(olddirfd, oldpath, newdirfd, newpath);
}

static void reset_faults(void)
{
	memset(fail_at, 0, sizeof(fail_at));
	memset(calls, 0, sizeof(calls));
	short_writes = false;
}

struct fixture {
	char root[64];
	int rootfd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/gpupt-atomic-XXXXXX");
	if (!mkdtemp(f->root) || (f->rootfd = gpupt_path_open_root(f->root)) < 0 ||
	    mkdirat(f->rootfd, "etc", 0755) < 0) {
		free(f);
		return -1;
	}
	reset_faults();
	*state = f;
	return 0;
}

static int rm_tree(const char *path)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, NULL);

	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			char sub[512];
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
			if (names[i]->d_type == DT_DIR)
				rm_tree(sub);
			else
				unlink(sub);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return rmdir(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->rootfd);
	rm_tree(f->root);
	free(f);
	return 0;
}

static void put(struct fixture *f, const char *path, const char *text, mode_t mode)
{
	int fd = openat(f->rootfd, path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(__real_write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static void assert_content_fd(int rootfd, const char *path, const char *text)
{
	char *buf;
	size_t len;

	assert_int_equal(gpupt_read_file_alloc(rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len), 0);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(buf, text, len);
	free(buf);
}

static void assert_content(struct fixture *f, const char *path, const char *text)
{
	assert_content_fd(f->rootfd, path, text);
}

/* Only the expected names in etc/: no ".grub.gpupt-*" temp file left. */
static void assert_no_temp(struct fixture *f)
{
	char dir[128];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/etc", f->root);
	dp = opendir(dir);
	assert_non_null(dp);
	while ((d = readdir(dp)))
		assert_null(strstr(d->d_name, ".gpupt-"));
	closedir(dp);
}

static const char old_text[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";
static const char new_text[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n";

static void test_each_step_fails(void **state)
{
	struct fixture *f = *state;
	static const int expect_err[N_OPS] = { -ENOSPC, -EIO, -EXDEV };

	for (int op = 0; op < N_OPS; op++) {
		for (unsigned k = 1;; k++) {
			put(f, "etc/grub", old_text, 0640);
			reset_faults();
			fail_at[op] = k;
			short_writes = true;
			int r = gpupt_file_write_atomic(f->rootfd, "etc/grub", new_text,
							strlen(new_text), 0644);
			bool injected = calls[op] >= k;
			assert_no_temp(f);
			if (!injected) {
				/* Every call of this op has had its turn to fail. */
				assert_int_equal(r, 0);
				assert_content(f, "etc/grub", new_text);
				break;
			}
			assert_int_equal(r, expect_err[op]);
			/* Only the directory fsync comes after the rename: then it is the new file. */
			if (op == OP_FSYNC && calls[OP_RENAME] == 1)
				assert_content(f, "etc/grub", new_text);
			else
				assert_content(f, "etc/grub", old_text);
		}
	}
}

static void test_mode_and_owner_kept(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	put(f, "etc/grub", old_text, 0640);
	if (geteuid() == 0)
		assert_int_equal(fchownat(f->rootfd, "etc/grub", 1234, 4321, 0), 0);
	assert_int_equal(gpupt_file_write_atomic(f->rootfd, "etc/grub", new_text, strlen(new_text), 0644), 0);
	assert_int_equal(fstatat(f->rootfd, "etc/grub", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 4321);
	}
	/* A new file, in a new directory, gets the mode asked for. */
	assert_int_equal(gpupt_file_write_atomic(f->rootfd, "etc/new/x.conf", "x\n", 2, 0600), 0);
	assert_int_equal(fstatat(f->rootfd, "etc/new/x.conf", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_backup_journal_and_rollback(void **state)
{
	struct fixture *f = *state;
	struct gpupt_backup b;
	char path[GPUPT_PATH_MAX * 2], *journal;
	size_t len;

	put(f, "etc/grub", old_text, 0644);
	gpupt_backup_init(&b, f->rootfd, "enable");
	assert_int_equal(gpupt_backup_edit(&b, "etc/grub", new_text, strlen(new_text), 0644), 0);
	assert_int_equal(gpupt_backup_note(&b, "etc/grub", "iommu=pt"), 0);
	assert_int_equal(gpupt_backup_edit(&b, "etc/gpupt.conf", "ids = 10de:1381\n", 16, 0644), 0);
	assert_int_equal(gpupt_backup_commit(&b), 0);
	assert_int_equal(strncmp(b.dir, GPUPT_BACKUP_DIR "/", strlen(GPUPT_BACKUP_DIR) + 1), 0);

	snprintf(path, sizeof(path), "%s/etc/grub", b.dir);
	assert_content(f, path, old_text);
	snprintf(path, sizeof(path), "%s/journal", b.dir);
	assert_int_equal(gpupt_read_file_alloc(f->rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &journal, &len), 0);
	char expect[1024];
	snprintf(expect, sizeof(expect),
		 "# gpupt backup journal: what one run changed; old versions beside it\n"
		 "command enable\n"
		 "file etc/grub\nold present %zu %016llx\nnew present %zu %016llx\ntoken iommu=pt\n"
		 "file etc/gpupt.conf\nold absent 0 0000000000000000\nnew present 16 %016llx\n",
		 strlen(old_text), (unsigned long long)gpupt_checksum(old_text, strlen(old_text)),
		 strlen(new_text), (unsigned long long)gpupt_checksum(new_text, strlen(new_text)),
		 (unsigned long long)gpupt_checksum("ids = 10de:1381\n", 16));
	/* Sealed: the last line is the SHA-256 of everything before it. */
	{
		char sum[GPUPT_SHA256_HEX + 1];
		size_t n = strlen(expect);

		gpupt_sha256_hex(expect, n, sum);
		snprintf(expect + n, sizeof(expect) - n, "end %s\n", sum);
	}
	assert_string_equal(journal, expect);
	free(journal);

	assert_int_equal(gpupt_backup_rollback(&b), 0);
	assert_content(f, "etc/grub", old_text);
	assert_int_equal(faccessat(f->rootfd, "etc/gpupt.conf", F_OK, 0), -1);
}

/* A failure in the middle of a run: roll back what was already written. */
static void test_failed_run_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct gpupt_backup b;

	put(f, "etc/grub", old_text, 0644);
	put(f, "etc/cmdline", "root=/dev/sda1\n", 0644);
	gpupt_backup_init(&b, f->rootfd, "enable");
	assert_int_equal(gpupt_backup_edit(&b, "etc/grub", new_text, strlen(new_text), 0644), 0);
	reset_faults();
	fail_at[OP_RENAME] = 2;	/* 1: the backup copy of etc/cmdline, 2: etc/cmdline itself */
	assert_int_equal(gpupt_backup_edit(&b, "etc/cmdline", "x\n", 2, 0644), -EXDEV);
	reset_faults();
	assert_content(f, "etc/cmdline", "root=/dev/sda1\n");
	assert_int_equal(gpupt_backup_rollback(&b), 0);
	assert_content(f, "etc/grub", old_text);
	assert_content(f, "etc/cmdline", "root=/dev/sda1\n");
	assert_no_temp(f);
}

static void test_read_limits(void **state)
{
	struct fixture *f = *state;
	char *buf;
	size_t len;

	assert_int_equal(gpupt_read_file_alloc(f->rootfd, "etc/missing", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len), -ENOENT);
	assert_int_equal(gpupt_read_file_alloc(f->rootfd, "etc", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len), -EINVAL);
	assert_int_equal(gpupt_file_write_atomic(f->rootfd, "/etc/abs", "x", 1, 0644), -EINVAL);
	assert_int_equal(gpupt_file_remove(f->rootfd, "etc/missing"), 0);
}

/* The whole command: a failing rename in the middle of enable. */
static void test_enable_reports_and_rolls_back(void **state)
{
	struct fixture *f = *state;
	char root[128], bin[128], path[4096], *out = NULL, *err = NULL;
	const char *build[] = { "sh", "tests/fixtures/host/boot-root.sh", "seed", "debian", root,
				bin, NULL };
	char *argv[] = { "enable", "--no-trial", "--yes", "01:00", NULL };
	struct gpupt_host h = { .root = root };
	size_t out_len, err_len;
	char *grub_before;
	size_t grub_len;

	snprintf(root, sizeof(root), "%s/host", f->root);
	snprintf(bin, sizeof(bin), "%s/bin", f->root);
	assert_int_equal(gpupt_run(build), 0);
	snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH"));
	setenv("PATH", path, 1);
	h.rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(gpupt_read_file_alloc(h.rootfd, "etc/default/grub", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &grub_before, &grub_len), 0);
	h.out = open_memstream(&out, &out_len);
	h.err = open_memstream(&err, &err_len);
	reset_faults();
	fail_at[OP_RENAME] = 2;	/* 1: etc/gpupt.conf, 2: the GRUB drop-in */
	assert_int_equal(gpupt_cmd_enable(&h, 4, argv), 1);
	reset_faults();
	fclose(h.out);
	fclose(h.err);
	assert_non_null(strstr(err, "gpupt: cannot write /etc/default/grub.d/gpupt.cfg: "
				    "Invalid cross-device link\n"));
	assert_non_null(strstr(err, "every file enable changed is restored"));
	assert_int_equal(faccessat(h.rootfd, "etc/gpupt.conf", F_OK, 0), -1);
	assert_int_equal(faccessat(h.rootfd, "etc/default/grub.d/gpupt.cfg", F_OK, 0), -1);
	assert_int_equal(faccessat(h.rootfd, "var/lib/gpupt/journal", F_OK, 0), -1);
	assert_content_fd(h.rootfd, "etc/default/grub", grub_before);
	free(grub_before);
	free(out);
	free(err);
	close(h.rootfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_step_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_and_owner_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_journal_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_run_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_reports_and_rolls_back, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
