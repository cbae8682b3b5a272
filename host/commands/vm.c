// SPDX-License-Identifier: MIT
/* gpupt vm: the Proxmox VE settings that pass a GPU to a VM, checked, then applied. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/formats/rom.h"
#include "host/formats/vmconf.h"
#include "host/host.h"
#include "host/model/backup.h"
#include "host/model/devices.h"
#include "host/model/history.h"
#include "host/model/lock.h"
#include "host/model/pvemapping.h"
#include "host/model/romdev.h"
#include "host/model/select.h"
#include "lib/atomic.h"
#include "lib/diff.h"
#include "lib/json.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "lib/run.h"
#include "sysfs/sysfs.h"

/* Up to 8 functions, the ROM, 4 firmware notes and 15 other hostpci entries fit. */
enum { MAX_NOTES = 32, NOTE_LEN = 320, CONF_PATH_LEN = 64 };

enum note_level { NOTE_OK, NOTE_INFO, NOTE_WARN };

struct vm_cmd {
	struct gpupt_host *h;
	unsigned long vmid;
	const char *vmid_arg;
	struct gpupt_vm_request req;
	char dev_name[GPUPT_ADDR_LEN]; /* "0000:01:00" or "0000:01:00.0" */
	bool one_function;
	const char *mapping; /* --mapping NAME */
	bool dry_run;
	struct gpupt_lock lock; /* held from the answer to the end of the change */
	bool yes;		/* --yes: do not ask */
	bool force;
	bool use_qm;
	bool has_display;	       /* a passed function is a display controller */
	bool running;		       /* the VM runs now */
	bool refused;		       /* ... and no --force (nor --dry-run) */
	char conf_path[CONF_PATH_LEN]; /* "etc/pve/qemu-server/100.conf" */
	char *conf;		       /* its bytes before the change */
	size_t conf_len;
	char backup_dir[GPUPT_PATH_MAX]; /* where apply_file saved them, "" if nowhere */
	struct gpupt_vmconf_info info;
	struct gpupt_vm_plan plan;
	struct {
		enum note_level level;
		char text[NOTE_LEN];
	} note[MAX_NOTES];
	unsigned n_notes;
};

static void note(struct vm_cmd *c, enum note_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct vm_cmd *c, enum note_level level, const char *fmt, ...)
{
	va_list ap;

	if (c->n_notes == MAX_NOTES)
		return;
	c->note[c->n_notes].level = level;
	va_start(ap, fmt);
	if (vsnprintf(c->note[c->n_notes].text, NOTE_LEN, fmt, ap) >= NOTE_LEN)
		memcpy(c->note[c->n_notes].text + NOTE_LEN - 4, "...", 4); /* show the cut */
	va_end(ap);
	c->n_notes++;
}

static int usage(FILE *f, int status)
{
	fputs("Usage: gpupt vm VMID DEVICE [options]\n"
	      "       gpupt vm VMID [DEVICE] --mapping NAME [options]\n"
	      "\n"
	      "Sets up Proxmox VE VM VMID (100..999999999) to get DEVICE, a slot\n"
	      "([DDDD:]BB:SS: every function, e.g. the GPU and its audio) or one function\n"
	      "([DDDD:]BB:SS.F, then the whole slot unless --one-function).  It checks\n"
	      "first: is the device selected by gpupt, can OVMF use its ROM, has the VM an\n"
	      "EFI disk; then sets hostpciN (replacing an entry for the same device),\n"
	      "machine and bios with `qm set`, or by editing the VM's configuration file\n"
	      "(atomically, with a backup) when qm is not there or --root is given.\n"
	      "Before changing anything it asks on a terminal; without one, it needs --yes.\n"
	      "\n"
	      "  --bios ovmf|seabios   firmware (default ovmf: UEFI)\n"
	      "  --pcie / --no-pcie    q35 machine with pcie=1 (default), or plain PCI\n"
	      "  --primary / --no-primary\n"
	      "                        the VM's primary GPU: x-vga=on (default)\n"
	      "  --one-function        pass only the function given, not the whole slot\n"
	      "  --mapping NAME        pass the device as the cluster mapping NAME\n"
	      "                        (hostpciN: mapping=NAME,...; see `gpupt map`); DEVICE\n"
	      "                        defaults to this node's entry of NAME\n"
	      "  -n, --dry-run         print the change (diff or qm command); touch nothing\n"
	      "  -y, --yes             do not ask (needed without a terminal)\n"
	      "  --force               change the configuration even while the VM runs\n"
	      "  --json                machine-readable output\n"
	      "\n"
	      "Examples, the four usual setups:\n"
	      "  gpupt vm 100 01:00                  OVMF, q35 + PCIe (recommended):\n"
	      "                                      hostpci0: 0000:01:00,pcie=1,x-vga=on\n"
	      "  gpupt vm 100 01:00 --bios seabios   SeaBIOS, q35 + PCIe (a ROM without EFI)\n"
	      "  gpupt vm 100 01:00 --no-pcie        OVMF, plain PCI (keeps an i440fx machine)\n"
	      "  gpupt vm 100 01:00 --bios seabios --no-pcie\n"
	      "                                      SeaBIOS, plain PCI\n"
	      "  Add --no-primary to keep the emulated display as the VM's first screen.\n"
	      "\n"
	      "Exit status: 0 done (or would be, with --dry-run); 1 the VM is running, its\n"
	      "configuration is missing or could not be changed, or the answer was no;\n"
	      "2 usage error, or no terminal to ask and no --yes.\n",
	      f);
	return status;
}

