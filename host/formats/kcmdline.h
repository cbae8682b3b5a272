/* SPDX-License-Identifier: MIT */
/*
 * Token-by-token editing of kernel command-line text: the first line of
 * /etc/kernel/cmdline, or the inside of GRUB_CMDLINE_LINUX_DEFAULT's quotes.
 *
 * Pure: (buf, len) in, caller's buffer out; no I/O, no malloc.  Tokens split
 * on white space (and a backslash-newline, a shell continuation) outside
 * double quotes, as the kernel splits them.  An edit only appends " TOKEN"
 * at the end of a region or removes a token with the one separator before it
 * (after it, for the first token), so removing what an edit added gives back
 * the original bytes.
 */
#ifndef GPUPT_KCMDLINE_H
#define GPUPT_KCMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum { GPUPT_TOKENS_MAX = 8 };

/* A small list of whole tokens, each without white space or quotes. */
struct gpupt_tokens {
	const char *tok[GPUPT_TOKENS_MAX];
	size_t n;
};

/* Append tok (not copied); -ENOSPC when full. */
int gpupt_tokens_add(struct gpupt_tokens *t, const char *tok);
bool gpupt_tokens_has(const struct gpupt_tokens *t, const char *tok);

/* Does buf[start, end) hold tok as a whole token (not inside quotes)? */
bool gpupt_kcmdline_has(const char *buf, size_t start, size_t end, const char *tok);

/* Does buf[start, end) close every double quote it opens? */
bool gpupt_kcmdline_balanced(const char *buf, size_t start, size_t end);

/*
 * Write buf to out with the region [start, end) edited: each token of del
 * standing as a whole token in the region is removed (its last occurrence)
 * unless add holds it too, then each token of add that the region does not
 * hold is appended.  added[i] (may be NULL) tells which tokens of add are
 * ours after the edit: appended now, or kept from del (ours before).
 * Returns the output length, -ENOSPC (out too small), or -EINVAL (the region
 * leaves a double quote open, so an appended token would land inside it).
 */
long gpupt_kcmdline_edit(const char *buf, size_t len, size_t start, size_t end, const struct gpupt_tokens *add,
			 const struct gpupt_tokens *del, bool *added, char *out, size_t size);

/*
 * /etc/kernel/cmdline: edit its first line (up to the first '\n', or all of
 * buf), the only one proxmox-boot-tool reads (host/model/bootloader.h).
 * Same returns as gpupt_kcmdline_edit.
 */
long gpupt_kcmdline_edit_file(const char *buf, size_t len, const struct gpupt_tokens *add,
			      const struct gpupt_tokens *del, bool *added, char *out, size_t size);

/*
 * /etc/kernel/cmdline as systemd's kernel-install reads it: every line.
 * The region is the whole file up to its last token (trailing blanks and
 * newlines stay after the appended tokens).  Same returns as
 * gpupt_kcmdline_edit.
 */
long gpupt_kcmdline_edit_all(const char *buf, size_t len, const struct gpupt_tokens *add,
			     const struct gpupt_tokens *del, bool *added, char *out, size_t size);

/*
 * The options kernel-install (systemd 252, 90-loaderentry.install) writes
 * into a loader entry from a command-line file: every run of blanks, tabs
 * and newlines becomes one space, one trailing space goes (`tr -s "$IFS" ' '`,
 * then "${BOOT_OPTIONS% }").  With from_proc, buf is /proc/cmdline, and the
 * words the boot loader added for this boot (BOOT_IMAGE=..., initrd=...)
 * are left out, as 90-loaderentry does.  Returns the length written
 * (NUL-terminated) or -ENOSPC.
 */
long gpupt_kcmdline_join(const char *buf, size_t len, bool from_proc, char *out, size_t size);

#endif
