// SPDX-License-Identifier: MIT
/*
 * /etc/gpupt.conf, one "key = value" per line.  Like kmod's config files, a
 * bad line is reported with its number and skipped; it never stops the
 * rest of the file from applying.
 */
#include <stddef.h>
#include <string.h>

#include "conf/conf.h"
#include "selection/setting.h"

struct slice {
	const char *s;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct slice trim(const char *s, size_t len)
{
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	return (struct slice){ s, len };
}

/*
 * An unquoted value ends at a '#' that follows white space.  h[-1] is
 * always inside the line: at worst it is the '='.
 */
static struct slice cut_comment(struct slice v)
{
	const char *end = v.s + v.len;

	for (const char *h = memchr(v.s, '#', v.len); h; h = memchr(h + 1, '#', (size_t)(end - h - 1)))
		if (is_blank(h[-1]))
			return trim(v.s, (size_t)(h - v.s));
	return v;
}

/*
 * The value after '=': quoted ("...", then only white space or a comment) or
 * bare.  Returns the diagnostic to give, or -1 when *val is good.
 */
static int split_value(const char *after_eq, size_t len, struct slice *val)
{
	struct slice v = trim(after_eq, len);
	const char *close;

	if (!v.len || v.s[0] != '"') {
		*val = cut_comment(v);
		return -1;
	}
	close = memchr(v.s + 1, '"', v.len - 1);
	if (!close) {
		*val = v;
		return GPUPT_DIAG_UNCLOSED_QUOTE;
	}
	*val = (struct slice){ v.s + 1, (size_t)(close - v.s - 1) };
	struct slice rest = trim(close + 1, (size_t)(v.s + v.len - close - 1));

	if (rest.len && rest.s[0] != '#')
		return GPUPT_DIAG_BAD_LINE;
	return -1;
}

static int parse_line(struct slice line, unsigned lineno, struct gpupt_config *out, struct gpupt_diags *diags)
{
	const char *eq = memchr(line.s, '=', line.len);
	struct gpupt_setting_src src = { NULL, 0, lineno };
	struct slice key, val;
	enum gpupt_setting s;
	int problem;

	key = eq ? trim(line.s, (size_t)(eq - line.s)) : line;
	if (!eq || !key.len) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_LINE, &src, line.s, line.len);
		return 0;
	}
	src.key = key.s;
	src.key_len = key.len;
	problem = split_value(eq + 1, (size_t)(line.s + line.len - eq - 1), &val);
	if (problem == GPUPT_DIAG_BAD_LINE) {
		src.key_len = 0; /* the whole line is shown */
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_LINE, &src, line.s, line.len);
		return 0;
	}
	if (problem >= 0) {
		gpupt_diag_add(diags, (enum gpupt_diag_code)problem, &src, val.s, val.len);
		return 0;
	}
	s = gpupt_setting_lookup(key.s, key.len, true);
	if (s == GPUPT_SET_UNKNOWN) {
		gpupt_diag_add(diags, GPUPT_DIAG_UNKNOWN_KEY, &src, val.s, val.len);
		return 0;
	}
	return gpupt_setting_apply(s, &src, val.s, val.len, out, diags);
}

int gpupt_conf_parse(const char *buf, size_t len, struct gpupt_config *out, struct gpupt_diags *diags)
{
	size_t pos = 0;
	unsigned lineno = 0;
	int settings = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct slice line = trim(buf + pos, end - pos);

		lineno++;
		if (line.len && line.s[0] != '#')
			settings += parse_line(line, lineno, out, diags);
		pos = end + 1;
	}
	return settings;
}
