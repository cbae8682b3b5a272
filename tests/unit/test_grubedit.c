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
#include "tests/unit/fixture_file.h"

#define FIX "tests/fixtures/host/"
#define ADDRS "gpupt.addrs=0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc"

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

	out[0] = '\0';
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
	assert_int_equal(edit_str("echo \\", out, sizeof(out), &line), -ENOTSUP);
	/* A continuation joins the lines as sh does: both are assignments. */
	edit_str("X=1 \\", out, sizeof(out), &line);
	assert_string_equal(out, "X=1 \\\nGRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"");
}

static void test_export(void **state)
{
	char out[512];
	bool line;

	(void)state;
	/* The exported assignment is the last one: it is edited, the plain one before it not. */
	roundtrip("grub-export.default", "\"quiet splash\"",
		  "\"quiet splash intel_iommu=on iommu=pt " ADDRS "\"", false, all3);
	edit_str("export GRUB_CMDLINE_LINUX_DEFAULT='q'\n", out, sizeof(out), &line);
	assert_string_equal(out, "export GRUB_CMDLINE_LINUX_DEFAULT='q iommu=pt'\n");
	assert_false(line);
	/* A plain assignment after the export counts; so does one after other assignments. */
	edit_str("export GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"b\"\n", out,
		 sizeof(out), &line);
	assert_string_equal(out, "export GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\n"
				 "GRUB_CMDLINE_LINUX_DEFAULT=\"b iommu=pt\"\n");
	edit_str("X=1 GRUB_CMDLINE_LINUX_DEFAULT=\"b\"\n", out, sizeof(out), &line);
	assert_string_equal(out, "X=1 GRUB_CMDLINE_LINUX_DEFAULT=\"b iommu=pt\"\n");
	/* "export NAME" alone assigns nothing; an argument of another command is no assignment. */
	edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nexport GRUB_CMDLINE_LINUX_DEFAULT\n"
		 "echo GRUB_CMDLINE_LINUX_DEFAULT=\"c\"\n", out, sizeof(out), &line);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"a iommu=pt\"\n"
				 "export GRUB_CMDLINE_LINUX_DEFAULT\necho GRUB_CMDLINE_LINUX_DEFAULT=\"c\"\n");
	assert_true(gpupt_grub_has("export GRUB_CMDLINE_LINUX=\"boot=zfs\"", 36, "GRUB_CMDLINE_LINUX",
				   "boot=zfs"));
	/* An export line is never taken for the line an edit added. */
	{
		static const char in[] = "export GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n";
		struct gpupt_tokens none = { .n = 0 };
		char back[128];
		long m = gpupt_grub_revert(in, sizeof(in) - 1, GPUPT_GRUB_VAR, &none, true, back,
					   sizeof(back));
		assert_int_equal(m, (long)sizeof(in) - 1);
	}
}

/* $(...) and `...` in the value: what sh puts there is not known; refused. */
static void test_command_substitution(void **state)
{
	static const char *const refused[] = {
		"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $(cat /etc/kernel-args)\"\n",
		"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet `cat /etc/kernel-args`\"\n",
		"GRUB_CMDLINE_LINUX_DEFAULT=$(cat /etc/kernel-args)\n",
		"export GRUB_CMDLINE_LINUX_DEFAULT=\"$(echo \"$(echo \")\")\" quiet)\"\n",
		"GRUB_CMDLINE_LINUX_DEFAULT=\"${X:-$(date)}\"\n",
		"GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"$((1+2))\"\n",
	};
	char out[512];
	bool line;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(edit_str(refused[i], out, sizeof(out), &line), -ENOEXEC);
	/* In single quotes it is text, not a substitution. */
	edit_str("GRUB_CMDLINE_LINUX_DEFAULT='a $(b)'\n", out, sizeof(out), &line);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT='a $(b) iommu=pt'\n");
	/* An earlier value with a substitution is replaced by the last one: that one is edited. */
	edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"$(x)\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"q\"\n", out,
		 sizeof(out), &line);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"$(x)\"\n"
				 "GRUB_CMDLINE_LINUX_DEFAULT=\"q iommu=pt\"\n");
}

/*
 * Another variable's substitution, nested, with quotes, comments and text
 * that looks like an assignment inside it: all of it belongs to that
 * variable, as sh reads it, and the real assignment is the one edited.
 */
static void test_substitution_elsewhere(void **state)
{
	char out[512];
	bool line;

	(void)state;
	edit_str("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		 "X=\"$(printf '%s' \"a\nGRUB_CMDLINE_LINUX_DEFAULT='b'\n\")\"\n", out, sizeof(out), &line);
	assert_string_equal(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n"
				 "X=\"$(printf '%s' \"a\nGRUB_CMDLINE_LINUX_DEFAULT='b'\n\")\"\n");
	edit_str("X=\"$(echo a # say \"hi\n)\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", out,
		 sizeof(out), &line);
	assert_string_equal(out, "X=\"$(echo a # say \"hi\n)\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n");
	edit_str("X=$(echo $(echo \")\") `echo \\`date\\``)\nGRUB_CMDLINE_LINUX_DEFAULT=\"q\"\n", out,
		 sizeof(out), &line);
	assert_string_equal(out, "X=$(echo $(echo \")\") `echo \\`date\\``)\n"
				 "GRUB_CMDLINE_LINUX_DEFAULT=\"q iommu=pt\"\n");
	/* Unclosed, and nested deeper than anyone writes: refused, never read past the end. */
	assert_int_equal(edit_str("X=\"$(echo\nGRUB_CMDLINE_LINUX_DEFAULT=\"q\"\n", out, sizeof(out),
				  &line), -EINVAL);
	{
		char deep[400] = "X=";
		for (int i = 0; i < 100; i++)
			strcat(deep, "$(");
		strcat(deep, "\nGRUB_CMDLINE_LINUX_DEFAULT=\"q\"\n");
		assert_true(edit_str(deep, out, sizeof(out), &line) < 0);
	}
}

/* Does the last assignment add to the value before it?  Also for values find refuses. */
static void test_appends(void **state)
{
	static const struct {
		const char *in;
		size_t ref;
	} cases[] = {
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT x\"", 27 },
		{ "export GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} $(x)\"", 29 },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=$GRUB_CMDLINE_LINUX_DEFAULT", 27 },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULTS x\"", 0 },
		{ "GRUB_CMDLINE_LINUX_DEFAULT='$GRUB_CMDLINE_LINUX_DEFAULT x'", 0 },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"x $GRUB_CMDLINE_LINUX_DEFAULT\"", 0 },
		{ "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT x", 0 },	/* unclosed */
		{ "X=1", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(gpupt_grub_appends(cases[i].in, strlen(cases[i].in), GPUPT_GRUB_VAR),
				 cases[i].ref);
	/* GRUB_CMDLINE_LINUX is not GRUB_CMDLINE_LINUX_DEFAULT. */
	assert_int_equal(gpupt_grub_appends("GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX_DEFAULT\"", 47,
					    "GRUB_CMDLINE_LINUX"), 0);
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
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_command_substitution),
		cmocka_unit_test(test_substitution_elsewhere),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
