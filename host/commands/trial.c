// SPDX-License-Identifier: MIT
/*
 * gpupt confirm, gpupt rollback and gpupt trial-agent: the end of a trial
 * boot that `gpupt enable` set up (host/model/trial.h).
 *
 * confirm makes the new settings the default, exactly as `enable
 * --no-trial` would have; rollback takes the trial entry away (the old
 * default never changed); trial-agent, run by gpupt-trial.service at every
 * boot while a trial is pending, checks the trial boot's health within the
 * deadline and confirms, or rolls back and reboots.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "host/model/devices.h"
#include "host/model/lock.h"
#include "host/model/platform.h"
#include "host/model/trial.h"
#include "lib/macro.h"
#include "lib/msg.h"
#include "lib/path.h"
#include "lib/run.h"

/*
 * REBOOT_WATCHDOG_SECONDS: the watchdog through the rollback's shutdown,
 * which stops every guest first: systemd's RebootWatchdogSec default (10
 * minutes), not the 60 s of the check.
 */
enum {
	POLL_SECONDS = 5,
	WATCHDOG_SECONDS = 60,
	REBOOT_WATCHDOG_SECONDS = 600,
	ENABLE_ARGV_MAX = 8 + GPUPT_TRIAL_MAX_SEL
};

/* The pending trial into *t; 1 (said on err) when there is none or it cannot be read. */
static int load_pending(struct gpupt_host *h, const char *command, struct gpupt_trial *t)
{
	if (gpupt_trial_load(h->rootfd, t, h->err) < 0)
		return 1;
	if (t->state == GPUPT_TRIAL_PENDING)
		return 0;
	if (t->state == GPUPT_TRIAL_NONE)
		gpupt_msg(h->err,
			  "%s: no trial boot is pending (`gpupt enable` starts one); to take back "
			  "enabled settings, run `gpupt disable`\n",
			  command);
	else
		gpupt_msg(h->err, "%s: the trial of %lld is over already (%s): %s\n", command, t->id,
			  gpupt_trial_state_name(t->state), t->reason);
	return 1;
}

/*
 * The pending trial into *t, read again under gpupt's lock, which it then
 * holds: confirm, rollback, disable and the agent read the state and write
 * it under it, so that none of them acts on a trial another has ended.
 * h->locked tells enable, run by confirm, that it is held.  0, or 1 (said
 * on err, the lock not held).
 */
static int lock_pending(struct gpupt_host *h, const char *command, struct gpupt_trial *t, struct gpupt_lock *lock)
{
	if (load_pending(h, command, t) != 0)
		return 1;
	if (gpupt_lock_take(h->rootfd, command, h->err, lock) < 0)
		return 1;
	if (load_pending(h, command, t) != 0) {
		gpupt_lock_release(lock);
		return 1;
	}
	h->locked = true;
	return 0;
}

static void trial_unlock(struct gpupt_host *h, struct gpupt_lock *lock)
{
	gpupt_lock_release(lock);
	h->locked = false;
}

/* `gpupt enable --no-trial --yes [options] SEL...` with the trial's options and selection. */
static int run_enable(struct gpupt_host *h, const struct gpupt_trial *t)
{
	char *argv[ENABLE_ARGV_MAX + 1];
	int argc = 0, r;
	bool json = h->json;

	argv[argc++] = "enable";
	argv[argc++] = "--from-trial";
	argv[argc++] = "--yes";
	if (t->grub_in_place)
		argv[argc++] = "--grub-in-place";
	if (t->unsafe_interrupts)
		argv[argc++] = "--allow-unsafe-interrupts";
	if (t->force)
		argv[argc++] = "--force";
	for (size_t i = 0; i < t->n_sel && argc < ENABLE_ARGV_MAX; i++)
		argv[argc++] = (char *)t->sel[i];
	argv[argc] = NULL;
	h->json = false;
	r = gpupt_cmd_enable(h, argc, argv);
	h->json = json;
	return r;
}

