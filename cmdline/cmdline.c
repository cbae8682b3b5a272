// SPDX-License-Identifier: MIT
/*
 * The gpupt.* tokens of the kernel command line: each token the kernel's
 * tokenizer (lib/kernel-cmdline) hands over is matched against gpupt's keys
 * and applied to the selection model through the shared setting code.
 */
#include <string.h>

#include "cmdline/cmdline.h"
#include "lib/kernel-cmdline.h"
#include "selection/setting.h"

/* An odd number of '"' leaves next_arg() inside a quote at the end of the line. */
static bool token_unclosed(const struct gpupt_kernel_param *tok)
{
	const char *end = tok->start + tok->len, *q = memchr(tok->start, '"', tok->len);
	size_t quotes = 0;

	for (; q; q = memchr(q + 1, '"', (size_t)(end - q - 1)))
		quotes++;
	return quotes % 2;
}

static enum gpupt_setting token_setting(const struct gpupt_kernel_param *tok, bool *ours)
{
	static const char prefix[] = "gpupt.";
	const size_t plen = sizeof(prefix) - 1;

	*ours = true;
	if (tok->key_len >= plen && !memcmp(tok->key, prefix, plen))
		return gpupt_setting_lookup(tok->key + plen, tok->key_len - plen, false);
	if (tok->val && gpupt_kernel_param_eq(tok->key, tok->key_len, "gpupt"))
		return GPUPT_SET_ENABLE;
	*ours = false;
	return GPUPT_SET_UNKNOWN;
}

static void handle_token(const struct gpupt_kernel_param *tok, enum gpupt_setting s,
			 struct gpupt_config *out, struct gpupt_diags *diags)
{
	const struct gpupt_setting_src src = { tok->key, tok->key_len, 0 };

	if (token_unclosed(tok)) {
		/*
		 * The value runs to the end of the line, as in the kernel, and
		 * may hold a gpupt.off the admin typed after it: when in doubt,
		 * bind nothing.  None of the value is used.
		 */
		gpupt_diag_add(diags, GPUPT_DIAG_UNCLOSED_QUOTE, &src,
			       tok->val ? tok->val : tok->start, tok->val ? tok->val_len : tok->len);
		out->off = true;
		return;
	}
	if (s == GPUPT_SET_UNKNOWN) {
		gpupt_diag_add(diags, GPUPT_DIAG_UNKNOWN_KEY, &src, tok->val, tok->val_len);
		return;
	}
	gpupt_setting_apply(s, &src, tok->val, tok->val_len, out, diags);
}

int gpupt_cmdline_parse(const char *buf, size_t len, struct gpupt_config *out, struct gpupt_diags *diags)
{
	struct gpupt_kernel_param tok;
	size_t pos = 0;
	int seen = 0;

	while (gpupt_kernel_cmdline_next(buf, len, &pos, &tok)) {
		bool ours;
		enum gpupt_setting s = token_setting(&tok, &ours);

		if (!ours)
			continue;
		seen++;
		handle_token(&tok, s, out, diags);
	}
	return seen;
}
