/* SPDX-License-Identifier: MIT */
/*
 * Applying one "key = value" setting to a config, shared by the command line
 * (gpupt.KEY=VALUE) and the conf file (KEY = VALUE), so both sources accept
 * exactly the same values and report problems the same way.  This is how
 * the model's two sources (cmdline/, conf/) feed it; nothing else calls it.
 */
#ifndef GPUPT_SETTING_H
#define GPUPT_SETTING_H

#include "selection/selection.h"

enum gpupt_setting {
	GPUPT_SET_UNKNOWN,
	GPUPT_SET_IDS,
	GPUPT_SET_ADDRS,
	GPUPT_SET_DRIVER,
	GPUPT_SET_OFF,	  /* gpupt.off[=BOOL] */
	GPUPT_SET_ENABLE, /* gpupt=BOOL: false means off */
	GPUPT_SET_DEBUG,
	GPUPT_SET_FB,
	GPUPT_SET_TRIAL,    /* gpupt.trial=ID: the host tool's trial boot marker; nothing to bind */
	GPUPT_SET_WATCHDOG, /* gpupt.watchdog=MODULE:SECONDS: a trial boot's watchdog */
};

/* Where a setting came from: the key as typed and the conf line (0: cmdline). */
struct gpupt_setting_src {
	const char *key;
	size_t key_len;
	unsigned line;
};

/* name is the key without "gpupt."; in_conf leaves out the keys the conf lacks (off). */
enum gpupt_setting gpupt_setting_lookup(const char *name, size_t len, bool in_conf);

/*
 * Apply val (NULL: the key had no '=') to *c.  Returns 1 when the setting
 * took effect (for a list: at least one entry), 0 otherwise.
 */
int gpupt_setting_apply(enum gpupt_setting s, const struct gpupt_setting_src *src, const char *val,
			size_t val_len, struct gpupt_config *c, struct gpupt_diags *diags);

/* The off switches ("gpupt.off", "gpupt"): a doubtful value means off. */
bool gpupt_setting_is_off_switch(const char *key, size_t key_len);

void gpupt_diag_add(struct gpupt_diags *diags, enum gpupt_diag_code code,
		    const struct gpupt_setting_src *src, const char *entry, size_t entry_len);

#endif
