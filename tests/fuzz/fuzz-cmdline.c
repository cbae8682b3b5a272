// SPDX-License-Identifier: MIT
/*
 * The kernel command-line parser on arbitrary bytes: tokens stay inside the
 * input, capacities hold, diagnostics format safely, what was parsed can be
 * saved as conf text, and gpupt.off always wins the merge.
 */
#include "cmdline/cmdline.h"
#include "lib/kernel-cmdline.h"
#include "tests/fuzz/fuzz-check.h"

FUZZ_HARNESS
static void check_tokens(const char *buf, size_t len)
{
	struct gpupt_kernel_param t;
	size_t pos = 0, last = 0;

	while (gpupt_kernel_cmdline_next(buf, len, &pos, &t)) {
		FUZZ_CHECK(pos > last && pos <= len);
		FUZZ_CHECK(t.start >= buf && t.start + t.len == buf + pos);
		FUZZ_CHECK(t.key >= t.start && t.key + t.key_len <= t.start + t.len);
		if (t.val)
			FUZZ_CHECK(t.val > t.key && t.val + t.val_len <= t.start + t.len);
		last = pos;
	}
	FUZZ_CHECK(pos <= len);
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct gpupt_config c, conf, merged;
	struct gpupt_diags d;

	check_tokens(buf, size);
	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	FUZZ_CHECK(gpupt_cmdline_parse(buf, size, &c, &d) >= 0);
	fuzz_check_parsed(&c, &d, NULL, data, size);
	for (unsigned i = 0; i < d.n; i++)
		FUZZ_CHECK(d.d[i].line == 0);
	fuzz_check_round_trip(&c);

	gpupt_config_init(&conf);
	conf.n_ids = 1;
	gpupt_config_merge(&c, &conf, &merged);
	if (c.off)
		FUZZ_CHECK(merged.off && merged.n_ids == 0 && merged.n_addrs == 0);
	else if (c.n_ids || c.n_addrs)
		FUZZ_CHECK(merged.n_ids == c.n_ids && merged.n_addrs == c.n_addrs);
	else
		FUZZ_CHECK(merged.n_ids == 1);
	return 0;
}
