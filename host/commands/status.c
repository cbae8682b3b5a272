// SPDX-License-Identifier: MIT
/*
 * gpupt status: the configured selection (/etc/gpupt.conf), the gpupt
 * tokens of the command line in effect (/proc/cmdline), and what each
 * selected device is bound to now.
 *
 * A reboot is pending when /etc/gpupt.conf or a boot-loader file changed
 * after this boot (mtime later than btime in /proc/stat): the binder ran
 * from the initramfs copy made before.  An initramfs of the running kernel
 * older than /etc/gpupt.conf still holds the old copy: said too, unless
 * the hook's record proves it binds as configured.  Why a device is not on its target
 * driver comes from the binder's own kernel log lines (GPUPT_MSG_PREFIX), read
 * without blocking from <root>/dev/kmsg: one record per read() on the live
 * file (reading needs root), plain "PRI,SEQ,TIME,-;MESSAGE" lines in a
 * fixture file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "host/host.h"
#include "host/model/bootloader.h"
#include "host/model/devices.h"
#include "host/model/images.h"
#include "host/model/platform.h"
#include "host/model/select.h"
#include "host/model/history.h"
#include "host/model/journal.h"
#include "host/model/trial.h"
#include "lib/json.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"

enum { KMSG_MAX = 1 << 20, KMSG_RECORD = 8192 };

enum { GPUPT_STATUS_BACKUPS = 64 }; /* listed by --verbose */

struct status_ctx {
	struct gpupt_host *h;
	struct gpupt_devlist l;
	struct gpupt_config conf, cmdline, merged;
	char *kmsg;		/* the kernel log's gpupt lines, malloc'd, or NULL */
	int kmsg_err;		/* why the log could not be read (-errno), 0 */
	char pending[512];	/* files changed since boot, "" none */
	bool conf_changed;	/* /etc/gpupt.conf is one of them */
	char stale_initrd[160]; /* initramfs older than /etc/gpupt.conf, "" none */
	struct gpupt_trial trial;
	bool in_trial;	   /* this boot is the pending trial's */
	bool trial_booted; /* this boot carries the trial's marker, whatever its state */
	enum gpupt_trial_ready trial_ready; /* of a pending trial: would the next boot be it? */
	char trial_not_ready[320];	    /* why not, for a person */
	bool trial_unit_ok;		    /* gpupt-trial.service will run at boot */
	char trial_unit_why[320];	    /* why not */
	bool verbose;			    /* --verbose: the backups too */
	int problems;
};

static const char *const boot_files[] = {
	GPUPT_CONF_PATH,
	"etc/default/grub",
	"etc/kernel/cmdline",
};

static void note_if_newer(struct status_ctx *c, const char *rel, long bt)
{
	struct stat st;
	size_t used = strlen(c->pending);

	if (gpupt_path_stat(c->h->rootfd, rel, &st, true) != 0 || st.st_mtim.tv_sec <= bt)
		return;
	c->conf_changed |= strcmp(rel, GPUPT_CONF_PATH) == 0;
	snprintf(c->pending + used, sizeof(c->pending) - used, "%s/%s", used ? ", " : "", rel);
}

/*
 * An image older than the conf may still bind exactly as configured: when
 * its hook's record proves that it carries the installed binder and the
 * next boot's command line makes its copy of the conf irrelevant (what
 * `gpupt enable` relies on to skip the rebuild).  Any doubt: it is stale.
 */
static bool image_binds_as_configured(struct status_ctx *c, const char *ver)
{
	const struct gpupt_bootloader *b = gpupt_bootloader_detect(c->h->rootfd);
	struct gpupt_boot_cmdline *next = malloc(sizeof(*next));
	struct gpupt_image_next n = { 0 };
	struct gpupt_image img = { .rebuild = true };
	char *conf = NULL;
	size_t len = 0;
	bool ok = false;

	if (b && next && gpupt_bootloader_configured(c->h->rootfd, b, NULL, next) == 0 &&
	    gpupt_read_file_alloc(c->h->rootfd, GPUPT_CONF_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				  &conf, &len) >= 0) {
		n.cmdline = next->value;
		n.conf = conf;
		n.conf_len = len;
		gpupt_image_check(c->h->rootfd, ver, &n, &img);
		ok = !img.rebuild;
	}
	free(conf);
	free(next);
	return ok;
}

