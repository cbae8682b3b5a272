// SPDX-License-Identifier: MIT
/*
 * Trial boots on the fixture roots of tests/fixtures/host/boot-root.sh:
 * enable's trial entry and one-shot (GRUB, systemd-boot), its refusals by
 * boot-loader layout, confirm (the same files as --no-trial), rollback and
 * disable (every file back), and gpupt trial-agent's health rules, verdicts
 * and watchdog handling, with exact assertions on what was written and run.
 * The network's fixtures have proc/ and sys/ files with the kernel's sizes
 * (pseudo_fixture.h) and its links as symlinks.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"
#include "tests/cli/pseudo_fixture.h"
#include "tests/cli/statvfs_fixture.h"

#include <linux/watchdog.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "host/formats/trialstate.h"
#include "host/model/trial.h"
#include "lib/sha256.h"

#define LINUX_612 "\tlinux\t/boot/vmlinuz-6.12.9-amd64 root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro  quiet"
#define TOKENS "intel_iommu=on iommu=pt " ADDRS
#define DEVS "sys/devices/pci0000:00/"

/*
 * The fixture's /dev/watchdog is a file: with -Wl,--wrap=ioctl the
 * timeouts the agent sets on it are recorded (and granted), every other
 * ioctl goes through.
 */
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
static int watchdog_timeouts[8];
static size_t n_watchdog_timeouts;

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != WDIOC_SETTIMEOUT)
		return __real_ioctl(fd, req, arg);
	if (n_watchdog_timeouts < sizeof(watchdog_timeouts) / sizeof(watchdog_timeouts[0]))
		watchdog_timeouts[n_watchdog_timeouts++] = *(int *)arg;
	return 0;
}

static void put(struct fx *f, const char *rel, const char *text)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, text, strlen(text), 0644), 0);
}

static void load(struct fx *f, struct gpupt_trial *t)
{
	assert_int_equal(gpupt_trial_load(f->h.rootfd, t, stderr), 0);
}

/* gpupt trial-agent runs (exit 0), and the trial's state is then want. */
static void agent_ends(struct fx *f, struct gpupt_trial *t, enum gpupt_trial_state want)
{
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	load(f, t);
	assert_int_equal(t->state, want);
}

/* The function at addr now on driver drv, as the kernel shows it: a driver link. */
static void bind_to(struct fx *f, const char *addr, const char *drv)
{
	char link[256], target[128], dir[128];

	snprintf(link, sizeof(link), DEVS "%s/driver", addr);
	snprintf(dir, sizeof(dir), "sys/bus/pci/drivers/%s", drv);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	unlinkat(f->h.rootfd, link, 0);
	mkdirat(f->h.rootfd, dir, 0755);
	assert_int_equal(symlinkat(target, f->h.rootfd, link), 0);
}

/* LoaderEntryOneShot naming entry (ASCII), as efivarfs shows it: attributes, then UTF-16LE and a NUL. */
static size_t oneshot_var(const char *entry, char *buf, size_t size)
{
	size_t n = 4;

	assert_true(4 + 2 * strlen(entry) + 2 <= size);
	memcpy(buf, "\x07\x00\x00\x00", 4);
	for (; *entry; entry++, n += 2) {
		buf[n] = *entry;
		buf[n + 1] = '\0';
	}
	buf[n++] = '\0';
	buf[n++] = '\0';
	return n;
}

/* rel holds exactly the n bytes of want. */
static bool file_is(struct fx *f, const char *rel, const char *want, size_t n)
{
	char got[256];
	ssize_t r;
	int fd = openat(f->h.rootfd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	r = read(fd, got, sizeof(got));
	close(fd);
	return r == (ssize_t)n && memcmp(got, want, n) == 0;
}

/* A boot after the one before: another boot_id. */
static void new_boot(struct fx *f)
{
	static unsigned boots;
	char id[64];

	snprintf(id, sizeof(id), "6f1e2d3c-4b5a-4968-8776-%012u\n", ++boots);
	put(f, "proc/sys/kernel/random/boot_id", id);
}

/*
 * The trial boot: its marker on the command line, booted after enable set
 * it up, in a boot of its own (boot_id); systemd-boot deleted its one-shot
 * before it started the entry (GRUB's next_entry is left: on LVM GRUB
 * cannot clear it, and the agent clears it either way).
 */
static void boot_trial(struct fx *f, const struct gpupt_trial *t)
{
	char line[512];

	unlinkat(f->h.rootfd, GPUPT_ONESHOT_EFIVAR, 0);
	new_boot(f);

	snprintf(line, sizeof(line), "BOOT_IMAGE=/boot/vmlinuz-6.12.9-amd64 root=UUID=x ro quiet " TOKENS
		 " panic=10 gpupt.trial=%lld\n", t->id);
	put(f, "proc/cmdline", line);
	snprintf(line, sizeof(line), "cpu  1 2 3 4\nbtime %lld\n", t->id + 60);
	put(f, "proc/stat", line);
}

static struct fx *enabled_trial(const char *boot, struct gpupt_trial *t, char **grub_before)
{
	struct fx *f = make_fixture("seed", boot, NULL);

	if (grub_before)
		*grub_before = read_rel(f, "boot/grub/grub.cfg");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, t);
	return f;
}

static void test_enable_makes_a_grub_trial(void **state)
{
	struct gpupt_trial t;
	char *before, *cfg, *c, want[512];
	struct fx *f = enabled_trial("debian", &t, &before);

	(void)state;
	assert_non_null(strstr(f->out, "trial boot ready (entry in /boot/grub/grub.cfg); reboot now."));
	assert_non_null(strstr(f->out, "\n  copied from: 'Debian GNU/Linux' of /boot/grub/grub.cfg\n"));
	/* Nothing of the new settings yet: the default entry is untouched. */
	assert_null(read_rel(f, "etc/gpupt.conf"));
	assert_null(read_rel(f, "etc/default/grub.d/gpupt.cfg"));
	cfg = read_rel(f, "boot/grub/grub.cfg");
	assert_int_equal(strncmp(cfg, before, strlen(before)), 0);
	snprintf(want, sizeof(want),
		 "### BEGIN gpupt trial entry (gpupt confirm or rollback removes it) ###\n"
		 "menuentry 'gpupt trial boot' --class debian --class gnu-linux --class gnu --class os "
		 "--id gpupt-trial {\n\tload_video\n");
	assert_int_equal(strncmp(cfg + strlen(before), want, strlen(want)), 0);
	snprintf(want, sizeof(want), LINUX_612 " " TOKENS " panic=10 gpupt.trial=%lld\n", t.id);
	assert_non_null(strstr(cfg + strlen(before), want));
	assert_string_equal(cfg + strlen(cfg) - strlen("}\n### END gpupt trial entry ###\n"),
			    "}\n### END gpupt trial entry ###\n");
	/*
	 * The one-shot, no update-grub; the trial kernel's image has no record
	 * (built before gpupt): the trial gets its own, which only its entry
	 * names.  The images the default entries boot, the way back, stay.
	 */
	c = calls(f);
	assert_string_equal(c, "grub-probe --target=abstraction /boot/grub\n"
			       "grub-probe --target=fs /boot/grub\n"
			       "mkinitramfs -o /boot/gpupt-trial.initrd.img-6.12.9-amd64 6.12.9-amd64\n"
			       "grub-reboot gpupt-trial\n");
	assert_string_equal(t.image, "boot/gpupt-trial.initrd.img-6.12.9-amd64");
	assert_non_null(strstr(cfg + strlen(before), "\tinitrd\t/boot/gpupt-trial.initrd.img-6.12.9-amd64\n"));
	assert_null(strstr(cfg + strlen(before), "/boot/initrd.img-"));
	assert_non_null(strstr(f->out, "  initramfs: /boot/initrd.img-6.12.9-amd64 does not do for the trial ("));
	for (const char *const *img = (const char *const[]){ "boot/initrd.img-6.1.0-18-amd64",
							      "boot/initrd.img-6.12.9-amd64", NULL };
	     *img; img++) {
		struct stat st;
		char *text = read_rel(f, *img);

		assert_int_equal(fstatat(f->h.rootfd, *img, &st, 0), 0);
		assert_int_equal(st.st_mtime, 1690000000);
		assert_int_equal(strncmp(text, "initramfs of ", 13), 0);
		free(text);
	}
	free(c);
	c = read_rel(f, t.image);
	assert_string_equal(c, "initramfs of 6.12.9-amd64, for /boot/gpupt-trial.initrd.img-6.12.9-amd64\n");
	/* The state: the selection, its target, every other function's driver. */
	assert_int_equal(t.state, GPUPT_TRIAL_PENDING);
	assert_string_equal(t.loader, "grub");
	assert_string_equal(t.entry, "boot/grub/grub.cfg");
	assert_false(t.oneshot_late);
	assert_int_equal(t.minutes, 10);
	assert_int_equal(t.n_sel, 1);
	assert_string_equal(t.sel[0], "01:00");
	assert_int_equal(t.n_want, 2);
	assert_string_equal(t.want[0].addr, "0000:01:00.0");
	assert_string_equal(t.want[1].driver, "vfio-pci");
	assert_int_equal(t.n_before, 4);
	assert_string_equal(t.before[2].addr, "0000:00:02.0");
	assert_string_equal(t.before[2].driver, "i915");
	assert_string_equal(t.before[3].addr, "0000:02:00.0");
	assert_string_equal(t.before[3].driver, "nvme");
	assert_string_equal(t.route, "");
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "Trial boot: pending (set up "));
	assert_non_null(strstr(f->out, "reboot to start it, or `gpupt rollback --no-reboot` to cancel it\n"));
	/* The trial's image goes with its entry. */
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	assert_false(gpupt_path_exists(f->h.rootfd, t.image));
	free(cfg);
	cfg = read_rel(f, "boot/grub/grub.cfg");
	assert_string_equal(cfg, before);
	free(before);
	free(cfg);
	free(c);
	free_fixture(f);
}

