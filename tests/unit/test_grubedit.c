// SPDX-License-Identifier: MIT
/*
 * The /etc/default/grub editor on real-world files: exact contents after an
 * edit (one value changed, every other byte kept) and after the undo.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/formats/grubedit.h"

#define FIX "tests/fixtures/host/"
#define ADDRS "gpupt.addrs=0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(65536);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* in with the first occurrence of from replaced by to (which must exist). */
static char *replaced(const char *in, const char *from, const char *to)
{
	const char *at = strstr(in, from);
	char *out = malloc(strlen(in) + strlen(to) + 1);

	assert_non_null(at);
	sprintf(out, "%.*s%s%s", (int)(at - in), in, to, at + strlen(from));
	return out;
}

static struct gpupt_tokens want(void)
{
	struct gpupt_tokens t = { .n = 0 };

	gpupt_tokens_add(&t, "intel_iommu=on");
	gpupt_tokens_add(&t, "iommu=pt");
	gpupt_tokens_add(&t, ADDRS);
	return t;
}

/* Edit fixture name; compare with expect; undo and compare with the original. */
static void roundtrip(const char *name, const char *from, const char *to, bool want_line_added,
		      const bool *want_added)
{
	struct gpupt_tokens add = want(), ours = { .n = 0 };
	char path[256], out[65536], back[65536];
	bool added[GPUPT_TOKENS_MAX], line_added;
	size_t len;
	long n, m;

	snprintf(path, sizeof(path), FIX "%s", name);
	char *orig = slurp(path, &len);
	char *expect = from ? replaced(orig, from, to) : NULL;
	if (!from) {
		expect = malloc(len + strlen(to) + 1);
		sprintf(expect, "%s%s", orig, to);
	}
	n = gpupt_grub_edit(orig, len, GPUPT_GRUB_VAR, &add, NULL, added, &line_added, out,
			    sizeof(out) - 1);
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out, expect);
	assert_int_equal(line_added, want_line_added);
	for (size_t i = 0; i < add.n; i++) {
		assert_int_equal(added[i], want_added[i]);
		if (added[i])
			gpupt_tokens_add(&ours, add.tok[i]);
	}
	m = gpupt_grub_revert(out, (size_t)n, GPUPT_GRUB_VAR, &ours, line_added, back, sizeof(back));
	assert_int_equal(m, (long)len);
	assert_memory_equal(back, orig, len);
	free(orig);
	free(expect);
}

static const bool all3[] = { true, true, true };

static void test_debian12(void **state)
{
	(void)state;
	roundtrip("grub-debian12.default", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt " ADDRS "\"\n", false,
		  all3);
}

static void test_pve8(void **state)
{
	(void)state;
	roundtrip("grub-pve8.default", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt " ADDRS "\"\n", false,
		  all3);
}

static void test_continued_user_tokens(void **state)
{
	static const bool added[] = { false, true, true };

	(void)state;
	/* The user's intel_iommu=on stays theirs; the commented-out line is not touched. */
	roundtrip("grub-continued.default", "acpi_osi=\\\"Windows 2020\\\"\"\n",
		  "acpi_osi=\\\"Windows 2020\\\" iommu=pt " ADDRS "\"\n", false, added);
}

static void test_missing_variable(void **state)
{
	(void)state;
	roundtrip("grub-missing.default", NULL,
		  "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt " ADDRS "\"\n", true, all3);
}

static void test_single_quotes(void **state)
{
	(void)state;
	roundtrip("grub-single.default", "'quiet splash'",
		  "'quiet splash intel_iommu=on iommu=pt " ADDRS "'", false, all3);
}

static long edit_str(const char *in, char *out, size_t size, bool *line_added)
{
	struct gpupt_tokens add = { .n = 0 };
	long n;

	gpupt_tokens_add(&add, "iommu=pt");
	n = gpupt_grub_edit(in, strlen(in), GPUPT_GRUB_VAR, &add, NULL, NULL, line_added, out,
			    size - 1);
	if (n >= 0)
		out[n] = '\0';
	return n;
}

static void test_shell_shapes(void **state)
{
	char out[512];
	bool line;

	(void)state;
	/* The last assignment counts, as in the shell. */
	edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"b\"\n", out,
		 sizeof(out), &line);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"b iommu=pt\"\n");
	/* Text inside another variable's multi-line string is not an assignment. */
	edit_str("X=\"\nGRUB_CMDLINE_LINUX_DEFAULT=\\\"no\\\"\n\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
		 out, sizeof(out), &line);
	assert_string_equal(out, "X=\"\nGRUB_CMDLINE_LINUX_DEFAULT=\\\"no\\\"\n\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"\n");
	/* No newline at the end: the added line has none either. */
	edit_str("GRUB_TIMEOUT=5", out, sizeof(out), &line);
	assert_string_equal(out, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"");
	assert_true(line);
	/* Shapes it will not guess at. */
	assert_int_equal(edit_str("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", out, sizeof(out), &line), -ENOTSUP);
	assert_int_equal(edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"$X\"' y'\n", out, sizeof(out), &line), -ENOTSUP);
	assert_int_equal(edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"open\n", out, sizeof(out), &line), -EINVAL);
	assert_int_equal(edit_str("X=1 \\", out, sizeof(out), &line), -ENOTSUP);
}

static void test_has(void **state)
{
	size_t len;
	char *buf = slurp(FIX "grub-pve8.default", &len);

	(void)state;
	assert_true(gpupt_grub_has(buf, len, "GRUB_CMDLINE_LINUX", "boot=zfs"));
	assert_false(gpupt_grub_has(buf, len, GPUPT_GRUB_VAR, "boot=zfs"));
	assert_true(gpupt_grub_has(buf, len, GPUPT_GRUB_VAR, "quiet"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12),
		cmocka_unit_test(test_pve8),
		cmocka_unit_test(test_continued_user_tokens),
		cmocka_unit_test(test_missing_variable),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_shell_shapes),
		cmocka_unit_test(test_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
