// SPDX-License-Identifier: MIT
/*
 * The /etc/pve/mapping/pci.cfg editor: a three-node cluster's file, exact
 * contents after each edit (this node's entries changed, every other byte
 * kept), and PVE's reading rules at their edges.
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

#include "host/formats/pvemap.h"
#include "lib/macro.h"
#include "tests/unit/fixture_file.h"

#define FIX "tests/fixtures/host/"
#define GPU_PVE1 "id=10de:1381,iommugroup=12,node=pve1,path=0000:01:00,subsystem-id=1043:8416"
#define GPU_PVE2 "id=10de:1381,iommugroup=12,node=pve2,path=0000:01:00,subsystem-id=1043:8416"

/* Edit text (NUL-terminated) for node; returns the result (static buffer). */
static const char *edit(const char *in, const char *name, const char *node, const char *const *v, unsigned n)
{
	static char out[8192];
	long r = gpupt_pvemap_edit(in, strlen(in), name, node, v, n, out, sizeof(out));

	if (r < 0)
		fail_msg("edit failed: %ld", r);
	assert_int_equal((size_t)r, strlen(out));
	return out;
}

/* pve2 joins mapping gpu: its entry goes after the mapping's last map line. */
static void test_three_nodes_add(void **state)
{
	const char *v[] = { GPU_PVE2 };
	size_t len, exp_len;
	char *in = slurp(FIX "pci-3node.cfg", &len), *exp = slurp(FIX "pci-3node.expected", &exp_len);
	char out[8192];
	long n;
	(void)state;

	n = gpupt_pvemap_edit(in, len, "gpu", "pve2", v, 1, out, sizeof(out));
	assert_int_equal(n, (long)exp_len);
	assert_memory_equal(out, exp, exp_len);
	/* Again on the result: nothing changes. */
	n = gpupt_pvemap_edit(exp, exp_len, "gpu", "pve2", v, 1, out, sizeof(out));
	assert_int_equal(n, (long)exp_len);
	assert_memory_equal(out, exp, exp_len);
	free(in);
	free(exp);
}

/* pve3's two entries (a comment between them) become one, where the first stood. */
static void test_three_nodes_replace(void **state)
{
	const char *v[] = { "id=10de:1381,iommugroup=40,node=pve3,path=0000:41:00,subsystem-id=1043:8416" };
	size_t len;
	char *in = slurp(FIX "pci-3node.cfg", &len);
	const char *out;
	(void)state;

	out = edit(in, "gpu", "pve3", v, 1);
	assert_string_equal(out,
			    "# GPUs of the cluster: edited in the web interface and by hand\n"
			    "gpu\n"
			    "\tmap " GPU_PVE1 "\n"
			    "\tmap id=10de:1381,iommugroup=40,node=pve3,path=0000:41:00,subsystem-id=1043:8416\n"
			    "\t# the spare card\n"
			    "\tdescription GTX 750 Ti, one per node\n"
			    "\tx-owner ops\n"
			    "\n"
			    "nic\n"
			    "\tmap id=8086:10d3,iommugroup=4,node=pve1,path=0000:04:00.0,subsystem-id=8086:a01f\n"
			    "\tmap id=8086:10d3,iommugroup=5,node=pve2,path=0000:05:00.0,subsystem-id=8086:a01f\n"
			    "\tmdev 0\n"
			    "\n");
	free(in);
}

/* A new mapping at the end, as PVE writes one; the others stay. */
static void test_three_nodes_new_mapping(void **state)
{
	const char *v[] = { GPU_PVE2, "id=10de:1381,iommugroup=14,node=pve2,path=0000:03:00,subsystem-id=1043:8416" };
	size_t len;
	char *in = slurp(FIX "pci-3node.cfg", &len);
	const char *out;
	(void)state;

	out = edit(in, "gpu-pool_2", "pve2", v, 2);
	assert_int_equal(strncmp(out, in, len), 0);
	assert_string_equal(out + len, "gpu-pool_2\n\tmap " GPU_PVE2 "\n"
				       "\tmap id=10de:1381,iommugroup=14,node=pve2,path=0000:03:00,"
				       "subsystem-id=1043:8416\n\n");
	free(in);
}

/* The same items in another order, or written with other blanks, are no change. */
static void test_unchanged_is_identity(void **state)
{
	static const char in[] = "gpu\r\n    map  node=pve1,path=0000:01:00,id=10de:1381,subsystem-id=1043:8416,"
				 "iommugroup=12  \r\n";
	const char *v[] = { GPU_PVE1 };
	(void)state;

	assert_string_equal(edit(in, "gpu", "pve1", v, 1), in);
	assert_string_equal(edit("", "gpu", "pve1", NULL, 0), "");
	assert_string_equal(edit("# only\n", "gpu", "pve1", NULL, 0), "# only\n");
}

