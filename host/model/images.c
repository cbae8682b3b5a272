// SPDX-License-Identifier: MIT
/*
 * Which initramfs-tools images must be rebuilt.  The record format
 * (initramfs-hook/initramfs-tools/hook writes it):
 *
 *   gpupt-initramfs 1
 *   kernel VER
 *   binder /PATH SHA256        or  binder none
 *   modules NAME...
 *   conf N                     or  conf none
 *   <exactly N bytes: the image's /etc/gpupt.conf>
 *   <a newline>
 *   end
 *
 * The record is input like any file: it is read bounded and parsed
 * strictly, and anything unexpected means "rebuild".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdline/cmdline.h"
#include "conf/conf.h"
#include "host/model/images.h"
#include "host/model/modules.h"
#include "lib/path.h"
#include "lib/sha256.h"
#include "selection/selection.h"

enum {
	MODULES_MAX = 16,
	MODULE_NAME_MAX = 63,
	CONF_MAX = 16383,   /* the binder reads no more of /etc/gpupt.conf */
	CMDLINE_MAX = 4095, /* the binder reads no more of /proc/cmdline */
	BINDER_MAX = 16 << 20,
};

struct record {
	char kernel[GPUPT_KVER_MAX];
	bool has_binder;
	char binder_sum[GPUPT_SHA256_HEX + 1];
	char modules[MODULES_MAX][MODULE_NAME_MAX + 1];
	unsigned n_modules;
	const char *conf; /* a slice of the record; NULL: the image has none */
	size_t conf_len;
};

/* What the next boot is compared with, worked out once for every kernel. */
struct basis {
	struct gpupt_config cmdline, conf;
	char binder_sum[GPUPT_SHA256_HEX + 1]; /* "" when the binder is not installed */
};

static void decide(struct gpupt_image *out, bool rebuild, const char *fmt, const char *arg)
{
	out->rebuild = rebuild;
	snprintf(out->why, sizeof(out->why), fmt, arg);
}

/* ---- the record ---- */

/* The next line without its newline; false when no whole line is left. */
static bool take_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *nl = *pos < len ? memchr(buf + *pos, '\n', len - *pos) : NULL;

	if (!nl)
		return false;
	*line = buf + *pos;
	*n = (size_t)(nl - *line);
	*pos += *n + 1;
	return true;
}

/* "KEY VALUE": the value when line starts with key and a space. */
static const char *value_of(const char *line, size_t n, const char *key, size_t *vlen)
{
	size_t k = strlen(key);

	if (n <= k || memcmp(line, key, k) != 0 || line[k] != ' ')
		return NULL;
	*vlen = n - k - 1;
	return line + k + 1;
}

static bool is_value(const char *v, size_t n, const char *want)
{
	return v && n == strlen(want) && memcmp(v, want, n) == 0;
}

static bool chars_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

static bool parse_binder(struct record *r, const char *v, size_t n)
{
	static const char path[] = "/" GPUPT_BINDER_PATH " ";
	size_t p = sizeof(path) - 1;

	if (is_value(v, n, "none"))
		return true;
	if (!v || n != p + GPUPT_SHA256_HEX || memcmp(v, path, p) != 0 ||
	    !chars_in(v + p, GPUPT_SHA256_HEX, "0123456789abcdef"))
		return false;
	memcpy(r->binder_sum, v + p, GPUPT_SHA256_HEX);
	r->binder_sum[GPUPT_SHA256_HEX] = '\0';
	r->has_binder = true;
	return true;
}

static bool parse_modules(struct record *r, const char *v, size_t n)
{
	size_t at = 0;

	while (at < n) {
		size_t w = strcspn(v + at, " ");

		w = w < n - at ? w : n - at;
		if (w == 0 || w > MODULE_NAME_MAX || r->n_modules >= MODULES_MAX ||
		    !chars_in(v + at, w, "abcdefghijklmnopqrstuvwxyz0123456789_-"))
			return false;
		memcpy(r->modules[r->n_modules], v + at, w);
		r->modules[r->n_modules++][w] = '\0';
		at += w + 1;
	}
	return true;
}

/* "conf none", or "conf N", N bytes and a newline. */
static bool parse_conf(struct record *r, const char *buf, size_t len, size_t *pos, const char *v, size_t n)
{
	char num[8];
	char *end;
	unsigned long size;

	if (is_value(v, n, "none"))
		return true;
	if (!v || n == 0 || n >= sizeof(num) || !chars_in(v, n, "0123456789"))
		return false;
	memcpy(num, v, n);
	num[n] = '\0';
	size = strtoul(num, &end, 10);
	if (size > CONF_MAX || len - *pos < size + 1 || buf[*pos + size] != '\n')
		return false;
	r->conf = buf + *pos;
	r->conf_len = size;
	*pos += size + 1;
	return true;
}

