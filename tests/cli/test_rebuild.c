// SPDX-License-Identifier: MIT
/*
 * Which initramfs images enable and disable rebuild, on boot fixtures
 * (tests/fixtures/host/boot-root.sh) whose fake update-initramfs runs the
 * real initramfs-tools hook of this tree, so the records are the hook's
 * own: the exact commands run in each case, and gpupt status's verdict on
 * an image older than /etc/gpupt.conf.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include <sys/time.h>

#define K61 "6.1.0-18-amd64"
#define K612 "6.12.9-amd64"
#define RECORD_61 "var/lib/gpupt/initramfs/" K61

/* The fake update-initramfs, as the package's trigger or a kernel update runs it. */
static void build_images(struct fx *f, const char *ver)
{
	const char *argv[] = { "update-initramfs", "-u", "-k", ver, NULL };
	char path[160];

	assert_int_equal(gpupt_run(argv), 0);
	snprintf(path, sizeof(path), "%s/calls", f->bin);
	unlink(path);
}

static void set_mtime(struct fx *f, const char *rel, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	assert_int_equal(utimensat(f->h.rootfd, rel, ts, 0), 0);
}

/* Exactly these commands ran since the fixture was made (or the last build_images). */
static void assert_calls(struct fx *f, const char *want)
{
	char *s = calls(f);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_no_record_rebuilds(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *record;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_calls(f, "update-initramfs -u -k " K61 "\nupdate-initramfs -u -k " K612 "\nupdate-grub \n");
	record = read_rel(f, RECORD_61);
	assert_non_null(record);
	free(record);
	free_fixture(f);
}

/*
 * The package's trigger built both images with the binder and no conf.
 * enable writes a conf and gpupt.addrs=...: the command line selects, so
 * the conf in the images does not count; no update-initramfs at all.
 */
static void test_cmdline_carries_selection(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char want[512];

	(void)state;
	build_images(f, "all");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--dry-run", "01:00"), 0);
	assert_non_null(strstr(f->out, "initramfs " K61 ": no rebuild needed: carries gpupt-bind; binds as"
					 " configured with the new command line\n"));
	snprintf(want, sizeof(want), "would run: chroot %s update-grub\n", f->root);
	assert_non_null(strstr(f->out, want));
	assert_null(strstr(f->out, "update-initramfs"));
	assert_null(calls(f));

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "gpupt: initramfs: every image already carries gpupt-bind; the command"
				       " line carries the selection, no rebuild needed\n"));
	assert_calls(f, "update-grub \n");

	/* A narrower selection changes the conf too; the command line still decides. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00.0"), 0);
	assert_calls(f, "update-grub \nupdate-grub \n");
	free_fixture(f);
}

/*
 * Plain systemd-boot: gpupt runs kernel-install for every kernel itself, so
 * the loader entries get the new command line with or without a rebuild;
 * images that bind as configured are kept there too.
 */
static void test_sdboot_skips_rebuild(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);

	(void)state;
	build_images(f, "all");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_calls(f, "kernel-install add " K61 " /boot/vmlinuz-" K61 " /boot/initrd.img-" K61 "\n"
			"kernel-install add " K612 " /boot/vmlinuz-" K612 " /boot/initrd.img-" K612 "\n");
	free_fixture(f);
}

/* A build that wrote the record but not the image (failed, or mkinitramfs -o elsewhere). */
static void test_record_newer_than_image(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct timeval now;

	(void)state;
	build_images(f, "all");
	gettimeofday(&now, NULL);
	set_mtime(f, RECORD_61, now.tv_sec + 60);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "gpupt: initramfs " K612 ": no rebuild needed: "));
	assert_calls(f, "update-initramfs -u -k " K61 "\nupdate-grub \n");
	free_fixture(f);
}

static void test_binder_changed(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	build_images(f, "all");
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "usr/lib/gpupt/gpupt-bind",
						 "#!/bin/sh\n# a newer gpupt-bind\n", 31, 0755), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--dry-run", "01:00"), 0);
	assert_non_null(strstr(f->out, "initramfs " K61 ": rebuild: the image's gpupt-bind is not the"
					 " installed /usr/lib/gpupt/gpupt-bind\n"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_calls(f, "update-initramfs -u -k " K61 "\nupdate-initramfs -u -k " K612 "\nupdate-grub \n");
	free_fixture(f);
}

/* A record that is not the hook's: cut short, another version, a path for a name. */
static void test_malformed_record(void **state)
{
	static const char *const bad[] = {
		"gpupt-initramfs 2\n",
		"gpupt-initramfs 1\nkernel " K61 "\nbinder none\nmodules vfio\nconf 9999\nids\nend\n",
		"gpupt-initramfs 1\nkernel " K61 "\nbinder /usr/lib/gpupt/gpupt-bind 12\nmodules\nconf none\nend\n",
		"gpupt-initramfs 1\nkernel " K61 "\nbinder none\nmodules vfio\nconf none\nend\nmore\n",
	};
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	build_images(f, "all");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, RECORD_61, bad[i], strlen(bad[i]), 0644), 0);
		set_mtime(f, RECORD_61, 1680000000);
		assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
		assert_non_null(strstr(f->out, "initramfs " K61 ": rebuild: its record is malformed ("));
		assert_non_null(strstr(f->out, "initramfs " K612 ": no rebuild needed"));
	}
	free_fixture(f);
}

