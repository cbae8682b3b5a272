// SPDX-License-Identifier: MIT
/*
 * The safety interlock.  Which PCI device holds a mount point is found
 * under the root only: mountinfo gives MAJ:MIN, sys/dev/block/MAJ:MIN links
 * into sys/devices/..., and the deepest PCI address on that path is the
 * controller.  Device-mapper/md devices are followed through their
 * "slaves".  A mount without a block device (major 0: zfs, btrfs subvolume
 * views, autofs) falls back to its source "/dev/NAME" via sys/class/block.
 * /etc/fstab entries (for an ESP that is not mounted) are resolved the same
 * way; UUID=/PARTUUID=/LABEL= specs are evaluated with libblkid only when
 * the root is the live system ("/"), as libblkid reads the real /dev: on a
 * fixture root those entries are skipped and only /dev/NAME specs count.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "host/model/safety.h"
#include "host/model/uplink.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "sysfs/sysfs.h"

enum { SLAVE_DEPTH = 8 };

static const char *const boot_mounts[] = { "/", "/boot", "/boot/efi", "/efi" };

static const char *boot_mount(const char *mnt)
{
	for (size_t i = 0; i < ARRAY_SIZE(boot_mounts); i++)
		if (strcmp(mnt, boot_mounts[i]) == 0)
			return boot_mounts[i];
	return NULL;
}

/* What holds the boot mounts: held[i] is the mount point device i holds, or NULL. */
struct storage {
	struct gpupt_host *h;
	const struct gpupt_devlist *l;
	const char **held;
	char unresolved[256]; /* boot mounts traced to no PCI device, e.g. "/ (zfs rpool/ROOT/pve-1)" */
};

static bool mark_block_node(struct storage *st, const char *rel, const char *what, int depth);

/* Device-mapper and md devices: the block devices below them. */
static bool mark_slaves(struct storage *st, const char *rel, const char *what, int depth)
{
	char path[PATH_MAX];
	struct dirent *e;
	bool found = false;
	DIR *dir;

	if (gpupt_path_join(path, sizeof(path), rel, "slaves", (const char *)NULL) < 0)
		return false;
	dir = gpupt_path_opendir(st->h->rootfd, path);
	if (!dir)
		return false;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || !gpupt_path_name_ok(e->d_name))
			continue;
		if (gpupt_path_join(path, sizeof(path), "sys/class/block", e->d_name, (const char *)NULL) >= 0)
			found |= mark_block_node(st, path, what, depth + 1);
	}
	closedir(dir);
	return found;
}

/* Mark the deepest PCI device on the sysfs path behind the block node rel. */
static bool mark_block_node(struct storage *st, const char *rel, const char *what, int depth)
{
	char target[PATH_MAX], *comp, *save = NULL;
	struct gpupt_pci_dev pci, found = { .name = "" };
	bool marked;
	ssize_t n;
	long i;

	if (depth > SLAVE_DEPTH)
		return false;
	marked = mark_slaves(st, rel, what, depth);
	n = gpupt_path_readlink(st->h->rootfd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return marked;
	target[n] = '\0';
	for (comp = strtok_r(target, "/", &save); comp; comp = strtok_r(NULL, "/", &save))
		if (gpupt_sysfs_parse_pci_name(comp, &pci) == 0)
			found = pci;
	if (!found.name[0])
		return marked;
	i = gpupt_devices_find(st->l, found.domain, found.bus, found.slot, found.func);
	if (i < 0)
		return marked;
	if (!st->held[i])
		st->held[i] = what;
	return true;
}

static bool mark_devnum(struct storage *st, unsigned maj, unsigned min, const char *what)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", maj, min);
	return mark_block_node(st, rel, what, 0);
}

/* The sys/block entry (dm-N) whose dm/name is name, into rel; 0 or -ENOENT. */
static int find_mapper(struct gpupt_host *h, const char *name, char *rel, size_t size)
{
	char path[PATH_MAX], val[NAME_MAX + 1];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *dir;

	dir = gpupt_path_opendir(h->rootfd, "sys/block");
	if (!dir)
		return -errno;
	while (ret != 0 && (e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, "dm-", 3) != 0 ||
		    gpupt_path_join(path, sizeof(path), "sys/block", e->d_name, "dm/name",
				    (const char *)NULL) < 0 ||
		    gpupt_sysfs_read(h->rootfd, path, val, sizeof(val)) < 0 || strcmp(val, name) != 0)
			continue;
		ret = gpupt_path_join(rel, size, "sys/block", e->d_name, (const char *)NULL) < 0
			      ? -ENAMETOOLONG
			      : 0;
	}
	closedir(dir);
	return ret;
}

