/* SPDX-License-Identifier: MIT */
/*
 * The trial's state file on the host (var/lib/gpupt/trial, its format in
 * host/formats/trialstate.h), and the boot it names: which boot is the
 * trial's, and the command line in effect without the trial's additions.
 * Below both the trial (trial.h) and the boot loaders (bootloader.h), which
 * read it.
 */
#ifndef GPUPT_TRIALFILE_H
#define GPUPT_TRIALFILE_H

#include <stddef.h>
#include <stdio.h>

#include "host/formats/trialstate.h"

#define GPUPT_TRIAL_PATH "var/lib/gpupt/trial" /* relative to the root */
#define GPUPT_TRIAL_MARKER "gpupt.trial"       /* gpupt.trial=ID on the trial's command line */

enum { GPUPT_TRIAL_FILE_MAX = 1 << 20 };

/*
 * Read the state file: 0 (state GPUPT_TRIAL_NONE when there is none), or
 * -EBADMSG explained on err (err NULL: quietly).
 */
int gpupt_trial_load(int rootfd, struct gpupt_trial *t, FILE *err);

/* Write it atomically (0600); 0 or -errno. */
int gpupt_trial_save(int rootfd, const struct gpupt_trial *t);

/* The trial's id on this boot's command line (gpupt.trial=ID), or 0. */
long long gpupt_trial_booted(int rootfd);

/*
 * In the trial boot: take the trial's additions (the tokens line of the
 * state file) out of line, a NUL-terminated copy of /proc/cmdline in a
 * buffer of size bytes.  Elsewhere line stays as it is.  0 or -errno.
 */
int gpupt_trial_strip_proc_cmdline(int rootfd, char *line, size_t size);

#endif
