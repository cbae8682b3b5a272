// SPDX-License-Identifier: MIT
/*
 * The host's network uplink (see uplink.h).  Everything is read below the
 * root: proc/net/route, proc/net/ipv6_route and sys/class/net/IF, whose
 * entries are symlinks into sys/devices as the kernel makes them.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/model/uplink.h"
#include "lib/macro.h"
#include "lib/path.h"
#include "sysfs/sysfs.h"

/* NET_PATH: "sys/class/net/" NAME "/bonding/slaves" and the like. */
enum { ROUTES_MAX = 1 << 20, LOWERS_MAX = 32, NET_PATH = 64 };

#define NET_DIR "sys/class/net"

/* The default route's interface of one table into iface, "" for none. */
static void default_iface(int rootfd, const char *table,
			  int (*parse)(const char *, size_t, char *, size_t), char *iface)
{
	char *buf;
	size_t len;

	iface[0] = '\0';
	if (gpupt_read_file_alloc(rootfd, table, ROUTES_MAX, 0, &buf, &len) < 0)
		return;
	if (parse(buf, len, iface, GPUPT_IFNAME_MAX) < 0)
		iface[0] = '\0';
	free(buf);
}

/* sys/class/net/IF[/REST] into path. */
static bool net_path(char *path, size_t size, const char *iface, const char *rest)
{
	return gpupt_path_join(path, size, NET_DIR, iface, rest, (const char *)NULL) >= 0;
}

/* The interfaces directly below one, each once, sorted: the walk then reads the same on every host. */
struct lowers {
	char name[LOWERS_MAX][GPUPT_IFNAME_MAX];
	size_t n;
};

static void lowers_add(struct lowers *lw, const char *name, size_t len)
{
	if (!gpupt_ifname_ok(name, len) || lw->n >= LOWERS_MAX)
		return;
	for (size_t i = 0; i < lw->n; i++)
		if (strlen(lw->name[i]) == len && memcmp(lw->name[i], name, len) == 0)
			return;
	memcpy(lw->name[lw->n], name, len);
	lw->name[lw->n++][len] = '\0';
}

/* Every entry of dir (below the root) starting with prefix, the prefix cut off. */
static void lowers_from_dir(int rootfd, const char *dir, const char *prefix, struct lowers *lw)
{
	DIR *d = gpupt_path_opendir(rootfd, dir);
	size_t pn = strlen(prefix);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, pn) == 0 && e->d_name[0] != '.')
			lowers_add(lw, e->d_name + pn, strlen(e->d_name + pn));
	if (d)
		closedir(d);
}

