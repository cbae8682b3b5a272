// SPDX-License-Identifier: MIT
/*
 * The trial's state file (host/formats/trialstate.c): version 3, with each
 * other function's class and the network of enable (route6, uplink),
 * formats and parses back the same; versions 1 and 2, written before those,
 * are still read; `before` lines with a bad class and uplink lines that are
 * not a chain of names ending in a PCI function are refused.
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

#define BODY_BEFORE(version, before, extra) \
	"gpupt-trial " version "\nstate pending\nid 1764648000\nchanged 1764648000\nminutes 10\n" \
	"loader grub\nentry boot/grub/grub.cfg\noneshot guaranteed\nselect 01:00\n" \
	"device 0000:01:00.0 vfio-pci\n" before "route vmbr0\n" extra
#define BODY(version, extra) BODY_BEFORE(version, "", extra)

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

static void test_version_3_round_trip(void **state)
{
	static struct gpupt_trial t;
	char *text = sealed(BODY_BEFORE("3",
					"before 0000:00:1f.0 060100 lpc_ich\nbefore 0000:00:1f.3 040300 -\n"
					"before 0000:00:1d.0 - i6300ESB timer\n",
					"route6 vmbr0\nuplink vmbr0 bond0 enp3s0 0000:03:00.0\n"
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
	assert_int_equal(t.n_before, 3);
	assert_int_equal(t.before[0].class, 0x060100);
	assert_string_equal(t.before[0].driver, "lpc_ich");
	assert_int_equal(t.before[1].class, 0x040300);
	assert_string_equal(t.before[1].driver, "");
	assert_int_equal(t.before[2].class, GPUPT_TRIAL_CLASS_UNKNOWN);
	assert_string_equal(t.before[2].driver, "i6300ESB timer");
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	out[n] = '\0';
	assert_string_equal(out, text);
	free(text);
}

/* Versions 1 and 2: `before` without the class; 1 also without route6 and uplink. */
static void test_older_versions_are_read(void **state)
{
	static struct gpupt_trial t;
	char out[8192];
	size_t n;

	(void)state;
	assert_int_equal(parse(BODY_BEFORE("1", "before 0000:00:1f.0 lpc_ich\n", ""), &t), 0);
	assert_string_equal(t.route, "vmbr0");
	assert_string_equal(t.route6, "");
	assert_int_equal(t.n_uplink, 0);
	assert_int_equal(t.before[0].class, GPUPT_TRIAL_CLASS_UNKNOWN);
	assert_string_equal(t.before[0].driver, "lpc_ich");
	/* Written back as version 3, the class unknown. */
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	assert_int_equal(strncmp(out, GPUPT_TRIAL_VERSION "\n", strlen(GPUPT_TRIAL_VERSION) + 1), 0);
	assert_non_null(strstr(out, "\nbefore 0000:00:1f.0 - lpc_ich\n"));
	assert_non_null(strstr(out, "\nroute6 -\n"));

	assert_int_equal(parse(BODY_BEFORE("2", "before 0000:00:1f.3 -\n", "route6 vmbr0\n"), &t), 0);
	assert_string_equal(t.route6, "vmbr0");
	assert_int_equal(t.before[0].class, GPUPT_TRIAL_CLASS_UNKNOWN);
	assert_string_equal(t.before[0].driver, "");
	/* A version 2 `before` line in a version 3 file is no class and driver. */
	assert_int_equal(parse(BODY_BEFORE("3", "before 0000:00:1f.0 lpc_ich\n", ""), &t), -EBADMSG);
	assert_int_equal(parse(BODY("4", ""), &t), -EBADMSG);
}

static void test_bad_classes(void **state)
{
	static const char *const bad[] = {
		"before 0000:00:1f.0 06010 lpc_ich\n",	  /* five digits */
		"before 0000:00:1f.0 0601000 lpc_ich\n", /* seven */
		"before 0000:00:1f.0 06010G lpc_ich\n",	  /* not hex */
		"before 0000:00:1f.0 06010A lpc_ich\n",	  /* not as gpupt writes it */
		"before 0000:00:1f.0 -- lpc_ich\n",
		"before 0000:00:1f.0  lpc_ich\n", /* none */
		"before 0000:00:1f.0 060100\n",	   /* and no driver */
	};
	static struct gpupt_trial t;
	char body[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), BODY_BEFORE("3", "%s", ""), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
}

