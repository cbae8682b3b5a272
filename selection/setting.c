// SPDX-License-Identifier: MIT
/*
 * One setting applied to a config.  Lists (ids, addrs) are comma-separated;
 * each entry is checked on its own, so one typo costs only that entry, and
 * trimmed of what the kernel's tokenizer takes for white space (0xa0 too).
 * Empty entries ("a,,b", a trailing comma) are skipped silently; a value
 * with no entry at all is reported as empty.  The off switches lean to
 * "off" whenever their value is in doubt: binding nothing is the safe way
 * to boot.
 */
#include <stdint.h>
#include <string.h>

#include "lib/kernel-cmdline.h"
#include "lib/macro.h"
#include "selection/setting.h"

static const struct {
	const char *name;
	enum gpupt_setting setting;
	bool cmdline_only;
} settings[] = {
	{ "ids", GPUPT_SET_IDS, false },       { "addrs", GPUPT_SET_ADDRS, false },
	{ "driver", GPUPT_SET_DRIVER, false }, { "off", GPUPT_SET_OFF, true },
	{ "debug", GPUPT_SET_DEBUG, false },   { "fb", GPUPT_SET_FB, false },
	{ "trial", GPUPT_SET_TRIAL, true },    { "watchdog", GPUPT_SET_WATCHDOG, true },
};

enum gpupt_setting gpupt_setting_lookup(const char *name, size_t len, bool in_conf)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		if (!(in_conf && settings[i].cmdline_only) &&
		    gpupt_kernel_param_eq(name, len, settings[i].name))
			return settings[i].setting;
	return GPUPT_SET_UNKNOWN;
}

bool gpupt_setting_is_off_switch(const char *key, size_t key_len)
{
	return gpupt_kernel_param_eq(key, key_len, "gpupt.off") ||
	       gpupt_kernel_param_eq(key, key_len, "gpupt");
}

void gpupt_diag_add(struct gpupt_diags *diags, enum gpupt_diag_code code,
		    const struct gpupt_setting_src *src, const char *entry, size_t entry_len)
{
	struct gpupt_diag *d;

	if (!diags)
		return;
	if (diags->n >= GPUPT_MAX_DIAGS) {
		diags->dropped++;
		return;
	}
	d = &diags->d[diags->n++];
	d->code = code;
	d->key = src->key;
	d->key_len = src->key_len;
	d->entry = entry;
	d->entry_len = entry_len;
	d->line = src->line;
}

/*
 * A repeated entry is kept once: it would only use up capacity.  A list of
 * 64 entries searched for each of hundreds of entries adds up, so a 256-bit
 * summary of each list comes first: one bit per entry, picked by the fields
 * that any two equal entries share.  A clear bit means a new entry; a set
 * one means searching the list, the field most likely to differ first.
 */
struct seen {
	uint64_t ids[4], addrs[4];
};

static unsigned id_bit(const struct gpupt_pci_id *id)
{
	return ((uint32_t)id->vendor << 16 | id->device) * 0x9e3779b1u >> 24;
}

static unsigned addr_bit(const struct gpupt_pci_addr *a)
{
	return ((uint32_t)a->domain << 16 | (uint32_t)a->bus << 8 | a->slot) * 0x9e3779b1u >> 24;
}

static bool seen_maybe(const uint64_t *bits, unsigned bit)
{
	return bits[bit / 64] >> (bit % 64) & 1;
}

static void seen_mark(uint64_t *bits, unsigned bit)
{
	bits[bit / 64] |= (uint64_t)1 << (bit % 64);
}

/* The summary of the list that s adds to. */
static void seen_init(struct seen *s, enum gpupt_setting list, const struct gpupt_config *c)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; list == GPUPT_SET_IDS && i < c->n_ids && i < GPUPT_MAX_IDS; i++)
		seen_mark(s->ids, id_bit(&c->ids[i]));
	for (unsigned i = 0; list == GPUPT_SET_ADDRS && i < c->n_addrs && i < GPUPT_MAX_ADDRS; i++)
		seen_mark(s->addrs, addr_bit(&c->addrs[i]));
}

static bool have_id(const struct gpupt_config *c, const struct seen *s, const struct gpupt_pci_id *id)
{
	if (!seen_maybe(s->ids, id_bit(id)))
		return false;
	for (unsigned i = 0; i < c->n_ids; i++)
		if (c->ids[i].device == id->device && gpupt_id_equal(&c->ids[i], id))
			return true;
	return false;
}

