/* SPDX-License-Identifier: MIT */
/*
 * Keys no row can hold (docs/precision.md, src/nullkeys.c): migrations
 * where the file seems to leave a foreign key NULL in every row but
 * SQLite gives it a value, so the cascade must still be reported.  Real
 * repositories, the real binary, exact finding lines.
 */
#include <criterion/criterion.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(nullkeys);

/* history as 0001, file as 0002 (D1), then check-range of 0002. */
static void
check_new(struct cg_run *r, const char *history, const char *file)
{
	cg_test_write_wrangler(dir);
	cg_test_history(dir, history, "migrations/0002_next.sql", file, NULL);
	cg_test_runl(r, dir, "check-range", "HEAD~1..HEAD", NULL);
}

static const char projects[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n";

static const char history_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
    "REFERENCES projects(id) ON DELETE CASCADE);\n";

#define DROP_CASCADES(line) \
	"migrations/0002_next.sql:" line ":1: error[cascade-drop]: DROP " \
	"TABLE projects deletes every row of 1 table through ON DELETE " \
	"CASCADE"

/* The UPDATE fired a trigger that put the keys back, dropped since. */
Test(nullkeys, a_trigger_fired_by_the_update_keeps_the_cascade)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "CREATE TRIGGER keep AFTER UPDATE ON tasks BEGIN UPDATE tasks "
	    "SET project_id = OLD.project_id WHERE id = NEW.id; END;\n"
	    "UPDATE tasks SET project_id = NULL;\n"
	    "DROP TRIGGER keep;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("4"));
	cg_run_release(&r);
}

/* SQLite keeps the last of two assignments to one column. */
Test(nullkeys, the_last_assignment_of_the_key_wins)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "UPDATE tasks SET project_id = NULL, project_id = 1;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("2"));
	cg_run_release(&r);
}

/* OR IGNORE skips every row whose NOT NULL refuses the NULL. */
Test(nullkeys, update_or_ignore_keeps_the_cascade)
{
	struct cg_run r;

	check_new(&r,
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL REFERENCES projects(id) ON DELETE CASCADE);\n",
	    "UPDATE OR IGNORE tasks SET project_id = NULL;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("2"));
	cg_run_release(&r);
}

/* The same, declared by the history's column: a plain UPDATE. */
Test(nullkeys, not_null_on_conflict_ignore_keeps_the_cascade)
{
	struct cg_run r;

	check_new(&r,
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL ON CONFLICT IGNORE REFERENCES projects(id) ON DELETE "
	    "CASCADE);\n",
	    "UPDATE tasks SET project_id = NULL;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("2"));
	cg_run_release(&r);
}

/* A NULL written to an INTEGER PRIMARY KEY becomes a new rowid. */
Test(nullkeys, a_null_rowid_key_gets_a_value)
{
	struct cg_run r;

	check_new(&r, projects,
	    "CREATE TABLE profiles (project_id INTEGER PRIMARY KEY "
	    "REFERENCES projects(id) ON DELETE CASCADE, bio TEXT);\n"
	    "INSERT INTO profiles (project_id, bio) SELECT NULL, name FROM "
	    "projects;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("3"));
	cg_run_release(&r);
}

/* The same key made the rowid by a table constraint. */
Test(nullkeys, a_table_primary_key_gets_a_value)
{
	struct cg_run r;

	check_new(&r, projects,
	    "CREATE TABLE profiles (bio TEXT, project_id INTEGER "
	    "REFERENCES projects(id) ON DELETE CASCADE, PRIMARY KEY "
	    "(project_id));\n"
	    "INSERT INTO profiles (bio, project_id) SELECT name, NULL FROM "
	    "projects;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("3"));
	cg_run_release(&r);
}

/* REPLACE gives a NOT NULL column its default instead of the NULL. */
Test(nullkeys, replace_gives_the_key_its_default)
{
	struct cg_run r;

	check_new(&r, projects,
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL DEFAULT 1 REFERENCES projects(id) ON DELETE CASCADE);\n"
	    "REPLACE INTO tasks (id, project_id) SELECT id, NULL FROM "
	    "projects;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("3"));
	cg_run_release(&r);
}

/* A column named twice: SQLite writes one of the two values. */
Test(nullkeys, a_column_listed_twice_keeps_the_cascade)
{
	struct cg_run r;

	check_new(&r, projects,
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "REFERENCES projects(id) ON DELETE CASCADE);\n"
	    "INSERT INTO tasks (project_id, project_id, id) SELECT id, NULL, "
	    "id FROM projects;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("3"));
	cg_run_release(&r);
}

/* What stays pruned: a nullable key, NOT NULL and a key beside it. */
Test(nullkeys, a_nullable_key_beside_a_not_null_column_reaches_no_row)
{
	struct cg_run r;

	check_new(&r, projects,
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
	    "DEFAULT '', project_id INTEGER REFERENCES projects(id) ON "
	    "DELETE CASCADE NOT DEFERRABLE);\n"
	    "INSERT INTO tasks (id, name, project_id) SELECT id, name, NULL "
	    "FROM projects;\n"
	    "UPDATE tasks SET project_id = NULL, name = 'x';\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "cascade-drop");
	cg_run_release(&r);
}

/* OR REPLACE writes the default of the history's NOT NULL key. */
Test(nullkeys, insert_or_replace_into_a_history_child_writes_the_default)
{
	struct cg_run r;

	check_new(&r,
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "INSERT INTO projects (id, name) VALUES (1, 'a');\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL DEFAULT 1 REFERENCES projects(id) ON DELETE CASCADE);\n",
	    "UPDATE tasks SET project_id = NULL;\n"
	    "INSERT OR REPLACE INTO tasks (id, project_id) VALUES (7, NULL);\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("3"));
	cg_run_release(&r);
}

/*
 * A plain NOT NULL key cleared by UPDATE: where production has a row the
 * UPDATE fails and the DROP never runs, so no row is lost through it.
 */
Test(nullkeys, a_plain_not_null_key_cleared_stays_pruned)
{
	struct cg_run r;

	check_new(&r,
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL REFERENCES projects(id) ON DELETE CASCADE);\n",
	    "UPDATE tasks SET project_id = NULL;\n"
	    "DROP TABLE projects;\n");
	ASSERT_NO(&r, "cascade-drop");
	cg_run_release(&r);
}

/*
 * A TEMP table of the same name shadows the child for unqualified
 * names, not for the foreign keys of main: the graph and the simulation
 * read main's schema, so the cascade into main.tasks is still seen.
 */
Test(nullkeys, a_temp_table_named_like_the_child_hides_no_cascade)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "CREATE TEMP TABLE tasks (id INTEGER PRIMARY KEY);\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, DROP_CASCADES("2"));
	ASSERT_HAS(&r, "tasks");
	cg_run_release(&r);
}
