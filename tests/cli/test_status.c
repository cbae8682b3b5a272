// SPDX-License-Identifier: MIT
/* gpupt status on fixture roots: configured vs in effect vs bound, reboot pending, why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "tests/fixtures/host/devroot.h"

#define BEFORE_BOOT 1690000000L		/* the fixtures' btime is 1700000000 */
#define AFTER_BOOT 1710000000L
#define TABLE_HEADER "DEVICE        ID         SELECTED_BY  TARGET     BOUND           STATE"

static int run_status(struct devroot *r, int json)
{
	return devroot_run(r, gpupt_cmd_status, json, "status", (char *)NULL);
}

static void test_nothing_selected(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	assert_int_equal(run_status(&r, 0), 0);
	assert_string_equal(r.out,
		"Configured (/etc/gpupt.conf): (nothing)\n"
		"Kernel command line in effect (gpupt.*): (nothing)\n"
		"Reboot pending: no\n"
		"\n"
		"No device is selected: `gpupt enable SEL` selects one (see `gpupt list`).\n");
	devroot_free(&r);
}

static void test_twin_all_bound(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:03:00.0=10de:1381, 0000:03:00.1=10de:0fbc\n",
		      BEFORE_BOOT);
	assert_int_equal(run_status(&r, 0), 0);
	assert_string_equal(r.out,
		"Configured (/etc/gpupt.conf): addrs=0000:03:00.0=10de:1381 addrs=0000:03:00.1=10de:0fbc\n"
		"Kernel command line in effect (gpupt.*): (nothing)\n"
		"Reboot pending: no\n"
		"\n"
		TABLE_HEADER "\n"
		"0000:03:00.0  10de:1381  conf         vfio-pci   vfio-pci        ok\n"
		"0000:03:00.1  10de:0fbc  conf         vfio-pci   vfio-pci        ok\n");
	assert_int_equal(run_status(&r, 1), 0);
	assert_string_equal(r.out,
		"{\"configured\":{\"off\":false,\"ids\":[],\"addrs\":[\"0000:03:00.0=10de:1381\","
		"\"0000:03:00.1=10de:0fbc\"],\"driver\":null},\"cmdline\":{\"off\":false,\"ids\":[],"
		"\"addrs\":[],\"driver\":null},\"reboot_pending\":false,\"stale_initramfs\":null,\"missing\":[],\"trial\":null,\"devices\":[{\"address\":"
		"\"0000:03:00.0\",\"selected_by\":\"conf\",\"target_driver\":\"vfio-pci\",\"driver\":"
		"\"vfio-pci\",\"driver_override\":null,\"ok\":true,\"reason\":null},{\"address\":"
		"\"0000:03:00.1\",\"selected_by\":\"conf\",\"target_driver\":\"vfio-pci\",\"driver\":"
		"\"vfio-pci\",\"driver_override\":null,\"ok\":true,\"reason\":null}]}\n");
	devroot_free(&r);
}

static void test_reboot_pending(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00\n", AFTER_BOOT);
	devroot_write(&r, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n",
		      AFTER_BOOT);
	assert_int_equal(run_status(&r, 0), 1);
	assert_line(r.out, "Reboot pending: changed since this boot: /etc/gpupt.conf, /etc/default/grub");
	assert_line(r.out, "0000:01:00.0  10de:1381  conf         vfio-pci   nouveau         "
		    "/etc/gpupt.conf changed after this boot: reboot");
	assert_line(r.out, "0000:01:00.1  10de:0fbc  conf         vfio-pci   snd_hda_intel   "
		    "/etc/gpupt.conf changed after this boot: reboot");
	devroot_free(&r);
}

static void test_stale_initramfs(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 03:00\n", BEFORE_BOOT);
	devroot_write(&r, "boot/initrd.img-6.8.12-4-pve", "", BEFORE_BOOT - 100);
	assert_int_equal(run_status(&r, 0), 1);
	assert_line(r.out, "Initramfs: /boot/initrd.img-6.8.12-4-pve is older than /etc/gpupt.conf and"
		    " boots with the old selection: run `update-initramfs -u -k all` (or `dracut -f"
		    " --regenerate-all`)");
	assert_int_equal(run_status(&r, 1), 1);
	assert_true(strstr(r.out, "\"stale_initramfs\":\"/boot/initrd.img-6.8.12-4-pve\""));
	devroot_write(&r, "boot/initrd.img-6.8.12-4-pve", "", BEFORE_BOOT + 100);
	assert_int_equal(run_status(&r, 0), 0);
	assert_null(strstr(r.out, "Initramfs:"));
	devroot_free(&r);
}

