// SPDX-License-Identifier: MIT
/* Trial boots: state file, one-shot support, trial entry, snapshot, health (see trial.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "host/formats/bootentry.h"
#include "host/formats/net.h"
#include "host/model/pbtesp.h"
#include "host/model/platform.h"
#include "host/model/trial.h"
#include "host/model/uplink.h"
#include "lib/atomic.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "lib/run.h"

enum { CFG_MAX = 4 << 20, ENTRY_MAX = 65536 };

/*
 * argv run on the system below the root: through chroot(8) with --root, as
 * enable runs update-grub (the boot loader's tools act on the system they
 * run on).  out, when not NULL, gets the standard output (size bytes).
 */
int gpupt_trial_run(struct gpupt_host *h, const char *const *argv, char *out, size_t size)
{
	const char *full[16];

	gpupt_run_argv_in_root(h->root, argv, full, ARRAY_SIZE(full));
	return out ? gpupt_run_capture(full, out, size) : gpupt_run_to(full, fileno(h->err));
}

/* ---- where a one-shot is guaranteed ---- */

static bool word_in(const char *list, const char *const *words)
{
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		for (size_t i = 0; words[i]; i++)
			if (strcmp(w, words[i]) == 0)
				return true;
	return false;
}

enum gpupt_oneshot_kind gpupt_oneshot_grub_decide(const char *abstraction, const char *fs, char *why, size_t size)
{
	static const char *const abstractions[] = { "diskfilter", "lvm", NULL };
	static const char *const filesystems[] = {
		"btrfs", "cpiofs", "newc", "odc", "romfs", "squash4", "tarfs", "zfs", NULL
	};

	if (word_in(abstraction, abstractions) || word_in(fs, filesystems) || !fs[0]) {
		snprintf(why, size,
			 "GRUB cannot write its environment block where /boot/grub is (%s%s%s), so it "
			 "cannot clear next_entry itself: gpupt clears it early in the trial boot, and a "
			 "panic or hang before that boots the trial again",
			 fs[0] ? fs : "file system unknown", abstraction[0] ? " on " : "", abstraction);
		return GPUPT_ONESHOT_LATE;
	}
	snprintf(why, size, "GRUB's next_entry (grub-reboot); GRUB clears it before it boots the entry (%s%s%s)",
		 fs, abstraction[0] ? " on " : "", abstraction);
	return GPUPT_ONESHOT_GUARANTEED;
}