static int parse_device(struct vm_cmd *c, const char *arg)
{
	struct gpupt_pci_addr a;

	if (strchr(arg, '=') || gpupt_parse_addr(arg, strlen(arg), &a) < 0) {
		gpupt_msg(c->h->err,
			  "vm: \"%s\" is not a PCI address ([DDDD:]BB:SS or [DDDD:]BB:SS.F)\n", arg);
		return -EINVAL;
	}
	/* The guide passes every function of the slot: the GPU with its audio. */
	if (!c->one_function)
		a.whole_slot = true;
	c->req.dev = a;
	return gpupt_format_addr(&a, c->dev_name, sizeof(c->dev_name)) < 0 ? -EINVAL : 0;
}

enum {
	OPT_BIOS = 1,
	OPT_PCIE,
	OPT_NO_PCIE,
	OPT_PRIMARY,
	OPT_NO_PRIMARY,
	OPT_ONE,
	OPT_FORCE,
	OPT_MAPPING,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_JSON,
};

const struct gpupt_option gpupt_vm_options[] = {
	{ "bios", 0, GPUPT_OPT_VALUE, OPT_BIOS },
	{ "pcie", 0, GPUPT_OPT_FLAG, OPT_PCIE },
	{ "no-pcie", 0, GPUPT_OPT_FLAG, OPT_NO_PCIE },
	{ "primary", 0, GPUPT_OPT_FLAG, OPT_PRIMARY },
	{ "no-primary", 0, GPUPT_OPT_FLAG, OPT_NO_PRIMARY },
	{ "one-function", 0, GPUPT_OPT_FLAG, OPT_ONE },
	{ "mapping", 0, GPUPT_OPT_VALUE, OPT_MAPPING },
	{ "dry-run", 'n', GPUPT_OPT_FLAG, OPT_DRY_RUN },
	{ "yes", 'y', GPUPT_OPT_FLAG, OPT_YES },
	{ "force", 0, GPUPT_OPT_FLAG, OPT_FORCE },
	{ "json", 'j', GPUPT_OPT_FLAG, OPT_JSON },
	{ NULL, 0, GPUPT_OPT_FLAG, 0 },
};

static int take_option(void *ctx, int o, const char *value)
{
	struct vm_cmd *c = ctx;

	switch (o) {
	case OPT_BIOS:
		if (strcmp(value, "ovmf") != 0 && strcmp(value, "seabios") != 0) {
			gpupt_msg(c->h->err, "vm: --bios \"%s\": use ovmf or seabios\n", value);
			return 2;
		}
		c->req.ovmf = strcmp(value, "ovmf") == 0;
		return 0;
	case OPT_PCIE:
	case OPT_NO_PCIE:
		c->req.pcie = o == OPT_PCIE;
		return 0;
	case OPT_PRIMARY:
	case OPT_NO_PRIMARY:
		c->req.primary = o == OPT_PRIMARY;
		return 0;
	case OPT_ONE:
		c->one_function = true;
		return 0;
	case OPT_MAPPING:
		if (!gpupt_pvemap_name_ok(value)) {
			char shown[256];

			gpupt_msg(c->h->err,
				  "vm: --mapping \"%s\" is not a mapping name Proxmox VE accepts: a "
				  "letter, then letters, digits, '-' or '_' (2 to 63 characters)\n",
				  gpupt_printable(value, shown, sizeof(shown)));
			return 2;
		}
		c->mapping = value;
		return 0;
	case OPT_DRY_RUN:
		c->dry_run = true;
		return 0;
	case OPT_YES:
		c->yes = true;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	default:
		c->h->json = true;
		return 0;
	}
}

