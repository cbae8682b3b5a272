// SPDX-License-Identifier: MIT
/*
 * gpupt enable / disable on fixture roots (tests/fixtures/host/boot-root.sh)
 * with fake update-grub, update-initramfs and proxmox-boot-tool first in
 * PATH: exact file contents after enable, nothing changed by a second
 * enable, every byte back after disable, nothing touched by --dry-run, bad
 * input or a refused selection, everything restored when a command fails.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include "host/model/bootloader.h"
#include "host/model/initramfs.h"
#include "lib/diff.h"
#include "lib/macro.h"

/* ---- tests ---- */

static void test_dry_run_touches_nothing(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), want[1024];

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	assert_non_null(strstr(f->out, "--- /dev/null\n+++ b/etc/default/grub.d/gpupt.cfg\n"));
	assert_non_null(strstr(f->out, "+GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
				       "intel_iommu=on iommu=pt " ADDRS "\"\n"));
	assert_non_null(strstr(f->out, "+addrs = 0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc\n"));
	/* With --root, the commands act on the root: they run inside it. */
	/* No image has a record of what it holds yet (built before gpupt): each is rebuilt. */
	assert_non_null(strstr(f->out, "initramfs 6.1.0-18-amd64: rebuild: no record of what the image"
				       " holds (/var/lib/gpupt/initramfs/6.1.0-18-amd64)\n"));
	snprintf(want, sizeof(want), "would run: chroot %s update-initramfs -u -k 6.1.0-18-amd64\n"
		 "would run: chroot %s update-initramfs -u -k 6.12.9-amd64\n"
		 "would run: chroot %s update-grub\n", f->root, f->root, f->root);
	assert_non_null(strstr(f->out, want));
	free(before);
	free_fixture(f);
}

static void test_enable_twice_then_disable(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *after_enable, *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/default/grub.d/gpupt.cfg");
	assert_string_equal(s, "# Written by `gpupt enable`; `gpupt disable` removes it.\n"
			       "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
			       "intel_iommu=on iommu=pt " ADDRS "\"\n");
	free(s);
	s = read_rel(f, "etc/gpupt.conf");
	assert_non_null(strstr(s, "\naddrs = 0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc\n"));
	free(s);
	assert_journal_whole(f, "etc/default/grub.d/gpupt.cfg");
	s = calls(f);
	assert_string_equal(s, "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n"
			       "update-grub \n");
	free(s);

	/* Second time: nothing written, nothing run. */
	after_enable = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "nothing to change"));
	assert_snapshot(f, after_enable, NULL);
	s = calls(f);
	assert_string_equal(s, "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n"
			       "update-grub \n");
	free(s);

	/* Both images now carry the conf that selects 01:00: both are rebuilt. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	assert_null(read_rel(f, "var/lib/gpupt/journal"));
	s = calls(f);
	assert_string_equal(s, "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n"
			       "update-grub \n"
			       "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n"
			       "update-grub \n");
	free(s);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "nothing to change"));
	free(before);
	free(after_enable);
	free_fixture(f);
}

static void test_grub_in_place_keeps_user_tokens(void **state)
{
	struct fx *f = make_fixture("seed", "debian", "grub-continued.default");
	char *before = snapshot(f, NULL), *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 0);
	s = read_rel(f, "etc/default/grub");
	assert_string_equal(s, "# Hand-edited: user tokens, a continuation line and a commented-out value.\n"
			       "GRUB_DEFAULT=saved\nGRUB_TIMEOUT=3\n"
			       "#GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"
			       "GRUB_DISTRIBUTOR='Debian \"bookworm\"'\n"
			       "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on \\\n"
			       "\tnomodeset console=ttyS0,115200n8 acpi_osi=\\\"Windows 2020\\\" iommu=pt " ADDRS "\"\n"
			       "GRUB_CMDLINE_LINUX=\"\" # root is found by UUID\n"
			       "GRUB_TERMINAL=\"console serial\"\n");
	free(s);
	assert_null(read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	s = read_rel(f, "var/lib/gpupt/journal");
	/* The user's intel_iommu=on is not recorded as gpupt's. */
	assert_null(strstr(s, "intel_iommu"));
	free(s);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

