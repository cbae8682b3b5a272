// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdbool.h>

#include "lib/msg.h"

void gpupt_msg_begin(FILE *f)
{
	fputs(GPUPT_MSG_PREFIX, f);
}

void gpupt_msg(FILE *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	gpupt_msg_begin(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

void gpupt_warn(FILE *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	fputs(GPUPT_MSG_PREFIX GPUPT_MSG_WARNING, f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

const char *gpupt_printable(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (size == 0)
		return "";
	for (; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p >= 0x20 && *p != 0x7f && !c1) {
			if (n + 1 >= size)
				break;
			buf[n++] = (char)*p;
			continue;
		}
		size_t bytes = c1 ? 2 : 1;

		if (n + 4 * bytes >= size)
			break;
		for (size_t i = 0; i < bytes; i++, n += 4)
			snprintf(buf + n, 5, "\\x%02x", p[i]);
		p += bytes - 1;
	}
	buf[n] = '\0';
	return buf;
}
