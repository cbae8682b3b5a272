// SPDX-License-Identifier: MIT
/*
 * gpupt enable says "done" only when the tokens it adds end up in the
 * command line the boot loader really uses: exported GRUB assignments are
 * edited where sh takes them, values with $(...) are refused in place (the
 * drop-in still works), a grub.d file that replaces the value after gpupt's
 * change is named, and a comment on the first line of /etc/kernel/cmdline
 * (which proxmox-boot-tool takes as the command line) is refused.  Fixture
 * roots from tests/fixtures/host/boot-root.sh, fake regeneration commands
 * first in PATH.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#define TOKENS "intel_iommu=on iommu=pt " ADDRS
#define FIX "tests/fixtures/host/"

static void put(struct fx *f, const char *rel, const char *text)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, text, strlen(text), 0644), 0);
}

static void assert_file(struct fx *f, const char *rel, const char *want)
{
	char *s = read_rel(f, rel);

	if (!want) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* Nothing written, nothing run: the files given are as before, no backup, no journal. */
static void assert_untouched(struct fx *f, const char *rel, const char *was)
{
	char path[256];

	assert_file(f, rel, was);
	assert_file(f, "etc/gpupt.conf", NULL);
	assert_file(f, "etc/default/grub.d/gpupt.cfg", NULL);
	assert_false(gpupt_path_exists(f->h.rootfd, "var/lib/gpupt"));
	snprintf(path, sizeof(path), "%s/calls", f->bin);
	assert_int_equal(access(path, F_OK), -1);
}

static char *slurp_fixture(const char *name)
{
	char path[128];
	char *buf;
	size_t len;
	int fd = open(".", O_PATH | O_DIRECTORY);

	snprintf(path, sizeof(path), FIX "%s", name);
	assert_int_equal(gpupt_read_file_alloc(fd, path, GPUPT_FILE_MAX, 0, &buf, &len), 0);
	close(fd);
	return buf;
}

/* --grub-in-place edits the exported assignment, the one sh keeps; disable gives every byte back. */
static void test_export_in_place(void **state)
{
	struct fx *f = make_fixture("seed", "debian", "grub-export.default");
	char *orig = slurp_fixture("grub-export.default"), *s;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 0);
	s = read_rel(f, "etc/default/grub");
	assert_non_null(strstr(s, "\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"));
	assert_non_null(strstr(s, "\tGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash " TOKENS "\"\n"));
	free(s);
	assert_non_null(strstr(f->out, "done; reboot"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_file(f, "etc/default/grub", orig);
	free(orig);
	free_fixture(f);
}

/*
 * The drop-in leaves out tokens the user already has: an exported value
 * that replaces an earlier one decides which those are.
 */
static void test_export_decides_user_tokens(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	put(f, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n"
	    "export GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_file(f, "etc/default/grub.d/gpupt.cfg",
		    "# Written by `gpupt enable`; `gpupt disable` removes it.\n"
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT " TOKENS "\"\n");
	free_fixture(f);
}

/* $(...) in the value: refused in place, with the drop-in suggested; the drop-in works. */
static void test_substitution_refused_in_place(void **state)
{
	static const char grub[] = "GRUB_DEFAULT=0\n"
				   "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $(cat /etc/kernel-args)\"\n";
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	put(f, "etc/default/grub", grub);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/default/grub: GRUB_CMDLINE_LINUX_DEFAULT holds a"
				       " command substitution ($(...) or `...`):"));
	assert_non_null(strstr(f->err, "leave out --grub-in-place to use the drop-in"
				       " /etc/default/grub.d/gpupt.cfg"));
	assert_null(strstr(f->out, "done"));
	assert_untouched(f, "etc/default/grub", grub);

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_file(f, "etc/default/grub", grub);
	assert_file(f, "etc/default/grub.d/gpupt.cfg",
		    "# Written by `gpupt enable`; `gpupt disable` removes it.\n"
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT " TOKENS "\"\n");
	free_fixture(f);
}

/* A grub.d file read after gpupt's that replaces the value: named, nothing written. */
static void test_later_file_replaces_value(void **state)
{
	static const char later[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n";
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *grub = read_rel(f, "etc/default/grub");

	(void)state;
	put(f, "etc/default/grub.d/zz-local.cfg", later);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/default/grub.d/zz-local.cfg sets"
				       " GRUB_CMDLINE_LINUX_DEFAULT (or GRUB_CMDLINE_LINUX) again after"
				       " gpupt's change, so update-grub would leave out the tokens"));
	assert_null(strstr(f->out, "done"));
	assert_untouched(f, "etc/default/grub", grub);
	/* In place too: the later file wins over /etc/default/grub. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/default/grub.d/zz-local.cfg sets"));
	assert_untouched(f, "etc/default/grub", grub);
	assert_file(f, "etc/default/grub.d/zz-local.cfg", later);

	/* One that adds to the value, or a $(...) that keeps what was there, is fine. */
	put(f, "etc/default/grub.d/zz-local.cfg",
	    "export GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} $(cat /etc/x)\"\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_non_null(strstr(f->out, "done; reboot"));
	free(grub);
	free_fixture(f);
}

/* What an earlier enable put elsewhere goes: the check sees the files as they will be. */
static void test_later_file_and_earlier_dropin(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *grub = read_rel(f, "etc/default/grub");

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	/* aa-local.cfg replaces the value before gpupt.cfg adds to it: fine with the drop-in ... */
	put(f, "etc/default/grub.d/aa-local.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	/* ... but in place, the drop-in goes and /etc/default/grub's value is replaced. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/default/grub.d/aa-local.cfg sets"));
	assert_file(f, "etc/default/grub", grub);
	assert_true(gpupt_path_exists(f->h.rootfd, "etc/default/grub.d/gpupt.cfg"));
	free(grub);
	free_fixture(f);
}

/*
 * proxmox-boot-tool takes the first line of /etc/kernel/cmdline as it
 * stands: a comment there is refused; comments after it stay untouched.
 */
static void test_kernel_cmdline_first_line(void **state)
{
	static const char commented[] = "# managed by ansible\nroot=ZFS=rpool/ROOT/pve-1 boot=zfs\n";
	static const char after[] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n# managed by ansible\n";
	struct fx *f = make_fixture("seed", "pve-sdboot", NULL);

	(void)state;
	put(f, "etc/kernel/cmdline", commented);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: /etc/kernel/cmdline: its first line is a comment, but"
				       " proxmox-boot-tool takes the first line as the kernel command"
				       " line as it stands"));
	assert_null(strstr(f->out, "done"));
	assert_untouched(f, "etc/kernel/cmdline", commented);

	put(f, "etc/kernel/cmdline", after);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_file(f, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs " TOKENS
		    "\n# managed by ansible\n");
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_file(f, "etc/kernel/cmdline", after);
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_in_place),
		cmocka_unit_test(test_export_decides_user_tokens),
		cmocka_unit_test(test_substitution_refused_in_place),
		cmocka_unit_test(test_later_file_replaces_value),
		cmocka_unit_test(test_later_file_and_earlier_dropin),
		cmocka_unit_test(test_kernel_cmdline_first_line),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
