// SPDX-License-Identifier: MIT
/* The trial boot's entry for GRUB and systemd-boot. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "host/formats/bootentry.h"

struct sink {
	char *out;
	size_t size, n;
};

static void put(struct sink *s, const char *p, size_t n)
{
	if (s->n < s->size)
		memcpy(s->out + s->n, p, s->size - s->n < n ? s->size - s->n : n);
	s->n += n;
}

static void puts_(struct sink *s, const char *p)
{
	put(s, p, strlen(p));
}

static long sink_end(const struct sink *s)
{
	return s->n > s->size ? -ENOSPC : (long)s->n;
}

/* What may stand in a title or a token: nothing GRUB or a shell would expand or split on. */
static bool text_ok(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || strchr(" ._,:=/+-()", *t)))
			return false;
	return true;
}

/* The line starting at pos: its end (the '\n' or len) in *eol, the next line's start returned. */
static size_t line_at(const char *buf, size_t len, size_t pos, size_t *eol)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);

	*eol = nl ? (size_t)(nl - buf) : len;
	return nl ? *eol + 1 : len;
}

static bool starts_with(const char *buf, size_t from, size_t to, const char *word)
{
	size_t n = strlen(word);

	return to - from >= n && memcmp(buf + from, word, n) == 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Does the line hold `key` as its first word (after blanks), followed by a blank? */
static bool line_key(const char *buf, size_t from, size_t to, const char *key)
{
	size_t n = strlen(key), i = from;

	while (i < to && is_blank(buf[i]))
		i++;
	return i + n < to && memcmp(buf + i, key, n) == 0 && is_blank(buf[i + n]);
}

static bool is_line(const char *buf, size_t from, size_t to, const char *text)
{
	return to - from == strlen(text) && memcmp(buf + from, text, to - from) == 0;
}

/* Where the first line that is exactly text starts, or len. */
static size_t find_line(const char *cfg, size_t len, const char *text)
{
	size_t pos = 0, eol;

	while (pos < len) {
		size_t next = line_at(cfg, len, pos, &eol);
		if (is_line(cfg, pos, eol, text))
			return pos;
		pos = next;
	}
	return len;
}

/* Where the trial block's begin line starts, or len. */
static size_t trial_begin(const char *cfg, size_t len)
{
	return find_line(cfg, len, GPUPT_GRUBCFG_BEGIN);
}

bool gpupt_grubcfg_has_trial(const char *cfg, size_t len)
{
	return trial_begin(cfg, len) < len;
}

long gpupt_grubcfg_remove_trial(const char *cfg, size_t len, char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	size_t begin = trial_begin(cfg, len), pos = begin, eol;

	put(&s, cfg, begin);
	while (pos < len) {
		size_t next = line_at(cfg, len, pos, &eol);
		bool end = is_line(cfg, pos, eol, GPUPT_GRUBCFG_END);
		pos = next;
		if (end)
			break;
	}
	put(&s, cfg + pos, len - pos);
	return sink_end(&s);
}

/* The first top-level menuentry: [*from, *to) from its line to its closing "}" line. */
static int first_menuentry(const char *cfg, size_t len, size_t *from, size_t *to, size_t *linux_eol)
{
	size_t pos = 0, eol;

	while (pos < len) {
		size_t next = line_at(cfg, len, pos, &eol);
		if (starts_with(cfg, pos, eol, "menuentry ")) {
			*from = pos;
			*linux_eol = 0;
			for (pos = next; pos < len; pos = next) {
				next = line_at(cfg, len, pos, &eol);
				if (line_key(cfg, pos, eol, "linux") && !*linux_eol)
					*linux_eol = eol;
				if (is_line(cfg, pos, eol, "}")) {
					*to = next;
					return *linux_eol ? 0 : -ENOENT;
				}
			}
			return -ENOENT;
		}
		pos = next;
	}
	return -ENOENT;
}

long gpupt_grubcfg_add_trial(const char *cfg, size_t len, const char *title, const char *tokens,
			     char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	size_t from, to, linux_eol, keep = trial_begin(cfg, len), pos, eol;
	int r;

	if (!text_ok(title) || !text_ok(tokens) || find_line(cfg, keep, GPUPT_GRUBCFG_END) < keep)
		return -EINVAL; /* a stray end marker would cut the block short when it is taken out */
	r = first_menuentry(cfg, keep, &from, &to, &linux_eol);
	if (r < 0)
		return r;
	put(&s, cfg, keep);
	if (keep > 0 && cfg[keep - 1] != '\n')
		put(&s, "\n", 1);
	puts_(&s, GPUPT_GRUBCFG_BEGIN "\nmenuentry '");
	puts_(&s, title);
	puts_(&s, "' --id " GPUPT_TRIAL_ENTRY_ID " {\n");
	for (pos = line_at(cfg, len, from, &eol); pos < to; pos = line_at(cfg, len, pos, &eol)) {
		line_at(cfg, len, pos, &eol);
		put(&s, cfg + pos, eol - pos);
		if (eol == linux_eol) {
			put(&s, " ", 1);
			puts_(&s, tokens);
		}
		put(&s, "\n", 1);
	}
	puts_(&s, GPUPT_GRUBCFG_END "\n");
	return sink_end(&s);
}

long gpupt_loader_entry_trial(const char *entry, size_t len, const char *title, const char *tokens,
			      char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	bool has_linux = false, has_options = false, has_sort_key = false;
	size_t pos = 0, eol;

	if (!text_ok(title) || !text_ok(tokens))
		return -EINVAL;
	puts_(&s, "title ");
	puts_(&s, title);
	put(&s, "\n", 1);
	while (pos < len) {
		size_t next = line_at(entry, len, pos, &eol);
		if (line_key(entry, pos, eol, "title")) {
			pos = next;
			continue;
		}
		has_linux |= line_key(entry, pos, eol, "linux");
		if (line_key(entry, pos, eol, "sort-key")) {
			/* Sorted after every other entry, so never the default. */
			has_sort_key = true;
			puts_(&s, "sort-key " GPUPT_TRIAL_SORT_KEY "\n");
			pos = next;
			continue;
		}
		put(&s, entry + pos, eol - pos);
		if (line_key(entry, pos, eol, "options")) {
			has_options = true;
			put(&s, " ", 1);
			puts_(&s, tokens);
		}
		put(&s, "\n", 1);
		pos = next;
	}
	if (!has_linux)
		return -ENOENT;
	if (!has_sort_key)
		return -ENOTSUP;
	if (!has_options) {
		puts_(&s, "options ");
		puts_(&s, tokens);
		put(&s, "\n", 1);
	}
	return sink_end(&s);
}
