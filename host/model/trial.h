/* SPDX-License-Identifier: MIT */
/*
 * Trial boots: the new command line boots once, through the boot loader's
 * one-shot (GRUB's next_entry, systemd-boot's LoaderEntryOneShot), while the
 * default entry stays as it was.  gpupt-trial.service checks the trial
 * boot's health and confirms it, or reboots into the old default.
 *
 * Here: the state file, whether a one-shot is guaranteed, the trial entry,
 * the snapshot taken at enable and the health rules.  The commands are in
 * host/commands/trial.c and enable.c.
 */
#ifndef GPUPT_TRIAL_H
#define GPUPT_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "host/formats/trialstate.h"
#include "host/host.h"
#include "host/model/bootloader.h"
#include "host/model/devices.h"
#include "host/model/efiboot.h"
#include "host/model/select.h"
#include "host/model/trialfile.h"

#define GPUPT_GRUB_CFG "boot/grub/grub.cfg"
#define GPUPT_GRUBENV "boot/grub/grubenv"
#define GPUPT_ONESHOT_EFIVAR \
	"sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define GPUPT_TRIAL_PANIC "panic=10"

enum { GPUPT_TRIAL_DEFAULT_MINUTES = 10 };

enum gpupt_oneshot_kind {
	GPUPT_ONESHOT_GUARANTEED, /* the boot loader clears it before the trial kernel starts */
	GPUPT_ONESHOT_LATE,	  /* GRUB cannot write grubenv: gpupt clears it from the trial boot */
	GPUPT_ONESHOT_NONE,	  /* no trial on this boot loader */
};

struct gpupt_oneshot {
	enum gpupt_oneshot_kind kind;
	const char *loader;	  /* "grub", "systemd-boot", "uefi" (GRUB's entry, BootNext), "pbt"
			       (proxmox-boot-tool's ESPs, pbtesp.h), or NULL */
	char why[768];		  /* for a person: the mechanism, or why there is none */
	struct gpupt_efi_esp esp; /* uefi: where the trial's files go */
};

/*
 * GRUB's own rule (00_header's check_writable, which turns recordfail off):
 * it cannot write grubenv on a diskfilter (RAID) or lvm abstraction, nor on
 * btrfs, zfs and the read-only file systems.  abstraction and fs are what
 * `grub-probe --target=abstraction|fs /boot/grub` print.
 */
enum gpupt_oneshot_kind gpupt_oneshot_grub_decide(const char *abstraction, const char *fs, char *why, size_t size);

/*
 * The one-shot this host's boot loader b offers (runs grub-probe for GRUB).
 * Where GRUB cannot clear its own, a UEFI host gets the firmware's
 * (efiboot.h): loader "uefi", which boots a copy of GRUB's default entry.
 */
void gpupt_oneshot_probe(struct gpupt_host *h, const struct gpupt_bootloader *b, struct gpupt_oneshot *out);

/*
 * Which entry the trial copies, for the plan: "'TITLE' of boot/grub/grub.cfg"
 * (the entry GRUB boots by default) or the loader entry's path.  0, or
 * -errno said on err (GRUB's default names no entry gpupt can copy).
 */
int gpupt_trial_entry_source(struct gpupt_host *h, const struct gpupt_oneshot *o, char *source, size_t size);

/* The kernel the trial entry boots, and its initramfs image. */
struct gpupt_trial_kernel {
	char ver[GPUPT_KVER_MAX];
	char image[GPUPT_PATH_MAX];	 /* as the entry names it ("/boot/initrd.img-VER") */
	char image_file[GPUPT_PATH_MAX]; /* that file, relative to the root */
};

/* Which: for the entry GRUB boots by default, or the newest loader entry.  0 or -errno, said on err. */
int gpupt_trial_kernel(struct gpupt_host *h, const struct gpupt_oneshot *o, struct gpupt_trial_kernel *k);

/*
 * The trial's own image (GPUPT_TRIAL_IMAGE_PREFIX and the image's name, in
 * its directory) where the trial needs one: the default entry's image, the
 * way back, is never rebuilt for a trial.
 */
#define GPUPT_TRIAL_IMAGE_PREFIX "gpupt-trial."

/*
 * Write the trial entry with tokens added: into grub.cfg, or a copy of the
 * newest kernel's loader entry as ESP/loader/entries/gpupt-trial.conf; with
 * image_name (a file name, or NULL), its initrd line names that file
 * instead of the entry's image.  uefi: the kernel and image copied to
 * ESP/EFI/gpupt/ and a boot option "gpupt trial" that starts them with the
 * default entry's command line and tokens (its number into t->efi_boot).
 * t->entry gets the file's path (relative to the root).  0 or -errno,
 * said on err.
 */