/* The boot that set the trial up: a boot id as the kernel writes it, or none (older files). */
static void test_boot_id(void **state)
{
	static const char *const bad[] = {
		"boot 0C7BD6B5-5E8A-4B9F-9D3C-2A1E0F6B7C8D\n", /* not as the kernel writes it */
		"boot 0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8\n",	/* one short */
		"boot 0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d0\n", /* one over */
		"boot 0c7bd6b55e8a-4b9f-9d3c-2a1e0f6b7c8d-\n", /* a dash moved */
		"boot \n",
	};
	static struct gpupt_trial t;
	char body[1024], out[8192];
	size_t n;

	(void)state;
	assert_int_equal(parse(BODY("3", ""), &t), 0);
	assert_string_equal(t.boot_id, "");
	assert_int_equal(parse(BODY("3", "boot 0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d\n"), &t), 0);
	assert_string_equal(t.boot_id, "0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d");
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	out[n] = '\0';
	assert_non_null(strstr(out, "\nchanged 1764648000\nboot 0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d\nminutes 10\n"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), BODY("3", "%s"), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
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
		snprintf(body, sizeof(body), BODY("3", "%s"), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
	/* Eight uplinks at most. */
	snprintf(body, sizeof(body), BODY("3", "%s"), "");
	for (int i = 0; i < 9; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "uplink vmbr0 eth%d -\n", i);
	assert_int_equal(parse(body, &t), -EBADMSG);
}

/* The firmware's boot option of a uefi trial: four hex digits, once. */
static void test_efi_boot(void **state)
{
	static const char *const bad[] = { "efi-boot 002\n", "efi-boot 00002\n", "efi-boot 00G2\n",
					    "efi-boot 0002\nefi-boot 0003\n", "efi-boot \n" };
	static struct gpupt_trial t;
	char body[1024], out[8192];
	size_t n;

	(void)state;
	assert_int_equal(parse(BODY("3", ""), &t), 0);
	assert_false(t.has_efi_boot);
	assert_int_equal(parse(BODY("3", "efi-boot 00aF\n"), &t), 0);
	assert_true(t.has_efi_boot);
	assert_int_equal(t.efi_boot, 0xaf);
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	out[n] = '\0';
	assert_non_null(strstr(out, "\nefi-boot 00AF\n"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), BODY("3", "%s"), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
}

/* proxmox-boot-tool's ESPs of a pbt trial: FAT serials, at most GPUPT_TRIAL_MAX_ESPS. */
static void test_esps(void **state)
{
	static const char *const bad[] = { "esp 5A1B2C3D\n", "esp 5A1B-2C3\n", "esp 5A1B-2C3D-\n",
					    "esp ../../sda2\n", "esp \n" };
	static struct gpupt_trial t;
	char body[1024], out[8192];
	size_t n;

	(void)state;
	assert_int_equal(parse(BODY("3", "esp 5A1B-2C3D\nesp 6c2d-3e4f\n"), &t), 0);
	assert_int_equal(t.n_esp, 2);
	assert_string_equal(t.esp[1], "6c2d-3e4f");
	n = gpupt_trial_format(&t, out, sizeof(out));
	assert_true(n < sizeof(out));
	out[n] = '\0';
	assert_non_null(strstr(out, "\nesp 5A1B-2C3D\nesp 6c2d-3e4f\n"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), BODY("3", "%s"), bad[i]);
		assert_int_equal(parse(body, &t), -EBADMSG);
	}
	body[0] = '\0';
	for (int i = 0; i <= GPUPT_TRIAL_MAX_ESPS; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "esp 0000-000%d\n", i);
	{
		char full[2048];

		snprintf(full, sizeof(full), BODY("3", "%s"), body);
		assert_int_equal(parse(full, &t), -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_3_round_trip),
		cmocka_unit_test(test_older_versions_are_read),
		cmocka_unit_test(test_bad_classes),
		cmocka_unit_test(test_boot_id),
		cmocka_unit_test(test_efi_boot),
		cmocka_unit_test(test_esps),
		cmocka_unit_test(test_bad_uplinks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