static int confirm_trial(struct gpupt_host *h, struct gpupt_trial *t, const char *why)
{
	static const char reason[] =
		"the confirm failed (see the messages of gpupt enable); the old settings stay the default";
	int r;

	gpupt_msg(h->out, "confirming the trial of %lld: %s\n", t->id, why);
	r = gpupt_trial_entry_remove(h, t);
	if (r != 0) {
		/* ending it tries the removal once more */
		gpupt_trial_end(h, t, GPUPT_TRIAL_ROLLED_BACK, reason);
		gpupt_msg(h->err, "%s\n", reason);
		return 1;
	}
	/* The entry is gone: each end below only records (on ESPs it would be mounted again). */
	if (run_enable(h, t) != 0) {
		gpupt_trial_record_end(h, t, GPUPT_TRIAL_ROLLED_BACK, reason);
		gpupt_msg(h->err, "%s\n", reason);
		return 1;
	}
	gpupt_trial_record_end(h, t, GPUPT_TRIAL_CONFIRMED, why);
	gpupt_msg(h->out, "the new settings are the default now; `gpupt disable` takes them back\n");
	return 0;
}

enum { OPT_NO_REBOOT = 1 };

const struct gpupt_option gpupt_trial_end_options[] = {
	{ "no-reboot", 0, GPUPT_OPT_FLAG, OPT_NO_REBOOT },
	{ NULL, 0, GPUPT_OPT_FLAG, 0 },
};

static int take_no_reboot(void *ctx, int id, const char *value)
{
	(void)value;
	*(bool *)ctx = id == OPT_NO_REBOOT;
	return 0;
}

/*
 * confirm's, rollback's and trial-agent's options: -1 to go on, else the
 * exit status (usage said).  no_reboot NULL: --no-reboot is not the
 * command's (confirm and trial-agent have none).
 */
static int simple_opts(struct gpupt_host *h, int argc, char **argv, bool *no_reboot, const char *usage)
{
	bool given = false;
	int first, r = gpupt_options_parse(h->err, no_reboot ? gpupt_trial_end_options : gpupt_no_options,
					   argc, argv, take_no_reboot, &given, &first);

	if (r == GPUPT_OPTIONS_HELP) {
		fputs(usage, h->out);
		return 0;
	}
	if (r != 0) {
		fputs(usage, h->err);
		return 2;
	}
	if (first < argc) {
		fprintf(h->err, "gpupt %s: takes no arguments\n", argv[0]);
		fputs(usage, h->err);
		return 2;
	}
	if (no_reboot)
		*no_reboot = given;
	return -1;
}

int gpupt_cmd_confirm(struct gpupt_host *h, int argc, char **argv)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	struct gpupt_lock lock = { -1 };
	int r = simple_opts(h, argc, argv, NULL,
			    "Usage: gpupt confirm\nMake the pending trial's settings the default now.\n");

	if (r < 0 && t) {
		r = lock_pending(h, "confirm", t, &lock);
		if (r == 0 && gpupt_trial_booted(h->rootfd) != t->id)
			gpupt_warn(h->err, "this boot is not the trial boot: the new settings become the "
					   "default without having booted once\n");
		if (r == 0)
			r = confirm_trial(h, t, "by gpupt confirm");
		trial_unlock(h, &lock);
	}
	free(t);
	return r < 0 ? 1 : r;
}

/* systemctl reboot, inside the root. */
static int reboot_now(struct gpupt_host *h)
{
	const char *argv[] = { "systemctl", "reboot", NULL };
	int r = gpupt_trial_run(h, argv, NULL, 0);

	if (r != 0)
		gpupt_msg(h->err, "`systemctl reboot` failed (%d); reboot by hand\n", r);
	return r == 0 ? 0 : 1;
}

int gpupt_cmd_rollback(struct gpupt_host *h, int argc, char **argv)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	bool no_reboot = false;
	int r = simple_opts(h, argc, argv, &no_reboot,
			    "Usage: gpupt rollback [--no-reboot]\n"
			    "End the pending trial: take the trial entry away, then reboot into the old\n"
			    "settings (--no-reboot: just take it away).\n");

	if (r < 0 && t) {
		struct gpupt_lock lock = { -1 };
		bool in_trial;

		r = lock_pending(h, "rollback", t, &lock);
		in_trial = r == 0 && gpupt_trial_booted(h->rootfd) == t->id;
		if (r == 0)
			r = gpupt_trial_end(h, t, GPUPT_TRIAL_ROLLED_BACK, "rolled back by gpupt rollback") < 0;
		trial_unlock(h, &lock);
		if (r == 0)
			gpupt_msg(h->out, "trial of %lld rolled back; the default entry keeps the old settings\n",
				  t->id);
		if (r == 0 && in_trial && !no_reboot)
			r = reboot_now(h);
		else if (r == 0 && in_trial)
			gpupt_msg(h->out, "this boot still runs with the trial's settings: reboot to leave them\n");
	}
	free(t);
	return r < 0 ? 1 : r;
}

