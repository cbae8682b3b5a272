// SPDX-License-Identifier: MIT
/* The trial boot's entry for GRUB and systemd-boot. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/formats/bootentry.h"
#include "lib/macro.h"

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

/* ---- GRUB's default entry ---- */

/* The line's text without its leading and trailing blanks: [*from, *to). */
static void trim(const char *buf, size_t *from, size_t *to)
{
	while (*from < *to && is_blank(buf[*from]))
		(*from)++;
	while (*to > *from && (is_blank(buf[*to - 1]) || buf[*to - 1] == '\r'))
		(*to)--;
}

/*
 * One word of GRUB's shell at buf[*pos], up to to: '...' (literal),
 * "..." (with \ before $ " \ and newline), \c and plain characters,
 * unquoted into word (cut at size, a NUL always written).  Returns false
 * at the end of the line or on an unclosed quote.
 */
static bool shell_word(const char *buf, size_t to, size_t *pos, char *word, size_t size)
{
	size_t i = *pos, n = 0;
	char quote = 0;

	while (i < to && is_blank(buf[i]))
		i++;
	if (i == to)
		return false;
	for (; i < to && (quote || !is_blank(buf[i])); i++) {
		char c = buf[i];

		if (c == quote || (!quote && (c == '\'' || c == '"'))) {
			quote = quote ? 0 : c;
			continue;
		}
		if (c == '\\' && quote != '\'' && i + 1 < to && (!quote || memchr("$\"\\", buf[i + 1], 3)))
			c = buf[++i];
		if (n + 1 < size)
			word[n++] = c;
	}
	word[n] = '\0';
	*pos = i;
	return quote == 0;
}

enum { WORD_MAX = 512 };

/* A menu item's header: `menuentry TITLE [options] {` or `submenu ...`. */
struct menu_item {
	bool submenu;
	bool closed; /* its "}" line was found */
	char title[WORD_MAX], id[WORD_MAX];
	size_t from, body, to; /* header line, first body line, after the "}" line */
};

/* Is the word GRUB's id option, which takes the next word as the id? */
static bool is_id_option(const char *w)
{
	return strcmp(w, "--id") == 0 || strcmp(w, "$menuentry_id_option") == 0 ||
	       strcmp(w, "${menuentry_id_option}") == 0;
}

/* Parse a header line [from, to) (trimmed, ending in "{"); false if it is no menu item. */
static bool item_header(const char *cfg, size_t from, size_t to, struct menu_item *it)
{
	char word[WORD_MAX];
	size_t pos = from;

	if (!shell_word(cfg, to, &pos, word, sizeof(word)))
		return false;
	it->submenu = strcmp(word, "submenu") == 0;
	if (!it->submenu && strcmp(word, "menuentry") != 0)
		return false;
	if (!shell_word(cfg, to - 1, &pos, it->title, sizeof(it->title)))
		return false;
	it->id[0] = '\0';
	while (shell_word(cfg, to - 1, &pos, word, sizeof(word))) {
		if (strncmp(word, "--id=", 5) == 0)
			snprintf(it->id, sizeof(it->id), "%s", word + 5);
		else if (is_id_option(word) && !shell_word(cfg, to - 1, &pos, it->id, sizeof(it->id)))
			return false;
	}
	return true;
}

/* Where the block whose header line ends at next ends: after its matching "}" line, else len. */
static size_t block_end(const char *cfg, size_t len, size_t next, bool *closed)
{
	size_t pos = next, eol, depth = 1;

	while (pos < len && depth > 0) {
		size_t from = pos, to;

		pos = line_at(cfg, len, pos, &eol);
		to = eol;
		trim(cfg, &from, &to);
		if (to - from == 1 && cfg[from] == '}')
			depth--;
		else if (to > from && cfg[to - 1] == '{')
			depth++;
	}
	*closed = depth == 0;
	return pos;
}

/*
 * The next menu item of the level [*pos, to), skipping other blocks
 * (functions, if-blocks have no braces).  Returns false at the level's end.
 */
static bool next_item(const char *cfg, size_t to, size_t *pos, struct menu_item *it)
{
	size_t eol;

	while (*pos < to) {
		size_t from = *pos, next = line_at(cfg, to, from, &eol), lfrom = from, lto = eol;

		trim(cfg, &lfrom, &lto);
		*pos = next;
		if (lto > lfrom && cfg[lto - 1] == '{') {
			*pos = block_end(cfg, to, next, &it->closed);
			if (item_header(cfg, lfrom, lto, it)) {
				it->from = from;
				it->body = next;
				it->to = *pos;
				return true;
			}
		}
	}
	return false;
}

