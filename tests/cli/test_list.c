// SPDX-License-Identifier: MIT
/* gpupt list on fixture roots, and the JSON writer it shares with every command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "lib/json.h"
#include "tests/fixtures/host/devroot.h"

#define HEADER "ADDRESS       ID         DRIVER         OVERRIDE  GROUP  BOOT_VGA  RESET    SELECTED  DEVICE\n"
#define IGPU_ROW(sel) "0000:00:02.0  8086:3e92  i915           -         2      yes       flr,bus  " sel \
	"VGA compatible controller: Intel Corporation CoffeeLake-S GT2 [UHD Graphics 630]" \
	" (subsystem 8086:3e92 Intel Corporation CoffeeLake-S GT2 [UHD Graphics 630])\n"
#define GPU_ROW(addr, drv, grp, boot, sel) addr "  10de:1381  " drv grp boot "flr,bus  " sel \
	"VGA compatible controller: NVIDIA Corporation GM107 [GeForce GTX 750]" \
	" (subsystem 1043:8416 ASUSTeK Computer Inc. GeForce GTX 750 OC)\n"
#define AUDIO_ROW(addr, drv, grp, sel) addr "  10de:0fbc  " drv grp "-         flr,bus  " sel \
	"Audio device: NVIDIA Corporation GM107 High Definition Audio Controller [GeForce 940MX]" \
	" (subsystem 1043:8416 ASUSTeK Computer Inc. Device 8416)\n"

static void test_seed(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_string_equal(r.out,
		HEADER
		IGPU_ROW("-         ")
		GPU_ROW("0000:01:00.0", "nouveau        -         ", "12     ", "no        ", "-         ")
		AUDIO_ROW("0000:01:00.1", "snd_hda_intel  -         ", "12     ", "-         ")
		"\n"
		"IOMMU group 2: 0000:00:02.0 [8086:3e92] i915\n"
		"IOMMU group 12: 0000:01:00.0 [10de:1381] nouveau, 0000:01:00.1 [10de:0fbc] snd_hda_intel\n");
	assert_string_equal(r.err, "");
	devroot_free(&r);
}

static void test_selection_sources(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:01:00.0=10de:1381, 0000:01:00.1=10de:0fbc\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_line(r.out, "0000:01:00.0  10de:1381  nouveau        -         12     no        flr,bus  conf"
		    "      VGA compatible controller: NVIDIA Corporation GM107 [GeForce GTX 750]"
		    " (subsystem 1043:8416 ASUSTeK Computer Inc. GeForce GTX 750 OC)");
	/* A selection on the command line replaces the conf's. */
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2 gpupt.ids=10de:0fbc\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_true(strstr(r.out, "0000:01:00.0  10de:1381  nouveau        -         12     no        flr,bus  -    "));
	assert_true(strstr(r.out, "0000:01:00.1  10de:0fbc  snd_hda_intel  -         12     -         flr,bus  cmdline  "));
	/* gpupt.off wins over everything. */
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2 gpupt.ids=10de:0fbc gpupt.off\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_line(r.out, "gpupt.off is on the kernel command line: nothing is bound this boot.");
	assert_null(strstr(r.out, "cmdline "));
	/* A bad conf entry is reported, and the rest still counts. */
	devroot_write(&r, "etc/gpupt.conf", "ids = 10de:13, 10de:1381\n", 0);
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_true(strstr(r.err, "/etc/gpupt.conf:1: ids: \"10de:13\""));
	assert_true(strstr(r.out, "0000:01:00.0  10de:1381  nouveau        -         12     no        flr,bus  conf "));
	devroot_free(&r);
}

static void test_twin(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_string_equal(r.out,
		HEADER
		GPU_ROW("0000:01:00.0", "nouveau        -         ", "12     ", "yes       ", "-         ")
		AUDIO_ROW("0000:01:00.1", "snd_hda_intel  -         ", "12     ", "-         ")
		GPU_ROW("0000:03:00.0", "vfio-pci       -         ", "14     ", "no        ", "-         ")
		AUDIO_ROW("0000:03:00.1", "vfio-pci       -         ", "14     ", "-         ")
		"\n"
		"IOMMU group 12: 0000:01:00.0 [10de:1381] nouveau, 0000:01:00.1 [10de:0fbc] snd_hda_intel\n"
		"IOMMU group 14: 0000:03:00.0 [10de:1381] vfio-pci, 0000:03:00.1 [10de:0fbc] vfio-pci\n");
	devroot_free(&r);
}

static void test_group_shows_other_members(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nvme");
	devroot_write(&r, "sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_line(r.out, "IOMMU group 12: 0000:01:00.0 [10de:1381] nouveau, 0000:01:00.1 [10de:0fbc]"
		    " snd_hda_intel, 0000:02:00.0 [144d:a808] nvme");
	assert_true(strstr(r.out, "0000:01:00.0  10de:1381  nouveau        vfio-pci  12 "));
	devroot_free(&r);
}

