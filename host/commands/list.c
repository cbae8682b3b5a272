// SPDX-License-Identifier: MIT
/* gpupt list: the display devices, every function of their slots, their groups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/model/devices.h"
#include "host/model/select.h"
#include "lib/json.h"
#include "lib/msg.h"

struct list_ctx {
	struct gpupt_host *h;
	struct gpupt_devlist l;
	struct gpupt_config conf, cmdline;
	bool *shown; /* l.n flags: device is listed */
};

enum { COL_ADDR, COL_ID, COL_DRIVER, COL_OVERRIDE, COL_GROUP, COL_BOOT, COL_RESET, COL_SEL, NCOLS };

static const char *const col_title[NCOLS] = {
	"ADDRESS", "ID", "DRIVER", "OVERRIDE", "GROUP", "BOOT_VGA", "RESET", "SELECTED",
};

/* Every function in the slot of a display-class device (--verbose: every device). */
static size_t mark_shown(struct list_ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->l.n; i++) {
		if (!gpupt_dev_is_display(&c->l.dev[i]) && !c->h->verbose)
			continue;
		for (size_t k = 0; k < c->l.n; k++)
			if (gpupt_dev_same_slot(&c->l.dev[k], &c->l.dev[i]))
				c->shown[k] = true;
	}
	for (size_t i = 0; i < c->l.n; i++)
		n += c->shown[i];
	return n;
}

static void cell(const struct list_ctx *c, const struct gpupt_dev *d, int col, char *buf, size_t size)
{
	const char *src;

	switch (col) {
	case COL_ADDR:
		snprintf(buf, size, "%s", d->addr);
		break;
	case COL_ID:
		snprintf(buf, size, "%04x:%04x", d->vendor, d->device);
		break;
	case COL_DRIVER:
		gpupt_printable(d->driver[0] ? d->driver : "-", buf, size);
		break;
	case COL_OVERRIDE:
		gpupt_printable(d->driver_override[0] ? d->driver_override : "-", buf, size);
		break;
	case COL_GROUP:
		if (d->iommu_group < 0)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%d", d->iommu_group);
		break;
	case COL_BOOT:
		snprintf(buf, size, "%s", d->boot_vga < 0 ? "-" : d->boot_vga ? "yes" : "no");
		break;
	case COL_RESET:
		gpupt_printable(d->reset_method[0] ? d->reset_method : "-", buf, size);
		for (char *p = buf; *p; p++)
			if (*p == ' ')
				*p = ',';
		break;
	default:
		src = gpupt_select_source(&c->conf, &c->cmdline, d);
		snprintf(buf, size, "%s", src ? src : "-");
		break;
	}
}

static void print_group(const struct list_ctx *c, int group)
{
	const char *sep = "";

	fprintf(c->h->out, "IOMMU group %d:", group);
	for (size_t k = 0; k < c->l.n; k++) {
		const struct gpupt_dev *o = &c->l.dev[k];
		char drv[4 * GPUPT_DRVNAME_MAX];

		if (o->iommu_group != group)
			continue;
		fprintf(c->h->out, "%s %s [%04x:%04x] %s", sep, o->addr, o->vendor, o->device,
			gpupt_printable(o->driver[0] ? o->driver : "(no driver)", drv, sizeof(drv)));
		sep = ",";
	}
	fputc('\n', c->h->out);
}

/* Each group of a listed device once, in order of first appearance. */
static void print_groups(const struct list_ctx *c)
{
	for (size_t i = 0; i < c->l.n; i++) {
		const struct gpupt_dev *d = &c->l.dev[i];
		bool seen = false;

		if (!c->shown[i] || d->iommu_group < 0)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = c->shown[k] && c->l.dev[k].iommu_group == d->iommu_group;
		if (!seen)
			print_group(c, d->iommu_group);
	}
}

static void print_table(const struct list_ctx *c)
{
	char buf[4 * GPUPT_DRVNAME_MAX];
	int width[NCOLS];

	for (int col = 0; col < NCOLS; col++)
		width[col] = (int)strlen(col_title[col]);
	for (size_t i = 0; i < c->l.n; i++)
		for (int col = 0; c->shown[i] && col < NCOLS; col++) {
			cell(c, &c->l.dev[i], col, buf, sizeof(buf));
			if ((int)strlen(buf) > width[col])
				width[col] = (int)strlen(buf);
		}
	for (int col = 0; col < NCOLS; col++)
		fprintf(c->h->out, "%-*s  ", width[col], col_title[col]);
	fputs("DEVICE\n", c->h->out);
	for (size_t i = 0; i < c->l.n; i++) {
		const struct gpupt_dev *d = &c->l.dev[i];

		if (!c->shown[i])
			continue;
		for (int col = 0; col < NCOLS; col++) {
			cell(c, d, col, buf, sizeof(buf));
			fprintf(c->h->out, "%-*s  ", width[col], buf);
		}
		fprintf(c->h->out, "%s: %s %s", d->class_name, d->vendor_name, d->device_name);
		if (d->subsys_name[0])
			fprintf(c->h->out, " (subsystem %04x:%04x %s)", d->subvendor, d->subdevice,
				d->subsys_name);
		fputc('\n', c->h->out);
	}
	fputc('\n', c->h->out);
	print_groups(c);
}

static void json_hex(struct gpupt_json *j, const char *key, unsigned v, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", digits, v);
	gpupt_json_kv_str(j, key, buf);
}

