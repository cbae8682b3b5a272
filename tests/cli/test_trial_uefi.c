// SPDX-License-Identifier: MIT
/*
 * The trial through the firmware's one-shot (host/model/efiboot.h) on
 * Proxmox VE's ext4 layout (tests/fixtures/host/boot-root.sh pve-lvm: GRUB
 * with /boot on LVM, UEFI, the ESP at /boot/efi): enable sets it up without
 * asking, a copy of GRUB's default entry as a Boot#### option and BootNext;
 * confirm, rollback, disable and a trial that never booted leave the
 * firmware's variables and the ESP byte for byte as before; and each way it
 * is refused (BIOS, no efivarfs, Secure Boot, an ESP too full, a firmware
 * that does not keep BootNext, an option left by an earlier trial).  The
 * fake efibootmgr writes efivarfs as the real one does.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"
#include "tests/cli/pseudo_fixture.h"
#include "tests/cli/statvfs_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "host/formats/trialstate.h"
#include "host/model/platform.h"
#include "host/model/trial.h"

#define TOKENS "intel_iommu=on iommu=pt " ADDRS
#define EFIVARS "sys/firmware/efi/efivars/"
#define GLOBAL "-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define BOOTNEXT EFIVARS "BootNext" GLOBAL
#define BOOT2 EFIVARS "Boot0002" GLOBAL
#define ESP_DIR "boot/efi/EFI/gpupt"

static void put(struct fx *f, const char *rel, const char *text, size_t n)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, text, n, 0644), 0);
}

static void load(struct fx *f, struct gpupt_trial *t)
{
	assert_int_equal(gpupt_trial_load(f->h.rootfd, t, stderr), 0);
}

/*
 * Does line count?  The test's own boots change /proc; the lock file stays
 * (an flock(2) file is never removed: another writer may wait on it).
 */
static bool counts(const char *line, const char *skip)
{
	return strncmp(line, "/proc/", 6) != 0 && strncmp(line, "/var/lib/gpupt/lock ", 20) != 0 &&
	       strncmp(line, "/var/lib ", 9) != 0 && strncmp(line, "/var/lib/gpupt ", 15) != 0 &&
	       (!skip || strncmp(line, skip, strlen(skip)) != 0);
}

/* Lines of a that are not in b (counting ones only), said on stderr with mark; how many. */
static unsigned lines_not_in(const char *a, const char *b, const char *skip, char mark)
{
	unsigned n = 0;

	for (const char *p = a; *p; p = strchr(p, '\n') + 1) {
		char *line = strndup(p, strcspn(p, "\n") + 1);

		if (counts(line, skip) && !strstr(b, line)) {
			fprintf(stderr, "%c %s", mark, line);
			n++;
		}
		free(line);
	}
	return n;
}

/* The tree is as it was before (but /proc, the lock and what skip starts), the lines that differ said. */
static void same_tree(struct fx *f, const char *before, const char *skip)
{
	char *now = snapshot(f, NULL);
	unsigned n = lines_not_in(before, now, skip, '-') + lines_not_in(now, before, skip, '+');

	free(now);
	if (n)
		fail_msg("the tree changed (%u lines)", n);
}

static struct fx *uefi_fixture(const char *boot)
{
	struct fx *f = make_fixture("seed", boot, NULL);

	pseudo_root_set(f->root);
	pseudo = true;
	return f;
}

/* A boot after the one that set the trial up: another boot_id; the trial's marker when trial. */
static void next_boot(struct fx *f, const struct gpupt_trial *t, bool trial)
{
	static unsigned boots;
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "6f1e2d3c-4b5a-4968-8776-%012u\n", ++boots);
	put(f, "proc/sys/kernel/random/boot_id", line, (size_t)n);
	if (trial)
		n = snprintf(line, sizeof(line),
			     "initrd=\\EFI\\gpupt\\initrd.img root=UUID=x ro quiet " TOKENS
			     " panic=10 gpupt.trial=%lld\n",
			     t->id);
	else
		n = snprintf(line, sizeof(line), "BOOT_IMAGE=/boot/vmlinuz-6.12.9-amd64 root=UUID=x ro quiet\n");
	put(f, "proc/cmdline", line, (size_t)n);
	n = snprintf(line, sizeof(line), "cpu  1 2 3 4\nbtime %lld\n", t->id + 60);
	put(f, "proc/stat", line, (size_t)n);
}

