// SPDX-License-Identifier: MIT
#include <errno.h>

#include "lib/number.h"

/* Each hex digit's value plus one; 0 for a byte that is no hex digit. */
static const unsigned char hex_plus_one[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,	['6'] = 7,  ['7'] = 8,
	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* 0..15, or -1 for a byte that is no hex digit. */
static int hex_digit(char c)
{
	return hex_plus_one[(unsigned char)c] - 1;
}

/*
 * All `digits` bytes are read (the caller's slice holds them): a bad one is
 * noted rather than branched on, so a digit costs one table lookup.
 */
int gpupt_parse_hex(const char *s, size_t digits, unsigned *out)
{
	unsigned v = 0, bad = 0;

	for (size_t i = 0; i < digits; i++) {
		unsigned d = hex_plus_one[(unsigned char)s[i]] - 1u;

		bad |= d & ~0xfu; /* no hex digit: 0 - 1 wrapped */
		v = v << 4 | (d & 0xfu);
	}
	if (bad)
		return -EINVAL;
	*out = v;
	return 0;
}

int gpupt_parse_ulong(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base || v > (~0UL - (unsigned long)d) / base)
			return -EINVAL;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}
