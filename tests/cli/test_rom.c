// SPDX-License-Identifier: MIT
/* The PCI option ROM chain walker on hand-built images, sound and corrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/formats/rom.h"
#include "host/host.h"
#include "tests/cli/host_fixture.h"

enum { UNIT = 512, PCIR_AT = 0x1c };

struct img_spec {
	unsigned units;		/* image length in the PCIR */
	uint8_t code_type;
	int last;
	uint16_t vendor, device;
	uint16_t subsystem, machine, compression;	/* EFI header */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Write one image at p (which must have units*512 bytes, or 512 if units is 0). */
static void put_image(uint8_t *p, const struct img_spec *s)
{
	uint8_t *pcir = p + PCIR_AT;

	p[0] = 0x55;
	p[1] = 0xaa;
	p[2] = (uint8_t)s->units;
	if (s->code_type == GPUPT_ROM_CODE_EFI) {
		put16(p + 4, 0x0ef1);
		put16(p + 8, s->subsystem);
		put16(p + 0x0a, s->machine);
		put16(p + 0x0c, s->compression);
	}
	put16(p + 0x18, PCIR_AT);
	memcpy(pcir, "PCIR", 4);
	put16(pcir + 4, s->vendor);
	put16(pcir + 6, s->device);
	put16(pcir + 0x0a, 0x18);
	pcir[0x0f] = 0x03;	/* class: display controller, VGA */
	put16(pcir + 0x10, (uint16_t)s->units);
	pcir[0x14] = s->code_type;
	pcir[0x15] = s->last ? 0x80 : 0;
}

/* A heap buffer of exactly len bytes, so ASan sees any read past the end. */
static uint8_t *rom_alloc(size_t len)
{
	uint8_t *b = calloc(1, len ? len : 1);
	assert_non_null(b);
	return b;
}

static const struct img_spec X86 = { 1, GPUPT_ROM_CODE_X86, 0, 0x10de, 0x1381, 0, 0, 0 };
static const struct img_spec EFI_X64 = { 2, GPUPT_ROM_CODE_EFI, 1, 0x10de, 0x1381,
					 GPUPT_ROM_EFI_BOOT_SERVICE_DRIVER, GPUPT_ROM_MACHINE_X64, 0 };

static void test_x86_only(void **state)
{
	struct img_spec s = X86;
	uint8_t *b = rom_alloc(UNIT);
	struct gpupt_rom rom;
	(void)state;

	s.last = 1;
	put_image(b, &s);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 1);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_LAST_IMAGE);
	assert_int_equal(rom.img[0].code_type, GPUPT_ROM_CODE_X86);
	assert_int_equal(rom.img[0].vendor, 0x10de);
	assert_int_equal(rom.img[0].device, 0x1381);
	assert_int_equal(rom.img[0].class_code, 0x030000);
	assert_int_equal(rom.img[0].length, UNIT);
	assert_true(rom.img[0].last);
	assert_false(gpupt_rom_uefi_x64(&rom));
	assert_true(gpupt_rom_has_code_type(&rom, GPUPT_ROM_CODE_X86));
	assert_false(gpupt_rom_has_code_type(&rom, GPUPT_ROM_CODE_EFI));
	free(b);
}

static void test_x86_then_efi(void **state)
{
	uint8_t *b = rom_alloc(3 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	put_image(b + UNIT, &EFI_X64);
	assert_int_equal(gpupt_rom_parse(b, 3 * UNIT, &rom), 2);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_LAST_IMAGE);
	assert_int_equal(rom.img[1].offset, UNIT);
	assert_int_equal(rom.img[1].length, 2 * UNIT);
	assert_int_equal(rom.img[1].code_type, GPUPT_ROM_CODE_EFI);
	assert_true(rom.img[1].efi_signature_ok);
	assert_int_equal(rom.img[1].efi_subsystem, GPUPT_ROM_EFI_BOOT_SERVICE_DRIVER);
	assert_int_equal(rom.img[1].efi_machine, GPUPT_ROM_MACHINE_X64);
	assert_int_equal(rom.img[1].efi_compression, 0);
	assert_false(gpupt_rom_image_uefi_x64(&rom.img[0]));
	assert_true(gpupt_rom_image_uefi_x64(&rom.img[1]));
	assert_true(gpupt_rom_uefi_x64(&rom));
	free(b);
}

