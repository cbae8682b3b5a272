/* SPDX-License-Identifier: MIT */
/*
 * The machine below the root: its CPU (proc/cpuinfo), the running kernel
 * (proc/sys/kernel/osrelease) and the installed ones (lib/modules/VER,
 * boot/config-VER).  Read only; nothing here prints.
 */
#ifndef GPUPT_PLATFORM_H
#define GPUPT_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

enum { GPUPT_MAX_KERNELS = 32, GPUPT_KVER_MAX = 128 };

struct gpupt_kernel {
	char ver[GPUPT_KVER_MAX]; /* "6.1.0-18-amd64"; "" when unknown */
	unsigned major, minor;	  /* 0.0 when ver does not start with N.N */
};

struct gpupt_kernels {
	struct gpupt_kernel installed[GPUPT_MAX_KERNELS]; /* oldest first */
	size_t n;
	struct gpupt_kernel running; /* the newest installed one when unknown */
};

void gpupt_kernel_parse(struct gpupt_kernel *k, const char *ver);
bool gpupt_kernel_at_least(const struct gpupt_kernel *k, unsigned major, unsigned minor);

/* The kernels with a module tree under lib/modules, in version order, and the running one. */
void gpupt_kernels_find(int rootfd, struct gpupt_kernels *out);

/*
 * Does any installed kernel's boot/config-VER build simpledrm or sysfb's
 * simple-framebuffer in?  The kernel command line is shared by every kernel
 * the boot menu offers, so one such kernel decides: video=efifb:off does
 * not keep simpledrm off the boot VGA, initcall_blacklist=sysfb_init does.
 */
bool gpupt_kernels_have_simple_fb(int rootfd);

/* The bytes free to us on the file system of dir (below the root): 0, or -errno. */
int gpupt_dir_free_bytes(int rootfd, const char *dir, unsigned long long *bytes);

/* Is the program name in usr/bin, bin, usr/sbin or sbin below the root? */
bool gpupt_program_installed(int rootfd, const char *name);

/* "GenuineIntel" in proc/cpuinfo. */
bool gpupt_cpu_is_intel(int rootfd);

/* "vmx", "svm": a flag of proc/cpuinfo; -errno when it cannot be read. */
int gpupt_cpu_has_flag(int rootfd, const char *flag);

/* When this boot began (proc/stat's btime, seconds since the epoch), or -1. */
long gpupt_boot_time(int rootfd);

/*
 * This boot's id (proc/sys/kernel/random/boot_id, new at every boot, unlike
 * the clock a wrong RTC sets) into out, GPUPT_BOOT_ID_LEN + 1 bytes: 0, or
 * -errno (-EBADMSG: not a boot id).
 */
int gpupt_boot_id(int rootfd, char *out, size_t size);

/*
 * Is Proxmox VE's watchdog-mux (pve-ha-manager) here?  It opens
 * /dev/watchdog at boot and keeps it for HA's self-fencing; a second opener
 * gets EBUSY, or takes it first and leaves HA without it.  Its unit file or
 * its client socket (run/watchdog-mux.sock) tells.
 */
bool gpupt_watchdog_mux(int rootfd);

/*
 * The module of the host's first watchdog (/dev/watchdog is watchdog0):
 * its device's driver's module; for one without a parent device (i6300esb
 * registers a virtual one) the module whose drivers/ lists its identity;
 * softdog for the software watchdog; into module.  0, or -ENOENT (no watchdog, or one built in: no module
 * to load in a trial's initramfs).
 */
int gpupt_watchdog_module(int rootfd, char *module, size_t size);

#endif
