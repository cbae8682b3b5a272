// SPDX-License-Identifier: MIT
/* Token-by-token editing of kernel command-line text (pure). */
#include <errno.h>
#include <string.h>

#include "host/formats/kcmdline.h"

int gpupt_tokens_add(struct gpupt_tokens *t, const char *tok)
{
	if (t->n >= GPUPT_TOKENS_MAX)
		return -ENOSPC;
	t->tok[t->n++] = tok;
	return 0;
}

bool gpupt_tokens_has(const struct gpupt_tokens *t, const char *tok)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (strcmp(t->tok[i], tok) == 0)
			return true;
	return false;
}

/* Length of the separator at buf[i] (0 when none): blank, newline, "\\\n". */
static size_t sep_len(const char *buf, size_t i, size_t end)
{
	if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n')
		return 1;
	if (buf[i] == '\\' && i + 1 < end && buf[i + 1] == '\n')
		return 2;
	return 0;
}

/*
 * The next token at or after *pos: [*ts, *te).  Returns false at the end.
 * *open tells whether the token ended inside an unclosed double quote.
 */
static bool next_token(const char *buf, size_t *pos, size_t end, size_t *ts, size_t *te, bool *open)
{
	size_t i = *pos, n;
	bool quoted = false;

	while (i < end && (n = sep_len(buf, i, end)) > 0)
		i += n;
	if (i >= end) {
		*pos = end;
		return false;
	}
	*ts = i;
	while (i < end && (quoted || sep_len(buf, i, end) == 0)) {
		if (buf[i] == '"')
			quoted = !quoted;
		i++;
	}
	*te = i;
	*pos = i;
	*open = quoted;
	return true;
}

static bool token_is(const char *buf, size_t ts, size_t te, const char *tok)
{
	size_t n = strlen(tok);

	return te - ts == n && memcmp(buf + ts, tok, n) == 0;
}

/* Start of the last whole-token occurrence of tok, or end when none. */
static size_t find_last(const char *buf, size_t start, size_t end, const char *tok, size_t *tok_end)
{
	size_t pos = start, ts, te, found = end;
	bool open;

	while (next_token(buf, &pos, end, &ts, &te, &open))
		if (token_is(buf, ts, te, tok)) {
			found = ts;
			*tok_end = te;
		}
	return found;
}

bool gpupt_kcmdline_has(const char *buf, size_t start, size_t end, const char *tok)
{
	size_t te;

	return find_last(buf, start, end, tok, &te) != end;
}

bool gpupt_kcmdline_balanced(const char *buf, size_t start, size_t end)
{
	size_t pos = start, ts, te;
	bool open = false;

	while (next_token(buf, &pos, end, &ts, &te, &open))
		if (open)
			return false;
	return true;
}

/* Output under construction: never written past size, overflow remembered. */
struct sink {
	char *out;
	size_t size, n;
};

static void put(struct sink *s, const char *p, size_t len)
{
	if (s->n < s->size && len > 0)
		memcpy(s->out + s->n, p, len <= s->size - s->n ? len : s->size - s->n);
	s->n += len;
}

enum { MAX_CUTS = GPUPT_TOKENS_MAX };

struct cut {
	size_t from, to;
};

/* The bytes to drop for token [ts, te): with the separator before it, else after it. */
static struct cut cut_for(const char *buf, size_t start, size_t end, size_t ts, size_t te)
{
	struct cut c = { ts, te };

	/* Never the newline before a token: that would join two lines. */
	if (ts > start && (buf[ts - 1] == ' ' || buf[ts - 1] == '\t'))
		c.from = ts - 1;
	else if (te < end)
		c.to = te + sep_len(buf, te, end);
	return c;
}

/*
 * What an edit needs to know of the region, found in one walk over its
 * tokens rather than one per token added or removed: whether a token leaves
 * a double quote open, the last occurrence of each token of del, and which
 * tokens of add are there.
 */
struct region {
	bool open;
	size_t del_ts[GPUPT_TOKENS_MAX], del_te[GPUPT_TOKENS_MAX]; /* del_ts == end: absent */
	bool add_present[GPUPT_TOKENS_MAX];
};

static void scan_region(const char *buf, size_t start, size_t end, const struct gpupt_tokens *add,
			const struct gpupt_tokens *del, struct region *r)
{
	size_t add_len[GPUPT_TOKENS_MAX], del_len[GPUPT_TOKENS_MAX];
	size_t n_add = add ? add->n : 0, n_del = del ? del->n : 0;
	size_t pos = start, ts, te;
	bool open;

	r->open = false;
	for (size_t i = 0; i < n_del; i++) {
		del_len[i] = strlen(del->tok[i]);
		r->del_ts[i] = end;
	}
	for (size_t i = 0; i < n_add; i++) {
		add_len[i] = strlen(add->tok[i]);
		r->add_present[i] = false;
	}
	while (next_token(buf, &pos, end, &ts, &te, &open)) {
		r->open |= open;
		for (size_t i = 0; i < n_del; i++)
			if (te - ts == del_len[i] && memcmp(buf + ts, del->tok[i], del_len[i]) == 0) {
				r->del_ts[i] = ts;
				r->del_te[i] = te;
			}
		for (size_t i = 0; i < n_add; i++)
			if (te - ts == add_len[i] && memcmp(buf + ts, add->tok[i], add_len[i]) == 0)
				r->add_present[i] = true;
	}
}

/*
 * A token both to delete and to add stays where it is.  The region scanned
 * is [start, stop); separators are judged up to end, so that a token before
 * a "--" takes its following blanks with it.
 */
