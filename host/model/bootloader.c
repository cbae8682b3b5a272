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
#include "lib/msg.h"
#include "lib/path.h"

enum { EDIT_SLACK = 4096 };

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

/* Edit a token file (kind GRUB or KCMDLINE) so it holds want. */
static int apply_tokens(struct gpupt_boot_edit *e, const char *path, enum gpupt_change_kind kind,
			const struct gpupt_tokens *want)
{
	char prev[GPUPT_NOTES_MAX];
	struct gpupt_tokens del;
	struct gpupt_change *c;
	bool added[GPUPT_TOKENS_MAX], line_added = false, prev_line;
	size_t size;
	char *out;
	long n;
	int r = gpupt_plan_add(e->plan, e->rootfd, path, kind, &c);

	if (r < 0)
		return r;
	previous_ours(e->journal, path, prev, sizeof(prev), &del, &prev_line);
	size = c->old_len + EDIT_SLACK;
	out = malloc(size);
	if (!out)
		return -ENOMEM;
	if (kind == GPUPT_CHANGE_GRUB)
		n = gpupt_grub_edit(c->old ? c->old : "", c->old_len, GPUPT_GRUB_VAR, want, &del,
				    added, &line_added, out, size);
	else
		n = gpupt_kcmdline_edit_file(c->old ? c->old : "", c->old_len, want, &del, added,
					     out, size);
	if (n < 0)	/* the editors refuse what they cannot edit exactly: name the file */
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
			       ? gpupt_change_set_new(c, NULL, 0) : 0;
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

	if (!e->grub_in_place)
		return apply_grub_dropin(e);
	drop_user_tokens(e->rootfd, e->want, &want, e->journal);
	return apply_tokens(e, GPUPT_GRUB_DEFAULT, GPUPT_CHANGE_GRUB, &want);
}

static int apply_kernel_cmdline(struct gpupt_boot_edit *e)
{
	return apply_tokens(e, GPUPT_KERNEL_CMDLINE, GPUPT_CHANGE_KCMDLINE, e->want);
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

static const char *const pbt_refresh[] = { "proxmox-boot-tool", "refresh", NULL };
static const char *const update_grub[] = { "update-grub", NULL };

const struct gpupt_bootloader gpupt_bootloaders[] = {
	{ "proxmox-boot-tool (systemd-boot)", detect_pbt_systemd_boot, apply_kernel_cmdline,
	  pbt_refresh },
	{ "proxmox-boot-tool (GRUB)", detect_pbt_grub, apply_grub, pbt_refresh },
	{ "GRUB", detect_grub, apply_grub, update_grub },
	{ NULL, NULL, NULL, NULL },
};

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
	nl = memchr(c->old, '\n', c->old_len);
	return gpupt_kcmdline_has(c->old, 0, nl ? (size_t)(nl - c->old) : c->old_len, tok);
}

/* Tokens the journal records that the file no longer holds: nothing to remove for them. */
static void warn_missing_tokens(const struct gpupt_change *c, const struct gpupt_tokens *ours,
				FILE *err)
{
	for (size_t i = 0; i < ours->n; i++) {
		if (c->old_exists && holds_token(c, ours->tok[i]))
			continue;
		if (c->old_exists)
			gpupt_warn(err, "the journal says gpupt added %s to /%s, but it is not "
				   "there (edited by hand?); nothing to remove for it\n",
				   ours->tok[i], c->path);
		else
			gpupt_warn(err, "the journal says gpupt added %s to /%s, but that file "
				   "is not there (removed by hand?); nothing to remove for it\n",
				   ours->tok[i], c->path);
	}
}

static int revert_tokens(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan,
			 FILE *err)
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
		n = gpupt_grub_revert(c->old, c->old_len, GPUPT_GRUB_VAR, &ours, j->line_added, out,
				      size);
	else
		n = gpupt_kcmdline_edit_file(c->old, c->old_len, NULL, &ours, NULL, out, size);
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
		r = gpupt_read_file_alloc(rootfd, j->prior, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
					  &prior, &len);
	if (r == 0)
		r = gpupt_change_set_new(c, prior, len);
	free(prior);
	return r;
}

