/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the simulation (src/simulate/): seeding the replayed schema, running a new
 * migration on the seeded copy, and the exact verdict for each way a
 * migration can destroy rows that the issue lists.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "finding.h"
#include "helpers/assert.h"
#include "replay.h"
#include "sandbox.h"
#include "simulate.h"

static struct cg_sandbox *sb;
static struct cg_sim *sim;
static struct cg_findings fs;
static struct cg_config cfg;
static int seed_all;	/* seed every table, not what the file reaches */

static void
setup(void)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_config_init(&cfg);
	memset(&fs, 0, sizeof(fs));
	sim = NULL;
	seed_all = 0;
	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
}

static void
teardown(void)
{
	cg_sim_free(sim);
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
	cg_config_release(&cfg);
}

TestSuite(simulate, .init = setup, .fini = teardown);

static void
dump(void)
{
	size_t i;

	for (i = 0; i < fs.n; i++)
		cr_log_info("finding %zu: %s %u: %s", i,
		    cg_rule_info(fs.v[i].rule)->name, fs.v[i].line,
		    fs.v[i].message);
}

/*
 * Replay hist, seed, then run mig: the static check first when
 * with_static (as check.c does), then the simulation and its verdict.
 */
static void
run(const char *hist, const char *mig, int with_static)
{
	struct cg_source h = { NULL, "migrations/0001_base.sql", hist,
	    strlen(hist) };
	struct cg_source m = { NULL, "migrations/0002_new.sql", mig,
	    strlen(mig) };
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_replay_history(sb, &h, &fs, &err), &err);
	cr_assert_eq(fs.n, 0, "the history must replay cleanly");
	cg_assert_ok(cg_sim_new(&sim, sb, &err), &err);
	if (seed_all)
		cg_assert_ok(cg_sim_seed_all(sim, &err), &err);
	if (with_static)
		cg_assert_ok(cg_replay_check(sb, &cfg, &m, &fs, &err), &err);
	cg_assert_ok(cg_sim_run_file(sim, &cfg, &m, &err), &err);
	cg_assert_ok(cg_sim_verdict(sim, &fs, &err), &err);
	dump();
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

/* The only finding of rule; fails the test unless there is exactly one. */
static const struct cg_finding *
only(enum cg_rule rule)
{
	size_t i;

	cr_assert_eq(count(rule), 1, "%zu findings of %s, expected 1",
	    count(rule), cg_rule_info(rule)->name);
	for (i = 0; i < fs.n; i++)
		if (fs.v[i].rule == rule)
			return &fs.v[i];
	return NULL;
}

/* The k-th finding of rule (0-based); fails the test if there is none. */
static const struct cg_finding *
nth(enum cg_rule rule, size_t k)
{
	size_t i;

	for (i = 0; i < fs.n; i++)
		if (fs.v[i].rule == rule && k-- == 0)
			return &fs.v[i];
	cr_assert_fail("no finding #%zu of rule %s", k,
	    cg_rule_info(rule)->name);
	return NULL;
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

static void
assert_msg(const struct cg_finding *f, const char *want)
{
	cr_assert_str_eq(f->message, want);
}

static void
assert_has(const struct cg_finding *f, const char *part)
{
	cr_assert(strstr(f->message, part) != NULL, "'%s' not in '%s'", part,
	    f->message);
}

static const char incident_schema[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE, title TEXT);\n"
    "CREATE TABLE task_logs (id INTEGER PRIMARY KEY, task_id INTEGER "
    "REFERENCES tasks(id) ON DELETE CASCADE, body TEXT);\n";

static const char incident_rebuild[] =
    "CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, color TEXT);\n"
    "INSERT INTO projects_new (id, name) SELECT id, name FROM projects;\n"
    "DROP TABLE projects;\n"
    "ALTER TABLE projects_new RENAME TO projects;\n";

Test(simulate, incident_rebuild_children_lose_rows_parent_does_not)
{
	const struct cg_finding *a, *b;

	run(incident_schema, incident_rebuild, 0);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 2);
	a = nth(CG_RULE_DATA_LOSS, 0);
	b = nth(CG_RULE_DATA_LOSS, 1);
	assert_msg(a, "simulated: 2 of 2 seeded rows of tasks lost (cascade "
	    "from projects via tasks.project_id)");
	assert_msg(b, "simulated: 2 of 2 seeded rows of task_logs lost "
	    "(cascade from tasks via task_logs.task_id)");
	cr_assert_eq(a->line, 3);
	cr_assert_str_eq(a->path, "migrations/0002_new.sql");
	cr_assert_eq(b->line, 3);
	cr_assert_eq(fs.n, 2, "projects is copied: no finding for it");
}