int gpupt_trial_entry_write(struct gpupt_host *h, const struct gpupt_oneshot *o, const char *tokens,
			    const char *image_name, struct gpupt_trial *t);

/*
 * uefi, pbt: is there room on the ESP mounted at esp (relative to the root)
 * for the trial's kernel and the image image_file (relative to the root)?
 * 0, or -ENOSPC said on err with the figures (other errors said too).
 */
int gpupt_trial_efi_room(struct gpupt_host *h, const char *esp, const struct gpupt_trial_kernel *k,
			 const char *image_file);

/* Copy a file below the root, atomically (0644).  0 or -errno, said on err. */
int gpupt_trial_copy_file(struct gpupt_host *h, const char *from, const char *to);

/* Take the trial's kernel and image out of dir (an ESP's EFI/gpupt), and dir when empty; said on err. */
int gpupt_trial_remove_efi_files(struct gpupt_host *h, const char *dir);

/* gpupt_trial_run, with a failure said on err: 0 or -EIO. */
int gpupt_trial_run_said(struct gpupt_host *h, const char *const *argv);

/* Take the trial entry (and the trial's own image) away again and clear the one-shot; 0 or -errno, said on err. */
int gpupt_trial_entry_remove(struct gpupt_host *h, const struct gpupt_trial *t);

/*
 * End the trial as state, with reason: the entry and the one-shot go first,
 * then the state file is saved.  0 or -errno, said on err.
 */
int gpupt_trial_end(struct gpupt_host *h, struct gpupt_trial *t, enum gpupt_trial_state state,
		    const char *reason);

/*
 * The same when the entry is gone already (the confirm takes it away before
 * it enables): only the state file, saved.  0 or -EIO, said on err.
 */
int gpupt_trial_record_end(struct gpupt_host *h, struct gpupt_trial *t, enum gpupt_trial_state state,
			   const char *reason);

enum gpupt_trial_ready {
	GPUPT_TRIAL_READY,	  /* the entry is there and the one-shot names it */
	GPUPT_TRIAL_ENTRY_GONE,	  /* update-grub rewrote grub.cfg, or the loader entry was removed */
	GPUPT_TRIAL_ONESHOT_GONE, /* next_entry or LoaderEntryOneShot unset or changed */
};

/*
 * Before its boot: would the next boot be the trial?  why says what is
 * missing, for a person ("" when ready).
 */
enum gpupt_trial_ready gpupt_trial_ready(struct gpupt_host *h, const struct gpupt_trial *t, char *why, size_t size);

#define GPUPT_TRIAL_UNIT "gpupt-trial.service"

/*
 * Will gpupt-trial.service run at the next boot?  Enabled: a link in a
 * sysinit.target.wants/ of /etc, /run, /lib or /usr/lib that resolves to a
 * unit file (inside the root), and the unit not masked.  Otherwise false,
 * with why for a person.  `make install` installs it, but does not enable it.
 */
bool gpupt_trial_unit_enabled(int rootfd, char *why, size_t size);

/* Clear the one-shot (grub-editenv ... unset next_entry, bootctl set-oneshot ""). */
int gpupt_trial_oneshot_clear(struct gpupt_host *h, const struct gpupt_trial *t);

/* argv on the system below the root (chroot with --root); its output to out when not NULL. */
int gpupt_trial_run(struct gpupt_host *h, const char *const *argv, char *out, size_t size);

/* Make the trial entry boot once, next time (grub-reboot, bootctl set-oneshot). */
int gpupt_trial_oneshot_set(struct gpupt_host *h, const struct gpupt_trial *t);

/*
 * The snapshot at enable: the selected functions, every other one's class
 * and driver, the default routes' interfaces and the NICs under them
 * (uplink.h).  0, or -E2BIG when the host has more functions than the
 * state file records (nothing is cut silently).
 */
int gpupt_trial_snapshot(struct gpupt_host *h, const struct gpupt_devlist *l,
			 const struct gpupt_selection *s, struct gpupt_trial *t);

/* The health rules; each fills one result line "PASS|FAIL|SKIP name: detail". */
bool gpupt_health_devices(int rootfd, const struct gpupt_devlist *now, const struct gpupt_trial *t,
			  char *res, size_t size);
bool gpupt_health_others(const struct gpupt_devlist *now, const struct gpupt_trial *t, char *res, size_t size);
/*
 * The default routes' interfaces at enable (IPv4's, and IPv6's when it is
 * another) are up with carrier and still carry a route (IPv4: any, that is
 * an address; IPv6: the default route), and of the NICs recorded under
 * each, one has carrier: the bridge of Proxmox VE stays up with carrier
 * through a guest's veth or tap while its NIC went to vfio-pci.
 */
bool gpupt_health_route(int rootfd, const struct gpupt_trial *t, char *res, size_t size);

#endif
