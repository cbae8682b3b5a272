// SPDX-License-Identifier: MIT
/* The UEFI boot manager's one-shot: what the host offers (see efiboot.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/formats/bootentry.h"
#include "host/model/efiboot.h"
#include "host/model/platform.h"
#include "lib/macro.h"
#include "lib/path.h"

enum { VAR_MAX = 65536, MOUNTINFO_MAX = 1 << 20 };

bool gpupt_efi_secure_boot(int rootfd)
{
	char var[8];
	int n = gpupt_read_file(rootfd, GPUPT_EFIVARS "/SecureBoot-" GPUPT_EFI_GLOBAL, var,
				sizeof(var), GPUPT_READ_REGULAR);

	/* 4 bytes of attributes, then one byte: 1 when the firmware enforces it. */
	return n == 5 && var[4] == 1;
}

/* The ESP's mountinfo line: its MAJ:MIN and mount point (relative), or -ENOENT. */
static int esp_mount(int rootfd, unsigned *maj, unsigned *min, char *dir, size_t size)
{
	char *buf, *line, *save = NULL, mnt[GPUPT_PATH_MAX];
	size_t len;
	int r = gpupt_read_file_alloc(rootfd, "proc/self/mountinfo", MOUNTINFO_MAX, GPUPT_READ_REGULAR,
				      &buf, &len);

	if (r < 0)
		return -ENOENT;
	r = -ENOENT;
	for (line = strtok_r(buf, "\n", &save); line && r < 0; line = strtok_r(NULL, "\n", &save)) {
		const char *sep = strstr(line, " - ");

		if (sscanf(line, "%*u %*u %u:%u %*s %255s", maj, min, mnt) != 3 || !sep ||
		    strncmp(sep, " - vfat ", 8) != 0)
			continue;
		if (strcmp(mnt, "/boot/efi") == 0 || strcmp(mnt, "/efi") == 0)
			r = snprintf(dir, size, "%s", mnt + 1) >= (int)size ? -ENAMETOOLONG : 0;
	}
	free(buf);
	return r;
}

/*
 * The disk and partition number behind MAJ:MIN: sys/dev/block/MAJ:MIN
 * links to .../block/DISK/PART, whose `partition` attribute is the number.
 */
static int esp_partition(int rootfd, unsigned maj, unsigned min, struct gpupt_efi_esp *esp)
{
	char dev[64], link[GPUPT_PATH_MAX], num[16], *name, *end;
	ssize_t n;
	long part;

	snprintf(dev, sizeof(dev), "sys/dev/block/%u:%u", maj, min);
	n = gpupt_path_readlink(rootfd, dev, link, sizeof(link));
	if (n < 0)
		return (int)n;
	if ((size_t)n >= sizeof(link))
		return -ENAMETOOLONG;
	link[n] = '\0'; /* readlink does not end it */
	snprintf(dev, sizeof(dev), "sys/dev/block/%u:%u/partition", maj, min);
	if (gpupt_read_file(rootfd, dev, num, sizeof(num), 0) < 0)
		return -ENOTBLK;
	part = strtol(num, &end, 10);
	if (part < 1 || part > 128 || (*end && *end != '\n'))
		return -ENOTBLK;
	/* The disk: the path's component before the partition's own. */
	name = strrchr(link, '/');
	if (!name)
		return -ENOTBLK;
	*name = '\0';
	name = strrchr(link, '/');
	if (!name || !gpupt_path_name_ok(name + 1) ||
	    snprintf(esp->disk, sizeof(esp->disk), "/dev/%s", name + 1) >= (int)sizeof(esp->disk))
		return -ENOTBLK;
	esp->part = (unsigned)part;
	return 0;
}

