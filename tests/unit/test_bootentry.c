// SPDX-License-Identifier: MIT
/*
 * The trial entry for GRUB on Debian 12's grub.cfg (tests/fixtures/host/):
 * the entry GRUB boots by default, found as GRUB finds it (an index, an id
 * or a title, '>' into submenus, saved_entry), copied with every option of
 * its header but the id.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/formats/bootentry.h"
#include "tests/unit/fixture_file.h"

#define CFG "tests/fixtures/host/grub-debian12.cfg"
#define UUID "5b0f0a8e-55e4-4c2b-9d0e-3f1f2a6b7c8d"
#define TOKENS "iommu=pt gpupt.trial=1"
#define ENTRY_612_ID "gnulinux-6.12.9-amd64-advanced-" UUID
#define ENTRY_61_ID "gnulinux-6.1.0-18-amd64-advanced-" UUID
#define LINUX_61 "linux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=" UUID " ro  quiet " TOKENS "\n"
#define LINUX_612 "linux\t/boot/vmlinuz-6.12.9-amd64 root=UUID=" UUID " ro  quiet " TOKENS "\n"

/* The fixture with its `set default="0"` line set to value. */
static char *with_default(const char *value, size_t *len)
{
	char *cfg = slurp(CFG, len), *at = strstr(cfg, "   set default=\"0\"\n");
	char *out = malloc(*len + strlen(value) + 1);

	assert_non_null(at);
	*len = (size_t)sprintf(out, "%.*s   set default=\"%s\"\n%s", (int)(at - cfg), cfg, value,
			       at + strlen("   set default=\"0\"\n"));
	free(cfg);
	return out;
}

/* The trial block for the cfg's default entry (saved_entry as given); NULL on an error, in *err. */
static char *trial_block(const char *cfg, size_t len, const char *saved, long *err)
{
	char spec[GPUPT_GRUB_SPEC_MAX], *out = malloc(len + 65536), *block;
	long n;

	assert_non_null(out);
	*err = gpupt_grubcfg_default(cfg, len, saved, spec, sizeof(spec));
	n = *err < 0 ? *err
		     : gpupt_grubcfg_add_trial(cfg, len, spec, "gpupt trial boot", TOKENS, out, len + 65536);
	if (n < 0) {
		*err = n;
		free(out);
		return NULL;
	}
	assert_memory_equal(out, cfg, len);
	block = strndup(out + len, (size_t)n - len);
	free(out);
	return block;
}

static char *block_for(const char *value, const char *saved)
{
	size_t len;
	long err;
	char *cfg = with_default(value, &len), *block = trial_block(cfg, len, saved, &err);

	assert_non_null(block);
	free(cfg);
	return block;
}

static long error_for(const char *value, const char *saved)
{
	size_t len;
	long err;
	char *cfg = with_default(value, &len), *block = trial_block(cfg, len, saved, &err);

	assert_null(block);
	free(cfg);
	return err;
}

static void test_default_zero_is_the_first_entry(void **state)
{
	char *block = block_for("0", NULL);

	(void)state;
	assert_string_equal(
		block, GPUPT_GRUBCFG_BEGIN
		"\n"
		"menuentry 'gpupt trial boot' --class debian --class gnu-linux --class gnu --class os "
		"--id gpupt-trial {\n"
		"\tload_video\n\tinsmod gzio\n"
		"\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n"
		"\tinsmod part_gpt\n\tinsmod ext2\n"
		"\tsearch --no-floppy --fs-uuid --set=root " UUID "\n"
		"\techo\t'Loading Linux 6.12.9-amd64 ...'\n"
		"\t" LINUX_612 "\techo\t'Loading initial ramdisk ...'\n"
		"\tinitrd\t/boot/initrd.img-6.12.9-amd64\n"
		"}\n" GPUPT_GRUBCFG_END "\n");
	free(block);
}

