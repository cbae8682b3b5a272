// SPDX-License-Identifier: MIT
/*
 * gpupt map: this node's entries of a Proxmox VE cluster resource mapping
 * (/etc/pve/mapping/pci.cfg) for the devices SEL selects, through pvesh on
 * a live Proxmox host, else by editing the file (atomically, with a backup).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/formats/pvemap.h"
#include "host/host.h"
#include "host/model/backup.h"
#include "host/model/devices.h"
#include "host/model/history.h"
#include "host/model/lock.h"
#include "host/model/pvemapping.h"
#include "host/model/safety.h"
#include "host/model/select.h"
#include "lib/atomic.h"
#include "lib/diff.h"
#include "lib/json.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "lib/run.h"

#define PVEMAP_PATH GPUPT_PVEMAP_PATH
#define PVESH_API "/cluster/mapping/pci"

struct map_cmd {
	struct gpupt_host *h;
	const char *name;
	char *const *sels;
	int n_sels;
	bool dry_run, yes;
	bool use_pvesh;
	bool exists;  /* the mapping is in the file already */
	bool changed; /* the node's entries change */
	bool applied;
	struct gpupt_lock lock;
	char node[GPUPT_PVEMAP_NODE_MAX];
	struct gpupt_devlist l;
	struct gpupt_selection sel;
	char values[GPUPT_MAX_ADDRS][GPUPT_PVEMAP_VALUE_MAX];
	const char *vals[GPUPT_MAX_ADDRS];
	unsigned n_values;
	char *conf; /* the file before, NULL when it does not exist */
	size_t conf_len;
	char *out; /* the file after */
	size_t out_len;
	char backup_dir[GPUPT_PATH_MAX];
};

static int usage(FILE *f, int status)
{
	fputs("Usage: gpupt map NAME SEL... [options]\n"
	      "\n"
	      "Sets this node's entries of the Proxmox VE cluster resource mapping NAME\n"
	      "(/etc/pve/mapping/pci.cfg) to the devices SEL selects: VVVV:DDDD (every\n"
	      "device with that ID), [DDDD:]BB:SS (every function of a slot: one entry for\n"
	      "the whole card) or [DDDD:]BB:SS.F (one function).  Each entry records the\n"
	      "node, path, id, subsystem-id and IOMMU group that Proxmox VE checks before a\n"
	      "VM starts; several entries of one node are alternatives (the VM gets the\n"
	      "first that is free).  Other nodes' entries and everything else in the file\n"
	      "stay as they are.  Uses `pvesh` on a Proxmox host; otherwise, or with\n"
	      "--root, edits the file atomically, with a backup.  A VM uses the mapping\n"
	      "with `gpupt vm VMID --mapping NAME`.\n"
	      "NAME: a letter, then letters, digits, '-' or '_' (2 to 63 characters).\n"
	      "\n"
	      "  -n, --dry-run   print the change (diff or pvesh command); touch nothing\n"
	      "  -y, --yes       do not ask (needed without a terminal)\n"
	      "  --json          machine-readable output\n"
	      "\n"
	      "Example: gpupt map gpu 01:00   (on every node with the card, then\n"
	      "         gpupt vm 100 --mapping gpu)\n"
	      "\n"
	      "Exit status: 0 done, or nothing to change; 1 a device refused, the node's\n"
	      "name unknown, the change failed, or the answer was no; 2 usage error (a bad\n"
	      "NAME or SEL), or no terminal to ask and no --yes.\n",
	      f);
	return status;
}

enum { OPT_DRY_RUN = 1, OPT_YES, OPT_JSON };

const struct gpupt_option gpupt_map_options[] = {
	{ "dry-run", 'n', GPUPT_OPT_FLAG, OPT_DRY_RUN },
	{ "yes", 'y', GPUPT_OPT_FLAG, OPT_YES },
	{ "json", 'j', GPUPT_OPT_FLAG, OPT_JSON },
	{ NULL, 0, GPUPT_OPT_FLAG, 0 },
};

