/* SPDX-License-Identifier: MIT */
/*
 * Migration sets found from the repository's layout (no --migrations,
 * no `migrations =` in .cascadeguard): wrangler D1 bindings, drizzle
 * journals, prisma lock files, sqlx crates and plain folders, each set
 * replayed into its own database with its tool's runner model.  Real
 * repositories, the real binary, exact finding lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(layouts);

/* cascadeguard with the NULL-terminated arguments, in dir. */
#define run(r, ...) cg_test_runl((r), dir, __VA_ARGS__)

static const char parent_and_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

static const char parent_only[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";

/* The usual SQLite rebuild: DROP TABLE projects on line 3. */
static const char rebuild[] =
    "CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "slug TEXT);\n"
    "INSERT INTO projects_new (id, name) SELECT id, name FROM projects;\n"
    "DROP TABLE projects;\n"
    "ALTER TABLE projects_new RENAME TO projects;\n";

#define CASCADE_DROP_1 "error[cascade-drop]: DROP TABLE projects deletes " \
	"every row of 1 table through ON DELETE CASCADE"

/* 1. wrangler.toml */

static void
wrangler_api_history(void)
{
	cg_test_write(dir, "apps/api/wrangler.toml",
	    "name = \"api\"\n"
	    "main = \"src/index.ts\"\n"
	    "compatibility_date = \"2024-01-01\"\n"
	    "\n"
	    "[[d1_databases]]\n"
	    "binding = \"DB\"\n"
	    "database_name = \"api-db\"\n"
	    "database_id = \"00000000-0000-0000-0000-000000000000\"\n"
	    "migrations_dir = \"db/d1\"\n");
	cg_test_write(dir, "apps/api/db/d1/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
}

Test(layouts, wrangler_toml_custom_migrations_dir_is_found_without_config)
{
	struct cg_run r;

	wrangler_api_history();
	cg_test_branch(dir, "rebuild");
	cg_test_write(dir, "apps/api/db/d1/0002_rebuild.sql", rebuild);
	cg_test_commit(dir, "rebuild");
	run(&r, "check-range", "main..rebuild", NULL);
	ASSERT_EXIT(&r, 1);
	/* one set: no prefix; the D1 runner model (wrapped, FK on) */
	ASSERT_LINE(&r, "apps/api/db/d1/0002_rebuild.sql:3:1: "
	    CASCADE_DROP_1);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 1, target d1)");
	cg_run_release(&r);

	/* the same files without the wrangler.toml: nothing is a set */
	cr_assert_eq(cg_test_sh(dir, "git rm -q apps/api/wrangler.toml && "
	    "git commit -qm nowrangler"), 0);
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "0 migration sets at HEAD:");
	cg_run_release(&r);
	/* but the base's set is checked: removing the config hides nothing */
	run(&r, "check-range", "main..rebuild", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[DB] apps/api/db/d1/0002_rebuild.sql:3:1: "
	    CASCADE_DROP_1);
	cg_run_release(&r);
}

/*
 * The wrangler config names db/d1, so the config folder's default
 * "migrations" folder is not that database's: a stray file there is not
 * checked (as the feature brief says).
 */
Test(layouts, wrangler_default_dir_unused_when_migrations_dir_is_set)
{
	struct cg_run r;

	wrangler_api_history();
	cg_test_branch(dir, "stray");
	cg_test_write(dir, "apps/api/db/d1/0002_rebuild.sql", rebuild);
	cg_test_write(dir, "apps/api/migrations/0002_unused.sql",
	    "DROP TABLE no_such_table;\n");
	cg_test_commit(dir, "stray");
	run(&r, "check-range", "main..stray", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "apps/api/db/d1/0002_rebuild.sql:3:1: "
	    CASCADE_DROP_1);
	cr_assert(strstr(r.out, "0002_unused.sql") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "no_such_table") == NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(layouts, wrangler_toml_inline_and_env_bindings_are_separate_sets)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.toml",
	    "name = \"w\"\n"
	    "d1_databases = [ { binding = \"CORE\", database_name = \"core\", "
	    "database_id = \"1\", migrations_dir = \"sql/core\" } ]\n"
	    "\n"
	    "[env.staging]\n"
	    "name = \"w-staging\"\n"
	    "\n"
	    "[[env.staging.d1_databases]]\n"
	    "binding = \"LOGS\"\n"
	    "database_name = \"logs\"\n"
	    "database_id = \"2\"\n"
	    "migrations_dir = \"./sql/logs/\"\n");
	cg_test_write(dir, "sql/core/0001_init.sql",
	    "CREATE TABLE core_t (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "sql/logs/0001_init.sql",
	    "CREATE TABLE logs_t (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	/* each drops the other database's table: it does not exist there */
	cg_test_write(dir, "sql/core/0002_drop.sql", "DROP TABLE logs_t;\n");
	cg_test_write(dir, "sql/logs/0002_drop.sql",
	    "\nDROP TABLE core_t;\n");
	cg_test_commit(dir, "drops");
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[CORE] sql/core/0002_drop.sql:1:1: "
	    "error[migration-fails]: statement fails: no such table: logs_t");
	ASSERT_LINE(&r, "[LOGS] sql/logs/0002_drop.sql:2:1: "
	    "error[migration-fails]: statement fails: no such table: core_t");
	ASSERT_LINE(&r, "cascadeguard: 2 errors, 0 warnings (2 new migrations "
	    "checked on a history of 2, in 2 migration sets)");
	cg_run_release(&r);
}

/* 2. wrangler.jsonc, two bindings */

static const char wrangler_jsonc[] =
    "// worker configuration\n"
    "{\n"
    "  \"name\": \"app\", /* the worker */\n"
    "  \"d1_databases\": [\n"
    "    {\n"
    "      \"binding\": \"MAIN\",\n"
    "      \"database_name\": \"main-db\",\n"
    "      \"migrations_dir\": \"db/main\", // trailing comma\n"
    "    },\n"
    "    {\n"
    "      \"binding\": \"AUDIT\",\n"
    "      \"database_name\": \"audit-db\",\n"
    "      \"migrations_dir\": \"db/audit\",\n"
    "    },\n"
    "  ],\n"
    "}\n";

Test(layouts, wrangler_jsonc_two_bindings_do_not_share_tables)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.jsonc", wrangler_jsonc);
	/* same table name in both; only MAIN has a cascade child */
	cg_test_write(dir, "db/main/0001_init.sql", parent_and_child);
	cg_test_write(dir, "db/audit/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");

	cg_test_branch(dir, "audit");
	cg_test_write(dir, "db/audit/0002_rebuild.sql", rebuild);
	cg_test_commit(dir, "audit rebuild");
	run(&r, "check-range", "main..audit", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "cascade-drop") == NULL, "tasks leaked into "
	    "AUDIT:\n%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, in 2 migration sets)");
	cg_run_release(&r);

	cg_test_branch(dir, "main-rebuild");
	cg_test_write(dir, "db/main/0002_rebuild.sql", rebuild);
	cg_test_commit(dir, "main rebuild");
	run(&r, "check-range", "main..main-rebuild", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[MAIN] db/main/0002_rebuild.sql:3:1: "
	    CASCADE_DROP_1);
	cr_assert_eq(cg_test_count(r.out, "error["), 1, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 2, in 2 migration sets)");
	cg_run_release(&r);

	/* JSON names the set in its own field */
	run(&r, "check-range", "--format", "json", "main..main-rebuild",
	    NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "\"set\": \"MAIN\",\n      \"file\": "
	    "\"db/main/0002_rebuild.sql\"") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"set\": \"AUDIT\"") == NULL, "%s", r.out);
	cg_run_release(&r);
}

/* 3. drizzle */

