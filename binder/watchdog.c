// SPDX-License-Identifier: MIT
/*
 * A trial boot's dead man's switch (gpupt.watchdog=MODULE:SECONDS, put on
 * the trial's command line by `gpupt enable`): load the watchdog's driver,
 * set /dev/watchdog's timeout, ping it once and close it without the magic
 * 'V'.  The watchdog core then leaves the timer running ("watchdog did not
 * stop!"), and nothing pings it until gpupt-trial.service opens the device
 * and takes it over: a boot that hangs anywhere before that (a driver's
 * probe, a unit that never finishes) is reset, and the firmware or the boot
 * loader boots the old default.  systemd's own watchdog
 * (systemd.watchdog_sec=) would not do: PID 1 pings it from its event
 * loop, which goes on while a unit hangs.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "binder/binder.h"
#include "lib/path.h"

/* linux/watchdog.h's, which the static build's libc headers lack. */
#define WDIOC_KEEPALIVE _IOR('W', 5, int)
#define WDIOC_SETTIMEOUT _IOWR('W', 6, int)

enum { DEVICE_WAIT_MS = 2000, DEVICE_POLL_MS = 50 };

#define WATCHDOG_DEV "dev/watchdog"

static bool module_loaded(struct binder *b, const char *module)
{
	char path[64], name[GPUPT_DRIVER_MAX + 1];

	/* sys/module names use '_' where a module's file name may have '-'. */
	for (size_t i = 0; i <= strlen(module) && i < sizeof(name); i++)
		name[i] = module[i] == '-' ? '_' : module[i];
	name[sizeof(name) - 1] = '\0';
	return gpupt_path_join(path, sizeof(path), "sys/module", name, (const char *)NULL) >= 0 &&
	       gpupt_path_exists(b->rootfd, path);
}

/* devtmpfs makes the node when the driver registers; wait a little for it. */
static int open_device(struct binder *b)
{
	for (unsigned waited = 0;; waited += DEVICE_POLL_MS) {
		int fd = openat(b->rootfd, WATCHDOG_DEV, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd >= 0 || errno != ENOENT || waited >= DEVICE_WAIT_MS)
			return fd >= 0 ? fd : -errno;
		binder_sleep_ms(DEVICE_POLL_MS);
	}
}

/*
 * The timeout asked for, or the longest of a few shorter ones the
 * hardware takes (iTCO_wdt's limit is about 10 minutes).
 */
static int set_timeout(int fd, unsigned want)
{
	static const int fallbacks[] = { 600, 300, 120, 60 };
	int t = (int)want;

	if (ioctl(fd, WDIOC_SETTIMEOUT, &t) == 0)
		return t;
	if (errno != EINVAL)
		return -errno;
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		t = fallbacks[i];
		if (fallbacks[i] < (int)want && ioctl(fd, WDIOC_SETTIMEOUT, &t) == 0)
			return t;
	}
	return -EINVAL;
}

void binder_arm_watchdog(struct binder *b)
{
	const char *module = b->cfg.watchdog_module;
	struct msg m;
	int fd, t;

	if (!b->cfg.watchdog_sec || b->late)
		return;
	msg_init(&m);
	msg_cat(&m, "watchdog: ", module, ", /", WATCHDOG_DEV, " for ", (const char *)NULL);
	msg_dec(&m, b->cfg.watchdog_sec);
	msg_str(&m, " s");
	if (b->dry_run) {
		binder_logs(b, LOG_INFO, "would arm the ", m.s, (const char *)NULL);
		return;
	}
	if (!module_loaded(b, module) && binder_modprobe(b, module) < 0) {
		binder_logs(b, LOG_ERR, "watchdog: ", module,
			    " did not load; this trial boot has no watchdog", (const char *)NULL);
		return;
	}
	fd = open_device(b);
	if (fd < 0) {
		binder_logs(b, LOG_ERR, "watchdog: cannot open /", WATCHDOG_DEV, ": ",
			    binder_strerror(-fd), "; this trial boot has no watchdog", (const char *)NULL);
		return;
	}
	t = set_timeout(fd, b->cfg.watchdog_sec);
	if (t < 0) {
		binder_logs(b, LOG_ERR, "watchdog: /", WATCHDOG_DEV,
			    " takes no timeout: ", binder_strerror(-t),
			    "; this trial boot has no watchdog", (const char *)NULL);
		close(fd);
		return;
	}
	ioctl(fd, WDIOC_KEEPALIVE, 0);
	/* No 'V' first: the timer keeps running after the close. */
	close(fd);
	msg_init(&m);
	msg_cat(&m, "watchdog: ", module, " armed: this boot is reset in ", (const char *)NULL);
	msg_dec(&m, (unsigned long)t);
	msg_str(&m, " s unless gpupt-trial.service takes /dev/watchdog over");
	binder_log(b, LOG_INFO, &m);
}
