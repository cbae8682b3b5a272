// SPDX-License-Identifier: MIT
/*
 * The GRUB-file and /etc/kernel/cmdline editors: editing then reverting
 * must give back the original bytes, every token asked for must then stand
 * in the value as the editor reads it (the last assignment, exported or
 * not; the first line), and nothing may read past len.  The first byte
 * picks the tokens to add (a replaced token included).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/grubedit.h"
#include "host/formats/kcmdline.h"
#include "lib/macro.h"
#include "tests/fuzz/fuzz.h"

enum { MAX_IN = 1 << 16 };

static const char *const pool[] = {
	"intel_iommu=on", "iommu=pt", "gpupt.addrs=0000:01:00.0=10de:1381",
	"initcall_blacklist=sysfb_init", "video=efifb:off", "quiet",
};

FUZZ_HARNESS
static void pick(uint8_t mask, struct gpupt_tokens *t)
{
	t->n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(pool); i++)
		if (mask & (1u << i))
			gpupt_tokens_add(t, pool[i]);
}

/* Keep only the tokens an edit reports as ours. */
FUZZ_HARNESS
static void ours_of(const struct gpupt_tokens *add, const bool *added, struct gpupt_tokens *ours)
{
	ours->n = 0;
	for (size_t i = 0; i < add->n; i++)
		if (added[i])
			gpupt_tokens_add(ours, add->tok[i]);
}

FUZZ_HARNESS
static void check_grub(const char *in, size_t len, const struct gpupt_tokens *add, char *a, char *b,
		       size_t size)
{
	bool added[GPUPT_TOKENS_MAX], line_added;
	struct gpupt_tokens ours;
	long n = gpupt_grub_edit(in, len, GPUPT_GRUB_VAR, add, NULL, added, &line_added, a, size);

	if (n < 0)
		return;
	for (size_t i = 0; i < add->n; i++)
		if (!gpupt_grub_has(a, (size_t)n, GPUPT_GRUB_VAR, add->tok[i]))
			abort();
	ours_of(add, added, &ours);
	long m = gpupt_grub_revert(a, (size_t)n, GPUPT_GRUB_VAR, &ours, line_added, b, size);
	if (m != (long)len || memcmp(b, in, len) != 0)
		abort();
	/* A second edit with the same tokens changes nothing. */
	long again = gpupt_grub_edit(a, (size_t)n, GPUPT_GRUB_VAR, add, &ours, added, &line_added, b, size);
	if (again != n || memcmp(a, b, (size_t)n) != 0)
		abort();
}

FUZZ_HARNESS
static void check_kcmdline(const char *in, size_t len, const struct gpupt_tokens *add, char *a,
			   char *b, size_t size)
{
	bool added[GPUPT_TOKENS_MAX];
	struct gpupt_tokens ours;
	long n = gpupt_kcmdline_edit_file(in, len, add, NULL, added, a, size);
	const char *nl;

	if (n < 0)
		return;
	nl = memchr(a, '\n', (size_t)n);
	for (size_t i = 0; i < add->n; i++)
		if (!gpupt_kcmdline_has(a, 0, nl ? (size_t)(nl - a) : (size_t)n, add->tok[i]))
			abort();
	ours_of(add, added, &ours);
	long m = gpupt_kcmdline_edit_file(a, (size_t)n, NULL, &ours, NULL, b, size);
	if (m != (long)len || memcmp(b, in, len) != 0)
		abort();
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpupt_tokens add;
	size_t out_size;
	char *in, *a, *b;

	if (size < 1 || size > MAX_IN)
		return 0;
	pick(data[0], &add);
	size--;
	/* An exact-size copy lets the sanitizers see any read past len. */
	in = malloc(size ? size : 1);
	out_size = size + 512;
	a = malloc(out_size);
	b = malloc(out_size);
	if (in && a && b) {
		memcpy(in, data + 1, size);
		if (gpupt_grub_appends(in, size, GPUPT_GRUB_VAR) > size)
			abort();
		check_grub(in, size, &add, a, b, out_size);
		check_kcmdline(in, size, &add, a, b, out_size);
	}
	free(in);
	free(a);
	free(b);
	return 0;
}
