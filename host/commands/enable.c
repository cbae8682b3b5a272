// SPDX-License-Identifier: MIT
/*
 * gpupt enable SEL...: select devices for vfio-pci at every boot (conf,
 * kernel command line, initramfs, boot menu).  gpupt disable: take exactly
 * that away again, as recorded in the journal.
 *
 * Both plan every file change in memory first; --dry-run prints the plan as
 * diffs, otherwise the changes are written atomically with a backup, and a
 * failing regeneration puts every file back.  Where enable sets up a trial
 * boot instead of writing the plan: trial_setup.c.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "host/commands/enable.h"
#include "host/formats/kcmdline.h"
#include "host/host.h"
#include "host/model/bootloader.h"
#include "host/model/devices.h"
#include "host/model/history.h"
#include "host/model/images.h"
#include "host/model/initramfs.h"
#include "host/model/journal.h"
#include "host/model/kinstall.h"
#include "host/model/lock.h"
#include "host/model/platform.h"
#include "host/model/safety.h"
#include "host/model/select.h"
#include "host/model/trial.h"
#include "lib/atomic.h"
#include "lib/diff.h"
#include "lib/json.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/number.h"
#include "lib/path.h"
#include "lib/run.h"

/* ---- planning enable ---- */

static bool token_chars_ok(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,:=/-", *t))
			return false;
	return true;
}

static bool selection_has_boot_vga(const struct gpupt_devlist *l, const struct gpupt_selection *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (l->dev[s->idx[i]].boot_vga == 1)
			return true;
	return false;
}

static int want_tokens(struct gpupt_host *h, const struct gpupt_devlist *l,
		       const struct gpupt_selection *s, struct want *w)
{
	size_t n = (size_t)snprintf(w->addrs, sizeof(w->addrs), "gpupt.addrs=");

	w->t.n = 0;
	for (unsigned i = 0; i < s->config.n_addrs; i++) {
		int m = gpupt_format_addr(&s->config.addrs[i], w->addrs + n + (i > 0),
					  sizeof(w->addrs) - n - (i > 0));
		if (m < 0)
			return -ENOSPC;
		if (i > 0)
			w->addrs[n] = ',';
		n += (size_t)m + (i > 0);
	}
	if (gpupt_cpu_is_intel(h->rootfd))
		gpupt_tokens_add(&w->t, "intel_iommu=on");
	gpupt_tokens_add(&w->t, "iommu=pt");
	gpupt_tokens_add(&w->t, w->addrs);
	if (selection_has_boot_vga(l, s))
		gpupt_tokens_add(&w->t, gpupt_kernels_have_simple_fb(h->rootfd) ? "initcall_blacklist=sysfb_init"
										: "video=efifb:off");
	/* Belt and braces: everything here comes from sysfs, never from argv. */
	for (size_t i = 0; i < w->t.n; i++)
		if (!token_chars_ok(w->t.tok[i]))
			return -EINVAL;
	return 0;
}

/* A whole file of gpupt's: content (NULL: it must not exist). */
static int plan_whole(struct run_ctx *c, const char *path, const char *content, size_t len)
{
	struct gpupt_change *ch;
	int r = gpupt_plan_add(&c->plan, c->h->rootfd, path, GPUPT_CHANGE_WHOLE, &ch);

	if (r < 0)
		return r;
	if (!content) {
		struct gpupt_change *j = gpupt_plan_find(&c->journal, path);
		/* Only a file gpupt wrote is taken away (or its prior version put back). */
		if (!j) {
			c->plan.n--;
			free(ch->old);
			free(ch->new);
			return 0;
		}
		c->plan.n--;
		free(ch->old);
		free(ch->new);
		return gpupt_change_revert(c->h->rootfd, j, &c->plan, c->h->err);
	}
	return gpupt_change_set_new(ch, content, len);
}

static int plan_enable(struct run_ctx *c, const struct gpupt_selection *s, const struct want *w)
{
	static const char modprobe[] =
		"# Written by `gpupt enable --allow-unsafe-interrupts`; `gpupt disable` removes it.\n"
		"# Lets vfio assign devices without interrupt remapping: a guest can then\n"
		"# inject interrupts into the host.\n"
		"options vfio_iommu_type1 allow_unsafe_interrupts=1\n";
	struct gpupt_boot_edit e = { c->h->rootfd, c->o.grub_in_place, &w->t, &c->journal, &c->plan };
	char *conf = malloc(CONF_TEXT_MAX);
	int n, r;

	if (!conf)
		return -ENOMEM;
	n = gpupt_conf_write(&s->config, conf, CONF_TEXT_MAX);
	r = n < 0 ? n : plan_whole(c, GPUPT_CONF_PATH, conf, (size_t)n);
	free(conf);
	if (r == 0)
		r = plan_whole(c, GPUPT_MODPROBE_PATH, c->o.unsafe_interrupts ? modprobe : NULL,
			       sizeof(modprobe) - 1);
	if (r == 0)
		r = c->boot->apply(&e);
	/* What an earlier enable added elsewhere (another GRUB mode, boot loader) goes. */
	for (unsigned i = 0; i < c->journal.n && r == 0; i++)
		if (!gpupt_plan_find(&c->plan, c->journal.c[i].path))
			r = gpupt_change_revert(c->h->rootfd, &c->journal.c[i], &c->plan, c->h->err);
	return r;
}

