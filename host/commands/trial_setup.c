// SPDX-License-Identifier: MIT
/*
 * gpupt enable's trial boot (see host/model/trial.h): instead of writing
 * the plan, enable sets up a trial entry and its one-shot, with the trial's
 * own initramfs image where the default one would not bind, and records
 * the snapshot the trial boot's check compares with.  Also: a pending trial
 * refuses another enable, and disable cancels it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf/conf.h"
#include "host/commands/enable.h"
#include "host/formats/bootentry.h"
#include "host/model/pbtesp.h"
#include "host/model/platform.h"
#include "host/model/uplink.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"

/* A pending trial must end (confirm, rollback) before another change. */
int gpupt_enable_refuse_if_trial_pending(struct run_ctx *c)
{
	struct gpupt_trial t;

	if (c->o.from_trial)
		return 0;
	if (gpupt_trial_load(c->h->rootfd, &t, c->h->err) < 0)
		return 1;
	if (t.state != GPUPT_TRIAL_PENDING)
		return 0;
	gpupt_msg(c->h->err,
		  "a trial boot is pending (/%s, started %lld): end it first with `gpupt confirm` "
		  "or `gpupt rollback --no-reboot`; nothing was written\n",
		  GPUPT_TRIAL_PATH, t.id);
	return 1;
}

/*
 * disable ends a pending trial first: its entry goes, the old default stays.
 * A pending trial is read again under the lock, then ended: the trial's
 * agent decides under it too.
 */
int gpupt_enable_cancel_trial(struct run_ctx *c)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	struct gpupt_lock lock = { -1 };
	int r = t ? gpupt_trial_load(c->h->rootfd, t, c->h->err) : -ENOMEM;

	if (r == 0 && t->state == GPUPT_TRIAL_PENDING && !c->o.dry_run) {
		r = gpupt_enable_lock_take(c, &lock);
		if (r == 0)
			r = gpupt_trial_load(c->h->rootfd, t, c->h->err);
	}
	if (r == 0 && t->state == GPUPT_TRIAL_PENDING) {
		if (c->o.dry_run)
			fprintf(c->h->out, "would end the pending trial of %lld and remove its entry from /%s\n",
				t->id, t->entry);
		else
			r = gpupt_trial_end(c->h, t, GPUPT_TRIAL_ROLLED_BACK, "cancelled by gpupt disable");
		if (r == 0 && !c->o.dry_run)
			gpupt_msg(c->h->out,
				  "disable: the pending trial of %lld is cancelled; its entry is gone\n",
				  t->id);
	}
	gpupt_lock_release(&lock);
	free(t);
	return r;
}

/*
 * The trial boot's watchdog: the host's first one, armed by gpupt-bind in
 * the trial's initramfs for the trial's deadline, unless watchdog-mux
 * (Proxmox VE's HA) owns /dev/watchdog.
 */
struct trial_watchdog {
	bool mux;
	char module[GPUPT_DRIVER_MAX + 1]; /* "" for none */
	unsigned sec;
};

static void trial_watchdog(struct run_ctx *c, unsigned minutes, struct trial_watchdog *wd)
{
	memset(wd, 0, sizeof(*wd));
	wd->mux = gpupt_watchdog_mux(c->h->rootfd);
	if (wd->mux || gpupt_watchdog_module(c->h->rootfd, wd->module, sizeof(wd->module)) < 0) {
		wd->module[0] = '\0';
		return;
	}
	wd->sec = MIN(MAX(minutes * 60, (unsigned)GPUPT_WATCHDOG_SEC_MIN), (unsigned)GPUPT_WATCHDOG_SEC_MAX);
}