/* The firmware starts the option BootNext names, and deletes BootNext first. */
static void firmware_boots_the_trial(struct fx *f, const struct gpupt_trial *t)
{
	assert_int_equal(unlinkat(f->h.rootfd, BOOTNEXT, 0), 0);
	next_boot(f, t, true);
}

static void test_enable_sets_up_bootnext(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	struct gpupt_trial t;
	char *before = snapshot(f, NULL), *c, *cfg_before = read_rel(f, "boot/grub/grub.cfg"), *x, *y;
	char want[1024];

	(void)state;
	/* Proxmox VE's default: no --trial, no question. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "  one-shot: the firmware's BootNext: a boot option (/dev/nvme0n1, partition 1) "
				       "that starts the kernel from /boot/efi/EFI/gpupt;"));
	assert_non_null(strstr(f->out, "(GRUB cannot clear its own next_entry where /boot/grub is: ext2 on lvm)\n"));
	assert_non_null(strstr(f->out, "  copies: /boot/vmlinuz-6.12.9-amd64 and /boot/gpupt-trial.initrd.img-6.12.9-amd64 "
				       "to /boot/efi/EFI/gpupt, a boot option \"gpupt trial\""));
	load(f, &t);
	assert_string_equal(t.loader, "uefi");
	assert_string_equal(t.entry, ESP_DIR);
	assert_false(t.oneshot_late);
	assert_true(t.has_efi_boot);
	assert_int_equal(t.efi_boot, 2);
	assert_string_equal(t.image, "boot/gpupt-trial.initrd.img-6.12.9-amd64");
	/* The kernel and the trial's own image, copied byte for byte. */
	x = read_rel(f, ESP_DIR "/vmlinuz");
	y = read_rel(f, "boot/vmlinuz-6.12.9-amd64");
	assert_string_equal(x, y);
	free(x);
	free(y);
	x = read_rel(f, ESP_DIR "/initrd.img");
	y = read_rel(f, t.image);
	assert_string_equal(x, y);
	free(x);
	free(y);
	/* The option: GRUB's default entry's command line, the trial's tokens, the image on the ESP. */
	c = calls(f);
	snprintf(want, sizeof(want),
		 "efibootmgr -q -C -d /dev/nvme0n1 -p 1 -L gpupt trial -l \\EFI\\gpupt\\vmlinuz -u "
		 "initrd=\\EFI\\gpupt\\initrd.img root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro quiet " TOKENS
		 " panic=10 gpupt.trial=%lld\nefibootmgr -q -n 0002\n",
		 t.id);
	assert_non_null(strstr(c, want));
	assert_null(strstr(c, "grub-reboot"));
	assert_null(strstr(c, "update-grub"));
	assert_null(strstr(c, "update-initramfs"));
	free(c);
	assert_true(gpupt_efi_option_is_trial(f->h.rootfd, 2));
	{
		unsigned next;

		assert_int_equal(gpupt_efi_bootnext(f->h.rootfd, &next), 0);
		assert_int_equal(next, 2);
	}
	/* Nothing else: BootOrder, GRUB's files and the default image as they were. */
	x = read_rel(f, "boot/grub/grub.cfg");
	assert_string_equal(x, cfg_before);
	free(x);
	assert_null(read_rel(f, "etc/gpupt.conf"));
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, ", the firmware's boot option Boot0002 with its files in /boot/efi/EFI/gpupt, "
				       "deadline 10 minutes after its boot); reboot to start it, or"));
	f->h.json = true;
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	f->h.json = false;
	assert_non_null(strstr(f->out, "\"entry\":\"boot/efi/EFI/gpupt\",\"efi_boot\":\"0002\","));
	assert_non_null(strstr(f->out, "\"next_boot\":true"));
	/* The trial boot confirms: the option, its files and the trial's image go; the new default is GRUB's. */
	firmware_boots_the_trial(f, &t);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	assert_false(gpupt_path_exists(f->h.rootfd, BOOT2));
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_DIR));
	assert_false(gpupt_path_exists(f->h.rootfd, t.image));
	assert_non_null(x = read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	free(x);
	c = calls(f);
	assert_non_null(strstr(c, "efibootmgr -q -b 0002 -B\n"));
	assert_null(strstr(c, "efibootmgr -q -N")); /* the firmware deleted BootNext */
	assert_non_null(strstr(c, "update-grub"));
	free(c);
	/* disable: every file as before enable, the firmware's variables included. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	same_tree(f, before, "/var/lib");
	free(before);
	free(cfg_before);
	free_fixture(f);
}

/*
 * rollback, disable, and a trial that never booted (its one-shot gone before
 * the boot, which was not the trial: the agent cleans up) each leave every
 * file as before enable, byte for byte.  The rollback runs rollback_runs;
 * without its one-shot, status says unset_says.
 */
static void every_way_back(const char *boot, const char *rollback_runs, const char *oneshot, const char *unset_says)
{
	struct fx *f = uefi_fixture(boot);
	struct gpupt_trial t;
	char *before = snapshot(f, NULL), *c;

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	c = calls(f);
	assert_non_null(strstr(c, rollback_runs));
	free(c);
	same_tree(f, before, "/var/lib");

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "the pending trial of"));
	same_tree(f, before, "/var/lib");

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_int_equal(unlinkat(f->h.rootfd, oneshot, 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, unset_says));
	next_boot(f, &t, false);
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	load(f, &t);
	assert_int_equal(t.state, GPUPT_TRIAL_ROLLED_BACK);
	assert_non_null(strstr(t.reason, "the trial boot did not reach gpupt's check"));
	same_tree(f, before, "/var/lib");
	free(before);
	free_fixture(f);
}