static int parse_args(struct vm_cmd *c, int argc, char **argv)
{
	int first, r;

	c->req.ovmf = c->req.pcie = c->req.primary = true;
	r = gpupt_options_parse_or_usage(c->h->out, c->h->err, gpupt_vm_options, argc, argv,
					 take_option, c, &first, usage);
	if (r != 0)
		return r;
	if (argc - first != 2 && !(c->mapping && argc - first == 1)) {
		gpupt_msg(c->h->err, "vm: give a VMID and a DEVICE (gpupt vm 100 01:00), or a VMID "
				     "and --mapping NAME\n\n");
		return usage(c->h->err, 2);
	}
	c->req.mapping = c->mapping;
	c->vmid_arg = argv[first];
	if (gpupt_vmid_parse(argv[first], &c->vmid) < 0) {
		gpupt_msg(c->h->err, "vm: VMID \"%s\" is not a number from 100 to 999999999\n", argv[first]);
		return 2;
	}
	if (argc - first == 1)
		return 0; /* the device comes from the mapping */
	return parse_device(c, argv[first + 1]) < 0 ? 2 : 0;
}

/* ---- the cluster mapping --------------------------------------------------- */

/*
 * This node's entries of the mapping: the first one's path is the device
 * when none was given; a given device should be one of them.  Returns 0,
 * or 1 when the device cannot be told.
 */
static int check_mapping(struct vm_cmd *c)
{
	struct gpupt_pvemap_info *info = malloc(sizeof(*info));
	char node[GPUPT_PVEMAP_NODE_MAX], path[32] = "", *buf = NULL;
	size_t len = 0;
	int sec = -1, ret = 1;
	bool device_given = c->dev_name[0] != '\0', listed = false;

	if (!info || gpupt_pve_nodename(c->h->rootfd, node) < 0) {
		gpupt_msg(c->h->err,
			  "vm: cannot tell this node's name from /etc/hostname; "
			  "give the DEVICE too (gpupt vm %lu 01:00 --mapping %s)\n",
			  c->vmid, c->mapping);
		goto out;
	}
	if (gpupt_read_file_alloc(c->h->rootfd, GPUPT_PVEMAP_PATH, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				  &buf, &len) == 0 &&
	    gpupt_pvemap_scan(buf, len, info) == 0)
		sec = gpupt_pvemap_find(info, c->mapping);
	for (unsigned i = 0; sec >= 0 && i < info->n_maps; i++) {
		struct gpupt_pvemap_slice p;
		struct gpupt_pci_addr a;

		if ((int)info->maps[i].section != sec || !gpupt_pvemap_of_node(&info->maps[i], node) ||
		    !gpupt_pvemap_get(info->maps[i].value.s, info->maps[i].value.len, "path", &p) ||
		    gpupt_parse_addr(p.s, p.len, &a) < 0)
			continue;
		if (!path[0])
			snprintf(path, sizeof(path), "%.*s", (int)p.len, p.s);
		listed |= !device_given || (a.domain == c->req.dev.domain && a.bus == c->req.dev.bus &&
					    a.slot == c->req.dev.slot);
	}
	if (!path[0] && !device_given) {
		gpupt_msg(c->h->err,
			  "vm: mapping %s has no entry for this node (%s) in /%s: create it with "
			  "`gpupt map %s SEL`, or give the DEVICE\n",
			  c->mapping, node, GPUPT_PVEMAP_PATH, c->mapping);
		goto out;
	}
	if (!device_given) {
		c->one_function = strchr(path, '.') != NULL;
		if (parse_device(c, path) < 0)
			goto out;
	} else if (!listed) {
		note(c, NOTE_WARN,
		     "mapping %s has no entry for %s on this node (%s): the VM will not start here; "
		     "run `gpupt map %s %s`",
		     c->mapping, c->dev_name, node, c->mapping, c->dev_name);
	}
	ret = 0;
out:
	free(info);
	free(buf);
	return ret;
}

/* ---- checks ------------------------------------------------------------- */

