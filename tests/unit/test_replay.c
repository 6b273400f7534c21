/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of replay.c: splitting and positions, the history replay,
 * and the D1 and SQLite target models on the incident and its variants.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "config.h"
#include "finding.h"
#include "helpers/assert.h"
#include "replay.h"
#include "sandbox.h"
#include "../src/sandbox_db.h"

static struct cg_sandbox *sb;
static struct cg_findings fs;
static struct cg_config cfg;

static void
setup(void)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_config_init(&cfg);
	memset(&fs, 0, sizeof(fs));
	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
}

static void
teardown(void)
{
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
	cg_config_release(&cfg);
}

TestSuite(replay, .init = setup, .fini = teardown);

static void
history(const char *sql)
{
	struct cg_source src = { NULL, "migrations/0001_base.sql", sql,
	    strlen(sql) };
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_replay_history(sb, &src, &fs, &err), &err);
}

static void
check(const char *sql)
{
	struct cg_source src = { NULL, "migrations/0002_new.sql", sql,
	    strlen(sql) };
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_replay_check(sb, &cfg, &src, &fs, &err), &err);
}

static size_t
count(enum cg_rule rule)
{
	size_t i, n = 0;

	for (i = 0; i < fs.n; i++)
		if (fs.v[i].rule == rule)
			n++;
	return n;
}

/* The k-th finding of rule (0-based); fails the test if there is none. */
static const struct cg_finding *
nth(enum cg_rule rule, size_t k)
{
	size_t i;

	for (i = 0; i < fs.n; i++)
		if (fs.v[i].rule == rule && k-- == 0)
			return &fs.v[i];
	cr_assert_fail("no finding #%zu of rule %s among %zu", k,
	    cg_rule_info(rule)->name, fs.n);
	return NULL;
}

static void
dump(void)
{
	size_t i;

	for (i = 0; i < fs.n; i++)
		cr_log_info("finding %zu: %s %u:%u %s", i,
		    cg_rule_info(fs.v[i].rule)->name, fs.v[i].line,
		    fs.v[i].col, fs.v[i].message);
}

static long long
query_int(const char *sql)
{
	sqlite3 *db = cg_sandbox_db(sb);
	sqlite3_stmt *st = NULL;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
table_exists(const char *name)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = '%s'", name);
	return query_int(sql) > 0;
}

static int
has_affected(const struct cg_finding *f, const char *table)
{
	size_t i;

	for (i = 0; i < f->naffected; i++)
		if (strcmp(f->affected[i].table, table) == 0)
			return 1;
	return 0;
}

static void
assert_at(const struct cg_finding *f, unsigned line, unsigned col,
    const char *stmt)
{
	cr_assert_eq(f->line, line, "%s at line %u, expected %u",
	    cg_rule_info(f->rule)->name, f->line, line);
	cr_assert_eq(f->col, col, "%s at col %u, expected %u",
	    cg_rule_info(f->rule)->name, f->col, col);
	if (stmt != NULL)
		cr_assert_str_eq(f->statement, stmt);
	cr_assert_str_eq(f->path, "migrations/0002_new.sql");
}

/* ---- splitting and positions ---------------------------------------- */

Test(replay, positions_after_comments_and_blank_lines)
{
	/* Transaction verbs are reported, not run, on D1: one finding each. */
	check("-- leading comment\n"
	    "\n"
	    "/* block\n"
	    "   comment */   BEGIN;\n"
	    "  SAVEPOINT a; RELEASE a;\n"
	    "\n"
	    ";;\n"
	    "-- cascadeguard: nothing\n"
	    "\t COMMIT\n"
	    "  ;\n");
	dump();
	cr_assert_eq(count(CG_RULE_TRANSACTION_IN_MIGRATION), 4);
	cr_assert_eq(fs.n, 4);
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 0), 4, 17, "BEGIN;");
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 1), 5, 3,
	    "SAVEPOINT a;");
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 2), 5, 16,
	    "RELEASE a;");
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 3), 9, 3,
	    "COMMIT\n  ;");
	cr_assert_eq(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 3)->end_line, 10);
}

