// SPDX-License-Identifier: MIT
/* gpupt check on fixture roots: exact lines and exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "tests/fixtures/host/devroot.h"

#define OK_CPU "PASS  CPU virtualization: vmx (Intel VT-x)\n"
#define OK_IR "PASS  interrupt remapping: active (IR- interrupt chips)\n"
#define OK_GRUB "PASS  boot loader: GRUB: the command line comes from /etc/default/grub and /etc/default/grub.d/\n"
#define OK_TRIAL "PASS  trial boot: one-shot guaranteed: GRUB's next_entry (grub-reboot); GRUB clears it" \
	" before it boots the entry (ext2); a panic falls back (panic=10); no /dev/watchdog: a hang" \
	" needs a power cycle (softdog, or the board's watchdog driver, loaded before enable, catches it)\n"
#define OK_MOD61 "PASS  vfio modules: 6.1.0-18-amd64: vfio, vfio_iommu_type1, vfio_pci, vfio_virqfd\n"
#define OK_NOSEL "PASS  selected devices: nothing selected yet (`gpupt enable SEL` selects devices)\n"
#define OK_NOROUTE "PASS  network uplink: no default route (IPv4 or IPv6): no NIC to keep from vfio-pci; a" \
	" trial boot's network rule then checks nothing (`gpupt enable --health-cmd` can)\n"
#define OK_CMDLINE "PASS  kernel command line: the configured one is in effect\n"
#define BOOT_VGA_WARN "WARN  selected 0000:01:00.0: is the boot VGA: the host's console goes dark once" \
	" vfio-pci takes it (manage the host over the network or a serial console)"

static int check(struct devroot *r, int json)
{
	return devroot_run(r, gpupt_cmd_check, json, "check", (char *)NULL);
}

/* gpupt check exits with want; if not, what it printed shows why. */
static void assert_check(struct devroot *r, int json, int want)
{
	int got = check(r, json);

	if (got != want)
		print_message("gpupt check exited %d, expected %d; it printed:\n%s%s", got, want, r->out,
			      r->err);
	assert_int_equal(got, want);
}

static void test_seed_all_pass(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	assert_check(&r, 0, 0);
	assert_string_equal(r.out,
		OK_CPU
		"PASS  IOMMU: active: 1 IOMMU unit(s), 5 group(s)\n"
		OK_IR
		"PASS  boot mode: UEFI\n"
		OK_GRUB
		OK_TRIAL
		OK_MOD61
		"PASS  vfio modules: 6.12.9-amd64: vfio, vfio_iommu_type1, vfio_pci\n"
		"PASS  GPUs: 2 display-class PCI device(s) (`gpupt list` shows them)\n"
		OK_NOSEL
		OK_NOROUTE
		OK_CMDLINE);
	assert_string_equal(r.err, "");
	devroot_free(&r);
}