/* ---- gpupt trial-agent ---- */

struct agent {
	struct gpupt_host *h;
	struct gpupt_trial *t;
	int watchdog;	    /* -1: none */
	bool watchdog_said; /* the first keepalive was reported */
	bool watchdog_mux;  /* Proxmox VE's HA owns /dev/watchdog: left alone */
};

static double uptime_seconds(int rootfd)
{
	char buf[64];

	return gpupt_read_file(rootfd, "proc/uptime", buf, sizeof(buf), 0) > 0 ? strtod(buf, NULL) : 0;
}

/*
 * A watchdog covers a hang of the trial boot from here on (the kernel's and
 * userspace's): pinged every few seconds until the verdict, it resets the
 * machine, which then boots the old default.  The boot up to this point is
 * covered by panic=10 only.
 */
static void watchdog_arm(struct agent *a, bool say_none)
{
	int timeout = WATCHDOG_SECONDS;

	if (a->watchdog >= 0 || a->watchdog_mux)
		return;
	if (gpupt_watchdog_mux(a->h->rootfd)) {
		a->watchdog_mux = true;
		gpupt_msg(a->h->out,
			  "trial: watchdog-mux (Proxmox VE's HA) owns /dev/watchdog, and HA's fencing needs "
			  "it: gpupt leaves it alone, so a hang of this boot is not caught\n");
		return;
	}
	a->watchdog = gpupt_path_open(a->h->rootfd, "dev/watchdog", O_WRONLY | O_CLOEXEC, 0);
	if (a->watchdog < 0) {
		if (say_none)
			gpupt_msg(a->h->out,
				  "trial: no /dev/watchdog (yet): a hang of this boot is not caught "
				  "until one appears; the deadline needs this process to keep running\n");
		return;
	}
	if (ioctl(a->watchdog, WDIOC_SETTIMEOUT, &timeout) < 0)
		timeout = -1;
	gpupt_msg(a->h->out,
		  "trial: /dev/watchdog armed (%d s): a hang from now on resets the machine\n", timeout);
}

static void watchdog_ping(struct agent *a)
{
	if (a->watchdog >= 0 && write(a->watchdog, "k", 1) < 0 && !a->watchdog_said) {
		a->watchdog_said = true;
		gpupt_msg(a->h->err, "trial: cannot ping /dev/watchdog: %s\n", strerror(errno));
	}
}

/*
 * Through the rollback's shutdown the watchdog stays armed (the agent dies
 * without the magic close), with the time a shutdown that stops guests
 * needs: a shutdown that hangs is reset, a slow one is not cut short.
 */
static void watchdog_for_shutdown(struct agent *a)
{
	int timeout = REBOOT_WATCHDOG_SECONDS;

	if (a->watchdog < 0)
		return;
	if (ioctl(a->watchdog, WDIOC_SETTIMEOUT, &timeout) < 0)
		gpupt_msg(a->h->out, "trial: /dev/watchdog keeps its timeout through the shutdown: %s\n",
			  strerror(errno));
	else
		gpupt_msg(a->h->out,
			  "trial: /dev/watchdog set to %d s for the shutdown: a shutdown that "
			  "hangs longer is reset\n",
			  timeout);
	watchdog_ping(a);
}

/* The magic close: the watchdog stops only this way. */
static void watchdog_disarm(struct agent *a)
{
	if (a->watchdog < 0)
		return;
	if (write(a->watchdog, "V", 1) < 0)
		gpupt_msg(a->h->err, "trial: cannot stop /dev/watchdog: %s\n", strerror(errno));
	close(a->watchdog);
	a->watchdog = -1;
}

/* Sleep for secs, pinging the watchdog each second. */
static void nap(struct agent *a, unsigned secs)
{
	for (unsigned i = 0; i < secs; i++) {
		watchdog_ping(a);
		sleep(1);
	}
	watchdog_ping(a);
}

