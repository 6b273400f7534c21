/* SPDX-License-Identifier: MIT */
/* Unit tests of sandbox.c: what untrusted SQL cannot do, and the budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "helpers/assert.h"
#include "sandbox.h"
#include "../src/sandbox_db.h"

static struct cg_sandbox *sb;
static char tmpdir[64];

static void
setup(void)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;

	opts.time_budget_ms = 200;
	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cg-sandbox-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char path[128];

	cg_sandbox_free(sb);
	sb = NULL;
	snprintf(path, sizeof(path), "%s/x.db", tmpdir);
	(void)unlink(path);
	(void)rmdir(tmpdir);
}

TestSuite(sandbox, .init = setup, .fini = teardown);

static int
exec(const char *sql)
{
	cg_sandbox_clear_denial(sb);
	return sqlite3_exec(cg_sandbox_db(sb), sql, NULL, NULL, NULL);
}

static long long
query_int(struct cg_sandbox *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(cg_sandbox_db(s), sql, -1, &st, NULL),
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(cg_sandbox_db(s)));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: %s", sql,
	    sqlite3_errmsg(cg_sandbox_db(s)));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
assert_denied(const char *sql, const char *reason_part)
{
	int rc = exec(sql);

	cr_assert_neq(rc, SQLITE_OK, "'%s' ran in the sandbox", sql);
	cr_assert_not_null(cg_sandbox_denial(sb), "'%s' failed (%s) but was "
	    "not denied", sql, sqlite3_errmsg(cg_sandbox_db(sb)));
	cr_assert(strstr(cg_sandbox_denial(sb), reason_part) != NULL,
	    "denial of '%s' is '%s'", sql, cg_sandbox_denial(sb));
}

static int
file_exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return access(path, F_OK) == 0;
}

Test(sandbox, attach_is_denied)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "ATTACH '%s/x.db' AS x", tmpdir);
	assert_denied(sql, "ATTACH is not allowed");
	cr_assert_eq(exec(sql), SQLITE_AUTH);
	cr_assert_not(file_exists("x.db"), "ATTACH created a file");
	assert_denied("DETACH main", "DETACH is not allowed");
}

Test(sandbox, vacuum_into_is_denied)
{
	char sql[256];

	cr_assert_eq(exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"),
	    SQLITE_OK);
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s/x.db'", tmpdir);
	assert_denied(sql, "ATTACH is not allowed");
	cr_assert_not(file_exists("x.db"), "VACUUM INTO wrote a file");
}

Test(sandbox, load_extension_is_denied)
{
	assert_denied("SELECT load_extension('/nonexistent/x.so')",
	    "function load_extension() is not allowed");
	assert_denied("SELECT LOAD_EXTENSION('/nonexistent/x.so', 'f')",
	    "load_extension");
}

static void
fake_readfile(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, "secret", -1, SQLITE_STATIC);
}

Test(sandbox, file_functions_are_denied_even_when_present)
{
	static const char *const names[] = { "readfile", "writefile", "edit" };
	sqlite3 *db = cg_sandbox_db(sb);
	char sql[128];
	size_t i;

	/* As if an extension had registered them. */
	for (i = 0; i < 3; i++)
		cr_assert_eq(sqlite3_create_function(db, names[i], -1,
		    SQLITE_UTF8, NULL, fake_readfile, NULL, NULL), SQLITE_OK);
	cr_assert_eq(exec("CREATE TABLE t(x)"), SQLITE_OK);
	assert_denied("SELECT readfile('/etc/passwd')",
	    "function readfile() is not allowed");
	assert_denied("INSERT INTO t SELECT ReadFile('/etc/passwd')",
	    "readfile");
	for (i = 1; i < 3; i++) {
		snprintf(sql, sizeof(sql), "SELECT %s('x', 'y')", names[i]);
		assert_denied(sql, names[i]);
	}
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM t"), 0);
	/* Ordinary functions still work. */
	cr_assert_eq(exec("SELECT sqlite_version(), lower('A'), "
	    "json_extract('{\"a\":1}', '$.a')"), SQLITE_OK);
	cr_assert_null(cg_sandbox_denial(sb));
}

Test(sandbox, writable_schema_is_denied)
{
	assert_denied("PRAGMA writable_schema=ON",
	    "PRAGMA writable_schema is not allowed in the sandbox");
	assert_denied("PRAGMA main.writable_schema = 1", "writable_schema");
	assert_denied("PRAGMA writable_schema", "writable_schema");
	/* Defensive mode stops the direct route as well. */
	cr_assert_eq(exec("CREATE TABLE t(x)"), SQLITE_OK);
	cr_assert_neq(exec("UPDATE sqlite_schema SET sql = 'x'"), SQLITE_OK);
}