static void test_broken_host(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "broken");
	assert_check(&r, 0, 2);
	assert_string_equal(r.out,
		"FAIL  CPU virtualization: no vmx or svm flag in /proc/cpuinfo; fix: enable Intel VT-x or"
		" AMD SVM in the firmware (BIOS/UEFI) setup\n"
		"FAIL  IOMMU: not active (no /sys/class/iommu entries); fix: enable VT-d (Intel) or"
		" AMD-Vi/IOMMU (AMD) in the firmware setup; on Intel `gpupt enable` also adds intel_iommu=on\n"
		"WARN  interrupt remapping: not active (no IR- interrupt chips in /proc/interrupts): vfio"
		" refuses devices whose MSIs are not isolated; fix: enable interrupt remapping (x2APIC/VT-d)"
		" in the firmware setup; or, only if every guest is trusted, `gpupt enable"
		" --allow-unsafe-interrupts` (vfio_iommu_type1.allow_unsafe_interrupts=1 lets a guest forge"
		" interrupts to the host)\n"
		"PASS  boot mode: BIOS (legacy)\n"
		OK_GRUB
		OK_TRIAL
		OK_MOD61
		"FAIL  vfio modules: 6.12.9-amd64: missing: vfio_pci; fix: install a kernel built with"
		" CONFIG_VFIO_PCI\n"
		"PASS  GPUs: 1 display-class PCI device(s) (`gpupt list` shows them)\n"
		OK_NOSEL
		OK_NOROUTE
		OK_CMDLINE
		"WARN  stale token: amd_iommu=on (in effect and configured) is not a valid value; the kernel"
		" ignores it; fix: remove amd_iommu=on: the AMD IOMMU is on by default\n"
		"WARN  stale token: pcie_acs_override= (in effect and configured) does nothing on kernel"
		" 6.12.9-amd64: only kernels with the ACS override patch (Proxmox -pve) know it; fix: remove"
		" pcie_acs_override=, or run a Proxmox (-pve) kernel\n"
		"WARN  stale module: vfio_virqfd is listed in /etc/modules, but from kernel 6.2 on"
		" (6.12.9-amd64 here) it is part of vfio: loading it fails with \"module not found\"; fix:"
		" remove the vfio_virqfd line\n");
	devroot_free(&r);
}

static void test_proxmox_builtin_vfio(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "twin");
	/* The -pve kernel carries the ACS override patch: no warning for it. */
	devroot_write(&r, "proc/cmdline", "initrd=\\EFI\\x root=ZFS=rpool/ROOT/pve-1 boot=zfs"
		      " intel_iommu=on pcie_acs_override=downstream\n", 0);
	devroot_write(&r, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on"
		      " pcie_acs_override=downstream\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "PASS  boot loader: proxmox-boot-tool (systemd-boot): the command line"
		    " comes from /etc/kernel/cmdline");
	/* No efivarfs in this root: no systemd-boot one-shot to set. */
	assert_line(r.out, "WARN  trial boot: no trial boot: systemd-boot's variables are not visible (no LoaderInfo"
		    " in /sys/firmware/efi/efivars: efivarfs is not mounted, or this boot did not come through"
		    " systemd-boot), so its one-shot (LoaderEntryOneShot) cannot be set; fix: `gpupt enable"
		    " --no-trial`, with a console at hand");
	assert_line(r.out, "PASS  vfio modules: 6.8.12-4-pve: vfio, vfio_iommu_type1, vfio_pci"
		    " (built in: vfio vfio_iommu_type1 vfio_pci)");
	assert_null(strstr(r.out, "stale"));
	devroot_free(&r);
}

static void test_reboot_pending(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/default/grub.d/gpupt.cfg",
		      "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt gpupt.fb=keep\"\n", 0);
	devroot_write(&r, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro quiet"
		      " intel_iommu=on vfio-pci.ids=10de:1381\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  kernel command line: reboot pending: configured, not in effect:"
		    " iommu=pt gpupt.fb=keep; in effect, no longer configured: vfio-pci.ids=10de:1381;"
		    " fix: reboot (after `update-grub`, `proxmox-boot-tool refresh` or `kernel-install add`"
		    " if you edited the file by hand)");
	devroot_free(&r);
}

