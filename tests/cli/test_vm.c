// SPDX-License-Identifier: MIT
/* gpupt vm: the Proxmox config editor on fixture files, and the command on fixture roots. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/formats/vmconf.h"
#include "host/host.h"
#include "lib/macro.h"
#include "tests/cli/host_fixture.h"
#include "tests/cli/tty_fixture.h"

#define FIXTURES "tests/fixtures/host/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static struct gpupt_pci_addr addr(const char *s)
{
	struct gpupt_pci_addr a;

	assert_int_equal(gpupt_parse_addr(s, strlen(s), &a), 0);
	return a;
}

static const struct gpupt_vm_request DEFAULT_REQ = { .ovmf = true, .pcie = true, .primary = true };

/* Plan and apply req to a fixture file; the result must equal the expected file. */
static struct gpupt_vm_plan edit_fixture(const char *name, struct gpupt_vm_request req,
					 const char *expected)
{
	char in_path[128], exp_path[128], out[1 << 16];
	struct gpupt_vmconf_info info;
	struct gpupt_vm_plan plan;
	size_t len, exp_len;
	char *in, *exp;
	long n;

	snprintf(in_path, sizeof(in_path), FIXTURES "%s", name);
	snprintf(exp_path, sizeof(exp_path), FIXTURES "%s", expected);
	in = slurp(in_path, &len);
	exp = slurp(exp_path, &exp_len);
	assert_int_equal(gpupt_vmconf_scan(in, len, &req.dev, &info), 0);
	assert_int_equal(gpupt_vm_plan(&info, &req, &plan), 0);
	n = gpupt_vmconf_apply(in, len, plan.set, plan.n_set, out, sizeof(out));
	assert_int_equal(n, (long)exp_len);
	assert_memory_equal(out, exp, exp_len);
	free(in);
	free(exp);
	return plan;
}

/* Another device's hostpci0 stays; i440fx becomes q35; snapshot untouched. */
static void test_edit_other_device_next_index(void **state)
{
	struct gpupt_vm_request req = DEFAULT_REQ;
	struct gpupt_vm_plan p;
	(void)state;

	req.dev = addr("01:00");
	p = edit_fixture("vm-100.conf", req, "vm-100.expected");
	assert_int_equal(p.index, 1);
	assert_false(p.replaces);
	assert_true(p.machine_changes);
	assert_true(p.bios_changes);
	assert_true(p.needs_efidisk);
	assert_string_equal(p.set[0].value, "0000:01:00,pcie=1,x-vga=on");
}

/* The same device (written differently) is replaced in place, romfile= kept. */
static void test_edit_same_device_replaced(void **state)
{
	struct gpupt_vm_request req = DEFAULT_REQ;
	struct gpupt_vm_plan p;
	(void)state;

	req.dev = addr("0000:01:00");
	p = edit_fixture("vm-101.conf", req, "vm-101.expected");
	assert_int_equal(p.index, 1);
	assert_true(p.replaces);
	assert_false(p.machine_changes);	/* pc-q35-8.1 already is q35 */
	assert_false(p.bios_changes);
	assert_false(p.needs_efidisk);
	assert_int_equal(p.n_set, 1);
}

/* No newline at the end; machine options kept while the type changes. */
static void test_edit_no_trailing_newline(void **state)
{
	struct gpupt_vm_request req = DEFAULT_REQ;
	(void)state;

	req.dev = addr("01:00");
	edit_fixture("vm-102.conf", req, "vm-102.expected");
}

static long apply_text(const char *in, const struct gpupt_vm_request *req, char *out, size_t size)
{
	struct gpupt_vmconf_info info;
	struct gpupt_vm_plan plan;

	assert_int_equal(gpupt_vmconf_scan(in, strlen(in), &req->dev, &info), 0);
	assert_int_equal(gpupt_vm_plan(&info, req, &plan), 0);
	return gpupt_vmconf_apply(in, strlen(in), plan.set, plan.n_set, out, size);
}

