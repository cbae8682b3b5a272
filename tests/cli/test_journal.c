// SPDX-License-Identifier: MIT
/*
 * The journal is the only way back, and one writer at a time: gpupt enable
 * and disable on fixture roots (tests/cli/boot_fixture.h) with a journal
 * cut short, changed, or naming files that are not gpupt's; tokens and
 * files gone by hand; a whole file of gpupt's edited by hand; a saved copy
 * gone; the write lock held by someone else; a file changed while the
 * user was answering the question.
 */
#define _XOPEN_SOURCE 700
#include "tests/cli/boot_fixture.h"

#include <sys/file.h>
#include <sys/wait.h>

#define JOURNAL "var/lib/gpupt/journal"
#define HEAD "gpupt-journal 1\n"

static void write_rel(struct fx *f, const char *rel, const char *text)
{
	assert_int_equal(gpupt_file_write_atomic(f->h.rootfd, rel, text, strlen(text), 0644), 0);
}

/* body with its closing record: "end <checksum of body>". */
static void write_journal(struct fx *f, const char *body)
{
	size_t n = strlen(body);
	char *text = malloc(n + 32);

	assert_non_null(text);
	snprintf(text, n + 32, "%send %016llx\n", body,
		 (unsigned long long)gpupt_checksum(body, n));
	write_rel(f, JOURNAL, text);
	free(text);
}

/* The journal with every occurrence of from (which must be there) replaced by to. */
static void edit_journal(struct fx *f, const char *from, const char *to)
{
	char *s = read_rel(f, JOURNAL), *at, *out;

	assert_non_null(s);
	at = strstr(s, from);
	assert_non_null(at);
	out = malloc(strlen(s) + strlen(to) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	write_rel(f, JOURNAL, out);
	free(out);
	free(s);
}

/*
 * disable, disable --dry-run and enable all refuse the damaged journal,
 * change nothing (the journal included) and say why and what to do.
 */
static void assert_refused(struct fx *f, const char *why)
{
	static const char advice[] =
		"gpupt: that journal is the only record of what gpupt added, so gpupt neither "
		"uses nor replaces it; the backups under /var/lib/gpupt/backup/<time>/ keep "
		"every earlier version of each file gpupt changed, each with its own journal: "
		"restore your files by hand from there, or, if the system is already clean, "
		"remove /var/lib/gpupt/journal\n";
	struct {
		int (*cmd)(struct gpupt_host *, int, char **);
		char *argv[5];
	} runs[] = {
		{ gpupt_cmd_disable, { "disable", "--yes", NULL } },
		{ gpupt_cmd_disable, { "disable", "--dry-run", NULL } },
		{ gpupt_cmd_enable, { "enable", "--no-trial", "--yes", "01:00", NULL } },
	};
	char *before = snapshot(f, NULL), *calls_before = calls(f);

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *now;

		assert_int_equal(run_argv(f, runs[i].cmd, runs[i].argv), 1);
		assert_non_null(strstr(f->err, "gpupt: /var/lib/gpupt/journal is damaged: "));
		assert_non_null(strstr(f->err, why));
		assert_non_null(strstr(f->err, "; nothing was changed\n"));
		assert_non_null(strstr(f->err, advice));
		assert_snapshot(f, before, NULL);
		now = calls(f);
		if (calls_before)
			assert_string_equal(now, calls_before);
		else
			assert_null(now);
		free(now);
	}
	free(before);
	free(calls_before);
}

static void rename_boot(struct fx *f, const char *from, const char *to)
{
	assert_int_equal(renameat(f->h.rootfd, from, f->h.rootfd, to), 0);
}