static bool have_addr(const struct gpupt_config *c, const struct seen *s, const struct gpupt_pci_addr *a)
{
	if (!seen_maybe(s->addrs, addr_bit(a)))
		return false;
	for (unsigned i = 0; i < c->n_addrs; i++)
		if (c->addrs[i].bus == a->bus && gpupt_addr_equal(&c->addrs[i], a))
			return true;
	return false;
}

static int add_id(const char *e, size_t len, const struct gpupt_setting_src *src,
		  struct gpupt_config *c, struct seen *s, struct gpupt_diags *diags)
{
	struct gpupt_pci_id id;

	if (gpupt_parse_id(e, len, &id) < 0) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_ID, src, e, len);
		return 0;
	}
	if (have_id(c, s, &id))
		return 1;
	if (c->n_ids >= GPUPT_MAX_IDS) {
		c->ids_dropped++;
		gpupt_diag_add(diags, GPUPT_DIAG_TOO_MANY_IDS, src, e, len);
		return 0;
	}
	c->ids[c->n_ids++] = id;
	seen_mark(s->ids, id_bit(&id));
	return 1;
}

static int add_addr(const char *e, size_t len, const struct gpupt_setting_src *src,
		    struct gpupt_config *c, struct seen *s, struct gpupt_diags *diags)
{
	struct gpupt_pci_addr a;

	if (gpupt_parse_addr(e, len, &a) < 0) {
		const char *eq = memchr(e, '=', len);
		bool addr_ok = eq && gpupt_parse_addr(e, (size_t)(eq - e), &a) == 0;

		gpupt_diag_add(diags, addr_ok ? GPUPT_DIAG_BAD_FINGERPRINT : GPUPT_DIAG_BAD_ADDR, src, e, len);
		return 0;
	}
	if (have_addr(c, s, &a))
		return 1;
	if (c->n_addrs >= GPUPT_MAX_ADDRS) {
		c->addrs_dropped++;
		gpupt_diag_add(diags, GPUPT_DIAG_TOO_MANY_ADDRS, src, e, len);
		return 0;
	}
	c->addrs[c->n_addrs++] = a;
	seen_mark(s->addrs, addr_bit(&a));
	return 1;
}

typedef int add_entry_fn(const char *e, size_t len, const struct gpupt_setting_src *src,
			 struct gpupt_config *c, struct seen *s, struct gpupt_diags *diags);

static int apply_list(enum gpupt_setting list, const struct gpupt_setting_src *src, const char *val,
		      size_t len, struct gpupt_config *c, struct gpupt_diags *diags)
{
	add_entry_fn *add = list == GPUPT_SET_IDS ? add_id : add_addr;
	struct seen seen;
	size_t pos = 0;
	unsigned entries = 0;
	int applied = 0;

	seen_init(&seen, list, c);
	while (pos < len) {
		const char *comma = memchr(val + pos, ',', len - pos);
		size_t end = comma ? (size_t)(comma - val) : len;
		size_t b = pos, e = end;

		/* The kernel's white space: what separates its tokens, 0xa0 included. */
		while (b < e && gpupt_kernel_isspace(val[b]))
			b++;
		while (e > b && gpupt_kernel_isspace(val[e - 1]))
			e--;
		if (e > b) {
			entries++;
			applied |= add(val + b, e - b, src, c, &seen, diags);
		}
		pos = end + 1;
	}
	if (entries == 0)
		gpupt_diag_add(diags, GPUPT_DIAG_EMPTY_VALUE, src, val, len);
	return applied;
}

static int apply_driver(const struct gpupt_setting_src *src, const char *val, size_t len,
			struct gpupt_config *c, struct gpupt_diags *diags)
{
	if (gpupt_check_driver_name(val, len) < 0) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_DRIVER, src, val, len);
		return 0;
	}
	memcpy(c->driver, val, len);
	c->driver[len] = '\0';
	return 1;
}

/* gpupt.off and gpupt=: anything but a clear "not off" turns gpupt off. */
static int apply_off(bool enable_key, const struct gpupt_setting_src *src, const char *val, size_t len,
		     struct gpupt_config *c, struct gpupt_diags *diags)
{
	bool v;