/* Trailing bytes after the last image (a padded dump) are not looked at. */
static void test_padding_after_last_image(void **state)
{
	uint8_t *b = rom_alloc(4 * UNIT);
	struct img_spec s = X86;
	struct gpupt_rom rom;
	(void)state;

	s.last = 1;
	put_image(b, &s);
	memset(b + UNIT, 0xff, 3 * UNIT);
	assert_int_equal(gpupt_rom_parse(b, 4 * UNIT, &rom), 1);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_LAST_IMAGE);
	free(b);
}

static struct gpupt_rom parse_single_efi(const struct img_spec *s)
{
	uint8_t *b = rom_alloc(s->units * UNIT);
	struct gpupt_rom rom;

	put_image(b, s);
	assert_int_equal(gpupt_rom_parse(b, s->units * UNIT, &rom), 1);
	free(b);
	return rom;
}

static void test_efi_variants(void **state)
{
	struct img_spec s = EFI_X64;
	struct gpupt_rom rom;
	(void)state;

	s.compression = 1;
	rom = parse_single_efi(&s);
	assert_true(gpupt_rom_uefi_x64(&rom));

	s = EFI_X64;
	s.subsystem = GPUPT_ROM_EFI_RUNTIME_DRIVER;
	s.machine = GPUPT_ROM_MACHINE_EBC;
	rom = parse_single_efi(&s);
	assert_true(gpupt_rom_uefi_x64(&rom));

	s = EFI_X64;
	s.machine = GPUPT_ROM_MACHINE_AA64;
	rom = parse_single_efi(&s);
	assert_false(gpupt_rom_uefi_x64(&rom));
	assert_true(gpupt_rom_has_code_type(&rom, GPUPT_ROM_CODE_EFI));
	assert_string_equal(gpupt_rom_efi_machine_name(rom.img[0].efi_machine), "AA64");

	s = EFI_X64;
	s.subsystem = GPUPT_ROM_EFI_APPLICATION;
	rom = parse_single_efi(&s);
	assert_false(gpupt_rom_uefi_x64(&rom));

	s = EFI_X64;
	s.compression = 2;
	rom = parse_single_efi(&s);
	assert_false(gpupt_rom_uefi_x64(&rom));
}

/* Code type 3 without the 0x0EF1 signature is not an EFI driver. */
static void test_efi_without_signature(void **state)
{
	uint8_t *b = rom_alloc(2 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &EFI_X64);
	b[4] = 0;
	assert_int_equal(gpupt_rom_parse(b, 2 * UNIT, &rom), 1);
	assert_false(rom.img[0].efi_signature_ok);
	assert_false(gpupt_rom_uefi_x64(&rom));
	free(b);
}

static void test_truncated_image(void **state)
{
	uint8_t *full = rom_alloc(3 * UNIT);
	uint8_t *b = rom_alloc(2 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(full, &X86);
	put_image(full + UNIT, &EFI_X64);
	memcpy(b, full, 2 * UNIT);
	assert_int_equal(gpupt_rom_parse(b, 2 * UNIT, &rom), 2);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_TRUNCATED);
	assert_true(rom.img[1].truncated);
	assert_int_equal(rom.stop_offset, UNIT);
	assert_false(gpupt_rom_uefi_x64(&rom));	/* a cut-off driver cannot load */
	free(full);
	free(b);
}

/* Every prefix of a good ROM parses without reading past its end (ASan). */
static void test_every_prefix(void **state)
{
	uint8_t full[3 * UNIT] = { 0 };
	(void)state;

	put_image(full, &X86);
	put_image(full + UNIT, &EFI_X64);
	for (size_t len = 0; len <= sizeof(full); len++) {
		uint8_t *b = rom_alloc(len);
		struct gpupt_rom rom;
		int n;

		memcpy(b, full, len);
		n = gpupt_rom_parse(b, len, &rom);
		assert_in_range(n, 0, 2);
		if (len == sizeof(full))
			assert_int_equal(rom.stop, GPUPT_ROM_STOP_LAST_IMAGE);
		else
			assert_int_not_equal(rom.stop, GPUPT_ROM_STOP_LAST_IMAGE);
		free(b);
	}
}

