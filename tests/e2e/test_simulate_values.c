/* SPDX-License-Identifier: MIT */
/*
 * The simulation beyond row counts, end to end on real repositories:
 * rows followed through a renamed key, every finding of a file placed at
 * a line, and statements that apply on the empty replayed schema but
 * fail on the rows production has (migration-fails "on a table with
 * rows", may-fail-on-rows with the query that tells).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(simulate_values);

/* check-range --no-cache main..feature, then the NULL-terminated rest. */
#define check(r, ...) cg_test_runl((r), dir, "check-range", "--no-cache", \
	"main..feature", __VA_ARGS__)

/* ---- #13 class 3: a renamed key keeps its rows ---- */

Test(simulate_values, renaming_a_text_primary_key_column_loses_no_row)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT);\n",
	    "migrations/0002_rename.sql",
	    "ALTER TABLE t RENAME COLUMN t_id TO id;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "data-loss");
	ASSERT_NO(&r, "(repository)");
	ASSERT_HAS(&r, "warning[rename]");
	cg_run_release(&r);
}

Test(simulate_values, renaming_a_without_rowid_key_column_loses_no_row)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT) WITHOUT "
	    "ROWID;\nCREATE TABLE u (id INTEGER PRIMARY KEY, t_id TEXT "
	    "REFERENCES t(t_id) ON DELETE CASCADE);\n",
	    "migrations/0002_rename.sql",
	    "ALTER TABLE t RENAME COLUMN t_id TO id;\n"
	    "UPDATE u SET t_id = t_id;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "data-loss");
	cg_run_release(&r);
}

Test(simulate_values, a_rebuild_under_a_renamed_key_that_copies_nothing_is_placed)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT);\n",
	    "migrations/0002_rebuild.sql",
	    "CREATE TABLE t_new (id TEXT PRIMARY KEY, v TEXT);\n"
	    "DROP TABLE t;\n"
	    "ALTER TABLE t_new RENAME TO t;\n", NULL);
	check(&r, "--format=json", NULL);
	ASSERT_EXIT(&r, 1);
	cr_assert(strstr(r.out, "\"rule\": \"data-loss\"") != NULL ||
	    strstr(r.out, "\"rule\":\"data-loss\"") != NULL, "%s", r.out);
	ASSERT_NO(&r, "\"file\": null");
	ASSERT_NO(&r, "\"line\": null");
	ASSERT_HAS(&r, "0002_rebuild.sql");
	cg_run_release(&r);
}

/* ---- fails on production rows ---- */

static const char users[] =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, bio TEXT);\n"
    "CREATE TABLE orgs (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE members (id INTEGER PRIMARY KEY, org_id INTEGER "
    "REFERENCES orgs(id) ON DELETE CASCADE);\n";

Test(simulate_values, add_not_null_column_without_default_fails_on_rows)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_plan.sql",
	    "ALTER TABLE users ADD COLUMN plan TEXT NOT NULL;\n"
	    "DROP TABLE orgs;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_plan.sql:1:1: "
	    "error[migration-fails]: fails on a table with rows: users has "
	    "rows in production");
	/* The simulation went on: the cascade two lines later is seen. */
	ASSERT_HAS(&r, "[simulated: 2 of 2 rows lost]");
	ASSERT_NO(&r, "not-simulated");
	cg_run_release(&r);
}

Test(simulate_values, add_column_with_a_default_is_clean)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_plan.sql",
	    "ALTER TABLE users ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "0 errors, 0 warnings");
	cg_run_release(&r);
}

Test(simulate_values, unique_index_on_an_existing_column_prints_the_query)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_idx.sql",
	    "CREATE UNIQUE INDEX users_email ON users (email);\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_idx.sql:1:1: "
	    "warning[may-fail-on-rows]: fails in production if users holds "
	    "two rows with the same (email); this read-only query lists "
	    "them: SELECT email, count(*) FROM users WHERE (email) IS NOT "
	    "NULL GROUP BY email HAVING count(*) > 1 LIMIT 5");
	cg_run_release(&r);
}