static int take_option(void *ctx, int id, const char *value)
{
	struct map_cmd *c = ctx;

	(void)value;
	if (id == OPT_DRY_RUN)
		c->dry_run = true;
	else if (id == OPT_YES)
		c->yes = true;
	else
		c->h->json = true;
	return 0;
}

static int parse_args(struct map_cmd *c, int argc, char **argv)
{
	int first, r = gpupt_options_parse_or_usage(c->h->out, c->h->err, gpupt_map_options, argc,
						    argv, take_option, c, &first, usage);

	if (r != 0)
		return r;
	if (argc - first < 2) {
		gpupt_msg(c->h->err, "map: give a mapping NAME and at least one SEL (gpupt map gpu 01:00)\n\n");
		return usage(c->h->err, 2);
	}
	c->name = argv[first];
	if (!gpupt_pvemap_name_ok(c->name)) {
		char shown[256];

		gpupt_msg(c->h->err,
			  "map: mapping name \"%s\" is not one Proxmox VE accepts: a letter, then "
			  "letters, digits, '-' or '_' (2 to 63 characters), e.g. gpu0\n",
			  gpupt_printable(c->name, shown, sizeof(shown)));
		return 2;
	}
	c->sels = argv + first + 1;
	c->n_sels = argc - first - 1;
	return 0;
}

/* ---- this node and its devices ---------------------------------------------- */

static int read_node(struct map_cmd *c)
{
	int r = gpupt_pve_nodename(c->h->rootfd, c->node);

	if (r == -EINVAL)
		gpupt_msg(c->h->err, "map: /etc/hostname does not hold a Proxmox VE node name "
				     "(letters, digits and '-'); fix it first\n");
	else if (r < 0)
		gpupt_msg(c->h->err,
			  "map: cannot tell this node's name: /etc/hostname: %s; "
			  "set the host name (hostnamectl set-hostname NAME)\n",
			  gpupt_read_strerror(-r));
	return r < 0 ? 1 : 0;
}

static unsigned functions_in_slot(const struct gpupt_devlist *l, const struct gpupt_dev *d)
{
	unsigned n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += gpupt_dev_same_slot(&l->dev[i], d);
	return n;
}

static unsigned selected_in_slot(const struct map_cmd *c, const struct gpupt_dev *d)
{
	unsigned n = 0;

	for (size_t i = 0; i < c->sel.n; i++)
		n += gpupt_dev_same_slot(&c->l.dev[c->sel.idx[i]], d);
	return n;
}

/*
 * One entry per card: PVE passes a path without a function as the whole
 * slot and checks it by its function 0; a single function keeps its own.
 * Two entries of a node would be alternatives, so a slot's functions
 * cannot be listed one by one.
 */
static int add_entry(struct map_cmd *c, const struct gpupt_dev *d)
{
	unsigned all = functions_in_slot(&c->l, d), chosen = selected_in_slot(c, d);
	struct gpupt_pvemap_entry e = {
		.vendor = d->vendor,
		.device = d->device,
		.subvendor = d->subvendor,
		.subdevice = d->subdevice,
		.iommu_group = d->iommu_group
	};

	if (chosen > 1 && chosen < all) {
		gpupt_msg(c->h->err,
			  "map: %u of the %u functions of slot %.12s are selected: a mapping entry "
			  "passes one function or the whole slot; give the slot (%.12s) or one "
			  "function\n",
			  chosen, all, d->addr, d->addr);
		return 2;
	}
	snprintf(e.path, sizeof(e.path), "%.*s", chosen == all && all > 1 ? 10 : 12, d->addr);
	if (gpupt_pvemap_format(&e, c->node, c->values[c->n_values], GPUPT_PVEMAP_VALUE_MAX) < 0)
		return 1;
	c->vals[c->n_values] = c->values[c->n_values];
	c->n_values++;
	return 0;
}