Test(replay, multi_line_statements_and_triggers_are_one_statement)
{
	history("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT);\n"
	    "CREATE TABLE log(x TEXT);\n");
	cfg.target = CG_TARGET_SQLITE;
	check("CREATE TRIGGER t_del\n"
	    "AFTER DELETE ON t\n"
	    "BEGIN\n"
	    "  INSERT INTO log VALUES ('a;b');\n"
	    "  DELETE FROM log WHERE x = 'END;';\n"
	    "END;\n"
	    "ALTER TABLE t\n"
	    "  DROP COLUMN b;\n"
	    "ALTER TABLE t RENAME COLUMN a TO c;");
	dump();
	cr_assert_eq(fs.n, 2);
	assert_at(nth(CG_RULE_DROP_COLUMN, 0), 7, 1,
	    "ALTER TABLE t\n  DROP COLUMN b;");
	cr_assert_eq(nth(CG_RULE_DROP_COLUMN, 0)->end_line, 8);
	cr_assert(strstr(nth(CG_RULE_DROP_COLUMN, 0)->message, "t DROP COLUMN "
	    "b") != NULL, "%s", nth(CG_RULE_DROP_COLUMN, 0)->message);
	assert_at(nth(CG_RULE_RENAME, 0), 9, 1,
	    "ALTER TABLE t RENAME COLUMN a TO c;");
	cr_assert(strstr(nth(CG_RULE_RENAME, 0)->message, "a TO c") != NULL);
	cr_assert(table_exists("t_del"));
	cr_assert_eq(query_int("SELECT count(*) FROM pragma_table_info('t') "
	    "WHERE name IN ('c', 'b')"), 1);
}

Test(replay, drizzle_breakpoints_are_comments)
{
	check("CREATE TABLE a(x);--> statement-breakpoint\n"
	    "CREATE TABLE b(y);\n"
	    "--> statement-breakpoint\n"
	    "BEGIN;--> statement-breakpoint\n"
	    "  SAVEPOINT s;");
	cr_assert_eq(fs.n, 2);
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 0), 4, 1, "BEGIN;");
	assert_at(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 1), 5, 3,
	    "SAVEPOINT s;");
	cr_assert(table_exists("a"));
	cr_assert(table_exists("b"));
}

Test(replay, prepare_error_mid_file_gives_line_and_caret)
{
	const struct cg_finding *f;

	check("CREATE TABLE a(x);\n"
	    "\n"
	    "  -- broken\n"
	    "  SELECT * FROM a WHERE x = = 1;\n"
	    "CREATE TABLE b(y);\n");
	dump();
	cr_assert_eq(fs.n, 1);
	f = nth(CG_RULE_MIGRATION_FAILS, 0);
	assert_at(f, 4, 3, "SELECT * FROM a WHERE x = = 1;");
	cr_assert(strstr(f->message, "syntax error") != NULL, "%s", f->message);
	cr_assert_eq(f->caret_col, 29, "caret at %u", f->caret_col);
	/* D1 rolls the whole file back and runs nothing after it. */
	cr_assert_not(table_exists("a"));
	cr_assert_not(table_exists("b"));
}

Test(replay, caret_on_a_later_line_of_the_statement)
{
	const struct cg_finding *f;

	check("CREATE TABLE a(x);\n"
	    "INSERT INTO a\n"
	    "  VALUES (1,, 2);\n");
	f = nth(CG_RULE_MIGRATION_FAILS, 0);
	assert_at(f, 2, 1, "INSERT INTO a\n  VALUES (1,, 2);");
	cr_assert_eq(f->caret_col, 13, "caret at %u", f->caret_col);
}

/* ---- history ---------------------------------------------------------- */

