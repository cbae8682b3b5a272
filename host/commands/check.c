// SPDX-License-Identifier: MIT
/*
 * gpupt check: preflight, one line per check, PASS/WARN/FAIL with the fix.
 * Everything is read below the root: proc/cpuinfo, proc/interrupts,
 * proc/cmdline, sys/class/iommu, sys/kernel/iommu_groups, sys/firmware/efi,
 * etc/default/grub(.d), etc/kernel/cmdline, etc/modules(-load.d),
 * boot/config-VER and lib/modules/VER (through libkmod).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/formats/grubedit.h"
#include "host/formats/kargs.h"
#include "host/host.h"
#include "host/model/bootloader.h"
#include "host/model/devices.h"
#include "host/model/modules.h"
#include "host/model/platform.h"
#include "host/model/pvemapping.h"
#include "host/model/safety.h"
#include "host/model/select.h"
#include "host/model/trial.h"
#include "host/model/uplink.h"
#include "lib/json.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"

enum level { PASS, WARN, FAIL };
static const char *const level_name[] = { "PASS", "WARN", "FAIL" };
static const char *const level_json[] = { "pass", "warn", "fail" };

struct check_ctx {
	struct gpupt_host *h;
	struct gpupt_json j;
	enum level worst;
	struct gpupt_devlist l;
	struct gpupt_config merged;
	struct gpupt_selection sel;
	struct gpupt_kernels k;
	char effect[GPUPT_CMDLINE_MAX]; /* proc/cmdline */
	struct gpupt_boot_cmdline next; /* what the boot loader will pass next boot */
	const char *loader;		/* "GRUB", "systemd-boot", NULL unknown */
};

static void report(struct check_ctx *c, enum level lv, const char *name, const char *fix,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct check_ctx *c, enum level lv, const char *name, const char *fix, const char *fmt, ...)
{
	char msg[1024], shown[4 * sizeof(msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lv > c->worst)
		c->worst = lv;
	if (c->h->json) {
		gpupt_json_begin_object(&c->j);
		gpupt_json_kv_str(&c->j, "check", name);
		gpupt_json_kv_str(&c->j, "result", level_json[lv]);
		gpupt_json_kv_str(&c->j, "message", msg);
		gpupt_json_kv_str(&c->j, "fix", lv == PASS ? NULL : fix);
		gpupt_json_end_object(&c->j);
		return;
	}
	/* Messages carry names from sysfs, pci.ids and files: escaped for the terminal. */
	fprintf(c->h->out, "%s  %s: %s", level_name[lv], name, gpupt_printable(msg, shown, sizeof(shown)));
	if (lv != PASS && fix)
		fprintf(c->h->out, "; fix: %s", fix);
	fputc('\n', c->h->out);
}

/* ---- the checks ------------------------------------------------------------ */

static void check_cpu(struct check_ctx *c)
{
	int vmx = gpupt_cpu_has_flag(c->h->rootfd, "vmx");

	if (vmx < 0)
		report(c, WARN, "CPU virtualization", "run on the host itself (not a container)",
		       "cannot read /proc/cpuinfo");
	else if (vmx)
		report(c, PASS, "CPU virtualization", NULL, "vmx (Intel VT-x)");
	else if (gpupt_cpu_has_flag(c->h->rootfd, "svm") > 0)
		report(c, PASS, "CPU virtualization", NULL, "svm (AMD-V)");
	else
		report(c, FAIL, "CPU virtualization",
		       "enable Intel VT-x or AMD SVM in the firmware (BIOS/UEFI) setup",
		       "no vmx or svm flag in /proc/cpuinfo");
}

/* Number of entries of a directory below the root (0 when absent). */
static int count_entries(int rootfd, const char *rel)
{
	struct dirent *e;
	DIR *dir = gpupt_path_opendir(rootfd, rel);
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) != NULL)
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

