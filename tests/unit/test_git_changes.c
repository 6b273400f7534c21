/* SPDX-License-Identifier: MIT */
/*
 * git_changes.c against real repositories built with the git binary in
 * a temporary folder (the repository is <tmp>/repo; <tmp> is HOME).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "git_changes.h"
#include "helpers/assert.h"
#include "helpers/repo.h"
#include "migrations.h"

static char *dir;	/* temporary folder, HOME */
static char repo[4096];	/* dir/repo */

static void
setup(void)
{
	dir = cg_test_tmpdir();
	snprintf(repo, sizeof(repo), "%s/repo", dir);
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_QUARANTINE_PATH");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	cr_assert_eq(cg_test_sh(dir, "git init -q repo"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(git_changes, .init = setup, .fini = teardown);

/* Run a shell script in the repository; it must succeed. */
static void
sh(const char *script)
{
	cr_assert_eq(cg_test_sh(dir, "cd repo && %s", script), 0, "%s",
	    script);
}

static void
write_file(const char *rel, const char *content)
{
	char path[4200];

	snprintf(path, sizeof(path), "repo/%s", rel);
	cg_test_write(dir, path, content);
}

static void
commit(const char *msg)
{
	char script[512];

	snprintf(script, sizeof(script), "git add -A && git commit -qm '%s'",
	    msg);
	sh(script);
}

/* The first line printed by a git command run in the repository. */
static const char *
git_out(const char *cmd)
{
	static char line[256];
	char path[4200];
	FILE *f;

	cr_assert_eq(cg_test_sh(dir, "cd repo && %s > ../out", cmd), 0, "%s",
	    cmd);
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static char *
rev(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "git rev-parse --verify '%s'", name);
	return strdup(git_out(cmd));
}

static struct cg_repo *
open_repo(void)
{
	struct cg_repo *r = NULL;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_repo_open(&r, repo, 0, &err), &err);
	return r;
}

/* c1 -> c2 on main; feature branches from c1 with f1. */
static void
history(void)
{
	write_file("migrations/0001_a.sql", "CREATE TABLE a(id);\n");
	commit("c1");
	sh("git tag c1");
	write_file("migrations/0002_b.sql", "CREATE TABLE b(id);\n");
	commit("c2");
	sh("git tag c2 && git checkout -qb feature c1");
	write_file("migrations/0003_f.sql", "CREATE TABLE f(id);\n");
	commit("f1");
	sh("git checkout -q main");
}

static void
assert_commit(const struct cg_side *s, const char *name)
{
	char *want = rev(name);

	cr_assert_eq(s->kind, CG_SIDE_COMMIT, "%s", name);
	cr_assert_str_eq(s->oid, want, "%s", name);
	free(want);
}

static void
resolve_fails(struct cg_repo *r, const char *range, int code,
    const char *msg)
{
	struct cg_side base, tip;
	struct cg_err err = CG_ERR_INIT;

	memset(&base, 0x5a, sizeof(base));
	cr_assert_eq(cg_repo_resolve_range(&base, &tip, r, range, &err), code,
	    "%s: %s", range, err.msg);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_eq(base.oid[0], 0x5a, "base untouched on failure");
}

Test(git_changes, open_refuses_a_folder_that_is_not_a_repository)
{
	struct cg_repo *r = NULL;
	struct cg_err err = CG_ERR_INIT;
	char want[4300];

	cr_assert_eq(cg_test_sh(dir, "mkdir plain"), 0);
	snprintf(want, sizeof(want), "%s/plain", dir);
	cr_assert_eq(cg_repo_open(&r, want, 0, &err), CG_EINPUT);
	cr_assert_null(r);
	snprintf(want, sizeof(want), "not a git repository: '%s/plain'", dir);
	cr_assert_str_eq(err.msg, want);
}

