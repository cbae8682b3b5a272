// SPDX-License-Identifier: MIT
/*
 * The commands on a fixture root whose proc/ and sys/ files look like the
 * kernel's: fstat is wrapped (-Wl,--wrap=fstat) so that a regular file
 * below ROOT/proc reports a size of 0, as procfs does, and one below
 * ROOT/sys a size of 4096, as sysfs does, whatever the content.  Every
 * command must print exactly what it prints on the plain fixture.  A
 * reader that trusted st_size read /proc/cpuinfo as empty, and `gpupt
 * enable` then never added intel_iommu=on on an Intel machine.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
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
#include "lib/run.h"

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);

static bool pseudo;		/* make proc/ and sys/ below root look like the kernel's */
static char root[PATH_MAX];	/* the fixture root, resolved */
static unsigned faked;		/* fstat calls that reported a kernel-like size */

static bool below(const char *path, const char *dir)
{
	size_t rl = strlen(root), dl = strlen(dir);

	return strncmp(path, root, rl) == 0 && path[rl] == '/' && strncmp(path + rl + 1, dir, dl) == 0 &&
	       path[rl + 1 + dl] == '/';
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
	if (below(path, "proc")) {
		st->st_size = 0;
		faked++;
	} else if (below(path, "sys")) {
		st->st_size = 4096;
		faked++;
	}
	return r;
}

struct fx {
	char dir[64], bin[96];
	struct gpupt_host h;
	char *out, *err;
	size_t out_len, err_len;
};

static struct fx *make_fixture(const char *devcase, const char *boot)
{
	struct fx *f = calloc(1, sizeof(*f));
	char rootdir[128];
	const char *argv[] = { "sh", "tests/fixtures/host/boot-root.sh", devcase, boot, rootdir, NULL, NULL };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/gpupt-pseudo-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(rootdir, sizeof(rootdir), "%s/root", f->dir);
	snprintf(f->bin, sizeof(f->bin), "%s/bin", f->dir);
	argv[5] = f->bin;
	assert_int_equal(gpupt_run(argv), 0);
	assert_non_null(realpath(rootdir, root));
	f->h.root = root;
	f->h.rootfd = gpupt_path_open_root(root);
	assert_true(f->h.rootfd >= 0);
	return f;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void free_fixture(struct fx *f)
{
	close(f->h.rootfd);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->out);
	free(f->err);
	free(f);
}

static int run_argv(struct fx *f, int (*cmd)(struct gpupt_host *, int, char **), char **argv)
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

/* The command prints the same, exits the same, with and without kernel-like sizes. */
static void same_both_ways(struct fx *f, int (*cmd)(struct gpupt_host *, int, char **), char **argv,
			   bool json)
{
	char *out, *err;
	int status;

	f->h.json = json;
	pseudo = false;
	status = run_argv(f, cmd, argv);
	out = strdup(f->out);
	err = strdup(f->err);
	pseudo = true;
	faked = 0;
	assert_int_equal(run_argv(f, cmd, argv), status);
	pseudo = false;
	assert_true(faked > 0);
	assert_string_equal(f->out, out);
	assert_string_equal(f->err, err);
	free(out);
	free(err);
	f->h.json = false;
}

static void test_enable_adds_intel_iommu(void **state)
{
	struct fx *f = make_fixture("seed", "debian");

	(void)state;
	pseudo = true;
	faked = 0;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 0);
	pseudo = false;
	assert_true(faked > 0);
	assert_non_null(strstr(f->out, "+GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
				       "intel_iommu=on iommu=pt gpupt.addrs="));
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--dry-run", "01:00", NULL }, false);
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--dry-run", "01:00", NULL }, true);
	free_fixture(f);
}

static void test_proxmox_enable(void **state)
{
	struct fx *f = make_fixture("headless", "pve-sdboot");

	(void)state;
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--dry-run", "01:00", NULL }, false);
	assert_non_null(strstr(f->out, "intel_iommu=on iommu=pt"));
	free_fixture(f);
}

static void test_reading_commands(void **state)
{
	struct fx *f = make_fixture("seed", "debian");

	(void)state;
	for (int json = 0; json < 2; json++) {
		same_both_ways(f, gpupt_cmd_list, (char *[]){ "list", NULL }, json);
		same_both_ways(f, gpupt_cmd_check, (char *[]){ "check", NULL }, json);
		same_both_ways(f, gpupt_cmd_status, (char *[]){ "status", NULL }, json);
	}
	/* check reads the CPU flags and the interrupt remapping from proc/. */
	pseudo = true;
	RUN(f, gpupt_cmd_check, "check");
	pseudo = false;
	assert_non_null(strstr(f->out, "PASS  CPU virtualization: vmx"));
	assert_non_null(strstr(f->out, "PASS  interrupt remapping"));
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_adds_intel_iommu),
		cmocka_unit_test(test_proxmox_enable),
		cmocka_unit_test(test_reading_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
