/* SPDX-License-Identifier: MIT */
/*
 * What gpupt selects, and the value grammar shared by the kernel command
 * line (gpupt.*) and /etc/gpupt.conf.  Pure: no I/O, no globals, no malloc.
 */
#ifndef GPUPT_SELECTION_H
#define GPUPT_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	GPUPT_MAX_IDS = 64,
	GPUPT_MAX_ADDRS = 64,
	GPUPT_DRIVER_MAX = 31, /* bytes, without the NUL */
	GPUPT_MAX_DIAGS = 16,
};

/* "VVVV:DDDD" or "VVVV:DDDD:SVVV:SDDD", 4 hex digits each, any case. */
struct gpupt_pci_id {
	uint16_t vendor;
	uint16_t device;
	uint16_t subvendor;
	uint16_t subdevice;
	bool has_subsys;
};

/*
 * "DDDD:BB:SS.F", "BB:SS.F" (domain 0000), or a slot "[DDDD:]BB:SS" meaning
 * every function of that slot.  Optionally "=VVVV:DDDD[:SVVV:SDDD]": the IDs
 * the device at that address must have (its fingerprint).  On a slot the
 * fingerprint is checked on each function of the slot on its own.
 */
struct gpupt_pci_addr {
	uint16_t domain;
	uint8_t bus;
	uint8_t slot; /* 0..31 */
	uint8_t func; /* 0..7; meaningless when whole_slot */
	bool whole_slot;
	bool has_fingerprint;
	struct gpupt_pci_id fingerprint;
};

enum gpupt_fb_mode {
	GPUPT_FB_UNSET = -1,
	GPUPT_FB_RELEASE = 0, /* default: free the boot framebuffer if needed */
	GPUPT_FB_KEEP = 1,    /* gpupt.fb=keep */
};

/* One source's settings (command line or conf), or the merged result. */
struct gpupt_config {
	struct gpupt_pci_id ids[GPUPT_MAX_IDS];
	unsigned n_ids;
	struct gpupt_pci_addr addrs[GPUPT_MAX_ADDRS];
	unsigned n_addrs;
	unsigned ids_dropped; /* valid entries that did not fit */
	unsigned addrs_dropped;
	char driver[GPUPT_DRIVER_MAX + 1]; /* "" = not set (means vfio-pci) */
	bool off;			   /* gpupt.off / gpupt=off / gpupt.off=1 */
	int debug;			   /* -1 unset, 0, 1 */
	int fb;				   /* enum gpupt_fb_mode */
	/*
	 * gpupt.watchdog=MODULE:SECONDS (command line only; a trial boot's):
	 * the binder loads MODULE, arms /dev/watchdog for SECONDS and lets go
	 * of it, so that the boot is reset unless gpupt-trial.service takes it
	 * over in time.  "" and 0: not set.
	 */
	char watchdog_module[GPUPT_DRIVER_MAX + 1];
	unsigned watchdog_sec;
};

enum { GPUPT_WATCHDOG_SEC_MIN = 30, GPUPT_WATCHDOG_SEC_MAX = 3600 };

#define GPUPT_DEFAULT_DRIVER "vfio-pci"

enum gpupt_diag_code {
	GPUPT_DIAG_BAD_ID,	    /* entry is not VVVV:DDDD[:SVVV:SDDD] */
	GPUPT_DIAG_BAD_ADDR,	    /* entry is not a PCI address or slot */
	GPUPT_DIAG_BAD_FINGERPRINT, /* "ADDR=..." where ... is not an id */
	GPUPT_DIAG_BAD_DRIVER,	    /* not [a-z0-9_-]{1,31} */
	GPUPT_DIAG_BAD_BOOL,	    /* debug/off value not 0/1/yes/no/on/off/true/false */
	GPUPT_DIAG_BAD_FB,	    /* fb value not keep/release */
	GPUPT_DIAG_BAD_WATCHDOG,    /* watchdog value not MODULE:SECONDS */
	GPUPT_DIAG_EMPTY_VALUE,	    /* "gpupt.ids=" or "ids =" */
	GPUPT_DIAG_UNKNOWN_KEY,	    /* gpupt.foo=..., or conf key foo */
	GPUPT_DIAG_TOO_MANY_IDS,    /* capacity reached; entry dropped */
	GPUPT_DIAG_TOO_MANY_ADDRS,
	GPUPT_DIAG_BAD_LINE,	   /* conf: line without '=' */
	GPUPT_DIAG_UNCLOSED_QUOTE, /* a value opened '"' and never closed it */
};

