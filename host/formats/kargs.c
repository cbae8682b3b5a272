// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "host/formats/kargs.h"
#include "lib/kernel-cmdline.h"
#include "lib/macro.h"

bool gpupt_kargs_has(const char *cmdline, const char *key, const char *val)
{
	struct gpupt_kernel_param t;
	size_t pos = 0, len = strlen(cmdline);

	while (gpupt_kernel_cmdline_next(cmdline, len, &pos, &t)) {
		if (!gpupt_kernel_param_eq(t.key, t.key_len, key))
			continue;
		if (!val)
			return true;
		for (size_t i = 0, vlen = strlen(val); t.val && i + vlen <= t.val_len;) {
			size_t item = strcspn(t.val + i, ",");

			if (item > t.val_len - i)
				item = t.val_len - i;
			if (item == vlen && memcmp(t.val + i, val, vlen) == 0)
				return true;
			i += item + 1;
		}
	}
	return false;
}

/* Does cmdline hold this exact token text? */
static bool has_exact(const char *cmdline, const char *tok, size_t tok_len)
{
	struct gpupt_kernel_param t;
	size_t pos = 0, len = strlen(cmdline);

	while (gpupt_kernel_cmdline_next(cmdline, len, &pos, &t))
		if (t.len == tok_len && memcmp(t.start, tok, tok_len) == 0)
			return true;
	return false;
}

/* Tokens whose change needs a reboot to matter for passthrough. */
static bool token_relevant(const struct gpupt_kernel_param *t)
{
	static const char *const prefixes[] = {
		"gpupt",
		"vfio",
		"intel_iommu",
		"amd_iommu",
		"iommu",
		"video",
		"initcall_blacklist",
		"pcie_acs_override",
		"kvm",
		"modprobe.blacklist",
		"rd.driver",
		"nomodeset",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (t->key_len >= strlen(prefixes[i]) &&
		    strncmp(t->key, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

void gpupt_kargs_missing(const char *a, const char *b, bool only_relevant, char *out, size_t size)
{
	struct gpupt_kernel_param t;
	size_t pos = 0, len = strlen(a), used = strlen(out);

	while (gpupt_kernel_cmdline_next(a, len, &pos, &t)) {
		if (gpupt_kernel_param_eq(t.key, t.key_len, "BOOT_IMAGE") ||
		    gpupt_kernel_param_eq(t.key, t.key_len, "initrd") ||
		    (only_relevant && !token_relevant(&t)) || has_exact(b, t.start, t.len))
			continue;
		if (used + t.len + 2 >= size)
			return;
		used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? " " : "",
					 (int)t.len, t.start);
	}
}
