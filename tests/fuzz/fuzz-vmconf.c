// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the Proxmox VM config editor: scan, plan and apply on
 * any text (by address, or through a cluster mapping), then check that
 * nothing after the main section changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/vmconf.h"
#include "tests/fuzz/fuzz.h"

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const devs[] = { "01:00", "0000:01:00.1", "ffff:ff:1f.7" };
	const char *in = (const char *)data;
	struct gpupt_vm_request req = { .ovmf = size & 1, .pcie = size & 2, .primary = size & 4,
					.mapping = size & 8 ? "gpu" : NULL };
	struct gpupt_vmconf_info info;
	struct gpupt_vm_plan plan;
	size_t cap = size + 3 * (GPUPT_VM_KEY_MAX + GPUPT_VM_VALUE_MAX + 4) + 2;
	char *out;
	long n;

	if (size > 1 << 16)
		return 0;
	if (gpupt_parse_addr(devs[size % 3], strlen(devs[size % 3]), &req.dev) < 0)
		abort();
	if (gpupt_vmconf_scan_mapping(in, size, &req.dev, req.mapping, &info) < 0 || info.main_end > size)
		abort();
	if (gpupt_vm_plan(&info, &req, &plan) < 0)
		return 0;
	out = malloc(cap);
	if (!out)
		return 0;
	n = gpupt_vmconf_apply(in, size, plan.set, plan.n_set, out, cap);
	if (n >= 0) {
		size_t tail = size - info.main_end;
		/* Snapshot sections are copied unchanged, at the end. */
		if ((size_t)n < tail || memcmp(out + n - tail, in + info.main_end, tail) != 0)
			abort();
	}
	free(out);
	return 0;
}
