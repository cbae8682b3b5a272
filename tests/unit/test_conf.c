// SPDX-License-Identifier: MIT
/*
 * /etc/gpupt.conf: the line grammar (comments, quotes, CRLF, line numbers),
 * the merge with the command line, and the writer, whose output must read
 * back equal.
 */
#include <errno.h>

#include "cmdline/cmdline.h"
#include "conf/conf.h"
#include "tests/unit/parse_util.h"

/* "BAD_ID@3[ids](10de:13)" per diagnostic */
static void render_diags(const struct gpupt_diags *d, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < d->n; i++) {
		const struct gpupt_diag *g = &d->d[i];

		n += (size_t)snprintf(out + n, size - n, "%s%s@%u[%.*s](%.*s)", i ? " " : "",
				      diag_code_name(g->code), g->line, (int)g->key_len,
				      g->key ? g->key : "", (int)g->entry_len,
				      g->entry ? g->entry : "");
	}
}

/* The diagnostics point into the text: it lives until the next parse(). */
static int parse(const char *text, struct gpupt_config *c, struct gpupt_diags *d)
{
	static char *copy;
	size_t len = strlen(text);

	free(copy);
	copy = exact_copy(text, len);
	gpupt_config_init(c);
	if (d)
		gpupt_diags_init(d);
	return gpupt_conf_parse(copy, len, c, d);
}

struct conf_case {
	const char *text;
	const char *config;
	const char *diags;
	int settings;
};

