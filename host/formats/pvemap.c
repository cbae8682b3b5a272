// SPDX-License-Identifier: MIT
/* Proxmox VE PCI resource mappings: scan and minimal edits (see pvemap.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/formats/pvemap.h"
#include "lib/strbuf.h"

struct line {
	const char *s; /* start */
	size_t len;    /* without the '\n' */
	size_t off;    /* offset of the line */
	size_t next;   /* offset of the following line */
};

static struct line line_at(const char *buf, size_t len, size_t off)
{
	const char *nl = memchr(buf + off, '\n', len - off);
	struct line l = { buf + off, nl ? (size_t)(nl - (buf + off)) : len - off, off, 0 };

	l.next = off + l.len + (nl ? 1 : 0);
	return l;
}

/* Perl's \s on the bytes PVE reads: ASCII blanks, carriage return included. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* /^\s*#/ */
static bool is_comment(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && is_space(l->s[i]))
		i++;
	return i < l->len && l->s[i] == '#';
}

/* What ends a section: a line Perl takes as false, "" (and, a quirk, "0"). */
static bool ends_section(const struct line *l)
{
	return l->len == 0 || (l->len == 1 && l->s[0] == '0');
}

/* /^(\S+)\s*$/: the section's ID; false when the line is something else. */
static bool header_id(const struct line *l, struct gpupt_pvemap_slice *id)
{
	size_t i = 0;

	while (i < l->len && !is_space(l->s[i]))
		i++;
	if (i == 0)
		return false;
	for (size_t j = i; j < l->len; j++)
		if (!is_space(l->s[j]))
			return false;
	id->s = l->s;
	id->len = i;
	return true;
}

/* /^\s+(\S+)(\s+(.*\S))?\s*$/: key and value (value empty when there is none). */
static bool property(const struct line *l, struct gpupt_pvemap_slice *key, struct gpupt_pvemap_slice *value)
{
	size_t i = 0, end = l->len;

	while (i < l->len && is_space(l->s[i]))
		i++;
	if (i == 0 || i == l->len)
		return false;
	key->s = l->s + i;
	while (i < l->len && !is_space(l->s[i]))
		i++;
	key->len = (size_t)(l->s + i - key->s);
	while (i < l->len && is_space(l->s[i]))
		i++;
	while (end > i && is_space(l->s[end - 1]))
		end--;
	value->s = l->s + i;
	value->len = end - i;
	return true;
}

static bool slice_is(const struct gpupt_pvemap_slice *s, const char *str)
{
	return s->len == strlen(str) && memcmp(s->s, str, s->len) == 0;
}

static bool id_chars_ok(const char *s, size_t n, size_t max)
{
	bool letter = n > 0 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));

	if (!letter || n < 2 || n >= max)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]) ||
		    s[i] == '\0')
			return false;
	return true;
}

bool gpupt_pvemap_name_ok(const char *name)
{
	return name && id_chars_ok(name, strnlen(name, GPUPT_PVEMAP_NAME_MAX), GPUPT_PVEMAP_NAME_MAX);
}

