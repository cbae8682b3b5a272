// SPDX-License-Identifier: MIT
/*
 * Diagnostics as one line of text: where, what was wrong, what happens now.
 * Keys and entries come from the command line or a file anyone may have
 * edited, so they are printed escaped (no control bytes reach a log) and
 * cut at ENTRY_SHOWN bytes (a hostile command line cannot flood one).
 */
#include <string.h>

#include "lib/strbuf.h"
#include "selection/setting.h"

enum { ENTRY_SHOWN = 64 };

#define ID_FORM "VVVV:DDDD (4 hex digits each)"
#define ADDR_FORM "DDDD:BB:SS.F, BB:SS.F or slot BB:SS"
#define BOOL_FORM "1, 0, yes, no, on, off, true or false"
#define OFF_RESULT "treated as off: nothing is bound"

enum { AS_IS, BACKSLASH, HEX };

/* How each byte is shown: '"' and '\\' after a backslash, bytes outside printable ASCII as \xHH. */
#define B BACKSLASH
#define X HEX
static const unsigned char escape_class[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x00 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x10 */
	0, 0, B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, 0, /* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, X, /* 0x70 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x80 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x90 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xa0 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xb0 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xc0 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xd0 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xe0 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0xf0 */
};
#undef B
#undef X

/*
 * The escaped text is built here and handed over in one put: a diagnostic
 * about binary junk would otherwise cost several appends a byte.  Only what
 * can still fit is built (and a byte more, so that the cut is noticed): a
 * prefix cuts the same as the whole text.
 */
static void put_escaped(struct gpupt_strbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char out[4 * ENTRY_SHOWN + 3];
	const char *end = s + (len < ENTRY_SHOWN ? len : ENTRY_SHOWN);
	size_t n = 0, room = gpupt_strbuf_room(b);

	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (n > room) {
			gpupt_strbuf_put(b, out, n);
			return;
		}
		switch (escape_class[c]) {
		case AS_IS:
			out[n++] = (char)c;
			break;
		case BACKSLASH:
			out[n++] = '\\';
			out[n++] = (char)c;
			break;
		default:
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
			break;
		}
	}
	if (len > ENTRY_SHOWN) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	gpupt_strbuf_put(b, out, n);
}

static void put_quoted(struct gpupt_strbuf *b, const struct gpupt_diag *d)
{
	gpupt_strbuf_putc(b, '"');
	if (d->entry)
		put_escaped(b, d->entry, d->entry_len);
	gpupt_strbuf_putc(b, '"');
}

static void put_where(struct gpupt_strbuf *b, const struct gpupt_diag *d, const char *origin)
{
	if (origin) {
		gpupt_strbuf_puts(b, origin);
		if (d->line) {
			gpupt_strbuf_putc(b, ':');
			gpupt_strbuf_uint(b, d->line);
		}
		gpupt_strbuf_puts(b, ": ");
	} else if (d->line) {
		gpupt_strbuf_puts(b, "line ");
		gpupt_strbuf_uint(b, d->line);
		gpupt_strbuf_puts(b, ": ");
	}
	if (d->key_len) {
		put_escaped(b, d->key, d->key_len);
		gpupt_strbuf_puts(b, ": ");
	}
}

/* What the problem costs: the off switches fall back to off, the rest is ignored. */
static const char *setting_result(const struct gpupt_diag *d)
{
	if (gpupt_setting_is_off_switch(d->key, d->key_len))
		return OFF_RESULT;
	return "setting ignored";
}

static void put_problem(struct gpupt_strbuf *b, const struct gpupt_diag *d)
{
	switch (d->code) {
	case GPUPT_DIAG_BAD_ID:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not " ID_FORM "; entry ignored");
		break;
	case GPUPT_DIAG_BAD_ADDR:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not a PCI address (" ADDR_FORM "); entry ignored");
		break;
	case GPUPT_DIAG_BAD_FINGERPRINT:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " has a bad fingerprint (ADDRESS=" ID_FORM
				     ", optionally :SVVV:SDDD); entry ignored");
		break;
	case GPUPT_DIAG_BAD_DRIVER:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not a driver name ([a-z0-9_-], at most 31 characters)"
				     "; setting ignored (the default is " GPUPT_DEFAULT_DRIVER ")");
		break;
	case GPUPT_DIAG_BAD_BOOL:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not " BOOL_FORM "; ");
		gpupt_strbuf_puts(b, setting_result(d));
		break;
	case GPUPT_DIAG_BAD_FB:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not keep or release; setting ignored (the default is release)");
		break;
	case GPUPT_DIAG_BAD_WATCHDOG:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not MODULE:SECONDS (a module name, 30 to 3600 seconds); no watchdog armed");
		break;
	case GPUPT_DIAG_EMPTY_VALUE:
		gpupt_strbuf_puts(b, "empty value; ");
		gpupt_strbuf_puts(b, setting_result(d));
		break;
	case GPUPT_DIAG_UNKNOWN_KEY:
		if (d->line)
			gpupt_strbuf_puts(b, "unknown key; line ignored"
					     " (known: ids, addrs, driver, debug, fb)");
		else
			gpupt_strbuf_puts(b, "unknown gpupt key; ignored"
					     " (known: ids, addrs, driver, off, debug, fb)");
		break;
	case GPUPT_DIAG_TOO_MANY_IDS:
		gpupt_strbuf_puts(b, "more than ");
		gpupt_strbuf_uint(b, GPUPT_MAX_IDS);
		gpupt_strbuf_puts(b, " ids; ");
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " dropped");
		break;
	case GPUPT_DIAG_TOO_MANY_ADDRS:
		gpupt_strbuf_puts(b, "more than ");
		gpupt_strbuf_uint(b, GPUPT_MAX_ADDRS);
		gpupt_strbuf_puts(b, " addresses; ");
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " dropped");
		break;
	case GPUPT_DIAG_BAD_LINE:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " is not \"key = value\"; line ignored");
		break;
	case GPUPT_DIAG_UNCLOSED_QUOTE:
		put_quoted(b, d);
		gpupt_strbuf_puts(b, " opens a double quote that is never closed");
		/* On the command line it runs to the end, over any gpupt.off typed after it. */
		gpupt_strbuf_puts(b, d->line ? "; " : " (the rest of the line is in it); ");
		gpupt_strbuf_puts(b, d->line ? setting_result(d) : OFF_RESULT);
		break;
	default:
		gpupt_strbuf_puts(b, "unknown problem ");
		gpupt_strbuf_uint(b, (unsigned)d->code);
		break;
	}
}

int gpupt_diag_format(const struct gpupt_diag *d, const char *origin, char *buf, size_t size)
{
	struct gpupt_strbuf b;

	gpupt_strbuf_init(&b, buf, size);
	put_where(&b, d, origin);
	put_problem(&b, d);
	return gpupt_strbuf_result(&b);
}
