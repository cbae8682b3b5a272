/* SPDX-License-Identifier: MIT */
/*
 * Proxmox VE guest configuration text (/etc/pve/qemu-server/VMID.conf),
 * read and edited without touching anything the edit is not about.
 *
 * The file is "key: value" lines.  '#' lines are the description (and
 * comments); the main section ends at the first line starting with '[',
 * which opens a snapshot ("[name]"), "[PENDING]" or "[special:...]" section
 * whose keys describe some other state of the VM and must never change.
 *
 * Pure: works on (buf, len), writes only the caller's buffers, no I/O.
 */
#ifndef GPUPT_VMCONF_H
#define GPUPT_VMCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selection/selection.h"

enum {
	GPUPT_VM_MAX_HOSTPCI = 16, /* hostpci0 .. hostpci15 */
	GPUPT_VM_KEY_MAX = 24,	   /* "hostpci15", "machine", ... with the NUL */
	GPUPT_VM_VALUE_MAX = 256,
	GPUPT_VMID_MIN = 100,
	GPUPT_VMID_MAX = 999999999,
};

/* A "key: value" of the main section: slices of the scanned buffer. */
struct gpupt_vmconf_slice {
	const char *s; /* NULL when the key is absent */
	size_t len;
};

struct gpupt_vmconf_info {
	size_t main_end;	  /* offset of the first '[' line, or len */
	bool has_sections;	  /* snapshots, [PENDING], ... follow the main section */
	uint32_t hostpci_used;	  /* bit N: hostpciN is set in the main section */
	int same_device;	  /* first hostpciN that already passes the device, or -1 */
	uint32_t same_device_all; /* bit N: hostpciN passes (part of) the device */
	struct gpupt_vmconf_slice hostpci[GPUPT_VM_MAX_HOSTPCI];
	struct gpupt_vmconf_slice machine;
	struct gpupt_vmconf_slice bios;
	struct gpupt_vmconf_slice efidisk0;
};

/*
 * Scan the main section.  dev (may be NULL) is the device to be passed:
 * an existing hostpciN whose host list names the same function, or any
 * function of the same slot when either side is a whole slot, is reported
 * in same_device.  Returns 0 or -EINVAL.
 */
int gpupt_vmconf_scan(const char *buf, size_t len, const struct gpupt_pci_addr *dev,
		      struct gpupt_vmconf_info *out);

/*
 * The same, where an entry that uses the cluster mapping called mapping
 * ("mapping=NAME,...") also passes the device (mapping may be NULL).
 */
int gpupt_vmconf_scan_mapping(const char *buf, size_t len, const struct gpupt_pci_addr *dev,
			      const char *mapping, struct gpupt_vmconf_info *out);

/* Does this hostpciN value use the cluster mapping called name ("mapping=NAME")? */
bool gpupt_vmconf_hostpci_maps(const char *value, size_t len, const char *name);

/* Does this hostpciN value ("[host=]0000:01:00;02:00.0,pcie=1,...") pass dev? */
bool gpupt_vmconf_hostpci_names(const char *value, size_t len, const struct gpupt_pci_addr *dev);

struct gpupt_vmconf_set {
	char key[GPUPT_VM_KEY_MAX];
	char value[GPUPT_VM_VALUE_MAX];
};

/*
 * Write buf with each key set: an existing "key:" line of the main section
 * is replaced where it stands, a missing key is added after the last
 * non-blank line of the main section, in the order given.  Every other byte
 * is copied unchanged.  Returns the new length (out is NUL-terminated), or
 * -ENOSPC when size is too small, -EINVAL for a bad key or value (not
 * [a-z][a-z0-9_]*, or a value with a newline).
 */
long gpupt_vmconf_apply(const char *buf, size_t len, const struct gpupt_vmconf_set *set,
			unsigned n_set, char *out, size_t size);

/* What the user asked `gpupt vm` for. */
struct gpupt_vm_request {
	struct gpupt_pci_addr dev; /* a slot, or one function */
	bool ovmf;		   /* --bios ovmf (default) or seabios */
	bool pcie;		   /* q35 + pcie=1 (default) */
	bool primary;		   /* x-vga=on (default) */
	const char *mapping;	   /* pass it as "mapping=NAME" (a PVE cluster mapping), or NULL */
};

/* The settings that make the request true for one VM. */
struct gpupt_vm_plan {
	struct gpupt_vmconf_set set[3]; /* hostpciN, then machine / bios when they change */
	unsigned n_set;
	int index;     /* N of hostpciN */
	bool replaces; /* hostpciN already passed this device */
	bool machine_changes;
	bool bios_changes;
	bool needs_efidisk; /* OVMF without efidisk0 */
};

/*
 * Plan the change for a scanned config.  Returns 0, or -ENOSPC when all
 * GPUPT_VM_MAX_HOSTPCI slots are taken by other devices.
 */
int gpupt_vm_plan(const struct gpupt_vmconf_info *info, const struct gpupt_vm_request *req,
		  struct gpupt_vm_plan *out);

/* "100" .. "999999999": digits only, no sign, no leading zero.  0 or -EINVAL. */
int gpupt_vmid_parse(const char *s, unsigned long *vmid);

#endif
