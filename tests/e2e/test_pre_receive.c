/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard pre-receive` end to end: a bare repository in a temporary
 * folder with the hook installed (calling $CG_BIN), and real `git push`
 * over file://.  A rejected push must leave the ref where it was and the
 * pushed objects out of the object store.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/repo.h"

static char *dir;

#define SRV "server.git"

/* Install the hook in dir/srv: the built binary by absolute path. */
static void
install_hook(const char *srv)
{
	const char *bin = getenv("CG_BIN");
	const char *wrap = getenv("CG_BIN_WRAPPER");
	char rel[512], text[2048];

	cr_assert_not_null(bin, "CG_BIN is not set: run with 'make test'");
	snprintf(rel, sizeof(rel), "%s/hooks/pre-receive", srv);
	snprintf(text, sizeof(text), "#!/bin/sh\nexec %s '%s' pre-receive "
	    "\"$@\"\n", wrap != NULL ? wrap : "", bin);
	cg_test_write(dir, rel, text);
	cr_assert_eq(cg_test_sh(dir, "chmod +x '%s'", rel), 0);
	/* valgrind is ~50 times slower: no whole-run deadline under it */
	if (wrap != NULL && wrap[0] != '\0')
		cr_assert_eq(cg_test_sh(dir, "git -C '%s' config "
		    "cascadeguard.timeout 0", srv), 0);
}

static void
setup(void)
{
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q --bare " SRV " && "
	    "git init -q work"), 0);
	install_hook(SRV);
	cg_test_copy(dir, "work/migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "work/migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	cr_assert_eq(cg_test_sh(dir, "cd work && git add -A && "
	    "git commit -qm history && "
	    "git remote add origin \"file://$PWD/../" SRV "\" && "
	    "git push -q origin main 2>../push.out"), 0);
}

static void
teardown(void)
{
	/* the git daemon a test started, by its pid */
	cg_test_sh(dir, "if test -s daemon.pid; then kill \"$(cat "
	    "daemon.pid)\" 2>/dev/null; fi; :");
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(pre_receive, .init = setup, .fini = teardown, .timeout = 120);

/* Contents of dir/rel (caller frees); "" when missing. */
static char *
slurp(const char *rel)
{
	char path[4096];
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	buf = calloc(1, 1);
	cr_assert_not_null(buf);
	if (f == NULL)
		return buf;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Commit a file of the incident (good or bad) in work. */
static void
add_migration(const char *name, int bad)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "work/migrations/%s", name);
	cg_test_copy(dir, rel, bad ? "examples/incident/0003_rebuild_projects.sql"
	    : "examples/incident/0003_add_columns.sql");
	cr_assert_eq(cg_test_sh(dir, "cd work && git add -A && "
	    "git commit -qm '%s'", name), 0);
}

/* Push from work with extra git push arguments; output in push.out. */
static int
push(const char *args)
{
	return cg_test_sh(dir, "cd work && git push %s >../push.out 2>&1",
	    args);
}

/* Push that must land; prints git's output when it does not. */
static void
push_ok(const char *args)
{
	char *out;

	if (push(args) == 0)
		return;
	out = slurp("push.out");
	cr_assert_fail("git push %s failed:\n%s", args, out);
	free(out);
}

/* The commit a ref names in a repository under dir ("" when none). */
static char *
rev(const char *repo, const char *ref)
{
	char *s;
	size_t n;

	cg_test_sh(dir, "git -C '%s' rev-parse -q --verify '%s^{commit}' "
	    ">rev.out 2>/dev/null || : >rev.out", repo, ref);
	s = slurp("rev.out");
	n = strlen(s);
	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

static void
assert_rejected(const char *srv, const char *ref, const char *old_tip,
    const char *new_commit)
{
	char *out = slurp("push.out");
	char *now = rev(srv, ref);

	cr_assert_str_eq(now, old_tip, "%s moved from '%s' to '%s'\n%s", ref,
	    old_tip, now, out);
	cr_assert_neq(cg_test_sh(dir, "git -C '%s' cat-file -e %s", srv,
	    new_commit), 0, "rejected commit %s is in the store", new_commit);
	cr_assert(strstr(out, "remote: cascadeguard: push rejected") != NULL,
	    "%s", out);
	free(now);
	free(out);
}

Test(pre_receive, clean_push_lands)
{
	char *tip, *now;

	add_migration("0003_add_columns.sql", 0);
	push_ok("origin main");
	tip = rev("work", "HEAD");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	free(tip);
	free(now);
}

Test(pre_receive, bad_push_is_rejected_and_objects_stay_out)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *out;
	char short7[8];

	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	snprintf(short7, sizeof(short7), "%.7s", tip);
	/* one line: ref, commit, place, rule */
	cr_assert(strstr(out, "remote: cascadeguard: refs/heads/main ") != NULL,
	    "%s", out);
	cr_assert(strstr(out, short7) != NULL, "%s", out);
	cr_assert(strstr(out, "migrations/0003_rebuild_projects.sql:") != NULL,
	    "%s", out);
	cr_assert(strstr(out, "error[cascade-drop]") != NULL, "%s", out);
	cr_assert(strstr(out, "GL-HOOK-ERR") == NULL, "%s", out);
	free(out);
	free(tip);
	free(old);
}

Test(pre_receive, new_branch_with_bad_migration_is_rejected)
{
	char *tip, *out;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -qb feature"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin feature"), 0);
	assert_rejected(SRV, "refs/heads/feature", "", tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "refs/heads/feature") != NULL, "%s", out);
	free(out);
	free(tip);
}

Test(pre_receive, new_branch_with_good_migration_lands)
{
	char *tip, *now, *out = NULL;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -qb feature"), 0);
	add_migration("0003_add_columns.sql", 0);
	push_ok("origin feature");
	tip = rev("work", "HEAD");
	now = rev(SRV, "refs/heads/feature");
	cr_assert_str_eq(now, tip);
	free(out);
	free(now);
	free(tip);
}

/* A new, unrelated history: checked from the empty tree. */
Test(pre_receive, new_orphan_branch_checks_its_whole_history)
{
	char *tip;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -q --orphan "
	    "other"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin other"), 0);
	assert_rejected(SRV, "refs/heads/other", "", tip);
	free(tip);
}

Test(pre_receive, force_push_is_checked_from_the_merge_base)
{
	char *old, *tip, *now, *out = NULL;

	add_migration("0003_add_columns.sql", 0);
	cr_assert_eq(push("origin main"), 0);
	old = rev(SRV, "refs/heads/main");
	/* rewrite: drop the good commit, add the bad one instead */
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("--force origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	free(tip);
	/* a good rewrite lands */
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	add_migration("0004_add_columns.sql", 0);
	push_ok("--force origin main");
	tip = rev("work", "HEAD");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	free(out);
	free(now);
	free(tip);
	free(old);
}

Test(pre_receive, branch_deletion_is_accepted)
{
	char *now, *out = NULL;

	cr_assert_eq(cg_test_sh(dir, "cd work && git push -q origin "
	    "main:refs/heads/tmp"), 0);
	now = rev(SRV, "refs/heads/tmp");
	cr_assert_neq(now[0], '\0');
	free(now);
	push_ok("origin :tmp");
	now = rev(SRV, "refs/heads/tmp");
	cr_assert_str_eq(now, "");
	free(now);
	free(out);
}

Test(pre_receive, one_bad_ref_rejects_the_whole_push)
{
	char *old_main = rev(SRV, "refs/heads/main");
	char *good, *bad, *now, *out;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -qb feature"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	bad = rev("work", "HEAD");
	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -q main"), 0);
	add_migration("0003_add_columns.sql", 0);
	good = rev("work", "HEAD");
	cr_assert_neq(push("origin main feature"), 0);
	assert_rejected(SRV, "refs/heads/feature", "", bad);
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, old_main, "main moved with a rejected push");
	out = slurp("push.out");
	cr_assert(strstr(out, "1 error finding in 1 ref") != NULL, "%s", out);
	free(out);
	free(now);
	free(good);
	free(bad);
	free(old_main);
}

Test(pre_receive, gitlab_sees_gl_hook_err)
{
	char *out;

	add_migration("0003_rebuild_projects.sql", 1);
	cr_assert_neq(push("--receive-pack='env GL_ID=user-1 git-receive-pack' "
	    "origin main"), 0);
	out = slurp("push.out");
	cr_assert(strstr(out, "remote: GL-HOOK-ERR: cascadeguard: push "
	    "rejected") != NULL, "%s", out);
	free(out);
}

Test(pre_receive, push_options_need_the_server_to_allow_them)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *now, *out, *log;

	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "receive.advertisePushOptions true"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	/* not allowed: the options are ignored and the push refused */
	cr_assert_neq(push("-o cascadeguard.allow=cascade-drop "
	    "-o 'cascadeguard.reason=empty table' origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "not enabled") != NULL, "%s", out);
	free(out);
	/* allowed, but without a reason: refused */
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.allowPushOption true && git -C " SRV " config "
	    "cascadeguard.auditLog \"$PWD/audit.log\""), 0);
	cr_assert_neq(push("-o cascadeguard.allow=cascade-drop origin main"),
	    0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	/* allowed with the wrong rule: refused */
	cr_assert_neq(push("-o cascadeguard.allow=drop-column "
	    "-o 'cascadeguard.reason=empty table' origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	/* allowed with a reason: lands, printed and logged */
	push_ok("-o cascadeguard.allow=cascade-drop "
	    "-o 'cascadeguard.reason=empty table' origin main");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "overridden error[cascade-drop]") != NULL, "%s",
	    out);
	log = slurp("audit.log");
	cr_assert(strstr(log, "rule=cascade-drop") != NULL, "%s", log);
	cr_assert(strstr(log, "reason=empty table") != NULL, "%s", log);
	cr_assert(strstr(log, "ref=refs/heads/main") != NULL, "%s", log);
	free(log);
	free(out);
	free(now);
	free(tip);
	free(old);
}

/*
 * A FIFO at the audit log's path (with no reader, and with one): the
 * override is refused at once, naming the log, and the hook never hangs.
 */
Test(pre_receive, audit_log_that_is_a_fifo_refuses_the_override_at_once,
    .timeout = 120)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *out;

	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_eq(cg_test_sh(dir, "mkfifo audit.fifo && "
	    "git -C " SRV " config receive.advertisePushOptions true && "
	    "git -C " SRV " config cascadeguard.allowPushOption true && "
	    "git -C " SRV " config cascadeguard.auditLog \"$PWD/audit.fifo\""),
	    0);
	cr_assert_neq(push("-o cascadeguard.allow=cascade-drop "
	    "-o 'cascadeguard.reason=empty table' origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "audit.fifo': not a regular file") != NULL,
	    "%s", out);
	free(out);
	/* with a reader holding the FIFO open: refused as well */
	cr_assert_eq(cg_test_sh(dir, "sleep 60 3<>audit.fifo & "
	    "echo $! >reader.pid"), 0);
	cr_assert_neq(push("-o cascadeguard.allow=cascade-drop "
	    "-o 'cascadeguard.reason=empty table' origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "audit.fifo': not a regular file") != NULL,
	    "%s", out);
	free(out);
	cr_assert_eq(cg_test_sh(dir, "kill \"$(cat reader.pid)\""), 0);
	free(tip);
	free(old);
}

Test(pre_receive, garbage_on_stdin_exits_2)
{
	static const char *const args[] = { "pre-receive", NULL };
	struct cg_run r;
	char *tip, in[512];

	cg_test_run(&r, dir, args, "garbage\n", NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "line 1") != NULL, "%s", r.err);
	cg_run_release(&r);
	/* a good line then a bad one: nothing accepted */
	tip = rev(SRV, "refs/heads/main");
	snprintf(in, sizeof(in), "%s %s refs/heads/x\n%s %s\n",
	    "0000000000000000000000000000000000000000", tip, tip, tip);
	cg_test_run(&r, dir, args, in, NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "line 2") != NULL, "%s", r.err);
	cg_run_release(&r);
	free(tip);
}

Test(pre_receive, path_with_colon_and_space)
{
	const char *srv = "odd: dir.git";
	char *old, *tip, *now, *out = NULL;

	cr_assert_eq(cg_test_sh(dir, "git init -q --bare '%s' && cd work && "
	    "git remote add odd \"$PWD/../%s\" && git push -q odd main "
	    "2>/dev/null", srv, srv), 0);
	install_hook(srv);
	old = rev(srv, "refs/heads/main");
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("odd main"), 0);
	assert_rejected(srv, "refs/heads/main", old, tip);
	free(tip);
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	add_migration("0003_add_columns.sql", 0);
	tip = rev("work", "HEAD");
	push_ok("odd main");
	now = rev(srv, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	free(out);
	free(now);
	free(tip);
	free(old);
}

/* transfer.unpackLimit=1: the push arrives as a pack in the quarantine. */
Test(pre_receive, objects_arriving_as_a_pack)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *now, *out = NULL;

	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "transfer.unpackLimit 1"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	free(tip);
	add_migration("0003_add_columns.sql", 0);
	tip = rev("work", "HEAD");
	push_ok("origin main");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	/* it really was a pack */
	cr_assert_eq(cg_test_sh(dir, "ls " SRV "/objects/pack/*.pack "
	    ">/dev/null 2>&1"), 0);
	free(out);
	free(now);
	free(tip);
	free(old);
}

/* 300 commits; the bad file comes in the first: that commit is named. */
Test(pre_receive, push_of_300_commits_names_the_commit_that_brought_it)
{
	char *old = rev(SRV, "refs/heads/main");
	char *first, *tip, *out;
	char short7[64];

	add_migration("0003_rebuild_projects.sql", 1);
	first = rev("work", "HEAD");
	cr_assert_eq(cg_test_sh(dir, "cd work && i=1; while [ $i -lt 300 ]; "
	    "do echo $i >notes.txt && git add notes.txt && "
	    "git commit -qm \"c$i\" || exit 1; i=$((i + 1)); done"), 0);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	snprintf(short7, sizeof(short7), "refs/heads/main %.7s: ", first);
	cr_assert(strstr(out, short7) != NULL, "'%s' not in\n%s", short7, out);
	free(out);
	free(tip);
	free(first);
	free(old);
}

Test(pre_receive, server_config_trust_repo_config_false_ignores_pushed_file)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *out = NULL;

	/* the pushed file tries to switch the rule off */
	cg_test_write(dir, "work/.cascadeguard", "[rules]\ncascade-drop = off\n");
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	/* nor when the server distrusts the file */
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.trustRepoConfig false"), 0);
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	/* the server's own migrations glob decides what is checked */
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.migrations 'db/*.sql'"), 0);
	push_ok("origin main");
	free(out);
	free(tip);
	free(old);
}

Test(pre_receive, tags_are_skipped_unless_configured)
{
	char *out = NULL;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -q --orphan t"),
	    0);
	add_migration("0003_rebuild_projects.sql", 1);
	cr_assert_eq(cg_test_sh(dir, "cd work && git tag v1"), 0);
	push_ok("origin v1");
	free(out);
	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -q --orphan t2 "
	    "&& git rm -rq --cached . && git clean -qfdx"), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	cr_assert_eq(cg_test_sh(dir, "cd work && git tag v2 && git -C ../"
	    SRV " config --add cascadeguard.refs 'refs/tags/*'"), 0);
	cr_assert_neq(push("origin v2"), 0);
	out = slurp("push.out");
	cr_assert(strstr(out, "refs/tags/v2") != NULL, "%s", out);
	free(out);
}

Test(pre_receive, install_sh_installs_the_shipped_hook)
{
	char script[4096];
	char *text;

	/* another hook is there: refused without --force, kept */
	cr_assert_neq(cg_test_sh(dir, "sh '%s' --hook pre-receive " SRV
	    " >/dev/null 2>&1", cg_test_src("install.sh")), 0);
	text = slurp(SRV "/hooks/pre-receive");
	cr_assert(strstr(text, getenv("CG_BIN")) != NULL, "%s", text);
	free(text);
	snprintf(script, sizeof(script), "%s", cg_test_src("install.sh"));
	cr_assert_eq(cg_test_sh(dir, "sh '%s' --hook pre-receive --force "
	    SRV " >/dev/null && cmp -s " SRV "/hooks/pre-receive '%s' && "
	    "test -x " SRV "/hooks/pre-receive", script,
	    cg_test_src("hooks/pre-receive")), 0);
}

/* A free TCP port on 127.0.0.1 (bound, read, released). */
static int
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	cr_assert(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Over git://, through `git daemon --enable=receive-pack`. */
Test(pre_receive, over_git_daemon)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *now, *out;
	char url[128];
	int port = free_port();

	cr_assert_eq(cg_test_sh(dir, "git daemon --enable=receive-pack "
	    "--export-all --base-path=\"$PWD\" --listen=127.0.0.1 "
	    "--port=%d --reuseaddr --detach --pid-file=\"$PWD/daemon.pid\" "
	    "\"$PWD\"", port), 0);
	snprintf(url, sizeof(url), "git://127.0.0.1:%d/" SRV, port);
	/* wait (bounded: 10 s) until it answers */
	cr_assert_eq(cg_test_sh(dir, "i=0; until git ls-remote '%s' "
	    ">/dev/null 2>&1; do i=$((i + 1)); [ $i -gt 100 ] && exit 1; "
	    "sleep 0.1; done", url), 0, "git daemon did not start");
	cr_assert_eq(cg_test_sh(dir, "cd work && git remote add daemon '%s'",
	    url), 0);
	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("daemon main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "error[cascade-drop]") != NULL, "%s", out);
	free(out);
	free(tip);
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	add_migration("0003_add_columns.sql", 0);
	tip = rev("work", "HEAD");
	push_ok("daemon main");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	free(now);
	free(tip);
	free(old);
}

/* The tool fails (here: a broken pushed .cascadeguard): onError decides. */
Test(pre_receive, on_error_reject_or_allow)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *now, *out;

	cg_test_write(dir, "work/.cascadeguard", "[nonsense\n");
	add_migration("0003_add_columns.sql", 0);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "could not run") != NULL, "%s", out);
	free(out);
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.onError allow"), 0);
	push_ok("origin main");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "warning: not checked") != NULL, "%s", out);
	free(out);
	free(now);
	free(tip);
	free(old);
}

/*
 * A new ref when HEAD names no branch: checked from the newest commit an
 * existing ref already has, not from the empty tree (which would report
 * the bad migration main already carries).
 */
Test(pre_receive, new_ref_without_head_builds_on_existing_refs)
{
	char *tip, *now;

	/* main gets a bad migration past the hook (as if installed later) */
	add_migration("0003_rebuild_projects.sql", 1);
	cr_assert_eq(cg_test_sh(dir, "mv " SRV "/hooks/pre-receive hook.off && "
	    "(cd work && git push -q origin main 2>/dev/null) && "
	    "mv hook.off " SRV "/hooks/pre-receive && "
	    "git -C " SRV " symbolic-ref HEAD refs/heads/none"), 0);
	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -qb feature && "
	    "echo hi >notes.txt && git add notes.txt && git commit -qm notes"),
	    0);
	push_ok("origin feature");
	tip = rev("work", "HEAD");
	now = rev(SRV, "refs/heads/feature");
	cr_assert_str_eq(now, tip);
	free(now);
	free(tip);
}

/*
 * A Worker that adds a second D1 database: wrangler.toml names two
 * bindings, each with its own migrations_dir.  The push's bad rebuild is
 * in the second set, and the server's message names that set; the
 * first set (the incident's history) is replayed on its own.
 */
Test(pre_receive, wrangler_sets_are_checked_and_named)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *out;

	cg_test_write(dir, "work/wrangler.toml",
	    "name = \"api\"\n"
	    "[[d1_databases]]\nbinding = \"DB\"\n"
	    "[[d1_databases]]\nbinding = \"AUDIT\"\n"
	    "migrations_dir = \"db/audit\"\n");
	cg_test_copy(dir, "work/db/audit/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cr_assert_eq(cg_test_sh(dir, "cd work && git add -A && "
	    "git commit -qm 'second database'"), 0);
	push_ok("origin main");
	free(old);
	old = rev(SRV, "refs/heads/main");
	cg_test_copy(dir, "work/db/audit/0002_rebuild.sql",
	    "examples/incident/0003_rebuild_projects.sql");
	cr_assert_eq(cg_test_sh(dir, "cd work && git add -A && "
	    "git commit -qm 'rebuild audit projects'"), 0);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "[AUDIT] db/audit/0002_rebuild.sql:") != NULL,
	    "%s", out);
	cr_assert(strstr(out, "error[cascade-drop]") != NULL, "%s", out);
	cr_assert(strstr(out, "[DB]") == NULL, "%s", out);
	free(out);
	free(tip);
	free(old);
}

/*
 * The whole-run deadline: a legal migration that takes far longer than a
 * tiny cascadeguard.timeout is not waited for.  Rejected with the
 * deadline named (ref not moved), or with onError=allow let through.
 */
Test(pre_receive, deadline_rejects_or_with_on_error_allow_lets_through)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *now, *out;

	/* ~0.5 s of rows, far below the per-file budget */
	cg_test_write(dir, "work/migrations/0003_slow.sql",
	    "CREATE TABLE numbers (n INTEGER PRIMARY KEY, sq INTEGER);\n"
	    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
	    "FROM c WHERE x < 300000)\n"
	    "INSERT INTO numbers SELECT x, x * x FROM c;\n");
	cr_assert_eq(cg_test_sh(dir, "cd work && git add -A && "
	    "git commit -qm slow"), 0);
	tip = rev("work", "HEAD");
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.timeout 0.05"), 0);
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "the deadline (cascadeguard.timeout=0.050s) "
	    "was reached while checking refs/heads/main") != NULL, "%s", out);
	free(out);
	/* a bad timeout is a configuration error, not a pass */
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.timeout soon"), 0);
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.timeout 0.05 && git -C " SRV " config "
	    "cascadeguard.onError allow"), 0);
	push_ok("origin main");
	now = rev(SRV, "refs/heads/main");
	cr_assert_str_eq(now, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "warning: the deadline") != NULL, "%s", out);
	free(out);
	free(now);
	free(tip);
	free(old);
}

/* A ref with an error finding before the deadline: rejected even so. */
Test(pre_receive, deadline_with_on_error_allow_keeps_earlier_errors)
{
	char *out;

	cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -qb bad && "
	    "cp '%s' migrations/0003_rebuild_projects.sql && git add -A && "
	    "git commit -qm bad && git checkout -q main && "
	    "git checkout -qb slow && printf '%%s\\n' "
	    "'CREATE TABLE numbers (n INTEGER PRIMARY KEY);' "
	    "'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
	    "WHERE x < 2000000) INSERT INTO numbers SELECT x FROM c;' "
	    ">migrations/0003_slow.sql && git add -A && git commit -qm slow",
	    cg_test_src("examples/incident/0003_rebuild_projects.sql")), 0);
	/*
	 * refs arrive in the order pushed: bad first, then the slow one.
	 * The deadline must fall after the bad ref's check and before the
	 * slow one's end: valgrind runs ~50 times slower, so under it 8 s.
	 */
	cr_assert_eq(cg_test_sh(dir, "git -C " SRV " config "
	    "cascadeguard.onError allow && git -C " SRV " config "
	    "cascadeguard.timeout %s", getenv("CG_BIN_WRAPPER") != NULL &&
	    getenv("CG_BIN_WRAPPER")[0] != '\0' ? "8" : "0.5"), 0);
	cr_assert_neq(push("origin bad slow"), 0);
	out = slurp("push.out");
	cr_assert(strstr(out, "push rejected") != NULL, "%s", out);
	free(out);
	out = rev(SRV, "refs/heads/slow");
	cr_assert_str_eq(out, "");
	free(out);
}

/*
 * Concurrent pushes into one bare repository with a cold cache: six real
 * pushes at once, to six refs, half safe and half bad.  Every verdict is
 * right, and the cache they leave gives what --no-cache gives.
 */
Test(pre_receive, concurrent_pushes_with_a_cold_cache)
{
	char *got, *want;
	int i;

	for (i = 0; i < 6; i++)
		cr_assert_eq(cg_test_sh(dir, "cd work && git checkout -q main "
		    "&& git checkout -qb r%d && cp '%s' migrations/0003_r%d.sql "
		    "&& git add -A && git commit -qm r%d", i, cg_test_src(
		    i % 2 ? "examples/incident/0003_rebuild_projects.sql" :
		    "examples/incident/0003_add_columns.sql"), i, i), 0);
	cr_assert_eq(cg_test_sh(dir, "rm -rf " SRV "/cascadeguard"), 0);
	cr_assert_eq(cg_test_sh(dir, "cd work && for i in 0 1 2 3 4 5; do "
	    "(git push origin r$i >../push$i.out 2>&1; echo $? >../rc$i) & "
	    "done; wait"), 0);
	for (i = 0; i < 6; i++) {
		char name[32], ref[32];

		snprintf(name, sizeof(name), "rc%d", i);
		got = slurp(name);
		snprintf(name, sizeof(name), "push%d.out", i);
		want = slurp(name);
		cr_assert_str_eq(got, i % 2 ? "1\n" : "0\n", "r%d: %s", i,
		    want);
		if (i % 2)
			cr_assert(strstr(want, "cascade-drop") != NULL, "%s",
			    want);
		free(want);
		free(got);
		snprintf(ref, sizeof(ref), "refs/heads/r%d", i);
		got = rev(SRV, ref);
		want = rev("work", ref);
		cr_assert_str_eq(got, i % 2 ? "" : want, "r%d", i);
		free(got);
		free(want);
	}
	/* what the racing writers cached gives the --no-cache verdicts */
	cr_assert_eq(cg_test_sh(dir, "test -d " SRV "/cascadeguard/cache"),
	    0);
	for (i = 0; i < 6; i++) {
		char a[32];

		cr_assert_eq(cg_test_sh(dir, "cd work && git push origin r%d "
		    ">../push.out 2>&1", i), i % 2, "r%d, warm", i);
		if (i % 2)
			continue;
		cr_assert_eq(cg_test_sh(dir, "for c in --no-cache ''; do "
		    "'%s' -C " SRV " check-range $c main..r%d; echo $?; "
		    "done >check.out 2>&1", getenv("CG_BIN"), i), 0);
		got = slurp("check.out");
		snprintf(a, sizeof(a), "%zu", strlen(got) / 2);
		want = strdup(got + strlen(got) / 2);
		got[strlen(got) / 2] = '\0';
		cr_assert_str_eq(got, want, "r%d: cache and --no-cache differ "
		    "(%s)", i, a);
		free(got);
		free(want);
	}
}

/*
 * #14 item 3: the pusher usually has no cascadeguard to see the details,
 * so the remote line names the tables that lose rows (the first three,
 * then a count); the good change next to it lands.
 */
Test(pre_receive, rejected_cascade_names_the_tables_that_lose_rows)
{
	char *old = rev(SRV, "refs/heads/main");
	char *tip, *out;

	add_migration("0003_rebuild_projects.sql", 1);
	tip = rev("work", "HEAD");
	cr_assert_neq(push("origin main"), 0);
	assert_rejected(SRV, "refs/heads/main", old, tip);
	out = slurp("push.out");
	cr_assert(strstr(out, "error[cascade-drop]: DROP TABLE projects "
	    "deletes every row of 9 tables through ON DELETE CASCADE: Deploy "
	    "Keys, api_keys, environments and 6 more") != NULL, "%s", out);
	free(out);
	cr_assert_eq(cg_test_sh(dir, "cd work && git reset -q --hard HEAD~1"),
	    0);
	add_migration("0003_add_columns.sql", 0);
	push_ok("origin main");
	free(tip);
	free(old);
}
