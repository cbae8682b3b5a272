// SPDX-License-Identifier: MIT
/*
 * IOMMU groups: a VM gets a whole group or nothing, so a selected GPU that
 * shares its group with an endpoint left on the host (an NVMe, a NIC) is
 * worth a warning at boot, naming the device and its driver.  PCI bridges
 * in a group are normal and never passed through.
 */
#include <string.h>

#include "binder/binder.h"

struct group_walk {
	struct binder *b;
	const struct binder_dev *owner;
	int group;
	unsigned others; /* endpoints in the group that are not selected */
};

static bool is_selected(const struct binder *b, const char *name)
{
	for (unsigned i = 0; i < b->n_devs; i++)
		if (strcmp(b->devs[i].pci.name, name) == 0)
			return true;
	return false;
}

static int visit_member(int dirfd, const char *name, void *ctx)
{
	struct group_walk *w = ctx;
	struct gpupt_pci_dev d;
	struct msg m;

	if (is_selected(w->b, name))
		return 0;
	if (gpupt_sysfs_pci_read_uevent(dirfd, name, &d) < 0) {
		memset(&d, 0, sizeof(d));
		memcpy(d.name, name, sizeof(d.name) - 1);
	} else if (gpupt_pci_is_unbindable_bridge(&d)) {
		/*
		 * Host and PCI-to-PCI bridges only: VFIO accepts them in a
		 * group, while an ISA/LPC "bridge" on its driver is an
		 * endpoint like any other.
		 */
		return 0;
	}
	msg_init(&m);
	msg_cat(&m, w->owner->pci.name, " shares IOMMU group ", (const char *)NULL);
	msg_dec(&m, (unsigned long)w->group);
	msg_cat(&m, " with ", name, " ", (const char *)NULL);
	msg_id(&m, d.vendor, d.device);
	msg_cat(&m, " (", d.driver[0] ? d.driver : "no driver", "), which is not selected;",
		" a VM can only take the whole group: select it too, or move the card to another slot",
		(const char *)NULL);
	binder_log(w->b, LOG_WARNING, &m);
	w->others++;
	return 0;
}

void binder_check_groups(struct binder *b)
{
	int seen[BINDER_MAX_DEVICES];
	unsigned n_seen = 0;

	for (unsigned i = 0; i < b->n_devs; i++) {
		struct group_walk w = { b, &b->devs[i], 0, 0 };
		struct msg m;
		bool dup = false;

		if (b->devs[i].state == DEV_FAILED)
			continue;
		w.group = gpupt_sysfs_pci_iommu_group(b->devsfd, b->devs[i].pci.name);
		if (w.group < 0) {
			binder_logs(b, LOG_WARNING, b->devs[i].pci.name,
				    " has no IOMMU group: is the IOMMU on (intel_iommu=on, and in the firmware)?"
				    " vfio-pci cannot take it without one",
				    (const char *)NULL);
			continue;
		}
		for (unsigned j = 0; j < n_seen; j++)
			dup |= seen[j] == w.group;
		if (dup)
			continue;
		seen[n_seen++] = w.group;
		if (gpupt_sysfs_iommu_group_foreach(b->rootfd, w.group, visit_member, &w) < 0 || w.others)
			continue;
		msg_init(&m);
		msg_str(&m, "IOMMU group ");
		msg_dec(&m, (unsigned long)w.group);
		msg_str(&m, " holds only selected devices (and bridges): it can go to a VM as a whole");
		binder_log(b, LOG_INFO, &m);
	}
}