/* The configured command line as sh and proxmox-boot-tool read the files. */
static void test_configured_shapes(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	/* An exported assignment replaces the plain one before it. */
	devroot_write(&r, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		      "export GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n", 0);
	devroot_write(&r, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro quiet"
		      " intel_iommu=on iommu=pt\n", 0);
	assert_check(&r, 0, 0);
	assert_line(r.out, "PASS  boot loader: GRUB: the command line comes from /etc/default/grub"
		    " and /etc/default/grub.d/");
	assert_line(r.out, "PASS  kernel command line: the configured one is in effect");
	/* $(...): what it puts there is not known; said so, and the rest is checked. */
	devroot_write(&r, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $(cat"
		      " /etc/kernel-args)\"\n", 0);
	devroot_write(&r, "etc/default/grub.d/gpupt.cfg", "GRUB_CMDLINE_LINUX_DEFAULT="
		      "\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt\"\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  boot loader: GRUB: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub"
		    " holds a command substitution ($(...) or `...`): what it puts on the kernel"
		    " command line is known only when update-grub runs; the checks below see the"
		    " rest; fix: write the value out, and add to it in a drop-in in"
		    " /etc/default/grub.d/ (as `gpupt enable` does)");
	assert_line(r.out, "PASS  kernel command line: what is known of the configured one is in"
		    " effect");
	devroot_free(&r);

	/* proxmox-boot-tool takes a first line that starts with '#' as the command line. */
	devroot_make(&r, "twin");
	devroot_write(&r, "etc/kernel/cmdline", "# managed by ansible\nroot=ZFS=rpool/ROOT/pve-1"
		      " boot=zfs intel_iommu=on\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  boot loader: proxmox-boot-tool (systemd-boot): the first line of"
		    " /etc/kernel/cmdline is a comment, but proxmox-boot-tool takes the first line as"
		    " the kernel command line as it stands ('#' and all) and refuses one without"
		    " root=; fix: put the kernel command line on the first line of /etc/kernel/cmdline");
	devroot_free(&r);
}

static void test_selected_group_with_root_nvme(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nvme");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:01:00.0=10de:1381, 0000:01:00.1=10de:0fbc\n", 0);
	assert_check(&r, 0, 2);
	assert_line(r.out, "FAIL  selected 0000:01:00.0: IOMMU group 12 also holds 0000:02:00.0"
		    " [144d:a808], the storage controller of /: the whole group would go to vfio-pci and"
		    " the host would not boot; move the card to another slot");
	devroot_free(&r);
}

static void test_gpu_sharing_a_group(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nvme");
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  GPUs: 0000:01:00.0: IOMMU group 12 also holds 0000:02:00.0 [144d:a808]"
		    " (nvme), so the card cannot be passed through alone; fix: put the card in another"
		    " slot (one with its own IOMMU group)");
	assert_line(r.out, "PASS  GPUs: 2 display-class PCI device(s) (`gpupt list` shows them)");
	devroot_free(&r);
}

static void test_selected_clean(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00\n", 0);
	assert_check(&r, 0, 0);
	assert_line(r.out, "PASS  selected devices: 2 function(s), each IOMMU group holds only selected"
		    " devices and bridges");
	devroot_free(&r);
}

/* The NIC under Proxmox VE's bridge: shown, and a selection that takes it fails. */
static void test_network_uplink(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "bridged");
	assert_check(&r, 0, 0);
	assert_line(r.out, "PASS  network uplink: default route: vmbr0 → enp3s0 → 0000:03:00.0 (IPv4 and IPv6);"
		    " `gpupt enable` keeps that function from vfio-pci, and a trial boot checks the NIC for"
		    " carrier");
	devroot_write(&r, "etc/gpupt.conf", "ids = 8086:1533\n", 0);
	assert_check(&r, 0, 2);
	assert_line(r.out, "FAIL  selected 0000:03:00.0: carries the host's network: the default route (IPv4 and"
		    " IPv6) goes vmbr0 → enp3s0 → 0000:03:00.0; on vfio-pci the host is off the network, and a"
		    " remote host is lost until someone reaches its console; select the functions you mean by"
		    " address instead (identical cards share their vendor:device ID; `gpupt list` shows the"
		    " addresses), or move the default route to another NIC first");
	assert_line(r.out, "WARN  network uplink: default route: vmbr0 → enp3s0 → 0000:03:00.0 (IPv4 and IPv6);"
		    " 0000:03:00.0 is selected for vfio-pci: the host is off the network once it takes it;"
		    " fix: select another function (`gpupt disable`, then `gpupt enable` by address)");
	/* A bridge with no NIC under it that gpupt can see. */
	devroot_write(&r, "etc/gpupt.conf", "addrs = 04:00.0\n", 0);
	assert_int_equal(unlinkat(r.h.rootfd, "sys/devices/virtual/net/vmbr0/brif/enp3s0", 0), 0);
	assert_int_equal(unlinkat(r.h.rootfd, "sys/devices/virtual/net/vmbr0/lower_enp3s0", 0), 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  network uplink: default route: vmbr0 (IPv4 and IPv6), but no NIC under it (bridge"
		    " port, bond slave, VLAN or macvlan lower device with a device link): gpupt cannot tell"
		    " which function carries the network, and a trial boot checks vmbr0 alone");
	devroot_free(&r);
}