static int plan_disable(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->journal.n; i++) {
		int r = gpupt_change_revert(c->h->rootfd, &c->journal.c[i], &c->plan, c->h->err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * A whole file gpupt wrote that now holds something else was edited by
 * hand: it is replaced or removed all the same (the backup keeps it), but
 * the user is told where their version went.
 */
static void mark_hand_edits(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->plan.n; i++) {
		struct gpupt_change *ch = &c->plan.c[i];
		const struct gpupt_change *j = gpupt_plan_find(&c->journal, ch->path);

		ch->hand_edited = j && ch->kind == GPUPT_CHANGE_WHOLE && ch->old_exists &&
				  !gpupt_change_is_noop(ch) && gpupt_checksum(ch->old, ch->old_len) != j->sum;
	}
}

bool gpupt_enable_plan_changes_anything(const struct gpupt_plan *p)
{
	for (unsigned i = 0; i < p->n; i++)
		if (!gpupt_change_is_noop(&p->c[i]))
			return true;
	return false;
}

/* ---- showing, asking, writing, regenerating ---- */

/*
 * The regeneration commands act on the system they run on: with --root,
 * that must be the root, so they run inside it through chroot(8), as a
 * rescue user would run them by hand.
 */
static void regen_argv(const struct run_ctx *c, const char *const *argv, const char **out)
{
	gpupt_run_argv_in_root(c->h->root, argv, out, REGEN_ARGV_MAX);
}

static void print_argv(const struct run_ctx *c, const char *prefix, const char *const *argv)
{
	const char *full[REGEN_ARGV_MAX];
	char buf[512];

	regen_argv(c, argv, full);
	gpupt_argv_format(full, buf, sizeof(buf));
	fprintf(c->h->out, "%s%s\n", prefix, buf);
}

/*
 * Inside a chroot, update-initramfs and update-grub need the root's proc,
 * sys and dev: refuse before writing anything when one is missing.
 */
int gpupt_enable_check_root_mounts(struct run_ctx *c)
{
	static const struct {
		const char *probe, *dir;
	} mounts[] = { { "proc/mounts", "proc" }, { "sys/bus", "sys" }, { "dev/null", "dev" } };
	bool missing = false;

	if (strcmp(c->h->root, "/") == 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		if (gpupt_path_exists(c->h->rootfd, mounts[i].probe))
			continue;
		gpupt_msg(c->h->err,
			  "--root %s: no /%s there (%s is not mounted); bind it first:"
			  " mount --rbind /%s %s/%s\n",
			  c->h->root, mounts[i].probe, mounts[i].dir, mounts[i].dir, c->h->root,
			  mounts[i].dir);
		missing = true;
	}
	if (missing)
		gpupt_msg(c->h->err,
			  "nothing written: the initramfs and boot menu are rebuilt inside"
			  " the root (chroot %s ...), which needs them\n",
			  c->h->root);
	return missing ? -ENOENT : 0;
}

/* ---- which initramfs images to rebuild ---- */

/*
 * Skipping update-initramfs is safe only where the boot loader's own
 * command puts the new command line in place, whether or not an image is
 * rebuilt: update-grub, proxmox-boot-tool refresh, and the kernel-install
 * runs gpupt makes itself for plain systemd-boot (update-initramfs' post-
 * update hook would run them too, but gpupt does not rely on it).  dracut
 * and mkinitcpio keep no record: every image is rebuilt.
 */
bool gpupt_enable_images_may_skip(const struct run_ctx *c)
{
	return c->gen && strcmp(c->gen->name, "initramfs-tools") == 0 && c->boot &&
	       (strcmp(c->boot->regen[0], "update-grub") == 0 ||
		strcmp(c->boot->regen[0], "proxmox-boot-tool") == 0 ||
		strcmp(c->boot->regen[0], "kernel-install") == 0);
}

/* /etc/gpupt.conf as the plan leaves it, into n; false when it cannot be known. */
static bool next_conf(struct run_ctx *c, struct gpupt_image_next *n, char **disk)
{
	const struct gpupt_change *ch = gpupt_plan_find(&c->plan, GPUPT_CONF_PATH);
	size_t len;
	int r;

	*disk = NULL;
	if (ch) {
		n->conf = ch->new_exists ? ch->new : NULL;
		n->conf_len = ch->new_len;
		return true;
	}
	r = gpupt_read_file_alloc(c->h->rootfd, GPUPT_CONF_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				  disk, &len);
	n->conf = r < 0 ? NULL : *disk;
	n->conf_len = r < 0 ? 0 : len;
	return r >= 0 || r == -ENOENT;
}

/* Decide per kernel, from the files as the plan leaves them. */
static void plan_images(struct run_ctx *c)
{
	struct gpupt_boot_cmdline *cmdline = malloc(sizeof(*cmdline));
	struct gpupt_image_next n = { 0 };
	char *disk;

	free(c->images);
	c->images = gpupt_enable_images_may_skip(c) ? malloc(sizeof(*c->images)) : NULL;
	if (c->images && cmdline) {
		bool conf_known = next_conf(c, &n, &disk);
		/*
		 * Where disable gives kernel-install a private command line
		 * (host/model/kinstall.h), that is the next boot's, not the
		 * /proc/cmdline the files would fall back to.
		 */
		if (c->ki.cmdline) {
			if (gpupt_kcmdline_join(c->ki.cmdline, c->ki.len, false, cmdline->value,
						sizeof(cmdline->value)) >= 0 &&
			    conf_known)
				n.cmdline = cmdline->value;
		} else if (gpupt_bootloader_configured(c->h->rootfd, c->boot, &c->plan, cmdline) == 0 &&
			   conf_known) {
			n.cmdline = cmdline->value;
		}
		gpupt_images_check(c->h->rootfd, &n, c->images);
		free(disk);
	} else {
		free(c->images);
		c->images = NULL;
	}
	free(cmdline);
}

static void image_argv(const struct gpupt_image *k, const char **argv)
{
	argv[0] = "update-initramfs";
	argv[1] = "-u";
	argv[2] = "-k";
	argv[3] = k->ver;
	argv[4] = NULL;
}

/* One line when no image is rebuilt: what makes that safe. */
static void print_no_rebuild(struct run_ctx *c)
{
	if (strcmp(c->command, "enable") == 0)
		gpupt_msg(c->h->out, "initramfs: every image already carries gpupt-bind; the command line "
				     "carries the selection, no rebuild needed\n");
	else
		gpupt_msg(c->h->out, "initramfs: every image binds as configured without gpupt's tokens, "
				     "no rebuild needed\n");
}

static void print_images(struct run_ctx *c)
{
	const char *argv[5];

	if (!c->images) {
		if (c->gen)
			print_argv(c, "would run: ", c->gen->argv);
		return;
	}
	for (size_t i = 0; i < c->images->n; i++)
		fprintf(c->h->out, "initramfs %s: %s: %s\n", c->images->k[i].ver,
			c->images->k[i].rebuild ? "rebuild" : "no rebuild needed", c->images->k[i].why);
	if (c->images->n_rebuild == 0)
		print_no_rebuild(c);
	for (size_t i = 0; i < c->images->n; i++) {
		image_argv(&c->images->k[i], argv);
		if (c->images->k[i].rebuild)
			print_argv(c, "would run: ", argv);
	}
}

/* The command line the kernel-install runs below get, joined as they join it. */
static void print_kinstall_conf(struct run_ctx *c)
{
	char line[GPUPT_CMDLINE_MAX];

	if (gpupt_kcmdline_join(c->ki.cmdline, c->ki.len, false, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "(too long to show)");
	fprintf(c->h->out,
		"would write /%s/cmdline for the kernel-install runs below (removed after them; "
		"/proc/cmdline has gpupt's tokens): %s\n",
		GPUPT_KINSTALL_CONF_DIR, line);
}

static void print_plan(struct run_ctx *c)
{
	FILE *f = c->h->out;

	for (unsigned i = 0; i < c->plan.n; i++) {
		const struct gpupt_change *ch = &c->plan.c[i];
		gpupt_diff_print(f, ch->path, ch->old_exists ? ch->old : NULL, ch->old_len,
				 ch->new_exists ? ch->new : NULL, ch->new_len);
	}
	for (unsigned i = 0; i < c->plan.n; i++)
		if (c->plan.c[i].hand_edited)
			gpupt_warn(c->h->err,
				   "/%s was changed since gpupt wrote it; %s would keep "
				   "your version in its backup under /%s/\n",
				   c->plan.c[i].path, c->command, GPUPT_BACKUP_DIR);
	print_images(c);
	if (c->ki.cmdline)
		print_kinstall_conf(c);
	for (size_t i = 0; i < c->n_boot_regen; i++)
		print_argv(c, "would run: ", c->boot_regen[i].argv);
	fprintf(f, "(dry run: nothing was written)\n");
}

/* Without --yes: ask a terminal user; refuse anyone else. */
int gpupt_enable_confirm(struct run_ctx *c)
{
	char answer[16];

	if (c->o.yes)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		gpupt_msg(c->h->err,
			  "%s changes boot files: add --yes to go ahead "
			  "(or --dry-run to see the changes first)\n",
			  c->command);
		return -EPERM;
	}
	fprintf(c->h->out, "Write these changes and rebuild the initramfs and boot menu? [y/N] ");
	fflush(c->h->out);
	if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
		gpupt_msg(c->h->err, "nothing written\n");
		return -ECANCELED;
	}
	return 0;
}