int gpupt_efi_probe(int rootfd, struct gpupt_efi_esp *esp, char *why, size_t size)
{
	unsigned maj, min;
	int r;

	memset(esp, 0, sizeof(*esp));
	if (!gpupt_path_exists(rootfd, "sys/firmware/efi")) {
		snprintf(why, size, "the host did not boot through UEFI (no /sys/firmware/efi)");
		return -ENODEV;
	}
	if (!gpupt_path_exists(rootfd, GPUPT_EFIVARS "/BootOrder-" GPUPT_EFI_GLOBAL) &&
	    !gpupt_path_exists(rootfd, GPUPT_EFIVARS "/BootCurrent-" GPUPT_EFI_GLOBAL)) {
		snprintf(why, size,
			 "the firmware's variables cannot be read (no BootOrder or BootCurrent under /%s: "
			 "efivarfs is not mounted)",
			 GPUPT_EFIVARS);
		return -ENOENT;
	}
	if (gpupt_efi_secure_boot(rootfd)) {
		snprintf(why, size,
			 "Secure Boot is on: the firmware starts only images signed by a key in its db, and "
			 "Debian's and Proxmox VE's kernels are signed by a key only shim trusts, so a boot "
			 "option that starts the kernel from the ESP would be refused (the firmware would "
			 "then boot as always, and the trial never)");
		return -EPERM;
	}
	if (!gpupt_program_installed(rootfd, "efibootmgr")) {
		snprintf(why, size, "efibootmgr is not installed (`apt install efibootmgr`)");
		return -ENOEXEC;
	}
	r = esp_mount(rootfd, &maj, &min, esp->dir, sizeof(esp->dir));
	if (r < 0) {
		snprintf(why, size, "no ESP (vfat) is mounted at /boot/efi or /efi");
		return -ENOENT;
	}
	r = esp_partition(rootfd, maj, min, esp);
	if (r < 0) {
		snprintf(why, size,
			 "the ESP at /%s (device %u:%u) is not a partition of one disk (md RAID?), and a "
			 "boot option names one",
			 esp->dir, maj, min);
		return -ENOTBLK;
	}
	snprintf(why, size,
		 "the firmware's BootNext: a boot option (%s, partition %u) that starts the "
		 "kernel from /%s/" GPUPT_EFI_TRIAL_DIR "; the firmware deletes BootNext before it "
		 "starts the option",
		 esp->disk, esp->part, esp->dir);
	return 0;
}

static int read_var(int rootfd, const char *name, char **buf, size_t *len)
{
	char path[GPUPT_PATH_MAX];

	snprintf(path, sizeof(path), GPUPT_EFIVARS "/%s-" GPUPT_EFI_GLOBAL, name);
	return gpupt_read_file_alloc(rootfd, path, VAR_MAX, GPUPT_READ_REGULAR, buf, len);
}

int gpupt_efi_option_label(int rootfd, unsigned num, char *label, size_t size)
{
	char name[16], *buf;
	size_t len;
	int r;

	snprintf(name, sizeof(name), "Boot%04X", num & 0xffff);
	r = read_var(rootfd, name, &buf, &len);
	if (r < 0)
		return r;
	r = gpupt_efi_loadopt_label(buf, len, label, size);
	free(buf);
	return r;
}

bool gpupt_efi_option_is_trial(int rootfd, unsigned num)
{
	char label[64];

	return gpupt_efi_option_label(rootfd, num, label, sizeof(label)) == 0 &&
	       strcmp(label, GPUPT_EFI_TRIAL_LABEL) == 0;
}

/* "Boot####-GUID" (# uppercase hex, as the firmware names them): its number, or -1. */
static long option_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "Boot", 4) != 0 || strlen(name) != 8 + 1 + strlen(GPUPT_EFI_GLOBAL) ||
	    name[8] != '-' || strcmp(name + 9, GPUPT_EFI_GLOBAL) != 0 ||
	    strspn(name + 4, "0123456789ABCDEF") != 4)
		return -1;
	n = strtol(name + 4, &end, 16);
	return end == name + 8 ? n : -1;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

int gpupt_efi_trial_options(int rootfd, unsigned *nums, size_t max)
{
	DIR *d = gpupt_path_opendir(rootfd, GPUPT_EFIVARS);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		long num = option_number(e->d_name);

		if (num < 0 || !gpupt_efi_option_is_trial(rootfd, (unsigned)num))
			continue;
		if (n < max)
			nums[n] = (unsigned)num;
		n++;
	}
	/* Lowest first: readdir's order is the file system's. */
	qsort(nums, MIN(n, max), sizeof(*nums), cmp_unsigned);
	closedir(d);
	return (int)n;
}

int gpupt_efi_bootnext(int rootfd, unsigned *num)
{
	char *buf;
	size_t len;
	int r = read_var(rootfd, "BootNext", &buf, &len);

	if (r < 0)
		return r == -ENOENT ? -ENOENT : -EINVAL;
	r = gpupt_efivar_u16(buf, len, num);
	free(buf);
	return r;
}
