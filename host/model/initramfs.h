/* SPDX-License-Identifier: MIT */
/* Initramfs generators: which one the host uses and how to rebuild every image. */
#ifndef GPUPT_INITRAMFS_H
#define GPUPT_INITRAMFS_H

#include <stdbool.h>

struct gpupt_initramfs_gen {
	const char *name;
	bool (*detect)(int rootfd);
	const char *const *argv; /* rebuilds the images of every installed kernel */
};

/* The generator table, in detection order; NULL-name terminated. */
extern const struct gpupt_initramfs_gen gpupt_initramfs_gens[];

/* The generator the host below rootfd uses, or NULL. */
const struct gpupt_initramfs_gen *gpupt_initramfs_detect(int rootfd);

#endif
