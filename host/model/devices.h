/* SPDX-License-Identifier: MIT */
/*
 * The host's PCI devices as gpupt sees them: libpci (sysfs access method
 * pointed below --root) for IDs, class and names; sysfs under the root for
 * what libpci does not tell (driver, driver_override, IOMMU group, boot_vga,
 * reset_method).  Also the few root-relative file readers every command uses.
 */
#ifndef GPUPT_DEVICES_H
#define GPUPT_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/host.h"
#include "selection/selection.h"

enum {
	GPUPT_ADDR_LEN = 16,  /* "0000:01:00.0" + NUL, with room */
	GPUPT_NAME_MAX = 128, /* names from pci.ids, truncated */
	GPUPT_DRVNAME_MAX = 64,
};

struct gpupt_dev {
	uint16_t domain;
	uint8_t bus, slot, func;
	char addr[GPUPT_ADDR_LEN]; /* "0000:01:00.0" */
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;				 /* 0xBBSSPP: base class, subclass, prog-if */
	uint8_t header_type;			 /* low 7 bits of config byte 0x0e; 1 = bridge */
	char driver[GPUPT_DRVNAME_MAX];		 /* bound driver, "" when none */
	char driver_override[GPUPT_DRVNAME_MAX]; /* "" when unset ("(null)") */
	int iommu_group;			 /* -1 when the device has no group */
	int boot_vga;				 /* -1 no boot_vga file, else 0 or 1 */
	char reset_method[GPUPT_DRVNAME_MAX];	 /* "" when unknown */
	char vendor_name[GPUPT_NAME_MAX];
	char device_name[GPUPT_NAME_MAX];
	char subsys_name[GPUPT_NAME_MAX]; /* "" when no subsystem IDs */
	char class_name[GPUPT_NAME_MAX];
};

/* Sorted by address (domain, bus, slot, func). */
struct gpupt_devlist {
	struct gpupt_dev *dev; /* malloc'd */
	size_t n;
};

/*
 * Enumerate every PCI function below h->root.  pci.ids comes from
 * <root>/usr/share/misc/pci.ids or <root>/usr/share/hwdata/pci.ids when the
 * root has one, else the system's; one that is corrupt, unreadable or not a
 * regular file gives numbers for names ("10de", "1381"), with a warning on
 * h->err.  The *_name fields are for display: in text output (!h->json)
 * their control characters are escaped (gpupt_printable); JSON escapes them
 * itself.  Below --root, a sys/bus/pci that libpci could not read (a FIFO or
 * a directory where an attribute belongs) is refused with -EINVAL, said on
 * h->err.  Returns 0 (an empty list is fine: a host without /sys/bus/pci
 * has no devices) or -errno.  Free with gpupt_devices_free().
 */
int gpupt_devices_scan(struct gpupt_host *h, struct gpupt_devlist *out);
void gpupt_devices_free(struct gpupt_devlist *l);

/*
 * The same, with flags: GPUPT_SCAN_NO_NAMES leaves the *_name fields ""
 * (reading pci.ids is most of a scan's time); gpupt_devices_fill_names then
 * fills them for the devices with which[i] set (every device when which is
 * NULL).  Both return 0 or -errno.
 */
enum { GPUPT_SCAN_NO_NAMES = 1 };
int gpupt_devices_scan_flags(struct gpupt_host *h, struct gpupt_devlist *out, unsigned flags);
int gpupt_devices_fill_names(struct gpupt_host *h, struct gpupt_devlist *l, const bool *which);

/* Index of the device at that address, or -1. */
long gpupt_devices_find(const struct gpupt_devlist *l, uint16_t domain, uint8_t bus, uint8_t slot, uint8_t func);

bool gpupt_dev_is_display(const struct gpupt_dev *d); /* class 0x03xxxx */
bool gpupt_dev_is_vga(const struct gpupt_dev *d);     /* class 0x0300xx */
bool gpupt_dev_is_bridge(const struct gpupt_dev *d);  /* class 0x06xxxx or header type 1/2 */
bool gpupt_dev_same_slot(const struct gpupt_dev *a, const struct gpupt_dev *b);

/*
 * The selection in effect at the next boot as the host is configured now:
 * <root>/etc/gpupt.conf merged with the gpupt tokens of <root>/proc/cmdline
 * (gpupt_config_merge rules).  Each of conf, cmdline, merged may be NULL.
 * Parse problems are printed to err (may be NULL).  Returns 0 or -errno for
 * an unreadable file that exists (missing files are empty configs).
 */
int gpupt_config_load(struct gpupt_host *h, struct gpupt_config *conf, struct gpupt_config *cmdline,
		      struct gpupt_config *merged, FILE *err);

#endif