Test(simulate, incident_merges_into_the_static_finding)
{
	const struct cg_affected *a;
	const struct cg_finding *f;

	run(incident_schema, incident_rebuild, 1);
	f = only(CG_RULE_CASCADE_DROP);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 0, "merged, not reported twice");
	cr_assert_eq(fs.n, 1);
	a = affected(f, "tasks");
	cr_assert_eq(a->rows_lost, 2);
	cr_assert_eq(a->rows_total, 2);
	a = affected(f, "task_logs");
	cr_assert_eq(a->rows_lost, 2);
	cr_assert_eq(a->rows_total, 2);
}

Test(simulate, a_trigger_under_a_static_finding_is_added_to_its_message)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id) ON DELETE CASCADE);\n"
	    "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n"
	    "CREATE TRIGGER trg_purge AFTER DELETE ON parent BEGIN\n"
	    "  DELETE FROM audit;\n"
	    "END;\n",
	    "DELETE FROM parent;\n", 1);
	f = only(CG_RULE_CASCADE_DELETE);
	cr_assert_eq(fs.n, 1, "delete-rows and data-loss merged");
	cr_assert_eq(affected(f, "child")->rows_lost, 2);
	assert_has(f, "; simulated: 2 of 2 rows of audit lost (trigger "
	    "trg_purge on parent)");
}

Test(simulate, trigger_after_update_deletes_children)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id));\n"
	    "CREATE TRIGGER trg_x AFTER UPDATE ON parent BEGIN\n"
	    "  DELETE FROM child WHERE parent_id = NEW.id;\n"
	    "END;\n",
	    "-- rename everything\n"
	    "UPDATE parent SET name = 'renamed';\n", 1);
	cr_assert_eq(count(CG_RULE_CASCADE_DELETE) + count(CG_RULE_CASCADE_DROP),
	    0, "the static rules do not see it");
	f = only(CG_RULE_DATA_LOSS);
	assert_msg(f, "simulated: 2 of 2 seeded rows of child lost (trigger "
	    "trg_x on parent)");
	cr_assert_eq(f->line, 2);
	/* The UPDATE without WHERE also rewrites every name. */
	assert_msg(only(CG_RULE_COLUMN_OVERWRITTEN), "simulated: UPDATE "
	    "overwrote every seeded value of parent.name (2 of 2)");
	cr_assert_eq(fs.n, 2);
}

Test(simulate, delete_where_on_a_leaf_table_is_delete_rows)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n",
	    "DELETE FROM parent WHERE id > 0;\n", 1);
	f = only(CG_RULE_DELETE_ROWS);
	cr_assert_eq(f->severity, CG_SEV_WARNING);
	assert_msg(f, "simulated: DELETE removed 2 of 2 seeded rows of parent");
	cr_assert_eq(f->line, 1);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 0);
}

Test(simulate, delete_where_on_a_cascade_parent)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id) ON DELETE CASCADE);\n",
	    "DELETE FROM parent WHERE id > 0;\n", 0);
	f = only(CG_RULE_DATA_LOSS);
	assert_msg(f, "simulated: 2 of 2 seeded rows of child lost (cascade "
	    "from parent via child.parent_id)");
	f = only(CG_RULE_DELETE_ROWS);
	assert_msg(f, "simulated: DELETE removed 2 of 2 seeded rows of parent");
}

