// SPDX-License-Identifier: MIT
/* Reading an option ROM: from a device through sysfs, or from a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/formats/rom.h"
#include "host/model/romdev.h"
#include "lib/path.h"
#include "sysfs/sysfs.h"

static int read_rom(int dirfd, const char *path, unsigned flags, uint8_t **buf, size_t *len)
{
	char *data;
	int r = gpupt_read_file_alloc(dirfd, path, GPUPT_ROM_MAX_SIZE, flags, &data, len);

	if (r == 0)
		*buf = (uint8_t *)data;
	return r;
}

/* A dump someone names: a FIFO (say, a shell's <(...)) or a device node is refused. */
int gpupt_rom_read_file(int dirfd, const char *path, uint8_t **buf, size_t *len)
{
	return read_rom(dirfd, path, GPUPT_READ_REGULAR, buf, len);
}

int gpupt_rom_read_device(int rootfd, const char *addr, uint8_t **buf, size_t *len)
{
	char path[128];
	int ret;

	if (!gpupt_path_name_ok(addr) ||
	    gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DEVICES, addr, "rom", (const char *)NULL) < 0)
		return -EINVAL;
	/* The kernel refuses to read the ROM until it is enabled. */
	ret = gpupt_sysfs_write(rootfd, path, "1", 1);
	if (ret < 0)
		return ret;
	/* The kernel's attribute: bounded and O_NONBLOCK is all it needs. */
	ret = read_rom(rootfd, path, 0, buf, len);
	/* Always switch the ROM BAR off again, even when the read failed. */
	int off = gpupt_sysfs_write(rootfd, path, "0", 1);
	if (ret == 0 && off < 0) {
		free(*buf);
		ret = off;
	}
	return ret;
}
