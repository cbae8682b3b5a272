// SPDX-License-Identifier: MIT
/* The trial's state file: parse and format (see trialstate.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/formats/bootentry.h"
#include "host/formats/net.h"
#include "host/formats/trialstate.h"
#include "lib/macro.h"
#include "lib/number.h"
#include "lib/sha256.h"

static const char *const state_names[] = {
	[GPUPT_TRIAL_NONE] = "none",
	[GPUPT_TRIAL_PENDING] = "pending",
	[GPUPT_TRIAL_CONFIRMED] = "confirmed",
	[GPUPT_TRIAL_ROLLED_BACK] = "rolled-back",
};

const char *gpupt_trial_state_name(enum gpupt_trial_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "none";
}

bool gpupt_trial_text_ok(const char *text)
{
	size_t n = 0;

	for (; text[n]; n++)
		if ((unsigned char)text[n] < 0x20 || text[n] == 0x7f)
			return false;
	return n < GPUPT_TRIAL_TEXT;
}

/* One line's value, copied NUL-terminated; false when it does not fit or holds a control byte. */
static bool copy_value(const char *v, size_t n, char *out, size_t size)
{
	if (n >= size)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return false;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

static bool parse_number(const char *v, size_t n, long long *out)
{
	unsigned long x;

	if (n == 0 || n > 12 || (v[0] == '0' && n != 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	if (gpupt_parse_ulong(v, n, &x) < 0)
		return false;
	*out = (long long)x;
	return true;
}

/* DRIVER, "-" for none: the rest of the line (a name may hold a space: "i6300ESB timer"). */
static bool parse_driver(const char *v, size_t n, char *out, size_t size)
{
	if (n == 1 && v[0] == '-') {
		out[0] = '\0';
		return true;
	}
	return copy_value(v, n, out, size) && out[0];
}

static bool parse_addr(const char *v, size_t n, char *out, size_t size)
{
	return copy_value(v, n, out, size) && out[0];
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool gpupt_boot_id_ok(const char *v, size_t n)
{
	if (n != GPUPT_BOOT_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? v[i] != '-' : hex_digit(v[i]) < 0)
			return false;
	return true;
}

/*
 * A path relative to the root, as gpupt writes one for a file it removes
 * later: no leading '/', no "." or ".." component, no blank.
 */
static bool path_ok(const char *v, size_t n)
{
	size_t from = 0;

	if (n == 0 || v[0] == '/')
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && v[i] != '/') {
			if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
				return false;
			continue;
		}
		if (i == from || (i - from == 1 && v[from] == '.') ||
		    (i - from == 2 && v[from] == '.' && v[from + 1] == '.'))
			return false;
		from = i + 1;
	}
	return true;
}

/* "ADDR DRIVER", as `device` lines and version 1 and 2's `before` lines are. */
static bool parse_dev(const char *v, size_t n, struct gpupt_trial_dev *d)
{
	const char *sp = memchr(v, ' ', n);

	d->class = GPUPT_TRIAL_CLASS_UNKNOWN;
	return sp && parse_addr(v, (size_t)(sp - v), d->addr, sizeof(d->addr)) &&
	       parse_driver(sp + 1, (size_t)(v + n - sp - 1), d->driver, sizeof(d->driver));
}

/* A PCI class as 6 lowercase hex digits, or "-" when unknown. */
static bool parse_class(const char *v, size_t n, uint32_t *class)
{
	*class = n == 1 && v[0] == '-' ? GPUPT_TRIAL_CLASS_UNKNOWN : 0;
	if (n == 1 && v[0] == '-')
		return true;
	for (size_t i = 0; i < n; i++) {
		if (hex_digit(v[i]) < 0)
			return false;
		*class = *class << 4 | (uint32_t)hex_digit(v[i]);
	}
	return n == 6;
}

/* "ADDR CLASS DRIVER": version 3's `before` line. */
static bool parse_before(const char *v, size_t n, struct gpupt_trial_dev *d)
{
	const char *sp = memchr(v, ' ', n), *sp2 = sp ? memchr(sp + 1, ' ', (size_t)(v + n - sp - 1)) : NULL;

	return sp2 && parse_addr(v, (size_t)(sp - v), d->addr, sizeof(d->addr)) &&
	       parse_class(sp + 1, (size_t)(sp2 - sp - 1), &d->class) &&
	       parse_driver(sp2 + 1, (size_t)(v + n - sp2 - 1), d->driver, sizeof(d->driver));
}

static bool parse_state(const char *v, size_t n, enum gpupt_trial_state *s)
{
	for (size_t i = GPUPT_TRIAL_PENDING; i < ARRAY_SIZE(state_names); i++)
		if (strlen(state_names[i]) == n && memcmp(v, state_names[i], n) == 0) {
			*s = (enum gpupt_trial_state)i;
			return true;
		}
	return false;
}

static bool parse_option(const char *v, size_t n, struct gpupt_trial *t)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "grub-in-place", offsetof(struct gpupt_trial, grub_in_place) },
		{ "allow-unsafe-interrupts", offsetof(struct gpupt_trial, unsafe_interrupts) },
		{ "force", offsetof(struct gpupt_trial, force) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strlen(opts[i].name) == n && memcmp(v, opts[i].name, n) == 0) {
			*(bool *)((char *)t + opts[i].off) = true;
			return true;
		}
	return false;
}

