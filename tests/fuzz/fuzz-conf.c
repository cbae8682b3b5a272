// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpupt_config c;
	struct gpupt_diags d;

	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	gpupt_conf_parse((const char *)data, size, &c, &d);
	if (c.n_ids > GPUPT_MAX_IDS || c.n_addrs > GPUPT_MAX_ADDRS || d.n > GPUPT_MAX_DIAGS)
		abort();
	return 0;
}
