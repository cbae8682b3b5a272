// SPDX-License-Identifier: MIT
/* The trial's state file on the host, and the boot it names (see trialfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/kcmdline.h"
#include "host/model/trialfile.h"
#include "lib/atomic.h"
#include "lib/kernel-cmdline.h"
#include "lib/msg.h"
#include "lib/path.h"

enum { PROC_CMDLINE_MAX = 4096 }; /* x86's COMMAND_LINE_SIZE is 2048 */

int gpupt_trial_load(int rootfd, struct gpupt_trial *t, FILE *err)
{
	char *buf = NULL, why[160];
	size_t len;
	int r = gpupt_read_file_alloc(rootfd, GPUPT_TRIAL_PATH, GPUPT_TRIAL_FILE_MAX,
				      GPUPT_READ_REGULAR, &buf, &len);

	memset(t, 0, sizeof(*t));
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (err)
			gpupt_msg(err, "cannot read /%s: %s; remove it if no trial boot is under way\n",
				  GPUPT_TRIAL_PATH, gpupt_read_strerror(r));
		return -EBADMSG;
	}
	r = gpupt_trial_parse(buf, len, t, why, sizeof(why));
	free(buf);
	if (r < 0 && err)
		gpupt_msg(err,
			  "/%s is damaged (%s): gpupt does not trust it. Remove it; if a trial boot was "
			  "set up, also take its entry away by hand: GRUB: `update-grub` and `grub-editenv "
			  "/boot/grub/grubenv unset next_entry`; systemd-boot: remove "
			  "loader/entries/gpupt-trial.conf on the ESP and run `bootctl set-oneshot ''`; "
			  "UEFI: `efibootmgr` lists the option \"gpupt trial\": `efibootmgr -b XXXX -B` "
			  "deletes it, `efibootmgr -N` clears BootNext, and remove EFI/gpupt on the ESP\n",
			  GPUPT_TRIAL_PATH, why);
	if (r < 0)
		memset(t, 0, sizeof(*t));
	return r;
}

int gpupt_trial_save(int rootfd, const struct gpupt_trial *t)
{
	char *buf = malloc(GPUPT_TRIAL_FILE_MAX);
	size_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	n = gpupt_trial_format(t, buf, GPUPT_TRIAL_FILE_MAX);
	r = n >= GPUPT_TRIAL_FILE_MAX ? -ENOSPC
				      : gpupt_file_write_atomic(rootfd, GPUPT_TRIAL_PATH, buf, n, 0600);
	free(buf);
	return r;
}

/*
 * In the trial boot, /proc/cmdline carries the trial's additions: what
 * falls back on it (kernel-install without /etc/kernel/cmdline, and gpupt's
 * own seed of that file) must not make them, the marker and panic=10
 * included, the next boot's default.  The last occurrence of each goes,
 * as the trial entry appended them.
 */
int gpupt_trial_strip_proc_cmdline(int rootfd, char *line, size_t size)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	char words[GPUPT_TRIAL_TOKENS], *save = NULL, *out = NULL;
	struct gpupt_tokens del = { 0 };
	long n = 0;

	if (!t)
		return -ENOMEM;
	/* A damaged state file is reported by whoever acts on the trial; here it strips nothing. */
	if (gpupt_trial_load(rootfd, t, NULL) < 0 || t->state != GPUPT_TRIAL_PENDING ||
	    gpupt_trial_booted(rootfd) != t->id)
		goto out;
	snprintf(words, sizeof(words), "%s", t->tokens);
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		gpupt_tokens_add(&del, w);
	out = malloc(size);
	n = out ? gpupt_kcmdline_edit_all(line, strlen(line), NULL, &del, NULL, out, size - 1) : -ENOMEM;
	if (n >= 0) {
		memcpy(line, out, (size_t)n);
		line[n] = '\0';
	}
out:
	free(t);
	free(out);
	return n < 0 ? (int)n : 0;
}

long long gpupt_trial_booted(int rootfd)
{
	char cmdline[PROC_CMDLINE_MAX];
	struct gpupt_kernel_param p;
	int n = gpupt_read_file(rootfd, "proc/cmdline", cmdline, sizeof(cmdline), 0);
	size_t pos = 0;
	long long id = 0;

	while (n > 0 && id == 0 && gpupt_kernel_cmdline_next(cmdline, (size_t)n, &pos, &p))
		if (gpupt_kernel_param_eq(p.key, p.key_len, GPUPT_TRIAL_MARKER) && p.val &&
		    p.val_len > 0 && p.val_len <= 12)
			for (size_t i = 0; i < p.val_len; i++) {
				if (p.val[i] < '0' || p.val[i] > '9') {
					id = 0;
					break;
				}
				id = id * 10 + (p.val[i] - '0');
			}
	return id;
}