Test(replay, history_failure_warns_and_replay_goes_on)
{
	const struct cg_finding *f;

	history("BEGIN TRANSACTION;\n"
	    "PRAGMA foreign_keys=ON;\n"
	    "CREATE TABLE a(x NOT NULL);\n"
	    "INSERT INTO missing VALUES (1);\n"
	    "CREATE TABLE b(y);\n"
	    "INSERT INTO a VALUES (NULL);\n"
	    "CREATE TABLE c(z);\n"
	    "COMMIT;\n");
	dump();
	cr_assert_eq(fs.n, 2);
	f = nth(CG_RULE_HISTORY_REPLAY_FAILS, 0);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	cr_assert_eq(f->line, 4);
	cr_assert_str_eq(f->message, "already applied migration does not "
	    "replay: no such table: missing");
	cr_assert_str_eq(f->statement, "INSERT INTO missing VALUES (1);");
	f = nth(CG_RULE_HISTORY_REPLAY_FAILS, 1);
	cr_assert_eq(f->line, 6);
	cr_assert(strstr(f->message, "NOT NULL constraint failed") != NULL,
	    "%s", f->message);
	cr_assert(table_exists("a"));
	cr_assert(table_exists("b"));
	cr_assert(table_exists("c"));
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, history_syntax_error_has_a_caret)
{
	const struct cg_finding *f;

	history("CREATE TABLE a(x);\n  CREATE TABLE b(x,, y);\nCREATE TABLE c(z);");
	cr_assert_eq(fs.n, 1);
	f = nth(CG_RULE_HISTORY_REPLAY_FAILS, 0);
	cr_assert_eq(f->line, 2);
	cr_assert_eq(f->col, 3);
	cr_assert_eq(f->caret_col, 20, "caret at %u", f->caret_col);
	cr_assert_str_eq(f->path, "migrations/0001_base.sql");
	cr_assert(table_exists("c"));
}

Test(replay, history_goes_on_after_a_rolled_back_transaction)
{
	history("CREATE TABLE a(x NOT NULL);\n"
	    "INSERT OR ROLLBACK INTO a VALUES (NULL);\n"
	    "CREATE TABLE b(y);\n");
	cr_assert_eq(count(CG_RULE_HISTORY_REPLAY_FAILS), 1);
	cr_assert_eq(nth(CG_RULE_HISTORY_REPLAY_FAILS, 0)->line, 2);
	/* The rollback took a with it; b still applies. */
	cr_assert(table_exists("b"));
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, history_skips_past_a_broken_trigger)
{
	history("CREATE TABLE t(x);\n"
	    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	    "  INSERT INTO nowhere VALUES (1);\n"
	    "  SELECT x FROM t WHERE = ;\n"
	    "END;\n"
	    "CREATE TABLE after_it(y);\n");
	dump();
	cr_assert_eq(count(CG_RULE_HISTORY_REPLAY_FAILS), 1);
	cr_assert_eq(nth(CG_RULE_HISTORY_REPLAY_FAILS, 0)->line, 2);
	cr_assert(table_exists("after_it"));
}

/* ---- the incident ------------------------------------------------------ */

static const char base_schema[] =
    "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n"
    "CREATE TABLE projects(id INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
    "  owner_id INTEGER REFERENCES users(id));\n"
    "CREATE TABLE tasks(id INTEGER PRIMARY KEY,\n"
    "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE members(user_id INTEGER, project_id INTEGER\n"
    "  REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE invites(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES projects ON DELETE CASCADE);\n"
    "CREATE TABLE files(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE comments(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE labels(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES Projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE webhooks(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE deployments(id INTEGER PRIMARY KEY, project_id INTEGER\n"
    "  REFERENCES projects(id) ON DELETE CASCADE);\n"
    "CREATE TABLE task_logs(id INTEGER PRIMARY KEY, task_id INTEGER\n"
    "  REFERENCES tasks(id) ON DELETE CASCADE);\n";

