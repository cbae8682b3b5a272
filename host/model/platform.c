// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "host/formats/trialstate.h"
#include "host/model/platform.h"
#include "lib/atomic.h"
#include "lib/macro.h"
#include "lib/path.h"

void gpupt_kernel_parse(struct gpupt_kernel *k, const char *ver)
{
	snprintf(k->ver, sizeof(k->ver), "%s", ver);
	if (sscanf(ver, "%u.%u", &k->major, &k->minor) != 2)
		k->major = k->minor = 0;
}

bool gpupt_kernel_at_least(const struct gpupt_kernel *k, unsigned major, unsigned minor)
{
	return k->major > major || (k->major == major && k->minor >= minor);
}

static int kernel_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct gpupt_kernel *)a)->ver, ((const struct gpupt_kernel *)b)->ver);
}

/* lib/modules/VER holds a kernel's modules (modules.dep, or at least kernel/). */
static bool has_module_tree(int rootfd, const char *ver)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "lib/modules/%s/modules.dep", ver);
	if (gpupt_path_exists(rootfd, rel))
		return true;
	snprintf(rel, sizeof(rel), "lib/modules/%s/kernel", ver);
	return gpupt_path_exists(rootfd, rel);
}

static void find_installed(int rootfd, struct gpupt_kernels *out)
{
	DIR *dir = gpupt_path_opendir(rootfd, "lib/modules");
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL && out->n < GPUPT_MAX_KERNELS)
		if (e->d_name[0] != '.' && strlen(e->d_name) < GPUPT_KVER_MAX &&
		    has_module_tree(rootfd, e->d_name))
			gpupt_kernel_parse(&out->installed[out->n++], e->d_name);
	closedir(dir);
	qsort(out->installed, out->n, sizeof(out->installed[0]), kernel_cmp);
}

void gpupt_kernels_find(int rootfd, struct gpupt_kernels *out)
{
	char osrelease[GPUPT_KVER_MAX];

	memset(out, 0, sizeof(*out));
	if (gpupt_read_file(rootfd, "proc/sys/kernel/osrelease", osrelease, sizeof(osrelease),
			    GPUPT_READ_REGULAR) > 0) {
		osrelease[strcspn(osrelease, "\n")] = '\0';
		gpupt_kernel_parse(&out->running, osrelease);
	}
	find_installed(rootfd, out);
	if (!out->running.ver[0] && out->n)
		out->running = out->installed[out->n - 1];
}

/* Does buf hold line (without its newline) as a whole line? */
static bool has_line(const char *buf, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = buf; p && (size_t)(p - buf) + n <= len;) {
		const char *end = p + n;

		if (memcmp(p, line, n) == 0 && ((size_t)(end - buf) == len || *end == '\n'))
			return true;
		p = memchr(p, '\n', len - (size_t)(p - buf));
		if (p)
			p++;
	}
	return false;
}

