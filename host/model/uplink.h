/* SPDX-License-Identifier: MIT */
/*
 * The host's network uplink: the interface of each default route (IPv4's
 * /proc/net/route, IPv6's /proc/net/ipv6_route) followed down through
 * bridges (brif/), bonds (bonding/slaves) and stacked devices such as VLANs
 * and macvlans (lower_* links) to the interfaces on hardware (those with a
 * `device` link), and the PCI function behind each.
 *
 * Why: on Proxmox VE the address and the default route sit on a bridge
 * (vmbr0) whose port is the NIC.  The bridge stays up while any port is, a
 * guest's veth or tap included, so only the NIC under it tells whether the
 * host can still be reached, and only its PCI function tells that vfio-pci
 * must not take it.
 */
#ifndef GPUPT_UPLINK_H
#define GPUPT_UPLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "host/formats/net.h"
#include "host/model/devices.h"

enum {
	GPUPT_UPLINK_MAX = 8,	/* NICs recorded; more are left out (bonds of 8 are rare) */
	GPUPT_UPLINK_DEPTH = 6, /* vmbr0 → bond0.100 → bond0 → enp3s0: 4 */
	/* The names of a chain, a blank after each, then the PCI address. */
	GPUPT_UPLINK_CHAIN = GPUPT_UPLINK_DEPTH * GPUPT_IFNAME_MAX + GPUPT_ADDR_LEN,
};

struct gpupt_uplink_nic {
	/*
	 * The route's interface down to the NIC, then the NIC's PCI function
	 * ("-" when it is not on PCI), separated by blanks: "vmbr0 enp3s0
	 * 0000:03:00.0"; "enp3s0 0000:03:00.0" when the route is on the NIC.
	 */
	char chain[GPUPT_UPLINK_CHAIN];
	char route[GPUPT_IFNAME_MAX]; /* the default route's interface above it: "vmbr0" */
	char nic[GPUPT_IFNAME_MAX];   /* "enp3s0" */
	char addr[GPUPT_ADDR_LEN];    /* "0000:03:00.0", "" when not on PCI */
};

struct gpupt_uplink {
	char route[GPUPT_IFNAME_MAX];  /* IPv4's default route's interface, "" for none */
	char route6[GPUPT_IFNAME_MAX]; /* IPv6's */
	struct gpupt_uplink_nic nic[GPUPT_UPLINK_MAX];
	size_t n;
};

/* Find the uplink below rootfd (nothing when there is no default route). */
void gpupt_uplink_find(int rootfd, struct gpupt_uplink *u);

/* The NIC of u whose PCI function is addr, or NULL. */
const struct gpupt_uplink_nic *gpupt_uplink_of_addr(const struct gpupt_uplink *u, const char *addr);

/*
 * A chain as the state file keeps it back into n: its route, NIC and PCI
 * function ("" for "-").  Words too long for their field are cut.
 */
void gpupt_uplink_chain_split(const char *chain, struct gpupt_uplink_nic *n);

/* A chain as people read it: "vmbr0 → enp3s0 → 0000:03:00.0" (cut to fit); returns buf. */
const char *gpupt_uplink_chain_text(const char *chain, char *buf, size_t size);

/* "IPv4", "IPv6" or "IPv4 and IPv6": which default routes go through iface. */
const char *gpupt_uplink_families(const char *route, const char *route6, const char *iface);

#endif