/* The entries, in address order: a whole slot by its first function. */
static int build_entries(struct map_cmd *c)
{
	for (size_t i = 0; i < c->sel.n; i++) {
		const struct gpupt_dev *d = &c->l.dev[c->sel.idx[i]];
		int r;

		if (i > 0 && gpupt_dev_same_slot(&c->l.dev[c->sel.idx[i - 1]], d))
			continue;
		r = add_entry(c, d);
		if (r != 0)
			return r;
	}
	return 0;
}

static int safety(struct map_cmd *c)
{
	struct gpupt_safety_report rep;
	int r = gpupt_safety_check(c->h, &c->l, &c->sel, &rep);

	if (r < 0) {
		gpupt_msg(c->h->err, "map: the safety check could not run: %s\n", strerror(-r));
		return 1;
	}
	gpupt_safety_print(&rep, c->h->err);
	if (rep.n_refuse) {
		gpupt_msg(c->h->err, "map: refusing to map what a VM must never get (see above)\n");
		return 1;
	}
	return 0;
}

static int resolve(struct map_cmd *c)
{
	int r = gpupt_devices_scan_flags(c->h, &c->l, GPUPT_SCAN_NO_NAMES);

	if (r < 0) {
		gpupt_msg(c->h->err, "map: cannot enumerate PCI devices under %s: %s\n", c->h->root,
			  strerror(-r));
		return 1;
	}
	r = gpupt_select_resolve(&c->l, (const char *const *)c->sels, c->n_sels, &c->sel, c->h->err);
	if (r == -E2BIG)
		gpupt_msg(c->h->err, "map: more than %d functions selected; select fewer\n", GPUPT_MAX_ADDRS);
	if (r < 0)
		return 2;
	if ((r = safety(c)) != 0)
		return r;
	return build_entries(c);
}

/* ---- the file --------------------------------------------------------------- */

static int plan(struct map_cmd *c)
{
	struct gpupt_pvemap_info *info = malloc(sizeof(*info));
	int r = gpupt_read_file_alloc(c->h->rootfd, PVEMAP_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				      &c->conf, &c->conf_len);
	size_t size = c->conf_len + (c->n_values + 1) * (GPUPT_PVEMAP_VALUE_MAX + 8) + GPUPT_PVEMAP_NAME_MAX;
	long n;

	if (r == -ENOENT)
		r = 0, c->conf = NULL, c->conf_len = 0;
	if (r < 0 || !info) {
		gpupt_msg(c->h->err, "map: cannot read /%s: %s\n", PVEMAP_PATH,
			  r < 0 ? gpupt_read_strerror(-r) : strerror(ENOMEM));
		free(info);
		return 1;
	}
	r = gpupt_pvemap_scan(c->conf, c->conf_len, info);
	c->exists = r == 0 && gpupt_pvemap_find(info, c->name) >= 0;
	free(info);
	c->out = malloc(size);
	n = c->out ? gpupt_pvemap_edit(c->conf, c->conf_len, c->name, c->node, c->vals, c->n_values, c->out, size)
		   : -ENOMEM;
	if (r < 0 || n < 0) {
		gpupt_msg(c->h->err, "map: cannot edit /%s: %s; it is unchanged\n", PVEMAP_PATH,
			  strerror(r < 0 ? -r : (int)-n));
		return 1;
	}
	c->out_len = (size_t)n;
	c->changed = c->out_len != c->conf_len || memcmp(c->out, c->conf ? c->conf : "", c->out_len) != 0;
	return 0;
}

/*
 * Without --yes: ask a terminal user, refuse anyone else, as vm does.
 * Then take gpupt's lock.  Returns 0 to go ahead, else the exit status.
 */
static int confirm_and_lock(struct map_cmd *c)
{
	FILE *q = c->h->json ? c->h->err : c->h->out;

	if (!c->yes && !isatty(STDIN_FILENO)) {
		gpupt_msg(c->h->err,
			  "map: this sets node %s's entries of mapping %s: add --yes to go ahead (or "
			  "--dry-run to see the change first)\n",
			  c->node, c->name);
		return 2;
	}
	if (!c->yes) {
		char answer[16];

		fprintf(q, "Set node %s's entries of mapping %s? [y/N] ", c->node, c->name);
		fflush(q);
		if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
			gpupt_msg(c->h->err, "map: nothing changed\n");
			return 1;
		}
	}
	if (gpupt_lock_take(c->h->rootfd, "map", c->h->err, &c->lock) < 0) {
		gpupt_msg(c->h->err, "map: nothing changed\n");
		return 1;
	}
	return 0;
}

