/* SPDX-License-Identifier: MIT */
/*
 * A tiny streaming JSON writer for --json output.  Commas and nesting are
 * tracked for the caller; strings are escaped per RFC 8259 (", \, control
 * characters as \uXXXX; bytes >= 0x80 pass through, invalid UTF-8 becomes
 * U+FFFD so the output always parses).
 *
 *   struct gpupt_json j;
 *   gpupt_json_init(&j, h->out);
 *   gpupt_json_begin_object(&j);
 *   gpupt_json_kv_str(&j, "address", "0000:01:00.0");
 *   gpupt_json_key(&j, "functions"); gpupt_json_begin_array(&j); ... gpupt_json_end_array(&j);
 *   gpupt_json_end_object(&j);
 *   gpupt_json_finish(&j);		// newline; returns 0 or -EIO
 */
#ifndef GPUPT_JSON_H
#define GPUPT_JSON_H

#include <stdbool.h>
#include <stdio.h>

enum { GPUPT_JSON_DEPTH = 32 };

struct gpupt_json {
	FILE *f;
	unsigned depth;
	bool need_comma[GPUPT_JSON_DEPTH];
	bool after_key;
	bool error; /* nesting misuse; reported by finish */
};

void gpupt_json_init(struct gpupt_json *j, FILE *f);
void gpupt_json_begin_object(struct gpupt_json *j);
void gpupt_json_end_object(struct gpupt_json *j);
void gpupt_json_begin_array(struct gpupt_json *j);
void gpupt_json_end_array(struct gpupt_json *j);
void gpupt_json_key(struct gpupt_json *j, const char *key);
void gpupt_json_str(struct gpupt_json *j, const char *s); /* NULL writes null */
void gpupt_json_int(struct gpupt_json *j, long long v);
void gpupt_json_bool(struct gpupt_json *j, bool v);
void gpupt_json_null(struct gpupt_json *j);

void gpupt_json_kv_str(struct gpupt_json *j, const char *key, const char *s);
void gpupt_json_kv_int(struct gpupt_json *j, const char *key, long long v);
void gpupt_json_kv_bool(struct gpupt_json *j, const char *key, bool v);

/* Escape s as a JSON string literal (with the quotes) to f. */
void gpupt_json_write_string(FILE *f, const char *s);

/* Ends the document with a newline; 0, or -EINVAL (unbalanced) / -EIO. */
int gpupt_json_finish(struct gpupt_json *j);

#endif
