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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/model/journal.h"
#include "lib/atomic.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/number.h"
#include "lib/path.h"
#include "lib/sha256.h"

enum { SHOWN_MAX = 60 };

static const char *kind_name(enum gpupt_change_kind k)
{
	static const char *const names[] = {
		[GPUPT_CHANGE_WHOLE] = "whole",
		[GPUPT_CHANGE_GRUB] = "grub",
		[GPUPT_CHANGE_KCMDLINE] = "kcmdline",
		[GPUPT_CHANGE_KCMDLINE_ALL] = "kcmdline-all",
	};

	return names[k];
}

static int kind_parse(const char *s, enum gpupt_change_kind *k)
{
	if (strcmp(s, "whole") == 0)
		*k = GPUPT_CHANGE_WHOLE;
	else if (strcmp(s, "grub") == 0)
		*k = GPUPT_CHANGE_GRUB;
	else if (strcmp(s, "kcmdline") == 0)
		*k = GPUPT_CHANGE_KCMDLINE;
	else if (strcmp(s, "kcmdline-all") == 0)
		*k = GPUPT_CHANGE_KCMDLINE_ALL;
	else
		return -EINVAL;
	return 0;
}

/* One journal being parsed: where, and what was wrong. */
struct parse {
	struct gpupt_plan *j;
	bool has_sum[GPUPT_PLAN_MAX];
	unsigned lineno;
	char shown[SHOWN_MAX + 4]; /* the current line, printable, for messages */
	char *why;
	size_t size;
};

static int bad(struct parse *p, const char *fmt, ...) PRINTF_FORMAT(2, 3);

