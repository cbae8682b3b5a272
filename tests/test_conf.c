// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"

static void test_basic(void **state)
{
	(void)state;
	static const char text[] = "# c\nids = 10de:1381\r\naddrs = \"0000:01:00.0=10de:1381\" # x\n";
	struct gpupt_config c;
	struct gpupt_diags d;

	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	assert_int_equal(gpupt_conf_parse(text, strlen(text), &c, &d), 2);
	assert_int_equal(c.n_ids, 1);
	assert_int_equal(c.n_addrs, 1);
	assert_true(c.addrs[0].has_fingerprint);
	assert_int_equal(d.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
