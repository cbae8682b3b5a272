// SPDX-License-Identifier: MIT
/*
 * Names gpupt did not write itself (pci.ids, sysfs driver links and
 * attributes, the kernel log) on fixture roots: in text output a control
 * character is shown as \xNN and never reaches the terminal (JSON escapes
 * it as \u00NN), and a pci.ids that is corrupt, or not a regular file,
 * leaves the names as numbers instead of failing the command.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "tests/fixtures/host/devroot.h"

#define GPU "sys/devices/pci0000:00/0000:01:00.0"
#define AUDIO "sys/devices/pci0000:00/0000:01:00.1"
#define IDS "usr/share/misc/pci.ids"

/* A pci.ids whose names hold ESC sequences, a BEL and a C1 CSI (U+009B), and UTF-8 to keep. */
static const char hostile_ids[] =
	"10de  NVIDIA \033]0;owned\007Corporation\n"
	"\t1381  GM107 \033[2J[GeForce GTX 750] \302\233""31m caf\303\251\n"
	"\t0fbc  GM107 Audio\n"
	"C 03  Display controller\n"
	"\t00  VGA \033[5mcompatible controller\n"
	"C 04  Multimedia controller\n"
	"\t03  Audio device\n";

/* No byte below 0x20 but the newline, no DEL, no C1 in UTF-8. */
static void assert_printable(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			fail_msg("%s: control byte 0x%02x at %zu in:\n%s", what, *p,
				 (size_t)((const char *)p - s), s);
}

/* A driver whose sysfs name holds an ESC, bound to the audio function. */
static void hostile_driver(struct devroot *r)
{
	assert_int_equal(mkdirat(r->h.rootfd, "sys/bus/pci/drivers/snd\033[1mhda", 0755), 0);
	devroot_symlink(r, "../../../bus/pci/drivers/snd\033[1mhda", AUDIO "/driver");
	devroot_write(r, AUDIO "/reset_method", "flr\033[0m bus\n", 0);
}

static void test_list_escapes(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, IDS, hostile_ids, 0);
	hostile_driver(&r);
	devroot_write(&r, GPU "/driver_override", "vfio\007-pci\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_printable("list", r.out);
	assert_printable("list", r.err);
	assert_non_null(strstr(r.out, "VGA \\x1b[5mcompatible controller: NVIDIA \\x1b]0;owned\\x07Corporation"
				      " GM107 \\x1b[2J[GeForce GTX 750] \\xc2\\x9b31m caf\303\251"));
	assert_non_null(strstr(r.out, "  vfio\\x07-pci  "));
	assert_non_null(strstr(r.out, "  snd\\x1b[1mhda  "));
	assert_non_null(strstr(r.out, "  flr\\x1b[0m,bus  "));
	assert_non_null(strstr(r.out, ", 0000:01:00.1 [10de:0fbc] snd\\x1b[1mhda\n"));
	/* JSON keeps the name and escapes it its own way. */
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 1, "list", (char *)NULL), 0);
	assert_printable("list --json", r.out);
	assert_non_null(strstr(r.out, "\"vendor_name\":\"NVIDIA \\u001b]0;owned\\u0007Corporation\""));
	assert_non_null(strstr(r.out, "\"driver\":\"snd\\u001b[1mhda\""));
	devroot_free(&r);
}