/*
 * BootNext: the firmware could not start the option (it went on with
 * BootOrder), or someone's `efibootmgr -N`; the variables and the ESP byte
 * for byte.
 */
static void test_every_way_back_is_byte_identical(void **state)
{
	(void)state;
	every_way_back("pve-lvm", "efibootmgr -q -N\nefibootmgr -q -b 0002 -B\n", BOOTNEXT,
		       "the one-shot does not name it: BootNext is unset, not Boot0002");
}

/* An option whose number the firmware gave to another since is left alone. */
static void test_foreign_option_is_left_alone(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	static const char other[] = "\x07\0\0\0\x01\0\0\0\x04\0o\0t\0h\0e\0r\0\0\0\x7f\xff\x04\0";
	char *c;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	put(f, BOOT2, other, sizeof(other) - 1);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	assert_non_null(strstr(f->err, "Boot0002 is no longer gpupt's trial option (its label is \"other\"): left alone"));
	assert_true(gpupt_path_exists(f->h.rootfd, BOOT2));
	c = calls(f);
	assert_null(strstr(c, "-B"));
	free(c);
	free_fixture(f);
}

/* BIOS with /boot on LVM: no firmware one-shot; enable explains and asks, as before. */
static void test_bios_lvm_still_asks(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm-bios");
	char *before = snapshot(f, NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 2);
	assert_non_null(strstr(f->err, "a one-shot boot is not guaranteed here: GRUB cannot write its environment block "
				       "where /boot/grub is (ext2 on lvm)"));
	assert_non_null(strstr(f->err, "; and no firmware one-shot: the host did not boot through UEFI"));
	assert_non_null(strstr(f->err, "Add --trial to take that risk"));
	same_tree(f, before, NULL);
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, "one-shot not guaranteed: GRUB cannot write"));
	free(before);
	free_fixture(f);
}

/* Each refusal of the firmware's one-shot falls back to the question, and says why. */
static void refused_with(const char *why, void (*change)(struct fx *))
{
	struct fx *f = uefi_fixture("pve-lvm");
	char *before;

	change(f);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 2);
	assert_non_null(strstr(f->err, "a one-shot boot is not guaranteed here: GRUB cannot write"));
	if (!strstr(f->err, why))
		fail_msg("no \"%s\" in: %s", why, f->err);
	same_tree(f, before, NULL);
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, why));
	free(before);
	free_fixture(f);
}