bool gpupt_pvemap_node_ok(const char *node)
{
	size_t n = node ? strnlen(node, GPUPT_PVEMAP_NODE_MAX) : 0;
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	if (n == 0 || n >= GPUPT_PVEMAP_NODE_MAX || !strchr(alnum, node[0]) || !strchr(alnum, node[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr(alnum, node[i]) && node[i] != '-')
			return false;
	return true;
}

/* ---- reading, as PVE::SectionConfig::parse_config does ------------------- */

/* Where a line stands: the caller's state between lines. */
struct reader {
	bool in_section;
	bool valid; /* the section's ID is one PVE accepts */
	struct gpupt_pvemap_slice id;
};

enum kind { K_SKIP, K_HEADER, K_PROPERTY, K_END };

/* Classify l and move r along; key and value are set for K_PROPERTY. */
static enum kind read_line(struct reader *r, const struct line *l, struct gpupt_pvemap_slice *key,
			   struct gpupt_pvemap_slice *value)
{
	if (is_comment(l))
		return K_SKIP;
	if (!r->in_section) {
		if (ends_section(l) || !header_id(l, &r->id))
			return K_SKIP;
		r->in_section = true;
		r->valid = id_chars_ok(r->id.s, r->id.len, (size_t)-1);
		return K_HEADER;
	}
	if (ends_section(l)) {
		r->in_section = false;
		return K_END;
	}
	return r->valid && property(l, key, value) ? K_PROPERTY : K_SKIP;
}

static int section_index(const struct gpupt_pvemap_info *out, const struct gpupt_pvemap_slice *id)
{
	for (unsigned i = 0; i < out->n_sections; i++)
		if (out->sections[i].len == id->len && memcmp(out->sections[i].s, id->s, id->len) == 0)
			return (int)i;
	return -1;
}

/* A section with an ID seen before replaces the earlier one: its maps go. */
static int open_section(struct gpupt_pvemap_info *out, const struct gpupt_pvemap_slice *id)
{
	int i = section_index(out, id);
	unsigned kept = 0;

	if (i < 0) {
		if (out->n_sections == GPUPT_PVEMAP_MAX_SECTIONS)
			return -E2BIG;
		out->sections[out->n_sections] = *id;
		return (int)out->n_sections++;
	}
	for (unsigned m = 0; m < out->n_maps; m++)
		if (out->maps[m].section != (unsigned)i)
			out->maps[kept++] = out->maps[m];
	out->n_maps = kept;
	return i;
}

int gpupt_pvemap_scan(const char *buf, size_t len, struct gpupt_pvemap_info *out)
{
	struct reader r = { 0 };
	int section = 0;

	if (!out || (!buf && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (size_t off = 0; off < len;) {
		struct line l = line_at(buf, len, off);
		struct gpupt_pvemap_slice key, value;
		enum kind k = read_line(&r, &l, &key, &value);

		off = l.next;
		if (k == K_HEADER && r.valid) {
			section = open_section(out, &r.id);
			if (section < 0)
				return section;
		} else if (k == K_PROPERTY && slice_is(&key, "map") && value.len > 0) {
			if (out->n_maps == GPUPT_PVEMAP_MAX_MAPS)
				return -E2BIG;
			out->maps[out->n_maps++] = (struct gpupt_pvemap_map){ (unsigned)section, value };
		}
	}
	return 0;
}

int gpupt_pvemap_find(const struct gpupt_pvemap_info *info, const char *name)
{
	struct gpupt_pvemap_slice want = { name, strlen(name) };

	return section_index(info, &want);
}

/* ---- property strings ---------------------------------------------------- */

/* The next comma-separated item of [*p, end); false at the end. */
static bool next_item(const char **p, const char *end, struct gpupt_pvemap_slice *item)
{
	const char *comma;

	if (*p > end)
		return false;
	comma = memchr(*p, ',', (size_t)(end - *p));
	item->s = *p;
	item->len = (size_t)((comma ? comma : end) - *p);
	*p = comma ? comma + 1 : end + 1;
	return true;
}

bool gpupt_pvemap_get(const char *value, size_t len, const char *key, struct gpupt_pvemap_slice *out)
{
	size_t k = strlen(key);
	const char *p = value, *end = value + len;
	struct gpupt_pvemap_slice item;

	while (len > 0 && next_item(&p, end, &item)) {
		if (item.len > k && item.s[k] == '=' && memcmp(item.s, key, k) == 0) {
			out->s = item.s + k + 1;
			out->len = item.len - k - 1;
			return true;
		}
	}
	return false;
}

/* How often item occurs in [p, p + len). */
static unsigned count_item(const char *p, size_t len, const struct gpupt_pvemap_slice *item)
{
	const char *end = p + len;
	struct gpupt_pvemap_slice it;
	unsigned n = 0;

	while (len > 0 && next_item(&p, end, &it))
		n += it.len == item->len && memcmp(it.s, item->s, it.len) == 0;
	return n;
}

bool gpupt_pvemap_same(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *p = a, *end = a + alen;
	struct gpupt_pvemap_slice item;
	unsigned items = 0;

	if (alen == 0 || blen == 0)
		return alen == blen;
	while (next_item(&p, end, &item)) {
		if (count_item(a, alen, &item) != count_item(b, blen, &item))
			return false;
		items++;
	}
	/* Every item of a is in b as often: b has no others when it has as many. */
	p = b;
	end = b + blen;
	while (next_item(&p, end, &item))
		items--;
	return items == 0;
}

int gpupt_pvemap_format(const struct gpupt_pvemap_entry *e, const char *node, char *buf, size_t size)
{
	struct gpupt_strbuf b;

	if (!gpupt_pvemap_node_ok(node) || !e->path[0] || strpbrk(e->path, ",= \t\n"))
		return -EINVAL;
	gpupt_strbuf_init(&b, buf, size);
	gpupt_strbuf_puts(&b, "id=");
	gpupt_strbuf_hex(&b, e->vendor, 4);
	gpupt_strbuf_putc(&b, ':');
	gpupt_strbuf_hex(&b, e->device, 4);
	if (e->iommu_group >= 0) {
		gpupt_strbuf_puts(&b, ",iommugroup=");
		gpupt_strbuf_uint(&b, (unsigned)e->iommu_group);
	}
	gpupt_strbuf_puts(&b, ",node=");
	gpupt_strbuf_puts(&b, node);
	gpupt_strbuf_puts(&b, ",path=");
	gpupt_strbuf_puts(&b, e->path);
	gpupt_strbuf_puts(&b, ",subsystem-id=");
	gpupt_strbuf_hex(&b, e->subvendor, 4);
	gpupt_strbuf_putc(&b, ':');
	gpupt_strbuf_hex(&b, e->subdevice, 4);
	return gpupt_strbuf_result(&b);
}

/* ---- editing ------------------------------------------------------------- */

/* The target mapping as the last section with its ID found it. */
struct target {
	bool found;
	size_t header_next;		   /* just after the ID line */
	size_t last_map_next;		   /* just after the last map line, 0 if none */
	size_t own[GPUPT_PVEMAP_MAX_MAPS]; /* offsets of the node's map lines */
	struct gpupt_pvemap_slice own_value[GPUPT_PVEMAP_MAX_MAPS];
	unsigned n_own;
	bool ends_open; /* the file ends inside a section: a new one needs an empty line first */
};

static bool is_own(const struct gpupt_pvemap_slice *value, const char *node)
{
	struct gpupt_pvemap_slice v;

	return gpupt_pvemap_get(value->s, value->len, "node", &v) && slice_is(&v, node);
}

static int locate(const char *buf, size_t len, const char *name, const char *node, struct target *t)
{
	struct reader r = { 0 };
	bool in_target = false;

	memset(t, 0, sizeof(*t));
	for (size_t off = 0; off < len;) {
		struct line l = line_at(buf, len, off);
		struct gpupt_pvemap_slice key, value;
		enum kind k = read_line(&r, &l, &key, &value);

		off = l.next;
		if (k == K_HEADER) {
			in_target = r.valid && slice_is(&r.id, name);
			if (in_target) {
				/* A later section of the same ID is the one PVE keeps. */
				memset(t, 0, sizeof(*t));
				t->found = true;
				t->header_next = l.next;
			}
		} else if (k == K_END) {
			in_target = false;
		} else if (k == K_PROPERTY && in_target && slice_is(&key, "map")) {
			t->last_map_next = l.next;
			if (!is_own(&value, node))
				continue;
			if (t->n_own == GPUPT_PVEMAP_MAX_MAPS)
				return -E2BIG;
			t->own_value[t->n_own] = value;
			t->own[t->n_own++] = l.off;
		}
	}
	t->ends_open = r.in_section;
	return 0;
}

static bool own_unchanged(const struct target *t, const char *const *values, unsigned n)
{
	if (t->n_own != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!gpupt_pvemap_same(t->own_value[i].s, t->own_value[i].len, values[i], strlen(values[i])))
			return false;
	return true;
}

static void put_maps(struct gpupt_strbuf *b, const char *const *values, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		gpupt_strbuf_puts(b, "\tmap ");
		gpupt_strbuf_puts(b, values[i]);
		gpupt_strbuf_putc(b, '\n');
	}
}

static bool is_own_offset(const struct target *t, size_t off)
{
	for (unsigned i = 0; i < t->n_own; i++)
		if (t->own[i] == off)
			return true;
	return false;
}

/* Copy buf, the node's lines out, the values in at `at` (a line's start, or len). */
static void rewrite(struct gpupt_strbuf *b, const char *buf, size_t len, const struct target *t,
		    size_t at, const char *const *values, unsigned n)
{
	for (size_t off = 0; off < len;) {
		struct line l = line_at(buf, len, off);

		if (off == at)
			put_maps(b, values, n);
		if (!is_own_offset(t, off)) {
			gpupt_strbuf_put(b, l.s, l.next - off);
			/* The line the new ones follow had no newline: the file's end. */
			if (l.next == at && l.next == len && (len == 0 || buf[len - 1] != '\n'))
				gpupt_strbuf_putc(b, '\n');
		}
		off = l.next;
	}
	if (at == len)
		put_maps(b, values, n);
}

static void append_mapping(struct gpupt_strbuf *b, const char *buf, size_t len, const struct target *t,
			   const char *name, const char *const *values, unsigned n)
{
	gpupt_strbuf_put(b, buf, len);
	if (len > 0 && buf[len - 1] != '\n')
		gpupt_strbuf_putc(b, '\n');
	if (t->ends_open)
		gpupt_strbuf_putc(b, '\n');
	gpupt_strbuf_puts(b, name);
	gpupt_strbuf_putc(b, '\n');
	put_maps(b, values, n);
	gpupt_strbuf_putc(b, '\n');
}

static bool value_ok(const char *v)
{
	size_t n = strnlen(v, GPUPT_PVEMAP_VALUE_MAX);

	return n > 0 && n < GPUPT_PVEMAP_VALUE_MAX && !strpbrk(v, "\n") && !is_space(v[0]) &&
	       !is_space(v[n - 1]);
}

static bool args_ok(const char *name, const char *node, const char *const *values, unsigned n)
{
	if (!gpupt_pvemap_name_ok(name) || !gpupt_pvemap_node_ok(node) || (n && !values) ||
	    n > GPUPT_PVEMAP_MAX_MAPS)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!values[i] || !value_ok(values[i]))
			return false;
	return true;
}

long gpupt_pvemap_edit(const char *buf, size_t len, const char *name, const char *node,
		       const char *const *values, unsigned n, char *out, size_t size)
{
	struct target t;
	struct gpupt_strbuf b;
	int r;

	if ((!buf && len) || !out || size == 0 || !args_ok(name, node, values, n))
		return -EINVAL;
	r = locate(buf, len, name, node, &t);
	if (r < 0)
		return r;
	gpupt_strbuf_init(&b, out, size);
	if (t.found ? own_unchanged(&t, values, n) : n == 0)
		gpupt_strbuf_put(&b, buf, len);
	else if (!t.found)
		append_mapping(&b, buf, len, &t, name, values, n);
	else
		rewrite(&b, buf, len, &t,
			t.n_own		  ? t.own[0]
			: t.last_map_next ? t.last_map_next
					  : t.header_next,
			values, n);
	r = gpupt_strbuf_result(&b);
	return r < 0 ? r : (long)r;
}
