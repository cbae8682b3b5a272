/* SPDX-License-Identifier: MIT */
/*
 * gpupt enable and disable, shared by their two files: enable.c plans and
 * writes (the direct way, and what a trial's confirm runs), trial_setup.c
 * sets up, refuses or cancels a trial boot instead.  Not used elsewhere.
 */
#ifndef GPUPT_ENABLE_H
#define GPUPT_ENABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "host/formats/kcmdline.h"
#include "host/host.h"
#include "host/model/bootloader.h"
#include "host/model/devices.h"
#include "host/model/images.h"
#include "host/model/initramfs.h"
#include "host/model/journal.h"
#include "host/model/kinstall.h"
#include "host/model/lock.h"
#include "host/model/select.h"
#include "host/model/trial.h"

enum { REGEN_ARGV_MAX = 16 };

#define CONF_TEXT_MAX 8192

struct opts {
	bool dry_run, yes, force, grub_in_place, unsafe_interrupts;
	bool no_trial, from_trial; /* from_trial: run by `gpupt confirm` */
	unsigned trial_minutes;	   /* --trial=MINUTES; 0: not given */
	const char *health_cmd;
};

/* The tokens enable wants on the kernel command line, with their storage. */
struct want {
	struct gpupt_tokens t;
	char addrs[32 + GPUPT_MAX_ADDRS * 32];
};

struct run_ctx {
	struct gpupt_host *h;
	struct opts o;
	const char *command;		/* "enable" or "disable" */
	struct gpupt_plan journal;	/* what gpupt added before this run */
	struct gpupt_journal_seen seen; /* the journal file the plan was made from */
	struct gpupt_plan plan;
	const struct gpupt_bootloader *boot;
	struct gpupt_regen boot_regen[GPUPT_MAX_KERNELS]; /* the commands that rebuild its menu */
	size_t n_boot_regen;
	struct gpupt_kinstall_conf ki; /* what those commands read instead of /etc/kernel */
	const struct gpupt_initramfs_gen *gen;
	struct gpupt_images *images;	 /* which images to rebuild; NULL: all (gen->argv) */
	const struct gpupt_trial *trial; /* the trial being set up, for --json */
};

/* enable.c: the plan, shown, asked for, written */
bool gpupt_enable_plan_changes_anything(const struct gpupt_plan *p);
int gpupt_enable_check_root_mounts(struct run_ctx *c);
bool gpupt_enable_images_may_skip(const struct run_ctx *c);
int gpupt_enable_confirm(struct run_ctx *c);
int gpupt_enable_run_regen(struct run_ctx *c, const char *const *regen);
void gpupt_enable_print_summary_json(struct run_ctx *c, bool changed);
int gpupt_enable_check_unchanged(struct run_ctx *c);
int gpupt_enable_lock_take(struct run_ctx *c, struct gpupt_lock *lock);
int gpupt_enable_carry_out(struct run_ctx *c);

/* trial_setup.c: the trial boot instead of writing the plan */
int gpupt_enable_refuse_if_trial_pending(struct run_ctx *c);
int gpupt_enable_cancel_trial(struct run_ctx *c);
int gpupt_enable_start_trial(struct run_ctx *c, const struct gpupt_devlist *l,
			     const struct gpupt_selection *s, const struct want *w, char **sels, int n_sels);

#endif
