/* SPDX-License-Identifier: MIT */
/*
 * The data-loss simulation end to end: a deletion the static rules
 * cannot see (a trigger, or a view's INSTEAD OF trigger) is caught by
 * `check-range` on seeded rows, seeding fires no trigger of the base,
 * and --no-simulate or `simulate = off` turn the simulation off.
 */
#include <criterion/criterion.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(simulate_e2e);

/* cascadeguard with the NULL-terminated arguments, in dir. */
#define run(r, ...) cg_test_runl((r), dir, __VA_ARGS__)

/* main: a trigger that deletes children; feature: an innocent UPDATE. */
static const char trigger_base[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, archived INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
    "NOT NULL REFERENCES projects(id), title TEXT);\n"
    "CREATE TRIGGER trg_archive AFTER UPDATE OF archived ON projects\n"
    "BEGIN\n"
    "  DELETE FROM tasks WHERE project_id = NEW.id;\n"
    "END;\n";

static const char archive_all[] =
    "-- archive the old projects\n"
    "UPDATE projects SET archived = 1;\n";

/*
 * main: a trigger that deletes children; feature: an innocent UPDATE
 * (and config as .cascadeguard when not NULL).
 */
static void
trigger_history(const char *config)
{
	if (config == NULL)
		cg_test_history(dir, trigger_base,
		    "migrations/0002_archive_all.sql", archive_all, NULL);
	else
		cg_test_history(dir, trigger_base,
		    "migrations/0002_archive_all.sql", archive_all,
		    ".cascadeguard", config, NULL);
}

Test(simulate_e2e, trigger_deletion_is_caught_with_exit_1)
{
	struct cg_run r;

	trigger_history(NULL);
	run(&r, "check-range", "main..feature", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_archive_all.sql:2:1: "
	    "error[data-loss]: simulated: 2 of 2 seeded rows of tasks lost "
	    "(trigger trg_archive on projects)");
	/* UPDATE projects SET archived = 1 has no WHERE: every value of
	 * the column is rewritten too (#14). */
	ASSERT_HAS(&r, "warning[column-overwritten]: simulated: "
	    "UPDATE overwrote every seeded value of projects.archived");
	ASSERT_HAS(&r, "cascadeguard: 1 error, 1 warning");
	ASSERT_NO(&r, "cascade-");	/* the static rules do not see it */
	cg_run_release(&r);
}

Test(simulate_e2e, no_simulate_option_turns_it_off)
{
	struct cg_run r;

	trigger_history(NULL);
	run(&r, "check-range", "--no-simulate", "main..feature", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "data-loss");
	cg_run_release(&r);
}

Test(simulate_e2e, simulate_off_in_the_config_turns_it_off)
{
	struct cg_run r;

	trigger_history("[cascadeguard]\nsimulate = off\n");
	run(&r, "check-range", "main..feature", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "data-loss");
	cg_run_release(&r);
}

Test(simulate_e2e, bad_simulate_value_is_a_usage_error)
{
	struct cg_run r;

	trigger_history("[cascadeguard]\nsimulate = maybe\n");
	run(&r, "check-range", "main..feature", NULL);
	ASSERT_EXIT(&r, 2);
	ASSERT_ERR_HAS(&r, "simulate");
	cg_run_release(&r);
}

Test(simulate_e2e, a_simulated_finding_can_be_suppressed_with_a_reason)
{
	struct cg_run r;

	trigger_history(NULL);
	cg_test_write(dir, "migrations/0002_archive_all.sql",
	    "-- archive the old projects\n"
	    "-- cascadeguard: allow data-loss archived projects lose their "
	    "tasks by design\n"
	    "UPDATE projects SET archived = 1;\n");
	cg_test_commit(dir, "suppressed");
	run(&r, "check-range", "main..feature", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "0002_archive_all.sql:3:1: suppressed "
	    "error[data-loss]");
	ASSERT_HAS(&r, "suppressed: archived projects lose their "
	    "tasks by design");
	cg_run_release(&r);
}

Test(simulate_e2e, a_loss_through_a_view_a_trigger_names_is_caught)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, note TEXT);\n"
	    "CREATE VIEW v AS SELECT id, note FROM c;\n"
	    "CREATE TRIGGER tv INSTEAD OF DELETE ON v BEGIN DELETE FROM c; "
	    "END;\n"
	    "CREATE TRIGGER ta AFTER DELETE ON a BEGIN DELETE FROM v; END;\n",
	    "migrations/0002_x.sql", "DELETE FROM a WHERE id = 1;\n",
	    NULL);
	run(&r, "check-range", "--no-cache", "main..feature", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_x.sql:1:1: error[data-loss]: "
	    "simulated: 2 of 2 seeded rows of c lost");
	cg_run_release(&r);
}

Test(simulate_e2e, seeding_for_a_later_file_fires_no_base_trigger)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE deleted_items (id INTEGER PRIMARY KEY, item_id "
	    "INTEGER NOT NULL);\n"
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TRIGGER tomb AFTER INSERT ON deleted_items BEGIN DELETE "
	    "FROM items WHERE id = NEW.item_id; END;\n",
	    "migrations/0002_a.sql",
	    "UPDATE items SET name = upper(name) WHERE id = 1;\n",
	    "migrations/0003_b.sql",
	    "ALTER TABLE deleted_items ADD COLUMN why TEXT;\n",
	    NULL);
	run(&r, "check-range", "--no-cache", "main..feature", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "data-loss");
	ASSERT_HAS(&r, "cascadeguard: 0 errors, 0 warnings");
	cg_run_release(&r);
}
