// SPDX-License-Identifier: MIT
/* The trial on proxmox-boot-tool's ESPs with systemd-boot (see pbtesp.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/bootentry.h"
#include "host/model/pbtesp.h"
#include "host/model/platform.h"
#include "lib/atomic.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"

enum { LIST_MAX = 65536, CMDLINE_MAX = 4096, ENTRY_MAX = 8192 };

#define NEXT_BOOT_PIN "etc/kernel/next-boot-pin"
#define BOOT_PIN "etc/kernel/proxmox-boot-pin"
#define GRUB_ON_ESP "EFI/proxmox/grubx64.efi"
#define PBT_LOADER_INFO GPUPT_EFIVARS "/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

/* ---- the list of ESPs ---- */

static void by_uuid(const char *uuid, char *dev, size_t size)
{
	snprintf(dev, size, "dev/disk/by-uuid/%.9s", uuid);
}

int gpupt_pbt_esps(int rootfd, struct gpupt_pbt_esps *e, char *why, size_t size)
{
	char uuids[GPUPT_TRIAL_MAX_ESPS][GPUPT_VFAT_UUID_LEN + 1], dev[64], *buf;
	size_t len, n;
	int r = gpupt_read_file_alloc(rootfd, GPUPT_PBT_UUIDS, LIST_MAX, GPUPT_READ_REGULAR, &buf, &len);

	memset(e, 0, sizeof(*e));
	if (r < 0) {
		snprintf(why, size, "cannot read /%s: %s", GPUPT_PBT_UUIDS, gpupt_read_strerror(r));
		return r;
	}
	n = gpupt_pbt_uuids(buf, len, uuids, ARRAY_SIZE(uuids), &e->skipped);
	free(buf);
	if (n > ARRAY_SIZE(uuids)) {
		snprintf(why, size, "/%s lists %zu ESPs; gpupt's trial handles at most %zu",
			 GPUPT_PBT_UUIDS, n, ARRAY_SIZE(uuids));
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		by_uuid(uuids[i], dev, sizeof(dev));
		if (!gpupt_path_exists(rootfd, dev)) {
			e->skipped++;
			continue;
		}
		snprintf(e->uuid[e->n++], GPUPT_TRIAL_ESP, "%.9s", uuids[i]);
	}
	if (e->n == 0) {
		snprintf(why, size,
			 "/%s names no ESP that is there (FAT serials, one per line, each with its "
			 "/dev/disk/by-uuid/ link): run `proxmox-boot-tool status`",
			 GPUPT_PBT_UUIDS);
		return -ENOENT;
	}
	return 0;
}

/* "5A1B-2C3D, 6C2D-3E4F" */
static void esp_names(const struct gpupt_pbt_esps *e, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < e->n && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", e->uuid[i]);
}

void gpupt_pbt_oneshot_probe(struct gpupt_host *h, struct gpupt_oneshot *out)
{
	struct gpupt_pbt_esps e;
	char why[256], names[128];

	out->kind = GPUPT_ONESHOT_NONE;
	/* systemd-boot sets LoaderInfo at every boot it starts. */
	if (!gpupt_path_exists(h->rootfd, PBT_LOADER_INFO)) {
		snprintf(out->why, sizeof(out->why),
			 "systemd-boot's variables are not visible (no LoaderInfo in /%s: efivarfs is not "
			 "mounted, or this boot did not come through systemd-boot), so its one-shot "
			 "(LoaderEntryOneShot) cannot be set",
			 GPUPT_EFIVARS);
		return;
	}
	if (gpupt_efi_secure_boot(h->rootfd)) {
		snprintf(out->why, sizeof(out->why),
			 "Secure Boot is on, and proxmox-boot-tool boots GRUB through shim there, not "
			 "systemd-boot; gpupt has no trial for that yet");
		return;
	}
	if (!gpupt_program_installed(h->rootfd, "bootctl")) {
		snprintf(out->why, sizeof(out->why),
			 "bootctl (which sets systemd-boot's one-shot) is not installed");
		return;
	}
	if (gpupt_pbt_esps(h->rootfd, &e, why, sizeof(why)) < 0) {
		snprintf(out->why, sizeof(out->why), "%s", why);
		return;
	}
	esp_names(&e, names, sizeof(names));
	out->loader = "pbt";
	out->kind = GPUPT_ONESHOT_GUARANTEED;
	snprintf(out->why, sizeof(out->why),
		 "systemd-boot's LoaderEntryOneShot (bootctl set-oneshot), with the trial entry on each "
		 "ESP proxmox-boot-tool manages (%s)%s; systemd-boot deletes it before it starts the entry",
		 names, e.skipped ? ", skipping what it skips in its list" : "");
}

