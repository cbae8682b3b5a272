// SPDX-License-Identifier: MIT
/* PCI expansion ROM chain walker: see rom.h.  Every read is bounds-checked. */
#include <errno.h>
#include <string.h>
#include "host/formats/rom.h"
#include "lib/macro.h"

/* Offsets in the ROM header (from the image start) and in the PCIR structure. */
enum {
	HDR_EFI_SIGNATURE = 0x04,
	HDR_EFI_SUBSYSTEM = 0x08,
	HDR_EFI_MACHINE = 0x0a,
	HDR_EFI_COMPRESSION = 0x0c,
	HDR_PCIR_POINTER = 0x18,
	HDR_SIZE = 0x1a,

	PCIR_VENDOR = 0x04,
	PCIR_DEVICE = 0x06,
	PCIR_DEVICE_LIST = 0x08, /* PCI 3.0: offset from the PCIR start */
	PCIR_REVISION = 0x0c,
	PCIR_CLASS = 0x0d,
	PCIR_IMAGE_LENGTH = 0x10,
	PCIR_CODE_TYPE = 0x14,
	PCIR_INDICATOR = 0x15,
	PCIR_SIZE = 0x16, /* bytes up to and with the indicator */

	IMAGE_UNIT = 512,
	INDICATOR_LAST = 0x80,
	EFI_SIGNATURE = 0x0ef1,
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* PCI 3.0 device list: 16-bit IDs up to a 0 terminator, inside the data. */
static void read_device_list(const uint8_t *img, size_t avail, struct gpupt_rom_image *out)
{
	size_t at = out->pcir_offset + le16(img + out->pcir_offset + PCIR_DEVICE_LIST);

	if (out->pcir_revision < 3 || at == out->pcir_offset)
		return;
	while (out->n_device_list < GPUPT_ROM_MAX_DEVICE_LIST && at + 2 <= avail) {
		uint16_t id = le16(img + at);
		if (id == 0)
			break;
		out->device_list[out->n_device_list++] = id;
		at += 2;
	}
}

static void read_efi_header(const uint8_t *img, struct gpupt_rom_image *out)
{
	out->efi_signature_ok = le32(img + HDR_EFI_SIGNATURE) == EFI_SIGNATURE;
	out->efi_subsystem = le16(img + HDR_EFI_SUBSYSTEM);
	out->efi_machine = le16(img + HDR_EFI_MACHINE);
	out->efi_compression = le16(img + HDR_EFI_COMPRESSION);
}

/* read_image's "the headers are sound": whether the chain goes on is decided after. */
#define IMAGE_READ GPUPT_ROM_STOP_LAST_IMAGE

/* Fill *out from the headers of the image at img (avail bytes to the end). */
static enum gpupt_rom_stop read_image(const uint8_t *img, size_t avail, struct gpupt_rom_image *out)
{
	const uint8_t *pcir;