/* Fill d for one function from its sysfs uevent; false when it does not exist. */
static bool read_function(struct vm_cmd *c, int devsfd, unsigned func, struct gpupt_dev *d)
{
	struct gpupt_pci_dev p;
	char name[GPUPT_PCI_NAME_LEN + 1];

	snprintf(name, sizeof(name), "%04x:%02x:%02x.%u", c->req.dev.domain, c->req.dev.bus,
		 c->req.dev.slot, func & 7);
	if (gpupt_sysfs_pci_read_uevent(devsfd, name, &p) < 0)
		return false;
	memset(d, 0, sizeof(*d));
	d->domain = p.domain;
	d->bus = p.bus;
	d->slot = p.slot;
	d->func = p.func;
	snprintf(d->addr, sizeof(d->addr), "%s", p.name);
	d->vendor = p.vendor;
	d->device = p.device;
	d->subvendor = p.subvendor;
	d->subdevice = p.subdevice;
	d->class = p.class;
	return true;
}

/* Is every function passed to the VM selected for vfio-pci at boot? 0, or 1 when none exists. */
static int check_selected(struct vm_cmd *c)
{
	struct gpupt_config conf;
	struct gpupt_dev d;
	unsigned found = 0;
	int devsfd = gpupt_sysfs_pci_devices_open(c->h->rootfd);
	int ret = gpupt_config_load(c->h, &conf, NULL, NULL, c->h->err);

	if (ret < 0) {
		note(c, NOTE_WARN, "cannot read /etc/gpupt.conf (%s): taken as selecting nothing",
		     strerror(-ret));
		gpupt_config_init(&conf);
	}
	for (unsigned f = 0; devsfd >= 0 && f < 8; f++) {
		if ((!c->req.dev.whole_slot && f != c->req.dev.func) || !read_function(c, devsfd, f, &d))
			continue;
		found++;
		c->has_display |= d.class >> 16 == GPUPT_PCI_CLASS_DISPLAY;
		if (!conf.off && gpupt_config_selects(&conf, &d))
			note(c, NOTE_OK, "%s (%04x:%04x) is selected by gpupt: vfio-pci gets it at boot",
			     d.addr, d.vendor, d.device);
		else
			note(c, NOTE_WARN,
			     "%s (%04x:%04x) is not selected by gpupt (/etc/gpupt.conf): a host driver takes "
			     "it at boot and the VM's start must tear it away (GPUs often fail there); "
			     "run `gpupt enable %s` and reboot",
			     d.addr, d.vendor, d.device, c->dev_name);
	}
	if (devsfd >= 0)
		gpupt_path_close_dir(devsfd);
	if (found == 0) {
		gpupt_msg(c->h->err, "vm: %s: no such PCI device (see `gpupt list`)\n", c->dev_name);
		return 1;
	}
	return 0;
}

/* With OVMF, the card's ROM needs an EFI image to show anything before the guest's driver. */
static void check_rom(struct vm_cmd *c)
{
	char name[GPUPT_PCI_NAME_LEN + 1];
	struct gpupt_rom rom;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	if (!c->req.ovmf)
		return;
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%u", c->req.dev.domain, c->req.dev.bus,
		 c->req.dev.slot, c->req.dev.whole_slot ? 0u : c->req.dev.func & 7u);
	ret = gpupt_rom_read_device(c->h->rootfd, name, &buf, &len);
	if (ret < 0 || len == 0) {
		note(c, NOTE_INFO,
		     "could not read the option ROM of %s (%s): whether OVMF can show "
		     "its boot screen is unchecked (`gpupt rom %s` as root tells)",
		     name, ret < 0 ? strerror(-ret) : "empty", name);
	} else if (gpupt_rom_parse(buf, len, &rom) > 0 && gpupt_rom_uefi_x64(&rom)) {
		note(c, NOTE_OK, "the option ROM of %s has an EFI image: OVMF can show its boot screen", name);
	} else {
		note(c, NOTE_WARN,
		     "the option ROM of %s has no EFI image OVMF can use: no boot screen "
		     "until the guest's driver loads; use --bios seabios, a romfile= with an EFI image, "
		     "or update the card's firmware (details: `gpupt rom %s`)",
		     name, name);
	}
	free(buf);
}