/*
 * The initramfs carries a copy of /etc/gpupt.conf: one built before the
 * conf's last change boots with the old selection, unless its record shows
 * otherwise.  Checked for the running kernel's image under the names
 * initramfs-tools and dracut give it.
 */
static void find_stale_initrd(struct status_ctx *c)
{
	static const char *const names[] = { "boot/initrd.img-%s", "boot/initramfs-%s.img" };
	char ver[64], rel[128];
	struct stat conf, img;

	if (gpupt_path_stat(c->h->rootfd, GPUPT_CONF_PATH, &conf, true) != 0 ||
	    gpupt_read_file(c->h->rootfd, "proc/sys/kernel/osrelease", ver, sizeof(ver), GPUPT_READ_REGULAR) <= 0)
		return;
	ver[strcspn(ver, "\n")] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(rel, sizeof(rel), names[i], ver);
		if (gpupt_path_stat(c->h->rootfd, rel, &img, true) != 0)
			continue;
		if (img.st_mtim.tv_sec < conf.st_mtim.tv_sec &&
		    !(i == 0 && image_binds_as_configured(c, ver)))
			snprintf(c->stale_initrd, sizeof(c->stale_initrd), "/%s", rel);
		return;
	}
}

static void find_pending(struct status_ctx *c)
{
	long bt = gpupt_boot_time(c->h->rootfd);

	if (bt < 0)
		return;
	/*
	 * The trial boot that confirmed itself runs the settings it then wrote:
	 * the files are newer than the boot, yet no reboot is pending.
	 */
	if (c->trial.state == GPUPT_TRIAL_CONFIRMED && c->trial_booted)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(boot_files); i++)
		note_if_newer(c, boot_files[i], bt);
	note_if_newer(c, "etc/default/grub.d", bt);
}

/* Keep the message part of each "PRI,SEQ,TIME,FLAGS;MESSAGE" record the binder logged. */
static size_t keep_gpupt_records(char *buf, size_t len)
{
	size_t out = 0;
	char *line = buf, *end = buf + len;

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *msg = memchr(line, ';', (size_t)((nl ? nl : end) - line));

		if (!nl)
			nl = end;
		if (msg && (size_t)(nl - msg - 1) >= STRLEN(GPUPT_MSG_PREFIX) &&
		    strncmp(msg + 1, GPUPT_MSG_PREFIX, STRLEN(GPUPT_MSG_PREFIX)) == 0) {
			size_t n = (size_t)(nl - msg - 1);

			memmove(buf + out, msg + 1, n);
			out += n;
			buf[out++] = '\n';
		}
		line = nl + 1;
	}
	return out;
}