/* No room beside the default image for the trial's own: refused with the figures, nothing written. */
static void test_trial_image_needs_room(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	fake_free_bytes = 512 * 1024;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	fake_free_bytes = -1;
	assert_non_null(strstr(f->err, "the trial needs its own initramfs image in /boot, about 1 MiB (the size of "
				       "/boot/initrd.img-6.12.9-amd64 and half again), and /boot has 0 MiB free: make "
				       "room (`apt autoremove` takes old kernels away) or add --no-trial; nothing was "
				       "written\n"));
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

static void test_dry_run_writes_nothing(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "--trial=5", "01:00"), 0);
	assert_non_null(strstr(f->out, "trial boot: the next boot, once, uses a copy of the default entry with: "
				       TOKENS " panic=10 gpupt.trial="));
	assert_non_null(strstr(f->out, "within 5 minutes of the boot"));
	assert_non_null(strstr(f->out, "(dry run: nothing was written)\n"));
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* GRUB cannot clear next_entry on LVM: asked for, then taken as a late one-shot. */
static void test_lvm_needs_an_explicit_choice(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char *before;

	(void)state;
	put(f, ".fake-grub-abstraction", "lvm\n");
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 2);
	assert_non_null(strstr(f->err, "a one-shot boot is not guaranteed here: GRUB cannot write its environment "
				       "block where /boot/grub is (ext2 on lvm)"));
	assert_non_null(strstr(f->err, "Add --trial to take that risk"));
	assert_snapshot(f, before, NULL);
	/* A dry run shows the choice and the trial's plan, and exits 0. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 0);
	assert_non_null(strstr(f->out, "a one-shot boot is not guaranteed here: GRUB cannot write its environment "
				       "block where /boot/grub is (ext2 on lvm)"));
	assert_non_null(strstr(f->out, ". A real run asks you to choose: --trial (the trial below; a console ends "
				       "a boot loop) or --no-trial (the same changes, the default at once)\n"));
	assert_non_null(strstr(f->out, "trial boot: the next boot, once, uses a copy of the default entry with: "));
	assert_snapshot(f, before, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--trial=3", "01:00"), 0);
	load(f, &t);
	assert_true(t.oneshot_late);
	assert_int_equal(t.minutes, 3);
	free(before);
	free_fixture(f);
}

static void test_proxmox_boot_tool_grub_has_no_trial(void **state)
{
	struct fx *f = make_fixture("seed", "pve-grub", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "no trial boot here: proxmox-boot-tool (GRUB): proxmox-boot-tool boots GRUB from the ESPs it manages"));
	assert_non_null(strstr(f->err, "add --no-trial"));
	assert_snapshot(f, before, NULL);
	/* A dry run shows --no-trial's plan, the only way here, and exits 0. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 0);
	assert_non_null(strstr(f->out, "no trial boot here: proxmox-boot-tool (GRUB): proxmox-boot-tool boots GRUB from the ESPs it manages"));
	assert_non_null(strstr(f->out, "a real run needs --no-trial, which makes these changes the default at once:\n"));
	assert_non_null(strstr(f->out, "proxmox-boot-tool refresh"));
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

#define WANTS_LINK "etc/systemd/system/sysinit.target.wants/gpupt-trial.service"
#define NOT_ENABLED                                                                                    \
	"gpupt-trial.service is not enabled (no /etc/systemd/system/sysinit.target.wants/gpupt-trial.service; " \
	"`make install` does not enable it): run `systemctl enable gpupt-trial.service`"

/*
 * `make install` installs gpupt-trial.service without enabling it: a trial
 * then would never be checked, and the boot after it would silently go
 * back.  enable refuses it (masked too), and status tells the truth about a
 * trial whose check was disabled after enable.
 */
static void test_trial_needs_its_check(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char *before;

	(void)state;
	assert_int_equal(unlinkat(f->h.rootfd, WANTS_LINK, 0), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "no trial boot without its check: " NOT_ENABLED ", or add --no-trial to make "
				       "the new settings the default at once; nothing was written\n"));
	assert_snapshot(f, before, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 1);
	assert_non_null(strstr(f->err, NOT_ENABLED));
	/* Masked: the link in place, the unit linked to /dev/null. */
	assert_int_equal(symlinkat("/lib/systemd/system/gpupt-trial.service", f->h.rootfd, WANTS_LINK), 0);
	assert_int_equal(symlinkat("/dev/null", f->h.rootfd, "etc/systemd/system/gpupt-trial.service"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt-trial.service is masked (/etc/systemd/system/gpupt-trial.service "
				       "links to /dev/null): run `systemctl unmask gpupt-trial.service` and "
				       "`systemctl enable gpupt-trial.service`"));
	/* A link that resolves to nothing inside the root is no unit either. */
	assert_int_equal(unlinkat(f->h.rootfd, "etc/systemd/system/gpupt-trial.service", 0), 0);
	assert_int_equal(unlinkat(f->h.rootfd, "lib/systemd/system/gpupt-trial.service", 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, NOT_ENABLED));
	put(f, "lib/systemd/system/gpupt-trial.service", "[Unit]\n");
	/* Enabled: the trial is set up; disabled afterwards: status says so. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_int_equal(unlinkat(f->h.rootfd, WANTS_LINK, 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "but nothing would check the trial boot, and the boot after it would go "
				       "back to the old settings: " NOT_ENABLED " before you reboot\n"));
	boot_trial(f, &t);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "this is the trial boot, but nothing checks it: " NOT_ENABLED
				       ". Until then end it by hand: `gpupt confirm` or `gpupt rollback`\n"));
	free(before);
	free_fixture(f);
}

static void test_bad_options(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--trial=0", "01:00"), 2);
	assert_non_null(strstr(f->err, "--trial=0: give the deadline in minutes, 1 to 1440 (default 10)"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--trial=10m", "01:00"), 2);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--health-cmd", "true", "01:00"), 2);
	assert_non_null(strstr(f->err, "--no-trial cannot go with --trial or --health-cmd"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--health-cmd", "a\nb", "01:00"), 2);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 1);
	assert_non_null(strstr(f->err, "confirm: no trial boot is pending"));
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "now"), 2);
	free_fixture(f);
}

/* A pending trial blocks another enable; disable cancels it and puts grub.cfg back. */
static void test_disable_cancels(void **state)
{
	struct gpupt_trial t;
	char *before, *cfg, *c;
	struct fx *f = enabled_trial("debian", &t, &before);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--no-trial", "01:00"), 1);
	assert_non_null(strstr(f->err, "a trial boot is pending"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "the pending trial of"));
	cfg = read_rel(f, "boot/grub/grub.cfg");
	assert_string_equal(cfg, before);
	c = calls(f);
	assert_non_null(strstr(c, "grub-reboot gpupt-trial\ngrub-editenv /boot/grub/grubenv unset next_entry\n"));
	load(f, &t);
	assert_int_equal(t.state, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.reason, "cancelled by gpupt disable");
	free(before);
	free(cfg);
	free(c);
	free_fixture(f);
}

/* confirm leaves exactly the files enable --no-trial would have written. */
static void test_confirm_equals_no_trial(void **state)
{
	static const char *const files[] = { "etc/gpupt.conf", "etc/default/grub.d/gpupt.cfg", "etc/default/grub",
					     "boot/grub/grub.cfg" };
	char *confirmed[4];
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL), *g;

	(void)state;
	boot_trial(f, &t);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	assert_non_null(strstr(f->out, "the new settings are the default now"));
	for (size_t i = 0; i < 4; i++)
		assert_non_null(confirmed[i] = read_rel(f, files[i]));
	load(f, &t);
	assert_int_equal(t.state, GPUPT_TRIAL_CONFIRMED);
	assert_string_equal(t.reason, "by gpupt confirm");
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 1);
	assert_non_null(strstr(f->err, "is over already (confirmed)"));
	/* disable works as always afterwards. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_null(read_rel(f, "etc/gpupt.conf"));
	free_fixture(f);

	g = make_fixture("seed", "debian", NULL);
	assert_int_equal(RUN(g, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	for (size_t i = 0; i < 4; i++) {
		char *b = read_rel(g, files[i]);

		assert_string_equal(confirmed[i], b);
		free(confirmed[i]);
		free(b);
	}
	free_fixture(g);
}

static void test_rollback(void **state)
{
	struct gpupt_trial t;
	char *before_tree, *c;
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	before_tree = snapshot(f, "/var/lib");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	/* Before the trial boot: no reboot needed, every file as before (images rebuilt alike). */
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 0);
	assert_snapshot(f, before_tree, "/var/lib");
	c = calls(f);
	assert_null(strstr(c, "systemctl reboot"));
	free(c);
	load(f, &t);
	assert_int_equal(t.state, GPUPT_TRIAL_ROLLED_BACK);
	/* In the trial boot: rolled back, then rebooted unless --no-reboot. */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	boot_trial(f, &t);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	assert_non_null(strstr(f->out, "this boot still runs with the trial's settings"));
	c = calls(f);
	assert_null(strstr(c, "systemctl reboot"));
	free(c);
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	boot_trial(f, &t);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 0);
	c = calls(f);
	assert_non_null(strstr(c, "systemctl reboot\n"));
	free(c);
	free(before_tree);
	free_fixture(f);
}

