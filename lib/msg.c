// SPDX-License-Identifier: MIT
#include <stdarg.h>

#include "lib/msg.h"

void gpupt_msg_begin(FILE *f)
{
	fputs(GPUPT_MSG_PREFIX, f);
}

void gpupt_msg(FILE *f, const char *fmt, ...)
{
	va_list ap;

	gpupt_msg_begin(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

void gpupt_warn(FILE *f, const char *fmt, ...)
{
	va_list ap;

	fputs(GPUPT_MSG_PREFIX GPUPT_MSG_WARNING, f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}