/* ---- the kernel and the command line ---- */

/* The first line of path, its blanks taken off, into out: 0, or -errno (-ENOENT: empty). */
static int first_line(int rootfd, const char *path, char *out, size_t size)
{
	char *buf;
	size_t len, from = 0, to;
	int r = gpupt_read_file_alloc(rootfd, path, CMDLINE_MAX, GPUPT_READ_REGULAR, &buf, &len);

	if (r < 0)
		return r;
	to = strcspn(buf, "\n");
	while (from < to && (buf[from] == ' ' || buf[from] == '\t'))
		from++;
	while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t' || buf[to - 1] == '\r'))
		to--;
	r = to == from ? -ENOENT : to - from >= size ? -ENOSPC : 0;
	if (r == 0)
		snprintf(out, size, "%.*s", (int)(to - from), buf + from);
	free(buf);
	return r;
}

static bool kernel_there(int rootfd, const char *ver)
{
	char path[GPUPT_PATH_MAX];

	snprintf(path, sizeof(path), "boot/vmlinuz-%s", ver);
	if (!gpupt_path_name_ok(ver) || !gpupt_path_exists(rootfd, path))
		return false;
	snprintf(path, sizeof(path), "boot/initrd.img-%s", ver);
	return gpupt_path_exists(rootfd, path);
}

int gpupt_pbt_trial_kernel(struct gpupt_host *h, struct gpupt_trial_kernel *k)
{
	static const char *const pins[] = { NEXT_BOOT_PIN, BOOT_PIN };
	struct gpupt_kernels all;
	char ver[GPUPT_KVER_MAX] = "";

	for (size_t i = 0; i < ARRAY_SIZE(pins) && !ver[0]; i++)
		if (first_line(h->rootfd, pins[i], ver, sizeof(ver)) == 0 && !kernel_there(h->rootfd, ver)) {
			gpupt_msg(h->err,
				  "/%s pins kernel %s, which has no /boot/vmlinuz-%s and /boot/initrd.img-%s; "
				  "`proxmox-boot-tool kernel unpin`, or install it\n",
				  pins[i], ver, ver, ver);
			return -ENOENT;
		}
	gpupt_kernels_find(h->rootfd, &all);
	for (size_t i = all.n; i > 0 && !ver[0]; i--)
		if (kernel_there(h->rootfd, all.installed[i - 1].ver))
			snprintf(ver, sizeof(ver), "%s", all.installed[i - 1].ver);
	if (!ver[0]) {
		gpupt_msg(h->err, "no kernel with /boot/vmlinuz-VER and /boot/initrd.img-VER\n");
		return -ENOENT;
	}
	snprintf(k->ver, sizeof(k->ver), "%s", ver);
	snprintf(k->image, sizeof(k->image), "/boot/initrd.img-%s", ver);
	snprintf(k->image_file, sizeof(k->image_file), "boot/initrd.img-%s", ver);
	return 0;
}

