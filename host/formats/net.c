// SPDX-License-Identifier: MIT
/* The kernel's routing tables and sysfs interface lists (see net.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "host/formats/net.h"

enum {
	RTF_UP = 0x0001,     /* include/uapi/linux/route.h */
	RTF_REJECT = 0x0200, /* an unreachable route: it reaches nothing */
};

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

/* The n-th blank-separated field of [from, to) as [*fs, *fe); false when there are fewer. */
static bool field(const char *buf, size_t from, size_t to, unsigned n, size_t *fs, size_t *fe)
{
	size_t p = from;

	for (unsigned i = 0;; i++) {
		while (p < to && is_blank(buf[p]))
			p++;
		if (p >= to)
			return false;
		*fs = p;
		while (p < to && !is_blank(buf[p]))
			p++;
		*fe = p;
		if (i == n)
			return true;
	}
}

static bool field_is(const char *buf, size_t fs, size_t fe, const char *text)
{
	return fe - fs == strlen(text) && memcmp(buf + fs, text, fe - fs) == 0;
}

/* A hex field of 1 to 8 digits ("0003", "80200001") into *out. */
static bool field_hex(const char *buf, size_t fs, size_t fe, unsigned long *out)
{
	unsigned long x = 0;

	if (fe - fs < 1 || fe - fs > 8)
		return false;
	for (size_t i = fs; i < fe; i++) {
		char c = buf[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d > 15)
			return false;
		x = x * 16 + d;
	}
	*out = x;
	return true;
}

bool gpupt_ifname_ok(const char *p, size_t n)
{
	if (n == 0 || n >= GPUPT_IFNAME_MAX || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~' || p[i] == '/' || p[i] == ':')
			return false;
	return true;
}

static int copy_name(const char *buf, size_t fs, size_t fe, char *iface, size_t size)
{
	if (fe - fs >= size || !gpupt_ifname_ok(buf + fs, fe - fs))
		return -EINVAL;
	memcpy(iface, buf + fs, fe - fs);
	iface[fe - fs] = '\0';
	return 0;
}

/* A route that is up and not a reject route: one that carries traffic. */
static bool usable(unsigned long flags)
{
	return (flags & RTF_UP) && !(flags & RTF_REJECT);
}

/*
 * /proc/net/route's default route from line [pos, eol): 1 and its interface
 * in [*is, *ie), 0 for another route, -EINVAL for a malformed line.
 */
static int route_default(const char *buf, size_t pos, size_t eol, size_t *is, size_t *ie)
{
	size_t ds, de, fs, fe, ms, me;
	unsigned long flags;

	if (!field(buf, pos, eol, 0, is, ie) || !field(buf, pos, eol, 1, &ds, &de) ||
	    !field(buf, pos, eol, 3, &fs, &fe) || !field(buf, pos, eol, 7, &ms, &me) ||
	    !field_hex(buf, fs, fe, &flags))
		return -EINVAL;
	return field_is(buf, ds, de, "00000000") && field_is(buf, ms, me, "00000000") && usable(flags);
}

/* A routing table's line [pos, eol): 1 with the interface's slice when it is the default route. */
typedef int route_line_fn(const char *buf, size_t pos, size_t eol, size_t *is, size_t *ie);

/* The interface of the first default route from pos on, into iface. */
static int first_default_iface(const char *buf, size_t len, size_t pos, route_line_fn *is_default,
			       char *iface, size_t size)
{
	size_t eol;

	while (pos < len) {
		size_t next = line_at(buf, len, pos, &eol), is, ie;
		int r = eol == pos ? 0 : is_default(buf, pos, eol, &is, &ie);

		if (r < 0)
			return r;
		if (r > 0)
			return copy_name(buf, is, ie, iface, size);
		pos = next;
	}
	return -ENOENT;
}

int gpupt_route_default_iface(const char *buf, size_t len, char *iface, size_t size)
{
	size_t after_header = line_at(buf, len, 0, &(size_t){ 0 });

	return first_default_iface(buf, len, after_header, route_default, iface, size);
}

bool gpupt_route_has_iface(const char *buf, size_t len, const char *iface)
{
	size_t pos = line_at(buf, len, 0, &(size_t){ 0 }), eol;

	while (pos < len) {
		size_t next = line_at(buf, len, pos, &eol), is, ie;
		if (field(buf, pos, eol, 0, &is, &ie) && field_is(buf, is, ie, iface))
			return true;
		pos = next;
	}
	return false;
}

#define ZERO_DEST6 "00000000000000000000000000000000"

/* /proc/net/ipv6_route's line [pos, eol): as route_default, the interface being the last field. */
static int route6_default(const char *buf, size_t pos, size_t eol, size_t *is, size_t *ie)
{
	size_t ds, de, ps, pe, fs, fe, extra, extra_end;
	unsigned long flags;

	if (!field(buf, pos, eol, 0, &ds, &de) || !field(buf, pos, eol, 1, &ps, &pe) ||
	    !field(buf, pos, eol, 8, &fs, &fe) || !field(buf, pos, eol, 9, is, ie) ||
	    field(buf, pos, eol, 10, &extra, &extra_end) || !field_hex(buf, fs, fe, &flags))
		return -EINVAL;
	return field_is(buf, ds, de, ZERO_DEST6) && field_is(buf, ps, pe, "00") && usable(flags);
}

int gpupt_route6_default_iface(const char *buf, size_t len, char *iface, size_t size)
{
	return first_default_iface(buf, len, 0, route6_default, iface, size);
}

bool gpupt_route6_has_default(const char *buf, size_t len, const char *iface)
{
	size_t pos = 0, eol;

	while (pos < len) {
		size_t next = line_at(buf, len, pos, &eol), is, ie;

		if (eol > pos && route6_default(buf, pos, eol, &is, &ie) > 0 && field_is(buf, is, ie, iface))
			return true;
		pos = next;
	}
	return false;
}

int gpupt_ifname_list_next(const char *buf, size_t len, size_t *pos, char *name, size_t size)
{
	size_t s = *pos, e;

	while (s < len && (is_blank(buf[s]) || buf[s] == '\n'))
		s++;
	if (s >= len) {
		*pos = len;
		return 0;
	}
	for (e = s; e < len && !is_blank(buf[e]) && buf[e] != '\n';)
		e++;
	*pos = e;
	return copy_name(buf, s, e, name, size) < 0 ? -EINVAL : 1;
}