Test(simulate, insert_or_replace_with_an_existing_id)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id) ON DELETE CASCADE);\n",
	    "INSERT OR REPLACE INTO parent (id, name) VALUES (1, 'x');\n", 0);
	f = only(CG_RULE_DATA_LOSS);
	assert_msg(f, "simulated: 1 of 2 seeded rows of child lost (cascade "
	    "from parent via child.parent_id, replace on conflict)");
	cr_assert_eq(f->line, 1);
	cr_assert_eq(fs.n, 1, "the parent row is replaced, not lost");
}

Test(simulate, on_update_cascade_key_change)
{
	const struct cg_finding *f;

	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id) ON UPDATE CASCADE);\n",
	    "UPDATE parent SET id = id + 100;\n", 1);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 0, "keys moved, rows kept");
	f = only(CG_RULE_ROWS_CHANGED);
	assert_msg(f, "simulated: 2 of 2 seeded rows of child changed (ON "
	    "UPDATE CASCADE from parent via child.parent_id)");
	cr_assert_eq(fs.n, 1, "id = id + 100 is made from the old key: "
	    "no column-overwritten");
}

Test(simulate, child_rebuild_that_forgets_rows)
{
	const struct cg_finding *f;

	run(incident_schema,
	    "CREATE TABLE task_logs_new (id INTEGER PRIMARY KEY, task_id "
	    "INTEGER REFERENCES tasks(id) ON DELETE CASCADE, body TEXT, "
	    "level INTEGER);\n"
	    "DROP TABLE task_logs;\n"
	    "ALTER TABLE task_logs_new RENAME TO task_logs;\n", 1);
	f = only(CG_RULE_DATA_LOSS);
	cr_assert_eq(f->line, 2);
	cr_assert(strncmp(f->message, "simulated: 2 of 2 seeded rows of "
	    "task_logs lost (", 44) == 0, "%s", f->message);
	assert_has(f, "did not copy them");
}

Test(simulate, a_copied_child_lost_later_is_blamed_on_the_later_statement)
{
	const struct cg_finding *f;

	run(incident_schema,
	    "CREATE TABLE tasks_new (id INTEGER PRIMARY KEY, project_id "
	    "INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE, "
	    "title TEXT, done INTEGER);\n"
	    "INSERT INTO tasks_new (id, project_id, title) SELECT id, "
	    "project_id, title FROM tasks;\n"
	    "DROP TABLE tasks;\n"
	    "ALTER TABLE tasks_new RENAME TO tasks;\n"
	    "DELETE FROM projects;\n", 0);
	f = nth(CG_RULE_DATA_LOSS, 0);
	assert_msg(f, "simulated: 2 of 2 seeded rows of tasks lost (cascade "
	    "from projects via tasks.project_id)");
	cr_assert_eq(f->line, 5, "the DELETE, not the rebuild's DROP");
}

static const char twelve_step[] =
    "PRAGMA foreign_keys=OFF;\n"
    "BEGIN;\n"
    "CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, color TEXT);\n"
    "INSERT INTO projects_new (id, name) SELECT id, name FROM projects;\n"
    "DROP TABLE projects;\n"
    "ALTER TABLE projects_new RENAME TO projects;\n"
    "PRAGMA foreign_key_check;\n"
    "COMMIT;\n"
    "PRAGMA foreign_keys=ON;\n";

Test(simulate, twelve_step_rebuild_with_foreign_keys_off_on_sqlite_is_clean)
{
	struct cg_sim_counts c;

	cfg.target = CG_TARGET_SQLITE;
	run(incident_schema, twelve_step, 1);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 3);
	cr_assert_eq(c.nrows, 6);
	cr_assert_eq(fs.n, 0, "clean: %zu findings", fs.n);
}