/* proxmox-boot-tool kernel pin: GRUB_DEFAULT="SUBMENU_ID>ENTRY_ID". */
static void test_pinned_kernel_by_id_path(void **state)
{
	char *block = block_for("gnulinux-advanced-" UUID ">" ENTRY_61_ID, NULL);

	(void)state;
	assert_non_null(strstr(block, "\t\t" LINUX_61));
	assert_null(strstr(block, "6.12.9"));
	assert_non_null(strstr(block, "\t\tinitrd\t/boot/initrd.img-6.1.0-18-amd64\n\t}\n" GPUPT_GRUBCFG_END "\n"));
	free(block);
}

static void test_titles_indexes_and_saved(void **state)
{
	char *a = block_for("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-18-amd64",
			    NULL);
	char *b = block_for("1>1", NULL);
	char *c = block_for("${saved_entry}", "1>" ENTRY_61_ID);
	char *d = block_for("${saved_entry}", "");
	char *e = block_for("0x1>0", NULL);
	char *f = block_for("1>" ENTRY_612_ID, NULL);

	(void)state;
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_non_null(strstr(a, LINUX_61));
	assert_non_null(strstr(d, "\t" LINUX_612));
	assert_null(strstr(d, "\t\tlinux"));
	assert_non_null(strstr(e, "\t\t" LINUX_612));
	assert_string_equal(e, f);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(f);
}

static void test_defaults_that_name_no_entry(void **state)
{
	(void)state;
	assert_int_equal(error_for("1", NULL), -EISDIR);
	assert_int_equal(error_for("gnulinux-advanced-" UUID, NULL), -EISDIR);
	assert_int_equal(error_for("gnulinux-6.2.0-advanced-" UUID, NULL), -ENOENT);
	assert_int_equal(error_for("9", NULL), -ENOENT);
	assert_int_equal(error_for("1>7", NULL), -ENOENT);
	/* The firmware's entry has no linux line. */
	assert_int_equal(error_for("uefi-firmware", NULL), -ENOENT);
	assert_int_equal(error_for("2", NULL), -ENOENT);
	/* A menuentry is not a submenu. */
	assert_int_equal(error_for("0>0", NULL), -ENOENT);
	assert_int_equal(error_for("${GRUB_X}", NULL), -EINVAL);
}

/* `set superusers`: --unrestricted and --users stay, or the trial waits for a password. */
static void test_header_options_are_kept(void **state)
{
	static const char cfg[] =
		"set default=\"prot\"\n"
		"menuentry 'It'\\''s \"quoted\"' --class debian --users 'alice bob' --unrestricted "
		"--hotkey=a ${menuentry_id_option} 'first' {\n\tlinux /vmlinuz ro\n}\n"
		"menuentry 'Has > in it' --id=prot --unrestricted {\n\tlinux /vmlinuz-p ro\n}\n"
		"menuentry 'Other' {\n\tlinux /vmlinuz-o ro\n}\n";
	char out[4096], spec[64];
	long n;

	(void)state;
	assert_int_equal(gpupt_grubcfg_default(cfg, strlen(cfg), NULL, spec, sizeof(spec)), 0);
	assert_string_equal(spec, "prot");
	n = gpupt_grubcfg_add_trial(cfg, strlen(cfg), "It's \"quoted\"", "t", TOKENS, out, sizeof(out));
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out + strlen(cfg), GPUPT_GRUBCFG_BEGIN
			    "\nmenuentry 't' --class debian --users 'alice bob' --unrestricted "
			    "--hotkey=a --id gpupt-trial {\n\tlinux /vmlinuz ro " TOKENS
			    "\n}\n" GPUPT_GRUBCFG_END "\n");
	n = gpupt_grubcfg_add_trial(cfg, strlen(cfg), "Has >> in it", "t", TOKENS, out, sizeof(out));
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out + strlen(cfg), GPUPT_GRUBCFG_BEGIN
			    "\nmenuentry 't' --unrestricted --id gpupt-trial {\n"
			    "\tlinux /vmlinuz-p ro " TOKENS "\n}\n" GPUPT_GRUBCFG_END "\n");
	n = gpupt_grubcfg_add_trial(cfg, strlen(cfg), spec, "t", TOKENS, out, sizeof(out));
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out + strlen(cfg), "vmlinuz-p"));
	assert_int_equal(gpupt_grubcfg_add_trial(cfg, strlen(cfg), "Has > in it", "t", TOKENS, out, sizeof(out)),
			 -ENOENT);
}

