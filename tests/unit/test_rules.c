/* SPDX-License-Identifier: MIT */
/* The statement rules on hand-built statements and graphs. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"
#include "finding.h"
#include "graph.h"
#include "rules.h"
#include "helpers/assert.h"

static struct cg_err err = CG_ERR_INIT;
static struct cg_findings fs = CG_FINDINGS_INIT;
static struct cg_graph g = CG_GRAPH_INIT;

static void
teardown(void)
{
	cg_findings_release(&fs);
	cg_graph_release(&g);
}

TestSuite(rules, .fini = teardown);

static void
edge(const char *child, const char *ccols, const char *parent,
    const char *pcols, enum cg_fk_action on_delete)
{
	cg_assert_ok(cg_graph_add_edge(&g, child, ccols, parent, pcols,
	    on_delete, CG_FK_NO_ACTION, &err), &err);
}

/* A statement at migrations/0002.sql:3:1, foreign keys on. */
static struct cg_stmt
stmt(const char *sql, unsigned flags, const char *table)
{
	struct cg_stmt st;

	memset(&st, 0, sizeof(st));
	st.set = "main";
	st.path = "migrations/0002.sql";
	st.line = 3;
	st.col = 1;
	st.end_line = 4;
	st.sql = sql;
	st.sql_len = strlen(sql);
	st.flags = flags;
	st.table = table;
	st.fk_before = 1;
	st.fk_after = 1;
	st.graph = &g;
	return st;
}

static void
eval(const struct cg_stmt *st, enum cg_target_kind target)
{
	cg_assert_ok(cg_rules_eval(&fs, st, target, &err), &err);
}

/* The only finding; asserts there is exactly one, of rule. */
static const struct cg_finding *
only(enum cg_rule rule)
{
	cr_assert_eq(fs.n, 1, "%zu findings, first: %s", fs.n,
	    fs.n ? fs.v[0].message : "-");
	cr_assert_eq(fs.v[0].rule, rule, "rule %s: %s",
	    cg_rule_info(fs.v[0].rule)->name, fs.v[0].message);
	return &fs.v[0];
}

static const struct cg_affected *
affected(const struct cg_finding *f, const char *table)
{
	size_t i;

	for (i = 0; i < f->naffected; i++)
		if (strcmp(f->affected[i].table, table) == 0)
			return &f->affected[i];
	cr_assert_fail("%s not affected", table);
	return NULL;
}

/* projects with 8 CASCADE children; tasks has its own CASCADE child. */
static void
incident_graph(void)
{
	static const char *const children[] = { "tasks", "members",
	    "invites", "files", "comments", "labels", "webhooks", "events" };
	size_t i;

	for (i = 0; i < 8; i++)
		edge(children[i], "project_id", "projects", "id",
		    CG_FK_CASCADE);
	edge("task_logs", "task_id", "tasks", "id", CG_FK_CASCADE);
	edge("audit", "project_id", "projects", "id", CG_FK_RESTRICT);
}

Test(rules, incident_drop_is_one_cascade_drop_naming_nine_tables)
{
	const char *sql = "DROP TABLE projects;";
	struct cg_stmt st = stmt(sql, CG_ST_DROP_TABLE, "projects");
	const struct cg_finding *f;
	const struct cg_affected *a;
	size_t i;

	incident_graph();
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_CASCADE_DROP);
	cr_assert_eq(f->severity, CG_SEV_ERROR);
	cr_assert_str_eq(f->message, "DROP TABLE projects deletes every row "
	    "of 9 tables through ON DELETE CASCADE");
	cr_assert_eq(f->naffected, 9);
	for (i = 0; i < f->naffected; i++) {
		cr_assert_str_eq(f->affected[i].action, "CASCADE");
		cr_assert_eq(f->affected[i].loses_rows, 1);
	}
	a = affected(f, "task_logs");
	cr_assert_str_eq(a->path, "task_logs.task_id -> tasks.id -> "
	    "projects.id");
	cr_assert_eq(a->depth, 2);
	a = affected(f, "tasks");
	cr_assert_str_eq(a->path, "tasks.project_id -> projects.id");
	cr_assert_eq(a->depth, 1);
	cr_assert_str_eq(f->set, "main");
	cr_assert_str_eq(f->path, "migrations/0002.sql");
	cr_assert_eq(f->line, 3);
	cr_assert_eq(f->col, 1);
	cr_assert_eq(f->end_line, 4);
	cr_assert_str_eq(f->statement, sql);
	cr_assert_str_eq(f->help, cg_rules_help(CG_RULE_CASCADE_DROP,
	    CG_TARGET_D1));
	cr_assert(strstr(f->help, "ADD COLUMN") != NULL);
	cr_assert(strstr(f->help, "D1") != NULL);
}