/*
 * A problem found while parsing.  key and entry are slices of the parsed
 * buffer (not NUL-terminated): keep that buffer alive while using them.
 */
struct gpupt_diag {
	enum gpupt_diag_code code;
	const char *key; /* as typed: "gpupt.ids", "gpupt-ids", "ids" */
	size_t key_len;
	const char *entry; /* the offending entry, or the whole value */
	size_t entry_len;
	unsigned line; /* conf: 1-based line number; cmdline: 0 */
};

struct gpupt_diags {
	struct gpupt_diag d[GPUPT_MAX_DIAGS];
	unsigned n;
	unsigned dropped; /* diagnostics that did not fit */
};

void gpupt_config_init(struct gpupt_config *c);
void gpupt_diags_init(struct gpupt_diags *d);

/* Value grammar.  Return 0 or -EINVAL; *out untouched on failure. */
int gpupt_parse_id(const char *s, size_t len, struct gpupt_pci_id *out);
int gpupt_parse_addr(const char *s, size_t len, struct gpupt_pci_addr *out);
int gpupt_check_driver_name(const char *s, size_t len);
int gpupt_parse_bool(const char *s, size_t len, bool *out);
/*
 * Formatting.  Return the length written (like snprintf, without the NUL),
 * or -ENOSPC when size is too small (buf then holds a NUL-terminated
 * truncated string when size > 0).
 *   id:   "10de:1381" or "10de:1381:1043:8416" (lower-case hex)
 *   addr: "0000:01:00.0", "0000:01:00" for a slot, "0000:01:00.0=10de:1381"
 */
int gpupt_format_id(const struct gpupt_pci_id *id, char *buf, size_t size);
int gpupt_format_addr(const struct gpupt_pci_addr *a, char *buf, size_t size);

/*
 * One line for a human: what was wrong, where, and what happens now, e.g.
 *   gpupt.ids: "10de:13" is not VVVV:DDDD (4 hex digits each); entry ignored
 *   /etc/gpupt.conf:3: ids: "10de:13" is not VVVV:DDDD (4 hex digits each); entry ignored
 * origin is the conf file's name for conf diagnostics, NULL for the command line.
 * Same return convention as gpupt_format_id.
 */
int gpupt_diag_format(const struct gpupt_diag *d, const char *origin, char *buf, size_t size);

/* Matching a device against a selection. */
bool gpupt_id_matches(const struct gpupt_pci_id *sel, uint16_t vendor, uint16_t device,
		      uint16_t subvendor, uint16_t subdevice);
bool gpupt_addr_matches(const struct gpupt_pci_addr *sel, uint16_t domain, uint8_t bus, uint8_t slot,
			uint8_t func);

/* Equality of the meaningful fields (func is ignored for a whole slot). */
bool gpupt_id_equal(const struct gpupt_pci_id *a, const struct gpupt_pci_id *b);
bool gpupt_addr_equal(const struct gpupt_pci_addr *a, const struct gpupt_pci_addr *b);

/*
 * Precedence: gpupt.off on the command line wins over everything; if the
 * command line selects anything (ids or addrs), the conf's selection is
 * ignored; the command line's driver/debug/fb override the conf's.
 */
void gpupt_config_merge(const struct gpupt_config *cmdline, const struct gpupt_config *conf,
			struct gpupt_config *out);

/* Equal selections and settings; the *_dropped counters are not compared. */
bool gpupt_config_equal(const struct gpupt_config *a, const struct gpupt_config *b);

#endif
