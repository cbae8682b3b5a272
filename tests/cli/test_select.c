// SPDX-License-Identifier: MIT
/* SEL resolution (strict), selection from configs, and the safety interlock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "host/model/devices.h"
#include "host/model/safety.h"
#include "host/model/select.h"
#include "lib/macro.h"
#include "tests/fixtures/host/devroot.h"

struct fx {
	struct devroot r;
	struct gpupt_devlist l;
	char *err;
	size_t err_len;
};

static int setup_case(void **state, const char *name)
{
	struct fx *f = calloc(1, sizeof(*f));

	devroot_make(&f->r, name);
	assert_int_equal(gpupt_devices_scan(&f->r.h, &f->l), 0);
	*state = f;
	return 0;
}

static int setup_seed(void **state) { return setup_case(state, "seed"); }
static int setup_twin(void **state) { return setup_case(state, "twin"); }
static int setup_nvme(void **state) { return setup_case(state, "nvme"); }
static int setup_headless(void **state) { return setup_case(state, "headless"); }

static int teardown(void **state)
{
	struct fx *f = *state;

	gpupt_devices_free(&f->l);
	devroot_free(&f->r);
	free(f->err);
	free(f);
	return 0;
}

/* Resolve sels with errors captured in f->err. */
static int resolve(struct fx *f, struct gpupt_selection *s, int n, ...)
{
	const char *sels[8];
	va_list ap;
	FILE *err;
	int ret;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		sels[i] = va_arg(ap, const char *);
	va_end(ap);
	free(f->err);
	err = open_memstream(&f->err, &f->err_len);
	ret = gpupt_select_resolve(&f->l, sels, n, s, err);
	fclose(err);
	return ret;
}

static void assert_selected(const struct fx *f, const struct gpupt_selection *s, const char *addrs)
{
	char got[256] = "";

	for (size_t i = 0; i < s->n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 f->l.dev[s->idx[i]].addr);
	assert_string_equal(got, addrs);
}

static void assert_conf_addrs(const struct gpupt_selection *s, const char *want)
{
	char got[512] = "", buf[64];

	assert_int_equal(s->config.n_ids, 0);
	for (unsigned i = 0; i < s->config.n_addrs; i++) {
		assert_true(gpupt_format_addr(&s->config.addrs[i], buf, sizeof(buf)) > 0);
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "", buf);
	}
	assert_string_equal(got, want);
}

static void test_scan_seed(void **state)
{
	struct fx *f = *state;
	const struct gpupt_dev *d;
	long i;

	assert_int_equal(f->l.n, 6);
	assert_string_equal(f->l.dev[0].addr, "0000:00:00.0");
	i = gpupt_devices_find(&f->l, 0, 1, 0, 0);
	assert_true(i >= 0);
	d = &f->l.dev[i];
	assert_int_equal(d->vendor, 0x10de);
	assert_int_equal(d->device, 0x1381);
	assert_int_equal(d->subvendor, 0x1043);
	assert_int_equal(d->subdevice, 0x8416);
	assert_int_equal(d->class, 0x030000);
	assert_string_equal(d->driver, "nouveau");
	assert_string_equal(d->driver_override, "");
	assert_int_equal(d->iommu_group, 12);
	assert_int_equal(d->boot_vga, 0);
	assert_string_equal(d->reset_method, "flr bus");
	assert_string_equal(d->vendor_name, "NVIDIA Corporation");
	assert_string_equal(d->device_name, "GM107 [GeForce GTX 750]");
	assert_string_equal(d->subsys_name, "ASUSTeK Computer Inc. GeForce GTX 750 OC");
	assert_string_equal(d->class_name, "VGA compatible controller");
	assert_true(gpupt_dev_is_display(d) && gpupt_dev_is_vga(d) && !gpupt_dev_is_bridge(d));
	d = &f->l.dev[gpupt_devices_find(&f->l, 0, 1, 0, 1)];
	assert_int_equal(d->boot_vga, -1);
	assert_false(gpupt_dev_is_display(d));
	d = &f->l.dev[gpupt_devices_find(&f->l, 0, 0, 1, 0)];
	assert_true(gpupt_dev_is_bridge(d));
	assert_int_equal(d->header_type, 1);
	assert_int_equal(gpupt_devices_find(&f->l, 0, 9, 0, 0), -1);
}