static void test_edit_variants(void **state)
{
	struct gpupt_vm_request req = { .dev = addr("01:00.0"), .ovmf = false, .pcie = false, .primary = false };
	char out[512];
	(void)state;

	/* SeaBIOS, plain PCI, secondary: only hostpci; an absent bios already means SeaBIOS. */
	assert_true(apply_text("name: a\n", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "name: a\nhostpci0: 0000:01:00.0\n");
	/* ... but an explicit OVMF is switched back. */
	assert_true(apply_text("bios: ovmf\nname: a\n", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "bios: seabios\nname: a\nhostpci0: 0000:01:00.0\n");
	/* An explicit SeaBIOS becomes OVMF where it stands. */
	req = DEFAULT_REQ;
	req.dev = addr("01:00");
	assert_true(apply_text("bios: seabios\nmachine: q35\nname: a\n", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "bios: ovmf\nmachine: q35\nname: a\nhostpci0: 0000:01:00,pcie=1,x-vga=on\n");
	/* An empty file, and one that is only a snapshot section. */
	req = DEFAULT_REQ;
	req.dev = addr("01:00");
	assert_true(apply_text("", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "hostpci0: 0000:01:00,pcie=1,x-vga=on\nmachine: q35\nbios: ovmf\n");
	assert_true(apply_text("[snap]\nhostpci0: 0000:01:00\n", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "hostpci0: 0000:01:00,pcie=1,x-vga=on\nmachine: q35\nbios: ovmf\n"
				 "[snap]\nhostpci0: 0000:01:00\n");
	/* Blank lines after the main section stay after the added keys; comments are not keys. */
	assert_true(apply_text("#machine: pc\nname: a\n\n\n[s]\nmachine: pc\n", &req, out, sizeof(out)) > 0);
	assert_string_equal(out, "#machine: pc\nname: a\nhostpci0: 0000:01:00,pcie=1,x-vga=on\n"
				 "machine: q35\nbios: ovmf\n\n\n[s]\nmachine: pc\n");
}

/* The guide's four setups (firmware × bus), primary or not, on a fresh i440fx SeaBIOS VM. */
static void test_plan_configurations(void **state)
{
	static const struct {
		bool ovmf, pcie, primary;
		const char *out;
	} cases[] = {
		{ true, true, true, "name: a\nmachine: q35\nhostpci0: 0000:01:00,pcie=1,x-vga=on\nbios: ovmf\n" },
		{ false, true, true, "name: a\nmachine: q35\nhostpci0: 0000:01:00,pcie=1,x-vga=on\n" },
		{ true, false, true, "name: a\nmachine: pc-i440fx-8.1\nhostpci0: 0000:01:00,x-vga=on\nbios: ovmf\n" },
		{ false, false, true, "name: a\nmachine: pc-i440fx-8.1\nhostpci0: 0000:01:00,x-vga=on\n" },
		{ true, true, false, "name: a\nmachine: q35\nhostpci0: 0000:01:00,pcie=1\nbios: ovmf\n" },
		{ false, false, false, "name: a\nmachine: pc-i440fx-8.1\nhostpci0: 0000:01:00\n" },
	};
	char out[512];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_vm_request req = { addr("01:00"), cases[i].ovmf, cases[i].pcie, cases[i].primary, NULL };

		assert_true(apply_text("name: a\nmachine: pc-i440fx-8.1\n", &req, out, sizeof(out)) > 0);
		assert_string_equal(out, cases[i].out);
	}
}

/* The device split over two entries: the first is replaced, the other reported. */
static void test_scan_device_twice(void **state)
{
	static const char conf[] = "hostpci0: 0000:03:00.0\nhostpci1: 01:00.0,x-vga=1\nhostpci2: 01:00.1\n";
	struct gpupt_pci_addr slot = addr("01:00");
	struct gpupt_vmconf_info info;
	(void)state;

	assert_int_equal(gpupt_vmconf_scan(conf, strlen(conf), &slot, &info), 0);
	assert_int_equal(info.same_device, 1);
	assert_int_equal(info.same_device_all, 0x6);
	assert_int_equal(info.hostpci_used, 0x7);
}

static void test_edit_limits(void **state)
{
	struct gpupt_vm_request req = DEFAULT_REQ;
	struct gpupt_vmconf_set bad = { "Bad Key", "x" };
	struct gpupt_vmconf_set nl = { "name", "a\nmachine: pc" };
	struct gpupt_vmconf_info info;
	struct gpupt_vm_plan plan;
	char full[1024] = "", out[64];
	(void)state;

	req.dev = addr("01:00");
	assert_int_equal(apply_text("name: a\n", &req, out, 20), -ENOSPC);
	assert_int_equal(gpupt_vmconf_apply("", 0, &bad, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_vmconf_apply("", 0, &nl, 1, out, sizeof(out)), -EINVAL);
	for (int i = 0; i < GPUPT_VM_MAX_HOSTPCI; i++)
		snprintf(full + strlen(full), sizeof(full) - strlen(full), "hostpci%d: 0000:%02x:00.0\n", i, i + 2);
	assert_int_equal(gpupt_vmconf_scan(full, strlen(full), &req.dev, &info), 0);
	assert_int_equal(info.hostpci_used, 0xffff);
	assert_int_equal(gpupt_vm_plan(&info, &req, &plan), -ENOSPC);
}

static void test_hostpci_names(void **state)
{
	struct gpupt_pci_addr slot = addr("01:00"), fn1 = addr("0000:01:00.1");
	const char *v;
	(void)state;

	v = "host=0000:01:00.0;0000:01:00.1,pcie=1";
	assert_true(gpupt_vmconf_hostpci_names(v, strlen(v), &slot));
	assert_true(gpupt_vmconf_hostpci_names(v, strlen(v), &fn1));
	v = "01:00.0,x-vga=1";
	assert_true(gpupt_vmconf_hostpci_names(v, strlen(v), &slot));
	assert_false(gpupt_vmconf_hostpci_names(v, strlen(v), &fn1));
	v = "0000:01:00";
	assert_true(gpupt_vmconf_hostpci_names(v, strlen(v), &fn1));
	v = "0001:01:00";
	assert_false(gpupt_vmconf_hostpci_names(v, strlen(v), &slot));
	v = "mapping=gpu0,pcie=1";
	assert_false(gpupt_vmconf_hostpci_names(v, strlen(v), &slot));
	assert_false(gpupt_vmconf_hostpci_names("", 0, &slot));
}

static void test_vmid(void **state)
{
	unsigned long id = 0;
	(void)state;

	assert_int_equal(gpupt_vmid_parse("100", &id), 0);
	assert_int_equal(id, 100);
	assert_int_equal(gpupt_vmid_parse("999999999", &id), 0);
	assert_int_equal(id, 999999999);
	assert_int_equal(gpupt_vmid_parse("99", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("0100", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("1000000000", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("+100", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("100 ", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("", &id), -EINVAL);
	assert_int_equal(gpupt_vmid_parse("1e3", &id), -EINVAL);
}

/* ---- gpupt vm on a fixture root ------------------------------------------ */

/* The ROM check's sysfs writes are wrapped: the fixture's rom file must stay intact. */
int __real_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len);
int __wrap_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len);

int __wrap_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len)
{
	size_t n = strlen(path);

	if (n > 4 && strcmp(path + n - 4, "/rom") == 0)
		return faccessat(dirfd, path, F_OK, 0) == 0 ? 0 : -ENOENT;
	return __real_gpupt_sysfs_write(dirfd, path, val, len);
}

/*
 * Fault injection: a write of a path (equal to faults[i].path, or ending in
 * it after a leading '*') fails with err once skip writes of it went
 * through; the next fsync of the directory with inode fail_fsync_ino fails
 * (after lib/atomic's rename: the new file is in place all the same).
 */
static struct fault {
	const char *path;
	int skip, err;
} faults[2];
static ino_t fail_fsync_ino;

static bool path_matches(const char *pattern, const char *path)
{
	size_t n = strlen(path), m;

	if (pattern[0] != '*')
		return strcmp(pattern, path) == 0;
	m = strlen(pattern + 1);
	return n >= m && strcmp(path + n - m, pattern + 1) == 0;
}

int __real_gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len,
				   mode_t mode);
int __wrap_gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len,
				   mode_t mode);

int __wrap_gpupt_file_write_atomic(int rootfd, const char *path, const void *data, size_t len,
				   mode_t mode)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++) {
		if (!faults[i].path || !path_matches(faults[i].path, path) || faults[i].skip-- > 0)
			continue;
		faults[i].path = NULL;
		return -faults[i].err;
	}
	return __real_gpupt_file_write_atomic(rootfd, path, data, len, mode);
}

int __real_fsync(int fd);
int __wrap_fsync(int fd);

int __wrap_fsync(int fd)
{
	struct stat st;

	if (fail_fsync_ino && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_ino == fail_fsync_ino) {
		fail_fsync_ino = 0;
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

static void faults_clear(void)
{
	memset(faults, 0, sizeof(faults));
	fail_fsync_ino = 0;
}

static void write_str(int dirfd, const char *path, const char *s, mode_t mode)
{
	write_file(dirfd, path, s, strlen(s), mode);
}

#define DEVS "sys/bus/pci/devices/"
#define CONF100 "etc/pve/qemu-server/100.conf"

static void add_function(int rootfd, const char *name, const char *uevent)
{
	char path[128];

	snprintf(path, sizeof(path), DEVS "%s", name);
	mkdirs(rootfd, path);
	snprintf(path, sizeof(path), DEVS "%s/uevent", name);
	write_file(rootfd, path, uevent, strlen(uevent), 0644);
}

/* The seed GPU (01:00.0 VGA + 01:00.1 audio), both selected; VM 100 from vm-100.conf. */
static void fixture_setup(struct fixture *f)
{
	size_t len;
	char *conf = slurp(FIXTURES "vm-100.conf", &len);

	faults_clear();
	fixture_open(f, "gpupt-vm");
	add_function(f->rootfd, "0000:01:00.0", "DRIVER=vfio-pci\nPCI_CLASS=30000\nPCI_ID=10DE:1381\n"
		     "PCI_SUBSYS_ID=1043:8416\nPCI_SLOT_NAME=0000:01:00.0\n");
	add_function(f->rootfd, "0000:01:00.1", "DRIVER=vfio-pci\nPCI_CLASS=40300\nPCI_ID=10DE:0FBC\n"
		     "PCI_SUBSYS_ID=1043:8416\nPCI_SLOT_NAME=0000:01:00.1\n");
	mkdirs(f->rootfd, "etc/pve/qemu-server");
	write_str(f->rootfd, "etc/gpupt.conf", "addrs = 0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc\n", 0644);
	write_file(f->rootfd, CONF100, conf, len, 0640);
	free(conf);
}

static int run_vm(struct fixture *f, const char *const *args)
{
	char *argv[16] = { "vm" };
	int argc = 1;

	while (args[argc - 1])
		argv[argc] = (char *)args[argc - 1], argc++;
	int ret = gpupt_cmd_vm(&f->h, argc, argv);
	fflush(f->h.out);
	fflush(f->h.err);
	return ret;
}

static bool file_equals(int rootfd, const char *path, const char *fixture)
{
	char full[256];
	size_t a_len, b_len;
	char *a, *b;
	bool eq;

	snprintf(full, sizeof(full), "%s", path);
	(void)rootfd;
	a = slurp(full, &a_len);
	b = slurp(fixture, &b_len);
	eq = a_len == b_len && memcmp(a, b, a_len) == 0;
	free(a);
	free(b);
	return eq;
}

static char *root_path(const struct fixture *f, const char *rel)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", f->root, rel);
	return p;
}

static void test_cmd_applies_with_backup(void **state)
{
	struct fixture f;
	struct stat st;
	(void)state;

	fixture_setup(&f);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 0);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	assert_int_equal(stat(root_path(&f, CONF100), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_non_null(strstr(f.out, "updated /" CONF100 " (previous version in /var/lib/gpupt/backup/"));
	assert_non_null(strstr(f.out, "ok       0000:01:00.0 (10de:1381) is selected by gpupt"));
	assert_non_null(strstr(f.out, "ok       0000:01:00.1 (10de:0fbc) is selected by gpupt"));
	assert_non_null(strstr(f.out, "warning  VM 100 has no EFI disk (efidisk0)"));
	assert_non_null(strstr(f.out, "qm set 100 --efidisk0 local-lvm:1,efitype=4m"));
	assert_non_null(strstr(f.out, "could not read the option ROM of 0000:01:00.0"));
	/* The backup holds the old file byte for byte. */
	{
		char path[256];
		const char *dir = strstr(f.out, "var/lib/gpupt/backup/");
		size_t n = strcspn(dir, ")");
		snprintf(path, sizeof(path), "%s/%.*s/" CONF100, f.root, (int)n, dir);
		assert_true(file_equals(f.rootfd, path, FIXTURES "vm-100.conf"));
	}
	/* Again: the device now has hostpci1, which is replaced by the same value. */
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00.0", NULL }), 0);
	assert_non_null(strstr(f.out, "nothing to change"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	fixture_teardown(&f);
}

static void test_cmd_dry_run_touches_nothing(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--dry-run", NULL }), 0);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.out, "--- a/" CONF100 "\n+++ b/" CONF100 "\n"));
	assert_non_null(strstr(f.out, "-machine: pc-i440fx-8.1\n+machine: q35\n"));
	assert_non_null(strstr(f.out, "+hostpci1: 0000:01:00,pcie=1,x-vga=on\n+bios: ovmf\n"));
	assert_false(faccessat(f.rootfd, "var/lib/gpupt", F_OK, 0) == 0);
	fixture_teardown(&f);
}

static void test_cmd_refuses_running_vm(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	mkdirs(f.rootfd, "var/run/qemu-server");
	mkdirs(f.rootfd, "proc/4242");
	write_str(f.rootfd, "var/run/qemu-server/100.pid", "4242\n", 0644);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	assert_non_null(strstr(f.err, "gpupt: vm: VM 100 is running: stop it first"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	/* A stale pid file (no such process) does not block. */
	write_str(f.rootfd, "var/run/qemu-server/100.pid", "4243\n", 0644);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--dry-run", NULL }), 0);
	write_str(f.rootfd, "var/run/qemu-server/100.pid", "4242\n", 0644);
	f.h.json = true;
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	assert_non_null(strstr(f.out, "\"applied\":false,\"running\":true,\"refused_running\":true"));
	assert_non_null(strstr(f.out, "the GPU's option ROM is not read now"));
	f.h.json = false;
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--force", "-y", NULL }), 0);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	fixture_teardown(&f);
}

static void test_cmd_checks(void **state)
{
	static const uint8_t efi_rom[512] = {
		0x55, 0xaa, 0x01, 0x00, 0xf1, 0x0e, 0x00, 0x00, 0x0b, 0x00, 0x64, 0x86,
		[0x18] = 0x1c, [0x1c] = 'P', 'C', 'I', 'R', 0xde, 0x10, 0x81, 0x13,
		[0x2c] = 0x01, [0x30] = 0x03, [0x31] = 0x80,
	};
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	write_str(f.rootfd, "etc/gpupt.conf", "addrs = 0000:01:00.0\n", 0644);
	write_file(f.rootfd, DEVS "0000:01:00.0/rom", efi_rom, sizeof(efi_rom), 0600);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--dry-run", NULL }), 0);
	assert_non_null(strstr(f.out, "warning  0000:01:00.1 (10de:0fbc) is not selected by gpupt"));
	assert_non_null(strstr(f.out, "gpupt enable 0000:01:00"));
	assert_non_null(strstr(f.out, "ok       the option ROM of 0000:01:00.0 has an EFI image"));

	/* No ROM check for SeaBIOS; a missing device is an error. */
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--bios", "seabios", "--dry-run", NULL }), 0);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "05:00", NULL }), 1);
	assert_non_null(strstr(f.err, "gpupt: vm: 0000:05:00: no such PCI device"));

	assert_null(strstr(f.out, "not a display controller"));

	/* An NVMe drive as the "primary GPU". */
	add_function(f.rootfd, "0000:02:00.0", "DRIVER=nvme\nPCI_CLASS=10802\nPCI_ID=144D:A808\n"
		     "PCI_SUBSYS_ID=144D:A801\nPCI_SLOT_NAME=0000:02:00.0\n");
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "02:00", "--dry-run", NULL }), 0);
	assert_non_null(strstr(f.out, "0000:02:00 is not a display controller: x-vga=on is meant for GPUs"));

	/* The audio function already sits in another entry. */
	write_str(f.rootfd, CONF100, "hostpci0: 01:00.0\nhostpci3: 0000:01:00.1\n", 0640);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--dry-run", NULL }), 0);
	assert_non_null(strstr(f.out, "+hostpci0: 0000:01:00,pcie=1,x-vga=on\n"));
	assert_non_null(strstr(f.out, "warning  hostpci3 also passes (part of) 0000:01:00"));
	assert_non_null(strstr(f.out, "qm set 100 --delete hostpci3"));
	fixture_teardown(&f);
}

static void test_cmd_errors(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	assert_int_equal(run_vm(&f, (const char *[]){ "101", "01:00", NULL }), 1);
	assert_non_null(strstr(f.err, "VM 101 does not exist here: no /etc/pve/qemu-server/101.conf"));
	assert_int_equal(run_vm(&f, (const char *[]){ "99", "01:00", NULL }), 2);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00 x", NULL }), 2);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00=10de:1381", NULL }), 2);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--bios", "uefi", NULL }), 2);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", NULL }), 2);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	fixture_teardown(&f);
}