Test(simulate_values, unique_index_on_a_table_of_the_same_file_is_clean)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_idx.sql",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE UNIQUE INDEX tags_name ON tags (name);\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "0 errors, 0 warnings");
	cg_run_release(&r);
}

Test(simulate_values, a_rebuild_adding_a_check_prints_the_query)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_rebuild.sql",
	    "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "bio TEXT CHECK (length(bio) > 100));\n"
	    "INSERT INTO users_new SELECT id, email, bio FROM users;\n"
	    "DROP TABLE users;\n"
	    "ALTER TABLE users_new RENAME TO users;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_rebuild.sql:2:1: "
	    "warning[may-fail-on-rows]: fails in production if users holds "
	    "rows that break CHECK (length(bio) > 100) of users_new; this "
	    "read-only query lists them: WITH users_new(id, email, bio) AS "
	    "(SELECT id, email, bio FROM users) SELECT * FROM users_new "
	    "WHERE NOT (length(bio) > 100) LIMIT 5");
	cg_run_release(&r);
}

/*
 * A statement that fails for some data only does not stop the
 * simulation: the cascade later in the same file is still simulated.
 */
Test(simulate_values, a_check_the_seed_breaks_lets_the_file_go_on)
{
	struct cg_run r;

	cg_test_history(dir, users, "migrations/0002_rebuild.sql",
	    "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "bio TEXT CHECK (bio IN ('short', 'long')));\n"
	    "INSERT INTO users_new (id, email, bio)\n"
	    "  SELECT id, email, bio FROM users;\n"
	    "DROP TABLE users;\n"
	    "ALTER TABLE users_new RENAME TO users;\n"
	    "DROP TABLE orgs;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "0002_rebuild.sql:2:1: warning[may-fail-on-rows]");
	ASSERT_HAS(&r, "[simulated: 2 of 2 rows lost]");
	ASSERT_NO(&r, "not-simulated");
	ASSERT_NO(&r, "users lost");	/* the copy kept every row */
	cg_run_release(&r);
}

Test(simulate_values, a_unique_index_the_seed_breaks_lets_the_file_go_on)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT CHECK "
	    "(status IN ('open', 'closed')));\n"
	    "CREATE TABLE orgs (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE members (id INTEGER PRIMARY KEY, org_id INTEGER "
	    "REFERENCES orgs(id) ON DELETE CASCADE);\n",
	    "migrations/0002_idx.sql",
	    "CREATE UNIQUE INDEX t_status ON t (status);\n"
	    "DROP INDEX t_status;\n"
	    "DROP TABLE orgs;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "0002_idx.sql:1:1: warning[may-fail-on-rows]");
	ASSERT_HAS(&r, "[simulated: 2 of 2 rows lost]");
	ASSERT_NO(&r, "not-simulated");
	cg_run_release(&r);
}

Test(simulate_values, a_rebuild_adding_not_null_prints_the_query_in_json)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT CHECK "
	    "(email IS NULL OR email LIKE '%@%'));\n",
	    "migrations/0002_rebuild.sql",
	    "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT "
	    "NULL);\n"
	    "INSERT INTO users_new (id, email) SELECT id, email FROM users;\n"
	    "DROP TABLE users;\n"
	    "ALTER TABLE users_new RENAME TO users;\n", NULL);
	check(&r, "--format=json", NULL);
	ASSERT_HAS(&r, "may-fail-on-rows");
	ASSERT_HAS(&r, "email IS NULL LIMIT 5");
	cg_run_release(&r);
}

/* ---- #14 item 1: values followed column by column ---- */

static const char people[] =
    "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, "
    "name TEXT, bio TEXT, plan TEXT);\n";

/*
 * 1 when out holds "WHERE[RULE]" (the finding's place and rule in text
 * output, "0002_x.sql:LINE:1: SEV[RULE]") with what somewhere after it.
 */
static int
has_at(const char *out, const char *where, const char *rule,
    const char *what)
{
	char needle[256];
	const char *p;

	(void)snprintf(needle, sizeof(needle), "%s[%s]", where, rule);
	p = strstr(out, needle);
	return p != NULL && strstr(p, what) != NULL;
}