static void test_slot_selects_every_function(void **state)
{
	struct fx *f = *state;
	struct gpupt_selection s;

	assert_int_equal(resolve(f, &s, 1, "01:00"), 0);
	assert_selected(f, &s, "0000:01:00.0 0000:01:00.1");
	assert_conf_addrs(&s, "0000:01:00.0=10de:1381 0000:01:00.1=10de:0fbc");
	assert_string_equal(f->err, "");
}

static void test_address_and_id_forms(void **state)
{
	struct fx *f = *state;
	struct gpupt_selection s;

	assert_int_equal(resolve(f, &s, 1, "0000:01:00.1"), 0);
	assert_selected(f, &s, "0000:01:00.1");
	assert_int_equal(resolve(f, &s, 1, "01:00.0"), 0);
	assert_selected(f, &s, "0000:01:00.0");
	assert_int_equal(resolve(f, &s, 1, "10DE:0FBC"), 0);
	assert_selected(f, &s, "0000:01:00.1");
	/* Repeats and overlaps count once. */
	assert_int_equal(resolve(f, &s, 3, "01:00.1", "01:00", "10de:1381"), 0);
	assert_selected(f, &s, "0000:01:00.0 0000:01:00.1");
	assert_conf_addrs(&s, "0000:01:00.0=10de:1381 0000:01:00.1=10de:0fbc");
}

static void test_id_selects_every_identical_card(void **state)
{
	struct fx *f = *state;
	struct gpupt_selection s;

	assert_int_equal(resolve(f, &s, 1, "10de:1381"), 0);
	assert_selected(f, &s, "0000:01:00.0 0000:03:00.0");
	assert_int_equal(resolve(f, &s, 1, "03:00"), 0);
	assert_selected(f, &s, "0000:03:00.0 0000:03:00.1");
	assert_conf_addrs(&s, "0000:03:00.0=10de:1381 0000:03:00.1=10de:0fbc");
}

static const struct {
	const char *sel;
	const char *err;
} bad_sels[] = {
	{ "10de:1381 init=/bin/sh", "gpupt: \"10de:1381 init=/bin/sh\": not a PCI ID" },
	{ "\"10de:1381\"", "gpupt: \"\\\"10de:1381\\\"\": not a PCI ID" },
	{ "10de:1381\n", "gpupt: \"10de:1381\\x0a\": not a PCI ID" },
	{ " 01:00", "gpupt: \" 01:00\": not a PCI ID" },
	{ "", "gpupt: \"\": not a PCI ID" },
	{ "10de:13", "gpupt: \"10de:13\": not a PCI ID" },
	{ "10de:1381:1043:8416", "gpupt: \"10de:1381:1043:8416\": not a PCI ID" },
	{ "01:00.0=10de:1381", "gpupt: \"01:00.0=10de:1381\": not a PCI ID" },
	{ "01:00.8", "gpupt: \"01:00.8\": not a PCI ID" },
	{ "01:20.0", "gpupt: \"01:20.0\": not a PCI ID" },
	{ "1:0.0", "gpupt: \"1:0.0\": not a PCI ID" },
	{ "01", "gpupt: \"01\": not a PCI ID" },
	{ "01:00.0,01:00.1", "gpupt: \"01:00.0,01:00.1\": not a PCI ID" },
	{ "01:00.0;reboot", "gpupt: \"01:00.0;reboot\": not a PCI ID" },
	{ "$(reboot)", "gpupt: \"$(reboot)\": not a PCI ID" },
	{ "0000:0000:01:00.0", "gpupt: \"0000:0000:01:00.0\": not a PCI ID" },
	{ "gpupt.ids=10de:1381", "gpupt: \"gpupt.ids=10de:1381\": not a PCI ID" },
	{ "0000:02:00.1", "gpupt: 0000:02:00.1: no such PCI device on this host (see `gpupt list`)" },
	{ "05:00", "gpupt: 0000:05:00: no such PCI slot on this host (see `gpupt list`)" },
	{ "10de:1382", "gpupt: 10de:1382: no PCI device with this vendor:device ID on this host (see `gpupt list`)" },
};

