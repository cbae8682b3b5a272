// SPDX-License-Identifier: MIT
/*
 * gpupt --json enable / disable on a fixture root: the summary carries the
 * diff of every file the command changes (or would change, with --dry-run),
 * the same unified diff the text output shows; "" when nothing changes.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#define CONF_DIFF                                                                                  \
	"\"diff\":\"--- /dev/null\\n+++ b/etc/gpupt.conf\\n@@ -0,0 +1,5 @@\\n"                    \
	"+# gpupt configuration, written by `gpupt enable`.\\n"
#define DROPIN_DIFF                                                                                \
	"--- /dev/null\\n+++ b/etc/default/grub.d/gpupt.cfg\\n@@ -0,0 +1,2 @@\\n"                  \
	"+# Written by `gpupt enable`; `gpupt disable` removes it.\\n"                              \
	"+GRUB_CMDLINE_LINUX_DEFAULT=\\\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on iommu=pt " ADDRS \
	"\\\"\\n\"}\n"

static void test_dry_run_json_has_diff(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL);

	(void)state;
	f->h.json = true;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
	assert_snapshot(f, before, NULL);
	assert_non_null(strstr(f->out, "\"changed\":true,"));
	assert_non_null(strstr(f->out, "],"CONF_DIFF));
	assert_non_null(strstr(f->out, DROPIN_DIFF));
	free(before);
	free_fixture(f);
}

static void test_enable_disable_json_diff(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	f->h.json = true;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "\"dry_run\":false,\"changed\":true,"));
	assert_non_null(strstr(f->out, DROPIN_DIFF));
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "\"changed\":false,"));
	assert_non_null(strstr(f->out, "\"files\":[],\"diff\":\"\"}\n"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->out, "\"changed\":true,"));
	assert_non_null(strstr(f->out, "\"diff\":\"--- a/etc/gpupt.conf\\n+++ /dev/null\\n"));
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_json_has_diff),
		cmocka_unit_test(test_enable_disable_json_diff),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