	if (!val && !enable_key) {
		c->off = true;
		return 1;
	}
	if (!val || gpupt_parse_bool(val, len, &v) < 0) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_BOOL, src, val, len);
		c->off = true;
		return 0;
	}
	if (v != enable_key)
		c->off = true;
	return 1;
}

static int apply_debug(const struct gpupt_setting_src *src, const char *val, size_t len,
		       struct gpupt_config *c, struct gpupt_diags *diags)
{
	bool v = true;

	if (val && gpupt_parse_bool(val, len, &v) < 0) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_BOOL, src, val, len);
		return 0;
	}
	c->debug = v;
	return 1;
}

static int apply_fb(const struct gpupt_setting_src *src, const char *val, size_t len,
		    struct gpupt_config *c, struct gpupt_diags *diags)
{
	if (len == 4 && !memcmp(val, "keep", 4)) {
		c->fb = GPUPT_FB_KEEP;
		return 1;
	}
	if (len == 7 && !memcmp(val, "release", 7)) {
		c->fb = GPUPT_FB_RELEASE;
		return 1;
	}
	gpupt_diag_add(diags, GPUPT_DIAG_BAD_FB, src, val, len);
	return 0;
}

/* A module's name as modprobe takes it: [A-Za-z0-9_-], 1 to 31 (iTCO_wdt has capitals). */
static bool module_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > GPUPT_DRIVER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* MODULE:SECONDS, MODULE a module's name, SECONDS within the bounds. */
static int apply_watchdog(const struct gpupt_setting_src *src, const char *val, size_t len,
			  struct gpupt_config *c, struct gpupt_diags *diags)
{
	const char *colon = memchr(val, ':', len);
	size_t mlen = colon ? (size_t)(colon - val) : len;
	unsigned long sec = 0;

	for (size_t i = mlen + 1; colon && i < len && sec <= GPUPT_WATCHDOG_SEC_MAX; i++)
		sec = val[i] >= '0' && val[i] <= '9' ? sec * 10 + (unsigned long)(val[i] - '0')
						     : GPUPT_WATCHDOG_SEC_MAX + 1UL;
	if (!colon || mlen + 1 == len || !module_name_ok(val, mlen) || sec < GPUPT_WATCHDOG_SEC_MIN ||
	    sec > GPUPT_WATCHDOG_SEC_MAX) {
		gpupt_diag_add(diags, GPUPT_DIAG_BAD_WATCHDOG, src, val, len);
		return 0;
	}
	memcpy(c->watchdog_module, val, mlen);
	c->watchdog_module[mlen] = '\0';
	c->watchdog_sec = (unsigned)sec;
	return 1;
}

int gpupt_setting_apply(enum gpupt_setting s, const struct gpupt_setting_src *src, const char *val,
			size_t val_len, struct gpupt_config *c, struct gpupt_diags *diags)
{
	bool needs_value = s == GPUPT_SET_IDS || s == GPUPT_SET_ADDRS || s == GPUPT_SET_DRIVER ||
			   s == GPUPT_SET_FB || s == GPUPT_SET_WATCHDOG;

	if (s == GPUPT_SET_OFF || s == GPUPT_SET_ENABLE)
		return apply_off(s == GPUPT_SET_ENABLE, src, val, val_len, c, diags);
	if ((needs_value && !val) || (val && val_len == 0)) {
		gpupt_diag_add(diags, GPUPT_DIAG_EMPTY_VALUE, src, val, 0);
		return 0;
	}
	switch (s) {
	case GPUPT_SET_IDS:
		return apply_list(GPUPT_SET_IDS, src, val, val_len, c, diags);
	case GPUPT_SET_ADDRS:
		return apply_list(GPUPT_SET_ADDRS, src, val, val_len, c, diags);
	case GPUPT_SET_DRIVER:
		return apply_driver(src, val, val_len, c, diags);
	case GPUPT_SET_DEBUG:
		return apply_debug(src, val, val_len, c, diags);
	case GPUPT_SET_FB:
		return apply_fb(src, val, val_len, c, diags);
	case GPUPT_SET_TRIAL:
		return 0; /* gpupt-trial.service reads it; the binder binds as the other keys say */
	case GPUPT_SET_WATCHDOG:
		return apply_watchdog(src, val, val_len, c, diags);
	default:
		gpupt_diag_add(diags, GPUPT_DIAG_UNKNOWN_KEY, src, val, val_len);
		return 0;
	}
}