static void
drizzle_journal(const char *const *tags, size_t n)
{
	char buf[2048];
	size_t off, i;

	off = (size_t)snprintf(buf, sizeof(buf), "{\"version\":\"7\","
	    "\"dialect\":\"sqlite\",\"entries\":[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "%s{\"idx\":%zu,\"version\":\"6\",\"when\":%zu,"
		    "\"tag\":\"%s\",\"breakpoints\":true}", i ? "," : "", i,
		    (size_t)1700000000000 + i, tags[i]);
	snprintf(buf + off, sizeof(buf) - off, "]}\n");
	cg_test_write(dir, "drizzle/meta/_journal.json", buf);
}

/* Journal order 0001_b, 0000_a: 0000_a indexes 0001_b's table. */
static void
drizzle_history(void)
{
	static const char *const tags[] = { "0001_b", "0000_a" };

	drizzle_journal(tags, 2);
	cg_test_write(dir, "drizzle/0001_b.sql",
	    "CREATE TABLE `projects` (`id` integer PRIMARY KEY NOT NULL, "
	    "`name` text NOT NULL);\n");
	cg_test_write(dir, "drizzle/0000_a.sql",
	    "CREATE TABLE `tasks` (`id` integer PRIMARY KEY NOT NULL, "
	    "`project_id` integer NOT NULL REFERENCES `projects`(`id`) "
	    "ON DELETE CASCADE);\n--> statement-breakpoint\n"
	    "CREATE INDEX `projects_name` ON `projects` (`name`);\n");
	cg_test_commit(dir, "init");
}

static void
drizzle_add(const char *tag, const char *sql)
{
	const char *t[3] = { "0001_b", "0000_a", NULL };
	char path[128];

	t[2] = tag;
	drizzle_journal(t, 3);
	snprintf(path, sizeof(path), "drizzle/%s.sql", tag);
	cg_test_write(dir, path, sql);
}

Test(layouts, drizzle_journal_order_not_file_names)
{
	struct cg_run r;

	drizzle_history();
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (2 new migrations "
	    "checked on a history of 0, target drizzle)");
	cg_run_release(&r);

	/* the control: without the journal, name order fails */
	cr_assert_eq(cg_test_sh(dir, "git rm -q drizzle/meta/_journal.json && "
	    "git commit -q --amend -m nojournal"), 0);
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0000_a.sql:3:1: error[migration-fails]: "
	    "statement fails: no such table: main.projects");
	cg_run_release(&r);
}

static const char drizzle_rebuild_sql[] =
    "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
    "CREATE TABLE `__new_projects` (`id` integer PRIMARY KEY NOT NULL, "
    "`name` text NOT NULL, `slug` text);\n"
    "--> statement-breakpoint\n"
    "INSERT INTO `__new_projects`(\"id\", \"name\") SELECT \"id\", \"name\" "
    "FROM `projects`;--> statement-breakpoint\n"
    "DROP TABLE `projects`;--> statement-breakpoint\n"
    "ALTER TABLE `__new_projects` RENAME TO `projects`;"
    "--> statement-breakpoint\n"
    "PRAGMA foreign_keys=ON;";

/*
 * homarr's way out of drizzle's transaction, one statement per chunk as
 * in homarr's files (better-sqlite3 refuses a chunk of several
 * statements: homarr_one_chunk_sql): DROP on line 8.
 */
static const char homarr_rebuild_sql[] =
    "COMMIT;--> statement-breakpoint\n"
    "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
    "BEGIN;\n"
    "--> statement-breakpoint\n"
    "CREATE TABLE `__new_projects` (`id` integer PRIMARY KEY NOT NULL, "
    "`name` text NOT NULL, `slug` text);\n"
    "--> statement-breakpoint\n"
    "INSERT INTO `__new_projects`(\"id\", \"name\") SELECT \"id\", \"name\" "
    "FROM `projects`;--> statement-breakpoint\n"
    "DROP TABLE `projects`;--> statement-breakpoint\n"
    "ALTER TABLE `__new_projects` RENAME TO `projects`;"
    "--> statement-breakpoint\n"
    "COMMIT;--> statement-breakpoint\n"
    "PRAGMA foreign_keys=ON;--> statement-breakpoint\n"
    "BEGIN;\n";

/* The same with the way out in one chunk each: PRAGMA on line 2. */
static const char homarr_one_chunk_sql[] =
    "COMMIT;\n"
    "PRAGMA foreign_keys=OFF;\n"
    "BEGIN;\n"
    "--> statement-breakpoint\n"
    "DROP TABLE `projects`;\n"
    "--> statement-breakpoint\n"
    "COMMIT;\n"
    "PRAGMA foreign_keys=ON;\n"
    "BEGIN;\n";

Test(layouts, drizzle_rebuild_inside_the_transaction_is_cascade_drop)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "rebuild");
	drizzle_add("0002_rebuild", drizzle_rebuild_sql);
	cg_test_commit(dir, "rebuild");
	run(&r, "check-range", "main..rebuild", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_rebuild.sql:1:1: "
	    "warning[fk-pragma-ignored]: PRAGMA foreign_keys=OFF has no effect "
	    "here: foreign keys stay on (inside a transaction: drizzle's "
	    "migrator runs the migrations inside one transaction)");
	/* line 5: the breakpoints do not shift the lines */
	ASSERT_LINE(&r, "drizzle/0002_rebuild.sql:5:1: " CASCADE_DROP_1);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 1 warning (1 new migration "
	    "checked on a history of 2, target drizzle)");
	cg_run_release(&r);
}

Test(layouts, drizzle_commit_pragma_begin_rebuild_is_clean)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "homarr");
	drizzle_add("0002_rebuild", homarr_rebuild_sql);
	cg_test_commit(dir, "homarr");
	run(&r, "check-range", "main..homarr", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target drizzle)");
	cg_run_release(&r);

	/* on D1 the same file is refused and the pragma does nothing */
	run(&r, "check-range", "--target", "d1", "main..homarr", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_rebuild.sql:8:1: " CASCADE_DROP_1);
	cr_assert(cg_test_has_line(r.out, "drizzle/0002_rebuild.sql:3:1: "
	    "error[transaction-in-migration]: BEGIN inside a migration: D1 "
	    "runs each migration file in its own transaction and fails with "
	    "\"cannot start a transaction within a transaction\""), "%s",
	    r.out);
	cg_run_release(&r);
}

/* Verified by tests/oracle (homarr-breakout-one-chunk-drizzle). */
Test(layouts, drizzle_chunk_of_several_statements_fails)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "homarr");
	drizzle_add("0002_rebuild", homarr_one_chunk_sql);
	cg_test_commit(dir, "homarr");
	run(&r, "check-range", "main..homarr", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_rebuild.sql:2:1: error[migration-fails]: "
	    "statement fails: better-sqlite3 refuses the chunk this statement "
	    "is in: \"The supplied SQL string contains more than one "
	    "statement\" (drizzle's migrator runs each --> "
	    "statement-breakpoint chunk as one statement, and rolls back "
	    "every pending migration)");
	/* the run stops there: the DROP never runs */
	cr_assert(strstr(r.out, "cascade-drop") == NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 2, target drizzle)");
	cg_run_release(&r);
}

/*
 * libSQL's client.migrate() throws TRANSACTION_CLOSED once the file's
 * COMMIT ended its transaction, and runs only the first statement of a
 * chunk (tests/oracle: homarr-breakout-*-libsql, tx-commit-in-file-libsql).
 */
Test(layouts, libsql_commit_in_the_file_is_transaction_closed)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "homarr");
	drizzle_add("0002_rebuild", homarr_rebuild_sql);
	cg_test_commit(dir, "homarr");
	run(&r, "check-range", "--target", "libsql", "main..homarr", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "drizzle/0002_rebuild.sql:1:1: "
	    "error[transaction-in-migration]: this ends the transaction the "
	    "runner opened (drizzle's libSQL migrator runs the migrations as "
	    "one batch transaction): libSQL's client.migrate() then fails "
	    "with TRANSACTION_CLOSED") != NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
}

Test(layouts, libsql_runs_only_the_first_statement_of_a_chunk)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "two");
	/* the second CREATE would fail; libSQL never runs it */
	drizzle_add("0002_two", "CREATE TABLE `t2` (`id` integer);\n"
	    "CREATE TABLE `t2` (`id` integer);\n");
	cg_test_commit(dir, "two");
	run(&r, "check-range", "--target", "libsql", "main..two", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_two.sql:2:1: error[statement-not-run]: "
	    "drizzle's libSQL migrator runs only the first statement (line 1) "
	    "of a --> statement-breakpoint chunk: it skips 1 statement of "
	    "this chunk (line 2), which never runs");
	ASSERT_NO(&r, "migration-fails");
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
	/* better-sqlite3 refuses the chunk instead: one finding, not two */
	run(&r, "check-range", "main..two", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "drizzle/0002_two.sql:2:1: "
	    "error[migration-fails]: statement fails: better-sqlite3 refuses")
	    != NULL, "%s", r.out);
	ASSERT_NO(&r, "statement-not-run");
	cg_run_release(&r);
}

/*
 * One finding per chunk, at its first skipped statement, counting the
 * chunk's skipped statements; the skipped CREATE is not in the schema
 * the next file sees (tests/oracle: chunk-skips-*-libsql).
 */