/* The trial's command-line tokens: enable's, the watchdog's, panic=10 and the marker. */
static int trial_tokens(const struct want *w, const struct trial_watchdog *wd, long long id, char *out, size_t size)
{
	size_t n = 0;
	int m;

	for (size_t i = 0; i < w->t.n; i++) {
		m = snprintf(out + n, size - n, "%s ", w->t.tok[i]);
		if (m < 0 || (size_t)m >= size - n)
			return -ENOSPC;
		n += (size_t)m;
	}
	if (wd->module[0]) {
		m = snprintf(out + n, size - n, "gpupt.watchdog=%s:%u ", wd->module, wd->sec);
		if (m < 0 || (size_t)m >= size - n)
			return -ENOSPC;
		n += (size_t)m;
	}
	m = snprintf(out + n, size - n, GPUPT_TRIAL_PANIC " " GPUPT_TRIAL_MARKER "=%lld", id);
	return m < 0 || (size_t)m >= size - n ? -ENOSPC : 0;
}

/* The trial's record; -E2BIG (said) when the host or the selection is more than it holds. */
static int trial_fill(struct run_ctx *c, const struct gpupt_oneshot *o, const struct gpupt_devlist *l,
		      const struct gpupt_selection *s, char **sels, int n_sels, struct gpupt_trial *t)
{
	t->state = GPUPT_TRIAL_PENDING;
	t->id = t->changed = (long long)time(NULL);
	t->minutes = c->o.trial_minutes ? c->o.trial_minutes : GPUPT_TRIAL_DEFAULT_MINUTES;
	/* Which boot set it up; without it (old kernels) the agent goes by the clock. */
	if (gpupt_boot_id(c->h->rootfd, t->boot_id, sizeof(t->boot_id)) < 0)
		t->boot_id[0] = '\0';
	snprintf(t->loader, sizeof(t->loader), "%s", o->loader);
	t->oneshot_late = o->kind == GPUPT_ONESHOT_LATE;
	t->grub_in_place = c->o.grub_in_place;
	t->unsafe_interrupts = c->o.unsafe_interrupts;
	t->force = c->o.force;
	for (int i = 0; i < n_sels && t->n_sel < GPUPT_TRIAL_MAX_SEL; i++)
		snprintf(t->sel[t->n_sel++], GPUPT_TRIAL_NAME, "%s", sels[i]);
	snprintf(t->health_cmd, sizeof(t->health_cmd), "%s", c->o.health_cmd ? c->o.health_cmd : "");
	if (n_sels <= GPUPT_TRIAL_MAX_SEL && gpupt_trial_snapshot(c->h, l, s, t) == 0)
		return 0;
	gpupt_msg(c->h->err,
		  "a trial records at most %d selections, %zu selected functions and %d others; this "
		  "host has %zu functions and %d selections: the trial could not check them all. Use "
		  "--no-trial; nothing was written\n",
		  GPUPT_TRIAL_MAX_SEL, ARRAY_SIZE(t->want), GPUPT_TRIAL_MAX_DEVS, l->n, n_sels);
	return -E2BIG;
}

/*
 * The trial kernel's image must carry gpupt-bind: the command line selects
 * the devices, and /etc/gpupt.conf does not change until the confirm.  An
 * image that would not bind so is not rebuilt in place: the default entry
 * boots it too, and it is the way back.  The trial gets its own image
 * instead, built beside it from the unchanged files, which only the trial
 * entry names and which goes with the entry.
 */
struct trial_image {
	struct gpupt_trial_kernel k;
	bool needed;
	char name[GPUPT_PATH_MAX];     /* GPUPT_TRIAL_IMAGE_PREFIX + the image's name */
	char file[GPUPT_PATH_MAX];     /* relative to the root */
	char why[GPUPT_IMAGE_WHY_MAX]; /* why the default image will not do */
};

static int trial_image_plan(struct run_ctx *c, const struct gpupt_oneshot *o, const char *tokens,
			    struct trial_image *ti)
{
	struct gpupt_image_next n = { tokens, NULL, 0 };
	struct gpupt_image img;
	const char *base;
	char *disk = NULL;
	size_t len;