/* The healthy trial boot: every rule passes, the watchdog is stopped, the trial confirmed. */
static void test_agent_confirms_a_healthy_boot(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *wd, *conf;

	(void)state;
	/* A driver whose name holds a space, as i6300esb's does. */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	bind_to(f, "0000:00:01.0", "i6300ESB timer");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_string_equal(t.before[1].driver, "i6300ESB timer");
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	put(f, "dev/watchdog", "");
	agent_ends(f, &t, GPUPT_TRIAL_CONFIRMED);
	assert_string_equal(t.reason, "by gpupt-trial.service: every health check passed");
	assert_int_equal(t.n_result, 4);
	assert_string_equal(t.result[0], "PASS selected devices: 2 selected functions on vfio-pci");
	assert_string_equal(t.result[1], "PASS other devices: the 4 other functions kept their drivers");
	assert_string_equal(t.result[2], "SKIP default route: there was none at enable (IPv4 or IPv6)");
	assert_string_equal(t.result[3], "PASS multi-user.target: reached");
	/* The magic close: the watchdog stops only on "V". */
	wd = read_rel(f, "dev/watchdog");
	assert_string_equal(wd, "V");
	conf = read_rel(f, "etc/gpupt.conf");
	assert_non_null(conf);
	/* The trial boot runs what it confirmed: no reboot pending. */
	RUN(f, gpupt_cmd_status, "status");
	assert_non_null(strstr(f->out, "Reboot pending: no\n"));
	assert_non_null(strstr(f->out, "was confirmed by gpupt-trial.service: every health check passed\n"));
	free(wd);
	free(conf);
	free_fixture(f);
}

/*
 * Proxmox VE with HA: watchdog-mux owns /dev/watchdog for its fencing.  The
 * agent leaves it alone (no open, no timeout, no keepalive) and says so;
 * gpupt check says it too.
 */
static void test_agent_leaves_watchdog_mux_alone(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *wd;

	(void)state;
	put(f, "usr/lib/systemd/system/watchdog-mux.service", "[Unit]\nDescription=Proxmox VE watchdog multiplexer\n");
	assert_int_equal(RUN(f, gpupt_cmd_check, "check"), 1);
	assert_non_null(strstr(f->out, "watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, so the trial leaves it "
				       "alone: a hang needs a power cycle"));
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	put(f, "dev/watchdog", "");
	n_watchdog_timeouts = 0;
	agent_ends(f, &t, GPUPT_TRIAL_CONFIRMED);
	assert_non_null(strstr(f->out, "trial: watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, and HA's "
				       "fencing needs it: gpupt leaves it alone, so a hang of this boot is not caught\n"));
	wd = read_rel(f, "dev/watchdog");
	assert_string_equal(wd, "");
	assert_int_equal(n_watchdog_timeouts, 0);
	free(wd);
	free_fixture(f);
}

/* A disk controller dragged into vfio: not confirmed by the deadline, rolled back, rebooted. */
static void test_agent_rolls_back_at_the_deadline(void **state)
{
	struct gpupt_trial t;
	char *before, *cfg, *c, *wd;
	struct fx *f = enabled_trial("debian", &t, &before);

	(void)state;
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	bind_to(f, "0000:02:00.0", "vfio-pci");
	put(f, "proc/uptime", "601.25 10.00\n");
	put(f, "dev/watchdog", "");
	n_watchdog_timeouts = 0;
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.reason, "not confirmed within 10 minutes (600 s after boot): other devices: "
				      "0000:02:00.0 (nvme) is now on vfio-pci");
	/* 60 s for the check, then 10 minutes for a shutdown that stops the guests. */
	assert_int_equal(n_watchdog_timeouts, 2);
	assert_int_equal(watchdog_timeouts[0], 60);
	assert_int_equal(watchdog_timeouts[1], 600);
	assert_non_null(strstr(f->out, "trial: /dev/watchdog set to 600 s for the shutdown: a shutdown that "
				       "hangs longer is reset\n"));
	cfg = read_rel(f, "boot/grub/grub.cfg");
	assert_string_equal(cfg, before);
	c = calls(f);
	assert_non_null(strstr(c, "grub-editenv /boot/grub/grubenv unset next_entry\nsystemctl is-active --quiet "
				  "multi-user.target\ngrub-editenv /boot/grub/grubenv unset next_entry\nsystemctl reboot\n"));
	/* Kept alive before the reboot, and no magic close: a shutdown that hangs is reset too. */
	wd = read_rel(f, "dev/watchdog");
	assert_string_equal(wd, "k");
	assert_null(read_rel(f, "etc/gpupt.conf"));
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 0);
	assert_non_null(strstr(f->out, "rolled back: not confirmed within 10 minutes (600 s after boot): other "
				       "devices: 0000:02:00.0 (nvme) is now on vfio-pci\n"));
	assert_non_null(strstr(f->out, "  FAIL other devices: 0000:02:00.0 (nvme) is now on vfio-pci\n"));
	free(before);
	free(cfg);
	free(c);
	free(wd);
	free_fixture(f);
}

