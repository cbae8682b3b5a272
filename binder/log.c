// SPDX-License-Identifier: MIT
/*
 * Messages without stdio (it would be most of the binary's size): a fixed
 * buffer filled by small appenders, written to dev/kmsg as one record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "binder/binder.h"
#include "lib/macro.h"
#include "lib/msg.h"

void msg_init(struct msg *m)
{
	m->len = 0;
	m->truncated = false;
	m->s[0] = '\0';
}

void msg_mem(struct msg *m, const char *s, size_t n)
{
	size_t room = sizeof(m->s) - 1 - m->len;

	if (n > room) {
		n = room;
		m->truncated = true;
	}
	memcpy(m->s + m->len, s, n);
	m->len += n;
	m->s[m->len] = '\0';
}

void msg_str(struct msg *m, const char *s)
{
	msg_mem(m, s, strlen(s));
}

void msg_cat(struct msg *m, ...)
{
	va_list ap;

	va_start(ap, m);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		msg_str(m, s);
	va_end(ap);
}

void msg_hex(struct msg *m, unsigned long v, int width)
{
	char buf[2 * sizeof(v)];
	int i = (int)sizeof(buf);

	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while ((v || (int)sizeof(buf) - i < width) && i > 0);
	msg_mem(m, buf + i, sizeof(buf) - (size_t)i);
}

void msg_dec(struct msg *m, unsigned long v)
{
	char buf[24];
	int i = (int)sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	msg_mem(m, buf + i, sizeof(buf) - (size_t)i);
}

void msg_id(struct msg *m, unsigned vendor, unsigned device)
{
	msg_hex(m, vendor, 4);
	msg_str(m, ":");
	msg_hex(m, device, 4);
}

/*
 * The errors sysfs, /proc and execve give, in words.  musl's strerror()
 * table would be a twentieth of the binary for messages mostly unused.
 */
const char *binder_strerror(int err)
{
	static const struct {
		int err;
		const char *text;
	} known[] = {
		{ ENOENT, "no such file or directory" },
		{ EACCES, "permission denied" },
		{ EPERM, "operation not permitted" },
		{ EINVAL, "invalid argument" },
		{ ENODEV, "no such device" },
		{ ENXIO, "no such device or address" },
		{ EBUSY, "device or resource busy" },
		{ EEXIST, "already exists" },
		{ EIO, "I/O error" },
		{ ENOSPC, "no space left on device" },
		{ ENAMETOOLONG, "name too long" },
		{ EFBIG, "file too large" },
		{ ENOTDIR, "not a directory" },
		{ ENOMEM, "out of memory" },
		{ EROFS, "read-only file system" },
		{ ENOEXEC, "exec format error" },
		{ ETIMEDOUT, "timed out" },
		{ EAGAIN, "resource temporarily unavailable" },
		{ EISDIR, "is a directory" },
	};
	static struct msg other;

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].err == err)
			return known[i].text;
	msg_init(&other);
	msg_str(&other, "error ");
	msg_dec(&other, (unsigned long)err);
	return other.s;
}

void out_write(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static const char *level_word(int level)
{
	switch (level) {
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

static void write_line(int fd, const char *prefix, const char *word, const struct msg *m)
{
	struct msg line;

	msg_init(&line);
	msg_cat(&line, prefix, GPUPT_MSG_PREFIX, word, m->s, m->truncated ? "..." : "", (const char *)NULL);
	/* The newline survives truncation: kmsg and terminals need it. */
	line.s[line.len < sizeof(line.s) - 1 ? line.len++ : line.len - 1] = '\n';
	out_write(fd, line.s, line.len);
}

/*
 * O_APPEND so that a fixture's dev/kmsg (a regular file) keeps every line;
 * the real /dev/kmsg ignores it.  No O_CREAT: a missing dev/kmsg means
 * stderr, as in an initramfs without devtmpfs.
 */
void binder_log_open(struct binder *b)
{
	b->kmsgfd = -1;
	b->kmsg_lines = 0;
	if (b->dry_run)
		return;
	b->kmsgfd = gpupt_path_open(b->rootfd, "dev/kmsg", O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY, 0);
}

/*
 * The kernel rate-limits writes to /dev/kmsg per open file (printk.devkmsg=
 * ratelimit, the default: 10 lines per 5 s, the rest silently dropped).  A
 * run with warnings or debug lines says more than that, so the file is
 * opened afresh every KMSG_BURST lines.
 */
enum { KMSG_BURST = 10 };

static void kmsg_write(struct binder *b, const char *prefix, const struct msg *m)
{
	if (b->kmsg_lines == KMSG_BURST) {
		close(b->kmsgfd);
		binder_log_open(b);
		if (b->kmsgfd < 0)
			return;
	}
	write_line(b->kmsgfd, prefix, "", m);
	b->kmsg_lines++;
}

void binder_log(struct binder *b, int level, const struct msg *m)
{
	static const char *const kprefix[8] = { "<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>", "<7>" };

	if (level == LOG_DEBUG && !b->debug && !b->verbose)
		return;
	if (b->dry_run || b->verbose)
		write_line(STDOUT_FILENO, "", level_word(level), m);
	if (b->dry_run)
		return;
	if (b->kmsgfd >= 0)
		kmsg_write(b, kprefix[level & 7], m);
	else if (!b->verbose)
		write_line(STDERR_FILENO, "", level_word(level), m);
}

void binder_logs(struct binder *b, int level, ...)
{
	struct msg m;
	va_list ap;

	msg_init(&m);
	va_start(ap, level);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		msg_str(&m, s);
	va_end(ap);
	binder_log(b, level, &m);
}

void binder_say(struct binder *b, const struct msg *m)
{
	if (b->dry_run || b->verbose)
		write_line(STDOUT_FILENO, "", "", m);
}