Test(rules, cascade_drop_of_one_table_is_singular)
{
	struct cg_stmt st = stmt("DROP TABLE tasks", CG_ST_DROP_TABLE,
	    "tasks");

	incident_graph();
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_str_eq(only(CG_RULE_CASCADE_DROP)->message, "DROP TABLE "
	    "tasks deletes every row of 1 table through ON DELETE CASCADE");
	cr_assert(strstr(fs.v[0].help, "12-step") != NULL);
	cr_assert(strstr(fs.v[0].help, "PRAGMA foreign_keys=OFF") != NULL);
}

Test(rules, statement_text_is_copied_only_to_its_length)
{
	const char *text = "DROP TABLE tasks; DROP TABLE other;";
	struct cg_stmt st = stmt(text, CG_ST_DROP_TABLE, "tasks");

	st.sql_len = 16;
	incident_graph();
	eval(&st, CG_TARGET_D1);
	cr_assert_str_eq(only(CG_RULE_CASCADE_DROP)->statement,
	    "DROP TABLE tasks");
}

Test(rules, drop_without_children_or_with_foreign_keys_off_is_clean)
{
	struct cg_stmt st = stmt("DROP TABLE task_logs", CG_ST_DROP_TABLE,
	    "task_logs");

	incident_graph();
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
	st = stmt("DROP TABLE projects", CG_ST_DROP_TABLE, "projects");
	st.fk_before = 0;
	st.fk_after = 0;
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_eq(fs.n, 0);
	st = stmt("DROP TABLE projects", CG_ST_DROP_TABLE, "projects");
	st.graph = NULL;
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
}

Test(rules, restrict_children_are_not_affected)
{
	struct cg_stmt st = stmt("DROP TABLE users", CG_ST_DROP_TABLE,
	    "users");

	edge("sessions", "user_id", "users", "id", CG_FK_RESTRICT);
	edge("keys", "user_id", "users", "id", CG_FK_NO_ACTION);
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
}

Test(rules, set_null_only_is_a_set_null_drop_warning)
{
	struct cg_stmt st = stmt("DROP TABLE users", CG_ST_DROP_TABLE,
	    "users");
	const struct cg_finding *f;

	edge("posts", "author_id", "users", "id", CG_FK_SET_NULL);
	edge("comments", "post_id", "posts", "id", CG_FK_CASCADE);
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_SET_NULL_DROP);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	cr_assert_str_eq(f->message, "DROP TABLE users sets posts.author_id "
	    "to NULL in 1 table (ON DELETE SET NULL)");
	cr_assert_eq(f->naffected, 1);
	cr_assert_str_eq(f->affected[0].action, "SET NULL");
	cr_assert_eq(f->affected[0].loses_rows, 0);
	cr_assert_str_eq(f->affected[0].path, "posts.author_id -> users.id");
	cr_assert_not_null(f->help);
}

Test(rules, set_null_and_set_default_in_several_tables)
{
	struct cg_stmt st = stmt("DROP TABLE users", CG_ST_DROP_TABLE,
	    "users");
	const struct cg_finding *f;

	edge("posts", "author_id", "users", "id", CG_FK_SET_NULL);
	edge("badges", "a, b", "users", "x, y", CG_FK_SET_DEFAULT);
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_SET_NULL_DROP);
	cr_assert_str_eq(f->message, "DROP TABLE users sets posts.author_id, "
	    "badges.(a, b) to NULL or its default in 2 tables (ON DELETE "
	    "SET NULL / SET DEFAULT)");
	cr_assert_eq(f->naffected, 2);
	cr_assert_str_eq(affected(f, "badges")->action, "SET DEFAULT");
}

