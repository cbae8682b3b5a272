// SPDX-License-Identifier: MIT
/* kernel-install's private configuration directory for disable (host/model/kinstall.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/kcmdline.h"
#include "host/model/kinstall.h"
#include "lib/atomic.h"
#include "lib/macro.h"
#include "lib/path.h"

#define ENV_CONF_ROOT "KERNEL_INSTALL_CONF_ROOT=/" GPUPT_KINSTALL_CONF_DIR

/* What kernel-install 252 reads from KERNEL_INSTALL_CONF_ROOT instead, and from where otherwise. */
static const struct {
	const char *name, *from[2];
} copies[] = {
	{ "install.conf", { "etc/kernel/install.conf", "usr/lib/kernel/install.conf" } },
	{ "entry-token", { "etc/kernel/entry-token", NULL } },
	{ "tries", { "etc/kernel/tries", NULL } },
};

/* The removal of a file gpupt created (no version before it) that plan makes, if any. */
static const struct gpupt_change *
created_and_removed(const struct gpupt_plan *journal, struct gpupt_plan *plan, const char *path)
{
	const struct gpupt_change *j = NULL, *c = gpupt_plan_find(plan, path);

	for (unsigned i = 0; i < journal->n; i++)
		if (strcmp(journal->c[i].path, path) == 0)
			j = &journal->c[i];
	if (!j || j->kind != GPUPT_CHANGE_WHOLE || j->prior_saved || !c || c->new_exists)
		return NULL;
	return j;
}

/*
 * The text gpupt's tokens are taken out of: the file as it is, or, when it
 * is gone, /proc/cmdline as kernel-install reads it.  NULL when
 * kernel-install has /usr/lib/kernel/cmdline to fall back to, which it
 * takes as it is (and enable created the file from).
 */
static int base_text(int rootfd, const struct gpupt_change *c, char **text, size_t *len, const char **from)
{
	int r = gpupt_bootloader_kinstall_seed(rootfd, text, from);

	if (r < 0 || strcmp(*from, "proc/cmdline") != 0) {
		free(*text);
		*text = NULL;
		return r;
	}
	if (c->old_exists) {
		free(*text);
		*from = c->path;
		*text = strndup(c->old, c->old_len);
		if (!*text)
			return -ENOMEM;
	}
	*len = strlen(*text);
	return 0;
}

/* cmd's argv with `env KERNEL_INSTALL_CONF_ROOT=/DIR` in front. */
static void prepend_env(struct gpupt_regen *cmd)
{
	size_t n = 0;

	while (n < GPUPT_REGEN_ARGV - 3 && cmd->argv[n])
		n++;
	memmove(cmd->argv + 2, cmd->argv, (n + 1) * sizeof(cmd->argv[0]));
	cmd->argv[n + 2] = NULL;
	cmd->argv[0] = "env";
	cmd->argv[1] = ENV_CONF_ROOT;
}

int gpupt_kinstall_conf_plan(int rootfd, const struct gpupt_bootloader *b,
			     const struct gpupt_plan *journal, struct gpupt_plan *plan,
			     struct gpupt_regen *cmds, size_t n, struct gpupt_kinstall_conf *k)
{
	const struct gpupt_change *j = NULL;
	char ours_buf[GPUPT_NOTES_MAX], *text = NULL;
	struct gpupt_tokens ours;
	const char *from = GPUPT_KERNEL_CMDLINE;
	size_t len = 0;
	long m;
	int r;

	k->cmdline = NULL;
	k->len = 0;
	if (gpupt_bootloader_is_kernel_install(b))
		j = created_and_removed(journal, plan, GPUPT_KERNEL_CMDLINE);
	if (!j)
		return 0;
	r = base_text(rootfd, gpupt_plan_find(plan, j->path), &text, &len, &from);
	if (r < 0 || !text)
		goto out;
	snprintf(ours_buf, sizeof(ours_buf), "%s", j->ours);
	gpupt_notes_split(ours_buf, &ours);
	/* Taking out only shortens the text. */
	k->cmdline = malloc(len + 1);
	m = k->cmdline ? gpupt_kcmdline_edit_all(text, len, NULL, &ours, NULL, k->cmdline, len + 1) : -ENOMEM;
	r = m < 0 ? (int)m : 0;
	if (r < 0) {
		gpupt_kinstall_conf_free(k);
		goto out;
	}
	k->len = (size_t)m;
	for (size_t i = 0; i < n; i++)
		prepend_env(&cmds[i]);
out:
	if (r < 0)
		snprintf(plan->failed, sizeof(plan->failed), "%s", from);
	free(text);
	return r;
}

/* Write DIR/name: a copy of the first of from that exists (none: nothing). */
static int copy_one(int rootfd, const char *name, const char *const *from, size_t n_from, char *failed, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	int r = -ENOENT;

	for (size_t i = 0; i < n_from && from[i] && r == -ENOENT; i++) {
		snprintf(failed, size, "%s", from[i]);
		r = gpupt_read_file_alloc(rootfd, from[i], GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);
	}
	if (r == -ENOENT)
		return 0;
	if (r == 0) {
		char dest[GPUPT_PATH_MAX];

		snprintf(dest, sizeof(dest), GPUPT_KINSTALL_CONF_DIR "/%s", name);
		snprintf(failed, size, "%s", dest);
		r = gpupt_file_write_atomic(rootfd, dest, buf, len, 0644);
	}
	free(buf);
	return r;
}

static int remove_files(int rootfd)
{
	char path[GPUPT_PATH_MAX];
	int r = gpupt_file_remove(rootfd, GPUPT_KINSTALL_CONF_DIR "/cmdline");

	for (size_t i = 0; i < ARRAY_SIZE(copies) && r == 0; i++) {
		snprintf(path, sizeof(path), GPUPT_KINSTALL_CONF_DIR "/%s", copies[i].name);
		r = gpupt_file_remove(rootfd, path);
	}
	return r;
}

int gpupt_kinstall_conf_write(int rootfd, const struct gpupt_kinstall_conf *k, char *failed, size_t size)
{
	/* What an interrupted run left there is replaced, not mixed in. */
	int r = remove_files(rootfd);

	snprintf(failed, size, "%s", GPUPT_KINSTALL_CONF_DIR "/cmdline");
	if (r == 0)
		r = gpupt_file_write_atomic(rootfd, GPUPT_KINSTALL_CONF_DIR "/cmdline", k->cmdline, k->len, 0644);
	for (size_t i = 0; i < ARRAY_SIZE(copies) && r == 0; i++)
		r = copy_one(rootfd, copies[i].name, copies[i].from, ARRAY_SIZE(copies[i].from), failed, size);
	return r;
}

int gpupt_kinstall_conf_remove(int rootfd)
{
	int r = remove_files(rootfd);

	return r < 0 ? r : gpupt_dir_remove(rootfd, GPUPT_KINSTALL_CONF_DIR);
}

void gpupt_kinstall_conf_free(struct gpupt_kinstall_conf *k)
{
	free(k->cmdline);
	k->cmdline = NULL;
	k->len = 0;
}
