// SPDX-License-Identifier: MIT
/*
 * Which devices to bind: one pass over sys/bus/pci/devices.  An address
 * entry matches on the name alone; only when IDs are wanted (gpupt.ids, or
 * a fingerprint) is the device's uevent read, so a device nobody asked
 * about costs nothing or one open+read+close.
 */
#include <errno.h>
#include <string.h>

#include "binder/binder.h"
#include "lib/macro.h"

/* A word for the classes an admin meets here; the code says the rest. */
static const char *class_word(uint32_t class)
{
	static const struct {
		uint16_t class;
		const char *word;
	} words[] = {
		{ 0x0300, "VGA " },	   { 0x0302, "3D " },	       { 0x0380, "display " },
		{ 0x0403, "audio " },	   { 0x0108, "NVMe " },	       { 0x0106, "SATA " },
		{ 0x0200, "Ethernet " },   { 0x0280, "wireless " },    { 0x0c03, "USB " },
		{ 0x0604, "PCI bridge " }, { 0x0600, "host bridge " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (words[i].class == class >> 8)
			return words[i].word;
	return "";
}

static void log_dev(struct binder *b, int level, const struct gpupt_pci_dev *d, const char *what)
{
	struct msg m;

	msg_init(&m);
	msg_cat(&m, d->name, " ", (const char *)NULL);
	msg_id(&m, d->vendor, d->device);
	msg_cat(&m, " (", class_word(d->class), "class ", (const char *)NULL);
	msg_hex(&m, d->class, 6);
	msg_cat(&m, ", ", d->driver[0] ? "on " : "no driver", d->driver, "): ", what, (const char *)NULL);
	binder_log(b, level, &m);
}

static void add_device(struct binder *b, const struct gpupt_pci_dev *d, const char *why)
{
	struct binder_dev *bd;

	if (b->n_devs == BINDER_MAX_DEVICES) {
		log_dev(b, LOG_ERR, d, "selected, but gpupt binds at most 64 devices; not bound");
		b->failures++;
		return;
	}
	/* Kept in address order, so the log reads like lspci. */
	bd = &b->devs[b->n_devs++];
	while (bd > b->devs && strcmp(bd[-1].pci.name, d->name) > 0) {
		bd[0] = bd[-1];
		bd--;
	}
	bd->pci = *d;
	bd->state = DEV_TO_BIND;
	bd->why = why;
}

static int read_ids(struct binder *b, int dirfd, const char *name, struct gpupt_pci_dev *d)
{
	int r = gpupt_sysfs_pci_read_uevent(dirfd, name, d);

	if (r < 0) {
		struct msg m;

		msg_init(&m);
		msg_cat(&m, name, ": cannot read its uevent (", binder_strerror(-r), "); skipped",
			(const char *)NULL);
		binder_log(b, LOG_WARNING, &m);
	}
	return r;
}

static void log_mismatch(struct binder *b, const struct gpupt_pci_dev *d, const struct gpupt_pci_addr *a)
{
	char want[40];
	struct msg m;

	if (gpupt_format_id(&a->fingerprint, want, sizeof(want)) < 0)
		want[0] = '\0';
	msg_init(&m);
	msg_cat(&m, d->name, " is ", (const char *)NULL);
	msg_id(&m, d->vendor, d->device);
	if (a->fingerprint.has_subsys) {
		msg_str(&m, ":");
		msg_id(&m, d->subvendor, d->subdevice);
	}
	msg_cat(&m, ", ", b->sel_addrs, " wants ", want, " (card moved?); not bound", (const char *)NULL);
	binder_log(b, LOG_ERR, &m);
}

static bool names_it(const struct gpupt_pci_addr *a, const struct gpupt_pci_dev *d)
{
	return gpupt_addr_matches(a, d->domain, d->bus, d->slot, d->func);
}

/*
 * Count the device for every address entry naming it (one address may be
 * listed twice, with and without a fingerprint, or as a function and its
 * slot: none of them is then missing).  True when one names it.
 */
static bool hit_addrs(struct binder *b, const struct gpupt_pci_dev *d)
{
	bool named = false;

	for (unsigned i = 0; i < b->cfg.n_addrs; i++)
		if (names_it(&b->cfg.addrs[i], d)) {
			b->addr_hits[i]++;
			named = true;
		}
	return named;
}

/* An address entry naming the device with a fingerprint it does not have, or NULL. */
static const struct gpupt_pci_addr *mismatch(const struct binder *b, const struct gpupt_pci_dev *d)
{
	for (unsigned i = 0; i < b->cfg.n_addrs; i++) {
		const struct gpupt_pci_addr *a = &b->cfg.addrs[i];

		if (names_it(a, d) && a->has_fingerprint &&
		    !gpupt_id_matches(&a->fingerprint, d->vendor, d->device, d->subvendor, d->subdevice))
			return a;
	}
	return NULL;
}

static bool match_ids(const struct binder *b, const struct gpupt_pci_dev *d)
{
	for (unsigned i = 0; i < b->cfg.n_ids; i++)
		if (gpupt_id_matches(&b->cfg.ids[i], d->vendor, d->device, d->subvendor, d->subdevice))
			return true;
	return false;
}

/*
 * A fingerprint that does not match keeps the device unbound, whatever
 * else selects it (another entry for the same address, or gpupt.ids): the
 * card there is not the one the admin meant.  When in doubt, bind nothing.
 */
static int visit(int dirfd, const char *name, void *ctx)
{
	struct binder *b = ctx;
	const struct gpupt_pci_addr *bad;
	struct gpupt_pci_dev d;
	bool named;

	memset(&d, 0, sizeof(d));
	if (gpupt_sysfs_parse_pci_name(name, &d) < 0)
		return 0;
	named = hit_addrs(b, &d);
	if (!named && b->cfg.n_ids == 0)
		return 0; /* nothing asked by ID: no I/O for this device */
	if (read_ids(b, dirfd, name, &d) < 0) {
		b->failures += named;
		return 0;
	}
	bad = mismatch(b, &d);
	if (bad) {
		log_mismatch(b, &d, bad);
		b->failures++;
	} else if (named) {
		add_device(b, &d, b->sel_addrs);
	} else if (match_ids(b, &d)) {
		add_device(b, &d, b->sel_ids);
	}
	return 0;
}

static void report_unmatched_addrs(struct binder *b)
{
	for (unsigned i = 0; i < b->cfg.n_addrs; i++) {
		char addr[48];
		struct msg m;

		if (b->addr_hits[i])
			continue;
		if (gpupt_format_addr(&b->cfg.addrs[i], addr, sizeof(addr)) < 0)
			addr[0] = '\0';
		msg_init(&m);
		msg_cat(&m, b->sel_addrs, ": no PCI device at ", addr,
			" (check lspci -D; did the card move?); nothing bound there", (const char *)NULL);
		binder_log(b, LOG_ERR, &m);
		b->failures++;
	}
}

static void report_selection(struct binder *b)
{
	for (unsigned i = 0; i < b->n_devs; i++) {
		struct msg m;

		msg_init(&m);
		msg_cat(&m, "selected by ", b->devs[i].why, (const char *)NULL);
		log_dev(b, LOG_INFO, &b->devs[i].pci, m.s);
	}
	if (b->n_devs == 0 && b->failures == 0)
		binder_logs(b, LOG_INFO, "no PCI device matches ", b->sel_ids, "/", b->sel_addrs,
			    "; nothing to bind", (const char *)NULL);
}

int binder_select(struct binder *b)
{
	int r = gpupt_sysfs_pci_foreach(b->devsfd, visit, b);

	if (r < 0) {
		binder_logs(b, LOG_ERR, "cannot list ", GPUPT_SYSFS_PCI_DEVICES, " under ", b->root,
			    ": ", binder_strerror(-r), "; nothing bound", (const char *)NULL);
		return r;
	}
	report_unmatched_addrs(b);
	report_selection(b);
	return 0;
}