static int write_change(struct run_ctx *c, struct gpupt_backup *b, struct gpupt_change *ch)
{
	struct gpupt_change *j = gpupt_plan_find(&c->journal, ch->path);
	const char *t = ch->ours;
	int r;

	if (gpupt_change_is_noop(ch))
		return 0;
	if (ch->new_exists)
		r = gpupt_backup_edit(b, ch->path, ch->new, ch->new_len, ch->mode);
	else
		r = gpupt_backup_remove(b, ch->path);
	if (r < 0) {
		gpupt_msg(c->h->err, "cannot write /%s: %s\n", ch->path, strerror(-r));
		return r;
	}
	if (ch->hand_edited)
		gpupt_warn(c->h->err,
			   "/%s was changed since gpupt wrote it; your version is kept "
			   "as /%s/%s\n",
			   ch->path, b->dir, ch->path);
	/* A whole file that was there before gpupt: its saved copy is the prior version. */
	if (ch->kind == GPUPT_CHANGE_WHOLE && ch->old_exists && !j && ch->new_exists) {
		char prior[GPUPT_PATH_MAX * 2];
		/* The backup just saved it there; a path too long for the journal stays unsaved. */
		ch->prior_saved = (size_t)snprintf(prior, sizeof(prior), "%s/%s", b->dir, ch->path) <
				  sizeof(ch->prior);
		if (ch->prior_saved)
			memcpy(ch->prior, prior, strlen(prior) + 1);
	}
	while (*t) {
		const char *nl = strchr(t, '\n');
		char tok[GPUPT_NOTES_MAX];
		snprintf(tok, sizeof(tok), "%.*s", (int)(nl - t), t);
		gpupt_backup_note(b, ch->path, tok);
		t = nl + 1;
	}
	if (!c->h->json)
		gpupt_msg(c->h->out, "%s /%s\n", ch->new_exists ? "wrote" : "removed", ch->path);
	return 0;
}