static void check_iommu(struct check_ctx *c)
{
	int units = count_entries(c->h->rootfd, "sys/class/iommu");
	int groups = count_entries(c->h->rootfd, "sys/kernel/iommu_groups");

	if (units > 0 && groups > 0)
		report(c, PASS, "IOMMU", NULL, "active: %d IOMMU unit(s), %d group(s)", units, groups);
	else if (units > 0)
		report(c, FAIL, "IOMMU", "remove iommu=off or intel_iommu=off from the kernel command line",
		       "%d IOMMU unit(s) but no IOMMU groups: the IOMMU is not in use", units);
	else
		report(c, FAIL, "IOMMU",
		       "enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup; on Intel"
		       " `gpupt enable` also adds intel_iommu=on",
		       "not active (no /sys/class/iommu entries)");
}

static void check_interrupt_remapping(struct check_ctx *c)
{
	char *buf;
	size_t len;
	bool ir;

	if (gpupt_read_file_alloc(c->h->rootfd, "proc/interrupts", GPUPT_FILE_MAX, GPUPT_READ_REGULAR,
				  &buf, &len) < 0) {
		report(c, WARN, "interrupt remapping", NULL, "cannot read /proc/interrupts");
		return;
	}
	ir = strstr(buf, "IR-") != NULL;
	free(buf);
	if (ir)
		report(c, PASS, "interrupt remapping", NULL, "active (IR- interrupt chips)");
	else
		report(c, WARN, "interrupt remapping",
		       "enable interrupt remapping (x2APIC/VT-d) in the firmware setup; or, only if"
		       " every guest is trusted, `gpupt enable --allow-unsafe-interrupts`"
		       " (vfio_iommu_type1.allow_unsafe_interrupts=1 lets a guest forge interrupts"
		       " to the host)",
		       "not active (no IR- interrupt chips in /proc/interrupts): vfio refuses"
		       " devices whose MSIs are not isolated");
}

static void check_boot_mode(struct check_ctx *c)
{
	if (gpupt_path_exists(c->h->rootfd, "sys/firmware/efi"))
		report(c, PASS, "boot mode", NULL, "UEFI");
	else
		report(c, PASS, "boot mode", NULL, "BIOS (legacy)");
}

/* A shape of the boot loader's file that gpupt cannot follow: what it is, and the fix. */
static void report_loader_problem(struct check_ctx *c)
{
	const struct gpupt_boot_cmdline *n = &c->next;

	if (n->problem == -EBADMSG)
		report(c, WARN, "boot loader",
		       "put the kernel command line on the first line of"
		       " /etc/kernel/cmdline",
		       "%s: the first line of /%s is a comment, but"
		       " proxmox-boot-tool takes the first line as the kernel command line as it"
		       " stands ('#' and all) and refuses one without root=",
		       c->loader, n->problem_file);
	else if (n->problem == -ENOEXEC)
		report(c, WARN, "boot loader",
		       "write the value out, and add to it in a drop-in in"
		       " /etc/default/grub.d/ (as `gpupt enable` does)",
		       "%s: %s in /%s holds a"
		       " command substitution ($(...) or `...`): what it puts on the kernel command"
		       " line is known only when update-grub runs; the checks below see the rest",
		       c->loader, n->problem_var, n->problem_file);
	else
		report(c, WARN, "boot loader", "write it as one quoted string: NAME=\"...\"",
		       "%s: %s in /%s is not one quoted string (or leaves a quote open): what it"
		       " holds is not known; the checks below see the rest",
		       c->loader, n->problem_var, n->problem_file);
}

static void check_loader(struct check_ctx *c)
{
	if (c->loader && c->next.problem)
		report_loader_problem(c);
	else if (c->loader)
		report(c, PASS, "boot loader", NULL, "%s: the command line comes from %s", c->loader,
		       c->next.file);
	else
		report(c, WARN, "boot loader",
		       "set the kernel command line by hand; gpupt enable needs GRUB, proxmox-boot-tool"
		       " or systemd-boot with kernel-install",
		       "none of GRUB (/etc/default/grub), proxmox-boot-tool (/etc/kernel/proxmox-boot-uuids)"
		       " or systemd-boot installed by bootctl (EFI/systemd/ on the ESP) found");
}

