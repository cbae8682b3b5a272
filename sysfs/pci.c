// SPDX-License-Identifier: MIT
/* One PCI device in sysfs: its name, identity, driver, override. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/number.h"
#include "sysfs/internal.h"

int gpupt_sysfs_parse_pci_name(const char *name, struct gpupt_pci_dev *d)
{
	unsigned domain, bus, slot, func;

	if (strnlen(name, GPUPT_PCI_NAME_LEN + 1) != GPUPT_PCI_NAME_LEN || name[4] != ':' ||
	    name[7] != ':' || name[10] != '.')
		return -EINVAL;
	if (gpupt_parse_hex(name, 4, &domain) < 0 || gpupt_parse_hex(name + 5, 2, &bus) < 0 ||
	    gpupt_parse_hex(name + 8, 2, &slot) < 0 || slot > 0x1f ||
	    gpupt_parse_hex(name + 11, 1, &func) < 0 || func > 7)
		return -EINVAL;
	memcpy(d->name, name, GPUPT_PCI_NAME_LEN + 1);
	d->domain = (uint16_t)domain;
	d->bus = (uint8_t)bus;
	d->slot = (uint8_t)slot;
	d->func = (uint8_t)func;
	return 0;
}

int gpupt_sysfs_pci_devices_open(int rootfd)
{
	return gpupt_path_open_dir(rootfd, GPUPT_SYSFS_PCI_DEVICES);
}

/* The kernel's record for getdents64(2); only d_reclen and d_name are read. */
struct linux_dirent64 {
	/* cppcheck-suppress unusedStructMember */
	uint64_t d_ino;
	/* cppcheck-suppress unusedStructMember */
	int64_t d_off;
	unsigned short d_reclen;
	/* cppcheck-suppress unusedStructMember */
	unsigned char d_type;
	char d_name[];
};

/*
 * Visit the entries of the directory at fd (closed here); all, or PCI names
 * only.  getdents64 straight into a stack buffer, not readdir(): no malloc
 * in the static binder, and a big machine's PCI list in a few calls.
 */
static int foreach_in(int fd, bool pci_only, gpupt_sysfs_visit_fn fn, void *ctx)
{
	_Alignas(8) char buf[8192];
	struct gpupt_pci_dev probe;
	int n = 0, r = 0;

	for (;;) {
		long got = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? -errno : 0;
			break;
		}
		for (long off = 0; off < got && r >= 0;) {
			const struct linux_dirent64 *de = (const void *)(buf + off);

			off += de->d_reclen;
			if (pci_only ? gpupt_sysfs_parse_pci_name(de->d_name, &probe) < 0
				     : !gpupt_path_name_ok(de->d_name))
				continue;
			r = fn(fd, de->d_name, ctx);
			n += r >= 0;
		}
		if (r < 0)
			break;
	}
	gpupt_path_close_dir(fd);
	return r < 0 ? r : n;
}

int gpupt_sysfs_foreach_pci_entry(int dirfd, gpupt_sysfs_visit_fn fn, void *ctx)
{
	/* A fresh open file description: dirfd's offset stays where it was. */
	int fd = gpupt_path_open_dir(dirfd, ".");

	return fd < 0 ? fd : foreach_in(fd, true, fn, ctx);
}

int gpupt_sysfs_foreach_entry(int dirfd, const char *path, gpupt_sysfs_visit_fn fn, void *ctx)
{
	int fd = gpupt_path_open_dir(dirfd, path);

	return fd < 0 ? fd : foreach_in(fd, false, fn, ctx);
}

int gpupt_sysfs_pci_foreach(int devsfd, gpupt_sysfs_visit_fn fn, void *ctx)
{
	return gpupt_sysfs_foreach_pci_entry(devsfd, fn, ctx);
}

/* "name/attr" into buf after checking name. */
static int dev_path(char *buf, size_t size, const char *name, const char *attr)
{
	if (!gpupt_path_name_ok(name))
		return -EINVAL;
	return gpupt_path_join(buf, size, name, attr, (const char *)NULL);
}

static const char *uevent_field(const char *buf, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *line = buf; *line;) {
		const char *end = strchr(line, '\n');
		size_t llen = end ? (size_t)(end - line) : strlen(line);

		if (llen > klen && memcmp(line, key, klen) == 0 && line[klen] == '=') {
			*len = llen - klen - 1;
			return line + klen + 1;
		}
		if (!end)
			break;
		line = end + 1;
	}
	return NULL;
}

/* "VVVV:DDDD" (as in PCI_ID and PCI_SUBSYS_ID) into two numbers. */
static int parse_id_pair(const char *s, size_t len, uint16_t *a, uint16_t *b)
{
	unsigned x, y;

	if (!s || len != 9 || s[4] != ':' || gpupt_parse_hex(s, 4, &x) < 0 ||
	    gpupt_parse_hex(s + 5, 4, &y) < 0)
		return -EINVAL;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return 0;
}

/*
 * The selection reads uevent rather than vendor, device, subsystem_* and
 * class: one open+read+close per device instead of five, which is what
 * keeps a scan of a big machine at three syscalls per device.
 */