static const struct conf_case conf_cases[] = {
	{ "", "", "", 0 },
	{ "\n\n   \n\t\n", "", "", 0 },
	{ "ids = 10de:1381\n", "ids=10de:1381", "", 1 },
	{ "ids=10de:1381", "ids=10de:1381", "", 1 },	/* no final newline */
	{ "  ids\t=\t10de:1381 , 10de:0fbc  \n", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "ids = 10de:1381\r\naddrs = 01:00.1\r\n", "ids=10de:1381 addrs=0000:01:00.1", "", 2 },
	{ "ids = \"10de:1381,10de:0fbc\"\n", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "ids = \"10de:1381\"   # the GPU\n", "ids=10de:1381", "", 1 },
	{ "ids = \"10de:1381\"# the GPU\n", "ids=10de:1381", "", 1 },
	/* comments */
	{ "# gpupt\n  # indented\nids = 10de:1381 # the GPU\n", "ids=10de:1381", "", 1 },
	{ "ids = 10de:1381\t# tab before\n", "ids=10de:1381", "", 1 },
	{ "ids = 10de:1381#x\n", "", "BAD_ID@1[ids](10de:1381#x)", 0 },
	{ "driver = \"a #b\"\n", "", "BAD_DRIVER@1[driver](a #b)", 0 },
	{ "ids = # nothing\n", "", "EMPTY_VALUE@1[ids]()", 0 },
	/* repeated lines add up; the last driver/debug/fb wins */
	{ "ids = 10de:1381\nids = 10de:0fbc\naddrs = 01:00\naddrs = 0000:02:00.0=1002:67df\n",
	  "ids=10de:1381,10de:0fbc addrs=0000:01:00,0000:02:00.0=1002:67df", "", 4 },
	{ "driver = pci-stub\ndriver = vfio-pci\ndebug = 1\ndebug = no\nfb = keep\nfb = release\n",
	  "driver=vfio-pci debug=0 fb=0", "", 6 },
	{ "debug = yes\nfb = keep\n", "debug=1 fb=1", "", 2 },
	/* errors name their line; the rest of the file still applies */
	{ "# c\nids = 10de:13, 10de:1381\n", "ids=10de:1381", "BAD_ID@2[ids](10de:13)", 1 },
	{ "ids = 10de:1381\nbogus\naddrs = 01:00.0\n", "ids=10de:1381 addrs=0000:01:00.0",
	  "BAD_LINE@2[](bogus)", 2 },
	{ "= 10de:1381\n", "", "BAD_LINE@1[](= 10de:1381)", 0 },
	{ "colour = blue\nids = 10de:1381\n", "ids=10de:1381", "UNKNOWN_KEY@1[colour](blue)", 1 },
	{ "off = 1\n", "", "UNKNOWN_KEY@1[off](1)", 0 },	/* only the command line turns off */
	{ "gpupt.ids = 10de:1381\n", "", "UNKNOWN_KEY@1[gpupt.ids](10de:1381)", 0 },
	{ "ids =\n", "", "EMPTY_VALUE@1[ids]()", 0 },
	{ "ids = \"\"\n", "", "EMPTY_VALUE@1[ids]()", 0 },
	{ "driver =\n", "", "EMPTY_VALUE@1[driver]()", 0 },
	{ "debug = \"\"\n", "", "EMPTY_VALUE@1[debug]()", 0 },
	{ "ids = \"10de:1381\n", "", "UNCLOSED_QUOTE@1[ids](\"10de:1381)", 0 },
	{ "ids = \"10de:1381\" 10de:0fbc\n", "", "BAD_LINE@1[](ids = \"10de:1381\" 10de:0fbc)", 0 },
	{ "debug = maybe\nfb = off\ndriver = VFIO\n", "",
	  "BAD_BOOL@1[debug](maybe) BAD_FB@2[fb](off) BAD_DRIVER@3[driver](VFIO)", 0 },
	{ "addrs = 01:00.8,01:00.0=10de\n", "",
	  "BAD_ADDR@1[addrs](01:00.8) BAD_FINGERPRINT@1[addrs](01:00.0=10de)", 0 },
	{ "\n\r\n\nids = x\n", "", "BAD_ID@4[ids](x)", 0 },
	{ "ids = 10de:1381\r", "ids=10de:1381", "", 1 },
	/* list entries are trimmed like the kernel's tokens: 0xa0 is white space too */
	{ "ids = 10de:1381,\xa0" "10de:0fbc\n", "ids=10de:1381,10de:0fbc", "", 1 },
	{ "addrs = \xa0" "01:00.0=10de:1381\xa0, 01:00.1\xa0\xa0\n",
	  "addrs=0000:01:00.0=10de:1381,0000:01:00.1", "", 1 },
	{ "ids\0 = 10de:1381\n", "", "BAD_LINE@1[](ids)", 0 },	/* strlen() stops at the NUL */
	{ "i-d_s = 10de:1381\n", "", "UNKNOWN_KEY@1[i-d_s](10de:1381)", 0 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(conf_cases); i++) {
		const struct conf_case *cc = &conf_cases[i];
		struct gpupt_config c;
		struct gpupt_diags d;
		char got[1024], got_diags[1024];
		int n = parse(cc->text, &c, &d);

		render(&c, got, sizeof(got));
		render_diags(&d, got_diags, sizeof(got_diags));
		if (strcmp(got, cc->config) || strcmp(got_diags, cc->diags) || n != cc->settings)
			fail_msg("case %zu \"%s\": config \"%s\" diags \"%s\" settings %d; "
				 "want \"%s\" \"%s\" %d", i, cc->text, got, got_diags, n,
				 cc->config, cc->diags, cc->settings);
	}
}

static void test_nul_inside_line(void **state)
{
	static const char text[] = "ids = 10de:1381\nids = 10de\0:0fbc\naddrs = 01:00.0\n";
	struct gpupt_config c;
	struct gpupt_diags d;

	(void)state;
	gpupt_config_init(&c);
	gpupt_diags_init(&d);
	assert_int_equal(gpupt_conf_parse(text, sizeof(text) - 1, &c, &d), 2);
	assert_int_equal(c.n_ids, 1);
	assert_int_equal(c.n_addrs, 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.d[0].code, GPUPT_DIAG_BAD_ID);
	assert_int_equal(d.d[0].line, 2);
	assert_int_equal(d.d[0].entry_len, 10);
}

static void test_parse_without_diags(void **state)
{
	struct gpupt_config c;

	(void)state;
	assert_int_equal(parse("bad\nids = 10de:1381,x\n", &c, NULL), 1);
	assert_int_equal(c.n_ids, 1);
}

static void test_diags_overflow(void **state)
{
	char text[2048];
	size_t n = 0;
	struct gpupt_config c;
	struct gpupt_diags d;

	(void)state;
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "bad line %d\n", i);
	parse(text, &c, &d);
	assert_int_equal(d.n, GPUPT_MAX_DIAGS);
	assert_int_equal(d.dropped, 4);
	assert_int_equal(d.d[15].line, 16);
}