static void test_zero_length(void **state)
{
	struct img_spec s = X86;
	uint8_t *b = rom_alloc(UNIT);
	struct gpupt_rom rom;
	(void)state;

	s.units = 0;
	put_image(b, &s);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 1);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_ZERO_LENGTH);
	free(b);
}

static void test_pcir_pointer_past_data(void **state)
{
	uint8_t *b = rom_alloc(UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	put16(b + 0x18, 0xffff);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 0);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_PCIR_OUTSIDE);
	/* Exactly one byte too far for the PCIR structure's 0x16 bytes. */
	put16(b + 0x18, UNIT - 0x15);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 0);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_PCIR_OUTSIDE);
	free(b);
}

/* A PCIR inside the data but beyond the image's own length is a lie. */
static void test_pcir_beyond_image_length(void **state)
{
	uint8_t *b = rom_alloc(2 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	memmove(b + 0x300, b + PCIR_AT, 0x18);
	put16(b + 0x18, 0x300);
	assert_int_equal(gpupt_rom_parse(b, 2 * UNIT, &rom), 1);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_PCIR_OUTSIDE);
	free(b);
}

static void test_bad_pcir_signature(void **state)
{
	uint8_t *b = rom_alloc(UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	b[PCIR_AT + 3] = 'X';
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 0);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_BAD_PCIR);
	free(b);
}

static void test_no_signature_and_empty(void **state)
{
	uint8_t *b = rom_alloc(UNIT);
	struct gpupt_rom rom;
	(void)state;

	memset(b, 0xff, UNIT);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 0);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_BAD_SIGNATURE);
	assert_int_equal(gpupt_rom_parse(b, 0, &rom), 0);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_EMPTY);
	assert_int_equal(gpupt_rom_parse(NULL, 0, &rom), 0);
	assert_int_equal(gpupt_rom_parse(NULL, 1, &rom), -EINVAL);
	assert_int_equal(gpupt_rom_parse(b, UNIT, NULL), -EINVAL);
	free(b);
}

static void test_garbage_after_first_image(void **state)
{
	uint8_t *b = rom_alloc(2 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	assert_int_equal(gpupt_rom_parse(b, 2 * UNIT, &rom), 1);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_BAD_SIGNATURE);
	assert_int_equal(rom.stop_offset, UNIT);
	free(b);
}

static void test_chain_without_last_flag(void **state)
{
	uint8_t *b = rom_alloc(2 * UNIT);
	struct gpupt_rom rom;
	(void)state;

	put_image(b, &X86);
	put_image(b + UNIT, &X86);
	assert_int_equal(gpupt_rom_parse(b, 2 * UNIT, &rom), 2);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_END_OF_DATA);
	free(b);
}

/* An endless chain stops at GPUPT_ROM_MAX_IMAGES. */
static void test_too_many_images(void **state)
{
	const size_t n = GPUPT_ROM_MAX_IMAGES + 4;
	uint8_t *b = rom_alloc(n * UNIT);
	struct gpupt_rom rom;
	(void)state;

	for (size_t i = 0; i < n; i++)
		put_image(b + i * UNIT, &X86);
	assert_int_equal(gpupt_rom_parse(b, n * UNIT, &rom), GPUPT_ROM_MAX_IMAGES);
	assert_int_equal(rom.stop, GPUPT_ROM_STOP_TOO_MANY_IMAGES);
	assert_int_equal(rom.stop_offset, GPUPT_ROM_MAX_IMAGES * UNIT);
	free(b);
}

static void test_device_list(void **state)
{
	uint8_t *b = rom_alloc(UNIT);
	struct img_spec s = X86;
	struct gpupt_rom rom;
	(void)state;

	s.last = 1;
	put_image(b, &s);
	b[PCIR_AT + 0x0c] = 3;			/* PCI 3.0 data structure */
	put16(b + PCIR_AT + 8, 0x40);		/* device list at PCIR + 0x40 */
	put16(b + PCIR_AT + 0x40, 0x1380);
	put16(b + PCIR_AT + 0x42, 0x13c2);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 1);
	assert_int_equal(rom.img[0].n_device_list, 2);
	assert_true(gpupt_rom_image_matches(&rom.img[0], 0x10de, 0x1381));
	assert_true(gpupt_rom_image_matches(&rom.img[0], 0x10de, 0x13c2));
	assert_false(gpupt_rom_image_matches(&rom.img[0], 0x10de, 0x1b80));
	assert_false(gpupt_rom_image_matches(&rom.img[0], 0x1002, 0x1381));

	/* A list running to the very end of the data, unterminated. */
	put16(b + PCIR_AT + 8, (uint16_t)(UNIT - PCIR_AT - 2));
	put16(b + UNIT - 2, 0x1234);
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 1);
	assert_int_equal(rom.img[0].n_device_list, 1);
	assert_int_equal(rom.img[0].device_list[0], 0x1234);

	/* PCI 2.x: the same word is reserved and ignored. */
	b[PCIR_AT + 0x0c] = 0;
	assert_int_equal(gpupt_rom_parse(b, UNIT, &rom), 1);
	assert_int_equal(rom.img[0].n_device_list, 0);
	free(b);
}