Test(layouts, libsql_statement_not_run_once_per_chunk)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "chunks");
	drizzle_add("0002_chunks", "CREATE TABLE `a` (`id` integer);\n"
	    "CREATE TABLE `b` (`id` integer);\n"
	    "CREATE INDEX `b_id` ON `b` (`id`);\n"
	    "--> statement-breakpoint\n"
	    "CREATE TABLE `c` (`id` integer);\n"
	    "--> statement-breakpoint\n"
	    "CREATE TABLE `d` (`id` integer); CREATE TABLE `e` (`id` "
	    "integer);\n");
	cg_test_commit(dir, "chunks");
	run(&r, "check-range", "--target", "libsql", "main..chunks", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_chunks.sql:2:1: error[statement-not-run]: "
	    "drizzle's libSQL migrator runs only the first statement (line 1) "
	    "of a --> statement-breakpoint chunk: it skips 2 statements of "
	    "this chunk (lines 2-3), which never run");
	ASSERT_LINE(&r, "  help: put a --> statement-breakpoint line between "
	    "the statements, so that each chunk holds one statement "
	    "(drizzle-kit generate writes them so)");
	cr_assert(strstr(r.out, "drizzle/0002_chunks.sql:7:34: "
	    "error[statement-not-run]: drizzle's libSQL migrator runs only the "
	    "first statement (line 7) of a --> statement-breakpoint chunk: it "
	    "skips 1 statement of this chunk (line 7, from column 34), which "
	    "never runs") != NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 2 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
}

Test(layouts, libsql_one_statement_per_chunk_is_clean)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "split");
	drizzle_add("0002_split", "CREATE TABLE `a` (`id` integer);\n"
	    "--> statement-breakpoint\n"
	    "CREATE TABLE `b` (`id` integer);--> statement-breakpoint\n"
	    "CREATE INDEX `b_id` ON `b` (`id`);\n");
	cg_test_commit(dir, "split");
	run(&r, "check-range", "--target", "libsql", "main..split", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "statement-not-run");
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
}

/*
 * An applied file: a warning, and the replay skips the statement as
 * libSQL did, so a new file that uses its table fails as in production.
 */
Test(layouts, libsql_statement_not_run_in_the_history_is_a_warning)
{
	struct cg_run r;

	drizzle_history();
	drizzle_add("0002_two", "CREATE TABLE `t2` (`id` integer);\n"
	    "CREATE TABLE `t3` (`id` integer);\n");
	cg_test_commit(dir, "two");
	cg_test_branch(dir, "next");
	{
		const char *t[4] = { "0001_b", "0000_a", "0002_two",
		    "0003_next" };

		drizzle_journal(t, 4);
	}
	cg_test_write(dir, "drizzle/0003_next.sql",
	    "CREATE TABLE `t4` (`id` integer);\n");
	cg_test_commit(dir, "next");
	run(&r, "check-range", "--target", "libsql", "main..next", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "drizzle/0002_two.sql:2:1: warning[statement-not-run]: "
	    "already applied migration: drizzle's libSQL migrator ran only the "
	    "first statement (line 1) of this --> statement-breakpoint chunk "
	    "and skipped 1 statement (line 2), so production lacks what it "
	    "does unless it was run by hand; the replay skips it too");
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 1 warning (1 new migration "
	    "checked on a history of 3, target libsql)");
	cg_run_release(&r);

	/* the replay has no t3, as production */
	cg_test_write(dir, "drizzle/0003_next.sql",
	    "CREATE INDEX `t3_id` ON `t3` (`id`);\n");
	cg_test_commit(dir, "uses t3");
	run(&r, "check-range", "--target", "libsql", "main..next", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0003_next.sql:1:1: error[migration-fails]: "
	    "statement fails: no such table: main.t3");
	cg_run_release(&r);

	/* drizzle (better-sqlite3) replays the history as before */
	run(&r, "check-range", "main..next", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "statement-not-run");
	cg_run_release(&r);
}

/*
 * libSQL's ALTER TABLE ... ALTER COLUMN rewrites the column's definition
 * and checks no existing row (drizzle's libSQL migrator applies
 * openstatus 0041 and 0064: make oracle, corpus/openstatusHQ__openstatus).
 * SQLite has no such statement: under libsql it runs as libSQL runs it,
 * so the new NOT NULL holds for the next statement; other targets refuse
 * it, and a history file that has one replays it.
 */
Test(layouts, libsql_alter_column_runs_as_libsql_runs_it)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "alter");
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"name\" TO \"name\" text;--> statement-breakpoint\n"
	    "INSERT INTO `projects` (`name`) VALUES (NULL);\n");
	cg_test_commit(dir, "alter");
	run(&r, "check-range", "--target", "libsql", "main..alter", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
	/* the new definition holds: NOT NULL again refuses the NULL */
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"name\" TO \"name\" text NOT NULL;--> statement-breakpoint\n"
	    "ALTER TABLE `projects` ALTER COLUMN \"name\" TO \"name\" text "
	    "NOT NULL DEFAULT 'x';--> statement-breakpoint\n"
	    "INSERT INTO `projects` (`name`) VALUES (NULL);\n");
	cg_test_commit(dir, "not null");
	run(&r, "check-range", "--target", "libsql", "main..alter", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_alter.sql:3:1: error[migration-fails]: "
	    "statement fails: NOT NULL constraint failed: projects.name");
	cg_run_release(&r);
	/* libSQL refuses a rename through ALTER COLUMN, and a missing one */
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"name\" TO \"title\" text;\n");
	cg_test_commit(dir, "rename");
	run(&r, "check-range", "--target", "libsql", "main..alter", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_alter.sql:1:1: error[migration-fails]: "
	    "statement fails: UPDATE cannot also rename column: use ALTER "
	    "TABLE RENAME instead");
	cg_run_release(&r);
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"nope\" TO \"nope\" text;\n");
	cg_test_commit(dir, "missing");
	run(&r, "check-range", "--target", "libsql", "main..alter", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_alter.sql:1:1: error[migration-fails]: "
	    "statement fails: no such column");
	cg_run_release(&r);
	/* better-sqlite3's SQLite has no ALTER COLUMN */
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"name\" TO \"name\" text;\n");
	cg_test_commit(dir, "drizzle");
	run(&r, "check-range", "main..alter", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "drizzle/0002_alter.sql:1:") != NULL &&
	    strstr(r.out, "error[migration-fails]: statement fails: near "
	    "\"ALTER\": syntax error") != NULL, "%s", r.out);
	cg_run_release(&r);
	/* in the history, production ran it: it replays, no warning, and
	 * the NOT NULL it set holds for the new file */
	drizzle_add("0002_alter", "ALTER TABLE `projects` ALTER COLUMN "
	    "\"name\" TO \"name\" text NOT NULL;\n");
	cg_test_commit(dir, "history");
	cr_assert_eq(cg_test_sh(dir, "git tag hist"), 0);
	{
		const char *t[4] = { "0001_b", "0000_a", "0002_alter",
		    "0003_insert" };

		drizzle_journal(t, 4);
	}
	cg_test_write(dir, "drizzle/0003_insert.sql",
	    "INSERT INTO `projects` (`name`) VALUES (NULL);\n");
	cg_test_commit(dir, "insert");
	run(&r, "check-range", "--target", "libsql", "hist..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "history-replay-fails") == NULL, "%s", r.out);
	ASSERT_LINE(&r, "drizzle/0003_insert.sql:1:1: error[migration-fails]: "
	    "statement fails: NOT NULL constraint failed: projects.name");
	cg_run_release(&r);
}

Test(layouts, drizzle_begin_inside_the_migration_is_transaction_in_migration)
{
	struct cg_run r;

	drizzle_history();
	cg_test_branch(dir, "begin");
	drizzle_add("0002_begin", "ALTER TABLE `projects` ADD `slug` text;\n"
	    "BEGIN;\nALTER TABLE `projects` ADD `x` text;\nCOMMIT;\n");
	cg_test_commit(dir, "begin");
	run(&r, "check-range", "main..begin", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "drizzle/0002_begin.sql:2:1: "
	    "error[transaction-in-migration]: ") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/* A wrangler migrations_dir that is a drizzle folder stays D1. */
Test(layouts, wrangler_claims_a_drizzle_folder_first)
{
	struct cg_run r;

	drizzle_history();
	cg_test_write(dir, "wrangler.toml", "[[d1_databases]]\n"
	    "binding = \"DB\"\ndatabase_name = \"x\"\n"
	    "migrations_dir = \"drizzle\"\n");
	cg_test_commit(dir, "wrangler");
	cg_test_branch(dir, "homarr");
	drizzle_add("0002_rebuild", homarr_rebuild_sql);
	cg_test_commit(dir, "homarr");
	run(&r, "check-range", "main..homarr", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "target d1)") != NULL, "%s", r.out);
	ASSERT_LINE(&r, "drizzle/0002_rebuild.sql:8:1: " CASCADE_DROP_1);
	cr_assert(strstr(r.out, "drizzle/0002_rebuild.sql:1:1: "
	    "error[transaction-in-migration]: COMMIT inside a migration")
	    != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "[DB]") == NULL, "one set: %s", r.out);
	cg_run_release(&r);
}

