/* SPDX-License-Identifier: MIT */
/*
 * The trial on a UEFI host whose kernels proxmox-boot-tool keeps on its
 * ESPs and boots with systemd-boot (Proxmox VE installed on ZFS):
 * systemd-boot's LoaderEntryOneShot, which systemd-boot deletes before it
 * starts the entry, names a trial entry that every ESP holds, since the
 * firmware may start any of them.
 *
 * Nothing mounts those ESPs (proxmox-boot-tool mounts each in turn while it
 * copies kernels): gpupt mounts each at /run/gpupt/esp/UUID while it writes
 * or removes the trial's files, and unmounts it again.  On each ESP:
 *   EFI/gpupt/vmlinuz, EFI/gpupt/initrd.img   copies of the default kernel
 *       and of the image the trial boots (a refresh removes EFI/proxmox/VER
 *       of a kernel it no longer keeps; these stay);
 *   loader/entries/gpupt-trial.conf   /etc/kernel/cmdline's first line and
 *       the trial's tokens.
 * `proxmox-boot-tool refresh` leaves both alone: it removes only its own
 * proxmox-VER.conf entries and EFI/proxmox/VER folders.  The `default`
 * line of each ESP's loader.conf (proxmox-boot-tool writes `proxmox-*`)
 * keeps the trial entry from ever being the default; gpupt checks it.
 *
 * The confirm is the direct enable: /etc/kernel/cmdline, then
 * `proxmox-boot-tool refresh`.
 */
#ifndef GPUPT_PBTESP_H
#define GPUPT_PBTESP_H

#include <stdbool.h>
#include <stddef.h>

#include "host/model/trial.h"

#define GPUPT_PBT_UUIDS "etc/kernel/proxmox-boot-uuids"
#define GPUPT_ESP_MOUNTS "run/gpupt/esp"
#define GPUPT_PBT_LOADER_CONF "loader/loader.conf"
#define GPUPT_PBT_TRIAL_ENTRY "loader/entries/" GPUPT_TRIAL_ENTRY_ID ".conf"

/* The ESPs proxmox-boot-tool lists, as far as they are there. */
struct gpupt_pbt_esps {
	char uuid[GPUPT_TRIAL_MAX_ESPS][GPUPT_TRIAL_ESP];
	size_t n;
	size_t skipped; /* lines that are no FAT serial, ESPs whose device is missing */
};

/*
 * Read the list; skip what proxmox-boot-tool skips (blank lines, lines that
 * are no FAT serial, ESPs without /dev/disk/by-uuid/UUID).  0, or -errno
 * with why for a person: -ENOENT (no list, or no ESP in it that is there),
 * -E2BIG (more than GPUPT_TRIAL_MAX_ESPS).
 */
int gpupt_pbt_esps(int rootfd, struct gpupt_pbt_esps *e, char *why, size_t size);

/* loader "pbt" where it works (UEFI, efivarfs, no Secure Boot, bootctl, ESPs), else none and why. */
void gpupt_pbt_oneshot_probe(struct gpupt_host *h, struct gpupt_oneshot *out);

/*
 * The kernel systemd-boot boots by default: the one pinned for the next boot
 * or for good (proxmox-boot-tool kernel pin), else the newest installed
 * one with its image in /boot.  0 or -errno, said on err.
 */
int gpupt_pbt_trial_kernel(struct gpupt_host *h, struct gpupt_trial_kernel *k);

/* What the trial entry is made from, for the plan.  0 or -errno, said on err. */
int gpupt_pbt_entry_source(struct gpupt_host *h, char *source, size_t size);

/*
 * Onto every ESP: the kernel, the image (image_name in the default image's
 * folder, or the default image) and the entry.  t->entry and t->esp are
 * set.  A failure on any ESP (mount, loader.conf, room, a write) takes
 * everything off the ESPs already written.  0 or -errno, said on err.
 */
int gpupt_pbt_entry_write(struct gpupt_host *h, const char *tokens, const char *image_name,
			  struct gpupt_trial *t);

/* Off every ESP t names: the entry and EFI/gpupt.  0 or -errno, said on err. */
int gpupt_pbt_entry_remove(struct gpupt_host *h, const struct gpupt_trial *t);

/* Are the ESPs t names there (their devices)?  Their files are not looked at: that needs a mount. */
bool gpupt_pbt_entry_there(int rootfd, const struct gpupt_trial *t);

#endif