static void test_changed_selection_replaces_own_token(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00.0"), 0);
	s = read_rel(f, "etc/default/grub");
	assert_non_null(strstr(s, "\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt "
				  "gpupt.addrs=0000:01:00.0=10de:1381\"\n"));
	free(s);
	/* Back to the drop-in: the in-place tokens go, the drop-in comes. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/default/grub");
	assert_non_null(strstr(s, "\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"));
	free(s);
	s = read_rel(f, "etc/default/grub.d/gpupt.cfg");
	assert_non_null(strstr(s, "intel_iommu=on iommu=pt " ADDRS "\"\n"));
	free(s);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

static void test_proxmox_systemd_boot_headless(void **state)
{
	struct fx *f = make_fixture("headless", "pve-sdboot", NULL);
	char *before = snapshot(f, NULL), *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/kernel/cmdline");
	/* Proxmox 6.8 builds simpledrm in: video=efifb:off would not help. */
	assert_string_equal(s, "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt " ADDRS
			       " initcall_blacklist=sysfb_init\n");
	free(s);
	s = read_rel(f, "etc/default/grub");
	assert_null(strstr(s, "iommu"));
	free(s);
	assert_null(read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	s = calls(f);
	assert_string_equal(s, "update-initramfs -u -k 6.1.0-18-amd64\nproxmox-boot-tool refresh\n");
	free(s);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

static void test_debian_headless_efifb(void **state)
{
	struct fx *f = make_fixture("headless", "debian", NULL);
	char *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/default/grub.d/gpupt.cfg");
	assert_non_null(strstr(s, "iommu=pt " ADDRS " video=efifb:off\"\n"));
	free(s);
	free_fixture(f);
}

static void test_proxmox_grub(void **state)
{
	struct fx *f = make_fixture("seed", "pve-grub", "grub-pve8.default");
	char *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "10de:1381"), 0);
	s = read_rel(f, "etc/default/grub.d/gpupt.cfg");
	assert_non_null(strstr(s, "intel_iommu=on iommu=pt gpupt.addrs=0000:01:00.0=10de:1381\"\n"));
	free(s);
	s = calls(f);
	assert_string_equal(s, "update-initramfs -u -k 6.1.0-18-amd64\nupdate-initramfs -u -k 6.12.9-amd64\n"
			       "proxmox-boot-tool refresh\n");
	free(s);
	free_fixture(f);
}

static void test_failing_command_restores(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), want[512];

	(void)state;
	setenv("GPUPT_FAKE_FAIL", "update-grub", 1);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	unsetenv("GPUPT_FAKE_FAIL");
	snprintf(want, sizeof(want), "gpupt: chroot %s update-grub failed with exit status 3\n", f->root);
	assert_non_null(strstr(f->err, want));
	assert_non_null(strstr(f->err, "restored"));
	assert_non_null(strstr(f->err, "run `gpupt enable` again"));
	/* Every file as before; only the backup of the attempt stays. */
	assert_snapshot(f, before, "/var/lib");
	assert_null(read_rel(f, "var/lib/gpupt/journal"));
	free(before);
	free_fixture(f);
}

/*
 * With --root the commands run inside the root, which needs its proc, sys
 * and dev: without them, nothing is written and the message says what to
 * bind.  With them, each command went through chroot ROOT.
 */