Test(layouts, drizzle_config_naming_turso_means_libsql)
{
	struct cg_run r;

	drizzle_history();
	cg_test_write(dir, "drizzle.config.ts",
	    "import { defineConfig } from \"drizzle-kit\";\n"
	    "export default defineConfig({ dialect: \"turso\", "
	    "out: \"./drizzle\" });\n");
	cg_test_commit(dir, "config");
	cg_test_branch(dir, "rebuild");
	drizzle_add("0002_rebuild", drizzle_rebuild_sql);
	cg_test_commit(dir, "rebuild");
	run(&r, "check-range", "main..rebuild", NULL);
	/* libSQL's migrator runs with foreign keys off: no cascade */
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target libsql)");
	cg_run_release(&r);
}

/* 4. prisma */

static const char prisma_init[] =
    "-- CreateTable\n"
    "CREATE TABLE \"Project\" (\n"
    "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
    "    \"name\" TEXT NOT NULL\n"
    ");\n"
    "\n"
    "-- CreateTable\n"
    "CREATE TABLE \"Task\" (\n"
    "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
    "    \"projectId\" INTEGER NOT NULL,\n"
    "    CONSTRAINT \"Task_projectId_fkey\" FOREIGN KEY (\"projectId\") "
    "REFERENCES \"Project\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE\n"
    ");\n";

/* What `prisma migrate dev` writes to add a column with a redefine. */
static const char prisma_redefine[] =
    "-- RedefineTables\n"
    "PRAGMA defer_foreign_keys=ON;\n"
    "PRAGMA foreign_keys=OFF;\n"
    "CREATE TABLE \"new_Project\" (\n"
    "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
    "    \"name\" TEXT NOT NULL,\n"
    "    \"slug\" TEXT\n"
    ");\n"
    "INSERT INTO \"new_Project\" (\"id\", \"name\") SELECT \"id\", \"name\" "
    "FROM \"Project\";\n"
    "DROP TABLE \"Project\";\n"
    "ALTER TABLE \"new_Project\" RENAME TO \"Project\";\n"
    "PRAGMA foreign_keys=ON;\n"
    "PRAGMA defer_foreign_keys=OFF;\n";

static void
prisma_history(const char *provider)
{
	char lock[256];

	snprintf(lock, sizeof(lock), "# Please do not edit this file "
	    "manually\n# It should be added in your version-control system "
	    "(i.e. Git)\nprovider = \"%s\"\n", provider);
	cg_test_write(dir, "prisma/migrations/migration_lock.toml", lock);
	cg_test_write(dir, "prisma/migrations/20240101000000_init/"
	    "migration.sql", prisma_init);
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "redefine");
	cg_test_write(dir, "prisma/migrations/20240201000000_add_slug/"
	    "migration.sql", prisma_redefine);
	cg_test_commit(dir, "redefine");
}

Test(layouts, prisma_redefine_is_safe_under_prisma_and_not_on_d1)
{
	struct cg_run r;

	prisma_history("sqlite");
	run(&r, "check-range", "main..redefine", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 1, target prisma)");
	cg_run_release(&r);

	run(&r, "check-range", "--target", "d1", "main..redefine", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "prisma/migrations/20240201000000_add_slug/"
	    "migration.sql:10:1: error[cascade-drop]: DROP TABLE Project "
	    "deletes every row of 1 table through ON DELETE CASCADE");
	cr_assert(strstr(r.out, "prisma/migrations/20240201000000_add_slug/"
	    "migration.sql:3:1: warning[fk-pragma-ignored]") != NULL, "%s",
	    r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 1 warning (1 new migration "
	    "checked on a history of 1, target d1)");
	cg_run_release(&r);
}

Test(layouts, prisma_postgresql_provider_is_a_note)
{
	struct cg_run r;

	prisma_history("postgresql");
	run(&r, "check-range", "main..redefine", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "prisma/migrations/migration_lock.toml: "
	    "note[not-sqlite]: migration set 'prisma/migrations' not checked: "
	    "its prisma provider is 'postgresql', not SQLite");
	cr_assert(strstr(r.out, "cascade-drop") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "0 new migrations") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(layouts, prisma_equal_folder_prefixes_are_not_duplicates)
{
	struct cg_run r;

	prisma_history("sqlite");
	cg_test_write(dir, "prisma/migrations/20240201000000_other/"
	    "migration.sql", "CREATE TABLE \"Tag\" (\"id\" INTEGER NOT NULL "
	    "PRIMARY KEY);\n");
	cg_test_commit(dir, "dup");
	/* prisma records directory names: both folders run, in name order */
	run(&r, "check-range", "main..redefine", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "duplicate-version") == NULL, "%s", r.out);
	cg_run_release(&r);
}

/* 5. monorepo of plain folders */

Test(layouts, monorepo_plain_sets_are_named_and_numbered_apart)
{
	struct cg_run r;

	cg_test_write(dir, "apps/a/migrations/0001_init.sql",
	    "CREATE TABLE a1 (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "apps/b/migrations/0001_init.sql",
	    "CREATE TABLE b1 (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "apps/b/migrations/0002_y.sql",
	    "CREATE TABLE b2 (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "work");
	/* 0002 in a is not a duplicate of b's 0002 */
	cg_test_write(dir, "apps/a/migrations/0002_z.sql",
	    "CREATE TABLE a2 (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "apps/a/migrations/0003_bad.sql",
	    "DROP TABLE b1;\n");
	cg_test_write(dir, "apps/b/migrations/0002_x.sql",
	    "CREATE TABLE b3 (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "work");
	run(&r, "check-range", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[apps/a/migrations] apps/a/migrations/0003_bad.sql:1:1:"
	    " error[migration-fails]: statement fails: no such table: b1");
	ASSERT_LINE(&r, "[apps/b/migrations] apps/b/migrations/0002_x.sql: "
	    "error[duplicate-version]: version 2 is also used by "
	    "'apps/b/migrations/0002_y.sql' (already applied): the order "
	    "between them depends on the rest of the names, and tools that "
	    "key migrations by version refuse or skip one");
	ASSERT_LINE(&r, "[apps/b/migrations] apps/b/migrations/0002_x.sql: "
	    "warning[out-of-order]: new migration sorts before "
	    "'apps/b/migrations/0002_y.sql', which is already applied: some "
	    "tools skip it, others run it out of order");
	cr_assert_eq(cg_test_count(r.out, "duplicate-version"), 1, "%s",
	    r.out);
	cr_assert(strstr(r.out, "0002_z.sql") == NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 2 errors, 1 warning (3 new migrations "
	    "checked on a history of 3, in 2 migration sets)");
	cg_run_release(&r);
}

Test(layouts, duplicate_version_ignores_leading_zeros)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql",
	    "CREATE TABLE t1 (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "migrations/0002_y.sql",
	    "CREATE TABLE t2 (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "work");
	cg_test_write(dir, "migrations/2_x.sql",
	    "CREATE TABLE t3 (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "migrations/0020_ok.sql",
	    "CREATE TABLE t4 (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "work");
	run(&r, "check-range", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "migrations/2_x.sql: error[duplicate-version]: "
	    "version 2 is also used by 'migrations/0002_y.sql' (already "
	    "applied)") != NULL, "%s", r.out);
	cr_assert_eq(cg_test_count(r.out, "error[duplicate-version]"), 1,
	    "%s", r.out);
	/* one set: no prefix */
	cr_assert(strstr(r.out, "[migrations]") == NULL, "%s", r.out);
	cg_run_release(&r);
}

/* 6. [set NAME] in .cascadeguard */

Test(layouts, explicit_sets_replace_detection)
{
	struct cg_run r;

	cg_test_write(dir, "apps/a/migrations/0001_init.sql", parent_and_child);
	cg_test_write(dir, "apps/b/migrations/0001_init.sql",
	    "CREATE TABLE other (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "db/core/0001_init.sql", parent_and_child);
	cg_test_write(dir, ".cascadeguard", "[set main]\n"
	    "migrations = apps/b/migrations/*.sql\n"
	    "migrations = db/core/*.sql\n"
	    "target = sqlite\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "work");
	/* apps/a is not in any set: its bad file is not checked */
	cg_test_write(dir, "apps/a/migrations/0002_bad.sql",
	    "DROP TABLE nowhere;\n");
	/* db/core is not a detected layout, but main takes it */
	cg_test_write(dir, "db/core/0002_rebuild.sql",
	    "BEGIN;\nPRAGMA foreign_keys=OFF;\nDROP TABLE projects;\n"
	    "COMMIT;\n");
	cg_test_commit(dir, "work");
	run(&r, "check-range", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "db/core/0002_rebuild.sql:3:1: error[cascade-drop]: "
	    "DROP TABLE projects deletes every row of 1 table through ON "
	    "DELETE CASCADE");
	cr_assert(strstr(r.out, "0002_bad.sql") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "[main]") == NULL, "one set: %s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 1 warning (1 new migration "
	    "checked on a history of 2, target sqlite)");
	cg_run_release(&r);
}

Test(layouts, two_explicit_sets_prefix_their_names)
{
	struct cg_run r;

	cg_test_write(dir, "one/0001_init.sql", parent_and_child);
	cg_test_write(dir, "two/0001_init.sql", parent_only);
	cg_test_write(dir, ".cascadeguard", "[set first]\n"
	    "migrations = one/*.sql\n"
	    "[set second]\n"
	    "migrations = two/*.sql\n"
	    "target = prisma\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "work");
	cg_test_write(dir, "one/0002_rebuild.sql", rebuild);
	cg_test_write(dir, "two/0002_drop.sql", "DROP TABLE tasks;\n");
	cg_test_commit(dir, "work");
	run(&r, "check-range", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[first] one/0002_rebuild.sql:3:1: " CASCADE_DROP_1);
	ASSERT_LINE(&r, "[second] two/0002_drop.sql:1:1: "
	    "error[migration-fails]: statement fails: no such table: tasks");
	ASSERT_LINE(&r, "cascadeguard: 2 errors, 0 warnings (2 new migrations "
	    "checked on a history of 2, in 2 migration sets)");
	cg_run_release(&r);

	/* --set checks only one */
	run(&r, "check-range", "--set", "second", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "two/0002_drop.sql:1:1: error[migration-fails]: "
	    "statement fails: no such table: tasks");
	cr_assert(strstr(r.out, "one/0002_rebuild.sql") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "target prisma)") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(layouts, set_without_migrations_is_exit_2)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_only);
	cg_test_write(dir, ".cascadeguard", "[set main]\n"
	    "migrations = migrations/*.sql\n"
	    "[set x]\n"
	    "target = d1\n");
	cg_test_commit(dir, "init");
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, "cascadeguard: .cascadeguard: [set x] has no "
	    "'migrations' glob") != NULL, "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cg_run_release(&r);
}

/* An empty [set x] section names no files either. */
Test(layouts, empty_set_section_is_exit_2)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_only);
	cg_test_write(dir, ".cascadeguard", "[set main]\n"
	    "migrations = migrations/*.sql\n"
	    "[set x]\n");
	cg_test_commit(dir, "init");
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, ".cascadeguard") != NULL, "%s", r.err);
	cr_assert(strstr(r.err, "[set x]") != NULL, "%s", r.err);
	cg_run_release(&r);
}

