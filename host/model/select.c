// SPDX-License-Identifier: MIT
/* Resolving SEL arguments into devices, strictly. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "host/model/select.h"
#include "lib/msg.h"
#include "selection/selection.h"

enum { SEL_MAX_LEN = 32 }; /* "DDDD:BB:SS.F" is 12; anything long is not a SEL */

/* Print s for an error message, quoted, bytes a terminal could act on escaped. */
static void print_quoted(FILE *f, const char *s)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < 64 && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (isprint(c))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	if (i == 64 && s[i])
		fputs("...", f);
	fputc('"', f);
}

/*
 * The characters a SEL may hold at all, checked before the value parsers
 * see it: they would also refuse the rest, but this keeps "=" (a
 * fingerprint is ours to write, never the admin's) and anything a shell or
 * a kernel command line could give meaning to out for certain.
 */
static bool sel_chars_ok(const char *s, size_t len)
{
	if (len == 0 || len > SEL_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
			return false;
	return true;
}

static void bad_sel(FILE *err, const char *s)
{
	if (!err)
		return;
	gpupt_msg_begin(err);
	print_quoted(err, s);
	fputs(": not a PCI ID (VVVV:DDDD, e.g. 10de:1381), address ([DDDD:]BB:SS.F, e.g. 01:00.0)"
	      " or slot ([DDDD:]BB:SS, e.g. 01:00); see `gpupt list`\n",
	      err);
}

static int sel_add(struct gpupt_selection *out, size_t idx)
{
	size_t i;

	for (i = 0; i < out->n && out->idx[i] <= idx; i++)
		if (out->idx[i] == idx)
			return 0;
	if (out->n >= GPUPT_MAX_ADDRS)
		return -E2BIG;
	memmove(&out->idx[i + 1], &out->idx[i], (out->n - i) * sizeof(out->idx[0]));
	out->idx[i] = idx;
	out->n++;
	return 0;
}

/* A parsed SEL: an ID or an address/slot. */
struct sel {
	bool is_id;
	struct gpupt_pci_id id;
	struct gpupt_pci_addr addr;
};

static bool sel_hits(const struct sel *sel, const struct gpupt_dev *d)
{
	if (sel->is_id)
		return gpupt_id_matches(&sel->id, d->vendor, d->device, d->subvendor, d->subdevice);
	return gpupt_addr_matches(&sel->addr, d->domain, d->bus, d->slot, d->func);
}

/* Add every device of l matching sel; the number added or -E2BIG. */
static int sel_match(const struct gpupt_devlist *l, const struct sel *sel, struct gpupt_selection *out)
{
	int matched = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (!sel_hits(sel, &l->dev[i]))
			continue;
		if (sel_add(out, i) < 0)
			return -E2BIG;
		matched++;
	}
	return matched;
}

static void no_match(FILE *err, const struct sel *sel)
{
	char buf[64];

	if (!err)
		return;
	if (sel->is_id) {
		gpupt_format_id(&sel->id, buf, sizeof(buf));
		gpupt_msg(err,
			  "%s: no PCI device with this vendor:device ID on this host"
			  " (see `gpupt list`)\n",
			  buf);
		return;
	}
	gpupt_format_addr(&sel->addr, buf, sizeof(buf));
	gpupt_msg(err, "%s: no such PCI %s on this host (see `gpupt list`)\n", buf,
		  sel->addr.whole_slot ? "slot" : "device");
}

/* Parse s strictly into *sel; 0 or -EINVAL. */
static int sel_parse(const char *s, struct sel *sel)
{
	size_t len = strlen(s);

	memset(sel, 0, sizeof(*sel));
	if (!sel_chars_ok(s, len))
		return -EINVAL;
	sel->is_id = gpupt_parse_id(s, len, &sel->id) == 0;
	if (sel->is_id) /* subsystem IDs select nothing an address would not */
		return sel->id.has_subsys ? -EINVAL : 0;
	if (gpupt_parse_addr(s, len, &sel->addr) != 0 || sel->addr.has_fingerprint)
		return -EINVAL;
	return 0;
}

