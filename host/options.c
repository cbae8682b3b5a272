// SPDX-License-Identifier: MIT
/* One option parser for every command, over getopt_long (see options.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/options.h"
#include "lib/msg.h"

enum { OPTIONS_MAX = 32, HELP_ID = -1000 };

static const struct gpupt_option help = { "help", 'h', GPUPT_OPT_FLAG, HELP_ID };

static const int has_arg[] = {
	[GPUPT_OPT_FLAG] = no_argument,
	[GPUPT_OPT_VALUE] = required_argument,
	[GPUPT_OPT_OPTIONAL] = optional_argument,
};

/* opts with --help added, as getopt_long's table and short-option string. */
static size_t build(const struct gpupt_option *opts, struct option *longs, char *shorts,
		    const struct gpupt_option **by_index)
{
	size_t n = 0, s = 0;

	/* "+" would stop at the first operand; gpupt's commands take options anywhere, as getopt does. */
	for (const struct gpupt_option *o = opts; n < OPTIONS_MAX - 2; o++) {
		if (!o->name)
			o = &help;
		longs[n] = (struct option){ o->name, has_arg[o->arg], NULL, (int)n + 256 };
		by_index[n++] = o;
		if (o->short_name) {
			shorts[s++] = o->short_name;
			if (o->arg == GPUPT_OPT_VALUE)
				shorts[s++] = ':';
			else if (o->arg == GPUPT_OPT_OPTIONAL)
				shorts[s++] = ':', shorts[s++] = ':';
		}
		if (o == &help)
			break;
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[s] = '\0';
	return n;
}

static const struct gpupt_option *by_short(const struct gpupt_option *const *by_index, size_t n, int c)
{
	for (size_t i = 0; i < n; i++)
		if (by_index[i]->short_name == c)
			return by_index[i];
	return NULL;
}

int gpupt_options_parse(FILE *err, const struct gpupt_option *opts, int argc, char **argv,
			gpupt_option_take take, void *ctx, int *first)
{
	struct option longs[OPTIONS_MAX];
	const struct gpupt_option *by_index[OPTIONS_MAX];
	char shorts[3 * OPTIONS_MAX + 1];
	size_t n = build(opts, longs, shorts, by_index);
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct gpupt_option *o =
			c >= 256 && (size_t)(c - 256) < n ? by_index[c - 256] : by_short(by_index, n, c);
		int r;

		if (!o) {
			gpupt_msg(err, "%s: unknown option or missing value: \"%s\"; see `gpupt %s --help`\n",
				  argv[0], argv[optind - 1], argv[0]);
			return GPUPT_OPTIONS_UNKNOWN;
		}
		if (o->id == HELP_ID)
			return GPUPT_OPTIONS_HELP;
		r = take(ctx, o->id, optarg);
		if (r != 0)
			return r;
	}
	*first = optind;
	return 0;
}

int gpupt_options_parse_or_usage(FILE *out, FILE *err, const struct gpupt_option *opts, int argc,
				 char **argv, gpupt_option_take take, void *ctx, int *first,
				 int (*usage)(FILE *f, int status))
{
	int r = gpupt_options_parse(err, opts, argc, argv, take, ctx, first);

	if (r == GPUPT_OPTIONS_HELP)
		return usage(out, 0) - 1;
	if (r == GPUPT_OPTIONS_UNKNOWN)
		return usage(err, 2);
	return r;
}

bool gpupt_option_takes_next(const struct gpupt_option *opts, const char *word)
{
	if (word[0] != '-' || word[1] == '\0')
		return false;
	if (word[1] == '-') {
		size_t n = strlen(word + 2);

		/* getopt_long takes any unambiguous abbreviation; "--file=X" carries its value. */
		for (const struct gpupt_option *o = opts; o && o->name && n && !strchr(word, '='); o++)
			if (o->arg == GPUPT_OPT_VALUE && strncmp(o->name, word + 2, n) == 0)
				return true;
		return false;
	}
	/* "-yf FILE": flags, then one with a value, which is the next word unless the rest of this one. */
	for (const char *p = word + 1; *p; p++)
		for (const struct gpupt_option *o = opts; o && o->name; o++)
			if (o->short_name == *p && o->arg == GPUPT_OPT_VALUE)
				return p[1] == '\0';
	return false;
}

const struct gpupt_option gpupt_no_options[] = { { NULL, 0, GPUPT_OPT_FLAG, 0 } };

int gpupt_option_none(void *ctx, int id, const char *value)
{
	(void)ctx, (void)id, (void)value;
	return 0;
}