static void test_root_commands_run_inside(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before, *s, want[1024], path[256];

	(void)state;
	assert_int_equal(unlinkat(f->h.rootfd, "proc/mounts", 0), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	snprintf(want, sizeof(want), "gpupt: --root %s: no /proc/mounts there (proc is not mounted);"
		 " bind it first: mount --rbind /proc %s/proc\n", f->root, f->root);
	assert_non_null(strstr(f->err, want));
	assert_non_null(strstr(f->err, "nothing written"));
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	free(before);
	free_fixture(f);

	f = make_fixture("seed", "debian", NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	snprintf(path, sizeof(path), "%s/chroots", f->bin);
	s = read_abs(path);
	/* update-initramfs for each of the two kernels, then update-grub */
	snprintf(want, sizeof(want), "chroot %s\nchroot %s\nchroot %s\n", f->root, f->root, f->root);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	free_fixture(f);
}

/* Is the directory dir empty (or gone)? */
static bool dir_empty(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' 2>/dev/null)\"", dir);
	return system(cmd) == 0;	/* test helper only */
}

/*
 * Symlinks in the root point outside it (absolute, and relative with
 * enough ".."): with --root they resolve inside the root, so nothing is
 * written outside, with openat2 and with the user-space walk alike.  A link
 * whose target exists inside the root is followed there.
 */
static void check_links_stay_inside(bool walk)
{
	char outside[] = "/tmp/gpupt-outside-XXXXXX", link[512], *s;
	struct fx *f;

	assert_non_null(mkdtemp(outside));
	gpupt_path_force_walk(walk);
	f = make_fixture("seed", "debian", NULL);
	/* var/lib/gpupt -> the outside directory, by absolute path and by "..". */
	assert_int_equal(mkdirat(f->h.rootfd, "var/lib", 0755), 0);
	assert_int_equal(symlinkat(outside, f->h.rootfd, "var/lib/gpupt"), 0);
	snprintf(link, sizeof(link), "../../../../../../../../../..%s", outside);
	assert_int_equal(unlinkat(f->h.rootfd, "etc/default/grub.d", AT_REMOVEDIR), 0);
	assert_int_equal(symlinkat(link, f->h.rootfd, "etc/default/grub.d"), 0);
	/* Below the root, those links lead nowhere: enable fails, and writes nothing outside. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_true(dir_empty(outside));
	free_fixture(f);

	f = make_fixture("seed", "debian", NULL);
	assert_int_equal(mkdirat(f->h.rootfd, "etc/grub-dropins", 0755), 0);
	assert_int_equal(unlinkat(f->h.rootfd, "etc/default/grub.d", AT_REMOVEDIR), 0);
	assert_int_equal(symlinkat("/etc/grub-dropins", f->h.rootfd, "etc/default/grub.d"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, "etc/grub-dropins/gpupt.cfg");
	assert_non_null(s);
	assert_non_null(strstr(s, "intel_iommu=on iommu=pt " ADDRS));
	free(s);
	free_fixture(f);
	gpupt_path_force_walk(false);
	rmdir(outside);
}

static void test_root_links_stay_inside(void **state)
{
	(void)state;
	check_links_stay_inside(false);
	check_links_stay_inside(true);
}

/* A symlink where gpupt writes a file is refused, before anything is written. */
static void test_symlinked_target_refused(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before, *s;

	(void)state;
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/other.cfg", "# someone else's\n",
						 17, 0600), 0);
	assert_int_equal(symlinkat("../../other.cfg", f->h.rootfd, "etc/default/grub.d/gpupt.cfg"), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/default/grub.d/gpupt.cfg is a symbolic link: gpupt"
				       " replaces only regular files;"));
	assert_snapshot(f, before, NULL);
	s = read_rel(f, "etc/other.cfg");
	assert_string_equal(s, "# someone else's\n");
	free(s);
	/* The atomic writer refuses it on its own too. */
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/default/grub.d/gpupt.cfg", "x\n", 2,
						 0644), -ELOOP);
	free(before);
	free_fixture(f);
}

static void test_bad_input_touches_nothing(void **state)
{
	static const char *const bad[] = { "10de:1381 init=/bin/sh", "01:00\"", "01:00 ", "05:00.0",
					   "10de:1381=x", "" };
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", (char *)bad[i]), 2);
		assert_true(f->err_len > 0);
		assert_snapshot(f, before, NULL);
	}
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes"), 2);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--bogus", "01:00"), 2);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "01:00"), 2);
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	free(before);
	free_fixture(f);
}

