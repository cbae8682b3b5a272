// SPDX-License-Identifier: MIT
/*
 * gpupt map, gpupt vm --mapping and gpupt check's mapping line on the seed
 * fixture root (devroot.sh seed: the GPU at 01:00 with its audio, IOMMU
 * group 12), node pve2 of a three-node cluster.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/host.h"
#include "tests/fixtures/host/devroot.h"

#define FIX "tests/fixtures/host/"
#define PCI_CFG "etc/pve/mapping/pci.cfg"
#define CONF100 "etc/pve/qemu-server/100.conf"
#define GPU_PVE2 "id=10de:1381,iommugroup=12,node=pve2,path=0000:01:00,subsystem-id=1043:8416"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 16) - 1, f) < (1 << 16) - 1);
	fclose(f);
	return buf;
}

static bool devroot_exists(const struct devroot *r, const char *rel)
{
	return faccessat(r->h.rootfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static char *root_file(const struct devroot *r, const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", r->dir, rel);
	return slurp(p);
}

static void assert_root_file(const struct devroot *r, const char *rel, const char *fixture)
{
	char *have = root_file(r, rel), *want = slurp(fixture);

	assert_string_equal(have, want);
	free(have);
	free(want);
}

/* The seed root as node pve2, with the cluster's pci.cfg from fixture (NULL: none). */
static void setup(struct devroot *r, const char *fixture)
{
	devroot_make(r, "seed");
	devroot_write(r, "etc/hostname", "pve2.example.com\n", 0);
	assert_int_equal(mkdirat(r->h.rootfd, "etc/pve", 0755), 0);
	assert_int_equal(mkdirat(r->h.rootfd, "etc/pve/mapping", 0755), 0);
	if (fixture) {
		char *cfg = slurp(fixture);
		devroot_write(r, PCI_CFG, cfg, 0);
		free(cfg);
	}
}

#define map(r, ...) devroot_run((r), gpupt_cmd_map, 0, "map", __VA_ARGS__, (char *)NULL)

/* Node pve2's entry joins mapping gpu; other nodes, the comment, unknown keys stay. */
static void test_map_adds_node_entry(void **state)
{
	struct devroot r;
	(void)state;

	setup(&r, FIX "pci-3node.cfg");
	assert_int_equal(map(&r, "gpu", "01:00", "--yes"), 0);
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.expected");
	assert_line(r.out, "  map " GPU_PVE2);
	assert_non_null(strstr(r.out, "updated /" PCI_CFG " (previous version in /var/lib/gpupt/backup/"));
	/* Twice: nothing changes, nothing is written. */
	assert_int_equal(map(&r, "gpu", "01:00", "--yes"), 0);
	assert_line(r.out, "mapping gpu already has these entries for node pve2: nothing to change");
	assert_null(strstr(r.out, "updated"));
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.expected");
	devroot_free(&r);
}

/* No pci.cfg yet: the file is made with the mapping as PVE writes it; one function alone keeps it. */
static void test_map_new_file(void **state)
{
	struct devroot r;
	char *cfg;
	(void)state;

	setup(&r, NULL);
	assert_int_equal(map(&r, "gpu", "0000:01:00.0", "--yes"), 0);
	cfg = root_file(&r, PCI_CFG);
	assert_string_equal(cfg, "gpu\n\tmap id=10de:1381,iommugroup=12,node=pve2,path=0000:01:00.0,"
				 "subsystem-id=1043:8416\n\n");
	free(cfg);
	devroot_free(&r);
}

static void test_map_dry_run_writes_nothing(void **state)
{
	struct devroot r;
	(void)state;

	setup(&r, FIX "pci-3node.cfg");
	assert_int_equal(map(&r, "gpu", "01:00", "--dry-run"), 0);
	assert_non_null(strstr(r.out, "--- a/" PCI_CFG "\n+++ b/" PCI_CFG "\n"));
	assert_line(r.out, "+\tmap " GPU_PVE2);
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.cfg");
	assert_false(devroot_exists(&r, "var/lib/gpupt/backup"));
	/* Without a terminal, --yes is needed. */
	assert_int_equal(map(&r, "gpu", "01:00"), 2);
	assert_non_null(strstr(r.err, "add --yes to go ahead"));
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.cfg");
	devroot_free(&r);
}

