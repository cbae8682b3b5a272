// SPDX-License-Identifier: MIT
/*
 * Plain systemd-boot driven by kernel-install (Debian 12's systemd-boot
 * package after `bootctl install`) on the fixture root "sdboot" of
 * tests/fixtures/host/boot-root.sh: detection, /etc/kernel/cmdline created
 * from /proc/cmdline or edited in place (exact bytes), one kernel-install
 * per installed kernel (exact argv), --dry-run, disable putting every byte
 * back, a second enable changing nothing; disable on the enabled boot
 * (/proc/cmdline with gpupt's tokens): the command line each kernel-install
 * run would write into its entry (the fake's kernel-install.cmdline).
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include "host/model/bootloader.h"
#include "host/model/kinstall.h"

#define MID "0123456789abcdef0123456789abcdef"
#define ROOT_OPTS "root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro quiet"
#define TOKENS "intel_iommu=on iommu=pt " ADDRS
#define KI_61 "kernel-install add 6.1.0-18-amd64 /boot/vmlinuz-6.1.0-18-amd64 /boot/initrd.img-6.1.0-18-amd64\n"
#define KI_612 "kernel-install add 6.12.9-amd64 /boot/vmlinuz-6.12.9-amd64 /boot/initrd.img-6.12.9-amd64\n"
#define REGEN "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n" KI_61 KI_612
#define CONF_ROOT "env KERNEL_INSTALL_CONF_ROOT=/var/lib/gpupt/kernel-install "
#define SEED ROOT_OPTS " systemd.machine_id=" MID
/* systemd-boot's initrd= for the boot it loaded, then the command line of the enabled boot. */
#define PROC_ENABLED "initrd=\\" MID "\\6.1.0-18-amd64\\initrd.img-6.1.0-18-amd64 " SEED " " TOKENS "\n"

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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	assert_non_null(s);
	assert_string_equal(s, ROOT_OPTS " systemd.machine_id=" MID " " TOKENS "\n");
	free(s);
	assert_null(read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	/* gpupt created /etc/kernel/cmdline, so it is a whole file of gpupt's. */
	assert_journal_whole(f, "etc/kernel/cmdline");
	s = calls(f);
	assert_string_equal(s, REGEN);
	free(s);

	/* Second time: nothing written, nothing run. */
	after = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "nothing to change"));
	assert_snapshot(f, after, NULL);

	/* A changed selection replaces gpupt's own token only. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00.0"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
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
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: systemd-boot (kernel-install): no kernel to write a boot entry "
					"for (no /boot/vmlinuz-VER for any /lib/modules/VER)"));
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	free(before);
	free_fixture(f);
}


/* What each kernel-install run would have written as its entry's options ("VER FILE: OPTIONS"). */
static char *ki_seen(struct fx *f)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/kernel-install.cmdline", f->bin);
	return read_abs(path);
}

static void assert_ki_seen(struct fx *f, const char *want)
{
	char *s = ki_seen(f);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("expected\n%s\nin\n%s", want, text);
}

#define SEEN_ETC(cmdline) \
	"6.1.0-18-amd64 /etc/kernel/cmdline: " cmdline "\n6.12.9-amd64 /etc/kernel/cmdline: " cmdline "\n"
#define SEEN_CONF_ROOT(cmdline)                                                  \
	"6.1.0-18-amd64 /var/lib/gpupt/kernel-install/cmdline: " cmdline "\n" \
	"6.12.9-amd64 /var/lib/gpupt/kernel-install/cmdline: " cmdline "\n"

/* enable on the fixture's boot, then reboot into passthrough: /proc/cmdline carries the tokens. */
static struct fx *enabled_and_rebooted(char **before)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);

	*before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_ki_seen(f, SEEN_ETC(SEED " " TOKENS));
	put(f, "proc/cmdline", PROC_ENABLED);
	return f;
}

/*
 * disable runs on the boot that has passthrough on.  Once /etc/kernel/cmdline
 * is gone, kernel-install would take /proc/cmdline, tokens and all; it reads
 * the command line from before enable from gpupt's private directory instead,
 * which is gone again afterwards.
 */
