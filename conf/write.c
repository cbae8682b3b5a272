// SPDX-License-Identifier: MIT
/*
 * Writing a config as conf text that gpupt_conf_parse reads back equal.
 * Everything is validated first: a driver name with a newline in it would
 * otherwise smuggle a line of its own into the file.
 */
#include <errno.h>

#include "conf/conf.h"
#include "lib/strbuf.h"

static const char header[] =
	"# gpupt configuration, written by `gpupt enable`.\n"
	"# The devices selected here are bound to their passthrough driver at\n"
	"# boot, before any other driver can take them.  Add gpupt.off to the\n"
	"# kernel command line to disable gpupt for one boot.\n";

static bool addr_writable(const struct gpupt_pci_addr *a)
{
	return a->slot <= 0x1f && (a->whole_slot || a->func <= 7);
}

static bool writable(const struct gpupt_config *c)
{
	for (unsigned i = 0; i < c->n_addrs && i < GPUPT_MAX_ADDRS; i++)
		if (!addr_writable(&c->addrs[i]))
			return false;
	if (c->off || c->n_ids > GPUPT_MAX_IDS || c->n_addrs > GPUPT_MAX_ADDRS)
		return false;
	if (c->debug < -1 || c->debug > 1)
		return false;
	if (c->fb != GPUPT_FB_UNSET && c->fb != GPUPT_FB_RELEASE && c->fb != GPUPT_FB_KEEP)
		return false;
	for (size_t n = 0; n <= GPUPT_DRIVER_MAX; n++)
		if (c->driver[n] == '\0')
			return n == 0 || gpupt_check_driver_name(c->driver, n) == 0;
	return false; /* not NUL-terminated */
}

static void put_ids(struct gpupt_strbuf *b, const struct gpupt_config *c)
{
	char one[32];

	gpupt_strbuf_puts(b, "ids = ");
	for (unsigned i = 0; i < c->n_ids; i++) {
		int n = gpupt_format_id(&c->ids[i], one, sizeof(one));

		if (i)
			gpupt_strbuf_putc(b, ',');
		if (n > 0)
			gpupt_strbuf_put(b, one, (size_t)n);
	}
	gpupt_strbuf_putc(b, '\n');
}

static void put_addrs(struct gpupt_strbuf *b, const struct gpupt_config *c)
{
	char one[48];

	gpupt_strbuf_puts(b, "addrs = ");
	for (unsigned i = 0; i < c->n_addrs; i++) {
		int n = gpupt_format_addr(&c->addrs[i], one, sizeof(one));

		if (i)
			gpupt_strbuf_putc(b, ',');
		if (n > 0)
			gpupt_strbuf_put(b, one, (size_t)n);
	}
	gpupt_strbuf_putc(b, '\n');
}

int gpupt_conf_write(const struct gpupt_config *c, char *buf, size_t size)
{
	struct gpupt_strbuf b;

	if (!writable(c))
		return -EINVAL;
	gpupt_strbuf_init(&b, buf, size);
	gpupt_strbuf_puts(&b, header);
	if (c->n_ids)
		put_ids(&b, c);
	if (c->n_addrs)
		put_addrs(&b, c);
	if (c->driver[0]) {
		gpupt_strbuf_puts(&b, "driver = ");
		gpupt_strbuf_puts(&b, c->driver);
		gpupt_strbuf_putc(&b, '\n');
	}
	if (c->debug >= 0)
		gpupt_strbuf_puts(&b, c->debug ? "debug = 1\n" : "debug = 0\n");
	if (c->fb != GPUPT_FB_UNSET)
		gpupt_strbuf_puts(&b, c->fb == GPUPT_FB_KEEP ? "fb = keep\n" : "fb = release\n");
	return gpupt_strbuf_result(&b);
}