	memset(ti, 0, sizeof(*ti));
	if (!c->gen)
		return 0;
	if (gpupt_trial_kernel(c->h, o, &ti->k) < 0)
		return -ENOENT;
	if (gpupt_enable_images_may_skip(c)) {
		if (gpupt_read_file_alloc(c->h->rootfd, GPUPT_CONF_PATH, GPUPT_FILE_MAX,
					  GPUPT_READ_REGULAR, &disk, &len) == 0) {
			n.conf = disk;
			n.conf_len = len;
		}
		gpupt_image_check(c->h->rootfd, ti->k.ver, &n, &img);
		free(disk);
		if (!img.rebuild)
			return 0;
		snprintf(ti->why, sizeof(ti->why), "%s", img.why);
	} else {
		snprintf(ti->why, sizeof(ti->why), "gpupt cannot tell what a %s image holds", c->gen->name);
	}
	ti->needed = true;
	base = strrchr(ti->k.image_file, '/');
	base = base ? base + 1 : ti->k.image_file;
	if (snprintf(ti->name, sizeof(ti->name), GPUPT_TRIAL_IMAGE_PREFIX "%s", base) >= (int)sizeof(ti->name) ||
	    snprintf(ti->file, sizeof(ti->file), "%.*s%s", (int)(base - ti->k.image_file),
		     ti->k.image_file, ti->name) >= (int)sizeof(ti->file))
		return -ENAMETOOLONG;
	return 0;
}

/* Room for the trial's image beside the default one: its size and half again, 1 MiB at least. */
static int trial_image_room(struct run_ctx *c, const struct trial_image *ti)
{
	char dir[GPUPT_PATH_MAX];
	struct stat st;
	unsigned long long need = 1 << 20, have;
	int r;

	snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(ti->file) - strlen(ti->name) - 1), ti->file);
	if (gpupt_path_stat(c->h->rootfd, ti->k.image_file, &st, true) == 0 && st.st_size > 0)
		need = MAX(need, (unsigned long long)st.st_size * 3 / 2);
	r = gpupt_dir_free_bytes(c->h->rootfd, dir, &have);
	if (r < 0) {
		gpupt_msg(c->h->err, "cannot tell the free space of /%s: %s; nothing was written\n",
			  dir, strerror(-r));
		return r;
	}
	if (have >= need)
		return 0;
	gpupt_msg(c->h->err,
		  "the trial needs its own initramfs image in /%s, about %llu MiB (the size of %s and half "
		  "again), and /%s has %llu MiB free: make room (`apt autoremove` takes old kernels away) or "
		  "add --no-trial; nothing was written\n",
		  dir, (need + (1 << 20) - 1) >> 20, ti->k.image, dir, have >> 20);
	return -ENOSPC;
}

static int trial_image_build(struct run_ctx *c, const struct trial_image *ti)
{
	char out[GPUPT_PATH_MAX + 1];
	const char *argv[6] = { NULL };

	snprintf(out, sizeof(out), "/%s", ti->file);
	if (strcmp(c->gen->name, "dracut") == 0) {
		argv[0] = "dracut", argv[1] = "-f", argv[2] = out, argv[3] = ti->k.ver;
	} else if (strcmp(c->gen->name, "mkinitcpio") == 0) {
		argv[0] = "mkinitcpio", argv[1] = "-k", argv[2] = ti->k.ver, argv[3] = "-g", argv[4] = out;
	} else {
		argv[0] = "mkinitramfs", argv[1] = "-o", argv[2] = out, argv[3] = ti->k.ver;
	}
	return gpupt_enable_run_regen(c, argv);
}

/* "vmbr0 (the default route's interface) up with carrier, with a link on enp3s0" for the intro. */
static void route_summary(const struct gpupt_trial *t, char *buf, size_t size)
{
	bool two = t->route[0] && t->route6[0] && strcmp(t->route, t->route6) != 0;
	size_t n;

	if (!t->route[0] && !t->route6[0]) {
		snprintf(buf, size, "no default route to check");
		return;
	}
	n = (size_t)snprintf(buf, size, "%s%s%s (the default route's interface%s) up with carrier",
			     t->route[0] ? t->route : t->route6, two ? " and " : "",
			     two ? t->route6 : "", two ? "s" : "");
	for (size_t i = 0; i < t->n_uplink && n < size; i++) {
		struct gpupt_uplink_nic nic = { .nic = "" };

		gpupt_uplink_chain_split(t->uplink[i], &nic);
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : ", with a link on ", nic.nic);
	}
	if (t->n_uplink == 0 && n < size)
		snprintf(buf + n, size - n, " (no NIC found under it)");
}