int gpupt_sysfs_pci_read_uevent(int dirfd, const char *name, struct gpupt_pci_dev *d)
{
	char path[64], buf[512];
	const char *v;
	size_t len;
	unsigned cls;
	int r;

	r = gpupt_sysfs_parse_pci_name(name, d);
	if (r < 0)
		return r;
	r = dev_path(path, sizeof(path), name, "uevent");
	if (r >= 0)
		r = gpupt_sysfs_read(dirfd, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	v = uevent_field(buf, "PCI_ID", &len);
	if (parse_id_pair(v, len, &d->vendor, &d->device) < 0)
		return -EINVAL;
	v = uevent_field(buf, "PCI_SUBSYS_ID", &len);
	if (parse_id_pair(v, len, &d->subvendor, &d->subdevice) < 0)
		return -EINVAL;
	v = uevent_field(buf, "PCI_CLASS", &len);
	if (!v || len < 1 || len > 6 || gpupt_parse_hex(v, len, &cls) < 0)
		return -EINVAL;
	d->class = cls;
	v = uevent_field(buf, "DRIVER", &len);
	if (!v)
		len = 0;
	if (len > GPUPT_SYSFS_DRIVER_MAX)
		return -ENAMETOOLONG;
	memcpy(d->driver, v ? v : "", len);
	d->driver[len] = '\0';
	return 0;
}

static int read_attr_ulong(int dirfd, const char *name, const char *attr, unsigned long max, unsigned long *out)
{
	char path[64];
	int r = dev_path(path, sizeof(path), name, attr);

	if (r >= 0)
		r = gpupt_sysfs_read_ulong(dirfd, path, out);
	if (r >= 0 && *out > max)
		r = -ERANGE;
	return r;
}

int gpupt_sysfs_pci_read_attrs(int dirfd, const char *name, struct gpupt_pci_dev *d)
{
	unsigned long v[5];
	static const char *const attrs[5] = {
		"vendor", "device", "subsystem_vendor", "subsystem_device", "class",
	};
	int r = gpupt_sysfs_parse_pci_name(name, d);

	for (int i = 0; i < 5 && r >= 0; i++)
		r = read_attr_ulong(dirfd, name, attrs[i], i < 4 ? 0xffff : 0xffffff, &v[i]);
	if (r >= 0)
		r = gpupt_sysfs_pci_driver(dirfd, name, d->driver, sizeof(d->driver));
	if (r < 0)
		return r;
	d->vendor = (uint16_t)v[0];
	d->device = (uint16_t)v[1];
	d->subvendor = (uint16_t)v[2];
	d->subdevice = (uint16_t)v[3];
	d->class = (uint32_t)v[4];
	return 0;
}

int gpupt_sysfs_pci_driver(int dirfd, const char *name, char *buf, size_t size)
{
	char path[64];
	int r = dev_path(path, sizeof(path), name, "driver");

	if (r < 0)
		return r;
	return gpupt_sysfs_link_name(dirfd, path, buf, size);
}

int gpupt_sysfs_pci_boot_vga(int dirfd, const char *name)
{
	unsigned long v;
	int r = read_attr_ulong(dirfd, name, "boot_vga", 1, &v);

	return r < 0 ? r : (int)v;
}

int gpupt_sysfs_pci_read_override(int dirfd, const char *name, char *buf, size_t size)
{
	char path[64];
	int r = dev_path(path, sizeof(path), name, "driver_override");

	if (r >= 0)
		r = gpupt_sysfs_read(dirfd, path, buf, size);
	if (r >= 0 && strcmp(buf, "(null)") == 0) {
		buf[0] = '\0';
		r = 0;
	}
	return r;
}

int gpupt_sysfs_pci_set_override(int dirfd, const char *name, const char *driver)
{
	char path[64];
	int r;

	if (driver[0] != '\0' && !gpupt_path_name_ok(driver))
		return -EINVAL;
	r = dev_path(path, sizeof(path), name, "driver_override");
	if (r < 0)
		return r;
	/* The kernel clears the override on an empty write, so "" means "\n". */
	return gpupt_sysfs_write_str(dirfd, path, driver[0] ? driver : "\n");
}

int gpupt_sysfs_pci_unbind(int dirfd, const char *name)
{
	char path[64];
	int r = dev_path(path, sizeof(path), name, "driver/unbind");

	if (r < 0)
		return r;
	return gpupt_sysfs_write_str(dirfd, path, name);
}

int gpupt_sysfs_pci_probe(int rootfd, const char *name)
{
	struct gpupt_pci_dev d;

	if (gpupt_sysfs_parse_pci_name(name, &d) < 0)
		return -EINVAL;
	return gpupt_sysfs_write_str(rootfd, GPUPT_SYSFS_PCI_PROBE, name);
}

int gpupt_sysfs_pci_driver_loaded(int rootfd, const char *driver)
{
	char path[128];
	int r;

	if (!gpupt_path_name_ok(driver))
		return -EINVAL;
	r = gpupt_path_join(path, sizeof(path), GPUPT_SYSFS_PCI_DRIVERS, driver, (const char *)NULL);
	return r < 0 ? r : gpupt_sysfs_exists(rootfd, path);
}

bool gpupt_pci_is_display(const struct gpupt_pci_dev *d)
{
	return (d->class >> 16) == GPUPT_PCI_CLASS_DISPLAY;
}

bool gpupt_pci_is_bridge(const struct gpupt_pci_dev *d)
{
	return (d->class >> 16) == GPUPT_PCI_CLASS_BRIDGE;
}

bool gpupt_pci_is_unbindable_bridge(const struct gpupt_pci_dev *d)
{
	unsigned sub = d->class >> 8;

	return sub == GPUPT_PCI_CLASS_HOST_BRIDGE || sub == GPUPT_PCI_CLASS_PCI_BRIDGE;
}
