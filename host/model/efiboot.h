/* SPDX-License-Identifier: MIT */
/*
 * The UEFI boot manager's one-shot, as the trial uses it where the boot
 * loader has none it can clear by itself (GRUB with /boot on LVM, RAID,
 * btrfs or ZFS): a Boot#### option that starts the trial kernel's EFI stub
 * from the ESP, and BootNext naming it.  The boot manager deletes BootNext
 * before it starts the option (UEFI specification, Boot Manager: "to
 * prevent loops"), and goes on with BootOrder when the option fails to
 * load: the trial boots once whatever /boot is on.
 *
 * Here: what the host offers (efivarfs, Secure Boot, the ESP and the disk
 * and partition behind it, efibootmgr) and the variables as efivarfs shows
 * them, all below the root.  efibootmgr itself is run by the trial
 * (host/model/trial.c).
 */
#ifndef GPUPT_EFIBOOT_H
#define GPUPT_EFIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/atomic.h"

#define GPUPT_EFIVARS "sys/firmware/efi/efivars"
#define GPUPT_EFI_GLOBAL "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define GPUPT_EFI_BOOTNEXT GPUPT_EFIVARS "/BootNext-" GPUPT_EFI_GLOBAL
#define GPUPT_EFI_TRIAL_LABEL "gpupt trial"
#define GPUPT_EFI_TRIAL_DIR "EFI/gpupt" /* on the ESP: the trial's kernel and image */
#define GPUPT_EFI_TRIAL_KERNEL "vmlinuz"
#define GPUPT_EFI_TRIAL_IMAGE "initrd.img"
/* The same as the firmware and the EFI stub name them, from the ESP's root. */
#define GPUPT_EFI_TRIAL_LOADER "\\EFI\\gpupt\\" GPUPT_EFI_TRIAL_KERNEL
#define GPUPT_EFI_TRIAL_INITRD "\\EFI\\gpupt\\" GPUPT_EFI_TRIAL_IMAGE

/* The ESP the trial's files go to, and what efibootmgr needs to name it. */
struct gpupt_efi_esp {
	char dir[GPUPT_PATH_MAX];  /* its mount point, relative to the root: "boot/efi" */
	char disk[GPUPT_PATH_MAX]; /* "/dev/vda" */
	unsigned part;		   /* its partition number on disk */
};

/*
 * Can this host boot a trial through BootNext?  0 with esp filled, or why
 * not (for a person, in why) as -errno:
 *   -ENODEV   not booted through UEFI (no /sys/firmware/efi);
 *   -ENOENT   efivarfs not mounted, or no ESP mounted at /boot/efi or /efi;
 *   -EPERM    Secure Boot is on;
 *   -ENOEXEC  efibootmgr is not installed;
 *   -ENOTBLK  the ESP is not a partition of a disk (md RAID, say).
 */
int gpupt_efi_probe(int rootfd, struct gpupt_efi_esp *esp, char *why, size_t size);

/* Does the firmware enforce Secure Boot (the SecureBoot variable is 1)? */
bool gpupt_efi_secure_boot(int rootfd);

/* The description of Boot#### num, or -errno (-ENOENT: no such option). */
int gpupt_efi_option_label(int rootfd, unsigned num, char *label, size_t size);

/* Is Boot#### num there, with gpupt's trial label? */
bool gpupt_efi_option_is_trial(int rootfd, unsigned num);

/*
 * The Boot#### options with gpupt's trial label, lowest first, into nums
 * (at most max).  Returns how many there are (may exceed max), or -errno.
 */
int gpupt_efi_trial_options(int rootfd, unsigned *nums, size_t max);

/* BootNext's value: 0, -ENOENT (unset), -EINVAL (damaged). */
int gpupt_efi_bootnext(int rootfd, unsigned *num);

#endif
