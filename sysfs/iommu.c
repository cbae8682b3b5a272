// SPDX-License-Identifier: MIT
/* IOMMU groups: a device's group and the group's members. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sysfs/internal.h"

int gpupt_sysfs_pci_iommu_group(int dirfd, const char *name)
{
	char path[64], group[16];
	long n = 0;
	int r;

	if (!gpupt_path_name_ok(name))
		return -EINVAL;
	r = gpupt_path_join(path, sizeof(path), name, "iommu_group", (const char *)NULL);
	if (r >= 0)
		r = gpupt_sysfs_link_name(dirfd, path, group, sizeof(group));
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	for (const char *p = group; *p; p++) {
		if (*p < '0' || *p > '9' || n > 99999999)
			return -EINVAL;
		n = n * 10 + (*p - '0');
	}
	return (int)n;
}

int gpupt_sysfs_iommu_group_foreach(int rootfd, int group, gpupt_sysfs_visit_fn fn, void *ctx)
{
	char path[64], num[12];
	int fd, r, i = (int)sizeof(num) - 1;

	if (group < 0)
		return -EINVAL;
	num[i] = '\0';
	do {
		num[--i] = (char)('0' + group % 10);
		group /= 10;
	} while (group > 0 && i > 0);
	r = gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_IOMMU_GROUPS, num + i, "devices",
			    (const char *)NULL);
	if (r < 0)
		return r;
	fd = gpupt_path_open_dir(rootfd, path);
	if (fd < 0)
		return fd;
	r = gpupt_sysfs_foreach_pci_entry(fd, fn, ctx);
	gpupt_path_close_dir(fd);
	return r;
}
