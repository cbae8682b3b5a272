// SPDX-License-Identifier: MIT
/* The device model: libpci below the root, plus the sysfs attributes it lacks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

#include "cmdline/cmdline.h"
#include "conf/conf.h"
#include "host/model/devices.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "sysfs/sysfs.h"

#define SYSFS_PCI "sys/bus/pci"
#define SYSFS_PCI_DEVICES "sys/bus/pci/devices"

bool gpupt_dev_is_display(const struct gpupt_dev *d)
{
	return (d->class >> 16) == 0x03;
}

bool gpupt_dev_is_vga(const struct gpupt_dev *d)
{
	return (d->class >> 8) == 0x0300;
}

bool gpupt_dev_is_bridge(const struct gpupt_dev *d)
{
	/* Host bridges (0x0600) are not vfio targets either; header type 1/2 are PCI/CardBus bridges. */
	return (d->class >> 16) == 0x06 || d->header_type == 1 || d->header_type == 2;
}

bool gpupt_dev_same_slot(const struct gpupt_dev *a, const struct gpupt_dev *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

long gpupt_devices_find(const struct gpupt_devlist *l, uint16_t domain, uint8_t bus, uint8_t slot, uint8_t func)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct gpupt_dev *d = &l->dev[i];

		if (d->domain == domain && d->bus == bus && d->slot == slot && d->func == func)
			return (long)i;
	}
	return -1;
}

/* A one-line sysfs attribute of a device; "" when absent or unreadable. */
static void dev_attr(int rootfd, const char *addr, const char *attr, char *buf, size_t size)
{
	char rel[PATH_MAX];

	buf[0] = '\0';
	if (gpupt_path_join(rel, sizeof(rel), SYSFS_PCI_DEVICES, addr, attr, (const char *)NULL) < 0 ||
	    gpupt_sysfs_read(rootfd, rel, buf, size) < 0)
		buf[0] = '\0';
}

/* The last path component of a device's symlink (driver, iommu_group); "" when absent. */
static void dev_link_base(int rootfd, const char *addr, const char *link, char *buf, size_t size)
{
	char rel[PATH_MAX];

	buf[0] = '\0';
	if (gpupt_path_join(rel, sizeof(rel), SYSFS_PCI_DEVICES, addr, link, (const char *)NULL) < 0 ||
	    gpupt_sysfs_link_name(rootfd, rel, buf, size) < 0)
		buf[0] = '\0';
}

static void dev_fill_sysfs(int rootfd, struct gpupt_dev *d)
{
	char buf[GPUPT_DRVNAME_MAX];
	char *end;

	dev_link_base(rootfd, d->addr, "driver", d->driver, sizeof(d->driver));
	dev_attr(rootfd, d->addr, "driver_override", d->driver_override, sizeof(d->driver_override));
	if (strcmp(d->driver_override, "(null)") == 0)
		d->driver_override[0] = '\0';
	dev_attr(rootfd, d->addr, "reset_method", d->reset_method, sizeof(d->reset_method));

	d->iommu_group = -1;
	dev_link_base(rootfd, d->addr, "iommu_group", buf, sizeof(buf));
	if (buf[0]) {
		long g = strtol(buf, &end, 10);

		if (*end == '\0' && g >= 0 && g <= INT_MAX)
			d->iommu_group = (int)g;
	}
	d->boot_vga = -1;
	dev_attr(rootfd, d->addr, "boot_vga", buf, sizeof(buf));
	if (buf[0] == '0' || buf[0] == '1')
		d->boot_vga = buf[0] - '0';
}

/* The class as 24 bits; libpci's device_class has no prog-if on every version. */
static uint32_t dev_class(int rootfd, const char *addr, unsigned device_class)
{
	char buf[32], *end;
	unsigned long v;

	dev_attr(rootfd, addr, "class", buf, sizeof(buf));
	v = strtoul(buf, &end, 16);
	if (buf[0] && *end == '\0' && v <= 0xffffff)
		return (uint32_t)v;
	return (uint32_t)device_class << 8;
}

/* A name as text output shows it (control characters escaped), cut to its field. */
static void make_printable(char *name, size_t size)
{
	char tmp[GPUPT_NAME_MAX];

	gpupt_printable(name, tmp, MIN(size, sizeof(tmp)));
	memcpy(name, tmp, strlen(tmp) + 1);
}