Test(rules, cascade_and_set_null_children_make_one_cascade_drop)
{
	struct cg_stmt st = stmt("DROP TABLE users", CG_ST_DROP_TABLE,
	    "users");
	const struct cg_finding *f;

	edge("posts", "author_id", "users", "id", CG_FK_SET_NULL);
	edge("sessions", "user_id", "users", "id", CG_FK_CASCADE);
	edge("votes", "session_id", "sessions", "id", CG_FK_SET_NULL);
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_CASCADE_DROP);
	cr_assert_str_eq(f->message, "DROP TABLE users deletes every row of "
	    "1 table through ON DELETE CASCADE");
	cr_assert_eq(f->naffected, 3);
	cr_assert_eq(affected(f, "sessions")->loses_rows, 1);
	cr_assert_eq(affected(f, "posts")->loses_rows, 0);
	cr_assert_str_eq(affected(f, "votes")->action, "SET NULL");
	cr_assert_str_eq(affected(f, "votes")->path,
	    "votes.session_id -> sessions.id -> users.id");
	cr_assert_eq(affected(f, "votes")->depth, 2);
}

Test(rules, delete_from_a_cascade_parent)
{
	struct cg_stmt st = stmt("DELETE FROM projects WHERE id = 1",
	    CG_ST_DELETE, "projects");
	const struct cg_finding *f;

	incident_graph();
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_CASCADE_DELETE);
	cr_assert_eq(f->severity, CG_SEV_ERROR);
	cr_assert_str_eq(f->message, "DELETE FROM projects deletes rows of 9 "
	    "tables through ON DELETE CASCADE");
	cr_assert_eq(f->naffected, 9);
	/* a plain DELETE has no REPLACE to turn into an upsert */
	cr_assert(strstr(f->help, "ON CONFLICT DO UPDATE") == NULL, "%s",
	    f->help);
	cr_assert(strstr(f->help, "delete them explicitly first") != NULL);
}

Test(rules, replace_forms_name_themselves)
{
	struct cg_stmt st;

	incident_graph();
	st = stmt("INSERT OR REPLACE INTO projects VALUES (1)", CG_ST_INSERT |
	    CG_ST_REPLACE, "projects");
	eval(&st, CG_TARGET_D1);
	st = stmt("replace\tinto projects VALUES (1)", CG_ST_INSERT |
	    CG_ST_REPLACE, "projects");
	eval(&st, CG_TARGET_D1);
	st = stmt("UPDATE OR REPLACE tasks SET id = 2", CG_ST_UPDATE |
	    CG_ST_UPDATE_OR_REPLACE, "tasks");
	eval(&st, CG_TARGET_D1);
	st = stmt("INSERT INTO projects VALUES (1)", CG_ST_INSERT |
	    CG_ST_REPLACE_KEY, "projects");
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 4);
	cr_assert_str_eq(fs.v[0].message, "INSERT OR REPLACE INTO projects "
	    "deletes the replaced row's children in 9 tables through ON "
	    "DELETE CASCADE");
	cr_assert_str_eq(fs.v[1].message, "REPLACE INTO projects deletes the "
	    "replaced row's children in 9 tables through ON DELETE CASCADE");
	cr_assert_str_eq(fs.v[2].message, "UPDATE OR REPLACE tasks deletes "
	    "the replaced rows' children in 1 table through ON DELETE "
	    "CASCADE");
	cr_assert_str_eq(fs.v[3].message, "INSERT INTO projects replaces rows "
	    "(ON CONFLICT REPLACE key) and deletes their children in 9 "
	    "tables through ON DELETE CASCADE");
	cr_assert_eq(fs.v[3].rule, CG_RULE_CASCADE_DELETE);
	cr_assert_eq(fs.v[3].naffected, 9);
}

