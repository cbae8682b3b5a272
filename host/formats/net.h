/* SPDX-License-Identifier: MIT */
/*
 * The kernel's network text, as gpupt reads it to find the host's uplink:
 * the routing tables /proc/net/route and /proc/net/ipv6_route, and the
 * blank-separated interface lists of sysfs (a bond's bonding/slaves).
 *
 * Pure: (buf, len) in, never read past len, the caller's buffers out.
 */
#ifndef GPUPT_NET_H
#define GPUPT_NET_H

#include <stdbool.h>
#include <stddef.h>

enum { GPUPT_IFNAME_MAX = 16 }; /* the kernel's IFNAMSIZ: 15 bytes and the NUL */

/*
 * The kernel's rule for an interface name (dev_valid_name): 1 to 15 bytes,
 * not "." or "..", no '/', ':' or blank; gpupt also wants it printable
 * ASCII, as it puts names into paths, files and messages.
 */
bool gpupt_ifname_ok(const char *p, size_t n);

/*
 * The interface of the default route in /proc/net/route's text: the first
 * line whose Destination and Mask are 00000000 and that is not a reject
 * route (`ip route add unreachable default`).  Into iface (size bytes).
 * Returns 0, -ENOENT (no default route), -EINVAL (a malformed line).
 */
int gpupt_route_default_iface(const char *buf, size_t len, char *iface, size_t size);

/* Does /proc/net/route's text hold a route through iface? */
bool gpupt_route_has_iface(const char *buf, size_t len, const char *iface);

/*
 * The same for /proc/net/ipv6_route: one route a line, "DEST PLEN SRC SPLEN
 * NEXTHOP METRIC REFCNT USE FLAGS DEV" in hex, no header.  The default route
 * is DEST 000...0 (32 digits) with PLEN 00; the kernel keeps an unreachable
 * one through lo (flags RTF_REJECT), which is skipped.  Returns 0, -ENOENT,
 * -EINVAL.
 */
int gpupt_route6_default_iface(const char *buf, size_t len, char *iface, size_t size);

/*
 * Does /proc/net/ipv6_route's text hold a default route through iface?
 * (Every IPv6 interface that is up has link-local routes: only a default
 * route says it reaches beyond its link.)
 */
bool gpupt_route6_has_default(const char *buf, size_t len, const char *iface);

/*
 * The next interface name of a blank-separated list ("enp3s0 enp4s0\n",
 * as bonding/slaves reads) from *pos, into name (size bytes).  Returns 1,
 * 0 at the end, or -EINVAL for a word that is no interface name (skipped:
 * *pos is past it either way).
 */
int gpupt_ifname_list_next(const char *buf, size_t len, size_t *pos, char *name, size_t size);

#endif