/* A journal cut short (whole lines, or in a line) is refused: disable would leave tokens. */
static void test_truncated_journal(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *s, *cut;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"),
			 0);
	s = read_rel(f, JOURNAL);
	assert_non_null(s);
	/* Cut at the line recording gpupt.addrs=...: disable would leave it on the command line. */
	cut = strstr(s, "token gpupt.addrs=");
	assert_non_null(cut);
	*cut = '\0';
	write_rel(f, JOURNAL, s);
	assert_refused(f, "the closing `end` record is missing (cut short?)");
	/* Cut inside a line. */
	cut[0] = 't';
	cut[1] = '\0';
	write_rel(f, JOURNAL, s);
	assert_refused(f, "its last line is cut short: the closing `end` record is missing");
	write_rel(f, JOURNAL, "");
	assert_refused(f, "it is empty (cut short?)");
	free(s);
	s = read_rel(f, "etc/default/grub");
	assert_non_null(strstr(s, ADDRS));
	free(s);
	free_fixture(f);
}

/* A journal changed after gpupt wrote it no longer matches its checksum. */
static void test_journal_checksum(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"),
			 0);
	edit_journal(f, "token iommu=pt\n", "token iommu=on\n");
	assert_refused(f, "its checksum does not match its content (the `end` record says ");
	assert_refused(f, "): it was changed or damaged");
	free_fixture(f);
}

/*
 * The journal names only gpupt's own files, and a saved copy only below
 * the backup directory: otherwise disable would remove or copy any file.
 * Each journal here has a good checksum; the unversioned one is as an
 * earlier gpupt wrote it.
 */
static void test_journal_names_only_own_files(void **state)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{ HEAD "file etc/shadow whole\nsum 0000000000000000\n",
		  "line 2 names /etc/shadow, which is not one of gpupt's own files (or not of kind "
		  "whole)" },
		{ HEAD "file etc/gpupt.conf whole\nsum 0000000000000000\nprior etc/shadow\n",
		  "line 4: the saved copy /etc/shadow is not a file below /var/lib/gpupt/backup/" },
		{ HEAD "file etc/gpupt.conf whole\nsum 0000000000000000\n"
		  "prior var/lib/gpupt/backup/../../../../etc/shadow\n",
		  "line 4: the saved copy /var/lib/gpupt/backup/../../../../etc/shadow is not a "
		  "file below /var/lib/gpupt/backup/" },
		{ HEAD "file etc/gpupt.conf whole\nsum 0000000000000000\n"
		  "prior var/lib/gpupt/backup/\n",
		  "is not a file below /var/lib/gpupt/backup/" },
		{ HEAD "file etc/default/grub whole\nsum 0000000000000000\n",
		  "line 2 names /etc/default/grub, which is not one of gpupt's own files (or not "
		  "of kind whole)" },
		{ HEAD "file ../etc/shadow whole\nsum 0000000000000000\n",
		  "line 2 names /../etc/shadow, which is not one of gpupt's own files" },
		{ HEAD "token root=/dev/sda1\n", "line 2 (`token root=/dev/sda1`) comes before any "
		  "`file` line" },
		{ HEAD "file etc/kernel/cmdline kcmdline\ntoken \"quoted\n",
		  "line 3 (`token \"quoted`) is not a kernel command-line token" },
		{ HEAD "file etc/gpupt.conf whole\n",
		  "the entry of /etc/gpupt.conf has no `sum` line" },
		{ HEAD "file etc/gpupt.conf whole\nsum 0\n", "line 3 (`sum 0`) is not a checksum" },
		{ HEAD "file etc/gpupt.conf whole\nsum 0000000000000000\nremove etc/shadow\n",
		  "line 4 (`remove etc/shadow`) is not understood" },
		{ "gpupt-journal 7\n", "it is in a format this gpupt does not read "
		  "(`gpupt-journal 7`; a newer gpupt wrote it?)" },
		{ "# my notes\n", "its first line is not `gpupt-journal 1`" },
	};
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *s;

	(void)state;
	write_rel(f, "etc/shadow", "root:*:19000:0:99999:7:::\n");
	write_rel(f, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	write_rel(f, "etc/gpupt.conf", "ids = 10de:1381\n");
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "var/lib/gpupt/backup"), 0);
	/*
	 * As an earlier gpupt wrote it (no version, no checksum): an earlier
	 * disable removed etc/shadow and copied etc/passwd over etc/gpupt.conf.
	 */
	write_rel(f, JOURNAL, "# What `gpupt enable` added; `gpupt disable` takes exactly this "
			      "away.\nfile etc/shadow whole\nfile etc/gpupt.conf whole\n"
			      "prior var/lib/gpupt/backup/../../../../etc/passwd\n");
	assert_refused(f, "it has no version line and no checksum (an earlier gpupt wrote it), so "
			  "gpupt cannot tell whether it is complete");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_journal(f, cases[i].body);
		assert_refused(f, cases[i].why);
	}
	s = read_rel(f, "etc/shadow");
	assert_string_equal(s, "root:*:19000:0:99999:7:::\n");
	free(s);
	s = read_rel(f, "etc/gpupt.conf");
	assert_string_equal(s, "ids = 10de:1381\n");
	free(s);
	free_fixture(f);
}