/* An unclosed entry is not copied: its end is unknown. */
static void test_unclosed_entry(void **state)
{
	static const char cfg[] = "menuentry 'A' {\n\tlinux /vmlinuz ro\n";
	char out[1024];

	(void)state;
	assert_int_equal(gpupt_grubcfg_add_trial(cfg, strlen(cfg), "0", "t", TOKENS, out, sizeof(out)), -ENOENT);
}

static void test_grubenv(void **state)
{
	static const char env[] = "# GRUB Environment Block\nsaved_entry=1>2\nnext_entry=\nx=a\\nb\n####";
	char v[8];

	(void)state;
	assert_int_equal(gpupt_grubenv_get(env, strlen(env), "saved_entry", v, sizeof(v)), 0);
	assert_string_equal(v, "1>2");
	assert_int_equal(gpupt_grubenv_get(env, strlen(env), "next_entry", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(gpupt_grubenv_get(env, strlen(env), "x", v, sizeof(v)), -EINVAL);
	assert_int_equal(gpupt_grubenv_get(env, strlen(env), "saved", v, sizeof(v)), -ENOENT);
	assert_int_equal(gpupt_grubenv_get(env, strlen(env), "saved_entry", v, 3), -ENOSPC);
	/* A cut-off block: the value ends at len. */
	assert_int_equal(gpupt_grubenv_get(env, 39, "saved_entry", v, sizeof(v)), 0);
	assert_string_equal(v, "1>");
}

/* LoaderEntryOneShot as efivarfs shows it: attributes, then UTF-16LE up to a NUL. */
static void test_efivar_string(void **state)
{
	static const char var[] = "\x07\x00\x00\x00"
				  "g\x00p\x00.\x00"
				  "c\x00\x00\x00";
	char val[16];

	(void)state;
	assert_int_equal(gpupt_efivar_string(var, sizeof(var) - 1, val, sizeof(val)), 0);
	assert_string_equal(val, "gp.c");
	/* Without the NUL, to the end. */
	assert_int_equal(gpupt_efivar_string(var, sizeof(var) - 3, val, sizeof(val)), 0);
	assert_string_equal(val, "gp.c");
	assert_int_equal(gpupt_efivar_string(var, 4, val, sizeof(val)), 0);
	assert_string_equal(val, "");
	assert_int_equal(gpupt_efivar_string(var, 3, val, sizeof(val)), -EINVAL);
	assert_int_equal(gpupt_efivar_string(var, 7, val, sizeof(val)), -EINVAL);	/* half a character */
	assert_int_equal(gpupt_efivar_string("\x07\x00\x00\x00\xe9\x00", 6, val, sizeof(val)), -EINVAL);
	assert_int_equal(gpupt_efivar_string("\x07\x00\x00\x00g\x01", 6, val, sizeof(val)), -EINVAL);
	assert_int_equal(gpupt_efivar_string(var, sizeof(var) - 1, val, 4), -ENOSPC);
}

/* The trial entry's kernel and image: the image beside a microcode image, swapped for the trial's own. */
static void test_entry_image(void **state)
{
	static const char cfg[] = "set default=\"0\"\n"
				  "menuentry 'Proxmox VE GNU/Linux' --class proxmox {\n"
				  "\tlinux\t/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet\n"
				  "\tinitrd\t/intel-ucode.img /initrd.img-6.8.12-4-pve\n"
				  "}\n";
	static const char entry[] = "title Debian\nversion 6.12.9-amd64\nlinux /m/6.12.9-amd64/linux\n"
				    "initrd /m/6.12.9-amd64/initrd.img-6.12.9-amd64\n";
	char ver[64], image[128], out[1024];
	long n;

	(void)state;
	assert_int_equal(gpupt_grubcfg_entry_image(cfg, strlen(cfg), "0", ver, sizeof(ver), image, sizeof(image)), 0);
	assert_string_equal(ver, "6.8.12-4-pve");
	assert_string_equal(image, "/initrd.img-6.8.12-4-pve");
	n = gpupt_entry_swap_image(cfg, strlen(cfg), 0, "initrd.img-6.8.12-4-pve", "gpupt-trial.initrd.img-6.8.12-4-pve",
				   out, sizeof(out));
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, "\tinitrd\t/intel-ucode.img /gpupt-trial.initrd.img-6.8.12-4-pve\n}\n"));
	assert_int_equal((size_t)n, strlen(cfg) + strlen("gpupt-trial."));
	/* Only at or after from; a name not there; a name that is a path. */
	assert_int_equal(gpupt_entry_swap_image(cfg, strlen(cfg), strlen(cfg), "initrd.img-6.8.12-4-pve", "x", out,
						sizeof(out)),
			 -ENOENT);
	assert_int_equal(gpupt_entry_swap_image(cfg, strlen(cfg), 0, "initrd.img-6.1", "x", out, sizeof(out)), -ENOENT);
	assert_int_equal(gpupt_entry_swap_image(cfg, strlen(cfg), 0, "initrd.img-6.8.12-4-pve", "../x", out,
						sizeof(out)),
			 -EINVAL);
	assert_int_equal(gpupt_grubcfg_entry_image(cfg, strlen(cfg), "1", ver, sizeof(ver), image, sizeof(image)),
			 -ENOENT);
	assert_int_equal(gpupt_loader_entry_image(entry, strlen(entry), ver, sizeof(ver), image, sizeof(image)), 0);
	assert_string_equal(ver, "6.12.9-amd64");
	assert_string_equal(image, "/m/6.12.9-amd64/initrd.img-6.12.9-amd64");
}

