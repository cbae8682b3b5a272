// SPDX-License-Identifier: MIT
/*
 * The /etc/gpupt.conf parser on arbitrary bytes: capacities hold, every
 * diagnostic names a line of the input and formats safely, and the writer's
 * output reads back to the same config.
 */
#include "tests/fuzz/fuzz-check.h"

FUZZ_HARNESS
static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + 1;
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpupt_config c;
	struct gpupt_diags d;
	unsigned lines = count_lines(data, size);

	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	FUZZ_CHECK(gpupt_conf_parse((const char *)data, size, &c, &d) >= 0);
	FUZZ_CHECK(!c.off);
	fuzz_check_parsed(&c, &d, "/etc/gpupt.conf", data, size);
	for (unsigned i = 0; i < d.n; i++)
		FUZZ_CHECK(d.d[i].line >= 1 && d.d[i].line <= lines);
	fuzz_check_round_trip(&c);
	return 0;
}