Test(git_changes, discover_searches_upwards_only_when_asked)
{
	struct cg_repo *r = NULL;
	struct cg_err err = CG_ERR_INIT;
	struct cg_side head;
	char sub[4200];

	write_file("a/b/keep", "x\n");
	commit("c1");
	snprintf(sub, sizeof(sub), "%s/a/b", repo);
	cr_assert_eq(cg_repo_open(&r, sub, 0, &err), CG_EINPUT);
	cr_assert_null(r);
	cg_assert_ok(cg_repo_open(&r, sub, CG_REPO_DISCOVER, &err), &err);
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	assert_commit(&head, "HEAD");
	cg_repo_free(r);
	cg_repo_free(NULL);
}

Test(git_changes, two_dot_range)
{
	struct cg_repo *r;
	struct cg_side base, tip;
	struct cg_err err = CG_ERR_INIT;

	history();
	r = open_repo();
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "c1..c2", &err),
	    &err);
	assert_commit(&base, "c1");
	assert_commit(&tip, "c2");
	/* Diverged: every commit of feature that main lacks. */
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "main..feature",
	    &err), &err);
	assert_commit(&base, "main");
	assert_commit(&tip, "feature");
	/* An omitted end is HEAD (main). */
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "c1..", &err),
	    &err);
	assert_commit(&base, "c1");
	assert_commit(&tip, "main");
	cg_repo_free(r);
}

Test(git_changes, three_dot_range_starts_at_the_merge_base)
{
	struct cg_repo *r;
	struct cg_side base, tip;
	struct cg_err err = CG_ERR_INIT;

	history();
	r = open_repo();
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "main...feature",
	    &err), &err);
	assert_commit(&base, "c1");
	assert_commit(&tip, "feature");
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "feature...main",
	    &err), &err);
	assert_commit(&base, "c1");
	assert_commit(&tip, "main");
	cg_repo_free(r);
}

Test(git_changes, no_merge_base)
{
	struct cg_repo *r;

	history();
	sh("git checkout -q --orphan lonely && git rm -rqf . && "
	    "echo x > x && git add x && git commit -qm lonely && "
	    "git checkout -q main");
	r = open_repo();
	resolve_fails(r, "main...lonely", CG_EINPUT,
	    "no merge base between 'main' and 'lonely'");
	cg_repo_free(r);
}

Test(git_changes, single_revision_is_its_first_parent_to_it)
{
	struct cg_repo *r;
	struct cg_side base, tip;
	struct cg_err err = CG_ERR_INIT;

	history();
	sh("git merge -q --no-ff -m merge feature");
	r = open_repo();
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "c2", &err), &err);
	assert_commit(&base, "c1");
	assert_commit(&tip, "c2");
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "HEAD", &err),
	    &err);
	assert_commit(&base, "HEAD^1");
	assert_commit(&tip, "HEAD");
	/* A root commit's base is the empty tree. */
	cg_assert_ok(cg_repo_resolve_range(&base, &tip, r, "c1", &err), &err);
	cr_assert_eq(base.kind, CG_SIDE_EMPTY);
	assert_commit(&tip, "c1");
	cg_repo_free(r);
}

Test(git_changes, unknown_revisions_are_named)
{
	struct cg_repo *r;

	history();
	r = open_repo();
	resolve_fails(r, "nope", CG_EINPUT, "unknown revision 'nope'");
	resolve_fails(r, "nope..main", CG_EINPUT, "unknown revision 'nope'");
	resolve_fails(r, "main..nope", CG_EINPUT, "unknown revision 'nope'");
	resolve_fails(r, "main...nope", CG_EINPUT, "unknown revision 'nope'");
	resolve_fails(r, "0000000000000000000000000000000000000000",
	    CG_EINPUT, "unknown revision "
	    "'0000000000000000000000000000000000000000'");
	resolve_fails(r, "main^{tree}", CG_EINPUT,
	    "revision 'main^{tree}' is not a commit");
	cg_repo_free(r);
}

Test(git_changes, empty_ranges_are_refused)
{
	struct cg_repo *r;

	history();
	r = open_repo();
	resolve_fails(r, "main..main", CG_EINPUT,
	    "empty range 'main..main': main has no commits that main lacks");
	resolve_fails(r, "c2..c1", CG_EINPUT,
	    "empty range 'c2..c1': c1 has no commits that c2 lacks");
	resolve_fails(r, "main...c1", CG_EINPUT,
	    "empty range 'main...c1': c1 has no commits that main lacks");
	resolve_fails(r, "..", CG_EINPUT,
	    "empty range '..': HEAD has no commits that HEAD lacks");
	cg_repo_free(r);
}