/* The admin's --health-cmd: exit 0 within the time left, the watchdog pinged meanwhile. */
static bool health_cmd(struct agent *a, double deadline, char *res, size_t size)
{
	const char *sh[] = { "/bin/sh", "-c", a->t->health_cmd, NULL }, *argv[8];
	double now = uptime_seconds(a->h->rootfd);
	pid_t pid;
	int status = 0, r;

	/* However late the other checks passed, the command gets a few seconds. */
	if (deadline < now + 10)
		deadline = now + 10;
	gpupt_run_argv_in_root(a->h->root, sh, argv, ARRAY_SIZE(argv));
	r = gpupt_run_start(argv, &pid);
	if (r < 0) {
		snprintf(res, size, "FAIL health command: cannot start it: %s", strerror(-r));
		return false;
	}
	while ((r = gpupt_run_poll(pid, &status)) == 0) {
		if (uptime_seconds(a->h->rootfd) >= deadline) {
			gpupt_run_kill(pid);
			snprintf(res, size, "FAIL health command: still running at the deadline: %.200s",
				 a->t->health_cmd);
			return false;
		}
		nap(a, 1);
	}
	if (r == 1 && status == 0) {
		snprintf(res, size, "PASS health command: exit 0: %.200s", a->t->health_cmd);
		return true;
	}
	snprintf(res, size, "FAIL health command: exit %d: %.200s", r == 1 ? status : -1, a->t->health_cmd);
	return false;
}

static bool health_target(struct agent *a, char *res, size_t size)
{
	const char *argv[] = { "systemctl", "is-active", "--quiet", "multi-user.target", NULL };
	bool ok = gpupt_trial_run(a->h, argv, NULL, 0) == 0;

	snprintf(res, size, "%s multi-user.target: %s", ok ? "PASS" : "FAIL",
		 ok ? "reached" : "not reached (yet)");
	return ok;
}

