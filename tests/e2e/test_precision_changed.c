/* SPDX-License-Identifier: MIT */
/*
 * Issue #13, class 7: an edit of an applied migration that changes only
 * comments or whitespace.  Runners that never read an applied file again
 * (wrangler, drizzle, golang-migrate) get a note; sqlx and prisma
 * checksum the bytes, so there it stays an error that says so; a real
 * statement edit stays an error everywhere.  Real repositories, the real
 * binary.
 */
#include <criterion/criterion.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(applied_edit);

/* cascadeguard with the NULL-terminated arguments, in dir. */
#define run(r, ...) cg_test_runl((r), dir, __VA_ARGS__)

static const char init_sql[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
    "DEFAULT 'a b');\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

/* The same statements, commented and laid out again (CRLF too). */
static const char init_sql_reformatted[] =
    "-- The first schema.\r\n"
    "CREATE TABLE projects (\r\n"
    "\tid INTEGER PRIMARY KEY,\t/* surrogate key */\r\n"
    "\tname TEXT NOT NULL DEFAULT 'a b'\r\n"
    ") ;\r\n"
    "\r\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL\n    REFERENCES projects(id) ON DELETE CASCADE); -- children\n";

/* One real change: a column more. */
static const char init_sql_edited[] =
    "-- The first schema.\n"
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
    "DEFAULT 'a b', owner TEXT);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

/* Only a blank inside a string literal: the stored default changes. */
static const char init_sql_literal[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
    "DEFAULT 'a  b');\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

/* A history of one file at path, then the edit of it to text. */
static void
edit_applied(const char *path, const char *text)
{
	cg_test_commit_files(dir, "init", path, init_sql, NULL);
	cg_test_commit_files(dir, "edit", path, text, NULL);
}

static const char d1_note[] =
    "migrations/0001_init.sql: note[applied-migration-changed]: only "
    "comments or whitespace changed in an already applied migration; d1 "
    "does not checksum applied files, so production is unaffected";

static const char edited_error[] =
    "migrations/0001_init.sql: error[applied-migration-changed]: already "
    "applied migration edited: production ran the old text, so the new "
    "text never runs there";

Test(applied_edit, d1_comment_and_whitespace_edit_is_a_note)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	edit_applied("migrations/0001_init.sql", init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, d1_note);
	ASSERT_NO(&r, "error[");
	cg_run_release(&r);
}

Test(applied_edit, d1_statement_edit_is_still_an_error)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	edit_applied("migrations/0001_init.sql", init_sql_edited);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, edited_error);
	ASSERT_NO(&r, "note[applied-migration-changed]");
	cg_run_release(&r);
}

Test(applied_edit, d1_blank_inside_a_string_literal_is_an_edit)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	edit_applied("migrations/0001_init.sql", init_sql_literal);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, edited_error);
	cg_run_release(&r);
}

Test(applied_edit, operator_split_by_a_blank_is_an_edit)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	cg_test_commit_files(dir, "init", "migrations/0001_init.sql", init_sql,
	    "migrations/0002_idx.sql",
	    "CREATE INDEX p_small ON projects(id) WHERE id <= 10;\n", NULL);
	cg_test_commit_files(dir, "edit", "migrations/0002_idx.sql",
	    "CREATE INDEX p_small ON projects(id) WHERE id < = 10;\n", NULL);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_idx.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "edited: production ran");
	cg_run_release(&r);
}

Test(applied_edit, drizzle_comment_edit_is_a_note)
{
	struct cg_run r;

	cg_test_write(dir, "drizzle/meta/_journal.json",
	    "{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
	    "{\"idx\":0,\"version\":\"6\",\"when\":1700000000000,"
	    "\"tag\":\"0000_init\",\"breakpoints\":true}]}\n");
	edit_applied("drizzle/0000_init.sql", init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "drizzle/0000_init.sql: "
	    "note[applied-migration-changed]: only comments or whitespace "
	    "changed in an already applied migration; drizzle does not "
	    "checksum applied files");
	cg_run_release(&r);
}

Test(applied_edit, golang_migrate_comment_edit_is_a_note)
{
	struct cg_run r;

	edit_applied("migrations/1_init.up.sql", init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", "--target",
	    "golang-migrate", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/1_init.up.sql: "
	    "note[applied-migration-changed]: only comments or whitespace "
	    "changed in an already applied migration; golang-migrate does "
	    "not checksum applied files");
	cg_run_release(&r);
}

Test(applied_edit, sqlx_comment_edit_is_an_error_naming_the_checksum)
{
	struct cg_run r;

	cg_test_write_sqlx(dir);
	edit_applied("migrations/0001_init.sql", init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0001_init.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "edited (only comments or whitespace): sqlx stores a SHA-384 "
	    "checksum of the file's bytes and 'sqlx migrate run' refuses it "
	    "(\"migration ... was previously applied but has been "
	    "modified\")");
	cg_run_release(&r);
}

Test(applied_edit, sqlx_statement_edit_is_an_error)
{
	struct cg_run r;

	cg_test_write_sqlx(dir);
	edit_applied("migrations/0001_init.sql", init_sql_edited);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, edited_error);
	cg_run_release(&r);
}

Test(applied_edit, prisma_comment_edit_is_an_error_naming_the_checksum)
{
	struct cg_run r;

	cg_test_write(dir, "prisma/migrations/migration_lock.toml",
	    "provider = \"sqlite\"\n");
	edit_applied("prisma/migrations/20240101000000_init/migration.sql",
	    init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "prisma/migrations/20240101000000_init/migration.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "edited (only comments or whitespace): prisma stores a SHA-256 "
	    "checksum of migration.sql");
	cg_run_release(&r);
}

Test(applied_edit, rules_severity_still_applies_to_the_note)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	cg_test_write(dir, ".cascadeguard",
	    "[rules]\napplied-migration-changed = error\n");
	edit_applied("migrations/0001_init.sql", init_sql_reformatted);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0001_init.sql: "
	    "error[applied-migration-changed]: only comments or whitespace");
	cg_run_release(&r);
}
