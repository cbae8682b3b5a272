// SPDX-License-Identifier: MIT
/*
 * The kernel command-line parser: the tokenizer against the kernel's
 * next_arg() rules, the value grammar, every malformed form, capacity and
 * the exact text of the diagnostics.  Tables compare a rendered summary of
 * the parsed config, so a failure shows what was parsed instead.
 */
#include <errno.h>

#include "cmdline/cmdline.h"
#include "lib/kernel-cmdline.h"
#include "tests/unit/parse_util.h"

#define SLICE(lit) lit, sizeof(lit) - 1

/* Diagnostic codes as "BAD_ID(10de:13) EMPTY_VALUE()" */
static void render_diags(const struct gpupt_diags *d, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < d->n; i++) {
		const struct gpupt_diag *g = &d->d[i];

		n += (size_t)snprintf(out + n, size - n, "%s%s(%.*s)", i ? " " : "",
				      diag_code_name(g->code), (int)g->entry_len,
				      g->entry ? g->entry : "");
	}
}

static void parse(const char *line, size_t len, struct gpupt_config *c, struct gpupt_diags *d)
{
	gpupt_config_init(c);
	gpupt_diags_init(d);
	gpupt_cmdline_parse(line, len, c, d);
}

/* gpupt.trial=ID marks a trial boot for gpupt-trial.service: known, and nothing to bind. */
static void test_trial_marker_is_quiet(void **state)
{
	static const char line[] = "root=/dev/sda1 gpupt.addrs=0000:01:00.0 panic=10 gpupt.trial=1764648000";
	struct gpupt_config c;
	struct gpupt_diags d;

	(void)state;
	parse(line, sizeof(line) - 1, &c, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(c.n_addrs, 1);
	assert_false(c.off);
}

/* ---- tokenizer ---- */

struct token_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *tokens;	/* "key|key=val|..." joined with '|'; val shown after '=' */
	size_t end_pos;		/* where *pos stops; (size_t)-1: at the end */
};

static void render_tokens(const char *in, size_t len, char *out, size_t size, size_t *pos)
{
	struct gpupt_kernel_param t;
	size_t n = 0;

	out[0] = '\0';
	*pos = 0;
	while (gpupt_kernel_cmdline_next(in, len, pos, &t)) {
		assert_true(t.start >= in && t.start + t.len <= in + len);
		assert_true(t.key >= t.start && t.key + t.key_len <= t.start + t.len);
		if (t.val)
			assert_true(t.val >= t.key && t.val + t.val_len <= t.start + t.len);
		n += (size_t)snprintf(out + n, size - n, "%s%.*s", n ? "|" : "", (int)t.key_len, t.key);
		if (t.val)
			n += (size_t)snprintf(out + n, size - n, "=%.*s", (int)t.val_len, t.val);
	}
}

static void test_tokenizer(void **state)
{
	static const struct token_case cases[] = {
		{ "", 0, "", (size_t)-1 },
		{ "   \t\n", 0, "", (size_t)-1 },
		{ "ro quiet\n", 0, "ro|quiet", (size_t)-1 },
		{ "  a=1\t\tb=2 \n", 0, "a=1|b=2", (size_t)-1 },
		{ "a\nb\rc\vd\fe", 0, "a|b|c|d|e", (size_t)-1 },
		{ "a\xa0" "b", 0, "a|b", (size_t)-1 },	/* the kernel's isspace(0xa0) */
		{ "gpupt.ids=\"a b\" c", 0, "gpupt.ids=a b|c", (size_t)-1 },
		{ "\"gpupt.ids=a,b\" c", 0, "gpupt.ids=a,b|c", (size_t)-1 },	/* GRUB */
		{ "\"gpupt.ids=a b\"", 0, "gpupt.ids=a b", (size_t)-1 },
		{ "\"gpupt.off\"", 0, "gpupt.off", (size_t)-1 },
		{ "a=b\"c d\"e", 0, "a=b\"c d\"e", (size_t)-1 },	/* inner quotes kept */
		{ "a=\"\"", 0, "a=", (size_t)-1 },
		{ "a=\"x\ty\nz\" b", 0, "a=x\ty\nz|b", (size_t)-1 },
		{ "a=\"", 0, "a=", (size_t)-1 },
		{ "\"", 0, "", (size_t)-1 },
		{ "\"\"", 0, "", (size_t)-1 },
		{ "x=\"open rest\n", 0, "x=open rest\n", (size_t)-1 },	/* eats the line */
		{ "=x", 0, "=x", (size_t)-1 },	/* next_arg() ignores a leading '=' */
		{ "a==b", 0, "a==b", (size_t)-1 },
		{ "a=b=c", 0, "a=b=c", (size_t)-1 },
		{ "a -- b=1", 0, "a", 2 },
		{ "-- a", 0, "", 0 },
		{ "a \"--\" b", 0, "a", 2 },
		{ "a --=x b", 0, "a|--=x|b", (size_t)-1 },
		{ "a ---", 0, "a|---", (size_t)-1 },
		{ "a\0b c", 5, "a", 1 },	/* the kernel stops at a NUL */
		{ "a b", 2, "a", (size_t)-1 },	/* len is honoured */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct token_case *tc = &cases[i];
		size_t len = tc->len ? tc->len : strlen(tc->in), pos;
		char got[256];
		char *in = exact_copy(tc->in, len);

		render_tokens(in, len, got, sizeof(got), &pos);
		free(in);
		if (strcmp(got, tc->tokens) != 0)
			fail_msg("case %zu \"%s\": tokens \"%s\", want \"%s\"", i, tc->in, got, tc->tokens);
		if (pos != (tc->end_pos == (size_t)-1 ? len : tc->end_pos))
			fail_msg("case %zu \"%s\": pos %zu", i, tc->in, pos);
	}
}