static void test_diag_text(void **state)
{
	static const struct { const char *text; const char *msg; } cases[] = {
		{ "\n\nids = 10de:13\n",
		  "/etc/gpupt.conf:3: ids: \"10de:13\" is not VVVV:DDDD (4 hex digits each); entry ignored" },
		{ "colour = blue\n",
		  "/etc/gpupt.conf:1: colour: unknown key; line ignored (known: ids, addrs, driver, debug, fb)" },
		{ "# x\nbogus line\n",
		  "/etc/gpupt.conf:2: \"bogus line\" is not \"key = value\"; line ignored" },
		{ "driver = \"vfio\n",
		  "/etc/gpupt.conf:1: driver: \"\\\"vfio\" opens a double quote that is never closed;"
		  " setting ignored" },
		{ "fb =\n", "/etc/gpupt.conf:1: fb: empty value; setting ignored" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_config c;
		struct gpupt_diags d;
		char msg[256];
		int n;

		parse(cases[i].text, &c, &d);
		assert_int_equal(d.n, 1);
		n = gpupt_diag_format(&d.d[0], "/etc/gpupt.conf", msg, sizeof(msg));
		if (n != (int)strlen(cases[i].msg) || strcmp(msg, cases[i].msg))
			fail_msg("case %zu:\n got  %s\n want %s", i, msg, cases[i].msg);
	}
}

/* ---- merge ---- */

struct merge_case {
	const char *cmdline;
	const char *conf;
	const char *merged;
};

static void test_merge(void **state)
{
	static const struct merge_case cases[] = {
		{ "", "ids = 10de:1381\ndriver = pci-stub\n", "ids=10de:1381 driver=pci-stub" },
		{ "gpupt.off", "ids = 10de:1381\ndebug = 1\n", "debug=1 off" },
		{ "gpupt=off gpupt.ids=10de:0fbc", "ids = 10de:1381\n", "off" },
		{ "gpupt.off=0", "ids = 10de:1381\n", "ids=10de:1381" },
		/* a command-line selection replaces the conf's, ids and addrs alike */
		{ "gpupt.ids=10de:0fbc", "ids = 10de:1381\naddrs = 01:00.0\n", "ids=10de:0fbc" },
		{ "gpupt.addrs=02:00.0", "ids = 10de:1381\n", "addrs=0000:02:00.0" },
		/* an all-bad command-line selection selects nothing: the conf's applies */
		{ "gpupt.ids=10de:13", "ids = 10de:1381\n", "ids=10de:1381" },
		/* driver, debug, fb: the command line overrides, else the conf's */
		{ "gpupt.driver=vfio-pci gpupt.debug=0 gpupt.fb=release",
		  "ids = 10de:1381\ndriver = pci-stub\ndebug = 1\nfb = keep\n",
		  "ids=10de:1381 driver=vfio-pci debug=0 fb=0" },
		{ "gpupt.fb=keep", "debug = 1\n", "debug=1 fb=1" },
		{ "", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gpupt_config cl, cf, m;
		char got[512];

		gpupt_config_init(&cl);
		gpupt_cmdline_parse(cases[i].cmdline, strlen(cases[i].cmdline), &cl, NULL);
		parse(cases[i].conf, &cf, NULL);
		gpupt_config_merge(&cl, &cf, &m);
		render(&m, got, sizeof(got));
		if (strcmp(got, cases[i].merged))
			fail_msg("case %zu: merged \"%s\", want \"%s\"", i, got, cases[i].merged);
		/* out may alias an input */
		gpupt_config_merge(&cl, &cf, &cf);
		render(&cf, got, sizeof(got));
		assert_string_equal(got, cases[i].merged);
	}
}

static void test_merge_keeps_dropped_counts(void **state)
{
	struct gpupt_config cl, cf, m;

	(void)state;
	gpupt_config_init(&cl);
	gpupt_config_init(&cf);
	cf.n_ids = 1;
	cf.ids_dropped = 3;
	cl.addrs_dropped = 5;
	gpupt_config_merge(&cl, &cf, &m);
	assert_int_equal(m.ids_dropped, 3);
	assert_int_equal(m.addrs_dropped, 0);
}

/* The round-trip tests rely on gpupt_config_equal: it must see every field. */
static void test_config_equal(void **state)
{
	static const char *const variants[] = {
		"ids = 10de:1381\n",
		"ids = 10de:1382\n",
		"ids = 10de:1381:0000:0000\n",
		"ids = 10de:1381,10de:0fbc\n",
		"ids = 10de:0fbc,10de:1381\n",
		"addrs = 01:00.0\n",
		"addrs = 01:00.1\n",
		"addrs = 01:00\n",
		"addrs = 0001:01:00.0\n",
		"addrs = 02:00.0\n",
		"addrs = 01:01.0\n",
		"addrs = 01:00.0=10de:1381\n",
		"addrs = 01:00.0=10de:1381:0000:0000\n",
		"driver = pci-stub\n",
		"driver = pci-stu\n",
		"debug = 0\n",
		"debug = 1\n",
		"fb = keep\n",
		"fb = release\n",
		"",
	};
	struct gpupt_config a, b;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(variants); i++)
		for (size_t j = 0; j < ARRAY_SIZE(variants); j++) {
			parse(variants[i], &a, NULL);
			parse(variants[j], &b, NULL);
			if (gpupt_config_equal(&a, &b) != (i == j))
				fail_msg("equal(\"%s\", \"%s\") wrong", variants[i], variants[j]);
		}
	parse("", &a, NULL);
	parse("", &b, NULL);
	b.off = true;
	assert_false(gpupt_config_equal(&a, &b));
	/* func means nothing on a slot, the dropped counters are not settings */
	parse("addrs = 01:00\n", &a, NULL);
	parse("addrs = 01:00\n", &b, NULL);
	b.addrs[0].func = 5;
	b.addrs_dropped = 2;
	assert_true(gpupt_config_equal(&a, &b));
}

/* ---- writer ---- */

static void round_trip(const struct gpupt_config *c)
{
	char text[8192];
	struct gpupt_config back;
	struct gpupt_diags d;
	int n = gpupt_conf_write(c, text, sizeof(text));

	assert_true(n > 0);
	assert_int_equal(strlen(text), n);
	gpupt_config_init(&back);
	gpupt_diags_init(&d);
	gpupt_conf_parse(text, (size_t)n, &back, &d);
	assert_int_equal(d.n, 0);
	if (!gpupt_config_equal(c, &back)) {
		char a[4096], b[4096];

		render(c, a, sizeof(a));
		render(&back, b, sizeof(b));
		fail_msg("round trip:\n wrote %s\n read  %s\n text:\n%s", a, b, text);
	}
}

static void test_write_round_trip(void **state)
{
	static const char *const confs[] = {
		"",
		"ids = 10de:1381\n",
		"ids = 10de:1381:1043:8416,10DE:0FBC\naddrs = 01:00,0001:02:1f.7=10de:1381:1043:8416,"
		"03:00.0=1002:67df\ndriver = pci-stub\ndebug = 1\nfb = keep\n",
		"debug = 0\nfb = release\n",
		"driver = abcdefghijklmnopqrstuvwxyz01234\n",
	};
	struct gpupt_config c;
	char text[4096];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(confs); i++) {
		parse(confs[i], &c, NULL);
		round_trip(&c);
	}
	/* full capacity */
	n += (size_t)snprintf(text + n, sizeof(text) - n, "ids = ");
	for (unsigned i = 0; i < GPUPT_MAX_IDS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%04x:%04x:%04x:%04x",
				      i ? "," : "", 0xffff - i, i, i * 7, i * 13);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\naddrs = ");
	for (unsigned i = 0; i < GPUPT_MAX_ADDRS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%04x:%02x:%02x.%u=10de:%04x",
				      i ? "," : "", i, 0xff - i, i % 32, i % 8, i);
	parse(text, &c, NULL);
	assert_int_equal(c.n_ids, GPUPT_MAX_IDS);
	assert_int_equal(c.n_addrs, GPUPT_MAX_ADDRS);
	round_trip(&c);
}