Test(git_changes, head_of_an_unborn_branch_is_the_empty_tree)
{
	struct cg_repo *r;
	struct cg_side head;
	struct cg_err err = CG_ERR_INIT;
	char s[16];

	r = open_repo();
	memset(&head, 0x5a, sizeof(head));
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	cr_assert_eq(head.kind, CG_SIDE_EMPTY);
	cg_side_short(s, &head);
	cr_assert_str_eq(s, "empty");
	cg_repo_free(r);
	history();
	r = open_repo();
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	assert_commit(&head, "main");
	cg_side_short(s, &head);
	cr_assert_eq(strlen(s), 7);
	cr_assert(strncmp(s, head.oid, 7) == 0);
	head.kind = CG_SIDE_INDEX;
	cg_side_short(s, &head);
	cr_assert_str_eq(s, "index");
	cg_repo_free(r);
}

static void
nested_tree(void)
{
	write_file("migrations/0001_a.sql", "CREATE TABLE a(id);\n");
	write_file("migrations/0001_a.down.sql", "DROP TABLE a;\n");
	write_file("migrations/down.sql", "DROP TABLE a;\n");
	write_file("migrations/README.md", "docs\n");
	write_file("migrations/sub/x.sql", "x\n");
	write_file("apps/api/db/migrations/1.sql", "one\n");
	write_file("apps/web/db/migrations/2.sql", "two!\n");
	write_file("apps/web/db/other/3.sql", "three\n");
	write_file("apps/db/migrations/0.sql", "zero\n");
	write_file("other/migrations/9.sql", "nine\n");
	write_file("prisma/migrations/2024_init/migration.sql", "p\n");
	write_file("prisma/migrations/migration_lock.toml", "lock\n");
	write_file("unrelated/deep/file.sql", "u\n");
	commit("tree");
}

static const char *const nested_globs[] = {
	"migrations/*.sql",
	"apps/**/db/migrations/*.sql",
	"prisma/migrations/*/migration.sql",
	"migrations/*.sql",
};

static const char *const nested_want[] = {
	"apps/api/db/migrations/1.sql",
	"apps/db/migrations/0.sql",
	"apps/web/db/migrations/2.sql",
	"migrations/0001_a.sql",
	"prisma/migrations/2024_init/migration.sql",
};

/* size: 5 from an index, 0 (unknown: trees do not record it) from a tree */
static void
assert_nested(const struct cg_entry *v, size_t n, const char *at, size_t size)
{
	char cmd[512];
	size_t i;

	cr_assert_eq(n, 5, "got %zu entries", n);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(v[i].path, nested_want[i]);
		cr_assert_eq(v[i].kind, CG_ENTRY_BLOB);
		snprintf(cmd, sizeof(cmd), "git rev-parse %s:%s", at,
		    v[i].path);
		cr_assert_str_eq(v[i].oid, git_out(cmd), "%s", v[i].path);
	}
	cr_assert_eq(v[2].size, size, "size of apps/web/db/migrations/2.sql");
}

Test(git_changes, list_returns_only_matching_paths_sorted)
{
	struct cg_repo *r;
	struct cg_entry *v = NULL;
	struct cg_side head, empty = { CG_SIDE_EMPTY, "" };
	struct cg_err err = CG_ERR_INIT;
	size_t n = 99;

	nested_tree();
	r = open_repo();
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	cg_assert_ok(cg_repo_list(&v, &n, r, &head, nested_globs, 4, &err),
	    &err);
	assert_nested(v, n, "HEAD", 0);
	cg_entries_free(v, n);
	v = NULL;
	cg_assert_ok(cg_repo_list(&v, &n, r, &empty, nested_globs, 4, &err),
	    &err);
	cr_assert_eq(n, 0);
	cg_entries_free(v, n);
	cg_repo_free(r);
}