/* Each rule's failure, as the reason names it. */
static void test_agent_rules(void **state)
{
	static const char route[] = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
				    "eno1\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
				    "eno1\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;

	(void)state;
	put(f, "proc/net/route", route);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--health-cmd", "exit 3", "01:00"), 0);
	load(f, &t);
	assert_string_equal(t.route, "eno1");
	assert_string_equal(t.health_cmd, "exit 3");
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	put(f, "proc/uptime", "700.00 1.00\n");
	put(f, "proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
	put(f, "sys/class/net/eno1/operstate", "down\n");
	setenv("GPUPT_FAKE_ACTIVE", "3", 1);
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	unsetenv("GPUPT_FAKE_ACTIVE");
	load(f, &t);
	assert_string_equal(t.reason, "not confirmed within 10 minutes (600 s after boot): selected devices: "
				      "0000:01:00.1 is on snd_hda_intel, not vfio-pci; default route: eno1 (IPv4), "
				      "the default route's interface at enable, is not up; multi-user.target: not "
				      "reached (yet)");
	/* All well but the admin's command. */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	put(f, "proc/net/route", route);
	put(f, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=UUID=x ro quiet\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--health-cmd", "exit 3", "01:00"), 0);
	load(f, &t);
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.1", "vfio-pci");
	put(f, "proc/uptime", "700.00 1.00\n");
	put(f, "sys/class/net/eno1/operstate", "up\n");
	put(f, "sys/class/net/eno1/carrier", "1\n");
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	load(f, &t);
	assert_string_equal(t.result[2], "PASS default route: eno1 (IPv4), the default route's interface at enable, "
					 "is up with carrier");
	assert_string_equal(t.reason, "not confirmed within 10 minutes (600 s after boot): health command: exit 3: "
				      "exit 3");
	free_fixture(f);
}

/* A boot after the trial's that is not the trial: it never got as far as the check. */
static void test_agent_after_a_failed_trial_boot(void **state)
{
	struct gpupt_trial t;
	char *before, *cfg, line[64];
	struct fx *f = enabled_trial("debian", &t, &before);

	(void)state;
	/* Started again in the boot that set it up (a package upgrade): left alone. */
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	assert_non_null(strstr(f->out, "set up during this boot; its boot is the next one"));
	load(f, &t);
	assert_int_equal(t.state, GPUPT_TRIAL_PENDING);
	assert_string_equal(t.boot_id, "0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d");
	/* The next boot, not the trial, with a clock a year behind (an RTC reset): its boot_id tells. */
	new_boot(f);
	snprintf(line, sizeof(line), "cpu  1 2 3 4\nbtime %lld\n", t.id - 365 * 86400);
	put(f, "proc/stat", line);
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.reason, "the trial boot did not reach gpupt's check (a panic, a hang or a reset "
				      "before it); this boot came up with the old settings");
	cfg = read_rel(f, "boot/grub/grub.cfg");
	assert_string_equal(cfg, before);
	free(before);
	free(cfg);
	free_fixture(f);
}

static void test_damaged_state_is_not_trusted(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	put(f, GPUPT_TRIAL_PATH, "gpupt-trial 1\nstate pending\nid 5\nend 00\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "/var/lib/gpupt/trial is damaged (no closing \"end\" line"));
	assert_non_null(strstr(f->err, "`update-grub` and `grub-editenv /boot/grub/grubenv unset next_entry`"));
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 1);
	free_fixture(f);
}

/* systemd-boot: a copy of the newest kernel's entry, booted once through LoaderEntryOneShot. */
static void test_sdboot_trial(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("sdboot", &t, NULL);
	char *entry, *c, want[1024], var[64];
	size_t n;

	(void)state;
	assert_string_equal(t.loader, "systemd-boot");
	assert_string_equal(t.entry, "boot/efi/loader/entries/gpupt-trial.conf");
	entry = read_rel(f, t.entry);
	snprintf(want, sizeof(want),
		 "title gpupt trial boot\nversion    6.12.9-amd64\nmachine-id 0123456789abcdef0123456789abcdef\n"
		 "sort-key ~gpupt-trial\noptions    root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro quiet "
		 "systemd.machine_id=0123456789abcdef0123456789abcdef " TOKENS " panic=10 gpupt.trial=%lld\n"
		 "linux      /0123456789abcdef0123456789abcdef/6.12.9-amd64/linux\n"
		 "initrd     /0123456789abcdef0123456789abcdef/6.12.9-amd64/gpupt-trial.initrd.img-6.12.9-amd64\n",
		 t.id);
	assert_string_equal(entry, want);
	c = calls(f);
	assert_non_null(strstr(c, "bootctl set-oneshot gpupt-trial.conf\n"));
	assert_null(strstr(c, "kernel-install"));
	/* The trial's own image on the ESP, beside the one the default entry boots. */
	assert_non_null(strstr(c, "mkinitramfs -o /boot/efi/0123456789abcdef0123456789abcdef/6.12.9-amd64/"
				  "gpupt-trial.initrd.img-6.12.9-amd64 6.12.9-amd64\n"));
	assert_null(strstr(c, "update-initramfs"));
	assert_string_equal(t.image, "boot/efi/0123456789abcdef0123456789abcdef/6.12.9-amd64/"
				     "gpupt-trial.initrd.img-6.12.9-amd64");
	assert_true(gpupt_path_exists(f->h.rootfd, t.image));
	free(c);
	assert_null(read_rel(f, "etc/kernel/cmdline"));
	/* What bootctl set-oneshot left, as efivarfs shows it. */
	n = oneshot_var("gpupt-trial.conf", var, sizeof(var));
	assert_true(file_is(f, GPUPT_ONESHOT_EFIVAR, var, n));
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "; reboot to start it, or"));
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback"), 0);
	assert_null(read_rel(f, t.entry));
	assert_false(gpupt_path_exists(f->h.rootfd, t.image));
	c = calls(f);
	assert_non_null(strstr(c, "bootctl set-oneshot \n"));
	free(c);
	/* Consumed by systemd-boot already (boot_trial): nothing to clear, bootctl not run. */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	boot_trial(f, &t);
	assert_false(gpupt_path_exists(f->h.rootfd, GPUPT_ONESHOT_EFIVAR));
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	/* Seeded from the trial boot's /proc/cmdline: without the trial's additions, then gpupt's tokens. */
	free(entry);
	entry = read_rel(f, "etc/kernel/cmdline");
	assert_string_equal(entry, "root=UUID=x ro quiet " TOKENS "\n");
	c = calls(f);
	{
		const char *last = c, *p;

		while ((p = strstr(last + 1, "bootctl set-oneshot gpupt-trial.conf\n")) != NULL)
			last = p;
		assert_null(strstr(last, "bootctl set-oneshot \n"));
	}
	free(c);
	free(entry);
	free_fixture(f);
}

/* ---- the network: tests/fixtures/host/devroot.sh's bridged case ---- */

#define NET_DEV(addr) DEVS addr "/net"

/* A bridged fixture (vmbr0 on enp3s0 at 03:00.0), read with the kernel's file sizes. */
static struct fx *bridged_fixture(void)
{
	struct fx *f = make_fixture("bridged", "debian", NULL);

	pseudo_root_set(f->root);
	assert_true(pseudo_dir[0] != '\0');
	pseudo = true;
	pseudo_faked = 0;
	return f;
}

static void free_bridged(struct fx *f)
{
	pseudo = false;
	assert_true(pseudo_faked > 0);
	free_fixture(f);
}

static void rm_rel(struct fx *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The NIC's interface is gone, as when its function went to vfio-pci: its links too. */
static void nic_gone(struct fx *f, const char *bridge, const char *nic, const char *addr)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/class/net/%s", nic);
	rm_rel(f, rel);
	snprintf(rel, sizeof(rel), NET_DEV("%s") "/%s", addr, nic);
	rm_rel(f, rel);
	if (!bridge)
		return;
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/brif/%s", bridge, nic);
	rm_rel(f, rel);
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/lower_%s", bridge, nic);
	rm_rel(f, rel);
}

static void link_rel(struct fx *f, const char *target, const char *rel)
{
	unlinkat(f->h.rootfd, rel, 0);
	assert_int_equal(symlinkat(target, f->h.rootfd, rel), 0);
}

