// SPDX-License-Identifier: MIT
/*
 * The value grammar shared by the kernel command line and /etc/gpupt.conf:
 * PCI ids, PCI addresses (with an optional fingerprint), driver names and
 * yes/no words.  Every parser works on a (pointer, length) slice and never
 * reads past it, so the strings need no NUL.
 */
#include <errno.h>
#include <string.h>

#include "lib/macro.h"
#include "lib/number.h"
#include "lib/strbuf.h"
#include "selection/selection.h"

void gpupt_config_init(struct gpupt_config *c)
{
	memset(c, 0, sizeof(*c));
	c->debug = -1;
	c->fb = GPUPT_FB_UNSET;
}

void gpupt_diags_init(struct gpupt_diags *d)
{
	memset(d, 0, sizeof(*d));
}

/* "XXXX:" or "XXXX" at the end: a 4-digit field followed by `sep` (or nothing). */
static int parse_id_field(const char *s, bool last, uint16_t *out)
{
	unsigned v;

	if (gpupt_parse_hex(s, 4, &v) < 0 || (!last && s[4] != ':'))
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int gpupt_parse_id(const char *s, size_t len, struct gpupt_pci_id *out)
{
	struct gpupt_pci_id id = { 0 };

	if (len != 9 && len != 19)
		return -EINVAL;
	id.has_subsys = len == 19;
	if (parse_id_field(s, false, &id.vendor) < 0 || parse_id_field(s + 5, !id.has_subsys, &id.device) < 0)
		return -EINVAL;
	if (id.has_subsys && (parse_id_field(s + 10, false, &id.subvendor) < 0 ||
			      parse_id_field(s + 15, true, &id.subdevice) < 0))
		return -EINVAL;
	*out = id;
	return 0;
}

/* "BB:SS" (5 bytes) or "DDDD:BB:SS" (10 bytes): the part before ".F". */
static int parse_bus_slot(const char *s, size_t len, struct gpupt_pci_addr *a)
{
	unsigned domain = 0, bus, slot;

	if (len == 10) {
		if (gpupt_parse_hex(s, 4, &domain) < 0 || s[4] != ':')
			return -EINVAL;
		s += 5;
	} else if (len != 5) {
		return -EINVAL;
	}
	if (gpupt_parse_hex(s, 2, &bus) < 0 || s[2] != ':' || gpupt_parse_hex(s + 3, 2, &slot) < 0 ||
	    slot > 0x1f)
		return -EINVAL;
	a->domain = (uint16_t)domain;
	a->bus = (uint8_t)bus;
	a->slot = (uint8_t)slot;
	return 0;
}

/* The address without its fingerprint: "[DDDD:]BB:SS.F" or slot "[DDDD:]BB:SS". */
static int parse_bare_addr(const char *s, size_t len, struct gpupt_pci_addr *a)
{
	const char *dot = memchr(s, '.', len);
	unsigned func;

	if (!dot) {
		a->whole_slot = true;
		return parse_bus_slot(s, len, a);
	}
	if ((size_t)(dot - s) + 2 != len || gpupt_parse_hex(dot + 1, 1, &func) < 0 || func > 7)
		return -EINVAL;
	a->func = (uint8_t)func;
	return parse_bus_slot(s, (size_t)(dot - s), a);
}

int gpupt_parse_addr(const char *s, size_t len, struct gpupt_pci_addr *out)
{
	struct gpupt_pci_addr a = { 0 };
	const char *eq;
	size_t addr_len;

	if (len == 0)
		return -EINVAL;
	eq = memchr(s, '=', len);
	addr_len = eq ? (size_t)(eq - s) : len;
	if (parse_bare_addr(s, addr_len, &a) < 0)
		return -EINVAL;
	if (eq) {
		if (gpupt_parse_id(eq + 1, len - addr_len - 1, &a.fingerprint) < 0)
			return -EINVAL;
		a.has_fingerprint = true;
	}
	*out = a;
	return 0;
}

int gpupt_check_driver_name(const char *s, size_t len)
{
	if (len == 0 || len > GPUPT_DRIVER_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return -EINVAL;
	}
	return 0;
}

static bool word_eq_nocase(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len && word[i]; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return i == len && word[i] == '\0';
}

int gpupt_parse_bool(const char *s, size_t len, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (word_eq_nocase(s, len, yes[i])) {
			*out = true;
			return 0;
		}
		if (word_eq_nocase(s, len, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static void put_id(struct gpupt_strbuf *b, const struct gpupt_pci_id *id)
{
	gpupt_strbuf_hex(b, id->vendor, 4);
	gpupt_strbuf_putc(b, ':');
	gpupt_strbuf_hex(b, id->device, 4);
	if (id->has_subsys) {
		gpupt_strbuf_putc(b, ':');
		gpupt_strbuf_hex(b, id->subvendor, 4);
		gpupt_strbuf_putc(b, ':');
		gpupt_strbuf_hex(b, id->subdevice, 4);
	}
}

int gpupt_format_id(const struct gpupt_pci_id *id, char *buf, size_t size)
{
	struct gpupt_strbuf b;

	gpupt_strbuf_init(&b, buf, size);
	put_id(&b, id);
	return gpupt_strbuf_result(&b);
}

int gpupt_format_addr(const struct gpupt_pci_addr *a, char *buf, size_t size)
{
	struct gpupt_strbuf b;

	gpupt_strbuf_init(&b, buf, size);
	gpupt_strbuf_hex(&b, a->domain, 4);
	gpupt_strbuf_putc(&b, ':');
	gpupt_strbuf_hex(&b, a->bus, 2);
	gpupt_strbuf_putc(&b, ':');
	gpupt_strbuf_hex(&b, a->slot, 2);
	if (!a->whole_slot) {
		gpupt_strbuf_putc(&b, '.');
		gpupt_strbuf_hex(&b, a->func, 1);
	}
	if (a->has_fingerprint) {
		gpupt_strbuf_putc(&b, '=');
		put_id(&b, &a->fingerprint);
	}
	return gpupt_strbuf_result(&b);
}

bool gpupt_id_matches(const struct gpupt_pci_id *sel, uint16_t vendor, uint16_t device,
		      uint16_t subvendor, uint16_t subdevice)
{
	if (sel->vendor != vendor || sel->device != device)
		return false;
	return !sel->has_subsys || (sel->subvendor == subvendor && sel->subdevice == subdevice);
}

bool gpupt_addr_matches(const struct gpupt_pci_addr *sel, uint16_t domain, uint8_t bus, uint8_t slot, uint8_t func)
{
	if (sel->domain != domain || sel->bus != bus || sel->slot != slot)
		return false;
	return sel->whole_slot || sel->func == func;
}

bool gpupt_id_equal(const struct gpupt_pci_id *a, const struct gpupt_pci_id *b)
{
	if (a->vendor != b->vendor || a->device != b->device || a->has_subsys != b->has_subsys)
		return false;
	return !a->has_subsys || (a->subvendor == b->subvendor && a->subdevice == b->subdevice);
}

bool gpupt_addr_equal(const struct gpupt_pci_addr *a, const struct gpupt_pci_addr *b)
{
	if (a->domain != b->domain || a->bus != b->bus || a->slot != b->slot ||
	    a->whole_slot != b->whole_slot || a->has_fingerprint != b->has_fingerprint)
		return false;
	if (!a->whole_slot && a->func != b->func)
		return false;
	return !a->has_fingerprint || gpupt_id_equal(&a->fingerprint, &b->fingerprint);
}

bool gpupt_config_equal(const struct gpupt_config *a, const struct gpupt_config *b)
{
	if (a->n_ids != b->n_ids || a->n_addrs != b->n_addrs || a->off != b->off || a->debug != b->debug ||
	    a->fb != b->fb || strncmp(a->driver, b->driver, sizeof(a->driver)) != 0)
		return false;
	for (unsigned i = 0; i < a->n_ids && i < GPUPT_MAX_IDS; i++)
		if (!gpupt_id_equal(&a->ids[i], &b->ids[i]))
			return false;
	for (unsigned i = 0; i < a->n_addrs && i < GPUPT_MAX_ADDRS; i++)
		if (!gpupt_addr_equal(&a->addrs[i], &b->addrs[i]))
			return false;
	return true;
}