static void print_watchdog(FILE *f, const struct trial_watchdog *wd)
{
	if (wd->module[0])
		fprintf(f,
			"  watchdog: gpupt-bind loads %s in the trial's initramfs and arms /dev/watchdog for %u s; "
			"a boot that hangs before gpupt-trial.service takes it over is reset\n",
			wd->module, wd->sec);
	else if (wd->mux)
		fprintf(f, "  watchdog: none: watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, and gpupt leaves "
			   "it alone; a trial boot that hangs needs a power cycle\n");
	else
		fprintf(f, "  watchdog: none: this host has no /dev/watchdog (load its driver, or softdog, before "
			   "enable); a trial boot that hangs needs a power cycle\n");
}

static void print_trial_intro(struct run_ctx *c, const struct gpupt_oneshot *o,
			      const struct gpupt_trial *t, const char *source, const char *tokens,
			      const struct trial_image *ti, const struct trial_watchdog *wd)
{
	FILE *f = c->h->out;
	char route[GPUPT_TRIAL_TEXT];

	fprintf(f, "trial boot: the next boot, once, uses a copy of the default entry with: %s\n", tokens);
	fprintf(f, "  copied from: %s\n", source);
	if (ti->needed)
		fprintf(f,
			"  initramfs: %s does not do for the trial (%s): the trial %s its own, /%s, which "
			"only the trial entry names; the default entry keeps its image\n",
			ti->k.image, ti->why, c->o.dry_run ? "would get" : "gets", ti->file);
	fprintf(f, "  one-shot: %s\n", o->why);
	if (strcmp(o->loader, "uefi") == 0)
		fprintf(f,
			"  %s: /boot/vmlinuz-%s and %s%s to /%s/" GPUPT_EFI_TRIAL_DIR
			", a boot option \"" GPUPT_EFI_TRIAL_LABEL
			"\" (`efibootmgr -C`, BootOrder untouched) that starts them with the "
			"default entry's command line and the above, then `efibootmgr -n` (BootNext) naming it\n",
			c->o.dry_run ? "would copy" : "copies", ti->k.ver, ti->needed ? "/" : "",
			ti->needed ? ti->file : ti->k.image, o->esp.dir);
	else if (strcmp(o->loader, "pbt") == 0)
		fprintf(f,
			"  %s: on each ESP, mounted in turn at /" GPUPT_ESP_MOUNTS "/UUID: /boot/vmlinuz-%s and "
			"%s%s to " GPUPT_EFI_TRIAL_DIR " and the trial entry " GPUPT_PBT_TRIAL_ENTRY
			" (/%s's first line and the above); then `bootctl set-oneshot %s.conf`\n",
			c->o.dry_run ? "would copy" : "copies", ti->k.ver, ti->needed ? "/" : "",
			ti->needed ? ti->file : ti->k.image, GPUPT_KERNEL_CMDLINE, GPUPT_TRIAL_ENTRY_ID);
	else if (strcmp(o->loader, "grub") == 0)
		fprintf(f, "  %s: the trial entry into /%s, then `grub-reboot %s`\n",
			c->o.dry_run ? "would write" : "writes", GPUPT_GRUB_CFG, GPUPT_TRIAL_ENTRY_ID);
	else
		fprintf(f, "  %s: the trial entry loader/entries/%s.conf on the ESP, then `bootctl set-oneshot %s.conf`\n",
			c->o.dry_run ? "would write" : "writes", GPUPT_TRIAL_ENTRY_ID, GPUPT_TRIAL_ENTRY_ID);
	print_watchdog(f, wd);
	route_summary(t, route, sizeof(route));
	fprintf(f,
		"  gpupt-trial.service then checks, within %u minutes of the boot: the selected devices on "
		"%s, no other device's driver changed, %s, multi-user.target reached%s%s; all well: it "
		"confirms by itself, else it reboots into the old settings\n",
		t->minutes, t->n_want ? t->want[0].driver : GPUPT_DEFAULT_DRIVER, route,
		t->health_cmd[0] ? ", `sh -c` of: " : "", t->health_cmd);
	fprintf(f, "  on confirm, gpupt makes these changes the default:\n");
}