/*
 * Does a menu item's name (title or id) equal the spec's first element?
 * As GRUB's menuentry_eq: elements end at a single '>', ">>" stands for '>'.
 */
static bool name_eq(const char *name, const char *spec)
{
	for (;;) {
		if (*spec == '>' && spec[1] != '>')
			return *name == '\0';
		if (*spec == '>')
			spec++;
		if (*name != *spec)
			return false;
		if (*name == '\0')
			return true;
		name++;
		spec++;
	}
}

/* The spec after its first element ("" when it has one only). */
static const char *spec_rest(const char *spec)
{
	for (; *spec; spec++) {
		if (*spec == '>' && spec[1] == '>')
			spec++;
		else if (*spec == '>')
			return spec + 1;
	}
	return spec;
}

/*
 * The menu entry spec names in the level [from, to): GRUB takes an element
 * that starts with a digit as an index (strtoul, base 0), else a title or
 * an id.  Returns 0, -ENOENT (nothing of that name), -EISDIR (a submenu).
 */
static int find_entry(const char *cfg, size_t from, size_t to, const char *spec, struct menu_item *it)
{
	bool by_index = *spec >= '0' && *spec <= '9';
	unsigned long want = by_index ? strtoul(spec, NULL, 0) : 0, i = 0;
	size_t pos = from;
	const char *rest = spec_rest(spec);

	while (next_item(cfg, to, &pos, it)) {
		if (by_index ? i++ != want : !(name_eq(it->title, spec) || name_eq(it->id, spec)))
			continue;
		if (!it->submenu)
			return *rest ? -ENOENT : 0;
		if (!*rest)
			return -EISDIR;
		return find_entry(cfg, it->body, it->to, rest, it);
	}
	return -ENOENT;
}

int gpupt_grubcfg_default(const char *cfg, size_t len, const char *saved_entry, char *spec, size_t size)
{
	static const char key[] = "set default=\"";
	size_t pos = 0, eol, found_from = 0, found_to = 0;
	bool found = false;

	while (pos < len) {
		size_t from = pos, to;

		pos = line_at(cfg, len, pos, &eol);
		to = eol;
		trim(cfg, &from, &to);
		if (to - from > sizeof(key) && memcmp(cfg + from, key, sizeof(key) - 1) == 0 &&
		    cfg[to - 1] == '"' && !is_line(cfg, from, to, "set default=\"${next_entry}\"")) {
			found = true;
			found_from = from + sizeof(key) - 1;
			found_to = to - 1;
		}
	}
	if (!found || is_line(cfg, found_from, found_to, "${saved_entry}")) {
		const char *v = found && saved_entry && *saved_entry ? saved_entry : "0";

		return snprintf(spec, size, "%s", v) >= (int)size ? -ENOSPC : 0;
	}
	if (memchr(cfg + found_from, '$', found_to - found_from) ||
	    memchr(cfg + found_from, '\\', found_to - found_from))
		return -EINVAL;
	if (found_to - found_from >= size)
		return -ENOSPC;
	memcpy(spec, cfg + found_from, found_to - found_from);
	spec[found_to - found_from] = '\0';
	return 0;
}

