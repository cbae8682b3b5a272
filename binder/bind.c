// SPDX-License-Identifier: MIT
/*
 * Moving the selected devices to the passthrough driver.
 *
 * driverctl's proven order is: load the driver, unbind, write the
 * override, drivers_probe, read the driver link back.  Here the override is
 * written *before* the unbind: between the unbind and the probe the device
 * has no driver, and anything that probes it then (udev's coldplug running
 * alongside, a host driver module that finishes loading) would take it
 * back; with the override already set only the passthrough driver can
 * match.  The driver is loaded after the unbind, which is equally safe: a
 * driver that registers attaches to every unbound device whose override
 * names it, and drivers_probe covers the case where it was loaded already.
 * new_id is never used: it would hand every identical card to the driver.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "binder/binder.h"

enum { VERIFY_WAIT_MS = 250, VERIFY_POLL_MS = 10 };

static void dev_log(struct binder *b, int level, const struct binder_dev *d, ...)
{
	struct msg m;
	va_list ap;

	msg_init(&m);
	msg_cat(&m, d->pci.name, " ", (const char *)NULL);
	msg_id(&m, d->pci.vendor, d->pci.device);
	msg_str(&m, ": ");
	va_start(ap, d);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		msg_str(&m, s);
	va_end(ap);
	binder_log(b, level, &m);
}

/* A step that writes: "would ..." in a dry run, a debug line otherwise. */
static int step(struct binder *b, struct binder_dev *d, int r, const char *what)
{
	if (b->dry_run) {
		dev_log(b, LOG_INFO, d, "would ", what, (const char *)NULL);
		return 0;
	}
	if (r < 0) {
		dev_log(b, LOG_ERR, d, "cannot ", what, ": ", binder_strerror(-r), "; not bound",
			(const char *)NULL);
		d->state = DEV_FAILED;
		return r;
	}
	dev_log(b, LOG_DEBUG, d, "did ", what, (const char *)NULL);
	return 0;
}

static void refuse_bridges(struct binder *b)
{
	for (unsigned i = 0; i < b->n_devs; i++) {
		struct binder_dev *d = &b->devs[i];

		if (!gpupt_pci_is_unbindable_bridge(&d->pci))
			continue;
		dev_log(b, LOG_ERR, d, "is a ",
			(d->pci.class >> 8) == GPUPT_PCI_CLASS_HOST_BRIDGE ? "host" : "PCI",
			" bridge, which cannot be passed through; refused (remove it from ", d->why,
			")", (const char *)NULL);
		d->state = DEV_FAILED;
	}
}

static void skip_already_bound(struct binder *b)
{
	for (unsigned i = 0; i < b->n_devs; i++) {
		struct binder_dev *d = &b->devs[i];

		if (d->state != DEV_TO_BIND || strcmp(d->pci.driver, b->driver) != 0)
			continue;
		d->state = DEV_ALREADY_BOUND;
		/* The second pass finds this on every good boot: not worth an info line. */
		dev_log(b, b->late ? LOG_DEBUG : LOG_INFO, d, "already on ", b->driver, "; left alone",
			(const char *)NULL);
	}
}

static void override_and_unbind(struct binder *b, struct binder_dev *d)
{
	struct msg what;
	int r;

	msg_init(&what);
	msg_cat(&what, "write ", b->driver, " to driver_override", (const char *)NULL);
	r = b->dry_run ? 0 : gpupt_sysfs_pci_set_override(b->devsfd, d->pci.name, b->driver);
	if (step(b, d, r, what.s) < 0 || !d->pci.driver[0])
		return;
	if (b->late)
		dev_log(b, LOG_WARNING, d, d->pci.driver, " took it after the early pass (is gpupt's",
			" initramfs script running before udev?); moving it to ", b->driver,
			(const char *)NULL);
	msg_init(&what);
	msg_cat(&what, "unbind it from ", d->pci.driver, (const char *)NULL);
	r = b->dry_run ? 0 : gpupt_sysfs_pci_unbind(b->devsfd, d->pci.name);
	step(b, d, r, what.s);
}