/* Can a trial boot (gpupt enable's default) fall back by itself here? */
static void check_oneshot(struct check_ctx *c)
{
	const struct gpupt_bootloader *b = gpupt_bootloader_detect(c->h->rootfd);
	bool mux = gpupt_watchdog_mux(c->h->rootfd);
	char module[GPUPT_DRIVER_MAX + 1], hang[256];
	struct gpupt_oneshot o;

	if (!b)
		return;
	if (mux)
		snprintf(hang, sizeof(hang),
			 "watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, so the trial leaves "
			 "it alone: a hang needs a power cycle");
	else if (gpupt_watchdog_module(c->h->rootfd, module, sizeof(module)) == 0)
		snprintf(hang, sizeof(hang),
			 "the trial's initramfs arms /dev/watchdog (%s) until gpupt-trial.service takes it over: "
			 "a hang is reset, but for one in the kernel's own start, before the initramfs runs",
			 module);
	else
		snprintf(hang, sizeof(hang),
			 "no /dev/watchdog: a hang needs a power cycle (softdog, or the board's "
			 "watchdog driver, loaded before enable, catches it)");
	gpupt_oneshot_probe(c->h, b, &o);
	if (o.kind == GPUPT_ONESHOT_GUARANTEED)
		report(c, PASS, "trial boot", NULL,
		       "one-shot guaranteed: %s; a panic falls back (panic=10); %s", o.why, hang);
	else if (o.kind == GPUPT_ONESHOT_LATE)
		report(c, WARN, "trial boot",
		       "`gpupt enable --trial` takes that risk (keep a console at hand), or put /boot/grub on "
		       "a plain partition GRUB can write (ext4 without LVM or RAID)",
		       "one-shot not guaranteed: %s", o.why);
	else
		report(c, WARN, "trial boot", "`gpupt enable --no-trial`, with a console at hand",
		       "no trial boot: %s", o.why);
}

/* Append " name" to a list in buf. */
static void list_add(char *buf, size_t size, const char *name)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, " %s", name);
}

static void check_kernel_modules(struct check_ctx *c, const struct gpupt_kernel *k)
{
	static const char *const mods[] = { "vfio", "vfio_iommu_type1", "vfio_pci", "vfio_virqfd" };
	enum gpupt_module_state st[ARRAY_SIZE(mods)];
	char missing[256] = "", builtin[256] = "";

	if (gpupt_modules_lookup(c->h->rootfd, k->ver, mods, ARRAY_SIZE(mods), st) < 0) {
		report(c, FAIL, "vfio modules", NULL, "%s: libkmod cannot read %s/lib/modules/%s",
		       k->ver, c->h->root, k->ver);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++) {
		/* vfio_virqfd is part of vfio from 6.2 on. */
		if (strcmp(mods[i], "vfio_virqfd") == 0 && gpupt_kernel_at_least(k, 6, 2))
			continue;
		if (st[i] == GPUPT_MODULE_MISSING)
			list_add(missing, sizeof(missing), mods[i]);
		else if (st[i] == GPUPT_MODULE_BUILTIN)
			list_add(builtin, sizeof(builtin), mods[i]);
	}
	if (missing[0])
		report(c, FAIL, "vfio modules", "install a kernel built with CONFIG_VFIO_PCI",
		       "%s: missing:%s", k->ver, missing);
	else
		report(c, PASS, "vfio modules", NULL, "%s: vfio, vfio_iommu_type1, vfio_pci%s%s%s%s",
		       k->ver, gpupt_kernel_at_least(k, 6, 2) ? "" : ", vfio_virqfd",
		       builtin[0] ? " (built in:" : "", builtin, builtin[0] ? ")" : "");
}