static int write_journal(struct run_ctx *c, struct gpupt_backup *b)
{
	struct gpupt_plan *next = calloc(1, sizeof(*next));
	size_t size = 512 + GPUPT_PLAN_MAX * (3 * GPUPT_PATH_MAX + 2 * GPUPT_NOTES_MAX);
	char *buf = malloc(size);
	int r = -ENOMEM;

	if (next && buf) {
		/* prior fields set while writing belong in the journal too */
		for (unsigned i = 0; i < c->plan.n; i++) {
			struct gpupt_change *j = gpupt_plan_find(&c->journal, c->plan.c[i].path);
			if (j && !c->plan.c[i].prior_saved) {
				c->plan.c[i].prior_saved = j->prior_saved;
				memcpy(c->plan.c[i].prior, j->prior, sizeof(j->prior));
			}
		}
		r = gpupt_journal_merge(&c->journal, &c->plan, strcmp(c->command, "disable") == 0, next);
		if (r == 0 && next->n == 0) {
			r = gpupt_backup_remove(b, GPUPT_JOURNAL_PATH);
		} else if (r == 0) {
			size_t n = gpupt_journal_format(next, buf, size);
			r = n < size ? gpupt_backup_edit(b, GPUPT_JOURNAL_PATH, buf, n, 0644) : -ENOSPC;
		}
	}
	if (r < 0)
		gpupt_msg(c->h->err, "cannot write /%s: %s\n", GPUPT_JOURNAL_PATH, strerror(-r));
	free(next);
	free(buf);
	return r;
}

static void report_rollback(struct run_ctx *c, struct gpupt_backup *b)
{
	int r = gpupt_backup_rollback(b);

	if (r < 0)
		gpupt_msg(c->h->err,
			  "could not restore every file (%s): the previous versions "
			  "are under /%s\n",
			  strerror(-r), b->dir);
	else
		gpupt_msg(c->h->err, "every file %s changed is restored (copies under /%s)\n",
			  c->command, b->dir);
}

int gpupt_enable_run_regen(struct run_ctx *c, const char *const *regen)
{
	const char *argv[REGEN_ARGV_MAX];
	char cmd[512];
	int st;

	regen_argv(c, regen, argv);
	gpupt_argv_format(argv, cmd, sizeof(cmd));
	if (!c->h->json)
		gpupt_msg(c->h->out, "running %s\n", cmd);
	fflush(c->h->out);
	st = gpupt_run_to(argv, c->h->json ? STDERR_FILENO : -1);
	if (st == 0)
		return 0;
	if (st < 0)
		gpupt_msg(c->h->err, "cannot run %s: %s (is it installed and in PATH?)\n", cmd,
			  strerror(-st));
	else
		gpupt_msg(c->h->err, "%s failed with exit status %d\n", cmd, st);
	return -EIO;
}

/*
 * One update-initramfs per kernel, one after the other: their post-update
 * hooks (proxmox-boot-tool, kernel-install) write shared boot partitions
 * and are not made to run side by side, and each build already keeps the
 * CPU busy compressing.
 */
static int rebuild_images(struct run_ctx *c)
{
	const char *argv[5];
	int r = 0;

	plan_images(c); /* again: images may have been rebuilt meanwhile */
	if (!c->images)
		return gpupt_enable_run_regen(c, c->gen->argv);
	if (c->images->n_rebuild == 0 && !c->h->json)
		print_no_rebuild(c);
	for (size_t i = 0; i < c->images->n && r == 0; i++) {
		image_argv(&c->images->k[i], argv);
		if (c->images->k[i].rebuild)
			r = gpupt_enable_run_regen(c, argv);
		else if (c->images->n_rebuild && !c->h->json)
			gpupt_msg(c->h->out, "initramfs %s: no rebuild needed: %s\n",
				  c->images->k[i].ver, c->images->k[i].why);
	}
	return r;
}

/* Before the kernel-install runs: their private configuration (host/model/kinstall.h). */
static int write_kinstall_conf(struct run_ctx *c)
{
	char failed[GPUPT_PATH_MAX];
	int r = gpupt_kinstall_conf_write(c->h->rootfd, &c->ki, failed, sizeof(failed));

	if (r < 0)
		gpupt_msg(c->h->err,
			  "cannot write /%s (kernel-install's configuration while it rebuilds the "
			  "boot entries): %s\n",
			  failed, strerror(-r));
	return r;
}

static void remove_kinstall_conf(struct run_ctx *c)
{
	int r = gpupt_kinstall_conf_remove(c->h->rootfd);

	if (r < 0)
		gpupt_warn(c->h->err, "cannot remove /%s: %s; nothing reads it but gpupt: remove it by hand\n",
			   GPUPT_KINSTALL_CONF_DIR, strerror(-r));
}

static int write_plan(struct run_ctx *c)
{
	struct gpupt_backup b;
	int r = 0;

	gpupt_backup_init(&b, c->h->rootfd, c->command);
	for (unsigned i = 0; i < c->plan.n && r == 0; i++)
		r = write_change(c, &b, &c->plan.c[i]);
	if (r == 0)
		r = write_journal(c, &b);
	if (r == 0)
		r = gpupt_backup_commit(&b);
	if (r < 0) {
		report_rollback(c, &b);
		return r;
	}
	if (c->gen)
		r = rebuild_images(c);
	if (r == 0 && c->ki.cmdline)
		r = write_kinstall_conf(c);
	for (size_t i = 0; i < c->n_boot_regen && r == 0; i++)
		r = gpupt_enable_run_regen(c, c->boot_regen[i].argv);
	if (c->ki.cmdline)
		remove_kinstall_conf(c);
	/* A new backup: the old ones no journal needs go, the newest few stay. */
	if (r == 0 && b.dir[0])
		gpupt_backups_prune(c->h->rootfd, c->h->err);
	if (r < 0) {
		report_rollback(c, &b);
		gpupt_msg(c->h->err, "fix the problem shown above, then run `gpupt %s` again%s\n", c->command,
			  c->gen ? "; if the initramfs was already rebuilt, rebuild it "
				   "from the restored files too"
				 : "");
	}
	return r;
}