static void check_firmware(struct vm_cmd *c)
{
	if (c->req.primary && !c->has_display)
		note(c, NOTE_WARN,
		     "%s is not a display controller: x-vga=on is meant for GPUs; "
		     "use --no-primary",
		     c->dev_name);
	if (c->plan.needs_efidisk)
		note(c, NOTE_WARN,
		     "VM %lu has no EFI disk (efidisk0), where OVMF keeps its settings; "
		     "add one: qm set %lu --efidisk0 local-lvm:1,efitype=4m",
		     c->vmid, c->vmid);
	if (c->req.ovmf && c->plan.bios_changes)
		note(c, NOTE_INFO,
		     "the firmware changes to OVMF (UEFI): the guest must be installed "
		     "in UEFI mode; one installed for SeaBIOS (legacy boot) will not boot");
	if (!c->req.ovmf && c->plan.bios_changes)
		note(c, NOTE_INFO,
		     "the firmware changes to SeaBIOS: a guest installed in UEFI mode will not boot");
	if (c->plan.machine_changes)
		note(c, NOTE_INFO,
		     "the machine type changes to q35 (needed for pcie=1): the guest sees "
		     "new hardware (Windows may ask to re-activate)");
	if (c->plan.replaces)
		note(c, NOTE_INFO, "hostpci%d already passes %s: it is replaced, not added again",
		     c->plan.index, c->dev_name);
	for (int i = 0; i < GPUPT_VM_MAX_HOSTPCI; i++)
		if (i != c->plan.index && (c->info.same_device_all & 1u << i))
			note(c, NOTE_WARN,
			     "hostpci%d also passes (part of) %s: a function given twice "
			     "stops the VM from starting; remove it: qm set %lu --delete hostpci%d",
			     i, c->dev_name, c->vmid, i);
}

/* ---- is the VM running? --------------------------------------------------- */

/* A pid file under the root whose process exists there. */
static bool pid_file_running(struct vm_cmd *c)
{
	char path[64], pid[32], proc[48];
	long n;

	snprintf(path, sizeof(path), "var/run/qemu-server/%lu.pid", c->vmid);
	n = gpupt_read_file(c->h->rootfd, path, pid, sizeof(pid), 0);
	if (n <= 0)
		return false;
	pid[strcspn(pid, "\n")] = '\0';
	if (pid[0] == '\0' || strspn(pid, "0123456789") != strlen(pid))
		return false;
	snprintf(proc, sizeof(proc), "proc/%s", pid);
	return gpupt_path_exists(c->h->rootfd, proc);
}

static bool qm_says_running(struct vm_cmd *c)
{
	const char *argv[] = { "qm", "status", c->vmid_arg, NULL };
	char out[256];

	return gpupt_run_capture(argv, out, sizeof(out)) == 0 && strstr(out, "status: running");
}

static bool vm_running(struct vm_cmd *c)
{
	return pid_file_running(c) || (c->use_qm && qm_says_running(c));
}

/* qm on PATH, and the tool acts on the live system. */
static bool qm_available(const struct gpupt_host *h)
{
	return strcmp(h->root, "/") == 0 && gpupt_run_in_path("qm");
}

/* ---- applying ------------------------------------------------------------- */

static void qm_argv(const struct vm_cmd *c, const char **argv, char opts[][GPUPT_VM_KEY_MAX + 2])
{
	unsigned n = 0;

	argv[n++] = "qm";
	argv[n++] = "set";
	argv[n++] = c->vmid_arg;
	for (unsigned i = 0; i < c->plan.n_set; i++) {
		snprintf(opts[i], GPUPT_VM_KEY_MAX + 2, "--%s", c->plan.set[i].key);
		argv[n++] = opts[i];
		argv[n++] = c->plan.set[i].value;
	}
	argv[n] = NULL;
}

/* The plan only rewrites the device's hostpci entry with the value it has. */
static bool plan_changes_nothing(const struct vm_cmd *c)
{
	const struct gpupt_vmconf_slice *old = &c->info.hostpci[c->plan.index];
	const char *v = c->plan.set[0].value;

	return c->plan.n_set == 1 && c->plan.replaces && old->len == strlen(v) &&
	       memcmp(old->s, v, old->len) == 0;
}

/*
 * After a step failed (why says which): what does the VM's file hold now?
 * Its previous bytes are put back if they are not there, and the message
 * says which it is: unchanged, put back, or changed (with the diff).
 * copy names a saved previous version, or is NULL.  Returns true when the
 * file holds its previous bytes.
 */