/* A fake qm on PATH records its argv; the live-system mode (root "/") uses it. */
static void test_cmd_uses_qm(void **state)
{
	static const char qm[] =
		"#!/bin/sh\n"
		"echo \"$*\" >>\"${0%/*}/qm.log\"\n"
		"[ \"$1\" = status ] && cat \"${0%/*}/qm.status\"\n"
		"exit 0\n";
	char path[512], *log;
	const char *old_path = getenv("PATH");
	char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
	struct fixture f;
	size_t len;
	(void)state;

	fixture_setup(&f);
	mkdirs(f.rootfd, "bin");
	write_file(f.rootfd, "bin/qm", qm, sizeof(qm) - 1, 0755);
	write_str(f.rootfd, "bin/qm.status", "status: stopped\n", 0644);
	snprintf(path, sizeof(path), "%s/bin:%s", f.root, saved);
	setenv("PATH", path, 1);
	f.h.root = "/";		/* the live system, as far as the mode is concerned */

	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--dry-run", NULL }), 0);
	assert_non_null(strstr(f.out, "would run: qm set 100 --hostpci1 0000:01:00,pcie=1,x-vga=on "
				      "--machine q35 --bios ovmf\n"));
	log = slurp(root_path(&f, "bin/qm.log"), &len);
	assert_string_equal(log, "status 100\n");	/* asked, never set */
	free(log);
	unlinkat(f.rootfd, "bin/qm.log", 0);

	/* No terminal, no --yes: qm set is not run. */
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", NULL }), 2);
	log = slurp(root_path(&f, "bin/qm.log"), &len);
	assert_string_equal(log, "status 100\n");
	free(log);
	unlinkat(f.rootfd, "bin/qm.log", 0);

	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 0);
	assert_non_null(strstr(f.out, "running: qm set 100 --hostpci1 "));
	log = slurp(root_path(&f, "bin/qm.log"), &len);
	assert_string_equal(log, "status 100\nset 100 --hostpci1 0000:01:00,pcie=1,x-vga=on --machine q35 --bios ovmf\n");
	free(log);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));

	/* Settings already in place: qm set is not run again. */
	write_str(f.rootfd, CONF100, "bios: ovmf\nhostpci0: 0000:01:00,pcie=1,x-vga=on\nmachine: q35\n", 0640);
	unlinkat(f.rootfd, "bin/qm.log", 0);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 0);
	assert_non_null(strstr(f.out, "VM 100 already has these settings: nothing to change\n"));
	log = slurp(root_path(&f, "bin/qm.log"), &len);
	assert_string_equal(log, "status 100\n");
	free(log);
	{
		size_t n;
		char *conf = slurp(FIXTURES "vm-100.conf", &n);
		write_file(f.rootfd, CONF100, conf, n, 0640);
		free(conf);
	}

	/* qm says running: refused, qm set not run. */
	write_str(f.rootfd, "bin/qm.status", "status: running\n", 0644);
	unlinkat(f.rootfd, "bin/qm.log", 0);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	log = slurp(root_path(&f, "bin/qm.log"), &len);
	assert_string_equal(log, "status 100\n");
	free(log);

	/* qm set fails: reported, exit 1. */
	write_str(f.rootfd, "bin/qm.status", "status: stopped\n", 0644);
	{
		static const char failing_qm[] = "#!/bin/sh\n[ \"$1\" = set ] && exit 25\nexit 0\n";
		write_file(f.rootfd, "bin/qm", failing_qm, sizeof(failing_qm) - 1, 0755);
	}
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	assert_non_null(strstr(f.err, "gpupt: vm: `qm set 100 --hostpci1 0000:01:00,pcie=1,x-vga=on --machine q35 "
				      "--bios ovmf` failed (exit status 25)"));

	setenv("PATH", saved, 1);
	free(saved);
	fixture_teardown(&f);
}