/*
 * With a folder's tree object gone, a listing that must not look there
 * still works, and one whose '**' reaches it fails: the walk is pruned.
 */
Test(git_changes, list_walks_only_folders_a_glob_reaches)
{
	/* Wildcards where the missing folders are: they are iterated. */
	const char *narrow[] = { "migrations/*.sql", "a*/*/db/m*/*.sql" };
	const char *wide[] = { "**/*.sql" };
	struct cg_repo *r;
	struct cg_entry *v = NULL;
	struct cg_side head;
	struct cg_err err = CG_ERR_INIT;
	char *tree, obj[4300];
	size_t n = 0;

	nested_tree();
	tree = rev("HEAD:unrelated");
	snprintf(obj, sizeof(obj), "%s/.git/objects/%.2s/%s", repo, tree,
	    tree + 2);
	cr_assert_eq(remove(obj), 0, "%s", obj);
	free(tree);
	tree = rev("HEAD:apps/web/db/other");
	snprintf(obj, sizeof(obj), "%s/.git/objects/%.2s/%s", repo, tree,
	    tree + 2);
	cr_assert_eq(remove(obj), 0, "%s", obj);
	free(tree);

	r = open_repo();
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	cg_assert_ok(cg_repo_list(&v, &n, r, &head, narrow, 2, &err), &err);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(v[0].path, "apps/api/db/migrations/1.sql");
	cr_assert_str_eq(v[1].path, "apps/web/db/migrations/2.sql");
	cr_assert_str_eq(v[2].path, "migrations/0001_a.sql");
	cg_entries_free(v, n);
	v = NULL;
	cr_assert_eq(cg_repo_list(&v, &n, r, &head, wide, 1, &err), CG_EGIT);
	cr_assert_null(v);
	cr_assert(strstr(err.msg, "cannot read folder") != NULL, "%s",
	    err.msg);
	cg_repo_free(r);
}

Test(git_changes, symlinks_and_submodules_keep_their_kind)
{
	const char *globs[] = { "migrations/*.sql" };
	struct cg_repo *r;
	struct cg_entry *v = NULL;
	struct cg_side head, index = { CG_SIDE_INDEX, "" };
	struct cg_err err = CG_ERR_INIT;
	char *data = NULL;
	size_t n = 0, len = 0, pass;
	int rc;

	write_file("migrations/0001_a.sql", "CREATE TABLE a(id);\n");
	sh("ln -s 0001_a.sql migrations/0002_link.sql && git add -A && "
	    "git update-index --add --cacheinfo "
	    "160000,1111111111111111111111111111111111111111,"
	    "migrations/0003_sub.sql && git commit -qm links");
	r = open_repo();
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	for (pass = 0; pass < 2; pass++) {
		cg_assert_ok(cg_repo_list(&v, &n, r, pass ? &index : &head,
		    globs, 1, &err), &err);
		cr_assert_eq(n, 3);
		cr_assert_eq(v[0].kind, CG_ENTRY_BLOB);
		cr_assert_eq(v[1].kind, CG_ENTRY_SYMLINK);
		cr_assert_str_eq(v[1].path, "migrations/0002_link.sql");
		cr_assert_eq(v[2].kind, CG_ENTRY_SUBMODULE);
		cr_assert_str_eq(v[2].oid,
		    "1111111111111111111111111111111111111111");
		cg_entries_free(v, n);
		v = NULL;
		/* read_path refuses what is not a regular file. */
		rc = cg_repo_read_path(&data, &len, r, pass ? &index : &head,
		    "migrations/0002_link.sql", 1000, &err);
		cr_assert_eq(rc, CG_EINPUT);
		cr_assert_null(data);
		cr_assert(strstr(err.msg, "is not a regular file") != NULL,
		    "%s", err.msg);
	}
	cg_repo_free(r);
}