static void mkdir_rel(struct fx *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	for (char *p = strchr(path + strlen(f->root) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* A virtual interface (a container's veth), up with carrier, as a port of bridge. */
static void veth_add(struct fx *f, const char *bridge, const char *name)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/brport", name);
	mkdir_rel(f, rel);
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/operstate", name);
	put(f, rel, "up\n");
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/carrier", name);
	put(f, rel, "1\n");
	snprintf(rel, sizeof(rel), "sys/class/net/%s", name);
	snprintf(target, sizeof(target), "../../devices/virtual/net/%s", name);
	link_rel(f, target, rel);
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/brif/%s", bridge, name);
	snprintf(target, sizeof(target), "../../../../virtual/net/%s/brport", name);
	link_rel(f, target, rel);
	snprintf(rel, sizeof(rel), "sys/devices/virtual/net/%s/lower_%s", bridge, name);
	snprintf(target, sizeof(target), "../../../virtual/net/%s", name);
	link_rel(f, target, rel);
}

/* The trial boot of a bridged host whose selected NICs are on vfio-pci by the deadline. */
static void boot_bridged_trial(struct fx *f, struct gpupt_trial *t)
{
	load(f, t);
	boot_trial(f, t);
	put(f, "proc/uptime", "601.00 1.00\n");
	put(f, "dev/watchdog", "");
}

/* Issue 18: two identical NICs, and the first is vmbr0's only port: enable by ID is refused. */
static void test_uplink_nic_is_refused(void **state)
{
	struct fx *f = bridged_fixture();
	char *before = snapshot(f, NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "8086:1533"), 1);
	assert_non_null(strstr(f->err, "gpupt: 0000:03:00.0: refused: carries the host's network: the default route "
				       "(IPv4 and IPv6) goes vmbr0 → enp3s0 → 0000:03:00.0; on vfio-pci the host is "
				       "off the network"));
	assert_non_null(strstr(f->err, "select the functions you mean by address instead"));
	assert_null(strstr(f->err, "0000:04:00.0: refused"));
	assert_non_null(strstr(f->err, "refusing (see above); --force overrides this at your risk\n"));
	assert_snapshot(f, before, NULL);
	/* The other card alone is fine. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "04:00.0"), 0);
	assert_null(strstr(f->err, "refused"));
	free(before);
	free_bridged(f);
}

/*
 * Issue 18's reproduction: both NICs on vfio-pci (--force), enp3s0 gone,
 * a container's veth keeps vmbr0 up with carrier and its address: the
 * host is unreachable, and the trial must not be confirmed.
 */
static void test_agent_bridge_without_its_nic(void **state)
{
	struct fx *f = bridged_fixture();
	struct gpupt_trial t;
	char *c;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--force", "8086:1533"), 0);
	boot_bridged_trial(f, &t);
	bind_to(f, "0000:03:00.0", "vfio-pci");
	bind_to(f, "0000:04:00.0", "vfio-pci");
	nic_gone(f, "vmbr0", "enp3s0", "0000:03:00.0");
	nic_gone(f, NULL, "enp4s0", "0000:04:00.0");
	veth_add(f, "vmbr0", "veth100i0");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.reason, "not confirmed within 10 minutes (600 s after boot): default route: vmbr0 "
				      "(IPv4 and IPv6), the default route's interface at enable, is up with carrier, "
				      "but no NIC under it has a link: enp3s0 (0000:03:00.0) is gone");
	assert_null(read_rel(f, "etc/gpupt.conf"));
	c = calls(f);
	assert_non_null(strstr(c, "systemctl reboot\n"));
	free(c);
	free_bridged(f);
}

/* Carrier, not operstate: the bridge's and the NIC's. */
static void test_agent_wants_carrier(void **state)
{
	struct fx *f = bridged_fixture();
	struct gpupt_trial t;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	boot_bridged_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	/* The cable is out: the NIC is up without carrier. */
	put(f, NET_DEV("0000:03:00.0") "/enp3s0/carrier", "0\n");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.result[2], "FAIL default route: vmbr0 (IPv4 and IPv6), the default route's interface "
					 "at enable, is up with carrier, but no NIC under it has a link: enp3s0 "
					 "(0000:03:00.0) has no carrier");
	/* The bridge itself without carrier (no port up), its operstate still "up". */
	assert_int_equal(gpupt_file_remove(f->h.rootfd, GPUPT_TRIAL_PATH), 0);
	put(f, NET_DEV("0000:03:00.0") "/enp3s0/carrier", "1\n");
	put(f, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=UUID=x ro quiet\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	boot_bridged_trial(f, &t);
	put(f, "sys/devices/virtual/net/vmbr0/carrier", "0\n");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.result[2], "FAIL default route: vmbr0 (IPv4 and IPv6), the default route's interface "
					 "at enable, is up but has no carrier");
	free_bridged(f);
}

/* What enable records of the network, and a healthy bridged trial boot confirmed. */
static void test_agent_confirms_a_bridged_host(void **state)
{
	struct fx *f = bridged_fixture();
	struct gpupt_trial t;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "no other device's driver changed, vmbr0 (the default route's interface) up "
				       "with carrier, with a link on enp3s0, multi-user.target reached"));
	assert_null(strstr(f->err, "no default route"));
	load(f, &t);
	assert_string_equal(t.route, "vmbr0");
	assert_string_equal(t.route6, "vmbr0");
	assert_int_equal(t.n_uplink, 1);
	assert_string_equal(t.uplink[0], "vmbr0 enp3s0 0000:03:00.0");
	boot_bridged_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	veth_add(f, "vmbr0", "veth100i0");
	agent_ends(f, &t, GPUPT_TRIAL_CONFIRMED);
	assert_string_equal(t.result[2], "PASS default route: vmbr0 (IPv4 and IPv6), the default route's interface "
					 "at enable, is up with carrier, through enp3s0 (0000:03:00.0)");
	free_bridged(f);
}

/* A bond of both NICs under vmbr0 through a VLAN: any slave with a link reaches the network. */
static void test_bond_and_vlan(void **state)
{
	struct fx *f = bridged_fixture();
	struct gpupt_trial t;

	(void)state;
	/* vmbr0 → bond0.10 (VLAN) → bond0 (slaves enp3s0, enp4s0). */
	nic_gone(f, "vmbr0", "enp3s0", "0000:03:00.0");
	mkdir_rel(f, NET_DEV("0000:03:00.0") "/enp3s0");
	link_rel(f, "../../../0000:03:00.0", NET_DEV("0000:03:00.0") "/enp3s0/device");
	put(f, NET_DEV("0000:03:00.0") "/enp3s0/carrier", "1\n");
	link_rel(f, "../../devices/pci0000:00/0000:03:00.0/net/enp3s0", "sys/class/net/enp3s0");
	mkdir_rel(f, "sys/devices/virtual/net/bond0/bonding");
	put(f, "sys/devices/virtual/net/bond0/bonding/slaves", "enp3s0 enp4s0\n");
	link_rel(f, "../../devices/virtual/net/bond0", "sys/class/net/bond0");
	mkdir_rel(f, "sys/devices/virtual/net/bond0.10");
	link_rel(f, "../../../virtual/net/bond0", "sys/devices/virtual/net/bond0.10/lower_bond0");
	link_rel(f, "../../devices/virtual/net/bond0.10", "sys/class/net/bond0.10");
	link_rel(f, "../../../virtual/net/bond0.10", "sys/devices/virtual/net/vmbr0/lower_bond0.10");
	RUN(f, gpupt_cmd_check, "check");
	assert_non_null(strstr(f->out, "PASS  network uplink: default route: vmbr0 → bond0.10 → bond0 → enp3s0 → "
				       "0000:03:00.0 (IPv4 and IPv6), vmbr0 → bond0.10 → bond0 → enp4s0 → "
				       "0000:04:00.0 (IPv4 and IPv6); `gpupt enable` keeps those functions from "
				       "vfio-pci, and a trial boot checks the NICs for carrier\n"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "04:00.0"), 1);
	assert_non_null(strstr(f->err, "goes vmbr0 → bond0.10 → bond0 → enp4s0 → 0000:04:00.0;"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "--force", "04:00.0"), 0);
	load(f, &t);
	assert_int_equal(t.n_uplink, 2);
	assert_string_equal(t.uplink[1], "vmbr0 bond0.10 bond0 enp4s0 0000:04:00.0");
	boot_bridged_trial(f, &t);
	bind_to(f, "0000:04:00.0", "vfio-pci");
	nic_gone(f, NULL, "enp4s0", "0000:04:00.0");
	agent_ends(f, &t, GPUPT_TRIAL_CONFIRMED);
	assert_string_equal(t.result[2], "PASS default route: vmbr0 (IPv4 and IPv6), the default route's interface "
					 "at enable, is up with carrier, through enp3s0 (0000:03:00.0)");
	free_bridged(f);
}