/* An interface as the kernel names one, or "-" for none. */
static bool parse_iface(const char *v, size_t n, char *out, size_t size)
{
	if (n == 1 && v[0] == '-') {
		out[0] = '\0';
		return true;
	}
	return gpupt_ifname_ok(v, n) && copy_value(v, n, out, size);
}

/* A PCI function's address as sysfs spells it ("0000:03:00.0"), or "-". */
static bool pci_word_ok(const char *v, size_t n)
{
	if (n == 1 && v[0] == '-')
		return true;
	if (n != 12)
		return false;
	for (size_t i = 0; i < n; i++) {
		char sep = i == 4 || i == 7 ? ':' : i == 10 ? '.' : '\0';

		if (sep ? v[i] != sep : !isxdigit((unsigned char)v[i]))
			return false;
	}
	return true;
}

/* "IFACE... ADDR": interface names down to the NIC, then its PCI function; one blank between. */
static bool parse_chain(const char *v, size_t n, char *out, size_t size)
{
	const char *last = v + n;
	size_t words = 0;

	for (const char *w = v; w < last; words++) {
		const char *sp = memchr(w, ' ', (size_t)(last - w)), *end = sp ? sp : last;
		bool ok = sp ? gpupt_ifname_ok(w, (size_t)(end - w)) : pci_word_ok(w, (size_t)(end - w));

		if (!ok)
			return false;
		w = sp ? sp + 1 : last;
		if (sp && w == last)
			return false;
	}
	return words >= 2 && copy_value(v, n, out, size);
}

static bool key_is(const char *k, size_t kn, const char *name)
{
	return strlen(name) == kn && memcmp(k, name, kn) == 0;
}