/* The words after the kernel on the default entry's linux line; none GRUB would expand. */
static void test_entry_args(void **state)
{
	static const char cfg[] = "menuentry 'A' --id a {\n\tlinux\t/boot/vmlinuz-6.1 root=/dev/mapper/pve-root ro  "
				  "quiet\n}\nmenuentry 'B' --id b {\n\tlinux /vmlinuz-6.2 root=$root ro\n}\n"
				  "menuentry 'C' --id c {\n\tlinux /vmlinuz-6.3\n}\n"
				  "menuentry 'D' --id d {\n\tlinux /vmlinuz-6.4 'a b'\n}\n";
	char args[64];

	(void)state;
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "a", args, sizeof(args)), 0);
	assert_string_equal(args, "root=/dev/mapper/pve-root ro quiet");
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "b", args, sizeof(args)), -ENOTSUP);
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "c", args, sizeof(args)), 0);
	assert_string_equal(args, "");
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "d", args, sizeof(args)), -ENOTSUP);
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "a", args, 10), -ENOSPC);
	assert_int_equal(gpupt_grubcfg_entry_args(cfg, sizeof(cfg) - 1, "e", args, sizeof(args)), -ENOENT);
}

/* BootNext and a Boot#### option's description, as efivarfs shows them. */
static void test_efi_variables(void **state)
{
	static const char opt[] = "\x07\0\0\0\x01\0\0\0\x04\0g\0p\0\xe9\0\0\0\x7f\xff\x04\0";
	char label[8];
	unsigned v;

	(void)state;
	assert_int_equal(gpupt_efivar_u16("\x07\0\0\0\x02\x01", 6, &v), 0);
	assert_int_equal(v, 0x102);
	assert_int_equal(gpupt_efivar_u16("\x07\0\0\0\x02", 5, &v), -EINVAL);
	assert_int_equal(gpupt_efi_loadopt_label(opt, sizeof(opt) - 1, label, sizeof(label)), 0);
	assert_string_equal(label, "gp?"); /* not ASCII: '?' */
	/* Cut inside the description, or inside the file path list after it. */
	assert_int_equal(gpupt_efi_loadopt_label(opt, 14, label, sizeof(label)), -EINVAL);
	assert_int_equal(gpupt_efi_loadopt_label(opt, sizeof(opt) - 2, label, sizeof(label)), -EINVAL);
	assert_int_equal(gpupt_efi_loadopt_label(opt, sizeof(opt) - 1, label, 3), -ENOSPC);
	assert_int_equal(gpupt_efi_loadopt_label(opt, 3, label, sizeof(label)), -EINVAL);
}

