// SPDX-License-Identifier: MIT
/* Token-by-token editing of one variable of /etc/default/grub (pure). */
#include <errno.h>
#include <string.h>

#include "host/formats/grubedit.h"

/* Substitutions nested deeper than this are not modelled (and bound the recursion). */
enum { MAX_DEPTH = 16 };

/*
 * A scan of shell text, as sh (dash, which grub-mkconfig runs) reads it.
 * On an error the scanners set err and return len: -EINVAL for a quote,
 * substitution or expansion that is never closed, -ENOTSUP for nesting
 * deeper than MAX_DEPTH.
 */
struct lex {
	const char *buf;
	size_t len;
	int err;
	unsigned depth;
	bool subst; /* a command substitution ($(...) or `...`) was passed */
};

static size_t fail(struct lex *l, int err)
{
	if (!l->err)
		l->err = err;
	return l->len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A separator between words: a blank, or a backslash-newline, which sh removes. */
static size_t blank_len(const struct lex *l, size_t i)
{
	if (i < l->len && is_blank(l->buf[i]))
		return 1;
	if (i + 1 < l->len && l->buf[i] == '\\' && l->buf[i + 1] == '\n')
		return 2;
	return 0;
}

static size_t skip_blanks(const struct lex *l, size_t i)
{
	size_t n;

	while ((n = blank_len(l, i)) > 0)
		i += n;
	return i;
}

static size_t skip_expansion(struct lex *l, size_t i);

/* Past the '...' at i. */
static size_t skip_single(struct lex *l, size_t i)
{
	const char *end = memchr(l->buf + i + 1, '\'', l->len - i - 1);

	return end ? (size_t)(end - l->buf) + 1 : fail(l, -EINVAL);
}

/* Past the `...` at i: a command substitution, ended by the next unescaped backquote. */
static size_t skip_backquoted(struct lex *l, size_t i)
{
	l->subst = true;
	for (i++; i < l->len; i++) {
		if (l->buf[i] == '\\')
			i++;
		else if (l->buf[i] == '`')
			return i + 1;
	}
	return fail(l, -EINVAL);
}

/* Past the "..." at i, with the substitutions and expansions inside it. */
static size_t skip_double(struct lex *l, size_t i)
{
	for (i++; i < l->len && !l->err;) {
		char c = l->buf[i];

		if (c == '"')
			return i + 1;
		if (c == '\\')
			i += 2;
		else if (c == '`')
			i = skip_backquoted(l, i);
		else if (c == '$')
			i = skip_expansion(l, i);
		else
			i++;
	}
	return fail(l, -EINVAL);
}

/* May a '#' at i start a comment (at the start of a word)? */
static bool word_starts(const struct lex *l, size_t i)
{
	return i == 0 || (l->buf[i - 1] != '\0' && strchr(" \t\n;&|()", l->buf[i - 1]));
}

/*
 * Past shell text up to the ')' that closes the $( or $(( at whose inside i
 * is: words, quotes, comments, nested substitutions and parentheses.  (An
 * unbalanced ')' of a case pattern inside it is not modelled.)
 */
static size_t skip_to_paren(struct lex *l, size_t i)
{
	unsigned open = 0;

	while (i < l->len && !l->err) {
		char c = l->buf[i];

		if (c == '\\') {
			i += 2;
		} else if (c == '\'') {
			i = skip_single(l, i);
		} else if (c == '"') {
			i = skip_double(l, i);
		} else if (c == '`') {
			i = skip_backquoted(l, i);
		} else if (c == '$') {
			i = skip_expansion(l, i);
		} else if (c == '#' && word_starts(l, i)) {
			const char *nl = memchr(l->buf + i, '\n', l->len - i);
			i = nl ? (size_t)(nl - l->buf) : l->len;
		} else if (c == '(') {
			open++;
			i++;
		} else if (c == ')' && open == 0) {
			return i + 1;
		} else {
			open -= c == ')';
			i++;
		}
	}
	return fail(l, -EINVAL);
}

/* Past the ${...} whose inside starts at i: to the first '}' outside quotes and nesting. */
static size_t skip_to_brace(struct lex *l, size_t i)
{
	while (i < l->len && !l->err) {
		char c = l->buf[i];

		if (c == '}')
			return i + 1;
		if (c == '\\')
			i += 2;
		else if (c == '\'')
			i = skip_single(l, i);
		else if (c == '"')
			i = skip_double(l, i);
		else if (c == '`')
			i = skip_backquoted(l, i);
		else if (c == '$')
			i = skip_expansion(l, i);
		else
			i++;
	}
	return fail(l, -EINVAL);
}

/*
 * Past the '$' at i: $(...) and $((...)) (a substitution: what they give is
 * known only when sh runs them), ${...}, or a plain $NAME (just the '$').
 */
static size_t skip_expansion(struct lex *l, size_t i)
{
	char next = i + 1 < l->len ? l->buf[i + 1] : '\0';

	if (next != '(' && next != '{')
		return i + 1;
	if (l->depth >= MAX_DEPTH)
		return fail(l, -ENOTSUP);
	l->depth++;
	if (next == '(') {
		l->subst = true;
		i = skip_to_paren(l, i + 2);
	} else {
		i = skip_to_brace(l, i + 2);
	}
	l->depth--;
	return i;
}

/* What skip_word saw. */
struct word {
	unsigned segments; /* quoted strings and unquoted runs */
	bool one_quoted;   /* the only segment is one quoted string */
	bool subst;	   /* it holds a command substitution */
};

/* Past the word at i: it ends at an unquoted blank, newline or ';'. */
static size_t skip_word(struct lex *l, size_t i, struct word *w)
{
	bool in_bare = false;

	memset(w, 0, sizeof(*w));
	l->subst = false;
	/* A backslash-newline inside a word joins it with the next line, as sh does. */
	while (i < l->len && !l->err && !is_blank(l->buf[i]) && l->buf[i] != '\n' && l->buf[i] != ';') {
		char c = l->buf[i];

		if (c == '"' || c == '\'') {
			w->segments++;
			w->one_quoted = w->segments == 1;
			in_bare = false;
			i = c == '"' ? skip_double(l, i) : skip_single(l, i);
			continue;
		}
		if (!in_bare) {
			w->segments++;
			w->one_quoted = false;
			in_bare = true;
		}
		if (c == '`')
			i = skip_backquoted(l, i);
		else if (c == '$')
			i = skip_expansion(l, i);
		else
			i += (c == '\\' && i + 1 < l->len) ? 2 : 1;
	}
	w->subst = l->subst;
	return i;
}

static bool is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/* The length of NAME in a word "NAME=...", or 0 when the word at i is no assignment. */
static size_t assignment_name(const struct lex *l, size_t i)
{
	size_t n = 0;

	while (i + n < l->len && is_name_char(l->buf[i + n], n == 0))
		n++;
	return n > 0 && i + n < l->len && l->buf[i + n] == '=' ? n : 0;
}

static bool word_is(const struct lex *l, size_t i, size_t end, const char *s)
{
	return end - i == strlen(s) && memcmp(l->buf + i, s, end - i) == 0;
}

/* The last assignment of a variable found so far. */
struct found {
	int r;			 /* as gpupt_grub_find returns it */
	struct gpupt_grub_var v; /* start, end and quote only when r is 0 */
};

/*
 * One command from i (after its leading blanks) to its newline or ';' (not
 * consumed).  Its assignments are the words NAME=VALUE before the first
 * other word and, after "export", every such word.  Each one of var is
 * recorded in *f.
 */
static size_t scan_command(struct lex *l, size_t i, const char *var, struct found *f)
{
	bool assigning = true, exported = false;

	while (i < l->len && !l->err && l->buf[i] != '\n' && l->buf[i] != ';') {
		size_t name = assignment_name(l, i), start = i;
		struct word w;

		if (l->buf[i] == '#' && word_starts(l, i)) {
			const char *nl = memchr(l->buf + i, '\n', l->len - i);
			return nl ? (size_t)(nl - l->buf) : l->len;
		}
		if (assigning && name) {
			size_t vs = i + name + 1;
			i = skip_word(l, vs, &w);
			if (!l->err && name == strlen(var) && memcmp(l->buf + start, var, name) == 0) {
				f->r = w.subst				 ? -ENOEXEC
				       : w.one_quoted && w.segments == 1 ? 0
									 : -ENOTSUP;
				f->v = (struct gpupt_grub_var){ start, vs, i, vs, vs, '\0' };
				if (f->r == 0)
					f->v = (struct gpupt_grub_var){ start,	vs,    i,
									vs + 1, i - 1, l->buf[vs] };
			}
		} else {
			i = skip_word(l, i, &w);
			exported = exported || (assigning && word_is(l, start, i, "export"));
			assigning = exported;
		}
		i = skip_blanks(l, i);
	}
	return i;
}

static int find_last(const char *buf, size_t len, const char *var, struct found *f)
{
	struct lex l = { buf, len, 0, 0, false };
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	f->r = -ENOENT;
	while (i < len && !l.err) {
		i = skip_blanks(&l, i);
		if (i < len && (buf[i] == '\n' || buf[i] == ';'))
			i++;
		else
			i = scan_command(&l, i, var, f);
	}
	return l.err ? l.err : f->r;
}

int gpupt_grub_find(const char *buf, size_t len, const char *var, struct gpupt_grub_var *v)
{
	struct found f;
	int r = find_last(buf, len, var, &f);

	if (r == 0)
		*v = f.v;
	return r;
}

/* The length of the reference $VAR or ${VAR} at buf[i], or 0 when there is none. */
static size_t self_reference(const char *buf, size_t end, size_t i, const char *var)
{
	size_t n = strlen(var);

	if (i + 1 + n > end || buf[i] != '$')
		return 0;
	if (buf[i + 1] == '{')
		return i + 3 + n <= end && memcmp(buf + i + 2, var, n) == 0 && buf[i + 2 + n] == '}' ? n + 3 : 0;
	if (memcmp(buf + i + 1, var, n) != 0)
		return 0;
	return i + 1 + n == end || !is_name_char(buf[i + 1 + n], false) ? n + 1 : 0;
}

size_t gpupt_grub_appends(const char *buf, size_t len, const char *var)
{
	struct found f;
	int r = find_last(buf, len, var, &f);
	size_t at = f.v.value_start;

	if (r != 0 && r != -ENOEXEC && r != -ENOTSUP)
		return 0;
	if (at < f.v.value_end && buf[at] == '"')
		at++;
	return self_reference(buf, f.v.value_end, at, var);
}

bool gpupt_grub_has(const char *buf, size_t len, const char *var, const char *tok)
{
	struct gpupt_grub_var v = { 0 };

	return gpupt_grub_find(buf, len, var, &v) == 0 && gpupt_kcmdline_has(buf, v.start, v.end, tok);
}

/* buf, then a new last line VAR="TOKENS". */
static long append_line(const char *buf, size_t len, const char *var, const struct gpupt_tokens *add,
			bool *added, char *out, size_t size)
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
	struct gpupt_grub_var v = { 0 };
	if (gpupt_grub_find(out, at, var, &v) < 0 || v.line_start != len + newline_before)
		return -ENOTSUP;
	return (long)at;
}

long gpupt_grub_edit(const char *buf, size_t len, const char *var, const struct gpupt_tokens *add,
		     const struct gpupt_tokens *del, bool *added, bool *line_added, char *out, size_t size)
{
	struct gpupt_grub_var v = { 0 };
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
	struct gpupt_grub_var v = { 0 };

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

long gpupt_grub_revert(const char *buf, size_t len, const char *var, const struct gpupt_tokens *ours,
		       bool line_added, char *out, size_t size)
{
	bool dummy;
	long n = gpupt_grub_edit(buf, len, var, NULL, ours, NULL, &dummy, out, size);

	if (n < 0 || !line_added)
		return n;
	return (long)drop_added_line(out, (size_t)n, var);
}
