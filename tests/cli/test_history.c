// SPDX-License-Identifier: MIT
/*
 * What gpupt changed, run by run (host/model/history.c): every run that
 * edits files leaves a backup under var/lib/gpupt/backup/<time>/ with a
 * sealed journal; old backups go, but never one the main journal needs
 * (`gpupt disable` restores from it) nor the newest five; `gpupt status
 * --verbose` lists them.  On the fixture roots of boot_fixture.h.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include <dirent.h>

#include "host/model/history.h"
#include "lib/sha256.h"

#define BACKUPS "var/lib/gpupt/backup"
#define OWN_CONF "# the admin's own file, before gpupt\n"

/* The backups' names, sorted, as one string "a b c". */
static char *backup_names(struct fx *f, int *n)
{
	DIR *d = gpupt_path_opendir(f->h.rootfd, BACKUPS);
	struct dirent *e;
	char names[64][40], *out = calloc(64, 41);
	int count = 0;

	assert_non_null(d);
	assert_non_null(out);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && count < 64)
			snprintf(names[count++], sizeof(names[0]), "%.39s", e->d_name);
	closedir(d);
	for (int i = 0; i < count; i++)
		for (int k = i + 1; k < count; k++)
			if (strcmp(names[k], names[i]) < 0) {
				char t[40];

				memcpy(t, names[i], sizeof(t));
				memcpy(names[i], names[k], sizeof(t));
				memcpy(names[k], t, sizeof(t));
			}
	for (int i = 0; i < count; i++)
		sprintf(out + strlen(out), "%s%s", i ? " " : "", names[i]);
	*n = count;
	return out;
}

/* Is name one of the space-separated names? */
static bool has_name(const char *names, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = names; (p = strstr(p, name)) != NULL; p += n)
		if ((p == names || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * Twelve runs: the first saved the admin's own /etc/gpupt.conf, which the
 * journal keeps for disable.  That backup stays, with the newest five; the
 * six between go.  disable still restores the admin's file byte for byte.
 */
static void test_old_backups_go_but_not_what_disable_needs(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *names, *first, *conf, *journal;
	int n;

	(void)state;
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/gpupt.conf", OWN_CONF, strlen(OWN_CONF), 0644), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	names = backup_names(f, &n);
	assert_int_equal(n, 1);
	first = strdup(names);
	free(names);
	journal = read_rel(f, "var/lib/gpupt/journal");
	assert_non_null(strstr(journal, first));
	free(journal);
	for (int i = 0; i < 11; i++)
		assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", i % 2 ? "01:00" : "01:00.0"),
				 0);
	names = backup_names(f, &n);
	assert_int_equal(n, 1 + GPUPT_BACKUP_KEEP);
	/* The oldest is the first run's (names sort by time). */
	assert_int_equal(strncmp(names, first, strlen(first)), 0);
	assert_int_equal(names[strlen(first)], ' ');
	free(names);
	/* The way back is whole. */
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	conf = read_rel(f, "etc/gpupt.conf");
	assert_string_equal(conf, OWN_CONF);
	free(conf);
	/* disable's own run made a backup too; the journal needs none now: only the newest five stay. */
	names = backup_names(f, &n);
	assert_int_equal(n, GPUPT_BACKUP_KEEP);
	assert_false(has_name(names, first));
	free(names);
	free(first);
	free_fixture(f);
}

/* A backup's journal ends in `end SHA256` of what comes before it, as the main journal does. */
static void test_backup_journal_is_sealed(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *names, path[128], *text, *end, sum[GPUPT_SHA256_HEX + 1], line[GPUPT_SHA256_HEX + 2];
	int n;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	names = backup_names(f, &n);
	assert_int_equal(n, 1);
	snprintf(path, sizeof(path), BACKUPS "/%s/journal", names);
	text = read_rel(f, path);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "# gpupt backup journal: what one run changed; old versions beside it\n"
				       "command enable\nfile ",
				 strlen("# gpupt backup journal: what one run changed; old versions beside it\n"
					"command enable\nfile ")),
			 0);
	end = strstr(text, "\nend ");
	assert_non_null(end);
	gpupt_sha256_hex(text, (size_t)(end + 1 - text), sum);
	snprintf(line, sizeof(line), "%s\n", sum);
	assert_string_equal(end + 5, line);
	free(text);
	free(names);
	free_fixture(f);
}

/* status --verbose: each backup, its command, what it changed, whether disable needs it; damage shown. */
static void test_status_verbose_lists_backups(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *names, path[128], *text, *sp, want[256];
	int n;

	(void)state;
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, "etc/gpupt.conf", OWN_CONF, strlen(OWN_CONF), 0644), 0);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	names = backup_names(f, &n);
	assert_int_equal(n, 2);
	f->h.verbose = true; /* gpupt --verbose status */
	RUN(f, gpupt_cmd_status, "status");
	f->h.verbose = false;
	assert_non_null(strstr(f->out, "Backups (/var/lib/gpupt/backup, newest first; gpupt keeps the newest 5 and "
				       "those `gpupt disable` needs): \n"));
	sp = strchr(names, ' ');
	*sp = '\0';
	snprintf(want, sizeof(want), "    /etc/gpupt.conf (before: /var/lib/gpupt/backup/%s/etc/gpupt.conf)\n", names);
	assert_non_null(strstr(f->out, want));
	assert_non_null(strstr(f->out, " UTC  enable\n"));
	assert_non_null(strstr(f->out, " UTC  disable\n"));
	/* A damaged journal is said, not trusted. */
	snprintf(path, sizeof(path), BACKUPS "/%s/journal", names);
	text = read_rel(f, path);
	text[strlen(text) - 3] ^= 1;
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, path, text, strlen(text), 0600), 0);
	f->h.verbose = true; /* gpupt --verbose status */
	RUN(f, gpupt_cmd_status, "status");
	f->h.verbose = false;
	assert_non_null(strstr(f->out, " UTC  enable; journal damaged\n"));
	/* Without --verbose, no list. */
	RUN(f, gpupt_cmd_status, "status");
	assert_null(strstr(f->out, "Backups ("));
	free(text);
	free(names);
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_backups_go_but_not_what_disable_needs),
		cmocka_unit_test(test_backup_journal_is_sealed),
		cmocka_unit_test(test_status_verbose_lists_backups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
