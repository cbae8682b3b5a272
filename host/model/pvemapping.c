// SPDX-License-Identifier: MIT
/* This node's name and its entries of the PVE cluster PCI mappings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/model/pvemapping.h"
#include "lib/path.h"

int gpupt_pve_nodename(int rootfd, char node[GPUPT_PVEMAP_NODE_MAX])
{
	char buf[256];
	int r = gpupt_read_file(rootfd, "etc/hostname", buf, sizeof(buf), GPUPT_READ_REGULAR | GPUPT_READ_CHOMP);

	if (r < 0)
		return r;
	buf[strcspn(buf, ". \t\r\n")] = '\0';
	if (!gpupt_pvemap_node_ok(buf))
		return -EINVAL;
	snprintf(node, GPUPT_PVEMAP_NODE_MAX, "%.63s", buf);
	return 0;
}

bool gpupt_pvemap_of_node(const struct gpupt_pvemap_map *m, const char *node)
{
	struct gpupt_pvemap_slice v;

	return gpupt_pvemap_get(m->value.s, m->value.len, "node", &v) && v.len == strlen(node) &&
	       memcmp(v.s, node, v.len) == 0;
}
