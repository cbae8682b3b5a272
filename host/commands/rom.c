// SPDX-License-Identifier: MIT
/* gpupt rom: does the GPU's option ROM carry an EFI driver (can OVMF show it)? */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/formats/rom.h"
#include "host/host.h"
#include "host/model/romdev.h"
#include "lib/json.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "selection/selection.h"
#include "sysfs/sysfs.h"

struct rom_cmd {
	struct gpupt_host *h;
	const char *file;		   /* --file, or NULL */
	char addr[GPUPT_PCI_NAME_LEN + 1]; /* the device, "" with --file */
	bool have_ids;			   /* the device's vendor/device are known */
	bool boot_vga;			   /* the firmware's boot GPU (sysfs boot_vga is 1) */
	bool no_rom;			   /* the device has no ROM the kernel can read */
	uint16_t vendor, device;
	uint8_t *buf;
	size_t len;
	size_t header; /* bytes before the first image (a tool's dump header) */
	struct gpupt_rom rom;
};

/* How far into a dump to look for a ROM behind a header. */
enum { HEADER_SCAN_LIMIT = 1 << 20 };

static int usage(FILE *f, int status)
{
	fputs("Usage: gpupt rom DEVICE\n"
	      "       gpupt rom --file ROM.bin\n"
	      "\n"
	      "Reads the PCI option ROM of DEVICE ([DDDD:]BB:SS.F, or a slot BB:SS for its\n"
	      "function 0) through sysfs, or a ROM file, lists its images (x86 BIOS, EFI,\n"
	      "...) and says whether a UEFI VM (OVMF) can use the card at boot.\n"
	      "\n"
	      "  --file FILE  read a ROM dump instead of a device\n"
	      "  --json       machine-readable output\n"
	      "\n"
	      "Exit status: 0 a ROM was read and has at least one image; 1 no ROM, or it\n"
	      "is unreadable or not a PCI option ROM; 2 usage error.\n",
	      f);
	return status;
}

/* DEVICE: a function, or a slot meaning its function 0 (where a GPU's ROM is). */
static int parse_device(struct rom_cmd *c, const char *arg)
{
	struct gpupt_pci_addr a;

	if (strchr(arg, '=') || gpupt_parse_addr(arg, strlen(arg), &a) < 0) {
		gpupt_msg(c->h->err,
			  "rom: \"%s\" is not a PCI address ([DDDD:]BB:SS.F or [DDDD:]BB:SS)\n", arg);
		return -EINVAL;
	}
	if (a.whole_slot)
		a.func = 0;
	a.whole_slot = false;
	return gpupt_format_addr(&a, c->addr, sizeof(c->addr)) < 0 ? -EINVAL : 0;
}

static int load_device(struct rom_cmd *c)
{
	char path[128];
	unsigned long v, d;
	int ret;

	gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DEVICES, c->addr, (const char *)NULL);
	if (gpupt_sysfs_exists(c->h->rootfd, path) != 1) {
		gpupt_msg(c->h->err, "rom: %s: no such PCI device (see `gpupt list`)\n", c->addr);
		return 2;
	}
	gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DEVICES, c->addr, "vendor", (const char *)NULL);
	ret = gpupt_sysfs_read_ulong(c->h->rootfd, path, &v);
	gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DEVICES, c->addr, "device", (const char *)NULL);
	if (ret == 0 && gpupt_sysfs_read_ulong(c->h->rootfd, path, &d) == 0) {
		c->have_ids = true;
		c->vendor = (uint16_t)v;
		c->device = (uint16_t)d;
	}
	gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DEVICES, c->addr, "boot_vga", (const char *)NULL);
	c->boot_vga = gpupt_sysfs_read_ulong(c->h->rootfd, path, &v) == 0 && v == 1;
	ret = gpupt_rom_read_device(c->h->rootfd, c->addr, &c->buf, &c->len);
	if (ret == -ENOENT || ret == -EIO || ret == -EINVAL || (ret == 0 && c->len == 0)) {
		gpupt_msg(c->h->err, "rom: %s has no option ROM (or the kernel cannot read it)\n", c->addr);
		c->no_rom = true;
		return 1;
	}
	if (ret < 0) {
		gpupt_msg(c->h->err, "rom: %s: cannot read the option ROM: %s%s\n", c->addr,
			  strerror(-ret), ret == -EACCES || ret == -EPERM ? " (run as root)" : "");
		return 1;
	}
	return 0;
}

static int load_file(struct rom_cmd *c)
{
	/* A file named by the user is taken as given (relative to the cwd), not under --root. */
	int ret = gpupt_rom_read_file(AT_FDCWD, c->file, &c->buf, &c->len);

	if (ret == -EFBIG)
		gpupt_msg(c->h->err, "rom: %s is larger than 16 MiB: not a PCI option ROM\n", c->file);
	else if (ret < 0)
		gpupt_msg(c->h->err, "rom: cannot read %s: %s\n", c->file, gpupt_read_strerror(ret));
	return ret < 0 ? 1 : 0;
}