/* IPv6 alone: its default route is the one that counts, and must still be there. */
static void test_ipv6_only(void **state)
{
	struct fx *f = bridged_fixture();
	struct gpupt_trial t;

	(void)state;
	put(f, "proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "8086:1533"), 1);
	assert_non_null(strstr(f->err, "the default route (IPv6) goes vmbr0 → enp3s0 → 0000:03:00.0;"));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_string_equal(t.route, "");
	assert_string_equal(t.route6, "vmbr0");
	boot_bridged_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	/* No router advertisement yet: link-local routes only. */
	put(f, "proc/net/ipv6_route", "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
				      "00000000000000000000000000000000 00000100 00000002 00000000 00000001    vmbr0\n");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.result[2], "FAIL default route: vmbr0 (IPv6), the default route's interface at enable, "
					 "is up with carrier but has no route (no address)");
	free_bridged(f);
}

/* No default route at all: enable says the network rule checks nothing. */
static void test_no_default_route_is_said(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->err, "gpupt: no default route here (IPv4 or IPv6): the trial's network rule checks "
				       "nothing; --health-cmd can check what the host must reach\n"));
	assert_non_null(strstr(f->out, "no other device's driver changed, no default route to check, "));
	free_fixture(f);
}

/* A state file of version 1 (before route6 and uplink) is still read. */
/*
 * The state file enable wrote, turned into an older version: version 2's
 * `before` lines have no class; version 1 has no route6 and uplink lines
 * either.  Re-sealed with its checksum, as that version wrote it.
 */
static void put_older_state(struct fx *f, const char *text, unsigned version)
{
	char old[16384], sum[GPUPT_SHA256_HEX + 1];
	const char *line, *eol;
	size_t n = (size_t)snprintf(old, sizeof(old), "gpupt-trial %u\n", version);

	for (line = strchr(text, '\n') + 1; strncmp(line, "end ", 4) != 0; line = eol + 1) {
		eol = strchr(line, '\n');
		assert_non_null(eol);
		if (version == 1 && (strncmp(line, "route6 ", 7) == 0 || strncmp(line, "uplink ", 7) == 0))
			continue;
		if (strncmp(line, "before ", 7) == 0) {
			const char *addr_end = strchr(line + 7, ' ');
			const char *class_end = strchr(addr_end + 1, ' ');

			n += (size_t)snprintf(old + n, sizeof(old) - n, "%.*s%.*s", (int)(addr_end - line), line,
					      (int)(eol + 1 - class_end), class_end);
			continue;
		}
		n += (size_t)snprintf(old + n, sizeof(old) - n, "%.*s", (int)(eol + 1 - line), line);
	}
	assert_true(n < sizeof(old));
	gpupt_sha256_hex(old, n, sum);
	snprintf(old + n, sizeof(old) - n, "end %s\n", sum);
	put(f, GPUPT_TRIAL_PATH, old);
}

static void test_state_older_versions(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char *text;
	unsigned version;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	text = read_rel(f, GPUPT_TRIAL_PATH);
	assert_int_equal(strncmp(text, GPUPT_TRIAL_VERSION "\n", strlen(GPUPT_TRIAL_VERSION) + 1), 0);
	assert_non_null(strstr(text, "route6 -\n"));
	for (version = 1; version <= 2; version++) {
		put_older_state(f, text, version);
		load(f, &t);
		assert_int_equal(t.state, GPUPT_TRIAL_PENDING);
		assert_true(t.n_before > 0);
		assert_int_equal(t.before[0].class, GPUPT_TRIAL_CLASS_UNKNOWN);
		if (version == 1)
			assert_string_equal(t.route6, "");
	}
	assert_int_equal(RUN(f, gpupt_cmd_rollback, "rollback", "--no-reboot"), 0);
	free(text);
	free_fixture(f);
}

/* ---- the agent and the commands that end a trial while it checks (issue 18) ---- */

/* From here on, calls(f) lists only what runs next. */
static void forget_calls(struct fx *f)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/calls", f->bin);
	assert_int_equal(unlink(path), 0);
}

/*
 * What another process does while the agent checks, run by the fake
 * systemctl is-active (boot-root.sh): put the state file that ended the
 * trial (ended) in place of the pending one the agent read at its start,
 * and note whether gpupt's lock was free meanwhile (the agent must not hold
 * it while it checks).
 */
static void on_check_put_state(struct fx *f, const char *ended)
{
	char cmd[1024];

	put(f, ".ended-state", ended);
	snprintf(cmd, sizeof(cmd),
		 "cp '%s/.ended-state' '%s/" GPUPT_TRIAL_PATH "' && "
		 "{ flock -n '%s/var/lib/gpupt/lock' true || echo held >'%s/.lock-held'; }",
		 f->root, f->root, f->root, f->root);
	setenv("GPUPT_FAKE_ON_ACTIVE", cmd, 1);
}

/*
 * `gpupt rollback --no-reboot` (or `gpupt disable`) in the trial boot while
 * the agent checks a healthy boot: the agent must neither confirm nor write
 * /etc/gpupt.conf, and it stops its watchdog.
 */
static void ended_during_healthy_check(char **end, const char *said)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *pending, *ended, *now, *wd;

	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	pending = read_rel(f, GPUPT_TRIAL_PATH);
	assert_int_equal(run_argv(f, end[0][0] == 'r' ? gpupt_cmd_rollback : gpupt_cmd_disable, end), 0);
	ended = read_rel(f, GPUPT_TRIAL_PATH);
	put(f, GPUPT_TRIAL_PATH, pending);
	on_check_put_state(f, ended);
	put(f, "dev/watchdog", "");
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	unsetenv("GPUPT_FAKE_ON_ACTIVE");
	assert_null(read_rel(f, "etc/gpupt.conf"));
	now = read_rel(f, GPUPT_TRIAL_PATH);
	assert_string_equal(now, ended);
	assert_null(strstr(f->out, "confirming"));
	assert_non_null(strstr(f->out, said));
	wd = read_rel(f, "dev/watchdog");
	assert_string_equal(wd, "V");
	assert_null(read_rel(f, ".lock-held"));
	free(pending);
	free(ended);
	free(now);
	free(wd);
	free_fixture(f);
}

static void test_agent_after_rollback_during_check(void **state)
{
	(void)state;
	ended_during_healthy_check((char *[]){ "rollback", "--no-reboot", NULL },
				   ": it ended meanwhile: rolled back by gpupt rollback; "
				   "gpupt-trial.service stops and writes nothing\n");
	ended_during_healthy_check((char *[]){ "disable", "--yes", NULL },
				   ": it ended meanwhile: cancelled by gpupt disable; "
				   "gpupt-trial.service stops and writes nothing\n");
}

/*
 * `gpupt confirm` by hand while a rule fails: at the deadline the agent must
 * not record "rolled back" nor reboot; the new settings stay the default.
 */
static void test_agent_after_confirm_during_check(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *pending, *confirmed, *conf, *now, *c;

	(void)state;
	boot_trial(f, &t);
	put(f, "proc/uptime", "601.00 1.00\n");
	pending = read_rel(f, GPUPT_TRIAL_PATH);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	confirmed = read_rel(f, GPUPT_TRIAL_PATH);
	conf = read_rel(f, "etc/gpupt.conf");
	assert_non_null(conf);
	put(f, GPUPT_TRIAL_PATH, pending);
	on_check_put_state(f, confirmed);
	forget_calls(f);
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	unsetenv("GPUPT_FAKE_ON_ACTIVE");
	c = calls(f);
	assert_null(strstr(c, "systemctl reboot"));
	now = read_rel(f, GPUPT_TRIAL_PATH);
	assert_string_equal(now, confirmed);
	assert_non_null(strstr(f->out, ": it was confirmed meanwhile by gpupt confirm; "
				       "gpupt-trial.service stops and writes nothing\n"));
	free(now);
	now = read_rel(f, "etc/gpupt.conf");
	assert_string_equal(now, conf);
	/* Status tells it as it is (exit 1: the selected devices are not on vfio-pci in this boot). */
	RUN(f, gpupt_cmd_status, "status");
	assert_non_null(strstr(f->out, "was confirmed by gpupt confirm\n"));
	free(pending);
	free(confirmed);
	free(conf);
	free(now);
	free(c);
	free_fixture(f);
}

