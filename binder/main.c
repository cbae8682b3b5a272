// SPDX-License-Identifier: MIT
/*
 * gpupt-bind: runs in the initramfs before udev's coldplug and binds the
 * devices selected by gpupt.* (kernel command line) and /etc/gpupt.conf to
 * their passthrough driver through driver_override.  It never stops a
 * boot: inputs and waits are bounded, and every problem is logged to
 * /dev/kmsg and skipped.
 * Exit status: 0 all selected devices bound (or none selected, or
 * gpupt.off), 1 some could not be bound, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binder/binder.h"
#include "cmdline/cmdline.h"
#include "conf/conf.h"
#include "lib/macro.h"
#include "lib/number.h"

/* Buffers for the whole command line and conf; each holds one byte less. */
enum { CMDLINE_MAX = 4096, CONF_MAX = 16384 };
/* The wait for modprobe: long enough for a loaded module's init, short
 * enough not to hold the boot up when modprobe hangs. */
enum { MODPROBE_WAIT_MS = 1000, MODPROBE_WAIT_MAX_MS = 600000 };
#define CMDLINE_MAX_TEXT "4095"
_Static_assert(CMDLINE_MAX == 4095 + 1, "CMDLINE_MAX_TEXT is CMDLINE_MAX - 1");

static const char usage_text[] =
	"usage: gpupt-bind [--root DIR] [--dry-run] [--verbose] [--modprobe PATH]\n"
	"                  [--modprobe-wait MS] [--cmdline STRING]\n"
	"\n"
	"Bind the PCI devices selected by gpupt.ids=/gpupt.addrs= on the kernel\n"
	"command line (or ids/addrs in /etc/gpupt.conf) to vfio-pci, or to the\n"
	"driver named by gpupt.driver=.  Run from the initramfs before udev; logs\n"
	"to /dev/kmsg (read them with: dmesg | grep gpupt).\n"
	"\n"
	"  --root DIR        treat DIR as / for sys, proc, etc and dev (tests)\n"
	"  --dry-run         print what would be done; write nothing\n"
	"  --verbose         also print every step to stdout, with debug lines\n"
	"  --modprobe PATH   modprobe to run when the driver is not loaded\n"
	"                    (default /sbin/modprobe; not run with --root unless given)\n"
	"  --modprobe-wait MS  wait that long for it, then go on (default 1000)\n"
	"  --cmdline STRING  use STRING instead of DIR/proc/cmdline\n"
	"  --help            show this text\n"
	"  --version         print the version\n"
	"\n"
	"GPUPT_PASS=late in the environment marks the second pass, after udev.\n"
	"Exit status: 0 all selected devices bound (or none selected), 1 some\n"
	"could not be bound, 2 usage error.\n";

static int usage_error(const char *what, const char *arg)
{
	struct msg m;

	msg_init(&m);
	msg_cat(&m, "gpupt-bind: ", what, arg, "\n(try gpupt-bind --help)\n", (const char *)NULL);
	out_write(STDERR_FILENO, m.s, m.len);
	return 2;
}

/* "--name VALUE" or "--name=VALUE"; returns the value or NULL. */
static const char *opt_value(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_args(struct binder *b, int argc, char **argv)
{
	bool modprobe_given = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			out_write(STDOUT_FILENO, usage_text, sizeof(usage_text) - 1);
			return 1;
		} else if (strcmp(a, "--version") == 0) {
			out_write(STDOUT_FILENO, "gpupt-bind " GPUPT_VERSION "\n",
				  sizeof("gpupt-bind " GPUPT_VERSION "\n") - 1);
			return 1;
		} else if (strcmp(a, "--dry-run") == 0 || strcmp(a, "-n") == 0) {
			b->dry_run = true;
		} else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			b->verbose = true;
		} else if ((v = opt_value("--root", argc, argv, &i))) {
			b->root = v;
		} else if ((v = opt_value("--modprobe", argc, argv, &i))) {
			b->modprobe = v;
			modprobe_given = true;
		} else if ((v = opt_value("--modprobe-wait", argc, argv, &i))) {
			if (gpupt_parse_ulong(v, strlen(v), &b->modprobe_wait_ms) < 0 ||
			    b->modprobe_wait_ms > MODPROBE_WAIT_MAX_MS)
				return -usage_error("--modprobe-wait: not a number of milliseconds up to "
						    "600000: ",
						    v);
		} else if ((v = opt_value("--cmdline", argc, argv, &i))) {
			/* Cut short, it could lose a gpupt.off at its end. */
			if (strlen(v) >= CMDLINE_MAX)
				return -usage_error("--cmdline: longer than " CMDLINE_MAX_TEXT
						    " bytes, the most gpupt-bind reads",
						    "");
			b->cmdline_arg = v;
		} else {
			return -usage_error("unknown option or missing value: ", a);
		}
	}
	if (!modprobe_given)
		b->modprobe = strcmp(b->root, "/") == 0 ? "/sbin/modprobe" : NULL;
	if (b->root[0] == '\0' || (b->modprobe && b->modprobe[0] != '/'))
		return -usage_error("--root and --modprobe need a non-empty path, --modprobe an absolute one",
				    "");
	return 0;
}