static void check_modules(struct check_ctx *c)
{
	if (c->k.n == 0) {
		report(c, FAIL, "vfio modules", "install a kernel package", "no kernels under /lib/modules");
		return;
	}
	for (size_t i = 0; i < c->k.n; i++)
		check_kernel_modules(c, &c->k.installed[i]);
}

/* An endpoint outside d's slot sharing d's IOMMU group, or NULL. */
static const struct gpupt_dev *group_stranger(const struct check_ctx *c, const struct gpupt_dev *d)
{
	for (size_t k = 0; k < c->l.n && d->iommu_group >= 0; k++) {
		const struct gpupt_dev *o = &c->l.dev[k];

		if (o->iommu_group == d->iommu_group && !gpupt_dev_same_slot(o, d) &&
		    !gpupt_dev_is_bridge(o))
			return o;
	}
	return NULL;
}

static void check_gpus(struct check_ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->l.n; i++) {
		const struct gpupt_dev *d = &c->l.dev[i], *o;

		if (!gpupt_dev_is_display(d))
			continue;
		n++;
		o = group_stranger(c, d);
		/* Selected devices get the full safety check below. */
		if (o && !gpupt_selection_has(&c->sel, i))
			report(c, WARN, "GPUs", "put the card in another slot (one with its own IOMMU group)",
			       "%s: IOMMU group %d also holds %s [%04x:%04x] (%s), so the card cannot be"
			       " passed through alone",
			       d->addr, d->iommu_group, o->addr, o->vendor, o->device,
			       o->driver[0] ? o->driver : "no driver");
	}
	if (n)
		report(c, PASS, "GPUs", NULL, "%zu display-class PCI device(s) (`gpupt list` shows them)", n);
	else
		report(c, WARN, "GPUs",
		       "install the card, or check that the slot is enabled in the firmware setup",
		       "no display-class PCI devices found (class 0x03xx): nothing to pass through");
}

static void check_groups(struct check_ctx *c)
{
	struct gpupt_safety_report r;

	if (c->sel.n == 0) {
		report(c, PASS, "selected devices", NULL,
		       "nothing selected yet (`gpupt enable SEL` selects devices)");
		return;
	}
	if (gpupt_safety_check(c->h, &c->l, &c->sel, &r) < 0) {
		report(c, WARN, "selected devices", NULL, "the safety check could not run");
		return;
	}
	for (unsigned i = 0; i < r.n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "selected %s", r.item[i].addr);
		report(c, r.item[i].level == GPUPT_SAFETY_REFUSE ? FAIL : WARN, name, NULL, "%s",
		       r.item[i].msg);
	}
	if (r.n == 0)
		report(c, PASS, "selected devices", NULL,
		       "%zu function(s), each IOMMU group holds only selected devices and bridges",
		       c->sel.n);
}

/* The selected function among u's NICs, or NULL. */
static const struct gpupt_uplink_nic *selected_nic(const struct check_ctx *c, const struct gpupt_uplink *u)
{
	for (size_t i = 0; i < c->sel.n; i++) {
		const struct gpupt_uplink_nic *n = gpupt_uplink_of_addr(u, c->l.dev[c->sel.idx[i]].addr);

		if (n)
			return n;
	}
	return NULL;
}