static void dev_fill_names(struct gpupt_host *h, struct pci_access *pacc, struct gpupt_dev *d)
{
	pci_lookup_name(pacc, d->vendor_name, sizeof(d->vendor_name), PCI_LOOKUP_VENDOR, d->vendor);
	pci_lookup_name(pacc, d->device_name, sizeof(d->device_name), PCI_LOOKUP_DEVICE, d->vendor, d->device);
	pci_lookup_name(pacc, d->class_name, sizeof(d->class_name), PCI_LOOKUP_CLASS, d->class >> 8);
	d->subsys_name[0] = '\0';
	if (d->subvendor || d->subdevice)
		pci_lookup_name(pacc, d->subsys_name, sizeof(d->subsys_name),
				PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				d->vendor, d->device, d->subvendor, d->subdevice);
	if (h->json)
		return;
	make_printable(d->vendor_name, sizeof(d->vendor_name));
	make_printable(d->device_name, sizeof(d->device_name));
	make_printable(d->class_name, sizeof(d->class_name));
	make_printable(d->subsys_name, sizeof(d->subsys_name));
}

static void dev_from_pci(int rootfd, struct pci_dev *p, struct gpupt_dev *d)
{
	memset(d, 0, sizeof(*d));
	pci_fill_info(p, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_SUBSYS);
	d->domain = (uint16_t)p->domain;
	d->bus = p->bus;
	d->slot = p->dev;
	d->func = p->func;
	snprintf(d->addr, sizeof(d->addr), "%04x:%02x:%02x.%x", d->domain, d->bus, d->slot, d->func);
	d->vendor = p->vendor_id;
	d->device = p->device_id;
	d->subvendor = p->subsys_vendor_id;
	d->subdevice = p->subsys_id;
	d->class = dev_class(rootfd, d->addr, p->device_class);
	d->header_type = pci_read_byte(p, PCI_HEADER_TYPE) & 0x7f;
	dev_fill_sysfs(rootfd, d);
}

static int dev_cmp(const void *a, const void *b)
{
	const struct gpupt_dev *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 16 | x->bus << 8 | x->slot << 3 | x->func;
	uint64_t ky = (uint64_t)y->domain << 16 | y->bus << 8 | y->slot << 3 | y->func;

	return (kx > ky) - (kx < ky);
}

/*
 * libpci reports a fatal error by calling a->error, which must not return.
 * While pci.ids is loaded (load_names), a broken file is no reason to stop:
 * the error jumps back there, and names are shown as numbers.
 */
static jmp_buf *names_escape;
static char names_error[256];

static void PCI_NONRET libpci_fatal(char *msg, ...)
{
	size_t n;
	va_list ap;

	va_start(ap, msg);
	vsnprintf(names_error, sizeof(names_error), msg, ap);
	va_end(ap);
	n = strlen(names_error);
	while (n > 0 && names_error[n - 1] == '\n')
		names_error[--n] = '\0';
	if (names_escape)
		longjmp(*names_escape, 1);
	gpupt_msg(stderr, "libpci: %s\n", names_error);
	exit(1);
}

static void libpci_quiet(char *msg, ...)
{
	(void)msg;
}

static void names_as_numbers(struct gpupt_host *h, struct pci_access *pacc, const char *what, const char *why)
{
	char buf[512];

	pacc->id_lookup_mode |= PCI_LOOKUP_NUMERIC;
	gpupt_warn(h->err, "%s: %s; device names are shown as numbers\n", what,
		   gpupt_printable(why, buf, sizeof(buf)));
}

/*
 * pci.ids from the root when it has one, so fixture names are the fixture's.
 * libpci opens it with a blocking open(2): a FIFO there would hang it, so
 * anything but a readable regular file means names as numbers.
 */
static void set_ids_file(struct gpupt_host *h, struct pci_access *pacc)
{
	static const char *const candidates[] = {
		"usr/share/misc/pci.ids",
		"usr/share/hwdata/pci.ids",
	};
	char path[PATH_MAX], *copy;
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		int fd = gpupt_path_open(h->rootfd, candidates[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
		if (fd == -ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			snprintf(path, sizeof(path), "/%s", candidates[i]);
			names_as_numbers(h, pacc, path, fd < 0 ? strerror(-fd) : "not a regular file");
		} else if (gpupt_path_resolve(h->rootfd, candidates[i], path, sizeof(path)) >= 0 &&
			   (copy = strdup(path)) != NULL) {
			pci_set_name_list_path(pacc, copy, 1);
		}
		if (fd >= 0)
			close(fd);
		return;
	}
}

/*
 * Load the names now, where a broken pci.ids (libpci calls its error
 * callback on a line it cannot parse, or a read error) can be caught.
 */
static void load_names(struct gpupt_host *h, struct pci_access *pacc)
{
	jmp_buf env;

	set_ids_file(h, pacc);
	if (pacc->id_lookup_mode & PCI_LOOKUP_NUMERIC)
		return;
	names_escape = &env;
	if (setjmp(env) == 0) {
		pci_load_name_list(pacc);
	} else {
		pci_free_name_list(pacc);
		names_as_numbers(h, pacc, "pci.ids", names_error);
	}
	names_escape = NULL;
}

static size_t count_devices(struct pci_access *pacc)
{
	size_t n = 0;

	for (struct pci_dev *p = pacc->devices; p; p = p->next)
		n++;
	return n;
}

/*
 * The files libpci opens below a device's directory.  It opens them with a
 * blocking open(2) and takes any error for fatal, and it stops at an entry
 * of sys/bus/pci/devices it cannot parse as an address.
 */
static const char *const libpci_files[] = {
	"config",   "vendor",		"device",	    "class",	"irq",	 "resource",
	"revision", "subsystem_vendor", "subsystem_device", "modalias", "label", "numa_node",
};

static bool libpci_opens(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(libpci_files); i++)
		if (strcmp(name, libpci_files[i]) == 0)
			return true;
	return false;
}

