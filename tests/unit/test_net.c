// SPDX-License-Identifier: MIT
/*
 * The routing tables and interface lists of host/formats/net.c, on text as
 * the kernel prints it (each input an exact-size heap copy, so that ASan
 * sees any read past len): the default route of each family, the
 * unreachable IPv6 default route the kernel keeps through lo, reject
 * routes, malformed lines, interface names the kernel would refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/formats/net.h"

#define V4_HEAD "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
#define V4_NET "vmbr0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
#define V4_DEFAULT "vmbr0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"

/* What a Proxmox host with SLAAC shows: link routes, the default, the local ones, lo's reject route. */
#define V6_LINK "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 " \
		"00000000000000000000000000000000 00000100 00000002 00000000 00000001    vmbr0\n"
#define V6_DEFAULT "00000000000000000000000000000000 00 00000000000000000000000000000000 00 " \
		   "fe800000000000000000000000000001 00000400 00000002 00000000 00000003    vmbr0\n"
#define V6_LOCAL "00000000000000000000000000000001 80 00000000000000000000000000000000 00 " \
		 "00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n"
#define V6_REJECT "00000000000000000000000000000000 00 00000000000000000000000000000000 00 " \
		  "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"

/* An exact-size heap copy: ASan then sees a read past len. */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static int v4(const char *text, char *iface)
{
	char *in = exact_copy(text, strlen(text));
	int r = gpupt_route_default_iface(in, strlen(text), iface, GPUPT_IFNAME_MAX);

	free(in);
	return r;
}

static int v6(const char *text, char *iface)
{
	char *in = exact_copy(text, strlen(text));
	int r = gpupt_route6_default_iface(in, strlen(text), iface, GPUPT_IFNAME_MAX);

	free(in);
	return r;
}

static void test_ipv4_default(void **state)
{
	char iface[GPUPT_IFNAME_MAX];

	(void)state;
	assert_int_equal(v4(V4_HEAD V4_NET V4_DEFAULT, iface), 0);
	assert_string_equal(iface, "vmbr0");
	assert_int_equal(v4(V4_HEAD V4_NET, iface), -ENOENT);
	assert_int_equal(v4(V4_HEAD, iface), -ENOENT);
	assert_int_equal(v4("", iface), -ENOENT);
	/* No newline at the end, as a cut read would leave it. */
	assert_int_equal(v4(V4_HEAD "eno1\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000", iface), 0);
	assert_string_equal(iface, "eno1");
	/* `ip route add unreachable default`: RTF_REJECT, through lo; the real one follows. */
	assert_int_equal(v4(V4_HEAD "*\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n" V4_DEFAULT, iface), 0);
	assert_string_equal(iface, "vmbr0");
	/* Too few fields, flags that are not hex. */
	assert_int_equal(v4(V4_HEAD "vmbr0\t00000000\n", iface), -EINVAL);
	assert_int_equal(v4(V4_HEAD "vmbr0\t00000000\t0\tzz\t0\t0\t0\t00000000\n", iface), -EINVAL);
}

static void test_ipv4_has_iface(void **state)
{
	static const char text[] = V4_HEAD V4_NET;
	char *in = exact_copy(text, strlen(text));

	(void)state;
	assert_true(gpupt_route_has_iface(in, strlen(text), "vmbr0"));
	assert_false(gpupt_route_has_iface(in, strlen(text), "vmbr"));
	assert_false(gpupt_route_has_iface(in, strlen(text), "enp3s0"));
	free(in);
}