/* Where a section ends decides where a new one may start. */
static void test_section_ends(void **state)
{
	const char *v[] = { GPU_PVE2 };
	(void)state;

	/* The file ends inside a section: an empty line first. */
	assert_string_equal(edit("nic\n\tmdev 1\n", "gpu", "pve2", v, 1),
			    "nic\n\tmdev 1\n\ngpu\n\tmap " GPU_PVE2 "\n\n");
	assert_string_equal(edit("nic\n\tmdev 1", "gpu", "pve2", v, 1),
			    "nic\n\tmdev 1\n\ngpu\n\tmap " GPU_PVE2 "\n\n");
	/* A line of blanks or a comment does not end it; "0" does (Perl's false). */
	assert_string_equal(edit("nic\n\tmdev 1\n \n", "gpu", "pve2", v, 1),
			    "nic\n\tmdev 1\n \n\ngpu\n\tmap " GPU_PVE2 "\n\n");
	assert_string_equal(edit("nic\n#x\n", "gpu", "pve2", v, 1), "nic\n#x\n\ngpu\n\tmap " GPU_PVE2 "\n\n");
	assert_string_equal(edit("nic\n0\n", "gpu", "pve2", v, 1), "nic\n0\ngpu\n\tmap " GPU_PVE2 "\n\n");
	/* Outside a section, comments and a missing newline. */
	assert_string_equal(edit("# c", "gpu", "pve2", v, 1), "# c\ngpu\n\tmap " GPU_PVE2 "\n\n");
	/* "gpu" inside another section is a line PVE ignores, not a mapping. */
	assert_string_equal(edit("nic\ngpu\n\tmap " GPU_PVE1 "\n", "gpu", "pve2", v, 1),
			    "nic\ngpu\n\tmap " GPU_PVE1 "\n\ngpu\n\tmap " GPU_PVE2 "\n\n");
}

/* Into an existing mapping: after its last map line, or its ID line; a last line without newline. */
static void test_insert_points(void **state)
{
	const char *v[] = { GPU_PVE2 };
	(void)state;

	assert_string_equal(edit("gpu\n\tdescription x\n", "gpu", "pve2", v, 1),
			    "gpu\n\tmap " GPU_PVE2 "\n\tdescription x\n");
	assert_string_equal(edit("gpu", "gpu", "pve2", v, 1), "gpu\n\tmap " GPU_PVE2 "\n");
	assert_string_equal(edit("gpu\n\tmap " GPU_PVE1, "gpu", "pve2", v, 1),
			    "gpu\n\tmap " GPU_PVE1 "\n\tmap " GPU_PVE2 "\n");
	/* The node's last entry removed. */
	assert_string_equal(edit("gpu\n\tmap " GPU_PVE2 "\n\tmdev 0\n", "gpu", "pve2", NULL, 0),
			    "gpu\n\tmdev 0\n");
}

/* A later section with the same ID is the one PVE keeps; an invalid ID's section is skipped. */
static void test_duplicates_and_invalid(void **state)
{
	const char *v[] = { GPU_PVE2 };
	static const char in[] = "gpu\n\tmap " GPU_PVE1 "\n\ngpu\n\tmdev 1\n";
	static const char two[] = "9gpu\n\tmap node=a\n\nok\n\tmap node=b\n";
	struct gpupt_pvemap_info info;
	(void)state;

	assert_string_equal(edit(in, "gpu", "pve2", v, 1), "gpu\n\tmap " GPU_PVE1 "\n\ngpu\n\tmap " GPU_PVE2
							   "\n\tmdev 1\n");
	assert_int_equal(gpupt_pvemap_scan(in, strlen(in), &info), 0);
	assert_int_equal(info.n_sections, 1);
	assert_int_equal(info.n_maps, 0);
	assert_int_equal(gpupt_pvemap_scan(two, strlen(two), &info), 0);
	assert_int_equal(info.n_sections, 1);
	assert_int_equal(info.n_maps, 1);
	assert_int_equal(gpupt_pvemap_find(&info, "ok"), 0);
	assert_int_equal(gpupt_pvemap_find(&info, "9gpu"), -1);
}