/*
 * A confirm that holds gpupt's lock at the agent's verdict (it rebuilds
 * images for minutes): the agent waits for it, then sees the trial ended.
 */
static void test_agent_waits_for_the_lock(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *pending, *confirmed, *now, cmd[2048];

	(void)state;
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	pending = read_rel(f, GPUPT_TRIAL_PATH);
	assert_int_equal(RUN(f, gpupt_cmd_confirm, "confirm"), 0);
	confirmed = read_rel(f, GPUPT_TRIAL_PATH);
	put(f, GPUPT_TRIAL_PATH, pending);
	put(f, ".ended-state", confirmed);
	put(f, "dev/watchdog", "");
	/*
	 * Holds the lock from before the verdict until the agent waits for it
	 * (it keeps the watchdog alive meanwhile: "k"; 10 s at most), then
	 * writes the state and lets go.
	 */
	snprintf(cmd, sizeof(cmd),
		 "flock '%1$s/var/lib/gpupt/lock' sh -c \"touch '%1$s/.locked'; i=0; "
		 "while [ ! -s '%1$s/dev/watchdog' ] && [ \\$i -lt 200 ]; do sleep 0.05; i=\\$((i + 1)); done; "
		 "cp '%1$s/.ended-state' '%1$s/" GPUPT_TRIAL_PATH "'\" & "
		 "while [ ! -e '%1$s/.locked' ]; do sleep 0.05; done",
		 f->root);
	setenv("GPUPT_FAKE_ON_ACTIVE", cmd, 1);
	assert_int_equal(RUN(f, gpupt_cmd_trial_agent, "trial-agent"), 0);
	unsetenv("GPUPT_FAKE_ON_ACTIVE");
	now = read_rel(f, GPUPT_TRIAL_PATH);
	assert_string_equal(now, confirmed);
	assert_non_null(strstr(f->out, "/var/lib/gpupt/lock: waiting for it before deciding\n"));
	assert_non_null(strstr(f->out, ": it was confirmed meanwhile by gpupt confirm; "
				       "gpupt-trial.service stops and writes nothing\n"));
	free(pending);
	free(confirmed);
	free(now);
	free_fixture(f);
}

/* grub.cfg with its default (00_header's else branch) set to value and the 6.1 entry's header hardened. */
static void pin_grub_default(struct fx *f, const char *value)
{
	static const char key[] = "else\n   set default=\"",
			  plain[] = "--class os $menuentry_id_option 'gnulinux-6.1.0";
	char *cfg = read_rel(f, "boot/grub/grub.cfg"), *out = malloc(strlen(cfg) + 1024);
	char *at = strstr(cfg, key), *end, *hdr;
	size_t n;

	assert_non_null(at);
	at += strlen(key);
	end = strchr(at, '"');
	n = (size_t)sprintf(out, "%.*s%s", (int)(at - cfg), cfg, value);
	hdr = strstr(end, plain);
	if (hdr)
		sprintf(out + n, "%.*s--class os --unrestricted %s", (int)(hdr - end), end,
			hdr + strlen("--class os "));
	else
		strcpy(out + n, end);
	put(f, "boot/grub/grub.cfg", out);
	free(cfg);
	free(out);
}

#define SUBMENU_ID "gnulinux-advanced-5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d"
#define PINNED_ID "gnulinux-6.1.0-18-amd64-advanced-5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d"

/*
 * proxmox-boot-tool kernel pin 6.1.0-18-amd64: GRUB_DEFAULT names the older
 * kernel in the submenu.  The trial boots that kernel, with its header's
 * --unrestricted kept (under `set superusers` it would wait for a password).
 */
static void test_grub_trial_copies_the_pinned_entry(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char *cfg, want[512];

	(void)state;
	pin_grub_default(f, SUBMENU_ID ">" PINNED_ID);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "\n  copied from: 'Debian GNU/Linux, with Linux 6.1.0-18-amd64' of "
				       "/boot/grub/grub.cfg\n"));
	load(f, &t);
	cfg = read_rel(f, "boot/grub/grub.cfg");
	snprintf(want, sizeof(want),
		 "### BEGIN gpupt trial entry (gpupt confirm or rollback removes it) ###\n"
		 "menuentry 'gpupt trial boot' --class debian --class gnu-linux --class gnu --class os "
		 "--unrestricted --id gpupt-trial {\n\t\tload_video\n");
	assert_non_null(strstr(cfg, want));
	snprintf(want, sizeof(want),
		 "\t\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d ro  quiet " TOKENS
		 " panic=10 gpupt.trial=%lld\n",
		 t.id);
	assert_non_null(strstr(cfg, want));
	assert_null(strstr(strstr(cfg, "### BEGIN gpupt"), "6.12.9"));
	free(cfg);
	free_fixture(f);
}

/* A default that names no entry (a pin to a removed kernel): refused before anything is written. */
/*
 * update-grub (a kernel upgrade) while a trial is pending drops the trial
 * block but leaves next_entry: status says the next boot is not the trial,
 * and the boot after it records that the trial never booted, not a panic.
 */
static void test_trial_entry_gone_before_its_boot(void **state)
{
	struct gpupt_trial t;
	char *before, line[64];
	struct fx *f = enabled_trial("debian", &t, &before);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "; reboot to start it, or `gpupt rollback --no-reboot` to cancel it\n"));
	put(f, "boot/grub/grub.cfg", before);
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "but the next boot is not the trial: its entry is gone from "
				       "/boot/grub/grub.cfg (update-grub rewrote the file, as a kernel upgrade "
				       "does). Run `gpupt rollback --no-reboot`, then `gpupt enable` again\n"));
	assert_null(strstr(f->out, "reboot to start it"));
	f->h.json = true;
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	f->h.json = false;
	assert_non_null(strstr(f->out, "\"next_boot\":false"));

	/* The next boot: the old default. */
	new_boot(f);
	snprintf(line, sizeof(line), "cpu  1 2 3 4\nbtime %lld\n", t.id + 120);
	put(f, "proc/stat", line);
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.reason, "the trial never booted: its entry is gone from /boot/grub/grub.cfg "
				      "(update-grub rewrote the file, as a kernel upgrade does), so the boot "
				      "after enable was the old default; run `gpupt enable` again for a new trial");
	free(before);
	free_fixture(f);
}

/* The one-shot changed by someone else (grub-reboot, grub-editenv): the next boot is not the trial. */
static void test_trial_oneshot_gone_before_its_boot(void **state)
{
	struct gpupt_trial t;
	struct fx *f = enabled_trial("debian", &t, NULL);
	char *env;

	(void)state;
	env = read_rel(f, "boot/grub/grubenv");
	assert_string_equal(env, "# GRUB Environment Block\nnext_entry=gpupt-trial\n");
	put(f, "boot/grub/grubenv", "# GRUB Environment Block\nnext_entry=1\n");
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "but the next boot is not the trial: the one-shot does not name it: "
				       "grubenv's next_entry is \"1\", not gpupt-trial. Run"));
	put(f, "boot/grub/grubenv", "# GRUB Environment Block\n");
	assert_int_equal(RUN(f, gpupt_cmd_status, "status"), 1);
	assert_non_null(strstr(f->out, "grubenv's next_entry is unset, not gpupt-trial. Run"));
	free(env);
	free_fixture(f);
}

static void test_grub_default_without_entry_is_refused(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before;

	(void)state;
	pin_grub_default(f, SUBMENU_ID ">gnulinux-6.0.0-1-amd64-advanced-x");
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "GRUB's default \"" SUBMENU_ID ">gnulinux-6.0.0-1-amd64-advanced-x\" "
				       "(GRUB_DEFAULT, as /boot/grub/grub.cfg has it) names no menu entry"));
	assert_non_null(strstr(f->err, "nothing was written\n"));
	assert_snapshot(f, before, NULL);
	/* The dry run says the same, before the plan. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 1);
	assert_non_null(strstr(f->err, "names no menu entry"));
	assert_snapshot(f, before, NULL);
	/* GRUB_DEFAULT=saved: grubenv's saved_entry counts. */
	pin_grub_default(f, "${saved_entry}");
	put(f, "boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=1\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "GRUB's default \"1\" names a submenu, not an entry in it"));
	put(f, "boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=1>1\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--dry-run", "01:00"), 0);
	assert_non_null(strstr(f->out, "copied from: 'Debian GNU/Linux, with Linux 6.1.0-18-amd64'"));
	free(before);
	free_fixture(f);
}