Test(git_changes, index_listing_follows_GIT_INDEX_FILE)
{
	struct cg_repo *r;
	struct cg_entry *v = NULL;
	struct cg_side index = { CG_SIDE_INDEX, "" };
	struct cg_err err = CG_ERR_INIT;
	char tmpidx[4200];
	char *data = NULL;
	size_t n = 0, len = 0;

	nested_tree();
	/* A temporary index, as `git commit <paths>` hands the hook. */
	write_file("migrations/0009_new.sql", "CREATE TABLE n(id);\n");
	write_file("migrations/0009_new.down.sql", "DROP TABLE n;\n");
	snprintf(tmpidx, sizeof(tmpidx), "%s/tmp-index", dir);
	sh("GIT_INDEX_FILE=../tmp-index git read-tree HEAD && "
	    "GIT_INDEX_FILE=../tmp-index git add migrations");

	/* The repository's own index does not have it. */
	r = open_repo();
	cg_assert_ok(cg_repo_list(&v, &n, r, &index, nested_globs, 4, &err),
	    &err);
	assert_nested(v, n, "HEAD", 5);
	cg_entries_free(v, n);
	v = NULL;
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &index,
	    "migrations/0009_new.sql", 1000, &err), &err);
	cr_assert_null(data);
	cg_repo_free(r);

	cr_assert_eq(setenv("GIT_INDEX_FILE", tmpidx, 1), 0);
	r = open_repo();
	cg_assert_ok(cg_repo_list(&v, &n, r, &index, nested_globs, 4, &err),
	    &err);
	cr_assert_eq(n, 6);
	cr_assert_str_eq(v[4].path, "migrations/0009_new.sql");
	cr_assert_str_eq(v[4].oid, git_out("git hash-object "
	    "migrations/0009_new.sql"));
	cr_assert_eq(v[4].size, 20);
	cr_assert_str_eq(v[5].path,
	    "prisma/migrations/2024_init/migration.sql");
	cg_entries_free(v, n);
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &index,
	    "migrations/0009_new.sql", 1000, &err), &err);
	cr_assert_str_eq(data, "CREATE TABLE n(id);\n");
	cr_assert_eq(len, 20);
	free(data);
	cg_repo_free(r);
}

Test(git_changes, read_path_reads_commit_content)
{
	struct cg_repo *r;
	struct cg_side head, empty = { CG_SIDE_EMPTY, "" };
	struct cg_err err = CG_ERR_INIT;
	char *data = NULL;
	size_t len = 0;

	nested_tree();
	r = open_repo();
	cg_assert_ok(cg_repo_head_side(&head, r, &err), &err);
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &head,
	    "apps/web/db/migrations/2.sql", 1000, &err), &err);
	cr_assert_str_eq(data, "two!\n");
	cr_assert_eq(len, 5);
	free(data);
	data = NULL;
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &head, "no/such.sql",
	    1000, &err), &err);
	cr_assert_null(data);
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &head,
	    "migrations/README.md/x", 1000, &err), &err);
	cr_assert_null(data);
	cg_assert_ok(cg_repo_read_path(&data, &len, r, &empty,
	    "migrations/0001_a.sql", 1000, &err), &err);
	cr_assert_null(data);
	cr_assert_eq(cg_repo_read_path(&data, &len, r, &head, "migrations",
	    1000, &err), CG_EINPUT);
	cr_assert_null(data);
	cr_assert_eq(cg_repo_read_path(&data, &len, r, &head,
	    "apps/web/db/migrations/2.sql", 4, &err), CG_EINPUT);
	cr_assert_null(data);
	cg_repo_free(r);
}

