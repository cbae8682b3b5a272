/* SPDX-License-Identifier: MIT */
/*
 * The trial's state file (/var/lib/gpupt/trial): what `gpupt enable` set up
 * for one trial boot, what the trial boot found, and how it ended.
 *
 *   gpupt-trial 3                  (2: `before` without CLASS; 1: also without route6
 *                                  and uplink; both still read)
 *   state pending|confirmed|rolled-back
 *   id 1764648000                  when enable started the trial (seconds since the epoch)
 *   changed 1764648300             the last change of state
 *   boot 0c7bd6b5-5e8a-...         the boot that set it up (/proc/sys/kernel/random/boot_id;
 *                                  optional: older files and hosts without it)
 *   minutes 10                     the deadline, counted from the trial kernel's start
 *   loader grub|systemd-boot|uefi|pbt
 *   entry boot/grub/grub.cfg       the file holding the trial entry (uefi: the ESP's
 *                                  folder holding the trial's kernel and image; pbt:
 *                                  the entry's path on each ESP)
 *   efi-boot 0004                  uefi: the firmware's boot option (Boot0004) the
 *                                  trial boots through BootNext (optional)
 *   esp 5A1B-2C3D                  pbt: an ESP of proxmox-boot-tool's (its FAT serial)
 *                                  that holds the trial entry (repeated)
 *   oneshot guaranteed|late        late: the boot loader cannot clear it itself
 *   image boot/gpupt-trial.initrd.img-6.1.0-18-amd64
 *                                  the trial's own initramfs image, which only the
 *                                  trial entry names (optional)
 *   option grub-in-place           enable's options, for the confirm (repeated)
 *   select 00:03                   enable's selection as given (repeated)
 *   device 0000:00:03.0 vfio-pci   a selected function and its target driver
 *   before 0000:00:04.0 020000 e1000e
 *                                  every other function: its PCI class ("-": unknown)
 *                                  and driver at enable ("-": none; the rest of the
 *                                  line: "i6300ESB timer" is one)
 *   route vmbr0                    IPv4's default route's interface at enable ("-": none)
 *   route6 vmbr0                   IPv6's (/proc/net/ipv6_route; "-": none)
 *   uplink vmbr0 enp3s0 0000:03:00.0
 *                                  a NIC under a default route at enable: the route's
 *                                  interface down to the NIC, then its PCI function
 *                                  ("-": not on PCI) (repeated)
 *   tokens intel_iommu=on ...      what the trial entry added to the command line
 *   health-cmd ping -c1 10.0.0.1   optional
 *   result PASS name: detail       what the trial boot's last check found (repeated)
 *   reason ...                     why it ended as it did
 *   end SHA256                     of every byte before this line
 *
 * A file that does not end in a matching `end` line is damaged: it is never
 * trusted.  Pure: (buf, len) in, the caller's struct out.
 */
#ifndef GPUPT_TRIALSTATE_H
#define GPUPT_TRIALSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GPUPT_TRIAL_VERSION_NUMBER "3"
#define GPUPT_TRIAL_VERSION "gpupt-trial " GPUPT_TRIAL_VERSION_NUMBER
#define GPUPT_TRIAL_VERSION_2 "gpupt-trial 2" /* read as well: `before` without the class */
#define GPUPT_TRIAL_VERSION_1 "gpupt-trial 1" /* and without route6 and uplink */

enum gpupt_trial_state {
	GPUPT_TRIAL_NONE,
	GPUPT_TRIAL_PENDING,
	GPUPT_TRIAL_CONFIRMED,
	GPUPT_TRIAL_ROLLED_BACK
};

enum {
	GPUPT_TRIAL_MAX_SEL = 16,
	GPUPT_TRIAL_MAX_DEVS = 4096, /* every function of a host with SR-IOV's VFs */
	GPUPT_TRIAL_MAX_RESULTS = 8,
	GPUPT_TRIAL_TEXT = 512,
	GPUPT_TRIAL_TOKENS = 4096,
	GPUPT_TRIAL_ADDR = 16,
	GPUPT_TRIAL_NAME = 64,
	GPUPT_TRIAL_MAX_UPLINKS = 8,
	GPUPT_TRIAL_CHAIN = 160, /* "vmbr0 bond0 enp3s0 0000:03:00.0" */
	GPUPT_BOOT_ID_LEN = 36,	 /* "0c7bd6b5-5e8a-4b9f-9d3c-2a1e0f6b7c8d" */
	GPUPT_TRIAL_MAX_ESPS = 8,
	GPUPT_TRIAL_ESP = 10, /* "5A1B-2C3D" and its NUL */
};

#define GPUPT_TRIAL_CLASS_UNKNOWN UINT32_MAX

struct gpupt_trial_dev {
	char addr[GPUPT_TRIAL_ADDR];
	char driver[GPUPT_TRIAL_NAME]; /* "" for none */
	uint32_t class; /* 0xBBSSPP; GPUPT_TRIAL_CLASS_UNKNOWN (selected, or an old file) */
};

struct gpupt_trial {
	enum gpupt_trial_state state;
	long long id, changed;
	char boot_id[GPUPT_BOOT_ID_LEN + 1]; /* "" when not recorded */
	unsigned minutes;
	char loader[GPUPT_TRIAL_NAME];
	char entry[GPUPT_TRIAL_TEXT];
	char image[GPUPT_TRIAL_TEXT]; /* "" when the trial boots the default entry's image */
	bool has_efi_boot;
	unsigned efi_boot;				 /* Boot#### of a uefi trial */
	char esp[GPUPT_TRIAL_MAX_ESPS][GPUPT_TRIAL_ESP]; /* pbt: the ESPs holding the entry */
	size_t n_esp;
	bool oneshot_late;
	bool grub_in_place, unsafe_interrupts, force;
	char sel[GPUPT_TRIAL_MAX_SEL][GPUPT_TRIAL_NAME];
	size_t n_sel;
	struct gpupt_trial_dev want[GPUPT_TRIAL_MAX_SEL * 8];
	size_t n_want;
	struct gpupt_trial_dev before[GPUPT_TRIAL_MAX_DEVS];
	size_t n_before;
	char route[GPUPT_TRIAL_NAME];  /* "" for none */
	char route6[GPUPT_TRIAL_NAME]; /* "" for none */
	char uplink[GPUPT_TRIAL_MAX_UPLINKS][GPUPT_TRIAL_CHAIN];
	size_t n_uplink;
	char health_cmd[GPUPT_TRIAL_TEXT];
	char tokens[GPUPT_TRIAL_TOKENS]; /* the trial entry's additions, space-separated */
	char result[GPUPT_TRIAL_MAX_RESULTS][GPUPT_TRIAL_TEXT];
	size_t n_result;
	char reason[GPUPT_TRIAL_TEXT];
};

const char *gpupt_trial_state_name(enum gpupt_trial_state s);

/* A boot id as the kernel writes it: 36 characters, lowercase hex and dashes at 8, 13, 18, 23. */
bool gpupt_boot_id_ok(const char *v, size_t n);

/*
 * Parse the file into *t.  Returns 0 or -EBADMSG with what is wrong in why
 * (the line number and the problem).
 */
int gpupt_trial_parse(const char *buf, size_t len, struct gpupt_trial *t, char *why, size_t size);

/* The file's text for t.  Returns its length; size or more means buf was too small. */
size_t gpupt_trial_format(const struct gpupt_trial *t, char *buf, size_t size);

/* May text stand in the file as one value (printable, no newline, not too long)? */
bool gpupt_trial_text_ok(const char *text);

#endif