static void json_group_members(const struct list_ctx *c, struct gpupt_json *j, const struct gpupt_dev *d)
{
	gpupt_json_key(j, "iommu_group_members");
	gpupt_json_begin_array(j);
	for (size_t k = 0; k < c->l.n && d->iommu_group >= 0; k++) {
		const struct gpupt_dev *o = &c->l.dev[k];

		if (o->iommu_group != d->iommu_group || o == d)
			continue;
		gpupt_json_begin_object(j);
		gpupt_json_kv_str(j, "address", o->addr);
		json_hex(j, "vendor", o->vendor, 4);
		json_hex(j, "device", o->device, 4);
		json_hex(j, "class", o->class, 6);
		gpupt_json_kv_str(j, "driver", o->driver[0] ? o->driver : NULL);
		gpupt_json_end_object(j);
	}
	gpupt_json_end_array(j);
}

static void json_device(const struct list_ctx *c, struct gpupt_json *j, const struct gpupt_dev *d)
{
	gpupt_json_begin_object(j);
	gpupt_json_kv_str(j, "address", d->addr);
	json_hex(j, "vendor", d->vendor, 4);
	json_hex(j, "device", d->device, 4);
	json_hex(j, "subvendor", d->subvendor, 4);
	json_hex(j, "subdevice", d->subdevice, 4);
	json_hex(j, "class", d->class, 6);
	gpupt_json_kv_str(j, "class_name", d->class_name);
	gpupt_json_kv_str(j, "vendor_name", d->vendor_name);
	gpupt_json_kv_str(j, "device_name", d->device_name);
	gpupt_json_kv_str(j, "subsystem_name", d->subsys_name[0] ? d->subsys_name : NULL);
	gpupt_json_kv_str(j, "driver", d->driver[0] ? d->driver : NULL);
	gpupt_json_kv_str(j, "driver_override", d->driver_override[0] ? d->driver_override : NULL);
	gpupt_json_key(j, "iommu_group");
	if (d->iommu_group < 0)
		gpupt_json_null(j);
	else
		gpupt_json_int(j, d->iommu_group);
	json_group_members(c, j, d);
	gpupt_json_key(j, "boot_vga");
	if (d->boot_vga < 0)
		gpupt_json_null(j);
	else
		gpupt_json_bool(j, d->boot_vga == 1);
	gpupt_json_kv_str(j, "reset_method", d->reset_method[0] ? d->reset_method : NULL);
	gpupt_json_kv_str(j, "selected_by", gpupt_select_source(&c->conf, &c->cmdline, d));
	gpupt_json_end_object(j);
}

static int print_json(const struct list_ctx *c)
{
	struct gpupt_json j;

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	gpupt_json_kv_bool(&j, "gpupt_off", c->cmdline.off);
	gpupt_json_key(&j, "devices");
	gpupt_json_begin_array(&j);
	for (size_t i = 0; i < c->l.n; i++)
		if (c->shown[i])
			json_device(c, &j, &c->l.dev[i]);
	gpupt_json_end_array(&j);
	gpupt_json_end_object(&j);
	return gpupt_json_finish(&j);
}

static int list_usage(struct gpupt_host *h, FILE *f, int status)
{
	(void)h;
	fputs("Usage: gpupt [--root DIR] [--json] [--verbose] list\n"
	      "\n"
	      "Show every display-class PCI device (class 0x03xx) with all functions of its\n"
	      "slot: address, [vendor:device], bound driver, driver_override, IOMMU group,\n"
	      "boot_vga, reset methods, and which configuration selects it at the next boot\n"
	      "(\"conf\" = /etc/gpupt.conf, \"cmdline\" = gpupt.* on the kernel command line).\n"
	      "Then every IOMMU group involved, with all its members and their drivers.\n"
	      "With --verbose, every PCI device is listed.\n",
	      f);
	return status;
}

int gpupt_cmd_list(struct gpupt_host *h, int argc, char **argv)
{
	struct list_ctx c = { .h = h };
	int ret = 1, opt, r, first;
	size_t n_shown;

	opt = gpupt_options_parse(h->err, gpupt_no_options, argc, argv, gpupt_option_none, NULL, &first);
	if (opt == GPUPT_OPTIONS_HELP)
		return list_usage(h, h->out, 0);
	if (opt != 0)
		return list_usage(h, h->err, 2);
	if (first < argc) {
		gpupt_msg(h->err, "list: unexpected argument \"%s\"\n", argv[first]);
		return list_usage(h, h->err, 2);
	}
	r = gpupt_devices_scan_flags(h, &c.l, GPUPT_SCAN_NO_NAMES);
	if (r < 0) {
		gpupt_msg(h->err, "cannot enumerate PCI devices under %s: %s\n", h->root, strerror(-r));
		return 1;
	}
	if (gpupt_config_load(h, &c.conf, &c.cmdline, NULL, h->err) < 0)
		goto out;
	c.shown = calloc(c.l.n + 1, sizeof(*c.shown));
	if (!c.shown)
		goto out;
	n_shown = mark_shown(&c);
	if (n_shown && gpupt_devices_fill_names(h, &c.l, c.shown) < 0)
		goto out;
	if (h->json) {
		ret = print_json(&c) < 0 ? 1 : 0;
		goto out;
	}
	if (n_shown == 0)
		fputs("No display-class PCI devices found (class 0x03xx): nothing to pass through.\n",
		      h->out);
	else
		print_table(&c);
	if (c.cmdline.off)
		fputs("gpupt.off is on the kernel command line: nothing is bound this boot.\n", h->out);
	ret = 0;
out:
	free(c.shown);
	gpupt_devices_free(&c.l);
	return ret;
}
