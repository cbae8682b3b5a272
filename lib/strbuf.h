/* SPDX-License-Identifier: MIT */
/*
 * A bounded string builder for the formatters: appends never write past the
 * caller's buffer, keep it NUL-terminated, and remember that something did
 * not fit, so the formatter can return -ENOSPC as its contract says.
 * Used by the parsers, the formatters and the host tool.
 */
#ifndef GPUPT_STRBUF_H
#define GPUPT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct gpupt_strbuf {
	char *buf;
	size_t size;
	size_t len;    /* bytes written, without the NUL */
	bool overflow; /* something did not fit */
};

void gpupt_strbuf_init(struct gpupt_strbuf *b, char *buf, size_t size);
void gpupt_strbuf_put(struct gpupt_strbuf *b, const char *s, size_t len);
void gpupt_strbuf_puts(struct gpupt_strbuf *b, const char *s);
void gpupt_strbuf_putc(struct gpupt_strbuf *b, char c);
/* Lower-case hex, zero-padded to `digits`; and decimal.  No stdio: the binder is static. */
void gpupt_strbuf_hex(struct gpupt_strbuf *b, unsigned v, unsigned digits);
void gpupt_strbuf_uint(struct gpupt_strbuf *b, unsigned v);
/* Bytes that can still be appended before the text is cut (0 once it was). */
size_t gpupt_strbuf_room(const struct gpupt_strbuf *b);
/* The length written, or -ENOSPC when it did not all fit. */
int gpupt_strbuf_result(const struct gpupt_strbuf *b);

#endif