static int write_trial(struct run_ctx *c, const struct gpupt_oneshot *o, struct gpupt_trial *t,
		       const char *tokens, const struct trial_image *ti)
{
	int r = 0;

	if (ti->needed) {
		r = trial_image_build(c, ti);
		if (r == 0)
			snprintf(t->image, sizeof(t->image), "%s", ti->file);
		else
			gpupt_file_remove(c->h->rootfd, ti->file);
	}
	if (r == 0)
		r = gpupt_trial_entry_write(c->h, o, tokens, ti->needed ? ti->name : NULL, t);
	if (r < 0 && !t->entry[0] && t->image[0])
		gpupt_file_remove(c->h->rootfd, t->image);
	if (r == 0 && (r = gpupt_trial_save(c->h->rootfd, t)) < 0)
		gpupt_msg(c->h->err, "cannot write /%s: %s\n", GPUPT_TRIAL_PATH, strerror(-r));
	if (r == 0 && (r = gpupt_trial_oneshot_set(c->h, t)) < 0) {
		gpupt_trial_entry_remove(c->h, t);
		gpupt_file_remove(c->h->rootfd, GPUPT_TRIAL_PATH);
	}
	if (r < 0 && t->entry[0])
		gpupt_trial_entry_remove(c->h, t);
	return r;
}

static void print_trial_done(struct run_ctx *c, const struct gpupt_trial *t)
{
	if (c->h->json) {
		gpupt_enable_print_summary_json(c, true);
		return;
	}
	if (t->n_esp)
		gpupt_msg(c->h->out,
			  "trial boot ready (entry %s and its files in " GPUPT_EFI_TRIAL_DIR
			  " on %zu ESP%s, LoaderEntryOneShot set); reboot now. Within %u minutes of the boot the "
			  "trial confirms itself or reboots into the old settings; `gpupt status` shows it, "
			  "`gpupt confirm` and `gpupt rollback` end it by hand\n",
			  t->entry, t->n_esp, t->n_esp == 1 ? "" : "s", t->minutes);
	else if (t->has_efi_boot)
		gpupt_msg(c->h->out,
			  "trial boot ready (boot option Boot%04X \"" GPUPT_EFI_TRIAL_LABEL "\", its files in /%s, "
			  "BootNext set); reboot now. Within %u minutes of the boot the trial confirms itself or "
			  "reboots into the old settings; `gpupt status` shows it, `gpupt confirm` and `gpupt "
			  "rollback` end it by hand\n",
			  t->efi_boot, t->entry, t->minutes);
	else
		gpupt_msg(c->h->out,
			  "trial boot ready (entry in /%s); reboot now. Within %u minutes of the boot the "
			  "trial confirms itself or reboots into the old settings; `gpupt status` shows it, "
			  "`gpupt confirm` and `gpupt rollback` end it by hand\n",
			  t->entry, t->minutes);
}