/* A flash tool's header before the ROM: found, and nothing before it is taken for one. */
static void test_find_start(void **state)
{
	const size_t header = 0x1f3;
	uint8_t *b = rom_alloc(header + 2 * UNIT);
	(void)state;

	memset(b, 0x55, header);	/* 55 bytes everywhere, but no PCIR behind them */
	b[header - 1] = 0xaa;
	put_image(b + header, &EFI_X64);
	assert_int_equal(gpupt_rom_find_start(b, header + 2 * UNIT, 1 << 20), (long)header);
	assert_int_equal(gpupt_rom_find_start(b, header + 2 * UNIT, header), -ENOENT);
	assert_int_equal(gpupt_rom_find_start(b + header, 2 * UNIT, 1 << 20), 0);
	assert_int_equal(gpupt_rom_find_start(b, header + 0x20, 1 << 20), -ENOENT);
	assert_int_equal(gpupt_rom_find_start(NULL, 0, 1 << 20), -ENOENT);
	free(b);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(gpupt_rom_code_type_name(0), "x86 BIOS");
	assert_string_equal(gpupt_rom_code_type_name(3), "EFI");
	assert_string_equal(gpupt_rom_code_type_name(0x42), "unknown");
	assert_string_equal(gpupt_rom_efi_subsystem_name(11), "boot service driver");
	assert_string_equal(gpupt_rom_efi_machine_name(0x8664), "x64");
	assert_string_equal(gpupt_rom_efi_machine_name(0x014c), "IA32");
	assert_string_equal(gpupt_rom_efi_compression_name(1), "EFI compressed");
	assert_string_equal(gpupt_rom_stop_name(GPUPT_ROM_STOP_TRUNCATED), "truncated");
	assert_string_equal(gpupt_rom_stop_name((enum gpupt_rom_stop)99), "unknown");
}

/* ---- gpupt rom on a fixture root -------------------------------------- */

/*
 * sysfs writes are wrapped (TEST_HOST_LDFLAGS_rom): a fixture's "rom" file
 * is a plain file that writing "1" would overwrite, and the tests must see
 * that the ROM is switched on and off again, in that order.
 */
int __real_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len);
int __wrap_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len);

static char written[512];	/* "PATH=VAL;" for every write */
static int fail_enable;		/* -errno returned for writing "1" */

int __wrap_gpupt_sysfs_write(int dirfd, const char *path, const char *val, size_t len)
{
	size_t have = strlen(written);

	(void)dirfd;
	snprintf(written + have, sizeof(written) - have, "%s=%.*s;", path, (int)len, val);
	if (len == 1 && val[0] == '1' && fail_enable)
		return fail_enable;
	return 0;
}

#define DEV "sys/bus/pci/devices/0000:01:00.0"

/* A root with the seed GPU at 01:00.0 (10de:1381); rom gets len bytes of rom. */
static void fixture_setup(struct fixture *f, const uint8_t *rom, size_t len, bool has_rom)
{
	fixture_open(f, "gpupt-rom");
	mkdirs(f->rootfd, DEV);
	write_file(f->rootfd, DEV "/vendor", "0x10de\n", 7, 0644);
	write_file(f->rootfd, DEV "/device", "0x1381\n", 7, 0644);
	if (has_rom)
		write_file(f->rootfd, DEV "/rom", rom, len, 0644);
	written[0] = '\0';
	fail_enable = 0;
}

static int run_rom(struct fixture *f, const char *a1, const char *a2)
{
	char *argv[] = { "rom", (char *)a1, (char *)a2, NULL };
	int ret = gpupt_cmd_rom(&f->h, a2 ? 3 : a1 ? 2 : 1, argv);

	fflush(f->h.out);
	fflush(f->h.err);
	return ret;
}

