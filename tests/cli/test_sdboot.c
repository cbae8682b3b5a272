// SPDX-License-Identifier: MIT
/*
 * Plain systemd-boot driven by kernel-install (Debian 12's systemd-boot
 * package after `bootctl install`) on the fixture root "sdboot" of
 * tests/fixtures/host/boot-root.sh: detection, /etc/kernel/cmdline created
 * from /proc/cmdline or edited in place (exact bytes), one kernel-install
 * per installed kernel (exact argv), --dry-run, disable putting every byte
 * back, a second enable changing nothing.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include "host/model/bootloader.h"

#define MID "0123456789abcdef0123456789abcdef"
#define ROOT_OPTS "root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro quiet"
#define TOKENS "intel_iommu=on iommu=pt " ADDRS
#define KI_61 "kernel-install add 6.1.0-18-amd64 /boot/vmlinuz-6.1.0-18-amd64 /boot/initrd.img-6.1.0-18-amd64\n"
#define KI_612 "kernel-install add 6.12.9-amd64 /boot/vmlinuz-6.12.9-amd64 /boot/initrd.img-6.12.9-amd64\n"
#define REGEN "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n" KI_61 KI_612

static void put(struct fx *f, const char *rel, const char *text)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, text, strlen(text), 0644), 0);
}

static const char *loader(struct fx *f)
{
	const struct gpupt_bootloader *b = gpupt_bootloader_detect(f->h.rootfd);

	return b ? b->name : "(none)";
}

static void test_detection(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	int fd = f->h.rootfd;

	(void)state;
	assert_string_equal(loader(f), "systemd-boot (kernel-install)");
	/* The package installed next to GRUB, but no `bootctl install`: still GRUB. */
	assert_int_equal(gpupt_file_remove(fd, "boot/efi/EFI/systemd/systemd-bootx64.efi"), 0);
	assert_string_equal(loader(f), "GRUB");
	/* An ESP mounted at /efi counts as well; another file there is not systemd-boot. */
	assert_int_equal(gpupt_path_mkdir(fd, "efi", 0755), 0);
	assert_int_equal(gpupt_path_mkdir(fd, "efi/EFI", 0755), 0);
	assert_int_equal(gpupt_path_mkdir(fd, "efi/EFI/systemd", 0755), 0);
	put(f, "efi/EFI/systemd/grubx64.efi", "MZ");
	assert_string_equal(loader(f), "GRUB");
	put(f, "efi/EFI/systemd/systemd-bootx64.efi", "MZ");
	assert_string_equal(loader(f), "systemd-boot (kernel-install)");
	/* systemd-boot on the ESP, but the package (its kernel hook, bootctl) removed. */
	assert_int_equal(gpupt_file_remove(fd, "usr/bin/bootctl"), 0);
	assert_string_equal(loader(f), "GRUB");
	put(f, "usr/bin/bootctl", "#!/bin/sh\n");
	assert_int_equal(gpupt_file_remove(fd, "etc/kernel/postinst.d/zz-systemd-boot"), 0);
	assert_string_equal(loader(f), "GRUB");
	put(f, "etc/kernel/postinst.d/zz-systemd-boot", "#!/bin/sh\n");
	/* proxmox-boot-tool still wins. */
	put(f, "etc/kernel/proxmox-boot-uuids", "5A1B-2C3D\n");
	put(f, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	assert_string_equal(loader(f), "proxmox-boot-tool (systemd-boot)");
	free_fixture(f);
}