static int bad(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, p->size, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* line, cut to SHOWN_MAX bytes, anything unprintable as '?'. */
static void show(struct parse *p, const char *line)
{
	size_t n = 0;

	for (; n < SHOWN_MAX && line[n]; n++)
		p->shown[n] = line[n] >= ' ' && line[n] < 0x7f ? line[n] : '?';
	snprintf(p->shown + n, sizeof(p->shown) - n, "%s", line[n] ? "..." : "");
}

/* A saved copy: strictly below the backup directory, every component a plain name. */
static bool prior_ok(const char *path)
{
	static const char dir[] = GPUPT_BACKUP_DIR "/";
	const char *s = path + sizeof(dir) - 1;
	char comp[256];

	if (strncmp(path, dir, sizeof(dir) - 1) != 0)
		return false;
	for (;;) {
		size_t n = strcspn(s, "/");

		if (n == 0 || n >= sizeof(comp))
			return false;
		memcpy(comp, s, n);
		comp[n] = '\0';
		if (!gpupt_path_name_ok(comp))
			return false;
		s += n;
		if (*s == '\0')
			return true;
		s++;
	}
}

/* A command-line token gpupt could have added: printable, no blanks, no quoting. */
static bool token_ok(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (*t <= ' ' || *t >= 0x7f || strchr("\"'\\`$", *t))
			return false;
	return true;
}

/* Exactly 16 hex digits. */
static int parse_sum(const char *s, uint64_t *out)
{
	unsigned hi, lo;

	if (strlen(s) != 16 || gpupt_parse_hex(s, 8, &hi) < 0 || gpupt_parse_hex(s + 8, 8, &lo) < 0)
		return -EINVAL;
	*out = (uint64_t)hi << 32 | lo;
	return 0;
}

static int file_line(struct parse *p, char *val)
{
	struct gpupt_change *c;
	enum gpupt_change_kind kind;
	char *k = strrchr(val, ' ');

	if (!k || kind_parse(k + 1, &kind) < 0)
		return bad(p, "line %u (`%s`) has no kind (whole, grub, kcmdline or kcmdline-all)",
			   p->lineno, p->shown);
	*k = '\0';
	show(p, val);
	if (!gpupt_own_file_ok(val, kind))
		return bad(p,
			   "line %u names /%s, which is not one of gpupt's own files (or not of "
			   "kind %s)",
			   p->lineno, p->shown, kind_name(kind));
	if (gpupt_plan_find(p->j, val))
		return bad(p, "line %u names /%s a second time", p->lineno, val);
	if (p->j->n >= GPUPT_PLAN_MAX)
		return bad(p, "line %u: more entries than gpupt writes", p->lineno);
	c = &p->j->c[p->j->n];
	memset(c, 0, sizeof(*c));
	c->new_exists = true; /* as gpupt left it */
	c->kind = kind;
	snprintf(c->path, sizeof(c->path), "%s", val);
	p->has_sum[p->j->n++] = false;
	return 0;
}

/* The meaning of one line of an entry, for c. */
static int entry_line(struct parse *p, struct gpupt_change *c, const char *key, const char *val)
{
	bool whole = c->kind == GPUPT_CHANGE_WHOLE;

	if (strcmp(key, "line-added") == 0 && !val && c->kind == GPUPT_CHANGE_GRUB) {
		c->line_added = true;
	} else if (strcmp(key, "prior") == 0 && val && whole && !c->prior_saved) {
		show(p, val);
		if (!prior_ok(val) || strlen(val) >= sizeof(c->prior))
			return bad(p, "line %u: the saved copy /%s is not a file below /%s/",
				   p->lineno, p->shown, GPUPT_BACKUP_DIR);
		c->prior_saved = true;
		snprintf(c->prior, sizeof(c->prior), "%s", val);
	} else if (strcmp(key, "sum") == 0 && val && whole && !p->has_sum[p->j->n - 1]) {
		if (parse_sum(val, &c->sum) < 0)
			return bad(p, "line %u (`%s`) is not a checksum", p->lineno, p->shown);
		p->has_sum[p->j->n - 1] = true;
	} else if (strcmp(key, "token") == 0 && val) {
		size_t n = strlen(c->ours);

		if (!token_ok(val))
			return bad(p, "line %u (`%s`) is not a kernel command-line token", p->lineno, p->shown);
		if (n + strlen(val) + 2 > sizeof(c->ours))
			return bad(p, "line %u: more tokens than gpupt adds", p->lineno);
		snprintf(c->ours + n, sizeof(c->ours) - n, "%s\n", val);
	} else {
		return bad(p, "line %u (`%s`) is not understood", p->lineno, p->shown);
	}
	return 0;
}

static int journal_line(struct parse *p, char *line)
{
	char *val = strchr(line, ' ');

	show(p, line);
	if (line[0] == '#')
		return 0;
	if (val)
		*val++ = '\0';
	if (strcmp(line, "file") == 0 && val)
		return file_line(p, val);
	if (p->j->n == 0)
		return bad(p, "line %u (`%s`) comes before any `file` line", p->lineno, p->shown);
	return entry_line(p, &p->j->c[p->j->n - 1], line, val);
}

/* The first line: the version, or what the file is instead. */
static int check_version(struct parse *p, const char *buf, size_t len)
{
	static const char legacy[] = "# What `gpupt enable` added;", other[] = "gpupt-journal ";
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;

	if (n == STRLEN(GPUPT_JOURNAL_VERSION) && memcmp(buf, GPUPT_JOURNAL_VERSION, n) == 0)
		return nl ? 0 : bad(p, "it ends after its first line (cut short?)");
	if (len == 0)
		return bad(p, "it is empty (cut short?)");
	if (n >= sizeof(legacy) - 1 && memcmp(buf, legacy, sizeof(legacy) - 1) == 0)
		return bad(p, "it has no version line and no checksum (an earlier gpupt wrote it), "
			      "so gpupt cannot tell whether it is complete");
	if (n >= sizeof(other) && memcmp(buf, other, sizeof(other) - 1) == 0)
		return bad(p,
			   "it is in a format this gpupt does not read (`%.*s`; a newer gpupt "
			   "wrote it?)",
			   (int)(n < 40 ? n : 40), buf);
	return bad(p, "its first line is not `%s`", GPUPT_JOURNAL_VERSION);
}

/* The closing record "end <checksum>": where it starts (the end of what it covers). */
static int check_end(struct parse *p, const char *buf, size_t len, size_t *body)
{
	size_t start = len > 1 ? len - 1 : 0;
	uint64_t want, got;
	char sum[17];

	if (len == 0 || buf[len - 1] != '\n')
		return bad(p, "its last line is cut short: the closing `end` record is missing");
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (start == 0 || len - start != STRLEN("end ") + 16 + 1 || memcmp(buf + start, "end ", 4) != 0)
		return bad(p, "the closing `end` record is missing (cut short?)");
	memcpy(sum, buf + start + 4, 16);
	sum[16] = '\0';
	if (parse_sum(sum, &want) < 0)
		return bad(p, "the closing `end` record holds no checksum");
	got = gpupt_checksum(buf, start);
	if (got != want)
		return bad(p,
			   "its checksum does not match its content (the `end` record says "
			   "%016llx, the lines before it give %016llx): it was changed or damaged",
			   (unsigned long long)want, (unsigned long long)got);
	*body = start;
	return 0;
}

static int parse_lines(struct parse *p, char *text)
{
	char *line = strchr(text, '\n') + 1, *nl; /* line 1, the version, is checked */
	int r = 0;

	for (p->lineno = 2; r == 0 && (nl = strchr(line, '\n')); line = nl + 1, p->lineno++) {
		*nl = '\0';
		r = journal_line(p, line);
	}
	for (unsigned i = 0; i < p->j->n && r == 0; i++)
		if (p->j->c[i].kind == GPUPT_CHANGE_WHOLE && !p->has_sum[i])
			r = bad(p, "the entry of /%s has no `sum` line", p->j->c[i].path);
	return r;
}

int gpupt_journal_parse(const char *buf, size_t len, struct gpupt_plan *j, char *why, size_t size)
{
	struct parse *p = calloc(1, sizeof(*p));
	char *text = NULL;
	size_t body = 0;
	int r = -ENOMEM;

	if (!p)
		return r;
	p->j = calloc(1, sizeof(*p->j));
	p->why = why;
	p->size = size;
	if (!p->j)
		goto out;
	if (memchr(buf, '\0', len))
		r = bad(p, "it holds a NUL byte");
	else
		r = check_version(p, buf, len);
	if (r == 0)
		r = check_end(p, buf, len, &body);
	if (r == 0 && !(text = strndup(buf, body)))
		r = -ENOMEM;
	if (r == 0)
		r = parse_lines(p, text);
	if (r == 0)
		*j = *p->j;
out:
	free(text);
	free(p->j);
	free(p);
	return r;
}

static void explain_damage(FILE *err, const char *why)
{
	gpupt_msg(err, "/%s is damaged: %s; nothing was changed\n", GPUPT_JOURNAL_PATH, why);
	gpupt_msg(err,
		  "that journal is the only record of what gpupt added, so gpupt neither uses "
		  "nor replaces it; the backups under /%s/<time>/ keep every earlier version of "
		  "each file gpupt changed, each with its own journal: restore your files by hand "
		  "from there, or, if the system is already clean, remove /%s\n",
		  GPUPT_BACKUP_DIR, GPUPT_JOURNAL_PATH);
}

int gpupt_journal_read(int rootfd, FILE *err, struct gpupt_plan *j, struct gpupt_journal_seen *seen)
{
	char *buf, why[256];
	size_t len;
	int r = gpupt_read_file_alloc(rootfd, GPUPT_JOURNAL_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				      &buf, &len);

	if (r == -ENOENT) {
		j->n = 0;
		*seen = (struct gpupt_journal_seen){ 0 };
		return 0;
	}
	if (r < 0) {
		snprintf(why, sizeof(why), "it cannot be read (%s)", strerror(-r));
		explain_damage(err, why);
		return r;
	}
	r = gpupt_journal_parse(buf, len, j, why, sizeof(why));
	if (r == -EBADMSG)
		explain_damage(err, why);
	else if (r < 0)
		gpupt_msg(err, "cannot read /%s: %s; nothing was changed\n", GPUPT_JOURNAL_PATH,
			  strerror(-r));
	if (r == 0)
		*seen = (struct gpupt_journal_seen){ true, len, gpupt_checksum(buf, len) };
	free(buf);
	return r;
}

int gpupt_journal_verify(int rootfd, const struct gpupt_journal_seen *seen)
{
	char *buf = NULL;
	size_t len = 0;
	int r = gpupt_read_file_alloc(rootfd, GPUPT_JOURNAL_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				      &buf, &len);
	bool same;

	if (r < 0 && r != -ENOENT)
		return r;
	same = (r == 0) == seen->exists &&
	       (r != 0 || (len == seen->len && gpupt_checksum(buf, len) == seen->sum));
	free(buf);
	return same ? 0 : -ESTALE;
}

static bool entry_is_empty(const struct gpupt_change *c)
{
	return c->kind == GPUPT_CHANGE_WHOLE ? !c->new_exists && !c->prior_saved : !c->ours[0] && !c->line_added;
}

size_t gpupt_journal_format(const struct gpupt_plan *j, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size,
				    GPUPT_JOURNAL_VERSION
				    "\n"
				    "# What `gpupt enable` added; `gpupt disable` takes exactly "
				    "this away.\n# The last line is a checksum of every line "
				    "before it: gpupt refuses this file once it was edited.\n");

	for (unsigned i = 0; i < j->n && n < size; i++) {
		const struct gpupt_change *c = &j->c[i];
		const char *t = c->ours;
		n += (size_t)snprintf(buf + n, size - n, "file %s %s\n", c->path, kind_name(c->kind));
		if (c->kind == GPUPT_CHANGE_WHOLE && n < size)
			n += (size_t)snprintf(buf + n, size - n, "sum %016llx\n", (unsigned long long)c->sum);
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
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "end %016llx\n",
				      (unsigned long long)gpupt_checksum(buf, n));
	return n;
}