static void print_selection(struct gpupt_host *h, const struct gpupt_devlist *l, const struct gpupt_selection *s)
{
	gpupt_msg(h->out, "at every boot, vfio-pci takes:\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct gpupt_dev *d = &l->dev[s->idx[i]];
		fprintf(h->out, "  %s  %04x:%04x  %s %s (%s%s)\n", d->addr, d->vendor, d->device,
			d->vendor_name, d->device_name, d->class_name, d->boot_vga == 1 ? ", boot VGA" : "");
	}
}

/* The diffs of print_plan as one string, for --json (NULL if out of memory). */
static char *plan_diff(const struct run_ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = 0;

	if (!f)
		return NULL;
	for (unsigned i = 0; i < c->plan.n && r == 0; i++) {
		const struct gpupt_change *ch = &c->plan.c[i];
		r = gpupt_diff_print(f, ch->path, ch->old_exists ? ch->old : NULL, ch->old_len,
				     ch->new_exists ? ch->new : NULL, ch->new_len);
	}
	if (fclose(f) != 0 || r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void gpupt_enable_print_summary_json(struct run_ctx *c, bool changed)
{
	struct gpupt_json j;
	char *diff = plan_diff(c);

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	gpupt_json_kv_str(&j, "command", c->command);
	gpupt_json_kv_bool(&j, "dry_run", c->o.dry_run);
	gpupt_json_kv_bool(&j, "changed", changed);
	gpupt_json_kv_str(&j, "boot_loader", c->boot ? c->boot->name : NULL);
	gpupt_json_kv_str(&j, "initramfs", c->gen ? c->gen->name : NULL);
	gpupt_json_key(&j, "files");
	gpupt_json_begin_array(&j);
	for (unsigned i = 0; i < c->plan.n; i++)
		if (!gpupt_change_is_noop(&c->plan.c[i]))
			gpupt_json_str(&j, c->plan.c[i].path);
	gpupt_json_end_array(&j);
	gpupt_json_kv_str(&j, "diff", diff);
	if (c->trial) {
		gpupt_json_key(&j, "trial");
		gpupt_json_begin_object(&j);
		gpupt_json_kv_int(&j, "id", c->trial->id);
		gpupt_json_kv_int(&j, "minutes", c->trial->minutes);
		gpupt_json_kv_str(&j, "loader", c->trial->loader);
		gpupt_json_kv_str(&j, "entry", c->trial->entry[0] ? c->trial->entry : NULL);
		gpupt_json_kv_bool(&j, "oneshot_guaranteed", !c->trial->oneshot_late);
		gpupt_json_end_object(&j);
	}
	gpupt_json_end_object(&j);
	gpupt_json_finish(&j);
	free(diff);
}

/*
 * Under the lock, before writing: every planned file, and the journal, must
 * still hold what the plan was made from (nothing else wrote them while the
 * user was answering), or what was shown is not what would be written.
 */
int gpupt_enable_check_unchanged(struct run_ctx *c)
{
	const char *when = c->o.yes ? "while gpupt was preparing the changes" : "while you were answering";
	int r = gpupt_plan_verify(&c->plan, c->h->rootfd);
	const char *file = c->plan.failed;

	if (r == 0) {
		r = gpupt_journal_verify(c->h->rootfd, &c->seen);
		file = GPUPT_JOURNAL_PATH;
	}
	if (r == -ESTALE)
		gpupt_msg(c->h->err, "/%s changed %s; nothing was written; run `gpupt %s` again\n",
			  file, when, c->command);
	else if (r < 0)
		gpupt_msg(c->h->err,
			  "cannot read /%s again before writing: %s; nothing was "
			  "written; run `gpupt %s` again\n",
			  file, strerror(-r), c->command);
	return r;
}

/*
 * gpupt's lock for the writes, unless the command running this one holds it
 * already: confirm runs enable under its lock (host/commands/trial.c), and
 * a second flock of the same file in this process would wait for itself.
 */
int gpupt_enable_lock_take(struct run_ctx *c, struct gpupt_lock *lock)
{
	lock->fd = -1;
	return c->h->locked ? 0 : gpupt_lock_take(c->h->rootfd, c->command, c->h->err, lock);
}

/* Show, ask, write, regenerate: the part enable and disable share. */
int gpupt_enable_carry_out(struct run_ctx *c)
{
	bool changed = gpupt_enable_plan_changes_anything(&c->plan);
	struct gpupt_lock lock = { -1 };
	int r;

	if (!changed) {
		if (c->h->json)
			gpupt_enable_print_summary_json(c, false);
		else
			gpupt_msg(c->h->out, "%s: already done; nothing to change\n", c->command);
		return 0;
	}
	if (c->o.dry_run) {
		FILE *saved = c->h->out;

		plan_images(c);
		if (c->h->json)
			c->h->out = c->h->err;
		print_plan(c);
		c->h->out = saved;
		if (c->h->json)
			gpupt_enable_print_summary_json(c, true);
		return 0;
	}
	if (gpupt_enable_check_root_mounts(c) < 0)
		return 1;
	r = gpupt_enable_confirm(c);
	if (r < 0)
		return r == -EPERM ? 2 : 1;
	r = gpupt_enable_lock_take(c, &lock);
	if (r == 0)
		r = gpupt_enable_check_unchanged(c);
	if (r == 0)
		r = write_plan(c);
	gpupt_lock_release(&lock);
	if (r < 0)
		return 1;
	if (c->h->json)
		gpupt_enable_print_summary_json(c, true);
	else
		gpupt_msg(c->h->out, "done; reboot, then check with `gpupt status`\n");
	return 0;
}

/* ---- options and the two commands ---- */

/* --trial's MINUTES: 1 to 1440; none given means the default. */
static int parse_minutes(struct run_ctx *c, const char *arg)
{
	unsigned long m = GPUPT_TRIAL_DEFAULT_MINUTES;

	if (arg && (gpupt_parse_ulong(arg, strlen(arg), &m) < 0 || m < 1 || m > 1440)) {
		fprintf(c->h->err,
			"gpupt enable: --trial=%s: give the deadline in minutes, 1 to 1440 (default %d)\n",
			arg, GPUPT_TRIAL_DEFAULT_MINUTES);
		return -EINVAL;
	}
	c->o.trial_minutes = (unsigned)m;
	return 0;
}

static int check_trial_opts(struct run_ctx *c, bool enable)
{
	if (!enable)
		return 0;
	if (c->o.no_trial && !c->o.from_trial && (c->o.trial_minutes || c->o.health_cmd)) {
		fprintf(c->h->err, "gpupt enable: --no-trial cannot go with --trial or --health-cmd\n");
		return -EINVAL;
	}
	if (c->o.health_cmd && (!c->o.health_cmd[0] || !gpupt_trial_text_ok(c->o.health_cmd))) {
		fprintf(c->h->err,
			"gpupt enable: --health-cmd: give one line of shell command, "
			"shorter than %d bytes, without control characters\n",
			GPUPT_TRIAL_TEXT);
		return -EINVAL;
	}
	return 0;
}

enum {
	OPT_DRY_RUN = 1,
	OPT_YES,
	OPT_FORCE, /* from here on: enable's only */
	OPT_GRUB_IN_PLACE,
	OPT_UNSAFE_INTERRUPTS,
	OPT_TRIAL,
	OPT_NO_TRIAL,
	OPT_HEALTH_CMD,
	OPT_FROM_TRIAL, /* run by `gpupt confirm` */
};

/* enable's and disable's (which takes --dry-run and --yes only). */
const struct gpupt_option gpupt_enable_options[] = {
	{ "dry-run", 'n', GPUPT_OPT_FLAG, OPT_DRY_RUN },
	{ "yes", 'y', GPUPT_OPT_FLAG, OPT_YES },
	{ "force", 0, GPUPT_OPT_FLAG, OPT_FORCE },
	{ "grub-in-place", 0, GPUPT_OPT_FLAG, OPT_GRUB_IN_PLACE },
	{ "allow-unsafe-interrupts", 0, GPUPT_OPT_FLAG, OPT_UNSAFE_INTERRUPTS },
	{ "trial", 0, GPUPT_OPT_OPTIONAL, OPT_TRIAL },
	{ "no-trial", 0, GPUPT_OPT_FLAG, OPT_NO_TRIAL },
	{ "health-cmd", 0, GPUPT_OPT_VALUE, OPT_HEALTH_CMD },
	{ "from-trial", 0, GPUPT_OPT_FLAG, OPT_FROM_TRIAL },
	{ NULL, 0, GPUPT_OPT_FLAG, 0 },
};

struct take_ctx {
	struct run_ctx *c;
	bool enable;
	char **argv;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct take_ctx *t = ctx;
	struct run_ctx *c = t->c;

	if (!t->enable && id >= OPT_FORCE) {
		fprintf(c->h->err, "gpupt disable: \"%s\" is an option of enable only\n",
			t->argv[optind - 1]);
		return -EINVAL;
	}
	switch (id) {
	case OPT_DRY_RUN:
		c->o.dry_run = true;
		break;
	case OPT_YES:
		c->o.yes = true;
		break;
	case OPT_FORCE:
		c->o.force = true;
		break;
	case OPT_GRUB_IN_PLACE:
		c->o.grub_in_place = true;
		break;
	case OPT_UNSAFE_INTERRUPTS:
		c->o.unsafe_interrupts = true;
		break;
	case OPT_TRIAL:
		return parse_minutes(c, value) < 0 ? -EINVAL : 0;
	case OPT_NO_TRIAL:
		c->o.no_trial = true;
		break;
	case OPT_HEALTH_CMD:
		c->o.health_cmd = value;
		break;
	default:
		c->o.from_trial = c->o.no_trial = true;
		break;
	}
	return 0;
}

/* 0 with *first the first SEL, 1 after --help, or -EINVAL (said). */
static int parse_opts(struct run_ctx *c, int argc, char **argv, bool enable, int *first)
{
	struct take_ctx t = { c, enable, argv };
	int r = gpupt_options_parse(c->h->err, gpupt_enable_options, argc, argv, take_option, &t, first);

	if (r == GPUPT_OPTIONS_HELP)
		return 1;
	if (r != 0)
		return -EINVAL;
	return check_trial_opts(c, enable);
}

static void enable_usage(FILE *f)
{
	fputs("Usage: gpupt enable [OPTIONS] SEL...\n"
	      "SEL: VVVV:DDDD (vendor:device), [DDDD:]BB:SS.F (one function) or [DDDD:]BB:SS\n"
	      "(every function of the slot: a GPU with its audio).\n"
	      "  -n, --dry-run                 show the diffs and commands; write nothing\n"
	      "  -y, --yes                     do not ask (needed without a terminal)\n"
	      "      --force                   go on although the safety check refuses\n"
	      "      --grub-in-place           edit /etc/default/grub instead of a drop-in\n"
	      "      --allow-unsafe-interrupts vfio without interrupt remapping (insecure)\n"
	      "      --trial[=MINUTES]         boot the new settings once; gpupt-trial.service\n"
	      "                                confirms them within MINUTES (default 10) or\n"
	      "                                reboots into the old ones (the default where the\n"
	      "                                boot loader guarantees a one-shot boot)\n"
	      "      --no-trial                make the new settings the default at once\n"
	      "      --health-cmd CMD          the trial also needs `sh -c CMD` to exit 0\n",
	      f);
}

/* The boot loader, and the commands that rebuild its menu (one per kernel for kernel-install). */
static int find_boot(struct run_ctx *c)
{
	c->boot = gpupt_bootloader_detect(c->h->rootfd);
	if (!c->boot)
		return 0;
	c->n_boot_regen =
		gpupt_bootloader_regen(c->boot, c->h->rootfd, c->boot_regen, ARRAY_SIZE(c->boot_regen));
	if (c->n_boot_regen > 0)
		return 0;
	gpupt_msg(c->h->err,
		  "%s: no kernel to write a boot entry for (no /boot/vmlinuz-VER for any"
		  " /lib/modules/VER); install a kernel package, then run `gpupt %s` again;"
		  " nothing was written\n",
		  c->boot->name, c->command);
	return -ENOENT;
}

static int load_common(struct run_ctx *c)
{
	if (find_boot(c) < 0)
		return -ENOENT;
	c->gen = gpupt_initramfs_detect(c->h->rootfd);
	if (!c->gen)
		gpupt_warn(c->h->err, "no initramfs generator found (initramfs-tools, "
				      "dracut, mkinitcpio); rebuild the initramfs yourself\n");
	return gpupt_journal_read(c->h->rootfd, c->h->err, &c->journal, &c->seen) < 0 ? -EINVAL : 0;
}

/* The journal entry whose saved prior version is the backup copy path, if any. */
static const struct gpupt_change *prior_owner(struct run_ctx *c, const char *path)
{
	for (unsigned i = 0; i < c->journal.n; i++)
		if (c->journal.c[i].prior_saved && strcmp(c->journal.c[i].prior, path) == 0)
			return &c->journal.c[i];
	return NULL;
}

/* The editors refuse shapes they cannot edit exactly; say which and how to fix it. */
static void explain_plan_error(struct run_ctx *c, int r)
{
	bool kcmdline = c->boot && c->boot->apply == gpupt_bootloaders[0].apply;
	const struct gpupt_change *owner = prior_owner(c, c->plan.failed);
	bool enable = strcmp(c->command, "enable") == 0;
	char file[GPUPT_PATH_MAX + 1];

	snprintf(file, sizeof(file), "/%s",
		 c->plan.failed[0] ? c->plan.failed
		 : kcmdline	   ? GPUPT_KERNEL_CMDLINE
				   : GPUPT_GRUB_DEFAULT);

	if (owner)
		gpupt_msg(c->h->err,
			  "cannot read /%s, the version of /%s from before gpupt (%s); "
			  "nothing was written; put that copy back from another backup under /%s/, "
			  "or restore /%s by hand and remove /%s, then run `gpupt %s` again\n",
			  c->plan.failed, owner->path, strerror(-r), GPUPT_BACKUP_DIR, owner->path,
			  GPUPT_JOURNAL_PATH, c->command);
	else if (r == -ENOEXEC && strcmp(c->command, "disable") == 0)
		gpupt_msg(c->h->err,
			  "%s: GRUB_CMDLINE_LINUX_DEFAULT holds a command substitution "
			  "($(...) or `...`) now: gpupt cannot take its tokens out of it token by "
			  "token; remove them by hand (/%s lists them); nothing was written\n",
			  file, GPUPT_JOURNAL_PATH);
	else if (r == -ENOEXEC)
		gpupt_msg(c->h->err,
			  "%s: GRUB_CMDLINE_LINUX_DEFAULT holds a command substitution "
			  "($(...) or `...`): what it puts on the command line is known only "
			  "when update-grub runs, so gpupt cannot edit it token by token; leave "
			  "out --grub-in-place to use the drop-in /%s, which adds the tokens "
			  "after that value; nothing was written\n",
			  file, GPUPT_GRUB_DROPIN);
	else if (r == -EBADMSG)
		gpupt_msg(c->h->err,
			  "%s: its first line is a comment, but proxmox-boot-tool takes the "
			  "first line as the kernel command line as it stands ('#' and all) and "
			  "refuses one without root=; put the kernel command line on the first "
			  "line, then run `gpupt %s` again; nothing was written\n",
			  file, c->command);
	else if (r == -EDOM)
		gpupt_msg(c->h->err,
			  "/%s sets GRUB_CMDLINE_LINUX_DEFAULT (or GRUB_CMDLINE_LINUX) "
			  "again after gpupt's change, so update-grub would leave out the tokens "
			  "gpupt adds; make it add to the value (NAME=\"$NAME ...\") or take the "
			  "assignment out, then run `gpupt %s` again; nothing was written\n",
			  c->plan.failed, c->command);
	else if (r == -ENOTSUP && enable)
		gpupt_msg(c->h->err,
			  "%s: GRUB_CMDLINE_LINUX_DEFAULT is not one quoted string "
			  "(or a line ends in a backslash); write it as "
			  "GRUB_CMDLINE_LINUX_DEFAULT=\"...\", or leave out --grub-in-place "
			  "to use the drop-in /%s\n",
			  file, GPUPT_GRUB_DROPIN);
	else if (r == -ENOTSUP)
		gpupt_msg(c->h->err,
			  "%s: GRUB_CMDLINE_LINUX_DEFAULT is not one quoted string "
			  "(or a line ends in a backslash), so gpupt cannot take its tokens "
			  "out; nothing was written; write it as "
			  "GRUB_CMDLINE_LINUX_DEFAULT=\"...\", then run `gpupt %s` again\n",
			  file, c->command);
	else if (r == -EINVAL)
		gpupt_msg(c->h->err,
			  "%s: the kernel command line leaves a double quote open "
			  "(or a quote in the file is never closed); nothing was written; "
			  "close it, then run `gpupt %s` again\n",
			  file, c->command);
	else if (r == -ELOOP && c->plan.failed[0])
		gpupt_msg(c->h->err,
			  "/%s is a symbolic link: gpupt replaces only regular files;"
			  " put a regular file there (or remove it), then run `gpupt %s` again\n",
			  c->plan.failed, c->command);
	else if (c->plan.failed[0])
		gpupt_msg(c->h->err,
			  "cannot prepare the changes: /%s: %s; nothing was written; "
			  "fix that file, then run `gpupt %s` again\n",
			  c->plan.failed, strerror(-r), c->command);
	else
		gpupt_msg(c->h->err, "cannot prepare the changes: %s; nothing was written\n", strerror(-r));
}

static int enable_checks(struct run_ctx *c, const struct gpupt_devlist *l, const struct gpupt_selection *s)
{
	struct gpupt_safety_report rep;
	int r = gpupt_safety_check(c->h, l, s, &rep);

	if (r < 0) {
		gpupt_msg(c->h->err, "the safety check could not run: %s\n", strerror(-r));
		return c->o.force ? 0 : 1;
	}
	gpupt_safety_print(&rep, c->h->err);
	if (rep.n_refuse && !c->o.force) {
		gpupt_msg(c->h->err, "refusing (see above); --force overrides this at your risk\n");
		return 1;
	}
	if (rep.n_refuse)
		gpupt_msg(c->h->err, "--force: going on despite the refusals above\n");
	if (c->o.unsafe_interrupts)
		gpupt_warn(c->h->err, "--allow-unsafe-interrupts: without interrupt "
				      "remapping a guest can inject interrupts into the host (MSI "
				      "attacks); use it only for guests you trust\n");
	return 0;
}

int gpupt_cmd_enable(struct gpupt_host *h, int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	struct gpupt_devlist l = { 0 };
	struct gpupt_selection *s = calloc(1, sizeof(*s));
	struct want *w = calloc(1, sizeof(*w));
	int status = 1, r, first = 0;

	if (!c || !s || !w)
		goto out;
	c->h = h;
	c->command = "enable";
	r = parse_opts(c, argc, argv, true, &first);
	if (r != 0 || first >= argc) {
		if (r == 0 && first >= argc)
			fprintf(h->err, "gpupt enable: which devices? e.g. `gpupt enable 01:00` "
					"(see `gpupt list`)\n");
		enable_usage(r > 0 ? h->out : h->err);
		status = r > 0 ? 0 : 2;
		goto out;
	}
	status = 1;
	r = gpupt_devices_scan(h, &l);
	if (r < 0) {
		gpupt_msg(h->err, "cannot list PCI devices under %s: %s\n", h->root, strerror(-r));
		goto out;
	}
	r = gpupt_select_resolve(&l, (const char *const *)argv + first, argc - first, s, h->err);
	if (r < 0) {
		status = r == -EINVAL ? 2 : 1;
		goto out;
	}
	if (!h->json)
		print_selection(h, &l, s);
	status = enable_checks(c, &l, s);
	if (status)
		goto out;
	status = gpupt_enable_refuse_if_trial_pending(c);
	if (status)
		goto out;
	status = 1;
	if (load_common(c) < 0)
		goto out;
	if (!c->boot) {
		gpupt_msg(h->err, "no supported boot loader found (GRUB's /etc/default/grub, "
				  "proxmox-boot-tool's /etc/kernel/proxmox-boot-uuids, systemd-boot "
				  "installed by bootctl with Debian's systemd-boot package)\n");
		goto out;
	}
	r = want_tokens(h, &l, s, w);
	if (r == 0)
		r = plan_enable(c, s, w);
	if (r < 0) {
		explain_plan_error(c, r);
		goto out;
	}
	mark_hand_edits(c);
	if (c->o.no_trial)
		status = gpupt_enable_carry_out(c);
	else
		status = gpupt_enable_start_trial(c, &l, s, w, argv + first, argc - first);
out:
	if (c) {
		gpupt_plan_free(&c->plan);
		free(c->images);
	}
	gpupt_devices_free(&l);
	free(c);
	free(s);
	free(w);
	return status;
}

int gpupt_cmd_disable(struct gpupt_host *h, int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	int status = 1, r, first = 0;

	if (!c)
		return 1;
	c->h = h;
	c->command = "disable";
	r = parse_opts(c, argc, argv, false, &first);
	if (r != 0 || first < argc) {
		if (r == 0)
			fprintf(h->err, "gpupt disable: takes no devices; it undoes all of `gpupt enable`\n");
		fputs("Usage: gpupt disable [--dry-run] [--yes]\n", r > 0 ? h->out : h->err);
		status = r > 0 ? 0 : 2;
		goto out;
	}
	if (gpupt_enable_cancel_trial(c) < 0)
		goto out;
	if (load_common(c) < 0)
		goto out;
	if (c->journal.n == 0) {
		if (h->json)
			gpupt_enable_print_summary_json(c, false);
		else
			gpupt_msg(h->out, "disable: gpupt has not enabled anything here; "
					  "nothing to change\n");
		status = 0;
		goto out;
	}
	r = plan_disable(c);
	if (r == 0)
		r = gpupt_kinstall_conf_plan(h->rootfd, c->boot, &c->journal, &c->plan, c->boot_regen,
					     c->n_boot_regen, &c->ki);
	if (r < 0) {
		explain_plan_error(c, r);
		goto out;
	}
	mark_hand_edits(c);
	status = gpupt_enable_carry_out(c);
out:
	gpupt_plan_free(&c->plan);
	free(c->images);
	gpupt_kinstall_conf_free(&c->ki);
	free(c);
	return status;
}