static void read_kmsg(struct status_ctx *c)
{
	size_t len = 0;
	char *buf = malloc(KMSG_MAX + 1);
	int fd;

	if (!buf) {
		c->kmsg_err = -ENOMEM;
		return;
	}
	fd = gpupt_path_open(c->h->rootfd, "dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
	if (fd < 0) {
		c->kmsg_err = fd;
		free(buf);
		return;
	}
	while (len + KMSG_RECORD <= KMSG_MAX) {
		ssize_t r = read(fd, buf + len, KMSG_RECORD);

		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records were overwritten; go on with the next */
		if (r <= 0)
			break; /* EAGAIN: the end of the live log */
		len += (size_t)r;
		if (buf[len - 1] != '\n')
			buf[len++] = '\n';
	}
	close(fd);
	len = keep_gpupt_records(buf, len);
	buf[len] = '\0';
	c->kmsg = buf;
}

static const char *target_driver(const struct status_ctx *c)
{
	return c->merged.driver[0] ? c->merged.driver : GPUPT_DEFAULT_DRIVER;
}

static bool shown(const struct status_ctx *c, const struct gpupt_dev *d)
{
	return gpupt_config_selects(&c->conf, d) || gpupt_config_selects(&c->cmdline, d);
}

static bool kmsg_mentions(const struct status_ctx *c, const struct gpupt_dev *d)
{
	return c->kmsg && strstr(c->kmsg, d->addr);
}

/* Why d is not on its target driver, in one line. */
static const char *why_not(const struct status_ctx *c, const struct gpupt_dev *d, const char *src,
			   char *buf, size_t size)
{
	if (c->cmdline.off)
		return "gpupt.off is on the kernel command line";
	if (!src)
		return "the kernel command line's gpupt selection overrides /etc/gpupt.conf";
	if (c->conf_changed && strcmp(src, "conf") == 0)
		return "/etc/gpupt.conf changed after this boot: reboot";
	if (d->iommu_group < 0)
		return "no IOMMU group: vfio-pci cannot probe without the IOMMU (see `gpupt check`)";
	if (strcmp(d->driver_override, target_driver(c)) == 0 && !d->driver[0])
		return "driver_override is set but the driver did not bind (module not loaded?)";
	if (c->kmsg_err == -EACCES || c->kmsg_err == -EPERM)
		snprintf(buf, size, "on %s (run as root to read gpupt's kernel log lines)",
			 d->driver[0] ? d->driver : "no driver");
	else if (c->kmsg_err)
		snprintf(buf, size, "on %s (/dev/kmsg: %s)", d->driver[0] ? d->driver : "no driver",
			 strerror(-c->kmsg_err));
	else if (!kmsg_mentions(c, d))
		snprintf(buf, size,
			 "on %s, and the kernel log has no gpupt line for it: is gpupt in"
			 " the initramfs? (update-initramfs -u -k all)",
			 d->driver[0] ? d->driver : "no driver");
	else
		snprintf(buf, size, "on %s; gpupt's kernel log lines:", d->driver[0] ? d->driver : "no driver");
	return buf;
}

static void print_config_line(FILE *f, const char *label, const struct gpupt_config *cfg)
{
	char buf[64];

	fprintf(f, "%s:", label);
	if (cfg->off)
		fputs(" gpupt.off", f);
	for (unsigned i = 0; i < cfg->n_ids; i++)
		if (gpupt_format_id(&cfg->ids[i], buf, sizeof(buf)) >= 0)
			fprintf(f, " ids=%s", buf);
	for (unsigned i = 0; i < cfg->n_addrs; i++)
		if (gpupt_format_addr(&cfg->addrs[i], buf, sizeof(buf)) >= 0)
			fprintf(f, " addrs=%s", buf);
	if (cfg->driver[0])
		fprintf(f, " driver=%s", cfg->driver);
	if (!cfg->off && !cfg->n_ids && !cfg->n_addrs && !cfg->driver[0])
		fputs(" (nothing)", f);
	fputc('\n', f);
}

/* Does configured addrs entry i match no device now (card moved or replaced)? */
static bool addr_unmatched(const struct status_ctx *c, unsigned i)
{
	struct gpupt_config one;

	gpupt_config_init(&one);
	one.addrs[0] = c->conf.addrs[i];
	one.n_addrs = 1;
	for (size_t k = 0; k < c->l.n; k++)
		if (gpupt_config_selects(&one, &c->l.dev[k]))
			return false;
	return true;
}

static void print_unmatched(struct status_ctx *c)
{
	char buf[64];

	for (unsigned i = 0; i < c->conf.n_addrs; i++) {
		if (!addr_unmatched(c, i) || gpupt_format_addr(&c->conf.addrs[i], buf, sizeof(buf)) < 0)
			continue;
		c->problems++;
		fprintf(c->h->out,
			"%s: no such device now (moved or replaced?): the binder skips it;"
			" run `gpupt enable` again for the card's new address\n",
			buf);
	}
}

static void json_unmatched(struct status_ctx *c, struct gpupt_json *j)
{
	char buf[64];

	gpupt_json_key(j, "missing");
	gpupt_json_begin_array(j);
	for (unsigned i = 0; i < c->conf.n_addrs; i++) {
		if (!addr_unmatched(c, i) || gpupt_format_addr(&c->conf.addrs[i], buf, sizeof(buf)) < 0)
			continue;
		c->problems++;
		gpupt_json_str(j, buf);
	}
	gpupt_json_end_array(j);
}

static void print_kmsg_for(const struct status_ctx *c, const struct gpupt_dev *d)
{
	const char *p = c->kmsg;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (memmem(p, n, d->addr, strlen(d->addr))) {
			char line[KMSG_RECORD], line_shown[4 * KMSG_RECORD];

			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			fprintf(c->h->out, "    kernel log: %s\n",
				gpupt_printable(line, line_shown, sizeof(line_shown)));
		}
		p += n + (nl != NULL);
	}
}