#define ASSERT_AT(r, where, rule, what) \
	cr_assert(has_at((r)->out, (where), (rule), (what)), "missing " \
	    "%s[%s] ... %s\nstdout:\n%s\nstderr:\n%s", (where), (rule), \
	    (what), (r)->out, (r)->err)

Test(simulate_values, a_rebuild_that_leaves_a_column_out_loses_its_values)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, plan TEXT);\n"
	    "INSERT INTO people_new (id, email, name, plan)\n"
	    "  SELECT id, email, name, plan FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_AT(&r, "0002_rebuild.sql:2:1: warning",
	    "column-values-lost", "people.bio");
	ASSERT_HAS(&r, "2 seeded values");
	ASSERT_NO(&r, "people.email");
	cg_run_release(&r);
}

/* A rebuild in two steps: the staging copy is the one that leaves it out. */
Test(simulate_values, a_staged_rebuild_names_the_copy_that_left_the_column_out)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_stage.sql",
	    "CREATE TABLE people_stage (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, plan TEXT);\n"
	    "INSERT INTO people_stage (id, email, name, plan)\n"
	    "  SELECT id, email, name, plan FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_stage RENAME TO people;\n"
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, plan TEXT);\n"
	    "INSERT INTO people_new SELECT id, email, name, plan FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_AT(&r, "0002_stage.sql:2:1: warning",
	    "column-values-lost", "people.bio");
	ASSERT_NO(&r, "0002_stage.sql:7:1: warning[column-values-lost]");
	cg_run_release(&r);
}

Test(simulate_values, an_explicit_drop_column_is_only_drop_column)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_drop.sql",
	    "ALTER TABLE people DROP COLUMN bio;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "warning[drop-column]");
	ASSERT_NO(&r, "column-values-lost");
	cg_run_release(&r);
}

Test(simulate_values, a_positional_copy_in_another_order_swaps_columns)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, bio TEXT, plan TEXT);\n"
	    "INSERT INTO people_new SELECT id, name, email, bio, plan "
	    "FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_AT(&r, "0002_rebuild.sql:2:1: error",
	    "column-values-changed", "people.email");
	ASSERT_HAS(&r, "values of column name");
	ASSERT_NO(&r, "people.bio");
	cg_run_release(&r);
}

/* JSON carries the column, the counts and the help of each such finding. */
Test(simulate_values, json_names_the_column_and_the_counts)
{
	struct cg_run r;
	json_t *root, *fs, *f, *v;
	json_error_t jerr;
	size_t i, seen = 0;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, plan TEXT);\n"
	    "INSERT INTO people_new SELECT id, name, email, plan "
	    "FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, "--format=json", NULL);
	ASSERT_EXIT(&r, 1);
	root = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(root, "%s\n%s", jerr.text, r.out);
	fs = json_object_get(root, "findings");
	json_array_foreach(fs, i, f) {
		const char *rule = json_string_value(json_object_get(f,
		    "rule"));

		v = json_object_get(f, "values");
		if (strcmp(rule, "column-values-changed") != 0 &&
		    strcmp(rule, "column-values-lost") != 0) {
			cr_assert(json_is_null(v), "%s", r.out);
			continue;
		}
		seen++;
		cr_assert_str_eq(json_string_value(json_object_get(v,
		    "table")), "people");
		cr_assert_eq(json_integer_value(json_object_get(v, "seeded")),
		    json_integer_value(json_object_get(v, "changed")), "%s",
		    r.out);
		cr_assert_gt(json_integer_value(json_object_get(v, "seeded")),
		    0);
		cr_assert_not_null(json_string_value(json_object_get(f,
		    "help")), "%s", r.out);
		if (strcmp(rule, "column-values-lost") == 0)
			cr_assert_str_eq(json_string_value(json_object_get(v,
			    "column")), "bio", "%s", r.out);
	}
	cr_assert_eq(seen, 3, "email, name changed and bio lost:\n%s", r.out);
	json_decref(root);
	cg_run_release(&r);
}