static const char *source_name(const struct rom_cmd *c)
{
	return c->file ? c->file : c->addr;
}

static void print_image(const struct rom_cmd *c, unsigned i)
{
	const struct gpupt_rom_image *img = &c->rom.img[i];
	FILE *f = c->h->out;

	fprintf(f, "  image %u at 0x%zx: %s (code type %u), %04x:%04x, %zu bytes", i, img->offset,
		gpupt_rom_code_type_name(img->code_type), img->code_type, img->vendor, img->device,
		img->length);
	if (img->code_type == GPUPT_ROM_CODE_EFI && img->efi_signature_ok)
		fprintf(f, "\n    EFI %s for %s, compression: %s",
			gpupt_rom_efi_subsystem_name(img->efi_subsystem),
			gpupt_rom_efi_machine_name(img->efi_machine),
			gpupt_rom_efi_compression_name(img->efi_compression));
	else if (img->code_type == GPUPT_ROM_CODE_EFI)
		fputs("\n    EFI signature 0x0EF1 missing: firmware will skip this image", f);
	if (c->have_ids && !gpupt_rom_image_matches(img, c->vendor, c->device))
		fprintf(f, "\n    built for %04x:%04x, but the device is %04x:%04x", img->vendor,
			img->device, c->vendor, c->device);
	fprintf(f, "%s\n", img->last ? " (last)" : "");
}

static void print_verdict(const struct rom_cmd *c)
{
	FILE *f = c->h->out;
	bool uefi = gpupt_rom_uefi_x64(&c->rom);

	fprintf(f, "UEFI-bootable: %s\n", uefi ? "yes" : "no");
	if (uefi) {
		fputs("  OVMF can load the card's EFI driver: the VM shows its boot screen on this GPU.\n", f);
		return;
	}
	if (gpupt_rom_has_code_type(&c->rom, GPUPT_ROM_CODE_EFI))
		fputs("  The ROM has an EFI image, but not one an x86-64 OVMF can run (see above).\n", f);
	else
		fputs("  The ROM has no EFI image.\n", f);
	if (c->boot_vga)
		fputs("  This is the host's boot GPU: the kernel may hand out the copy of the legacy\n"
		      "  BIOS image the firmware left in memory, not the card's whole ROM.  Read it\n"
		      "  again with another GPU as the boot GPU, or check the card's ROM version.\n",
		      f);
	fputs("  OVMF (UEFI) cannot show this GPU's boot screen; the guest's own driver\n"
	      "  still takes the card once it has booted.  To see firmware and boot loader:\n"
	      "    - use SeaBIOS: gpupt vm VMID DEVICE --bios seabios\n"
	      "    - or give the VM a ROM file that has an EFI image: romfile=NAME.rom in\n"
	      "      hostpciN (the file in /usr/share/kvm/)\n"
	      "    - or update the card's firmware to a UEFI (GOP) capable version\n",
	      f);
}

static void print_text(const struct rom_cmd *c)
{
	FILE *f = c->h->out;

	fprintf(f, "%s: option ROM, %zu bytes, %u image%s\n", source_name(c), c->len, c->rom.n,
		c->rom.n == 1 ? "" : "s");
	if (c->header)
		fprintf(f,
			"warning: the ROM starts at offset 0x%zx, after a %zu-byte header (as some flash\n"
			"  tools write; offsets below are from the ROM start).  A romfile= must start with\n"
			"  the ROM: tail -c +%zu %s > NEW.rom\n",
			c->header, c->header, c->header + 1, source_name(c));
	for (unsigned i = 0; i < c->rom.n; i++)
		print_image(c, i);
	if (c->rom.stop != GPUPT_ROM_STOP_LAST_IMAGE)
		fprintf(f, "warning: the image chain stops at offset 0x%zx: %s\n", c->rom.stop_offset,
			gpupt_rom_stop_reason(c->rom.stop));
	print_verdict(c);
}

static void json_hex16(struct gpupt_json *j, const char *key, uint16_t v)
{
	char s[5];

	snprintf(s, sizeof(s), "%04x", v);
	gpupt_json_kv_str(j, key, s);
}

static void json_image(struct gpupt_json *j, const struct rom_cmd *c, const struct gpupt_rom_image *img)
{
	gpupt_json_begin_object(j);
	gpupt_json_kv_int(j, "offset", (long long)img->offset);
	gpupt_json_kv_int(j, "length", (long long)img->length);
	gpupt_json_kv_int(j, "code_type", img->code_type);
	gpupt_json_kv_str(j, "code_type_name", gpupt_rom_code_type_name(img->code_type));
	json_hex16(j, "vendor", img->vendor);
	json_hex16(j, "device", img->device);
	if (c->have_ids)
		gpupt_json_kv_bool(j, "matches_device", gpupt_rom_image_matches(img, c->vendor, c->device));
	gpupt_json_kv_bool(j, "last", img->last);
	gpupt_json_kv_bool(j, "truncated", img->truncated);
	if (img->code_type == GPUPT_ROM_CODE_EFI) {
		gpupt_json_key(j, "efi");
		gpupt_json_begin_object(j);
		gpupt_json_kv_bool(j, "signature_ok", img->efi_signature_ok);
		gpupt_json_kv_int(j, "subsystem", img->efi_subsystem);
		gpupt_json_kv_str(j, "subsystem_name", gpupt_rom_efi_subsystem_name(img->efi_subsystem));
		json_hex16(j, "machine", img->efi_machine);
		gpupt_json_kv_str(j, "machine_name", gpupt_rom_efi_machine_name(img->efi_machine));
		gpupt_json_kv_int(j, "compression", img->efi_compression);
		gpupt_json_kv_bool(j, "uefi_x64", gpupt_rom_image_uefi_x64(img));
		gpupt_json_end_object(j);
	}
	gpupt_json_end_object(j);
}