/* "/dev/nvme0n1p2", "/dev/dm-0" or "/dev/mapper/pve-root" → its sysfs node. */
static bool mark_dev_path(struct storage *st, const char *dev, const char *what)
{
	char rel[PATH_MAX];
	const char *base;

	if (strncmp(dev, "/dev/", 5) != 0)
		return false;
	base = strrchr(dev, '/') + 1;
	if (!gpupt_path_name_ok(base))
		return false;
	if (strncmp(dev, "/dev/mapper/", 12) == 0)
		return find_mapper(st->h, base, rel, sizeof(rel)) == 0 && mark_block_node(st, rel, what, 0);
	return gpupt_path_join(rel, sizeof(rel), "sys/class/block", base, (const char *)NULL) >= 0 &&
	       mark_block_node(st, rel, what, 0);
}

static void note_unresolved(struct storage *st, const char *what, const char *fstype, const char *source)
{
	size_t used = strlen(st->unresolved);

	snprintf(st->unresolved + used, sizeof(st->unresolved) - used, "%s%s (%s %s)",
		 used ? ", " : "", what, fstype, source);
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPER". */
static void mark_mountinfo_line(struct storage *st, char *line)
{
	char mnt[PATH_MAX], *sep, fstype[64] = "", source[PATH_MAX] = "";
	unsigned maj, min;
	const char *what;

	if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3)
		return;
	what = boot_mount(mnt);
	if (!what)
		return;
	sep = strstr(line, " - ");
	if (!sep || sscanf(sep, " - %63s %4095s", fstype, source) != 2)
		return;
	if (maj != 0 ? mark_devnum(st, maj, min, what) : mark_dev_path(st, source, what))
		return;
	/* autofs: the ESP is not mounted yet; fstab tells where it is. */
	if (strcmp(fstype, "autofs") != 0)
		note_unresolved(st, what, fstype, source);
}

/* fstab specs by tag are evaluated on the live system only (see the top comment). */
static void mark_fstab_line(struct storage *st, char *line)
{
	char spec[PATH_MAX], mnt[PATH_MAX];
	const char *what;
	char *dev;

	if (sscanf(line, "%4095s %4095s", spec, mnt) != 2 || spec[0] == '#')
		return;
	what = boot_mount(mnt);
	if (!what)
		return;
	if (spec[0] == '/') {
		mark_dev_path(st, spec, what);
		return;
	}
	if (strcmp(st->h->root, "/") != 0 || !strchr(spec, '='))
		return;
	dev = blkid_evaluate_tag(spec, NULL, NULL);
	if (dev) {
		mark_dev_path(st, dev, what);
		free(dev);
	}
}