/* A saved copy that is a link (to a file outside the backups) is not copied over gpupt.conf. */
static void test_prior_link_refused(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before;

	(void)state;
	write_rel(f, "etc/shadow", "root:*:19000:0:99999:7:::\n");
	write_rel(f, "etc/gpupt.conf", "ids = 10de:1381\n");
	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "var/lib/gpupt/backup/x/etc"), 0);
	assert_int_equal(symlinkat("/etc/shadow", f->h.rootfd,
				   "var/lib/gpupt/backup/x/etc/gpupt.conf"), 0);
	write_journal(f, HEAD "file etc/gpupt.conf whole\nsum 0000000000000000\n"
			      "prior var/lib/gpupt/backup/x/etc/gpupt.conf\n");
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 1);
	assert_string_equal(f->err, "gpupt: cannot read /var/lib/gpupt/backup/x/etc/gpupt.conf, "
				    "the version of /etc/gpupt.conf from before gpupt (Too many "
				    "levels of symbolic links); nothing was written; put that copy "
				    "back from another backup under /var/lib/gpupt/backup/, or "
				    "restore /etc/gpupt.conf by hand and remove "
				    "/var/lib/gpupt/journal, then run `gpupt disable` again\n");
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* The saved copy of a file's version before gpupt is gone: the error names it and what to do. */
static void test_prior_copy_missing(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before, *s, *prior, want[1024];

	(void)state;
	write_rel(f, "etc/gpupt.conf", "ids = 10de:1381\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	s = read_rel(f, JOURNAL);
	prior = strstr(s, "\nprior ");
	assert_non_null(prior);
	prior += strlen("\nprior ");
	prior[strcspn(prior, "\n")] = '\0';
	assert_int_equal(unlinkat(f->h.rootfd, prior, 0), 0);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 1);
	snprintf(want, sizeof(want), "gpupt: cannot read /%s, the version of /etc/gpupt.conf "
		 "from before gpupt (No such file or directory); nothing was written; put that "
		 "copy back from another backup under /var/lib/gpupt/backup/, or restore "
		 "/etc/gpupt.conf by hand and remove /var/lib/gpupt/journal, then run `gpupt "
		 "disable` again\n", prior);
	assert_string_equal(f->err, want);
	assert_snapshot(f, before, NULL);
	free(s);
	free(before);
	free_fixture(f);
}

