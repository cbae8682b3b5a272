/* SPDX-License-Identifier: MIT */
/*
 * Editing one variable of /etc/default/grub (a shell file) token by token,
 * keeping every other byte: the value may use double or single quotes and
 * span backslash-continued lines; comments, other assignments and their
 * quotes, $(...), `...` and ${...} (nested) are skipped as sh reads them.
 * An assignment is a word NAME=VALUE before a command's first other word,
 * or any such word after "export" (export A=1 NAME="..."); the last one
 * counts, as in the shell.
 *
 * Pure: (buf, len) in, caller's buffer out; no I/O, no malloc.
 */
#ifndef GPUPT_GRUBEDIT_H
#define GPUPT_GRUBEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "host/formats/kcmdline.h"

#define GPUPT_GRUB_VAR "GRUB_CMDLINE_LINUX_DEFAULT"

struct gpupt_grub_var {
	size_t line_start;  /* where the assignment starts (its name, after any "export ") */
	size_t value_start; /* after '=' */
	size_t value_end;   /* end of the shell word */
	size_t start, end;  /* inside the quotes: the kernel tokens */
	char quote;	    /* '"' or '\'' */
};

/*
 * Find the last assignment "NAME=..." of var.  Returns 0, -ENOENT (none),
 * -ENOTSUP (its value is not one quoted string: "$X"'y', unquoted words or
 * an empty value; or substitutions nested too deep to follow), -ENOEXEC
 * (its value holds a command substitution, $(...), $((...)) or `...`
 * outside single quotes: what sh puts there is known only when it runs),
 * or -EINVAL (a quote or substitution is never closed).
 */
int gpupt_grub_find(const char *buf, size_t len, const char *var, struct gpupt_grub_var *v);

/*
 * Does var's last assignment add to the value before it: does its value
 * start with $VAR or ${VAR} ("$VAR ..." or unquoted)?  Returns the length
 * of that reference (after the opening quote), or 0.  Also answered for
 * the values gpupt_grub_find refuses with -ENOEXEC or -ENOTSUP, so that
 * what they keep of the value before is known.
 */
size_t gpupt_grub_appends(const char *buf, size_t len, const char *var);

/* Does var's value (last assignment, one quoted string) hold tok? */
bool gpupt_grub_has(const char *buf, size_t len, const char *var, const char *tok);

/*
 * Write buf to out with var's value edited as gpupt_kcmdline_edit does
 * (remove del, append add; added[i] as there).  A missing var gets a new
 * last line VAR="TOKENS" and *line_added is set.  Returns the output length,
 * -ENOSPC, or the errors of gpupt_grub_find other than -ENOENT.
 */
long gpupt_grub_edit(const char *buf, size_t len, const char *var, const struct gpupt_tokens *add,
		     const struct gpupt_tokens *del, bool *added, bool *line_added, char *out, size_t size);

/*
 * Undo gpupt_grub_edit: remove the tokens ours from var's value, and when
 * line_added the line VAR="" it leaves at the end of the file.  Same returns.
 */
long gpupt_grub_revert(const char *buf, size_t len, const char *var, const struct gpupt_tokens *ours,
		       bool line_added, char *out, size_t size);

#endif
