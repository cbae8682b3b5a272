/* SPDX-License-Identifier: MIT */
/* The host tool `gpupt`: shared context and the command table's entries. */
#ifndef GPUPT_HOST_H
#define GPUPT_HOST_H

#include <stdbool.h>
#include <stdio.h>

#include "host/options.h"

/* Global options, parsed by main() before and after the command name. */
struct gpupt_host {
	const char *root; /* "/" unless --root DIR; every path is below it */
	int rootfd;	  /* O_PATH|O_DIRECTORY fd of root: use openat() from it */
	bool json;	  /* --json */
	bool verbose;	  /* --verbose */
	FILE *out;	  /* stdout; tests may point it elsewhere */
	FILE *err;	  /* stderr */
	bool locked;	  /* this process holds gpupt's lock (confirm runs enable under it) */
};

/*
 * Each command parses its options by its table (gpupt_options_parse on
 * argc/argv, where argv[0] is the command name) and returns the process
 * exit status: 0 success, 1 failure or problems found, 2 usage or input
 * error.
 */
int gpupt_cmd_list(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_check(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_status(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_enable(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_disable(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_rom(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_vm(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_map(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_confirm(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_rollback(struct gpupt_host *h, int argc, char **argv);
int gpupt_cmd_trial_agent(struct gpupt_host *h, int argc, char **argv);

/* Each command's options (--help is every command's). */
extern const struct gpupt_option gpupt_no_options[]; /* list, check, status, trial-agent */
extern const struct gpupt_option gpupt_enable_options[];
extern const struct gpupt_option gpupt_trial_end_options[]; /* confirm, rollback */
extern const struct gpupt_option gpupt_rom_options[];
extern const struct gpupt_option gpupt_vm_options[];
extern const struct gpupt_option gpupt_map_options[];

#endif