static void lowers_from_slaves(int rootfd, const char *iface, struct lowers *lw)
{
	char path[NET_PATH], list[1024], name[GPUPT_IFNAME_MAX];
	size_t pos = 0;
	int n, r;

	if (!net_path(path, sizeof(path), iface, "bonding/slaves") ||
	    (n = gpupt_read_file(rootfd, path, list, sizeof(list), 0)) < 0)
		return;
	while ((r = gpupt_ifname_list_next(list, (size_t)n, &pos, name, sizeof(name))) != 0)
		if (r > 0)
			lowers_add(lw, name, strlen(name));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * A bridge's ports (brif/), a bond's slaves, and what lower_* links name:
 * the kernel links a bridge, a bond, a VLAN or a macvlan to each device
 * below it so (netdev_adjacent_sysfs_add).
 */
static void lowers_find(int rootfd, const char *iface, struct lowers *lw)
{
	char path[NET_PATH];

	lw->n = 0;
	if (net_path(path, sizeof(path), iface, "brif"))
		lowers_from_dir(rootfd, path, "", lw);
	lowers_from_slaves(rootfd, iface, lw);
	if (net_path(path, sizeof(path), iface, NULL))
		lowers_from_dir(rootfd, path, "lower_", lw);
	qsort(lw->name, lw->n, sizeof(lw->name[0]), cmp_name);
}

/*
 * The PCI function behind an interface on hardware: the last PCI address
 * on the path its device link resolves to.  A NIC on PCI links to its
 * function; a USB NIC to an interface below a USB controller, which is then
 * the function that must stay with the host.
 */
static void nic_pci_addr(int rootfd, const char *iface, char *addr, size_t size)
{
	char path[NET_PATH], real[PATH_MAX], *save = NULL;
	struct gpupt_pci_dev pci;

	addr[0] = '\0';
	if (!net_path(path, sizeof(path), iface, "device") ||
	    gpupt_path_resolve(rootfd, path, real, sizeof(real)) < 0)
		return;
	for (char *c = strtok_r(real, "/", &save); c; c = strtok_r(NULL, "/", &save))
		if (gpupt_sysfs_parse_pci_name(c, &pci) == 0)
			snprintf(addr, size, "%s", pci.name);
}

struct walk {
	int rootfd;
	struct gpupt_uplink *u;
	const char *path[GPUPT_UPLINK_DEPTH]; /* the interfaces from the route's down to here */
	size_t depth;
};

static bool on_path(const struct walk *w, const char *iface)
{
	for (size_t i = 0; i < w->depth; i++)
		if (strcmp(w->path[i], iface) == 0)
			return true;
	return false;
}

static void add_nic(struct walk *w, const char *iface)
{
	struct gpupt_uplink_nic *n;
	size_t used = 0;

	for (size_t i = 0; i < w->u->n; i++)
		if (strcmp(w->u->nic[i].nic, iface) == 0)
			return;
	if (w->u->n >= GPUPT_UPLINK_MAX)
		return;
	n = &w->u->nic[w->u->n++];
	snprintf(n->route, sizeof(n->route), "%s", w->path[0]);
	snprintf(n->nic, sizeof(n->nic), "%s", iface);
	nic_pci_addr(w->rootfd, iface, n->addr, sizeof(n->addr));
	for (size_t i = 0; i < w->depth; i++)
		used += (size_t)snprintf(n->chain + used, sizeof(n->chain) - used, "%s ", w->path[i]);
	snprintf(n->chain + used, sizeof(n->chain) - used, "%s", n->addr[0] ? n->addr : "-");
}

/* Down from iface; a device link means hardware: the walk stops there. */
static void descend(struct walk *w, const char *iface)
{
	char path[NET_PATH];
	struct lowers lw;

	if (w->depth >= GPUPT_UPLINK_DEPTH || on_path(w, iface) ||
	    !net_path(path, sizeof(path), iface, "device"))
		return;
	w->path[w->depth++] = iface;
	if (gpupt_path_exists(w->rootfd, path)) {
		add_nic(w, iface);
	} else {
		lowers_find(w->rootfd, iface, &lw);
		for (size_t i = 0; i < lw.n; i++)
			descend(w, lw.name[i]);
	}
	w->depth--;
}

void gpupt_uplink_find(int rootfd, struct gpupt_uplink *u)
{
	struct walk w = { rootfd, u, { NULL }, 0 };

	memset(u, 0, sizeof(*u));
	default_iface(rootfd, "proc/net/route", gpupt_route_default_iface, u->route);
	default_iface(rootfd, "proc/net/ipv6_route", gpupt_route6_default_iface, u->route6);
	if (u->route[0])
		descend(&w, u->route);
	if (u->route6[0] && strcmp(u->route6, u->route) != 0)
		descend(&w, u->route6);
}

const struct gpupt_uplink_nic *gpupt_uplink_of_addr(const struct gpupt_uplink *u, const char *addr)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->nic[i].addr[0] && strcmp(u->nic[i].addr, addr) == 0)
			return &u->nic[i];
	return NULL;
}

void gpupt_uplink_chain_split(const char *chain, struct gpupt_uplink_nic *n)
{
	const char *last = strrchr(chain, ' '), *nic = last ? last : chain;

	while (nic > chain && nic[-1] != ' ')
		nic--;
	snprintf(n->chain, sizeof(n->chain), "%s", chain);
	snprintf(n->route, sizeof(n->route), "%.*s", (int)strcspn(chain, " "), chain);
	snprintf(n->nic, sizeof(n->nic), "%.*s", last ? (int)(last - nic) : 0, nic);
	snprintf(n->addr, sizeof(n->addr), "%s", last && strcmp(last + 1, "-") != 0 ? last + 1 : "");
}

const char *gpupt_uplink_chain_text(const char *chain, char *buf, size_t size)
{
	static const char arrow[] = " → ";
	size_t n = 0;

	for (const char *p = chain; *p; p++) {
		size_t len = *p == ' ' ? sizeof(arrow) - 1 : 1;

		if (n + len >= size)
			break;
		memcpy(buf + n, *p == ' ' ? arrow : p, len);
		n += len;
	}
	if (size)
		buf[n] = '\0';
	return buf;
}

const char *gpupt_uplink_families(const char *route, const char *route6, const char *iface)
{
	bool v4 = strcmp(route, iface) == 0, v6 = strcmp(route6, iface) == 0;

	return v4 && v6 ? "IPv4 and IPv6" : v6 ? "IPv6" : "IPv4";
}