static void test_bad_sels_refused(void **state)
{
	struct fx *f = *state;
	struct gpupt_selection s;

	for (size_t i = 0; i < ARRAY_SIZE(bad_sels); i++) {
		if (resolve(f, &s, 1, bad_sels[i].sel) != -EINVAL)
			fail_msg("SEL \"%s\" was not refused", bad_sels[i].sel);
		if (strncmp(f->err, bad_sels[i].err, strlen(bad_sels[i].err)) != 0)
			fail_msg("SEL \"%s\": got \"%s\", want \"%s...\"", bad_sels[i].sel, f->err,
				 bad_sels[i].err);
		assert_int_equal(strchr(f->err, '\n') - f->err + 1, (long)strlen(f->err));
	}
	assert_int_equal(resolve(f, &s, 1, "x"), -EINVAL);
	assert_string_equal(f->err, "gpupt: \"x\": not a PCI ID (VVVV:DDDD, e.g. 10de:1381), address"
			    " ([DDDD:]BB:SS.F, e.g. 01:00.0) or slot ([DDDD:]BB:SS, e.g. 01:00);"
			    " see `gpupt list`\n");
}

static void test_every_bad_sel_reported(void **state)
{
	struct fx *f = *state;
	struct gpupt_selection s;

	assert_int_equal(resolve(f, &s, 3, "01:00", "zz", "09:00.0"), -EINVAL);
	assert_true(strstr(f->err, "\"zz\": not a PCI ID"));
	assert_true(strstr(f->err, "0000:09:00.0: no such PCI device"));
	assert_int_equal(resolve(f, &s, 0), -EINVAL);
	assert_string_equal(f->err, "gpupt: no device given: name one as VVVV:DDDD, BB:SS.F or BB:SS"
			    " (see `gpupt list`)\n");
}

static void test_from_config(void **state)
{
	struct fx *f = *state;
	struct gpupt_config c;
	struct gpupt_selection s;
	struct gpupt_pci_addr a;

	gpupt_config_init(&c);
	assert_int_equal(gpupt_parse_addr("01:00.0=10de:1381", 17, &a), 0);
	c.addrs[c.n_addrs++] = a;
	/* A fingerprint that does not match the device there selects nothing. */
	assert_int_equal(gpupt_parse_addr("0000:01:00.1=10de:ffff", 22, &a), 0);
	c.addrs[c.n_addrs++] = a;
	gpupt_select_from_config(&f->l, &c, &s);
	assert_selected(f, &s, "0000:01:00.0");
	assert_int_equal(gpupt_parse_id("144d:a808", 9, &c.ids[c.n_ids++]), 0);
	gpupt_select_from_config(&f->l, &c, &s);
	assert_selected(f, &s, "0000:01:00.0 0000:02:00.0");
	/* ... nor does an id of the device: the mismatch wins, as in the binder. */
	assert_int_equal(gpupt_parse_id("10de:0fbc", 9, &c.ids[c.n_ids++]), 0);
	gpupt_select_from_config(&f->l, &c, &s);
	assert_selected(f, &s, "0000:01:00.0 0000:02:00.0");
	/* The same address twice, with and without a fingerprint: the mismatch wins too. */
	assert_int_equal(gpupt_parse_addr("0000:02:00.0", 12, &a), 0);
	c.addrs[c.n_addrs++] = a;
	assert_int_equal(gpupt_parse_addr("0000:02:00.0=144d:ffff", 22, &a), 0);
	c.addrs[c.n_addrs++] = a;
	gpupt_select_from_config(&f->l, &c, &s);
	assert_selected(f, &s, "0000:01:00.0");
}