static void test_scan_three_nodes(void **state)
{
	struct gpupt_pvemap_info info;
	struct gpupt_pvemap_slice v;
	size_t len;
	char *in = slurp(FIX "pci-3node.cfg", &len);
	(void)state;

	assert_int_equal(gpupt_pvemap_scan(in, len, &info), 0);
	assert_int_equal(info.n_sections, 2);
	assert_int_equal(info.n_maps, 5);
	assert_int_equal(gpupt_pvemap_find(&info, "nic"), 1);
	assert_int_equal(info.maps[4].section, 1);
	assert_true(gpupt_pvemap_get(info.maps[2].value.s, info.maps[2].value.len, "path", &v));
	assert_int_equal(v.len, 10);
	assert_memory_equal(v.s, "0000:82:00", 10);
	assert_true(gpupt_pvemap_get(info.maps[0].value.s, info.maps[0].value.len, "id", &v));
	assert_memory_equal(v.s, "10de:1381,", 10);
	assert_false(gpupt_pvemap_get(info.maps[0].value.s, info.maps[0].value.len, "mdev", &v));
	free(in);
}

static void test_names(void **state)
{
	static const char *const good[] = { "gpu", "G1", "a-b_c", "x0" };
	static const char *const bad[] = { "", "g", "1gpu", "-gpu", "gpu 1", "gpu,x", "gpu=x", "gpu\n",
					   "gp/u", "gpü", "_gpu" };
	char longest[GPUPT_PVEMAP_NAME_MAX + 1];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(gpupt_pvemap_name_ok(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(gpupt_pvemap_name_ok(bad[i]));
	memset(longest, 'a', sizeof(longest));
	longest[GPUPT_PVEMAP_NAME_MAX - 1] = '\0';
	assert_true(gpupt_pvemap_name_ok(longest));
	longest[GPUPT_PVEMAP_NAME_MAX - 1] = 'a';
	longest[GPUPT_PVEMAP_NAME_MAX] = '\0';
	assert_false(gpupt_pvemap_name_ok(longest));
	assert_true(gpupt_pvemap_node_ok("pve1"));
	assert_true(gpupt_pvemap_node_ok("a"));
	assert_true(gpupt_pvemap_node_ok("node-2"));
	assert_false(gpupt_pvemap_node_ok("node-"));
	assert_false(gpupt_pvemap_node_ok("pve1.example.com"));
	assert_false(gpupt_pvemap_node_ok(""));
}

static void test_format_and_same(void **state)
{
	struct gpupt_pvemap_entry e = { "0000:01:00", 0x10de, 0x1381, 0x1043, 0x8416, 12 };
	char buf[256];
	(void)state;

	assert_int_equal(gpupt_pvemap_format(&e, "pve2", buf, sizeof(buf)), (int)strlen(GPU_PVE2));
	assert_string_equal(buf, GPU_PVE2);
	e.iommu_group = -1;
	assert_true(gpupt_pvemap_format(&e, "pve2", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "id=10de:1381,node=pve2,path=0000:01:00,subsystem-id=1043:8416");
	assert_int_equal(gpupt_pvemap_format(&e, "pve2", buf, 20), -ENOSPC);
	assert_int_equal(gpupt_pvemap_format(&e, "pve2.lan", buf, sizeof(buf)), -EINVAL);
	assert_true(gpupt_pvemap_same("a=1,b=2", 7, "b=2,a=1", 7));
	assert_false(gpupt_pvemap_same("a=1,b=2", 7, "a=1,b=3", 7));
	assert_false(gpupt_pvemap_same("a=1,a=1", 7, "a=1", 3));
	assert_false(gpupt_pvemap_same("a=1", 3, "a=1,a=1", 7));
	assert_false(gpupt_pvemap_same("a=1", 3, "", 0));
}

static void test_edit_refuses(void **state)
{
	const char *nl[] = { "node=pve2\n\tmdev 1" }, *blank[] = { " node=pve2" }, *empty[] = { "" };
	const char *v[] = { GPU_PVE2 };
	char out[64];
	(void)state;

	assert_int_equal(gpupt_pvemap_edit("", 0, "g", "pve2", v, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_pvemap_edit("", 0, "gpu", "pve2.lan", v, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_pvemap_edit("", 0, "gpu", "pve2", nl, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_pvemap_edit("", 0, "gpu", "pve2", blank, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_pvemap_edit("", 0, "gpu", "pve2", empty, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(gpupt_pvemap_edit("", 0, "gpu", "pve2", v, 1, out, sizeof(out)), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_nodes_add),
		cmocka_unit_test(test_three_nodes_replace),
		cmocka_unit_test(test_three_nodes_new_mapping),
		cmocka_unit_test(test_unchanged_is_identity),
		cmocka_unit_test(test_section_ends),
		cmocka_unit_test(test_insert_points),
		cmocka_unit_test(test_duplicates_and_invalid),
		cmocka_unit_test(test_scan_three_nodes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format_and_same),
		cmocka_unit_test(test_edit_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