/* efivarfs not mounted: the folder is there, empty. */
static void no_efivars(struct fx *f)
{
	int fd = openat(f->h.rootfd, EFIVARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(fd);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			assert_int_equal(unlinkat(fd, e->d_name, 0), 0);
	closedir(d);
}

static void secure_boot_on(struct fx *f)
{
	put(f, EFIVARS "SecureBoot" GLOBAL, "\x06\0\0\0\x01", 5);
}

static void no_efibootmgr(struct fx *f)
{
	assert_int_equal(unlinkat(f->h.rootfd, "usr/bin/efibootmgr", 0), 0);
}

static void test_refusals(void **state)
{
	(void)state;
	refused_with("; and no firmware one-shot: the firmware's variables cannot be read (no BootOrder or "
		     "BootCurrent under /sys/firmware/efi/efivars: efivarfs is not mounted)",
		     no_efivars);
	refused_with("; and no firmware one-shot: Secure Boot is on: the firmware starts only images signed by a key "
		     "in its db",
		     secure_boot_on);
	refused_with("; and no firmware one-shot: efibootmgr is not installed (`apt install efibootmgr`)",
		     no_efibootmgr);
}

static void test_esp_too_full(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	char *before = snapshot(f, NULL);

	(void)state;
	fake_free_bytes = 1 << 20;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 1);
	fake_free_bytes = -1;
	assert_non_null(strstr(f->err, "the trial boots through the firmware, from the ESP: /boot/vmlinuz-6.12.9-amd64 "
				       "(1 MiB) and /boot/initrd.img-6.12.9-amd64 (1 MiB) go to /boot/efi/EFI/gpupt, and "
				       "the ESP /boot/efi has 1 MiB free, 2 MiB needed with 1 MiB to spare: make room on "
				       "the ESP, or add --no-trial; nothing was written\n"));
	same_tree(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* A firmware (or an efivarfs) that does not keep BootNext: nothing stays set up. */
static void test_bootnext_not_kept(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	char *before = snapshot(f, NULL), *c;

	(void)state;
	setenv("GPUPT_FAKE_EFI_FORGET", "1", 1);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	unsetenv("GPUPT_FAKE_EFI_FORGET");
	assert_non_null(strstr(f->err, "BootNext does not read back after `efibootmgr -n 0002`: the firmware does not "
				       "keep it, so the trial would never boot\n"));
	c = calls(f);
	assert_non_null(strstr(c, "efibootmgr -q -n 0002\nefibootmgr -q -b 0002 -B\n"));
	free(c);
	same_tree(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* An earlier trial's option, or someone else's BootNext: refused before anything is written. */
static void test_nothing_in_the_way(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	static const char old[] =
		"\x07\0\0\0\x01\0\0\0\x04\0g\0p\0u\0p\0t\0 \0t\0r\0i\0a\0l\0\0\0\x7f\xff\x04\0";
	char *before;

	(void)state;
	put(f, EFIVARS "Boot0007" GLOBAL, old, sizeof(old) - 1);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "a boot option labelled \"gpupt trial\" is already there (Boot0007), left by an "
				       "earlier trial: remove it with `efibootmgr -b 0007 -B`, then try again\n"));
	same_tree(f, before, NULL);
	assert_int_equal(unlinkat(f->h.rootfd, EFIVARS "Boot0007" GLOBAL, 0), 0);
	put(f, BOOTNEXT, "\x07\0\0\0\x01\0", 6);
	free(before);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "BootNext is set (Boot0001): the firmware's next boot is chosen already; clear it "
				       "with `efibootmgr -N`, then try again\n"));
	same_tree(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* A damaged state file names the firmware's option among what to take away by hand. */
static void test_damaged_state_says_efibootmgr(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");

	(void)state;
	put(f, GPUPT_TRIAL_PATH, "gpupt-trial 3\nstate pending\nloader uefi\nefi-boot 0002\nend 00\n", 58);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 1);
	assert_non_null(strstr(f->err, "UEFI: `efibootmgr` lists the option \"gpupt trial\": `efibootmgr -b XXXX -B` "
				       "deletes it, `efibootmgr -N` clears BootNext, and remove EFI/gpupt on the ESP\n"));
	free_fixture(f);
}

/* The host's watchdog: the trial's initramfs arms it (gpupt.watchdog=), unless watchdog-mux owns it. */
static void test_trial_arms_the_watchdog(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	struct gpupt_trial t;
	char *c;

	(void)state;
	/*
	 * As Debian 12's 6.1 shows i6300esb's: a virtual device (no parent, no
	 * device link), its identity the name of the PCI driver its module lists.
	 */
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/devices/virtual/watchdog/watchdog0"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/bus/pci/drivers/i6300ESB timer"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/module/i6300esb/drivers"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/module/e1000e/drivers"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/class/watchdog"), 0);
	assert_int_equal(symlinkat("../../devices/virtual/watchdog/watchdog0", f->h.rootfd, "sys/class/watchdog/watchdog0"),
			 0);
	put(f, "sys/devices/virtual/watchdog/watchdog0/identity", "i6300ESB timer\n", 15);
	assert_int_equal(symlinkat("../../../bus/pci/drivers/e1000e", f->h.rootfd, "sys/module/e1000e/drivers/pci:e1000e"),
			 0);
	assert_int_equal(symlinkat("../../../bus/pci/drivers/i6300ESB timer", f->h.rootfd,
				   "sys/module/i6300esb/drivers/pci:i6300ESB timer"),
			 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--trial=5", "01:00"), 0);
	assert_non_null(strstr(f->out, "  watchdog: gpupt-bind loads i6300esb in the trial's initramfs and arms "
				       "/dev/watchdog for 300 s; a boot that hangs before gpupt-trial.service takes it "
				       "over is reset\n"));
	load(f, &t);
	assert_non_null(strstr(t.tokens, " gpupt.watchdog=i6300esb:300 panic=10 gpupt.trial="));
	c = calls(f);
	assert_non_null(strstr(c, " gpupt.watchdog=i6300esb:300 panic=10 gpupt.trial="));
	free(c);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, "the trial's initramfs arms /dev/watchdog (i6300esb) until gpupt-trial.service "
				       "takes it over: a hang is reset, but for one in the kernel's own start"));
	/* Proxmox VE's HA owns /dev/watchdog: left alone, and said. */
	put(f, "lib/systemd/system/watchdog-mux.service", "[Unit]\n", 8);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "  watchdog: none: watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, and gpupt "
				       "leaves it alone; a trial boot that hangs needs a power cycle\n"));
	load(f, &t);
	assert_null(strstr(t.tokens, "gpupt.watchdog="));
	free_fixture(f);
}

