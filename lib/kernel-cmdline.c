// SPDX-License-Identifier: MIT
/*
 * Splitting the kernel command line the way the kernel does (lib/cmdline.c
 * next_arg, kernel/params.c parameq).  Knows nothing of any consumer's keys.
 */
#include <string.h>

#include "lib/kernel-cmdline.h"
/*
 * The bytes the tokenizer acts on, looked up in one table as the kernel's
 * ctype does: the kernel's isspace() (the C white space plus 0xa0, which its
 * Latin-1 table also counts as a space), the NUL that ends the line (the
 * kernel reads the command line as a C string), '=' and '"'.  Every other
 * byte is 0, so a token's plain bytes cost one lookup each.
 */
enum { K_SPACE = 1, K_NUL, K_EQUALS, K_QUOTE };

static const unsigned char kernel_class[256] = {
	['\0'] = K_NUL,	  ['\t'] = K_SPACE, ['\n'] = K_SPACE, ['\v'] = K_SPACE, ['\f'] = K_SPACE,
	['\r'] = K_SPACE, [' '] = K_SPACE,  [0xa0] = K_SPACE, ['='] = K_EQUALS, ['"'] = K_QUOTE,
};

static unsigned char class_of(char c)
{
	return kernel_class[(unsigned char)c];
}

/* A NUL is no space: it ends the line. */
bool gpupt_kernel_isspace(char c)
{
	return class_of(c) == K_SPACE;
}

static size_t skip_spaces(const char *buf, size_t len, size_t pos)
{
	while (pos < len && class_of(buf[pos]) == K_SPACE)
		pos++;
	return pos;
}

/* End of the token starting at p (past its opening quote if quoted). */
static size_t token_end(const char *buf, size_t len, size_t p, bool in_quote, size_t *equals)
{
	size_t first = p;

	*equals = 0;
	for (; p < len; p++) {
		unsigned char k = class_of(buf[p]);

		if (!k)
			continue;
		if (k == K_NUL || (k == K_SPACE && !in_quote))
			break;
		/* next_arg() ignores a '=' in the first position */
		if (k == K_EQUALS && !*equals && p > first)
			*equals = p;
		if (k == K_QUOTE)
			in_quote = !in_quote;
	}
	return p;
}

int gpupt_kernel_cmdline_next(const char *buf, size_t len, size_t *pos, struct gpupt_kernel_param *tok)
{
	size_t start = skip_spaces(buf, len, *pos), p = start, end, equals;
	bool quoted;

	if (start >= len || buf[start] == '\0') {
		*pos = start;
		return 0;
	}
	quoted = buf[start] == '"';
	p += quoted;
	end = token_end(buf, len, p, quoted, &equals);

	/* next_arg() drops one closing quote, args[i-1], for either kind of quoting. */
	bool last_is_quote = end > p && buf[end - 1] == '"';

	tok->start = buf + start;
	tok->len = end - start;
	tok->key = buf + p;
	if (!equals) {
		tok->key_len = end - p - (quoted && last_is_quote);
		tok->val = NULL;
		tok->val_len = 0;
	} else {
		size_t v = equals + 1, v_end = end;
		bool val_quoted = v < end && buf[v] == '"';

		tok->key_len = equals - p;
		v += val_quoted;
		if ((val_quoted || quoted) && last_is_quote && end - 1 >= v)
			v_end = end - 1;
		tok->val = buf + v;
		tok->val_len = v_end - v;
	}
	if (!tok->val && tok->key_len == 2 && !memcmp(tok->key, "--", 2)) {
		*pos = start;
		return 0;
	}
	*pos = end;
	return 1;
}

bool gpupt_kernel_param_eq(const char *key, size_t key_len, const char *name)
{
	if (strlen(name) != key_len)
		return false;
	for (size_t i = 0; i < key_len; i++) {
		char a = key[i] == '-' ? '_' : key[i];
		char b = name[i] == '-' ? '_' : name[i];

		if (a != b)
			return false;
	}
	return true;
}