static int revert_whole(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan,
			FILE *err)
{
	struct gpupt_change *c;
	int r = gpupt_plan_add(plan, rootfd, j->path, j->kind, &c);

	if (r < 0)
		return r;
	if (!c->old_exists && !j->prior_saved)
		gpupt_warn(err, "the journal says gpupt wrote /%s, but it is not there (removed by "
			   "hand?); nothing to remove for it\n", j->path);
	if (!j->prior_saved)
		return gpupt_change_set_new(c, NULL, 0);
	r = read_prior(rootfd, j, c);
	if (r < 0)
		snprintf(plan->failed, sizeof(plan->failed), "%s", j->prior);
	return r;
}

int gpupt_change_revert(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan,
			FILE *err)
{
	if (j->kind == GPUPT_CHANGE_WHOLE)
		return revert_whole(rootfd, j, plan, err);
	return revert_tokens(rootfd, j, plan, err);
}

/* ---- the command line of the next boot ---- */

/* Apply one GRUB file's assignment of var to value: "$VAR ..." appends, else replaces. */
static void grub_apply(const char *buf, size_t len, const char *var, char *value, size_t size)
{
	struct gpupt_grub_var v;
	char ref1[64], ref2[64];
	const char *s;
	size_t n;

	if (gpupt_grub_find(buf, len, var, &v) != 0)
		return;
	s = buf + v.start;
	n = v.end - v.start;
	snprintf(ref1, sizeof(ref1), "$%s", var);
	snprintf(ref2, sizeof(ref2), "${%s}", var);
	if (v.quote == '"' && n >= strlen(ref2) && strncmp(s, ref2, strlen(ref2)) == 0) {
		s += strlen(ref2);
		n -= strlen(ref2);
	} else if (v.quote == '"' && n >= strlen(ref1) && strncmp(s, ref1, strlen(ref1)) == 0) {
		s += strlen(ref1);
		n -= strlen(ref1);
	} else {
		value[0] = '\0';
	}
	if (strlen(value) + n + 1 < size)
		strncat(value, s, n);
}

static void grub_apply_file(int rootfd, const char *rel, char *lin, char *def, size_t size)
{
	char *buf;
	size_t len;

	if (gpupt_read_file_alloc(rootfd, rel, GPUPT_FILE_MAX, 0, &buf, &len) < 0)
		return;
	grub_apply(buf, len, "GRUB_CMDLINE_LINUX", lin, size);
	grub_apply(buf, len, "GRUB_CMDLINE_LINUX_DEFAULT", def, size);
	free(buf);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* grub-mkconfig sources /etc/default/grub, then /etc/default/grub.d/NAME.cfg in name order. */
static void grub_configured(int rootfd, char *out, size_t size)
{
	char lin[GPUPT_CMDLINE_MAX] = "", def[GPUPT_CMDLINE_MAX] = "", *names[64] = { NULL }, rel[PATH_MAX];
	size_t n = 0;
	struct dirent *e;
	DIR *dir = NULL;

	grub_apply_file(rootfd, "etc/default/grub", lin, def, sizeof(lin));
	dir = gpupt_path_opendir(rootfd, "etc/default/grub.d");
	while (dir && (e = readdir(dir)) != NULL && n < 64) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] != '.' && l > 4 && strcmp(e->d_name + l - 4, ".cfg") == 0)
			names[n++] = strdup(e->d_name);
		if (n && !names[n - 1])
			n--;
	}
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "etc/default/grub.d/%s", names[i]);
		grub_apply_file(rootfd, rel, lin, def, sizeof(lin));
		free(names[i]);
	}
	snprintf(out, size, "%s %s", lin, def);
}

void gpupt_bootloader_configured(int rootfd, const struct gpupt_bootloader *b, char *out,
				 size_t size, const char **file)
{
	out[0] = '\0';
	if (strstr(b->name, "systemd-boot")) {
		*file = "/" GPUPT_KERNEL_CMDLINE;
		if (gpupt_read_file(rootfd, GPUPT_KERNEL_CMDLINE, out, size, 0) < 0)
			out[0] = '\0';
		out[strcspn(out, "\n")] = '\0';
		return;
	}
	*file = "/" GPUPT_GRUB_DEFAULT " and /etc/default/grub.d/";
	grub_configured(rootfd, out, size);
}