static void test_cmd_device_uefi(void **state)
{
	uint8_t rom[3 * UNIT] = { 0 };
	struct fixture f;
	(void)state;

	put_image(rom, &X86);
	put_image(rom + UNIT, &EFI_X64);
	fixture_setup(&f, rom, sizeof(rom), true);
	assert_int_equal(run_rom(&f, "01:00", NULL), 0);
	assert_string_equal(written, DEV "/rom=1;" DEV "/rom=0;");
	assert_non_null(strstr(f.out, "0000:01:00.0: option ROM, 1536 bytes, 2 images\n"));
	assert_non_null(strstr(f.out, "image 1 at 0x200: EFI (code type 3), 10de:1381, 1024 bytes\n"
				      "    EFI boot service driver for x64, compression: none (last)\n"));
	assert_non_null(strstr(f.out, "UEFI-bootable: yes\n"));
	assert_null(strstr(f.out, "built for"));
	assert_string_equal(f.err, "");
	fixture_teardown(&f);
}

static void test_cmd_device_legacy_only_json(void **state)
{
	struct img_spec s = X86;
	uint8_t rom[UNIT] = { 0 };
	struct fixture f;
	(void)state;

	s.last = 1;
	s.device = 0x1380;	/* a ROM for a sibling model */
	put_image(rom, &s);
	fixture_setup(&f, rom, sizeof(rom), true);
	f.h.json = true;
	assert_int_equal(run_rom(&f, "0000:01:00.0", NULL), 0);
	assert_non_null(strstr(f.out, "\"address\":\"0000:01:00.0\""));
	assert_non_null(strstr(f.out, "\"matches_device\":false"));
	assert_non_null(strstr(f.out, "\"uefi_bootable\":false"));
	assert_non_null(strstr(f.out, "\"legacy_bootable\":true"));
	fixture_teardown(&f);
}

static void test_cmd_no_efi_explains(void **state)
{
	struct img_spec s = X86;
	uint8_t rom[UNIT] = { 0 };
	struct fixture f;
	(void)state;

	s.last = 1;
	put_image(rom, &s);
	fixture_setup(&f, rom, sizeof(rom), true);
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 0);
	assert_non_null(strstr(f.out, "UEFI-bootable: no\n  The ROM has no EFI image.\n"));
	assert_non_null(strstr(f.out, "--bios seabios"));
	assert_non_null(strstr(f.out, "romfile="));
	assert_null(strstr(f.out, "boot GPU"));

	/* The boot GPU's ROM may be the legacy copy in memory: say so. */
	write_file(f.rootfd, DEV "/boot_vga", "1\n", 2, 0644);
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 0);
	assert_non_null(strstr(f.out, "This is the host's boot GPU: the kernel may hand out the copy"));
	fixture_teardown(&f);
}

/* No rom attribute (as on emulated devices): a clear message, exit 1. */
static void test_cmd_no_rom(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f, NULL, 0, false);
	fail_enable = -ENOENT;
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 1);
	assert_string_equal(f.err, "gpupt: rom: 0000:01:00.0 has no option ROM (or the kernel cannot read it)\n");
	assert_string_equal(f.out, "");
	f.h.json = true;
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 1);
	assert_non_null(strstr(f.out, "\"address\":\"0000:01:00.0\""));
	assert_non_null(strstr(f.out, "\"has_rom\":false"));
	assert_non_null(strstr(f.out, "\"stop\":\"empty\""));
	assert_non_null(strstr(f.out, "\"uefi_bootable\":false"));
	fixture_teardown(&f);
}

/* The kernel gives 0 bytes: same message, and the ROM is switched off again. */
static void test_cmd_empty_rom_switched_off(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f, NULL, 0, true);
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 1);
	assert_string_equal(written, DEV "/rom=1;" DEV "/rom=0;");
	assert_non_null(strstr(f.err, "has no option ROM"));
	fixture_teardown(&f);
}