/* 0, or -EBADMSG with what names the first thing that is wrong. */
static int parse_record(const char *buf, size_t len, struct record *r, const char **what)
{
	static const char *const keys[] = { "kernel", "binder", "modules", "conf" };
	const char *line, *v[4];
	size_t pos = 0, n, vn[4];

	memset(r, 0, sizeof(*r));
	*what = "its first line is not \"gpupt-initramfs 1\"";
	if (!take_line(buf, len, &pos, &line, &n) || !is_value(line, n, "gpupt-initramfs 1"))
		return -EBADMSG;
	for (size_t i = 0; i < 4; i++) {
		*what = keys[i];
		if (!take_line(buf, len, &pos, &line, &n))
			return -EBADMSG;
		v[i] = value_of(line, n, keys[i], &vn[i]);
		if (!v[i])
			return -EBADMSG;
	}
	*what = "kernel";
	if (vn[0] >= sizeof(r->kernel) || memchr(v[0], '\0', vn[0]))
		return -EBADMSG;
	memcpy(r->kernel, v[0], vn[0]);
	*what = "binder";
	if (!parse_binder(r, v[1], vn[1]))
		return -EBADMSG;
	*what = "modules";
	if (!parse_modules(r, v[2], vn[2]))
		return -EBADMSG;
	*what = "conf";
	if (!parse_conf(r, buf, len, &pos, v[3], vn[3]))
		return -EBADMSG;
	*what = "end";
	if (!take_line(buf, len, &pos, &line, &n) || !is_value(line, n, "end") || pos != len)
		return -EBADMSG;
	return 0;
}

/* ---- what the record says against how the next boot is configured ---- */

/* The binder applies these defaults to what neither source sets. */
static void effective(struct gpupt_config *c)
{
	if (!c->driver[0])
		snprintf(c->driver, sizeof(c->driver), "%s", GPUPT_DEFAULT_DRIVER);
	if (c->debug < 0)
		c->debug = 0;
	if (c->fb == GPUPT_FB_UNSET)
		c->fb = GPUPT_FB_RELEASE;
}

static void parse_conf_text(const char *buf, size_t len, struct gpupt_config *c)
{
	gpupt_config_init(c);
	if (buf)
		gpupt_conf_parse(buf, len, c, NULL);
}

/* Does the record's copy of the conf, merged with the next command line, bind as the new conf does? */
static bool binds_the_same(const struct basis *b, const struct record *r)
{
	struct gpupt_config image, with_image, with_new;

	parse_conf_text(r->conf, r->conf_len, &image);
	gpupt_config_merge(&b->cmdline, &image, &with_image);
	gpupt_config_merge(&b->cmdline, &b->conf, &with_new);
	effective(&with_image);
	effective(&with_new);
	return gpupt_config_equal(&with_image, &with_new);
}

/* Is module (its '-' made '_' here) in the image's record, or built into the kernel? */
static bool image_has(int rootfd, const char *ver, const struct record *r, char *module)
{
	enum gpupt_module_state st = GPUPT_MODULE_MISSING;
	const char *name = module;

	for (char *p = module; *p; p++)
		*p = *p == '-' ? '_' : *p;
	for (unsigned i = 0; i < r->n_modules; i++)
		if (strcmp(r->modules[i], module) == 0)
			return true;
	return gpupt_modules_lookup(rootfd, ver, &name, 1, &st) == 0 && st == GPUPT_MODULE_BUILTIN;
}

/* Is the driver the next boot binds to in the image, or built into the kernel? */
static bool has_driver(int rootfd, const char *ver, const struct basis *b, const struct record *r,
		       char *module, size_t size)
{
	struct gpupt_config next;

	gpupt_config_merge(&b->cmdline, &b->conf, &next);
	effective(&next);
	if (next.off || (next.n_ids == 0 && next.n_addrs == 0))
		return true; /* nothing to bind: no driver is loaded */
	snprintf(module, size, "%s", next.driver);
	return image_has(rootfd, ver, r, module);
}

/* The module of a trial boot's watchdog (gpupt.watchdog=) is in the image, or built in, or none is asked for. */
static bool has_watchdog(int rootfd, const char *ver, const struct basis *b, const struct record *r,
			 char *module, size_t size)
{
	if (!b->cmdline.watchdog_module[0])
		return true;
	snprintf(module, size, "%s", b->cmdline.watchdog_module);
	return image_has(rootfd, ver, r, module);
}

static void judge(int rootfd, const char *ver, const struct basis *b, const struct record *r,
		  struct gpupt_image *out)
{
	char module[GPUPT_DRIVER_MAX + 1];