static const char rebuild[] =
    "CREATE TABLE projects_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
    "  owner_id INTEGER REFERENCES users(id),\n"
    "  archived INTEGER NOT NULL DEFAULT 0);\n"
    "INSERT INTO projects_new(id, name, owner_id)\n"
    "  SELECT id, name, owner_id FROM projects;\n"
    "DROP TABLE projects;\n"
    "ALTER TABLE projects_new RENAME TO projects;\n";

static const char *const lost[] = { "tasks", "members", "invites", "files",
    "comments", "labels", "webhooks", "deployments", "task_logs" };

static void
assert_incident(const struct cg_finding *f, unsigned line)
{
	size_t i;

	cr_assert_eq(f->severity, CG_SEV_ERROR);
	cr_assert_eq(f->line, line);
	cr_assert_str_eq(f->statement, "DROP TABLE projects;");
	cr_assert_eq(f->naffected, 9, "%zu tables affected", f->naffected);
	for (i = 0; i < 9; i++)
		cr_assert(has_affected(f, lost[i]), "%s is not listed",
		    lost[i]);
	cr_assert(strstr(f->message, "projects") != NULL);
}

Test(replay, d1_incident_rebuild_is_cascade_drop)
{
	history(base_schema);
	cr_assert_eq(fs.n, 0);
	check(rebuild);
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DROP), 1);
	cr_assert_eq(fs.n, 1, "only the cascade is reported");
	assert_incident(nth(CG_RULE_CASCADE_DROP, 0), 6);
	/* It applied: the next file sees the rebuilt table. */
	cr_assert_eq(query_int("SELECT count(*) FROM pragma_table_info("
	    "'projects') WHERE name = 'archived'"), 1);
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, d1_ignores_foreign_keys_off)
{
	char sql[2048];

	history(base_schema);
	snprintf(sql, sizeof(sql), "PRAGMA foreign_keys=OFF;\n%s"
	    "PRAGMA foreign_keys=ON;\n", rebuild);
	check(sql);
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DROP), 1);
	assert_incident(nth(CG_RULE_CASCADE_DROP, 0), 7);
	cr_assert_eq(count(CG_RULE_FK_PRAGMA_IGNORED), 1);
	cr_assert_eq(nth(CG_RULE_FK_PRAGMA_IGNORED, 0)->line, 1);
	cr_assert_eq(fs.n, 2);
}

Test(replay, sqlite_target_with_foreign_keys_off_outside_a_transaction)
{
	char sql[2048];

	history(base_schema);
	cfg.target = CG_TARGET_SQLITE;
	snprintf(sql, sizeof(sql), "PRAGMA foreign_keys=OFF;\nBEGIN;\n%s"
	    "PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;\n",
	    rebuild);
	check(sql);
	dump();
	cr_assert_eq(fs.n, 0);
	cr_assert_eq(query_int("PRAGMA foreign_keys"), 1);
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, sqlite_target_foreign_keys_off_inside_a_transaction)
{
	char sql[2048];

	history(base_schema);
	cfg.target = CG_TARGET_SQLITE;
	snprintf(sql, sizeof(sql), "BEGIN;\nPRAGMA foreign_keys=OFF;\n%s"
	    "COMMIT;\n", rebuild);
	check(sql);
	dump();
	cr_assert_eq(count(CG_RULE_FK_PRAGMA_IGNORED), 1);
	cr_assert_eq(count(CG_RULE_CASCADE_DROP), 1);
	assert_incident(nth(CG_RULE_CASCADE_DROP, 0), 8);
	cr_assert_eq(count(CG_RULE_TRANSACTION_IN_MIGRATION), 0);
}

Test(replay, sqlite_target_with_foreign_keys_off_by_config)
{
	history(base_schema);
	cfg.target = CG_TARGET_SQLITE;
	cfg.fk_on = 0;
	check(rebuild);
	cr_assert_eq(fs.n, 0);
}