Test(simulate, same_twelve_steps_on_d1_lose_the_children)
{
	const struct cg_finding *f;

	cfg.target = CG_TARGET_D1;
	run(incident_schema, twelve_step, 0);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 2,
	    "PRAGMA foreign_keys=OFF is a no-op inside D1's transaction");
	f = nth(CG_RULE_DATA_LOSS, 0);
	assert_msg(f, "simulated: 2 of 2 seeded rows of tasks lost (cascade "
	    "from projects via tasks.project_id)");
	cr_assert_eq(f->line, 5);
}

Test(simulate, constrained_tables_are_all_seeded)
{
	struct cg_sim_counts c;

	seed_all = 1;
	run("CREATE TABLE s (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, "
	    "t TEXT, r REAL, b BLOB, a ANY) STRICT;\n"
	    "CREATE TABLE w (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;\n"
	    "CREATE TABLE p (id INTEGER PRIMARY KEY, price REAL NOT NULL "
	    "CHECK (price > 0), qty INTEGER CHECK (qty >= 10));\n"
	    "CREATE TABLE u (a TEXT NOT NULL, b INTEGER NOT NULL, UNIQUE (a, "
	    "b));\n"
	    "CREATE TABLE e (id INTEGER PRIMARY KEY, status TEXT NOT NULL "
	    "CHECK (status IN ('active', 'archived')) UNIQUE, created_at "
	    "TEXT NOT NULL, total INTEGER GENERATED ALWAYS AS (id * 2) "
	    "VIRTUAL);\n"
	    "CREATE TABLE tree (id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
	    "NULL REFERENCES tree(id));\n"
	    "CREATE TABLE ca (id INTEGER PRIMARY KEY, cb_id INTEGER "
	    "REFERENCES cb(id));\n"
	    "CREATE TABLE cb (id INTEGER PRIMARY KEY, ca_id INTEGER NOT NULL "
	    "REFERENCES ca(id));\n",
	    "SELECT 1;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.ntables, 8);
	cr_assert_eq(c.nseeded, 8, "%zu of 8 seeded", c.nseeded);
	cr_assert_eq(c.nrows, 16);
	cr_assert_eq(count(CG_RULE_NOT_SIMULATED), 0);
	cr_assert_eq(fs.n, 0);
}

Test(simulate, checks_with_alternatives_are_seeded)
{
	struct cg_sim_counts c;

	seed_all = 1;
	run("CREATE TABLE server (id TEXT PRIMARY KEY);\n"
	    "CREATE TABLE channel (id TEXT PRIMARY KEY);\n"
	    "CREATE TABLE setting (id TEXT PRIMARY KEY, server_id TEXT "
	    "REFERENCES server(id) ON DELETE CASCADE, channel_id TEXT "
	    "REFERENCES channel(id) ON DELETE CASCADE, CHECK ((server_id IS "
	    "NOT NULL AND channel_id IS NULL) OR (server_id IS NULL AND "
	    "channel_id IS NOT NULL)));\n"
	    "CREATE TABLE sub (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
	    "email TEXT, url TEXT, CONSTRAINT sub_check CHECK ((\"sub\"."
	    "\"kind\" = 'email' AND email IS NOT NULL AND url IS NULL) OR "
	    "(kind = 'webhook' AND url IS NOT NULL AND email IS NULL)));\n",
	    "DELETE FROM server;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 4, "%zu of 4 seeded", c.nseeded);
	cr_assert_eq(count(CG_RULE_NOT_SIMULATED), 0);
	/* setting kept its link to server: the cascade is seen */
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 2 of 2 seeded rows of "
	    "setting lost (cascade from server via setting.server_id)");
}

Test(simulate, without_rowid_and_strict_losses_are_seen)
{
	const struct cg_finding *f;

	run("CREATE TABLE w (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, k TEXT REFERENCES w(k) "
	    "ON DELETE CASCADE) STRICT;\n",
	    "DELETE FROM w;\n", 0);
	f = only(CG_RULE_DATA_LOSS);
	assert_msg(f, "simulated: 2 of 2 seeded rows of c lost (cascade "
	    "from w via c.k)");
	f = only(CG_RULE_DELETE_ROWS);
	assert_msg(f, "simulated: DELETE removed 2 of 2 seeded rows of w");
}

Test(simulate, a_table_that_cannot_be_seeded_is_named_in_a_note)
{
	const struct cg_finding *f;
	struct cg_sim_counts c;

	seed_all = 1;
	run("CREATE TABLE ok (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE nope (x INTEGER CHECK (0));\n",
	    "SELECT 1;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 1);
	f = only(CG_RULE_NOT_SIMULATED);
	cr_assert_eq(f->severity, CG_SEV_NOTE);
	assert_msg(f, "not simulated: nope: CHECK constraint failed: 0");
}

Test(simulate, defer_foreign_keys_still_cascades)
{
	const struct cg_finding *f;

	cfg.target = CG_TARGET_SQLITE;
	run("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES parent(id) ON DELETE CASCADE);\n",
	    "BEGIN;\n"
	    "PRAGMA defer_foreign_keys=ON;\n"
	    "DELETE FROM parent WHERE id = 1;\n"
	    "COMMIT;\n", 0);
	f = only(CG_RULE_DATA_LOSS);
	assert_msg(f, "simulated: 1 of 2 seeded rows of child lost (cascade "
	    "from parent via child.parent_id)");
	cr_assert_eq(f->line, 3);
}

Test(simulate, rename_is_followed)
{
	run(incident_schema,
	    "ALTER TABLE tasks RENAME TO todo;\n"
	    "DELETE FROM projects WHERE id = 2;\n", 0);
	cr_assert_eq(count(CG_RULE_DATA_LOSS), 2);
	assert_msg(nth(CG_RULE_DATA_LOSS, 0), "simulated: 1 of 2 seeded rows "
	    "of todo lost (cascade from projects via todo.project_id)");
	assert_msg(nth(CG_RULE_DATA_LOSS, 1), "simulated: 1 of 2 seeded rows "
	    "of task_logs lost (cascade from todo via task_logs.task_id)");
	assert_msg(only(CG_RULE_DELETE_ROWS), "simulated: DELETE removed 1 of "
	    "2 seeded rows of projects");
}

/* Lazy seeding: what a file can reach, and nothing else. */
static const char reach_schema[] =
    "CREATE TABLE org (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL "
    "REFERENCES org(id));\n"
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
    "NULL REFERENCES parent(id) ON DELETE CASCADE);\n"
    "CREATE TABLE grandchild (id INTEGER PRIMARY KEY, child_id INTEGER "
    "REFERENCES child(id) ON DELETE SET NULL);\n"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n"
    "CREATE TRIGGER trg_a AFTER DELETE ON grandchild BEGIN\n"
    "  DELETE FROM audit;\n"
    "END;\n"
    "CREATE TABLE unrelated (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE nope (x INTEGER CHECK (0));\n";

Test(simulate, a_file_seeds_its_tables_children_trigger_targets_and_parents)
{
	struct cg_sim_counts c;

	cfg.target = CG_TARGET_SQLITE;
	run(reach_schema, "PRAGMA foreign_keys=ON;\nDELETE FROM parent "
	    "WHERE id = 1;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.ntables, 7);
	/* parent, child, grandchild, audit (trigger), org (parent's parent) */
	cr_assert_eq(c.nseeded, 5, "%zu seeded", c.nseeded);
	cr_assert_eq(c.nrows, 10);
	cr_assert_eq(count(CG_RULE_NOT_SIMULATED), 0, "nope is not reached");
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 1 of 2 seeded rows "
	    "of child lost (cascade from parent via child.parent_id)");
	assert_msg(only(CG_RULE_ROWS_CHANGED), "simulated: 1 of 2 seeded rows "
	    "of grandchild changed (SET NULL from child via "
	    "grandchild.child_id)");
}

Test(simulate, a_trigger_reaches_tables_its_table_does_not_reference)
{
	struct cg_sim_counts c;

	run(reach_schema, "DELETE FROM grandchild;\n", 0);
	cg_sim_counts(sim, &c);
	/* grandchild, audit, and the parents child, parent, org */
	cr_assert_eq(c.nseeded, 5, "%zu seeded", c.nseeded);
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 2 of 2 seeded rows "
	    "of audit lost (trigger trg_a on grandchild)");
}

Test(simulate, a_table_a_file_names_but_cannot_be_seeded_gets_its_note)
{
	run(reach_schema, "DELETE FROM nope;\n", 0);
	assert_msg(only(CG_RULE_NOT_SIMULATED), "not simulated: nope: CHECK "
	    "constraint failed: 0");
}

Test(simulate, a_later_file_seeds_what_it_reaches_after_a_rename)
{
	struct cg_source m1 = { NULL, "migrations/0002_a.sql",
	    "ALTER TABLE unrelated RENAME TO other;\n", 0 };
	struct cg_source m2 = { NULL, "migrations/0003_b.sql",
	    "DELETE FROM other;\nDELETE FROM audit;\n", 0 };
	struct cg_err err = CG_ERR_INIT;
	struct cg_sim_counts c;

	m1.len = strlen(m1.data);
	m2.len = strlen(m2.data);
	run(reach_schema, "SELECT 1;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 0, "SELECT 1 reaches nothing");
	cg_findings_release(&fs);
	cg_assert_ok(cg_sim_run_file(sim, &cfg, &m1, &err), &err);
	cg_assert_ok(cg_sim_run_file(sim, &cfg, &m2, &err), &err);
	cg_assert_ok(cg_sim_verdict(sim, &fs, &err), &err);
	dump();
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 2, "unrelated (seeded by the rename) and "
	    "audit: %zu", c.nseeded);
	cr_assert_eq(count(CG_RULE_DELETE_ROWS), 2);
	/* In the base's table order: audit, then unrelated (now other). */
	assert_msg(nth(CG_RULE_DELETE_ROWS, 0), "simulated: DELETE removed 2 "
	    "of 2 seeded rows of audit");
	assert_msg(nth(CG_RULE_DELETE_ROWS, 1), "simulated: DELETE removed 2 "
	    "of 2 seeded rows of other");
}

/* ta on a deletes from the view v, whose INSTEAD OF trigger empties c. */
static const char view_schema[] =
    "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE c (id INTEGER PRIMARY KEY, note TEXT);\n"
    "CREATE VIEW v AS SELECT id, note FROM c;\n"
    "CREATE TRIGGER tv INSTEAD OF DELETE ON v BEGIN DELETE FROM c; END;\n"
    "CREATE TRIGGER ta AFTER DELETE ON a BEGIN DELETE FROM v; END;\n";

Test(simulate, a_view_a_trigger_body_names_reaches_its_instead_of_trigger)
{
	struct cg_sim_counts c;

	run(view_schema, "DELETE FROM a WHERE id = 1;\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 2, "a and c: %zu seeded", c.nseeded);
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 2 of 2 seeded rows "
	    "of c lost (a trigger or foreign-key action)");
	cr_assert_eq(only(CG_RULE_DATA_LOSS)->line, 1);
	assert_msg(only(CG_RULE_DELETE_ROWS), "simulated: DELETE removed 1 "
	    "of 2 seeded rows of a");
	cr_assert_eq(fs.n, 2);
}

Test(simulate, a_chain_of_views_is_followed_to_the_table_it_changes)
{
	struct cg_sim_counts c;

	run("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, note TEXT);\n"
	    "CREATE TABLE d (id INTEGER PRIMARY KEY, note TEXT);\n"
	    "CREATE VIEW v1 AS SELECT id, note FROM c;\n"
	    "CREATE VIEW v2 AS SELECT id FROM a;\n"
	    "CREATE TRIGGER tv1 INSTEAD OF UPDATE ON v1 BEGIN\n"
	    "  DELETE FROM c;\n"
	    "END;\n"
	    "CREATE TRIGGER tv2 INSTEAD OF DELETE ON v2 BEGIN\n"
	    "  UPDATE v1 SET note = 'x';\n"
	    "  DELETE FROM v2 WHERE 0;\n"
	    "END;\n"
	    "CREATE TRIGGER ta AFTER UPDATE ON a BEGIN\n"
	    "  DELETE FROM v2;\n"
	    "END;\n",
	    "UPDATE a SET name = 'n';\n", 0);
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 2, "a and c, not d: %zu seeded", c.nseeded);
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 2 of 2 seeded rows "
	    "of c lost (a trigger or foreign-key action)");
	cr_assert_eq(count(CG_RULE_COLUMN_OVERWRITTEN), 1, "a.name, no WHERE");
	cr_assert_eq(fs.n, 2);
}

