// SPDX-License-Identifier: MIT
/* gpupt: global options, the command table, help. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "lib/path.h"
#include "lib/macro.h"
#include "lib/msg.h"

/* Each command with its option table: main reads it to tell which options take a value. */
static const struct gpupt_command {
	const char *name;
	int (*fn)(struct gpupt_host *h, int argc, char **argv);
	const char *summary;
	const struct gpupt_option *options;
} commands[] = {
	{ "list", gpupt_cmd_list, "show the GPUs, all functions of their slots, drivers, IOMMU groups",
	  gpupt_no_options },
	{ "check", gpupt_cmd_check, "preflight: is this host ready for passthrough? (PASS/WARN/FAIL)",
	  gpupt_no_options },
	{ "status", gpupt_cmd_status, "configured vs in effect vs bound now; is a reboot pending?",
	  gpupt_no_options },
	{ "enable", gpupt_cmd_enable,
	  "select devices for vfio-pci at every boot (conf, kernel command line, initramfs)",
	  gpupt_enable_options },
	{ "confirm", gpupt_cmd_confirm, "make the pending trial boot's settings the default", gpupt_no_options },
	{ "rollback", gpupt_cmd_rollback, "end the pending trial boot; reboot into the old settings",
	  gpupt_trial_end_options },
	{ "disable", gpupt_cmd_disable, "take back exactly what enable added", gpupt_enable_options },
	{ "rom", gpupt_cmd_rom, "does the GPU's option ROM have an EFI image (UEFI/OVMF boot screen)?",
	  gpupt_rom_options },
	{ "vm", gpupt_cmd_vm, "set up a Proxmox VM to get the GPU (hostpci, q35, OVMF), checked first",
	  gpupt_vm_options },
	{ "map", gpupt_cmd_map, "this node's entries of a Proxmox VE cluster PCI mapping (pci.cfg)",
	  gpupt_map_options },
	{ "trial-agent", gpupt_cmd_trial_agent, "the trial boot's check (run by gpupt-trial.service)",
	  gpupt_no_options },
};

static void list_commands(FILE *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

static int usage(FILE *f, int status)
{
	fputs("Usage: gpupt [--root DIR] [--json] [--verbose] COMMAND [ARGS...]\n"
	      "\n"
	      "Hands GPUs to virtual machines: the selected PCI devices are bound to vfio-pci\n"
	      "early in boot, before any host driver can take them.\n"
	      "\n"
	      "Commands:\n",
	      f);
	list_commands(f);
	fputs("\n"
	      "Options (before COMMAND; --root, --json and --verbose also after it):\n"
	      "  --root DIR   act on the system tree at DIR instead of / (tests, rescue media)\n"
	      "  --json       machine-readable output\n"
	      "  --verbose    say more\n"
	      "  --help       this text; `gpupt COMMAND --help` explains one command\n"
	      "  --version    print the version\n"
	      "\n"
	      "Example: pass the GPU at 01:00 through, with its audio function\n"
	      "  gpupt list            find the card: 0000:01:00.0 VGA and 0000:01:00.1 audio\n"
	      "  gpupt check           fix every FAIL it reports first\n"
	      "  gpupt enable 01:00    select every function of slot 01:00, then reboot: the\n"
	      "                        new settings boot once, as a trial that confirms itself\n"
	      "                        or falls back to the old ones within 10 minutes\n"
	      "  gpupt status          after the reboot: trial confirmed, functions on vfio-pci?\n"
	      "  gpupt disable         undo it all (then reboot)\n"
	      "\n"
	      "Host does not come up right?  At the boot menu, add gpupt.off to the kernel\n"
	      "command line: nothing is bound for that one boot.\n"
	      "\n"
	      "Exit status: 0 success; 1 failure or problems found; 2 usage error\n"
	      "(`gpupt check`: 0 all passed, 1 warnings, 2 failures).\n",
	      f);
	return status;
}

static const struct gpupt_command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * --root DIR, --root=DIR, --json, --verbose at argv[0] (next: the word after
 * it).  Returns the number of words taken (0: not one of them), or 2 with
 * *status set for an error.
 */
static int take_global(struct gpupt_host *h, char **argv, int argc, int *status)
{
	const char *a = argv[0];

	*status = 0;
	if (strcmp(a, "--root") == 0) {
		if (argc < 2) {
			gpupt_msg(stderr, "--root needs a directory\n");
			*status = 2;
		} else {
			h->root = argv[1];
		}
		return 2;
	}
	if (strncmp(a, "--root=", 7) == 0)
		h->root = a + 7;
	else if (strcmp(a, "--json") == 0)
		h->json = true;
	else if (strcmp(a, "--verbose") == 0)
		h->verbose = true;
	else
		return 0;
	return 1;
}

/* Global options end at the first non-option: the command's own options follow it. */
static int parse_globals(struct gpupt_host *h, int argc, char **argv, int *next)
{
	int i, status;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		int n = take_global(h, argv + i, argc - i, &status);

		if (status)
			return status;
		if (n > 0) {
			i += n - 1;
		} else if (strcmp(a, "-v") == 0) {
			h->verbose = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			return usage(stdout, 0) - 1; /* -1: done, exit 0 */
		} else if (strcmp(a, "--version") == 0) {
			puts("gpupt " GPUPT_VERSION);
			return -1;
		} else {
			gpupt_msg(stderr, "unknown option \"%s\"\n\n", a);
			return usage(stderr, 2);
		}
	}
	*next = i;
	return 0;
}

/*
 * The global options may follow the command too (`gpupt enable --root /mnt
 * 01:00`), as systemctl takes them: they are taken out of the command's
 * words (argv[0] is the command), up to a "--", and the rest is left in
 * order.  Values of the command's own options stay theirs: `rom --file
 * --json` reads a file named --json.  Only the full names are taken.
 */
static int take_globals_after(struct gpupt_host *h, const struct gpupt_command *cmd, int *argc, char **argv)
{
	int out = 1, status;

	for (int i = 1; i < *argc; i++) {
		int n = take_global(h, argv + i, *argc - i, &status);

		if (status)
			return status;
		if (n > 0) {
			i += n - 1;
			continue;
		}
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		argv[out++] = argv[i];
		if (gpupt_option_takes_next(cmd->options, argv[i]) && i + 1 < *argc)
			argv[out++] = argv[++i];
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

int main(int argc, char **argv)
{
	struct gpupt_host h = { .root = "/", .rootfd = -1, .out = stdout, .err = stderr };
	const struct gpupt_command *cmd;
	int ret, next = argc;

	ret = parse_globals(&h, argc, argv, &next);
	if (ret != 0)
		return ret < 0 ? 0 : ret;
	if (next == argc) {
		gpupt_msg(stderr, "no command given\n\n");
		return usage(stderr, 2);
	}
	cmd = find_command(argv[next]);
	if (!cmd) {
		gpupt_msg(stderr, "unknown command \"%s\"; the commands are:\n", argv[next]);
		list_commands(stderr);
		return 2;
	}
	argc -= next;
	ret = take_globals_after(&h, cmd, &argc, argv + next);
	if (ret != 0)
		return ret;
	if (h.root[0] == '\0')
		h.root = ".";
	h.rootfd = gpupt_path_open_root(h.root);
	if (h.rootfd < 0) {
		gpupt_msg(stderr, "--root %s: %s\n", h.root, strerror(-h.rootfd));
		return 2;
	}
	ret = cmd->fn(&h, argc, argv + next);
	if (fflush(stdout) != 0 && ret == 0)
		ret = 1;
	close(h.rootfd);
	return ret;
}