/* The largest config there is: full lists, subsystem ids everywhere, longest driver. */
static void test_write_max(void **state)
{
	struct gpupt_config c;
	char text[2 * GPUPT_CONF_WRITE_MAX];
	int n;

	(void)state;
	gpupt_config_init(&c);
	for (unsigned i = 0; i < GPUPT_MAX_IDS; i++)
		c.ids[c.n_ids++] = (struct gpupt_pci_id){ 0xffff, (uint16_t)i, 0xffff, 0xffff, true };
	for (unsigned i = 0; i < GPUPT_MAX_ADDRS; i++)
		c.addrs[c.n_addrs++] = (struct gpupt_pci_addr){
			.domain = 0xffff, .bus = (uint8_t)i, .slot = 0x1f, .func = 7,
			.has_fingerprint = true,
			.fingerprint = { 0xffff, 0xffff, 0xffff, 0xffff, true },
		};
	memset(c.driver, 'x', GPUPT_DRIVER_MAX);
	c.debug = 1;
	c.fb = GPUPT_FB_RELEASE;
	n = gpupt_conf_write(&c, text, sizeof(text));
	assert_true(n > 0);
	assert_true(n < GPUPT_CONF_WRITE_MAX);
	round_trip(&c);
}

static void test_write_text(void **state)
{
	struct gpupt_config c;
	char text[1024];
	const char *body;

	(void)state;
	parse("fb = keep\naddrs = 01:00.0=10de:1381\nids = 10de:1381\ndebug = on\n", &c, NULL);
	assert_true(gpupt_conf_write(&c, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "written by `gpupt enable`"));
	assert_non_null(strstr(text, "gpupt.off"));
	body = strstr(text, "\nids");
	assert_non_null(body);
	assert_string_equal(body + 1, "ids = 10de:1381\n"
			    "addrs = 0000:01:00.0=10de:1381\n"
			    "debug = 1\n"
			    "fb = keep\n");
	/* every line before the settings is a comment */
	for (const char *p = text; p <= body; p = strchr(p, '\n') + 1)
		assert_int_equal(*p, '#');
}