Test(simulate_values, a_cast_or_substr_in_the_copy_changes_values)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, bio TEXT, plan INTEGER);\n"
	    "INSERT INTO people_new (id, email, name, bio, plan)\n"
	    "  SELECT id, email, substr(name, 1, 3), bio, CAST(plan AS "
	    "INTEGER) FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_AT(&r, "0002_rebuild.sql:2:1: error",
	    "column-values-changed", "people.name");
	ASSERT_HAS(&r, "people.plan converted");
	ASSERT_NO(&r, "people.email");
	cg_run_release(&r);
}

/* '017' copied into an INTEGER column becomes 17: the zeros are gone. */
Test(simulate_values, a_type_change_to_integer_converts_text_with_zeros)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT, bio TEXT, plan INTEGER);\n"
	    "INSERT INTO people_new (id, email, name, bio, plan)\n"
	    "  SELECT id, email, name, bio, plan FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_AT(&r, "0002_rebuild.sql:2:1: error",
	    "column-values-changed", "people.plan converted");
	ASSERT_HAS(&r, "became");
	ASSERT_HAS(&r, "keep the column's type");
	ASSERT_NO(&r, "people.name");
	ASSERT_NO(&r, "people.email");
	cg_run_release(&r);
}

/* 10001 copied into a TEXT column is '10001': every character is kept. */
Test(simulate_values, a_number_copied_into_text_that_reads_the_same_is_clean)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE m (id INTEGER PRIMARY KEY, n INTEGER, x REAL, "
	    "label TEXT);\n",
	    "migrations/0002_rebuild.sql",
	    "CREATE TABLE m_new (id INTEGER PRIMARY KEY, n TEXT, x TEXT, "
	    "label VARCHAR(80));\n"
	    "INSERT INTO m_new (id, n, x, label) SELECT id, n, x, label "
	    "FROM m;\n"
	    "DROP TABLE m;\n"
	    "ALTER TABLE m_new RENAME TO m;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "column-values");
	ASSERT_NO(&r, "warning[");
	cg_run_release(&r);
}

Test(simulate_values, an_update_without_where_overwrites_the_column)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_plan.sql",
	    "-- everyone on the free plan\n"
	    "UPDATE people SET plan = 'free';\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_AT(&r, "0002_plan.sql:2:1: warning",
	    "column-overwritten", "people.plan");
	cg_run_release(&r);
}

Test(simulate_values, a_faithful_rebuild_by_name_in_another_order_is_clean)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_rebuild.sql",
	    "CREATE TABLE people_new (id INTEGER PRIMARY KEY, plan TEXT, "
	    "bio TEXT, full_name TEXT, email TEXT, added TEXT DEFAULT 'x', "
	    "score INTEGER);\n"
	    "INSERT INTO people_new (id, email, full_name, bio, plan)\n"
	    "  SELECT id, email, name, bio, plan FROM people;\n"
	    "DROP TABLE people;\n"
	    "ALTER TABLE people_new RENAME TO people;\n"
	    "ALTER TABLE people RENAME COLUMN bio TO about;\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "column-values");
	ASSERT_NO(&r, "data-loss");
	cg_run_release(&r);
}

Test(simulate_values, a_backfill_and_a_targeted_update_are_clean)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_backfill.sql",
	    "ALTER TABLE people ADD COLUMN handle TEXT;\n"
	    "UPDATE people SET handle = lower(name) WHERE handle IS NULL;\n"
	    "UPDATE people SET plan = 'pro' WHERE id = 1;\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "0 errors, 0 warnings");
	ASSERT_NO(&r, "column-");
	cg_run_release(&r);
}

Test(simulate_values, a_fix_of_bad_values_that_the_seed_matches_is_clean)
{
	struct cg_run r;

	/* Every seeded name has a '_', so the WHERE matches both rows: a
	 * fix of the rows whose own value is wrong, not an overwrite. */
	cg_test_history(dir, people, "migrations/0002_fix.sql",
	    "UPDATE people SET name = 'person-' || id, plan = 'x'\n"
	    "  WHERE name GLOB '*_*';\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "column-overwritten");
	cg_run_release(&r);
}

Test(simulate_values, an_update_whose_where_matches_every_row_overwrites)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_plan.sql",
	    "UPDATE people SET plan = 'free' WHERE id > 0;\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_AT(&r, "0002_plan.sql:1:1: warning",
	    "column-overwritten", "people.plan (2 of 2)");
	cg_run_release(&r);
}