/*
 * A PCI function as tests/fixtures/host/devroot.sh's pcidev makes one:
 * attributes with their newlines, 64 bytes of config space, the bus link,
 * the driver link, an IOMMU group of its own.
 */
static void add_function(struct fx *f, const char *addr, unsigned cls, const char *drv, int group)
{
	char d[128], path[256], target[256];
	unsigned char config[64] = { 0x86, 0x80, 0xed, 0x10 };
	static const char *const attrs[][2] = {
		{ "vendor", "0x8086\n" },	      { "device", "0x10ed\n" },
		{ "subsystem_vendor", "0x8086\n" }, { "subsystem_device", "0x0001\n" },
		{ "driver_override", "(null)\n" },  { "reset_method", "flr\n" },
		{ "irq", "0\n" },		      { "resource", "" },
	};

	snprintf(d, sizeof(d), DEVS "%s", addr);
	assert_int_equal(mkdirat(f->h.rootfd, d, 0755), 0);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", d, attrs[i][0]);
		put(f, path, attrs[i][1]);
	}
	snprintf(path, sizeof(path), "%s/class", d);
	snprintf(target, sizeof(target), "0x%06x\n", cls);
	put(f, path, target);
	config[9] = (unsigned char)cls;
	config[10] = (unsigned char)(cls >> 8);
	config[11] = (unsigned char)(cls >> 16);
	snprintf(path, sizeof(path), "%s/config", d);
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, path, (char *)config, sizeof(config), 0644), 0);
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", addr);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", addr);
	assert_int_equal(symlinkat(target, f->h.rootfd, path), 0);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d", group);
	mkdirat(f->h.rootfd, path, 0755);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices", group);
	mkdirat(f->h.rootfd, path, 0755);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s", group, addr);
	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", addr);
	assert_int_equal(symlinkat(target, f->h.rootfd, path), 0);
	snprintf(path, sizeof(path), "%s/iommu_group", d);
	snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", group);
	assert_int_equal(symlinkat(target, f->h.rootfd, path), 0);
	bind_to(f, addr, drv);
}

/*
 * qemu-server binds a VM's hostpci devices to vfio-pci when the VM starts:
 * a USB controller on vfio-pci at enable is back on xhci_hcd in a boot
 * where that VM does not start.  Harmless: the trial confirms and says so.
 * A storage or network function that lost its driver still fails it.
 */
static void test_agent_others_fail_only_on_what_matters(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char *text;

	(void)state;
	add_function(f, "0000:05:00.0", 0x0c0330, "vfio-pci", 20);
	add_function(f, "0000:06:00.0", 0x020000, "igb", 21);
	add_function(f, "0000:07:00.0", 0x020000, "vfio-pci", 22);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_int_equal(t.n_before, 7);
	assert_string_equal(t.before[4].addr, "0000:05:00.0");
	assert_int_equal(t.before[4].class, 0x0c0330);
	text = read_rel(f, GPUPT_TRIAL_PATH);
	assert_non_null(strstr(text, "\nbefore 0000:05:00.0 0c0330 vfio-pci\nbefore 0000:06:00.0 020000 igb\n"));
	free(text);
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	bind_to(f, "0000:05:00.0", "xhci_hcd");
	bind_to(f, "0000:07:00.0", "igb");
	put(f, "dev/watchdog", "");
	agent_ends(f, &t, GPUPT_TRIAL_CONFIRMED);
	assert_string_equal(t.result[1], "PASS other devices: no storage or network function lost its driver, none "
					 "went to vfio-pci; changed, harmless: 0000:05:00.0 (vfio-pci) is now on "
					 "xhci_hcd; 0000:07:00.0 (vfio-pci) is now on igb");
	free_fixture(f);

	/* The NIC without its driver, the USB controller taken by vfio-pci: both fail. */
	f = make_fixture("seed", "debian", NULL);
	add_function(f, "0000:05:00.0", 0x0c0330, "xhci_hcd", 20);
	add_function(f, "0000:06:00.0", 0x020000, "igb", 21);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	bind_to(f, "0000:05:00.0", "vfio-pci");
	assert_int_equal(unlinkat(f->h.rootfd, DEVS "0000:06:00.0/driver", 0), 0);
	put(f, "proc/uptime", "601.25 10.00\n");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.result[1], "FAIL other devices: 0000:05:00.0 (xhci_hcd) is now on vfio-pci; "
					 "0000:06:00.0 (igb) lost its driver");
	free_fixture(f);
}

/*
 * SR-IOV: 300 virtual functions before the host's NIC at 81:00.0.  The
 * snapshot holds every function, so the NIC moved to vfio-pci fails the
 * trial (the 256 it held once ended before the NIC).
 */
static void test_agent_sees_every_function(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	struct gpupt_trial t;
	char addr[16];

	(void)state;
	for (int i = 0; i < 300; i++) {
		snprintf(addr, sizeof(addr), "0000:%02x:%02x.%d", 0x10 + i / 256, i / 8 % 32, i % 8);
		add_function(f, addr, 0x020000, "iavf", 100 + i);
	}
	add_function(f, "0000:81:00.0", 0x020000, "ice", 99);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--yes", "01:00"), 0);
	load(f, &t);
	assert_int_equal(t.n_before, 305);
	assert_string_equal(t.before[304].addr, "0000:81:00.0");
	boot_trial(f, &t);
	bind_to(f, "0000:01:00.0", "vfio-pci");
	bind_to(f, "0000:01:00.1", "vfio-pci");
	bind_to(f, "0000:81:00.0", "vfio-pci");
	put(f, "proc/uptime", "601.25 10.00\n");
	agent_ends(f, &t, GPUPT_TRIAL_ROLLED_BACK);
	assert_string_equal(t.result[1], "FAIL other devices: 0000:81:00.0 (ice) is now on vfio-pci");
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_makes_a_grub_trial),
		cmocka_unit_test(test_dry_run_writes_nothing),
		cmocka_unit_test(test_lvm_needs_an_explicit_choice),
		cmocka_unit_test(test_trial_needs_its_check),
		cmocka_unit_test(test_trial_image_needs_room),
		cmocka_unit_test(test_proxmox_boot_tool_grub_has_no_trial),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_disable_cancels),
		cmocka_unit_test(test_confirm_equals_no_trial),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_agent_confirms_a_healthy_boot),
		cmocka_unit_test(test_agent_rolls_back_at_the_deadline),
		cmocka_unit_test(test_agent_rules),
		cmocka_unit_test(test_agent_after_a_failed_trial_boot),
		cmocka_unit_test(test_damaged_state_is_not_trusted),
		cmocka_unit_test(test_sdboot_trial),
		cmocka_unit_test(test_uplink_nic_is_refused),
		cmocka_unit_test(test_agent_bridge_without_its_nic),
		cmocka_unit_test(test_agent_wants_carrier),
		cmocka_unit_test(test_agent_confirms_a_bridged_host),
		cmocka_unit_test(test_bond_and_vlan),
		cmocka_unit_test(test_ipv6_only),
		cmocka_unit_test(test_no_default_route_is_said),
		cmocka_unit_test(test_state_older_versions),
		cmocka_unit_test(test_agent_after_rollback_during_check),
		cmocka_unit_test(test_agent_after_confirm_during_check),
		cmocka_unit_test(test_agent_waits_for_the_lock),
		cmocka_unit_test(test_grub_trial_copies_the_pinned_entry),
		cmocka_unit_test(test_grub_default_without_entry_is_refused),
		cmocka_unit_test(test_trial_entry_gone_before_its_boot),
		cmocka_unit_test(test_agent_leaves_watchdog_mux_alone),
		cmocka_unit_test(test_trial_oneshot_gone_before_its_boot),
		cmocka_unit_test(test_agent_others_fail_only_on_what_matters),
		cmocka_unit_test(test_agent_sees_every_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
