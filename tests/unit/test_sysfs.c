// SPDX-License-Identifier: MIT
/* The sysfs helpers on a small fixture tree built here with real links. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sysfs/sysfs.h"

static char root[64];
static int rootfd = -1;

/* mkdir -p of path's parent directories below the root (or all of it). */
static void mkdirs(const char *path, bool last_too)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdirat(rootfd, dir, 0755);
		*p = '/';
	}
	if (last_too)
		mkdirat(rootfd, dir, 0755);
}

static void put(const char *path, const char *text)
{
	int fd;

	mkdirs(path, false);
	fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void link_to(const char *target, const char *path)
{
	mkdirs(path, false);
	assert_int_equal(symlinkat(target, rootfd, path), 0);
}

static void dev(const char *addr, const char *uevent, const char *driver, const char *group)
{
	char p[256], t[256];

	snprintf(p, sizeof(p), "sys/devices/pci0000:00/%s/uevent", addr);
	put(p, uevent);
	snprintf(p, sizeof(p), "sys/devices/pci0000:00/%s/driver_override", addr);
	put(p, "(null)\n");
	snprintf(p, sizeof(p), "sys/bus/pci/devices/%s", addr);
	snprintf(t, sizeof(t), "../../../devices/pci0000:00/%s", addr);
	link_to(t, p);
	if (driver) {
		snprintf(p, sizeof(p), "sys/bus/pci/drivers/%s/unbind", driver);
		put(p, "");
		snprintf(p, sizeof(p), "sys/devices/pci0000:00/%s/driver", addr);
		snprintf(t, sizeof(t), "../../../bus/pci/drivers/%s", driver);
		link_to(t, p);
	}
	if (group) {
		snprintf(p, sizeof(p), "sys/devices/pci0000:00/%s/iommu_group", addr);
		snprintf(t, sizeof(t), "../../../kernel/iommu_groups/%s", group);
		link_to(t, p);
		snprintf(p, sizeof(p), "sys/kernel/iommu_groups/%s/devices/%s", group, addr);
		snprintf(t, sizeof(t), "../../../../devices/pci0000:00/%s", addr);
		link_to(t, p);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/gpupt-sysfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	dev("0000:01:00.0",
	    "DRIVER=nouveau\nPCI_CLASS=30000\nPCI_ID=10DE:1381\nPCI_SUBSYS_ID=1043:8416\n"
	    "PCI_SLOT_NAME=0000:01:00.0\n", "nouveau", "14");
	dev("0000:01:00.1",
	    "PCI_CLASS=40300\nPCI_ID=10DE:0FBC\nPCI_SUBSYS_ID=1043:8416\n", NULL, "14");
	dev("0000:00:01.0", "PCI_CLASS=60400\nPCI_ID=8086:1901\nPCI_SUBSYS_ID=1043:8694\n",
	    "pcieport", NULL);
	put("sys/devices/pci0000:00/0000:01:00.0/vendor", "0x10de\n");
	put("sys/devices/pci0000:00/0000:01:00.0/device", "0x1381\n");
	put("sys/devices/pci0000:00/0000:01:00.0/subsystem_vendor", "0x1043\n");
	put("sys/devices/pci0000:00/0000:01:00.0/subsystem_device", "0x8416\n");
	put("sys/devices/pci0000:00/0000:01:00.0/class", "0x030000\n");
	put("sys/devices/pci0000:00/0000:01:00.0/boot_vga", "1\n");
	put("sys/bus/pci/drivers_probe", "");
	put("sys/bus/pci/devices/not-a-device", "");
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	close(rootfd);
	return nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_names(void **state)
{
	struct gpupt_pci_dev d;

	(void)state;
	assert_true(gpupt_path_name_ok("0000:01:00.0"));
	assert_false(gpupt_path_name_ok(""));
	assert_false(gpupt_path_name_ok(".."));
	assert_false(gpupt_path_name_ok("a/b"));
	assert_int_equal(gpupt_sysfs_parse_pci_name("0000:0A:1f.7", &d), 0);
	assert_int_equal(d.bus, 0x0a);
	assert_int_equal(d.slot, 0x1f);
	assert_int_equal(d.func, 7);
	assert_int_equal(gpupt_sysfs_parse_pci_name("0000:01:20.0", &d), -EINVAL);
	assert_int_equal(gpupt_sysfs_parse_pci_name("0000:01:00.8", &d), -EINVAL);
	assert_int_equal(gpupt_sysfs_parse_pci_name("0000:01:00.0x", &d), -EINVAL);
	assert_int_equal(gpupt_sysfs_parse_pci_name("01:00.0", &d), -EINVAL);
}

static void test_path(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(gpupt_path_join(buf, sizeof(buf), "a", "bc", "d", (const char *)NULL), 6);
	assert_string_equal(buf, "a/bc/d");
	assert_int_equal(gpupt_path_join(buf, sizeof(buf), "0123456789", "abcdef", (const char *)NULL),
			 -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

static void test_read(void **state)
{
	char buf[8];
	unsigned long v;

	(void)state;
	put("f/exact", "1234567\n");
	assert_int_equal(gpupt_sysfs_read(rootfd, "f/exact", buf, sizeof(buf)), -EFBIG);
	put("f/fits", "123456\n");
	assert_int_equal(gpupt_sysfs_read(rootfd, "f/fits", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "123456");
	assert_int_equal(gpupt_sysfs_read(rootfd, "f/missing", buf, sizeof(buf)), -ENOENT);
	put("f/hex", "0x030000\n");
	assert_int_equal(gpupt_sysfs_read_ulong(rootfd, "f/hex", &v), 0);
	assert_int_equal(v, 0x030000);
	put("f/dec", "14\n");
	assert_int_equal(gpupt_sysfs_read_ulong(rootfd, "f/dec", &v), 0);
	assert_int_equal(v, 14);
	put("f/bad", "0x\n");
	assert_int_equal(gpupt_sysfs_read_ulong(rootfd, "f/bad", &v), -EINVAL);
	put("f/bad2", "12a\n");
	assert_int_equal(gpupt_sysfs_read_ulong(rootfd, "f/bad2", &v), -EINVAL);
}

static void test_write_never_creates(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(gpupt_sysfs_write_str(rootfd, "f/nope", "x"), -ENOENT);
	assert_int_equal(gpupt_sysfs_exists(rootfd, "f/nope"), 0);
	put("f/w", "old content\n");
	assert_int_equal(gpupt_sysfs_write_str(rootfd, "f/w", "new"), 0);
	assert_int_equal(gpupt_sysfs_read(rootfd, "f/w", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
}

static void test_uevent(void **state)
{
	struct gpupt_pci_dev d, a;
	int devs = gpupt_sysfs_pci_devices_open(rootfd);

	(void)state;
	assert_true(devs >= 0);
	assert_int_equal(gpupt_sysfs_pci_read_uevent(devs, "0000:01:00.0", &d), 0);
	assert_int_equal(d.vendor, 0x10de);
	assert_int_equal(d.device, 0x1381);
	assert_int_equal(d.subvendor, 0x1043);
	assert_int_equal(d.subdevice, 0x8416);
	assert_int_equal(d.class, 0x030000);
	assert_string_equal(d.driver, "nouveau");
	assert_true(gpupt_pci_is_display(&d));
	assert_int_equal(gpupt_sysfs_pci_read_attrs(devs, "0000:01:00.0", &a), 0);
	assert_int_equal(a.vendor, d.vendor);
	assert_int_equal(a.class, d.class);
	assert_string_equal(a.driver, "nouveau");
	assert_int_equal(gpupt_sysfs_pci_read_uevent(devs, "0000:01:00.1", &d), 0);
	assert_string_equal(d.driver, "");
	assert_int_equal(d.class, 0x040300);
	assert_int_equal(gpupt_sysfs_pci_read_uevent(devs, "0000:00:01.0", &d), 0);
	assert_true(gpupt_pci_is_unbindable_bridge(&d));
	assert_true(gpupt_pci_is_bridge(&d));
	assert_int_equal(gpupt_sysfs_pci_read_uevent(devs, "../x", &d), -EINVAL);
	close(devs);
}

static void test_links_and_writes(void **state)
{
	char buf[64];
	int devs = gpupt_sysfs_pci_devices_open(rootfd);

	(void)state;
	assert_int_equal(gpupt_sysfs_pci_driver(devs, "0000:01:00.0", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "nouveau");
	assert_int_equal(gpupt_sysfs_pci_driver(devs, "0000:01:00.1", buf, sizeof(buf)), 0);
	assert_int_equal(gpupt_sysfs_pci_boot_vga(devs, "0000:01:00.0"), 1);
	assert_int_equal(gpupt_sysfs_pci_boot_vga(devs, "0000:01:00.1"), -ENOENT);
	assert_int_equal(gpupt_sysfs_pci_read_override(devs, "0000:01:00.0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(gpupt_sysfs_pci_set_override(devs, "0000:01:00.0", "vfio-pci"), 0);
	assert_int_equal(gpupt_sysfs_pci_read_override(devs, "0000:01:00.0", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(gpupt_sysfs_pci_set_override(devs, "0000:01:00.0", "../x"), -EINVAL);
	assert_int_equal(gpupt_sysfs_pci_unbind(devs, "0000:01:00.0"), 0);
	assert_int_equal(gpupt_sysfs_read(rootfd, "sys/bus/pci/drivers/nouveau/unbind", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(gpupt_sysfs_pci_unbind(devs, "0000:01:00.1"), -ENOENT);	/* unbound */
	assert_int_equal(gpupt_sysfs_pci_probe(rootfd, "0000:01:00.1"), 0);
	assert_int_equal(gpupt_sysfs_read(rootfd, GPUPT_SYSFS_PCI_PROBE, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "0000:01:00.1");
	assert_int_equal(gpupt_sysfs_pci_probe(rootfd, "../../x"), -EINVAL);
	assert_int_equal(gpupt_sysfs_pci_driver_loaded(rootfd, "nouveau"), 1);
	assert_int_equal(gpupt_sysfs_pci_driver_loaded(rootfd, "vfio-pci"), 0);
	assert_int_equal(gpupt_sysfs_pci_driver_loaded(rootfd, ".."), -EINVAL);
	close(devs);
}

struct seen {
	char names[8][16];
	int n;
};

static int record(int dirfd, const char *name, void *ctx)
{
	struct seen *s = ctx;
	struct gpupt_pci_dev d;

	/* dirfd/name must be the device directory. */
	assert_int_equal(gpupt_sysfs_pci_read_uevent(dirfd, name, &d), 0);
	if (s->n < 8)
		snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", name);
	return 0;
}

static int stop(int dirfd, const char *name, void *ctx)
{
	(void)dirfd;
	(void)name;
	(void)ctx;
	return -ECANCELED;
}

static bool has(const struct seen *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

static void test_enumeration(void **state)
{
	struct seen s = { .n = 0 };
	int devs = gpupt_sysfs_pci_devices_open(rootfd);

	(void)state;
	assert_int_equal(gpupt_sysfs_pci_foreach(devs, record, &s), 3);	/* not-a-device skipped */
	assert_true(has(&s, "0000:01:00.0") && has(&s, "0000:01:00.1") && has(&s, "0000:00:01.0"));
	s.n = 0;
	assert_int_equal(gpupt_sysfs_pci_foreach(devs, record, &s), 3);	/* devsfd reusable */
	assert_int_equal(gpupt_sysfs_pci_foreach(devs, stop, NULL), -ECANCELED);
	assert_int_equal(gpupt_sysfs_pci_iommu_group(devs, "0000:01:00.0"), 14);
	assert_int_equal(gpupt_sysfs_pci_iommu_group(devs, "0000:00:01.0"), -ENOENT);
	s.n = 0;
	assert_int_equal(gpupt_sysfs_iommu_group_foreach(rootfd, 14, record, &s), 2);
	assert_true(has(&s, "0000:01:00.0") && has(&s, "0000:01:00.1"));
	assert_int_equal(gpupt_sysfs_iommu_group_foreach(rootfd, 15, record, &s), -ENOENT);
	close(devs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write_never_creates),
		cmocka_unit_test(test_uevent),
		cmocka_unit_test(test_links_and_writes),
		cmocka_unit_test(test_enumeration),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