/* iTCO_wdt's has a parent device: its driver's module; softdog's has neither: its identity. */
static void test_watchdog_module(void **state)
{
	struct fx *f = uefi_fixture("pve-lvm");
	char m[32];

	(void)state;
	assert_int_equal(gpupt_watchdog_module(f->h.rootfd, m, sizeof(m)), -ENOENT);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/bus/platform/drivers/iTCO_wdt"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/module/iTCO_wdt"), 0);
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "sys/class/watchdog"), 0);
	assert_int_equal(symlinkat("../../devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0", f->h.rootfd,
				   "sys/class/watchdog/watchdog0"),
			 0);
	assert_int_equal(symlinkat("../..", f->h.rootfd, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0/device"),
			 0);
	assert_int_equal(symlinkat("../../../bus/platform/drivers/iTCO_wdt", f->h.rootfd,
				   "sys/devices/platform/iTCO_wdt.1.auto/driver"),
			 0);
	assert_int_equal(symlinkat("../../../../module/iTCO_wdt", f->h.rootfd, "sys/bus/platform/drivers/iTCO_wdt/module"),
			 0);
	put(f, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0/identity", "iTCO_wdt\n", 9);
	assert_int_equal(gpupt_watchdog_module(f->h.rootfd, m, sizeof(m)), 0);
	assert_string_equal(m, "iTCO_wdt");
	assert_int_equal(unlinkat(f->h.rootfd, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0/device", 0), 0);
	put(f, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0/identity", "Software Watchdog\n", 18);
	assert_int_equal(gpupt_watchdog_module(f->h.rootfd, m, sizeof(m)), 0);
	assert_string_equal(m, "softdog");
	/* An identity no module lists: none (enable then says there is no watchdog to arm). */
	put(f, "sys/devices/platform/iTCO_wdt.1.auto/watchdog/watchdog0/identity", "mystery\n", 8);
	assert_int_equal(gpupt_watchdog_module(f->h.rootfd, m, sizeof(m)), -ENOENT);
	free_fixture(f);
}

/* ---- proxmox-boot-tool's ESPs (boot-root.sh pve-zfs): systemd-boot's one-shot ---- */

#define ESP_A ".fake-esp/5A1B-2C3D/"
#define ESP_B ".fake-esp/6C2D-3E4F/"
#define ONESHOT EFIVARS "LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define PBT_ENTRY "loader/entries/gpupt-trial.conf"

/* Each ESP holds the trial entry (exactly) and the kernel and image it boots, byte for byte. */
static void assert_esp_has_trial(struct fx *f, const char *esp, const struct gpupt_trial *t)
{
	char path[128], want[1024], *x, *y;

	snprintf(path, sizeof(path), "%s" PBT_ENTRY, esp);
	snprintf(want, sizeof(want),
		 "title gpupt trial boot\nversion 6.12.9-amd64\noptions root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet "
		 TOKENS " panic=10 gpupt.trial=%lld\nlinux /EFI/gpupt/vmlinuz\ninitrd /EFI/gpupt/initrd.img\n",
		 t->id);
	x = read_rel(f, path);
	assert_non_null(x);
	assert_string_equal(x, want);
	free(x);
	snprintf(path, sizeof(path), "%sEFI/gpupt/vmlinuz", esp);
	x = read_rel(f, path);
	y = read_rel(f, "boot/vmlinuz-6.12.9-amd64");
	assert_non_null(x);
	assert_string_equal(x, y);
	free(x);
	free(y);
	snprintf(path, sizeof(path), "%sEFI/gpupt/initrd.img", esp);
	x = read_rel(f, path);
	y = read_rel(f, t->image);
	assert_non_null(x);
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void assert_esps_clean(struct fx *f)
{
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_A PBT_ENTRY));
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_A "EFI/gpupt"));
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_B PBT_ENTRY));
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_B "EFI/gpupt"));
	/* Every ESP unmounted, the mount points gone. */
	assert_false(gpupt_path_exists(f->h.rootfd, "run/gpupt"));
}