static bool settle_conf(struct vm_cmd *c, const char *why, const char *copy)
{
	FILE *err = c->h->err;
	char *now = NULL;
	size_t now_len = 0;
	int r = gpupt_read_file_alloc(c->h->rootfd, c->conf_path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				      &now, &now_len);
	bool same = r == 0 && now_len == c->conf_len && memcmp(now, c->conf, now_len) == 0;

	free(now);
	if (same) {
		gpupt_msg(err, "vm: %s; /%s is unchanged%s%s%s\n", why, c->conf_path,
			  copy ? " (a copy of it is in /" : "", copy ? copy : "", copy ? ")" : "");
		return true;
	}
	/* lib/atomic keeps mode and owner; the conf exists, so the mode is not used. */
	r = gpupt_file_write_atomic(c->h->rootfd, c->conf_path, c->conf, c->conf_len, 0640);
	now = NULL;
	if (gpupt_read_file_alloc(c->h->rootfd, c->conf_path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &now,
				  &now_len) == 0 &&
	    now_len == c->conf_len && memcmp(now, c->conf, now_len) == 0) {
		free(now);
		gpupt_msg(err, "vm: %s; /%s was changed, and is put back as it was\n", why, c->conf_path);
		return true;
	}
	gpupt_msg(err,
		  "vm: %s; /%s was changed, and putting it back failed (%s); it now holds "
		  "these changes:\n",
		  why, c->conf_path, strerror(r < 0 ? -r : EIO));
	if (now)
		gpupt_diff_print(err, c->conf_path, c->conf, c->conf_len, now, now_len);
	else
		gpupt_msg(err, "vm: (it cannot be read back)\n");
	free(now);
	if (copy)
		gpupt_msg(err, "vm: its previous version is in /%s\n", copy);
	else
		gpupt_msg(err, "vm: the lines marked - are its previous version\n");
	return false;
}

/*
 * Without --yes: ask a terminal user, refuse anyone else, as enable does.
 * Returns 0 to go ahead, else the exit status.
 */
static int confirm(struct vm_cmd *c)
{
	FILE *q = c->h->json ? c->h->err : c->h->out;
	char keys[3 * GPUPT_VM_KEY_MAX + 16] = "", answer[16];
	size_t n = 0;

	if (c->yes)
		return 0;
	for (unsigned i = 0; i < c->plan.n_set; i++)
		n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s",
				      i == 0		       ? ""
				      : i + 1 == c->plan.n_set ? " and "
							       : ", ",
				      c->plan.set[i].key);
	if (!isatty(STDIN_FILENO)) {
		gpupt_msg(c->h->err,
			  "vm: this sets %s of VM %lu: add --yes to go ahead (or --dry-run "
			  "to see the change first)\n",
			  keys, c->vmid);
		return 2;
	}
	fprintf(q, "Set %s of VM %lu? [y/N] ", keys, c->vmid);
	fflush(q);
	if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
		gpupt_msg(c->h->err, "vm: nothing changed\n");
		return 1;
	}
	return 0;
}

/*
 * After the answer, before the first write: one writer at a time (enable,
 * disable and vm share the lock); run() releases it.
 */
static int confirm_and_lock(struct vm_cmd *c)
{
	int ret = confirm(c);

	if (ret != 0)
		return ret;
	if (gpupt_lock_take(c->h->rootfd, "vm", c->h->err, &c->lock) < 0) {
		gpupt_msg(c->h->err, "vm: nothing changed\n");
		return 1;
	}
	return 0;
}

static int apply_qm(struct vm_cmd *c, bool *applied)
{
	const char *argv[4 + 2 * 3 + 1];
	char opts[3][GPUPT_VM_KEY_MAX + 2], line[1024];
	int ret;

	if (plan_changes_nothing(c)) {
		if (!c->h->json)
			fprintf(c->h->out, "VM %lu already has these settings: nothing to change\n", c->vmid);
		return 0;
	}
	qm_argv(c, argv, opts);
	gpupt_argv_format(argv, line, sizeof(line));
	if (c->dry_run) {
		if (!c->h->json)
			fprintf(c->h->out, "would run: %s\n", line);
		return 0;
	}
	ret = confirm_and_lock(c);
	if (ret != 0)
		return ret;
	if (!c->h->json)
		fprintf(c->h->out, "running: %s\n", line);
	fflush(c->h->out);
	ret = gpupt_run(argv);
	if (ret != 0) {
		char why[1200];

		/* qm may have written some of the settings before it failed: look. */
		snprintf(why, sizeof(why), "`%s` failed (%s %d)", line,
			 ret < 0 ? "error" : "exit status", ret < 0 ? -ret : ret);
		*applied = !settle_conf(c, why, NULL);
		return 1;
	}
	*applied = true;
	return 0;
}