/* ---- failures: the VM's file holds its old bytes, or the message says what it holds */

/* The backup's journal cannot be written after the file was: the file gets its old bytes back. */
static void test_cmd_journal_fails_file_put_back(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	faults[0] = (struct fault){ "*/journal", 0, ENOSPC };
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.err, "gpupt: vm: cannot write the backup's journal /var/lib/gpupt/backup/"));
	assert_non_null(strstr(f.err, "/journal: No space left on device; /" CONF100
				      " was changed, and is put back as it was\n"));
	assert_null(strstr(f.out, "updated /"));
	fixture_teardown(&f);
}

/* ... and putting it back fails too: the message shows what the file holds now. */
static void test_cmd_put_back_fails_says_what_changed(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	faults[0] = (struct fault){ "*/journal", 0, ENOSPC };
	faults[1] = (struct fault){ CONF100, 1, EIO };	/* the first write goes through */
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	assert_non_null(strstr(f.err, " was changed, and putting it back failed (Input/output error);"
				      " it now holds these changes:\n--- a/" CONF100 "\n+++ b/" CONF100 "\n"));
	assert_non_null(strstr(f.err, "-machine: pc-i440fx-8.1\n+machine: q35\n"));
	assert_non_null(strstr(f.err, "+hostpci1: 0000:01:00,pcie=1,x-vga=on\n+bios: ovmf\n"));
	assert_non_null(strstr(f.err, "gpupt: vm: its previous version is in /var/lib/gpupt/backup/"));
	/* With stdout failing too, nothing claims the change went through. */
	{
		FILE *full = fopen("/dev/full", "w"), *saved = f.h.out;
		size_t len;
		char *conf = slurp(FIXTURES "vm-100.conf", &len);

		write_file(f.rootfd, CONF100, conf, len, 0640);
		free(conf);
		assert_non_null(full);
		faults[0] = (struct fault){ "*/journal", 0, ENOSPC };
		faults[1] = (struct fault){ CONF100, 1, EIO };
		f.h.out = full;
		assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
		f.h.out = saved;
		faults_clear();
		fclose(full);
		assert_null(strstr(f.err, "all the same"));
	}
	fixture_teardown(&f);
}