static void safety(struct fx *f, const char *sel, struct gpupt_safety_report *r)
{
	struct gpupt_selection s;

	assert_int_equal(resolve(f, &s, 1, sel), 0);
	assert_int_equal(gpupt_safety_check(&f->r.h, &f->l, &s, r), 0);
}

static void assert_item(const struct gpupt_safety_report *r, unsigned i, enum gpupt_safety_level lv,
			const char *addr, const char *msg)
{
	assert_true(i < r->n);
	assert_int_equal(r->item[i].level, lv);
	assert_string_equal(r->item[i].addr, addr);
	assert_string_equal(r->item[i].msg, msg);
}

static void test_safety_seed_slot_is_clean(void **state)
{
	struct gpupt_safety_report r;

	safety(*state, "01:00", &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.n_refuse, 0);
}

static void test_safety_sibling_left_on_host_driver(void **state)
{
	struct gpupt_safety_report r;

	safety(*state, "01:00.0", &r);
	assert_int_equal(r.n_refuse, 0);
	assert_int_equal(r.n_warn, 2);
	assert_item(&r, 0, GPUPT_SAFETY_WARN, "0000:01:00.0",
		    "IOMMU group 12 also holds 0000:01:00.1 [10de:0fbc] (snd_hda_intel), which is not"
		    " selected: a VM can only be given the whole group; select it too, or move the"
		    " card to a slot with its own group");
	assert_item(&r, 1, GPUPT_SAFETY_WARN, "0000:01:00.0",
		    "0000:01:00.1 [10de:0fbc] of the same card stays on snd_hda_intel: select the"
		    " whole slot (gpupt enable 0000:01:00) to pass the card with all its functions");
}

static void test_safety_refuses_root_storage(void **state)
{
	struct gpupt_safety_report r;

	safety(*state, "02:00.0", &r);
	assert_int_equal(r.n_refuse, 1);
	assert_item(&r, 0, GPUPT_SAFETY_REFUSE, "0000:02:00.0",
		    "is the storage controller of /: the host would not boot without it");
}

static void test_safety_refuses_bridge(void **state)
{
	struct gpupt_safety_report r;

	safety(*state, "00:01.0", &r);
	assert_int_equal(r.n_refuse, 1);
	assert_item(&r, 0, GPUPT_SAFETY_REFUSE, "0000:00:01.0",
		    "is a bridge (class 060400): vfio-pci does not take bridges, and the devices"
		    " behind it would go with it; select the device behind it instead");
}

static void test_safety_refuses_group_with_root_nvme(void **state)
{
	struct fx *f = *state;
	struct gpupt_safety_report r;
	bool held[16] = { false };

	assert_true(f->l.n <= 16);
	assert_int_equal(gpupt_safety_boot_storage(&f->r.h, &f->l, held), 0);
	for (size_t i = 0; i < f->l.n; i++)
		assert_int_equal(held[i], strcmp(f->l.dev[i].addr, "0000:02:00.0") == 0);
	safety(f, "01:00", &r);
	assert_int_equal(r.n_refuse, 1);
	assert_int_equal(r.n_warn, 0);
	assert_item(&r, 0, GPUPT_SAFETY_REFUSE, "0000:01:00.0",
		    "IOMMU group 12 also holds 0000:02:00.0 [144d:a808], the storage controller of"
		    " /: the whole group would go to vfio-pci and the host would not boot;"
		    " move the card to another slot");
}