static void test_boot_vga_framebuffer(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "headless");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, BOOT_VGA_WARN);
	assert_line(r.out, "PASS  boot framebuffer: 0000:01:00.0 is the boot VGA; kernel 6.1.0-18-amd64:"
		    " vfio-pci removes the conflicting boot framebuffer itself");
	/* Older kernels leave the framebuffer: the fix depends on the kernel's config. */
	devroot_write(&r, "proc/sys/kernel/osrelease", "5.15.0-91-generic\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  boot framebuffer: 0000:01:00.0 is the boot VGA and the firmware"
		    " framebuffer stays on it (kernel 5.15.0-91-generic); fix: add video=efifb:off");
	devroot_write(&r, "boot/config-5.15.0-91-generic", "#\nCONFIG_DRM_SIMPLEDRM=y\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  boot framebuffer: 0000:01:00.0 is the boot VGA and the firmware"
		    " framebuffer stays on it (kernel 5.15.0-91-generic); fix: add"
		    " initcall_blacklist=sysfb_init");
	devroot_write(&r, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on"
		      " initcall_blacklist=foo,sysfb_init\"\n", 0);
	devroot_write(&r, "proc/cmdline", "root=/dev/nvme0n1p2 quiet intel_iommu=on"
		      " initcall_blacklist=foo,sysfb_init\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "PASS  boot framebuffer: 0000:01:00.0 is the boot VGA;"
		    " initcall_blacklist=sysfb_init keeps the firmware framebuffer off it");
	assert_line(r.out, "PASS  kernel command line: the configured one is in effect");
	devroot_free(&r);
}

/*
 * The command line is shared by every kernel in the boot menu: one
 * installed kernel that builds simpledrm in makes video=efifb:off too weak,
 * even when the running kernel has efifb only.
 */
static void test_framebuffer_any_installed_kernel(void **state)
{
	static const char line[] = "root=/dev/nvme0n1p2 quiet intel_iommu=on video=efifb:off";
	struct devroot r;

	(void)state;
	devroot_make(&r, "headless");
	devroot_write(&r, "etc/gpupt.conf", "addrs = 01:00\n", 0);
	devroot_write(&r, "proc/sys/kernel/osrelease", "5.15.0-91-generic\n", 0);
	devroot_write(&r, "boot/config-5.15.0-91-generic", "CONFIG_FB_EFI=y\n", 0);
	devroot_write(&r, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on"
		      " video=efifb:off\"\n", 0);
	devroot_write(&r, "proc/cmdline", line, 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "PASS  boot framebuffer: 0000:01:00.0 is the boot VGA; video=efifb:off keeps"
		    " efifb off it");
	devroot_write(&r, "boot/config-6.8.12-4-pve", "CONFIG_FB_EFI=y\nCONFIG_DRM_SIMPLEDRM=y\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  boot framebuffer: 0000:01:00.0 is the boot VGA and the firmware"
		    " framebuffer stays on it (kernel 5.15.0-91-generic); fix: add"
		    " initcall_blacklist=sysfb_init");
	devroot_free(&r);
}