static void test_disable_regen_sees_seed(void **state)
{
	char *before, *s, want[4096];
	struct fx *f = enabled_and_rebooted(&before);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_null(read_rel(f, "etc/kernel/cmdline"));
	assert_false(gpupt_path_exists(f->h.rootfd, GPUPT_KINSTALL_CONF_DIR));
	put(f, "proc/cmdline", "initrd=\\" MID "\\6.1.0-18-amd64\\initrd.img-6.1.0-18-amd64 " SEED "\n");
	assert_snapshot(f, before, "/var/lib");
	s = calls(f);
	assert_string_equal(s, REGEN REGEN);
	free(s);
	snprintf(want, sizeof(want),
		 "gpupt: removed /etc/gpupt.conf\n"
		 "gpupt: removed /etc/kernel/cmdline\n"
		 "gpupt: running chroot %s update-initramfs -u -k 6.1.0-18-amd64\n"
		 "gpupt: running chroot %s update-initramfs -u -k 6.12.9-amd64\n"
		 "gpupt: running chroot %s " CONF_ROOT KI_61 "gpupt: running chroot %s " CONF_ROOT KI_612,
		 f->root, f->root, f->root, f->root);
	assert_has(f->out, want);
	assert_ki_seen(f, SEEN_ETC(SEED " " TOKENS) SEEN_CONF_ROOT(SEED));
	free(before);
	free_fixture(f);
}

/* --dry-run shows the command line kernel-install will get, and the commands with it. */
static void test_disable_dry_run_shows_it(void **state)
{
	char *before, *now, want[4096];
	struct fx *f = enabled_and_rebooted(&before);

	(void)state;
	now = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--dry-run"), 0);
	assert_snapshot(f, now, NULL);
	snprintf(want, sizeof(want),
		 "would run: chroot %s update-initramfs -u -k 6.1.0-18-amd64\n"
		 "would run: chroot %s update-initramfs -u -k 6.12.9-amd64\n"
		 "would write /var/lib/gpupt/kernel-install/cmdline for the kernel-install runs below "
		 "(removed after them; /proc/cmdline has gpupt's tokens): " SEED "\n"
		 "would run: chroot %s " CONF_ROOT KI_61 "would run: chroot %s " CONF_ROOT KI_612
		 "(dry run: nothing was written)\n",
		 f->root, f->root, f->root, f->root);
	assert_has(f->out, want);
	assert_ki_seen(f, SEEN_ETC(SEED " " TOKENS));
	free(before);
	free(now);
	free_fixture(f);
}

/* A kernel-install run fails: every file is as before disable, the directory is gone. */
static void test_disable_kernel_install_fails(void **state)
{
	char *before, *now, *journal, *s, want[1024];
	struct fx *f = enabled_and_rebooted(&before);

	(void)state;
	now = snapshot(f, "/var/lib");
	journal = read_rel(f, "var/lib/gpupt/journal");
	setenv("GPUPT_FAKE_FAIL", "kernel-install", 1);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 1);
	unsetenv("GPUPT_FAKE_FAIL");
	assert_snapshot(f, now, "/var/lib");
	s = read_rel(f, "var/lib/gpupt/journal");
	assert_non_null(s);
	assert_string_equal(s, journal);
	free(s);
	assert_false(gpupt_path_exists(f->h.rootfd, GPUPT_KINSTALL_CONF_DIR));
	snprintf(want, sizeof(want), "gpupt: chroot %s " CONF_ROOT "kernel-install add 6.1.0-18-amd64 "
		 "/boot/vmlinuz-6.1.0-18-amd64 /boot/initrd.img-6.1.0-18-amd64 failed with exit status 3\n",
		 f->root);
	assert_has(f->err, want);
	assert_has(f->err, "gpupt: every file disable changed is restored");
	assert_has(f->err, "fix the problem shown above, then run `gpupt disable` again");
	/* The run that failed saw the seed all the same; the second never ran. */
	assert_ki_seen(f, SEEN_ETC(SEED " " TOKENS) "6.1.0-18-amd64 /var/lib/gpupt/kernel-install/cmdline: " SEED "\n");
	s = calls(f);
	assert_string_equal(s, REGEN "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n" KI_61);
	free(s);

	/* The way back is still there. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_null(read_rel(f, "etc/kernel/cmdline"));
	free(before);
	free(now);
	free(journal);
	free_fixture(f);
}

/*
 * /etc/kernel/cmdline removed by hand after enable: kernel-install still
 * gets /proc/cmdline without gpupt's tokens (and without initrd=), not the
 * tokens /proc/cmdline carries.
 */
