/* SPDX-License-Identifier: MIT */
/*
 * Questions about a kernel command line (a NUL-terminated string), asked
 * through the kernel's own tokenizer (lib/kernel-cmdline).  Pure.
 */
#ifndef GPUPT_KARGS_H
#define GPUPT_KARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Does cmdline hold key (any value when val is NULL; val may be one item of a comma list)? */
bool gpupt_kargs_has(const char *cmdline, const char *key, const char *val);

/*
 * Append to out (space-separated, NUL-terminated, what fits of size) the
 * tokens of a that b lacks, leaving out BOOT_IMAGE= and initrd= (the boot
 * loader's own), and with only_relevant every token that does not matter to
 * passthrough (gpupt, vfio, iommu, framebuffer, ... keys).
 */
void gpupt_kargs_missing(const char *a, const char *b, bool only_relevant, char *out, size_t size);

#endif