/* The default routes down to the NICs that carry them: vfio-pci must not take those. */
static void check_uplink(struct check_ctx *c)
{
	struct gpupt_uplink u = { .n = 0 };
	const struct gpupt_uplink_nic *taken;
	char chains[1024] = "", one[2 * GPUPT_UPLINK_CHAIN];
	const char *top;

	gpupt_uplink_find(c->h->rootfd, &u);
	top = u.route[0] ? u.route : u.route6;
	if (!top[0]) {
		report(c, PASS, "network uplink", NULL,
		       "no default route (IPv4 or IPv6): no NIC to keep from vfio-pci; a trial boot's "
		       "network rule then checks nothing (`gpupt enable --health-cmd` can)");
		return;
	}
	for (size_t i = 0; i < u.n; i++)
		snprintf(chains + strlen(chains), sizeof(chains) - strlen(chains), "%s%s (%s)",
			 i ? ", " : "", gpupt_uplink_chain_text(u.nic[i].chain, one, sizeof(one)),
			 gpupt_uplink_families(u.route, u.route6, u.nic[i].route));
	taken = selected_nic(c, &u);
	if (taken)
		report(c, WARN, "network uplink",
		       "select another function (`gpupt disable`, then `gpupt enable` by address)",
		       "default route: %s; %s is selected for vfio-pci: the host is off the network once it "
		       "takes it",
		       chains, taken->addr);
	else if (u.n)
		report(c, PASS, "network uplink", NULL,
		       "default route: %s; `gpupt enable` keeps %s from vfio-pci, and a trial boot checks %s "
		       "for carrier",
		       chains, u.n == 1 ? "that function" : "those functions",
		       u.n == 1 ? "the NIC" : "the NICs");
	else
		report(c, WARN, "network uplink", NULL,
		       "default route: %s (%s), but no NIC under it (bridge port, bond slave, VLAN or "
		       "macvlan lower device with a device link): gpupt cannot tell which function carries "
		       "the network, and a trial boot checks %s alone",
		       top, gpupt_uplink_families(u.route, u.route6, top), top);
}

static void check_framebuffer(struct check_ctx *c)
{
	const struct gpupt_dev *vga = NULL;
	bool simple_fb;

	for (size_t i = 0; i < c->sel.n && !vga; i++)
		if (c->l.dev[c->sel.idx[i]].boot_vga == 1)
			vga = &c->l.dev[c->sel.idx[i]];
	if (!vga)
		return;
	simple_fb = gpupt_kernels_have_simple_fb(c->h->rootfd);
	if (gpupt_kargs_has(c->next.value, "initcall_blacklist", "sysfb_init"))
		report(c, PASS, "boot framebuffer", NULL,
		       "%s is the boot VGA; initcall_blacklist="
		       "sysfb_init keeps the firmware framebuffer off it",
		       vga->addr);
	else if (gpupt_kargs_has(c->next.value, "video", "efifb:off") && !simple_fb)
		report(c, PASS, "boot framebuffer", NULL,
		       "%s is the boot VGA; video=efifb:off keeps"
		       " efifb off it",
		       vga->addr);
	else if (c->k.running.ver[0] && gpupt_kernel_at_least(&c->k.running, 6, 0))
		report(c, PASS, "boot framebuffer", NULL,
		       "%s is the boot VGA; kernel %s: vfio-pci"
		       " removes the conflicting boot framebuffer itself",
		       vga->addr, c->k.running.ver);
	else
		report(c, WARN, "boot framebuffer",
		       simple_fb ? "add initcall_blacklist=sysfb_init" : "add video=efifb:off",
		       "%s is the boot VGA and the firmware framebuffer stays on it (kernel %s)",
		       vga->addr, c->k.running.ver[0] ? c->k.running.ver : "unknown");
}

static void check_reboot_pending(struct check_ctx *c)
{
	char added[1024] = "", removed[1024] = "";
	bool unknown = c->next.problem && c->next.problem != -EBADMSG;

	if (!c->loader)
		return;
	gpupt_kargs_missing(c->next.value, c->effect, false, added, sizeof(added));
	/* Tokens in effect may come from the part of the value that is not known. */
	if (!unknown)
		gpupt_kargs_missing(c->effect, c->next.value, true, removed, sizeof(removed));
	if (!added[0] && !removed[0]) {
		report(c, PASS, "kernel command line", NULL, "%s",
		       unknown ? "what is known of the configured one is in effect"
			       : "the configured one is in effect");
		return;
	}
	report(c, WARN, "kernel command line",
	       "reboot (after `update-grub`, `proxmox-boot-tool refresh` or"
	       " `kernel-install add` if you edited the file by hand)",
	       "reboot pending: %s%s%s%s%s", added[0] ? "configured, not in effect: " : "", added,
	       added[0] && removed[0] ? "; " : "",
	       removed[0] ? "in effect, no longer configured: " : "", removed);
}