static void log_diags(struct binder *b, const struct gpupt_diags *d, const char *origin)
{
	for (unsigned i = 0; i < d->n; i++) {
		struct msg m;

		msg_init(&m);
		if (gpupt_diag_format(&d->d[i], origin, m.s, sizeof(m.s)) < 0)
			m.truncated = true;
		m.len = strlen(m.s);
		binder_log(b, d->d[i].code == GPUPT_DIAG_UNKNOWN_KEY ? LOG_WARNING : LOG_ERR, &m);
	}
	if (d->dropped) {
		struct msg m;

		msg_init(&m);
		msg_dec(&m, d->dropped);
		msg_cat(&m, " more problems in ", origin ? origin : "the kernel command line",
			" not shown", (const char *)NULL);
		binder_log(b, LOG_ERR, &m);
	}
}

/*
 * Read rootfd/path whole into buf: its length, or -errno (buf then holds "").
 * A FIFO or a directory in its place is refused at once rather than waited
 * on or read as empty; a device node is read up to the bound.  A problem
 * is logged with what happens now (then); an absent file only when
 * !absent_ok.
 */
static int read_input(struct binder *b, const char *path, char *buf, size_t size, bool absent_ok,
		      const char *then)
{
	int r = gpupt_read_file(b->rootfd, path, buf, size, GPUPT_READ_SEEKABLE | GPUPT_READ_CHOMP);
	struct msg m;

	if (r >= 0 || (r == -ENOENT && absent_ok))
		return r;
	msg_init(&m);
	msg_cat(&m, "cannot read /", path, ": ", (const char *)NULL);
	if (r == -EFBIG) {
		msg_str(&m, "larger than ");
		msg_dec(&m, size - 1);
		msg_str(&m, " bytes");
	} else {
		msg_str(&m, r == -ESPIPE || r == -EISDIR ? "not a regular file (a FIFO or a directory)"
							 : binder_strerror(-r));
	}
	msg_cat(&m, "; ", then, (const char *)NULL);
	binder_log(b, LOG_ERR, &m);
	return r;
}

static void load_config(struct binder *b)
{
	static char cmdline[CMDLINE_MAX], conf[CONF_MAX];
	struct gpupt_config from_cmdline, from_conf;
	struct gpupt_diags diags;
	const char *cbuf = cmdline;
	int clen, flen;

	if (b->cmdline_arg) {
		cbuf = b->cmdline_arg;
		clen = (int)strlen(cbuf); /* parse_args refused a longer one */
	} else {
		/* A command line not read whole may hide a gpupt.off: when in doubt, bind nothing. */
		clen = read_input(b, "proc/cmdline", cmdline, sizeof(cmdline), false,
				  "counts as gpupt.off: nothing is bound");
	}
	flen = read_input(b, GPUPT_CONF_PATH, conf, sizeof(conf), true, "ignored");

	gpupt_config_init(&from_cmdline);
	gpupt_diags_init(&diags);
	gpupt_cmdline_parse(cbuf, (size_t)MAX(clen, 0), &from_cmdline, &diags);
	log_diags(b, &diags, NULL);

	gpupt_config_init(&from_conf);
	gpupt_diags_init(&diags);
	gpupt_conf_parse(conf, (size_t)MAX(flen, 0), &from_conf, &diags);
	log_diags(b, &diags, "/" GPUPT_CONF_PATH);

	gpupt_config_merge(&from_cmdline, &from_conf, &b->cfg);
	if (clen < 0)
		b->cfg.off = true;
	if (from_cmdline.n_ids || from_cmdline.n_addrs || !(from_conf.n_ids || from_conf.n_addrs)) {
		b->sel_ids = "gpupt.ids";
		b->sel_addrs = "gpupt.addrs";
	} else {
		b->sel_ids = "ids in /" GPUPT_CONF_PATH;
		b->sel_addrs = "addrs in /" GPUPT_CONF_PATH;
	}
	b->debug = b->cfg.debug == 1;
}

