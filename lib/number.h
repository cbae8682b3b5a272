/* SPDX-License-Identifier: MIT */
/*
 * Numbers in (pointer, length) slices.  strtoul() would read past the slice
 * and accept signs and white space; these accept exactly what they say.
 * Return 0 or -EINVAL; *out is untouched on failure.
 */
#ifndef GPUPT_LIB_NUMBER_H
#define GPUPT_LIB_NUMBER_H

#include <stddef.h>

/* Exactly `digits` (at most 8) hex digits at s, any case; no sign, no "0x". */
int gpupt_parse_hex(const char *s, size_t digits, unsigned *out);

/* A whole slice holding "0x" + hex digits or decimal digits, without overflow. */
int gpupt_parse_ulong(const char *s, size_t len, unsigned long *out);

#endif