	if (avail < 2 || img[0] != 0x55 || img[1] != 0xaa)
		return GPUPT_ROM_STOP_BAD_SIGNATURE;
	if (avail < HDR_SIZE)
		return GPUPT_ROM_STOP_TRUNCATED;
	out->pcir_offset = le16(img + HDR_PCIR_POINTER);
	if (out->pcir_offset > avail - PCIR_SIZE)
		return GPUPT_ROM_STOP_PCIR_OUTSIDE;
	pcir = img + out->pcir_offset;
	if (memcmp(pcir, "PCIR", 4) != 0)
		return GPUPT_ROM_STOP_BAD_PCIR;
	out->vendor = le16(pcir + PCIR_VENDOR);
	out->device = le16(pcir + PCIR_DEVICE);
	out->pcir_revision = pcir[PCIR_REVISION];
	out->class_code = (uint32_t)pcir[PCIR_CLASS + 2] << 16 | (uint32_t)pcir[PCIR_CLASS + 1] << 8 |
			  pcir[PCIR_CLASS];
	out->length = (size_t)le16(pcir + PCIR_IMAGE_LENGTH) * IMAGE_UNIT;
	out->code_type = pcir[PCIR_CODE_TYPE];
	out->last = pcir[PCIR_INDICATOR] & INDICATOR_LAST;
	out->truncated = out->length > avail;
	read_device_list(img, avail, out);
	if (out->code_type == GPUPT_ROM_CODE_EFI)
		read_efi_header(img, out);
	return IMAGE_READ;
}

/* After a sound image: does the chain end here, and why? */
static bool image_ends_chain(const struct gpupt_rom_image *img, enum gpupt_rom_stop *stop)
{
	if (img->length == 0)
		*stop = GPUPT_ROM_STOP_ZERO_LENGTH;
	else if (img->pcir_offset + PCIR_SIZE > img->length)
		*stop = GPUPT_ROM_STOP_PCIR_OUTSIDE;
	else if (img->truncated)
		*stop = GPUPT_ROM_STOP_TRUNCATED;
	else if (img->last)
		*stop = GPUPT_ROM_STOP_LAST_IMAGE;
	else
		return false;
	return true;
}

int gpupt_rom_parse(const uint8_t *buf, size_t len, struct gpupt_rom *out)
{
	size_t off = 0;

	if (!out || (!buf && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->stop = GPUPT_ROM_STOP_EMPTY;
	while (len > 0) {
		struct gpupt_rom_image *img;
		enum gpupt_rom_stop stop;

		out->stop_offset = off;
		if (off == len) {
			out->stop = GPUPT_ROM_STOP_END_OF_DATA;
			break;
		}
		if (out->n == GPUPT_ROM_MAX_IMAGES) {
			out->stop = GPUPT_ROM_STOP_TOO_MANY_IMAGES;
			break;
		}
		img = &out->img[out->n];
		img->offset = off;
		stop = read_image(buf + off, len - off, img);
		if (stop != IMAGE_READ) {
			out->stop = stop;
			break;
		}
		out->n++;
		if (image_ends_chain(img, &out->stop))
			break;
		off += img->length;
	}
	return (int)out->n;
}

long gpupt_rom_find_start(const uint8_t *buf, size_t len, size_t limit)
{
	if (!buf)
		return -ENOENT;
	for (size_t off = 0; off < len && off < limit; off++) {
		struct gpupt_rom_image img = { 0 };
		if (buf[off] == 0x55 && read_image(buf + off, len - off, &img) == IMAGE_READ)
			return (long)off;
	}
	return -ENOENT;
}

bool gpupt_rom_image_matches(const struct gpupt_rom_image *img, uint16_t vendor, uint16_t device)
{
	if (img->vendor != vendor)
		return false;
	if (img->device == device)
		return true;
	for (unsigned i = 0; i < img->n_device_list; i++)
		if (img->device_list[i] == device)
			return true;
	return false;
}

bool gpupt_rom_image_uefi_x64(const struct gpupt_rom_image *img)
{
	return img->code_type == GPUPT_ROM_CODE_EFI && img->efi_signature_ok && !img->truncated &&
	       (img->efi_subsystem == GPUPT_ROM_EFI_BOOT_SERVICE_DRIVER ||
		img->efi_subsystem == GPUPT_ROM_EFI_RUNTIME_DRIVER) &&
	       (img->efi_machine == GPUPT_ROM_MACHINE_X64 || img->efi_machine == GPUPT_ROM_MACHINE_EBC) &&
	       img->efi_compression <= 1;
}

bool gpupt_rom_uefi_x64(const struct gpupt_rom *rom)
{
	for (unsigned i = 0; i < rom->n; i++)
		if (gpupt_rom_image_uefi_x64(&rom->img[i]))
			return true;
	return false;
}

bool gpupt_rom_has_code_type(const struct gpupt_rom *rom, uint8_t code_type)
{
	for (unsigned i = 0; i < rom->n; i++)
		if (rom->img[i].code_type == code_type)
			return true;
	return false;
}

const char *gpupt_rom_code_type_name(uint8_t code_type)
{
	switch (code_type) {
	case GPUPT_ROM_CODE_X86:
		return "x86 BIOS";
	case GPUPT_ROM_CODE_OPEN_FIRMWARE:
		return "Open Firmware";
	case GPUPT_ROM_CODE_HPPA:
		return "PA-RISC";
	case GPUPT_ROM_CODE_EFI:
		return "EFI";
	default:
		return "unknown";
	}
}

const char *gpupt_rom_efi_subsystem_name(uint16_t subsystem)
{
	switch (subsystem) {
	case GPUPT_ROM_EFI_APPLICATION:
		return "application";
	case GPUPT_ROM_EFI_BOOT_SERVICE_DRIVER:
		return "boot service driver";
	case GPUPT_ROM_EFI_RUNTIME_DRIVER:
		return "runtime driver";
	default:
		return "unknown";
	}
}

const char *gpupt_rom_efi_machine_name(uint16_t machine)
{
	switch (machine) {
	case GPUPT_ROM_MACHINE_X64:
		return "x64";
	case GPUPT_ROM_MACHINE_AA64:
		return "AA64";
	case GPUPT_ROM_MACHINE_EBC:
		return "EBC";
	case GPUPT_ROM_MACHINE_IA32:
		return "IA32";
	default:
		return "unknown";
	}
}

const char *gpupt_rom_efi_compression_name(uint16_t compression)
{
	switch (compression) {
	case 0:
		return "none";
	case 1:
		return "EFI compressed";
	default:
		return "unknown";
	}
}

static const struct {
	const char *name;
	const char *reason;
} stop_text[] = {
	[GPUPT_ROM_STOP_LAST_IMAGE] = { "last-image", "an image carries the last-image flag" },
	[GPUPT_ROM_STOP_END_OF_DATA] = { "end-of-data", "the data ends without an image marked last" },
	[GPUPT_ROM_STOP_EMPTY] = { "empty", "the ROM is empty" },
	[GPUPT_ROM_STOP_BAD_SIGNATURE] = { "bad-signature", "no 55 AA signature where an image should start" },
	[GPUPT_ROM_STOP_PCIR_OUTSIDE] = { "pcir-outside", "the PCIR pointer points outside the image" },
	[GPUPT_ROM_STOP_BAD_PCIR] = { "bad-pcir", "no \"PCIR\" structure where the header points" },
	[GPUPT_ROM_STOP_ZERO_LENGTH] = { "zero-length", "an image gives its length as 0" },
	[GPUPT_ROM_STOP_TRUNCATED] = { "truncated", "an image runs past the end of the data" },
	[GPUPT_ROM_STOP_TOO_MANY_IMAGES] = { "too-many-images", "more than 16 images (a looping chain?)" },
};

const char *gpupt_rom_stop_name(enum gpupt_rom_stop stop)
{
	if ((unsigned)stop >= ARRAY_SIZE(stop_text))
		return "unknown";
	return stop_text[stop].name;
}

const char *gpupt_rom_stop_reason(enum gpupt_rom_stop stop)
{
	if ((unsigned)stop >= ARRAY_SIZE(stop_text))
		return "unknown";
	return stop_text[stop].reason;
}