static int apply_file(struct vm_cmd *c, bool *applied)
{
	/* Room for the old text plus every setting as a new line. */
	size_t size = c->conf_len + 3 * (GPUPT_VM_KEY_MAX + GPUPT_VM_VALUE_MAX + 4) + 2;
	char *out = malloc(size);
	char why[GPUPT_PATH_MAX * 2 + 128], copy[GPUPT_PATH_MAX * 2];
	struct gpupt_backup b;
	long n;
	int ret = 1, r;

	if (!out) {
		gpupt_msg(c->h->err, "vm: out of memory; /%s is unchanged\n", c->conf_path);
		return 1;
	}
	n = gpupt_vmconf_apply(c->conf, c->conf_len, c->plan.set, c->plan.n_set, out, size);
	if (n < 0) {
		gpupt_msg(c->h->err, "vm: cannot build the new %s: %s; it is unchanged\n",
			  c->conf_path, strerror((int)-n));
		goto out;
	}
	if ((size_t)n == c->conf_len && memcmp(out, c->conf, c->conf_len) == 0) {
		if (!c->h->json)
			fprintf(c->h->out, "VM %lu already has these settings: nothing to change\n", c->vmid);
		ret = 0;
		goto out;
	}
	if (c->dry_run) {
		if (!c->h->json)
			gpupt_diff_print(c->h->out, c->conf_path, c->conf, c->conf_len, out, (size_t)n);
		ret = 0;
		goto out;
	}
	ret = confirm_and_lock(c);
	if (ret != 0)
		goto out;
	ret = 1;
	gpupt_backup_init(&b, c->h->rootfd, "vm");
	r = gpupt_backup_edit(&b, c->conf_path, out, (size_t)n, 0640);
	if (r < 0 && b.n_files == 0) {
		snprintf(why, sizeof(why), "cannot save a copy of /%s under /%s: %s", c->conf_path,
			 GPUPT_BACKUP_DIR, strerror(-r));
	} else if (r < 0) {
		snprintf(why, sizeof(why), "cannot write /%s: %s", c->conf_path, strerror(-r));
	} else {
		r = gpupt_backup_commit(&b);
		if (r < 0)
			snprintf(why, sizeof(why), "cannot write the backup's journal /%s/journal: %s",
				 b.dir, strerror(-r));
	}
	/* The backup saves the old version first; with it, the file may or may not be new. */
	snprintf(copy, sizeof(copy), "%s/%s", b.dir, c->conf_path);
	if (r < 0) {
		*applied = !settle_conf(c, why, b.n_files > 0 ? copy : NULL);
		goto out;
	}
	snprintf(c->backup_dir, sizeof(c->backup_dir), "%s", b.dir);
	gpupt_backups_prune(c->h->rootfd, c->h->err);
	if (!c->h->json)
		fprintf(c->h->out, "updated /%s (previous version in /%s)\n", c->conf_path, b.dir);
	*applied = true;
	ret = 0;
out:
	free(out);
	return ret;
}

/* The change is made, but stdout failed: the user must still learn what changed. */
static void report_output_failed(const struct vm_cmd *c, int err)
{
	if (c->backup_dir[0])
		gpupt_msg(c->h->err,
			  "vm: cannot write the report to standard output (%s); VM %lu's "
			  "configuration was changed all the same: /%s (previous version in /%s)\n",
			  strerror(err), c->vmid, c->conf_path, c->backup_dir);
	else
		gpupt_msg(c->h->err,
			  "vm: cannot write the report to standard output (%s); VM %lu's "
			  "configuration was changed all the same (qm set)\n",
			  strerror(err), c->vmid);
}

/* ---- output --------------------------------------------------------------- */

static const char *const level_name[] = { "ok", "info", "warning" };

static void print_notes(const struct vm_cmd *c)
{
	for (unsigned i = 0; i < c->n_notes; i++)
		fprintf(c->h->out, "%-8s %s\n", level_name[c->note[i].level], c->note[i].text);
}

static void print_plan(const struct vm_cmd *c)
{
	fprintf(c->h->out, "VM %lu gets %s%s%s%s (%s, %s, %s):\n", c->vmid,
		c->mapping ? "mapping " : "", c->mapping ? c->mapping : "", c->mapping ? " = " : "",
		c->dev_name, c->req.ovmf ? "OVMF" : "SeaBIOS", c->req.pcie ? "q35 + PCIe" : "PCI",
		c->req.primary ? "primary GPU" : "secondary GPU");
	for (unsigned i = 0; i < c->plan.n_set; i++)
		fprintf(c->h->out, "  %s: %s\n", c->plan.set[i].key, c->plan.set[i].value);
}

