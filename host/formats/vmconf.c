// SPDX-License-Identifier: MIT
/* Proxmox VE guest configuration: scan and minimal edits (see vmconf.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/formats/vmconf.h"

struct line {
	const char *s; /* start */
	size_t len;    /* without the '\n' */
	size_t next;   /* offset of the following line */
};

static struct line line_at(const char *buf, size_t len, size_t off)
{
	const char *nl = memchr(buf + off, '\n', len - off);
	struct line l = { buf + off, nl ? (size_t)(nl - (buf + off)) : len - off, 0 };

	l.next = off + l.len + (nl ? 1 : 0);
	return l;
}

static bool is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t' && l->s[i] != '\r')
			return false;
	return true;
}

/* If l is "key: value", the value without surrounding blanks; else false. */
static bool line_value(const struct line *l, const char *key, struct gpupt_vmconf_slice *v)
{
	size_t k = strlen(key);
	const char *p, *end = l->s + l->len;

	if (l->len <= k || memcmp(l->s, key, k) != 0 || l->s[k] != ':')
		return false;
	for (p = l->s + k + 1; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	v->s = p;
	v->len = (size_t)(end - p);
	return true;
}

static bool addrs_overlap(const struct gpupt_pci_addr *a, const struct gpupt_pci_addr *b)
{
	if (a->domain != b->domain || a->bus != b->bus || a->slot != b->slot)
		return false;
	return a->whole_slot || b->whole_slot || a->func == b->func;
}

bool gpupt_vmconf_hostpci_names(const char *value, size_t len, const struct gpupt_pci_addr *dev)
{
	const char *comma = memchr(value, ',', len);
	const char *p = value, *end = comma ? comma : value + len;

	if ((size_t)(end - p) > 5 && memcmp(p, "host=", 5) == 0)
		p += 5;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		struct gpupt_pci_addr a;

		if (gpupt_parse_addr(p, (size_t)(stop - p), &a) == 0 && addrs_overlap(&a, dev))
			return true;
		p = semi ? semi + 1 : end;
	}
	return false;
}

bool gpupt_vmconf_hostpci_maps(const char *value, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = value, *end = value + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t item = (size_t)((comma ? comma : end) - p);

		if (item == 8 + n && memcmp(p, "mapping=", 8) == 0 && memcmp(p + 8, name, n) == 0)
			return true;
		p = comma ? comma + 1 : end;
	}
	return false;
}

/* "hostpciN:" with N in 0..15: N, else -1. */
static int hostpci_index(const struct line *l)
{
	const char *p = l->s + 7;
	const char *end = l->s + l->len;
	int n = 0;

	if (l->len < 9 || memcmp(l->s, "hostpci", 7) != 0 || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] != ':')
		return -1; /* "hostpci01" is not hostpci1 */
	for (; p < end && *p >= '0' && *p <= '9' && n < GPUPT_VM_MAX_HOSTPCI; p++)
		n = n * 10 + (*p - '0');
	if (p >= end || *p != ':' || n >= GPUPT_VM_MAX_HOSTPCI)
		return -1;
	return n;
}

/* What the scan looks for: the device, and the mapping that may stand for it. */
struct wanted {
	const struct gpupt_pci_addr *dev;
	const char *mapping;
};

static bool passes(const struct gpupt_vmconf_slice *v, const struct wanted *w)
{
	return (w->dev && gpupt_vmconf_hostpci_names(v->s, v->len, w->dev)) ||
	       (w->mapping && gpupt_vmconf_hostpci_maps(v->s, v->len, w->mapping));
}

static void scan_line(const struct line *l, const struct wanted *w, struct gpupt_vmconf_info *out)
{
	int idx = hostpci_index(l);

	if (idx >= 0) {
		struct gpupt_vmconf_slice *v = &out->hostpci[idx];
		char key[GPUPT_VM_KEY_MAX];

		snprintf(key, sizeof(key), "hostpci%d", idx);
		if (v->s || !line_value(l, key, v))
			return; /* a repeated key: Proxmox uses the first */
		out->hostpci_used |= 1u << idx;
		if (!passes(v, w))
			return;
		out->same_device_all |= 1u << idx;
		if (out->same_device < 0)
			out->same_device = idx;
		return;
	}
	if (!out->machine.s && line_value(l, "machine", &out->machine))
		return;
	if (!out->bios.s && line_value(l, "bios", &out->bios))
		return;
	if (!out->efidisk0.s)
		line_value(l, "efidisk0", &out->efidisk0);
}

int gpupt_vmconf_scan(const char *buf, size_t len, const struct gpupt_pci_addr *dev,
		      struct gpupt_vmconf_info *out)
{
	return gpupt_vmconf_scan_mapping(buf, len, dev, NULL, out);
}