static bool config_has_simple_fb(int rootfd, const char *name)
{
	char path[PATH_MAX], *buf;
	size_t len;
	bool found;

	if (snprintf(path, sizeof(path), "boot/%s", name) >= (int)sizeof(path) ||
	    gpupt_read_file_alloc(rootfd, path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return false;
	found = has_line(buf, len, "CONFIG_DRM_SIMPLEDRM=y") || has_line(buf, len, "CONFIG_SYSFB_SIMPLEFB=y");
	free(buf);
	return found;
}

bool gpupt_kernels_have_simple_fb(int rootfd)
{
	struct dirent **names;
	bool found = false;
	int fd = gpupt_path_open(rootfd, "boot", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	int n = fd < 0 ? -1 : scandirat(fd, ".", &names, NULL, alphasort);

	if (fd >= 0)
		close(fd);
	for (int i = 0; i < n; i++) {
		if (!found && strncmp(names[i]->d_name, "config-", 7) == 0)
			found = config_has_simple_fb(rootfd, names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return found;
}

bool gpupt_cpu_is_intel(int rootfd)
{
	char *buf;
	size_t len;
	bool intel;

	if (gpupt_read_file_alloc(rootfd, "proc/cpuinfo", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return false;
	intel = memmem(buf, len, "GenuineIntel", 12) != NULL;
	free(buf);
	return intel;
}

static bool flags_have(const char *cpuinfo, const char *flag)
{
	size_t fl = strlen(flag);

	for (const char *p = strstr(cpuinfo, flag); p; p = strstr(p + 1, flag))
		if (p > cpuinfo && (p[-1] == ' ' || p[-1] == '\t') &&
		    (p[fl] == ' ' || p[fl] == '\n' || !p[fl]))
			return true;
	return false;
}

int gpupt_cpu_has_flag(int rootfd, const char *flag)
{
	char *buf;
	size_t len;
	int r = gpupt_read_file_alloc(rootfd, "proc/cpuinfo", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);

	if (r < 0)
		return r;
	r = flags_have(buf, flag);
	free(buf);
	return r;
}

long gpupt_boot_time(int rootfd)
{
	char *buf, *p;
	size_t len;
	long bt = -1;

	if (gpupt_read_file_alloc(rootfd, "proc/stat", GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return -1;
	p = strstr(buf, "\nbtime ");
	if (p)
		bt = strtol(p + 7, NULL, 10);
	free(buf);
	return bt;
}

int gpupt_boot_id(int rootfd, char *out, size_t size)
{
	char buf[64];
	int n = gpupt_read_file(rootfd, "proc/sys/kernel/random/boot_id", buf, sizeof(buf), 0);

	if (n < 0)
		return n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	if (!gpupt_boot_id_ok(buf, (size_t)n) || (size_t)n >= size)
		return -EBADMSG;
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
	return 0;
}

bool gpupt_watchdog_mux(int rootfd)
{
	return gpupt_path_exists(rootfd, "run/watchdog-mux.sock") ||
	       gpupt_path_exists(rootfd, "lib/systemd/system/watchdog-mux.service") ||
	       gpupt_path_exists(rootfd, "usr/lib/systemd/system/watchdog-mux.service");
}

/*
 * The module that registered a driver named name: sys/module/MOD/drivers/
 * holds "BUS:NAME" for each driver MOD registers.
 */
static int module_of_driver(int rootfd, const char *name, char *module, size_t size)
{
	DIR *d = gpupt_path_opendir(rootfd, "sys/module");
	struct dirent *e;
	char path[512];
	int r = -ENOENT;

	while (d && r < 0 && (e = readdir(d)) != NULL) {
		DIR *drv;
		struct dirent *f;

		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "sys/module/%s/drivers", e->d_name) >= (int)sizeof(path))
			continue;
		drv = gpupt_path_opendir(rootfd, path);
		while (drv && r < 0 && (f = readdir(drv)) != NULL) {
			const char *colon = strchr(f->d_name, ':');

			if (colon && strcmp(colon + 1, name) == 0 && gpupt_path_name_ok(e->d_name))
				r = snprintf(module, size, "%s", e->d_name) < (int)size ? 0 : -ENAMETOOLONG;
		}
		if (drv)
			closedir(drv);
	}
	if (d)
		closedir(d);
	return r;
}

int gpupt_watchdog_module(int rootfd, char *module, size_t size)
{
	char link[256], identity[64];
	ssize_t n = gpupt_path_readlink(rootfd, "sys/class/watchdog/watchdog0/device/driver/module",
					link, sizeof(link));

	if (n > 0 && (size_t)n < sizeof(link)) {
		const char *base;

		link[n] = '\0'; /* readlink does not end it */
		base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		return gpupt_path_name_ok(base) && snprintf(module, size, "%s", base) < (int)size ? 0 : -ENOENT;
	}
	if (gpupt_read_file(rootfd, "sys/class/watchdog/watchdog0/identity", identity, sizeof(identity), 0) < 0)
		return -ENOENT;
	identity[strcspn(identity, "\n")] = '\0';
	/* softdog registers no driver. */
	if (strcmp(identity, "Software Watchdog") == 0)
		return snprintf(module, size, "softdog") < (int)size ? 0 : -ENOENT;
	/*
	 * A watchdog without a parent device (i6300esb: /sys/devices/virtual/
	 * watchdog/watchdog0) has no device link: its identity is the name of
	 * its driver, which its module lists.
	 */
	return module_of_driver(rootfd, identity, module, size);
}

bool gpupt_program_installed(int rootfd, const char *name)
{
	static const char *const dirs[] = { "usr/bin", "bin", "usr/sbin", "sbin" };
	char path[GPUPT_PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (gpupt_path_join(path, sizeof(path), dirs[i], name, (const char *)NULL) >= 0 &&
		    gpupt_path_exists(rootfd, path))
			return true;
	return false;
}

int gpupt_dir_free_bytes(int rootfd, const char *dir, unsigned long long *bytes)
{
	struct statvfs vfs;
	int fd = gpupt_path_open_dir(rootfd, dir), r;

	if (fd < 0)
		return fd;
	r = fstatvfs(fd, &vfs) < 0 ? -errno : 0;
	gpupt_path_close_dir(fd);
	if (r == 0)
		*bytes = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	return r;
}