Test(simulate, seeding_a_later_table_fires_no_trigger_of_the_base)
{
	struct cg_source m2 = { NULL, "migrations/0003_b.sql",
	    "ALTER TABLE deleted_items ADD COLUMN why TEXT;\n", 0 };
	struct cg_err err = CG_ERR_INIT;
	struct cg_sim_counts c;

	m2.len = strlen(m2.data);
	/* Seeding deleted_items for 0003 would delete the rows of items. */
	run("CREATE TABLE deleted_items (id INTEGER PRIMARY KEY, item_id "
	    "INTEGER NOT NULL);\n"
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TRIGGER tomb AFTER INSERT ON deleted_items BEGIN\n"
	    "  DELETE FROM items WHERE id = NEW.item_id;\n"
	    "END;\n",
	    "UPDATE items SET name = upper(name) WHERE id = 1;\n", 0);
	cr_assert_eq(fs.n, 0);
	cg_assert_ok(cg_sim_run_file(sim, &cfg, &m2, &err), &err);
	cg_assert_ok(cg_sim_verdict(sim, &fs, &err), &err);
	dump();
	cg_sim_counts(sim, &c);
	cr_assert_eq(c.nseeded, 2, "%zu seeded", c.nseeded);
	cr_assert_eq(c.nrows, 4);
	cr_assert_eq(fs.n, 0, "no rows of items were lost: %zu findings",
	    fs.n);
}