static void test_ipv6_default(void **state)
{
	static const char text[] = V6_LINK V6_LOCAL V6_REJECT V6_DEFAULT;
	char iface[GPUPT_IFNAME_MAX], *in = exact_copy(text, strlen(text));

	(void)state;
	/* lo's unreachable ::/0 comes first here: skipped. */
	assert_int_equal(v6(text, iface), 0);
	assert_string_equal(iface, "vmbr0");
	assert_true(gpupt_route6_has_default(in, strlen(text), "vmbr0"));
	assert_false(gpupt_route6_has_default(in, strlen(text), "lo"));
	free(in);
	/* Link-local routes only (no router advertisement yet): no default route. */
	assert_int_equal(v6(V6_LINK V6_LOCAL V6_REJECT, iface), -ENOENT);
	in = exact_copy(V6_LINK, strlen(V6_LINK));
	assert_false(gpupt_route6_has_default(in, strlen(V6_LINK), "vmbr0"));
	free(in);
	assert_int_equal(v6("", iface), -ENOENT);
	/* A prefix length of 0 with another destination is no default route. */
	assert_int_equal(v6("20010db8000000000000000000000000 00 00000000000000000000000000000000 00 "
			    "00000000000000000000000000000000 00000400 00000002 00000000 00000003 eth0\n",
			    iface),
			 -ENOENT);
}

static void test_ipv6_malformed(void **state)
{
	char iface[GPUPT_IFNAME_MAX];

	(void)state;
	/* Nine fields, eleven fields, flags that are not hex. */
	assert_int_equal(v6("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			    "00000000000000000000000000000000 00000400 00000002 00000000 00000003\n",
			    iface),
			 -EINVAL);
	assert_int_equal(v6("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			    "00000000000000000000000000000000 00000400 00000002 00000000 00000003 eth0 x\n",
			    iface),
			 -EINVAL);
	assert_int_equal(v6("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			    "00000000000000000000000000000000 00000400 00000002 00000000 0000000g eth0\n",
			    iface),
			 -EINVAL);
	/* An interface name the kernel never gives: 16 bytes. */
	assert_int_equal(v6("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			    "00000000000000000000000000000000 00000400 00000002 00000000 00000003 "
			    "abcdefghijklmnop\n",
			    iface),
			 -EINVAL);
}

static void test_ifname_ok(void **state)
{
	(void)state;
	assert_true(gpupt_ifname_ok("enp3s0", 6));
	assert_true(gpupt_ifname_ok("vmbr0.100", 9));
	assert_true(gpupt_ifname_ok("abcdefghijklmno", 15));
	assert_false(gpupt_ifname_ok("abcdefghijklmnop", 16));
	assert_false(gpupt_ifname_ok("", 0));
	assert_false(gpupt_ifname_ok(".", 1));
	assert_false(gpupt_ifname_ok("..", 2));
	assert_true(gpupt_ifname_ok("..a", 3));
	assert_false(gpupt_ifname_ok("a/b", 3));
	assert_false(gpupt_ifname_ok("eth0:1", 6));
	assert_false(gpupt_ifname_ok("a b", 3));
	assert_false(gpupt_ifname_ok("a\x7f", 2));
	/* Only the n bytes given count. */
	assert_true(gpupt_ifname_ok("eth0/x", 4));
}

static void test_slaves_list(void **state)
{
	static const char text[] = "enp3s0 enp4s0 bad/name  eno1\n";
	char name[GPUPT_IFNAME_MAX], *in = exact_copy(text, strlen(text));
	size_t pos = 0, len = strlen(text);

	(void)state;
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), 1);
	assert_string_equal(name, "enp3s0");
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), 1);
	assert_string_equal(name, "enp4s0");
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), -EINVAL);
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), 1);
	assert_string_equal(name, "eno1");
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), 0);
	assert_int_equal(gpupt_ifname_list_next(in, len, &pos, name, sizeof(name)), 0);
	free(in);
	/* An empty list (a bond without slaves reads "\n"); a name cut at len. */
	pos = 0;
	assert_int_equal(gpupt_ifname_list_next("\n", 1, &pos, name, sizeof(name)), 0);
	pos = 0;
	assert_int_equal(gpupt_ifname_list_next("eth0eth1", 4, &pos, name, sizeof(name)), 1);
	assert_string_equal(name, "eth0");
	assert_int_equal(pos, 4);
	/* Too small a buffer is refused, not cut. */
	pos = 0;
	assert_int_equal(gpupt_ifname_list_next("enp3s0", 6, &pos, name, 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_default),   cmocka_unit_test(test_ipv4_has_iface),
		cmocka_unit_test(test_ipv6_default),   cmocka_unit_test(test_ipv6_malformed),
		cmocka_unit_test(test_ifname_ok),      cmocka_unit_test(test_slaves_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