static void test_verbose_lists_everything(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nogpu");
	r.h.verbose = true;
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_string_equal(r.out,
		"ADDRESS       ID         DRIVER    OVERRIDE  GROUP  BOOT_VGA  RESET    SELECTED  DEVICE\n"
		"0000:00:00.0  8086:3e30  -         -         0      -         flr,bus  -         Host bridge:"
		" Intel Corporation 8th/9th Gen Core 8-core Desktop Processor Host Bridge/DRAM Registers"
		" (subsystem 8086:3e30 Intel Corporation 8th/9th Gen Core 8-core Desktop Processor Host"
		" Bridge/DRAM Registers)\n"
		"0000:00:01.0  8086:1901  pcieport  -         1      -         flr,bus  -         PCI bridge:"
		" Intel Corporation Xeon E3-1200 v5/E3-1500 v5/6th Gen Core Processor PCIe Controller (x16)\n"
		"0000:02:00.0  144d:a808  nvme      -         13     -         flr,bus  -         Non-Volatile"
		" memory controller: Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983"
		" (subsystem 144d:a801 Samsung Electronics Co Ltd SSD 970 EVO)\n"
		"\n"
		"IOMMU group 0: 0000:00:00.0 [8086:3e30] (no driver)\n"
		"IOMMU group 1: 0000:00:01.0 [8086:1901] pcieport\n"
		"IOMMU group 13: 0000:02:00.0 [144d:a808] nvme\n");
	devroot_free(&r);
}

static void test_no_gpu(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nogpu");
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_string_equal(r.out, "No display-class PCI devices found (class 0x03xx): nothing to pass through.\n");
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 1, "list", (char *)NULL), 0);
	assert_string_equal(r.out, "{\"gpupt_off\":false,\"devices\":[]}\n");
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", "extra", (char *)NULL), 2);
	assert_true(strstr(r.err, "gpupt: list: unexpected argument \"extra\"\n"));
	devroot_free(&r);
}

static void test_no_sysfs_at_all(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nogpu");
	unlinkat(r.h.rootfd, "sys/bus/pci/devices/0000:00:00.0", 0);
	unlinkat(r.h.rootfd, "sys/bus/pci/devices/0000:00:01.0", 0);
	unlinkat(r.h.rootfd, "sys/bus/pci/devices/0000:02:00.0", 0);
	assert_int_equal(unlinkat(r.h.rootfd, "sys/bus/pci/devices", AT_REMOVEDIR), 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_string_equal(r.out, "No display-class PCI devices found (class 0x03xx): nothing to pass through.\n");
	devroot_free(&r);
}

static void test_json(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 1, "list", (char *)NULL), 0);
	assert_true(strstr(r.out,
		"{\"address\":\"0000:01:00.1\",\"vendor\":\"10de\",\"device\":\"0fbc\",\"subvendor\":\"1043\","
		"\"subdevice\":\"8416\",\"class\":\"040300\",\"class_name\":\"Audio device\","
		"\"vendor_name\":\"NVIDIA Corporation\",\"device_name\":\"GM107 High Definition Audio"
		" Controller [GeForce 940MX]\",\"subsystem_name\":\"ASUSTeK Computer Inc. Device 8416\","
		"\"driver\":\"snd_hda_intel\",\"driver_override\":null,\"iommu_group\":12,"
		"\"iommu_group_members\":[{\"address\":\"0000:01:00.0\",\"vendor\":\"10de\",\"device\":\"1381\","
		"\"class\":\"030000\",\"driver\":\"nouveau\"}],\"boot_vga\":null,\"reset_method\":\"flr bus\","
		"\"selected_by\":\"conf\"}]}\n"));
	assert_true(strncmp(r.out, "{\"gpupt_off\":false,\"devices\":[{\"address\":\"0000:00:02.0\"", 54) == 0);
	devroot_free(&r);
}

static char *json_of(void (*build)(struct gpupt_json *), int *ret)
{
	struct gpupt_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	gpupt_json_init(&j, f);
	build(&j);
	*ret = gpupt_json_finish(&j);
	fclose(f);
	return buf;
}

static void build_escapes(struct gpupt_json *j)
{
	gpupt_json_begin_object(j);
	gpupt_json_kv_str(j, "q\"b\\", "line\nt\tab\x01\x1f\x7f");
	gpupt_json_kv_str(j, "utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	gpupt_json_kv_str(j, "bad", "a\xff" "b\xc3" "c\xed\xa0\x80" "d\xe0\x80\xaf");
	gpupt_json_kv_str(j, "null", NULL);
	gpupt_json_key(j, "list");
	gpupt_json_begin_array(j);
	gpupt_json_int(j, -5);
	gpupt_json_bool(j, true);
	gpupt_json_begin_object(j);
	gpupt_json_end_object(j);
	gpupt_json_begin_array(j);
	gpupt_json_end_array(j);
	gpupt_json_end_array(j);
	gpupt_json_end_object(j);
}

static void build_unbalanced(struct gpupt_json *j)
{
	gpupt_json_begin_object(j);
	gpupt_json_key(j, "a");
}

static void test_json_writer(void **state)
{
	int ret;
	char *s;

	(void)state;
	s = json_of(build_escapes, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(s, "{\"q\\\"b\\\\\":\"line\\nt\\tab\\u0001\\u001f\\u007f\","
			    "\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
			    "\"bad\":\"a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffd\","
			    "\"null\":null,\"list\":[-5,true,{},[]]}\n");
	free(s);
	s = json_of(build_unbalanced, &ret);
	assert_int_equal(ret, -EINVAL);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_selection_sources),
		cmocka_unit_test(test_twin),
		cmocka_unit_test(test_group_shows_other_members),
		cmocka_unit_test(test_verbose_lists_everything),
		cmocka_unit_test(test_no_gpu),
		cmocka_unit_test(test_no_sysfs_at_all),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
