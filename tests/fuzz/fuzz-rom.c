// SPDX-License-Identifier: MIT
/* libFuzzer entry for the PCI option ROM walker; checks its invariants. */
#include <stdint.h>
#include <stdlib.h>

#include "host/formats/rom.h"
#include "tests/fuzz/fuzz.h"

FUZZ_HARNESS
static void check_image(const struct gpupt_rom_image *img, size_t size)
{
	if (img->offset >= size || img->pcir_offset + 0x16 > size - img->offset)
		abort();
	if (img->n_device_list > GPUPT_ROM_MAX_DEVICE_LIST)
		abort();
	if (!gpupt_rom_code_type_name(img->code_type) ||
	    !gpupt_rom_efi_machine_name(img->efi_machine) ||
	    !gpupt_rom_efi_subsystem_name(img->efi_subsystem))
		abort();
	if (img->truncated != (img->length > size - img->offset))
		abort();
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpupt_rom rom;
	int n;

	if (size > GPUPT_ROM_MAX_SIZE)
		return 0;
	n = gpupt_rom_parse(data, size, &rom);
	if (n < 0 || (unsigned)n != rom.n || rom.n > GPUPT_ROM_MAX_IMAGES || rom.stop_offset > size)
		abort();
	for (unsigned i = 0; i < rom.n; i++) {
		check_image(&rom.img[i], size);
		if (i > 0 && rom.img[i].offset != rom.img[i - 1].offset + rom.img[i - 1].length)
			abort();
	}
	(void)gpupt_rom_uefi_x64(&rom);
	long start = gpupt_rom_find_start(data, size, 1 << 20);
	if (start >= 0 && ((size_t)start >= size || data[start] != 0x55 || data[start + 1] != 0xaa))
		abort();
	if (!gpupt_rom_stop_reason(rom.stop))
		abort();
	return 0;
}
