/* SPDX-License-Identifier: MIT */
/*
 * Messages for people, all in one voice: "gpupt: " and, for a warning,
 * "warning: ", then the text (after kmod's tools/log.h).  Nothing else
 * types the prefix.  The caller's format ends the line ("...\n").
 * The binder, which has no stdio, uses GPUPT_MSG_PREFIX for its kernel-log
 * lines.
 */
#ifndef GPUPT_LIB_MSG_H
#define GPUPT_LIB_MSG_H

#include <stdio.h>

#include "lib/macro.h"

#define GPUPT_MSG_PREFIX "gpupt: "
#define GPUPT_MSG_WARNING "warning: "

/* "gpupt: TEXT" on f (stderr for errors, stdout for progress); f NULL: quiet. */
void gpupt_msg(FILE *f, const char *fmt, ...) PRINTF_FORMAT(2, 3);

/* "gpupt: warning: TEXT" on f. */
void gpupt_warn(FILE *f, const char *fmt, ...) PRINTF_FORMAT(2, 3);

/* Just the prefix, for a message printed in several parts. */
void gpupt_msg_begin(FILE *f);

/*
 * s as text output may show it: control characters (C0, DEL, and C1 as
 * UTF-8 encodes them) as \xNN, everything else (UTF-8 included) as is.
 * Anything read from sysfs, pci.ids or a file goes through this before it
 * reaches a terminal or a text report (JSON escapes it itself).  Cut to fit
 * buf, never inside an escape; returns buf.
 */
const char *gpupt_printable(const char *s, char *buf, size_t size);

#endif