Test(git_changes, read_blob_checks_the_size_first)
{
	struct cg_repo *r;
	struct cg_err err = CG_ERR_INIT;
	char big[101], want[256];
	char *oid, *data = NULL;
	size_t len = 0;

	memset(big, 'x', 100);
	big[100] = '\0';
	write_file("migrations/big.sql", big);
	commit("big");
	oid = rev("HEAD:migrations/big.sql");
	r = open_repo();
	cr_assert_eq(cg_repo_read_blob(&data, &len, r, oid, 99, &err),
	    CG_EINPUT);
	cr_assert_null(data);
	snprintf(want, sizeof(want), "'%s' is 100 bytes, more than the limit "
	    "of 99", oid);
	cr_assert_str_eq(err.msg, want);
	cg_assert_ok(cg_repo_read_blob(&data, &len, r, oid, 100, &err), &err);
	cr_assert_eq(len, 100);
	cr_assert_str_eq(data, big);
	free(data);
	data = NULL;

	cr_assert_eq(cg_repo_read_blob(&data, &len, r,
	    "0123456789012345678901234567890123456789", 100, &err), CG_EGIT);
	cr_assert(strncmp(err.msg, "cannot read object "
	    "0123456789012345678901234567890123456789: ", 60) == 0, "%s",
	    err.msg);
	cr_assert_eq(cg_repo_read_blob(&data, &len, r, "xyz", 100, &err),
	    CG_EINPUT);
	free(oid);
	oid = rev("HEAD^{tree}");
	cr_assert_eq(cg_repo_read_blob(&data, &len, r, oid, 100, &err),
	    CG_EINPUT);
	cr_assert(strstr(err.msg, "not a blob") != NULL, "%s", err.msg);
	free(oid);
	cg_repo_free(r);
}

Test(git_changes, shallow_clone_is_refused)
{
	struct cg_repo *r = NULL;
	struct cg_err err = CG_ERR_INIT;
	char path[4200];

	history();
	cr_assert_eq(cg_test_sh(dir, "git clone -q --depth 1 "
	    "file://%s shallow", repo), 0);
	snprintf(path, sizeof(path), "%s/shallow", dir);
	cr_assert_eq(cg_repo_open(&r, path, 0, &err), CG_EINPUT);
	cr_assert_null(r);
	cr_assert_str_eq(err.msg, "this clone is shallow: fetch the full "
	    "history (e.g. git fetch --unshallow, or fetch-depth: 0 in "
	    "actions/checkout)");
}

Test(git_changes, quarantine_objects_are_visible_when_asked)
{
	struct cg_repo *r = NULL;
	struct cg_err err = CG_ERR_INIT;
	char q[4200];
	char *data = NULL, *oid;
	size_t len = 0;

	history();
	snprintf(q, sizeof(q), "%s/quarantine", dir);
	cr_assert_eq(cg_test_sh(dir, "mkdir quarantine && cd repo && "
	    "echo pushed > ../pushed && "
	    "GIT_OBJECT_DIRECTORY=../quarantine git hash-object -w ../pushed "
	    "> ../oid"), 0);
	oid = strdup(git_out("cat ../oid"));
	cr_assert_eq(setenv("GIT_QUARANTINE_PATH", q, 1), 0);

	cg_assert_ok(cg_repo_open(&r, repo, 0, &err), &err);
	cr_assert_eq(cg_repo_read_blob(&data, &len, r, oid, 100, &err),
	    CG_EGIT);
	cg_repo_free(r);

	cg_assert_ok(cg_repo_open(&r, repo, CG_REPO_QUARANTINE, &err), &err);
	cg_assert_ok(cg_repo_read_blob(&data, &len, r, oid, 100, &err), &err);
	cr_assert_str_eq(data, "pushed\n");
	free(data);
	free(oid);
	cg_repo_free(r);
}

Test(git_changes, index_listing_skips_unmerged_entries)
{
	const char *globs[] = { "migrations/*.sql" };
	struct cg_repo *r;
	struct cg_entry *v = NULL;
	struct cg_side index = { CG_SIDE_INDEX, "" };
	struct cg_err err = CG_ERR_INIT;
	size_t n = 0;

	history();
	sh("git checkout -q feature");
	write_file("migrations/0001_a.sql", "CREATE TABLE a(feature);\n");
	commit("feature edits");
	sh("git checkout -q main");
	write_file("migrations/0001_a.sql", "CREATE TABLE a(main);\n");
	commit("main edits");
	cr_assert_neq(cg_test_sh(dir, "cd repo && git merge -q feature "
	    ">/dev/null 2>&1"), 0, "the merge conflicts");
	r = open_repo();
	cg_assert_ok(cg_repo_list(&v, &n, r, &index, globs, 1, &err), &err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(v[0].path, "migrations/0002_b.sql");
	cr_assert_str_eq(v[1].path, "migrations/0003_f.sql");
	cg_entries_free(v, n);
	cg_repo_free(r);
}