Test(rules, plain_insert_and_update_are_clean)
{
	struct cg_stmt st;

	incident_graph();
	st = stmt("INSERT INTO projects VALUES (1)", CG_ST_INSERT,
	    "projects");
	eval(&st, CG_TARGET_D1);
	st = stmt("UPDATE projects SET name = 'x'", CG_ST_UPDATE,
	    "projects");
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
}

Test(rules, delete_with_set_null_children_only)
{
	struct cg_stmt st = stmt("DELETE FROM users", CG_ST_DELETE, "users");

	edge("posts", "author_id", "users", "id", CG_FK_SET_NULL);
	eval(&st, CG_TARGET_D1);
	cr_assert_str_eq(only(CG_RULE_SET_NULL_DROP)->message, "DELETE FROM "
	    "users sets posts.author_id to NULL in 1 table (ON DELETE SET "
	    "NULL)");
	cr_assert_eq(fs.v[0].naffected, 1);
}

Test(rules, delete_with_foreign_keys_off_is_clean)
{
	struct cg_stmt st = stmt("DELETE FROM projects", CG_ST_DELETE,
	    "projects");

	incident_graph();
	st.fk_before = 0;
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_eq(fs.n, 0);
}

Test(rules, failing_statement_reports_sqlite_message_and_caret)
{
	struct cg_stmt st = stmt("DROP TABLE projectz", CG_ST_DROP_TABLE,
	    "projectz");
	const struct cg_finding *f;

	incident_graph();
	st.error = "no such table: projectz";
	st.error_col = 12;
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_MIGRATION_FAILS);
	cr_assert_str_eq(f->message, "statement fails: no such table: "
	    "projectz");
	cr_assert_eq(f->caret_col, 12);
	cr_assert_str_eq(f->help, "the migration would stop here in "
	    "production; fix the statement against the schema the history "
	    "builds");
}

Test(rules, transaction_statements_on_d1)
{
	struct cg_stmt st;
	const struct cg_finding *f;

	static const char file[] = "BEGIN TRANSACTION;\nCREATE TABLE t (x);\n"
	    "COMMIT;\n";

	st = stmt(file, CG_ST_TRANSACTION, NULL);
	st.sql_len = 17;
	st.file = file;
	st.file_len = strlen(file);
	st.tx_verb = "BEGIN";
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_TRANSACTION_IN_MIGRATION);
	cr_assert_eq(f->severity, CG_SEV_ERROR);
	cr_assert_str_eq(f->message, "BEGIN inside a migration: D1 runs each "
	    "migration file in its own transaction and fails with \"cannot "
	    "start a transaction within a transaction\" (wrangler d1 "
	    "migrations apply --local strips this \"BEGIN TRANSACTION;\" and "
	    "the file's first \"COMMIT;\", only that pair, so the file may "
	    "apply locally; --remote sends it as written, and D1 refuses it)");
	cr_assert(strstr(f->help, "batch") != NULL);

	/* Skipped, or failing, it is still the one finding. */
	st = stmt("COMMIT", CG_ST_TRANSACTION, NULL);
	st.tx_verb = "COMMIT";
	st.skipped = 1;
	st.error = "cannot commit - no transaction is active";
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 2);
	cr_assert_eq(fs.v[1].rule, CG_RULE_TRANSACTION_IN_MIGRATION);
	cr_assert(strncmp(fs.v[1].message, "COMMIT inside a migration: ",
	    27) == 0, "%s", fs.v[1].message);

	st = stmt("SAVEPOINT a", CG_ST_SAVEPOINT, NULL);
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 3);
	cr_assert(strncmp(fs.v[2].message, "SAVEPOINT inside a migration: ",
	    30) == 0, "%s", fs.v[2].message);
}

/* st at text[off], on D1, with the whole file text: its message. */
static const char *
d1_tx_message(const char *text, size_t off, const char *verb)
{
	struct cg_stmt st;

	cg_findings_release(&fs);
	st = stmt(text + off, CG_ST_TRANSACTION, NULL);
	st.sql_len = strcspn(text + off, ";");
	st.file = text;
	st.file_len = strlen(text);
	st.tx_verb = verb;
	eval(&st, CG_TARGET_D1);
	return only(CG_RULE_TRANSACTION_IN_MIGRATION)->message;
}

