// SPDX-License-Identifier: MIT
/*
 * gpupt's two journals, read and written here only:
 *   var/lib/gpupt/journal                what `gpupt enable` added, file by
 *                                        file; `gpupt disable` takes exactly
 *                                        that away
 *   var/lib/gpupt/backup/<time>/journal  what one run changed, beside the
 *                                        old versions it saved
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/model/journal.h"
#include "lib/msg.h"
#include "lib/path.h"

static const char *kind_name(enum gpupt_change_kind k)
{
	return k == GPUPT_CHANGE_WHOLE ? "whole" : k == GPUPT_CHANGE_GRUB ? "grub" : "kcmdline";
}

static int kind_parse(const char *s, enum gpupt_change_kind *k)
{
	if (strcmp(s, "whole") == 0)
		*k = GPUPT_CHANGE_WHOLE;
	else if (strcmp(s, "grub") == 0)
		*k = GPUPT_CHANGE_GRUB;
	else if (strcmp(s, "kcmdline") == 0)
		*k = GPUPT_CHANGE_KCMDLINE;
	else
		return -EINVAL;
	return 0;
}

/* Append one "key value" line's meaning to the journal being read. */
static int journal_line(struct gpupt_plan *j, char *line)
{
	struct gpupt_change *c = j->n ? &j->c[j->n - 1] : NULL;
	char *val = strchr(line, ' ');

	if (line[0] == '#' || line[0] == '\0')
		return 0;
	if (val)
		*val++ = '\0';
	if (strcmp(line, "file") == 0 && val) {
		char *kind = strrchr(val, ' ');
		if (!kind || j->n >= GPUPT_PLAN_MAX)
			return -EINVAL;
		*kind++ = '\0';
		c = &j->c[j->n];
		memset(c, 0, sizeof(*c));
		c->new_exists = true;	/* as gpupt left it */
		if (kind_parse(kind, &c->kind) < 0 ||
		    snprintf(c->path, sizeof(c->path), "%s", val) >= (int)sizeof(c->path))
			return -EINVAL;
		j->n++;
		return 0;
	}
	if (!c)
		return -EINVAL;
	if (strcmp(line, "line-added") == 0) {
		c->line_added = true;
	} else if (strcmp(line, "prior") == 0 && val) {
		c->prior_saved = true;
		snprintf(c->prior, sizeof(c->prior), "%s", val);
	} else if (strcmp(line, "token") == 0 && val) {
		size_t n = strlen(c->ours);
		snprintf(c->ours + n, sizeof(c->ours) - n, "%s\n", val);
	} else {
		return -EINVAL;
	}
	return 0;
}

int gpupt_journal_read(int rootfd, FILE *err, struct gpupt_plan *j)
{
	char *buf, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;
	int r = gpupt_read_file_alloc(rootfd, GPUPT_JOURNAL_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);

	j->n = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		gpupt_msg(err, "cannot read /%s: %s\n", GPUPT_JOURNAL_PATH, strerror(-r));
		return r;
	}
	for (line = strtok_r(buf, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		r = journal_line(j, line);
	}
	if (r < 0)
		gpupt_msg(err, "/%s: line %u is not understood; fix or remove that file "
				"(the backups under /%s keep every earlier version)\n",
			GPUPT_JOURNAL_PATH, lineno, GPUPT_BACKUP_DIR);
	free(buf);
	return r;
}

static bool entry_is_empty(const struct gpupt_change *c)
{
	return c->kind == GPUPT_CHANGE_WHOLE ? !c->new_exists && !c->prior_saved
					     : !c->ours[0] && !c->line_added;
}

size_t gpupt_journal_format(const struct gpupt_plan *j, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "# What `gpupt enable` added; `gpupt disable` takes "
					       "exactly this away.\n");

	for (unsigned i = 0; i < j->n && n < size; i++) {
		const struct gpupt_change *c = &j->c[i];
		const char *t = c->ours;
		n += (size_t)snprintf(buf + n, size - n, "file %s %s\n", c->path, kind_name(c->kind));
		if (c->line_added && n < size)
			n += (size_t)snprintf(buf + n, size - n, "line-added\n");
		if (c->prior_saved && n < size)
			n += (size_t)snprintf(buf + n, size - n, "prior %s\n", c->prior);
		while (*t && n < size) {
			const char *nl = strchr(t, '\n');
			n += (size_t)snprintf(buf + n, size - n, "token %.*s\n", (int)(nl - t), t);
			t = nl + 1;
		}
	}
	return n;
}

/* The journal after this run: the old one updated by the plan's changes. */
int gpupt_journal_merge(const struct gpupt_plan *old, const struct gpupt_plan *plan,
			 bool disabling, struct gpupt_plan *out)
{
	out->n = 0;
	if (disabling)
		return 0;
	for (unsigned i = 0; i < old->n; i++)
		out->c[out->n++] = old->c[i];
	for (unsigned i = 0; i < plan->n; i++) {
		struct gpupt_change *e = gpupt_plan_find(out, plan->c[i].path);
		if (!e) {
			if (out->n >= GPUPT_PLAN_MAX)
				return -ENOSPC;
			e = &out->c[out->n++];
			*e = plan->c[i];
		}
		e->kind = plan->c[i].kind;
		e->new_exists = plan->c[i].new_exists;
		memcpy(e->ours, plan->c[i].ours, sizeof(e->ours));
		e->line_added = plan->c[i].line_added;
	}
	for (unsigned i = 0; i < out->n;)
		if (entry_is_empty(&out->c[i]))
			out->c[i] = out->c[--out->n];
		else
			i++;
	for (unsigned i = 0; i < out->n; i++)
		out->c[i].old = out->c[i].new = NULL;
	return 0;
}

/* ---- a backup's own journal: var/lib/gpupt/backup/<time>/journal ---- */

static int backup_entry_format(char *buf, size_t size, const struct gpupt_backup_entry *e)
{
	const char *tok = e->notes;
	int n = snprintf(buf, size, "file %s\nold %s %zu %016llx\nnew %s %zu %016llx\n", e->path,
			 e->old_existed ? "present" : "absent", e->old_size,
			 (unsigned long long)e->old_sum, e->new_exists ? "present" : "absent",
			 e->new_size, (unsigned long long)e->new_sum);

	while (n >= 0 && (size_t)n < size && *tok) {
		const char *nl = strchr(tok, '\n');
		n += snprintf(buf + n, size - (size_t)n, "token %.*s\n", (int)(nl - tok), tok);
		tok = nl + 1;
	}
	return n >= 0 && (size_t)n < size ? n : -ENOSPC;
}

int gpupt_backup_journal_format(const struct gpupt_backup *b, char *buf, size_t size)
{
	int n = snprintf(buf, size, "# gpupt backup journal: what one run changed; old versions beside it\n"
				    "command %s\n", b->command ? b->command : "-");

	for (unsigned i = 0; i < b->n_files && n >= 0 && (size_t)n < size; i++) {
		int m = backup_entry_format(buf + n, size - (size_t)n, &b->files[i]);

		n = m < 0 ? m : n + m;
	}
	return n >= 0 && (size_t)n < size ? n : -ENOSPC;
}