/* Four hex digits, as efibootmgr names a Boot#### option. */
static bool parse_bootnum(const char *v, size_t vn, struct gpupt_trial *t)
{
	unsigned x = 0;

	if (vn != 4 || t->has_efi_boot)
		return false;
	for (size_t i = 0; i < vn; i++) {
		char c = v[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
						    : 16;

		if (d > 15)
			return false;
		x = x << 4 | d;
	}
	t->efi_boot = x;
	t->has_efi_boot = true;
	return true;
}

/* One "key value" line of a file of that version into t; false when it is not understood. */
static bool parse_line(const char *k, size_t kn, const char *v, size_t vn, unsigned version,
		       struct gpupt_trial *t)
{
	long long x;

	if (key_is(k, kn, "state"))
		return parse_state(v, vn, &t->state);
	if (key_is(k, kn, "id"))
		return parse_number(v, vn, &t->id);
	if (key_is(k, kn, "changed"))
		return parse_number(v, vn, &t->changed);
	if (key_is(k, kn, "boot"))
		return gpupt_boot_id_ok(v, vn) && copy_value(v, vn, t->boot_id, sizeof(t->boot_id));
	if (key_is(k, kn, "minutes")) {
		if (!parse_number(v, vn, &x) || x < 1 || x > 1440)
			return false;
		t->minutes = (unsigned)x;
		return true;
	}
	if (key_is(k, kn, "loader"))
		return copy_value(v, vn, t->loader, sizeof(t->loader));
	if (key_is(k, kn, "entry"))
		return copy_value(v, vn, t->entry, sizeof(t->entry));
	if (key_is(k, kn, "image"))
		return path_ok(v, vn) && copy_value(v, vn, t->image, sizeof(t->image));
	if (key_is(k, kn, "efi-boot"))
		return parse_bootnum(v, vn, t);
	if (key_is(k, kn, "esp"))
		return t->n_esp < GPUPT_TRIAL_MAX_ESPS && gpupt_vfat_uuid_ok(v, vn) &&
		       copy_value(v, vn, t->esp[t->n_esp++], GPUPT_TRIAL_ESP);
	if (key_is(k, kn, "oneshot")) {
		t->oneshot_late = vn == 4 && memcmp(v, "late", 4) == 0;
		return t->oneshot_late || (vn == 10 && memcmp(v, "guaranteed", 10) == 0);
	}
	if (key_is(k, kn, "option"))
		return parse_option(v, vn, t);
	if (key_is(k, kn, "select"))
		return t->n_sel < GPUPT_TRIAL_MAX_SEL &&
		       copy_value(v, vn, t->sel[t->n_sel++], GPUPT_TRIAL_NAME);
	if (key_is(k, kn, "device"))
		return t->n_want < ARRAY_SIZE(t->want) && parse_dev(v, vn, &t->want[t->n_want++]);
	if (key_is(k, kn, "before"))
		return t->n_before < GPUPT_TRIAL_MAX_DEVS &&
		       (version >= 3 ? parse_before : parse_dev)(v, vn, &t->before[t->n_before++]);
	if (key_is(k, kn, "route"))
		return parse_iface(v, vn, t->route, sizeof(t->route));
	if (key_is(k, kn, "route6"))
		return parse_iface(v, vn, t->route6, sizeof(t->route6));
	if (key_is(k, kn, "uplink"))
		return t->n_uplink < GPUPT_TRIAL_MAX_UPLINKS &&
		       parse_chain(v, vn, t->uplink[t->n_uplink++], GPUPT_TRIAL_CHAIN);
	if (key_is(k, kn, "tokens"))
		return copy_value(v, vn, t->tokens, sizeof(t->tokens));
	if (key_is(k, kn, "health-cmd"))
		return copy_value(v, vn, t->health_cmd, sizeof(t->health_cmd));
	if (key_is(k, kn, "result"))
		return t->n_result < GPUPT_TRIAL_MAX_RESULTS &&
		       copy_value(v, vn, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	if (key_is(k, kn, "reason"))
		return copy_value(v, vn, t->reason, sizeof(t->reason));
	return false;
}

static int bad(char *why, size_t size, unsigned line, const char *what)
{
	if (line)
		snprintf(why, size, "line %u: %s", line, what);
	else
		snprintf(why, size, "%s", what);
	return -EBADMSG;
}

/* The body's end (the start of the "end SUM" line) when the sum matches, else 0. */
static size_t checked_body(const char *buf, size_t len)
{
	char want[GPUPT_SHA256_HEX + 1];
	size_t last;

	if (len < 5 + GPUPT_SHA256_HEX + 1 || buf[len - 1] != '\n')
		return 0;
	last = len - 1 - (4 + GPUPT_SHA256_HEX);
	if (buf[last - 1] != '\n')
		return 0;
	if (memcmp(buf + last, "end ", 4) != 0)
		return 0;
	gpupt_sha256_hex(buf, last, want);
	return memcmp(buf + last + 4, want, GPUPT_SHA256_HEX) == 0 ? last : 0;
}

/* The version the first line names (all have the same length), or 0. */
static unsigned parse_version(const char *buf, size_t len)
{
	static const char *const names[] = { GPUPT_TRIAL_VERSION_1, GPUPT_TRIAL_VERSION_2, GPUPT_TRIAL_VERSION };
	size_t vlen = strlen(GPUPT_TRIAL_VERSION);

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (len >= vlen + 1 && memcmp(buf, names[i], vlen) == 0 && buf[vlen] == '\n')
			return i + 1;
	return 0;
}

int gpupt_trial_parse(const char *buf, size_t len, struct gpupt_trial *t, char *why, size_t size)
{
	size_t body = checked_body(buf, len), pos;
	unsigned line = 1, version = parse_version(buf, len);

	memset(t, 0, sizeof(*t));
	if (!version)
		return bad(why, size, 1,
			   "not \"" GPUPT_TRIAL_VERSION "\" (nor version 1 or 2, which gpupt reads as well)");
	if (!body)
		return bad(why, size, 0,
			   "no closing \"end\" line with the checksum of the rest (cut short or edited)");
	for (pos = strlen(GPUPT_TRIAL_VERSION) + 1; pos < body; line++) {
		const char *nl = memchr(buf + pos, '\n', body - pos), *sp;
		size_t eol = (size_t)(nl - buf);

		sp = memchr(buf + pos, ' ', eol - pos);
		if (!sp || !parse_line(buf + pos, (size_t)(sp - buf) - pos, sp + 1,
				       eol - (size_t)(sp - buf) - 1, version, t))
			return bad(why, size, line + 1, "not understood");
		pos = eol + 1;
	}
	if (t->state == GPUPT_TRIAL_NONE || !t->id || !t->minutes || !t->loader[0] || !t->entry[0] || !t->n_sel)
		return bad(why, size, 0, "state, id, minutes, loader, entry or select missing");
	return 0;
}

static void put_line(char *buf, size_t size, size_t *n, const char *key, const char *value)
{
	int m = snprintf(buf + MIN(*n, size), *n < size ? size - *n : 0, "%s %s\n", key, value);

	*n += m > 0 ? (size_t)m : 0;
}

static void put_dev(char *buf, size_t size, size_t *n, const char *key, const struct gpupt_trial_dev *d)
{
	char v[GPUPT_TRIAL_ADDR + GPUPT_TRIAL_NAME + 2];

	snprintf(v, sizeof(v), "%s %s", d->addr, d->driver[0] ? d->driver : "-");
	put_line(buf, size, n, key, v);
}

static void put_before(char *buf, size_t size, size_t *n, const struct gpupt_trial_dev *d)
{
	char v[GPUPT_TRIAL_ADDR + GPUPT_TRIAL_NAME + 10], class[8] = "-";

	if (d->class != GPUPT_TRIAL_CLASS_UNKNOWN)
		snprintf(class, sizeof(class), "%06x", (unsigned)(d->class & 0xffffff));
	snprintf(v, sizeof(v), "%s %s %s", d->addr, class, d->driver[0] ? d->driver : "-");
	put_line(buf, size, n, "before", v);
}

static void put_number(char *buf, size_t size, size_t *n, const char *key, long long x)
{
	char v[24];

	snprintf(v, sizeof(v), "%lld", x);
	put_line(buf, size, n, key, v);
}

size_t gpupt_trial_format(const struct gpupt_trial *t, char *buf, size_t size)
{
	size_t n = 0;
	char sum[GPUPT_SHA256_HEX + 1];

	put_line(buf, size, &n, "gpupt-trial", GPUPT_TRIAL_VERSION_NUMBER);
	put_line(buf, size, &n, "state", gpupt_trial_state_name(t->state));
	put_number(buf, size, &n, "id", t->id);
	put_number(buf, size, &n, "changed", t->changed);
	if (t->boot_id[0])
		put_line(buf, size, &n, "boot", t->boot_id);
	put_number(buf, size, &n, "minutes", t->minutes);
	put_line(buf, size, &n, "loader", t->loader);
	put_line(buf, size, &n, "entry", t->entry);
	if (t->has_efi_boot) {
		char num[8];

		snprintf(num, sizeof(num), "%04X", t->efi_boot & 0xffff);
		put_line(buf, size, &n, "efi-boot", num);
	}
	for (size_t i = 0; i < t->n_esp; i++)
		put_line(buf, size, &n, "esp", t->esp[i]);
	put_line(buf, size, &n, "oneshot", t->oneshot_late ? "late" : "guaranteed");
	if (t->image[0])
		put_line(buf, size, &n, "image", t->image);
	if (t->grub_in_place)
		put_line(buf, size, &n, "option", "grub-in-place");
	if (t->unsafe_interrupts)
		put_line(buf, size, &n, "option", "allow-unsafe-interrupts");
	if (t->force)
		put_line(buf, size, &n, "option", "force");
	for (size_t i = 0; i < t->n_sel; i++)
		put_line(buf, size, &n, "select", t->sel[i]);
	for (size_t i = 0; i < t->n_want; i++)
		put_dev(buf, size, &n, "device", &t->want[i]);
	for (size_t i = 0; i < t->n_before; i++)
		put_before(buf, size, &n, &t->before[i]);
	put_line(buf, size, &n, "route", t->route[0] ? t->route : "-");
	put_line(buf, size, &n, "route6", t->route6[0] ? t->route6 : "-");
	for (size_t i = 0; i < t->n_uplink; i++)
		put_line(buf, size, &n, "uplink", t->uplink[i]);
	if (t->tokens[0])
		put_line(buf, size, &n, "tokens", t->tokens);
	if (t->health_cmd[0])
		put_line(buf, size, &n, "health-cmd", t->health_cmd);
	for (size_t i = 0; i < t->n_result; i++)
		put_line(buf, size, &n, "result", t->result[i]);
	if (t->reason[0])
		put_line(buf, size, &n, "reason", t->reason);
	if (n >= size)
		return n + 5 + GPUPT_SHA256_HEX;
	gpupt_sha256_hex(buf, n, sum);
	put_line(buf, size, &n, "end", sum);
	return n;
}
