// SPDX-License-Identifier: MIT
/* The /etc/kernel/cmdline token editor: exact outputs, and undo gives the original back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host/formats/kcmdline.h"
#include "lib/macro.h"

static const char pve[] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n";

static struct gpupt_tokens toks(const char *a, const char *b, const char *c)
{
	struct gpupt_tokens t = { .n = 0 };
	const char *v[] = { a, b, c };

	for (int i = 0; i < 3; i++)
		if (v[i])
			gpupt_tokens_add(&t, v[i]);
	return t;
}

static long edit(const char *in, const struct gpupt_tokens *add, const struct gpupt_tokens *del,
		 bool *added, char *out, size_t size)
{
	long n = gpupt_kcmdline_edit_file(in, strlen(in), add, del, added, out, size);

	if (n >= 0 && (size_t)n < size)
		out[n] = '\0';
	return n;
}

static void test_append_and_undo(void **state)
{
	struct gpupt_tokens add = toks("intel_iommu=on", "iommu=pt", "gpupt.addrs=0000:01:00.0=10de:1381");
	bool added[3];
	char out[256], back[256];
	static const char want[] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt "
				   "gpupt.addrs=0000:01:00.0=10de:1381\n";

	(void)state;
	assert_int_equal(edit(pve, &add, NULL, added, out, sizeof(out)), (long)strlen(want));
	assert_string_equal(out, want);
	assert_true(added[0] && added[1] && added[2]);
	assert_int_equal(edit(out, NULL, &add, NULL, back, sizeof(back)), (long)strlen(pve));
	assert_string_equal(back, pve);
}

static void test_user_token_kept_not_ours(void **state)
{
	struct gpupt_tokens add = toks("intel_iommu=on", "iommu=pt", NULL);
	struct gpupt_tokens ours = toks("iommu=pt", NULL, NULL);
	const char *in = "root=ZFS=rpool/ROOT/pve-1 intel_iommu=on boot=zfs";
	bool added[2];
	char out[256], back[256];

	(void)state;
	edit(in, &add, NULL, added, out, sizeof(out));
	assert_string_equal(out, "root=ZFS=rpool/ROOT/pve-1 intel_iommu=on boot=zfs iommu=pt");
	assert_false(added[0]);
	assert_true(added[1]);
	/* Undo removes only ours: the user's intel_iommu=on stays. */
	edit(out, NULL, &ours, NULL, back, sizeof(back));
	assert_string_equal(back, in);
}

static void test_second_edit_changes_nothing(void **state)
{
	struct gpupt_tokens add = toks("iommu=pt", "gpupt.addrs=0000:01:00.0", NULL);
	bool added[2];
	char once[256], twice[256];

	(void)state;
	edit(pve, &add, NULL, added, once, sizeof(once));
	edit(once, &add, &add, added, twice, sizeof(twice));
	assert_string_equal(twice, once);
	assert_true(added[0] && added[1]);	/* still ours */
}

static void test_replace_own_token(void **state)
{
	struct gpupt_tokens v1 = toks("iommu=pt", "gpupt.addrs=0000:01:00.0", NULL);
	struct gpupt_tokens v2 = toks("iommu=pt", "gpupt.addrs=0000:03:00.0", NULL);
	char a[256], b[256], c[256];

	(void)state;
	edit("quiet", &v1, NULL, NULL, a, sizeof(a));
	edit(a, &v2, &v1, NULL, b, sizeof(b));
	assert_string_equal(b, "quiet iommu=pt gpupt.addrs=0000:03:00.0");
	edit(b, NULL, &v2, NULL, c, sizeof(c));
	assert_string_equal(c, "quiet");
}

static void test_empty_and_odd_spacing(void **state)
{
	struct gpupt_tokens add = toks("a=1", "b=2", NULL);
	const char *cases[] = { "", "\n", "  x  \n", "\tx\ty", "x\n2nd line stays\n" };
	char out[256], back[256];

	(void)state;
	edit("", &add, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "a=1 b=2");
	edit("  x  \n", &add, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "  x   a=1 b=2\n");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		edit(cases[i], &add, NULL, NULL, out, sizeof(out));
		edit(out, NULL, &add, NULL, back, sizeof(back));
		assert_string_equal(back, cases[i]);
	}
}

static void test_quotes(void **state)
{
	struct gpupt_tokens add = toks("iommu=pt", NULL, NULL);
	char out[256];

	(void)state;
	/* Inside quotes it is not a token of its own: append. */
	edit("x=\"iommu=pt y\"", &add, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "x=\"iommu=pt y\" iommu=pt");
	/* An open quote would swallow what is appended: refused. */
	assert_int_equal(edit("x=\"open", &add, NULL, NULL, out, sizeof(out)), -EINVAL);
	assert_true(gpupt_kcmdline_has("a \"b c\" d", 0, 9, "d"));
	assert_false(gpupt_kcmdline_has("a \"b c\" d", 0, 9, "c\""));
}

static void test_small_buffer(void **state)
{
	struct gpupt_tokens add = toks("iommu=pt", NULL, NULL);
	char out[8];

	(void)state;
	assert_int_equal(edit(pve, &add, NULL, NULL, out, sizeof(out)), -ENOSPC);
}