static void test_no_tty_needs_yes(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "01:00"), 2);
	assert_non_null(strstr(f->err, "add --yes"));
	assert_non_null(strstr(f->err, "--dry-run"));
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

static void test_safety_refusal_and_force(void **state)
{
	struct fx *f = make_fixture("nvme", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	/* The GPU shares its IOMMU group with the NVMe that holds /. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "refus"));
	assert_snapshot(f, before, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--force", "01:00"), 0);
	assert_non_null(strstr(f->err, "--force"));
	free(before);
	free_fixture(f);
}

static void test_unsafe_interrupts(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--allow-unsafe-interrupts",
				 "01:00"), 0);
	assert_non_null(strstr(f->err, "warning: --allow-unsafe-interrupts"));
	s = read_rel(f, "etc/modprobe.d/gpupt.conf");
	assert_non_null(strstr(s, "\noptions vfio_iommu_type1 allow_unsafe_interrupts=1\n"));
	free(s);
	/* Enabling again without the option takes the file away. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_null(read_rel(f, "etc/modprobe.d/gpupt.conf"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

static void test_existing_conf_put_back(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before;

	(void)state;
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/gpupt.conf", "ids = 10de:1381\n",
						 16, 0600), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_snapshot(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

static void test_terminal_asks_first(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *s;
	int master, saved;

	(void)state;
	saved = stdin_from_tty("n\n", &master);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "01:00"), 1);
	stdin_restore(saved, master);
	assert_non_null(strstr(f->out, "[y/N]"));
	assert_non_null(strstr(f->err, "nothing written"));
	assert_snapshot(f, before, NULL);

	saved = stdin_from_tty("y\n", &master);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "01:00"), 0);
	stdin_restore(saved, master);
	s = read_rel(f, "etc/default/grub.d/gpupt.cfg");
	assert_non_null(s);
	free(s);
	free(before);
	free_fixture(f);
}

static void touch(struct fx *f, const char *rel)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, "x\n", 2, 0644), 0);
}

static void test_boot_loader_detection(void **state)
{
	struct fx *f = make_fixture("seed", "pve-sdboot", NULL);
	int fd = f->h.rootfd;

	(void)state;
	/* No efivars visible: /etc/kernel/cmdline on UEFI means systemd-boot. */
	assert_string_equal(gpupt_bootloader_detect(fd)->name, "proxmox-boot-tool (systemd-boot)");
	/* Firmware variables visible, but no LoaderInfo: GRUB booted this. */
	touch(f, "sys/firmware/efi/efivars/BootCurrent-8be4df61-93ca-11d2-aa0d-00e098032b8c");
	assert_string_equal(gpupt_bootloader_detect(fd)->name, "proxmox-boot-tool (GRUB)");
	touch(f, "sys/firmware/efi/efivars/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f");
	assert_string_equal(gpupt_bootloader_detect(fd)->name, "proxmox-boot-tool (systemd-boot)");
	assert_string_equal(gpupt_bootloader_detect(fd)->regen[0], "proxmox-boot-tool");
	assert_int_equal(gpupt_file_remove(fd, "etc/kernel/proxmox-boot-uuids"), 0);
	assert_string_equal(gpupt_bootloader_detect(fd)->name, "GRUB");
	assert_string_equal(gpupt_bootloader_detect(fd)->regen[0], "update-grub");
	assert_int_equal(gpupt_file_remove(fd, "etc/default/grub"), 0);
	assert_int_equal(unlinkat(fd, "etc/default/grub.d", AT_REMOVEDIR), 0);
	assert_null(gpupt_bootloader_detect(fd));
	free_fixture(f);
}

static void test_initramfs_detection(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	int fd = f->h.rootfd;
	const struct gpupt_initramfs_gen *g;

	(void)state;
	assert_string_equal(gpupt_initramfs_detect(fd)->name, "initramfs-tools");
	assert_int_equal(gpupt_file_remove(fd, "etc/initramfs-tools/initramfs.conf"), 0);
	assert_null(gpupt_initramfs_detect(fd));
	touch(f, "etc/mkinitcpio.conf");
	g = gpupt_initramfs_detect(fd);
	assert_string_equal(g->name, "mkinitcpio");
	assert_string_equal(g->argv[1], "-P");
	touch(f, "etc/dracut.conf");
	g = gpupt_initramfs_detect(fd);
	assert_string_equal(g->name, "dracut");
	assert_string_equal(g->argv[1], "--regenerate-all");
	free_fixture(f);
}

static void test_runner(void **state)
{
	const char *missing[] = { "gpupt-test-no-such-program", NULL };
	const char *seven[] = { "sh", "-c", "exit 7", NULL };
	const char *killed[] = { "sh", "-c", "kill -TERM $$", NULL };
	char buf[64];

	(void)state;
	assert_int_equal(gpupt_run(missing), -ENOENT);
	assert_int_equal(gpupt_run(seven), 7);
	assert_int_equal(gpupt_run(killed), 128 + 15);
	assert_int_equal(gpupt_argv_format(seven, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "sh -c exit 7");
}

static void diff_to_string(const char *a, const char *b, char **out)
{
	size_t len;
	FILE *f = open_memstream(out, &len);

	assert_int_equal(gpupt_diff_print(f, "etc/x", a, a ? strlen(a) : 0, b, b ? strlen(b) : 0), 0);
	fclose(f);
}

static void test_unified_diff(void **state)
{
	char *d;

	(void)state;
	diff_to_string("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
		       "1\n2\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n", &d);
	assert_string_equal(d, "--- a/etc/x\n+++ b/etc/x\n"
			       "@@ -1,5 +1,6 @@\n 1\n 2\n+TWO\n 3\n 4\n 5\n"
			       "@@ -13,4 +14,3 @@\n 13\n 14\n 15\n-16\n");
	free(d);
	diff_to_string("a\nb", "a\nc\n", &d);
	assert_string_equal(d, "--- a/etc/x\n+++ b/etc/x\n@@ -1,2 +1,2 @@\n a\n-b\n"
			       "\\ No newline at end of file\n+c\n");
	free(d);
	diff_to_string(NULL, "new\n", &d);
	assert_string_equal(d, "--- /dev/null\n+++ b/etc/x\n@@ -0,0 +1,1 @@\n+new\n");
	free(d);
	diff_to_string("old\n", NULL, &d);
	assert_string_equal(d, "--- a/etc/x\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old\n");
	free(d);
	diff_to_string("same\n", "same\n", &d);
	assert_string_equal(d, "");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_touches_nothing),
		cmocka_unit_test(test_enable_twice_then_disable),
		cmocka_unit_test(test_grub_in_place_keeps_user_tokens),
		cmocka_unit_test(test_changed_selection_replaces_own_token),
		cmocka_unit_test(test_proxmox_systemd_boot_headless),
		cmocka_unit_test(test_debian_headless_efifb),
		cmocka_unit_test(test_proxmox_grub),
		cmocka_unit_test(test_failing_command_restores),
		cmocka_unit_test(test_root_commands_run_inside),
		cmocka_unit_test(test_root_links_stay_inside),
		cmocka_unit_test(test_symlinked_target_refused),
		cmocka_unit_test(test_bad_input_touches_nothing),
		cmocka_unit_test(test_no_tty_needs_yes),
		cmocka_unit_test(test_safety_refusal_and_force),
		cmocka_unit_test(test_unsafe_interrupts),
		cmocka_unit_test(test_existing_conf_put_back),
		cmocka_unit_test(test_terminal_asks_first),
		cmocka_unit_test(test_boot_loader_detection),
		cmocka_unit_test(test_initramfs_detection),
		cmocka_unit_test(test_runner),
		cmocka_unit_test(test_unified_diff),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
