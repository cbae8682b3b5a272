/* SPDX-License-Identifier: MIT */
/*
 * The gpupt.* tokens of the kernel command line, fed into the selection
 * model (gpupt.ids=, gpupt.addrs=, gpupt.driver=, gpupt.debug, gpupt.fb=,
 * gpupt.off).  Pure: no I/O, no globals, no malloc.
 */
#ifndef GPUPT_CMDLINE_H
#define GPUPT_CMDLINE_H

#include "selection/selection.h"

/*
 * Collect every gpupt token of buf into *out (which the caller initialised
 * with gpupt_config_init; repeated ids/addrs add up).  Problems go to
 * *diags (may be NULL).  Returns the number of gpupt tokens seen (>= 0).
 */
int gpupt_cmdline_parse(const char *buf, size_t len, struct gpupt_config *out, struct gpupt_diags *diags);

#endif
