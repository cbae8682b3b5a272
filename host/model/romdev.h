/* SPDX-License-Identifier: MIT */
#ifndef GPUPT_ROMDEV_H
#define GPUPT_ROMDEV_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reading a ROM (the parser, host/formats/rom.h, is pure and fuzzed).
 * A device's ROM is read through sysfs below rootfd: "1" is written to
 * sys/bus/pci/devices/ADDR/rom, the ROM read, and "0" written back whatever
 * happened.  Both return 0 with a malloc'd *buf (*len may be 0: the kernel
 * gave nothing), -ENOENT (no rom attribute / no file), -EFBIG (more than
 * GPUPT_ROM_MAX_SIZE) or another -errno (-EIO: the kernel cannot read it).
 * A ROM file must be a regular file (-EINVAL for a FIFO, a device node or a
 * directory: gpupt_read_strerror() says so).
 */
int gpupt_rom_read_device(int rootfd, const char *addr, uint8_t **buf, size_t *len);
int gpupt_rom_read_file(int dirfd, const char *path, uint8_t **buf, size_t *len);

#endif