	if (strcmp(r->kernel, ver) != 0)
		decide(out, true, "its record names another kernel (%s)", r->kernel);
	else if (!r->has_binder)
		decide(out, true, "the image has no gpupt-bind%s", "");
	else if (!b->binder_sum[0])
		decide(out, true, "/%s is not installed (or unreadable)", GPUPT_BINDER_PATH);
	else if (strcmp(r->binder_sum, b->binder_sum) != 0)
		decide(out, true, "the image's gpupt-bind is not the installed /%s", GPUPT_BINDER_PATH);
	else if (!has_driver(rootfd, ver, b, r, module, sizeof(module)))
		decide(out, true, "the image lacks the driver module %s", module);
	else if (!has_watchdog(rootfd, ver, b, r, module, sizeof(module)))
		decide(out, true, "the image lacks the trial's watchdog module %s", module);
	else if (!binds_the_same(b, r))
		decide(out, true, "its copy of /etc/gpupt.conf would bind differently%s", "");
	else
		decide(out, false, "carries gpupt-bind; binds as configured with the new command line%s", "");
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/*
 * update-initramfs writes the image after the hook wrote the record: a
 * record newer than the image belongs to a build that did not become this
 * image (a failed build, mkinitramfs -o elsewhere).  The record is stat'ed
 * before and after reading, so one replaced meanwhile is not trusted.
 */
static void check_with(int rootfd, const char *ver, const struct basis *b, struct gpupt_image *out)
{
	char image[GPUPT_KVER_MAX + 32], rec[GPUPT_KVER_MAX + 32], *buf = NULL;
	struct stat img, before, after;
	struct record r;
	const char *what;
	size_t len;
	int e;

	snprintf(image, sizeof(image), "boot/initrd.img-%s", ver);
	snprintf(rec, sizeof(rec), GPUPT_IMAGE_RECORDS "/%s", ver);
	if (gpupt_path_stat(rootfd, image, &img, true) != 0) {
		/* update-initramfs -u -k all leaves such a kernel alone too */
		decide(out, false, "there is no /%s to update", image);
		return;
	}
	if (gpupt_path_stat(rootfd, rec, &before, false) != 0) {
		decide(out, true, "no record of what the image holds (/%s)", rec);
		return;
	}
	e = gpupt_read_file_alloc(rootfd, rec, GPUPT_RECORD_MAX, GPUPT_READ_REGULAR, &buf, &len);
	if (e < 0)
		decide(out, true, "its record cannot be read (%s)", gpupt_read_strerror(e));
	else if (gpupt_path_stat(rootfd, rec, &after, false) != 0 || !same_file(&before, &after))
		decide(out, true, "its record changed while gpupt read it%s", "");
	else if (newer(&after.st_mtim, &img.st_mtim))
		decide(out, true,
		       "its record is newer than the image (a build that did not end in /%s)", image);
	else if (parse_record(buf, len, &r, &what) < 0)
		decide(out, true, "its record is malformed (%s)", what);
	else
		judge(rootfd, ver, b, &r, out);
	free(buf);
}

static void installed_binder(int rootfd, char sum[GPUPT_SHA256_HEX + 1])
{
	char *buf;
	size_t len;

	sum[0] = '\0';
	if (gpupt_read_file_alloc(rootfd, GPUPT_BINDER_PATH, BINDER_MAX, GPUPT_READ_REGULAR, &buf, &len) < 0)
		return;
	gpupt_sha256_hex(buf, len, sum);
	free(buf);
}

/* The next boot, parsed once; false when its command line is not known. */
static bool make_basis(int rootfd, const struct gpupt_image_next *next, struct basis *b)
{
	parse_conf_text(next->conf, next->conf_len, &b->conf);
	gpupt_config_init(&b->cmdline);
	installed_binder(rootfd, b->binder_sum);
	if (!next->cmdline || strlen(next->cmdline) >= CMDLINE_MAX) /* or cut short */
		return false;
	gpupt_cmdline_parse(next->cmdline, strlen(next->cmdline), &b->cmdline, NULL);
	return true;
}

static void check_one(int rootfd, const char *ver, const struct basis *b, bool known, struct gpupt_image *out)
{
	snprintf(out->ver, sizeof(out->ver), "%s", ver);
	if (!gpupt_path_name_ok(ver))
		decide(out, true, "kernel version \"%s\" cannot name a file", ver);
	else if (!known)
		decide(out, true, "the next boot's kernel command line is not known%s", "");
	else
		check_with(rootfd, ver, b, out);
}

void gpupt_image_check(int rootfd, const char *ver, const struct gpupt_image_next *next, struct gpupt_image *out)
{
	struct basis *b = calloc(1, sizeof(*b));

	if (b) {
		check_one(rootfd, ver, b, make_basis(rootfd, next, b), out);
	} else {
		snprintf(out->ver, sizeof(out->ver), "%s", ver);
		decide(out, true, "out of memory%s", "");
	}
	free(b);
}

void gpupt_images_check(int rootfd, const struct gpupt_image_next *next, struct gpupt_images *out)
{
	struct gpupt_kernels ks;
	struct basis *b = calloc(1, sizeof(*b));
	bool known = b && make_basis(rootfd, next, b);

	memset(out, 0, sizeof(*out));
	gpupt_kernels_find(rootfd, &ks);
	for (size_t i = 0; i < ks.n; i++) {
		if (b)
			check_one(rootfd, ks.installed[i].ver, b, known, &out->k[out->n]);
		else
			decide(&out->k[out->n], true, "out of memory%s", "");
		snprintf(out->k[out->n].ver, sizeof(out->k[0].ver), "%s", ks.installed[i].ver);
		out->n_rebuild += out->k[out->n].rebuild;
		out->n++;
	}
	free(b);
}
