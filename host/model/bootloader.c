// SPDX-License-Identifier: MIT
/* Boot-loader detection, and the planned edits of each one's command line. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/formats/grubedit.h"
#include "host/model/bootloader.h"
#include "host/model/trialfile.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"

enum { EDIT_SLACK = 4096 };

/* Where a boot loader takes the command line from. */
enum source {
	SRC_GRUB,	    /* /etc/default/grub and grub.d/ */
	SRC_PBT,	    /* the first line of /etc/kernel/cmdline */
	SRC_KERNEL_INSTALL, /* all of /etc/kernel/cmdline, else /usr/lib/kernel/cmdline, else /proc/cmdline */
};

#define USR_KERNEL_CMDLINE "usr/lib/kernel/cmdline"

static int verify(struct gpupt_boot_edit *e, enum source src);

/* ours <- the tokens of add flagged in added, one per line. */
static int set_ours(struct gpupt_change *c, const struct gpupt_tokens *add, const bool *added)
{
	size_t n = 0;

	c->ours[0] = '\0';
	for (size_t i = 0; i < add->n; i++) {
		if (!added[i])
			continue;
		n += (size_t)snprintf(c->ours + n, sizeof(c->ours) - n, "%s\n", add->tok[i]);
		/* A token cut short could never be found and removed again. */
		if (n >= sizeof(c->ours))
			return -ENOSPC;
	}
	return 0;
}

/* The journal's tokens for path, split (copied into buf). */
static void previous_ours(struct gpupt_plan *journal, const char *path, char *buf, size_t size,
			  struct gpupt_tokens *t, bool *line_added)
{
	struct gpupt_change *j = journal ? gpupt_plan_find(journal, path) : NULL;

	snprintf(buf, size, "%s", j ? j->ours : "");
	*line_added = j && j->line_added;
	gpupt_notes_split(buf, t);
}

static bool exists(int rootfd, const char *path)
{
	return gpupt_path_exists(rootfd, path);
}

/* The edit of kind's tokens: GRUB's variable, the first line, or the whole file. */
static long edit_tokens(enum gpupt_change_kind kind, const char *buf, size_t len,
			const struct gpupt_tokens *add, const struct gpupt_tokens *del, bool *added,
			bool *line_added, char *out, size_t size)
{
	if (kind == GPUPT_CHANGE_GRUB)
		return gpupt_grub_edit(buf, len, GPUPT_GRUB_VAR, add, del, added, line_added, out, size);
	if (kind == GPUPT_CHANGE_KCMDLINE)
		return gpupt_kcmdline_edit_file(buf, len, add, del, added, out, size);
	return gpupt_kcmdline_edit_all(buf, len, add, del, added, out, size);
}

/*
 * Edit a token file so it holds want.  A file that is not there starts as
 * seed (NULL: empty).
 */
static int apply_tokens(struct gpupt_boot_edit *e, const char *path, enum gpupt_change_kind kind,
			const struct gpupt_tokens *want, const char *seed)
{
	char prev[GPUPT_NOTES_MAX];
	struct gpupt_tokens del;
	struct gpupt_change *c;
	bool added[GPUPT_TOKENS_MAX], line_added = false, prev_line;
	const char *base;
	size_t size, base_len;
	char *out;
	long n;
	int r = gpupt_plan_add(e->plan, e->rootfd, path, kind, &c);

	if (r < 0)
		return r;
	/* proxmox-boot-tool would take a comment there for the command line itself. */
	if (kind == GPUPT_CHANGE_KCMDLINE && c->old && c->old[strspn(c->old, " \t")] == '#') {
		snprintf(e->plan->failed, sizeof(e->plan->failed), "%s", path);
		return -EBADMSG;
	}
	base = c->old_exists ? c->old : seed ? seed : "";
	base_len = c->old_exists ? c->old_len : strlen(base);
	previous_ours(e->journal, path, prev, sizeof(prev), &del, &prev_line);
	size = base_len + EDIT_SLACK;
	out = malloc(size);
	if (!out)
		return -ENOMEM;
	n = edit_tokens(kind, base, base_len, want, &del, added, &line_added, out, size);
	if (n < 0) /* the editors refuse what they cannot edit exactly: name the file */
		snprintf(e->plan->failed, sizeof(e->plan->failed), "%s", path);
	r = n < 0 ? (int)n : gpupt_change_set_new(c, out, (size_t)n);
	free(out);
	if (r < 0)
		return r;
	c->line_added = line_added || prev_line;
	return set_ours(c, want, added);
}