static void test_why_from_kernel_log(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	devroot_write(&r, "etc/gpupt.conf", "ids = 10de:1381, 10de:0fbc\n", BEFORE_BOOT);
	devroot_write(&r, "dev/kmsg",
		      "6,812,5000123,-;gpupt: 0000:01:00.0: nouveau has it already; unbinding\n"
		      "3,813,5000200,-;gpupt: error: 0000:01:00.0: vfio-pci did not take it\n"
		      "6,814,5000300,-;nouveau 0000:01:00.0: bios: version 82.07\n"
		      "6,815,5000400,-;gpupt: 0000:03:00.0: bound to vfio-pci\n", 0);
	assert_int_equal(run_status(&r, 0), 1);
	assert_string_equal(r.out,
		"Configured (/etc/gpupt.conf): ids=10de:1381 ids=10de:0fbc\n"
		"Kernel command line in effect (gpupt.*): (nothing)\n"
		"Reboot pending: no\n"
		"\n"
		TABLE_HEADER "\n"
		"0000:01:00.0  10de:1381  conf         vfio-pci   nouveau         on nouveau; gpupt's kernel log lines:\n"
		"    kernel log: gpupt: 0000:01:00.0: nouveau has it already; unbinding\n"
		"    kernel log: gpupt: error: 0000:01:00.0: vfio-pci did not take it\n"
		"0000:01:00.1  10de:0fbc  conf         vfio-pci   snd_hda_intel   on snd_hda_intel, and the kernel"
		" log has no gpupt line for it: is gpupt in the initramfs? (update-initramfs -u -k all)\n"
		"0000:03:00.0  10de:1381  conf         vfio-pci   vfio-pci        ok\n"
		"0000:03:00.1  10de:0fbc  conf         vfio-pci   vfio-pci        ok\n");
	devroot_free(&r);
}

static void test_cmdline_overrides_and_off(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00.0\ndriver = pci-stub\n", BEFORE_BOOT);
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2 gpupt.addrs=03:00.0\n", 0);
	assert_int_equal(run_status(&r, 0), 1);
	assert_line(r.out, "Configured (/etc/gpupt.conf): addrs=0000:01:00.0 driver=pci-stub");
	assert_line(r.out, "Kernel command line in effect (gpupt.*): addrs=0000:03:00.0");
	assert_line(r.out, "0000:01:00.0  10de:1381  -            pci-stub   nouveau         "
		    "the kernel command line's gpupt selection overrides /etc/gpupt.conf");
	assert_line(r.out, "0000:03:00.0  10de:1381  cmdline      pci-stub   vfio-pci        on vfio-pci,"
		    " and the kernel log has no gpupt line for it: is gpupt in the initramfs?"
		    " (update-initramfs -u -k all)");
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2 gpupt.off\n", 0);
	devroot_write(&r, "etc/gpupt.conf", "addrs = 03:00\n", BEFORE_BOOT);
	assert_int_equal(run_status(&r, 0), 1);
	assert_line(r.out, "Kernel command line in effect (gpupt.*): gpupt.off");
	assert_line(r.out, "0000:03:00.0  10de:1381  -            vfio-pci   vfio-pci        "
		    "gpupt.off is on the kernel command line");
	devroot_free(&r);
}

static void test_card_moved(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:01:00.0=10de:1381, 0000:04:00.0=10de:1381\n",
		      BEFORE_BOOT);
	devroot_symlink(&r, "../../../bus/pci/drivers/vfio-pci", "sys/devices/pci0000:00/0000:01:00.0/driver");
	assert_int_equal(run_status(&r, 0), 1);
	assert_line(r.out, "0000:04:00.0=10de:1381: no such device now (moved or replaced?): the binder"
		    " skips it; run `gpupt enable` again for the card's new address");
	assert_line(r.out, "0000:01:00.0  10de:1381  conf         vfio-pci   vfio-pci        ok");
	assert_int_equal(run_status(&r, 1), 1);
	assert_true(strstr(r.out, "\"reboot_pending\":false,\"stale_initramfs\":null,\"missing\":[\"0000:04:00.0=10de:1381\"],"
			   "\"trial\":null,\"devices\":[{\"address\":\"0000:01:00.0\",\"selected_by\":\"conf\","));
	assert_int_equal(devroot_run(&r, gpupt_cmd_status, 0, "status", "now", (char *)NULL), 2);
	assert_true(strstr(r.err, "gpupt: status: unexpected argument \"now\"\n"));
	devroot_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_selected),
		cmocka_unit_test(test_twin_all_bound),
		cmocka_unit_test(test_reboot_pending),
		cmocka_unit_test(test_stale_initramfs),
		cmocka_unit_test(test_why_from_kernel_log),
		cmocka_unit_test(test_cmdline_overrides_and_off),
		cmocka_unit_test(test_card_moved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