static void test_regen_per_kernel(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	struct gpupt_regen cmds[4];
	char line[512];

	(void)state;
	assert_int_equal(gpupt_bootloader_regen(gpupt_bootloader_detect(f->h.rootfd), f->h.rootfd, cmds, 4), 2);
	gpupt_argv_format(cmds[0].argv, line, sizeof(line));
	assert_string_equal(line, "kernel-install add 6.1.0-18-amd64 /boot/vmlinuz-6.1.0-18-amd64 "
				  "/boot/initrd.img-6.1.0-18-amd64");
	assert_null(cmds[1].argv[5]);
	/* No initramfs: the argv ends with the image; no image: no command. */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, "boot/initrd.img-6.12.9-amd64"), 0);
	assert_int_equal(gpupt_file_remove(f->h.rootfd, "boot/vmlinuz-6.1.0-18-amd64"), 0);
	assert_int_equal(gpupt_bootloader_regen(gpupt_bootloader_detect(f->h.rootfd), f->h.rootfd, cmds, 4), 1);
	gpupt_argv_format(cmds[0].argv, line, sizeof(line));
	assert_string_equal(line, "kernel-install add 6.12.9-amd64 /boot/vmlinuz-6.12.9-amd64");
	free_fixture(f);
}

static void test_dry_run(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	char *before = snapshot(f, NULL), want[2048];

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 0);
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	assert_non_null(strstr(f->out, "--- /dev/null\n+++ b/etc/kernel/cmdline\n@@ -0,0 +1,1 @@\n"
					"+" ROOT_OPTS " systemd.machine_id=" MID " " TOKENS "\n"));
	snprintf(want, sizeof(want),
		 "would run: chroot %s update-initramfs -u -k 6.1.0-18-amd64\n"
		 "would run: chroot %s update-initramfs -u -k 6.12.9-amd64\n"
		 "would run: chroot %s " KI_61 "would run: chroot %s " KI_612 "(dry run: nothing was written)\n",
		 f->root, f->root, f->root, f->root);
	assert_non_null(strstr(f->out, want));
	free(before);
	free_fixture(f);
}

/* The journal: gpupt created /etc/kernel/cmdline, so it is a whole file of gpupt's. */
static void assert_created_journal(struct fx *f)
{
	char *conf = read_rel(f, "etc/gpupt.conf"), *s = read_rel(f, "var/lib/gpupt/journal");
	char *cmdline = read_rel(f, "etc/kernel/cmdline"), want[2048];
	int n = snprintf(want, sizeof(want),
			 "gpupt-journal 1\n"
			 "# What `gpupt enable` added; `gpupt disable` takes exactly this away.\n"
			 "# The last line is a checksum of every line before it: gpupt refuses "
			 "this file once it was edited.\n"
			 "file etc/gpupt.conf whole\nsum %016llx\n"
			 "file etc/kernel/cmdline whole\nsum %016llx\n"
			 "token intel_iommu=on\ntoken iommu=pt\ntoken " ADDRS "\n",
			 (unsigned long long)gpupt_checksum(conf, strlen(conf)),
			 (unsigned long long)gpupt_checksum(cmdline, strlen(cmdline)));

	snprintf(want + n, sizeof(want) - (size_t)n, "end %016llx\n",
		 (unsigned long long)gpupt_checksum(want, (size_t)n));
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	free(conf);
	free(cmdline);
}

/*
 * No /etc/kernel/cmdline: kernel-install used /proc/cmdline without the
 * initrd= systemd-boot added; gpupt writes that plus its tokens, and
 * disable removes the file again.
 */
static void test_create_from_proc_then_disable(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	char *before = snapshot(f, NULL), *after, *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	assert_non_null(s);
	assert_string_equal(s, ROOT_OPTS " systemd.machine_id=" MID " " TOKENS "\n");
	free(s);
	assert_null(read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	assert_created_journal(f);
	s = calls(f);
	assert_string_equal(s, REGEN);
	free(s);

	/* Second time: nothing written, nothing run. */
	after = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "enable: already done; nothing to change\n"));
	assert_snapshot(f, after, NULL);
	s = calls(f);
	assert_string_equal(s, REGEN);
	free(s);

	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "gpupt: removed /etc/kernel/cmdline\n"));
	assert_snapshot(f, before, "/var/lib");
	assert_null(read_rel(f, "etc/kernel/cmdline"));
	assert_null(read_rel(f, "var/lib/gpupt/journal"));
	s = calls(f);
	assert_string_equal(s, REGEN REGEN);
	free(s);
	free(before);
	free(after);
	free_fixture(f);
}

