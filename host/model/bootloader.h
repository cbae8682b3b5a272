/* SPDX-License-Identifier: MIT */
/*
 * Boot loaders: where the kernel command line lives and what rebuilds the
 * boot menu, behind a table in detection order (as pciutils' access methods):
 *   proxmox-boot-tool managing systemd-boot ESPs: /etc/kernel/cmdline
 *   proxmox-boot-tool managing GRUB ESPs or a BIOS boot: /etc/default/grub
 *   systemd-boot with kernel-install (Debian's systemd-boot package):
 *     /etc/kernel/cmdline, `kernel-install add` for each kernel
 *   GRUB (Debian): /etc/default/grub, update-grub
 * GRUB edits go to a drop-in /etc/default/grub.d/gpupt.cfg unless in place.
 * The edits are planned (host/model/plan.h), not written.
 */
#ifndef GPUPT_BOOTLOADER_H
#define GPUPT_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "host/formats/kcmdline.h"
#include "host/model/plan.h"
#include "host/model/platform.h"

#define GPUPT_GRUB_DEFAULT "etc/default/grub"
#define GPUPT_GRUB_DROPIN "etc/default/grub.d/gpupt.cfg"
#define GPUPT_KERNEL_CMDLINE "etc/kernel/cmdline"

struct gpupt_boot_edit {
	int rootfd;
	bool grub_in_place;
	const struct gpupt_tokens *want; /* the tokens the command line must hold */
	struct gpupt_plan *journal;	 /* what gpupt added before (may be empty) */
	struct gpupt_plan *plan;	 /* changes go here */
};

struct gpupt_bootloader {
	const char *name;
	bool (*detect)(int rootfd);
	/*
	 * Plan the edits that add e->want.  Besides the editors' errors
	 * (grubedit.h, kcmdline.h): -EBADMSG, the first line of
	 * /etc/kernel/cmdline is a comment; -EDOM, a file read after the
	 * edited one replaces the value, so the tokens would not reach the
	 * kernel (e->plan->failed names it).  Nothing is written either way.
	 */
	int (*apply)(struct gpupt_boot_edit *e);
	const char *const *regen; /* rebuilds the boot menu / ESPs */
	bool per_kernel;	  /* regen runs once per kernel, with VER IMAGE [INITRD] added */
};

enum { GPUPT_REGEN_ARGV = 10 }; /* env VAR=... kernel-install add VER IMAGE INITRD */

/* One command that rebuilds the boot menu; argv points into the struct itself. */
struct gpupt_regen {
	const char *argv[GPUPT_REGEN_ARGV];
	char kver[GPUPT_KVER_MAX], image[GPUPT_KVER_MAX + 16], initrd[GPUPT_KVER_MAX + 16];
};

/*
 * The commands that rebuild b's boot menu, into cmds (at most max):
 * b->regen as it is, or for kernel-install one `kernel-install add VER
 * /boot/vmlinuz-VER [/boot/initrd.img-VER]` per installed kernel
 * (gpupt_kernels_find) whose image is there, as Debian's kernel hooks run
 * it.  Returns how many.
 */
size_t gpupt_bootloader_regen(const struct gpupt_bootloader *b, int rootfd, struct gpupt_regen *cmds, size_t max);

extern const struct gpupt_bootloader gpupt_bootloaders[]; /* NULL-name terminated */

/* Is b systemd-boot driven by kernel-install? */
bool gpupt_bootloader_is_kernel_install(const struct gpupt_bootloader *b);

/*
 * What kernel-install uses while /etc/kernel/cmdline is absent, as the text
 * of a new /etc/kernel/cmdline that gives the next boot the same command
 * line, into *seed (malloc'd): /usr/lib/kernel/cmdline as it is, else
 * /proc/cmdline without BOOT_IMAGE= and initrd=, on one line.  *from names
 * the file read (also on failure).  Returns 0 or -errno.
 */
int gpupt_bootloader_kinstall_seed(int rootfd, char **seed, const char **from);

/*
 * The ESP that holds systemd-boot (EFI/systemd/systemd-boot*.efi), where
 * bootctl looks: "efi", "boot" or "boot/efi"; NULL when none does.
 */
const char *gpupt_bootloader_esp(int rootfd);

/* The boot loader of the host below rootfd, or NULL when none is known. */
const struct gpupt_bootloader *gpupt_bootloader_detect(int rootfd);

enum { GPUPT_CMDLINE_MAX = 4096 };

/* The kernel command line a boot loader's files give the next boot. */
struct gpupt_boot_cmdline {
	char value[GPUPT_CMDLINE_MAX];	   /* what is known of it */
	const char *file;		   /* where it comes from, for messages */
	int problem;			   /* 0, or a shape gpupt cannot follow (below) */
	char problem_file[GPUPT_PATH_MAX]; /* ... in this file */
	const char *problem_var;	   /* ... in this GRUB variable */
	char last[GPUPT_PATH_MAX];	   /* GRUB: the last file that sets (not adds to) a value */
};

/*
 * The command line boot loader b passes at the next boot, as its files say
 * now (or as plan leaves them; plan may be NULL), into out.
 *
 * GRUB: /etc/default/grub then /etc/default/grub.d/NAME.cfg in name order,
 * as grub-mkconfig sources them; exported assignments count ("$VAR ..."
 * adds, anything else replaces).  A value with $(...) or `...`
 * (-ENOEXEC), or one that is not one quoted string (-ENOTSUP, -EINVAL),
 * leaves unknown what it holds: value keeps only what is known, and
 * problem says why.
 *
 * systemd-boot through proxmox-boot-tool: the first line of
 * /etc/kernel/cmdline, as it stands.  proxmox-boot-tool reads the first
 * line and nothing else ("get_first_line": `IFS= read -r line`), and
 * refuses one without root=; systemd's kernel-install (90-loaderentry,
 * 60-ukify) would join all lines.  Neither treats '#' as a comment: a
 * first line that starts with one is still the command line, and problem
 * is -EBADMSG.
 *
 * systemd-boot through kernel-install (systemd 252, 90-loaderentry.install):
 * all lines of /etc/kernel/cmdline, else of /usr/lib/kernel/cmdline, else
 * /proc/cmdline without BOOT_IMAGE= and initrd=; blanks and newlines
 * joined into single spaces ('#' is no comment there either).
 *
 * Returns problem.
 */
int gpupt_bootloader_configured(int rootfd, const struct gpupt_bootloader *b, struct gpupt_plan *plan,
				struct gpupt_boot_cmdline *out);

/*
 * Plan undoing journal entry j (what gpupt added to that file): remove its
 * tokens, or put back (or remove) a whole file.  What the journal records
 * but the file no longer holds is warned about on err.  Returns 0 or
 * -errno; when the saved copy of a whole file's prior version cannot be
 * read, plan->failed names that copy.
 */
int gpupt_change_revert(int rootfd, const struct gpupt_change *j, struct gpupt_plan *plan, FILE *err);

#endif