/* 7. sqlx */

static void
sqlx_history(void)
{
	cg_test_write(dir, "Cargo.toml", "[package]\nname = \"svc\"\n"
	    "version = \"0.1.0\"\n\n[dependencies]\n"
	    "sqlx = { version = \"0.7\", features = [\"sqlite\", "
	    "\"runtime-tokio\"] }\n");
	cg_test_write(dir, "migrations/20240101000000_init.sql",
	    parent_and_child);
	cg_test_commit(dir, "init");
}

static const char sqlx_rebuild[] =
    "PRAGMA foreign_keys=OFF;\n"
    "CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "slug TEXT);\n"
    "INSERT INTO projects_new (id, name) SELECT id, name FROM projects;\n"
    "DROP TABLE projects;\n"
    "ALTER TABLE projects_new RENAME TO projects;\n"
    "PRAGMA foreign_keys=ON;\n";

Test(layouts, sqlx_begin_is_transaction_in_migration)
{
	struct cg_run r;

	sqlx_history();
	cg_test_branch(dir, "tx");
	cg_test_write(dir, "migrations/20240201000000_tx.sql",
	    "BEGIN;\nALTER TABLE projects ADD COLUMN slug TEXT;\nCOMMIT;\n");
	cg_test_commit(dir, "tx");
	run(&r, "check-range", "main..tx", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "migrations/20240201000000_tx.sql:1:1: "
	    "error[transaction-in-migration]: BEGIN inside a migration fails: "
	    "sqlx runs each migration in a transaction unless its first line "
	    "is -- no-transaction (SQLite: cannot start a transaction within a "
	    "transaction)");
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 1, target sqlx)");
	cg_run_release(&r);
}

Test(layouts, sqlx_no_transaction_rebuild_is_clean_and_wrapped_is_not)
{
	struct cg_run r;
	char *sql;

	sqlx_history();
	cg_test_branch(dir, "notx");
	cr_assert(asprintf(&sql, "-- no-transaction\n%s", sqlx_rebuild) > 0);
	cg_test_write(dir, "migrations/20240201000000_rebuild.sql", sql);
	free(sql);
	cg_test_commit(dir, "notx");
	run(&r, "check-range", "main..notx", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 1, target sqlx)");
	cg_run_release(&r);

	cg_test_branch(dir, "wrapped");
	cg_test_write(dir, "migrations/20240201000000_rebuild.sql",
	    sqlx_rebuild);
	cg_test_commit(dir, "wrapped");
	run(&r, "check-range", "main..wrapped", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "migrations/20240201000000_rebuild.sql:4:1: "
	    CASCADE_DROP_1);
	cr_assert(strstr(r.out, "migrations/20240201000000_rebuild.sql:1:1: "
	    "warning[fk-pragma-ignored]") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(layouts, golang_migrate_only_up_files_count)
{
	struct cg_run r;

	cg_test_write(dir, "db/migrations/000001_init.up.sql",
	    parent_and_child);
	cg_test_write(dir, "db/migrations/000001_init.down.sql",
	    "DROP TABLE tasks;\nDROP TABLE projects;\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "work");
	cg_test_write(dir, "db/migrations/000002_rebuild.up.sql", rebuild);
	cg_test_write(dir, "db/migrations/000002_rebuild.down.sql",
	    "DROP TABLE nowhere;\n");
	cg_test_commit(dir, "work");
	run(&r, "check-range", "main..work", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "db/migrations/000002_rebuild.up.sql:3:1: "
	    CASCADE_DROP_1);
	cr_assert(strstr(r.out, "down.sql") == NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 1, target golang-migrate)");
	cg_run_release(&r);
}

/* 8. broken tool files */

/*
 * A wrangler config that does not parse is an error in a change that
 * touches it (file and line); left as it is (a template with
 * placeholders), it is a warning.  The rest is checked either way.
 */
Test(layouts, malformed_wrangler_toml_is_an_error_where_it_changes)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_only);
	cg_test_write(dir, "wrangler.toml", "name = \"api\"\n\n"
	    "[[d1_databases]]\nbinding = \"DB\"\n"
	    "migrations_dir = \"migrations\n");
	cg_test_commit(dir, "init");
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "wrangler.toml: error[config-unreadable]: does not "
	    "parse (wrangler.toml:5: unterminated string), and this change "
	    "touches it: the folders it names are found by their names only");
	cg_run_release(&r);

	cg_test_write(dir, "migrations/0002_x.sql", "DROP TABLE nosuch;\n");
	cg_test_commit(dir, "untouched");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "wrangler.toml: warning[config-unreadable]: does not "
	    "parse (wrangler.toml:5: unterminated string): the folders it "
	    "names are found by their names only");
	ASSERT_LINE(&r, "migrations/0002_x.sql:1:1: error[migration-fails]: "
	    "statement fails: no such table: nosuch");
	cg_run_release(&r);
}

Test(layouts, template_wrangler_config_is_a_warning_once_in_place)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "templates/worker/wrangler.jsonc", "// config\n{\n"
	    "  \"name\": {{ project_name }}\n}\n");
	cg_test_commit(dir, "template");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "templates/worker/wrangler.jsonc: "
	    "error[config-unreadable]: does not parse "
	    "(templates/worker/wrangler.jsonc:3") != NULL, "%s", r.out);
	cg_run_release(&r);
	/* a repository of templates can say so (the default is warning) */
	cg_test_write(dir, ".cascadeguard",
	    "[rules]\nconfig-unreadable = warning\n");
	cg_test_commit(dir, "rules");
	run(&r, "check-range", "HEAD~2..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	cg_run_release(&r);
	cg_test_write(dir, "migrations/0002_b.sql",
	    "CREATE TABLE b (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "more");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "templates/worker/wrangler.jsonc: "
	    "warning[config-unreadable]: does not parse "
	    "(templates/worker/wrangler.jsonc:3") != NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 1 warning (1 new migration "
	    "checked on a history of 1, target d1)");
	cg_run_release(&r);
}