static void test_pbt_trial_on_every_esp(void **state)
{
	struct fx *f = uefi_fixture("pve-zfs");
	struct gpupt_trial t;
	char *before = snapshot(f, NULL), *cmdline = read_rel(f, "etc/kernel/cmdline"), *c, *x;

	(void)state;
	/* Proxmox VE on ZFS: the trial without --trial, no question. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "  one-shot: systemd-boot's LoaderEntryOneShot (bootctl set-oneshot), with the "
				       "trial entry on each ESP proxmox-boot-tool manages (5A1B-2C3D, 6C2D-3E4F); "
				       "systemd-boot deletes it before it starts the entry\n"));
	assert_non_null(strstr(f->out, "  copies: on each ESP, mounted in turn at /run/gpupt/esp/UUID: "
				       "/boot/vmlinuz-6.12.9-amd64 and /boot/gpupt-trial.initrd.img-6.12.9-amd64 to "
				       "EFI/gpupt and the trial entry loader/entries/gpupt-trial.conf"));
	load(f, &t);
	assert_string_equal(t.loader, "pbt");
	assert_string_equal(t.entry, PBT_ENTRY);
	assert_false(t.oneshot_late);
	assert_int_equal(t.n_esp, 2);
	assert_string_equal(t.esp[0], "5A1B-2C3D");
	assert_string_equal(t.esp[1], "6C2D-3E4F");
	assert_esp_has_trial(f, ESP_A, &t);
	assert_esp_has_trial(f, ESP_B, &t);
	assert_false(gpupt_path_exists(f->h.rootfd, "run/gpupt"));
	x = read_rel(f, ONESHOT);
	assert_memory_equal(x, "\x07\0\0\0g\0p\0u\0p\0t\0-\0t\0r\0i\0a\0l\0.\0c\0o\0n\0f\0\0\0", 38);
	free(x);
	c = calls(f);
	assert_non_null(strstr(c, "mount -t vfat /dev/disk/by-uuid/5A1B-2C3D /run/gpupt/esp/5A1B-2C3D\n"
				  "umount /run/gpupt/esp/5A1B-2C3D\n"
				  "mount -t vfat /dev/disk/by-uuid/6C2D-3E4F /run/gpupt/esp/6C2D-3E4F\n"
				  "umount /run/gpupt/esp/6C2D-3E4F\n"
				  "bootctl set-oneshot gpupt-trial.conf\n"));
	assert_null(strstr(c, "proxmox-boot-tool"));
	free(c);
	/* The default stays as it was until the confirm. */
	x = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(x, cmdline);
	free(x);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, ", entry loader/entries/gpupt-trial.conf and its files in EFI/gpupt on "
				       "proxmox-boot-tool's ESPs 5A1B-2C3D, 6C2D-3E4F, deadline 10 minutes after its "
				       "boot); reboot to start it"));
	f->h.json = true;
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	f->h.json = false;
	assert_non_null(strstr(f->out, "\"loader\":\"pbt\",\"entry\":\"loader/entries/gpupt-trial.conf\","
				       "\"esps\":[\"5A1B-2C3D\",\"6C2D-3E4F\"],"));
	assert_non_null(strstr(f->out, "\"next_boot\":true"));
	/* systemd-boot deletes the one-shot and boots the trial, which confirms. */
	assert_int_equal(unlinkat(f->h.rootfd, ONESHOT, 0), 0);
	next_boot(f, &t, true);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	assert_esps_clean(f);
	assert_false(gpupt_path_exists(f->h.rootfd, t.image));
	x = read_rel(f, "etc/kernel/cmdline");
	assert_non_null(strstr(x, "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on iommu=pt " ADDRS));
	free(x);
	c = calls(f);
	assert_non_null(strstr(c, "proxmox-boot-tool refresh\n"));
	assert_null(strstr(c, "bootctl set-oneshot \n")); /* systemd-boot deleted it */
	free(c);
	/* disable: every file as before enable. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	same_tree(f, before, "/var/lib");
	free(before);
	free(cmdline);
	free_fixture(f);
}

/* Every ESP byte for byte: the trial boot's one-shot gone (someone picked the default in the menu). */
static void test_pbt_every_way_back(void **state)
{
	(void)state;
	every_way_back("pve-zfs", "bootctl set-oneshot \n", ONESHOT,
		       "the one-shot does not name it: LoaderEntryOneShot is unset, not gpupt-trial.conf");
}

