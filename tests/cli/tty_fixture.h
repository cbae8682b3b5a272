/* SPDX-License-Identifier: MIT */
/*
 * A terminal on stdin for the tests of commands that ask before writing
 * (enable, disable, vm, map): stdin_from_tty types an answer into a fresh
 * pseudo-terminal and makes it stdin; stdin_restore puts the old one back.
 * Needs _XOPEN_SOURCE 700 (posix_openpt) before any include.
 */
#ifndef GPUPT_TESTS_TTY_FIXTURE_H
#define GPUPT_TESTS_TTY_FIXTURE_H

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* stdin becomes a terminal that has answer typed into it; returns the saved stdin. */
static inline int stdin_from_tty(const char *answer, int *master)
{
	int saved = dup(STDIN_FILENO), slave;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(*master >= 0);
	assert_int_equal(grantpt(*master), 0);
	assert_int_equal(unlockpt(*master), 0);
	slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(write(*master, answer, strlen(answer)), (ssize_t)strlen(answer));
	dup2(slave, STDIN_FILENO);
	close(slave);
	return saved;
}

static inline void stdin_restore(int saved, int master)
{
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(master);
}

#endif