/* "in effect", "configured", "in effect and configured", or NULL. */
static const char *token_where(const struct check_ctx *c, const char *key, const char *val)
{
	bool eff = gpupt_kargs_has(c->effect, key, val),
	     conf = c->loader && gpupt_kargs_has(c->next.value, key, val);

	if (eff && conf)
		return "in effect and configured";
	return eff ? "in effect" : conf ? "configured" : NULL;
}

static void check_stale_tokens(struct check_ctx *c)
{
	const char *where = token_where(c, "amd_iommu", "on");

	if (where)
		report(c, WARN, "stale token", "remove amd_iommu=on: the AMD IOMMU is on by default",
		       "amd_iommu=on (%s) is not a valid value; the kernel ignores it", where);
	where = token_where(c, "pcie_acs_override", NULL);
	if (where && c->k.running.ver[0] && !strstr(c->k.running.ver, "-pve"))
		report(c, WARN, "stale token", "remove pcie_acs_override=, or run a Proxmox (-pve) kernel",
		       "pcie_acs_override= (%s) does nothing on kernel %s: only kernels with the ACS"
		       " override patch (Proxmox -pve) know it",
		       where, c->k.running.ver);
}

/* Does a modules-load list (etc/modules style) name vfio_virqfd? */
static bool lists_virqfd(int rootfd, const char *rel)
{
	char *buf, *line, *save = NULL;
	size_t len;
	bool found = false;

	if (gpupt_read_file_alloc(rootfd, rel, GPUPT_FILE_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		found = strncmp(line, "vfio_virqfd", 11) == 0 &&
			(line[11] == '\0' || line[11] == ' ' || line[11] == '\t' || line[11] == '#');
	}
	free(buf);
	return found;
}

static void check_virqfd_listed(struct check_ctx *c)
{
	const struct gpupt_kernel *newest = c->k.n ? &c->k.installed[c->k.n - 1] : NULL;
	char files[512] = "";
	struct dirent *e;
	DIR *dir = NULL;

	if (!newest || !gpupt_kernel_at_least(newest, 6, 2))
		return;
	if (lists_virqfd(c->h->rootfd, "etc/modules"))
		snprintf(files, sizeof(files), " /etc/modules");
	dir = gpupt_path_opendir(c->h->rootfd, "etc/modules-load.d");
	while (dir && (e = readdir(dir)) != NULL) {
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "etc/modules-load.d/%s", e->d_name);
		if (e->d_name[0] != '.' && lists_virqfd(c->h->rootfd, rel) &&
		    strlen(files) + strlen(rel) + 3 < sizeof(files))
			snprintf(files + strlen(files), sizeof(files) - strlen(files), " /%s", rel);
	}
	if (dir)
		closedir(dir);
	if (files[0])
		report(c, WARN, "stale module", "remove the vfio_virqfd line",
		       "vfio_virqfd is listed in%s, but from kernel 6.2 on (%s here) it is part of"
		       " vfio: loading it fails with \"module not found\"",
		       files, newest->ver);
}

static void check_bad_tokens(struct check_ctx *c)
{
	check_stale_tokens(c);
	check_virqfd_listed(c);
}

/* ---- Proxmox VE cluster mappings ----------------------------------------- */

static bool item_is(const struct gpupt_pvemap_map *m, const char *key, const char *want)
{
	struct gpupt_pvemap_slice v;

	if (!gpupt_pvemap_get(m->value.s, m->value.len, key, &v))
		return want == NULL;
	return want && v.len == strlen(want) && strncasecmp(v.s, want, v.len) == 0;
}

/*
 * What PVE checks before a VM with the mapping starts (PVE::Mapping::PCI::
 * assert_valid): the device at the path (function 0 of a whole slot), its
 * id and subsystem-id, and the IOMMU group.  "" when it matches, else why not.
 */
