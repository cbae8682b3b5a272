/* SPDX-License-Identifier: MIT */
/*
 * The trial boot's entry, made from the entry the boot loader boots by
 * default: a copy with gpupt's tokens added to its kernel command line.
 *
 * GRUB: the entry GRUB_DEFAULT selects (as grub.cfg's `set default` and
 * grubenv's saved_entry give it; proxmox-boot-tool's kernel pin sets it)
 * copied into a block between two marker lines at the end of grub.cfg, with `--id gpupt-trial` so that
 * `grub-reboot gpupt-trial` can name it.  update-grub writes grub.cfg anew
 * and so drops the block: a trial entry never outlives the file it is in.
 *
 * systemd-boot: a Type #1 loader entry copied with another title and the
 * tokens added to its `options` lines.
 *
 * Pure: (buf, len) in, the caller's buffer out; no I/O.
 */
#ifndef GPUPT_BOOTENTRY_H
#define GPUPT_BOOTENTRY_H

#include <stdbool.h>
#include <stddef.h>

#define GPUPT_TRIAL_ENTRY_ID "gpupt-trial"
#define GPUPT_GRUB_SPEC_MAX 1024 /* a GRUB_DEFAULT spec: a title path */
#define GPUPT_GRUBCFG_BEGIN "### BEGIN gpupt trial entry (gpupt confirm or rollback removes it) ###"
#define GPUPT_GRUBCFG_END "### END gpupt trial entry ###"

/*
 * The entry GRUB boots by default, as a GRUB_DEFAULT-style spec ("0",
 * "gnulinux-advanced-UUID>gnulinux-6.1.0-18-amd64-advanced-UUID", a title
 * path): the value of grub.cfg's `set default="..."` outside the
 * next_entry branch (00_header's else branch), "${saved_entry}" replaced
 * by saved_entry (grubenv's; "0" when it is empty or NULL), "0" when
 * grub.cfg sets no default.  Returns 0, -EINVAL (the value holds another
 * variable or a backslash), -ENOSPC.
 */
int gpupt_grubcfg_default(const char *cfg, size_t len, const char *saved_entry, char *spec, size_t size);

/* A variable of a grubenv block ("key=value" lines). Returns 0, -ENOENT, -EINVAL (escaped), -ENOSPC. */
int gpupt_grubenv_get(const char *env, size_t len, const char *key, char *val, size_t size);

/* The title of the entry spec names (as gpupt_grubcfg_add_trial finds it). Returns 0 or its errors. */
int gpupt_grubcfg_entry_title(const char *cfg, size_t len, const char *spec, char *title, size_t size);

/*
 * grub.cfg with the trial block appended (an old one taken out first): a
 * copy of the menuentry spec names, as GRUB resolves it (elements split at
 * '>' into submenus; each an index when it starts with a digit, else a
 * title or an id), titled title, with " " tokens after its first `linux`
 * line.  The header keeps every option of the original (--class,
 * --unrestricted, --users ...) but its id, which becomes
 * GPUPT_TRIAL_ENTRY_ID.  Returns the length, -ENOENT (spec names no closed
 * menuentry with a linux line), -EISDIR (spec names a submenu), -EINVAL
 * (title or tokens hold a quote, a newline or a character GRUB would
 * expand, or grub.cfg holds an end marker outside a block), -ENOSPC.
 */
long gpupt_grubcfg_add_trial(const char *cfg, size_t len, const char *spec, const char *title,
			     const char *tokens, char *out, size_t size);

/* grub.cfg without the trial block (unchanged when it has none). Returns the length or -ENOSPC. */
long gpupt_grubcfg_remove_trial(const char *cfg, size_t len, char *out, size_t size);

/* Does grub.cfg hold a trial block? */
bool gpupt_grubcfg_has_trial(const char *cfg, size_t len);

/*
 * systemd-boot (252, boot_entry_compare) sorts entries with a sort-key
 * before those without, then by sort-key, machine-id and version, and
 * boots the first by default: the trial entry's sort-key sorts after any
 * a distribution writes ("debian", "ubuntu", ...), so it is never the
 * default.  Without a sort-key in the copied entry it would be (ids sort
 * downwards), so that case is refused.
 */
#define GPUPT_TRIAL_SORT_KEY "~gpupt-trial"

/*
 * A loader entry's copy for the trial: the `title` line replaced by title,
 * `sort-key` by GPUPT_TRIAL_SORT_KEY, " " tokens added to every `options`
 * line (one added when there is none).  Returns the length, -ENOENT (no
 * `linux` line), -ENOTSUP (no `sort-key` line), -EINVAL, -ENOSPC.
 */