/* The write itself fails: nothing changed, and the saved copy is named. */
static void test_cmd_write_fails_unchanged(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	faults[0] = (struct fault){ CONF100, 0, EROFS };
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.err, "gpupt: vm: cannot write /" CONF100 ": Read-only file system; /"
				      CONF100 " is unchanged (a copy of it is in /var/lib/gpupt/backup/"));
	/* The copy cannot be saved: the file is never written. */
	faults[0] = (struct fault){ "*/" CONF100, 0, ENOSPC };
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.err, "gpupt: vm: cannot save a copy of /" CONF100 " under"
				      " /var/lib/gpupt/backup: No space left on device; /" CONF100
				      " is unchanged\n"));
	fixture_teardown(&f);
}

/* The directory's fsync fails after the rename: the new file is in place, so it is put back. */
static void test_cmd_fsync_fails_after_rename(void **state)
{
	struct fixture f;
	struct stat st;
	(void)state;

	fixture_setup(&f);
	assert_int_equal(stat(root_path(&f, "etc/pve/qemu-server"), &st), 0);
	fail_fsync_ino = st.st_ino;
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.err, "gpupt: vm: cannot write /" CONF100 ": Input/output error; /"
				      CONF100 " was changed, and is put back as it was\n"));
	fixture_teardown(&f);
}