Test(simulate, triggers_still_fire_for_the_migration_after_seeding)
{
	run("CREATE TABLE deleted_items (id INTEGER PRIMARY KEY, item_id "
	    "INTEGER NOT NULL);\n"
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TRIGGER tomb AFTER INSERT ON deleted_items BEGIN\n"
	    "  DELETE FROM items WHERE id = NEW.item_id;\n"
	    "END;\n",
	    "INSERT INTO deleted_items (item_id) SELECT id FROM items;\n", 0);
	assert_msg(only(CG_RULE_DATA_LOSS), "simulated: 2 of 2 seeded rows "
	    "of items lost (trigger tomb on deleted_items)");
}

Test(simulate, rows_inserted_by_the_migration_do_not_count)
{
	run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n",
	    "INSERT INTO t (v) VALUES ('new');\n"
	    "DELETE FROM t WHERE v = 'new';\n", 0);
	cr_assert_eq(fs.n, 0);
}

/*
 * The public corpus (CG_CORPUS): replay each project's whole history,
 * seed it, and report how many tables were seeded.  Skipped without
 * the corpus.
 */
struct corpus_project {
	const char *name;
	const char *glob;
};

static const struct corpus_project corpus_projects[] = {
	{ "raphaeltm__simple-agent-manager", "apps/api/src/db/migrations/*.sql" },
	{ "raphaeltm__simple-agent-manager__head",
	    "apps/api/src/db/migrations/*.sql" },
	{ "alookai__alook", "src/web/migrations/*.sql" },
	{ "alookai__alook__head", "src/web/migrations/*.sql" },
	{ "victor36max__shire", "drizzle/*.sql" },
	{ "mvdicarlo__postybirb", "apps/postybirb/src/migrations/*.sql" },
	{ "karakeep-app__karakeep", "packages/db/drizzle/*.sql" },
	{ "openstatusHQ__openstatus", "packages/db/drizzle/*.sql" },
	{ "homarr-labs__homarr", "packages/db/migrations/sqlite/*.sql" },
	{ "stonith404__pingvin-share",
	    "backend/prisma/migrations/*/migration.sql" },
	{ "teableio__teable",
	    "packages/db-main-prisma/prisma/sqlite/migrations/*/migration.sql" },
	{ "pocket-id__pocket-id", "backend/resources/migrations/sqlite/*.up.sql" },
	{ "hua0512__rust-srec", "rust-srec/migrations/*.sql" },
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

Test(simulate, corpus_tables_are_seeded, .timeout = 120)
{
	const char *root = getenv("CG_CORPUS");
	size_t total = 0, seeded = 0, p, i;
	char pattern[4096], probe[4096];

	snprintf(probe, sizeof(probe), "%s/MANIFEST.md",
	    root != NULL ? root : "");
	if (root == NULL || root[0] == '\0' || access(probe, R_OK) != 0) {
		cr_skip_test("CG_CORPUS is not set to the corpus: skipped");
		return;
	}
	for (p = 0; p < sizeof(corpus_projects) / sizeof(corpus_projects[0]);
	    p++) {
		struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
		struct cg_findings hist = CG_FINDINGS_INIT;
		struct cg_findings verdict = CG_FINDINGS_INIT;
		struct cg_err err = CG_ERR_INIT;
		struct cg_sandbox *base = NULL;
		struct cg_sim *s = NULL;
		struct cg_sim_counts c;
		glob_t g;

		snprintf(pattern, sizeof(pattern), "%s/%s/%s", root,
		    corpus_projects[p].name, corpus_projects[p].glob);
		cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "%s", pattern);
		cg_assert_ok(cg_sandbox_open(&base, &opts, &err), &err);
		for (i = 0; i < g.gl_pathc; i++) {
			struct cg_source src;
			size_t len;
			char *data = slurp(g.gl_pathv[i], &len);

			src.set = NULL;
			src.path = g.gl_pathv[i];
			src.data = data;
			src.len = len;
			cg_assert_ok(cg_replay_history(base, &src, &hist, &err),
			    &err);
			free(data);
		}
		cg_assert_ok(cg_sim_new(&s, base, &err), &err);
		cg_assert_ok(cg_sim_seed_all(s, &err), &err);
		cg_sim_counts(s, &c);
		cg_assert_ok(cg_sim_verdict(s, &verdict, &err), &err);
		for (i = 0; i < verdict.n; i++)
			cr_log_info("  %s: %s", corpus_projects[p].name,
			    verdict.v[i].message);
		cr_log_info("%s: %zu of %zu tables seeded (%zu rows, %zu "
		    "migrations)", corpus_projects[p].name, c.nseeded,
		    c.ntables, c.nrows, g.gl_pathc);
		/* Nothing ran: every finding is a table that was not seeded. */
		cr_assert_eq(verdict.n, c.ntables - c.nseeded);
		cr_assert(c.nseeded * 10 >= c.ntables * 9,
		    "%s: only %zu of %zu tables seeded",
		    corpus_projects[p].name, c.nseeded, c.ntables);
		total += c.ntables;
		seeded += c.nseeded;
		cg_sim_free(s);
		cg_sandbox_free(base);
		cg_findings_release(&hist);
		cg_findings_release(&verdict);
		globfree(&g);
	}
	cr_log_info("corpus: %zu of %zu tables seeded", seeded, total);
	cr_assert(seeded > 0);
}
