/* SPDX-License-Identifier: MIT */
/*
 * Proxmox VE cluster resource mappings for PCI devices
 * (/etc/pve/mapping/pci.cfg), read and edited without touching anything
 * the edit is not about.
 *
 * The file is a PVE section config (PVE::SectionConfig with
 * PVE::Mapping::PCI's header rule), read line by line as PVE reads it:
 *   - a line whose first non-blank is '#' is a comment, inside a section too;
 *   - outside a section, a line that is one word ("gpu0", blanks after it
 *     allowed) opens the section of that mapping ID; an ID that is not
 *     [A-Za-z][A-Za-z0-9_-]+ makes PVE skip the whole section;
 *   - inside, "<blanks>KEY VALUE" lines are properties (`map` repeats, one per
 *     node and device; `description`, `mdev`, ... once);
 *   - an empty line ends the section (a line of blanks does not);
 *   - a second section with the same ID replaces the first.
 * A map value is a property string:
 *   id=10de:1381,iommugroup=12,node=pve1,path=0000:01:00,subsystem-id=1043:8416
 * (keys in that order: sorted, as the PVE web interface writes them).  Two
 * map entries of one node are alternatives: a VM gets the first that is free.
 *
 * Pure: works on (buf, len), never reads past len, writes only the caller's
 * buffers, no I/O.
 */
#ifndef GPUPT_PVEMAP_H
#define GPUPT_PVEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	GPUPT_PVEMAP_NAME_MAX = 64,   /* a mapping ID, with the NUL */
	GPUPT_PVEMAP_NODE_MAX = 64,   /* a node name, with the NUL */
	GPUPT_PVEMAP_VALUE_MAX = 256, /* a map value, with the NUL */
	GPUPT_PVEMAP_MAX_SECTIONS = 64,
	GPUPT_PVEMAP_MAX_MAPS = 256,
};

struct gpupt_pvemap_slice {
	const char *s;
	size_t len;
};

/* A map line of a section PVE uses (not skipped, not replaced by a later one). */
struct gpupt_pvemap_map {
	unsigned section; /* index into sections[] */
	struct gpupt_pvemap_slice value;
};

struct gpupt_pvemap_info {
	struct gpupt_pvemap_slice sections[GPUPT_PVEMAP_MAX_SECTIONS]; /* mapping IDs, file order */
	unsigned n_sections;
	struct gpupt_pvemap_map maps[GPUPT_PVEMAP_MAX_MAPS]; /* file order */
	unsigned n_maps;
};

/*
 * Every mapping and every map value, slices of buf.  Returns 0, -E2BIG when
 * there are more than the capacities above (out then holds the first ones),
 * or -EINVAL.
 */
int gpupt_pvemap_scan(const char *buf, size_t len, struct gpupt_pvemap_info *out);

/* Index of the mapping called name in info, or -1. */
int gpupt_pvemap_find(const struct gpupt_pvemap_info *info, const char *name);

/* PVE's pve-configid: [A-Za-z][A-Za-z0-9_-]+, here at most NAME_MAX - 1 bytes. */
bool gpupt_pvemap_name_ok(const char *name);

/* PVE's pve-node: [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?, at most NODE_MAX - 1 bytes. */
bool gpupt_pvemap_node_ok(const char *node);

/* The value of key in a property string ("a=1,node=pve1"); false when absent. */
bool gpupt_pvemap_get(const char *value, size_t len, const char *key, struct gpupt_pvemap_slice *out);

/* Do two property strings hold the same key=value items, in any order? */
bool gpupt_pvemap_same(const char *a, size_t alen, const char *b, size_t blen);

/* One device of a node, as PVE checks it at VM start. */
struct gpupt_pvemap_entry {
	char path[16]; /* "0000:01:00" (every function) or "0000:01:00.0" */
	uint16_t vendor, device, subvendor, subdevice;
	int iommu_group; /* -1: none (the key is left out) */
};

/*
 * "id=10de:1381,iommugroup=12,node=pve1,path=0000:01:00,subsystem-id=1043:8416".
 * Returns the length, -ENOSPC, or -EINVAL for a bad node or path.
 */
int gpupt_pvemap_format(const struct gpupt_pvemap_entry *e, const char *node, char *buf, size_t size);

/*
 * Write buf with node's map entries of mapping name set to values[0..n-1]:
 * the node's old entries are replaced where the first of them stands (the
 * others removed); without old ones the new go after the mapping's last
 * map line, or after its ID line; a missing mapping is added at the end,
 * as PVE writes one (ID line, tab-indented map lines, an empty line).
 * Every other byte is copied unchanged, and when the node's entries
 * already are values (item for item, in order) the output is buf itself.
 * Returns the new length (out is NUL-terminated), -ENOSPC when size is too
 * small, or -EINVAL for a bad name, node or value (empty, a newline,
 * blanks at either end, or longer than VALUE_MAX - 1).
 */
long gpupt_pvemap_edit(const char *buf, size_t len, const char *name, const char *node,
		       const char *const *values, unsigned n, char *out, size_t size);

#endif