/* The report cannot be written after the change: stderr says what changed. */
static void test_cmd_report_fails_says_what_changed(void **state)
{
	FILE *full = fopen("/dev/full", "w"), *saved;
	struct fixture f;
	(void)state;

	assert_non_null(full);
	fixture_setup(&f);
	saved = f.h.out;
	f.h.out = full;
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	f.h.out = saved;
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	assert_non_null(strstr(f.err, "gpupt: vm: cannot write the report to standard output (No space"
				      " left on device); VM 100's configuration was changed all the same: /"
				      CONF100 " (previous version in /var/lib/gpupt/backup/"));
	/* The same with --json. */
	{
		size_t len;
		char *conf = slurp(FIXTURES "vm-100.conf", &len);

		write_file(f.rootfd, CONF100, conf, len, 0640);
		free(conf);
	}
	clearerr(full);
	f.h.out = full;
	f.h.json = true;
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	f.h.out = saved;
	f.h.json = false;
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	{
		const char *second = strstr(f.err, "cannot write the report to standard output");

		assert_non_null(second);
		second = strstr(second + 1, "cannot write the report to standard output (No space"
				" left on device); VM 100's configuration was changed all the same: /"
				CONF100 " (previous version in /var/lib/gpupt/backup/");
		assert_non_null(second);
	}
	fclose(full);
	fixture_teardown(&f);
}