static int apply_file(struct map_cmd *c)
{
	struct gpupt_backup b;
	int r, ret;

	if (c->dry_run) {
		if (!c->h->json)
			gpupt_diff_print(c->h->out, PVEMAP_PATH, c->conf, c->conf_len, c->out, c->out_len);
		return 0;
	}
	if ((ret = confirm_and_lock(c)) != 0)
		return ret;
	gpupt_backup_init(&b, c->h->rootfd, "map");
	/* /etc/pve files are root:www-data 0640; pmxcfs ignores the mode. */
	r = gpupt_backup_edit(&b, PVEMAP_PATH, c->out, c->out_len, 0640);
	if (r < 0) {
		gpupt_msg(c->h->err, "map: cannot write /%s: %s; it is unchanged\n", PVEMAP_PATH,
			  strerror(-r));
		return 1;
	}
	r = gpupt_backup_commit(&b);
	if (r < 0) {
		int back = gpupt_backup_rollback(&b);

		gpupt_msg(c->h->err, "map: cannot write the backup's journal /%s/journal: %s; /%s %s\n",
			  b.dir, strerror(-r), PVEMAP_PATH,
			  back == 0 ? "is put back as it was" : "holds the new entries (putting it back failed)");
		c->applied = back != 0;
		return 1;
	}
	snprintf(c->backup_dir, sizeof(c->backup_dir), "%s", b.dir);
	gpupt_backups_prune(c->h->rootfd, c->h->err);
	if (!c->h->json)
		fprintf(c->h->out, "updated /%s (previous version in /%s)\n", PVEMAP_PATH, b.dir);
	c->applied = true;
	return 0;
}

/* ---- pvesh ---------------------------------------------------------------- */

/*
 * `pvesh create` for a new mapping; `pvesh set` replaces a mapping's whole
 * map list, so it gets every node's entries as the edited file has them.
 * store (out_len + 1 bytes) holds the values' copies argv points to.
 */
static int pvesh_argv(const struct map_cmd *c, const char **argv, size_t max, char *api,
		      size_t api_size, char *store)
{
	struct gpupt_pvemap_info *info = malloc(sizeof(*info));
	size_t n = 0;
	int sec = -1;

	if (!info || gpupt_pvemap_scan(c->out, c->out_len, info) < 0 ||
	    (sec = gpupt_pvemap_find(info, c->name)) < 0) {
		free(info);
		return -EINVAL;
	}
	argv[n++] = "pvesh";
	argv[n++] = c->exists ? "set" : "create";
	snprintf(api, api_size, "%s%s%s", PVESH_API, c->exists ? "/" : "", c->exists ? c->name : "");
	argv[n++] = api;
	if (!c->exists) {
		argv[n++] = "--id";
		argv[n++] = c->name;
	}
	for (unsigned i = 0; i < info->n_maps && n + 3 < max; i++) {
		const struct gpupt_pvemap_slice *v = &info->maps[i].value;

		if ((int)info->maps[i].section != sec)
			continue;
		memcpy(store, v->s, v->len);
		store[v->len] = '\0';
		argv[n++] = "--map";
		argv[n++] = store;
		store += v->len + 1;
	}
	argv[n] = NULL;
	free(info);
	return 0;
}

