/* SPDX-License-Identifier: MIT */
/*
 * PCI expansion ROM images (PCI Firmware Specification 3.x, and the EFI
 * header of UEFI 2.x section 14.4.2).  Pure: walks a caller's buffer, never
 * reads past len, no I/O, no malloc.
 *
 * Each image starts with 55 AA; the 16-bit little-endian word at 0x18
 * points (from the image start) to the "PCIR" data structure, which gives
 * the vendor and device, the code type, the image length in 512-byte units
 * and the last-image flag.  EFI images (code type 3) carry 0x0EF1 at 0x04
 * and their subsystem, machine type and compression after it.
 */
#ifndef GPUPT_ROM_H
#define GPUPT_ROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	GPUPT_ROM_MAX_IMAGES = 16,	/* a longer chain is a looping or lying ROM */
	GPUPT_ROM_MAX_DEVICE_LIST = 16, /* PCI 3.0 device list entries kept */
	GPUPT_ROM_MAX_SIZE = 16 << 20,	/* the largest ROM BAR the spec allows */
};

enum gpupt_rom_code_type {
	GPUPT_ROM_CODE_X86 = 0, /* PC-AT compatible (legacy BIOS, SeaBIOS) */
	GPUPT_ROM_CODE_OPEN_FIRMWARE = 1,
	GPUPT_ROM_CODE_HPPA = 2,
	GPUPT_ROM_CODE_EFI = 3,
};

enum gpupt_rom_efi_subsystem {
	GPUPT_ROM_EFI_APPLICATION = 10,
	GPUPT_ROM_EFI_BOOT_SERVICE_DRIVER = 11,
	GPUPT_ROM_EFI_RUNTIME_DRIVER = 12,
};

enum gpupt_rom_efi_machine {
	GPUPT_ROM_MACHINE_IA32 = 0x014c,
	GPUPT_ROM_MACHINE_X64 = 0x8664,
	GPUPT_ROM_MACHINE_AA64 = 0xaa64,
	GPUPT_ROM_MACHINE_EBC = 0x0ebc,
};

/* Why the walk over the image chain stopped. */
enum gpupt_rom_stop {
	GPUPT_ROM_STOP_LAST_IMAGE,	/* normal end: an image had the last-image flag */
	GPUPT_ROM_STOP_END_OF_DATA,	/* data ended exactly at an image boundary, no flag */
	GPUPT_ROM_STOP_EMPTY,		/* no data at all */
	GPUPT_ROM_STOP_BAD_SIGNATURE,	/* an image does not start with 55 AA */
	GPUPT_ROM_STOP_PCIR_OUTSIDE,	/* the PCIR pointer leaves the image or the data */
	GPUPT_ROM_STOP_BAD_PCIR,	/* no "PCIR" where the pointer says */
	GPUPT_ROM_STOP_ZERO_LENGTH,	/* image length 0: the chain cannot advance */
	GPUPT_ROM_STOP_TRUNCATED,	/* the image length runs past the end of the data */
	GPUPT_ROM_STOP_TOO_MANY_IMAGES, /* more than GPUPT_ROM_MAX_IMAGES images */
};

struct gpupt_rom_image {
	size_t offset;	    /* of the 55 AA, from the start of the ROM */
	size_t length;	    /* bytes (PCIR image length × 512) */
	size_t pcir_offset; /* from the start of the image */
	uint16_t vendor;
	uint16_t device;
	uint32_t class_code;   /* base class << 16 | subclass << 8 | prog-if */
	uint8_t pcir_revision; /* 0 = PCI 2.x, 3 = PCI 3.0 */
	uint8_t code_type;     /* enum gpupt_rom_code_type, or another value */
	bool last;	       /* indicator bit 7 */
	bool truncated;	       /* length runs past the end of the data */
	/* PCI 3.0 device list: further device IDs this image supports. */
	uint16_t device_list[GPUPT_ROM_MAX_DEVICE_LIST];
	unsigned n_device_list;
	/* EFI images (code_type 3) only; efi_signature_ok says whether 0x0EF1 is there. */
	bool efi_signature_ok;
	uint16_t efi_subsystem;
	uint16_t efi_machine;
	uint16_t efi_compression; /* 0 none, 1 EFI compression */
};

struct gpupt_rom {
	struct gpupt_rom_image img[GPUPT_ROM_MAX_IMAGES];
	unsigned n; /* images with a valid PCIR */
	enum gpupt_rom_stop stop;
	size_t stop_offset; /* where the walk stopped, from the ROM start */
};

/* Walk the chain.  Returns the number of images found (0..MAX), or -EINVAL. */
int gpupt_rom_parse(const uint8_t *buf, size_t len, struct gpupt_rom *out);

/*
 * The first offset at which a ROM image starts (55 AA, and its PCIR pointer
 * leads to "PCIR" inside the data), looking at no more than limit bytes:
 * dumps made by some flash tools carry a header before the ROM, which a VM's
 * romfile= must not have.  Returns the offset, or -ENOENT.
 */
long gpupt_rom_find_start(const uint8_t *buf, size_t len, size_t limit);

/* Whether the image is meant for vendor:device (PCIR IDs or device list). */
bool gpupt_rom_image_matches(const struct gpupt_rom_image *img, uint16_t vendor, uint16_t device);

/*
 * Whether a UEFI x86-64 firmware (OVMF) would load this image, as its PCI
 * bus driver does: EFI code type, 0x0EF1 signature, a boot-service or
 * runtime driver, for x64 or EBC, uncompressed or EFI-compressed, and
 * whole (not truncated).
 */
bool gpupt_rom_image_uefi_x64(const struct gpupt_rom_image *img);
bool gpupt_rom_uefi_x64(const struct gpupt_rom *rom);
bool gpupt_rom_has_code_type(const struct gpupt_rom *rom, uint8_t code_type);

/* Names for people ("x86 BIOS", "EFI", "x64", ...); never NULL. */
const char *gpupt_rom_code_type_name(uint8_t code_type);
const char *gpupt_rom_efi_subsystem_name(uint16_t subsystem);
const char *gpupt_rom_efi_machine_name(uint16_t machine);
const char *gpupt_rom_efi_compression_name(uint16_t compression);
/* What stopped the walk, for a sentence: "the image length runs past the end". */
const char *gpupt_rom_stop_reason(enum gpupt_rom_stop stop);
/* Short machine-readable name: "last-image", "truncated", ... */
const char *gpupt_rom_stop_name(enum gpupt_rom_stop stop);

#endif