static void test_map_bad_input(void **state)
{
	static const char *const bad[] = { "g", "1gpu", "gpu pool", "gpu,x", "gpu/../x", "gpu=1" };
	struct devroot r;
	char want[128];
	(void)state;

	setup(&r, FIX "pci-3node.cfg");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(map(&r, bad[i], "01:00", "--yes"), 2);
		snprintf(want, sizeof(want), "gpupt: map: mapping name \"%s\" is not one Proxmox VE accepts", bad[i]);
		assert_non_null(strstr(r.err, want));
	}
	/* Control characters are shown escaped; an option-like name is an unknown option. */
	assert_int_equal(map(&r, "gpu\n\033[2J", "01:00", "--yes"), 2);
	assert_non_null(strstr(r.err, "mapping name \"gpu\\x0a\\x1b[2J\" is not one"));
	assert_int_equal(map(&r, "-gpu", "01:00", "--yes"), 2);
	assert_int_equal(map(&r, "gpu", "01:00=10de:1381", "--yes"), 2);
	assert_non_null(strstr(r.err, "\"01:00=10de:1381\": not a PCI ID"));
	assert_int_equal(map(&r, "gpu", "07:00", "--yes"), 2);
	assert_int_equal(map(&r, "gpu", "--yes"), 2);
	/* The NVMe that holds /: refused. */
	assert_int_equal(map(&r, "disk", "02:00.0", "--yes"), 1);
	assert_non_null(strstr(r.err, "refused: is the storage controller of /"));
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.cfg");
	/* No node name. */
	devroot_write(&r, "etc/hostname", "-bad-\n", 0);
	assert_int_equal(map(&r, "gpu", "01:00", "--yes"), 1);
	assert_non_null(strstr(r.err, "/etc/hostname does not hold a Proxmox VE node name"));
	devroot_free(&r);
}

/* A fake pvesh on PATH records its argv; the live-system mode (root "/") uses it. */
static void test_map_uses_pvesh(void **state)
{
	static const char pvesh[] = "#!/bin/sh\nfor a; do printf '%s|' \"$a\"; done >>\"${0%/*}/pvesh.log\"\n"
				    "echo >>\"${0%/*}/pvesh.log\"\n";
	const char *old = getenv("PATH");
	char *saved = strdup(old ? old : "/usr/bin:/bin"), path[PATH_MAX * 2], *log;
	struct devroot r;
	(void)state;

	setup(&r, FIX "pci-3node.cfg");
	assert_int_equal(mkdirat(r.h.rootfd, "bin", 0755), 0);
	devroot_write(&r, "bin/pvesh", pvesh, 0);
	assert_int_equal(fchmodat(r.h.rootfd, "bin/pvesh", 0755, 0), 0);
	snprintf(path, sizeof(path), "%s/bin:%s", r.dir, saved);
	setenv("PATH", path, 1);
	r.h.root = "/";

	assert_int_equal(map(&r, "gpu", "01:00", "--dry-run"), 0);
	assert_non_null(strstr(r.out, "would run: pvesh set /cluster/mapping/pci/gpu --map "));
	assert_false(devroot_exists(&r, "bin/pvesh.log"));
	/* pvesh set replaces the whole map list: every node's entries go with it. */
	assert_int_equal(map(&r, "gpu", "01:00", "--yes"), 0);
	log = root_file(&r, "bin/pvesh.log");
	assert_string_equal(log, "set|/cluster/mapping/pci/gpu|"
				 "--map|id=10de:1381,iommugroup=12,node=pve1,path=0000:01:00,subsystem-id=1043:8416|"
				 "--map|id=10de:1381,iommugroup=30,node=pve3,path=0000:81:00,subsystem-id=1043:8416|"
				 "--map|id=10de:1381,iommugroup=31,node=pve3,path=0000:82:00,subsystem-id=1043:8416|"
				 "--map|" GPU_PVE2 "|\n");
	free(log);
	assert_root_file(&r, PCI_CFG, FIX "pci-3node.cfg"); /* pvesh writes it, not gpupt */
	/* A new mapping: pvesh create. */
	unlinkat(r.h.rootfd, "bin/pvesh.log", 0);
	assert_int_equal(map(&r, "gpu-2", "01:00", "--yes"), 0);
	log = root_file(&r, "bin/pvesh.log");
	assert_string_equal(log, "create|/cluster/mapping/pci|--id|gpu-2|--map|" GPU_PVE2 "|\n");
	free(log);
	/* Already in place: pvesh is not run. */
	unlinkat(r.h.rootfd, "bin/pvesh.log", 0);
	{
		char *cfg = slurp(FIX "pci-3node.expected");
		devroot_write(&r, PCI_CFG, cfg, 0);
		free(cfg);
	}
	assert_int_equal(map(&r, "gpu", "01:00", "--yes"), 0);
	assert_false(devroot_exists(&r, "bin/pvesh.log"));
	setenv("PATH", saved, 1);
	free(saved);
	devroot_free(&r);
}