Test(simulate_values, an_update_made_from_the_old_value_is_no_overwrite)
{
	struct cg_run r;

	cg_test_history(dir, people, "migrations/0002_norm.sql",
	    "UPDATE people SET email = upper(email),\n"
	    "  plan = COALESCE((SELECT 'pro' WHERE name IS NULL), plan);\n"
	    "UPDATE people SET bio = 'x' || bio;\n",
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "column-overwritten");
	cg_run_release(&r);
}

Test(simulate_values, a_without_rowid_rebuild_is_followed_by_its_key)
{
	struct cg_run r;

	cg_test_history(dir,
	    "CREATE TABLE tag (slug TEXT PRIMARY KEY, label TEXT, "
	    "note TEXT) WITHOUT ROWID;\n", "migrations/0002_rebuild.sql",
	    "CREATE TABLE tag_new (slug TEXT PRIMARY KEY, label TEXT, "
	    "note TEXT) WITHOUT ROWID;\n"
	    "INSERT INTO tag_new SELECT slug, note, label FROM tag;\n"
	    "DROP TABLE tag;\n"
	    "ALTER TABLE tag_new RENAME TO tag;\n", NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_AT(&r, "0002_rebuild.sql:2:1: error",
	    "column-values-changed", "tag.label");
	cg_run_release(&r);
}

/* ---- #13 class 5: children copied aside and back around a rebuild ---- */

static const char family[] =
    "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER NOT NULL "
    "REFERENCES p(id) ON DELETE CASCADE, note TEXT);\n";

static const char rebuild_p[] =
    "CREATE TABLE c_keep (id INTEGER, p_id INTEGER, note TEXT);\n"
    "INSERT INTO c_keep SELECT id, p_id, note FROM c;\n"
    "CREATE TABLE p_new (id INTEGER PRIMARY KEY, name TEXT, extra TEXT);\n"
    "INSERT INTO p_new (id, name) SELECT id, name FROM p;\n"
    "DROP TABLE p;\n"
    "ALTER TABLE p_new RENAME TO p;\n";

Test(simulate_values, children_copied_aside_and_back_are_a_warning_at_the_drop)
{
	struct cg_run r;
	char text[1024];

	(void)snprintf(text, sizeof(text), "%s%s", rebuild_p,
	    "INSERT INTO c (id, p_id, note) SELECT id, p_id, note FROM "
	    "c_keep;\nDROP TABLE c_keep;\n");
	cg_test_history(dir, family, "migrations/0002_rebuild.sql", text,
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "0002_rebuild.sql:5:1: warning[cascade-drop]");
	ASSERT_HAS(&r, "back with the same values at line 7");
	cg_run_release(&r);
}

Test(simulate_values, a_restore_that_forgets_a_column_stays_an_error)
{
	struct cg_run r;
	char text[1024];

	(void)snprintf(text, sizeof(text), "%s%s", rebuild_p,
	    "INSERT INTO c (id, p_id) SELECT id, p_id FROM c_keep;\n"
	    "DROP TABLE c_keep;\n");
	cg_test_history(dir, family, "migrations/0002_rebuild.sql", text,
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "0002_rebuild.sql:5:1: error[cascade-drop]");
	ASSERT_AT(&r, "0002_rebuild.sql:7:1: warning",
	    "column-values-lost", "c.note");
	cg_run_release(&r);
}

Test(simulate_values, a_restore_that_forgets_rows_stays_an_error)
{
	struct cg_run r;
	char text[1024];

	(void)snprintf(text, sizeof(text), "%s%s", rebuild_p,
	    "INSERT INTO c SELECT id, p_id, note FROM c_keep WHERE id = 1;\n"
	    "DROP TABLE c_keep;\n");
	cg_test_history(dir, family, "migrations/0002_rebuild.sql", text,
	    NULL);
	check(&r, NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "0002_rebuild.sql:5:1: error[cascade-drop]");
	cg_run_release(&r);
}
