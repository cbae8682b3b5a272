/* SPDX-License-Identifier: MIT */
/*
 * /etc/gpupt.conf: "key = value" lines, keys ids, addrs, driver, debug, fb;
 * '#' starts a comment; the values use the command line's grammar.
 */
#ifndef GPUPT_CONF_H
#define GPUPT_CONF_H

#include "selection/selection.h"

#define GPUPT_CONF_PATH "etc/gpupt.conf" /* relative to the root */

/*
 * Parse buf into *out (initialised by the caller).  Problems, with line
 * numbers, go to *diags (may be NULL).  Returns the number of settings read.
 */
int gpupt_conf_parse(const char *buf, size_t len, struct gpupt_config *out, struct gpupt_diags *diags);

/*
 * Write c as conf text (a header comment, then one key per line) that
 * gpupt_conf_parse reads back to an equal config.  Returns the length, or
 * -ENOSPC.  (Also -EINVAL for a config no conf file can hold: off set, a bad
 * driver name, an address out of range; the *_dropped counters are not kept.)
 */
int gpupt_conf_write(const struct gpupt_config *c, char *buf, size_t size);

/* A buffer this big always holds gpupt_conf_write's text and its NUL. */
enum { GPUPT_CONF_WRITE_MAX = 4096 };

#endif