/*
 * wrangler 4.86.0 trimSqlQuery: the first "BEGIN TRANSACTION;" and the
 * first "COMMIT;" go, and a text still holding "BEGIN TRANSACTION" is
 * refused (tests/oracle: tx-upper-begin-transaction, tx-two-begin-...).
 */
Test(rules, d1_local_note_follows_wranglers_trimmer)
{
	static const char one[] = "BEGIN TRANSACTION;\nCREATE TABLE t (x);\n"
	    "COMMIT;\n";
	static const char two[] = "BEGIN TRANSACTION;\nCOMMIT;\n"
	    "BEGIN TRANSACTION;\nCOMMIT;\n";
	static const char spaced[] = "BEGIN TRANSACTION ;\nCOMMIT;\n";
	static const char lower[] = "begin transaction;\ncommit;\n";
	const char *m;

	m = d1_tx_message(one, 39, "COMMIT");
	cr_assert(strstr(m, "(wrangler d1 migrations apply --local strips "
	    "this \"COMMIT;\" with the file's first \"BEGIN TRANSACTION;\", "
	    "only that pair, so the file may apply locally; --remote sends "
	    "it as written, and D1 refuses it)") != NULL, "%s", m);
	/* a second pair: --local refuses the file, at both BEGINs */
	m = d1_tx_message(two, 0, "BEGIN");
	cr_assert(strstr(m, "(wrangler d1 migrations apply --local refuses "
	    "this file too: it strips only the first \"BEGIN TRANSACTION;\" "
	    "and the first \"COMMIT;\", and stops with \"contains several "
	    "transactions\" while the text still holds \"BEGIN "
	    "TRANSACTION\")") != NULL, "%s", m);
	m = d1_tx_message(two, 27, "BEGIN");
	cr_assert(strstr(m, "--local refuses this file too") != NULL, "%s", m);
	m = d1_tx_message(two, 19, "COMMIT");
	cr_assert(strstr(m, "wrangler") == NULL, "%s", m);
	/* only the exact "BEGIN TRANSACTION;" is stripped */
	m = d1_tx_message(spaced, 0, "BEGIN");
	cr_assert(strstr(m, "--local refuses this file too") != NULL, "%s", m);
	/* lower case: wrangler leaves the text alone */
	m = d1_tx_message(lower, 0, "BEGIN");
	cr_assert(strstr(m, "wrangler") == NULL, "%s", m);
}

Test(rules, statement_not_run_counts_the_chunk)
{
	struct cg_stmt st;
	const struct cg_finding *f;

	st = stmt("CREATE TABLE b (x)", CG_ST_CREATE, "b");
	cg_assert_ok(cg_rules_not_run(&fs, &st, 2, 2, 5, 0, &err), &err);
	f = only(CG_RULE_STATEMENT_NOT_RUN);
	cr_assert_eq(f->severity, CG_SEV_ERROR);
	cr_assert_eq(f->line, 3);
	cr_assert_str_eq(f->message, "drizzle's libSQL migrator runs only the "
	    "first statement (line 2) of a --> statement-breakpoint chunk: it "
	    "skips 2 statements of this chunk (lines 3-5), which never run");
	cr_assert(strstr(f->help, "--> statement-breakpoint") != NULL);
	cg_findings_release(&fs);

	cg_assert_ok(cg_rules_not_run(&fs, &st, 2, 1, 3, 1, &err), &err);
	f = only(CG_RULE_STATEMENT_NOT_RUN);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	cr_assert_str_eq(f->message, "already applied migration: drizzle's "
	    "libSQL migrator ran only the first statement (line 2) of this "
	    "--> statement-breakpoint chunk and skipped 1 statement (line 3), "
	    "so production lacks what it does unless it was run by hand; the "
	    "replay skips it too");
}

