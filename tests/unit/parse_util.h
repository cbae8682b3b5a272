/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the parser tests (test_cmdline.c, test_conf.c): exact
 * heap copies of the input, and a config and diagnostic codes rendered as
 * text, so that a failing table case shows what was parsed.
 */
#ifndef GPUPT_TESTS_PARSE_UTIL_H
#define GPUPT_TESTS_PARSE_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "selection/selection.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * An exact-size heap copy of s: under SANITIZE=1, ASan then catches any
 * read past the length the parser was given.
 */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

/* "ids=A,B addrs=C driver=D debug=N fb=N off" with empty parts left out. */
static void render(const struct gpupt_config *c, char *out, size_t size)
{
	size_t n = 0;
	char one[64];

	out[0] = '\0';
	for (unsigned i = 0; i < c->n_ids; i++) {
		assert_true(gpupt_format_id(&c->ids[i], one, sizeof(one)) > 0);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "ids=", one);
	}
	for (unsigned i = 0; i < c->n_addrs; i++) {
		assert_true(gpupt_format_addr(&c->addrs[i], one, sizeof(one)) > 0);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : n ? " addrs=" : "addrs=", one);
	}
	if (c->driver[0])
		n += (size_t)snprintf(out + n, size - n, "%sdriver=%s", n ? " " : "", c->driver);
	if (c->debug >= 0)
		n += (size_t)snprintf(out + n, size - n, "%sdebug=%d", n ? " " : "", c->debug);
	if (c->fb != GPUPT_FB_UNSET)
		n += (size_t)snprintf(out + n, size - n, "%sfb=%d", n ? " " : "", c->fb);
	if (c->watchdog_sec)
		n += (size_t)snprintf(out + n, size - n, "%swatchdog=%s:%u", n ? " " : "", c->watchdog_module,
				      c->watchdog_sec);
	if (c->off)
		snprintf(out + n, size - n, "%soff", n ? " " : "");
}

/* "BAD_ID" for GPUPT_DIAG_BAD_ID, ... */
static const char *diag_code_name(enum gpupt_diag_code code)
{
	static const char *const names[] = {
		"BAD_ID", "BAD_ADDR", "BAD_FINGERPRINT", "BAD_DRIVER", "BAD_BOOL", "BAD_FB", "BAD_WATCHDOG",
		"EMPTY_VALUE", "UNKNOWN_KEY", "TOO_MANY_IDS", "TOO_MANY_ADDRS", "BAD_LINE",
		"UNCLOSED_QUOTE",
	};

	assert_true((unsigned)code < ARRAY_SIZE(names));
	return names[code];
}

#endif