static void collect_cuts(const char *buf, size_t start, size_t stop, size_t end,
			 const struct gpupt_tokens *del, const struct gpupt_tokens *add,
			 const struct region *r, struct cut *cuts, size_t *n)
{
	*n = 0;
	for (size_t i = 0; del && i < del->n && *n < MAX_CUTS; i++) {
		size_t ts = r->del_ts[i];
		if (ts == stop || gpupt_tokens_has(add, del->tok[i]))
			continue;
		struct cut c = cut_for(buf, start, end, ts, r->del_te[i]);
		/* Before a "--", enable put "TOKEN " there: each goes with the blanks after it. */
		if (stop < end)
			c = (struct cut){ ts, r->del_te[i] + sep_len(buf, r->del_te[i], end) };
		size_t j = *n;
		/* Keep cuts sorted; tokens are distinct, separators may touch. */
		while (j > 0 && cuts[j - 1].from > c.from) {
			cuts[j] = cuts[j - 1];
			j--;
		}
		cuts[j] = c;
		(*n)++;
	}
	/*
	 * Two neighbours may both have claimed the separator between them: the
	 * later one then takes the separator after it instead, or three tokens
	 * at the start would leave a blank behind.
	 */
	for (size_t j = 1; j < *n; j++)
		if (cuts[j].from < cuts[j - 1].to) {
			cuts[j].from = cuts[j - 1].to;
			if (cuts[j].to < end)
				cuts[j].to += sep_len(buf, cuts[j].to, end);
		}
}

/*
 * Where a bare "--" starts in [start, end), or end: the kernel hands what
 * follows it to init (parse_args stops there), so gpupt's tokens must go
 * before it, and a token after it is not the kernel's.
 */
static size_t init_args_at(const char *buf, size_t start, size_t end)
{
	size_t pos = start, ts, te;
	bool open;

	while (next_token(buf, &pos, end, &ts, &te, &open))
		if (te - ts == 2 && buf[ts] == '-' && buf[ts + 1] == '-')
			return ts;
	return end;
}

long gpupt_kcmdline_edit(const char *buf, size_t len, size_t start, size_t end, const struct gpupt_tokens *add,
			 const struct gpupt_tokens *del, bool *added, char *out, size_t size)
{
	struct cut cuts[MAX_CUTS];
	struct region r;
	struct sink s = { out, size, 0 };
	size_t n_cuts, at = 0, region_len, stop;

	if (start > end || end > len)
		return -EINVAL;
	/* What follows a bare "--" is init's, not the kernel's: work before it. */
	stop = init_args_at(buf, start, end);
	scan_region(buf, start, stop, add, del, &r);
	if (add && add->n > 0 && r.open)
		return -EINVAL;
	collect_cuts(buf, start, stop, end, del, add, &r, cuts, &n_cuts);
	for (size_t j = 0; j < n_cuts; j++) {
		put(&s, buf + at, cuts[j].from - at);
		at = cuts[j].to;
	}
	put(&s, buf + at, stop - at);
	region_len = s.n - start;
	for (size_t i = 0; add && i < add->n; i++) {
		bool present = r.add_present[i];
		if (!present && stop < end) {
			/* Before the "--", which a separator (or the start) precedes. */
			put(&s, add->tok[i], strlen(add->tok[i]));
			put(&s, " ", 1);
		} else if (!present) {
			if (region_len > 0)
				put(&s, " ", 1);
			put(&s, add->tok[i], strlen(add->tok[i]));
			region_len = 1;
		}
		/* A token already there stays ours only if it was ours before. */
		if (added)
			added[i] = !present || gpupt_tokens_has(del, add->tok[i]);
	}
	put(&s, buf + stop, len - stop);
	if (s.n > size)
		return -ENOSPC;
	return (long)s.n;
}

long gpupt_kcmdline_edit_file(const char *buf, size_t len, const struct gpupt_tokens *add,
			      const struct gpupt_tokens *del, bool *added, char *out, size_t size)
{
	const char *nl = memchr(buf, '\n', len);

	return gpupt_kcmdline_edit(buf, len, 0, nl ? (size_t)(nl - buf) : len, add, del, added, out, size);
}

long gpupt_kcmdline_edit_all(const char *buf, size_t len, const struct gpupt_tokens *add,
			     const struct gpupt_tokens *del, bool *added, char *out, size_t size)
{
	size_t end = len;

	while (end > 0 && (buf[end - 1] == ' ' || buf[end - 1] == '\t' || buf[end - 1] == '\n'))
		end--;
	return gpupt_kcmdline_edit(buf, len, 0, end, add, del, added, out, size);
}

static bool is_ifs(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* 90-loaderentry's `grep -ve '^BOOT_IMAGE=' -e '^initrd='` on one word. */
static bool added_by_loader(const char *w, size_t n)
{
	return (n >= 11 && memcmp(w, "BOOT_IMAGE=", 11) == 0) || (n >= 7 && memcmp(w, "initrd=", 7) == 0);
}

long gpupt_kcmdline_join(const char *buf, size_t len, bool from_proc, char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	size_t i = 0, words = 0;

	/* The file form keeps one leading space, as tr -s does; /proc's words are re-joined. */
	if (!from_proc && len > 0 && is_ifs(buf[0]))
		put(&s, " ", 1);
	while (i < len) {
		size_t w = i, n = 0;

		while (w < len && is_ifs(buf[w]))
			w++;
		while (w + n < len && !is_ifs(buf[w + n]))
			n++;
		i = w + n;
		if (n == 0 || (from_proc && added_by_loader(buf + w, n)))
			continue;
		if (words++ > 0)
			put(&s, " ", 1);
		put(&s, buf + w, n);
	}
	if (words == 0)
		s.n = 0; /* blanks only: "${BOOT_OPTIONS% }" leaves nothing */
	if (s.n >= size)
		return -ENOSPC;
	out[s.n] = '\0';
	return (long)s.n;
}