Test(rules, transaction_statements_on_sqlite_are_fine)
{
	struct cg_stmt st;

	st = stmt("BEGIN", CG_ST_TRANSACTION, NULL);
	st.tx_verb = "BEGIN";
	eval(&st, CG_TARGET_SQLITE);
	st = stmt("SAVEPOINT a", CG_ST_SAVEPOINT, NULL);
	st.tx_verb = "SAVEPOINT";
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_eq(fs.n, 0);

	/* ...unless SQLite itself refuses them. */
	st = stmt("COMMIT", CG_ST_TRANSACTION, NULL);
	st.tx_verb = "COMMIT";
	st.error = "cannot commit - no transaction is active";
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_eq(only(CG_RULE_MIGRATION_FAILS)->rule,
	    CG_RULE_MIGRATION_FAILS);
}

Test(rules, skipped_statements_report_nothing_else)
{
	struct cg_stmt st = stmt("DROP TABLE projects", CG_ST_DROP_TABLE,
	    "projects");

	incident_graph();
	st.skipped = 1;
	st.error = "whatever";
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
}

static struct cg_stmt
pragma(const char *arg, int fk_after, int in_tx)
{
	struct cg_stmt st = stmt("PRAGMA foreign_keys=OFF", CG_ST_PRAGMA,
	    NULL);

	st.pragma = "foreign_keys";
	st.pragma_arg = arg;
	st.fk_after = fk_after;
	st.in_tx = in_tx;
	return st;
}

Test(rules, fk_pragma_off_on_d1_is_ignored)
{
	struct cg_stmt st = pragma("OFF", 1, 1);
	const struct cg_finding *f;

	st.wrapped = 1;
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_FK_PRAGMA_IGNORED);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	cr_assert_str_eq(f->message, "PRAGMA foreign_keys=OFF has no effect "
	    "here: foreign keys stay on (inside a transaction: D1 wraps "
	    "each migration in a transaction)");
	cr_assert(strstr(f->help, "defer_foreign_keys") != NULL);
	cr_assert(strstr(f->help, "ADD/RENAME/DROP COLUMN") != NULL);
}

Test(rules, fk_pragma_off_spellings)
{
	static const char *const offs[] = { "off", "0", "FALSE", "No",
	    "'off'", "\"OFF\"", " off ", "`false`", "[0]" };
	static const char *const ons[] = { "on", "1", "true", "yes", "'on'",
	    "offf", "", "''" };
	struct cg_stmt st;
	size_t i;

	for (i = 0; i < sizeof(offs) / sizeof(*offs); i++) {
		st = pragma(offs[i], 1, 1);
		eval(&st, CG_TARGET_D1);
		cr_assert_eq(fs.n, i + 1, "'%s' not read as off", offs[i]);
	}
	for (i = 0; i < sizeof(ons) / sizeof(*ons); i++) {
		st = pragma(ons[i], 1, 1);
		eval(&st, CG_TARGET_D1);
	}
	st = pragma(NULL, 1, 1);
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, sizeof(offs) / sizeof(*offs));
}

Test(rules, fk_pragma_on_sqlite_depends_on_whether_it_worked)
{
	struct cg_stmt st;

	/* Outside a transaction plain SQLite honours it. */
	st = pragma("OFF", 0, 0);
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_eq(fs.n, 0);

	st = pragma("OFF", 1, 1);
	eval(&st, CG_TARGET_SQLITE);
	cr_assert_str_eq(only(CG_RULE_FK_PRAGMA_IGNORED)->message, "PRAGMA "
	    "foreign_keys=OFF has no effect here: foreign keys stay on "
	    "(inside a transaction)");
	cr_assert(strstr(fs.v[0].help, "before BEGIN") != NULL);
}

Test(rules, other_pragmas_are_clean)
{
	struct cg_stmt st = pragma("ON", 1, 1);

	st.pragma = "defer_foreign_keys";
	eval(&st, CG_TARGET_D1);
	st = pragma("ON", 1, 1);
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 0);
}

Test(rules, drop_column_warns)
{
	struct cg_stmt st = stmt("ALTER TABLE users DROP COLUMN email",
	    CG_ST_ALTER | CG_ST_DROP_COLUMN, "users");
	const struct cg_finding *f;

	st.column = "email";
	eval(&st, CG_TARGET_D1);
	f = only(CG_RULE_DROP_COLUMN);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	cr_assert_str_eq(f->message, "ALTER TABLE users DROP COLUMN email "
	    "loses the column's data");
	cr_assert_not_null(f->help);
}