int gpupt_vmconf_scan_mapping(const char *buf, size_t len, const struct gpupt_pci_addr *dev,
			      const char *mapping, struct gpupt_vmconf_info *out)
{
	const struct wanted w = { dev, mapping };
	size_t off = 0;

	if (!out || (!buf && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->same_device = -1;
	out->main_end = len;
	while (off < len) {
		struct line l = line_at(buf, len, off);

		if (l.len > 0 && l.s[0] == '[') {
			out->main_end = off;
			out->has_sections = true;
			break;
		}
		if (l.len > 0 && l.s[0] != '#')
			scan_line(&l, &w, out);
		off = l.next;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct writer {
	char *out;
	size_t size;
	size_t len;
	bool overflow;
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->overflow || n >= w->size - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
	w->out[w->len] = '\0';
}

static void put_setting(struct writer *w, const struct gpupt_vmconf_set *s)
{
	put(w, s->key, strlen(s->key));
	put(w, ": ", 2);
	put(w, s->value, strlen(s->value));
}

static bool key_ok(const char *k)
{
	size_t n = strnlen(k, GPUPT_VM_KEY_MAX);

	if (n == 0 || n == GPUPT_VM_KEY_MAX || k[0] < 'a' || k[0] > 'z')
		return false;
	return strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static bool value_ok(const char *v)
{
	size_t n = strnlen(v, GPUPT_VM_VALUE_MAX);

	return n > 0 && n < GPUPT_VM_VALUE_MAX && !strpbrk(v, "\n\r");
}

/* Offset just after the main section's last non-blank line (0 if none). */
static size_t insert_point(const char *buf, size_t main_end)
{
	size_t off = 0, at = 0;

	while (off < main_end) {
		struct line l = line_at(buf, main_end, off);
		if (!is_blank(&l))
			at = l.next;
		off = l.next;
	}
	return at;
}

/* The setting for this main-section line, if it is one of the keys set. */
static int setting_for_line(const struct line *l, const struct gpupt_vmconf_set *set, unsigned n_set,
			    const bool *done)
{
	for (unsigned i = 0; i < n_set; i++) {
		struct gpupt_vmconf_slice v;
		if (!done[i] && line_value(l, set[i].key, &v))
			return (int)i;
	}
	return -1;
}

static void put_missing(struct writer *w, const char *buf, size_t at,
			const struct gpupt_vmconf_set *set, unsigned n_set, const bool *done)
{
	bool need_newline = at > 0 && buf[at - 1] != '\n';

	for (unsigned i = 0; i < n_set; i++) {
		if (done[i])
			continue;
		if (need_newline)
			put(w, "\n", 1);
		put_setting(w, &set[i]);
		put(w, "\n", 1);
		need_newline = false;
	}
}

/* Mark in found[] the settings whose key has a line in the main section. */
static void find_existing(const char *buf, size_t main_end, const struct gpupt_vmconf_set *set,
			  unsigned n_set, bool *found)
{
	for (size_t off = 0; off < main_end;) {
		struct line l = line_at(buf, main_end, off);
		int i = l.len && l.s[0] != '#' ? setting_for_line(&l, set, n_set, found) : -1;

		if (i >= 0)
			found[i] = true;
		off = l.next;
	}
}

long gpupt_vmconf_apply(const char *buf, size_t len, const struct gpupt_vmconf_set *set,
			unsigned n_set, char *out, size_t size)
{
	enum { MAX_SET = 8 };
	struct gpupt_vmconf_info info;
	struct writer w = { out, size, 0, false };
	bool existing[MAX_SET] = { false }, replaced[MAX_SET] = { false };
	size_t at;

	if ((!buf && len) || !out || size == 0 || (n_set && !set) || n_set > MAX_SET)
		return -EINVAL;
	for (unsigned i = 0; i < n_set; i++)
		if (!key_ok(set[i].key) || !value_ok(set[i].value))
			return -EINVAL;
	gpupt_vmconf_scan(buf, len, NULL, &info);
	find_existing(buf, info.main_end, set, n_set, existing);
	at = insert_point(buf, info.main_end);
	out[0] = '\0';
	for (size_t off = 0; off < len;) {
		struct line l = line_at(buf, len, off);
		int i = off < info.main_end && l.len && l.s[0] != '#'
				? setting_for_line(&l, set, n_set, replaced)
				: -1;

		if (off == at)
			put_missing(&w, buf, at, set, n_set, existing);
		if (i >= 0) {
			/* The first line of a key is replaced; repeats stay as they were. */
			replaced[i] = true;
			put_setting(&w, &set[i]);
			put(&w, l.s + l.len, l.next - off - l.len);
		} else {
			put(&w, l.s, l.next - off);
		}
		off = l.next;
	}
	if (at == len)
		put_missing(&w, buf, at, set, n_set, existing);
	return w.overflow ? -ENOSPC : (long)w.len;
}

/* ---- planning ----------------------------------------------------------- */

static bool slice_eq(const struct gpupt_vmconf_slice *v, const char *s)
{
	return v->s && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

/* The machine type of "pc-q35-8.1", "q35", "type=q35,viommu=intel": is it Q35? */
static bool machine_is_q35(const struct gpupt_vmconf_slice *m)
{
	const char *comma = memchr(m->s, ',', m->len);
	size_t n = comma ? (size_t)(comma - m->s) : m->len;

	return memmem(m->s, n, "q35", 3) != NULL;
}

/* Append to a setting's value; false when it does not fit. */
static bool value_append(char *v, const char *s, size_t n)
{
	size_t have = strlen(v);

	if (n >= GPUPT_VM_VALUE_MAX - have)
		return false;
	memcpy(v + have, s, n);
	v[have + n] = '\0';
	return true;
}

/* An option of a hostpci value the request decides itself (what is passed, and how). */
static bool option_is_ours(const char *o, size_t n)
{
	static const char *const ours[] = { "pcie=", "x-vga=", "host=", "mapping=" };

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (n >= strlen(ours[i]) && memcmp(o, ours[i], strlen(ours[i])) == 0)
			return true;
	return false;
}

/* "mapping=NAME" or the address: what the entry passes. */
static int hostpci_device(const struct gpupt_vm_request *req, char *v)
{
	struct gpupt_pci_addr a = req->dev;

	if (req->mapping) {
		size_t n = strlen(req->mapping);

		if (n == 0 || n > 64 || strcspn(req->mapping, ",;=: \t\r\n") != n)
			return -EINVAL;
		snprintf(v, GPUPT_VM_VALUE_MAX, "mapping=%s", req->mapping);
		return 0;
	}
	a.has_fingerprint = false;
	return gpupt_format_addr(&a, v, GPUPT_VM_VALUE_MAX) < 0 ? -EINVAL : 0;
}

/*
 * "0000:01:00,pcie=1,x-vga=on", keeping the options of the entry it replaces
 * that the request does not decide (romfile=, rombar=, ...).
 */
static int hostpci_value(const struct gpupt_vm_request *req, const struct gpupt_vmconf_slice *old, char *v)
{
	const char *p, *end;
	bool ok;

	if (hostpci_device(req, v) < 0)
		return -EINVAL;
	ok = (!req->pcie || value_append(v, ",pcie=1", 7)) &&
	     (!req->primary || value_append(v, ",x-vga=on", 9));
	if (!ok || !old->s)
		return ok ? 0 : -ENOSPC;
	p = memchr(old->s, ',', old->len);
	end = old->s + old->len;
	while (ok && p && p < end) {
		const char *o = p + 1;
		const char *next = memchr(o, ',', (size_t)(end - o));
		size_t n = (size_t)((next ? next : end) - o);

		if (n > 0 && !option_is_ours(o, n))
			ok = value_append(v, p, n + 1);
		p = next;
	}
	return ok ? 0 : -ENOSPC;
}

static int lowest_free(uint32_t used)
{
	for (int i = 0; i < GPUPT_VM_MAX_HOSTPCI; i++)
		if (!(used & 1u << i))
			return i;
	return -1;
}

static struct gpupt_vmconf_set *next_set(struct gpupt_vm_plan *p, const char *key)
{
	struct gpupt_vmconf_set *s = &p->set[p->n_set++];

	snprintf(s->key, sizeof(s->key), "%s", key);
	return s;
}

/* "q35", keeping options such as ",viommu=intel" of the old machine value. */
static int q35_value(const struct gpupt_vmconf_slice *old, char *v)
{
	const char *comma = old->s ? memchr(old->s, ',', old->len) : NULL;

	snprintf(v, GPUPT_VM_VALUE_MAX, "q35");
	if (comma && !value_append(v, comma, (size_t)(old->s + old->len - comma)))
		return -ENOSPC;
	return 0;
}

int gpupt_vm_plan(const struct gpupt_vmconf_info *info, const struct gpupt_vm_request *req,
		  struct gpupt_vm_plan *out)
{
	struct gpupt_vmconf_set *s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->replaces = info->same_device >= 0;
	out->index = out->replaces ? info->same_device : lowest_free(info->hostpci_used);
	if (out->index < 0)
		return -ENOSPC;
	s = next_set(out, "");
	snprintf(s->key, sizeof(s->key), "hostpci%d", out->index);
	rc = hostpci_value(req, out->replaces ? &info->hostpci[out->index] : &(struct gpupt_vmconf_slice){ 0 },
			   s->value);
	if (rc < 0)
		return rc;
	out->machine_changes = req->pcie && (!info->machine.s || !machine_is_q35(&info->machine));
	if (out->machine_changes) {
		rc = q35_value(&info->machine, next_set(out, "machine")->value);
		if (rc < 0)
			return rc;
	}
	/* SeaBIOS is the default: an absent bios key already means it. */
	out->bios_changes = req->ovmf ? !slice_eq(&info->bios, "ovmf")
				      : (info->bios.s && !slice_eq(&info->bios, "seabios"));
	if (out->bios_changes)
		snprintf(next_set(out, "bios")->value, GPUPT_VM_VALUE_MAX, "%s",
			 req->ovmf ? "ovmf" : "seabios");
	out->needs_efidisk = req->ovmf && !info->efidisk0.s;
	return 0;
}

int gpupt_vmid_parse(const char *s, unsigned long *vmid)
{
	unsigned long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 9 || s[0] == '0' || strspn(s, "0123456789") != n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (v < GPUPT_VMID_MIN || v > GPUPT_VMID_MAX)
		return -EINVAL;
	*vmid = v;
	return 0;
}