static void print_devices(struct status_ctx *c)
{
	char why[256], drv[4 * GPUPT_DRVNAME_MAX], why_shown[4 * sizeof(why)];
	bool any = false;

	for (size_t i = 0; i < c->l.n; i++) {
		const struct gpupt_dev *d = &c->l.dev[i];
		const char *src = gpupt_select_source(&c->conf, &c->cmdline, d);
		bool ok;

		if (!shown(c, d))
			continue;
		if (!any)
			fprintf(c->h->out, "\n%-12s  %-9s  %-11s  %-9s  %-14s  %s\n", "DEVICE", "ID",
				"SELECTED_BY", "TARGET", "BOUND", "STATE");
		any = true;
		ok = src && strcmp(d->driver, target_driver(c)) == 0;
		c->problems += !ok;
		/* The driver's name comes from sysfs, and the reason may hold it. */
		fprintf(c->h->out, "%-12s  %04x:%04x  %-11s  %-9s  %-14s  %s\n", d->addr, d->vendor,
			d->device, src ? src : "-", target_driver(c),
			gpupt_printable(d->driver[0] ? d->driver : "-", drv, sizeof(drv)),
			ok ? "ok"
			   : gpupt_printable(why_not(c, d, src, why, sizeof(why)), why_shown,
					     sizeof(why_shown)));
		if (!ok)
			print_kmsg_for(c, d);
	}
	if (!any)
		fputs("\nNo device is selected: `gpupt enable SEL` selects one (see `gpupt list`).\n",
		      c->h->out);
}

static void format_time(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "%lld", t);
}

