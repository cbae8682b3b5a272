// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include "host/model/initramfs.h"
#include "lib/path.h"

static bool exists(int rootfd, const char *path)
{
	return gpupt_path_exists(rootfd, path);
}

static bool detect_initramfs_tools(int rootfd)
{
	return exists(rootfd, "etc/initramfs-tools/initramfs.conf");
}

static bool detect_dracut(int rootfd)
{
	return exists(rootfd, "etc/dracut.conf") || exists(rootfd, "etc/dracut.conf.d");
}

static bool detect_mkinitcpio(int rootfd)
{
	return exists(rootfd, "etc/mkinitcpio.conf");
}

static const char *const update_initramfs_argv[] = { "update-initramfs", "-u", "-k", "all", NULL };
static const char *const dracut_argv[] = { "dracut", "--regenerate-all", "-f", NULL };
static const char *const mkinitcpio_argv[] = { "mkinitcpio", "-P", NULL };

const struct gpupt_initramfs_gen gpupt_initramfs_gens[] = {
	{ "initramfs-tools", detect_initramfs_tools, update_initramfs_argv },
	{ "dracut", detect_dracut, dracut_argv },
	{ "mkinitcpio", detect_mkinitcpio, mkinitcpio_argv },
	{ NULL, NULL, NULL },
};

const struct gpupt_initramfs_gen *gpupt_initramfs_detect(int rootfd)
{
	for (const struct gpupt_initramfs_gen *g = gpupt_initramfs_gens; g->name; g++)
		if (g->detect(rootfd))
			return g;
	return NULL;
}