static void probe(struct binder *b, struct binder_dev *d)
{
	int r = b->dry_run ? 0 : gpupt_sysfs_pci_probe(b->rootfd, d->pci.name);

	if (step(b, d, r, "ask the kernel to probe it (drivers_probe)") == 0)
		d->state = DEV_PROBED;
}

static unsigned count(const struct binder *b, enum binder_state s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_devs; i++)
		n += b->devs[i].state == s;
	return n;
}

/* drivers_probe is synchronous; the short retry covers a slow probe. */
static void verify(struct binder *b)
{
	for (int waited = 0;; waited += VERIFY_POLL_MS) {
		for (unsigned i = 0; i < b->n_devs; i++) {
			struct binder_dev *d = &b->devs[i];
			char now[GPUPT_SYSFS_DRIVER_MAX + 1];

			if (d->state != DEV_PROBED ||
			    gpupt_sysfs_pci_driver(b->devsfd, d->pci.name, now, sizeof(now)) <= 0 ||
			    strcmp(now, b->driver) != 0)
				continue;
			d->state = DEV_BOUND;
			dev_log(b, LOG_INFO, d, "bound to ", b->driver, d->pci.driver[0] ? " (was on " : "",
				d->pci.driver, d->pci.driver[0] ? ")" : "", (const char *)NULL);
		}
		if (count(b, DEV_PROBED) == 0 || waited >= VERIFY_WAIT_MS)
			break;
		binder_sleep_ms(VERIFY_POLL_MS);
	}
}

static void report_unbound(struct binder *b)
{
	for (unsigned i = 0; i < b->n_devs; i++) {
		struct binder_dev *d = &b->devs[i];
		char now[GPUPT_SYSFS_DRIVER_MAX + 1];

		if (d->state != DEV_PROBED)
			continue;
		if (gpupt_sysfs_pci_driver(b->devsfd, d->pci.name, now, sizeof(now)) <= 0)
			strcpy(now, "none");
		dev_log(b, LOG_ERR, d, "not bound to ", b->driver, " (driver now: ", now, ");",
			" its override stays, so the host drivers leave it alone;", " see dmesg for ",
			b->driver, " (is the IOMMU on?)", (const char *)NULL);
		d->state = DEV_FAILED;
	}
}

static void summarize(struct binder *b)
{
	unsigned ok = count(b, DEV_BOUND) + count(b, DEV_ALREADY_BOUND);
	struct msg m;

	msg_init(&m);
	if (b->dry_run) {
		msg_str(&m, "dry run: ");
		msg_dec(&m, count(b, DEV_PROBED));
		msg_cat(&m, " device(s) would be moved to ", b->driver, ", ", (const char *)NULL);
		msg_dec(&m, count(b, DEV_ALREADY_BOUND));
		msg_str(&m, " already on it, ");
	} else {
		msg_dec(&m, ok);
		msg_str(&m, " of ");
		msg_dec(&m, b->n_devs);
		msg_cat(&m, " selected device(s) on ", b->driver, ", ", (const char *)NULL);
	}
	msg_dec(&m, b->failures);
	msg_str(&m, " problem(s)");
	binder_log(b, b->failures ? LOG_WARNING : LOG_INFO, &m);
}

void binder_bind_all(struct binder *b)
{
	refuse_bridges(b);
	skip_already_bound(b);
	for (unsigned i = 0; i < b->n_devs; i++)
		if (b->devs[i].state == DEV_TO_BIND)
			override_and_unbind(b, &b->devs[i]);
	if (count(b, DEV_TO_BIND) == 0)
		goto out;
	binder_load_driver(b);
	for (unsigned i = 0; i < b->n_devs; i++)
		if (b->devs[i].state == DEV_TO_BIND)
			probe(b, &b->devs[i]);
	if (b->dry_run)
		goto out;
	verify(b);
	report_unbound(b);
out:
	b->failures += count(b, DEV_FAILED);
	summarize(b);
}