/* check: PASS naming the mappings; a moved card FAILs with the fix. */
static void test_check_mappings(void **state)
{
	struct devroot r;
	(void)state;

	setup(&r, FIX "pci-3node.expected");
	devroot_run(&r, gpupt_cmd_check, 0, "check", (char *)NULL);
	assert_line(r.out, "PASS  PVE mappings: this node's (pve2) entries match the hardware: gpu");
	/* The nic entry of pve2 (05:00.0) names a device this host does not have. */
	devroot_write(&r, "etc/hostname", "pve1\n", 0);
	devroot_run(&r, gpupt_cmd_check, 0, "check", (char *)NULL);
	assert_line(r.out, "FAIL  PVE mappings: mapping nic on node pve1: no device at 0000:04:00.0; a VM using it "
			   "will not start; fix: run `gpupt map nic SEL` again for the card as it is now (see "
			   "`gpupt list`)");
	assert_line(r.out, "PASS  PVE mappings: this node's (pve1) entries match the hardware: gpu");
	/* The card moved to another IOMMU group. */
	devroot_write(&r, "etc/hostname", "pve2\n", 0);
	devroot_write(&r, PCI_CFG, "gpu\n\tmap id=10de:1381,iommugroup=7,node=pve2,path=0000:01:00,"
				   "subsystem-id=1043:8416\n\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_check, 0, "check", (char *)NULL), 2);
	assert_line(r.out, "FAIL  PVE mappings: mapping gpu on node pve2: 0000:01:00.0 is in IOMMU group 12 now, "
			   "not the one the mapping names; a VM using it will not start; fix: run `gpupt map gpu "
			   "SEL` again for the card as it is now (see `gpupt list`)");
	/* Another card in its slot. */
	devroot_write(&r, PCI_CFG, "gpu\n\tmap id=10de:1b80,iommugroup=12,node=pve2,path=0000:01:00,"
				   "subsystem-id=1043:8416\n\n", 0);
	devroot_run(&r, gpupt_cmd_check, 0, "check", (char *)NULL);
	assert_non_null(strstr(r.out, "FAIL  PVE mappings: mapping gpu on node pve2: 0000:01:00.0 is 10de:1381 now"));
	devroot_free(&r);
}

/* ---- gpupt vm --mapping ---------------------------------------------------- */

static void add_uevents(struct devroot *r)
{
	devroot_write(r, "sys/bus/pci/devices/0000:01:00.0/uevent",
		      "DRIVER=vfio-pci\nPCI_CLASS=30000\nPCI_ID=10DE:1381\nPCI_SUBSYS_ID=1043:8416\n"
		      "PCI_SLOT_NAME=0000:01:00.0\n", 0);
	devroot_write(r, "sys/bus/pci/devices/0000:01:00.1/uevent",
		      "DRIVER=vfio-pci\nPCI_CLASS=40300\nPCI_ID=10DE:0FBC\nPCI_SUBSYS_ID=1043:8416\n"
		      "PCI_SLOT_NAME=0000:01:00.1\n", 0);
	assert_int_equal(mkdirat(r->h.rootfd, "etc/pve/qemu-server", 0755), 0);
}

#define vm(r, ...) devroot_run((r), gpupt_cmd_vm, 0, "vm", __VA_ARGS__, (char *)NULL)

static void test_vm_mapping(void **state)
{
	struct devroot r;
	char *conf;
	(void)state;

	setup(&r, FIX "pci-3node.expected");
	add_uevents(&r);
	devroot_write(&r, CONF100, "bios: ovmf\nefidisk0: local-lvm:vm-100-disk-1,efitype=4m\nmachine: q35\n"
				   "name: a\nhostpci0: 0000:03:00.0\nhostpci1: 0000:01:00,pcie=1,x-vga=on,romfile=a.rom\n",
		      0);
	/* The device comes from this node's entry; the host= entry of the same card becomes the mapping. */
	assert_int_equal(vm(&r, "100", "--mapping", "gpu", "--yes"), 0);
	conf = root_file(&r, CONF100);
	assert_string_equal(conf, "bios: ovmf\nefidisk0: local-lvm:vm-100-disk-1,efitype=4m\nmachine: q35\n"
				  "name: a\nhostpci0: 0000:03:00.0\nhostpci1: mapping=gpu,pcie=1,x-vga=on,romfile=a.rom\n");
	free(conf);
	assert_line(r.out, "VM 100 gets mapping gpu = 0000:01:00 (OVMF, q35 + PCIe, primary GPU):");
	/* Again, with the device given: the mapping entry is the same device; nothing changes. */
	assert_int_equal(vm(&r, "100", "01:00", "--mapping", "gpu", "--yes"), 0);
	assert_line(r.out, "VM 100 already has these settings: nothing to change");
	/* A new VM: the next free hostpci. */
	devroot_write(&r, CONF100, "name: b\n", 0);
	assert_int_equal(vm(&r, "100", "--mapping", "gpu", "--no-primary", "--yes"), 0);
	conf = root_file(&r, CONF100);
	assert_string_equal(conf, "name: b\nhostpci0: mapping=gpu,pcie=1\nmachine: q35\nbios: ovmf\n");
	free(conf);
	/* Bad name: exit 2; a mapping without this node's entry: exit 1, unchanged. */
	assert_int_equal(vm(&r, "100", "--mapping", "1gpu", "--yes"), 2);
	assert_non_null(strstr(r.err, "--mapping \"1gpu\" is not a mapping name"));
	assert_int_equal(vm(&r, "100", "--mapping", "other", "--yes"), 1);
	assert_non_null(strstr(r.err, "mapping other has no entry for this node (pve2)"));
	/* A device the mapping does not list on this node: a warning. */
	assert_int_equal(vm(&r, "100", "01:00", "--mapping", "nic", "--dry-run"), 0);
	assert_non_null(strstr(r.out, "mapping nic has no entry for 0000:01:00 on this node (pve2)"));
	devroot_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_adds_node_entry),
		cmocka_unit_test(test_map_new_file),
		cmocka_unit_test(test_map_dry_run_writes_nothing),
		cmocka_unit_test(test_map_bad_input),
		cmocka_unit_test(test_map_uses_pvesh),
		cmocka_unit_test(test_check_mappings),
		cmocka_unit_test(test_vm_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