/* proxmox-boot-tool's command line: /etc/kernel/cmdline's first line, which must hold root=. */
static int pbt_cmdline(struct gpupt_host *h, char *out, size_t size)
{
	int r = first_line(h->rootfd, GPUPT_KERNEL_CMDLINE, out, size);
	char padded[CMDLINE_MAX + 2];

	snprintf(padded, sizeof(padded), " %s", r == 0 ? out : "");
	if (r == 0 && !strstr(padded, " root=")) {
		gpupt_msg(h->err, "/%s's first line has no root=: proxmox-boot-tool refuses it too; fix it first\n",
			  GPUPT_KERNEL_CMDLINE);
		return -EINVAL;
	}
	if (r < 0)
		gpupt_msg(h->err, "cannot take the command line from /%s: %s\n", GPUPT_KERNEL_CMDLINE,
			  r == -ENOENT ? "its first line is empty" : gpupt_read_strerror(r));
	return r;
}

int gpupt_pbt_entry_source(struct gpupt_host *h, char *source, size_t size)
{
	struct gpupt_trial_kernel k;
	char cmdline[CMDLINE_MAX];
	int r = pbt_cmdline(h, cmdline, sizeof(cmdline));

	if (r == 0)
		r = gpupt_pbt_trial_kernel(h, &k);
	if (r == 0)
		snprintf(source, size, "/%s and kernel %s, as proxmox-boot-tool's entry has them",
			 GPUPT_KERNEL_CMDLINE, k.ver);
	return r;
}

/* ---- one ESP at a time ---- */

/* The mount point, and the folders made for it when they are empty. */
static void remove_mount_point(struct gpupt_host *h, const char *dir)
{
	if (gpupt_dir_remove(h->rootfd, dir) == 0 && gpupt_dir_remove(h->rootfd, GPUPT_ESP_MOUNTS) == 0)
		gpupt_dir_remove(h->rootfd, "run/gpupt");
}

static int esp_mount(struct gpupt_host *h, const char *uuid, char *dir, size_t size)
{
	char dev[64], point[GPUPT_PATH_MAX + 1];
	const char *argv[] = { "mount", "-t", "vfat", dev, point, NULL };
	int r;

	snprintf(dev, sizeof(dev), "/dev/disk/by-uuid/%.9s", uuid);
	if (snprintf(dir, size, GPUPT_ESP_MOUNTS "/%s", uuid) >= (int)size)
		return -ENAMETOOLONG;
	snprintf(point, sizeof(point), "/%s", dir);
	r = gpupt_mkdir_parents(h->rootfd, dir);
	if (r < 0) {
		gpupt_msg(h->err, "cannot make the mount point /%s: %s\n", dir, strerror(-r));
		return r;
	}
	r = gpupt_trial_run_said(h, argv);
	if (r < 0) {
		gpupt_msg(h->err, "cannot mount the ESP %s (proxmox-boot-tool's)\n", uuid);
		remove_mount_point(h, dir);
	}
	return r;
}

static void esp_umount(struct gpupt_host *h, const char *dir)
{
	char point[GPUPT_PATH_MAX + 1];
	const char *argv[] = { "umount", point, NULL };

	snprintf(point, sizeof(point), "/%s", dir);
	if (gpupt_trial_run_said(h, argv) < 0)
		gpupt_msg(h->err, "the ESP stays mounted at %s: `umount %s` when nothing uses it\n",
			  point, point);
	else
		remove_mount_point(h, dir);
}

static int esp_path(const char *dir, const char *rel, char *path, size_t size)
{
	return gpupt_path_join(path, size, dir, rel, (const char *)NULL) < 0 ? -ENAMETOOLONG : 0;
}

/*
 * systemd-boot boots loader.conf's `default` unless a one-shot says
 * otherwise: without that line it boots the first entry of its sorted list,
 * which the trial's could be.
 */