/* /usr/lib/kernel/cmdline comes before /proc/cmdline; its bytes are taken as they are. */
static void test_create_from_usr_lib(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	char *before, *s;

	(void)state;
	put(f, "usr/lib/kernel/cmdline", "root=/dev/vda2 ro\nconsole=ttyS0\n");
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(s, "root=/dev/vda2 ro\nconsole=ttyS0 " TOKENS "\n");
	free(s);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

/*
 * An existing /etc/kernel/cmdline of several lines: kernel-install joins
 * them all, so a token on any line is there already (and stays the
 * user's); new tokens go after the last one; disable gives every byte back.
 */
static void test_edit_existing_multiline(void **state)
{
	static const char mine[] = "root=/dev/nvme0n1p2 ro\n# not a comment for kernel-install\nquiet iommu=pt\n";
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	char *before, *after, *s;

	(void)state;
	put(f, "etc/kernel/cmdline", mine);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(s, "root=/dev/nvme0n1p2 ro\n# not a comment for kernel-install\n"
			       "quiet iommu=pt intel_iommu=on " ADDRS "\n");
	free(s);
	s = read_rel(f, "var/lib/gpupt/journal");
	assert_non_null(strstr(s, "\nfile etc/kernel/cmdline kcmdline-all\ntoken intel_iommu=on\ntoken " ADDRS
				  "\nend "));
	free(s);
	s = calls(f);
	assert_string_equal(s, REGEN);
	free(s);

	after = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "nothing to change"));
	assert_snapshot(f, after, NULL);

	/* A changed selection replaces gpupt's own token only. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00.0"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(s, "root=/dev/nvme0n1p2 ro\n# not a comment for kernel-install\n"
			       "quiet iommu=pt intel_iommu=on gpupt.addrs=0000:01:00.0=10de:1381\n");
	free(s);

	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	s = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(s, mine);
	free(s);
	free(before);
	free(after);
	free_fixture(f);
}

/* gpupt check names the boot loader and where its command line comes from. */
static void test_check_names_it(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);

	(void)state;
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, "boot loader: systemd-boot (kernel-install): the command line comes "
					"from /proc/cmdline (no /etc/kernel/cmdline)\n"));
	assert_non_null(strstr(f->out, "kernel command line: the configured one is in effect\n"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, "boot loader: systemd-boot (kernel-install): the command line comes "
					"from /etc/kernel/cmdline\n"));
	assert_non_null(strstr(f->out, "reboot pending: configured, not in effect: " TOKENS "; fix: reboot (after `update-grub`, "
					"`proxmox-boot-tool refresh` or `kernel-install add` if you edited the file by hand)\n"));
	free_fixture(f);
}

/* Without a kernel image in /boot there is nothing for kernel-install to add: nothing is written. */
static void test_no_kernel_image(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	char *before;

	(void)state;
	assert_int_equal(gpupt_file_remove(f->h.rootfd, "boot/vmlinuz-6.1.0-18-amd64"), 0);
	assert_int_equal(gpupt_file_remove(f->h.rootfd, "boot/vmlinuz-6.12.9-amd64"), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: systemd-boot (kernel-install): no kernel to write a boot entry "
					"for (no /boot/vmlinuz-VER for any /lib/modules/VER)"));
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	free(before);
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_regen_per_kernel),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_create_from_proc_then_disable),
		cmocka_unit_test(test_create_from_usr_lib),
		cmocka_unit_test(test_edit_existing_multiline),
		cmocka_unit_test(test_check_names_it),
		cmocka_unit_test(test_no_kernel_image),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
