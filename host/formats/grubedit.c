// SPDX-License-Identifier: MIT
/* Token-by-token editing of one variable of /etc/default/grub (pure). */
#include <errno.h>
#include <string.h>

#include "host/formats/grubedit.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Past the quoted string opening at buf[i]; len when it is never closed. */
static size_t skip_quoted(const char *buf, size_t len, size_t i)
{
	char q = buf[i++];

	while (i < len && buf[i] != q)
		i += (q == '"' && buf[i] == '\\') ? 2 : 1;
	return i < len ? i + 1 : len + 1;
}

/*
 * Past the shell word starting at buf[i]: stops at an unquoted blank,
 * newline or ';'.  *segments counts its quoted and unquoted pieces, *quoted
 * whether the only piece is a quoted string.  Returns len + 1 for an
 * unclosed quote.
 */
static size_t skip_word(const char *buf, size_t len, size_t i, unsigned *segments, bool *one_quoted)
{
	bool in_bare = false;

	*segments = 0;
	*one_quoted = false;
	while (i < len && !is_blank(buf[i]) && buf[i] != '\n' && buf[i] != ';') {
		if (buf[i] == '"' || buf[i] == '\'') {
			(*segments)++;
			*one_quoted = *segments == 1;
			in_bare = false;
			i = skip_quoted(buf, len, i);
			if (i > len)
				return i;
			continue;
		}
		if (!in_bare) {
			(*segments)++;
			*one_quoted = false;
			in_bare = true;
		}
		i += (buf[i] == '\\' && i + 1 < len) ? 2 : 1;
	}
	return i;
}

/* Past the rest of a command: to its newline or ';' (not consumed). */
static size_t skip_command(const char *buf, size_t len, size_t i)
{
	while (i < len && buf[i] != '\n' && buf[i] != ';') {
		if (buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			break;
		}
		if (is_blank(buf[i])) {
			i++;
			continue;
		}
		unsigned segs;
		bool q;
		i = skip_word(buf, len, i, &segs, &q);
		if (i > len)
			return i;
	}
	return i;
}

static bool names_var(const char *buf, size_t len, size_t i, const char *var)
{
	size_t n = strlen(var);

	return len - i > n && memcmp(buf + i, var, n) == 0 && buf[i + n] == '=';
}

int gpupt_grub_find(const char *buf, size_t len, const char *var, struct gpupt_grub_var *v)
{
	int r = -ENOENT;
	size_t i = 0;

	while (i < len) {
		while (i < len && (is_blank(buf[i]) || buf[i] == '\n' || buf[i] == ';'))
			i++;
		if (i >= len)
			break;
		if (names_var(buf, len, i, var)) {
			unsigned segs;
			bool one_quoted;
			size_t vs = i + strlen(var) + 1;
			size_t ve = skip_word(buf, len, vs, &segs, &one_quoted);
			if (ve > len)
				return -EINVAL;
			r = one_quoted && segs == 1 ? 0 : -ENOTSUP;
			if (r == 0)
				*v = (struct gpupt_grub_var){ i, vs, ve, vs + 1, ve - 1, buf[vs] };
			i = ve;
		}
		i = skip_command(buf, len, i);
		if (i > len)
			return -EINVAL;
	}
	return r;
}

bool gpupt_grub_has(const char *buf, size_t len, const char *var, const char *tok)
{
	struct gpupt_grub_var v;

	return gpupt_grub_find(buf, len, var, &v) == 0 && gpupt_kcmdline_has(buf, v.start, v.end, tok);
}

/* buf, then a new last line VAR="TOKENS". */
static long append_line(const char *buf, size_t len, const char *var,
			const struct gpupt_tokens *add, bool *added, char *out, size_t size)
{
	bool newline_before = len > 0 && buf[len - 1] != '\n';
	size_t need = len + strlen(var) + 4;
	size_t at;

	for (size_t i = 0; i < add->n; i++)
		need += strlen(add->tok[i]) + 1;
	if (need > size)
		return -ENOSPC;
	memcpy(out, buf, len);
	at = len;
	if (newline_before)
		out[at++] = '\n';
	at += (size_t)(stpcpy(out + at, var) - (out + at));
	out[at++] = '=';
	out[at++] = '"';
	for (size_t i = 0; i < add->n; i++) {
		if (i > 0)
			out[at++] = ' ';
		at += (size_t)(stpcpy(out + at, add->tok[i]) - (out + at));
		if (added)
			added[i] = true;
	}
	out[at++] = '"';
	/* A file that did not end in a newline still does not: undo stays exact. */
	if (!newline_before)
		out[at++] = '\n';
	/* A dangling backslash or quote before it would swallow the new line. */
	struct gpupt_grub_var v;
	if (gpupt_grub_find(out, at, var, &v) < 0 || v.line_start != len + newline_before)
		return -ENOTSUP;
	return (long)at;
}

long gpupt_grub_edit(const char *buf, size_t len, const char *var, const struct gpupt_tokens *add,
		     const struct gpupt_tokens *del, bool *added, bool *line_added, char *out,
		     size_t size)
{
	struct gpupt_grub_var v;
	int r = gpupt_grub_find(buf, len, var, &v);

	*line_added = false;
	if (r == -ENOENT) {
		if (!add || add->n == 0) {
			if (len > size)
				return -ENOSPC;
			memcpy(out, buf, len);
			return (long)len;
		}
		*line_added = true;
		return append_line(buf, len, var, add, added, out, size);
	}
	if (r < 0)
		return r;
	return gpupt_kcmdline_edit(buf, len, v.start, v.end, add, del, added, out, size);
}

/* Drop the line VAR="" that gpupt_grub_edit added at the end of out. */
static size_t drop_added_line(char *out, size_t n, const char *var)
{
	struct gpupt_grub_var v;

	if (gpupt_grub_find(out, n, var, &v) < 0 || v.start != v.end)
		return n;
	if (v.line_start > 0 && out[v.line_start - 1] != '\n')
		return n;
	if (v.value_end == n && v.line_start > 0)
		return v.line_start - 1;
	if (v.value_end + 1 == n && out[v.value_end] == '\n')
		return v.line_start;
	return n;
}

long gpupt_grub_revert(const char *buf, size_t len, const char *var,
		       const struct gpupt_tokens *ours, bool line_added, char *out, size_t size)
{
	bool dummy;
	long n = gpupt_grub_edit(buf, len, var, NULL, ours, NULL, &dummy, out, size);

	if (n < 0 || !line_added)
		return n;
	return (long)drop_added_line(out, (size_t)n, var);
}
