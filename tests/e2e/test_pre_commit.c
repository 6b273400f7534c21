/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard pre-commit` and `cascadeguard install` end to end: the
 * hook installed by the binary itself, real `git commit` (plain, -a,
 * with paths, the first commit), and the index git hands the hook.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/repo.h"

static char *dir;
static char bindir[4096];

static void
setup(void)
{
	const char *bin = getenv("CG_BIN");
	char tmp[4096];

	cr_assert_not_null(bin, "CG_BIN is not set: run with 'make test'");
	snprintf(tmp, sizeof(tmp), "%s", bin);
	snprintf(bindir, sizeof(bindir), "%s", dirname(tmp));
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q work"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(pre_commit, .init = setup, .fini = teardown, .timeout = 60);

static char *
slurp(const char *rel)
{
	char path[4096], chunk[4096];
	char *buf;
	size_t len = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	buf = calloc(1, 1);
	cr_assert_not_null(buf);
	f = fopen(path, "rb");
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

/* Run the real binary in dir/sub with args. */
static void
cg(struct cg_run *r, const char *sub, const char *a1, const char *a2,
    const char *a3)
{
	const char *args[] = { a1, a2, a3, NULL };
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	cg_test_run(r, path, args, NULL, NULL);
}

static void
install(void)
{
	struct cg_run r;

	cg(&r, "work", "install", "pre-commit", NULL);
	cr_assert_eq(r.code, 0, "install: %s%s", r.out, r.err);
	cg_run_release(&r);
}

/* Run a shell command in work with cascadeguard on PATH; out in sh.out. */
static int
sh(const char *cmd)
{
	return cg_test_sh(dir, "cd work && export PATH='%s':\"$PATH\" && "
	    "{ %s; } >../sh.out 2>&1", bindir, cmd);
}

static void
history(void)
{
	cg_test_copy(dir, "work/migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "work/migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	cr_assert_eq(sh("git add -A && git commit -qm history"), 0, "%s",
	    slurp("sh.out"));
}

static void
put(const char *rel, int bad)
{
	char path[256];

	snprintf(path, sizeof(path), "work/%s", rel);
	cg_test_copy(dir, path, bad ? "examples/incident/0003_rebuild_projects.sql"
	    : "examples/incident/0003_add_columns.sql");
}

static int
ncommits(void)
{
	char *s;
	int n;

	cg_test_sh(dir, "cd work && { git rev-list --count HEAD 2>/dev/null "
	    "|| echo 0; } >../n.out");
	s = slurp("n.out");
	n = (int)strtol(s, NULL, 10);
	free(s);
	return n;
}

static void
assert_refused(int rc, int commits_before)
{
	char *out = slurp("sh.out");

	cr_assert_neq(rc, 0, "commit passed:\n%s", out);
	cr_assert(strstr(out, "error[cascade-drop]") != NULL, "%s", out);
	cr_assert_eq(ncommits(), commits_before);
	free(out);
}

static void
assert_passed(int rc, int commits_before)
{
	char *out = slurp("sh.out");

	cr_assert_eq(rc, 0, "commit refused:\n%s", out);
	cr_assert_eq(ncommits(), commits_before + 1);
	free(out);
}

Test(pre_commit, staged_bad_migration_is_refused)
{
	install();
	history();
	put("migrations/0003.sql", 1);
	assert_refused(sh("git add -A && git commit -qm bad"), 1);
}

Test(pre_commit, staged_good_passes_with_bad_file_in_work_tree)
{
	char *blob;

	install();
	history();
	put("migrations/0003.sql", 0);
	cr_assert_eq(sh("git add -A"), 0);
	put("migrations/0003.sql", 1);	/* not staged */
	assert_passed(sh("git commit -qm good"), 1);
	/* what was committed is the staged, good text */
	cr_assert_eq(sh("git show HEAD:migrations/0003.sql"), 0);
	blob = slurp("sh.out");
	cr_assert(strstr(blob, "ADD COLUMN") != NULL, "%s", blob);
	free(blob);
}

/* `git commit -a` hands the hook a temporary index with the work tree. */
Test(pre_commit, commit_all_checks_the_temporary_index)
{
	install();
	history();
	put("migrations/0003.sql", 0);
	cr_assert_eq(sh("git add -A"), 0);
	put("migrations/0003.sql", 1);
	assert_refused(sh("git commit -qam bad"), 1);
	put("migrations/0003.sql", 0);
	assert_passed(sh("git commit -qam good"), 1);
}

/* `git commit <path>` too (a temporary index of HEAD plus the paths). */
Test(pre_commit, commit_with_paths_checks_the_temporary_index)
{
	install();
	history();
	put("migrations/0003.sql", 0);
	cr_assert_eq(sh("git add -A"), 0);
	put("migrations/0003.sql", 1);
	assert_refused(sh("git commit -qm bad migrations/0003.sql"), 1);
	/* and the other way round: bad staged, good committed by path */
	put("migrations/0003.sql", 1);
	cr_assert_eq(sh("git add -A"), 0);
	put("migrations/0003.sql", 0);
	assert_passed(sh("git commit -qm good migrations/0003.sql"), 1);
}

Test(pre_commit, first_commit_of_a_repository)
{
	install();
	cg_test_copy(dir, "work/migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "work/migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	put("migrations/0003.sql", 1);
	assert_refused(sh("git add -A && git commit -qm first"), 0);
	put("migrations/0003.sql", 0);
	assert_passed(sh("git add -A && git commit -qm first"), 0);
}

/* git_index.c reads version 4 (prefix-compressed paths) itself. */
Test(pre_commit, index_version_4_is_read)
{
	install();
	history();
	cr_assert_eq(sh("git update-index --index-version 4"), 0);
	put("migrations/0003.sql", 1);
	assert_refused(sh("git add -A && git commit -qm bad"), 1);
	put("migrations/0003.sql", 0);
	assert_passed(sh("git add -A && git commit -qm good"), 1);
}

/* A split index is not read wrong: the hook stops and says what to do. */
Test(pre_commit, split_index_is_refused_clearly)
{
	char *out;

	install();
	history();
	put("migrations/0003.sql", 0);
	/* git commit fails (1) whatever the hook's code (2) */
	cr_assert_neq(sh("git update-index --split-index && git add -A && "
	    "git commit -qm good"), 0);
	out = slurp("sh.out");
	cr_assert(strstr(out, "the index is split") != NULL, "%s", out);
	cr_assert(strstr(out, "git update-index --no-split-index") != NULL,
	    "%s", out);
	free(out);
	cr_assert_eq(ncommits(), 1);
	assert_passed(sh("git update-index --no-split-index && "
	    "git commit -qm good"), 1);
}

/* What git_index.c declines goes to libgit2, whose error is shown. */
Test(pre_commit, an_index_of_another_version_is_an_error_not_a_pass)
{
	struct cg_run r;

	history();
	put("migrations/0003.sql", 1);
	cr_assert_eq(sh("git add -A && printf '\\005' | "
	    "dd of=.git/index bs=1 seek=7 conv=notrunc 2>/dev/null"), 0);
	cg(&r, "work", "pre-commit", NULL, NULL);
	cr_assert_eq(r.code, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "cannot read the index") != NULL, "%s", r.err);
	cg_run_release(&r);
}

/* Git reads a relative GIT_INDEX_FILE from the top of the work tree. */
Test(pre_commit, relative_index_file_is_read_from_the_top)
{
	static const char *const env[] = { "GIT_INDEX_FILE=.git/index",
		NULL };
	const char *args[] = { "pre-commit", NULL };
	char sub[4096];
	struct cg_run r;

	history();
	put("migrations/0003.sql", 1);
	cr_assert_eq(sh("git add -A"), 0);
	snprintf(sub, sizeof(sub), "%s/work/migrations", dir);
	cg_test_run(&r, sub, args, NULL, env);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "error[cascade-drop]") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/* `git add -N`: a name without content, which a commit leaves out. */
Test(pre_commit, intent_to_add_is_not_staged)
{
	struct cg_run r;

	history();
	put("migrations/0003.sql", 1);
	cr_assert_eq(sh("git add -N migrations/0003.sql"), 0);
	cg(&r, "work", "pre-commit", NULL, NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	/* not an empty new migration: no migration at all */
	cr_assert(strstr(r.out, "(0 new migrations checked on a history of "
	    "2") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(pre_commit, config_comes_from_the_index)
{
	install();
	history();
	/* staged config moves migrations elsewhere: db/ is not checked */
	cg_test_write(dir, "work/.cascadeguard",
	    "[cascadeguard]\nmigrations = db/*.sql\n");
	cr_assert_eq(sh("git add .cascadeguard"), 0);
	cg_test_write(dir, "work/.cascadeguard", "");	/* not staged */
	put("db/0001.sql", 1);
	cg_test_copy(dir, "work/db/0000_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "work/db/0000_more.sql",
	    "examples/incident/0002_more_children.sql");
	assert_refused(sh("git add db && git commit -qm db"), 1);
}

Test(pre_commit, install_refuses_to_replace_another_hook)
{
	struct cg_run r;
	char *text;

	cg_test_write(dir, "work/.git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
	cg(&r, "work", "install", "pre-commit", NULL);
	cr_assert_eq(r.code, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "--force") != NULL, "%s", r.err);
	cg_run_release(&r);
	text = slurp("work/.git/hooks/pre-commit");
	cr_assert_str_eq(text, "#!/bin/sh\nexit 0\n");
	free(text);
	cg(&r, "work", "install", "--force", "pre-commit");
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cg_run_release(&r);
	text = slurp("work/.git/hooks/pre-commit");
	cr_assert(strstr(text, "exec cascadeguard pre-commit") != NULL, "%s",
	    text);
	free(text);
	/* the same hook again: fine, without --force */
	install();
	/* and it is the script shipped in hooks/ */
	cr_assert_eq(cg_test_sh(dir, "cmp -s work/.git/hooks/pre-commit '%s'",
	    cg_test_src("hooks/pre-commit")), 0);
}

Test(pre_commit, install_honours_core_hooks_path)
{
	struct cg_run r;
	char *text;

	cr_assert_eq(sh("git config core.hooksPath githooks"), 0);
	install();
	text = slurp("work/githooks/pre-commit");
	cr_assert(strstr(text, "exec cascadeguard pre-commit") != NULL,
	    "hook not in core.hooksPath: '%s'", text);
	free(text);
	history();
	put("migrations/0003.sql", 1);
	assert_refused(sh("git add -A && git commit -qm bad"), 1);
	cg(&r, "work", "install", "nonsense", NULL);
	cr_assert_eq(r.code, 2);
	cg_run_release(&r);
}

Test(pre_commit, worktree_uses_the_common_hooks_and_its_own_index)
{
	struct cg_run r;
	char *text;

	history();
	cr_assert_eq(sh("git worktree add -q ../wt"), 0, "%s",
	    slurp("sh.out"));
	cg(&r, "wt", "install", "pre-commit", NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cg_run_release(&r);
	text = slurp("work/.git/hooks/pre-commit");
	cr_assert(strstr(text, "exec cascadeguard pre-commit") != NULL,
	    "'%s'", text);
	free(text);
	put("../wt/migrations/0003.sql", 1);
	cr_assert_neq(cg_test_sh(dir, "cd wt && export PATH='%s':\"$PATH\" "
	    "&& git add -A && git commit -qm bad >../sh.out 2>&1", bindir), 0);
	text = slurp("sh.out");
	cr_assert(strstr(text, "error[cascade-drop]") != NULL, "%s", text);
	free(text);
}

/* libgit2 1.5 cannot walk a shallow clone: say so, exit 2, never pass. */
Test(pre_commit, shallow_clone_is_refused_clearly)
{
	struct cg_run r;

	history();
	cr_assert_eq(sh("git commit -q --allow-empty -m two && "
	    "git clone -q --depth 1 \"file://$PWD\" ../shallow"), 0, "%s",
	    slurp("sh.out"));
	cg(&r, "shallow", "pre-commit", NULL, NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "shallow") != NULL, "%s", r.err);
	cg_run_release(&r);
}
