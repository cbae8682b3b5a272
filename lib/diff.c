// SPDX-License-Identifier: MIT
/*
 * Line diff by longest common subsequence: the files gpupt edits are a few
 * hundred lines at most; bigger inputs show as one replaced block.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diff.h"

enum { CONTEXT = 3, MAX_CELLS = 4 * 1024 * 1024 };

struct line {
	const char *p;
	size_t len; /* with its '\n' when it has one */
};

struct lines {
	struct line *v;
	size_t n;
};

static int split_lines(const char *buf, size_t len, struct lines *l)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' || i + 1 == len)
			n++;
	l->n = 0;
	l->v = calloc(n ? n : 1, sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	for (size_t i = 0, s = 0; i < len; i++)
		if (buf[i] == '\n' || i + 1 == len) {
			l->v[l->n++] = (struct line){ buf + s, i + 1 - s };
			s = i + 1;
		}
	return 0;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

enum op { SAME, DEL, ADD };

struct edit {
	enum op op;
	size_t ai, bi; /* line index in a (SAME, DEL) and in b (SAME, ADD) */
};

/* The edit script a -> b: LCS table filled from the end, walked from the start. */
static int edit_script(const struct lines *a, const struct lines *b, struct edit *e, size_t *n)
{
	size_t w = b->n + 1, i = 0, j = 0;
	bool small = (a->n + 1) * w <= MAX_CELLS;
	uint32_t *t = small ? calloc((a->n + 1) * w, sizeof(*t)) : NULL;

	if (small && !t)
		return -ENOMEM;
	for (size_t x = a->n; t && x-- > 0;)
		for (size_t y = b->n; y-- > 0;)
			t[x * w + y] = line_eq(&a->v[x], &b->v[y]) ? t[(x + 1) * w + y + 1] + 1
				       : t[(x + 1) * w + y] > t[x * w + y + 1] ? t[(x + 1) * w + y]
									       : t[x * w + y + 1];
	*n = 0;
	while (i < a->n || j < b->n) {
		if (t && i < a->n && j < b->n && line_eq(&a->v[i], &b->v[j]))
			e[(*n)++] = (struct edit){ SAME, i++, j++ };
		else if (i < a->n && (j == b->n || !t || t[(i + 1) * w + j] >= t[i * w + j + 1]))
			e[(*n)++] = (struct edit){ DEL, i++, j };
		else
			e[(*n)++] = (struct edit){ ADD, i, j++ };
	}
	free(t);
	return 0;
}

static void print_line(FILE *f, char mark, const struct line *l)
{
	fputc(mark, f);
	fwrite(l->p, 1, l->len, f);
	if (l->len == 0 || l->p[l->len - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", f);
}

/* unified-diff range: "start,count", start 0 for an empty range. */
static void print_range(FILE *f, size_t first, size_t count)
{
	fprintf(f, "%zu,%zu", count ? first + 1 : first, count);
}

static void print_hunk(FILE *f, const struct lines *a, const struct lines *b, const struct edit *e,
		       size_t from, size_t to)
{
	size_t na = 0, nb = 0;

	for (size_t k = from; k < to; k++) {
		na += e[k].op != ADD;
		nb += e[k].op != DEL;
	}
	fputs("@@ -", f);
	print_range(f, e[from].ai, na);
	fputs(" +", f);
	print_range(f, e[from].bi, nb);
	fputs(" @@\n", f);
	for (size_t k = from; k < to; k++) {
		if (e[k].op == SAME)
			print_line(f, ' ', &a->v[e[k].ai]);
		else if (e[k].op == DEL)
			print_line(f, '-', &a->v[e[k].ai]);
		else
			print_line(f, '+', &b->v[e[k].bi]);
	}
}

static void print_hunks(FILE *f, const struct lines *a, const struct lines *b, const struct edit *e, size_t n)
{
	size_t k = 0;

	while (k < n) {
		while (k < n && e[k].op == SAME)
			k++;
		if (k == n)
			break;
		size_t from = k > CONTEXT ? k - CONTEXT : 0, end = k, same = 0;
		/* Extend while changes are closer than twice the context. */
		for (size_t x = k; x < n; x++) {
			if (e[x].op != SAME) {
				end = x + 1;
				same = 0;
			} else if (++same > 2 * CONTEXT) {
				break;
			}
		}
		size_t to = end + CONTEXT < n ? end + CONTEXT : n;
		print_hunk(f, a, b, e, from, to);
		k = to;
	}
}

int gpupt_diff_print(FILE *f, const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
	struct lines la = { 0 }, lb = { 0 };
	struct edit *e = NULL;
	size_t n;
	int r;

	if ((!a) == (!b) && alen == blen && (!a || memcmp(a, b, alen) == 0))
		return 0;
	r = split_lines(a ? a : "", a ? alen : 0, &la);
	if (r == 0)
		r = split_lines(b ? b : "", b ? blen : 0, &lb);
	if (r == 0 && !(e = calloc(la.n + lb.n + 1, sizeof(*e))))
		r = -ENOMEM;
	if (r == 0)
		r = edit_script(&la, &lb, e, &n);
	if (r == 0) {
		fprintf(f, "--- %s%s\n+++ %s%s\n", a ? "a/" : "/dev/null", a ? path : "",
			b ? "b/" : "/dev/null", b ? path : "");
		print_hunks(f, &la, &lb, e, n);
	}
	free(e);
	free(la.v);
	free(lb.v);
	return r;
}
