// SPDX-License-Identifier: MIT
/* gpupt: global options, the command table, help. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "lib/path.h"
#include "lib/macro.h"
#include "lib/msg.h"

static const struct gpupt_command {
	const char *name;
	int (*fn)(struct gpupt_host *h, int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", gpupt_cmd_list, "show the GPUs, all functions of their slots, drivers, IOMMU groups" },
	{ "check", gpupt_cmd_check, "preflight: is this host ready for passthrough? (PASS/WARN/FAIL)" },
	{ "status", gpupt_cmd_status, "configured vs in effect vs bound now; is a reboot pending?" },
	{ "enable", gpupt_cmd_enable, "select devices for vfio-pci at every boot (conf, kernel command line, initramfs)" },
	{ "disable", gpupt_cmd_disable, "take back exactly what enable added" },
	{ "rom", gpupt_cmd_rom, "does the GPU's option ROM have an EFI image (UEFI/OVMF boot screen)?" },
	{ "vm", gpupt_cmd_vm, "set up a Proxmox VM to get the GPU (hostpci, q35, OVMF), checked first" },
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
	      "Commands:\n", f);
	list_commands(f);
	fputs("\n"
	      "Options (before COMMAND):\n"
	      "  --root DIR   act on the system tree at DIR instead of / (tests, rescue media)\n"
	      "  --json       machine-readable output\n"
	      "  --verbose    say more\n"
	      "  --help       this text; `gpupt COMMAND --help` explains one command\n"
	      "  --version    print the version\n"
	      "\n"
	      "Example: pass the GPU at 01:00 through, with its audio function\n"
	      "  gpupt list            find the card: 0000:01:00.0 VGA and 0000:01:00.1 audio\n"
	      "  gpupt check           fix every FAIL it reports first\n"
	      "  gpupt enable 01:00    select every function of slot 01:00, then reboot\n"
	      "  gpupt status          after the reboot: both functions on vfio-pci?\n"
	      "  gpupt disable         undo it all (then reboot)\n"
	      "\n"
	      "Host does not come up right?  At the boot menu, add gpupt.off to the kernel\n"
	      "command line: nothing is bound for that one boot.\n"
	      "\n"
	      "Exit status: 0 success; 1 failure or problems found; 2 usage error\n"
	      "(`gpupt check`: 0 all passed, 1 warnings, 2 failures).\n", f);
	return status;
}

static const struct gpupt_command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Global options end at the first non-option: the command's own options follow it. */
static int parse_globals(struct gpupt_host *h, int argc, char **argv, int *next)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--root") == 0) {
			if (++i == argc) {
				gpupt_msg(stderr, "--root needs a directory\n");
				return 2;
			}
			h->root = argv[i];
		} else if (strncmp(a, "--root=", 7) == 0) {
			h->root = a + 7;
		} else if (strcmp(a, "--json") == 0) {
			h->json = true;
		} else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			h->verbose = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			return usage(stdout, 0) - 1;	/* -1: done, exit 0 */
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
	if (h.root[0] == '\0')
		h.root = ".";
	h.rootfd = gpupt_path_open_root(h.root);
	if (h.rootfd < 0) {
		gpupt_msg(stderr, "--root %s: %s\n", h.root, strerror(-h.rootfd));
		return 2;
	}
	ret = cmd->fn(&h, argc - next, argv + next);
	if (fflush(stdout) != 0 && ret == 0)
		ret = 1;
	close(h.rootfd);
	return ret;
}