/* What the journal records but is gone by hand: disable says so, removes the rest, succeeds. */
static void test_disable_warns_missing(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *grub, *at;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"),
			 0);
	grub = read_rel(f, "etc/default/grub");
	at = strstr(grub, " iommu=pt");
	assert_non_null(at);
	memmove(at, at + strlen(" iommu=pt"), strlen(at + strlen(" iommu=pt")) + 1);
	write_rel(f, "etc/default/grub", grub);
	free(grub);
	assert_int_equal(unlinkat(f->h.rootfd, "etc/gpupt.conf", 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	assert_non_null(strstr(f->err, "gpupt: warning: the journal says gpupt added iommu=pt to "
				       "/etc/default/grub, but it is not there (edited by hand?); "
				       "nothing to remove for it\n"));
	assert_non_null(strstr(f->err, "gpupt: warning: the journal says gpupt wrote "
				       "/etc/gpupt.conf, but it is not there (removed by hand?); "
				       "nothing to remove for it\n"));
	/* Only those two: the tokens that were there are removed without a word. */
	assert_null(strstr(f->err, "intel_iommu=on to"));
	assert_null(strstr(f->err, "gpupt.addrs"));
	assert_snapshot(f, before, "/var/lib");
	free(before);

	/* systemd-boot: /etc/kernel/cmdline removed by hand. */
	free_fixture(f);
	f = make_fixture("headless", "pve-sdboot", NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	assert_int_equal(unlinkat(f->h.rootfd, "etc/kernel/cmdline", 0), 0);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--dry-run"), 0);
	assert_non_null(strstr(f->err, "gpupt: warning: the journal says gpupt added iommu=pt to "
				       "/etc/kernel/cmdline, but that file is not there (removed "
				       "by hand?); nothing to remove for it\n"));
	free_fixture(f);
}

/* disable cannot take tokens out of a shape it cannot edit: the error names the file, the fix. */
static void test_disable_error_names_file(void **state)
{
	struct fx *f = make_fixture("seed", "pve-sdboot", NULL);
	char *before, *grub, *edited, *at;

	(void)state;
	/* Enabled with GRUB in place; the boot loader is systemd-boot now. */
	rename_boot(f, "etc/kernel/proxmox-boot-uuids", "etc/kernel/proxmox-boot-uuids.off");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "--grub-in-place", "01:00"),
			 0);
	rename_boot(f, "etc/kernel/proxmox-boot-uuids.off", "etc/kernel/proxmox-boot-uuids");
	grub = read_rel(f, "etc/default/grub");
	at = strstr(grub, ADDRS "\"");
	assert_non_null(at);
	at += strlen(ADDRS "\"");
	/* "... gpupt.addrs=..."' x': no longer one quoted string */
	edited = malloc(strlen(grub) + 8);
	sprintf(edited, "%.*s' x'%s", (int)(at - grub), grub, at);
	write_rel(f, "etc/default/grub", edited);
	free(edited);
	free(grub);
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 1);
	assert_string_equal(f->err, "gpupt: /etc/default/grub: GRUB_CMDLINE_LINUX_DEFAULT is not "
				    "one quoted string (or a line ends in a backslash), so gpupt "
				    "cannot take its tokens out; nothing was written; write it as "
				    "GRUB_CMDLINE_LINUX_DEFAULT=\"...\", then run `gpupt disable` "
				    "again\n");
	assert_snapshot(f, before, NULL);
	free(before);
	free_fixture(f);
}

/* The path a "your version is kept as /PATH\n" message names (static buffer). */
static const char *kept_as(const char *err, const char *file)
{
	static char path[256];
	char lead[256];
	const char *at;

	snprintf(lead, sizeof(lead), "gpupt: warning: /%s was changed since gpupt wrote it; your "
		 "version is kept as /", file);
	at = strstr(err, lead);
	if (!at)
		return NULL;
	at += strlen(lead);
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(at, "\n"), at);
	return path;
}