int gpupt_enable_start_trial(struct run_ctx *c, const struct gpupt_devlist *l,
			     const struct gpupt_selection *s, const struct want *w, char **sels, int n_sels)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	struct gpupt_lock lock = { -1 };
	struct gpupt_oneshot o;
	struct trial_image ti;
	struct trial_watchdog wd;
	char tokens[GPUPT_TRIAL_TOKENS], source[GPUPT_GRUB_SPEC_MAX + GPUPT_PATH_MAX], why[320];
	int r, status = 1;

	if (!t)
		return 1;
	gpupt_oneshot_probe(c->h, c->boot, &o);
	if (o.kind == GPUPT_ONESHOT_NONE && c->o.dry_run) {
		/* The plan is --no-trial's: the only way here. */
		fprintf(c->h->out,
			"no trial boot here: %s; a real run needs --no-trial, which makes these "
			"changes the default at once:\n",
			o.why);
		status = gpupt_enable_carry_out(c);
		goto out;
	}
	if (o.kind == GPUPT_ONESHOT_NONE) {
		gpupt_msg(c->h->err,
			  "no trial boot here: %s; add --no-trial to make the new settings the default at "
			  "once (there is then no automatic way back: keep a console at hand); nothing was "
			  "written\n",
			  o.why);
		goto out;
	}
	if (o.kind == GPUPT_ONESHOT_LATE && !c->o.trial_minutes && c->o.dry_run) {
		/* A dry run shows the plan and the choice a real run asks for. */
		fprintf(c->h->out,
			"a one-shot boot is not guaranteed here: %s. A real run asks you to choose: --trial "
			"(the trial below; a console ends a boot loop) or --no-trial (the same changes, "
			"the default at once)\n",
			o.why);
	} else if (o.kind == GPUPT_ONESHOT_LATE && !c->o.trial_minutes) {
		gpupt_msg(c->h->err,
			  "a one-shot boot is not guaranteed here: %s. Add --trial to take that risk (a "
			  "console then ends a boot loop: pick the default entry in GRUB's menu), or "
			  "--no-trial to make the new settings the default at once; nothing was written\n",
			  o.why);
		status = 2;
		goto out;
	}
	if (!gpupt_enable_plan_changes_anything(&c->plan)) {
		status = gpupt_enable_carry_out(c);
		goto out;
	}
	/* A trial that nothing checks would silently go back at the next reboot. */
	if (!gpupt_trial_unit_enabled(c->h->rootfd, why, sizeof(why))) {
		gpupt_msg(c->h->err,
			  "no trial boot without its check: %s, or add --no-trial to make the new settings "
			  "the default at once; nothing was written\n",
			  why);
		goto out;
	}
	if (gpupt_trial_entry_source(c->h, &o, source, sizeof(source)) < 0) {
		gpupt_msg(c->h->err, "nothing was written\n");
		goto out;
	}
	if (trial_fill(c, &o, l, s, sels, n_sels, t) < 0)
		goto out;
	c->trial = t;
	trial_watchdog(c, t->minutes, &wd);
	if (trial_tokens(w, &wd, t->id, tokens, sizeof(tokens)) < 0)
		goto out;
	snprintf(t->tokens, sizeof(t->tokens), "%s", tokens);
	if (!t->route[0] && !t->route6[0])
		gpupt_msg(c->h->err, "no default route here (IPv4 or IPv6): the trial's network rule "
				     "checks nothing; --health-cmd can check what the host must reach\n");
	if (trial_image_plan(c, &o, tokens, &ti) < 0) {
		gpupt_msg(c->h->err, "nothing was written\n");
		goto out;
	}
	if (ti.needed && trial_image_room(c, &ti) < 0)
		goto out;
	/* The trial's own image is not built yet: the default one's size stands in for it. */
	if ((strcmp(o.loader, "uefi") == 0 || strcmp(o.loader, "pbt") == 0) && !ti.k.ver[0] &&
	    gpupt_trial_kernel(c->h, &o, &ti.k) < 0)
		goto out;
	/* pbt's ESPs are measured once they are mounted, each in turn. */
	if (strcmp(o.loader, "uefi") == 0 &&
	    gpupt_trial_efi_room(c->h, o.esp.dir, &ti.k, ti.k.image_file) < 0)
		goto out;
	if (c->o.dry_run || !c->h->json)
		print_trial_intro(c, &o, t, source, tokens, &ti, &wd);
	if (c->o.dry_run) {
		status = gpupt_enable_carry_out(c);
		goto out;
	}
	if (gpupt_enable_check_root_mounts(c) < 0)
		goto out;
	r = gpupt_enable_confirm(c);
	if (r < 0) {
		status = r == -EPERM ? 2 : 1;
		goto out;
	}
	r = gpupt_enable_lock_take(c, &lock);
	if (r == 0)
		r = gpupt_enable_check_unchanged(c);
	if (r == 0)
		r = write_trial(c, &o, t, tokens, &ti);
	gpupt_lock_release(&lock);
	if (r == 0)
		print_trial_done(c, t);
	status = r == 0 ? 0 : 1;
out:
	c->trial = NULL;
	free(t);
	return status;
}