/*
 * Is dirfd/name, an entry of a device's directory, what the kernel puts
 * there?  A regular file, a directory or a link, and a regular file (after
 * links) for the attributes libpci opens.  Never a FIFO, a device node or
 * a socket: sysfs has none.
 */
static bool sysfs_entry_ok(int rootfd, const char *devrel, DIR *dir, const struct dirent *e)
{
	char rel[PATH_MAX];
	struct stat st;
	unsigned char type = e->d_type;

	if (type == DT_UNKNOWN) {
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return false;
		type = S_ISREG(st.st_mode)   ? DT_REG
		       : S_ISDIR(st.st_mode) ? DT_DIR
		       : S_ISLNK(st.st_mode) ? DT_LNK
					     : DT_FIFO;
	}
	if (type == DT_REG)
		return true;
	if (!libpci_opens(e->d_name))
		return type == DT_DIR || type == DT_LNK;
	return type == DT_LNK &&
	       gpupt_path_join(rel, sizeof(rel), devrel, e->d_name, (const char *)NULL) >= 0 &&
	       gpupt_path_stat(rootfd, rel, &st, true) == 0 && S_ISREG(st.st_mode);
}

/*
 * The part of sys/bus/pci below a root that libpci could not read without
 * hanging or ending the program: an entry that is no PCI address, a device
 * that is no directory, an attribute that is no regular file.  Only a tree
 * given with --root can hold them (the kernel's sysfs has none), so the
 * live /sys is not walked.  Returns 0, or -EINVAL with the culprit printed.
 */
static int libpci_can_read(struct gpupt_host *h)
{
	DIR *devs = gpupt_path_opendir(h->rootfd, SYSFS_PCI_DEVICES);
	char bad[PATH_MAX] = "";
	const char *why = NULL;
	struct dirent *e;

	while (devs && strcmp(h->root, "/") != 0 && !why && (e = readdir(devs)) != NULL) {
		char rel[PATH_MAX];
		unsigned dom, bus, dev, fn;
		DIR *dir;
		struct dirent *a;

		if (e->d_name[0] == '.' ||
		    gpupt_path_join(rel, sizeof(rel), SYSFS_PCI_DEVICES, e->d_name, (const char *)NULL) < 0)
			continue;
		dir = sscanf(e->d_name, "%x:%x:%x.%u", &dom, &bus, &dev, &fn) == 4
			      ? gpupt_path_opendir(h->rootfd, rel)
			      : NULL;
		if (!dir) {
			why = "not a PCI device's directory";
			gpupt_path_join(bad, sizeof(bad), rel, (const char *)NULL);
			break;
		}
		while ((a = readdir(dir)) != NULL)
			if (a->d_name[0] != '.' && !sysfs_entry_ok(h->rootfd, rel, dir, a)) {
				why = "a FIFO, device node or directory where sysfs has a file";
				gpupt_path_join(bad, sizeof(bad), rel, a->d_name, (const char *)NULL);
				break;
			}
		closedir(dir);
	}
	if (devs)
		closedir(devs);
	if (!why)
		return 0;
	gpupt_msg(h->err, "/%s: %s; the PCI devices below %s cannot be read\n", bad, why, h->root);
	return -EINVAL;
}

/* libpci on the sysfs below the root (with the root's pci.ids for names); NULL on ENOMEM. */
static struct pci_access *libpci_open(struct gpupt_host *h, bool names)
{
	struct pci_access *pacc;
	char syspath[PATH_MAX];