static void test_safety_root_on_lvm(void **state)
{
	struct fx *f = *state;
	struct gpupt_safety_report r;

	/* / on /dev/mapper/pve-root, a dm device whose slave is nvme0n1p2; no ESP mounted. */
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/devices/virtual", 0755), 0);
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/devices/virtual/block", 0755), 0);
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/devices/virtual/block/dm-0", 0755), 0);
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/devices/virtual/block/dm-0/dm", 0755), 0);
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/devices/virtual/block/dm-0/slaves", 0755), 0);
	assert_int_equal(mkdirat(f->r.h.rootfd, "sys/block", 0755), 0);
	devroot_write(&f->r, "sys/devices/virtual/block/dm-0/dm/name", "pve-root\n", 0);
	devroot_symlink(&f->r, "../../../../devices/pci0000:00/0000:02:00.0/nvme/nvme0/nvme0n1/nvme0n1p2",
			"sys/devices/virtual/block/dm-0/slaves/nvme0n1p2");
	devroot_symlink(&f->r, "../devices/virtual/block/dm-0", "sys/block/dm-0");
	devroot_write(&f->r, "proc/self/mountinfo",
		      "22 1 0:30 / / rw,relatime shared:1 - xfs /dev/mapper/pve-root rw\n", 0);
	devroot_write(&f->r, "etc/fstab", "/dev/mapper/pve-root / xfs defaults 0 1\n", 0);
	safety(f, "02:00.0", &r);
	assert_int_equal(r.n_refuse, 1);
	assert_item(&r, 0, GPUPT_SAFETY_REFUSE, "0000:02:00.0",
		    "is the storage controller of /: the host would not boot without it");
}

static void test_safety_root_on_zfs(void **state)
{
	struct fx *f = *state;
	struct gpupt_safety_report r;

	/* A zfs root has no block device: any storage controller might hold the pool. */
	devroot_write(&f->r, "proc/self/mountinfo",
		      "22 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/pve-1 rw,xattr,noacl\n"
		      "23 22 0:41 / /boot/efi rw,relatime shared:2 - autofs systemd-1 rw,fd=50\n", 0);
	devroot_write(&f->r, "etc/fstab", "# zfs root, ESP via systemd automount\n", 0);
	safety(f, "01:00", &r);
	assert_int_equal(r.n_refuse, 0);
	assert_int_equal(r.n_warn, 2);
	assert_item(&r, 0, GPUPT_SAFETY_WARN, "0000:01:00.0",
		    "IOMMU group 12 also holds 0000:02:00.0 [144d:a808] (nvme), which is not selected:"
		    " a VM can only be given the whole group; select it too, or move the card to a slot"
		    " with its own group");
	assert_item(&r, 1, GPUPT_SAFETY_WARN, "0000:01:00.0",
		    "IOMMU group 12 also holds the storage controller 0000:02:00.0, and gpupt cannot"
		    " tell which disks hold / (zfs rpool/ROOT/pve-1): make sure none of them is behind it");
	safety(f, "02:00.0", &r);
	assert_int_equal(r.n_refuse, 0);
	assert_item(&r, 0, GPUPT_SAFETY_WARN, "0000:02:00.0",
		    "IOMMU group 12 also holds 0000:01:00.0 [10de:1381] (nouveau), which is not selected:"
		    " a VM can only be given the whole group; select it too, or move the card to a slot"
		    " with its own group");
	assert_item(&r, 2, GPUPT_SAFETY_WARN, "0000:02:00.0",
		    "is a storage controller, and gpupt cannot tell which disks hold / (zfs"
		    " rpool/ROOT/pve-1): make sure none of them is behind it");
}

static void test_safety_boot_vga(void **state)
{
	struct gpupt_safety_report r;

	safety(*state, "01:00", &r);
	assert_int_equal(r.n_refuse, 0);
	assert_int_equal(r.n_warn, 1);
	assert_item(&r, 0, GPUPT_SAFETY_WARN, "0000:01:00.0",
		    "is the boot VGA: the host's console goes dark once vfio-pci takes it (manage"
		    " the host over the network or a serial console)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_seed, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_slot_selects_every_function, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_address_and_id_forms, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_id_selects_every_identical_card, setup_twin, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sels_refused, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_every_bad_sel_reported, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_from_config, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_seed_slot_is_clean, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_sibling_left_on_host_driver, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_refuses_root_storage, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_refuses_bridge, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_refuses_group_with_root_nvme, setup_nvme, teardown),
		cmocka_unit_test_setup_teardown(test_safety_root_on_lvm, setup_seed, teardown),
		cmocka_unit_test_setup_teardown(test_safety_root_on_zfs, setup_nvme, teardown),
		cmocka_unit_test_setup_teardown(test_safety_boot_vga, setup_headless, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