static int esp_default_ok(struct gpupt_host *h, const char *uuid, const char *dir)
{
	char path[GPUPT_PATH_MAX], pattern[256], *conf = NULL;
	size_t len;
	int r;

	if (esp_path(dir, GRUB_ON_ESP, path, sizeof(path)) == 0 && gpupt_path_exists(h->rootfd, path)) {
		gpupt_msg(h->err,
			  "the ESP %s holds /%s: proxmox-boot-tool boots GRUB from it, not systemd-boot; "
			  "add --no-trial\n",
			  uuid, GRUB_ON_ESP);
		return -ENOTSUP;
	}
	r = esp_path(dir, GPUPT_PBT_LOADER_CONF, path, sizeof(path));
	if (r == 0)
		r = gpupt_read_file_alloc(h->rootfd, path, LIST_MAX, GPUPT_READ_REGULAR, &conf, &len);
	if (r == 0)
		r = gpupt_loader_conf_default(conf, len, pattern, sizeof(pattern));
	free(conf);
	if (r == 0 && fnmatch(pattern, GPUPT_TRIAL_ENTRY_ID ".conf", FNM_CASEFOLD) == 0) {
		gpupt_msg(h->err,
			  "/%s on the ESP %s says `default %s`, which names the trial entry too: it would "
			  "boot every time; set it to proxmox-* (`proxmox-boot-tool refresh` does), or add "
			  "--no-trial\n",
			  GPUPT_PBT_LOADER_CONF, uuid, pattern);
		return -EEXIST;
	}
	if (r < 0)
		gpupt_msg(h->err,
			  "the ESP %s has %s: systemd-boot would boot the first entry of its sorted list, "
			  "which could be the trial's; `proxmox-boot-tool refresh` writes it, or add "
			  "--no-trial\n",
			  uuid,
			  r == -ENOENT ? "no `default` line in " GPUPT_PBT_LOADER_CONF
				       : "no readable " GPUPT_PBT_LOADER_CONF);
	return r < 0 ? r : 0;
}

/* The trial's files off one mounted ESP: the entry, then EFI/gpupt. */
static int esp_clear_mounted(struct gpupt_host *h, const char *dir)
{
	char path[GPUPT_PATH_MAX];
	int r = esp_path(dir, GPUPT_PBT_TRIAL_ENTRY, path, sizeof(path));

	if (r == 0 && (r = gpupt_file_remove(h->rootfd, path)) < 0)
		gpupt_msg(h->err, "cannot remove /%s: %s; remove it by hand\n", path, strerror(-r));
	if (esp_path(dir, GPUPT_EFI_TRIAL_DIR, path, sizeof(path)) == 0 &&
	    gpupt_trial_remove_efi_files(h, path) < 0 && r == 0)
		r = -EIO;
	return r;
}

struct pbt_files {
	const char *kernel, *image; /* relative to the root */
	const struct gpupt_trial_kernel *k;
	const char *entry;
	size_t entry_len;
};

static int esp_write_mounted(struct gpupt_host *h, const char *uuid, const char *dir, const struct pbt_files *f)
{
	char to[GPUPT_PATH_MAX];
	int r = esp_default_ok(h, uuid, dir);

	if (r == 0)
		r = gpupt_trial_efi_room(h, dir, f->k, f->image);
	if (r == 0)
		r = esp_path(dir, GPUPT_EFI_TRIAL_DIR "/" GPUPT_EFI_TRIAL_KERNEL, to, sizeof(to));
	if (r == 0)
		r = gpupt_trial_copy_file(h, f->kernel, to);
	if (r == 0)
		r = esp_path(dir, GPUPT_EFI_TRIAL_DIR "/" GPUPT_EFI_TRIAL_IMAGE, to, sizeof(to));
	if (r == 0)
		r = gpupt_trial_copy_file(h, f->image, to);
	if (r == 0)
		r = esp_path(dir, GPUPT_PBT_TRIAL_ENTRY, to, sizeof(to));
	if (r == 0 && (r = gpupt_file_write_atomic(h->rootfd, to, f->entry, f->entry_len, 0644)) < 0)
		gpupt_msg(h->err, "cannot write /%s: %s\n", to, strerror(-r));
	if (r < 0)
		esp_clear_mounted(h, dir);
	return r;
}

static int esp_write(struct gpupt_host *h, const char *uuid, const struct pbt_files *f)
{
	char dir[GPUPT_PATH_MAX];
	int r = esp_mount(h, uuid, dir, sizeof(dir));

	if (r < 0)
		return r;
	r = esp_write_mounted(h, uuid, dir, f);
	esp_umount(h, dir);
	return r;
}