int gpupt_grubenv_get(const char *env, size_t len, const char *key, char *val, size_t size)
{
	size_t pos = 0, eol, n = strlen(key);

	while (pos < len) {
		size_t from = pos;

		pos = line_at(env, len, pos, &eol);
		if (eol - from > n && memcmp(env + from, key, n) == 0 && env[from + n] == '=') {
			from += n + 1;
			if (memchr(env + from, '\\', eol - from))
				return -EINVAL;
			if (eol - from >= size)
				return -ENOSPC;
			memcpy(val, env + from, eol - from);
			val[eol - from] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}

/* The header's options, raw, without the id option and its id: " --class debian ...". */
static void put_options(struct sink *s, const char *cfg, size_t from, size_t to)
{
	char word[WORD_MAX];
	size_t pos = from, start;

	shell_word(cfg, to, &pos, word, sizeof(word)); /* menuentry */
	shell_word(cfg, to, &pos, word, sizeof(word)); /* the title */
	for (;;) {
		for (start = pos; start < to && is_blank(cfg[start]); start++)
			;
		if (!shell_word(cfg, to, &pos, word, sizeof(word)))
			return;
		if (is_id_option(word))
			shell_word(cfg, to, &pos, word, sizeof(word));
		else if (strncmp(word, "--id=", 5) != 0) {
			put(s, " ", 1);
			put(s, cfg + start, pos - start);
		}
	}
}

/* The entry's header line [from, to), trimmed, without its "{". */
static void header_span(const char *cfg, size_t len, size_t *from, size_t *to)
{
	size_t eol;

	line_at(cfg, len, *from, &eol);
	*to = eol;
	trim(cfg, from, to);
	(*to)--;
}

/* The end of the entry's first `linux` line, or 0. */
static size_t linux_line(const char *cfg, const struct menu_item *it)
{
	size_t pos = it->body, eol;

	while (pos < it->to) {
		size_t next = line_at(cfg, it->to, pos, &eol);

		if (line_key(cfg, pos, eol, "linux"))
			return eol;
		pos = next;
	}
	return 0;
}

int gpupt_grubcfg_entry_title(const char *cfg, size_t len, const char *spec, char *title, size_t size)
{
	struct menu_item it;
	int r = find_entry(cfg, 0, trial_begin(cfg, len), spec, &it);

	if (r < 0)
		return r;
	if (!linux_line(cfg, &it) || !it.closed)
		return -ENOENT;
	return snprintf(title, size, "%s", it.title) >= (int)size ? -ENOSPC : 0;
}

size_t gpupt_grubcfg_trial_offset(const char *cfg, size_t len)
{
	return trial_begin(cfg, len);
}

/* The next blank-separated word of buf[*pos, to) into [*from, *pos); false at the end. */
static bool next_word(const char *buf, size_t to, size_t *pos, size_t *from)
{
	while (*pos < to && is_blank(buf[*pos]))
		(*pos)++;
	*from = *pos;
	while (*pos < to && !is_blank(buf[*pos]))
		(*pos)++;
	return *pos > *from;
}

/* The file name of the path buf[from, to): after its last '/'. */
static size_t name_start(const char *buf, size_t from, size_t to)
{
	size_t i = to;

	while (i > from && buf[i - 1] != '/')
		i--;
	return i;
}

/* Copy a word out as a string: 0, -EINVAL (a control byte, a NUL among them), -ENOSPC. */
static int copy_out(const char *p, size_t n, char *out, size_t size)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < ' ' || p[i] == 0x7f)
			return -EINVAL;
	if (n >= size)
		return -ENOSPC;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Does buf[from, to) hold ver? */
static bool holds(const char *buf, size_t from, size_t to, const char *ver)
{
	size_t n = strlen(ver);

	for (size_t i = from; n && i + n <= to; i++)
		if (memcmp(buf + i, ver, n) == 0)
			return true;
	return false;
}

/* On the `initrd` lines of buf[from, to): the path whose file name holds ver, into image. */
static int image_of(const char *buf, size_t from, size_t to, const char *ver, char *image, size_t isize)
{
	size_t pos = from, eol, w, wfrom;

	while (pos < to) {
		size_t next = line_at(buf, to, pos, &eol);

		if (line_key(buf, pos, eol, "initrd")) {
			w = pos;
			next_word(buf, eol, &w, &wfrom); /* initrd */
			while (next_word(buf, eol, &w, &wfrom))
				if (holds(buf, name_start(buf, wfrom, w), w, ver))
					return copy_out(buf + wfrom, w - wfrom, image, isize);
		}
		pos = next;
	}
	return -ENOENT;
}

int gpupt_grubcfg_entry_image(const char *cfg, size_t len, const char *spec, char *ver, size_t vsize,
			      char *image, size_t isize)
{
	struct menu_item it;
	size_t eol, w, wfrom, name;
	int r = find_entry(cfg, 0, trial_begin(cfg, len), spec, &it);

	if (r < 0)
		return r;
	eol = linux_line(cfg, &it);
	if (!eol || !it.closed)
		return -ENOENT;
	/* The line's start: back from its end to the line before. */
	w = eol;
	while (w > it.body && cfg[w - 1] != '\n')
		w--;
	next_word(cfg, eol, &w, &wfrom); /* linux */
	if (!next_word(cfg, eol, &w, &wfrom))
		return -ENOENT;
	name = name_start(cfg, wfrom, w);
	if (w - name <= 8 || memcmp(cfg + name, "vmlinuz-", 8) != 0)
		return -ENOENT;
	r = copy_out(cfg + name + 8, w - name - 8, ver, vsize);
	return r < 0 ? r : image_of(cfg, it.body, it.to, ver, image, isize);
}

int gpupt_grubcfg_entry_args(const char *cfg, size_t len, const char *spec, char *args, size_t size)
{
	struct menu_item it;
	size_t eol, w, wfrom, n = 0;
	int r = find_entry(cfg, 0, trial_begin(cfg, len), spec, &it);

	if (r < 0)
		return r;
	eol = linux_line(cfg, &it);
	if (!eol || !it.closed || !size)
		return -ENOENT;
	w = eol;
	while (w > it.body && cfg[w - 1] != '\n')
		w--;
	next_word(cfg, eol, &w, &wfrom);      /* linux */
	if (!next_word(cfg, eol, &w, &wfrom)) /* the kernel */
		return -ENOENT;
	args[0] = '\0';
	while (next_word(cfg, eol, &w, &wfrom)) {
		size_t k = w - wfrom;

		for (size_t i = wfrom; i < w; i++)
			if (strchr("$'\"\\`", cfg[i]) || (unsigned char)cfg[i] < ' ' || cfg[i] == 0x7f)
				return -ENOTSUP;
		if (n + (n ? 1 : 0) + k >= size)
			return -ENOSPC;
		if (n)
			args[n++] = ' ';
		memcpy(args + n, cfg + wfrom, k);
		n += k;
		args[n] = '\0';
	}
	return 0;
}

int gpupt_loader_entry_image(const char *entry, size_t len, char *ver, size_t vsize, char *image, size_t isize)
{
	size_t pos = 0, eol, w, wfrom;

	while (pos < len) {
		size_t next = line_at(entry, len, pos, &eol);

		if (line_key(entry, pos, eol, "version")) {
			w = pos;
			next_word(entry, eol, &w, &wfrom); /* version */
			if (!next_word(entry, eol, &w, &wfrom))
				return -ENOENT;
			int r = copy_out(entry + wfrom, w - wfrom, ver, vsize);

			return r < 0 ? r : image_of(entry, 0, len, ver, image, isize);
		}
		pos = next;
	}
	return -ENOENT;
}

static bool file_name_ok(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && text_ok(name) && !strchr(name, ' ');
}

long gpupt_entry_swap_image(const char *text, size_t len, size_t from, const char *old_name,
			    const char *new_name, char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	size_t pos = from, eol, n = strlen(old_name);
	bool swapped = false;

	if (from > len || !file_name_ok(old_name) || !file_name_ok(new_name))
		return -EINVAL;
	put(&s, text, from);
	while (pos < len) {
		size_t next = line_at(text, len, pos, &eol), w = pos, wfrom, done = pos;

		if (line_key(text, pos, eol, "initrd")) {
			next_word(text, eol, &w, &wfrom); /* initrd */
			while (next_word(text, eol, &w, &wfrom)) {
				size_t name = name_start(text, wfrom, w);

				if (w - name != n || memcmp(text + name, old_name, n) != 0)
					continue;
				put(&s, text + done, name - done);
				puts_(&s, new_name);
				done = w;
				swapped = true;
			}
		}
		put(&s, text + done, next - done);
		pos = next;
	}
	return swapped ? sink_end(&s) : -ENOENT;
}

long gpupt_grubcfg_add_trial(const char *cfg, size_t len, const char *spec, const char *title,
			     const char *tokens, char *out, size_t size)
{
	struct sink s = { out, size, 0 };
	size_t keep = trial_begin(cfg, len), pos, eol, hfrom, hto, linux_eol;
	struct menu_item it;
	int r;

	if (!text_ok(title) || !text_ok(tokens) || find_line(cfg, keep, GPUPT_GRUBCFG_END) < keep)
		return -EINVAL; /* a stray end marker would cut the block short when it is taken out */
	r = find_entry(cfg, 0, keep, spec, &it);
	if (r < 0)
		return r;
	linux_eol = linux_line(cfg, &it);
	if (!linux_eol || !it.closed)
		return -ENOENT;
	put(&s, cfg, keep);
	if (keep > 0 && cfg[keep - 1] != '\n')
		put(&s, "\n", 1);
	puts_(&s, GPUPT_GRUBCFG_BEGIN "\nmenuentry '");
	puts_(&s, title);
	put(&s, "'", 1);
	hfrom = it.from;
	header_span(cfg, len, &hfrom, &hto);
	put_options(&s, cfg, hfrom, hto);
	puts_(&s, " --id " GPUPT_TRIAL_ENTRY_ID " {\n");
	for (pos = it.body; pos < it.to; pos = line_at(cfg, it.to, pos, &eol)) {
		line_at(cfg, it.to, pos, &eol);
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

/*
 * UTF-16LE from s[at] up to a NUL or len into out as ASCII; a character
 * outside printable ASCII is an error (strict) or '?'.  Returns the offset
 * just past the NUL, or -ENODATA when there is none (out then holds all of
 * it), -EINVAL, -ENOSPC.
 */
static long utf16_to_ascii(const char *s, size_t len, size_t at, bool strict, char *out, size_t size)
{
	size_t n = 0;

	if (!size)
		return -ENOSPC;
	for (; at + 1 < len; at += 2) {
		unsigned c = (unsigned)(unsigned char)s[at] | (unsigned)(unsigned char)s[at + 1] << 8;

		if (c == 0) {
			out[n] = '\0';
			return (long)(at + 2);
		}
		if (c < 0x20 || c > 0x7e) {
			if (strict)
				return -EINVAL;
			c = '?';
		}
		if (n + 1 >= size)
			return -ENOSPC;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return -ENODATA;
}

int gpupt_efivar_string(const char *var, size_t len, char *val, size_t size)
{
	long r;

	if (len < 4 || (len - 4) % 2)
		return -EINVAL;
	r = utf16_to_ascii(var, len, 4, true, val, size);
	return r >= 0 || r == -ENODATA ? 0 : (int)r;
}

int gpupt_efivar_u16(const char *var, size_t len, unsigned *val)
{
	if (len != 6)
		return -EINVAL;
	*val = (unsigned)(unsigned char)var[4] | (unsigned)(unsigned char)var[5] << 8;
	return 0;
}

int gpupt_efi_loadopt_label(const char *var, size_t len, char *label, size_t size)
{
	size_t fplen;
	long end;

	if (len < 4 + 4 + 2 || !size)
		return -EINVAL;
	fplen = (size_t)(unsigned char)var[8] | (size_t)(unsigned char)var[9] << 8;
	end = utf16_to_ascii(var, len, 4 + 4 + 2, false, label, size);
	if (end < 0)
		return end == -ENODATA ? -EINVAL : (int)end;
	/* The file path list follows the NUL; a longer one than what is left is damage. */
	return fplen > len - (size_t)end ? -EINVAL : 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool gpupt_vfat_uuid_ok(const char *v, size_t n)
{
	if (n != GPUPT_VFAT_UUID_LEN || v[4] != '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && !is_hex(v[i]))
			return false;
	return true;
}

static bool uuid_listed(char (*uuids)[GPUPT_VFAT_UUID_LEN + 1], size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(uuids[i], v, GPUPT_VFAT_UUID_LEN) == 0)
			return true;
	return false;
}

size_t gpupt_pbt_uuids(const char *buf, size_t len, char (*uuids)[GPUPT_VFAT_UUID_LEN + 1], size_t max,
		       size_t *skipped)
{
	size_t pos = 0, eol, n = 0;

	*skipped = 0;
	while (pos < len) {
		size_t next = line_at(buf, len, pos, &eol), from = pos, to = eol;

		pos = next;
		trim(buf, &from, &to);
		if (from == to)
			continue;
		if (!gpupt_vfat_uuid_ok(buf + from, to - from)) {
			(*skipped)++;
			continue;
		}
		if (uuid_listed(uuids, MIN(n, max), buf + from))
			continue;
		if (n < max) {
			memcpy(uuids[n], buf + from, GPUPT_VFAT_UUID_LEN);
			uuids[n][GPUPT_VFAT_UUID_LEN] = '\0';
		}
		n++;
	}
	return n;
}

int gpupt_loader_conf_default(const char *conf, size_t len, char *pattern, size_t size)
{
	size_t pos = 0, eol;
	int r = -ENOENT;

	while (pos < len) {
		size_t next = line_at(conf, len, pos, &eol), from = pos, to = eol;

		pos = next;
		trim(conf, &from, &to);
		if (!line_key(conf, from, to, "default"))
			continue;
		from += 7;
		trim(conf, &from, &to);
		/* systemd-boot takes a value's quotes off when it starts and ends with one. */
		if (to - from >= 2 && conf[from] == '"' && conf[to - 1] == '"') {
			from++;
			to--;
		}
		if (to - from >= size) {
			r = -ENOSPC;
			continue;
		}
		memcpy(pattern, conf + from, to - from);
		pattern[to - from] = '\0';
		r = 0;
	}
	return r;
}
