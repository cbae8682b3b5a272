// SPDX-License-Identifier: MIT
/*
 * The trial's formats: the state file parses, formats and parses again to
 * the same text; a trial block added to grub.cfg (for the entry its
 * default names) comes out again to the original bytes, as does an
 * initrd path swapped to the trial's image and back; that entry's title, a loader entry's copy, a grubenv's variable, an EFI string variable, loader.conf's default, proxmox-boot-uuids, the default routes
 * of /proc/net/route and /proc/net/ipv6_route and a bond's list of slaves
 * never read past len.  The first byte picks which.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/formats/bootentry.h"
#include "host/formats/net.h"
#include "host/formats/trialstate.h"
#include "tests/fuzz/fuzz.h"

enum { MAX_IN = 1 << 16 };

FUZZ_HARNESS
static void check_state(const char *in, size_t len)
{
	static struct gpupt_trial t, u;
	static char a[1 << 17], b[1 << 17];
	char why[160];
	size_t n, m;

	if (gpupt_trial_parse(in, len, &t, why, sizeof(why)) < 0)
		return;
	n = gpupt_trial_format(&t, a, sizeof(a));
	FUZZ_CHECK(n < sizeof(a));
	FUZZ_CHECK(gpupt_trial_parse(a, n, &u, why, sizeof(why)) == 0);
	m = gpupt_trial_format(&u, b, sizeof(b));
	FUZZ_CHECK(m == n && memcmp(a, b, n) == 0);
}

FUZZ_HARNESS
static void check_grubcfg(const char *in, size_t len)
{
	size_t size = len + 4096;
	char *a = malloc(size), *b = malloc(size);
	char spec[GPUPT_GRUB_SPEC_MAX], saved[64], title[128];
	long n, m;

	if (gpupt_grubenv_get(in, len, "saved_entry", saved, sizeof(saved)) == 0)
		FUZZ_CHECK(strlen(saved) < sizeof(saved));
	if (gpupt_grubcfg_default(in, len, "1>0", spec, sizeof(spec)) < 0)
		snprintf(spec, sizeof(spec), "0");
	if (gpupt_grubcfg_entry_title(in, len, spec, title, sizeof(title)) == 0)
		FUZZ_CHECK(strlen(title) < sizeof(title));
	if (a && gpupt_grubcfg_entry_image(in, len, spec, saved, sizeof(saved), title, sizeof(title)) == 0) {
		const char *name = strrchr(title, '/') ? strrchr(title, '/') + 1 : title;

		FUZZ_CHECK(strstr(name, saved) != NULL);
		/* Swapped in, swapped back: the same bytes. */
		n = gpupt_entry_swap_image(in, len, 0, name, "gpupt-trial.img", a, size);
		if (n >= 0 && b) {
			m = gpupt_entry_swap_image(a, (size_t)n, 0, "gpupt-trial.img", name, b, size);
			FUZZ_CHECK(memmem(in, len, "gpupt-trial.img", 15) || (m == (long)len && memcmp(b, in, len) == 0));
		}
	}
	if (a && b && !gpupt_grubcfg_has_trial(in, len)) {
		n = gpupt_grubcfg_add_trial(in, len, spec, "gpupt trial boot",
					    "iommu=pt panic=10 gpupt.trial=1", a, size);
		if (n >= 0) {
			FUZZ_CHECK(gpupt_grubcfg_has_trial(a, (size_t)n));
			m = gpupt_grubcfg_remove_trial(a, (size_t)n, b, size);
			/* A cfg without a final newline gets one before the block. */
			FUZZ_CHECK(m == (long)len || (m == (long)len + 1 && len > 0 && in[len - 1] != '\n'));
			FUZZ_CHECK(memcmp(b, in, len) == 0);
		}
	}
	free(a);
	free(b);
}

/* Every serial kept is one, and none twice. */
FUZZ_HARNESS
static void check_pbt_uuids(const char *in, size_t len)
{
	char uuids[4][GPUPT_VFAT_UUID_LEN + 1];
	size_t skipped, n = gpupt_pbt_uuids(in, len, uuids, 4, &skipped);

	FUZZ_CHECK(n * (GPUPT_VFAT_UUID_LEN + 1) <= len + 1 && skipped <= len);
	for (size_t i = 0; i < n && i < 4; i++) {
		FUZZ_CHECK(gpupt_vfat_uuid_ok(uuids[i], strlen(uuids[i])));
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcasecmp(uuids[i], uuids[j]) != 0);
	}
}

FUZZ_HARNESS
static void check_entry_and_route(const char *in, size_t len)
{
	size_t size = len + 4096;
	char *a = malloc(size), iface[32];
	unsigned num;

	if (a)
		(void)gpupt_loader_entry_trial(in, len, "gpupt trial boot", "iommu=pt", a, size);
	if (a && gpupt_efivar_string(in, len, a, 64) == 0)
		FUZZ_CHECK(strlen(a) < 64 && strlen(a) <= len / 2);
	if (a && gpupt_efi_loadopt_label(in, len, a, 64) == 0)
		FUZZ_CHECK(strlen(a) < 64 && strlen(a) <= len / 2);
	if (gpupt_efivar_u16(in, len, &num) == 0)
		FUZZ_CHECK(num <= 0xffff && len == 6);
	if (a && gpupt_loader_conf_default(in, len, a, 64) == 0)
		FUZZ_CHECK(strlen(a) < 64 && strlen(a) <= len);
	check_pbt_uuids(in, len);
	free(a);
	if (gpupt_route_default_iface(in, len, iface, sizeof(iface)) == 0)
		FUZZ_CHECK(gpupt_route_has_iface(in, len, iface) && gpupt_ifname_ok(iface, strlen(iface)));
	if (gpupt_route6_default_iface(in, len, iface, sizeof(iface)) == 0)
		FUZZ_CHECK(gpupt_route6_has_default(in, len, iface) && gpupt_ifname_ok(iface, strlen(iface)));
	for (size_t pos = 0, last = 0;
	     gpupt_ifname_list_next(in, len, &pos, iface, sizeof(iface)) != 0; last = pos)
		FUZZ_CHECK(pos > last && pos <= len);
}

FUZZ_HARNESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;

	if (size < 1 || size > MAX_IN)
		return 0;
	/* An exact-size copy lets the sanitizers see any read past len. */
	in = malloc(size - 1 ? size - 1 : 1);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		check_state(in, size - 1);
		break;
	case 1:
		check_grubcfg(in, size - 1);
		break;
	default:
		check_entry_and_route(in, size - 1);
		break;
	}
	free(in);
	return 0;
}
