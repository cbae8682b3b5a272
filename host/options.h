/* SPDX-License-Identifier: MIT */
/*
 * Every command's options as one table, read by one parser (as kmod's
 * tools keep theirs): the command gets each option's id and value, --help
 * is answered for it, an unknown option is said the same way everywhere,
 * and host/main.c reads the same tables to tell which options take the
 * next word as their value.
 */
#ifndef GPUPT_OPTIONS_H
#define GPUPT_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum gpupt_option_arg {
	GPUPT_OPT_FLAG,	    /* --yes */
	GPUPT_OPT_VALUE,    /* --file PATH, --file=PATH */
	GPUPT_OPT_OPTIONAL, /* --trial, --trial=MINUTES */
};

struct gpupt_option {
	const char *name; /* the long name without "--"; NULL ends a table */
	char short_name;  /* 'n' for -n, or 0 */
	enum gpupt_option_arg arg;
	int id; /* handed to the command with the value */
};

/* The command's handler of one option: 0 to go on, nonzero to stop (returned by the parser). */
typedef int (*gpupt_option_take)(void *ctx, int id, const char *value);

enum { GPUPT_OPTIONS_HELP = 1, GPUPT_OPTIONS_UNKNOWN = -1 };

/*
 * Parse argv (argv[0] the command) by opts: take(ctx, id, value) for each
 * option given, in order.  Returns 0 with *first the index of the first
 * operand; GPUPT_OPTIONS_HELP for --help or -h; GPUPT_OPTIONS_UNKNOWN
 * after an unknown option or a missing value (said on err: the caller shows
 * its usage and exits 2); or take's nonzero value.
 */
int gpupt_options_parse(FILE *err, const struct gpupt_option *opts, int argc, char **argv,
			gpupt_option_take take, void *ctx, int *first);

/*
 * gpupt_options_parse, then what every command does with the answer:
 * --help prints usage(out, 0) and returns -1 (the command ends, exit 0);
 * an unknown option prints usage(err, 2) and returns 2; take's nonzero
 * value is returned as it is; 0: go on with the operands from *first.
 */
int gpupt_options_parse_or_usage(FILE *out, FILE *err, const struct gpupt_option *opts, int argc,
				 char **argv, gpupt_option_take take, void *ctx, int *first,
				 int (*usage)(FILE *f, int status));

/* The take() of a command without options of its own. */
int gpupt_option_none(void *ctx, int id, const char *value);

/* Does word, an argument after the command, take the next word as its value under opts (as getopt_long reads it)? */
bool gpupt_option_takes_next(const struct gpupt_option *opts, const char *word);

#endif
