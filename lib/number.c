// SPDX-License-Identifier: MIT
#include <errno.h>

#include "lib/number.h"

static int digit_value(char c, unsigned base)
{
	unsigned v;

	if (c >= '0' && c <= '9')
		v = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		v = (unsigned)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		v = (unsigned)(c - 'A' + 10);
	else
		return -1;
	return v < base ? (int)v : -1;
}

int gpupt_parse_hex(const char *s, size_t digits, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < digits; i++) {
		int d = digit_value(s[i], 16);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned)d;
	}
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
		int d = digit_value(s[i], base);

		if (d < 0 || v > (~0UL - (unsigned long)d) / base)
			return -EINVAL;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}