Test(replay, d1_begin_in_a_file_is_transaction_in_migration)
{
	check("BEGIN TRANSACTION;\nCREATE TABLE z(x);\nEND;\n");
	dump();
	cr_assert_eq(count(CG_RULE_TRANSACTION_IN_MIGRATION), 2);
	cr_assert_eq(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 0)->line, 1);
	cr_assert(strstr(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 0)->message,
	    "BEGIN") != NULL);
	cr_assert_eq(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 1)->line, 3);
	cr_assert(strstr(nth(CG_RULE_TRANSACTION_IN_MIGRATION, 1)->message,
	    "COMMIT") != NULL);
	cr_assert_eq(count(CG_RULE_MIGRATION_FAILS), 0);
	/* The rest of the file still ran, and was committed. */
	cr_assert(table_exists("z"));
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, sqlite_target_runs_the_file_transaction)
{
	cfg.target = CG_TARGET_SQLITE;
	check("BEGIN;\nCREATE TABLE z(x);\nCOMMIT;\nBEGIN;\n"
	    "CREATE TABLE open_at_end(y);\n");
	cr_assert_eq(fs.n, 0);
	cr_assert(table_exists("z"));
	cr_assert(table_exists("open_at_end"));
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, sqlite_target_failure_rolls_back_the_open_transaction)
{
	cfg.target = CG_TARGET_SQLITE;
	check("CREATE TABLE kept(x);\nBEGIN;\nCREATE TABLE lost(y);\n"
	    "INSERT INTO nowhere VALUES (1);\nCREATE TABLE never(z);\n");
	cr_assert_eq(count(CG_RULE_MIGRATION_FAILS), 1);
	cr_assert_eq(nth(CG_RULE_MIGRATION_FAILS, 0)->line, 4);
	cr_assert(table_exists("kept"));
	cr_assert_not(table_exists("lost"));
	cr_assert_not(table_exists("never"));
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, insert_or_replace_into_a_cascade_parent)
{
	const struct cg_finding *f;

	history(base_schema);
	check("INSERT OR REPLACE INTO projects(id, name) VALUES (1, 'x');\n");
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DELETE), 1);
	f = nth(CG_RULE_CASCADE_DELETE, 0);
	cr_assert_eq(f->naffected, 9);
	cr_assert(strstr(f->message, "INSERT OR REPLACE INTO projects") != NULL,
	    "%s", f->message);
	cr_assert_eq(fs.n, 1);
}

Test(replay, replace_forms_into_a_cascade_parent)
{
	history(base_schema);
	check("REPLACE INTO projects(id, name) VALUES (1, 'x');\n"
	    "WITH v(i, n) AS (SELECT 2, 'insert into')\n"
	    "  INSERT OR REPLACE INTO projects(id, name) SELECT i, n FROM v;\n"
	    "UPDATE OR REPLACE projects SET id = 2 WHERE id = 1;\n"
	    "DELETE FROM projects WHERE id = 3;\n"
	    "INSERT INTO projects(id, name) VALUES (5, 'plain');\n"
	    "INSERT OR IGNORE INTO projects(id, name) VALUES (6, 'x');\n"
	    "DELETE FROM task_logs;\n");
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DELETE), 4);
	cr_assert_eq(nth(CG_RULE_CASCADE_DELETE, 0)->line, 1);
	cr_assert(strstr(nth(CG_RULE_CASCADE_DELETE, 0)->message,
	    "REPLACE INTO projects") != NULL);
	cr_assert_eq(nth(CG_RULE_CASCADE_DELETE, 1)->line, 2);
	cr_assert_eq(nth(CG_RULE_CASCADE_DELETE, 2)->line, 4);
	cr_assert(strstr(nth(CG_RULE_CASCADE_DELETE, 2)->message,
	    "UPDATE OR REPLACE") != NULL);
	cr_assert_eq(nth(CG_RULE_CASCADE_DELETE, 3)->line, 5);
	cr_assert(strstr(nth(CG_RULE_CASCADE_DELETE, 3)->message,
	    "DELETE FROM projects") != NULL);
	cr_assert_eq(fs.n, 4);
}