static int esp_clear(struct gpupt_host *h, const char *uuid)
{
	char dir[GPUPT_PATH_MAX];
	int r = esp_mount(h, uuid, dir, sizeof(dir));

	if (r < 0) {
		gpupt_msg(h->err,
			  "the trial's files on the ESP %s stay: remove /" GPUPT_PBT_TRIAL_ENTRY
			  " and /" GPUPT_EFI_TRIAL_DIR " from it by hand\n",
			  uuid);
		return r;
	}
	r = esp_clear_mounted(h, dir);
	esp_umount(h, dir);
	return r;
}

/* ---- the trial entry on every ESP ---- */

static long make_entry(struct gpupt_host *h, const char *ver, const char *tokens, char *out, size_t size)
{
	char cmdline[CMDLINE_MAX];
	int r = pbt_cmdline(h, cmdline, sizeof(cmdline)), n;

	if (r < 0)
		return r;
	n = snprintf(out, size,
		     "title gpupt trial boot\nversion %s\noptions %s %s\nlinux /" GPUPT_EFI_TRIAL_DIR
		     "/" GPUPT_EFI_TRIAL_KERNEL "\ninitrd /" GPUPT_EFI_TRIAL_DIR "/" GPUPT_EFI_TRIAL_IMAGE "\n",
		     ver, cmdline, tokens);
	return n < 0 || (size_t)n >= size ? -E2BIG : n;
}

int gpupt_pbt_entry_write(struct gpupt_host *h, const char *tokens, const char *image_name,
			  struct gpupt_trial *t)
{
	struct gpupt_pbt_esps e;
	struct gpupt_trial_kernel k;
	char why[256], kernel[GPUPT_PATH_MAX], image[GPUPT_PATH_MAX], entry[ENTRY_MAX];
	struct pbt_files f = { kernel, image, &k, entry, 0 };
	long n;
	int r = gpupt_pbt_esps(h->rootfd, &e, why, sizeof(why));

	if (r < 0) {
		gpupt_msg(h->err, "%s\n", why);
		return r;
	}
	r = gpupt_pbt_trial_kernel(h, &k);
	if (r < 0)
		return r;
	n = make_entry(h, k.ver, tokens, entry, sizeof(entry));
	if (n < 0)
		return (int)n;
	f.entry_len = (size_t)n;
	snprintf(kernel, sizeof(kernel), "boot/vmlinuz-%s", k.ver);
	if (image_name)
		snprintf(image, sizeof(image), "boot/%s", image_name);
	else
		snprintf(image, sizeof(image), "%s", k.image_file);
	snprintf(t->entry, sizeof(t->entry), "%s", GPUPT_PBT_TRIAL_ENTRY);
	t->n_esp = 0;
	for (size_t i = 0; i < e.n && r == 0; i++) {
		r = esp_write(h, e.uuid[i], &f);
		if (r == 0)
			snprintf(t->esp[t->n_esp++], GPUPT_TRIAL_ESP, "%.9s", e.uuid[i]);
	}
	if (r < 0) {
		for (size_t i = 0; i < t->n_esp; i++)
			esp_clear(h, t->esp[i]);
		/* The room check says it itself. */
		if (r != -ENOSPC)
			gpupt_msg(h->err, "nothing was written%s\n",
				  t->n_esp ? " (the trial's files are off the ESPs written before)" : "");
		t->n_esp = 0;
		t->entry[0] = '\0';
	}
	return r;
}

int gpupt_pbt_entry_remove(struct gpupt_host *h, const struct gpupt_trial *t)
{
	int r = 0;

	for (size_t i = 0; i < t->n_esp; i++)
		if (esp_clear(h, t->esp[i]) < 0)
			r = -EIO;
	return r;
}

bool gpupt_pbt_entry_there(int rootfd, const struct gpupt_trial *t)
{
	char dev[64];

	for (size_t i = 0; i < t->n_esp; i++) {
		by_uuid(t->esp[i], dev, sizeof(dev));
		if (!gpupt_path_exists(rootfd, dev))
			return false;
	}
	return t->n_esp > 0;
}
