// SPDX-License-Identifier: MIT
/*
 * lib/run.c: programs run with an argv, no shell; the asynchronous start
 * the trial agent runs its health command with (polled while it keeps the
 * watchdog alive, killed at the deadline), and its exit statuses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/run.h"

/* Poll pid until it ends (a few seconds at most); its status. */
static int poll_to_end(pid_t pid)
{
	int status = -1, r;

	for (int i = 0; i < 500 && (r = gpupt_run_poll(pid, &status)) == 0; i++)
		usleep(10000);
	assert_int_equal(r, 1);
	return status;
}

static void test_start_and_poll(void **state)
{
	const char *exit3[] = { "sh", "-c", "exit 3", NULL }, *ok[] = { "true", NULL };
	pid_t pid;

	(void)state;
	assert_int_equal(gpupt_run_start(exit3, &pid), 0);
	assert_int_equal(poll_to_end(pid), 3);
	assert_int_equal(gpupt_run_start(ok, &pid), 0);
	assert_int_equal(poll_to_end(pid), 0);
	/* Reaped: polling again is an error, not a hang. */
	assert_int_equal(gpupt_run_poll(pid, &(int){ 0 }), -ECHILD);
}

/* A program still running is seen as such, and a kill ends and reaps it. */
static void test_kill_a_running_one(void **state)
{
	const char *sleeper[] = { "sleep", "60", NULL };
	pid_t pid;
	int status = -1;

	(void)state;
	assert_int_equal(gpupt_run_start(sleeper, &pid), 0);
	assert_int_equal(gpupt_run_poll(pid, &status), 0);
	gpupt_run_kill(pid);
	assert_int_equal(gpupt_run_poll(pid, &status), -ECHILD);
}

static void test_not_startable(void **state)
{
	const char *none[] = { "gpupt-no-such-program", NULL };
	pid_t pid = 0;

	(void)state;
	assert_int_equal(gpupt_run_start(none, &pid), -ENOENT);
	assert_int_equal(gpupt_run(none), -ENOENT);
}

/* Killed by a signal: 128 + its number, as a shell says it. */
static void test_signal_status(void **state)
{
	const char *killed[] = { "sh", "-c", "kill -9 $$", NULL };

	(void)state;
	assert_int_equal(gpupt_run(killed), 128 + 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_and_poll),
		cmocka_unit_test(test_kill_a_running_one),
		cmocka_unit_test(test_not_startable),
		cmocka_unit_test(test_signal_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
