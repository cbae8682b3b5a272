// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>

#include "host/model/modules.h"
#include "lib/path.h"

static enum gpupt_module_state module_state(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *it;
	enum gpupt_module_state st = GPUPT_MODULE_MISSING;

	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || !list)
		return GPUPT_MODULE_MISSING;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		st = kmod_module_get_path(m) ? GPUPT_MODULE_FILE : GPUPT_MODULE_BUILTIN;
		kmod_module_unref(m);
		break;
	}
	kmod_module_unref_list(list);
	return st;
}

int gpupt_modules_lookup(int rootfd, const char *kver, const char *const *names, size_t n,
			 enum gpupt_module_state *state)
{
	/* No modprobe.d: only what the kernel ships counts, not local aliases. */
	static const char *const nocfg[] = { NULL };
	char rel[PATH_MAX], dir[PATH_MAX];
	struct kmod_ctx *ctx;
	int r;

	if (snprintf(rel, sizeof(rel), "lib/modules/%s", kver) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	r = gpupt_path_resolve(rootfd, rel, dir, sizeof(dir));
	if (r < 0)
		return r;
	ctx = kmod_new(dir, nocfg);
	if (!ctx)
		return -ENOENT;
	kmod_set_log_priority(ctx, 0);
	for (size_t i = 0; i < n; i++)
		state[i] = module_state(ctx, names[i]);
	kmod_unref(ctx);
	return 0;
}