Test(replay, insert_into_an_on_conflict_replace_key)
{
	history("CREATE TABLE p(id INTEGER PRIMARY KEY ON CONFLICT REPLACE,\n"
	    "  name TEXT NOT NULL ON CONFLICT REPLACE DEFAULT '');\n"
	    "CREATE TABLE q(id INTEGER PRIMARY KEY,\n"
	    "  name TEXT NOT NULL ON CONFLICT REPLACE DEFAULT '');\n"
	    "CREATE TABLE c(p_id INTEGER REFERENCES p(id) ON DELETE CASCADE,\n"
	    "  q_id INTEGER REFERENCES q(id) ON DELETE CASCADE);\n");
	check("INSERT INTO p(id, name) VALUES (1, 'a');\n"
	    "INSERT INTO q(id, name) VALUES (1, 'a');\n"
	    "INSERT INTO p(id) VALUES (2) ON CONFLICT(id) DO NOTHING;\n");
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DELETE), 1);
	cr_assert_eq(nth(CG_RULE_CASCADE_DELETE, 0)->line, 1);
	cr_assert(has_affected(nth(CG_RULE_CASCADE_DELETE, 0), "c"));
	cr_assert_eq(fs.n, 1);
}

Test(replay, add_column_is_clean)
{
	history(base_schema);
	check("ALTER TABLE projects ADD COLUMN archived INTEGER NOT NULL "
	    "DEFAULT 0;\n"
	    "CREATE INDEX projects_archived ON projects(archived);\n"
	    "INSERT INTO users(email) VALUES ('a@b');\n"
	    "UPDATE projects SET archived = 1 WHERE id = 7;\n");
	dump();
	cr_assert_eq(fs.n, 0);
	cr_assert_eq(query_int("SELECT count(*) FROM users"), 1);
}

Test(replay, parent_renamed_earlier_still_cascades)
{
	const struct cg_finding *f;
	size_t i;

	history(base_schema);
	check("ALTER TABLE projects RENAME TO projects_old;\n"
	    "CREATE TABLE projects(id INTEGER PRIMARY KEY, name TEXT);\n"
	    "DROP TABLE projects_old;\n");
	dump();
	cr_assert_eq(count(CG_RULE_CASCADE_DROP), 1);
	f = nth(CG_RULE_CASCADE_DROP, 0);
	cr_assert_eq(f->line, 3);
	cr_assert_eq(f->naffected, 9);
	for (i = 0; i < 9; i++)
		cr_assert(has_affected(f, lost[i]), "%s is not listed",
		    lost[i]);
}

Test(replay, renamed_parent_in_an_earlier_file_still_cascades)
{
	history(base_schema);
	history("ALTER TABLE projects RENAME TO Workspaces;\n");
	check("drop table WORKSPACES;\n");
	cr_assert_eq(count(CG_RULE_CASCADE_DROP), 1);
	cr_assert(strstr(nth(CG_RULE_CASCADE_DROP, 0)->message,
	    "Workspaces") != NULL, "%s", nth(CG_RULE_CASCADE_DROP, 0)->message);
	cr_assert_eq(nth(CG_RULE_CASCADE_DROP, 0)->naffected, 9);
}

Test(replay, rename_table_is_reported)
{
	history(base_schema);
	check("ALTER TABLE \"users\" RENAME TO \"accounts\";\n");
	cr_assert_eq(count(CG_RULE_RENAME), 1);
	cr_assert(strstr(nth(CG_RULE_RENAME, 0)->message, "users RENAME TO "
	    "accounts") != NULL, "%s", nth(CG_RULE_RENAME, 0)->message);
}

/* ---- failures, budget, sandbox ----------------------------------------- */