static void test_write_enospc(void **state)
{
	struct gpupt_config c;
	char full[1024], small[1024];
	int n;

	(void)state;
	parse("ids = 10de:1381\naddrs = 01:00\ndriver = pci-stub\n", &c, NULL);
	n = gpupt_conf_write(&c, full, sizeof(full));
	assert_true(n > 0);
	assert_int_equal(gpupt_conf_write(&c, NULL, 0), -ENOSPC);
	for (size_t size = 1; size <= (size_t)n; size++) {
		memset(small, 'X', sizeof(small));
		assert_int_equal(gpupt_conf_write(&c, small, size), -ENOSPC);
		assert_int_equal(strlen(small), size - 1);
		assert_int_equal(small[size], 'X');
	}
	assert_int_equal(gpupt_conf_write(&c, small, (size_t)n + 1), n);
}

static void test_write_einval(void **state)
{
	struct gpupt_config c;
	char text[2048];

	(void)state;
	gpupt_config_init(&c);
	c.off = true;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);

	gpupt_config_init(&c);
	strcpy(c.driver, "vfio\nids");
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);
	memset(c.driver, 'a', sizeof(c.driver));	/* not NUL-terminated */
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);

	gpupt_config_init(&c);
	c.n_ids = GPUPT_MAX_IDS + 1;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);

	gpupt_config_init(&c);
	c.n_addrs = 1;
	c.addrs[0].slot = 0x20;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);
	c.addrs[0].slot = 0;
	c.addrs[0].func = 8;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);
	c.addrs[0].whole_slot = true;	/* func does not matter for a slot */
	assert_true(gpupt_conf_write(&c, text, sizeof(text)) > 0);

	gpupt_config_init(&c);
	c.debug = 2;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);
	gpupt_config_init(&c);
	c.fb = 7;
	assert_int_equal(gpupt_conf_write(&c, text, sizeof(text)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_nul_inside_line),
		cmocka_unit_test(test_parse_without_diags),
		cmocka_unit_test(test_diags_overflow),
		cmocka_unit_test(test_diag_text),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_keeps_dropped_counts),
		cmocka_unit_test(test_config_equal),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_write_max),
		cmocka_unit_test(test_write_text),
		cmocka_unit_test(test_write_enospc),
		cmocka_unit_test(test_write_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