static int print_json(const struct rom_cmd *c)
{
	struct gpupt_json j;

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	if (c->file)
		gpupt_json_kv_str(&j, "file", c->file);
	else
		gpupt_json_kv_str(&j, "address", c->addr);
	if (c->have_ids) {
		json_hex16(&j, "vendor", c->vendor);
		json_hex16(&j, "device", c->device);
	}
	gpupt_json_kv_bool(&j, "has_rom", !c->no_rom);
	gpupt_json_kv_int(&j, "size", (long long)c->len);
	gpupt_json_kv_int(&j, "header", (long long)c->header);
	gpupt_json_key(&j, "images");
	gpupt_json_begin_array(&j);
	for (unsigned i = 0; i < c->rom.n; i++)
		json_image(&j, c, &c->rom.img[i]);
	gpupt_json_end_array(&j);
	gpupt_json_kv_str(&j, "stop", gpupt_rom_stop_name(c->rom.stop));
	gpupt_json_kv_int(&j, "stop_offset", (long long)c->rom.stop_offset);
	gpupt_json_kv_bool(&j, "legacy_bootable", gpupt_rom_has_code_type(&c->rom, GPUPT_ROM_CODE_X86));
	gpupt_json_kv_bool(&j, "uefi_bootable", gpupt_rom_uefi_x64(&c->rom));
	if (!c->file)
		gpupt_json_kv_bool(&j, "boot_vga", c->boot_vga);
	gpupt_json_end_object(&j);
	return gpupt_json_finish(&j);
}

enum { OPT_FILE = 1, OPT_JSON };

const struct gpupt_option gpupt_rom_options[] = {
	{ "file", 'f', GPUPT_OPT_VALUE, OPT_FILE },
	{ "json", 'j', GPUPT_OPT_FLAG, OPT_JSON },
	{ NULL, 0, GPUPT_OPT_FLAG, 0 },
};

static int take_option(void *ctx, int id, const char *value)
{
	struct rom_cmd *c = ctx;

	if (id == OPT_FILE)
		c->file = value;
	else
		c->h->json = true;
	return 0;
}

static int parse_options(struct rom_cmd *c, int argc, char **argv)
{
	int first, r = gpupt_options_parse_or_usage(c->h->out, c->h->err, gpupt_rom_options, argc,
						    argv, take_option, c, &first, usage);

	if (r != 0)
		return r;
	if (argc - first != (c->file ? 0 : 1)) {
		gpupt_msg(c->h->err, "%s",
			  c->file ? "rom: give either DEVICE or --file, not both\n\n"
				  : "rom: which device? (gpupt rom 01:00.0)\n\n");
		return usage(c->h->err, 2);
	}
	if (!c->file && parse_device(c, argv[first]) < 0)
		return 2;
	return 0;
}

int gpupt_cmd_rom(struct gpupt_host *h, int argc, char **argv)
{
	struct rom_cmd c = { .h = h };
	int ret = parse_options(&c, argc, argv);

	if (ret != 0)
		return ret < 0 ? 0 : ret;
	ret = c.file ? load_file(&c) : load_device(&c);
	if (ret != 0) {
		if (c.no_rom && h->json) {
			/* Machines get an answer too: no ROM, not UEFI-bootable. */
			gpupt_rom_parse(NULL, 0, &c.rom);
			print_json(&c);
		}
		goto out;
	}
	gpupt_rom_parse(c.buf, c.len, &c.rom);
	if (c.rom.n == 0) {
		long start = gpupt_rom_find_start(c.buf, c.len, HEADER_SCAN_LIMIT);
		if (start > 0) {
			c.header = (size_t)start;
			gpupt_rom_parse(c.buf + c.header, c.len - c.header, &c.rom);
		}
	}
	if (h->json)
		ret = print_json(&c) < 0 ? 1 : 0;
	else if (c.rom.n > 0)
		print_text(&c);
	if (c.rom.n == 0) {
		gpupt_msg(h->err, "rom: %s is not a PCI option ROM: %s\n", source_name(&c),
			  gpupt_rom_stop_reason(c.rom.stop));
		ret = 1;
	}
out:
	free(c.buf);
	return ret;
}
