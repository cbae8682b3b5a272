// SPDX-License-Identifier: MIT
/* The PCI option ROM chain walker on hand-built images, sound and corrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/rom.h"

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
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
