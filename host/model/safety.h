/* SPDX-License-Identifier: MIT */
/*
 * The safety interlock: what must never be handed to vfio-pci (the host
 * would lose its root file system or its PCI topology) and what is risky.
 *
 * Refusals:
 *   - a PCI bridge (vfio-pci refuses them; taking a bridge orphans what is behind it)
 *   - the storage controller behind /, /boot or the ESP (/boot/efi, /efi)
 *   - a device whose IOMMU group holds such a controller (the whole group
 *     goes to the guest)
 *   - the NIC under the default route (host/model/uplink.h): the host would
 *     be off the network
 * Warnings:
 *   - the IOMMU group holds other endpoints that are not selected
 *   - a GPU's sibling functions (same slot) stay on host drivers
 *   - the device is the boot VGA (the console goes away)
 */
#ifndef GPUPT_SAFETY_H
#define GPUPT_SAFETY_H

#include "host/model/devices.h"
#include "host/model/select.h"

enum {
	GPUPT_SAFETY_MAX = 32,
	GPUPT_SAFETY_MSG = 512,
};

enum gpupt_safety_level {
	GPUPT_SAFETY_WARN,
	GPUPT_SAFETY_REFUSE,
};

struct gpupt_safety_item {
	enum gpupt_safety_level level;
	char addr[GPUPT_ADDR_LEN];  /* the selected device it is about */
	char msg[GPUPT_SAFETY_MSG]; /* one line, no "gpupt:" prefix, no newline */
};

struct gpupt_safety_report {
	struct gpupt_safety_item item[GPUPT_SAFETY_MAX];
	unsigned n;
	unsigned n_refuse;
	unsigned n_warn;
	unsigned dropped; /* items that did not fit (still counted above) */
};

/*
 * Check selection s of devlist l.  Returns 0 (see r->n_refuse: nonzero
 * means do not proceed) or -errno when the check itself could not run.
 * Mount points are read from <root>/proc/self/mountinfo and resolved to
 * PCI devices through <root>/sys/dev/block/MAJ:MIN.
 */
int gpupt_safety_check(struct gpupt_host *h, const struct gpupt_devlist *l,
		       const struct gpupt_selection *s, struct gpupt_safety_report *r);

/*
 * Which devices of l hold /, /boot or the ESP: is_boot_storage[i] set for
 * each (array of l->n).  The PCI device above each mounted block device,
 * found through sysfs under the root.  Returns 0 or -errno.
 */
int gpupt_safety_boot_storage(struct gpupt_host *h, const struct gpupt_devlist *l, bool *is_boot_storage);

/* Print the report, one "gpupt: ADDR: refused|warning: MSG" line each. */
void gpupt_safety_print(const struct gpupt_safety_report *r, FILE *f);

#endif