/* enable --yes on pve-zfs fails, having said want, and leaves every file as it was. */
static void pbt_refused_with(const char *want, void (*change)(struct fx *), const char *env)
{
	struct fx *f = uefi_fixture("pve-zfs");
	char *before;

	change(f);
	before = snapshot(f, NULL);
	if (env)
		putenv((char *)env);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	if (env)
		unsetenv(strchr(env, '=') ? "GPUPT_FAKE_MOUNT_FAIL" : env);
	if (!strstr(f->err, want))
		fail_msg("wanted \"%s\" in:\n%s", want, f->err);
	assert_non_null(strstr(f->err, "nothing was written"));
	assert_false(gpupt_path_exists(f->h.rootfd, "run/gpupt"));
	same_tree(f, before, NULL);
	free(before);
	free_fixture(f);
}

static void nothing(struct fx *f)
{
	(void)f;
}

static void esp_b_without_default(struct fx *f)
{
	put(f, ESP_B "loader/loader.conf", "timeout 3\n", 10);
}

static void esp_b_default_everything(struct fx *f)
{
	put(f, ESP_B "loader/loader.conf", "timeout 3\ndefault \"*\"\n", 22);
}

static void esp_b_is_grub(struct fx *f)
{
	put(f, ESP_B "EFI/proxmox/grubx64.efi", "MZ", 2);
}

static void no_bootctl(struct fx *f)
{
	assert_int_equal(unlinkat(f->h.rootfd, "usr/bin/bootctl", 0), 0);
}

static void no_esp_there(struct fx *f)
{
	assert_int_equal(unlinkat(f->h.rootfd, "dev/disk/by-uuid/5A1B-2C3D", 0), 0);
	assert_int_equal(unlinkat(f->h.rootfd, "dev/disk/by-uuid/6C2D-3E4F", 0), 0);
}