/* A whole file gpupt wrote and someone edited since: disable says where their version is kept. */
static void test_disable_keeps_hand_edits(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *conf, *edited, *s;
	const char *kept;

	(void)state;
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	conf = read_rel(f, "etc/gpupt.conf");
	edited = malloc(strlen(conf) + 32);
	sprintf(edited, "%s# my own note\n", conf);
	write_rel(f, "etc/gpupt.conf", edited);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--dry-run"), 0);
	assert_non_null(strstr(f->err, "gpupt: warning: /etc/gpupt.conf was changed since gpupt "
				       "wrote it; disable would keep your version in its backup "
				       "under /var/lib/gpupt/backup/\n"));
	assert_null(strstr(f->err, "gpupt.cfg"));
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	kept = kept_as(f->err, "etc/gpupt.conf");
	assert_non_null(kept);
	/* var/lib/gpupt/backup/<time>/etc/gpupt.conf, <time> one name */
	assert_int_equal(strncmp(kept, "var/lib/gpupt/backup/", 21), 0);
	assert_string_equal(strchr(kept + 21, '/'), "/etc/gpupt.conf");
	/* The drop-in was not edited: nothing said about it. */
	assert_null(kept_as(f->err, "etc/default/grub.d/gpupt.cfg"));
	s = read_rel(f, kept);
	assert_string_equal(s, edited);
	free(s);
	assert_null(read_rel(f, "etc/gpupt.conf"));
	assert_null(read_rel(f, JOURNAL));

	/* enable over a hand-edited file says the same. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	write_rel(f, "etc/default/grub.d/gpupt.cfg", "# mine now\n");
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	kept = kept_as(f->err, "etc/default/grub.d/gpupt.cfg");
	assert_non_null(kept);
	s = read_rel(f, kept);
	assert_string_equal(s, "# mine now\n");
	free(s);
	free(conf);
	free(edited);
	free_fixture(f);
}

/* Hold gpupt's lock as another process would: its own open file, the pid written in. */
static int hold_lock(struct fx *f, const char *pid)
{
	int fd;

	assert_int_equal(gpupt_mkdir_parents(f->h.rootfd, "var/lib/gpupt"), 0);
	fd = gpupt_path_open(f->h.rootfd, "var/lib/gpupt/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	return fd;
}

/* One writer at a time: while another holds the lock, enable and disable wait, then refuse. */
static void test_lock_held(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before, *s, want[64];
	int fd = hold_lock(f, "4242\n");

	(void)state;
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 1);
	assert_non_null(strstr(f->err, "gpupt: another gpupt (pid 4242) is changing files (it "
				       "holds /var/lib/gpupt/lock; waited 3 s); nothing was "
				       "written; run `gpupt enable` again once it is done\n"));
	assert_snapshot(f, before, NULL);
	assert_null(calls(f));
	/* A dry run takes no lock. */
	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--dry-run", "01:00"), 0);
	assert_snapshot(f, before, NULL);
	close(fd);
	free(before);

	assert_int_equal(RUN(f, gpupt_cmd_enable, "enable", "--no-trial", "--yes", "01:00"), 0);
	/* The holder's pid is in the file. */
	s = read_rel(f, "var/lib/gpupt/lock");
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(s, want);
	free(s);

	fd = hold_lock(f, "");
	before = snapshot(f, NULL);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 1);
	assert_non_null(strstr(f->err, "gpupt: another gpupt is changing files (it holds "
				       "/var/lib/gpupt/lock; waited 3 s); nothing was written; run "
				       "`gpupt disable` again once it is done\n"));
	assert_snapshot(f, before, NULL);
	close(fd);
	assert_int_equal(RUN(f, gpupt_cmd_disable, "disable", "--yes"), 0);
	free(before);
	free_fixture(f);
}

/*
 * Run a command on a terminal: when it asks [y/N], meddle() runs (as
 * someone else changing files meanwhile), then "y" is typed.  A child
 * process watches the command's output for the question.
 */
