/* SPDX-License-Identifier: MIT */
/*
 * initramfs-tools images (boot/initrd.img-VER) and the records gpupt's hook
 * writes while it builds one (var/lib/gpupt/initramfs/VER): does an image
 * bind exactly as the next boot is configured, or must it be rebuilt?
 *
 * The record proves what the hook put into the image: the binder (its
 * sha256), the modules it asked for, and the image's copy of
 * /etc/gpupt.conf.  The binder merges the command line with that copy
 * (selection/merge.c): when the command line selects devices, the copy's
 * ids/addrs do not count.  So an image whose copy merges with the next
 * command line to the same result as the new conf does binds the same
 * devices with the same settings, and need not be rebuilt.  Any doubt (no
 * record, a malformed one, one newer than the image, another binder) means
 * rebuild.
 */
#ifndef GPUPT_IMAGES_H
#define GPUPT_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "host/model/platform.h"

#define GPUPT_IMAGE_RECORDS "var/lib/gpupt/initramfs" /* relative to the root */
#ifndef GPUPT_BINDER_PATH
#define GPUPT_BINDER_PATH "usr/lib/gpupt/gpupt-bind" /* relative to the root */
#endif

enum { GPUPT_RECORD_MAX = 32768, GPUPT_IMAGE_WHY_MAX = 320 };

/* How the next boot is configured. */
struct gpupt_image_next {
	const char *cmdline; /* its kernel command line; NULL: not known (rebuild all) */
	const char *conf;    /* /etc/gpupt.conf as it will be; NULL: there is none */
	size_t conf_len;
};

struct gpupt_image {
	char ver[GPUPT_KVER_MAX];
	bool rebuild;
	char why[GPUPT_IMAGE_WHY_MAX]; /* the reason, for a person */
};

struct gpupt_images {
	struct gpupt_image k[GPUPT_MAX_KERNELS];
	size_t n;
	size_t n_rebuild;
};

/* The decision for the kernel ver below rootfd. */
void gpupt_image_check(int rootfd, const char *ver, const struct gpupt_image_next *next,
		       struct gpupt_image *out);

/* The decision for every installed kernel (lib/modules/VER), oldest first. */
void gpupt_images_check(int rootfd, const struct gpupt_image_next *next, struct gpupt_images *out);

#endif