static int print_json(const struct vm_cmd *c, bool applied)
{
	struct gpupt_json j;

	gpupt_json_init(&j, c->h->out);
	gpupt_json_begin_object(&j);
	gpupt_json_kv_int(&j, "vmid", (long long)c->vmid);
	gpupt_json_kv_str(&j, "device", c->dev_name);
	gpupt_json_kv_str(&j, "mapping", c->mapping);
	gpupt_json_kv_str(&j, "method", c->use_qm ? "qm" : "file");
	gpupt_json_kv_bool(&j, "dry_run", c->dry_run);
	gpupt_json_kv_bool(&j, "applied", applied);
	gpupt_json_kv_bool(&j, "running", c->running);
	gpupt_json_kv_bool(&j, "refused_running", c->refused);
	gpupt_json_kv_bool(&j, "replaces", c->plan.replaces);
	gpupt_json_key(&j, "set");
	gpupt_json_begin_object(&j);
	for (unsigned i = 0; i < c->plan.n_set; i++)
		gpupt_json_kv_str(&j, c->plan.set[i].key, c->plan.set[i].value);
	gpupt_json_end_object(&j);
	gpupt_json_key(&j, "checks");
	gpupt_json_begin_array(&j);
	for (unsigned i = 0; i < c->n_notes; i++) {
		gpupt_json_begin_object(&j);
		gpupt_json_kv_str(&j, "level", level_name[c->note[i].level]);
		gpupt_json_kv_str(&j, "message", c->note[i].text);
		gpupt_json_end_object(&j);
	}
	gpupt_json_end_array(&j);
	gpupt_json_end_object(&j);
	return gpupt_json_finish(&j);
}

/* ---- the command ---------------------------------------------------------- */

static int load_config(struct vm_cmd *c)
{
	int ret;

	snprintf(c->conf_path, sizeof(c->conf_path), "etc/pve/qemu-server/%lu.conf", c->vmid);
	ret = gpupt_read_file_alloc(c->h->rootfd, c->conf_path, GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				    &c->conf, &c->conf_len);
	if (ret == -ENOENT) {
		gpupt_msg(c->h->err, "vm: VM %lu does not exist here: no /%s (see `qm list`)\n",
			  c->vmid, c->conf_path);
		return 1;
	}
	if (ret < 0) {
		gpupt_msg(c->h->err, "vm: cannot read /%s: %s\n", c->conf_path, strerror(-ret));
		return 1;
	}
	gpupt_vmconf_scan_mapping(c->conf, c->conf_len, &c->req.dev, c->mapping, &c->info);
	if (gpupt_vm_plan(&c->info, &c->req, &c->plan) < 0) {
		gpupt_msg(c->h->err,
			  "vm: VM %lu already uses hostpci0 to hostpci%d for other "
			  "devices; remove one first (qm set %lu --delete hostpciN)\n",
			  c->vmid, GPUPT_VM_MAX_HOSTPCI - 1, c->vmid);
		return 1;
	}
	return 0;
}

static int run(struct vm_cmd *c)
{
	bool applied = false, out_failed;
	int ret;

	if (c->mapping && (ret = check_mapping(c)) != 0)
		return ret;
	if ((ret = load_config(c)) != 0 || (ret = check_selected(c)) != 0)
		return ret;
	c->use_qm = qm_available(c->h);
	c->running = vm_running(c);
	/* A running guest owns the card: leave its ROM BAR alone. */
	if (c->running && c->req.ovmf)
		note(c, NOTE_INFO, "VM %lu is running: the GPU's option ROM is not read now", c->vmid);
	else
		check_rom(c);
	check_firmware(c);
	if (!c->h->json) {
		print_plan(c);
		print_notes(c);
	}
	c->refused = c->running && !c->dry_run && !c->force;
	if (c->refused) {
		gpupt_msg(c->h->err,
			  "vm: VM %lu is running: stop it first (qm shutdown %lu), "
			  "or use --force to change its configuration anyway\n",
			  c->vmid, c->vmid);
		ret = 1;
	} else {
		ret = c->use_qm ? apply_qm(c, &applied) : apply_file(c, &applied);
		gpupt_lock_release(&c->lock);
	}
	out_failed = c->h->json && print_json(c, applied) < 0;
	errno = 0;
	out_failed |= fflush(c->h->out) != 0 || ferror(c->h->out);
	if (out_failed) {
		/* A failed change has said what the file holds already. */
		if (applied && ret == 0)
			report_output_failed(c, errno ? errno : EIO);
		ret = 1;
	}
	return ret;
}

int gpupt_cmd_vm(struct gpupt_host *h, int argc, char **argv)
{
	struct vm_cmd c = { .h = h, .lock = { .fd = -1 } };
	int ret = parse_args(&c, argc, argv);

	if (ret != 0)
		return ret < 0 ? 0 : ret;
	ret = run(&c);
	free(c.conf);
	return ret;
}
