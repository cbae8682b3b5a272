/* SPDX-License-Identifier: MIT */
/* Shared between the sysfs/ files only. */
#ifndef GPUPT_SYSFS_INTERNAL_H
#define GPUPT_SYSFS_INTERNAL_H

#include "sysfs/sysfs.h"

/* Visit every entry of dirfd named like a PCI device (dirfd stays as it was). */
int gpupt_sysfs_foreach_pci_entry(int dirfd, gpupt_sysfs_visit_fn fn, void *ctx);

#endif
