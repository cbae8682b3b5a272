/* SPDX-License-Identifier: MIT */
/* Unified diffs of a file's old and new contents, for --dry-run. */
#ifndef GPUPT_DIFF_H
#define GPUPT_DIFF_H

#include <stddef.h>
#include <stdio.h>

/*
 * Print "--- a/PATH" / "+++ b/PATH" and the hunks (3 lines of context)
 * turning a into b.  a or b NULL: the file does not exist (/dev/null).
 * Prints nothing when they are equal.  Returns 0 or -ENOMEM.
 */
int gpupt_diff_print(FILE *f, const char *path, const char *a, size_t alen, const char *b, size_t blen);

#endif