Test(sandbox, risky_pragmas_are_denied)
{
	assert_denied("PRAGMA temp_store=FILE", "PRAGMA temp_store");
	assert_denied("PRAGMA trusted_schema=ON", "PRAGMA trusted_schema");
	assert_denied("PRAGMA ignore_check_constraints=ON",
	    "ignore_check_constraints");
	assert_denied("PRAGMA schema_version=5", "schema_version");
	assert_denied("PRAGMA mmap_size=1000000", "mmap_size");
	assert_denied("PRAGMA case_sensitive_like=ON", "case_sensitive_like");
	assert_denied("PRAGMA encoding='UTF-16le'", "encoding");
	assert_denied("PRAGMA no_such_pragma", "no_such_pragma");
}

/*
 * The simulation's stand-in runs one statement with CHECK constraints
 * off; afterwards they are on again and the migration's own SQL still
 * cannot turn them off.
 */
Test(sandbox, exec_unchecked_turns_checks_on_again)
{
	cr_assert_eq(exec("CREATE TABLE c (x INTEGER CHECK (x > 0))"),
	    SQLITE_OK);
	cr_assert_neq(exec("INSERT INTO c VALUES (-1)"), SQLITE_OK);
	cr_assert_eq(cg_sandbox_exec_unchecked(sb,
	    "INSERT INTO c VALUES (-2)"), SQLITE_OK);
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM c"), 1);
	cr_assert_neq(exec("INSERT INTO c VALUES (-3)"), SQLITE_OK,
	    "CHECK constraints stayed off");
	assert_denied("PRAGMA ignore_check_constraints=ON",
	    "ignore_check_constraints");
	/* a statement that fails on its own still fails, checks on again */
	cr_assert_neq(cg_sandbox_exec_unchecked(sb,
	    "INSERT INTO nowhere VALUES (1)"), SQLITE_OK);
	cr_assert_neq(exec("INSERT INTO c VALUES (-4)"), SQLITE_OK);
}

Test(sandbox, allowed_pragmas_work)
{
	sqlite3 *db = cg_sandbox_db(sb);

	cr_assert_eq(exec("PRAGMA foreign_keys=ON"), SQLITE_OK);
	cr_assert_eq(query_int(sb, "PRAGMA foreign_keys"), 1);
	cr_assert_eq(exec("PRAGMA foreign_keys=OFF"), SQLITE_OK);
	cr_assert_eq(query_int(sb, "PRAGMA foreign_keys"), 0);
	cr_assert_eq(exec("PRAGMA user_version=7"), SQLITE_OK);
	cr_assert_eq(query_int(sb, "PRAGMA user_version"), 7);
	cr_assert_eq(exec("CREATE TABLE p(id INTEGER PRIMARY KEY); "
	    "CREATE TABLE c(id INTEGER PRIMARY KEY, "
	    "p_id INTEGER REFERENCES p(id) ON DELETE CASCADE); "
	    "CREATE INDEX c_p ON c(p_id)"), SQLITE_OK);
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM "
	    "pragma_foreign_key_list('c')"), 1);
	cr_assert_eq(exec("PRAGMA foreign_key_list(c); PRAGMA table_info(c); "
	    "PRAGMA table_xinfo(c); PRAGMA index_list(c); "
	    "PRAGMA index_info(c_p); PRAGMA index_xinfo(c_p); "
	    "PRAGMA foreign_key_check; PRAGMA integrity_check; "
	    "PRAGMA quick_check; PRAGMA defer_foreign_keys=ON; "
	    "PRAGMA legacy_alter_table=OFF; PRAGMA recursive_triggers=ON; "
	    "PRAGMA application_id=42; PRAGMA optimize; "
	    "PRAGMA journal_mode; PRAGMA synchronous=OFF; "
	    "PRAGMA busy_timeout=10; PRAGMA cache_size=100; PRAGMA encoding; "
	    "PRAGMA auto_vacuum; PRAGMA page_size; PRAGMA table_list"),
	    SQLITE_OK, "%s", sqlite3_errmsg(db));
	cr_assert_null(cg_sandbox_denial(sb));
	cr_assert_eq(query_int(sb, "PRAGMA application_id"), 42);
}

Test(sandbox, limits_are_set)
{
	sqlite3 *db = cg_sandbox_db(sb);

	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1), 0);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, -1),
	    8 * 1024 * 1024);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1),
	    64 * 1024 * 1024);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_COLUMN, -1), 2000);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, -1), 1000);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, -1), 500);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, -1), 100);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1),
	    1000);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, -1),
	    50000);
	cr_assert_eq(sqlite3_hard_heap_limit64(-1), 256LL * 1024 * 1024);
	/* Temporary storage stays in memory (set before the authorizer). */
	cr_assert_eq(sqlite3_exec(db, "SELECT 1", NULL, NULL, NULL), SQLITE_OK);
}