static void test_tokenizer_stays_at_double_dash(void **state)
{
	static const char line[] = "a -- b";
	struct gpupt_kernel_param t;
	size_t pos = 1;

	(void)state;
	assert_int_equal(gpupt_kernel_cmdline_next(line, strlen(line), &pos, &t), 0);
	assert_int_equal(pos, 2);
	assert_int_equal(gpupt_kernel_cmdline_next(line, strlen(line), &pos, &t), 0);
	assert_int_equal(pos, 2);
}

static void test_token_keeps_raw_form(void **state)
{
	static const char line[] = " \"gpupt.ids=a\" ";
	struct gpupt_kernel_param t;
	size_t pos = 0;

	(void)state;
	assert_int_equal(gpupt_kernel_cmdline_next(line, strlen(line), &pos, &t), 1);
	assert_ptr_equal(t.start, line + 1);
	assert_int_equal(t.len, 13);
	assert_int_equal(pos, 14);
}

static void test_key_eq(void **state)
{
	(void)state;
	assert_true(gpupt_kernel_param_eq(SLICE("gpupt.ids"), "gpupt.ids"));
	assert_true(gpupt_kernel_param_eq(SLICE("gpupt.fb_mode"), "gpupt.fb-mode"));
	assert_true(gpupt_kernel_param_eq(SLICE("gpupt.fb-mode"), "gpupt.fb_mode"));
	assert_false(gpupt_kernel_param_eq(SLICE("gpupt-ids"), "gpupt.ids"));
	assert_false(gpupt_kernel_param_eq(SLICE("gpupt.id"), "gpupt.ids"));
	assert_false(gpupt_kernel_param_eq(SLICE("gpupt.idss"), "gpupt.ids"));
	assert_false(gpupt_kernel_param_eq(SLICE("GPUPT.ids"), "gpupt.ids"));
	assert_true(gpupt_kernel_param_eq("", 0, ""));
	assert_false(gpupt_kernel_param_eq("", 0, "a"));
}

/* ---- value grammar ---- */

