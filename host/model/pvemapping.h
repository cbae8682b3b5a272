/* SPDX-License-Identifier: MIT */
/*
 * This node's view of the Proxmox VE cluster PCI mappings: its name, and
 * its entries in /etc/pve/mapping/pci.cfg (host/formats/pvemap.h reads the
 * file).
 */
#ifndef GPUPT_PVEMAPPING_H
#define GPUPT_PVEMAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "host/formats/pvemap.h"

#define GPUPT_PVEMAP_PATH "etc/pve/mapping/pci.cfg" /* relative to the root */

/*
 * The node's name as Proxmox VE uses it: the host's short name, read from
 * <root>/etc/hostname up to the first dot (one rule for the live host and
 * fixture roots).  Returns 0, -errno of the read, or -EINVAL when it is no
 * node name (letters, digits, '-').
 */
int gpupt_pve_nodename(int rootfd, char node[GPUPT_PVEMAP_NODE_MAX]);

/* Is this map value one of node's?  (Its node= item, exactly.) */
bool gpupt_pvemap_of_node(const struct gpupt_pvemap_map *m, const char *node);

#endif