Test(sandbox, config_is_locked_down)
{
	sqlite3 *db = cg_sandbox_db(sb);
	int on = -1;

	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
	cr_assert_eq(on, 1);
	/* on, as in production: see sandbox.c and docs/security.md */
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &on);
	cr_assert_eq(on, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &on);
	cr_assert_eq(on, 0);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &on);
	cr_assert_eq(on, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, -1, &on);
	cr_assert_eq(on, 1);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

Test(sandbox, time_budget_stops_an_endless_query)
{
	double t0, elapsed;
	int rc;

	cr_assert_not(cg_sandbox_budget_hit(sb));
	cg_sandbox_budget_start(sb);
	t0 = now_ms();
	rc = exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 "
	    "FROM c) SELECT count(*) FROM c");
	elapsed = now_ms() - t0;
	cr_assert_eq(rc, SQLITE_INTERRUPT, "rc %d: %s", rc,
	    sqlite3_errmsg(cg_sandbox_db(sb)));
	cr_assert(cg_sandbox_budget_hit(sb));
	cr_assert(elapsed >= 150.0 && elapsed < 2000.0, "stopped after %.0f ms "
	    "with a 200 ms budget", elapsed);
	/* A new file starts a new budget. */
	cg_sandbox_budget_start(sb);
	cr_assert_not(cg_sandbox_budget_hit(sb));
	cr_assert_eq(exec("SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
	    "(SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 10000) "
	    "SELECT x FROM c)"), SQLITE_OK);
}

Test(sandbox, suspended_budget_lets_the_tool_finish)
{
	cg_sandbox_budget_start(sb);
	usleep(250 * 1000);
	cr_assert(cg_sandbox_budget_check(sb));
	cg_sandbox_budget_suspend(sb, 1);
	cr_assert_eq(exec("SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
	    "(SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) "
	    "SELECT x FROM c)"), SQLITE_OK);
	cg_sandbox_budget_suspend(sb, 0);
	cr_assert_eq(exec("SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
	    "(SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) "
	    "SELECT x FROM c)"), SQLITE_INTERRUPT);
}

Test(sandbox, clone_copies_the_schema_and_rows)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *copy = NULL;
	char sql[256];

	cr_assert_eq(exec("CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT); "
	    "CREATE TABLE c(id INTEGER PRIMARY KEY, "
	    "p_id INTEGER REFERENCES p(id) ON DELETE CASCADE); "
	    "CREATE TRIGGER tr AFTER DELETE ON p BEGIN SELECT 1; END; "
	    "INSERT INTO p VALUES (1, 'a'), (2, 'b')"), SQLITE_OK);
	cg_assert_ok(cg_sandbox_clone(&copy, sb, &err), &err);
	cr_assert_eq(query_int(copy, "SELECT count(*) FROM sqlite_schema"), 3);
	cr_assert_eq(query_int(copy, "SELECT count(*) FROM p"), 2);
	cr_assert_eq(query_int(copy, "SELECT count(*) FROM "
	    "pragma_foreign_key_list('c')"), 1);
	/* Independent copies. */
	cr_assert_eq(sqlite3_exec(cg_sandbox_db(copy), "DELETE FROM p",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(query_int(copy, "SELECT count(*) FROM p"), 0);
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM p"), 2);
	/* The copy is as locked down as the original. */
	snprintf(sql, sizeof(sql), "ATTACH '%s/x.db' AS x", tmpdir);
	cr_assert_eq(sqlite3_exec(cg_sandbox_db(copy), sql, NULL, NULL, NULL),
	    SQLITE_AUTH);
	cr_assert_not_null(cg_sandbox_denial(copy));
	cr_assert_eq(sqlite3_limit(cg_sandbox_db(copy), SQLITE_LIMIT_ATTACHED,
	    -1), 0);
	cg_sandbox_free(copy);
}

Test(sandbox, clone_of_an_empty_database)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *copy = NULL;

	cg_assert_ok(cg_sandbox_clone(&copy, sb, &err), &err);
	cr_assert_eq(query_int(copy, "SELECT count(*) FROM sqlite_schema"), 0);
	cr_assert_eq(sqlite3_exec(cg_sandbox_db(copy), "CREATE TABLE t(x)",
	    NULL, NULL, NULL), SQLITE_OK);
	cg_sandbox_free(copy);
}

struct seen {
	int pragma;
	int drop;
	int deny_insert;
};

static int
observer(int action, const char *a1, const char *a2, const char *db,
    const char *trigger, void *payload)
{
	struct seen *s = payload;

	(void)a2;
	(void)db;
	(void)trigger;
	if (action == SQLITE_PRAGMA)
		s->pragma++;
	if (action == SQLITE_DROP_TABLE && a1 != NULL && strcmp(a1, "t") == 0)
		s->drop++;
	if (action == SQLITE_INSERT && s->deny_insert)
		return 1;
	return 0;
}