static void mapping_mismatch(const struct check_ctx *c, const struct gpupt_pvemap_map *m, char *why, size_t size)
{
	struct gpupt_pvemap_slice p;
	struct gpupt_pci_addr a;
	char want[16];
	long i;
	const struct gpupt_dev *d;

	why[0] = '\0';
	if (!gpupt_pvemap_get(m->value.s, m->value.len, "path", &p) ||
	    gpupt_parse_addr(p.s, strcspn(p.s, ",;"), &a) < 0) {
		snprintf(why, size, "an entry without a usable path (%.*s)", (int)m->value.len, m->value.s);
		return;
	}
	i = gpupt_devices_find(&c->l, a.domain, a.bus, a.slot, a.whole_slot ? 0 : a.func);
	if (i < 0) {
		snprintf(why, size, "no device at %.*s", (int)strcspn(p.s, ",;"), p.s);
		return;
	}
	d = &c->l.dev[i];
	snprintf(want, sizeof(want), "%04x:%04x", d->vendor, d->device);
	if (!item_is(m, "id", want)) {
		snprintf(why, size, "%s is %s now, not the id the mapping names", d->addr, want);
		return;
	}
	snprintf(want, sizeof(want), "%04x:%04x", d->subvendor, d->subdevice);
	if (!item_is(m, "subsystem-id", want)) {
		snprintf(why, size, "%s has subsystem-id %s now, not the one the mapping names",
			 d->addr, want);
		return;
	}
	snprintf(want, sizeof(want), "%d", d->iommu_group);
	if (!item_is(m, "iommugroup", d->iommu_group >= 0 ? want : NULL))
		snprintf(why, size, "%s is in IOMMU group %s now, not the one the mapping names",
			 d->addr, d->iommu_group >= 0 ? want : "(none)");
}

/* This node's entries of every mapping in /etc/pve/mapping/pci.cfg, against the hardware. */
static void check_mappings(struct check_ctx *c)
{
	struct gpupt_pvemap_info *info = malloc(sizeof(*info));
	char node[GPUPT_PVEMAP_NODE_MAX], names[256] = "", *buf = NULL;
	size_t len;
	unsigned n = 0;
	int r = gpupt_read_file_alloc(c->h->rootfd, GPUPT_PVEMAP_PATH, GPUPT_FILE_MAX,
				      GPUPT_READ_REGULAR, &buf, &len);

	if (r == -ENOENT || !info)
		goto out;
	if (r < 0 || gpupt_pvemap_scan(buf, len, info) < 0 || gpupt_pve_nodename(c->h->rootfd, node) < 0) {
		report(c, WARN, "PVE mappings", "check /etc/hostname and /etc/pve/mapping/pci.cfg",
		       "cannot read this node's entries of /etc/pve/mapping/pci.cfg");
		goto out;
	}
	for (unsigned i = 0; i < info->n_maps; i++) {
		const struct gpupt_pvemap_slice *sec = &info->sections[info->maps[i].section];
		char why[256], name[GPUPT_PVEMAP_NAME_MAX + 8];

		if (!gpupt_pvemap_of_node(&info->maps[i], node))
			continue;
		n++;
		snprintf(name, sizeof(name), "%.*s", (int)sec->len, sec->s);
		mapping_mismatch(c, &info->maps[i], why, sizeof(why));
		if (why[0]) {
			char fix[256];

			snprintf(fix, sizeof(fix),
				 "run `gpupt map %s SEL` again for the card as it is now (see `gpupt list`)",
				 name);
			report(c, FAIL, "PVE mappings", fix,
			       "mapping %s on node %s: %s; a VM using it will not start", name, node, why);
		} else if (!strstr(names, name)) {
			list_add(names, sizeof(names), name);
		}
	}
	if (n == 0)
		report(c, PASS, "PVE mappings", NULL, "no entries for this node (%s)", node);
	else if (names[0])
		report(c, PASS, "PVE mappings", NULL,
		       "this node's (%s) entries match the hardware: %s", node, names + 1);
out:
	free(info);
	free(buf);
}