/* The journal after this run: the old one updated by the plan's changes. */
int gpupt_journal_merge(const struct gpupt_plan *old, const struct gpupt_plan *plan, bool disabling,
			struct gpupt_plan *out)
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
		if (e->kind == GPUPT_CHANGE_WHOLE && e->new_exists)
			e->sum = gpupt_checksum(plan->c[i].new, plan->c[i].new_len);
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
			 e->old_existed ? "present" : "absent", e->old_size, (unsigned long long)e->old_sum,
			 e->new_exists ? "present" : "absent", e->new_size, (unsigned long long)e->new_sum);

	while (n >= 0 && (size_t)n < size && *tok) {
		const char *nl = strchr(tok, '\n');
		n += snprintf(buf + n, size - (size_t)n, "token %.*s\n", (int)(nl - tok), tok);
		tok = nl + 1;
	}
	return n >= 0 && (size_t)n < size ? n : -ENOSPC;
}

int gpupt_backup_journal_format(const struct gpupt_backup *b, char *buf, size_t size)
{
	char sum[GPUPT_SHA256_HEX + 1];
	int n = snprintf(buf, size,
			 "# gpupt backup journal: what one run changed; old versions beside it\n"
			 "command %s\n",
			 b->command ? b->command : "-");

	for (unsigned i = 0; i < b->n_files && n >= 0 && (size_t)n < size; i++) {
		int m = backup_entry_format(buf + n, size - (size_t)n, &b->files[i]);

		n = m < 0 ? m : n + m;
	}
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	/* Sealed as the main journal is: a damaged one is told from a good one. */
	gpupt_sha256_hex(buf, (size_t)n, sum);
	n += snprintf(buf + n, size - (size_t)n, "end %s\n", sum);
	return (size_t)n < size ? n : -ENOSPC;
}

