// SPDX-License-Identifier: MIT
/*
 * The trial's state file (host/formats/trialstate.c): version 2 with the
 * network of enable (route6, uplink) formats and parses back the same;
 * version 1, written before those lines, is still read; uplink lines that
 * are not a chain of names ending in a PCI function are refused.
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

#include "host/formats/trialstate.h"
#include "lib/sha256.h"

#define BODY(version, extra) \
	"gpupt-trial " version "\nstate pending\nid 1764648000\nchanged 1764648000\nminutes 10\n" \
	"loader grub\nentry boot/grub/grub.cfg\noneshot guaranteed\nselect 01:00\n" \
	"device 0000:01:00.0 vfio-pci\nroute vmbr0\n" extra

/* body and its end line, as gpupt writes the file. */
static char *sealed(const char *body)
{
	char sum[GPUPT_SHA256_HEX + 1], *text = malloc(strlen(body) + 6 + GPUPT_SHA256_HEX);

	assert_non_null(text);
	gpupt_sha256_hex(body, strlen(body), sum);
	sprintf(text, "%send %s\n", body, sum);
	return text;
}

static int parse(const char *body, struct gpupt_trial *t)
{
	char *text = sealed(body), why[160];
	int r = gpupt_trial_parse(text, strlen(text), t, why, sizeof(why));

	free(text);
	return r;
}

static void test_version_2_round_trip(void **state)
{
	static struct gpupt_trial t;
	char *text = sealed(BODY("2", "route6 vmbr0\nuplink vmbr0 bond0 enp3s0 0000:03:00.0\n"
				      "uplink vmbr0 bond0 enp4s0 0000:04:00.0\nuplink vmbr0 wlan0 -\n")),
	     out[8192], why[160];
	size_t n;

	(void)state;
	assert_int_equal(gpupt_trial_parse(text, strlen(text), &t, why, sizeof(why)), 0);
	assert_string_equal(t.route, "vmbr0");
	assert_string_equal(t.route6, "vmbr0");
	assert_int_equal(t.n_uplink, 3);
	assert_string_equal(t.uplink[0], "vmbr0 bond0 enp3s0 0000:03:00.0");
	assert_string_equal(t.uplink[2], "vmbr0 wlan0 -");
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	out[n] = '\0';
	assert_string_equal(out, text);
	free(text);
}

static void test_version_1_is_read(void **state)
{
	static struct gpupt_trial t;
	char out[8192];
	size_t n;

	(void)state;
	assert_int_equal(parse(BODY("1", ""), &t), 0);
	assert_string_equal(t.route, "vmbr0");
	assert_string_equal(t.route6, "");
	assert_int_equal(t.n_uplink, 0);
	/* Written back as version 2. */
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	assert_int_equal(strncmp(out, "gpupt-trial 2\n", 14), 0);
	assert_non_null(strstr(out, "\nroute6 -\n"));
	assert_int_equal(parse(BODY("3", ""), &t), -EBADMSG);
}

static void test_bad_uplinks(void **state)
{
	static const char *const bad[] = {
		"uplink enp3s0\n",		   /* no PCI function */
		"uplink vmbr0  enp3s0 -\n",	   /* two blanks */
		"uplink  vmbr0 enp3s0 -\n",	   /* a leading blank */
		"uplink vmbr0 enp3s0 - \n",	   /* a trailing one */
		"uplink vmbr0 enp3s0\t0000:03:00.0\n", /* a tab */
		"route6 \n",			   /* an empty interface */
		"route6 ../../x\n",		   /* no interface name */
		"uplink vmbr0 ../enp3s0 -\n",	   /* nor that */
		"uplink vmbr0 enp3s0 03:00.0\n",   /* the address cut */
		"uplink vmbr0 enp3s0 0000:03:00:0\n", /* misspelt */
	};
	static struct gpupt_trial t;
	char body[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), BODY("2", "%s"), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
	/* Eight uplinks at most. */
	snprintf(body, sizeof(body), BODY("2", "%s"), "");
	for (int i = 0; i < 9; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "uplink vmbr0 eth%d -\n", i);
	assert_int_equal(parse(body, &t), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_2_round_trip),
		cmocka_unit_test(test_version_1_is_read),
		cmocka_unit_test(test_bad_uplinks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