/* One round of every rule; the results go into t->result. */
static bool healthy(struct agent *a, double deadline)
{
	struct gpupt_trial *t = a->t;
	struct gpupt_devlist now = { 0 };
	bool ok = true;

	t->n_result = 0;
	if (gpupt_devices_scan_flags(a->h, &now, GPUPT_SCAN_NO_NAMES) < 0)
		now.n = 0;
	ok &= gpupt_health_devices(a->h->rootfd, &now, t, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	ok &= gpupt_health_others(&now, t, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	gpupt_devices_free(&now);
	ok &= gpupt_health_route(a->h->rootfd, t, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	ok &= health_target(a, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	if (ok && t->health_cmd[0])
		ok &= health_cmd(a, deadline, t->result[t->n_result++], GPUPT_TRIAL_TEXT);
	return ok;
}

/* "the default route: ...; other devices: ..." from the failed results, for the reason. */
static void failures(const struct gpupt_trial *t, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->n_result; i++)
		if (strncmp(t->result[i], "FAIL ", 5) == 0)
			n += (size_t)snprintf(out + MIN(n, size), n < size ? size - n : 0, "%s%s",
					      n ? "; " : "", t->result[i] + 5);
}

/*
 * The lock for a verdict: a confirm, rollback or disable holding it may be
 * ending this trial (a confirm runs for minutes when it rebuilds images);
 * the watchdog is pinged while the agent waits.  0, or -errno when the lock
 * cannot be had at all (said: the agent then decides on what it reads).
 */
static int agent_lock(struct agent *a, struct gpupt_lock *lock)
{
	bool said = false;
	pid_t pid;
	int r;

	while ((r = gpupt_lock_try(a->h->rootfd, 1000, lock, &pid)) == -EWOULDBLOCK) {
		if (!said)
			gpupt_msg(a->h->out,
				  "trial: gpupt (pid %ld) holds /%s: waiting for it before deciding\n",
				  (long)pid, GPUPT_LOCK_PATH);
		said = true;
		watchdog_ping(a);
	}
	if (r < 0)
		gpupt_msg(a->h->err, "trial: cannot lock /%s: %s; deciding without the lock\n",
			  GPUPT_LOCK_PATH, strerror(-r));
	a->h->locked = r == 0;
	return r;
}

static void agent_unlock(struct agent *a, struct gpupt_lock *lock)
{
	gpupt_lock_release(lock);
	a->h->locked = false;
}

/* Why the trial in *now is not the agent's pending one any more, or NULL when it is. */
static const char *ended_how(const struct gpupt_trial *mine, const struct gpupt_trial *now)
{
	if (now->state == GPUPT_TRIAL_NONE)
		return "its state file is gone";
	if (now->id != mine->id)
		return "another trial replaced it";
	if (now->state == GPUPT_TRIAL_CONFIRMED)
		return "it was confirmed meanwhile";
	if (now->state == GPUPT_TRIAL_ROLLED_BACK)
		return "it ended meanwhile";
	return NULL;
}

/*
 * Before every verdict, and every write of the state: take the lock and read
 * the state again.  `gpupt rollback`, `confirm` or `disable` may have ended
 * the trial since the agent read it, and acting on its old copy would undo
 * what they did.  0: still pending, the lock held, a->t the file's state
 * with this round's results; 1: ended (said), nothing to write, the lock
 * let go.
 */
static int agent_recheck(struct agent *a, struct gpupt_lock *lock)
{
	struct gpupt_trial *now = calloc(1, sizeof(*now));
	const char *how = NULL;
	int r = now ? 0 : -ENOMEM;

	agent_lock(a, lock);
	if (r == 0 && gpupt_trial_load(a->h->rootfd, now, a->h->err) < 0)
		how = "its state file cannot be trusted any more";
	else if (r == 0)
		how = ended_how(a->t, now);
	if (r == 0 && !how) {
		now->n_result = a->t->n_result;
		memcpy(now->result, a->t->result, sizeof(now->result));
		*a->t = *now;
	} else {
		/* "it was confirmed meanwhile by gpupt confirm", "it ended meanwhile: rolled back by ..." */
		const char *sep = now && now->state == GPUPT_TRIAL_CONFIRMED ? " " : ": ";

		gpupt_msg(a->h->out, "trial of %lld: %s%s%s; gpupt-trial.service stops and writes nothing\n",
			  a->t->id, how ? how : strerror(-r), how && now->reason[0] ? sep : "",
			  how && now->reason[0] ? now->reason : "");
		agent_unlock(a, lock);
		r = 1;
	}
	free(now);
	return r;
}

/* The trial ended elsewhere: a watchdog left armed would reset a host nobody is checking. */
static int agent_stop(struct agent *a)
{
	watchdog_disarm(a);
	return 0;
}

static int agent_roll_back(struct agent *a, double deadline)
{
	char why[GPUPT_TRIAL_TEXT], reason[GPUPT_TRIAL_TEXT];
	struct gpupt_lock lock = { -1 };

	if (agent_recheck(a, &lock) != 0)
		return agent_stop(a);
	failures(a->t, why, sizeof(why));
	snprintf(reason, sizeof(reason), "not confirmed within %u minutes (%.0f s after boot): %.400s",
		 a->t->minutes, deadline, why[0] ? why : "no health check passed");
	gpupt_msg(a->h->out, "trial of %lld rolled back: %s; rebooting into the old settings\n",
		  a->t->id, reason);
	gpupt_trial_end(a->h, a->t, GPUPT_TRIAL_ROLLED_BACK, reason);
	agent_unlock(a, &lock);
	sync();
	watchdog_for_shutdown(a);
	return reboot_now(a->h);
}

/* What the check found so far, for the next boot should this one hang; 1: the trial ended. */
static int agent_save_round(struct agent *a)
{
	struct gpupt_lock lock = { -1 };

	if (agent_recheck(a, &lock) != 0)
		return 1;
	gpupt_trial_save(a->h->rootfd, a->t);
	agent_unlock(a, &lock);
	return 0;
}

static int agent_confirm(struct agent *a)
{
	struct gpupt_lock lock = { -1 };
	int r;

	if (agent_recheck(a, &lock) != 0)
		return agent_stop(a);
	for (size_t i = 0; i < a->t->n_result; i++)
		gpupt_msg(a->h->out, "trial: %s\n", a->t->result[i]);
	watchdog_disarm(a);
	r = confirm_trial(a->h, a->t, "by gpupt-trial.service: every health check passed");
	agent_unlock(a, &lock);
	return r;
}

static int agent_trial_boot(struct agent *a)
{
	double deadline = 60.0 * a->t->minutes;

	gpupt_msg(a->h->out, "trial boot %lld: checking health until %.0f s after boot\n", a->t->id, deadline);
	/* Where GRUB cannot clear next_entry (oneshot late), this is where it goes. */
	if (gpupt_trial_oneshot_clear(a->h, a->t) < 0)
		gpupt_msg(a->h->err,
			  "trial: cannot clear the one-shot: the next boot may be the trial again\n");
	watchdog_arm(a, true);
	/* The lock is taken only to decide and to write: never while checking or sleeping. */
	for (;;) {
		/* udev may load the watchdog's driver after this service started. */
		watchdog_arm(a, false);
		if (healthy(a, deadline))
			return agent_confirm(a);
		if (uptime_seconds(a->h->rootfd) >= deadline)
			return agent_roll_back(a, deadline);
		/* What the check found so far: a hang from here on leaves it for the next boot. */
		if (agent_save_round(a) != 0)
			return agent_stop(a);
		nap(a, POLL_SECONDS);
	}
}

/*
 * Why the trial boot ended without a verdict: it never booted (its entry
 * gone before the reboot), it stopped before the check, or during it (its
 * last findings saved).
 */
static const char *stopped_reason(struct gpupt_host *h, const struct gpupt_trial *t)
{
	static char reason[GPUPT_TRIAL_TEXT];
	char why[GPUPT_TRIAL_TEXT];

	if (t->n_result == 0 && gpupt_trial_ready(h, t, why, sizeof(why)) == GPUPT_TRIAL_ENTRY_GONE) {
		snprintf(reason, sizeof(reason),
			 "the trial never booted: %.*s, so the boot after enable was the old default; "
			 "run `gpupt enable` again for a new trial",
			 (int)(sizeof(reason) - 160), why);
		return reason;
	}
	if (t->n_result == 0)
		return "the trial boot did not reach gpupt's check (a panic, a hang or a reset before it); "
		       "this boot came up with the old settings";
	failures(t, why, sizeof(why));
	snprintf(reason, sizeof(reason),
		 "the trial boot stopped during gpupt's check (a hang, reset by the watchdog, or a panic); "
		 "this boot came up with the old settings; the check had found: %.300s",
		 why[0] ? why : "no failure yet");
	return reason;
}

/*
 * Is this the boot that set the trial up?  By its boot_id; a state file
 * without one goes by the clock (this boot began before enable ran), which
 * a wrong RTC at boot can turn into "yes" for every later boot.
 */
static bool set_up_this_boot(struct gpupt_host *h, const struct gpupt_trial *t)
{
	char now[GPUPT_BOOT_ID_LEN + 1];
	long bt;

	if (t->boot_id[0] && gpupt_boot_id(h->rootfd, now, sizeof(now)) == 0)
		return strcmp(now, t->boot_id) == 0;
	bt = gpupt_boot_time(h->rootfd);
	return bt >= 0 && bt < t->id;
}

int gpupt_cmd_trial_agent(struct gpupt_host *h, int argc, char **argv)
{
	struct gpupt_trial *t = calloc(1, sizeof(*t));
	struct agent a = { h, t, -1, false, false };
	struct gpupt_lock lock = { -1 };
	int r = simple_opts(h, argc, argv, NULL,
			    "Usage: gpupt trial-agent\nRun by gpupt-trial.service at boot while a trial is pending.\n");

	if (r >= 0 || !t)
		goto out;
	r = 0;
	if (gpupt_trial_load(h->rootfd, t, h->err) < 0 || t->state != GPUPT_TRIAL_PENDING)
		goto out;
	if (gpupt_trial_booted(h->rootfd) == t->id) {
		r = agent_trial_boot(&a);
		goto out;
	}
	/* Started again in the boot that set the trial up (a package upgrade): not its turn yet. */
	if (set_up_this_boot(h, t)) {
		gpupt_msg(h->out, "trial of %lld: set up during this boot; its boot is the next one\n",
			  t->id);
		goto out;
	}
	/* A pending trial, yet this boot is not it: the trial boot never got this far. */
	if (agent_recheck(&a, &lock) != 0)
		goto out;
	gpupt_trial_end(h, t, GPUPT_TRIAL_ROLLED_BACK, stopped_reason(h, t));
	agent_unlock(&a, &lock);
	gpupt_msg(h->out, "trial of %lld rolled back: %s\n", t->id, t->reason);
out:
	if (a.watchdog >= 0)
		close(a.watchdog);
	free(t);
	return r < 0 ? 1 : r;
}