static void test_parse_id(void **state)
{
	static const struct { const char *in; const char *out; } cases[] = {
		{ "10de:1381", "10de:1381" },
		{ "10DE:13aF", "10de:13af" },
		{ "10de:1381:1043:8416", "10de:1381:1043:8416" },
		{ "0000:ffff", "0000:ffff" },
		{ "10de:13", NULL },
		{ "10de:13810", NULL },
		{ "10de1381", NULL },
		{ "10de-1381", NULL },
		{ "10dg:1381", NULL },
		{ "0x10:1381", NULL },
		{ "+10d:1381", NULL },
		{ " 10d:1381", NULL },
		{ "10de:1381:1043", NULL },
		{ "10de:1381:1043:841", NULL },
		{ "10de:1381:1043:8416:0", NULL },
		{ "10de:1381:104x:8416", NULL },
		{ "10de:1381:1043-8416", NULL },
		{ "10de:1381-1043:8416", NULL },
		{ "10de:1381,1043:8416", NULL },
		{ "", NULL },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_pci_id id = { .vendor = 0x1234 };
		int rc = gpupt_parse_id(cases[i].in, strlen(cases[i].in), &id);

		if (!cases[i].out) {
			if (rc != -EINVAL || id.vendor != 0x1234)
				fail_msg("\"%s\" accepted or output touched", cases[i].in);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(gpupt_format_id(&id, buf, sizeof(buf)), strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_parse_addr(void **state)
{
	static const struct { const char *in; const char *out; } cases[] = {
		{ "0000:01:00.0", "0000:01:00.0" },
		{ "01:00.1", "0000:01:00.1" },
		{ "ABCD:EF:1f.7", "abcd:ef:1f.7" },
		{ "01:00", "0000:01:00" },
		{ "0001:02:03", "0001:02:03" },
		{ "0000:01:00.0=10de:1381", "0000:01:00.0=10de:1381" },
		{ "01:00=10de:1381:1043:8416", "0000:01:00=10de:1381:1043:8416" },
		{ "0000:01:20.0", NULL },	/* slot > 0x1f */
		{ "0000:01:00.8", NULL },	/* func > 7 */
		{ "01:00.9", NULL },
		{ "01:00.", NULL },
		{ "01:00.00", NULL },
		{ "1:00.0", NULL },
		{ "001:00.0", NULL },
		{ "000:01:00.0", NULL },
		{ "00000:01:00.0", NULL },
		{ "0000:01:0.0", NULL },
		{ "0000-01:00.0", NULL },
		{ "0000:01-00.0", NULL },
		{ "0000:01:00.0.0", NULL },
		{ "0000:0g:00.0", NULL },
		{ "0000:01:00:0", NULL },
		{ "01", NULL },
		{ "", NULL },
		{ "0000:01:00.0=", NULL },
		{ "0000:01:00.0=10de", NULL },
		{ "0000:01:00.0=10de:1381=1", NULL },
		{ "=10de:1381", NULL },
	};
	char buf[48];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_pci_addr a = { .domain = 0x1234 };
		int rc = gpupt_parse_addr(cases[i].in, strlen(cases[i].in), &a);

		if (!cases[i].out) {
			if (rc != -EINVAL || a.domain != 0x1234)
				fail_msg("\"%s\" accepted or output touched", cases[i].in);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\" rejected", cases[i].in);
		assert_int_equal(gpupt_format_addr(&a, buf, sizeof(buf)), strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_parse_addr_fields(void **state)
{
	struct gpupt_pci_addr a;

	(void)state;
	assert_int_equal(gpupt_parse_addr(SLICE("0002:41:1f.3=1002:67df"), &a), 0);
	assert_int_equal(a.domain, 2);
	assert_int_equal(a.bus, 0x41);
	assert_int_equal(a.slot, 0x1f);
	assert_int_equal(a.func, 3);
	assert_false(a.whole_slot);
	assert_true(a.has_fingerprint);
	assert_int_equal(a.fingerprint.vendor, 0x1002);
	assert_int_equal(a.fingerprint.device, 0x67df);
	assert_false(a.fingerprint.has_subsys);
	/* the parser must not read past len: "01:00.1" cut to a slot */
	assert_int_equal(gpupt_parse_addr("01:00.1", 5, &a), 0);
	assert_true(a.whole_slot);
}

static void test_driver_names(void **state)
{
	static const char *const good[] = { "vfio-pci", "pci-stub", "vfio_pci", "a", "nvidia0",
					    "abcdefghijklmnopqrstuvwxyz01234" };
	static const char *const bad[] = { "", "VFIO-PCI", "vfio pci", "vfio.pci", "../x", "a\n",
					   "abcdefghijklmnopqrstuvwxyz012345", "vfio/pci" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_int_equal(gpupt_check_driver_name(good[i], strlen(good[i])), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (gpupt_check_driver_name(bad[i], strlen(bad[i])) != -EINVAL)
			fail_msg("driver \"%s\" accepted", bad[i]);
}

static void test_bools(void **state)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "YES", "True", "ON" };
	static const char *const no[] = { "0", "no", "off", "false", "NO", "Off" };
	static const char *const bad[] = { "", "2", "y", "n", "yess", "tru", "o", "1 ", "onn" };
	bool v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		v = false;
		assert_int_equal(gpupt_parse_bool(yes[i], strlen(yes[i]), &v), 0);
		assert_true(v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		v = true;
		assert_int_equal(gpupt_parse_bool(no[i], strlen(no[i]), &v), 0);
		assert_false(v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		v = true;
		if (gpupt_parse_bool(bad[i], strlen(bad[i]), &v) != -EINVAL || !v)
			fail_msg("bool \"%s\" accepted or output touched", bad[i]);
	}
}

static void test_matching(void **state)
{
	struct gpupt_pci_id id;
	struct gpupt_pci_addr a;

	(void)state;
	assert_int_equal(gpupt_parse_id(SLICE("10de:1381"), &id), 0);
	assert_true(gpupt_id_matches(&id, 0x10de, 0x1381, 0x1043, 0x8416));
	assert_false(gpupt_id_matches(&id, 0x10de, 0x1382, 0x1043, 0x8416));
	assert_false(gpupt_id_matches(&id, 0x10df, 0x1381, 0x1043, 0x8416));
	assert_int_equal(gpupt_parse_id(SLICE("10de:1381:1043:8416"), &id), 0);
	assert_true(gpupt_id_matches(&id, 0x10de, 0x1381, 0x1043, 0x8416));
	assert_false(gpupt_id_matches(&id, 0x10de, 0x1381, 0x1043, 0x8417));
	assert_false(gpupt_id_matches(&id, 0x10de, 0x1381, 0x1044, 0x8416));

	assert_int_equal(gpupt_parse_addr(SLICE("01:00.1"), &a), 0);
	assert_true(gpupt_addr_matches(&a, 0, 1, 0, 1));
	assert_false(gpupt_addr_matches(&a, 0, 1, 0, 0));
	assert_false(gpupt_addr_matches(&a, 1, 1, 0, 1));
	assert_false(gpupt_addr_matches(&a, 0, 2, 0, 1));
	assert_false(gpupt_addr_matches(&a, 0, 1, 1, 1));
	assert_int_equal(gpupt_parse_addr(SLICE("0000:01:00"), &a), 0);
	for (uint8_t f = 0; f < 8; f++)
		assert_true(gpupt_addr_matches(&a, 0, 1, 0, f));
	assert_false(gpupt_addr_matches(&a, 0, 1, 1, 0));
}

/* ---- whole command lines ---- */

struct parse_case {
	const char *line;
	const char *config;	/* render() of the result */
	const char *diags;	/* render_diags() of the result */
	int seen;		/* gpupt tokens */
};

static const struct parse_case parse_cases[] = {
	/* plain, quoted, GRUB's moved quotes */
	{ "BOOT_IMAGE=/vmlinuz ro gpupt.ids=10de:1381,10DE:0FBC\n", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.ids=\"10de:1381,10de:0fbc\"", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "\"gpupt.ids=10de:1381,10de:0fbc\" quiet", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.ids=\"10de:1381, 10de:0fbc\"", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.ids=10de:1381:1043:8416", "ids=10de:1381:1043:8416", "", 1 },
	/* repeats add up, duplicates are kept once */
	{ "gpupt.ids=10de:1381 gpupt.ids=10de:0fbc gpupt.ids=10de:1381",
	  "ids=10de:1381,10de:0fbc", "", 3 },
	{ "gpupt.addrs=01:00.0 gpupt.addrs=0000:02:00=1002:67df",
	  "addrs=0000:01:00.0,0000:02:00=1002:67df", "", 2 },
	{ "gpupt.addrs=0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc",
	  "addrs=0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc", "", 1 },
	/* '-' == '_' in keys; '.' is not '-' */
	{ "gpupt.fb=keep gpupt-ids=10de:1381", "fb=1", "", 1 },
	/* "--" ends the kernel's part */
	{ "gpupt.ids=10de:1381 -- gpupt.ids=10de:0fbc gpupt.off", "ids=10de:1381", "", 1 },
	{ "-- gpupt.off", "", "", 0 },
	/* not ours */
	{ "gpupt gpuptx=1 xgpupt.off GPUPT.off gpupt_off vfio-pci.ids=10de:1381", "", "", 0 },
	/* off switches */
	{ "gpupt.off", "off", "", 1 },
	{ "gpupt=off", "off", "", 1 },
	{ "gpupt=0", "off", "", 1 },
	{ "gpupt=on", "", "", 1 },
	{ "gpupt.off=1", "off", "", 1 },
	{ "gpupt.off=0", "", "", 1 },
	{ "gpupt.off=no gpupt.ids=10de:1381", "ids=10de:1381", "", 2 },
	{ "gpupt.off gpupt.off=0", "off", "", 2 },	/* off is sticky */
	{ "gpupt.off=maybe", "off", "BAD_BOOL(maybe)", 1 },
	{ "gpupt.off=", "off", "BAD_BOOL()", 1 },
	{ "gpupt=", "off", "BAD_BOOL()", 1 },
	{ "gpupt.off=\"1", "off", "UNCLOSED_QUOTE(1)", 1 },
	{ "gpupt.ids=10de:1381 gpupt.off", "ids=10de:1381 off", "", 2 },
	/* debug, fb, driver */
	{ "gpupt.debug", "debug=1", "", 1 },
	{ "gpupt.debug=0", "debug=0", "", 1 },
	{ "gpupt.debug=yes gpupt.debug=off", "debug=0", "", 2 },
	{ "gpupt.debug=2", "", "BAD_BOOL(2)", 1 },
	{ "gpupt.debug=", "", "EMPTY_VALUE()", 1 },
	{ "gpupt.fb=keep", "fb=1", "", 1 },
	{ "gpupt.fb=release", "fb=0", "", 1 },
	{ "gpupt.fb=KEEP", "", "BAD_FB(KEEP)", 1 },
	{ "gpupt.fb", "", "EMPTY_VALUE()", 1 },
	/* A trial boot's watchdog: MODULE:SECONDS, 30 to 3600. */
	{ "gpupt.watchdog=i6300esb:600", "watchdog=i6300esb:600", "", 1 },
	{ "gpupt.watchdog=iTCO_wdt:30", "watchdog=iTCO_wdt:30", "", 1 },
	{ "gpupt.watchdog=i6300esb.ko:60", "", "BAD_WATCHDOG(i6300esb.ko:60)", 1 },
	{ "gpupt.watchdog=itco_wdt:29", "", "BAD_WATCHDOG(itco_wdt:29)", 1 },
	{ "gpupt.watchdog=softdog:3601", "", "BAD_WATCHDOG(softdog:3601)", 1 },
	{ "gpupt.watchdog=softdog:99999999999999999999", "", "BAD_WATCHDOG(softdog:99999999999999999999)", 1 },
	{ "gpupt.watchdog=softdog", "", "BAD_WATCHDOG(softdog)", 1 },
	{ "gpupt.watchdog=softdog:", "", "BAD_WATCHDOG(softdog:)", 1 },
	{ "gpupt.watchdog=:60", "", "BAD_WATCHDOG(:60)", 1 },
	{ "gpupt.watchdog=soft:60x", "", "BAD_WATCHDOG(soft:60x)", 1 },
	{ "gpupt.watchdog", "", "EMPTY_VALUE()", 1 },
	{ "gpupt.driver=pci-stub", "driver=pci-stub", "", 1 },
	{ "gpupt.driver=pci-stub gpupt.driver=vfio_pci", "driver=vfio_pci", "", 2 },
	{ "gpupt.driver=pci-stub gpupt.driver=Bad", "driver=pci-stub", "BAD_DRIVER(Bad)", 2 },
	{ "gpupt.driver=\"vfio pci\"", "", "BAD_DRIVER(vfio pci)", 1 },
	{ "gpupt.driver=abcdefghijklmnopqrstuvwxyz012345", "",
	  "BAD_DRIVER(abcdefghijklmnopqrstuvwxyz012345)", 1 },
	{ "gpupt.driver=abcdefghijklmnopqrstuvwxyz01234", "driver=abcdefghijklmnopqrstuvwxyz01234",
	  "", 1 },
	{ "gpupt.driver", "", "EMPTY_VALUE()", 1 },
	/* bad entries are skipped, the good ones of the same token apply */
	{ "gpupt.ids=10de:13,10de:0fbc", "ids=10de:0fbc", "BAD_ID(10de:13)", 1 },
	{ "gpupt.ids=10dx:1381", "", "BAD_ID(10dx:1381)", 1 },
	{ "gpupt.ids=10de:1381:1043", "", "BAD_ID(10de:1381:1043)", 1 },
	{ "gpupt.ids=10de:1381:1043:8416:1", "", "BAD_ID(10de:1381:1043:8416:1)", 1 },
	{ "gpupt.ids=10de;1381", "", "BAD_ID(10de;1381)", 1 },
	{ "gpupt.addrs=01:00.9,01:20.0,01:00.0", "addrs=0000:01:00.0",
	  "BAD_ADDR(01:00.9) BAD_ADDR(01:20.0)", 1 },
	{ "gpupt.addrs=1:0.0", "", "BAD_ADDR(1:0.0)", 1 },
	{ "gpupt.addrs=0000:01:00.0=10de", "", "BAD_FINGERPRINT(0000:01:00.0=10de)", 1 },
	{ "gpupt.addrs=0000:01:00.0=", "", "BAD_FINGERPRINT(0000:01:00.0=)", 1 },
	{ "gpupt.addrs=0000:01:0.0=10de:1381", "", "BAD_ADDR(0000:01:0.0=10de:1381)", 1 },
	/* entries are trimmed of the kernel's white space, 0xa0 (NBSP in Latin-1) included */
	{ "gpupt.ids=\"10de:1381,\xa0" "10de:0fbc\"", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.ids=\"\xa0\t10de:1381\xa0 ,\v10de:0fbc\f\r\xa0\"", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.addrs=\"0000:01:00.0=10de:1381\xa0,\xa0" "01:00.1\"",
	  "addrs=0000:01:00.0=10de:1381,0000:01:00.1", "", 1 },
	{ "gpupt.ids=\"10de:1381,\xa0\"", "ids=10de:1381", "", 1 },
	/* ... and 0xa0 splits tokens, as a space does */
	{ "gpupt.ids=10de:1381,\xa0" "10de:0fbc", "ids=10de:1381", "", 1 },
	/* empty entries and values */
	{ "gpupt.ids=10de:1381,,10de:0fbc,", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "gpupt.ids=", "", "EMPTY_VALUE()", 1 },
	{ "gpupt.ids=\"\"", "", "EMPTY_VALUE()", 1 },
	{ "gpupt.ids=,", "", "EMPTY_VALUE(,)", 1 },
	{ "gpupt.ids", "", "EMPTY_VALUE()", 1 },
	{ "gpupt.addrs=", "", "EMPTY_VALUE()", 1 },
	/* unknown keys */
	{ "gpupt.foo=1 gpupt.ids=10de:1381", "ids=10de:1381", "UNKNOWN_KEY(1)", 2 },
	{ "gpupt.", "", "UNKNOWN_KEY()", 1 },
	{ "gpupt.fb_mode=keep", "", "UNKNOWN_KEY(keep)", 1 },
	{ "gpupt.ids.x=10de:1381", "", "UNKNOWN_KEY(10de:1381)", 1 },
	/* an unclosed quote eats the rest of the line, as in the kernel, and a gpupt.off
	 * with it: a gpupt token with one counts as off */
	{ "gpupt.ids=\"10de:1381 gpupt.debug\n", "off", "UNCLOSED_QUOTE(10de:1381 gpupt.debug\n)", 1 },
	{ "quiet gpupt.debug \"gpupt.ids=10de:1381", "debug=1 off",
	  "UNCLOSED_QUOTE(10de:1381)", 2 },
	{ "gpupt.addrs=\"01:00.0 gpupt.off", "off", "UNCLOSED_QUOTE(01:00.0 gpupt.off)", 1 },
	{ "gpupt.ids=10de:1381 gpupt.driver=\"pci-stub", "ids=10de:1381 off",
	  "UNCLOSED_QUOTE(pci-stub)", 2 },
	{ "gpupt.frob=\"x", "off", "UNCLOSED_QUOTE(x)", 1 },
	{ "root=\"/dev/sda gpupt.off", "", "", 0 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *pc = &parse_cases[i];
		struct gpupt_config c;
		struct gpupt_diags d;
		char got[1024], got_diags[1024];
		int seen;

		size_t len = strlen(pc->line);
		char *line = exact_copy(pc->line, len);

		gpupt_config_init(&c);
		gpupt_diags_init(&d);
		seen = gpupt_cmdline_parse(line, len, &c, &d);
		render(&c, got, sizeof(got));
		render_diags(&d, got_diags, sizeof(got_diags));
		free(line);
		if (strcmp(got, pc->config) || strcmp(got_diags, pc->diags) || seen != pc->seen)
			fail_msg("case %zu \"%s\": config \"%s\" diags \"%s\" seen %d; "
				 "want \"%s\" \"%s\" %d", i, pc->line, got, got_diags, seen,
				 pc->config, pc->diags, pc->seen);
	}
}

static void test_parse_without_diags(void **state)
{
	static const char line[] = "gpupt.ids=bad,10de:1381 gpupt.foo";
	struct gpupt_config c;

	(void)state;
	gpupt_config_init(&c);
	assert_int_equal(gpupt_cmdline_parse(line, strlen(line), &c, NULL), 2);
	assert_int_equal(c.n_ids, 1);
}

static void test_diag_keeps_key_as_typed(void **state)
{
	static const char line[] = "gpupt.ids=10de:13";
	struct gpupt_config c;
	struct gpupt_diags d;

	(void)state;
	parse(line, strlen(line), &c, &d);
	assert_int_equal(d.n, 1);
	assert_ptr_equal(d.d[0].key, line);
	assert_int_equal(d.d[0].key_len, 9);
	assert_ptr_equal(d.d[0].entry, line + 10);
	assert_int_equal(d.d[0].entry_len, 7);
	assert_int_equal(d.d[0].line, 0);
}

/* ---- capacity ---- */

/* "gpupt.ids=1000:0000,1000:0001,..." with n distinct ids */
static size_t many_ids(char *buf, size_t size, unsigned n)
{
	size_t len = (size_t)snprintf(buf, size, "gpupt.ids=");

	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s1000:%04x", i ? "," : "", i);
	return len;
}

static void test_capacity_ids(void **state)
{
	char line[4096];
	struct gpupt_config c;
	struct gpupt_diags d;
	char msg[160];

	(void)state;
	parse(line, many_ids(line, sizeof(line), 65), &c, &d);
	assert_int_equal(c.n_ids, 64);
	assert_int_equal(c.ids[63].device, 63);
	assert_int_equal(c.ids_dropped, 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.d[0].code, GPUPT_DIAG_TOO_MANY_IDS);
	assert_true(gpupt_diag_format(&d.d[0], NULL, msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "gpupt.ids: more than 64 ids; \"1000:0040\" dropped");

	parse(line, many_ids(line, sizeof(line), 100), &c, &d);
	assert_int_equal(c.n_ids, 64);
	assert_int_equal(c.ids_dropped, 36);
	assert_int_equal(d.n, GPUPT_MAX_DIAGS);
	assert_int_equal(d.dropped, 36 - GPUPT_MAX_DIAGS);
	/* a duplicate of a kept id costs nothing even when full */
	strcat(line, ",1000:0000");
	parse(line, strlen(line), &c, &d);
	assert_int_equal(c.ids_dropped, 36);
}

static void test_capacity_addrs(void **state)
{
	char line[4096];
	size_t len = (size_t)snprintf(line, sizeof(line), "gpupt.addrs=");
	struct gpupt_config c;
	struct gpupt_diags d;
	char msg[160];

	(void)state;
	for (unsigned i = 0; i < 66; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%02x:00.0", i ? "," : "", i);
	parse(line, len, &c, &d);
	assert_int_equal(c.n_addrs, 64);
	assert_int_equal(c.addrs_dropped, 2);
	assert_int_equal(d.n, 2);
	assert_true(gpupt_diag_format(&d.d[1], NULL, msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "gpupt.addrs: more than 64 addresses; \"41:00.0\" dropped");
}

/* ---- diagnostics as text ---- */

struct diag_text_case {
	const char *line;
	const char *text;
};

static void test_diag_text(void **state)
{
	static const struct diag_text_case cases[] = {
		{ "gpupt.ids=10de:13",
		  "gpupt.ids: \"10de:13\" is not VVVV:DDDD (4 hex digits each); entry ignored" },
		{ "gpupt-ids=1 gpupt.ids=10de:13,10de:1381",
		  "gpupt.ids: \"10de:13\" is not VVVV:DDDD (4 hex digits each); entry ignored" },
		{ "gpupt.addrs=01:00.9",
		  "gpupt.addrs: \"01:00.9\" is not a PCI address (DDDD:BB:SS.F, BB:SS.F or slot BB:SS);"
		  " entry ignored" },
		{ "gpupt.addrs=01:00.0=10de",
		  "gpupt.addrs: \"01:00.0=10de\" has a bad fingerprint (ADDRESS=VVVV:DDDD (4 hex digits"
		  " each), optionally :SVVV:SDDD); entry ignored" },
		{ "gpupt.driver=\"VFIO PCI\"",
		  "gpupt.driver: \"VFIO PCI\" is not a driver name ([a-z0-9_-], at most 31 characters);"
		  " setting ignored (the default is vfio-pci)" },
		{ "gpupt.foo=1",
		  "gpupt.foo: unknown gpupt key; ignored (known: ids, addrs, driver, off, debug, fb)" },
		{ "gpupt.debug=maybe",
		  "gpupt.debug: \"maybe\" is not 1, 0, yes, no, on, off, true or false; setting ignored" },
		{ "gpupt.off=maybe",
		  "gpupt.off: \"maybe\" is not 1, 0, yes, no, on, off, true or false;"
		  " treated as off: nothing is bound" },
		{ "gpupt=perhaps",
		  "gpupt: \"perhaps\" is not 1, 0, yes, no, on, off, true or false;"
		  " treated as off: nothing is bound" },
		{ "gpupt.fb=drop",
		  "gpupt.fb: \"drop\" is not keep or release; setting ignored (the default is release)" },
		{ "gpupt.ids=", "gpupt.ids: empty value; setting ignored" },
		{ "gpupt.ids=\"10de:1381",
		  "gpupt.ids: \"10de:1381\" opens a double quote that is never closed (the rest of the"
		  " line is in it); treated as off: nothing is bound" },
		{ "gpupt.off=\"yes",
		  "gpupt.off: \"yes\" opens a double quote that is never closed (the rest of the line is"
		  " in it); treated as off: nothing is bound" },
		/* hostile input: escaped, and cut at 64 bytes */
		{ "gpupt.ids=\x01\x7f\xff\\\"x\"",
		  "gpupt.ids: \"\\x01\\x7f\\xff\\\\\\\"x\\\"\" is not VVVV:DDDD (4 hex digits each);"
		  " entry ignored" },
		{ "gpupt.ids=0123456789012345678901234567890123456789012345678901234567890123456789",
		  "gpupt.ids: \"0123456789012345678901234567890123456789012345678901234567890123...\""
		  " is not VVVV:DDDD (4 hex digits each); entry ignored" },
		{ "gpupt.\x1b[31m=1",
		  "gpupt.\\x1b[31m: unknown gpupt key; ignored (known: ids, addrs, driver, off, debug, fb)" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_config c;
		struct gpupt_diags d;
		char msg[512];
		int n;

		parse(cases[i].line, strlen(cases[i].line), &c, &d);
		if (d.n < 1)
			fail_msg("case %zu: no diagnostic", i);
		n = gpupt_diag_format(&d.d[d.n - 1], NULL, msg, sizeof(msg));
		if (n != (int)strlen(cases[i].text) || strcmp(msg, cases[i].text))
			fail_msg("case %zu:\n got  %s\n want %s", i, msg, cases[i].text);
	}
}

static void test_diag_text_origin(void **state)
{
	struct gpupt_diag d = {
		.code = GPUPT_DIAG_BAD_ID, .key = "ids", .key_len = 3,
		.entry = "10de:13", .entry_len = 7, .line = 3,
	};
	char msg[256];

	(void)state;
	assert_true(gpupt_diag_format(&d, "/etc/gpupt.conf", msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "/etc/gpupt.conf:3: ids: \"10de:13\" is not VVVV:DDDD"
			    " (4 hex digits each); entry ignored");
	assert_true(gpupt_diag_format(&d, NULL, msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "line 3: ids: \"10de:13\" is not VVVV:DDDD"
			    " (4 hex digits each); entry ignored");
	d.code = (enum gpupt_diag_code)99;	/* from a newer library, say */
	assert_true(gpupt_diag_format(&d, NULL, msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "line 3: ids: unknown problem 99");
	d.code = GPUPT_DIAG_BAD_ID;
	d.line = 0;
	assert_true(gpupt_diag_format(&d, "/proc/cmdline", msg, sizeof(msg)) > 0);
	assert_string_equal(msg, "/proc/cmdline: ids: \"10de:13\" is not VVVV:DDDD"
			    " (4 hex digits each); entry ignored");
}

/* Every formatter: -ENOSPC below the needed size, a NUL-terminated prefix. */
static void check_small_buffers(int (*fmt)(const void *, char *, size_t), const void *arg)
{
	char full[512], small[512];
	int n = fmt(arg, full, sizeof(full));

	assert_true(n > 0);
	assert_int_equal(fmt(arg, NULL, 0), -ENOSPC);
	for (size_t size = 1; size <= (size_t)n; size++) {
		memset(small, 'X', sizeof(small));
		assert_int_equal(fmt(arg, small, size), -ENOSPC);
		assert_int_equal(strlen(small), size - 1);
		assert_memory_equal(small, full, size - 1);
		assert_int_equal(small[size], 'X');
	}
	assert_int_equal(fmt(arg, small, (size_t)n + 1), n);
	assert_string_equal(small, full);
}

static int fmt_id(const void *arg, char *buf, size_t size)
{
	return gpupt_format_id(arg, buf, size);
}

static int fmt_addr(const void *arg, char *buf, size_t size)
{
	return gpupt_format_addr(arg, buf, size);
}

static int fmt_diag(const void *arg, char *buf, size_t size)
{
	return gpupt_diag_format(arg, "/etc/gpupt.conf", buf, size);
}

static void test_enospc(void **state)
{
	struct gpupt_pci_id id;
	struct gpupt_pci_addr a;
	struct gpupt_config c;
	struct gpupt_diags d;
	static const char line[] = "gpupt.ids=\x01zz";

	(void)state;
	assert_int_equal(gpupt_parse_id(SLICE("10de:1381:1043:8416"), &id), 0);
	check_small_buffers(fmt_id, &id);
	assert_int_equal(gpupt_parse_addr(SLICE("0000:01:00.0=10de:1381:1043:8416"), &a), 0);
	check_small_buffers(fmt_addr, &a);
	parse(line, strlen(line), &c, &d);
	assert_int_equal(d.n, 1);
	check_small_buffers(fmt_diag, &d.d[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trial_marker_is_quiet),
		cmocka_unit_test(test_tokenizer),
		cmocka_unit_test(test_tokenizer_stays_at_double_dash),
		cmocka_unit_test(test_token_keeps_raw_form),
		cmocka_unit_test(test_key_eq),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_parse_addr_fields),
		cmocka_unit_test(test_driver_names),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_without_diags),
		cmocka_unit_test(test_diag_keeps_key_as_typed),
		cmocka_unit_test(test_capacity_ids),
		cmocka_unit_test(test_capacity_addrs),
		cmocka_unit_test(test_diag_text),
		cmocka_unit_test(test_diag_text_origin),
		cmocka_unit_test(test_enospc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