static void print_trial(struct status_ctx *c)
{
	const struct gpupt_trial *t = &c->trial;
	char when[40];

	if (t->state == GPUPT_TRIAL_NONE)
		return;
	format_time(t->id, when, sizeof(when));
	if (t->state == GPUPT_TRIAL_PENDING && t->has_efi_boot) {
		fprintf(c->h->out,
			"Trial boot: pending (set up %s, the firmware's boot option Boot%04X with its files in /%s, "
			"deadline %u minutes after its boot); ",
			when, t->efi_boot & 0xffff, t->entry, t->minutes);
	} else if (t->state == GPUPT_TRIAL_PENDING && t->n_esp) {
		fprintf(c->h->out,
			"Trial boot: pending (set up %s, entry %s and its files in " GPUPT_EFI_TRIAL_DIR
			" on proxmox-boot-tool's ESP%s",
			when, t->entry, t->n_esp == 1 ? "" : "s");
		for (size_t i = 0; i < t->n_esp; i++)
			fprintf(c->h->out, "%s%s", i ? ", " : " ", t->esp[i]);
		fprintf(c->h->out, ", deadline %u minutes after its boot); ", t->minutes);
	} else if (t->state == GPUPT_TRIAL_PENDING) {
		fprintf(c->h->out,
			"Trial boot: pending (set up %s, entry in /%s, deadline %u minutes after its boot); ",
			when, t->entry, t->minutes);
	}
	if (t->state == GPUPT_TRIAL_PENDING) {
		if (c->in_trial && !c->trial_unit_ok)
			fprintf(c->h->out,
				"this is the trial boot, but nothing checks it: %s. Until then end it by hand: "
				"`gpupt confirm` or `gpupt rollback`\n",
				c->trial_unit_why);
		else if (c->in_trial)
			fputs("this is the trial boot: gpupt-trial.service confirms it or rolls it back\n",
			      c->h->out);
		else if (c->trial_ready == GPUPT_TRIAL_READY && !c->trial_unit_ok)
			fprintf(c->h->out,
				"but nothing would check the trial boot, and the boot after it would go back "
				"to the old settings: %s before you reboot\n",
				c->trial_unit_why);
		else if (c->trial_ready == GPUPT_TRIAL_READY)
			fputs("reboot to start it, or `gpupt rollback --no-reboot` to cancel it\n",
			      c->h->out);
		else
			fprintf(c->h->out,
				"but the next boot is not the trial: %s. Run `gpupt rollback --no-reboot`, then "
				"`gpupt enable` again\n",
				c->trial_not_ready);
		c->problems++;
	} else if (t->state == GPUPT_TRIAL_CONFIRMED) {
		/* Older files say "confirmed: by ..." themselves. */
		fprintf(c->h->out, "Trial boot: the trial of %s was confirmed %s\n", when,
			strncmp(t->reason, "confirmed: ", 11) == 0 ? t->reason + 11 : t->reason);
	} else {
		fprintf(c->h->out, "Trial boot: the trial of %s rolled back: %s\n", when, t->reason);
	}
	for (size_t i = 0; i < t->n_result; i++)
		fprintf(c->h->out, "  %s\n", t->result[i]);
}

static void json_trial(struct status_ctx *c, struct gpupt_json *j)
{
	const struct gpupt_trial *t = &c->trial;
	char when[40];

	gpupt_json_key(j, "trial");
	if (t->state == GPUPT_TRIAL_NONE) {
		gpupt_json_null(j);
		return;
	}
	format_time(t->id, when, sizeof(when));
	gpupt_json_begin_object(j);
	gpupt_json_kv_str(j, "state", gpupt_trial_state_name(t->state));
	gpupt_json_kv_int(j, "id", t->id);
	gpupt_json_kv_str(j, "started", when);
	gpupt_json_kv_int(j, "minutes", t->minutes);
	gpupt_json_kv_str(j, "loader", t->loader);
	gpupt_json_kv_str(j, "entry", t->entry);
	if (t->has_efi_boot) {
		char num[8];

		snprintf(num, sizeof(num), "%04X", t->efi_boot & 0xffff);
		gpupt_json_kv_str(j, "efi_boot", num);
	}
	if (t->n_esp) {
		gpupt_json_key(j, "esps");
		gpupt_json_begin_array(j);
		for (size_t i = 0; i < t->n_esp; i++)
			gpupt_json_str(j, t->esp[i]);
		gpupt_json_end_array(j);
	}
	gpupt_json_kv_bool(j, "oneshot_guaranteed", !t->oneshot_late);
	gpupt_json_kv_bool(j, "this_boot", c->in_trial);
	gpupt_json_kv_bool(j, "checked", c->trial_unit_ok);
	if (t->state == GPUPT_TRIAL_PENDING && !c->in_trial) {
		gpupt_json_kv_bool(j, "next_boot", c->trial_ready == GPUPT_TRIAL_READY);
		gpupt_json_kv_str(j, "next_boot_why_not", c->trial_not_ready[0] ? c->trial_not_ready : NULL);
	}
	gpupt_json_key(j, "results");
	gpupt_json_begin_array(j);
	for (size_t i = 0; i < t->n_result; i++)
		gpupt_json_str(j, t->result[i]);
	gpupt_json_end_array(j);
	gpupt_json_kv_str(j, "reason", t->reason[0] ? t->reason : NULL);
	gpupt_json_end_object(j);
	c->problems += t->state == GPUPT_TRIAL_PENDING;
}

