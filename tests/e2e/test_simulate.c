/* SPDX-License-Identifier: MIT */
/*
 * The data-loss simulation end to end: a deletion the static rules
 * cannot see (a trigger, or a view's INSTEAD OF trigger) is caught by
 * `check-range` on seeded rows, seeding fires no trigger of the base,
 * and --no-simulate or `simulate = off` turn the simulation off.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/repo.h"

static char *dir;

static void
setup(void)
{
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q -b main"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(simulate_e2e, .init = setup, .fini = teardown);

static void
commit(const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0);
}

/* main: a trigger that deletes children; feature: an innocent UPDATE. */
static void
trigger_history(const char *config)
{
	cg_test_write(dir, "migrations/0001_init.sql",
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT "
	    "NULL, archived INTEGER NOT NULL DEFAULT 0);\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
	    "NOT NULL REFERENCES projects(id), title TEXT);\n"
	    "CREATE TRIGGER trg_archive AFTER UPDATE OF archived ON projects\n"
	    "BEGIN\n"
	    "  DELETE FROM tasks WHERE project_id = NEW.id;\n"
	    "END;\n");
	commit("history");
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	cg_test_write(dir, "migrations/0002_archive_all.sql",
	    "-- archive the old projects\n"
	    "UPDATE projects SET archived = 1;\n");
	if (config != NULL)
		cg_test_write(dir, ".cascadeguard", config);
	commit("feature");
}

static void
run(struct cg_run *r, const char *a1, const char *a2, const char *a3)
{
	const char *args[] = { a1, a2, a3, NULL };

	cg_test_run(r, dir, args, NULL, NULL);
}

Test(simulate_e2e, trigger_deletion_is_caught_with_exit_1)
{
	struct cg_run r;

	trigger_history(NULL);
	run(&r, "check-range", "main..feature", NULL);
	cr_assert_eq(r.code, 1, "exit %d\nstdout:\n%s\nstderr:\n%s", r.code,
	    r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0002_archive_all.sql:2:1: "
	    "error[data-loss]: simulated: 2 of 2 seeded rows of tasks lost "
	    "(trigger trg_archive on projects)") != NULL, "%s", r.out);
	/* UPDATE projects SET archived = 1 has no WHERE: every value of
	 * the column is rewritten too (#14). */
	cr_assert(strstr(r.out, "warning[column-overwritten]: simulated: "
	    "UPDATE overwrote every seeded value of projects.archived") !=
	    NULL, "%s", r.out);
	cr_assert(strstr(r.out, "cascadeguard: 1 error, 1 warning") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "cascade-") == NULL,
	    "the static rules do not see it:\n%s", r.out);
	cg_run_release(&r);
}

Test(simulate_e2e, no_simulate_option_turns_it_off)
{
	struct cg_run r;

	trigger_history(NULL);
	run(&r, "check-range", "--no-simulate", "main..feature");
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "data-loss") == NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(simulate_e2e, simulate_off_in_the_config_turns_it_off)
{
	struct cg_run r;

	trigger_history("[cascadeguard]\nsimulate = off\n");
	run(&r, "check-range", "main..feature", NULL);
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "data-loss") == NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(simulate_e2e, bad_simulate_value_is_a_usage_error)
{
	struct cg_run r;

	trigger_history("[cascadeguard]\nsimulate = maybe\n");
	run(&r, "check-range", "main..feature", NULL);
	cr_assert_eq(r.code, 2, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.err, "simulate") != NULL, "%s", r.err);
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
	commit("suppressed");
	run(&r, "check-range", "main..feature", NULL);
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "0002_archive_all.sql:3:1: suppressed "
	    "error[data-loss]") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "suppressed: archived projects lose their "
	    "tasks by design") != NULL, "%s", r.out);
	cg_run_release(&r);
}

/* A history on main, then new files on feature: name, text, ... NULL. */
static void
history(const char *base, ...)
{
	const char *name, *text;
	va_list ap;

	cg_test_write(dir, "migrations/0001_init.sql", base);
	commit("history");
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	va_start(ap, base);
	while ((name = va_arg(ap, const char *)) != NULL) {
		text = va_arg(ap, const char *);
		cg_test_write(dir, name, text);
	}
	va_end(ap);
	commit("feature");
}

Test(simulate_e2e, a_loss_through_a_view_a_trigger_names_is_caught)
{
	struct cg_run r;

	history("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE c (id INTEGER PRIMARY KEY, note TEXT);\n"
	    "CREATE VIEW v AS SELECT id, note FROM c;\n"
	    "CREATE TRIGGER tv INSTEAD OF DELETE ON v BEGIN DELETE FROM c; "
	    "END;\n"
	    "CREATE TRIGGER ta AFTER DELETE ON a BEGIN DELETE FROM v; END;\n",
	    "migrations/0002_x.sql", "DELETE FROM a WHERE id = 1;\n",
	    (const char *)NULL);
	run(&r, "check-range", "--no-cache", "main..feature");
	cr_assert_eq(r.code, 1, "exit %d\nstdout:\n%s\nstderr:\n%s", r.code,
	    r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0002_x.sql:1:1: error[data-loss]: "
	    "simulated: 2 of 2 seeded rows of c lost") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(simulate_e2e, seeding_for_a_later_file_fires_no_base_trigger)
{
	struct cg_run r;

	history("CREATE TABLE deleted_items (id INTEGER PRIMARY KEY, item_id "
	    "INTEGER NOT NULL);\n"
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TRIGGER tomb AFTER INSERT ON deleted_items BEGIN DELETE "
	    "FROM items WHERE id = NEW.item_id; END;\n",
	    "migrations/0002_a.sql",
	    "UPDATE items SET name = upper(name) WHERE id = 1;\n",
	    "migrations/0003_b.sql",
	    "ALTER TABLE deleted_items ADD COLUMN why TEXT;\n",
	    (const char *)NULL);
	run(&r, "check-range", "--no-cache", "main..feature");
	cr_assert_eq(r.code, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r.code,
	    r.out, r.err);
	cr_assert(strstr(r.out, "data-loss") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "cascadeguard: 0 errors, 0 warnings") != NULL,
	    "%s", r.out);
	cg_run_release(&r);
}