static void test_virqfd_in_modules_load_d(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	assert_int_equal(mkdirat(r.h.rootfd, "etc/modules-load.d", 0755), 0);
	devroot_write(&r, "etc/modules-load.d/vfio.conf", "# passthrough\nvfio\n  vfio_virqfd\nvfio_pci\n", 0);
	assert_check(&r, 0, 1);
	assert_line(r.out, "WARN  stale module: vfio_virqfd is listed in /etc/modules-load.d/vfio.conf,"
		    " but from kernel 6.2 on (6.12.9-amd64 here) it is part of vfio: loading it fails"
		    " with \"module not found\"; fix: remove the vfio_virqfd line");
	/* Only 6.1 installed: vfio_virqfd is a module there. */
	devroot_write(&r, "etc/modules-load.d/vfio.conf", "vfio_virqfdx\n", 0);
	assert_check(&r, 0, 0);
	devroot_free(&r);
}

static void test_no_iommu_groups_and_json(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "nogpu");
	assert_int_equal(unlinkat(r.h.rootfd, "sys/kernel/iommu_groups/0/devices/0000:00:00.0", 0), 0);
	assert_check(&r, 1, 1);
	assert_true(strstr(r.out, "{\"check\":\"GPUs\",\"result\":\"warn\",\"message\":\"no display-class"
			   " PCI devices found (class 0x03xx): nothing to pass through\",\"fix\":\"install"
			   " the card, or check that the slot is enabled in the firmware setup\"}"));
	assert_true(strstr(r.out, "],\"result\":\"warn\"}\n"));
	assert_int_equal(devroot_run(&r, gpupt_cmd_check, 0, "check", "--help", (char *)NULL), 0);
	assert_true(strstr(r.out, "Exit status: 0 all passed, 1 warnings, 2 failures.\n"));
	devroot_free(&r);
}

/* GRUB's own rule (00_header check_writable) decides, per layout of /boot/grub. */
static void test_trial_oneshot_by_layout(void **state)
{
	static const struct {
		const char *abstraction, *fs, *line;
	} layouts[] = {
		{ "", "ext2", "PASS  trial boot: one-shot guaranteed: GRUB's next_entry (grub-reboot); GRUB clears it"
			      " before it boots the entry (ext2)" },
		{ "lvm", "ext2", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its environment block"
				 " where /boot/grub is (ext2 on lvm)" },
		{ "diskfilter", "ext2", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its"
					" environment block where /boot/grub is (ext2 on diskfilter)" },
		{ "cryptodisk lvm", "xfs", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its"
					   " environment block where /boot/grub is (xfs on cryptodisk lvm)" },
		{ "", "btrfs", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its environment block"
			       " where /boot/grub is (btrfs)" },
		{ "", "zfs", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its environment block"
			     " where /boot/grub is (zfs)" },
		{ "", "", "WARN  trial boot: one-shot not guaranteed: GRUB cannot write its environment block"
			  " where /boot/grub is (file system unknown)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct devroot r;

		devroot_make(&r, "seed");
		devroot_write(&r, ".fake-grub-abstraction", layouts[i].abstraction, 0);
		devroot_write(&r, ".fake-grub-fs", layouts[i].fs, 0);
		assert_check(&r, 0, layouts[i].line[0] == 'P' ? 0 : 1);
		assert_non_null(strstr(r.out, layouts[i].line));
		devroot_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_all_pass),
		cmocka_unit_test(test_broken_host),
		cmocka_unit_test(test_proxmox_builtin_vfio),
		cmocka_unit_test(test_reboot_pending),
		cmocka_unit_test(test_configured_shapes),
		cmocka_unit_test(test_selected_group_with_root_nvme),
		cmocka_unit_test(test_gpu_sharing_a_group),
		cmocka_unit_test(test_selected_clean),
		cmocka_unit_test(test_boot_vga_framebuffer),
		cmocka_unit_test(test_framebuffer_any_installed_kernel),
		cmocka_unit_test(test_virqfd_in_modules_load_d),
		cmocka_unit_test(test_no_iommu_groups_and_json),
		cmocka_unit_test(test_network_uplink),
		cmocka_unit_test(test_trial_oneshot_by_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