/* "20261207T101500Z[.N]" as "2026-12-07 10:15:00 UTC"; the name as it is otherwise. */
static void backup_time(const char *name, char *buf, size_t size)
{
	if (strlen(name) >= 16 && name[8] == 'T' && name[15] == 'Z')
		snprintf(buf, size, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", name, name + 4, name + 6,
			 name + 9, name + 11, name + 13);
	else
		snprintf(buf, size, "%s", name);
}

static const char *backup_state(const struct gpupt_backup_info *b)
{
	if (b->err == -ENOENT)
		return "no journal";
	if (b->err == -EBADMSG)
		return "journal damaged";
	if (b->err < 0)
		return "journal unreadable";
	return b->s.seal == GPUPT_SEAL_NONE ? "journal without checksum (older gpupt)" : NULL;
}

/* The backups, newest first; NULL and -errno when they cannot be listed. */
static struct gpupt_backup_info *list_backups(struct status_ctx *c, int *n)
{
	struct gpupt_plan *j = calloc(1, sizeof(*j));
	struct gpupt_backup_info *b = calloc(GPUPT_STATUS_BACKUPS, sizeof(*b));
	struct gpupt_journal_seen seen;
	bool journal_ok = j && gpupt_journal_read(c->h->rootfd, NULL, j, &seen) == 0;

	*n = b ? gpupt_backups_list(c->h->rootfd, journal_ok ? j : NULL, b, GPUPT_STATUS_BACKUPS) : -ENOMEM;
	if (j)
		gpupt_plan_free(j);
	free(j);
	if (*n < 0) {
		free(b);
		return NULL;
	}
	return b;
}

static void print_backups(struct status_ctx *c)
{
	FILE *f = c->h->out;
	char when[48];
	int n;
	struct gpupt_backup_info *b = list_backups(c, &n);

	if (!b) {
		fprintf(f, "Backups (/%s): cannot list them: %s\n", GPUPT_BACKUP_DIR, strerror(-n));
		return;
	}
	fprintf(f, "Backups (/%s, newest first; gpupt keeps the newest %d and those `gpupt disable` needs): %s\n",
		GPUPT_BACKUP_DIR, GPUPT_BACKUP_KEEP, n ? "" : "none");
	for (int i = 0; i < n && i < GPUPT_STATUS_BACKUPS; i++) {
		const char *state = backup_state(&b[i]);

		backup_time(b[i].name, when, sizeof(when));
		fprintf(f, "  %s  %s%s%s%s\n", when, b[i].s.command[0] ? b[i].s.command : "?",
			b[i].needed ? " (disable needs it)" : "", state ? "; " : "", state ? state : "");
		for (size_t k = 0; k < b[i].s.n_files && k < GPUPT_BACKUP_MAX_FILES; k++)
			if (b[i].s.saved[k])
				fprintf(f, "    /%s (before: /%s/%s/%s)\n", b[i].s.files[k],
					GPUPT_BACKUP_DIR, b[i].name, b[i].s.files[k]);
			else
				fprintf(f, "    /%s (before: none, the run made it)\n", b[i].s.files[k]);
	}
	if (n > GPUPT_STATUS_BACKUPS)
		fprintf(f, "  ... and %d older\n", n - GPUPT_STATUS_BACKUPS);
	free(b);
}

