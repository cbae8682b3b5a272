/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line, with the kernel's own rules (lib/cmdline.c
 * next_arg): tokens split on white space outside double quotes, a value may
 * be quoted, GRUB's moved quotes ("gpupt.ids=a,b") are understood, keys
 * compare with '-' == '_', and everything after a bare "--" belongs to init.
 */
#ifndef GPUPT_CMDLINE_H
#define GPUPT_CMDLINE_H

#include "selection.h"

/* One token; every pointer is a slice of the parsed buffer. */
struct gpupt_token {
	const char *start;	/* the whole token as it stands in the buffer, quotes included */
	size_t len;
	const char *key;	/* unquoted key */
	size_t key_len;
	const char *val;	/* unquoted value; NULL when the token has no '=' */
	size_t val_len;
};

/*
 * Next token at or after *pos.  Returns 1 and advances *pos past it, or 0 at
 * the end of buf (or at a bare "--", which ends the kernel's part; *pos is
 * then left at the "--").  Never reads past len.  A NUL byte ends the line
 * too, since the kernel reads its command line as a C string; 0xa0
 * separates tokens like a space, as the kernel's isspace() says.  A value
 * whose '"' is never closed runs to the end of the line, as in the kernel;
 * gpupt_cmdline_parse reports such a token and uses none of it.
 */
int gpupt_cmdline_next(const char *buf, size_t len, size_t *pos, struct gpupt_token *tok);

/* Key equality with '-' == '_', as the kernel's parameq(). */
bool gpupt_cmdline_key_eq(const char *key, size_t key_len, const char *name);

/*
 * Collect every gpupt token of buf into *out (which the caller initialised
 * with gpupt_config_init; repeated ids/addrs add up).  Problems go to
 * *diags (may be NULL).  Returns the number of gpupt tokens seen (>= 0).
 */
int gpupt_cmdline_parse(const char *buf, size_t len, struct gpupt_config *out,
			struct gpupt_diags *diags);

#endif