static int apply_pvesh(struct map_cmd *c)
{
	enum { MAX_ARGV = 2 * GPUPT_PVEMAP_MAX_MAPS + 8, LINE_MAX_LEN = 1 << 16 };
	const char **argv = calloc(MAX_ARGV, sizeof(*argv));
	char api[sizeof(PVESH_API) + GPUPT_PVEMAP_NAME_MAX];
	char *line = malloc(LINE_MAX_LEN), *store = malloc(c->out_len + 1);
	int ret = 1, r;

	if (!argv || !line || !store || pvesh_argv(c, argv, MAX_ARGV, api, sizeof(api), store) < 0) {
		gpupt_msg(c->h->err, "map: cannot build the pvesh command; nothing changed\n");
		goto out;
	}
	gpupt_argv_format(argv, line, LINE_MAX_LEN);
	if (c->dry_run) {
		if (!c->h->json)
			fprintf(c->h->out, "would run: %s\n", line);
		ret = 0;
		goto out;
	}
	if ((ret = confirm_and_lock(c)) != 0)
		goto out;
	if (!c->h->json)
		fprintf(c->h->out, "running: %s\n", line);
	fflush(c->h->out);
	/* pvesh prints nothing on success; with --json its words must not mix into ours. */
	r = gpupt_run_to(argv, c->h->json ? STDERR_FILENO : -1);
	if (r != 0) {
		gpupt_msg(c->h->err, "map: `%s` failed (%s %d); see its message above\n", line,
			  r < 0 ? "error" : "exit status", r < 0 ? -r : r);
		ret = 1;
		goto out;
	}
	c->applied = true;
	ret = 0;
out:
	free(argv);
	free(line);
	free(store);
	return ret;
}

/* ---- output --------------------------------------------------------------- */

static void print_plan(const struct map_cmd *c)
{
	fprintf(c->h->out, "mapping %s, node %s:\n", c->name, c->node);
	for (unsigned i = 0; i < c->n_values; i++)
		fprintf(c->h->out, "  map %s\n", c->values[i]);
	if (!c->changed)
		fprintf(c->h->out, "mapping %s already has these entries for node %s: nothing to change\n",
			c->name, c->node);
}

static int print_json(const struct map_cmd *c)
{
	struct gpupt_json j;

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	gpupt_json_kv_str(&j, "mapping", c->name);
	gpupt_json_kv_str(&j, "node", c->node);
	gpupt_json_kv_str(&j, "method", c->use_pvesh ? "pvesh" : "file");
	gpupt_json_kv_bool(&j, "dry_run", c->dry_run);
	gpupt_json_kv_bool(&j, "changes", c->changed);
	gpupt_json_kv_bool(&j, "applied", c->applied);
	gpupt_json_kv_str(&j, "backup", c->backup_dir[0] ? c->backup_dir : NULL);
	gpupt_json_key(&j, "map");
	gpupt_json_begin_array(&j);
	for (unsigned i = 0; i < c->n_values; i++)
		gpupt_json_str(&j, c->values[i]);
	gpupt_json_end_array(&j);
	gpupt_json_end_object(&j);
	return gpupt_json_finish(&j);
}

static int run(struct map_cmd *c)
{
	int ret;

	if ((ret = read_node(c)) != 0 || (ret = resolve(c)) != 0 || (ret = plan(c)) != 0)
		return ret;
	c->use_pvesh = strcmp(c->h->root, "/") == 0 && gpupt_run_in_path("pvesh");
	if (!c->h->json)
		print_plan(c);
	if (c->changed)
		ret = c->use_pvesh ? apply_pvesh(c) : apply_file(c);
	gpupt_lock_release(&c->lock);
	if (c->h->json && print_json(c) < 0)
		ret = ret ? ret : 1;
	if (fflush(c->h->out) != 0 && ret == 0)
		ret = 1;
	return ret;
}

int gpupt_cmd_map(struct gpupt_host *h, int argc, char **argv)
{
	struct map_cmd *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return 1;
	c->h = h;
	c->lock.fd = -1;
	ret = parse_args(c, argc, argv);
	if (ret == 0)
		ret = run(c);
	else if (ret < 0)
		ret = 0;
	gpupt_devices_free(&c->l);
	free(c->conf);
	free(c->out);
	free(c);
	return ret;
}