static void json_backups(struct status_ctx *c, struct gpupt_json *j)
{
	int n;
	struct gpupt_backup_info *b = list_backups(c, &n);

	gpupt_json_key(j, "backups");
	gpupt_json_begin_array(j);
	for (int i = 0; b && i < n && i < GPUPT_STATUS_BACKUPS; i++) {
		char dir[GPUPT_PATH_MAX];

		snprintf(dir, sizeof(dir), "/%s/%s", GPUPT_BACKUP_DIR, b[i].name);
		gpupt_json_begin_object(j);
		gpupt_json_kv_str(j, "dir", dir);
		gpupt_json_kv_str(j, "command", b[i].s.command[0] ? b[i].s.command : NULL);
		gpupt_json_kv_bool(j, "needed", b[i].needed);
		gpupt_json_kv_str(j, "problem", backup_state(&b[i]));
		gpupt_json_key(j, "files");
		gpupt_json_begin_array(j);
		for (size_t k = 0; k < b[i].s.n_files && k < GPUPT_BACKUP_MAX_FILES; k++)
			gpupt_json_str(j, b[i].s.files[k]);
		gpupt_json_end_array(j);
		gpupt_json_end_object(j);
	}
	gpupt_json_end_array(j);
	free(b);
}

static void print_text(struct status_ctx *c)
{
	FILE *f = c->h->out;

	print_config_line(f, "Configured (/etc/gpupt.conf)", &c->conf);
	print_config_line(f, "Kernel command line in effect (gpupt.*)", &c->cmdline);
	if (c->pending[0]) {
		fprintf(f, "Reboot pending: changed since this boot: %s\n", c->pending);
		c->problems++;
	} else {
		fputs("Reboot pending: no\n", f);
	}
	print_trial(c);
	if (c->verbose)
		print_backups(c);
	if (c->stale_initrd[0]) {
		fprintf(f,
			"Initramfs: %s is older than /etc/gpupt.conf and boots with the old"
			" selection: run `update-initramfs -u -k all` (or `dracut -f --regenerate-all`)\n",
			c->stale_initrd);
		c->problems++;
	}
	print_unmatched(c);
	print_devices(c);
}

static void json_config(struct gpupt_json *j, const char *key, const struct gpupt_config *cfg)
{
	char buf[64];

	gpupt_json_key(j, key);
	gpupt_json_begin_object(j);
	gpupt_json_kv_bool(j, "off", cfg->off);
	gpupt_json_key(j, "ids");
	gpupt_json_begin_array(j);
	for (unsigned i = 0; i < cfg->n_ids; i++)
		if (gpupt_format_id(&cfg->ids[i], buf, sizeof(buf)) >= 0)
			gpupt_json_str(j, buf);
	gpupt_json_end_array(j);
	gpupt_json_key(j, "addrs");
	gpupt_json_begin_array(j);
	for (unsigned i = 0; i < cfg->n_addrs; i++)
		if (gpupt_format_addr(&cfg->addrs[i], buf, sizeof(buf)) >= 0)
			gpupt_json_str(j, buf);
	gpupt_json_end_array(j);
	gpupt_json_kv_str(j, "driver", cfg->driver[0] ? cfg->driver : NULL);
	gpupt_json_end_object(j);
}

static void json_device(struct status_ctx *c, struct gpupt_json *j, const struct gpupt_dev *d)
{
	const char *src = gpupt_select_source(&c->conf, &c->cmdline, d);
	bool ok = src && strcmp(d->driver, target_driver(c)) == 0;
	char why[256];

	c->problems += !ok;
	gpupt_json_begin_object(j);
	gpupt_json_kv_str(j, "address", d->addr);
	gpupt_json_kv_str(j, "selected_by", src);
	gpupt_json_kv_str(j, "target_driver", target_driver(c));
	gpupt_json_kv_str(j, "driver", d->driver[0] ? d->driver : NULL);
	gpupt_json_kv_str(j, "driver_override", d->driver_override[0] ? d->driver_override : NULL);
	gpupt_json_kv_bool(j, "ok", ok);
	gpupt_json_kv_str(j, "reason", ok ? NULL : why_not(c, d, src, why, sizeof(why)));
	gpupt_json_end_object(j);
}