static void test_pbt_refusals(void **state)
{
	(void)state;
	/* The second ESP fails: what went onto the first comes off again. */
	pbt_refused_with("cannot mount the ESP 6C2D-3E4F (proxmox-boot-tool's)", nothing,
			 "GPUPT_FAKE_MOUNT_FAIL=6C2D-3E4F");
	pbt_refused_with("the ESP 6C2D-3E4F has no `default` line in loader/loader.conf: systemd-boot would boot "
			 "the first entry of its sorted list, which could be the trial's",
			 esp_b_without_default, NULL);
	pbt_refused_with("loader/loader.conf on the ESP 6C2D-3E4F says `default *`, which names the trial entry "
			 "too: it would boot every time",
			 esp_b_default_everything, NULL);
	pbt_refused_with("the ESP 6C2D-3E4F holds /EFI/proxmox/grubx64.efi: proxmox-boot-tool boots GRUB from it",
			 esp_b_is_grub, NULL);
	pbt_refused_with("no trial boot here: Secure Boot is on, and proxmox-boot-tool boots GRUB through shim "
			 "there, not systemd-boot",
			 secure_boot_on, NULL);
	pbt_refused_with("no trial boot here: systemd-boot's variables are not visible (no LoaderInfo in "
			 "/sys/firmware/efi/efivars: efivarfs is not mounted",
			 no_efivars, NULL);
	pbt_refused_with("no trial boot here: bootctl (which sets systemd-boot's one-shot) is not installed",
			 no_bootctl, NULL);
	pbt_refused_with("no trial boot here: /etc/kernel/proxmox-boot-uuids names no ESP that is there",
			 no_esp_there, NULL);
}

static void test_pbt_esp_too_full(void **state)
{
	struct fx *f = uefi_fixture("pve-zfs");
	char *before = snapshot(f, NULL);

	(void)state;
	fake_free_bytes = 1 << 20;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	fake_free_bytes = -1;
	assert_non_null(strstr(f->err, "and the ESP /run/gpupt/esp/5A1B-2C3D has 1 MiB free, 2 MiB needed with 1 MiB "
				       "to spare: make room on the ESP, or add --no-trial; nothing was written\n"));
	assert_false(gpupt_path_exists(f->h.rootfd, "run/gpupt"));
	same_tree(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* An ESP listed but not there (a dead disk of a mirror), and a line that is no ESP: skipped, as proxmox-boot-tool skips them. */
static void test_pbt_skips_what_pbt_skips(void **state)
{
	static const char list[] = "5A1B-2C3D\n\nnot-an-esp\n6C2D-3E4F\n";
	struct fx *f = uefi_fixture("pve-zfs");
	struct gpupt_trial t;

	(void)state;
	put(f, "etc/kernel/proxmox-boot-uuids", list, sizeof(list) - 1);
	assert_int_equal(unlinkat(f->h.rootfd, "dev/disk/by-uuid/6C2D-3E4F", 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "manages (5A1B-2C3D), skipping what it skips in its list;"));
	load(f, &t);
	assert_int_equal(t.n_esp, 1);
	assert_esp_has_trial(f, ESP_A, &t);
	assert_false(gpupt_path_exists(f->h.rootfd, ESP_B PBT_ENTRY));
	/* Before the boot, an ESP gone: status says the next boot may not be the trial. */
	assert_int_equal(unlinkat(f->h.rootfd, "dev/disk/by-uuid/5A1B-2C3D", 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "but the next boot is not the trial: an ESP that holds its entry "
				       "(/loader/entries/gpupt-trial.conf) is gone"));
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_sets_up_bootnext),
		cmocka_unit_test(test_every_way_back_is_byte_identical),
		cmocka_unit_test(test_foreign_option_is_left_alone),
		cmocka_unit_test(test_bios_lvm_still_asks),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_esp_too_full),
		cmocka_unit_test(test_bootnext_not_kept),
		cmocka_unit_test(test_nothing_in_the_way),
		cmocka_unit_test(test_damaged_state_says_efibootmgr),
		cmocka_unit_test(test_trial_arms_the_watchdog),
		cmocka_unit_test(test_watchdog_module),
		cmocka_unit_test(test_pbt_trial_on_every_esp),
		cmocka_unit_test(test_pbt_every_way_back),
		cmocka_unit_test(test_pbt_refusals),
		cmocka_unit_test(test_pbt_esp_too_full),
		cmocka_unit_test(test_pbt_skips_what_pbt_skips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
