/* SPDX-License-Identifier: MIT */
/*
 * A fixture file read whole for a parser's test (64 KiB at most),
 * NUL-terminated; include after <cmocka.h>.
 */
#ifndef GPUPT_TESTS_FIXTURE_FILE_H
#define GPUPT_TESTS_FIXTURE_FILE_H

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(65536);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

#endif