/* 9. graph */

Test(layouts, graph_needs_set_when_there_are_two)
{
	struct cg_run r;

	cg_test_write(dir, "apps/a/migrations/0001_init.sql", parent_and_child);
	cg_test_write(dir, "apps/b/migrations/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");
	run(&r, "graph", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, "this repository has 2 migration sets "
	    "(apps/a/migrations, apps/b/migrations): choose one with --set")
	    != NULL, "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cg_run_release(&r);

	run(&r, "graph", "--set", "apps/a/migrations", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "projects");
	ASSERT_LINE(&r, "└── tasks (project_id → ON DELETE CASCADE)");
	cg_run_release(&r);

	run(&r, "graph", "--set", "apps/b/migrations", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "tasks") == NULL, "%s", r.out);
	cg_run_release(&r);

	run(&r, "graph", "--set", "nope", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, "no migration set named 'nope' (the sets "
	    "here: 'apps/a/migrations', 'apps/b/migrations')") != NULL, "%s",
	    r.err);
	cg_run_release(&r);

	run(&r, "graph", "--help", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "--set name") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/*
 * The detection memo ($GIT_DIR/cascadeguard/cache/trees-*): folders
 * known to hold no migration are skipped by tree id, so a folder that
 * gains migrations (a new tree id) is still found, and a damaged memo
 * is ignored.
 */
Test(layouts, detection_memo_skips_only_unchanged_folders)
{
	struct cg_run r;

	cg_test_write(dir, "src/app/main.c", "int main(void) { return 0; }\n");
	cg_test_write(dir, "docs/readme.txt", "hello\n");
	cg_test_write(dir, "db/migrations/0001_init.sql",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "one set");
	cr_assert_eq(cg_test_sh(dir, "git tag base"), 0);
	cg_test_write(dir, "db/migrations/0002_more.sql",
	    "CREATE TABLE q (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "more");
	run(&r, "check-range", "base..HEAD", NULL);
	cr_assert_eq(r.code, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "target d1)") != NULL, "%s", r.out);
	cg_run_release(&r);
	/* src, src/app and docs hold nothing: three ids memoized */
	cr_assert_eq(cg_test_sh(dir, "test \"$(stat -c %%s "
	    ".git/cascadeguard/cache/trees-layout2)\" = 76"), 0);

	/* src/app gains a migrations folder with a cascading drop */
	cg_test_write(dir, "src/app/migrations/0001_init.sql",
	    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE b (id INTEGER PRIMARY KEY,\n"
	    "  a INTEGER REFERENCES a(id) ON DELETE CASCADE);\n");
	cg_test_commit(dir, "second set");
	cr_assert_eq(cg_test_sh(dir, "git tag second"), 0);
	cg_test_write(dir, "src/app/migrations/0002_drop.sql",
	    "DROP TABLE a;\n");
	cg_test_commit(dir, "drop");
	run(&r, "check-range", "second..HEAD", NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(cg_test_has_line(r.out, "[src/app/migrations] "
	    "src/app/migrations/0002_drop.sql:1:1: error[cascade-drop]: "
	    "DROP TABLE a deletes every row of 1 table through ON DELETE "
	    "CASCADE"), "%s", r.out);
	cg_run_release(&r);

	/* a damaged memo changes nothing */
	cr_assert_eq(cg_test_sh(dir, "printf 'CGTREES2xyz' > "
	    ".git/cascadeguard/cache/trees-layout2"), 0);
	run(&r, "check-range", "second..HEAD", NULL);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "[src/app/migrations] ") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/*
 * A tree id names a folder's content, not where it sits: the same files
 * that are nothing under docs/ are a migration set under migrations/.
 * A memo written for the first must not hide the second.
 */
Test(layouts, detection_memo_does_not_hide_a_folder_moved_under_migrations)
{
	static const char wipe[] = "DELETE FROM users;\n";
	static const char init[] =
	    "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER "
	    "REFERENCES users(id) ON DELETE CASCADE);\n";
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", init);
	cg_test_commit(dir, "A");
	cr_assert_eq(cg_test_sh(dir, "git tag A"), 0);
	/* docs/x: the tree migrations/ will have, outside any set */
	cg_test_write(dir, "docs/x/0001_init.sql", init);
	cg_test_write(dir, "docs/x/0002_wipe.sql", wipe);
	cg_test_commit(dir, "B");
	cr_assert_eq(cg_test_sh(dir, "git tag B"), 0);
	run(&r, "check-range", "A..B", NULL);
	ASSERT_EXIT(&r, 0);
	cg_run_release(&r);
	cg_test_write(dir, "migrations/0002_wipe.sql", wipe);
	cg_test_commit(dir, "C");
	cr_assert_eq(cg_test_sh(dir, "test \"$(git rev-parse HEAD:migrations)\" "
	    "= \"$(git rev-parse HEAD:docs/x)\""), 0);
	run(&r, "check-range", "B..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "error[cascade-delete]") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/*
 * Two sets over the same files: each set's simulation and suppressions
 * stay with its own findings (the verdict merges by file and line).
 */
Test(layouts, two_sets_of_the_same_files_keep_their_own_simulation)
{
	static const char fact[] = "simulated: 2 of 2 rows of audit lost";
	struct cg_run r;
	const char *b;

	cg_test_write(dir, "migrations/0001_init.sql",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES "
	    "p(id) ON DELETE CASCADE);\n"
	    "CREATE TABLE audit (id INTEGER PRIMARY KEY, x TEXT);\n"
	    "CREATE TRIGGER t AFTER DELETE ON c BEGIN DELETE FROM audit; "
	    "END;\n");
	cg_test_write(dir, ".cascadeguard", "[set a]\n"
	    "migrations = migrations/*.sql\ntarget = d1\n[set b]\n"
	    "migrations = migrations/*.sql\ntarget = drizzle\n");
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_x.sql", "DELETE FROM p;\n");
	cg_test_commit(dir, "delete");
	run(&r, "check-range", "--no-cache", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	b = strstr(r.out, "[b] migrations/0002_x.sql:1:1: error[cascade-delete]");
	cr_assert_not_null(b, "%s", r.out);
	/* once in [a]'s finding, once in [b]'s */
	cr_assert_eq(cg_test_count(r.out, fact), 2, "%s", r.out);
	cr_assert_not_null(strstr(b, fact), "%s", r.out);
	cg_run_release(&r);
}

/* `sets` shows what a check would replay, and why, before a push. */
Test(layouts, sets_lists_what_detection_found)
{
	struct cg_run r;

	cg_test_write(dir, "apps/api/wrangler.toml",
	    "[[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"api\"\n"
	    "database_id = \"x\"\nmigrations_dir = \"migrations\"\n");
	cg_test_write(dir, "apps/api/migrations/0001_a.sql", parent_only);
	cg_test_write(dir, "apps/api/migrations/0002_b.sql",
	    "CREATE TABLE b (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "apps/web/migrations/0001_a.sql", parent_only);
	cg_test_write(dir, "prisma/migrations/20240101000000_init/"
	    "migration.sql", parent_only);
	cg_test_write(dir, "prisma/migrations/migration_lock.toml",
	    "provider = \"postgresql\"\n");
	cg_test_commit(dir, "layouts");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "3 migration sets at HEAD:");
	ASSERT_LINE(&r, "  DB: target d1, 2 files");
	ASSERT_LINE(&r, "    files: apps/api/migrations/*.sql");
	ASSERT_LINE(&r, "    found from: apps/api/wrangler.toml, D1 binding DB");
	ASSERT_LINE(&r, "  apps/web/migrations: target d1, 1 file");
	ASSERT_LINE(&r, "  prisma/migrations: not checked: its prisma provider "
	    "is 'postgresql', not SQLite");
	cg_run_release(&r);

	/* what .cascadeguard says replaces detection, here too */
	cg_test_write(dir, ".cascadeguard", "[cascadeguard]\n"
	    "migrations = apps/*/migrations/*.sql\ntarget = sqlite\n");
	cg_test_commit(dir, "config");
	run(&r, "sets", "HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "1 migration set at HEAD:");
	ASSERT_LINE(&r, "  (migrations): target sqlite, 3 files");
	cg_run_release(&r);

	run(&r, "sets", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, "one revision") != NULL, "%s", r.err);
	cg_run_release(&r);
}

/*
 * drizzle's migrator compares an entry's "when" with the newest applied
 * one only: an entry generated on an older branch and merged later is
 * never run.  Journal order alone (it is last) does not show it.
 */
static void
drizzle_journal_when(const long long *when, size_t n)
{
	static const char *const tags[] = { "0000_a", "0001_b", "0002_c" };
	char buf[2048];
	size_t off, i;

	off = (size_t)snprintf(buf, sizeof(buf), "{\"version\":\"7\","
	    "\"dialect\":\"sqlite\",\"entries\":[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "%s{\"idx\":%zu,\"version\":\"6\",\"when\":%lld,"
		    "\"tag\":\"%s\",\"breakpoints\":true}", i ? "," : "", i,
		    when[i], tags[i]);
	snprintf(buf + off, sizeof(buf) - off, "]}\n");
	cg_test_write(dir, "drizzle/meta/_journal.json", buf);
}

Test(layouts, drizzle_entry_older_than_the_applied_one_is_out_of_order)
{
	static const long long applied[] = { 1700000000000, 1700000300000 };
	static const long long late[] = { 1700000000000, 1700000300000,
	    1700000200000 };
	static const long long fresh[] = { 1700000000000, 1700000300000,
	    1700000400000 };
	struct cg_run r;

	drizzle_journal_when(applied, 2);
	cg_test_write(dir, "drizzle/0000_a.sql", parent_only);
	cg_test_write(dir, "drizzle/0001_b.sql",
	    "CREATE TABLE b (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "late");
	/* generated before 0001_b was applied, merged after */
	drizzle_journal_when(late, 3);
	cg_test_write(dir, "drizzle/0002_c.sql",
	    "CREATE TABLE c (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "late");
	run(&r, "check-range", "main..late", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "drizzle/0002_c.sql: warning[out-of-order]: drizzle's "
	    "migrator never runs this migration: its journal \"when\" "
	    "(1700000200000) is not newer than that of the newest applied one "
	    "(1700000300000)");
	cg_run_release(&r);

	/* generated again on top: newest, clean */
	drizzle_journal_when(fresh, 3);
	cg_test_commit(dir, "regenerated");
	run(&r, "check-range", "main..late", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "out-of-order") == NULL, "%s", r.out);
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target drizzle)");
	cg_run_release(&r);
}

/* One <v>_<name>.up.sql file must not hide the folder's other files. */
Test(layouts, one_up_sql_file_does_not_hide_the_others)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_drop.sql", "DROP TABLE projects;\n");
	cg_test_write(dir, "migrations/0003_x.up.sql", "SELECT 1;\n");
	cg_test_commit(dir, "drop");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "migrations/0002_drop.sql:1:1: " CASCADE_DROP_1);
	cg_run_release(&r);
}

/* Two Workers whose binding is DB: the set names say which folder. */
Test(layouts, sets_with_the_same_binding_name_are_told_apart)
{
	static const char toml[] = "[[d1_databases]]\nbinding = \"DB\"\n"
	    "database_name = \"x\"\ndatabase_id = \"x\"\n";
	struct cg_run r;

	cg_test_write(dir, "apps/api/wrangler.toml", toml);
	cg_test_write(dir, "apps/web/wrangler.toml", toml);
	cg_test_write(dir, "apps/api/migrations/0001_init.sql", parent_and_child);
	cg_test_write(dir, "apps/web/migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "apps/web/migrations/0002_drop.sql",
	    "DROP TABLE projects;\n");
	cg_test_commit(dir, "drop");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[DB (apps/web/migrations)] "
	    "apps/web/migrations/0002_drop.sql:1:1: " CASCADE_DROP_1);
	cg_run_release(&r);
	/* --set names one of them, not the first of the two */
	run(&r, "check-range", "--set", "DB (apps/web/migrations)",
	    "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cg_run_release(&r);
	run(&r, "check-range", "--set", "DB (apps/api/migrations)",
	    "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	cg_run_release(&r);
}

/* The nearest drizzle.config decides the driver, not the root's. */
Test(layouts, nearest_drizzle_config_decides_the_target)
{
	struct cg_run r;

	cg_test_write(dir, "drizzle.config.ts",
	    "export default { dialect: 'turso' };\n");
	cg_test_write(dir, "apps/web/drizzle.config.ts",
	    "export default { dialect: 'sqlite', driver: 'better-sqlite' };\n");
	cg_test_write(dir, "apps/web/drizzle/meta/_journal.json",
	    "{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
	    "{\"idx\":0,\"version\":\"6\",\"when\":1700000000000,"
	    "\"tag\":\"0000_a\",\"breakpoints\":true}]}\n");
	cg_test_write(dir, "apps/web/drizzle/0000_a.sql", parent_and_child);
	cg_test_commit(dir, "init");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "  apps/web/drizzle: target drizzle, 1 file");
	cg_run_release(&r);
	cg_test_write(dir, "apps/web/drizzle.config.ts",
	    "export default { dialect: 'turso' };\n");
	cg_test_commit(dir, "turso");
	run(&r, "sets", NULL);
	ASSERT_LINE(&r, "  apps/web/drizzle: target libsql, 1 file");
	cg_run_release(&r);
}

/* diesel: migrations/<version>_<name>/up.sql is one set in folder order. */
Test(layouts, diesel_up_sql_folders_are_one_set)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/2024-01-01-000000_init/up.sql",
	    parent_and_child);
	cg_test_write(dir, "migrations/2024-01-01-000000_init/down.sql",
	    "DROP TABLE tasks;\nDROP TABLE projects;\n");
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/2024-02-01-000000_drop/up.sql",
	    "DROP TABLE projects;\n");
	cg_test_write(dir, "migrations/2024-02-01-000000_drop/down.sql",
	    "SELECT 1;\n");
	cg_test_commit(dir, "drop");
	run(&r, "sets", NULL);
	ASSERT_LINE(&r, "1 migration set at HEAD:");
	ASSERT_LINE(&r, "    files: migrations/*/up.sql");
	cg_run_release(&r);
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "migrations/2024-02-01-000000_drop/up.sql:1:1: "
	    CASCADE_DROP_1);
	cg_run_release(&r);
}