static int print_json(struct status_ctx *c)
{
	struct gpupt_json j;

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	json_config(&j, "configured", &c->conf);
	json_config(&j, "cmdline", &c->cmdline);
	gpupt_json_kv_bool(&j, "reboot_pending", c->pending[0] != '\0');
	c->problems += c->pending[0] != '\0';
	gpupt_json_kv_str(&j, "stale_initramfs", c->stale_initrd[0] ? c->stale_initrd : NULL);
	c->problems += c->stale_initrd[0] != '\0';
	json_unmatched(c, &j);
	json_trial(c, &j);
	if (c->verbose)
		json_backups(c, &j);
	gpupt_json_key(&j, "devices");
	gpupt_json_begin_array(&j);
	for (size_t i = 0; i < c->l.n; i++)
		if (shown(c, &c->l.dev[i]))
			json_device(c, &j, &c->l.dev[i]);
	gpupt_json_end_array(&j);
	gpupt_json_end_object(&j);
	return gpupt_json_finish(&j);
}

static int status_usage(FILE *f, int status)
{
	fputs("Usage: gpupt [--root DIR] [--json] [--verbose] status\n"
	      "\n"
	      "What is configured (/etc/gpupt.conf), what the kernel command line in effect\n"
	      "selects (gpupt.*), and what each selected device is bound to now, with the\n"
	      "reason when it is not on its target driver (from gpupt's kernel log lines).\n"
	      "Says when a reboot is pending, and how the last trial boot went.\n"
	      "\n"
	      "With --verbose, also what gpupt changed, run by run: each backup under\n"
	      "/var/lib/gpupt/backup, its command, the files it changed, and whether\n"
	      "`gpupt disable` still needs it.\n"
	      "\n"
	      "Exit status: 0 everything as configured; 1 a device is not on its target\n"
	      "driver, a configured device is missing, a reboot or a trial boot is pending.\n",
	      f);
	return status;
}

int gpupt_cmd_status(struct gpupt_host *h, int argc, char **argv)
{
	struct status_ctx *c;
	int opt, r, ret = 1, first;

	opt = gpupt_options_parse_or_usage(h->out, h->err, gpupt_no_options, argc, argv,
					   gpupt_option_none, NULL, &first, status_usage);
	if (opt != 0)
		return opt < 0 ? 0 : opt;
	if (first < argc) {
		gpupt_msg(h->err, "status: unexpected argument \"%s\"\n", argv[first]);
		return status_usage(h->err, 2);
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->h = h;
	c->verbose = h->verbose;
	r = gpupt_devices_scan_flags(h, &c->l, GPUPT_SCAN_NO_NAMES);
	if (r < 0) {
		gpupt_msg(h->err, "cannot enumerate PCI devices under %s: %s\n", h->root, strerror(-r));
		goto out;
	}
	if (gpupt_config_load(h, &c->conf, &c->cmdline, &c->merged, h->err) < 0)
		goto out;
	if (gpupt_trial_load(h->rootfd, &c->trial, h->err) < 0)
		c->problems++;
	c->trial_booted = c->trial.state != GPUPT_TRIAL_NONE && gpupt_trial_booted(h->rootfd) == c->trial.id;
	c->in_trial = c->trial.state == GPUPT_TRIAL_PENDING && c->trial_booted;
	if (c->trial.state == GPUPT_TRIAL_PENDING && !c->in_trial)
		c->trial_ready =
			gpupt_trial_ready(h, &c->trial, c->trial_not_ready, sizeof(c->trial_not_ready));
	if (c->trial.state != GPUPT_TRIAL_NONE)
		c->trial_unit_ok =
			gpupt_trial_unit_enabled(h->rootfd, c->trial_unit_why, sizeof(c->trial_unit_why));
	find_pending(c);
	find_stale_initrd(c);
	read_kmsg(c);
	if (h->json) {
		if (print_json(c) < 0)
			goto out;
	} else {
		print_text(c);
	}
	ret = c->problems ? 1 : 0;
out:
	free(c->kmsg);
	gpupt_devices_free(&c->l);
	free(c);
	return ret;
}
