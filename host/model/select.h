/* SPDX-License-Identifier: MIT */
/*
 * Resolving what an admin typed (SEL arguments of enable/disable/rom/vm)
 * into devices of this host, strictly: nothing typed reaches a kernel command
 * line or /etc/gpupt.conf except the addresses and IDs read back from sysfs.
 *
 * A SEL is exactly one of
 *   VVVV:DDDD          every device with that vendor:device
 *   [DDDD:]BB:SS.F     one function
 *   [DDDD:]BB:SS       every function of that slot (a GPU with its audio)
 * in the value grammar of gpupt_parse_id / gpupt_parse_addr; anything else
 * (spaces, quotes, "=", "10de:1381 init=/bin/sh", a fingerprint) is refused.
 */
#ifndef GPUPT_SELECT_H
#define GPUPT_SELECT_H

#include <stdbool.h>
#include <stdio.h>

#include "host/model/devices.h"
#include "selection/selection.h"

struct gpupt_selection {
	size_t idx[GPUPT_MAX_ADDRS]; /* indices into the devlist, sorted, unique */
	size_t n;
	/*
	 * What enable writes to /etc/gpupt.conf: one addrs entry per matched
	 * function, "DDDD:BB:SS.F=VVVV:DDDD" (address plus the ID fingerprint
	 * read from sysfs), no ids entries.
	 */
	struct gpupt_config config;
};

/*
 * Resolve sels[0..n-1] against l.  Every SEL must be valid and match at
 * least one device.  Errors are printed to err (may be NULL) as one line
 * each, e.g.
 *   gpupt: "10de:1381 init=/bin/sh": not a PCI ID (VVVV:DDDD) or address ([DDDD:]BB:SS[.F])
 *   gpupt: 0000:02:00.0: no such PCI device (see `gpupt list`)
 * Returns 0, -EINVAL (a bad or unmatched SEL: exit status 2) or -E2BIG
 * (more than GPUPT_MAX_ADDRS functions).  *out is valid only on 0.
 */
int gpupt_select_resolve(const struct gpupt_devlist *l, const char *const *sels, int n,
			 struct gpupt_selection *out, FILE *err);

/*
 * The devices a parsed config (conf, command line or merged) selects on
 * this host: ids match by ID, addrs by address (an addrs entry whose
 * fingerprint does not match the device there selects nothing, as the binder
 * would refuse it).  config is copied into out->config unchanged.
 */
void gpupt_select_from_config(const struct gpupt_devlist *l, const struct gpupt_config *c,
			      struct gpupt_selection *out);

bool gpupt_selection_has(const struct gpupt_selection *s, size_t idx);

/*
 * Does config c select device d, as the binder will decide at boot?  An
 * ids or addrs entry names it, and no addrs entry naming it carries a
 * fingerprint it does not have (a mismatch keeps it unbound).
 */
bool gpupt_config_selects(const struct gpupt_config *c, const struct gpupt_dev *d);

/*
 * Which source selects d at the next boot under gpupt_config_merge's
 * precedence: "cmdline", "conf", or NULL (not selected, or gpupt.off).
 */
const char *gpupt_select_source(const struct gpupt_config *conf, const struct gpupt_config *cmdline,
				const struct gpupt_dev *d);

#endif
