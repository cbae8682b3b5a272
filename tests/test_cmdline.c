// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline/cmdline.h"

static void test_basic(void **state)
{
	(void)state;
	static const char line[] = "ro quiet gpupt.ids=10de:1381,10de:0fbc gpupt.debug\n";
	struct gpupt_config c;
	struct gpupt_diags d;

	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	assert_int_equal(gpupt_cmdline_parse(line, strlen(line), &c, &d), 2);
	assert_int_equal(c.n_ids, 2);
	assert_int_equal(c.ids[1].device, 0x0fbc);
	assert_int_equal(c.debug, 1);
	assert_int_equal(d.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