Test(rules, renames_warn)
{
	struct cg_stmt st;

	st = stmt("ALTER TABLE users RENAME TO accounts", CG_ST_ALTER |
	    CG_ST_RENAME_TABLE, "users");
	st.new_name = "accounts";
	eval(&st, CG_TARGET_D1);
	st = stmt("ALTER TABLE users RENAME COLUMN mail TO email",
	    CG_ST_ALTER | CG_ST_RENAME_COLUMN, "users");
	st.column = "mail";
	st.new_name = "email";
	eval(&st, CG_TARGET_D1);
	cr_assert_eq(fs.n, 2);
	cr_assert_eq(fs.v[0].rule, CG_RULE_RENAME);
	cr_assert_eq(fs.v[0].severity, CG_SEV_WARNING);
	cr_assert_str_eq(fs.v[0].message, "ALTER TABLE users RENAME TO "
	    "accounts: code still running during the deploy uses the old "
	    "name");
	cr_assert_str_eq(fs.v[1].message, "ALTER TABLE users RENAME COLUMN "
	    "mail TO email: code still running during the deploy uses the "
	    "old name");
}

Test(rules, rebuild_helper_renames_are_not_reported)
{
	static const char *const helpers[][2] = {
		{ "__new_projects", "projects" },
		{ "new_projects", "projects" },
		{ "projects_new", "projects" },
		{ "Projects_NEW", "projects" },
		{ "tmp_projects", "projects" },
		{ "temp_projects", "projects" },
		{ "projects_tmp", "projects" },
		{ "projects_temp", "projects" },
		{ "projects_backup", "projects" },
		{ "projects", "projects_old" },
	};
	static const char *const real[] = { "renewal", "news", "_new",
	    "newsletters", "attempt" };
	struct cg_stmt st;
	size_t i;

	for (i = 0; i < sizeof(helpers) / sizeof(*helpers); i++) {
		st = stmt("ALTER TABLE x RENAME TO y", CG_ST_ALTER |
		    CG_ST_RENAME_TABLE, helpers[i][0]);
		st.new_name = helpers[i][1];
		eval(&st, CG_TARGET_D1);
		cr_assert_eq(fs.n, 0, "%s reported", helpers[i][0]);
	}
	for (i = 0; i < sizeof(real) / sizeof(*real); i++) {
		st = stmt("ALTER TABLE x RENAME TO y", CG_ST_ALTER |
		    CG_ST_RENAME_TABLE, real[i]);
		st.new_name = "renamed";
		eval(&st, CG_TARGET_D1);
		cr_assert_eq(fs.n, i + 1, "%s not reported", real[i]);
	}
}

Test(rules, help_texts)
{
	int r;

	cr_assert_neq(cg_rules_help(CG_RULE_CASCADE_DROP, CG_TARGET_D1),
	    cg_rules_help(CG_RULE_CASCADE_DROP, CG_TARGET_SQLITE));
	cr_assert_neq(cg_rules_help(CG_RULE_FK_PRAGMA_IGNORED, CG_TARGET_D1),
	    cg_rules_help(CG_RULE_FK_PRAGMA_IGNORED, CG_TARGET_SQLITE));
	cr_assert_null(cg_rules_help(CG_RULE_OUT_OF_ORDER, CG_TARGET_D1));
	cr_assert_null(cg_rules_help(CG_RULE_DATA_LOSS, CG_TARGET_D1));
	for (r = CG_RULE_CASCADE_DROP; r <= CG_RULE_RENAME; r++) {
		if (r == CG_RULE_DATA_LOSS || r == CG_RULE_OUT_OF_ORDER ||
		    r == CG_RULE_DUPLICATE_VERSION ||
		    r == CG_RULE_APPLIED_MIGRATION_CHANGED)
			continue;
		cr_assert_not_null(cg_rules_help((enum cg_rule)r,
		    CG_TARGET_D1), "%s", cg_rule_info((enum cg_rule)r)->name);
	}
}