	/*
	 * An absent (or escaping) sys/bus/pci is no error: libpci is pointed at
	 * a name that does not exist below the root and finds no devices.
	 */
	if (gpupt_path_resolve(h->rootfd, SYSFS_PCI, syspath, sizeof(syspath)) < 0 &&
	    (gpupt_path_resolve(h->rootfd, ".", syspath, sizeof(syspath) - 32) < 0 ||
	     !strcat(syspath, "/.gpupt-no-sys-bus-pci")))
		return NULL;
	pacc = pci_alloc();
	if (!pacc)
		return NULL;
	pacc->error = libpci_fatal;
	pacc->warning = libpci_quiet;
	pacc->debug = libpci_quiet;
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pacc->id_lookup_mode = PCI_LOOKUP_NO_HWDB;  /* udev's hwdb is not below the root */
	pci_set_param(pacc, "sysfs.path", syspath); /* copied by libpci */
	pci_init(pacc);
	if (names)
		load_names(h, pacc);
	return pacc;
}

int gpupt_devices_scan_flags(struct gpupt_host *h, struct gpupt_devlist *out, unsigned flags)
{
	struct pci_access *pacc;
	size_t n = 0;
	int ret = 0;

	out->dev = NULL;
	out->n = 0;
	/* libpci treats a missing directory as fatal; no PCI is an empty list here. */
	if (!gpupt_path_exists(h->rootfd, SYSFS_PCI_DEVICES))
		return 0;
	ret = libpci_can_read(h);
	if (ret < 0)
		return ret;
	pacc = libpci_open(h, !(flags & GPUPT_SCAN_NO_NAMES));
	if (!pacc)
		return -ENOMEM;
	pci_scan_bus(pacc);
	out->dev = calloc(count_devices(pacc) + 1, sizeof(*out->dev));
	if (!out->dev) {
		ret = -ENOMEM;
		goto out;
	}
	for (struct pci_dev *p = pacc->devices; p; p = p->next)
		dev_from_pci(h->rootfd, p, &out->dev[n++]);
	out->n = n;
	qsort(out->dev, out->n, sizeof(*out->dev), dev_cmp);
	/* Names cost most of a scan (parsing pci.ids): only when asked. */
	if (!(flags & GPUPT_SCAN_NO_NAMES))
		for (size_t i = 0; i < out->n; i++)
			dev_fill_names(h, pacc, &out->dev[i]);
out:
	pci_cleanup(pacc);
	return ret;
}

int gpupt_devices_scan(struct gpupt_host *h, struct gpupt_devlist *out)
{
	return gpupt_devices_scan_flags(h, out, 0);
}

int gpupt_devices_fill_names(struct gpupt_host *h, struct gpupt_devlist *l, const bool *which)
{
	struct pci_access *pacc = NULL;

	for (size_t i = 0; i < l->n; i++) {
		if (which && !which[i])
			continue;
		if (!pacc)
			pacc = libpci_open(h, true);
		if (!pacc)
			return -ENOMEM;
		dev_fill_names(h, pacc, &l->dev[i]);
	}
	if (pacc)
		pci_cleanup(pacc);
	return 0;
}

void gpupt_devices_free(struct gpupt_devlist *l)
{
	free(l->dev);
	l->dev = NULL;
	l->n = 0;
}

static void print_diags(FILE *err, const struct gpupt_diags *d, const char *origin)
{
	char line[512];

	if (!err)
		return;
	for (unsigned i = 0; i < d->n; i++)
		if (gpupt_diag_format(&d->d[i], origin, line, sizeof(line)) >= 0)
			gpupt_msg(err, "%s\n", line);
}

/* Parse one root-relative file with parse(); a missing file is an empty config. */
static int load_one(struct gpupt_host *h, const char *rel, const char *origin,
		    int (*parse)(const char *, size_t, struct gpupt_config *, struct gpupt_diags *),
		    struct gpupt_config *c, FILE *err)
{
	struct gpupt_diags diags;
	char *buf;
	size_t len;
	int ret;

	gpupt_config_init(c);
	ret = gpupt_read_file_alloc(h->rootfd, rel, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0) {
		if (err)
			gpupt_msg(err, "%s: %s\n", origin ? origin : "/proc/cmdline",
				  gpupt_read_strerror(ret));
		return ret;
	}
	gpupt_diags_init(&diags);
	parse(buf, len, c, &diags);
	print_diags(err, &diags, origin);
	free(buf);
	return 0;
}

int gpupt_config_load(struct gpupt_host *h, struct gpupt_config *conf, struct gpupt_config *cmdline,
		      struct gpupt_config *merged, FILE *err)
{
	struct gpupt_config c, k;
	int ret;

	ret = load_one(h, GPUPT_CONF_PATH, "/" GPUPT_CONF_PATH, gpupt_conf_parse, &c, err);
	if (ret < 0)
		return ret;
	ret = load_one(h, "proc/cmdline", NULL, gpupt_cmdline_parse, &k, err);
	if (ret < 0)
		return ret;
	if (conf)
		*conf = c;
	if (cmdline)
		*cmdline = k;
	if (merged)
		gpupt_config_merge(&k, &c, merged);
	return 0;
}
