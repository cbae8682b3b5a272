/* SPDX-License-Identifier: MIT */
/*
 * Invariants shared by the cmdline and conf fuzzers: capacities hold, every
 * diagnostic points into the input and formats to one safe line, and every
 * parsed config writes out as conf text that reads back equal.
 */
#ifndef GPUPT_FUZZ_CHECK_H
#define GPUPT_FUZZ_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "selection/selection.h"
#include "tests/fuzz/fuzz.h"

FUZZ_HARNESS
static void fuzz_check_slice(const char *p, size_t len, const uint8_t *data, size_t size)
{
	const char *base = (const char *)data;

	if (!p) {
		FUZZ_CHECK(len == 0);
		return;
	}
	FUZZ_CHECK(p >= base && len <= size && p + len <= base + size);
}

/* One line of printable ASCII, the same text in a small buffer as a prefix. */
FUZZ_HARNESS
static void fuzz_check_diag(const struct gpupt_diag *d, const char *origin)
{
	char full[1024], small[40];
	int n = gpupt_diag_format(d, origin, full, sizeof(full));
	int m = gpupt_diag_format(d, origin, small, sizeof(small));

	FUZZ_CHECK(n > 0 && (size_t)n == strlen(full));
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(full[i] >= 0x20 && full[i] < 0x7f);
	if (n < (int)sizeof(small))
		FUZZ_CHECK(m == n && !strcmp(small, full));
	else
		FUZZ_CHECK(m == -ENOSPC && strlen(small) == sizeof(small) - 1 &&
			   !memcmp(small, full, sizeof(small) - 1));
}

FUZZ_HARNESS
static void fuzz_check_parsed(const struct gpupt_config *c, const struct gpupt_diags *d,
			      const char *origin, const uint8_t *data, size_t size)
{
	FUZZ_CHECK(c->n_ids <= GPUPT_MAX_IDS && c->n_addrs <= GPUPT_MAX_ADDRS);
	FUZZ_CHECK(d->n <= GPUPT_MAX_DIAGS);
	FUZZ_CHECK(c->debug >= -1 && c->debug <= 1);
	FUZZ_CHECK(c->fb == GPUPT_FB_UNSET || c->fb == GPUPT_FB_RELEASE || c->fb == GPUPT_FB_KEEP);
	FUZZ_CHECK(!c->driver[0] || !gpupt_check_driver_name(c->driver, strlen(c->driver)));
	for (unsigned i = 0; i < c->n_addrs; i++)
		FUZZ_CHECK(c->addrs[i].slot <= 0x1f && c->addrs[i].func <= 7);
	for (unsigned i = 0; i < d->n; i++) {
		fuzz_check_slice(d->d[i].key, d->d[i].key_len, data, size);
		fuzz_check_slice(d->d[i].entry, d->d[i].entry_len, data, size);
		fuzz_check_diag(&d->d[i], origin);
	}
}

/*
 * Write as conf text, read back: equal, no complaints, and the same text
 * again.  The outcome depends on the config alone, so a config equal byte
 * for byte to the one checked just before is not checked again: most
 * mutations leave the parsed config as it was, and the round trip of a full
 * config costs more than parsing the input did.
 */
FUZZ_HARNESS
static void fuzz_check_round_trip(const struct gpupt_config *c)
{
	static char text[8192], again[8192];
	static struct gpupt_config last;
	static bool have_last;
	struct gpupt_config back;
	struct gpupt_diags d;
	int n;

	if (have_last && !memcmp(c, &last, sizeof(last)))
		return;
	last = *c;
	have_last = true;
	n = gpupt_conf_write(c, text, sizeof(text));
	if (c->off) {
		FUZZ_CHECK(n == -EINVAL);
		return;
	}
	FUZZ_CHECK(n > 0 && n < GPUPT_CONF_WRITE_MAX && (size_t)n == strlen(text));
	gpupt_config_init(&back);
	gpupt_diags_init(&d);
	gpupt_conf_parse(text, (size_t)n, &back, &d);
	FUZZ_CHECK(d.n == 0 && gpupt_config_equal(c, &back));
	FUZZ_CHECK(gpupt_conf_write(&back, again, sizeof(again)) == n && !memcmp(text, again, (size_t)n));
}

#endif
