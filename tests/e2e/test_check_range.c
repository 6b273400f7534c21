/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard check-range` end to end: real repositories built with
 * git in a temporary folder, the real binary, exit codes and messages.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/repo.h"

static char *dir;

static void
setup(void)
{
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(check_range, .init = setup, .fini = teardown);

static void
commit(const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0);
}

static void
run(struct cg_run *r, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	const char *args[] = { a1, a2, a3, a4, NULL };

	cg_test_run(r, dir, args, NULL, NULL);
}

/* main: 0001 + 0002 of the incident; branch `feature` adds `file`. */
static void
incident_history(const char *file)
{
	char dst[256];

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	commit("history");
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	snprintf(dst, sizeof(dst), "migrations/%s", file);
	cg_test_copy(dir, dst, file[0] == '0' && strstr(file, "rebuild") ?
	    "examples/incident/0003_rebuild_projects.sql" :
	    "examples/incident/0003_add_columns.sql");
	commit("feature");
}

Test(check_range, incident_rebuild_is_rejected_and_names_all_nine_tables)
{
	static const char *const lost[] = { "tasks", "task_logs",
		"project_members", "environments", "Deploy Keys", "secrets",
		"webhooks", "api_keys", "usage_daily" };
	struct cg_run r;
	char line[128];
	size_t i;

	incident_history("0003_rebuild_projects.sql");
	run(&r, "check-range", "main..feature", NULL, NULL);
	cr_assert_eq(r.code, 1, "exit %d\nstdout:\n%s\nstderr:\n%s", r.code,
	    r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0003_rebuild_projects.sql:16:1: "
	    "error[cascade-drop]: DROP TABLE projects deletes every row of 9 "
	    "tables through ON DELETE CASCADE") != NULL, "%s", r.out);
	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
		snprintf(line, sizeof(line), "\n    %s ", lost[i]);
		cr_assert(strstr(r.out, line) != NULL, "%s missing:\n%s",
		    lost[i], r.out);
	}
	cr_assert(strstr(r.out, "task_logs.task_id -> tasks.id -> projects.id")
	    != NULL, "%s", r.out);
	/* the simulation's rows, on the same finding as the static path */
	cr_assert(strstr(r.out, "task_logs.task_id -> tasks.id -> projects.id  "
	    "[simulated: 2 of 2 rows lost]") != NULL, "%s", r.out);
	cr_assert_eq(cg_test_count(r.out, "error["), 1, "%s", r.out);
	cr_assert(strstr(r.out, "tasks.project_id -> projects.id") != NULL);
	/* SET NULL: the audit trail keeps its rows, so it is listed apart */
	cr_assert(strstr(r.out, "tables whose rows change:\n    audit_events")
	    != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "0003_rebuild_projects.sql:3:1: "
	    "warning[fk-pragma-ignored]") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "help: ") != NULL);
	cr_assert(strstr(r.out, "ADD COLUMN") != NULL);
	cr_assert(strstr(r.out, "cascadeguard: 1 error, 1 warning") != NULL,
	    "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, same_change_with_alter_table_add_column_is_clean)
{
	struct cg_run r;

	incident_history("0003_add_columns.sql");
	run(&r, "check-range", "main..feature", NULL, NULL);
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "cascadeguard: 0 errors, 0 warnings (1 new "
	    "migration checked on a history of 2, target d1)") != NULL, "%s",
	    r.out);
	cg_run_release(&r);
}

/* Options may follow the range, as in git; "--" still ends them. */
Test(check_range, options_after_the_range)
{
	struct cg_run r;

	incident_history("0003_rebuild_projects.sql");
	run(&r, "check-range", "main..feature", "--format", "json");
	cr_assert_eq(r.code, 1, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "\"rule\": \"cascade-drop\"") != NULL, "%s",
	    r.out);
	cg_run_release(&r);
	run(&r, "check-range", "--", "--format", NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "--format") != NULL, "%s", r.err);
	cg_run_release(&r);
	/* an unknown short option is named, not the word before it */
	run(&r, "check-range", "main..feature", "-qx", NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "unknown option '-q'") != NULL, "%s", r.err);
	cg_run_release(&r);
}

Test(check_range, three_dot_and_single_revision_ranges)
{
	struct cg_run r;

	incident_history("0003_rebuild_projects.sql");
	/* main moves on after feature branched off: A...B uses the merge base */
	cr_assert_eq(cg_test_sh(dir, "git checkout -q main && "
	    "echo '-- docs' > README && git add README && "
	    "git commit -qm readme && git checkout -q feature"), 0);
	run(&r, "check-range", "main...feature", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "error[cascade-drop]") != NULL);
	cg_run_release(&r);
	run(&r, "check-range", "feature", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "history of 2") != NULL, "%s", r.out);
	cg_run_release(&r);
	/* the root commit alone: base is the empty tree */
	run(&r, "check-range", "main~1", NULL, NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "2 new migrations checked on a history of 0")
	    != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, dash_C_runs_in_another_folder)
{
	const char *args[] = { "check-range", "-C", NULL, "main..feature",
		NULL };
	char *other = cg_test_tmpdir();
	struct cg_run r;

	incident_history("0003_rebuild_projects.sql");
	args[2] = dir;
	cg_test_run(&r, other, args, NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cg_run_release(&r);
	cg_test_rmrf(other);
	free(other);
}

static const char drizzle_rebuild[] =
    "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
    "CREATE TABLE `__new_projects` (`id` text PRIMARY KEY NOT NULL, "
    "`name` text NOT NULL, `created_at` integer NOT NULL, "
    "`description` text);\n"
    "--> statement-breakpoint\n"
    "INSERT INTO `__new_projects`(\"id\", \"name\", \"created_at\") "
    "SELECT \"id\", \"name\", \"created_at\" FROM `projects`;"
    "--> statement-breakpoint\n"
    "DROP TABLE `projects`;--> statement-breakpoint\n"
    "ALTER TABLE `__new_projects` RENAME TO `projects`;"
    "--> statement-breakpoint\n"
    "PRAGMA foreign_keys=ON;";

Test(check_range, drizzle_rebuild_is_an_error_on_d1_and_clean_on_sqlite)
{
	struct cg_run r;

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	commit("init");
	cg_test_write(dir, "migrations/0002_rebuild.sql", drizzle_rebuild);
	commit("rebuild");

	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0002_rebuild.sql:5:1: error[cascade-drop]: "
	    "DROP TABLE projects deletes every row of 5 tables") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "0002_rebuild.sql:1:1: "
	    "warning[fk-pragma-ignored]") != NULL, "%s", r.out);
	cg_run_release(&r);

	/* outside a transaction, plain SQLite honours foreign_keys=OFF */
	run(&r, "check-range", "--target", "sqlite", "HEAD");
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "target sqlite") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "cascade-drop") == NULL, "%s", r.out);
	cg_run_release(&r);

	/* the same choice from the repository's .cascadeguard */
	cg_test_write(dir, ".cascadeguard", "[cascadeguard]\ntarget = sqlite\n");
	commit("config");
	run(&r, "check-range", "HEAD~2..HEAD", NULL, NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "target sqlite") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, sqlite_target_pragma_inside_a_transaction_does_not_protect)
{
	struct cg_run r;

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	commit("init");
	cg_test_write(dir, "migrations/0002_rebuild.sql",
	    "BEGIN;\nPRAGMA foreign_keys=OFF;\nDROP TABLE tasks;\nCOMMIT;\n");
	commit("rebuild");
	run(&r, "check-range", "--target", "sqlite", "HEAD");
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0002_rebuild.sql:3:1: error[cascade-drop]: "
	    "DROP TABLE tasks deletes every row of 1 table") != NULL, "%s",
	    r.out);
	cr_assert(strstr(r.out, "0002_rebuild.sql:2:1: "
	    "warning[fk-pragma-ignored]") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "transaction-in-migration") == NULL);
	cg_run_release(&r);
	/* on d1 the BEGIN itself is an error */
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1);
	cr_assert(strstr(r.out, "0002_rebuild.sql:1:1: "
	    "error[transaction-in-migration]") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, parent_renamed_by_an_earlier_migration_still_cascades)
{
	struct cg_run r;

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_write(dir, "migrations/0002_rename.sql",
	    "ALTER TABLE projects RENAME TO Workspaces;\n");
	commit("history");
	cg_test_write(dir, "migrations/0003_drop.sql",
	    "-- workspaces are replaced by teams\n\n"
	    "DROP TABLE \"workspaces\";\n");
	commit("drop");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0003_drop.sql:3:1: error[cascade-drop]: "
	    "DROP TABLE Workspaces deletes every row of 5 tables") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "tasks.project_id -> Workspaces.id") != NULL,
	    "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, migration_that_does_not_apply_is_migration_fails)
{
	struct cg_run r;

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	commit("init");
	cg_test_write(dir, "migrations/0002_bad.sql",
	    "ALTER TABLE projects ADD COLUMN owner TEXT;\n"
	    "ALTER TABLE projcts ADD COLUMN note TEXT;\n"
	    "DROP TABLE projects;\n");
	commit("bad");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0002_bad.sql:2:1: error[migration-fails]: ")
	    != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "no such table: projcts") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, binary_file_is_refused_not_a_crash)
{
	static const char bin[] = "CREATE TABLE a (id);\n\0\x01\x02garbage";
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_a.sql", "CREATE TABLE x (id);\n");
	commit("init");
	cg_test_write_bytes(dir, "migrations/0002_bin.sql", bin,
	    sizeof(bin) - 1);
	commit("binary");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0002_bin.sql: error[file-refused]: "
	    "migration file refused: binary content (a NUL byte at line 2)")
	    != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, invalid_utf8_is_refused)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_a.sql", "CREATE TABLE x (id);\n");
	commit("init");
	cg_test_write(dir, "migrations/0002_latin1.sql",
	    "-- caf\xe9\nCREATE TABLE y (id);\n");
	commit("latin1");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "not valid UTF-8 (at line 1)") != NULL, "%s",
	    r.out);
	cg_run_release(&r);
}

Test(check_range, range_errors_exit_2_with_one_clear_message)
{
	char *notrepo = cg_test_tmpdir();
	const char *args[] = { "check-range", "main..feature", NULL };
	struct cg_run r;

	incident_history("0003_add_columns.sql");
	run(&r, "check-range", "main..nosuchbranch", NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "unknown revision 'nosuchbranch'") != NULL,
	    "%s", r.err);
	cr_assert_str_empty(r.out);
	cg_run_release(&r);

	run(&r, "check-range", "feature..main", NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "empty range") != NULL, "%s", r.err);
	cg_run_release(&r);

	cg_test_run(&r, notrepo, args, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "not a git repository") != NULL, "%s", r.err);
	cg_run_release(&r);
	cg_test_rmrf(notrepo);
	free(notrepo);

	run(&r, "check-range", NULL, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "no range given") != NULL, "%s", r.err);
	cr_assert(strstr(r.err, "usage: cascadeguard check-range") != NULL);
	cg_run_release(&r);

	run(&r, "check-range", "--bogus", "HEAD", NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "unknown option '--bogus'") != NULL, "%s",
	    r.err);
	cg_run_release(&r);

	run(&r, "check-range", "--target", "postgres", "HEAD");
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "postgres") != NULL, "%s", r.err);
	cg_run_release(&r);
}

Test(check_range, reads_git_objects_not_the_working_tree)
{
	struct cg_run r;

	incident_history("0003_rebuild_projects.sql");
	/* an uncommitted fix in the working tree changes nothing */
	cg_test_copy(dir, "migrations/0003_rebuild_projects.sql",
	    "examples/incident/0003_add_columns.sql");
	run(&r, "check-range", "main..feature", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cg_run_release(&r);
}

Test(check_range, editing_an_applied_migration_is_reported)
{
	struct cg_run r;

	incident_history("0003_add_columns.sql");
	cg_test_sh(dir, "echo 'CREATE INDEX tasks_by_project ON "
	    "tasks(project_id);' >> migrations/0001_init.sql && "
	    "git mv migrations/0002_more_children.sql "
	    "migrations/0002_children.sql && git commit -qam edit");
	run(&r, "check-range", "main..feature", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0001_init.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "edited") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "migrations/0002_more_children.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "renamed to 'migrations/0002_children.sql'") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, natural_order_runs_2_before_10)
{
	struct cg_run r;

	cg_test_write(dir, "db/migrations/2_users.sql",
	    "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "db/migrations/10_posts.sql",
	    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER "
	    "REFERENCES users(id) ON DELETE CASCADE);\n");
	commit("history");
	cg_test_write(dir, "db/migrations/11_drop.sql", "DROP TABLE users;\n");
	commit("drop");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "history-replay-fails") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "posts.user_id -> users.id") != NULL, "%s",
	    r.out);
	cg_run_release(&r);
}

Test(check_range, drizzle_journal_decides_the_order)
{
	struct cg_run r;

	/* file names sort the other way round from the journal */
	cg_test_write(dir, "drizzle/0000_b_posts.sql",
	    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER "
	    "REFERENCES users(id) ON DELETE CASCADE);\n");
	cg_test_write(dir, "drizzle/0001_a_users.sql",
	    "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "drizzle/meta/_journal.json",
	    "{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
	    "{\"idx\":1,\"version\":\"6\",\"when\":2,\"tag\":\"0000_b_posts\","
	    "\"breakpoints\":true},"
	    "{\"idx\":0,\"version\":\"6\",\"when\":1,\"tag\":\"0001_a_users\","
	    "\"breakpoints\":true}]}");
	commit("history");
	cg_test_write(dir, "drizzle/0002_c.sql",
	    "DELETE FROM users WHERE id = 1;\n");
	/* drizzle runs only what its journal names (not-in-journal) */
	cg_test_write(dir, "drizzle/meta/_journal.json",
	    "{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
	    "{\"idx\":1,\"version\":\"6\",\"when\":2,\"tag\":\"0000_b_posts\","
	    "\"breakpoints\":true},"
	    "{\"idx\":0,\"version\":\"6\",\"when\":1,\"tag\":\"0001_a_users\","
	    "\"breakpoints\":true},"
	    "{\"idx\":2,\"version\":\"6\",\"when\":3,\"tag\":\"0002_c\","
	    "\"breakpoints\":true}]}");
	commit("delete");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0002_c.sql:1:1: error[cascade-delete]") !=
	    NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(check_range, replace_into_a_cascade_parent_is_cascade_delete)
{
	struct cg_run r;

	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	commit("init");
	cg_test_write(dir, "migrations/0002_seed.sql",
	    "INSERT OR REPLACE INTO projects (id, name, created_at) "
	    "VALUES ('p1', 'Demo', 0);\n"
	    "REPLACE INTO \"PROJECTS\" (id, name, created_at) "
	    "VALUES ('p2', 'Demo', 0);\n"
	    "INSERT INTO projects (id, name, created_at) "
	    "VALUES ('p3', 'ok', 0) ON CONFLICT (id) DO NOTHING;\n");
	commit("seed");
	run(&r, "check-range", "HEAD", NULL, NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0002_seed.sql:1:1: error[cascade-delete]")
	    != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "0002_seed.sql:2:1: error[cascade-delete]")
	    != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "0002_seed.sql:3:") == NULL, "%s", r.out);
	cg_run_release(&r);
}

/* Full id of a revision of the test repository. */
static void
rev_parse(char out[64], const char *rev)
{
	char path[4096];
	FILE *f;

	cr_assert_eq(cg_test_sh(dir, "git rev-parse '%s' > .rev", rev), 0);
	snprintf(path, sizeof(path), "%s/.rev", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(out, 64, f));
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	cr_assert_eq(cg_test_sh(dir, "rm .rev"), 0);
}

/*
 * A branch whose second commit adds a cascading DROP and whose third
 * rewrites it before the push: the range's ends see only the clean
 * final file; --each-commit checks each commit against its parent,
 * finds the DROP in the commit that had it and the rewrite of a file
 * that commit already applied, each naming its commit.
 */
Test(check_range, each_commit_checks_every_commit_of_the_range)
{
	struct cg_run r;
	char bad[64], fix[64], want[128];

	cg_test_write(dir, "migrations/0001_init.sql",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY,\n"
	    "  p INTEGER REFERENCES p(id) ON DELETE CASCADE);\n");
	commit("init");
	cr_assert_eq(cg_test_sh(dir, "git tag base"), 0);
	cg_test_write(dir, "migrations/0002_change.sql", "DROP TABLE p;\n");
	commit("drop");
	rev_parse(bad, "HEAD");
	cg_test_write(dir, "migrations/0002_change.sql",
	    "ALTER TABLE p ADD COLUMN name TEXT;\n");
	commit("fix");
	rev_parse(fix, "HEAD");

	run(&r, "check-range", "base..HEAD", NULL, NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "commit:"), "%s", r.out);
	cg_run_release(&r);

	run(&r, "check-range", "--each-commit", "base..HEAD", NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0002_change.sql:1:1: "
	    "error[cascade-drop]: DROP TABLE p") != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "  commit: %.12s\n", bad);
	cr_assert(strstr(r.out, want) != NULL, "want '%s' in\n%s", want,
	    r.out);
	cr_assert(strstr(r.out, "migrations/0002_change.sql: "
	    "error[applied-migration-changed]") != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "  commit: %.12s\n", fix);
	cr_assert(strstr(r.out, want) != NULL, "want '%s' in\n%s", want,
	    r.out);
	cr_assert_eq(cg_test_count(r.out, "  commit: "), 2, "%s", r.out);
	cg_run_release(&r);
}