static void test_status_escapes(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	hostile_driver(&r);
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:01:00.1\n", 1000);	/* before the boot */
	devroot_write(&r, "dev/kmsg", "3,1,1,-;gpupt: 0000:01:00.1 10de:0fbc (audio class 040300, on "
				      "snd\033[1mhda): selected by addrs in /etc/gpupt.conf\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_status, 0, "status", (char *)NULL), 1);
	assert_printable("status", r.out);
	assert_printable("status", r.err);
	assert_non_null(strstr(r.out, "  snd\\x1b[1mhda   "));
	assert_non_null(strstr(r.out, "on snd\\x1b[1mhda; gpupt's kernel log lines:\n"));
	assert_non_null(strstr(r.out, "    kernel log: gpupt: 0000:01:00.1 10de:0fbc (audio class 040300, on "
				      "snd\\x1b[1mhda): selected"));
	devroot_free(&r);
}

static void test_check_and_enable_escape(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, IDS, hostile_ids, 0);
	hostile_driver(&r);
	devroot_write(&r, "etc/gpupt.conf", "addrs = 0000:01:00.0\n", 0);
	devroot_run(&r, gpupt_cmd_check, 0, "check", (char *)NULL);
	assert_printable("check", r.out);
	assert_printable("check", r.err);
	assert_non_null(strstr(r.out, "of the same card stays on snd\\x1b[1mhda: select the whole slot"));
	unlinkat(r.h.rootfd, "etc/gpupt.conf", 0);
	devroot_run(&r, gpupt_cmd_enable, 0, "enable", "--no-trial", "--dry-run", "01:00.0", (char *)NULL);
	assert_printable("enable", r.out);
	assert_printable("enable", r.err);
	assert_non_null(strstr(r.out, "  0000:01:00.0  10de:1381  NVIDIA \\x1b]0;owned\\x07Corporation GM107"
				      " \\x1b[2J[GeForce GTX 750] \\xc2\\x9b31m caf\303\251 (VGA \\x1b[5mcompatible"
				      " controller)\n"));
	assert_non_null(strstr(r.err, "stays on snd\\x1b[1mhda: select the whole slot"));
	devroot_free(&r);
}

/* pci.ids with a line libpci cannot parse: libpci calls its error callback. */
static void test_corrupt_pci_ids_numbers(void **state)
{
	struct devroot r;

	(void)state;
	devroot_make(&r, "seed");
	devroot_write(&r, IDS, "10de  NVIDIA Corporation\n\t1381  GM107\nthis is no pci.ids line\n", 0);
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
	assert_non_null(strstr(r.err, "gpupt: warning: pci.ids: Parse error at "));
	assert_non_null(strstr(r.err, "/usr/share/misc/pci.ids, line 3; device names are shown as numbers\n"));
	assert_non_null(strstr(r.out, "  0300: 10de 1381 (subsystem 1043:8416 1043:8416)\n"));
	assert_int_equal(devroot_run(&r, gpupt_cmd_list, 1, "list", (char *)NULL), 0);
	assert_non_null(strstr(r.out, "\"vendor_name\":\"10de\",\"device_name\":\"1381\""));
	assert_int_equal(devroot_run(&r, gpupt_cmd_enable, 0, "enable", "--no-trial", "--dry-run", "01:00", (char *)NULL), 0);
	assert_non_null(strstr(r.out, "  0000:01:00.0  10de:1381  10de 1381 (0300)\n"));
	assert_non_null(strstr(r.out, "+addrs = 0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc\n"));
	devroot_free(&r);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("a command hung on pci.ids");
}

/* A FIFO (libpci would wait on it), a directory or an unreadable file: numbers. */
static void test_pci_ids_not_a_file(void **state)
{
	static const char *const kinds[] = { "fifo", "dir" };
	struct devroot r;

	(void)state;
	signal(SIGALRM, on_alarm);
	for (size_t i = 0; i < 2; i++) {
		devroot_make(&r, "seed");
		assert_int_equal(unlinkat(r.h.rootfd, IDS, 0), 0);
		if (i == 0)
			assert_int_equal(mkfifoat(r.h.rootfd, IDS, 0644), 0);
		else
			assert_int_equal(mkdirat(r.h.rootfd, IDS, 0755), 0);
		alarm(10);
		assert_int_equal(devroot_run(&r, gpupt_cmd_list, 0, "list", (char *)NULL), 0);
		alarm(0);
		if (!strstr(r.err, "gpupt: warning: /usr/share/misc/pci.ids: not a regular file;"
				   " device names are shown as numbers\n"))
			fail_msg("%s: %s", kinds[i], r.err);
		assert_non_null(strstr(r.out, "  0300: 10de 1381 (subsystem 1043:8416 1043:8416)\n"));
		devroot_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_escapes),
		cmocka_unit_test(test_status_escapes),
		cmocka_unit_test(test_check_and_enable_escape),
		cmocka_unit_test(test_corrupt_pci_ids_numbers),
		cmocka_unit_test(test_pci_ids_not_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
