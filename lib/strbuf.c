// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "lib/strbuf.h"

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
	if (n > 0) { /* with len 0, s may be NULL (a missing file's bytes) */
		memcpy(b->buf + b->len, s, n);
		b->len += n;
		b->buf[b->len] = '\0';
	}
	b->overflow = n < len;
}

void gpupt_strbuf_puts(struct gpupt_strbuf *b, const char *s)
{
	gpupt_strbuf_put(b, s, strlen(s));
}

/* One byte needs no memcpy. */
void gpupt_strbuf_putc(struct gpupt_strbuf *b, char c)
{
	if (b->overflow)
		return;
	if (b->size - b->len < 2) {
		b->overflow = true;
		return;
	}
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void gpupt_strbuf_hex(struct gpupt_strbuf *b, unsigned v, unsigned digits)
{
	char tmp[8];

	if (digits > sizeof(tmp))
		digits = sizeof(tmp);
	for (unsigned i = digits; i-- > 0; v >>= 4)
		tmp[i] = "0123456789abcdef"[v & 0xf];
	gpupt_strbuf_put(b, tmp, digits);
}

void gpupt_strbuf_uint(struct gpupt_strbuf *b, unsigned v)
{
	char tmp[16];
	size_t i = sizeof(tmp);

	do
		tmp[--i] = (char)('0' + v % 10);
	while (v /= 10);
	gpupt_strbuf_put(b, tmp + i, sizeof(tmp) - i);
}

size_t gpupt_strbuf_room(const struct gpupt_strbuf *b)
{
	return b->overflow ? 0 : b->size - b->len - 1;
}

int gpupt_strbuf_result(const struct gpupt_strbuf *b)
{
	if (b->overflow || b->len > INT_MAX)
		return -ENOSPC;
	return (int)b->len;
}