/* Supabase is PostgreSQL; so is a folder below db/postgres/. */
Test(layouts, supabase_and_nested_engine_folders_are_not_sqlite)
{
	struct cg_run r;

	cg_test_write(dir, "supabase/migrations/20240101000000_init.sql",
	    "CREATE TABLE t (id serial PRIMARY KEY);\n");
	cg_test_write(dir, "db/postgres/migrations/0001_init.sql",
	    "CREATE TABLE t (id serial PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "  db/postgres/migrations: not checked: its folder is "
	    "named for another database engine: 'postgres'");
	ASSERT_LINE(&r, "  supabase/migrations: not checked: its folder is "
	    "named for another database engine: 'supabase'");
	cg_run_release(&r);
}

/* A wrangler.json saved with a byte-order mark is still read. */
Test(layouts, wrangler_json_with_a_bom_is_read)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.json", "\xEF\xBB\xBF{\"d1_databases\": "
	    "[{\"binding\": \"DB\", \"database_name\": \"x\", "
	    "\"database_id\": \"x\", \"migrations_dir\": \"db\"}]}\n");
	cg_test_write(dir, "db/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "  DB: target d1, 1 file");
	cg_run_release(&r);
}

/* 2024-01-15 and 2024-03-02 are two versions, not two of "2024". */
Test(layouts, dated_names_are_not_duplicate_versions)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/2024-01-15_users.sql", parent_only);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/2024-03-02_t.sql",
	    "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "migrations/2024-03-02_u.sql",
	    "CREATE TABLE u (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "more");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	/* the two of the same day are, and nothing else */
	cr_assert_eq(cg_test_count(r.out, "error[duplicate-version]"), 1, "%s",
	    r.out);
	cr_assert(strstr(r.out, "version 2024-03-02 is also used by "
	    "'migrations/2024-03-02_t.sql'") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/* .cascadeguard is the pusher's: a bounded number of sets. */
Test(layouts, too_many_set_sections_are_refused)
{
	char buf[64];
	FILE *f;
	char path[4096];
	int i;

	snprintf(path, sizeof(path), "%s/.cascadeguard", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "[set s%d]\nmigrations = m/*.sql\n",
		    i);
		fputs(buf, f);
	}
	fclose(f);
	cg_test_write(dir, "m/0001.sql", parent_only);
	cg_test_commit(dir, "init");
	{
		struct cg_run r;

		run(&r, "check-range", "HEAD", NULL);
		ASSERT_EXIT(&r, 2);
		cr_assert(strstr(r.err, "more than 256 [set] sections") != NULL,
		    "%s", r.err);
		cg_run_release(&r);
	}
}

