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

#include "tests/cli/boot_fixture.h"
#include "tests/cli/pseudo_fixture.h"

/* A boot-root.sh fixture (boot_fixture.h) with kernel-like sizes below its root when `pseudo` is on. */
static struct fx *make_pseudo_fixture(const char *devcase, const char *boot)
{
	struct fx *f = make_fixture(devcase, boot, NULL);

	pseudo_root_set(f->root);
	assert_true(pseudo_dir[0] != '\0');
	return f;
}

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
	pseudo_faked = 0;
	assert_int_equal(run_argv(f, cmd, argv), status);
	pseudo = false;
	assert_true(pseudo_faked > 0);
	assert_string_equal(f->out, out);
	assert_string_equal(f->err, err);
	free(out);
	free(err);
	f->h.json = false;
}

static void test_enable_adds_intel_iommu(void **state)
{
	struct fx *f = make_pseudo_fixture("seed", "debian");

	(void)state;
	pseudo = true;
	pseudo_faked = 0;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
	pseudo = false;
	assert_true(pseudo_faked > 0);
	assert_non_null(strstr(f->out, "+GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
				       "intel_iommu=on iommu=pt gpupt.addrs="));
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--no-trial", "--dry-run", "01:00", NULL }, false);
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--no-trial", "--dry-run", "01:00", NULL }, true);
	free_fixture(f);
}

static void test_proxmox_enable(void **state)
{
	struct fx *f = make_pseudo_fixture("headless", "pve-sdboot");

	(void)state;
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--no-trial", "--dry-run", "01:00", NULL }, false);
	assert_non_null(strstr(f->out, "intel_iommu=on iommu=pt"));
	free_fixture(f);
}

/* kernel-install's fallback: /etc/kernel/cmdline is created from /proc/cmdline. */
static void test_sdboot_enable(void **state)
{
	struct fx *f = make_pseudo_fixture("seed", "sdboot");

	(void)state;
	same_both_ways(f, gpupt_cmd_enable, (char *[]){ "enable", "--no-trial", "--dry-run", "01:00", NULL }, false);
	assert_non_null(strstr(f->out, "\n+root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro quiet "
				       "systemd.machine_id=0123456789abcdef0123456789abcdef intel_iommu=on iommu=pt "
				       "gpupt.addrs="));
	same_both_ways(f, gpupt_cmd_check, (char *[]){ "check", NULL }, false);
	assert_non_null(strstr(f->out, "PASS  kernel command line: the configured one is in effect\n"));
	free_fixture(f);
}

static void test_reading_commands(void **state)
{
	struct fx *f = make_pseudo_fixture("seed", "debian");

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
		cmocka_unit_test(test_sdboot_enable),
		cmocka_unit_test(test_reading_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