/* kernel-install reads every line: tokens anywhere count, new ones go after the last. */
/* The kernel gives what follows a bare "--" to init: gpupt's tokens go before it. */
static void test_before_init_args(void **state)
{
	struct gpupt_tokens add = toks("iommu=pt", "gpupt.addrs=0000:01:00", NULL);
	char out[256], back[256];
	bool added[2];
	long n;

	(void)state;
	edit("root=/dev/sda1 ro -- single iommu=pt\n", &add, NULL, added, out, sizeof(out));
	assert_string_equal(out, "root=/dev/sda1 ro iommu=pt gpupt.addrs=0000:01:00 -- single iommu=pt\n");
	assert_true(added[0]); /* the iommu=pt after "--" is init's argument, not the kernel's */
	n = edit(out, NULL, &add, NULL, back, sizeof(back));
	assert_int_equal(n, (long)strlen("root=/dev/sda1 ro -- single iommu=pt\n"));
	assert_string_equal(back, "root=/dev/sda1 ro -- single iommu=pt\n");

	edit("-- x\n", &add, NULL, added, out, sizeof(out));
	assert_string_equal(out, "iommu=pt gpupt.addrs=0000:01:00 -- x\n");
	edit(out, NULL, &add, NULL, back, sizeof(back));
	assert_string_equal(back, "-- x\n");

	/* Three at the start: the middle one must not leave its blank behind. */
	{
		struct gpupt_tokens three = toks("a=1", "b=2", "c=3");
		bool added3[3];

		edit("-- -- s\n", &three, NULL, added3, out, sizeof(out));
		assert_string_equal(out, "a=1 b=2 c=3 -- -- s\n");
		edit(out, NULL, &three, NULL, back, sizeof(back));
		assert_string_equal(back, "-- -- s\n");
		edit("a=1 b=2 c=3 x\n", NULL, &three, NULL, back, sizeof(back));
		assert_string_equal(back, "x\n");
		/* A tab before the "--" stays a tab. */
		edit("ro\t-- s\n", &three, NULL, added3, out, sizeof(out));
		assert_string_equal(out, "ro\ta=1 b=2 c=3 -- s\n");
		edit(out, NULL, &three, NULL, back, sizeof(back));
		assert_string_equal(back, "ro\t-- s\n");
	}

	/* A "--" inside a value, or glued to a word, is no separator. */
	edit("a=-- b--\n", &add, NULL, added, out, sizeof(out));
	assert_string_equal(out, "a=-- b-- iommu=pt gpupt.addrs=0000:01:00\n");
}

static void test_edit_all_lines(void **state)
{
	struct gpupt_tokens add = toks("intel_iommu=on", "iommu=pt", "gpupt.addrs=0000:01:00.0=10de:1381");
	static const char in[] = "root=/dev/sda2 ro\nquiet iommu=pt\n\n";
	static const char want[] = "root=/dev/sda2 ro\nquiet iommu=pt intel_iommu=on "
				   "gpupt.addrs=0000:01:00.0=10de:1381\n\n";
	bool added[3];
	char out[256], back[256];
	long n;

	(void)state;
	n = gpupt_kcmdline_edit_all(in, strlen(in), &add, NULL, added, out, sizeof(out) - 1);
	assert_int_equal(n, (long)strlen(want));
	out[n] = '\0';
	assert_string_equal(out, want);
	/* The user's iommu=pt on the second line is theirs. */
	assert_true(added[0] && !added[1] && added[2]);
	add.tok[1] = add.tok[2];
	add.n = 2;
	n = gpupt_kcmdline_edit_all(out, (size_t)n, NULL, &add, NULL, back, sizeof(back) - 1);
	assert_int_equal(n, (long)strlen(in));
	back[n] = '\0';
	assert_string_equal(back, in);
}

static long join(const char *in, bool proc, char *out, size_t size)
{
	return gpupt_kcmdline_join(in, strlen(in), proc, out, size);
}

/* As 90-loaderentry.install: tr -s "$IFS" ' ', one trailing space dropped; /proc without the loader's words. */
static void test_join_as_kernel_install(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(join("root=/dev/sda2 ro\n\tquiet  splash\n", false, out, sizeof(out)), 30);
	assert_string_equal(out, "root=/dev/sda2 ro quiet splash");
	assert_int_equal(join(" \n", false, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* tr keeps one leading space, and does not know quotes. */
	join("  a=\"x  y\"\n", false, out, sizeof(out));
	assert_string_equal(out, " a=\"x y\"");
	join("BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/sda2 initrd=\\a\\initrd.img ro "
	     "xinitrd=1 quiet\n",
	     true, out, sizeof(out));
	assert_string_equal(out, "root=/dev/sda2 ro xinitrd=1 quiet");
	assert_int_equal(join("root=/dev/sda2 ro", false, out, 17), -ENOSPC);
	assert_int_equal(join("root=/dev/sda2 ro", false, out, 18), 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_undo),
		cmocka_unit_test(test_user_token_kept_not_ours),
		cmocka_unit_test(test_second_edit_changes_nothing),
		cmocka_unit_test(test_replace_own_token),
		cmocka_unit_test(test_empty_and_odd_spacing),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_before_init_args),
		cmocka_unit_test(test_edit_all_lines),
		cmocka_unit_test(test_join_as_kernel_install),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