/* wrangler applies x.down.sql too: in a D1 set it is a migration. */
Test(layouts, d1_down_file_is_applied_and_checked)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_slug.sql",
	    "ALTER TABLE projects ADD COLUMN slug TEXT;\n");
	cg_test_write(dir, "migrations/0002_slug.down.sql",
	    "DROP TABLE projects;\n");
	cg_test_commit(dir, "slug");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "migrations/0002_slug.down.sql: "
	    "error[down-file-applied]: wrangler applies every .sql file of "
	    "this folder: this rollback script runs as a migration, in name "
	    "order");
	ASSERT_LINE(&r, "migrations/0002_slug.down.sql:1:1: " CASCADE_DROP_1);
	cr_assert(strstr(r.out, "duplicate-version") == NULL, "%s", r.out);
	cg_run_release(&r);
	/* golang-migrate's down files are not forward history */
	run(&r, "check-range", "--target", "golang-migrate", "HEAD~1..HEAD",
	    NULL);
	cr_assert(strstr(r.out, "0002_slug.down.sql") == NULL, "%s", r.out);
	cg_run_release(&r);
}

/*
 * Under a wrapping runner, a file that COMMITs the runner's transaction
 * and opens none again makes the runner's own COMMIT fail; a RELEASE of
 * no savepoint is the statement's own failure, not the wrapper's.
 */
Test(layouts, wrapped_file_that_commits_for_good_is_reported)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_x.sql",
	    "CREATE TABLE b (id INTEGER PRIMARY KEY);\nCOMMIT;\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY);\n");
	cg_test_write(dir, "migrations/0003_y.sql", "RELEASE nosuch;\n");
	cg_test_commit(dir, "x");
	run(&r, "check-range", "--target", "sqlx", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(cg_test_has_line(r.out, "migrations/0002_x.sql:2:1: "
	    "error[transaction-in-migration]: this ends the transaction the "
	    "runner opened (sqlx runs each migration in a transaction unless "
	    "its first line is -- no-transaction) and the file opens none "
	    "again: the runner's own COMMIT then fails (\"cannot commit - no "
	    "transaction is active\") after the file's statements were "
	    "committed"), "%s", r.out);
	ASSERT_LINE(&r, "migrations/0003_y.sql:1:1: error[migration-fails]: "
	    "statement fails: no such savepoint: nosuch");
	cg_run_release(&r);
	/* a ROLLBACK discards what came before it: said so */
	cg_test_write(dir, "migrations/0004_z.sql",
	    "CREATE TABLE z (id INTEGER PRIMARY KEY);\nROLLBACK;\n");
	cg_test_commit(dir, "z");
	run(&r, "check-range", "--target", "sqlx", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "migrations/0004_z.sql:2:1: "
	    "error[transaction-in-migration]: this rolls back the transaction "
	    "the runner opened") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/* A set the tip no longer has is not a set nobody checks. */
Test(layouts, deleting_a_whole_set_is_reported)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_write(dir, "README", "x\n");
	cg_test_commit(dir, "init");
	cr_assert_eq(cg_test_sh(dir, "git rm -rq migrations"), 0);
	cg_test_commit(dir, "gone");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[migrations] migrations/0001_init.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "deleted: production keeps what it did, new databases no longer "
	    "get it");
	cg_run_release(&r);
}

/*
 * A push cannot hide a set for one push: whatever the tip says of where
 * migrations are (a config edit, a lock file, its own .cascadeguard),
 * the base's sets are checked on the tip too.  A folder moved with its
 * config is not a deletion.
 */
static const char d1_in_db_schema[] = "[[d1_databases]]\nbinding = \"DB\"\n"
    "database_name = \"x\"\ndatabase_id = \"x\"\n"
    "migrations_dir = \"db/schema\"\n";

Test(layouts, a_config_edit_does_not_hide_the_set_it_named)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.toml", d1_in_db_schema);
	cg_test_write(dir, "db/schema/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "wrangler.toml", "[[d1_databases]]\n"
	    "binding = \"DB\"\ndatabase_name = \"x\"\ndatabase_id = \"x\"\n");
	cg_test_write(dir, "db/schema/0002_drop.sql", "DROP TABLE projects;\n");
	cg_test_commit(dir, "hide");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[DB] db/schema/0002_drop.sql:1:1: " CASCADE_DROP_1);
	cg_run_release(&r);
}

Test(layouts, a_lock_file_that_skips_the_folder_hides_nothing)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/migration_lock.toml",
	    "provider = \"postgresql\"\n");
	cg_test_write(dir, "migrations/0002_drop.sql", "DROP TABLE projects;\n");
	cg_test_commit(dir, "lock");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[migrations] migrations/0002_drop.sql:1:1: "
	    CASCADE_DROP_1);
	cg_run_release(&r);
}

Test(layouts, the_tips_own_config_does_not_hide_the_bases_sets)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, ".cascadeguard", "[set other]\n"
	    "migrations = nowhere/*.sql\n");
	cg_test_write(dir, "migrations/0002_drop.sql", "DROP TABLE projects;\n");
	cg_test_commit(dir, "elsewhere");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[migrations] migrations/0002_drop.sql:1:1: "
	    CASCADE_DROP_1);
	cg_run_release(&r);
}

Test(layouts, a_folder_moved_with_its_config_is_not_a_deletion)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.toml", d1_in_db_schema);
	cg_test_write(dir, "db/schema/0001_init.sql", parent_only);
	cg_test_commit(dir, "init");
	cr_assert_eq(cg_test_sh(dir, "git mv db/schema db/m2 && "
	    "sed -i 's#db/schema#db/m2#' wrangler.toml"), 0);
	cg_test_commit(dir, "move");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	cr_assert(strstr(r.out, "applied-migration-changed") == NULL, "%s",
	    r.out);
	cg_run_release(&r);
}

/*
 * wrangler --local strips an upper-case BEGIN TRANSACTION;/COMMIT; pair
 * (tests/oracle: tx-upper-begin-transaction-d1 applies it); remote D1
 * refuses it, so the error stands and says so.
 */
Test(layouts, d1_upper_begin_transaction_says_what_local_strips)
{
	struct cg_run r;

	cg_test_write(dir, "migrations/0001_init.sql",
	    "CREATE TABLE p (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "init");
	cg_test_branch(dir, "tx");
	cg_test_write(dir, "migrations/0002_tx.sql", "BEGIN TRANSACTION;\n"
	    "CREATE TABLE t2 (id INTEGER PRIMARY KEY);\nCOMMIT;\n");
	cg_test_commit(dir, "tx");
	run(&r, "check-range", "--target", "d1", "main..tx", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "migrations/0002_tx.sql:1:1: "
	    "error[transaction-in-migration]: BEGIN inside a migration: D1 "
	    "runs each migration file in its own transaction and fails with "
	    "\"cannot start a transaction within a transaction\" (wrangler d1 "
	    "migrations apply --local strips this \"BEGIN TRANSACTION;\" and "
	    "the file's first \"COMMIT;\", only that pair, so the file may "
	    "apply locally; --remote sends it as written, and D1 refuses it)")
	    != NULL, "%s", r.out);
	ASSERT_HAS(&r, "migrations/0002_tx.sql:3:1: "
	    "error[transaction-in-migration]: COMMIT inside a migration: D1 "
	    "runs each migration file in its own transaction, which the file "
	    "cannot control (wrangler d1 migrations apply --local strips this "
	    "\"COMMIT;\" with the file's first \"BEGIN TRANSACTION;\", only "
	    "that pair, so the file may apply locally; --remote sends it as "
	    "written, and D1 refuses it)");
	cg_run_release(&r);

	/* a second pair: wrangler --local refuses the file too */
	cg_test_write(dir, "migrations/0002_tx.sql", "BEGIN TRANSACTION;\n"
	    "CREATE TABLE t2 (id INTEGER PRIMARY KEY);\nCOMMIT;\n"
	    "BEGIN TRANSACTION;\nCREATE TABLE t3 (id INTEGER PRIMARY KEY);\n"
	    "COMMIT;\n");
	cg_test_commit(dir, "two pairs");
	run(&r, "check-range", "--target", "d1", "main..tx", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_tx.sql:1:1: "
	    "error[transaction-in-migration]: BEGIN inside a migration: D1 "
	    "runs each migration file in its own transaction and fails with "
	    "\"cannot start a transaction within a transaction\" (wrangler d1 "
	    "migrations apply --local refuses this file too: it strips only "
	    "the first \"BEGIN TRANSACTION;\" and the first \"COMMIT;\", and "
	    "stops with \"contains several transactions\" while the text "
	    "still holds \"BEGIN TRANSACTION\")");
	ASSERT_NO(&r, "may apply locally");
	cg_run_release(&r);
}
