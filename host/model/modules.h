/* SPDX-License-Identifier: MIT */
/* Kernel modules of an installed kernel, through libkmod (lib/modules/VER below the root). */
#ifndef GPUPT_MODULES_H
#define GPUPT_MODULES_H

#include <stddef.h>

enum gpupt_module_state {
	GPUPT_MODULE_MISSING = -1,
	GPUPT_MODULE_FILE = 0, /* a .ko file */
	GPUPT_MODULE_BUILTIN = 1,
};

/*
 * The state of each of names[0..n) in kernel kver of the tree below rootfd
 * into state[].  Returns 0, or -errno when libkmod cannot read the kernel's
 * module index.
 */
int gpupt_modules_lookup(int rootfd, const char *kver, const char *const *names, size_t n,
			 enum gpupt_module_state *state);

#endif