/* The conf entry for one matched function: its address and ID, as read from sysfs. */
static void config_from_devices(const struct gpupt_devlist *l, struct gpupt_selection *out)
{
	gpupt_config_init(&out->config);
	for (size_t i = 0; i < out->n; i++) {
		const struct gpupt_dev *d = &l->dev[out->idx[i]];
		struct gpupt_pci_addr *a = &out->config.addrs[out->config.n_addrs++];

		memset(a, 0, sizeof(*a));
		a->domain = d->domain;
		a->bus = d->bus;
		a->slot = d->slot;
		a->func = d->func;
		a->has_fingerprint = true;
		a->fingerprint.vendor = d->vendor;
		a->fingerprint.device = d->device;
	}
}

static int resolve_one(const struct gpupt_devlist *l, const char *s, struct gpupt_selection *out, FILE *err)
{
	struct sel sel;
	int m;

	if (sel_parse(s, &sel) < 0) {
		bad_sel(err, s);
		return -EINVAL;
	}
	m = sel_match(l, &sel, out);
	if (m == -E2BIG) {
		if (err)
			gpupt_msg(err, "more than %d PCI functions selected; select fewer\n", GPUPT_MAX_ADDRS);
		return m;
	}
	if (m == 0) {
		no_match(err, &sel);
		return -EINVAL;
	}
	return 0;
}

int gpupt_select_resolve(const struct gpupt_devlist *l, const char *const *sels, int n,
			 struct gpupt_selection *out, FILE *err)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	gpupt_config_init(&out->config);
	if (n <= 0) {
		if (err)
			gpupt_msg(err, "no device given: name one as VVVV:DDDD, BB:SS.F or BB:SS"
				       " (see `gpupt list`)\n");
		return -EINVAL;
	}
	/* Check every SEL so that one run reports every mistake. */
	for (int i = 0; i < n; i++) {
		int r = resolve_one(l, sels[i], out, err);

		if (r < 0 && ret == 0)
			ret = r;
	}
	if (ret == 0)
		config_from_devices(l, out);
	return ret;
}

/* As binder/select.c decides: a fingerprint that does not match wins over everything. */
bool gpupt_config_selects(const struct gpupt_config *c, const struct gpupt_dev *d)
{
	bool named = false;

	for (unsigned i = 0; i < c->n_addrs; i++) {
		const struct gpupt_pci_addr *a = &c->addrs[i];

		if (!gpupt_addr_matches(a, d->domain, d->bus, d->slot, d->func))
			continue;
		if (a->has_fingerprint &&
		    !gpupt_id_matches(&a->fingerprint, d->vendor, d->device, d->subvendor, d->subdevice))
			return false;
		named = true;
	}
	for (unsigned i = 0; i < c->n_ids && !named; i++)
		named = gpupt_id_matches(&c->ids[i], d->vendor, d->device, d->subvendor, d->subdevice);
	return named;
}

void gpupt_select_from_config(const struct gpupt_devlist *l, const struct gpupt_config *c,
			      struct gpupt_selection *out)
{
	memset(out, 0, sizeof(*out));
	out->config = *c;
	for (size_t i = 0; i < l->n && out->n < GPUPT_MAX_ADDRS; i++)
		if (gpupt_config_selects(c, &l->dev[i]))
			out->idx[out->n++] = i;
}

bool gpupt_selection_has(const struct gpupt_selection *s, size_t idx)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->idx[i] == idx)
			return true;
	return false;
}

static bool config_has_selection(const struct gpupt_config *c)
{
	return c->n_ids > 0 || c->n_addrs > 0;
}

const char *gpupt_select_source(const struct gpupt_config *conf, const struct gpupt_config *cmdline,
				const struct gpupt_dev *d)
{
	if (cmdline->off)
		return NULL;
	if (config_has_selection(cmdline))
		return gpupt_config_selects(cmdline, d) ? "cmdline" : NULL;
	if (conf->off)
		return NULL;
	return gpupt_config_selects(conf, d) ? "conf" : NULL;
}