Test(replay, deferred_foreign_key_failure_at_commit)
{
	const struct cg_finding *f;

	history(base_schema);
	check("PRAGMA defer_foreign_keys=ON;\n"
	    "INSERT INTO tasks(project_id) VALUES (999);\n");
	dump();
	cr_assert_eq(count(CG_RULE_MIGRATION_FAILS), 1);
	f = nth(CG_RULE_MIGRATION_FAILS, 0);
	cr_assert_eq(f->line, 2);
	cr_assert(strstr(f->message, "FOREIGN KEY constraint failed") != NULL,
	    "%s", f->message);
	cr_assert_eq(query_int("SELECT count(*) FROM tasks"), 0);
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, denied_statement_fails_with_the_reason)
{
	const struct cg_finding *f;

	check("CREATE TABLE a(x);\nATTACH 'x.db' AS x;\n");
	f = nth(CG_RULE_MIGRATION_FAILS, 0);
	cr_assert_eq(f->line, 2);
	cr_assert(strstr(f->message, "ATTACH is not allowed in the sandbox") !=
	    NULL, "%s", f->message);
	cr_assert_eq(fs.n, 1);
}

Test(replay, denied_function_fails_with_the_reason)
{
	const struct cg_finding *f;

	check("SELECT load_extension('/tmp/evil.so');\n");
	f = nth(CG_RULE_MIGRATION_FAILS, 0);
	cr_assert(strstr(f->message, "load_extension() is not allowed") !=
	    NULL, "%s", f->message);
}

Test(replay, time_budget_stops_the_file)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	const struct cg_finding *f;

	cg_sandbox_free(sb);
	opts.time_budget_ms = 300;
	opts.step_budget = 10000000000ULL;	/* only the clock stops it */
	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
	check("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c)\n"
	    "  SELECT count(*) FROM c;\n"
	    "CREATE TABLE b(y);\n");
	dump();
	cr_assert_eq(fs.n, 1);
	f = nth(CG_RULE_BUDGET_EXCEEDED, 0);
	cr_assert_eq(f->line, 1);
	cr_assert_str_eq(f->message, "statement stopped: the wall-clock "
	    "backstop of 300 ms per file ran out (time-budget-ms)");
	cr_assert_not(table_exists("b"));
	/* The next file has a fresh budget. */
	cg_findings_release(&fs);
	check("CREATE TABLE c(z);\n");
	cr_assert_eq(fs.n, 0);
	cr_assert(table_exists("c"));
}

Test(replay, empty_and_comment_only_files)
{
	check("");
	check("-- nothing here\n/* nor here */\n");
	check("/* unterminated");
	history("   \n");
	cr_assert_eq(fs.n, 0);
	cr_assert(sqlite3_get_autocommit(cg_sandbox_db(sb)));
}

Test(replay, text_is_not_read_past_len)
{
	static const char data[] = "CREATE TABLE a(x);CREATE TABLE b(y);";
	struct cg_source src = { NULL, "migrations/0002_new.sql", data, 18 };
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_replay_check(sb, &cfg, &src, &fs, &err), &err);
	cr_assert(table_exists("a"));
	cr_assert_not(table_exists("b"));
}

/* The step budget stops the file, at the same count on every run. */
Test(replay, step_budget_stops_the_file_deterministically)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	const struct cg_finding *f;
	unsigned long long steps;

	cg_sandbox_free(sb);
	opts.step_budget = 100000;
	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
	check("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c)\n"
	    "  SELECT count(*) FROM c;\n");
	cr_assert_eq(fs.n, 1);
	f = nth(CG_RULE_BUDGET_EXCEEDED, 0);
	cr_assert_str_eq(f->message, "statement stopped: the step budget of "
	    "100000 SQLite steps per file ran out (step-budget)");
	steps = cg_sandbox_steps(sb);
	cr_assert_eq(steps, 101000ULL);
	cg_findings_release(&fs);
	check("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c)\n"
	    "  SELECT count(*) FROM c;\n");
	cr_assert_eq(cg_sandbox_steps(sb), steps);
}