/*
 * After an enable without rebuild, a kernel update built 6.1's image with
 * the selecting conf.  disable takes gpupt.addrs away: that image would
 * still bind 01:00 from its conf, 6.12's (no conf) would not.
 */
static void test_disable_rebuilds_selecting_image(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	build_images(f, "all");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	build_images(f, K61);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes", "--dry-run"), 0);
	assert_non_null(strstr(f->out, "initramfs " K61 ": rebuild: its copy of /etc/gpupt.conf would bind"
					 " differently\n"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_calls(f, "update-initramfs -u -k " K61 "\nupdate-grub \n");
	/* Nothing left that binds: enable needs no rebuild, and neither does disable again. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "gpupt: initramfs: every image binds as configured without gpupt's"
				       " tokens, no rebuild needed\n"));
	assert_calls(f, "update-initramfs -u -k " K61 "\nupdate-grub \nupdate-grub \nupdate-grub \n");
	free_fixture(f);
}

/* The host after a reboot at btime: both GPU functions on vfio-pci, files older than btime. */
static void rebooted(struct fx *f, time_t btime)
{
	char stat[64];
	static const char *const funcs[] = { "sys/devices/pci0000:00/0000:01:00.0/driver",
					     "sys/devices/pci0000:00/0000:01:00.1/driver" };

	snprintf(stat, sizeof(stat), "cpu  1 2 3 4\nbtime %lld\n", (long long)btime);
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "proc/stat", stat, strlen(stat), 0444), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(unlinkat(f->h.rootfd, funcs[i], 0), 0);
		assert_int_equal(symlinkat("../../../bus/pci/drivers/vfio-pci", f->h.rootfd, funcs[i]), 0);
	}
	set_mtime(f, "etc/gpupt.conf", btime - 100);
	set_mtime(f, "etc/default/grub.d", btime - 100);
	set_mtime(f, "etc/default/grub", btime - 100);
}

static void test_status_older_image(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct timeval now;

	(void)state;
	gettimeofday(&now, NULL);
	build_images(f, "all");
	set_mtime(f, RECORD_61, now.tv_sec - 1000);
	set_mtime(f, "boot/initrd.img-" K61, now.tv_sec - 900);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_calls(f, "update-grub \n");
	rebooted(f, now.tv_sec + 100);
	/* Older than the conf, but the command line carries the selection: fine. */
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 0);
	assert_null(strstr(f->out, "Initramfs:"));

	/* Without a record nothing proves that: the warning stays. */
	assert_int_equal(unlinkat(f->h.rootfd, RECORD_61, 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "Initramfs: /boot/initrd.img-" K61 " is older than /etc/gpupt.conf"));
	free_fixture(f);
}

/* An image whose conf really differs from the one configured now, with no token to override it. */
static void test_status_image_differs(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct timeval now;

	(void)state;
	gettimeofday(&now, NULL);
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/gpupt.conf", "addrs = 01:00.1\n", 16, 0644), 0);
	build_images(f, "all");
	set_mtime(f, RECORD_61, now.tv_sec - 1000);
	set_mtime(f, "boot/initrd.img-" K61, now.tv_sec - 900);
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/gpupt.conf", "addrs = 01:00\n", 14, 0644), 0);
	rebooted(f, now.tv_sec + 100);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "Initramfs: /boot/initrd.img-" K61 " is older than /etc/gpupt.conf"
					 " and boots with the old selection"));
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_record_rebuilds),
		cmocka_unit_test(test_cmdline_carries_selection),
		cmocka_unit_test(test_sdboot_skips_rebuild),
		cmocka_unit_test(test_record_newer_than_image),
		cmocka_unit_test(test_binder_changed),
		cmocka_unit_test(test_malformed_record),
		cmocka_unit_test(test_disable_rebuilds_selecting_image),
		cmocka_unit_test(test_status_older_image),
		cmocka_unit_test(test_status_image_differs),
	};

	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