/* proxmox-boot-uuids: what proxmox-boot-tool itself skips is skipped; a serial listed twice counts once. */
static void test_pbt_uuids(void **state)
{
	static const char list[] = "5A1B-2C3D\n\n  6c2d-3e4f \r\n5a1b-2c3d\nsda2\n1234-56789\n7E3F-4A5B";
	char uuids[2][GPUPT_VFAT_UUID_LEN + 1];
	size_t skipped;

	(void)state;
	assert_true(gpupt_vfat_uuid_ok("5A1B-2C3D", 9));
	assert_false(gpupt_vfat_uuid_ok("5A1B-2C3", 8));
	assert_false(gpupt_vfat_uuid_ok("5A1B_2C3D", 9));
	assert_false(gpupt_vfat_uuid_ok("5G1B-2C3D", 9));
	/* Three, two of them kept (max 2); "sda2" and "1234-56789" are no FAT serial. */
	assert_int_equal(gpupt_pbt_uuids(list, sizeof(list) - 1, uuids, 2, &skipped), 3);
	assert_int_equal(skipped, 2);
	assert_string_equal(uuids[0], "5A1B-2C3D");
	assert_string_equal(uuids[1], "6c2d-3e4f");
	/* Cut in the middle of the last serial: not one. */
	assert_int_equal(gpupt_pbt_uuids(list, sizeof(list) - 3, uuids, 2, &skipped), 2);
	assert_int_equal(skipped, 3);
	assert_int_equal(gpupt_pbt_uuids("", 0, uuids, 2, &skipped), 0);
}

/* loader.conf: the last `default` line wins, its quotes off; `default` must be a word of its own. */
static void test_loader_conf_default(void **state)
{
	static const char conf[] = "timeout 3\n#default nope\ndefault proxmox-*\n  default \"proxmox-6.8.conf\" \n"
				   "defaults x\n";
	char pattern[32];

	(void)state;
	assert_int_equal(gpupt_loader_conf_default(conf, sizeof(conf) - 1, pattern, sizeof(pattern)), 0);
	assert_string_equal(pattern, "proxmox-6.8.conf");
	/* Cut before the second default line: the first one. */
	assert_int_equal(gpupt_loader_conf_default(conf, 45, pattern, sizeof(pattern)), 0);
	assert_string_equal(pattern, "proxmox-*");
	assert_int_equal(gpupt_loader_conf_default("timeout 3\n", 10, pattern, sizeof(pattern)), -ENOENT);
	assert_int_equal(gpupt_loader_conf_default("#default a\n", 11, pattern, sizeof(pattern)), -ENOENT);
	assert_int_equal(gpupt_loader_conf_default(conf, sizeof(conf) - 1, pattern, 8), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efivar_string),
		cmocka_unit_test(test_entry_image),
		cmocka_unit_test(test_default_zero_is_the_first_entry),
		cmocka_unit_test(test_pinned_kernel_by_id_path),
		cmocka_unit_test(test_titles_indexes_and_saved),
		cmocka_unit_test(test_defaults_that_name_no_entry),
		cmocka_unit_test(test_header_options_are_kept),
		cmocka_unit_test(test_unclosed_entry),
		cmocka_unit_test(test_grubenv),
		cmocka_unit_test(test_entry_args),
		cmocka_unit_test(test_efi_variables),
		cmocka_unit_test(test_pbt_uuids),
		cmocka_unit_test(test_loader_conf_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