/* The line at *pos of buf[0, len) into [*from, *eol); false at the end. */
static bool next_line(const char *buf, size_t len, size_t *pos, size_t *from, size_t *eol)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*from = *pos;
	nl = memchr(buf + *pos, '\n', len - *pos);
	*eol = nl ? (size_t)(nl - buf) : len;
	*pos = nl ? *eol + 1 : len;
	return true;
}

static bool starts(const char *buf, size_t from, size_t eol, const char *key)
{
	size_t n = strlen(key);

	return eol - from >= n && memcmp(buf + from, key, n) == 0;
}

int gpupt_backup_journal_parse(const char *buf, size_t len, struct gpupt_backup_summary *s)
{
	size_t pos = 0, from, eol;
	char sum[GPUPT_SHA256_HEX + 1];

	memset(s, 0, sizeof(*s));
	s->seal = GPUPT_SEAL_NONE;
	while (next_line(buf, len, &pos, &from, &eol)) {
		if (starts(buf, from, eol, "command ")) {
			snprintf(s->command, sizeof(s->command), "%.*s",
				 (int)MIN(eol - from - 8, sizeof(s->command) - 1), buf + from + 8);
		} else if (starts(buf, from, eol, "file ")) {
			if (s->n_files < ARRAY_SIZE(s->files))
				snprintf(s->files[s->n_files], sizeof(s->files[0]), "%.*s",
					 (int)MIN(eol - from - 5, sizeof(s->files[0]) - 1), buf + from + 5);
			s->n_files++;
		} else if (starts(buf, from, eol, "old present") && s->n_files &&
			   s->n_files <= ARRAY_SIZE(s->files)) {
			s->saved[s->n_files - 1] = true;
		} else if (starts(buf, from, eol, "end ")) {
			gpupt_sha256_hex(buf, from, sum);
			s->seal = eol - from == 4 + GPUPT_SHA256_HEX &&
						  memcmp(buf + from + 4, sum, GPUPT_SHA256_HEX) == 0 && pos == len
					  ? GPUPT_SEAL_OK
					  : GPUPT_SEAL_BAD;
			break;
		}
	}
	for (size_t i = 0; i < s->n_files && i < ARRAY_SIZE(s->files); i++)
		for (char *c = s->files[i]; *c; c++)
			if ((unsigned char)*c < ' ' || *c == 0x7f)
				*c = '?';
	for (char *c = s->command; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			*c = '?';
	return s->seal == GPUPT_SEAL_BAD ? -EBADMSG : 0;
}