long gpupt_loader_entry_trial(const char *entry, size_t len, const char *title, const char *tokens,
			      char *out, size_t size);

/*
 * The kernel version and initramfs image of the entry spec names: ver from
 * its `linux` line's file (vmlinuz-VER), image the path on its `initrd`
 * line(s) whose file name holds ver (initrd.img-VER; a microcode image
 * beside it does not).  0, -ENOENT (no such entry, no vmlinuz- file, no
 * image with ver), -ENOSPC, or find_entry's errors.
 */
int gpupt_grubcfg_entry_image(const char *cfg, size_t len, const char *spec, char *ver, size_t vsize,
			      char *image, size_t isize);

/*
 * The command line of the entry spec names: the words after the kernel on
 * its `linux` line, as one string.  0, -ENOENT (no such entry or line),
 * -ENOTSUP (a word GRUB would expand or unquote: $, quotes, a backslash:
 * what the kernel gets is not what the file says), -ENOSPC, or
 * find_entry's errors.
 */
int gpupt_grubcfg_entry_args(const char *cfg, size_t len, const char *spec, char *args, size_t size);

/* The same for a loader entry: ver from its `version` line. */
int gpupt_loader_entry_image(const char *entry, size_t len, char *ver, size_t vsize, char *image, size_t isize);

/*
 * text with every `initrd` line at or after from changed: the path whose
 * file name is old_name gets new_name in the same directory (the trial's
 * own image).  Returns the length, -ENOENT (no such path there), -EINVAL
 * (a name that is not a plain file name), -ENOSPC.
 */
long gpupt_entry_swap_image(const char *text, size_t len, size_t from, const char *old_name,
			    const char *new_name, char *out, size_t size);

/* Where the trial block of grub.cfg begins (len when there is none). */
size_t gpupt_grubcfg_trial_offset(const char *cfg, size_t len);

/*
 * A systemd-boot string variable as efivarfs shows it (LoaderEntryOneShot):
 * 4 bytes of attributes, then UTF-16LE up to a NUL or the end.  Into val as
 * ASCII: 0, -EINVAL (shorter than the attributes, an odd length, or not
 * ASCII), -ENOSPC.
 */
int gpupt_efivar_string(const char *var, size_t len, char *val, size_t size);

/*
 * A UINT16 variable as efivarfs shows it (BootNext, BootCurrent): 4 bytes
 * of attributes, then the value, little-endian.  0, or -EINVAL (not 6
 * bytes).
 */
int gpupt_efivar_u16(const char *var, size_t len, unsigned *val);

/*
 * The description of a Boot#### option as efivarfs shows it: 4 bytes of
 * variable attributes, then EFI_LOAD_OPTION (UINT32 Attributes, UINT16
 * FilePathListLength, Description: UTF-16LE up to a NUL).  Into label as
 * ASCII, every other character as '?': 0, -EINVAL (cut short, no NUL, or a
 * file path list longer than what is left), -ENOSPC.
 */
int gpupt_efi_loadopt_label(const char *var, size_t len, char *label, size_t size);

/* A FAT volume serial as blkid and proxmox-boot-tool write it: "XXXX-XXXX", hex digits. */
#define GPUPT_VFAT_UUID_LEN 9
bool gpupt_vfat_uuid_ok(const char *v, size_t n);

/*
 * proxmox-boot-tool's list of the ESPs it manages (/etc/kernel/proxmox-boot-uuids):
 * a FAT serial per line.  As proxmox-boot-tool does, blank lines are
 * skipped, and so are lines that are no FAT serial (counted in *skipped).
 * The serials go to uuids (at most max, each GPUPT_VFAT_UUID_LEN + 1
 * bytes), a serial listed twice once.  Returns how many there are (may
 * exceed max).
 */
size_t gpupt_pbt_uuids(const char *buf, size_t len, char (*uuids)[GPUPT_VFAT_UUID_LEN + 1], size_t max,
		       size_t *skipped);

/*
 * systemd-boot's loader.conf: the pattern of its last `default` line
 * (quotes taken off, as systemd-boot takes them), into pattern.  0,
 * -ENOENT (no such line: systemd-boot then boots the first entry of its
 * sorted list), -ENOSPC.
 */
int gpupt_loader_conf_default(const char *conf, size_t len, char *pattern, size_t size);

#endif
