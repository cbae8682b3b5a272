// SPDX-License-Identifier: MIT
/*
 * Guest-side check of the end-to-end test: open one PCI device through VFIO
 * the way QEMU does at VM start (container, group, device fd), then read its
 * config space and BAR 0.  Prints one line:
 *   E2E-VFIO 0000:00:03.0 ok vendor=1234 device=1111 bar0-size=16777216
 *   E2E-VFIO 0000:00:03.0 fail VFIO_GROUP_GET_STATUS: group not viable
 * Usage: gpupt-e2e-vfio GROUP ADDRESS.  Built static: the guest root has no
 * compiler and the helper must not depend on its libraries.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *addr;

static int fail(const char *step, const char *why)
{
	printf("E2E-VFIO %s fail %s: %s\n", addr, step, why);
	return 1;
}

static int open_group(const char *group, int container)
{
	char path[64];
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -fail(path, strerror(errno));
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		return -fail("VFIO_GROUP_GET_STATUS", strerror(errno));
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -fail("VFIO_GROUP_GET_STATUS", "group not viable (a device of the group is bound to a host driver)");
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) < 0)
		return -fail("VFIO_GROUP_SET_CONTAINER", strerror(errno));
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return -fail("VFIO_SET_IOMMU", strerror(errno));
	return fd;
}

static int read_bar0(int device, uint64_t *size)
{
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	uint32_t word;
	void *map;

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0)
		return fail("VFIO_DEVICE_GET_REGION_INFO(BAR0)", strerror(errno));
	*size = bar.size;
	if (bar.size == 0)
		return fail("BAR0", "size 0");
	if (pread(device, &word, sizeof(word), (off_t)bar.offset) != sizeof(word))
		return fail("pread(BAR0)", strerror(errno));
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return 0;
	map = mmap(NULL, (size_t)bar.size, PROT_READ, MAP_SHARED, device, (off_t)bar.offset);
	if (map == MAP_FAILED)
		return fail("mmap(BAR0)", strerror(errno));
	word = *(volatile uint32_t *)map;
	munmap(map, (size_t)bar.size);
	return 0;
}

int main(int argc, char **argv)
{
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t ids[2];
	uint64_t bar0_size = 0;
	int container, group, device;

	if (argc != 3) {
		fprintf(stderr, "usage: gpupt-e2e-vfio GROUP ADDRESS\n");
		return 2;
	}
	addr = argv[2];
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		return fail("/dev/vfio/vfio", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return fail("VFIO_GET_API_VERSION", "unexpected version");
	group = open_group(argv[1], container);
	if (group < 0)
		return 1;
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, addr);
	if (device < 0)
		return fail("VFIO_GROUP_GET_DEVICE_FD", strerror(errno));
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0)
		return fail("VFIO_DEVICE_GET_REGION_INFO(config)", strerror(errno));
	if (pread(device, ids, sizeof(ids), (off_t)cfg.offset) != sizeof(ids))
		return fail("pread(config)", strerror(errno));
	if (read_bar0(device, &bar0_size))
		return 1;
	printf("E2E-VFIO %s ok vendor=%04x device=%04x bar0-size=%llu\n", addr, ids[0], ids[1],
	       (unsigned long long)bar0_size);
	return 0;
}