/*
 * want, without the tokens the user already has in /etc/default/grub (in
 * GRUB_CMDLINE_LINUX or _DEFAULT): theirs stay theirs.  Tokens the journal
 * says gpupt put there are not the user's.
 */
static void drop_user_tokens(int rootfd, const struct gpupt_tokens *want, struct gpupt_tokens *out,
			     struct gpupt_plan *journal)
{
	char prev[GPUPT_NOTES_MAX];
	struct gpupt_tokens ours;
	char *buf = NULL;
	size_t len = 0;
	bool line;

	previous_ours(journal, GPUPT_GRUB_DEFAULT, prev, sizeof(prev), &ours, &line);
	if (gpupt_read_file_alloc(rootfd, GPUPT_GRUB_DEFAULT, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		buf = NULL;
	out->n = 0;
	for (size_t i = 0; i < want->n; i++) {
		const char *t = want->tok[i];
		bool user = buf && !gpupt_tokens_has(&ours, t) &&
			    (gpupt_grub_has(buf, len, "GRUB_CMDLINE_LINUX", t) ||
			     gpupt_grub_has(buf, len, GPUPT_GRUB_VAR, t));
		if (!user)
			gpupt_tokens_add(out, t);
	}
	free(buf);
}

static int apply_grub_dropin(struct gpupt_boot_edit *e)
{
	static const char head[] = "# Written by `gpupt enable`; `gpupt disable` removes it.\n"
				   "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT";
	struct gpupt_tokens want;
	struct gpupt_change *c;
	bool all[GPUPT_TOKENS_MAX];
	char text[GPUPT_NOTES_MAX + sizeof(head) + 8];
	size_t n;
	int r;

	drop_user_tokens(e->rootfd, e->want, &want, e->journal);
	r = gpupt_plan_add(e->plan, e->rootfd, GPUPT_GRUB_DROPIN, GPUPT_CHANGE_WHOLE, &c);
	if (r < 0)
		return r;
	/* Nothing left to add: only a drop-in gpupt wrote goes away. */
	if (want.n == 0)
		return e->journal && gpupt_plan_find(e->journal, GPUPT_GRUB_DROPIN)
			       ? gpupt_change_set_new(c, NULL, 0)
			       : 0;
	n = (size_t)snprintf(text, sizeof(text), "%s", head);
	for (size_t i = 0; i < want.n && n < sizeof(text); i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %s", want.tok[i]);
		all[i] = true;
	}
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\"\n");
	if (n >= sizeof(text))
		return -ENOSPC;
	r = set_ours(c, &want, all);
	return r < 0 ? r : gpupt_change_set_new(c, text, n);
}

static int apply_grub(struct gpupt_boot_edit *e)
{
	struct gpupt_tokens want;
	int r;

	if (!e->grub_in_place) {
		r = apply_grub_dropin(e);
	} else {
		drop_user_tokens(e->rootfd, e->want, &want, e->journal);
		r = apply_tokens(e, GPUPT_GRUB_DEFAULT, GPUPT_CHANGE_GRUB, &want, NULL);
	}
	return r < 0 ? r : verify(e, SRC_GRUB);
}

static int apply_kernel_cmdline(struct gpupt_boot_edit *e)
{
	int r = apply_tokens(e, GPUPT_KERNEL_CMDLINE, GPUPT_CHANGE_KCMDLINE, e->want, NULL);

	return r < 0 ? r : verify(e, SRC_PBT);
}

int gpupt_bootloader_kinstall_seed(int rootfd, char **seed, const char **from)
{
	char *buf;
	size_t len;
	long n;
	int r;

	*from = USR_KERNEL_CMDLINE;
	r = gpupt_read_file_alloc(rootfd, *from, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, seed, &len);
	if (r != -ENOENT)
		return r;
	*from = "proc/cmdline";
	r = gpupt_read_file_alloc(rootfd, *from, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);
	if (r < 0)
		return r;
	*seed = malloc(len + 2);
	n = *seed ? gpupt_kcmdline_join(buf, len, true, *seed, len + 1) : -ENOMEM;
	free(buf);
	if (n >= 0 && gpupt_trial_strip_proc_cmdline(rootfd, *seed, len + 1) < 0)
		n = -ENOMEM;
	if (n >= 0)
		memcpy(*seed + strlen(*seed), "\n", 2);
	return n < 0 ? (int)n : 0;
}

/*
 * Plain systemd-boot: kernel-install writes the loader entries from all
 * of /etc/kernel/cmdline.  Where that file is missing, gpupt creates it
 * (from what kernel-install used until now) as a whole file of its own, so
 * that disable removes it again; it stays gpupt's on later enables.
 */
static int apply_kernel_install(struct gpupt_boot_edit *e)
{
	const struct gpupt_change *j = e->journal ? gpupt_plan_find(e->journal, GPUPT_KERNEL_CMDLINE) : NULL;
	bool there = exists(e->rootfd, GPUPT_KERNEL_CMDLINE);
	enum gpupt_change_kind kind = GPUPT_CHANGE_KCMDLINE_ALL;
	const char *from = NULL;
	char *seed = NULL;
	int r = 0;

	if (!there || (j && j->kind == GPUPT_CHANGE_WHOLE))
		kind = GPUPT_CHANGE_WHOLE;
	if (!there)
		r = gpupt_bootloader_kinstall_seed(e->rootfd, &seed, &from);
	if (r < 0)
		snprintf(e->plan->failed, sizeof(e->plan->failed), "%s", from);
	if (r == 0)
		r = apply_tokens(e, GPUPT_KERNEL_CMDLINE, kind, e->want, seed);
	free(seed);
	return r < 0 ? r : verify(e, SRC_KERNEL_INSTALL);
}

#define EFIVARS "sys/firmware/efi/efivars"
/* Set by systemd-boot (the Boot Loader Interface), never by GRUB. */
#define LOADER_INFO EFIVARS "/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

/* Does the efivars directory list anything (efivarfs mounted)? */
static bool efivars_visible(int rootfd)
{
	struct dirent **names;
	int fd = gpupt_path_open(rootfd, EFIVARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	int n = fd < 0 ? -1 : scandirat(fd, ".", &names, NULL, NULL);
	bool any = false;

	if (fd >= 0)
		close(fd);
	for (int i = 0; i < n; i++) {
		any = any || names[i]->d_name[0] != '.';
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return any;
}

/*
 * proxmox-boot-tool keeps the ESPs it manages in proxmox-boot-uuids; on a
 * UEFI boot with /etc/kernel/cmdline they hold systemd-boot, unless the
 * firmware variables show this boot came through another loader (no
 * LoaderInfo while other variables are visible: GRUB).
 */
static bool detect_pbt_systemd_boot(int rootfd)
{
	if (!exists(rootfd, "etc/kernel/proxmox-boot-uuids") ||
	    !exists(rootfd, GPUPT_KERNEL_CMDLINE) || !exists(rootfd, "sys/firmware/efi"))
		return false;
	return exists(rootfd, LOADER_INFO) || !efivars_visible(rootfd);
}

/* Otherwise its ESPs hold GRUB (EFI/proxmox/grubx64.efi) or it is a BIOS boot. */
static bool detect_pbt_grub(int rootfd)
{
	return exists(rootfd, "etc/kernel/proxmox-boot-uuids");
}

static bool detect_grub(int rootfd)
{
	return exists(rootfd, GPUPT_GRUB_DEFAULT) || exists(rootfd, "etc/default/grub.d");
}

/* Does dir hold a systemd-boot binary (systemd-bootx64.efi, systemd-bootaa64.efi, ...)? */
static bool has_systemd_boot_efi(int rootfd, const char *dir)
{
	DIR *d = gpupt_path_opendir(rootfd, dir);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		found = strncmp(e->d_name, "systemd-boot", 12) == 0 && n > 16 &&
			strcmp(e->d_name + n - 4, ".efi") == 0;
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * Plain systemd-boot (Debian's systemd-boot package, after `bootctl
 * install`): the package's kernel hook /etc/kernel/postinst.d/zz-systemd-boot
 * runs `kernel-install add` only when /usr/bin/bootctl is there and `bootctl
 * is-installed` (EFI/systemd/ on the ESP not empty; bootctl looks for the
 * ESP at /efi, /boot and /boot/efi).  Exactly then do the loader entries
 * follow /etc/kernel/cmdline, and bootctl install made systemd-boot the
 * firmware's first boot entry.  The package merely installed next to GRUB
 * (no systemd-boot on the ESP) leaves GRUB in charge.
 */
const char *gpupt_bootloader_esp(int rootfd)
{
	static const char *const esps[] = { "efi", "boot", "boot/efi" };
	char dir[32];

	for (size_t i = 0; i < ARRAY_SIZE(esps); i++) {
		snprintf(dir, sizeof(dir), "%s/EFI/systemd", esps[i]);
		if (has_systemd_boot_efi(rootfd, dir))
			return esps[i];
	}
	return NULL;
}

static bool detect_kernel_install(int rootfd)
{
	return exists(rootfd, "etc/kernel/postinst.d/zz-systemd-boot") &&
	       exists(rootfd, "usr/bin/bootctl") && gpupt_bootloader_esp(rootfd) != NULL;
}

static const char *const pbt_refresh[] = { "proxmox-boot-tool", "refresh", NULL };
static const char *const update_grub[] = { "update-grub", NULL };
static const char *const kernel_install_add[] = { "kernel-install", "add", NULL };

const struct gpupt_bootloader gpupt_bootloaders[] = {
	{ "proxmox-boot-tool (systemd-boot)", detect_pbt_systemd_boot, apply_kernel_cmdline, pbt_refresh, false },
	{ "proxmox-boot-tool (GRUB)", detect_pbt_grub, apply_grub, pbt_refresh, false },
	{ "systemd-boot (kernel-install)", detect_kernel_install, apply_kernel_install,
	  kernel_install_add, true },
	{ "GRUB", detect_grub, apply_grub, update_grub, false },
	{ NULL, NULL, NULL, NULL, false },
};

/* One kernel's `kernel-install add VER /boot/vmlinuz-VER [/boot/initrd.img-VER]`. */
static bool regen_for_kernel(int rootfd, const char *const *base, const char *ver, struct gpupt_regen *cmd)
{
	size_t n = 0;

	if (snprintf(cmd->image, sizeof(cmd->image), "/boot/vmlinuz-%s", ver) >= (int)sizeof(cmd->image) ||
	    !exists(rootfd, cmd->image + 1))
		return false;
	snprintf(cmd->initrd, sizeof(cmd->initrd), "/boot/initrd.img-%s", ver);
	snprintf(cmd->kver, sizeof(cmd->kver), "%s", ver);
	for (; base[n]; n++)
		cmd->argv[n] = base[n];
	cmd->argv[n++] = cmd->kver;
	cmd->argv[n++] = cmd->image;
	if (exists(rootfd, cmd->initrd + 1))
		cmd->argv[n++] = cmd->initrd;
	cmd->argv[n] = NULL;
	return true;
}

size_t gpupt_bootloader_regen(const struct gpupt_bootloader *b, int rootfd, struct gpupt_regen *cmds, size_t max)
{
	struct gpupt_kernels k;
	size_t n = 0;

	if (!b->per_kernel) {
		size_t i = 0;

		for (; i < GPUPT_REGEN_ARGV - 1 && b->regen[i]; i++)
			cmds[0].argv[i] = b->regen[i];
		cmds[0].argv[i] = NULL;
		return max > 0;
	}
	/* As Debian's hooks do it: each installed kernel whose image is in /boot. */
	gpupt_kernels_find(rootfd, &k);
	for (size_t i = 0; i < k.n && n < max; i++)
		n += regen_for_kernel(rootfd, b->regen, k.installed[i].ver, &cmds[n]);
	return n;
}

bool gpupt_bootloader_is_kernel_install(const struct gpupt_bootloader *b)
{
	return b && b->apply == apply_kernel_install;
}

const struct gpupt_bootloader *gpupt_bootloader_detect(int rootfd)
{
	for (const struct gpupt_bootloader *b = gpupt_bootloaders; b->name; b++)
		if (b->detect(rootfd))
			return b;
	return NULL;
}

/* Does the file's command line (c->old) hold tok, as gpupt would have added it? */
static bool holds_token(const struct gpupt_change *c, const char *tok)
{
	const char *nl;

	if (c->kind == GPUPT_CHANGE_GRUB)
		return gpupt_grub_has(c->old, c->old_len, GPUPT_GRUB_VAR, tok);
	if (c->kind == GPUPT_CHANGE_KCMDLINE_ALL)
		return gpupt_kcmdline_has(c->old, 0, c->old_len, tok);
	nl = memchr(c->old, '\n', c->old_len);
	return gpupt_kcmdline_has(c->old, 0, nl ? (size_t)(nl - c->old) : c->old_len, tok);
}

/* Tokens the journal records that the file no longer holds: nothing to remove for them. */
static void warn_missing_tokens(const struct gpupt_change *c, const struct gpupt_tokens *ours, FILE *err)
{
	for (size_t i = 0; i < ours->n; i++) {
		if (c->old_exists && holds_token(c, ours->tok[i]))
			continue;
		if (c->old_exists)
			gpupt_warn(err,
				   "the journal says gpupt added %s to /%s, but it is not "
				   "there (edited by hand?); nothing to remove for it\n",
				   ours->tok[i], c->path);
		else
			gpupt_warn(err,
				   "the journal says gpupt added %s to /%s, but that file "
				   "is not there (removed by hand?); nothing to remove for it\n",
				   ours->tok[i], c->path);
	}
}

static int revert_tokens(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan, FILE *err)
{
	char ours_buf[GPUPT_NOTES_MAX];
	struct gpupt_tokens ours;
	struct gpupt_change *c;
	size_t size;
	char *out;
	long n;
	int r = gpupt_plan_add(plan, rootfd, j->path, j->kind, &c);

	if (r < 0)
		return r;
	snprintf(ours_buf, sizeof(ours_buf), "%s", j->ours);
	gpupt_notes_split(ours_buf, &ours);
	if (!c->old_exists) {
		warn_missing_tokens(c, &ours, err);
		return 0;
	}
	size = c->old_len + 1;
	out = malloc(size);
	if (!out)
		return -ENOMEM;
	if (j->kind == GPUPT_CHANGE_GRUB)
		n = gpupt_grub_revert(c->old, c->old_len, GPUPT_GRUB_VAR, &ours, j->line_added, out, size);
	else if (j->kind == GPUPT_CHANGE_KCMDLINE)
		n = gpupt_kcmdline_edit_file(c->old, c->old_len, NULL, &ours, NULL, out, size);
	else
		n = gpupt_kcmdline_edit_all(c->old, c->old_len, NULL, &ours, NULL, out, size);
	if (n < 0)
		snprintf(plan->failed, sizeof(plan->failed), "%s", j->path);
	r = n < 0 ? (int)n : gpupt_change_set_new(c, out, (size_t)n);
	free(out);
	if (r == 0)
		warn_missing_tokens(c, &ours, err);
	return r;
}

/* The version from before gpupt, from its backup copy (a regular file, not a link). */
static int read_prior(int rootfd, const struct gpupt_change *j, struct gpupt_change *c)
{
	struct stat st;
	char *prior = NULL;
	size_t len = 0;
	int r = gpupt_path_stat(rootfd, j->prior, &st, false);

	if (r == 0 && !S_ISREG(st.st_mode))
		r = S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	if (r == 0)
		r = gpupt_read_file_alloc(rootfd, j->prior, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &prior, &len);
	if (r == 0)
		r = gpupt_change_set_new(c, prior, len);
	free(prior);
	return r;
}

static int revert_whole(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan, FILE *err)
{
	struct gpupt_change *c;
	int r = gpupt_plan_add(plan, rootfd, j->path, j->kind, &c);

	if (r < 0)
		return r;
	if (!c->old_exists && !j->prior_saved)
		gpupt_warn(err,
			   "the journal says gpupt wrote /%s, but it is not there (removed by "
			   "hand?); nothing to remove for it\n",
			   j->path);
	if (!j->prior_saved)
		return gpupt_change_set_new(c, NULL, 0);
	r = read_prior(rootfd, j, c);
	if (r < 0)
		snprintf(plan->failed, sizeof(plan->failed), "%s", j->prior);
	return r;
}

int gpupt_change_revert(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan, FILE *err)
{
	if (j->kind == GPUPT_CHANGE_WHOLE)
		return revert_whole(rootfd, j, plan, err);
	return revert_tokens(rootfd, j, plan, err);
}

/* ---- the command line of the next boot ---- */

/* The plans whose changes a file is read through: the first that has it wins. */
struct overlay {
	struct gpupt_plan *plan, *more; /* either may be NULL */
};

/* path as the plans leave it (as it is now, when neither changes it), NUL-terminated. */
static int read_planned(int rootfd, const struct overlay *o, const char *path, char **buf, size_t *len)
{
	struct gpupt_change *c = o->plan ? gpupt_plan_find(o->plan, path) : NULL;

	if (!c && o->more)
		c = gpupt_plan_find(o->more, path);

	if (!c)
		return gpupt_read_file_alloc(rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, buf, len);
	if (!c->new_exists)
		return -ENOENT;
	*buf = malloc(c->new_len + 1);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, c->new, c->new_len);
	(*buf)[c->new_len] = '\0';
	*len = c->new_len;
	return 0;
}

static void note_problem(struct gpupt_boot_cmdline *out, int r, const char *rel, const char *var)
{
	out->problem = r;
	snprintf(out->problem_file, sizeof(out->problem_file), "%s", rel);
	out->problem_var = var;
}

/*
 * One GRUB file's assignment of var (value: what is known of it so far):
 * "$VAR ..." adds to the value, anything else replaces it.  A value gpupt
 * cannot follow ($(...), not one quoted string) leaves only what it adds to
 * known.
 */
static void grub_apply(const char *buf, size_t len, const char *rel, const char *var, char *value,
		       size_t size, struct gpupt_boot_cmdline *out)
{
	struct gpupt_grub_var v;
	size_t ref = gpupt_grub_appends(buf, len, var), used;
	int r = gpupt_grub_find(buf, len, var, &v);

	if (r == -ENOENT)
		return;
	if (!ref) {
		value[0] = '\0';
		snprintf(out->last, sizeof(out->last), "%s", rel);
	}
	if (r < 0) {
		note_problem(out, r, rel, var);
		return;
	}
	if (!ref && out->problem && strcmp(out->problem_var, var) == 0)
		out->problem = 0; /* what was not known is replaced */
	used = strlen(value);
	if (used + (v.end - v.start - ref) + 1 < size)
		strncat(value, buf + v.start + ref, v.end - v.start - ref);
}

static void grub_apply_file(int rootfd, const struct overlay *o, const char *rel, char *lin, char *def,
			    size_t size, struct gpupt_boot_cmdline *out)
{
	char *buf;
	size_t len;

	if (read_planned(rootfd, o, rel, &buf, &len) < 0)
		return;
	grub_apply(buf, len, rel, "GRUB_CMDLINE_LINUX", lin, size, out);
	grub_apply(buf, len, rel, GPUPT_GRUB_VAR, def, size, out);
	free(buf);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum { GRUB_D_MAX = 64 };

/* Add name (a copy) to names unless it is there; a *.cfg name only. */
static void add_cfg(char **names, size_t *n, const char *name)
{
	size_t l = strlen(name);

	if (name[0] == '.' || l <= 4 || strcmp(name + l - 4, ".cfg") != 0 || *n >= GRUB_D_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	names[*n] = strdup(name);
	if (names[*n])
		(*n)++;
}

#define GRUB_D "etc/default/grub.d/"

/* Add the grub.d names plan p creates. */
static void add_planned_cfgs(const struct gpupt_plan *p, char **names, size_t *n)
{
	for (unsigned i = 0; p && i < p->n; i++)
		if (strncmp(p->c[i].path, GRUB_D, strlen(GRUB_D)) == 0 &&
		    !strchr(p->c[i].path + strlen(GRUB_D), '/'))
			add_cfg(names, n, p->c[i].path + strlen(GRUB_D));
}

/*
 * grub-mkconfig sources /etc/default/grub, then /etc/default/grub.d/NAME.cfg
 * in name order: those there now and those the plans add.
 */
static void grub_configured(int rootfd, const struct overlay *o, struct gpupt_boot_cmdline *out)
{
	char lin[GPUPT_CMDLINE_MAX] = "", def[GPUPT_CMDLINE_MAX] = "", *names[GRUB_D_MAX];
	char rel[PATH_MAX];
	size_t n = 0;
	struct dirent *e;
	DIR *dir;

	grub_apply_file(rootfd, o, GPUPT_GRUB_DEFAULT, lin, def, sizeof(lin), out);
	dir = gpupt_path_opendir(rootfd, "etc/default/grub.d");
	while (dir && (e = readdir(dir)) != NULL)
		add_cfg(names, &n, e->d_name);
	if (dir)
		closedir(dir);
	add_planned_cfgs(o->plan, names, &n);
	add_planned_cfgs(o->more, names, &n);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), GRUB_D "%s", names[i]);
		grub_apply_file(rootfd, o, rel, lin, def, sizeof(lin), out);
		free(names[i]);
	}
	snprintf(out->value, sizeof(out->value), "%s %s", lin, def);
}

/* proxmox-boot-tool takes the first line as it stands, a '#' first or not. */
static void kcmdline_configured(int rootfd, const struct overlay *o, struct gpupt_boot_cmdline *out)
{
	char *buf;
	size_t len, skip;

	if (read_planned(rootfd, o, GPUPT_KERNEL_CMDLINE, &buf, &len) < 0)
		return;
	len = strcspn(buf, "\n");
	snprintf(out->value, sizeof(out->value), "%.*s", (int)len, buf);
	skip = strspn(buf, " \t");
	if (skip < len && buf[skip] == '#')
		note_problem(out, -EBADMSG, GPUPT_KERNEL_CMDLINE, NULL);
	free(buf);
}

/*
 * kernel-install: all of /etc/kernel/cmdline (as the plans leave it), else
 * /usr/lib/kernel/cmdline, else /proc/cmdline without the boot loader's
 * words, joined as 90-loaderentry.install joins them.
 */
static void kernel_install_configured(int rootfd, const struct overlay *o, struct gpupt_boot_cmdline *out)
{
	char *buf;
	size_t len;
	bool proc = false;

	out->file = "/" GPUPT_KERNEL_CMDLINE;
	if (read_planned(rootfd, o, GPUPT_KERNEL_CMDLINE, &buf, &len) < 0) {
		out->file = "/" USR_KERNEL_CMDLINE;
		if (gpupt_read_file_alloc(rootfd, USR_KERNEL_CMDLINE, GPUPT_FILE_MAX,
					  GPUPT_READ_REGULAR, &buf, &len) < 0) {
			out->file = "/proc/cmdline (no /etc/kernel/cmdline)";
			proc = true;
			if (gpupt_read_file_alloc(rootfd, "proc/cmdline", GPUPT_FILE_MAX,
						  GPUPT_READ_REGULAR, &buf, &len) < 0)
				return;
		}
	}
	if (gpupt_kcmdline_join(buf, len, proc, out->value, sizeof(out->value)) < 0)
		out->value[0] = '\0';
	free(buf);
}

static int configured(int rootfd, enum source src, const struct overlay *o, struct gpupt_boot_cmdline *out)
{
	memset(out, 0, sizeof(*out));
	if (src == SRC_PBT) {
		out->file = "/" GPUPT_KERNEL_CMDLINE;
		kcmdline_configured(rootfd, o, out);
	} else if (src == SRC_KERNEL_INSTALL) {
		kernel_install_configured(rootfd, o, out);
	} else {
		out->file = "/" GPUPT_GRUB_DEFAULT " and /etc/default/grub.d/";
		grub_configured(rootfd, o, out);
	}
	return out->problem;
}

int gpupt_bootloader_configured(int rootfd, const struct gpupt_bootloader *b, struct gpupt_plan *plan,
				struct gpupt_boot_cmdline *out)
{
	struct overlay o = { plan, NULL };
	enum source src = b->apply == apply_kernel_cmdline   ? SRC_PBT
			  : b->apply == apply_kernel_install ? SRC_KERNEL_INSTALL
							     : SRC_GRUB;

	return configured(rootfd, src, &o, out);
}

/*
 * After planning: does the command line the boot loader would use hold
 * every token of want?  The files as the plan leaves them are read, with
 * what an earlier enable added elsewhere taken away (as enable does next).
 * A later file that replaces the value (a grub.d/NAME.cfg after ours)
 * would drop the tokens: -EDOM, with that file in e->plan->failed.
 */
static int verify(struct gpupt_boot_edit *e, enum source src)
{
	struct gpupt_boot_cmdline *now = malloc(sizeof(*now));
	struct gpupt_plan *gone = calloc(1, sizeof(*gone));
	struct overlay o = { e->plan, gone };
	int r = now && gone ? 0 : -ENOMEM;

	for (unsigned i = 0; r == 0 && e->journal && i < e->journal->n; i++)
		if (!gpupt_plan_find(e->plan, e->journal->c[i].path))
			/* A what-if: its warnings belong to disable, not here. */
			r = gpupt_change_revert(e->rootfd, &e->journal->c[i], gone, NULL);
	if (r == 0)
		configured(e->rootfd, src, &o, now);
	for (size_t i = 0; r == 0 && i < e->want->n; i++)
		if (!gpupt_kcmdline_has(now->value, 0, strlen(now->value), e->want->tok[i]))
			r = -EDOM;
	if (r == -EDOM)
		snprintf(e->plan->failed, sizeof(e->plan->failed), "%s",
			 now->last[0]	   ? now->last
			 : src != SRC_GRUB ? GPUPT_KERNEL_CMDLINE
					   : GPUPT_GRUB_DEFAULT);
	if (gone)
		gpupt_plan_free(gone);
	free(gone);
	free(now);
	return r;
}