static void for_each_line(struct storage *st, const char *rel, void (*fn)(struct storage *, char *))
{
	char *buf, *line, *save = NULL;
	size_t len;

	if (gpupt_read_file_alloc(st->h->rootfd, rel, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fn(st, line);
	free(buf);
}

/* Fill st->held (calloc'd, l->n entries) and st->unresolved; 0 or -ENOMEM. */
static int storage_scan(struct storage *st, struct gpupt_host *h, const struct gpupt_devlist *l)
{
	memset(st, 0, sizeof(*st));
	st->h = h;
	st->l = l;
	st->held = calloc(l->n + 1, sizeof(*st->held));
	if (!st->held)
		return -ENOMEM;
	for_each_line(st, "proc/self/mountinfo", mark_mountinfo_line);
	for_each_line(st, "etc/fstab", mark_fstab_line);
	return 0;
}

int gpupt_safety_boot_storage(struct gpupt_host *h, const struct gpupt_devlist *l, bool *is_boot_storage)
{
	struct storage st;
	int ret = storage_scan(&st, h, l);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < l->n; i++)
		is_boot_storage[i] = st.held[i] != NULL;
	free(st.held);
	return 0;
}

static void add(struct gpupt_safety_report *r, enum gpupt_safety_level level,
		const struct gpupt_dev *d, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(struct gpupt_safety_report *r, enum gpupt_safety_level level,
		const struct gpupt_dev *d, const char *fmt, ...)
{
	struct gpupt_safety_item *it;
	va_list ap;

	if (level == GPUPT_SAFETY_REFUSE)
		r->n_refuse++;
	else
		r->n_warn++;
	if (r->n >= GPUPT_SAFETY_MAX) {
		r->dropped++;
		return;
	}
	it = &r->item[r->n++];
	it->level = level;
	snprintf(it->addr, sizeof(it->addr), "%s", d->addr);
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	va_end(ap);
}

static const char *drv_or_none(const struct gpupt_dev *d)
{
	return d->driver[0] ? d->driver : "no driver";
}

/* Group problems are told once, on the group's first selected member. */
static bool first_selected_in_group(const struct gpupt_devlist *l, const struct gpupt_selection *s, size_t i)
{
	for (size_t k = 0; k < s->n && s->idx[k] < i; k++)
		if (l->dev[s->idx[k]].iommu_group == l->dev[i].iommu_group)
			return false;
	return true;
}

static void check_group(const struct gpupt_devlist *l, const struct gpupt_selection *s,
			const char **held, size_t i, struct gpupt_safety_report *r)
{
	const struct gpupt_dev *d = &l->dev[i];

	if (d->iommu_group < 0) {
		add(r, GPUPT_SAFETY_WARN, d,
		    "has no IOMMU group: vfio-pci cannot take it until the"
		    " IOMMU is on (see `gpupt check`)");
		return;
	}
	if (!first_selected_in_group(l, s, i))
		return;
	for (size_t k = 0; k < l->n; k++) {
		const struct gpupt_dev *o = &l->dev[k];

		if (k == i || o->iommu_group != d->iommu_group)
			continue;
		if (held[k])
			add(r, GPUPT_SAFETY_REFUSE, d,
			    "IOMMU group %d also holds %s [%04x:%04x], the"
			    " storage controller of %s: the whole group would go to vfio-pci and"
			    " the host would not boot; move the card to another slot",
			    d->iommu_group, o->addr, o->vendor, o->device, held[k]);
		else if (!gpupt_selection_has(s, k) && !gpupt_dev_is_bridge(o))
			add(r, GPUPT_SAFETY_WARN, d,
			    "IOMMU group %d also holds %s [%04x:%04x] (%s),"
			    " which is not selected: a VM can only be given the whole group; select"
			    " it too, or move the card to a slot with its own group",
			    d->iommu_group, o->addr, o->vendor, o->device, drv_or_none(o));
	}
}

static void check_siblings(const struct gpupt_devlist *l, const struct gpupt_selection *s, size_t i,
			   struct gpupt_safety_report *r)
{
	const struct gpupt_dev *d = &l->dev[i];

	if (!gpupt_dev_is_display(d))
		return;
	for (size_t k = 0; k < l->n; k++) {
		const struct gpupt_dev *o = &l->dev[k];

		if (k == i || !gpupt_dev_same_slot(o, d) || gpupt_selection_has(s, k))
			continue;
		if (o->driver[0] && strcmp(o->driver, "vfio-pci") != 0)
			add(r, GPUPT_SAFETY_WARN, d,
			    "%s [%04x:%04x] of the same card stays on %s:"
			    " select the whole slot (gpupt enable %04x:%02x:%02x) to pass the card"
			    " with all its functions",
			    o->addr, o->vendor, o->device, o->driver, d->domain, d->bus, d->slot);
	}
}

static bool is_storage(const struct gpupt_dev *d)
{
	return (d->class >> 16) == 0x01;
}

/*
 * A boot mount traced to no PCI device (zfs, btrfs on several disks, a
 * network root) might live on any storage controller: say so for each one
 * the selection would take.
 */
static void check_untraced(const struct gpupt_devlist *l, const struct gpupt_selection *s,
			   const struct storage *st, size_t i, struct gpupt_safety_report *r)
{
	const struct gpupt_dev *d = &l->dev[i];

	if (!st->unresolved[0])
		return;
	for (size_t k = 0; k < l->n; k++) {
		const struct gpupt_dev *o = &l->dev[k];

		if (!is_storage(o) || st->held[k])
			continue;
		if (k == i)
			add(r, GPUPT_SAFETY_WARN, d,
			    "is a storage controller, and gpupt cannot tell"
			    " which disks hold %s: make sure none of them is behind it",
			    st->unresolved);
		else if (d->iommu_group >= 0 && o->iommu_group == d->iommu_group &&
			 first_selected_in_group(l, s, i))
			add(r, GPUPT_SAFETY_WARN, d,
			    "IOMMU group %d also holds the storage controller"
			    " %s, and gpupt cannot tell which disks hold %s: make sure none of them is"
			    " behind it",
			    d->iommu_group, o->addr, st->unresolved);
	}
}

/* The NIC under the default route: the host is off the network once vfio-pci takes it. */
static void check_uplink(const struct gpupt_uplink *u, const struct gpupt_dev *d, struct gpupt_safety_report *r)
{
	const struct gpupt_uplink_nic *nic = gpupt_uplink_of_addr(u, d->addr);
	char chain[GPUPT_UPLINK_CHAIN * 2];

	if (!nic)
		return;
	add(r, GPUPT_SAFETY_REFUSE, d,
	    "carries the host's network: the default route (%s) goes %s; on vfio-pci the host is "
	    "off the network, and a remote host is lost until someone reaches its console; select "
	    "the functions you mean by address instead (identical cards share their vendor:device "
	    "ID; `gpupt list` shows the addresses), or move the default route to another NIC first",
	    gpupt_uplink_families(u->route, u->route6, nic->route),
	    gpupt_uplink_chain_text(nic->chain, chain, sizeof(chain)));
}

static void check_device(const struct gpupt_devlist *l, const struct gpupt_selection *s,
			 const struct storage *st, const struct gpupt_uplink *u, size_t i,
			 struct gpupt_safety_report *r)
{
	const struct gpupt_dev *d = &l->dev[i];

	if (gpupt_dev_is_bridge(d))
		add(r, GPUPT_SAFETY_REFUSE, d,
		    "is a bridge (class %06x): vfio-pci does not take"
		    " bridges, and the devices behind it would go with it; select the device"
		    " behind it instead",
		    (unsigned)d->class);
	if (st->held[i])
		add(r, GPUPT_SAFETY_REFUSE, d,
		    "is the storage controller of %s: the host would"
		    " not boot without it",
		    st->held[i]);
	check_uplink(u, d, r);
	check_group(l, s, st->held, i, r);
	check_untraced(l, s, st, i, r);
	check_siblings(l, s, i, r);
	if (d->boot_vga == 1)
		add(r, GPUPT_SAFETY_WARN, d,
		    "is the boot VGA: the host's console goes dark once"
		    " vfio-pci takes it (manage the host over the network or a serial console)");
}

int gpupt_safety_check(struct gpupt_host *h, const struct gpupt_devlist *l,
		       const struct gpupt_selection *s, struct gpupt_safety_report *r)
{
	struct gpupt_uplink *u = malloc(sizeof(*u));
	struct storage st;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = u ? storage_scan(&st, h, l) : -ENOMEM;
	if (ret < 0) {
		free(u);
		return ret;
	}
	gpupt_uplink_find(h->rootfd, u);
	for (size_t k = 0; k < s->n; k++)
		check_device(l, s, &st, u, s->idx[k], r);
	free(st.held);
	free(u);
	return 0;
}

void gpupt_safety_print(const struct gpupt_safety_report *r, FILE *f)
{
	char shown[4 * sizeof(r->item[0].msg)];

	/* Items name drivers and mounts as sysfs and mountinfo spell them: escaped. */
	for (unsigned i = 0; i < r->n; i++)
		gpupt_msg(f, "%s: %s: %s\n", r->item[i].addr,
			  r->item[i].level == GPUPT_SAFETY_REFUSE ? "refused" : "warning",
			  gpupt_printable(r->item[i].msg, shown, sizeof(shown)));
	if (r->dropped)
		gpupt_msg(f, "%u more problems not shown\n", r->dropped);
}
