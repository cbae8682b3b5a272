// SPDX-License-Identifier: MIT
/*
 * `make bench`: how long the parsers take on a typical Proxmox command line,
 * on the largest selection they hold, and on the largest conf file the
 * writer makes.  Prints the best of several rounds, so other load on the
 * machine inflates the figures as little as possible.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmdline/cmdline.h"
#include "conf/conf.h"

enum { ROUNDS = 7, ITERS = 2000 };

typedef int parse_fn(const char *buf, size_t len, struct gpupt_config *out,
		     struct gpupt_diags *diags);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void bench(const char *name, parse_fn *parse, const char *buf, size_t len)
{
	static struct gpupt_config c;
	static struct gpupt_diags d;
	double best = 0;
	unsigned sink = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (int i = 0; i < ITERS; i++) {
			gpupt_config_init(&c);
			gpupt_diags_init(&d);
			parse(buf, len, &c, &d);
			sink += c.n_ids + c.n_addrs + d.n;
		}
		double t = (now_ns() - t0) / ITERS;

		if (r == 0 || t < best)
			best = t;
	}
	printf("%-34s %5zu bytes %9.0f ns/parse (%u)\n", name, len, best, sink / (ROUNDS * ITERS));
}

static size_t full_cmdline(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "BOOT_IMAGE=/boot/vmlinuz ro quiet gpupt.ids=");

	for (unsigned i = 0; i < GPUPT_MAX_IDS; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s10de:%04x:1043:%04x", i ? "," : "", i, i);
	n += (size_t)snprintf(buf + n, size - n, " gpupt.addrs=");
	for (unsigned i = 0; i < GPUPT_MAX_ADDRS; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s0000:%02x:00.0=10de:%04x", i ? "," : "", i, i);
	n += (size_t)snprintf(buf + n, size - n, " gpupt.driver=vfio-pci gpupt.debug\n");
	return n;
}

int main(void)
{
	static const char proxmox[] =
		"BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet "
		"intel_iommu=on iommu=pt gpupt.ids=10de:1381,10de:0fbc\n";
	static char line[8192], conf[GPUPT_CONF_WRITE_MAX];
	struct gpupt_config c;
	size_t len = full_cmdline(line, sizeof(line));
	int n;

	bench("cmdline: Proxmox, one GPU", gpupt_cmdline_parse, proxmox, sizeof(proxmox) - 1);
	bench("cmdline: 64 ids + 64 addrs", gpupt_cmdline_parse, line, len);
	gpupt_config_init(&c);
	gpupt_cmdline_parse(line, len, &c, NULL);
	n = gpupt_conf_write(&c, conf, sizeof(conf));
	if (n < 0) {
		fprintf(stderr, "bench-parse: gpupt_conf_write failed (%d)\n", n);
		return 1;
	}
	bench("conf: written from the line above", gpupt_conf_parse, conf, (size_t)n);
	return 0;
}