Test(sandbox, observer_sees_allowed_actions_only)
{
	struct seen s = { 0, 0, 0 };

	cg_sandbox_set_observer(sb, observer, &s);
	cr_assert_eq(exec("CREATE TABLE t(x); DROP TABLE t"), SQLITE_OK);
	cr_assert_eq(s.drop, 1);
	cr_assert_neq(exec("PRAGMA writable_schema=ON"), SQLITE_OK);
	cr_assert_eq(s.pragma, 0, "a denied pragma reached the observer");
	cr_assert_eq(exec("PRAGMA foreign_keys"), SQLITE_OK);
	cr_assert_eq(s.pragma, 1);
	s.deny_insert = 1;
	cr_assert_eq(exec("CREATE TABLE u(x)"), SQLITE_AUTH,
	    "CREATE TABLE inserts into sqlite_schema: the observer denies it");
	cg_sandbox_set_observer(sb, NULL, NULL);
	cr_assert_eq(exec("CREATE TABLE u(x)"), SQLITE_OK);
}

Test(sandbox, free_accepts_null)
{
	cg_sandbox_free(NULL);
}

Test(sandbox, more_limits_are_set)
{
	sqlite3 *db = cg_sandbox_db(sb);

	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, -1), 100);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, -1), 1000000);
	cr_assert_eq(sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, -1), 0);
}

Test(sandbox, shell_archive_and_directory_functions_are_denied)
{
	static const char *const names[] = { "lsdir", "sqlar_compress",
		"sqlar_uncompress" };
	sqlite3 *db = cg_sandbox_db(sb);
	char sql[128];
	size_t i;

	for (i = 0; i < 3; i++) {
		cr_assert_eq(sqlite3_create_function(db, names[i], -1,
		    SQLITE_UTF8, NULL, fake_readfile, NULL, NULL), SQLITE_OK);
		snprintf(sql, sizeof(sql), "SELECT %s('/')", names[i]);
		assert_denied(sql, names[i]);
	}
}

Test(sandbox, huge_blob_is_too_big)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = cg_sandbox_db(sb);

	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT zeroblob(2000000000)", -1,
	    &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_TOOBIG);
	sqlite3_finalize(st);
}

Test(sandbox, heap_limit_stops_a_statement_and_the_database_lives_on)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *small = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	opts.heap_limit_bytes = 16LL * 1024 * 1024;
	cg_assert_ok(cg_sandbox_open(&small, &opts, &err), &err);
	cr_assert_eq(sqlite3_hard_heap_limit64(-1), 16LL * 1024 * 1024);
	cr_assert_eq(sqlite3_prepare_v2(cg_sandbox_db(small),
	    "WITH RECURSIVE c(i, s) AS (SELECT 1, randomblob(1000000) "
	    "UNION ALL SELECT i + 1, s || randomblob(1000000) FROM c) "
	    "SELECT max(length(s)) FROM c", -1, &st, NULL), SQLITE_OK);
	cg_sandbox_budget_start(small);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	cr_assert_eq(rc, SQLITE_NOMEM, "rc %d", rc);
	cr_assert_eq(cg_sandbox_budget_hit(small), 0);
	/* Memory came back: the same connection still works. */
	cr_assert_eq(query_int(small, "SELECT 41 + 1"), 42);
	cg_sandbox_free(small);
	/* Restore the default for the other sandboxes of this process. */
	(void)sqlite3_hard_heap_limit64(256LL * 1024 * 1024);
}

/*
 * What real histories do and production allows (both came from the
 * corpus): an index on json_extract() (pocket-id) and an FTS5 table,
 * whose creation reads PRAGMA data_version (alook).
 */
Test(sandbox, json_indexes_and_fts5_tables_replay)
{
	cr_assert_eq(exec("CREATE TABLE a (data TEXT);"
	    "CREATE INDEX a_x ON a (json_extract(data, '$.x'));"
	    "INSERT INTO a VALUES ('{\"x\": 1}');"), SQLITE_OK, "%s",
	    sqlite3_errmsg(cg_sandbox_db(sb)));
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM a WHERE "
	    "json_extract(data, '$.x') = 1"), 1);
	cr_assert_eq(exec("CREATE VIRTUAL TABLE m USING fts5(id UNINDEXED, "
	    "content, tokenize='unicode61');"
	    "INSERT INTO m VALUES ('1', 'hello world');"), SQLITE_OK, "%s",
	    sqlite3_errmsg(cg_sandbox_db(sb)));
	cr_assert_eq(query_int(sb, "SELECT count(*) FROM m WHERE m MATCH "
	    "'hello'"), 1);
	/* still denied: the pragma's cousins that write */
	assert_denied("PRAGMA schema_version=1", "PRAGMA schema_version");
}