/* A fake qm first in PATH, with the live-system mode (root "/") on the fixture. */
static char *fake_qm(struct fixture *f, const char *set_part)
{
	char script[1024], path[512];
	const char *old_path = getenv("PATH");
	char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
	int n;

	n = snprintf(script, sizeof(script),
		     "#!/bin/sh\n"
		     "conf=\"${0%%/*}/../" CONF100 "\"\n"
		     "[ \"$1\" = status ] && { echo 'status: stopped'; exit 0; }\n"
		     "%s\n", set_part);
	assert_true(n > 0 && (size_t)n < sizeof(script));
	mkdirs(f->rootfd, "bin");
	write_file(f->rootfd, "bin/qm", script, (size_t)n, 0755);
	snprintf(path, sizeof(path), "%s/bin:%s", f->root, saved);
	setenv("PATH", path, 1);
	f->h.root = "/";
	return saved;
}

static void fake_qm_done(struct fixture *f, char *saved_path)
{
	setenv("PATH", saved_path, 1);
	free(saved_path);
	fixture_teardown(f);
}

#define QM_SET "`qm set 100 --hostpci1 0000:01:00,pcie=1,x-vga=on --machine q35 --bios ovmf`"

/* qm set fails without touching the file: said so, after looking. */
static void test_qm_fails_unchanged(void **state)
{
	struct fixture f;
	char *saved;
	(void)state;

	fixture_setup(&f);
	saved = fake_qm(&f, "exit 25");
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	assert_non_null(strstr(f.err, "gpupt: vm: " QM_SET " failed (exit status 25); /" CONF100
				      " is unchanged\n"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	fake_qm_done(&f, saved);
}

/* qm set fails half-way, after writing some of the settings: the old bytes go back. */
static void test_qm_fails_half_way_put_back(void **state)
{
	struct fixture f;
	char *saved;
	(void)state;

	fixture_setup(&f);
	saved = fake_qm(&f, "printf 'machine: q35\\n' >>\"$conf\"; exit 2");
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_non_null(strstr(f.err, "gpupt: vm: " QM_SET " failed (exit status 2); /" CONF100
				      " was changed, and is put back as it was\n"));
	fake_qm_done(&f, saved);
}

/* ... and the old bytes cannot be put back: the message shows what qm changed. */
static void test_qm_fails_put_back_fails(void **state)
{
	struct fixture f;
	char *saved;
	(void)state;

	fixture_setup(&f);
	saved = fake_qm(&f, "printf 'machine: q35\\n' >>\"$conf\"; exit 2");
	faults[0] = (struct fault){ CONF100, 0, EACCES };
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "--yes", NULL }), 1);
	faults_clear();
	assert_non_null(strstr(f.err, "gpupt: vm: " QM_SET " failed (exit status 2); /" CONF100
				      " was changed, and putting it back failed (Permission denied);"
				      " it now holds these changes:\n--- a/" CONF100 "\n"));
	assert_non_null(strstr(f.err, "+machine: q35\n"));
	assert_non_null(strstr(f.err, "the lines marked - are its previous version"));
	fake_qm_done(&f, saved);
}

