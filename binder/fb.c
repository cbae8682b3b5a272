// SPDX-License-Identifier: MIT
/*
 * Headless hosts: the firmware's framebuffer (efifb, simplefb, vesafb)
 * holds the boot VGA's memory, and the VM then gets a card whose BAR is
 * still claimed.  From about 6.0 vfio-pci removes conflicting framebuffers
 * itself when it takes a VGA device; older kernels (Proxmox 7's 5.15) and
 * pci-stub never do, so the binder releases it first: unbind the
 * framebuffer consoles that can be unbound, then the platform device.
 */
#include <string.h>

#include "binder/binder.h"
#include "lib/macro.h"

#define PLATFORM_DEVICES "sys/bus/platform/devices"
#define VTCONSOLES "sys/class/vtconsole"

/* Kernel major.minor from proc/sys/kernel/osrelease; 0 when unknown. */
static unsigned kernel_version(struct binder *b, char *rel, size_t size)
{
	unsigned major = 0, minor = 0;
	const char *p = rel;

	if (gpupt_sysfs_read(b->rootfd, "proc/sys/kernel/osrelease", rel, size) < 0) {
		rel[0] = '\0';
		return 0;
	}
	for (; *p >= '0' && *p <= '9' && major < 1000; p++)
		major = major * 10 + (unsigned)(*p - '0');
	if (*p++ != '.')
		return 0;
	for (; *p >= '0' && *p <= '9' && minor < 1000; p++)
		minor = minor * 10 + (unsigned)(*p - '0');
	return major * 1000 + minor;
}

/* strstr() would pull in the two-way matcher for one short needle. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* vtconN whose driver is a frame buffer console and is bound: bind <- 0. */
static int visit_vtcon(int dirfd, const char *name, void *ctx)
{
	struct binder *b = ctx;
	char path[64], desc[128], bound[8];
	int r;

	if (strncmp(name, "vtcon", 5) != 0)
		return 0;
	if (gpupt_path_join(path, sizeof(path), name, "name", (const char *)NULL) < 0 ||
	    gpupt_sysfs_read(dirfd, path, desc, sizeof(desc)) < 0 || !contains(desc, "frame buffer"))
		return 0;
	gpupt_path_join(path, sizeof(path), name, "bind", (const char *)NULL);
	if (gpupt_sysfs_read(dirfd, path, bound, sizeof(bound)) < 0 || strcmp(bound, "1") != 0)
		return 0;
	if (desc[0] != '(' || desc[1] != 'M') {
		binder_logs(b, LOG_WARNING, name, " (", desc, ") is built in and cannot be unbound;",
			    " the boot framebuffer may stay (add video=efifb:off or initcall_blacklist=sysfb_init)",
			    (const char *)NULL);
		return 0;
	}
	r = b->dry_run ? 0 : gpupt_sysfs_write_str(dirfd, path, "0");
	if (r < 0)
		binder_logs(b, LOG_WARNING, "cannot unbind ", name, " (", desc,
			    "): ", binder_strerror(-r), (const char *)NULL);
	else
		binder_logs(b, LOG_INFO, b->dry_run ? "would unbind " : "unbound ", name, " (", desc,
			    ") from the console", (const char *)NULL);
	return 0;
}

static bool is_boot_fb(const char *name)
{
	static const char *const prefixes[] = {
		"efi-framebuffer.",
		"simple-framebuffer.",
		"vesa-framebuffer.",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static int visit_platform(int dirfd, const char *name, void *ctx)
{
	struct binder *b = ctx;
	char path[96], drv[GPUPT_SYSFS_DRIVER_MAX + 1];
	int r;

	if (!is_boot_fb(name))
		return 0;
	if (gpupt_path_join(path, sizeof(path), name, "driver", (const char *)NULL) < 0 ||
	    gpupt_sysfs_link_name(dirfd, path, drv, sizeof(drv)) <= 0)
		return 0; /* no driver: nothing holds the memory */
	gpupt_path_join(path, sizeof(path), name, "driver/unbind", (const char *)NULL);
	r = b->dry_run ? 0 : gpupt_sysfs_write_str(dirfd, path, name);
	if (r < 0)
		binder_logs(b, LOG_WARNING, "cannot unbind the boot framebuffer ", name, " from ", drv,
			    ": ", binder_strerror(-r), (const char *)NULL);
	else
		binder_logs(b, LOG_INFO, b->dry_run ? "would release" : "released",
			    " the boot framebuffer: unbind ", name, " from ", drv, (const char *)NULL);
	return 0;
}

static const struct binder_dev *boot_vga(struct binder *b)
{
	for (unsigned i = 0; i < b->n_devs; i++) {
		const struct binder_dev *d = &b->devs[i];

		/* Already on the driver (the second pass): released back then. */
		if (d->state == DEV_TO_BIND && strcmp(d->pci.driver, b->driver) != 0 &&
		    gpupt_pci_is_display(&d->pci) && gpupt_sysfs_pci_boot_vga(b->devsfd, d->pci.name) == 1)
			return d;
	}
	return NULL;
}

void binder_release_boot_fb(struct binder *b)
{
	const struct binder_dev *d = boot_vga(b);
	char rel[128];
	unsigned ver;

	if (!d)
		return;
	if (b->cfg.fb == GPUPT_FB_KEEP) {
		binder_logs(b, LOG_INFO, d->pci.name,
			    " is the boot VGA; gpupt.fb=keep: the boot framebuffer is kept",
			    (const char *)NULL);
		return;
	}
	ver = kernel_version(b, rel, sizeof(rel));
	if (ver >= 6000 && strcmp(b->driver, "vfio-pci") == 0) {
		binder_logs(b, LOG_INFO, d->pci.name, " is the boot VGA; kernel ", rel,
			    ": vfio-pci releases the boot framebuffer itself", (const char *)NULL);
		return;
	}
	binder_logs(b, LOG_INFO, d->pci.name, " is the boot VGA; kernel ", rel[0] ? rel : "(unknown)",
		    " with ", b->driver, ": releasing the boot framebuffer first", (const char *)NULL);
	gpupt_sysfs_foreach_entry(b->rootfd, VTCONSOLES, visit_vtcon, b);
	gpupt_sysfs_foreach_entry(b->rootfd, PLATFORM_DEVICES, visit_platform, b);
}
