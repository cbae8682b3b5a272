/* SPDX-License-Identifier: MIT */
/*
 * gpupt-bind: binds the PCI devices gpupt selects to their passthrough
 * driver early in boot.  Shared state of one run.
 */
#ifndef GPUPT_BINDER_H
#define GPUPT_BINDER_H

#include <stdbool.h>
#include <stddef.h>

#include "selection/selection.h"
#include "sysfs/sysfs.h"

enum { BINDER_MAX_DEVICES = 64 };

enum binder_state {
	DEV_TO_BIND,	   /* selected, not yet on the target driver */
	DEV_ALREADY_BOUND, /* already on the target driver: left alone */
	DEV_PROBED,	   /* override written, probe asked */
	DEV_BOUND,	   /* driver link reads back the target */
	DEV_FAILED,	   /* refused or a step failed; logged */
};

struct binder_dev {
	struct gpupt_pci_dev pci;
	enum binder_state state;
	const char *why; /* the selection entry's kind: "ids" or "addrs" */
};

struct binder {
	/* options */
	const char *root;
	const char *modprobe;		/* NULL: do not run modprobe */
	unsigned long modprobe_wait_ms; /* how long to wait for it */
	const char *cmdline_arg;	/* --cmdline, NULL: read proc/cmdline */
	bool dry_run;
	bool verbose;
	bool late; /* GPUPT_PASS=late: the pass after udev's coldplug */

	/* state */
	int rootfd;
	int devsfd;
	int kmsgfd;	     /* -1: log to stderr */
	unsigned kmsg_lines; /* written since kmsgfd was opened */
	bool debug;
	struct gpupt_config cfg;
	const char *sel_ids; /* how the log names the selection keys */
	const char *sel_addrs;
	char driver[GPUPT_SYSFS_DRIVER_MAX + 1];
	bool driver_loaded;
	struct binder_dev devs[BINDER_MAX_DEVICES];
	unsigned n_devs;
	unsigned addr_hits[GPUPT_MAX_ADDRS];
	unsigned failures; /* selected devices (or addresses) not bound */
};

/* log.c: "<N>gpupt: ..." to dev/kmsg, stdout in dry-run/verbose mode. */
enum { LOG_ERR = 3, LOG_WARNING = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

struct msg {
	char s[400];
	size_t len;
	bool truncated;
};

void msg_init(struct msg *m);
void msg_mem(struct msg *m, const char *s, size_t n);
void msg_str(struct msg *m, const char *s);
/* Append NULL-terminated strings. */
void msg_cat(struct msg *m, ...);
void msg_hex(struct msg *m, unsigned long v, int width);
void msg_dec(struct msg *m, unsigned long v);
void msg_id(struct msg *m, unsigned vendor, unsigned device);

void binder_log_open(struct binder *b);
void binder_log(struct binder *b, int level, const struct msg *m);
/* binder_log of NULL-terminated strings. */
void binder_logs(struct binder *b, int level, ...);
/* Print to stdout (the plan); no-op unless dry-run or verbose. */
void binder_say(struct binder *b, const struct msg *m);
void out_write(int fd, const char *s, size_t len);
/* strerror() for the errors the binder meets; "error N" for the rest. */
const char *binder_strerror(int err);

/* select.c */
int binder_select(struct binder *b);

/* group.c */
void binder_check_groups(struct binder *b);

/* fb.c */
void binder_release_boot_fb(struct binder *b);

/* bind.c */
void binder_bind_all(struct binder *b);

/* modprobe.c: 0 when loaded (or already), -errno otherwise; logged. */
int binder_load_driver(struct binder *b);
/* modprobe -q module, bounded as for the driver; 0 or -errno (logged). */
int binder_modprobe(struct binder *b, const char *module);
/* watchdog.c: a trial boot's gpupt.watchdog=MODULE:SECONDS (logged; never stops the boot). */
void binder_arm_watchdog(struct binder *b);
/* Settle b->driver on the spelling sysfs uses (vfio_pci -> vfio-pci); 1 when loaded. */
int binder_resolve_driver(struct binder *b);
void binder_sleep_ms(long ms);

#endif
