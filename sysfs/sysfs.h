/* SPDX-License-Identifier: MIT */
/*
 * PCI sysfs, read and written through a root directory fd (libc only).
 *
 * Every path is relative and opened with openat() from a directory fd, so
 * that the binder and the host tool behave the same on the live system
 * (rootfd of "/") and on a fixture tree (rootfd of --root DIR).  Nothing
 * here logs or prints, allocates beyond what readdir needs, or keeps state:
 * functions return >= 0 on success and -errno on failure.
 *
 * Two directory fds recur:
 *   rootfd  the root ("/" or --root DIR), opened by the caller with
 *           O_RDONLY|O_DIRECTORY|O_CLOEXEC (or O_PATH);
 *   devsfd  sys/bus/pci/devices, from gpupt_sysfs_pci_devices_open();
 *           close it with gpupt_path_close_dir().
 * Every open goes through lib/path.h, so with --root (gpupt_path_confine)
 * even symlinks resolve inside the root.
 * A device is named by its sysfs name ("0000:01:00.0"); the functions that
 * take (dirfd, name) open "name/ATTR" from dirfd, which may be devsfd or an
 * IOMMU group's devices directory (whose entries link to the same device
 * directories).
 *
 * Writes use O_WRONLY|O_TRUNC|O_CLOEXEC|O_NONBLOCK and never O_CREAT: a
 * wrong path fails on a fixture exactly as on sysfs, and a FIFO fails at
 * once (-ENXIO) instead of waiting for a reader.  They retry on EINTR and
 * fail with -EIO on a short write.
 */
#ifndef GPUPT_SYSFS_H
#define GPUPT_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/path.h"

#define GPUPT_SYSFS_PCI_DEVICES "sys/bus/pci/devices"
#define GPUPT_SYSFS_PCI_DRIVERS "sys/bus/pci/drivers"
#define GPUPT_SYSFS_PCI_PROBE "sys/bus/pci/drivers_probe"
#define GPUPT_SYSFS_IOMMU_GROUPS "sys/kernel/iommu_groups"

enum {
	GPUPT_PCI_NAME_LEN = 12,     /* "DDDD:BB:SS.F", without the NUL */
	GPUPT_SYSFS_DRIVER_MAX = 63, /* longest driver name we handle */
};

/* PCI class codes (24 bits: class, subclass, prog-if). */
#define GPUPT_PCI_CLASS_DISPLAY 0x03	   /* class >> 16: VGA 0x0300, 3D 0x0302, other 0x0380 */
#define GPUPT_PCI_CLASS_BRIDGE 0x06	   /* class >> 16 */
#define GPUPT_PCI_CLASS_HOST_BRIDGE 0x0600 /* class >> 8 */
#define GPUPT_PCI_CLASS_PCI_BRIDGE 0x0604  /* class >> 8 */

/* What the binder and host tool need to know of one PCI function. */
struct gpupt_pci_dev {
	char name[GPUPT_PCI_NAME_LEN + 1]; /* "0000:01:00.0" */
	uint16_t domain;
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint16_t subvendor, subdevice;
	uint32_t class;				 /* 0x030000 */
	char driver[GPUPT_SYSFS_DRIVER_MAX + 1]; /* "" when unbound */
};

/* ---- names ---------------------------------------------------------------- */

/*
 * Parse a sysfs PCI name "DDDD:BB:SS.F" (exactly 12 characters, hex digits
 * of either case, slot <= 0x1f, func <= 7) into d->name, domain, bus, slot
 * and func.  Returns 0 or -EINVAL (d untouched).
 */
int gpupt_sysfs_parse_pci_name(const char *name, struct gpupt_pci_dev *d);

/* ---- generic attribute I/O ------------------------------------------------ */

/*
 * Read the attribute dirfd/path into buf with one read(2) (sysfs returns an
 * attribute in one go), NUL-terminate it and strip one trailing newline.  Returns the length, -ENOENT etc., or
 * -EFBIG when the content does not fit in size - 1 bytes.
 */
int gpupt_sysfs_read(int dirfd, const char *path, char *buf, size_t size);

/* Read an attribute holding a number ("0x10de", "0x030000", "1", "14"). */
int gpupt_sysfs_read_ulong(int dirfd, const char *path, unsigned long *out);

/* Write len bytes of val to dirfd/path (no O_CREAT; EINTR retried). */
int gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len);

/* Same, for a NUL-terminated string. */
int gpupt_sysfs_write_str(int dirfd, const char *path, const char *val);

/*
 * The last component of the symlink dirfd/path, into buf ("nouveau" for
 * ".../drivers/nouveau").  Returns its length, 0 when the link does not
 * exist (an unbound device has no "driver" link), or -errno.
 */