static void say_selection(struct binder *b)
{
	struct msg m;
	char item[48];

	msg_init(&m);
	msg_cat(&m, "driver ", b->driver, (const char *)NULL);
	for (unsigned i = 0; i < b->cfg.n_ids; i++) {
		if (gpupt_format_id(&b->cfg.ids[i], item, sizeof(item)) < 0)
			continue;
		msg_cat(&m, i ? "," : "; ", i ? "" : b->sel_ids, i ? "" : ": ", item, (const char *)NULL);
	}
	for (unsigned i = 0; i < b->cfg.n_addrs; i++) {
		if (gpupt_format_addr(&b->cfg.addrs[i], item, sizeof(item)) < 0)
			continue;
		msg_cat(&m, i ? "," : "; ", i ? "" : b->sel_addrs, i ? "" : ": ", item, (const char *)NULL);
	}
	binder_log(b, LOG_INFO, &m);
}

static bool pick_driver(struct binder *b)
{
	const char *drv = b->cfg.driver[0] ? b->cfg.driver : GPUPT_DEFAULT_DRIVER;
	size_t n = strlen(drv);

	if (n >= sizeof(b->driver) || gpupt_check_driver_name(drv, n) < 0 || !gpupt_path_name_ok(drv)) {
		binder_logs(b, LOG_ERR, "driver \"", drv,
			    "\" is not a valid driver name; nothing bound", (const char *)NULL);
		return false;
	}
	memcpy(b->driver, drv, n + 1);
	return true;
}

static int run(struct binder *b)
{
	load_config(b);
	if (b->cfg.off) {
		binder_logs(b, LOG_INFO, "gpupt.off: binding nothing", (const char *)NULL);
		return 0;
	}
	/* Before anything that could hang: a trial boot's watchdog. */
	binder_arm_watchdog(b);
	if (!pick_driver(b))
		return 1;
	if (b->cfg.n_ids == 0 && b->cfg.n_addrs == 0) {
		binder_logs(b, LOG_DEBUG, "nothing selected (no gpupt.ids/gpupt.addrs, no ids/addrs in /",
			    GPUPT_CONF_PATH, ")", (const char *)NULL);
		return 0;
	}
	say_selection(b);
	b->devsfd = gpupt_sysfs_pci_devices_open(b->rootfd);
	if (b->devsfd < 0) {
		binder_logs(b, LOG_ERR, "cannot open /", GPUPT_SYSFS_PCI_DEVICES, ": ",
			    binder_strerror(-b->devsfd), "; nothing bound", (const char *)NULL);
		return 1;
	}
	if (binder_select(b) < 0)
		return 1;
	binder_resolve_driver(b);
	binder_check_groups(b);
	binder_release_boot_fb(b);
	binder_bind_all(b);
	return b->failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct binder b;
	const char *pass = getenv("GPUPT_PASS");
	int r;

	b.root = "/";
	b.modprobe_wait_ms = MODPROBE_WAIT_MS;
	b.devsfd = -1;
	r = parse_args(&b, argc, argv);
	if (r != 0)
		return r < 0 ? -r : 0;
	b.late = pass && strcmp(pass, "late") == 0;
	b.rootfd = gpupt_path_open_root(b.root);
	if (b.rootfd < 0)
		return usage_error("cannot open --root ", b.root);
	binder_log_open(&b);
	if (b.dry_run)
		binder_logs(&b, LOG_INFO, "dry run on ", b.root, ": nothing is written", (const char *)NULL);
	if (b.late)
		binder_logs(&b, LOG_DEBUG, "second pass, after udev's coldplug", (const char *)NULL);
	r = run(&b);
	binder_logs(&b, r ? LOG_WARNING : LOG_DEBUG, "done; exit status ", r ? "1" : "0", (const char *)NULL);
	return r;
}
