// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

void gpupt_strbuf_init(struct gpupt_strbuf *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->overflow = size == 0;
	if (size > 0)
		buf[0] = '\0';
}

void gpupt_strbuf_put(struct gpupt_strbuf *b, const char *s, size_t len)
{
	size_t room, n;

	if (b->overflow)
		return;
	room = b->size - b->len - 1;
	n = len < room ? len : room;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
	b->overflow = n < len;
}

void gpupt_strbuf_puts(struct gpupt_strbuf *b, const char *s)
{
	gpupt_strbuf_put(b, s, strlen(s));
}

void gpupt_strbuf_putc(struct gpupt_strbuf *b, char c)
{
	gpupt_strbuf_put(b, &c, 1);
}

void gpupt_strbuf_printf(struct gpupt_strbuf *b, const char *fmt, ...)
{
	char tmp[64];	/* the formatters print numbers and short words only */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = true;	/* cannot happen with our formats; fail loudly */
		return;
	}
	gpupt_strbuf_put(b, tmp, (size_t)n);
}

int gpupt_strbuf_result(const struct gpupt_strbuf *b)
{
	if (b->overflow || b->len > INT_MAX)
		return -ENOSPC;
	return (int)b->len;
}
