// SPDX-License-Identifier: MIT
/*
 * lib/path.c's reader on files that look like the kernel's: fstat is
 * wrapped (-Wl,--wrap=fstat) to report the size procfs gives (0) or the
 * one sysfs gives (4096) whatever the content, and the reader must still
 * return every byte.  A reader that trusted st_size never saw
 * /proc/cpuinfo.  Then what is not a regular file: a FIFO (with and
 * without a writer), a directory and a device node are refused or read
 * bounded, and nothing waits (an alarm fails a test that would hang).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/path.h"

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);

/* The st_size a regular file reports; -1: its real size. */
static long fake_size = -1;

int __wrap_fstat(int fd, struct stat *st)
{
	int r = __real_fstat(fd, st);

	if (r == 0 && S_ISREG(st->st_mode) && fake_size >= 0)
		st->st_size = fake_size;
	return r;
}

static char dir[64];
static int rootfd = -1;

static void put(const char *name, const char *data, size_t len)
{
	int fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("a read hung");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gpupt-path-XXXXXX");
	assert_non_null(mkdtemp(dir));
	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	signal(SIGALRM, on_alarm);
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = { "f", "fifo", "d", NULL };

	(void)state;
	for (size_t i = 0; names[i]; i++) {
		unlinkat(rootfd, names[i], 0);
		unlinkat(rootfd, names[i], AT_REMOVEDIR);
	}
	close(rootfd);
	rmdir(dir);
	return 0;
}

/* len bytes of lines, like /proc/cpuinfo, ending in a newline when len > 0. */
static char *content(size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	if (len)
		s[len - 1] = '\n';
	s[len] = '\0';
	return s;
}

/* Every size around the ones the reader might trust, under each lie fstat may tell. */
static void test_whole_content_whatever_st_size_says(void **state)
{
	static const long lies[] = { -1, 0, 4096, 1 };
	static const size_t sizes[] = { 0, 1, 17, 4095, 4096, 4097, 8191, 8192, 8193, 65536 + 3 };

	(void)state;
	for (size_t l = 0; l < sizeof(lies) / sizeof(lies[0]); l++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			size_t len = sizes[i], got = 0;
			char *want = content(len), *buf = NULL, *fixed = malloc(len + 2);
			unsigned flags[] = { 0, GPUPT_READ_REGULAR, GPUPT_READ_SEEKABLE };

			assert_non_null(fixed);
			fake_size = -1;
			put("f", want, len);
			fake_size = lies[l];
			for (size_t f = 0; f < 3; f++) {
				assert_int_equal(gpupt_read_file_alloc(rootfd, "f", GPUPT_FILE_MAX, flags[f],
								       &buf, &got), 0);
				assert_int_equal(got, len);
				assert_memory_equal(buf, want, len);
				assert_int_equal(buf[len], '\0');
				free(buf);
				/* The fixed-size reader: exactly fitting, then one byte short. */
				assert_int_equal(gpupt_read_file(rootfd, "f", fixed, len + 1, flags[f]),
						 len + 1 < 2 ? -EINVAL : (int)len);
				if (len + 1 >= 2)
					assert_memory_equal(fixed, want, len);
				if (len >= 2)
					assert_int_equal(gpupt_read_file(rootfd, "f", fixed, len, flags[f]),
							 -EFBIG);
			}
			/* The bound holds whatever the size says. */
			if (len > 0)
				assert_int_equal(gpupt_read_file_alloc(rootfd, "f", len - 1, 0, &buf, &got),
						 -EFBIG);
			assert_int_equal(gpupt_read_file_alloc(rootfd, "f", len, 0, &buf, &got), 0);
			assert_int_equal(got, len);
			free(buf);
			free(fixed);
			free(want);
		}
	}
	fake_size = -1;
}

static void test_chomp_with_size_zero(void **state)
{
	char buf[64], *p;
	size_t len;

	(void)state;
	put("f", "GenuineIntel\n", 13);
	fake_size = 0;
	assert_int_equal(gpupt_read_file_alloc(rootfd, "f", GPUPT_FILE_MAX, GPUPT_READ_CHOMP, &p, &len), 0);
	assert_int_equal(len, 12);
	assert_string_equal(p, "GenuineIntel");
	free(p);
	assert_int_equal(gpupt_read_file(rootfd, "f", buf, sizeof(buf), GPUPT_READ_CHOMP), 12);
	assert_string_equal(buf, "GenuineIntel");
	fake_size = -1;
}

