// SPDX-License-Identifier: MIT
/* A streaming JSON writer: nesting and commas tracked, strings escaped. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/json.h"

void gpupt_json_init(struct gpupt_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before any value: the comma that separates it from the previous one. */
static void before_value(struct gpupt_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void open_nest(struct gpupt_json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	if (j->depth + 1 >= GPUPT_JSON_DEPTH) {
		j->error = true;
		return;
	}
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_nest(struct gpupt_json *j, char c)
{
	if (j->depth == 0 || j->after_key)
		j->error = true;
	else
		j->depth--;
	fputc(c, j->f);
}

void gpupt_json_begin_object(struct gpupt_json *j)
{
	open_nest(j, '{');
}
void gpupt_json_end_object(struct gpupt_json *j)
{
	close_nest(j, '}');
}
void gpupt_json_begin_array(struct gpupt_json *j)
{
	open_nest(j, '[');
}
void gpupt_json_end_array(struct gpupt_json *j)
{
	close_nest(j, ']');
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void gpupt_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
		} else if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			/* U+0080..U+009F, the C1 controls: valid JSON raw, but not for a terminal. */
			fprintf(f, "\\u%04x", s[1]);
			s += 2;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

void gpupt_json_key(struct gpupt_json *j, const char *key)
{
	before_value(j);
	gpupt_json_write_string(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void gpupt_json_str(struct gpupt_json *j, const char *s)
{
	if (!s) {
		gpupt_json_null(j);
		return;
	}
	before_value(j);
	gpupt_json_write_string(j->f, s);
}

void gpupt_json_int(struct gpupt_json *j, long long v)
{
	before_value(j);
	fprintf(j->f, "%lld", v);
}

void gpupt_json_bool(struct gpupt_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void gpupt_json_null(struct gpupt_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void gpupt_json_kv_str(struct gpupt_json *j, const char *key, const char *s)
{
	gpupt_json_key(j, key);
	gpupt_json_str(j, s);
}

void gpupt_json_kv_int(struct gpupt_json *j, const char *key, long long v)
{
	gpupt_json_key(j, key);
	gpupt_json_int(j, v);
}

void gpupt_json_kv_bool(struct gpupt_json *j, const char *key, bool v)
{
	gpupt_json_key(j, key);
	gpupt_json_bool(j, v);
}

int gpupt_json_finish(struct gpupt_json *j)
{
	fputc('\n', j->f);
	if (j->error || j->depth != 0 || j->after_key)
		return -EINVAL;
	return ferror(j->f) ? -EIO : 0;
}
