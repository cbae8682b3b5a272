// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the PVE PCI mapping editor (/etc/pve/mapping/pci.cfg):
 * on any text, an edit that sets a node's entries to what they are returns
 * the input bytes; an edit that changes them leaves exactly the new entries
 * for that node, every other map entry as it was, and is a no-op the
 * second time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/pvemap.h"
#include "tests/fuzz/fuzz.h"

enum { MAX_OWN = 8 };

/* The mapping and node the edit is about: from the input when it has them. */
FUZZ_HARNESS
static void pick(const struct gpupt_pvemap_info *info, char *name, char *node)
{
	struct gpupt_pvemap_slice v;

	strcpy(name, "gpu");
	strcpy(node, "pve1");
	if (info->n_sections && info->sections[0].len < GPUPT_PVEMAP_NAME_MAX) {
		memcpy(name, info->sections[0].s, info->sections[0].len);
		name[info->sections[0].len] = '\0';
		if (!gpupt_pvemap_name_ok(name))
			strcpy(name, "gpu");
	}
	if (info->n_maps && gpupt_pvemap_get(info->maps[0].value.s, info->maps[0].value.len, "node", &v) &&
	    v.len < GPUPT_PVEMAP_NODE_MAX) {
		memcpy(node, v.s, v.len);
		node[v.len] = '\0';
		if (!gpupt_pvemap_node_ok(node))
			strcpy(node, "pve1");
	}
}

/* How many map values of mapping name belong to node (n_other: to any other node). */
FUZZ_HARNESS
static unsigned count_own(const struct gpupt_pvemap_info *info, const char *name, const char *node,
			  char own[][GPUPT_PVEMAP_VALUE_MAX], unsigned *n_other, bool *copyable)
{
	int sec = gpupt_pvemap_find(info, name);
	unsigned n = 0;

	*n_other = 0;
	*copyable = true;
	for (unsigned i = 0; i < info->n_maps; i++) {
		const struct gpupt_pvemap_slice *v = &info->maps[i].value;
		struct gpupt_pvemap_slice nv;
		bool mine = (int)info->maps[i].section == sec &&
			    gpupt_pvemap_get(v->s, v->len, "node", &nv) && nv.len == strlen(node) &&
			    memcmp(nv.s, node, nv.len) == 0;

		if (!mine) {
			(*n_other)++;
			continue;
		}
		if (n < MAX_OWN && v->len < GPUPT_PVEMAP_VALUE_MAX && !memchr(v->s, '\0', v->len)) {
			memcpy(own[n], v->s, v->len);
			own[n][v->len] = '\0';
		} else {
			*copyable = false;
		}
		n++;
	}
	return n;
}

FUZZ_HARNESS
static void check_changed(const char *out, size_t n, const char *name, const char *node, const char *value,
			  unsigned others_before, char *again, size_t cap)
{
	static struct gpupt_pvemap_info after;
	static char own[MAX_OWN][GPUPT_PVEMAP_VALUE_MAX];
	const char *vals[] = { value };
	unsigned others, n_own;
	bool copyable;

	if (gpupt_pvemap_scan(out, n, &after) == -E2BIG)
		return;
	n_own = count_own(&after, name, node, own, &others, &copyable);
	FUZZ_CHECK(gpupt_pvemap_find(&after, name) >= 0);
	FUZZ_CHECK(n_own == 1 && copyable && gpupt_pvemap_same(own[0], strlen(own[0]), value, strlen(value)));
	FUZZ_CHECK(others == others_before);
	FUZZ_CHECK(gpupt_pvemap_edit(out, n, name, node, vals, 1, again, cap) == (long)n);
	FUZZ_CHECK(memcmp(again, out, n) == 0);
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gpupt_pvemap_info info;
	static char own[MAX_OWN][GPUPT_PVEMAP_VALUE_MAX];
	char name[GPUPT_PVEMAP_NAME_MAX], node[GPUPT_PVEMAP_NODE_MAX], value[GPUPT_PVEMAP_VALUE_MAX];
	const char *in = (const char *)data, *vals[MAX_OWN];
	struct gpupt_pvemap_entry e = { "0000:01:00", 0x10de, 0x1381, 0x1043, 0x8416, (int)(size % 40) - 1 };
	size_t cap = 2 * size + 2 * GPUPT_PVEMAP_VALUE_MAX + 16;
	char *out, *again;
	unsigned n_own, others;
	bool copyable;
	long n;

	if (size > 1 << 16 || gpupt_pvemap_scan(in, size, &info) < 0)
		return 0;
	pick(&info, name, node);
	n_own = count_own(&info, name, node, own, &others, &copyable);
	out = malloc(cap);
	again = malloc(cap);
	FUZZ_CHECK(out && again);
	/* The entries the node has already: the very same bytes back. */
	for (unsigned i = 0; i < n_own && i < MAX_OWN; i++)
		vals[i] = own[i];
	if (n_own <= MAX_OWN && copyable) {
		n = gpupt_pvemap_edit(in, size, name, node, vals, n_own, out, cap);
		FUZZ_CHECK(n == (long)size && memcmp(out, in, size) == 0);
	}
	/* One new entry: exactly it for the node, the rest kept, stable. */
	FUZZ_CHECK(gpupt_pvemap_format(&e, node, value, sizeof(value)) > 0);
	vals[0] = value;
	n = gpupt_pvemap_edit(in, size, name, node, vals, 1, out, cap);
	FUZZ_CHECK(n >= 0 || n == -E2BIG);
	if (n >= 0)
		check_changed(out, (size_t)n, name, node, value, others, again, cap);
	free(out);
	free(again);
	return 0;
}
