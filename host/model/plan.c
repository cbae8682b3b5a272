// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf.h"
#include "host/model/bootloader.h"
#include "host/model/plan.h"
#include "lib/path.h"

const struct gpupt_own_file gpupt_own_files[] = {
	{ GPUPT_CONF_PATH, GPUPT_CHANGE_WHOLE },
	{ GPUPT_MODPROBE_PATH, GPUPT_CHANGE_WHOLE },
	{ GPUPT_GRUB_DROPIN, GPUPT_CHANGE_WHOLE },
	{ GPUPT_GRUB_DEFAULT, GPUPT_CHANGE_GRUB },
	{ GPUPT_KERNEL_CMDLINE, GPUPT_CHANGE_KCMDLINE },
	{ GPUPT_KERNEL_CMDLINE, GPUPT_CHANGE_KCMDLINE_ALL },
	{ GPUPT_KERNEL_CMDLINE, GPUPT_CHANGE_WHOLE },
	{ NULL, GPUPT_CHANGE_WHOLE },
};

bool gpupt_own_file_ok(const char *path, enum gpupt_change_kind kind)
{
	for (const struct gpupt_own_file *f = gpupt_own_files; f->path; f++)
		if (strcmp(f->path, path) == 0 && f->kind == kind)
			return true;
	return false;
}

void gpupt_plan_free(struct gpupt_plan *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		free(p->c[i].old);
		free(p->c[i].new);
	}
	p->n = 0;
}

struct gpupt_change *gpupt_plan_find(struct gpupt_plan *p, const char *path)
{
	for (unsigned i = 0; i < p->n; i++)
		if (strcmp(p->c[i].path, path) == 0)
			return &p->c[i];
	return NULL;
}

static char *dup_bytes(const char *data, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, data, len);
		p[len] = '\0';
	}
	return p;
}

static int take_in(struct gpupt_change *c, int rootfd, const char *path)
{
	struct stat st;
	int r;

	if (gpupt_path_stat(rootfd, path, &st, false) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	r = gpupt_read_file_alloc(rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &c->old, &c->old_len);
	if (r < 0 && r != -ENOENT)
		return r;
	c->old_exists = r == 0;
	if (c->old_exists && !(c->new = dup_bytes(c->old, c->old_len))) {
		free(c->old);
		return -ENOMEM;
	}
	c->new_len = c->old_len;
	c->new_exists = c->old_exists;
	return 0;
}

int gpupt_plan_add(struct gpupt_plan *p, int rootfd, const char *path, enum gpupt_change_kind kind,
		   struct gpupt_change **out)
{
	struct gpupt_change *c;
	int r;

	snprintf(p->failed, sizeof(p->failed), "%s", path);
	if (!gpupt_own_file_ok(path, kind))
		return -EPERM;
	if (p->n >= GPUPT_PLAN_MAX)
		return -ENOSPC;
	c = &p->c[p->n];
	memset(c, 0, sizeof(*c));
	if (snprintf(c->path, sizeof(c->path), "%s", path) >= (int)sizeof(c->path))
		return -ENAMETOOLONG;
	c->kind = kind;
	c->mode = 0644;
	r = take_in(c, rootfd, path);
	if (r < 0)
		return r;
	p->failed[0] = '\0';
	p->n++;
	*out = c;
	return 0;
}

/* Does path hold exactly what c was planned from (contents, or absence)? */
static int still_old(const struct gpupt_change *c, int rootfd)
{
	char *now = NULL;
	size_t len = 0;
	int r = gpupt_read_file_alloc(rootfd, c->path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &now, &len);
	bool same;

	if (r < 0 && r != -ENOENT)
		return r;
	same = (r == 0) == c->old_exists &&
	       (r != 0 || (len == c->old_len && (len == 0 || memcmp(now, c->old, len) == 0)));
	free(now);
	return same ? 0 : -ESTALE;
}

int gpupt_plan_verify(struct gpupt_plan *p, int rootfd)
{
	for (unsigned i = 0; i < p->n; i++) {
		int r = still_old(&p->c[i], rootfd);

		if (r < 0) {
			snprintf(p->failed, sizeof(p->failed), "%s", p->c[i].path);
			return r;
		}
	}
	return 0;
}

int gpupt_change_set_new(struct gpupt_change *c, const char *data, size_t len)
{
	char *copy = NULL;

	if (data && !(copy = dup_bytes(data, len)))
		return -ENOMEM;
	free(c->new);
	c->new = copy;
	c->new_len = data ? len : 0;
	c->new_exists = data != NULL;
	return 0;
}

bool gpupt_change_is_noop(const struct gpupt_change *c)
{
	if (c->old_exists != c->new_exists)
		return false;
	return !c->old_exists || (c->old_len == c->new_len && memcmp(c->old, c->new, c->old_len) == 0);
}

void gpupt_notes_split(char *notes, struct gpupt_tokens *t)
{
	char *p = notes, *nl;

	t->n = 0;
	while (*p && (nl = strchr(p, '\n'))) {
		*nl = '\0';
		if (*p)
			gpupt_tokens_add(t, p);
		p = nl + 1;
	}
}