/* A read error after enabling still writes "0". */
static void test_cmd_read_error_switched_off(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f, NULL, 0, false);
	assert_int_equal(mkdirat(f.rootfd, DEV "/rom", 0755), 0);	/* read() gives EISDIR */
	assert_int_equal(run_rom(&f, "01:00.0", NULL), 1);
	assert_string_equal(written, DEV "/rom=1;" DEV "/rom=0;");
	assert_non_null(strstr(f.err, "cannot read the option ROM"));
	fixture_teardown(&f);
}

static void test_cmd_bad_arguments(void **state)
{
	struct fixture f;
	(void)state;

	fixture_setup(&f, NULL, 0, false);
	assert_int_equal(run_rom(&f, "01:00.0=10de:1381", NULL), 2);
	assert_int_equal(run_rom(&f, "../../etc", NULL), 2);
	assert_int_equal(run_rom(&f, "02:00.0", NULL), 2);
	assert_non_null(strstr(f.err, "0000:02:00.0: no such PCI device"));
	assert_int_equal(run_rom(&f, NULL, NULL), 2);
	assert_int_equal(run_rom(&f, "--file", NULL), 2);
	assert_non_null(strstr(f.err, "gpupt: rom: unknown option or missing value: \"--file\""));
	assert_int_equal(run_rom(&f, "01:00.0", "--bogus"), 2);
	assert_string_equal(written, "");
	fixture_teardown(&f);
}

static void test_cmd_file(void **state)
{
	uint8_t rom[2 * UNIT] = { 0 };
	char path[128];
	struct fixture f;
	(void)state;

	put_image(rom, &EFI_X64);
	fixture_setup(&f, NULL, 0, false);
	write_file(f.rootfd, "efi.rom", rom, sizeof(rom), 0644);
	snprintf(path, sizeof(path), "%s/efi.rom", f.root);
	assert_int_equal(run_rom(&f, "--file", path), 0);
	assert_non_null(strstr(f.out, "UEFI-bootable: yes\n"));
	assert_string_equal(written, "");

	/* The same ROM behind a 0x400-byte header. */
	{
		uint8_t dump[0x400 + sizeof(rom)] = { 0 };
		memcpy(dump + 0x400, rom, sizeof(rom));
		write_file(f.rootfd, "dump.rom", dump, sizeof(dump), 0644);
		snprintf(path, sizeof(path), "%s/dump.rom", f.root);
		assert_int_equal(run_rom(&f, "--file", path), 0);
		assert_non_null(strstr(f.out, "warning: the ROM starts at offset 0x400, after a 1024-byte header"));
		assert_non_null(strstr(f.out, "tail -c +1025 "));
		snprintf(path, sizeof(path), "%s/efi.rom", f.root);
	}

	/* Not a ROM at all. */
	memset(rom, 0xff, sizeof(rom));
	write_file(f.rootfd, "efi.rom", rom, sizeof(rom), 0644);
	assert_int_equal(run_rom(&f, "--file", path), 1);
	assert_non_null(strstr(f.err, "is not a PCI option ROM: no 55 AA signature"));
	snprintf(path, sizeof(path), "%s/missing.rom", f.root);
	assert_int_equal(run_rom(&f, "--file", path), 1);
	assert_non_null(strstr(f.err, "missing.rom: No such file or directory"));
	fixture_teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_only),
		cmocka_unit_test(test_x86_then_efi),
		cmocka_unit_test(test_padding_after_last_image),
		cmocka_unit_test(test_efi_variants),
		cmocka_unit_test(test_efi_without_signature),
		cmocka_unit_test(test_truncated_image),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_pcir_pointer_past_data),
		cmocka_unit_test(test_pcir_beyond_image_length),
		cmocka_unit_test(test_bad_pcir_signature),
		cmocka_unit_test(test_no_signature_and_empty),
		cmocka_unit_test(test_garbage_after_first_image),
		cmocka_unit_test(test_chain_without_last_flag),
		cmocka_unit_test(test_too_many_images),
		cmocka_unit_test(test_device_list),
		cmocka_unit_test(test_find_start),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cmd_device_uefi),
		cmocka_unit_test(test_cmd_device_legacy_only_json),
		cmocka_unit_test(test_cmd_no_efi_explains),
		cmocka_unit_test(test_cmd_no_rom),
		cmocka_unit_test(test_cmd_empty_rom_switched_off),
		cmocka_unit_test(test_cmd_read_error_switched_off),
		cmocka_unit_test(test_cmd_bad_arguments),
		cmocka_unit_test(test_cmd_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