/* ---- asking first --------------------------------------------------------- */

/* Without --yes and without a terminal: refused, exit 2, nothing written. */
static void test_cmd_no_tty_needs_yes(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", NULL }), 2);
	assert_non_null(strstr(f.err, "gpupt: vm: this sets hostpci1, machine and bios of VM 100: add"
				      " --yes to go ahead (or --dry-run to see the change first)\n"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	assert_false(faccessat(f.rootfd, "var/lib/gpupt", F_OK, 0) == 0);
	/* -n is --dry-run; nothing to ask then. */
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", "-n", NULL }), 0);
	assert_non_null(strstr(f.out, "+machine: q35\n"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	/* -y is --yes. */
	assert_int_equal(run_vm(&f, (const char *[]){ "-y", "100", "01:00", NULL }), 0);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	fixture_teardown(&f);
}

/* enable, disable and vm share one lock: a held lock means nothing written. */
static void test_cmd_lock_held(void **state)
{
	struct fixture f;
	int fd;

	(void)state;
	fixture_setup(&f);
	assert_int_equal(mkdirat(f.rootfd, "var", 0755) == 0 || errno == EEXIST, 1);
	assert_int_equal(mkdirat(f.rootfd, "var/lib", 0755) == 0 || errno == EEXIST, 1);
	assert_int_equal(mkdirat(f.rootfd, "var/lib/gpupt", 0755) == 0 || errno == EEXIST, 1);
	fd = openat(f.rootfd, "var/lib/gpupt/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "4242\n", 5), 5);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(run_vm(&f, (const char *[]){ "--yes", "100", "01:00", NULL }), 1);
	assert_non_null(strstr(f.err, "another gpupt (pid 4242) is changing files"));
	assert_non_null(strstr(f.err, "gpupt: vm: nothing changed\n"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));
	close(fd);
	assert_int_equal(run_vm(&f, (const char *[]){ "--yes", "100", "01:00", NULL }), 0);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	fixture_teardown(&f);
}

/* On a terminal it asks; only "y" writes. */
static void test_cmd_terminal_asks_first(void **state)
{
	struct fixture f;
	int master, saved;
	(void)state;

	fixture_setup(&f);
	saved = stdin_from_tty("n\n", &master);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", NULL }), 1);
	stdin_restore(saved, master);
	assert_non_null(strstr(f.out, "Set hostpci1, machine and bios of VM 100? [y/N] "));
	assert_non_null(strstr(f.err, "gpupt: vm: nothing changed\n"));
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.conf"));

	saved = stdin_from_tty("y\n", &master);
	assert_int_equal(run_vm(&f, (const char *[]){ "100", "01:00", NULL }), 0);
	stdin_restore(saved, master);
	assert_true(file_equals(f.rootfd, root_path(&f, CONF100), FIXTURES "vm-100.expected"));
	fixture_teardown(&f);
}

static int setup_stdin(void **state)
{
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	/* Not a terminal: vm never waits for an answer here. */
	dup2(fd, STDIN_FILENO);
	close(fd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_other_device_next_index),
		cmocka_unit_test(test_edit_same_device_replaced),
		cmocka_unit_test(test_edit_no_trailing_newline),
		cmocka_unit_test(test_edit_variants),
		cmocka_unit_test(test_plan_configurations),
		cmocka_unit_test(test_scan_device_twice),
		cmocka_unit_test(test_edit_limits),
		cmocka_unit_test(test_hostpci_names),
		cmocka_unit_test(test_vmid),
		cmocka_unit_test(test_cmd_applies_with_backup),
		cmocka_unit_test(test_cmd_dry_run_touches_nothing),
		cmocka_unit_test(test_cmd_refuses_running_vm),
		cmocka_unit_test(test_cmd_checks),
		cmocka_unit_test(test_cmd_errors),
		cmocka_unit_test(test_cmd_uses_qm),
		cmocka_unit_test(test_cmd_journal_fails_file_put_back),
		cmocka_unit_test(test_cmd_put_back_fails_says_what_changed),
		cmocka_unit_test(test_cmd_write_fails_unchanged),
		cmocka_unit_test(test_cmd_fsync_fails_after_rename),
		cmocka_unit_test(test_cmd_report_fails_says_what_changed),
		cmocka_unit_test(test_qm_fails_unchanged),
		cmocka_unit_test(test_qm_fails_half_way_put_back),
		cmocka_unit_test(test_qm_fails_put_back_fails),
		cmocka_unit_test(test_cmd_no_tty_needs_yes),
		cmocka_unit_test(test_cmd_lock_held),
		cmocka_unit_test(test_cmd_terminal_asks_first),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