static const struct {
	void (*run)(struct check_ctx *c);
} checks[] = {
	{ check_cpu },	      { check_iommu },	     { check_interrupt_remapping },
	{ check_boot_mode },  { check_loader },	     { check_oneshot },
	{ check_modules },    { check_gpus },	     { check_groups },
	{ check_uplink },     { check_framebuffer }, { check_reboot_pending },
	{ check_bad_tokens }, { check_mappings },
};

static int check_usage(FILE *f, int status)
{
	fputs("Usage: gpupt [--root DIR] [--json] check\n"
	      "\n"
	      "Preflight for passthrough, one line per check: PASS, WARN or FAIL with the fix.\n"
	      "Checks CPU virtualization, the IOMMU, interrupt remapping, boot mode and boot\n"
	      "loader, vfio modules of every installed kernel, the IOMMU groups of the selected\n"
	      "devices, the NICs under the default routes (kept from vfio-pci), the boot\n"
	      "framebuffer, whether a reboot is pending, and stale settings\n"
	      "(amd_iommu=on, pcie_acs_override= without the patch, vfio_virqfd on >= 6.2),\n"
	      "and this node's entries of Proxmox VE's /etc/pve/mapping/pci.cfg against the\n"
	      "hardware (path, id, subsystem-id, IOMMU group).\n"
	      "\n"
	      "Exit status: 0 all passed, 1 warnings, 2 failures.\n",
	      f);
	return status;
}

/* The boot loader as `gpupt enable` detects it (the same table), and its next command line. */
static void find_loader(struct check_ctx *c)
{
	const struct gpupt_bootloader *b = gpupt_bootloader_detect(c->h->rootfd);

	if (!b)
		return;
	c->loader = b->name;
	gpupt_bootloader_configured(c->h->rootfd, b, NULL, &c->next);
}

static int load_state(struct check_ctx *c)
{
	int r = gpupt_devices_scan_flags(c->h, &c->l, GPUPT_SCAN_NO_NAMES);

	if (r < 0) {
		gpupt_msg(c->h->err, "cannot enumerate PCI devices under %s: %s\n", c->h->root,
			  strerror(-r));
		return r;
	}
	gpupt_config_init(&c->merged);
	gpupt_config_load(c->h, NULL, NULL, &c->merged, c->h->err);
	if (!c->merged.off)
		gpupt_select_from_config(&c->l, &c->merged, &c->sel);
	if (gpupt_read_file(c->h->rootfd, "proc/cmdline", c->effect, sizeof(c->effect), GPUPT_READ_REGULAR) < 0)
		c->effect[0] = '\0';
	c->effect[strcspn(c->effect, "\n")] = '\0';
	gpupt_kernels_find(c->h->rootfd, &c->k);
	find_loader(c);
	return 0;
}

int gpupt_cmd_check(struct gpupt_host *h, int argc, char **argv)
{
	struct check_ctx *c;
	int opt, ret, first;

	opt = gpupt_options_parse_or_usage(h->out, h->err, gpupt_no_options, argc, argv,
					   gpupt_option_none, NULL, &first, check_usage);
	if (opt != 0)
		return opt < 0 ? 0 : opt;
	if (first < argc) {
		gpupt_msg(h->err, "check: unexpected argument \"%s\"\n", argv[first]);
		return check_usage(h->err, 2);
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->h = h;
	if (load_state(c) < 0) {
		free(c);
		return 2;
	}
	if (h->json) {
		gpupt_json_init(&c->j, h->out);
		gpupt_json_begin_object(&c->j);
		gpupt_json_key(&c->j, "checks");
		gpupt_json_begin_array(&c->j);
	}
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		checks[i].run(c);
	if (h->json) {
		gpupt_json_end_array(&c->j);
		gpupt_json_kv_str(&c->j, "result", level_json[c->worst]);
		gpupt_json_end_object(&c->j);
		gpupt_json_finish(&c->j);
	}
	ret = (int)c->worst;
	gpupt_devices_free(&c->l);
	free(c);
	return ret;
}