int gpupt_sysfs_link_name(int dirfd, const char *path, char *buf, size_t size);

/* 1 when dirfd/path exists (any type), 0 when it does not, or -errno. */
int gpupt_sysfs_exists(int dirfd, const char *path);

/* ---- enumeration ----------------------------------------------------------- */

/*
 * Called for each entry; dirfd/name is the device's directory.  Return 0 to
 * go on, or a negative value to stop: foreach then returns that value.
 */
typedef int (*gpupt_sysfs_visit_fn)(int dirfd, const char *name, void *ctx);

/*
 * Call fn(fd of dirfd/path, entry, ctx) for every entry of dirfd/path but
 * "." and "..", in directory order.  Returns the number of entries, fn's
 * negative value, or -errno.
 */
int gpupt_sysfs_foreach_entry(int dirfd, const char *path, gpupt_sysfs_visit_fn fn, void *ctx);

/* O_RDONLY|O_DIRECTORY|O_CLOEXEC fd of rootfd/sys/bus/pci/devices, or -errno. */
int gpupt_sysfs_pci_devices_open(int rootfd);

/*
 * Call fn for every entry of devsfd whose name is a valid PCI name, in
 * directory order (not sorted).  devsfd itself stays open and usable.
 * Returns the number of devices visited, or fn's negative value, or -errno.
 */
int gpupt_sysfs_pci_foreach(int devsfd, gpupt_sysfs_visit_fn fn, void *ctx);

/*
 * The IOMMU group of dirfd/name (its "iommu_group" link's number), or
 * -ENOENT when the device has none (no IOMMU), or -errno.
 */
int gpupt_sysfs_pci_iommu_group(int dirfd, const char *name);

/*
 * Call fn(groupdevsfd, member, ctx) for every device in IOMMU group `group`
 * (rootfd/sys/kernel/iommu_groups/N/devices/), including the one asked
 * about.  Returns the number of members, fn's negative value, or -errno.
 */
int gpupt_sysfs_iommu_group_foreach(int rootfd, int group, gpupt_sysfs_visit_fn fn, void *ctx);

/* ---- one PCI device ------------------------------------------------------- */

/*
 * Fill d (name, address, IDs, class, driver) from the device's "uevent"
 * file alone: PCI_ID, PCI_SUBSYS_ID, PCI_CLASS and DRIVER are all in it, so
 * one open+read+close tells everything the selection needs.  Returns 0,
 * -EINVAL when name is not a PCI name or a field is missing/malformed, or
 * -errno.
 */
int gpupt_sysfs_pci_read_uevent(int dirfd, const char *name, struct gpupt_pci_dev *d);

/*
 * Same result from the separate attribute files (vendor, device,
 * subsystem_vendor, subsystem_device, class, the driver link): slower,
 * for tools that also want to cross-check.
 */
int gpupt_sysfs_pci_read_attrs(int dirfd, const char *name, struct gpupt_pci_dev *d);

/* The bound driver's name into buf; 0 when unbound; -errno. */
int gpupt_sysfs_pci_driver(int dirfd, const char *name, char *buf, size_t size);

/* boot_vga: 1 or 0; -ENOENT when the file is absent (not a VGA device). */
int gpupt_sysfs_pci_boot_vga(int dirfd, const char *name);

/* The current driver_override into buf ("" when "(null)"); length or -errno. */
int gpupt_sysfs_pci_read_override(int dirfd, const char *name, char *buf, size_t size);

/* Write driver to name/driver_override ("" clears it).  Validates driver. */
int gpupt_sysfs_pci_set_override(int dirfd, const char *name, const char *driver);

/* Unbind from its current driver: name -> name/driver/unbind. */
int gpupt_sysfs_pci_unbind(int dirfd, const char *name);

/* Ask the PCI core to attach a driver: name -> rootfd/sys/bus/pci/drivers_probe. */
int gpupt_sysfs_pci_probe(int rootfd, const char *name);

/* 1 when rootfd/sys/bus/pci/drivers/DRIVER exists (driver loaded), 0, -errno. */
int gpupt_sysfs_pci_driver_loaded(int rootfd, const char *driver);

/* Class helpers on d->class. */
bool gpupt_pci_is_display(const struct gpupt_pci_dev *d);
bool gpupt_pci_is_bridge(const struct gpupt_pci_dev *d);	    /* any 0x06xx */
bool gpupt_pci_is_unbindable_bridge(const struct gpupt_pci_dev *d); /* 0x0600, 0x0604 */

#endif