static void test_fifo_refused_or_empty(void **state)
{
	char buf[64] = "x", *p = NULL;
	size_t len = 7;
	int wfd;

	(void)state;
	assert_int_equal(mkfifoat(rootfd, "fifo", 0600), 0);
	alarm(5);
	/* Regular files only: refused before any read. */
	assert_int_equal(gpupt_read_file_alloc(rootfd, "fifo", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &p, &len),
			 -EINVAL);
	assert_null(p);
	assert_int_equal(len, 7);
	assert_int_equal(gpupt_read_file(rootfd, "fifo", buf, sizeof(buf), GPUPT_READ_REGULAR), -EINVAL);
	assert_string_equal(buf, "");
	/* The binder's cheaper check: a FIFO cannot seek. */
	assert_int_equal(gpupt_read_file(rootfd, "fifo", buf, sizeof(buf), GPUPT_READ_SEEKABLE), -ESPIPE);
	/* Without a writer, O_NONBLOCK reads the end at once. */
	assert_int_equal(gpupt_read_file(rootfd, "fifo", buf, sizeof(buf), GPUPT_READ_ONCE), 0);
	assert_int_equal(gpupt_read_file_alloc(rootfd, "fifo", GPUPT_FILE_MAX, 0, &p, &len), 0);
	assert_int_equal(len, 0);
	free(p);
	/* A writer that never writes: EAGAIN, not a wait. */
	wfd = openat(rootfd, "fifo", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	assert_true(wfd >= 0);
	assert_int_equal(gpupt_read_file(rootfd, "fifo", buf, sizeof(buf), 0), -EAGAIN);
	assert_int_equal(gpupt_read_file_alloc(rootfd, "fifo", GPUPT_FILE_MAX, 0, &p, &len), -EAGAIN);
	assert_int_equal(gpupt_read_file_alloc(rootfd, "fifo", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &p, &len),
			 -EINVAL);
	close(wfd);
	alarm(0);
}

static void test_directory_refused(void **state)
{
	char buf[64], *p = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mkdirat(rootfd, "d", 0700), 0);
	assert_int_equal(gpupt_read_file_alloc(rootfd, "d", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &p, &len),
			 -EINVAL);
	assert_int_equal(gpupt_read_file(rootfd, "d", buf, sizeof(buf), GPUPT_READ_REGULAR), -EINVAL);
	assert_int_equal(gpupt_read_file(rootfd, "d", buf, sizeof(buf), 0), -EISDIR);
	assert_int_equal(gpupt_read_file(rootfd, "d", buf, sizeof(buf), GPUPT_READ_SEEKABLE), -EISDIR);
	assert_int_equal(gpupt_read_file_alloc(rootfd, "d", GPUPT_FILE_MAX, 0, &p, &len), -EISDIR);
	assert_null(p);
}

/* A device that never ends: refused as a non-regular file, or cut at the bound. */
static void test_device_node_bounded(void **state)
{
	int devfd = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[64], *p = NULL;
	size_t len;

	(void)state;
	if (devfd < 0 || faccessat(devfd, "zero", R_OK, 0) != 0)
		skip();
	alarm(5);
	assert_int_equal(gpupt_read_file_alloc(devfd, "zero", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &p, &len),
			 -EINVAL);
	assert_int_equal(gpupt_read_file(devfd, "zero", buf, sizeof(buf), GPUPT_READ_REGULAR), -EINVAL);
	assert_int_equal(gpupt_read_file_alloc(devfd, "zero", 100000, 0, &p, &len), -EFBIG);
	assert_int_equal(gpupt_read_file(devfd, "zero", buf, sizeof(buf), 0), -EFBIG);
	assert_null(p);
	alarm(0);
	close(devfd);
}

static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

/*
 * A root opened with --root resolves its links inside it (openat2 with
 * RESOLVE_IN_ROOT).  The kernel answers EAGAIN when a ".." of such a walk
 * meets a rename anywhere on the machine, and a busy host (dpkg, the
 * tests' own atomic edits) renames all the time: sysfs's links are all
 * "../../../devices/...".  Every open must still succeed.
 */
static void test_dotdot_link_while_renames_run(void **state)
{
	char root[] = "/tmp/gpupt-path-XXXXXX", path[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	int confined, failed = 0, first_error = 0;
	pid_t renamer;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/devices", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/devices/attr", root);
	write_file(path, "1\n");
	snprintf(path, sizeof(path), "%s/bus", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bus/dev", root);
	assert_int_equal(symlink("../devices", path), 0);
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/b", root);
	write_file(a, "x");
	renamer = fork();
	assert_true(renamer >= 0);
	if (renamer == 0) {
		for (;;) {
			rename(a, b);
			rename(b, a);
		}
	}
	/* The renamer is at work once a has been moved. */
	for (int i = 0; i < 1000 && access(a, F_OK) == 0; i++)
		usleep(1000);
	confined = gpupt_path_open_root(root);
	assert_true(confined >= 0);
	for (int i = 0; i < 20000; i++) {
		int fd = gpupt_path_open(confined, "bus/dev/attr", O_RDONLY | O_CLOEXEC, 0);

		if (fd < 0) {
			failed++;
			first_error = first_error ? first_error : -fd;
		} else {
			close(fd);
		}
	}
	kill(renamer, SIGKILL);
	waitpid(renamer, NULL, 0);
	gpupt_path_confine(-1);
	close(confined);
	unlink(a);
	unlink(b);
	snprintf(path, sizeof(path), "%s/bus/dev", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/devices/attr", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/devices", root);
	rmdir(path);
	rmdir(root);
	if (failed)
		print_message("%d of 20000 opens failed, the first with %s\n", failed, strerror(first_error));
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_content_whatever_st_size_says),
		cmocka_unit_test(test_chomp_with_size_zero),
		cmocka_unit_test(test_fifo_refused_or_empty),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_device_node_bounded),
		cmocka_unit_test(test_dotdot_link_while_renames_run),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