/* `grub-probe --target=T DIR`'s first line, "" when it fails. */
static void grub_probe(struct gpupt_host *h, const char *target, char *out, size_t size)
{
	char opt[32];
	const char *argv[] = { "grub-probe", opt, "/boot/grub", NULL };

	snprintf(opt, sizeof(opt), "--target=%s", target);
	if (gpupt_trial_run(h, argv, out, size) != 0)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/*
 * Where GRUB cannot clear next_entry, the firmware's BootNext can: the
 * trial boots a copy of GRUB's default entry through the kernel's EFI stub.
 * Without it, out stays late and says why there is no firmware one-shot
 * either.
 */
static void firmware_oneshot(struct gpupt_host *h, const char *abstraction, const char *fs,
			     struct gpupt_oneshot *out)
{
	char efi[512];
	size_t n = strlen(out->why);

	if (gpupt_efi_probe(h->rootfd, &out->esp, efi, sizeof(efi)) < 0) {
		snprintf(out->why + n, sizeof(out->why) - n, "; and no firmware one-shot: %s", efi);
		return;
	}
	out->loader = "uefi";
	out->kind = GPUPT_ONESHOT_GUARANTEED;
	snprintf(out->why, sizeof(out->why),
		 "%s (GRUB cannot clear its own next_entry where /boot/grub is: %s%s%s)", efi,
		 fs[0] ? fs : "file system unknown", abstraction[0] ? " on " : "", abstraction);
}

void gpupt_oneshot_probe(struct gpupt_host *h, const struct gpupt_bootloader *b, struct gpupt_oneshot *out)
{
	char abstraction[128], fs[64];

	memset(out, 0, sizeof(*out));
	out->kind = GPUPT_ONESHOT_NONE;
	if (!b) {
		snprintf(out->why, sizeof(out->why), "no supported boot loader found");
	} else if (strcmp(b->name, "proxmox-boot-tool (systemd-boot)") == 0) {
		gpupt_pbt_oneshot_probe(h, out);
	} else if (strncmp(b->name, "proxmox-boot-tool", 17) == 0) {
		snprintf(out->why, sizeof(out->why),
			 "%s: proxmox-boot-tool boots GRUB from the ESPs it manages (a BIOS boot, or "
			 "Secure Boot); gpupt has no trial for GRUB there yet",
			 b->name);
	} else if (gpupt_bootloader_is_kernel_install(b)) {
		out->loader = "systemd-boot";
		out->kind = GPUPT_ONESHOT_GUARANTEED;
		snprintf(out->why, sizeof(out->why),
			 "systemd-boot's LoaderEntryOneShot (bootctl set-oneshot); systemd-boot "
			 "deletes it before it starts the entry");
	} else {
		out->loader = "grub";
		grub_probe(h, "abstraction", abstraction, sizeof(abstraction));
		grub_probe(h, "fs", fs, sizeof(fs));
		out->kind = gpupt_oneshot_grub_decide(abstraction, fs, out->why, sizeof(out->why));
		if (out->kind == GPUPT_ONESHOT_LATE)
			firmware_oneshot(h, abstraction, fs, out);
	}
}

/* ---- the trial entry ---- */

/* grubenv's saved_entry ("" when there is none), for GRUB_DEFAULT=saved. */
static void grub_saved_entry(struct gpupt_host *h, char *saved, size_t size)
{
	char *env = NULL;
	size_t len;

	saved[0] = '\0';
	if (gpupt_read_file_alloc(h->rootfd, GPUPT_GRUBENV, CFG_MAX, GPUPT_READ_REGULAR, &env, &len) == 0 &&
	    gpupt_grubenv_get(env, len, "saved_entry", saved, size) < 0)
		saved[0] = '\0';
	free(env);
}

/* The default entry's spec; says why when gpupt cannot tell which entry GRUB boots. */
static int grub_default_spec(struct gpupt_host *h, const char *cfg, size_t len, char *spec, size_t size)
{
	char saved[GPUPT_GRUB_SPEC_MAX];
	int r;

	grub_saved_entry(h, saved, sizeof(saved));
	r = gpupt_grubcfg_default(cfg, len, saved, spec, size);
	if (r < 0)
		gpupt_msg(h->err,
			  "cannot tell which entry GRUB boots by default: /%s sets `default` to a value "
			  "gpupt does not evaluate (%s); set GRUB_DEFAULT to an index, an id or a title "
			  "path (or saved), run update-grub, then try again\n",
			  GPUPT_GRUB_CFG, r == -ENOSPC ? "too long" : "another variable or a backslash");
	return r;
}

static void say_no_entry(struct gpupt_host *h, long n, const char *spec)
{
	if (n == -ENOENT)
		gpupt_msg(h->err,
			  "GRUB's default \"%s\" (GRUB_DEFAULT, as /%s has it) names no menu entry with a "
			  "linux line there; fix GRUB_DEFAULT (proxmox-boot-tool kernel pin sets it too), "
			  "run update-grub, then try again\n",
			  spec, GPUPT_GRUB_CFG);
	else if (n == -EISDIR)
		gpupt_msg(h->err,
			  "GRUB's default \"%s\" names a submenu, not an entry in it; name the entry "
			  "(\"SUBMENU>ENTRY\") in GRUB_DEFAULT, run update-grub, then try again\n",
			  spec);
	else if (n == -EINVAL)
		gpupt_msg(h->err, "/%s holds a line \"%s\" outside a trial entry; run update-grub, then try again\n",
			  GPUPT_GRUB_CFG, GPUPT_GRUBCFG_END);
}

/* grub.cfg, read whole (*cfg to free), and the spec of its default entry, said on err. */
static int grub_cfg_and_default(struct gpupt_host *h, char **cfg, size_t *len, char *spec, size_t size)
{
	int r = gpupt_read_file_alloc(h->rootfd, GPUPT_GRUB_CFG, CFG_MAX, GPUPT_READ_REGULAR, cfg, len);

	if (r < 0) {
		gpupt_msg(h->err, "cannot read /%s: %s; run update-grub, then try again\n",
			  GPUPT_GRUB_CFG, gpupt_read_strerror(r));
		return r;
	}
	r = grub_default_spec(h, *cfg, *len, spec, size);
	if (r < 0) {
		free(*cfg);
		*cfg = NULL;
	}
	return r;
}

static int grub_source(struct gpupt_host *h, char *source, size_t size)
{
	char *cfg = NULL, spec[GPUPT_GRUB_SPEC_MAX];
	size_t len;
	int r = grub_cfg_and_default(h, &cfg, &len, spec, sizeof(spec));

	if (r == 0) {
		char title[GPUPT_GRUB_SPEC_MAX];

		r = gpupt_grubcfg_entry_title(cfg, len, spec, title, sizeof(title));
		if (r < 0)
			say_no_entry(h, r, spec);
		else
			snprintf(source, size, "'%s' of /%s", title, GPUPT_GRUB_CFG);
	}
	free(cfg);
	return r;
}

/*
 * The trial's own image in the copied entry: its initrd path names
 * image_name instead of the image the default entry boots.  In place: text
 * (of size bytes) holds n; from: where the copy begins.
 */
static long swap_image(struct gpupt_host *h, char *text, long n, size_t size, size_t from,
		       const char *old_path, const char *image_name)
{
	char *swapped;
	const char *old_name = strrchr(old_path, '/') ? strrchr(old_path, '/') + 1 : old_path;

	if (n < 0 || !image_name)
		return n;
	swapped = malloc(size);
	n = swapped ? gpupt_entry_swap_image(text, (size_t)n, from, old_name, image_name, swapped, size)
		    : -ENOMEM;
	if (n >= 0)
		memcpy(text, swapped, (size_t)n);
	else
		gpupt_msg(h->err, "cannot name the trial's image %s in the trial entry instead of %s: %s\n",
			  image_name, old_name, strerror((int)-n));
	free(swapped);
	return n;
}

static int write_grub_entry(struct gpupt_host *h, const char *tokens, const char *image_name,
			    char *entry, size_t size)
{
	char *cfg = NULL, *out = NULL, spec[GPUPT_GRUB_SPEC_MAX], ver[GPUPT_KVER_MAX], image[GPUPT_PATH_MAX];
	size_t len;
	long n;
	int r = grub_cfg_and_default(h, &cfg, &len, spec, sizeof(spec));

	if (r < 0)
		return r;
	out = malloc(len + ENTRY_MAX);
	n = out ? gpupt_grubcfg_add_trial(cfg, len, spec, "gpupt trial boot", tokens, out, len + ENTRY_MAX)
		: -ENOMEM;
	say_no_entry(h, n, spec);
	if (n >= 0 && image_name &&
	    gpupt_grubcfg_entry_image(cfg, len, spec, ver, sizeof(ver), image, sizeof(image)) < 0)
		n = -ENOENT;
	if (n >= 0 && image_name)
		n = swap_image(h, out, n, len + ENTRY_MAX, gpupt_grubcfg_trial_offset(out, (size_t)n),
			       image, image_name);
	r = n < 0 ? (int)n : gpupt_file_write_atomic(h->rootfd, GPUPT_GRUB_CFG, out, (size_t)n, 0644);
	if (r < 0 && n >= 0)
		gpupt_msg(h->err, "cannot write /%s: %s\n", GPUPT_GRUB_CFG, strerror(-r));
	if (r == 0)
		snprintf(entry, size, "%s", GPUPT_GRUB_CFG);
	free(cfg);
	free(out);
	return r;
}

/* ESP/loader/entries/NAME for the newest installed kernel ("*-VER.conf"). */
static int newest_entry(int rootfd, const char *esp, char *path, size_t size)
{
	struct gpupt_kernels k;
	char dir[64];
	DIR *d;
	struct dirent *e;
	int r = -ENOENT;

	gpupt_kernels_find(rootfd, &k);
	snprintf(dir, sizeof(dir), "%s/loader/entries", esp);
	d = gpupt_path_opendir(rootfd, dir);
	while (k.n > 0 && d && r < 0 && (e = readdir(d)) != NULL) {
		const char *ver = k.installed[k.n - 1].ver;
		size_t n = strlen(e->d_name), v = strlen(ver);

		if (n > v + 6 && e->d_name[n - v - 6] == '-' && strcmp(e->d_name + n - 5, ".conf") == 0 &&
		    memcmp(e->d_name + n - v - 5, ver, v) == 0)
			r = gpupt_path_join(path, size, dir, e->d_name, (const char *)NULL) < 0
				    ? -ENAMETOOLONG
				    : 0;
	}
	if (d)
		closedir(d);
	return r;
}

static int sdboot_source(struct gpupt_host *h, char *source, size_t size)
{
	const char *esp = gpupt_bootloader_esp(h->rootfd);
	char from[GPUPT_PATH_MAX];
	int r = esp ? newest_entry(h->rootfd, esp, from, sizeof(from)) : -ENOENT;

	if (r < 0)
		gpupt_msg(h->err,
			  "no loader entry of the newest kernel under /%s/loader/entries to copy; run "
			  "`kernel-install add VER /boot/vmlinuz-VER`, then try again\n",
			  esp ? esp : "efi");
	else
		snprintf(source, size, "/%s", from);
	return r;
}

static int write_sdboot_entry(struct gpupt_host *h, const char *tokens, const char *image_name,
			      char *entry, size_t size)
{
	const char *esp = gpupt_bootloader_esp(h->rootfd);
	char source[GPUPT_PATH_MAX + 1], *from = source + 1, *text = NULL, out[ENTRY_MAX];
	char ver[GPUPT_KVER_MAX], image[GPUPT_PATH_MAX];
	size_t len;
	long n;
	int r = sdboot_source(h, source, sizeof(source));

	if (r < 0)
		return r;
	r = gpupt_read_file_alloc(h->rootfd, from, ENTRY_MAX, GPUPT_READ_REGULAR, &text, &len);
	n = r < 0 ? r : gpupt_loader_entry_trial(text, len, "gpupt trial boot", tokens, out, sizeof(out));
	if (n >= 0 && image_name &&
	    gpupt_loader_entry_image(text, len, ver, sizeof(ver), image, sizeof(image)) < 0)
		n = -ENOENT;
	if (n >= 0 && image_name)
		n = swap_image(h, out, n, sizeof(out), 0, image, image_name);
	free(text);
	if (n >= 0 &&
	    snprintf(entry, size, "%s/loader/entries/%s.conf", esp, GPUPT_TRIAL_ENTRY_ID) >= (int)size)
		n = -ENAMETOOLONG;
	r = n < 0 ? (int)n : gpupt_file_write_atomic(h->rootfd, entry, out, (size_t)n, 0644);
	if (r == -ENOTSUP)
		gpupt_msg(h->err,
			  "/%s has no sort-key line: systemd-boot would sort a trial entry first and boot "
			  "it by default; run `gpupt enable --no-trial` instead\n",
			  from);
	else if (r < 0)
		gpupt_msg(h->err, "cannot make the trial entry from /%s: %s\n", from, strerror(-r));
	return r;
}

static int grub_kernel(struct gpupt_host *h, struct gpupt_trial_kernel *k)
{
	char *cfg = NULL, spec[GPUPT_GRUB_SPEC_MAX];
	size_t len;
	int r = grub_cfg_and_default(h, &cfg, &len, spec, sizeof(spec));

	if (r == 0)
		r = gpupt_grubcfg_entry_image(cfg, len, spec, k->ver, sizeof(k->ver), k->image,
					      sizeof(k->image));
	free(cfg);
	if (r < 0)
		return r;
	/* GRUB names it from the root of the file system /boot is on; Debian's generators write /boot. */
	return gpupt_path_join(k->image_file, sizeof(k->image_file), "boot",
			       strrchr(k->image, '/') ? strrchr(k->image, '/') + 1 : k->image,
			       (const char *)NULL) < 0
		       ? -ENAMETOOLONG
		       : 0;
}

static int sdboot_kernel(struct gpupt_host *h, struct gpupt_trial_kernel *k)
{
	const char *esp = gpupt_bootloader_esp(h->rootfd);
	char source[GPUPT_PATH_MAX + 1], *text = NULL;
	size_t len;
	int r = sdboot_source(h, source, sizeof(source));

	if (r == 0)
		r = gpupt_read_file_alloc(h->rootfd, source + 1, ENTRY_MAX, GPUPT_READ_REGULAR, &text, &len);
	if (r == 0)
		r = gpupt_loader_entry_image(text, len, k->ver, sizeof(k->ver), k->image, sizeof(k->image));
	free(text);
	if (r < 0)
		return r;
	/* A loader entry names its files from the root of the ESP. */
	return gpupt_path_join(k->image_file, sizeof(k->image_file), esp,
			       k->image + strspn(k->image, "/"), (const char *)NULL) < 0
		       ? -ENAMETOOLONG
		       : 0;
}

/* ---- the firmware's one-shot (loader uefi) ---- */

/*
 * The kernel's own limit (COMMAND_LINE_SIZE on x86); the EFI stub cuts a
 * longer one short.
 */
enum { EFI_COPY_MAX = 1 << 30, KERNEL_CMDLINE_MAX = 2048 };

/* DIR/NAME of the trial's files on the ESP, relative to the root. */
static int efi_file(const char *dir, const char *name, char *path, size_t size)
{
	return gpupt_path_join(path, size, dir, name, (const char *)NULL) < 0 ? -ENAMETOOLONG : 0;
}

static unsigned long long file_size(int rootfd, const char *path)
{
	struct stat st;

	return gpupt_path_stat(rootfd, path, &st, true) == 0 && st.st_size > 0
		       ? (unsigned long long)st.st_size
		       : 0;
}

static void kernel_file(const struct gpupt_trial_kernel *k, char *path, size_t size)
{
	snprintf(path, size, "boot/vmlinuz-%s", k->ver);
}

static unsigned long long mib(unsigned long long bytes)
{
	return (bytes + (1 << 20) - 1) >> 20;
}

int gpupt_trial_efi_room(struct gpupt_host *h, const char *esp, const struct gpupt_trial_kernel *k,
			 const char *image_file)
{
	char kernel[GPUPT_PATH_MAX], dir[GPUPT_PATH_MAX], old[GPUPT_PATH_MAX];
	unsigned long long ksize, isize, have;
	int r;

	kernel_file(k, kernel, sizeof(kernel));
	ksize = file_size(h->rootfd, kernel);
	isize = file_size(h->rootfd, image_file);
	if (!ksize) {
		gpupt_msg(h->err, "the trial's kernel /%s is missing or empty; nothing was written\n", kernel);
		return -ENOENT;
	}
	r = gpupt_dir_free_bytes(h->rootfd, esp, &have);
	if (r < 0) {
		gpupt_msg(h->err, "cannot tell the free space of the ESP /%s: %s; nothing was written\n",
			  esp, strerror(-r));
		return r;
	}
	/* Copies an earlier trial left are replaced. */
	if (gpupt_path_join(dir, sizeof(dir), esp, GPUPT_EFI_TRIAL_DIR, (const char *)NULL) < 0)
		return -ENAMETOOLONG;
	if (efi_file(dir, GPUPT_EFI_TRIAL_KERNEL, old, sizeof(old)) == 0)
		have += file_size(h->rootfd, old);
	if (efi_file(dir, GPUPT_EFI_TRIAL_IMAGE, old, sizeof(old)) == 0)
		have += file_size(h->rootfd, old);
	if (have >= ksize + isize + (1 << 20))
		return 0;
	gpupt_msg(h->err,
		  "the trial boots through the firmware, from the ESP: /%s (%llu MiB) and /%s (%llu MiB) go to "
		  "/%s, and the ESP /%s has %llu MiB free, %llu MiB needed with 1 MiB to spare: make room on "
		  "the ESP, or add --no-trial; nothing was written\n",
		  kernel, mib(ksize), image_file, mib(isize), dir, esp, have >> 20,
		  mib(ksize + isize + (1 << 20)));
	return -ENOSPC;
}

int gpupt_trial_copy_file(struct gpupt_host *h, const char *from, const char *to)
{
	char *buf = NULL;
	size_t len;
	int r = gpupt_read_file_alloc(h->rootfd, from, EFI_COPY_MAX, GPUPT_READ_REGULAR, &buf, &len);

	if (r == 0)
		r = gpupt_file_write_atomic(h->rootfd, to, buf, len, 0644);
	if (r < 0)
		gpupt_msg(h->err, "cannot copy /%s to /%s: %s\n", from, to, strerror(-r));
	free(buf);
	return r;
}

/* Take the trial's copies off the ESP, and their folder when it is empty. */
int gpupt_trial_remove_efi_files(struct gpupt_host *h, const char *dir)
{
	static const char *const names[] = { GPUPT_EFI_TRIAL_KERNEL, GPUPT_EFI_TRIAL_IMAGE };
	char path[GPUPT_PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (efi_file(dir, names[i], path, sizeof(path)) == 0 &&
		    gpupt_file_remove(h->rootfd, path) < 0) {
			gpupt_msg(h->err, "cannot remove /%s from the ESP; remove it by hand\n", path);
			r = -EIO;
		}
	if (r == 0 && gpupt_dir_remove(h->rootfd, dir) < 0)
		gpupt_msg(h->err, "/%s is not empty: left as it is\n", dir);
	return r;
}

/* The default entry's command line, the trial's tokens, and the image on the ESP. */
static int efi_cmdline(struct gpupt_host *h, const char *tokens, char *cmdline, size_t size)
{
	char *cfg = NULL, spec[GPUPT_GRUB_SPEC_MAX], args[KERNEL_CMDLINE_MAX];
	size_t len;
	int r = grub_cfg_and_default(h, &cfg, &len, spec, sizeof(spec)), n;

	if (r < 0)
		return r;
	r = gpupt_grubcfg_entry_args(cfg, len, spec, args, sizeof(args));
	free(cfg);
	if (r < 0) {
		gpupt_msg(h->err, "cannot take the command line of GRUB's default entry from /%s: %s\n",
			  GPUPT_GRUB_CFG,
			  r == -ENOTSUP ? "its linux line holds words GRUB expands or unquotes ($, quotes, "
					  "backslashes), so what the kernel gets is not known"
					: strerror(-r));
		return r;
	}
	n = snprintf(cmdline, size, "initrd=" GPUPT_EFI_TRIAL_INITRD " %s%s%s", args,
		     args[0] ? " " : "", tokens);
	if (n < 0 || (size_t)n >= size || (size_t)n >= KERNEL_CMDLINE_MAX) {
		gpupt_msg(h->err, "the trial's command line would be longer than the kernel takes (%d bytes)\n",
			  KERNEL_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	return 0;
}

/* Nothing of an earlier trial, or of anyone else's one-shot, may be in the way. */
static int efi_way_clear(struct gpupt_host *h)
{
	unsigned nums[4], next;
	int n = gpupt_efi_trial_options(h->rootfd, nums, ARRAY_SIZE(nums));

	if (n > 0) {
		gpupt_msg(h->err,
			  "a boot option labelled \"" GPUPT_EFI_TRIAL_LABEL "\" is already there (Boot%04X), left "
			  "by an earlier trial: remove it with `efibootmgr -b %04X -B`, then try again\n",
			  nums[0], nums[0]);
		return -EEXIST;
	}
	if (n < 0) {
		gpupt_msg(h->err, "cannot read the firmware's boot options in /%s: %s\n",
			  GPUPT_EFIVARS, strerror(-n));
		return n;
	}
	if (gpupt_efi_bootnext(h->rootfd, &next) == 0) {
		gpupt_msg(h->err,
			  "BootNext is set (Boot%04X): the firmware's next boot is chosen already; clear it with "
			  "`efibootmgr -N`, then try again\n",
			  next);
		return -EBUSY;
	}
	return 0;
}

/* Delete Boot#### num, when it is gpupt's trial option still (the numbers are the firmware's to reuse). */
static int efi_option_delete(struct gpupt_host *h, unsigned num)
{
	char hex[8], label[64];
	const char *argv[] = { "efibootmgr", "-q", "-b", hex, "-B", NULL };

	if (gpupt_efi_option_label(h->rootfd, num, label, sizeof(label)) < 0)
		return 0;
	if (strcmp(label, GPUPT_EFI_TRIAL_LABEL) != 0) {
		gpupt_msg(h->err, "Boot%04X is no longer gpupt's trial option (its label is \"%s\"): left alone\n",
			  num, label);
		return 0;
	}
	snprintf(hex, sizeof(hex), "%04X", num & 0xffff);
	return gpupt_trial_run_said(h, argv);
}

/* Clear BootNext when it names the trial's option (the firmware clears it when it boots it). */
static int efi_bootnext_clear(struct gpupt_host *h, const struct gpupt_trial *t)
{
	const char *argv[] = { "efibootmgr", "-q", "-N", NULL };
	unsigned next;

	if (!t->has_efi_boot || gpupt_efi_bootnext(h->rootfd, &next) < 0 || next != t->efi_boot)
		return 0;
	return gpupt_trial_run_said(h, argv);
}

/*
 * Set BootNext and read it back: a firmware that does not keep it (or an
 * efivarfs that lies) would boot as always, and the trial never.
 */
static int efi_bootnext_set(struct gpupt_host *h, const struct gpupt_trial *t)
{
	char hex[8], read_back[32] = "does not read back";
	const char *argv[] = { "efibootmgr", "-q", "-n", hex, NULL };
	unsigned next;
	int r, got;

	if (!t->has_efi_boot)
		return -EINVAL;
	snprintf(hex, sizeof(hex), "%04X", t->efi_boot & 0xffff);
	r = gpupt_trial_run_said(h, argv);
	if (r < 0)
		return r;
	got = gpupt_efi_bootnext(h->rootfd, &next);
	if (got == 0 && next == t->efi_boot)
		return 0;
	if (got == 0)
		snprintf(read_back, sizeof(read_back), "reads back as Boot%04X", next & 0xffff);
	gpupt_msg(h->err,
		  "BootNext %s after `efibootmgr -n %s`: the firmware does not keep it, so the trial would "
		  "never boot\n",
		  read_back, hex);
	return -EIO;
}

static int efi_option_create(struct gpupt_host *h, const struct gpupt_efi_esp *esp,
			     const char *cmdline, struct gpupt_trial *t)
{
	char part[16];
	unsigned nums[4];
	const char *argv[] = {
		"efibootmgr",
		"-q",
		"-C",
		"-d",
		esp->disk,
		"-p",
		part,
		"-L",
		GPUPT_EFI_TRIAL_LABEL,
		"-l",
		GPUPT_EFI_TRIAL_LOADER,
		"-u",
		cmdline,
		NULL
	};
	int r, n;

	snprintf(part, sizeof(part), "%u", esp->part);
	r = gpupt_trial_run_said(h, argv);
	if (r < 0)
		return r;
	n = gpupt_efi_trial_options(h->rootfd, nums, ARRAY_SIZE(nums));
	if (n != 1) {
		gpupt_msg(h->err, "efibootmgr made %s boot option labelled \"" GPUPT_EFI_TRIAL_LABEL "\"\n",
			  n > 1 ? "more than one" : "no");
		for (int i = 0; i < n && i < (int)ARRAY_SIZE(nums); i++)
			efi_option_delete(h, nums[i]);
		return -EIO;
	}
	t->efi_boot = nums[0];
	t->has_efi_boot = true;
	return 0;
}

static int write_efi_entry(struct gpupt_host *h, const struct gpupt_oneshot *o, const char *tokens,
			   const char *image_name, struct gpupt_trial *t)
{
	struct gpupt_trial_kernel k;
	char cmdline[KERNEL_CMDLINE_MAX], kernel[GPUPT_PATH_MAX], image[GPUPT_PATH_MAX], dir[GPUPT_PATH_MAX];
	char to[GPUPT_PATH_MAX];
	int r = efi_way_clear(h);

	if (r == 0)
		r = efi_cmdline(h, tokens, cmdline, sizeof(cmdline));
	if (r == 0)
		r = grub_kernel(h, &k);
	if (r < 0)
		return r;
	kernel_file(&k, kernel, sizeof(kernel));
	if (image_name)
		snprintf(image, sizeof(image), "%.*s%s",
			 (int)(strrchr(k.image_file, '/') ? strrchr(k.image_file, '/') + 1 - k.image_file : 0),
			 k.image_file, image_name);
	else
		snprintf(image, sizeof(image), "%s", k.image_file);
	if (gpupt_path_join(dir, sizeof(dir), o->esp.dir, GPUPT_EFI_TRIAL_DIR, (const char *)NULL) < 0 ||
	    snprintf(t->entry, sizeof(t->entry), "%s", dir) >= (int)sizeof(t->entry))
		return -ENAMETOOLONG;
	r = efi_file(dir, GPUPT_EFI_TRIAL_KERNEL, to, sizeof(to));
	if (r == 0)
		r = gpupt_trial_copy_file(h, kernel, to);
	if (r == 0)
		r = efi_file(dir, GPUPT_EFI_TRIAL_IMAGE, to, sizeof(to));
	if (r == 0)
		r = gpupt_trial_copy_file(h, image, to);
	if (r == 0)
		r = efi_option_create(h, &o->esp, cmdline, t);
	if (r < 0) {
		gpupt_trial_remove_efi_files(h, dir);
		t->entry[0] = '\0';
	}
	return r;
}

int gpupt_trial_kernel(struct gpupt_host *h, const struct gpupt_oneshot *o, struct gpupt_trial_kernel *k)
{
	int r = -ENOTSUP;

	if (o->loader && (strcmp(o->loader, "grub") == 0 || strcmp(o->loader, "uefi") == 0))
		r = grub_kernel(h, k);
	else if (o->loader && strcmp(o->loader, "systemd-boot") == 0)
		r = sdboot_kernel(h, k);
	else if (o->loader && strcmp(o->loader, "pbt") == 0)
		return gpupt_pbt_trial_kernel(h, k);
	if (r < 0)
		gpupt_msg(h->err, "cannot tell which kernel and initramfs image the trial entry boots: %s\n",
			  strerror(-r));
	return r;
}

int gpupt_trial_entry_source(struct gpupt_host *h, const struct gpupt_oneshot *o, char *source, size_t size)
{
	if (o->loader && (strcmp(o->loader, "grub") == 0 || strcmp(o->loader, "uefi") == 0))
		return grub_source(h, source, size);
	if (o->loader && strcmp(o->loader, "systemd-boot") == 0)
		return sdboot_source(h, source, size);
	if (o->loader && strcmp(o->loader, "pbt") == 0)
		return gpupt_pbt_entry_source(h, source, size);
	return -ENOTSUP;
}

int gpupt_trial_entry_write(struct gpupt_host *h, const struct gpupt_oneshot *o, const char *tokens,
			    const char *image_name, struct gpupt_trial *t)
{
	if (o->loader && strcmp(o->loader, "grub") == 0)
		return write_grub_entry(h, tokens, image_name, t->entry, sizeof(t->entry));
	if (o->loader && strcmp(o->loader, "systemd-boot") == 0)
		return write_sdboot_entry(h, tokens, image_name, t->entry, sizeof(t->entry));
	if (o->loader && strcmp(o->loader, "uefi") == 0)
		return write_efi_entry(h, o, tokens, image_name, t);
	if (o->loader && strcmp(o->loader, "pbt") == 0)
		return gpupt_pbt_entry_write(h, tokens, image_name, t);
	return -ENOTSUP;
}

static bool is_grub(const struct gpupt_trial *t)
{
	return strcmp(t->loader, "grub") == 0;
}

static bool is_uefi(const struct gpupt_trial *t)
{
	return strcmp(t->loader, "uefi") == 0;
}

static bool is_pbt(const struct gpupt_trial *t)
{
	return strcmp(t->loader, "pbt") == 0;
}

int gpupt_trial_run_said(struct gpupt_host *h, const char *const *argv)
{
	int r = gpupt_trial_run(h, argv, NULL, 0);

	if (r != 0) {
		char cmd[256];

		gpupt_argv_format(argv, cmd, sizeof(cmd));
		gpupt_msg(h->err, "`%s` %s %d\n", cmd,
			  r < 0 ? "could not start:" : "failed with exit status", r < 0 ? -r : r);
	}
	return r == 0 ? 0 : -EIO;
}

int gpupt_trial_oneshot_set(struct gpupt_host *h, const struct gpupt_trial *t)
{
	const char *grub[] = { "grub-reboot", GPUPT_TRIAL_ENTRY_ID, NULL };
	const char *sdboot[] = { "bootctl", "set-oneshot", GPUPT_TRIAL_ENTRY_ID ".conf", NULL };

	if (is_uefi(t))
		return efi_bootnext_set(h, t);
	return gpupt_trial_run_said(h, is_grub(t) ? grub : sdboot);
}

int gpupt_trial_oneshot_clear(struct gpupt_host *h, const struct gpupt_trial *t)
{
	const char *grub[] = { "grub-editenv", "/" GPUPT_GRUBENV, "unset", "next_entry", NULL };
	const char *sdboot[] = { "bootctl", "set-oneshot", "", NULL };

	/*
	 * Nothing to clear: no grubenv; no LoaderEntryOneShot (systemd-boot
	 * deleted it when it started the trial, and bootctl fails to remove a
	 * variable that is not there).
	 */
	if (is_uefi(t))
		return efi_bootnext_clear(h, t);
	if (!gpupt_path_exists(h->rootfd, is_grub(t) ? GPUPT_GRUBENV : GPUPT_ONESHOT_EFIVAR))
		return 0;
	return gpupt_trial_run_said(h, is_grub(t) ? grub : sdboot);
}

static int remove_grub_entry(struct gpupt_host *h, const char *path)
{
	char *cfg = NULL, *out = NULL;
	size_t len;
	int r = gpupt_read_file_alloc(h->rootfd, path, CFG_MAX, GPUPT_READ_REGULAR, &cfg, &len);

	if (r == -ENOENT)
		return 0;
	if (r == 0 && gpupt_grubcfg_has_trial(cfg, len)) {
		long n;

		out = malloc(len);
		n = out ? gpupt_grubcfg_remove_trial(cfg, len, out, len) : -ENOMEM;
		r = n < 0 ? (int)n : gpupt_file_write_atomic(h->rootfd, path, out, (size_t)n, 0644);
	}
	if (r < 0)
		gpupt_msg(h->err, "cannot take the trial entry out of /%s: %s\n", path, strerror(-r));
	free(cfg);
	free(out);
	return r;
}

/* The boot option first: one that pointed at missing files would fail to load (harmless, but untidy). */
static int remove_efi_entry(struct gpupt_host *h, const struct gpupt_trial *t)
{
	int r = t->has_efi_boot ? efi_option_delete(h, t->efi_boot) : 0;

	if (t->entry[0] && gpupt_trial_remove_efi_files(h, t->entry) < 0 && r == 0)
		r = -EIO;
	return r;
}

int gpupt_trial_entry_remove(struct gpupt_host *h, const struct gpupt_trial *t)
{
	int c = gpupt_trial_oneshot_clear(h, t);
	int r = is_grub(t)   ? remove_grub_entry(h, t->entry)
		: is_uefi(t) ? remove_efi_entry(h, t)
		: is_pbt(t)  ? gpupt_pbt_entry_remove(h, t)
			     : gpupt_file_remove(h->rootfd, t->entry);

	/* The trial's own image goes with its entry (a kernel removal may have taken it already). */
	if (t->image[0] && gpupt_file_remove(h->rootfd, t->image) < 0 &&
	    gpupt_path_exists(h->rootfd, t->image))
		gpupt_msg(h->err, "cannot remove the trial's image /%s; remove it by hand\n", t->image);

	if (r < 0 && !is_grub(t) && !is_uefi(t) && !is_pbt(t))
		gpupt_msg(h->err, "cannot remove /%s: %s\n", t->entry, strerror(-r));
	return r < 0 ? r : c;
}

static bool trial_entry_there(struct gpupt_host *h, const struct gpupt_trial *t)
{
	char *cfg;
	size_t len;
	bool there;

	if (is_uefi(t)) {
		char kernel[GPUPT_PATH_MAX];

		return t->has_efi_boot && gpupt_efi_option_is_trial(h->rootfd, t->efi_boot) &&
		       efi_file(t->entry, GPUPT_EFI_TRIAL_KERNEL, kernel, sizeof(kernel)) == 0 &&
		       gpupt_path_exists(h->rootfd, kernel);
	}
	if (is_pbt(t))
		return gpupt_pbt_entry_there(h->rootfd, t);
	if (!is_grub(t))
		return gpupt_path_exists(h->rootfd, t->entry);
	if (gpupt_read_file_alloc(h->rootfd, t->entry, CFG_MAX, GPUPT_READ_REGULAR, &cfg, &len) < 0)
		return false;
	there = gpupt_grubcfg_has_trial(cfg, len);
	free(cfg);
	return there;
}

/* The one-shot's value: grubenv's next_entry, or LoaderEntryOneShot; "" when unset. */
static void oneshot_value(struct gpupt_host *h, const struct gpupt_trial *t, char *val, size_t size)
{
	char *buf;
	size_t len;
	int r;

	val[0] = '\0';
	if (is_uefi(t)) {
		unsigned next;

		if (gpupt_efi_bootnext(h->rootfd, &next) == 0)
			snprintf(val, size, "Boot%04X", next);
		return;
	}
	if (gpupt_read_file_alloc(h->rootfd, is_grub(t) ? GPUPT_GRUBENV : GPUPT_ONESHOT_EFIVAR,
				  CFG_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return;
	r = is_grub(t) ? gpupt_grubenv_get(buf, len, "next_entry", val, size)
		       : gpupt_efivar_string(buf, len, val, size);
	if (r < 0)
		val[0] = '\0';
	free(buf);
}

enum gpupt_trial_ready gpupt_trial_ready(struct gpupt_host *h, const struct gpupt_trial *t, char *why, size_t size)
{
	char want[GPUPT_TRIAL_NAME], val[GPUPT_TRIAL_NAME];

	snprintf(want, sizeof(want), "%s", is_grub(t) ? GPUPT_TRIAL_ENTRY_ID : GPUPT_TRIAL_ENTRY_ID ".conf");
	if (is_uefi(t))
		snprintf(want, sizeof(want), "Boot%04X", t->efi_boot & 0xffff);
	if (!trial_entry_there(h, t) && is_uefi(t)) {
		snprintf(why, size,
			 "its boot option %s (\"" GPUPT_EFI_TRIAL_LABEL "\") or its kernel in /%s is gone",
			 want, t->entry);
		return GPUPT_TRIAL_ENTRY_GONE;
	}
	if (!trial_entry_there(h, t) && is_pbt(t)) {
		snprintf(why, size, "an ESP that holds its entry (/%s) is gone", t->entry);
		return GPUPT_TRIAL_ENTRY_GONE;
	}
	if (!trial_entry_there(h, t)) {
		snprintf(why, size,
			 is_grub(t) ? "its entry is gone from /%s (update-grub rewrote the file, as a kernel "
				      "upgrade does)"
				    : "its entry /%s is gone",
			 t->entry);
		return GPUPT_TRIAL_ENTRY_GONE;
	}
	oneshot_value(h, t, val, sizeof(val));
	if (strcmp(val, want) != 0) {
		snprintf(why, size, "the one-shot does not name it: %s is %s%s%s, not %s",
			 is_grub(t)   ? "grubenv's next_entry"
			 : is_uefi(t) ? "BootNext"
				      : "LoaderEntryOneShot",
			 val[0] ? "\"" : "", val[0] ? val : "unset", val[0] ? "\"" : "", want);
		return GPUPT_TRIAL_ONESHOT_GONE;
	}
	why[0] = '\0';
	return GPUPT_TRIAL_READY;
}

bool gpupt_trial_unit_enabled(int rootfd, char *why, size_t size)
{
	static const char *const dirs[] = { "etc", "run", "lib", "usr/lib" };
	char path[128], target[16];
	struct stat st;
	ssize_t n = gpupt_path_readlink(rootfd, "etc/systemd/system/" GPUPT_TRIAL_UNIT, target, sizeof(target));

	if (n == 9 && memcmp(target, "/dev/null", 9) == 0) {
		snprintf(why, size,
			 GPUPT_TRIAL_UNIT
			 " is masked (/etc/systemd/system/" GPUPT_TRIAL_UNIT
			 " links to /dev/null): run `systemctl unmask " GPUPT_TRIAL_UNIT
			 "` and `systemctl enable " GPUPT_TRIAL_UNIT "`");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path),
			 "%s/systemd/system/sysinit.target.wants/" GPUPT_TRIAL_UNIT, dirs[i]);
		if (gpupt_path_stat(rootfd, path, &st, true) == 0 && S_ISREG(st.st_mode))
			return true;
	}
	snprintf(why, size,
		 GPUPT_TRIAL_UNIT
		 " is not enabled (no /etc/systemd/system/sysinit.target.wants/" GPUPT_TRIAL_UNIT
		 "; `make install` does not enable it): run `systemctl enable " GPUPT_TRIAL_UNIT "`");
	return false;
}

int gpupt_trial_end(struct gpupt_host *h, struct gpupt_trial *t, enum gpupt_trial_state state, const char *reason)
{
	int r = gpupt_trial_entry_remove(h, t), saved = gpupt_trial_record_end(h, t, state, reason);

	return saved < 0 ? saved : r;
}

int gpupt_trial_record_end(struct gpupt_host *h, struct gpupt_trial *t, enum gpupt_trial_state state,
			   const char *reason)
{
	t->state = state;
	t->changed = (long long)time(NULL);
	snprintf(t->reason, sizeof(t->reason), "%s", reason);
	if (gpupt_trial_save(h->rootfd, t) < 0) {
		gpupt_msg(h->err, "cannot write /%s; the trial ended (%s) all the same\n",
			  GPUPT_TRIAL_PATH, reason);
		return -EIO;
	}
	return 0;
}

/* ---- snapshot and health ---- */

static void dev_set(struct gpupt_trial_dev *d, const char *addr, const char *driver)
{
	snprintf(d->addr, sizeof(d->addr), "%s", addr);
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
}

_Static_assert((int)GPUPT_UPLINK_CHAIN <= (int)GPUPT_TRIAL_CHAIN, "a chain fits the state file's uplink line");
_Static_assert((int)GPUPT_UPLINK_MAX <= (int)GPUPT_TRIAL_MAX_UPLINKS, "every NIC found fits the state file");

/* The default routes' interfaces and the NICs under them, for the route rule. */
static void snapshot_uplink(int rootfd, struct gpupt_trial *t)
{
	struct gpupt_uplink u = { .n = 0 };

	gpupt_uplink_find(rootfd, &u);
	snprintf(t->route, sizeof(t->route), "%s", u.route);
	snprintf(t->route6, sizeof(t->route6), "%s", u.route6);
	t->n_uplink = 0;
	for (size_t i = 0; i < u.n; i++)
		snprintf(t->uplink[t->n_uplink++], GPUPT_TRIAL_CHAIN, "%s", u.nic[i].chain);
}

int gpupt_trial_snapshot(struct gpupt_host *h, const struct gpupt_devlist *l,
			 const struct gpupt_selection *s, struct gpupt_trial *t)
{
	const char *target = s->config.driver[0] ? s->config.driver : GPUPT_DEFAULT_DRIVER;

	t->n_want = t->n_before = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool selected = gpupt_selection_has(s, i);
		struct gpupt_trial_dev *d = selected ? t->want : t->before;
		size_t *n = selected ? &t->n_want : &t->n_before;

		if (*n == (selected ? ARRAY_SIZE(t->want) : ARRAY_SIZE(t->before)))
			return -E2BIG;
		dev_set(&d[*n], l->dev[i].addr, selected ? target : l->dev[i].driver);
		d[(*n)++].class = selected ? GPUPT_TRIAL_CLASS_UNKNOWN : l->dev[i].class;
	}
	snapshot_uplink(h->rootfd, t);
	return 0;
}

static const struct gpupt_dev *find_dev(const struct gpupt_devlist *l, const char *addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->dev[i].addr, addr) == 0)
			return &l->dev[i];
	return NULL;
}

static bool result(char *res, size_t size, bool ok, const char *name, const char *detail)
{
	snprintf(res, size, "%s %s: %s", ok ? "PASS" : "FAIL", name, detail);
	return ok;
}

bool gpupt_health_devices(int rootfd, const struct gpupt_devlist *now, const struct gpupt_trial *t,
			  char *res, size_t size)
{
	char detail[GPUPT_TRIAL_TEXT] = "";
	size_t n = 0;

	(void)rootfd;
	for (size_t i = 0; i < t->n_want; i++) {
		const struct gpupt_dev *d = find_dev(now, t->want[i].addr);
		const char *drv = d ? (d->driver[0] ? d->driver : "no driver") : "gone";

		if (!d || strcmp(d->driver, t->want[i].driver) != 0)
			n += (size_t)snprintf(detail + MIN(n, sizeof(detail)),
					      n < sizeof(detail) ? sizeof(detail) - n : 0, "%s%s is on %s, not %s",
					      n ? "; " : "", t->want[i].addr, drv, t->want[i].driver);
	}
	if (n == 0)
		snprintf(detail, sizeof(detail), "%zu selected function%s on %s", t->n_want,
			 t->n_want == 1 ? "" : "s", t->n_want ? t->want[0].driver : "-");
	return result(res, size, n == 0, "selected devices", detail);
}

/* Storage (mass storage controllers) and network functions: the host needs their drivers. */
static bool host_needs(uint32_t class)
{
	return class != GPUPT_TRIAL_CLASS_UNKNOWN && (class >> 16 == 0x01 || class >> 16 == 0x02);
}

/*
 * Is the change of one unselected function from b to d (NULL: gone) one
 * that fails the trial?  A function that was on the target driver at
 * enable (qemu-server binds a VM's hostpci devices when it starts) may go
 * back to its own driver.
 */
static bool change_matters(const struct gpupt_trial_dev *b, const struct gpupt_dev *d, const char *target)
{
	uint32_t class = b->class != GPUPT_TRIAL_CLASS_UNKNOWN ? b->class : d ? d->class : b->class;

	if (d && strcmp(d->driver, target) == 0)
		return true; /* taken by the target driver without being selected */
	if (b->class == GPUPT_TRIAL_CLASS_UNKNOWN && !d)
		return true; /* gone, and an older state file does not say what it was */
	return host_needs(class) && b->driver[0] && strcmp(b->driver, target) != 0;
}

static void say_change(char *detail, size_t size, size_t *n, const struct gpupt_trial_dev *b,
		       const struct gpupt_dev *d)
{
	size_t m = *n;

	*n += (size_t)snprintf(detail + MIN(m, size), m < size ? size - m : 0, "%s%s (%s) %s%s",
			       m ? "; " : "", b->addr, b->driver[0] ? b->driver : "no driver",
			       !d	      ? "is gone"
			       : d->driver[0] ? "is now on "
					      : "lost its driver",
			       d && d->driver[0] ? d->driver : "");
}

/*
 * Fail only on what matters: an unselected function taken by the target
 * driver, or a storage or network function that lost its driver.  Other
 * changes are shown but pass: a function qemu-server bound to vfio-pci for
 * a VM that ran at enable is back on its own driver when that VM does not
 * start at boot.
 */
bool gpupt_health_others(const struct gpupt_devlist *now, const struct gpupt_trial *t, char *res, size_t size)
{
	const char *target = t->n_want ? t->want[0].driver : GPUPT_DEFAULT_DRIVER;
	char bad[GPUPT_TRIAL_TEXT] = "", fine[GPUPT_TRIAL_TEXT] = "";
	size_t n_bad = 0, n_fine = 0;

	for (size_t i = 0; i < t->n_before; i++) {
		const struct gpupt_dev *d = find_dev(now, t->before[i].addr);

		if (d && strcmp(d->driver, t->before[i].driver) == 0)
			continue;
		if (change_matters(&t->before[i], d, target))
			say_change(bad, sizeof(bad), &n_bad, &t->before[i], d);
		else
			say_change(fine, sizeof(fine), &n_fine, &t->before[i], d);
	}
	if (n_bad)
		snprintf(res, size, "FAIL other devices: %s%s%s", bad, n_fine ? "; harmless: " : "", fine);
	else if (n_fine)
		snprintf(res, size,
			 "PASS other devices: no storage or network function lost its driver, none "
			 "went to %s; changed, harmless: %s",
			 target, fine);
	else
		snprintf(res, size, "PASS other devices: the %zu other functions kept their drivers",
			 t->n_before);
	return n_bad == 0;
}

/* sys/class/net/IF/ATTR is value (operstate "up", carrier "1"). */
static bool net_attr_is(int rootfd, const char *iface, const char *attr, const char *value)
{
	char path[GPUPT_PATH_MAX], buf[32];

	/* carrier of an interface that is down reads as EINVAL: no carrier. */
	return gpupt_path_join(path, sizeof(path), "sys/class/net", iface, attr, (const char *)NULL) >= 0 &&
	       gpupt_read_file(rootfd, path, buf, sizeof(buf), GPUPT_READ_CHOMP) >= 0 &&
	       strcmp(buf, value) == 0;
}

static bool net_exists(int rootfd, const char *iface)
{
	char path[GPUPT_PATH_MAX];

	return gpupt_path_join(path, sizeof(path), "sys/class/net", iface, (const char *)NULL) >= 0 &&
	       gpupt_path_exists(rootfd, path);
}

/* Does iface still carry the default route's traffic: an IPv4 route (an address), IPv6's default route? */
static bool routed(int rootfd, const struct gpupt_trial *t, const char *iface)
{
	char *buf;
	size_t len;
	bool r4 = false, r6 = false;

	if (strcmp(t->route, iface) == 0 &&
	    gpupt_read_file_alloc(rootfd, "proc/net/route", 1 << 20, 0, &buf, &len) >= 0) {
		r4 = gpupt_route_has_iface(buf, len, iface);
		free(buf);
	}
	if (strcmp(t->route6, iface) == 0 &&
	    gpupt_read_file_alloc(rootfd, "proc/net/ipv6_route", 1 << 20, 0, &buf, &len) >= 0) {
		r6 = gpupt_route6_has_default(buf, len, iface);
		free(buf);
	}
	return r4 || r6;
}

/*
 * The NICs recorded under iface at enable: true when one of them has
 * carrier again (a bond reaches the network through any slave), or when
 * none was recorded.  What each lacks goes to detail.
 */
static bool nic_linked(int rootfd, const struct gpupt_trial *t, const char *iface, char *detail, size_t size)
{
	size_t n = 0, seen = 0;

	for (size_t i = 0; i < t->n_uplink; i++) {
		struct gpupt_uplink_nic w = { .nic = "" };

		gpupt_uplink_chain_split(t->uplink[i], &w);
		if (strcmp(w.route, iface) != 0)
			continue;
		seen++;
		if (net_attr_is(rootfd, w.nic, "carrier", "1")) {
			snprintf(detail, size, ", through %s (%s)", w.nic, w.addr[0] ? w.addr : "not on PCI");
			return true;
		}
		n += (size_t)snprintf(detail + MIN(n, size), n < size ? size - n : 0, "%s%s (%s) %s",
				      n ? "; " : ", but no NIC under it has a link: ", w.nic,
				      w.addr[0] ? w.addr : "not on PCI",
				      net_exists(rootfd, w.nic) ? "has no carrier" : "is gone");
	}
	if (seen == 0 && size)
		detail[0] = '\0';
	return seen == 0;
}

/* One route interface: up, carrier, routed, and a NIC under it with a link. */
static bool route_iface_ok(int rootfd, const struct gpupt_trial *t, const char *iface, char *detail, size_t size)
{
	bool up = net_attr_is(rootfd, iface, "operstate", "up");
	bool carrier = up && net_attr_is(rootfd, iface, "carrier", "1");
	bool has_route = carrier && routed(rootfd, t, iface);
	char nics[GPUPT_TRIAL_TEXT] = "";
	bool linked = has_route && nic_linked(rootfd, t, iface, nics, sizeof(nics));

	snprintf(detail, size, "%s (%s), the default route's interface at enable, is %s%s", iface,
		 gpupt_uplink_families(t->route, t->route6, iface),
		 !up	    ? "not up"
		 : !carrier ? "up but has no carrier"
			    : "up with carrier",
		 carrier && !has_route ? " but has no route (no address)" : nics);
	return linked;
}

bool gpupt_health_route(int rootfd, const struct gpupt_trial *t, char *res, size_t size)
{
	char first[GPUPT_TRIAL_TEXT], second[GPUPT_TRIAL_TEXT] = "", detail[2 * GPUPT_TRIAL_TEXT];
	const char *a = t->route[0] ? t->route : t->route6;
	bool ok;

	if (!a[0]) {
		snprintf(res, size, "SKIP default route: there was none at enable (IPv4 or IPv6)");
		return true;
	}
	ok = route_iface_ok(rootfd, t, a, first, sizeof(first));
	/* IPv6's default route on another interface: that one must work too. */
	if (t->route[0] && t->route6[0] && strcmp(t->route, t->route6) != 0)
		ok &= route_iface_ok(rootfd, t, t->route6, second, sizeof(second));
	snprintf(detail, sizeof(detail), "%s%s%s", first, second[0] ? "; " : "", second);
	return result(res, size, ok, "default route", detail);
}