static int run_meddling(struct fx *f, int (*cmd)(struct gpupt_host *, int, char **), char **argv,
			void (*meddle)(struct fx *))
{
	int master, saved = stdin_from_tty("", &master), pipefd[2], argc = 0, status, st;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char seen[8192] = "";
		size_t n = 0;
		ssize_t got;

		close(pipefd[1]);
		while (!strstr(seen, "[y/N] ") && n < sizeof(seen) - 1 &&
		       (got = read(pipefd[0], seen + n, sizeof(seen) - 1 - n)) > 0)
			seen[n += (size_t)got] = '\0';
		if (!strstr(seen, "[y/N] "))
			_exit(1);
		meddle(f);
		if (write(master, "y\n", 2) != 2)
			_exit(1);
		while (read(pipefd[0], seen, sizeof(seen)) > 0)
			;
		_exit(0);
	}
	close(pipefd[0]);
	while (argv[argc])
		argc++;
	free(f->out);
	free(f->err);
	f->out = NULL;
	f->h.out = fdopen(pipefd[1], "w");
	f->h.err = open_memstream(&f->err, &f->err_len);
	status = cmd(&f->h, argc, argv);
	fclose(f->h.out);
	fclose(f->h.err);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	stdin_restore(saved, master);
	return status;
}

static void add_grub_line(struct fx *f)
{
	char *s = read_rel(f, "etc/default/grub"), *t = malloc(strlen(s) + 32);

	sprintf(t, "%sGRUB_TIMEOUT=7\n", s);
	gpupt_file_write_atomic(f->h.rootfd, "etc/default/grub", t, strlen(t), 0644);
	free(s);
	free(t);
}

static void make_journal(struct fx *f)
{
	gpupt_file_write_atomic(f->h.rootfd, JOURNAL, "x\n", 2, 0644);
}

/* What was asked about is what gets written: a file changed meanwhile stops the run. */
static void test_changed_while_answering(void **state)
{
	struct fx *f = make_fixture("seed", "debian", NULL);
	char *before = snapshot(f, NULL), *grub = read_rel(f, "etc/default/grub"), *s;
	char *argv[] = { "enable", "--no-trial", "--grub-in-place", "01:00", NULL };

	(void)state;
	assert_int_equal(run_meddling(f, gpupt_cmd_enable, argv, add_grub_line), 1);
	assert_string_equal(f->err, "gpupt: /etc/default/grub changed while you were answering; "
				    "nothing was written; run `gpupt enable` again\n");
	s = read_rel(f, "etc/default/grub");
	assert_non_null(strstr(s, "GRUB_TIMEOUT=7\n"));
	assert_null(strstr(s, "iommu"));
	free(s);
	/* Put the file back: then nothing else differs from before (but the lock file). */
	write_rel(f, "etc/default/grub", grub);
	assert_snapshot(f, before, "/var/lib");
	assert_null(read_rel(f, JOURNAL));
	assert_null(calls(f));

	/* Another run wrote the journal meanwhile. */
	assert_int_equal(run_meddling(f, gpupt_cmd_enable, argv, make_journal), 1);
	assert_string_equal(f->err, "gpupt: /var/lib/gpupt/journal changed while you were "
				    "answering; nothing was written; run `gpupt enable` again\n");
	assert_null(read_rel(f, "etc/gpupt.conf"));
	s = read_rel(f, "etc/default/grub");
	assert_string_equal(s, grub);
	free(s);
	assert_null(calls(f));
	free(grub);
	free(before);
	free_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_journal),
		cmocka_unit_test(test_journal_checksum),
		cmocka_unit_test(test_journal_names_only_own_files),
		cmocka_unit_test(test_prior_link_refused),
		cmocka_unit_test(test_prior_copy_missing),
		cmocka_unit_test(test_disable_warns_missing),
		cmocka_unit_test(test_disable_error_names_file),
		cmocka_unit_test(test_disable_keeps_hand_edits),
		cmocka_unit_test(test_lock_held),
		cmocka_unit_test(test_changed_while_answering),
	};
	return cmocka_run_group_tests(tests, setup_stdin, NULL);
}