static void test_disable_file_removed_by_hand(void **state)
{
	char *before;
	struct fx *f = enabled_and_rebooted(&before);

	(void)state;
	assert_int_equal(gpupt_file_remove(f->h.rootfd, "etc/kernel/cmdline"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_has(f->err, "/etc/kernel/cmdline, but it is not there (removed by hand?)");
	assert_ki_seen(f, SEEN_ETC(SEED " " TOKENS) SEEN_CONF_ROOT(SEED));
	assert_false(gpupt_path_exists(f->h.rootfd, GPUPT_KINSTALL_CONF_DIR));
	free(before);
	free_fixture(f);
}

/* With /usr/lib/kernel/cmdline, kernel-install reads that once the file is gone: no directory. */
static void test_disable_usr_lib_needs_nothing(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);

	(void)state;
	put(f, "usr/lib/kernel/cmdline", "root=/dev/vda2 ro\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	put(f, "proc/cmdline", PROC_ENABLED);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_null(strstr(f->out, "KERNEL_INSTALL_CONF_ROOT"));
	assert_ki_seen(f, SEEN_ETC("root=/dev/vda2 ro " TOKENS " systemd.machine_id=" MID)
			       "6.1.0-18-amd64 /usr/lib/kernel/cmdline: root=/dev/vda2 ro systemd.machine_id=" MID "\n"
			       "6.12.9-amd64 /usr/lib/kernel/cmdline: root=/dev/vda2 ro systemd.machine_id=" MID "\n");
	free_fixture(f);
}

/*
 * The directory holds the command line and copies of what kernel-install
 * reads from /etc/kernel otherwise (install.conf falling back to
 * /usr/lib/kernel/install.conf, as kernel-install's own lookup does);
 * removing it takes all of that away.
 */
static void test_conf_dir(void **state)
{
	struct fx *f = make_fixture("seed", "sdboot", NULL);
	struct gpupt_kinstall_conf k = { "root=/dev/vda2 ro\n", 18 };
	char failed[GPUPT_PATH_MAX], *s;

	(void)state;
	put(f, "usr/lib/kernel/install.conf", "layout=bls\n");
	put(f, "etc/kernel/entry-token", "debian\n");
	put(f, "var/lib/gpupt/kernel-install/tries", "stale from a crash\n");
	assert_int_equal(gpupt_kinstall_conf_write(f->h.rootfd, &k, failed, sizeof(failed)), 0);
	s = read_rel(f, "var/lib/gpupt/kernel-install/cmdline");
	assert_string_equal(s, "root=/dev/vda2 ro\n");
	free(s);
	s = read_rel(f, "var/lib/gpupt/kernel-install/install.conf");
	assert_string_equal(s, "layout=bls\n");
	free(s);
	s = read_rel(f, "var/lib/gpupt/kernel-install/entry-token");
	assert_string_equal(s, "debian\n");
	free(s);
	assert_false(gpupt_path_exists(f->h.rootfd, "var/lib/gpupt/kernel-install/tries"));
	/* /etc/kernel/install.conf comes first. */
	put(f, "etc/kernel/install.conf", "layout=other\n");
	assert_int_equal(gpupt_kinstall_conf_write(f->h.rootfd, &k, failed, sizeof(failed)), 0);
	s = read_rel(f, "var/lib/gpupt/kernel-install/install.conf");
	assert_string_equal(s, "layout=other\n");
	free(s);
	assert_int_equal(gpupt_kinstall_conf_remove(f->h.rootfd), 0);
	assert_false(gpupt_path_exists(f->h.rootfd, GPUPT_KINSTALL_CONF_DIR));
	assert_int_equal(gpupt_kinstall_conf_remove(f->h.rootfd), 0);
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
		cmocka_unit_test(test_disable_regen_sees_seed),
		cmocka_unit_test(test_disable_dry_run_shows_it),
		cmocka_unit_test(test_disable_kernel_install_fails),
		cmocka_unit_test(test_disable_file_removed_by_hand),
		cmocka_unit_test(test_disable_usr_lib_needs_nothing),
		cmocka_unit_test(test_conf_dir),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
