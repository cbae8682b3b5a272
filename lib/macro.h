/* SPDX-License-Identifier: MIT */
/* Small macros every part of gpupt uses (after kmod's shared/macro.h). */
#ifndef GPUPT_LIB_MACRO_H
#define GPUPT_LIB_MACRO_H

/* Elements of an array (not a pointer: the division would be wrong). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Length of a string literal, at compile time. */
#define STRLEN(s) (sizeof("" s "") - 1)

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define PRINTF_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))

#endif
