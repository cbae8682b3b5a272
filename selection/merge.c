// SPDX-License-Identifier: MIT
/*
 * One config from two sources.  The command line is what the user can edit
 * at the boot menu, so it wins: gpupt.off beats everything, a selection on
 * the command line replaces the conf's (adding them up would leave no way
 * to boot with fewer devices bound), and its other settings override.
 */
#include <string.h>

#include "selection/selection.h"

static void take_selection(struct gpupt_config *to, const struct gpupt_config *from)
{
	memcpy(to->ids, from->ids, sizeof(to->ids));
	to->n_ids = from->n_ids;
	to->ids_dropped = from->ids_dropped;
	memcpy(to->addrs, from->addrs, sizeof(to->addrs));
	to->n_addrs = from->n_addrs;
	to->addrs_dropped = from->addrs_dropped;
}

void gpupt_config_merge(const struct gpupt_config *cmdline, const struct gpupt_config *conf,
			struct gpupt_config *out)
{
	struct gpupt_config m; /* out may be one of the inputs */

	gpupt_config_init(&m);
	m.off = cmdline->off || conf->off;
	if (!m.off)
		take_selection(&m, cmdline->n_ids || cmdline->n_addrs ? cmdline : conf);
	memcpy(m.driver, cmdline->driver[0] ? cmdline->driver : conf->driver, sizeof(m.driver));
	m.driver[GPUPT_DRIVER_MAX] = '\0';
	m.debug = cmdline->debug >= 0 ? cmdline->debug : conf->debug;
	m.fb = cmdline->fb != GPUPT_FB_UNSET ? cmdline->fb : conf->fb;
	memcpy(m.watchdog_module, cmdline->watchdog_module, sizeof(m.watchdog_module));
	m.watchdog_sec = cmdline->watchdog_sec;
	*out = m;
}
