/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line, with the kernel's own rules (lib/cmdline.c
 * next_arg): tokens split on white space outside double quotes, a value may
 * be quoted, GRUB's moved quotes ("gpupt.ids=a,b") are understood, keys
 * compare with '-' == '_', and everything after a bare "--" belongs to init.
 * Pure: no I/O, no allocation; knows no key of its own.
 */
#ifndef GPUPT_LIB_KERNEL_CMDLINE_H
#define GPUPT_LIB_KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* One token; every pointer is a slice of the parsed buffer. */
struct gpupt_kernel_param {
	const char *start; /* the whole token as it stands in the buffer, quotes included */
	size_t len;
	const char *key; /* unquoted key */
	size_t key_len;
	const char *val; /* unquoted value; NULL when the token has no '=' */
	size_t val_len;
};

/*
 * Next token at or after *pos.  Returns 1 and advances *pos past it, or 0 at
 * the end of buf (or at a bare "--", which ends the kernel's part; *pos is
 * then left at the "--").  Never reads past len.  A NUL byte ends the line
 * too, since the kernel reads its command line as a C string; 0xa0
 * separates tokens like a space, as the kernel's isspace() says.  A value
 * whose '"' is never closed runs to the end of the line, as in the kernel;
 * callers should distrust such a value (the kernel cannot know where it ends).
 */
int gpupt_kernel_cmdline_next(const char *buf, size_t len, size_t *pos, struct gpupt_kernel_param *tok);

/*
 * The kernel's isspace(): the C white space (' ', '\t', '\n', '\v', '\f',
 * '\r') plus 0xa0, which the kernel's Latin-1 ctype table also counts as a
 * space.  What separates tokens, and what list values trim around entries.
 */
bool gpupt_kernel_isspace(char c);

/* Key equality with '-' == '_', as the kernel's parameq(). */
bool gpupt_kernel_param_eq(const char *key, size_t key_len, const char *name);

#endif
