/* SPDX-License-Identifier: MIT */
/*
 * Precision on real histories (issue #13): each false alarm of the
 * corpus as a real repository, next to the true case that must stay an
 * error.  The real binary, exact finding lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(precision);

/* cascadeguard with the NULL-terminated arguments, in dir. */
#define run(r, ...) cg_test_runl((r), dir, __VA_ARGS__)


static const char parent_and_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

/* Class 1: two files of one number, under a runner that keys by name. */

Test(precision, d1_two_files_of_one_number_both_run)
{
	struct cg_run r;

	cg_test_write_wrangler(dir);
	cg_test_write(dir, "migrations/0001_a.sql", parent_and_child);
	cg_test_commit(dir, "a");
	cg_test_write(dir, "migrations/0001_b.sql",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "b");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "duplicate-version");
	cg_run_release(&r);
}

Test(precision, sqlx_two_files_of_one_version_clash)
{
	struct cg_run r;

	cg_test_write_sqlx(dir);
	cg_test_write(dir, "migrations/0001_a.sql", parent_and_child);
	cg_test_commit(dir, "a");
	cg_test_write(dir, "migrations/0001_b.sql",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
	cg_test_commit(dir, "b");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0001_b.sql: error[duplicate-version]: "
	    "version 1 is also used by 'migrations/0001_a.sql' (already "
	    "applied)");
	cg_run_release(&r);
}

/*
 * Class 4: a delete that reaches no row.  The file decides that no row
 * references the parent: a table it created and filled with a NULL key,
 * or an UPDATE with no WHERE that cleared the key.  A child of the
 * history, with rows in production, still loses them.
 */

static const char self_ref[] =
    "CREATE TABLE c (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES "
    "c(id) ON DELETE CASCADE, name TEXT);\n";

static const char rebuild_null[] =
    "CREATE TABLE c_new (id INTEGER PRIMARY KEY, parent_id INTEGER "
    "REFERENCES c(id) ON DELETE CASCADE, name TEXT, slug TEXT);\n"
    "INSERT INTO c_new SELECT id, NULL, name, NULL FROM c;\n"
    "DROP TABLE c;\n"
    "ALTER TABLE c_new RENAME TO c;\n"
    "UPDATE c SET slug = name;\n";

static void
check_new(struct cg_run *r, const char *history, const char *file)
{
	cg_test_write_wrangler(dir);
	cg_test_write(dir, "migrations/0001_init.sql", history);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_next.sql", file);
	cg_test_commit(dir, "next");
	run(r, "check-range", "HEAD~1..HEAD", NULL);
}

Test(precision, rebuild_with_null_self_reference_reaches_no_row)
{
	struct cg_run r;

	check_new(&r, self_ref, rebuild_null);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "cascade-drop");
	cg_run_release(&r);
}

Test(precision, rebuild_that_copies_the_self_reference_still_cascades)
{
	struct cg_run r;

	check_new(&r, self_ref,
	    "CREATE TABLE c_new (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES c(id) ON DELETE CASCADE, name TEXT);\n"
	    "INSERT INTO c_new (id, parent_id, name) SELECT id, NULL, name "
	    "FROM c;\n"
	    "UPDATE c_new SET parent_id = id WHERE name = 'x';\n"
	    "DROP TABLE c;\n"
	    "ALTER TABLE c_new RENAME TO c;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_next.sql:4:1: error[cascade-drop]: "
	    "DROP TABLE c deletes every row of 1 table through ON DELETE "
	    "CASCADE");
	cg_run_release(&r);
}

Test(precision, column_list_with_a_value_still_cascades)
{
	struct cg_run r;

	check_new(&r, "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "INSERT INTO c (id, name) VALUES (1, 'root');\n",
	    "CREATE TABLE c_new (id INTEGER PRIMARY KEY, parent_id INTEGER "
	    "REFERENCES c(id) ON DELETE CASCADE, name TEXT);\n"
	    "INSERT INTO c_new (id, parent_id, name) VALUES (1, NULL, 'a'), "
	    "(2, 1, 'b');\n"
	    "DROP TABLE c;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "error[cascade-drop]: DROP TABLE c deletes every row");
	cg_run_release(&r);
}

static const char history_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER "
    "REFERENCES projects(id) ON DELETE CASCADE);\n";

Test(precision, history_child_still_loses_its_rows)
{
	struct cg_run r;

	check_new(&r, history_child, "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_next.sql:1:1: error[cascade-drop]: "
	    "DROP TABLE projects deletes every row of 1 table");
	cg_run_release(&r);
}

Test(precision, references_cleared_by_update_without_where)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "UPDATE tasks SET project_id = NULL;\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "cascade-drop");
	cg_run_release(&r);
}

Test(precision, references_cleared_only_in_part_still_cascade)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "UPDATE tasks SET project_id = NULL WHERE id > 10;\n"
	    "DELETE FROM projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_next.sql:2:1: error[cascade-delete]");
	cg_run_release(&r);
}

Test(precision, a_trigger_that_writes_the_key_keeps_the_cascade)
{
	struct cg_run r;

	check_new(&r, history_child,
	    "CREATE TABLE log (id INTEGER PRIMARY KEY);\n"
	    "CREATE TRIGGER refill AFTER INSERT ON log BEGIN UPDATE tasks "
	    "SET project_id = NEW.id; END;\n"
	    "UPDATE tasks SET project_id = NULL;\n"
	    "INSERT INTO log (id) VALUES (1);\n"
	    "DROP TABLE projects;\n");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0002_next.sql:5:1: error[cascade-drop]");
	cg_run_release(&r);
}

/*
 * Class 6: a copy that keeps only the rows its WHERE or join matches.
 * The seeded rows never match, so the simulation loses them; which rows
 * production loses depends on its data: a warning with the query that
 * counts them.  A loss that does not depend on the data stays an error:
 * a copy with no filter that loses rows, WHERE 0, a filter on a table
 * the file created empty.
 */

static const char seq_history[] =
    "CREATE TABLE channels (id TEXT PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE seq (scope_key TEXT PRIMARY KEY, next_seq INTEGER NOT "
    "NULL);\n";

static void
check_seq_copy(struct cg_run *r, const char *before, const char *copy)
{
	char file[1024];

	cr_assert_lt((size_t)snprintf(file, sizeof(file),
	    "%sCREATE TABLE seq_new (channel_id TEXT PRIMARY KEY REFERENCES "
	    "channels(id) ON DELETE CASCADE, next_seq INTEGER NOT NULL);\n"
	    "%s\nDROP TABLE seq;\nALTER TABLE seq_new RENAME TO seq;\n",
	    before, copy), sizeof(file));
	check_new(r, seq_history, file);
}

Test(precision, copy_filtered_by_where_is_a_warning_with_its_count)
{
	struct cg_run r;

	check_seq_copy(&r, "", "INSERT OR IGNORE INTO seq_new (channel_id, "
	    "next_seq)\nSELECT SUBSTR(scope_key, 3), next_seq FROM seq\n"
	    "WHERE SUBSTR(scope_key, 3) IN (SELECT id FROM channels);");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:2:1: warning[rows-filtered]: "
	    "the copy keeps only the rows its WHERE or join matches: it left "
	    "behind 2 of 2 seeded rows of seq, which are lost; in production "
	    "it depends on the data, this read-only query counts the rows it "
	    "would leave behind: SELECT count(*) FROM seq WHERE rowid NOT IN "
	    "(SELECT seq.rowid FROM seq WHERE SUBSTR(scope_key, 3) IN (SELECT "
	    "id FROM channels))\n");
	ASSERT_HAS(&r, "wrangler d1 execute <DB> --remote --command");
	ASSERT_NO(&r, "data-loss");
	cg_run_release(&r);
}

Test(precision, copy_filtered_by_a_join_names_its_alias)
{
	struct cg_run r;

	check_seq_copy(&r, "", "INSERT INTO seq_new SELECT s.scope_key, "
	    "s.next_seq FROM seq AS s -- live channels only\n"
	    "JOIN channels c ON c.id = s.scope_key;");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "warning[rows-filtered]");
	ASSERT_HAS(&r, "query counts the rows it would leave behind: SELECT "
	    "count(*) FROM seq WHERE rowid NOT IN (SELECT s.rowid FROM seq AS "
	    "s JOIN channels c ON c.id = s.scope_key)\n");
	cg_run_release(&r);
}

Test(precision, copy_without_filter_that_loses_rows_stays_an_error)
{
	struct cg_run r;

	/* Every row gets the same key: the second one is ignored. */
	check_seq_copy(&r, "", "INSERT OR IGNORE INTO seq_new SELECT (SELECT "
	    "min(id) FROM channels), next_seq FROM seq;");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "error[data-loss]: simulated: 1 of 2 seeded rows of "
	    "seq lost");
	ASSERT_NO(&r, "rows-filtered");
	cg_run_release(&r);
}

Test(precision, copy_where_false_stays_an_error)
{
	struct cg_run r;

	check_seq_copy(&r, "", "INSERT INTO seq_new SELECT scope_key, "
	    "next_seq FROM seq WHERE 1 = 0;");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "error[data-loss]: simulated: 2 of 2 seeded rows of "
	    "seq lost");
	ASSERT_NO(&r, "rows-filtered");
	cg_run_release(&r);
}

Test(precision, copy_filtered_on_a_table_the_file_left_empty_stays_an_error)
{
	struct cg_run r;

	check_seq_copy(&r, "CREATE TABLE live (id TEXT PRIMARY KEY);\n",
	    "INSERT INTO seq_new SELECT scope_key, next_seq FROM seq "
	    "WHERE scope_key IN (SELECT id FROM live);");
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "error[data-loss]: simulated: 2 of 2 seeded rows of "
	    "seq lost");
	ASSERT_NO(&r, "rows-filtered");
	cg_run_release(&r);
}

/*
 * may-fail-on-rows on CREATE UNIQUE INDEX (#14 item 4): the index cannot
 * fail when the rows production holds are known to satisfy a key within
 * it (a unique constraint of the table, an index the file dropped, the
 * keys of the table a rebuild copied them from, a dedupe), or when a
 * column the file added keeps every row out of it (NULL, or a default
 * the partial WHERE excludes).  Next to each, the shape that may fail.
 */

static const char members[] =
    "CREATE TABLE members (id TEXT PRIMARY KEY, server_id TEXT NOT NULL, "
    "user_id TEXT NOT NULL, name TEXT, UNIQUE (server_id, user_id));\n"
    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> '';\n";

#define MAY_FAIL "warning[may-fail-on-rows]"

Test(precision, unique_index_on_a_column_added_null_cannot_collide)
{
	struct cg_run r;

	check_new(&r, members, "ALTER TABLE members ADD COLUMN daemon_id "
	    "TEXT;\nDELETE FROM members WHERE user_id IS NULL;\n"
	    "CREATE UNIQUE INDEX m_daemon ON members(user_id, daemon_id);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, unique_index_on_a_column_added_with_a_default_may_collide)
{
	struct cg_run r;

	check_new(&r, members, "ALTER TABLE members ADD COLUMN daemon_id "
	    "TEXT NOT NULL DEFAULT 'd';\n"
	    "CREATE UNIQUE INDEX m_daemon ON members(user_id, daemon_id);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:2:1: " MAY_FAIL ": fails in "
	    "production if members holds two rows with the same (user_id, "
	    "daemon_id)");
	cg_run_release(&r);
}

Test(precision, unique_index_on_an_added_column_written_since_may_collide)
{
	struct cg_run r;

	check_new(&r, members, "ALTER TABLE members ADD COLUMN daemon_id "
	    "TEXT;\nUPDATE members SET daemon_id = server_id;\n"
	    "CREATE UNIQUE INDEX m_daemon ON members(daemon_id);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:3:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, partial_unique_index_that_excludes_the_added_default)
{
	struct cg_run r;

	check_new(&r, members, "ALTER TABLE members ADD COLUMN seq INTEGER "
	    "NOT NULL DEFAULT 0;\n"
	    "CREATE UNIQUE INDEX m_seq ON members(server_id, seq)\n"
	    "  WHERE server_id IS NOT NULL AND seq > 0;\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, partial_unique_index_query_keeps_its_where_on_one_line)
{
	struct cg_run r;

	check_new(&r, members, "CREATE UNIQUE INDEX m_user ON members(user_id)"
	    "\n  WHERE name IS NOT NULL -- named only\n    AND id <> '';\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:1:1: " MAY_FAIL ": fails in "
	    "production if members holds two rows with the same (user_id); "
	    "this read-only query lists them: SELECT user_id, count(*) FROM "
	    "members WHERE (user_id) IS NOT NULL AND (name IS NOT NULL AND "
	    "id <> '') GROUP BY user_id HAVING count(*) > 1 LIMIT 5\n");
	cg_run_release(&r);
}

Test(precision, unique_index_within_a_unique_constraint_cannot_fail)
{
	struct cg_run r;

	check_new(&r, members, "CREATE UNIQUE INDEX m_su ON members(user_id, "
	    "server_id, name);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, unique_index_under_another_collation_may_fail)
{
	struct cg_run r;

	check_new(&r, members, "CREATE UNIQUE INDEX m_su ON members(user_id "
	    "COLLATE NOCASE, server_id);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:1:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, dropped_unique_index_made_partial_cannot_fail)
{
	struct cg_run r;

	check_new(&r, members, "DROP INDEX IF EXISTS members_name;\n"
	    "CREATE UNIQUE INDEX members_name ON members(name)\n"
	    "  WHERE name <> '' AND user_id <> 'system';\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, dropped_unique_index_widened_may_fail)
{
	struct cg_run r;

	check_new(&r, members, "DROP INDEX IF EXISTS members_name;\n"
	    "CREATE UNIQUE INDEX members_name ON members(name);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:2:1: " MAY_FAIL);
	cg_run_release(&r);
}

static const char members_rebuild[] =
    "CREATE TABLE members_new (id TEXT PRIMARY KEY, server_id TEXT NOT "
    "NULL, user_id TEXT NOT NULL, name TEXT, relation TEXT NOT NULL);\n"
    "INSERT INTO members_new (id, server_id, user_id, name, relation)\n"
    "  SELECT id, server_id, user_id, name, 'access' FROM members;\n"
    "DROP TABLE members;\n"
    "ALTER TABLE members_new RENAME TO members;\n";

Test(precision, rebuild_that_keeps_the_unique_key_cannot_fail)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "CREATE UNIQUE INDEX m_key ON members(server_id, user_id, "
	    "relation);\nCREATE UNIQUE INDEX members_name ON members(name) "
	    "WHERE name <> '';\n");
	check_new(&r, members, file);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

/*
 * A trigger that fires between the rebuild and the index (alook 0068's
 * row-count guard) writes nothing of members: the key stays known.
 */
Test(precision, a_trigger_on_another_table_keeps_the_key)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "CREATE TABLE guard (x INTEGER);\n"
	    "CREATE TRIGGER guard_trg BEFORE INSERT ON guard WHEN 0\n"
	    "BEGIN SELECT RAISE(ABORT, 'lost'); END;\n"
	    "INSERT INTO guard VALUES (1);\n"
	    "DROP TRIGGER guard_trg;\n"
	    "DROP TABLE guard;\n"
	    "CREATE UNIQUE INDEX m_key ON members(server_id, user_id);\n");
	check_new(&r, members, file);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

/* A trigger that writes members may make two rows agree: it may fail. */
Test(precision, a_trigger_that_writes_the_table_forgets_the_key)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "CREATE TABLE guard (x INTEGER);\n"
	    "CREATE TRIGGER guard_trg AFTER INSERT ON guard\n"
	    "BEGIN UPDATE members SET user_id = 'u'; END;\n"
	    "INSERT INTO guard VALUES (1);\n"
	    "DROP TRIGGER guard_trg;\n"
	    "CREATE UNIQUE INDEX m_key ON members(server_id, user_id);\n");
	check_new(&r, members, file);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:11:1: " MAY_FAIL);
	cg_run_release(&r);
}

static const char installs[] =
    "CREATE TABLE gi (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, "
    "installation_id TEXT NOT NULL UNIQUE);\n";

/* SAM 0055: a new column filled from a unique one is unique too. */
Test(precision, a_column_an_update_copies_from_a_unique_one_cannot_collide)
{
	struct cg_run r;

	check_new(&r, installs, "ALTER TABLE gi ADD COLUMN ext TEXT;\n"
	    "UPDATE gi SET ext = installation_id WHERE ext IS NULL;\n"
	    "CREATE UNIQUE INDEX gi_u ON gi (user_id, ext) WHERE ext IS NOT "
	    "NULL;\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, a_column_an_update_copies_from_a_plain_one_may_collide)
{
	struct cg_run r;

	check_new(&r, installs, "ALTER TABLE gi ADD COLUMN ext TEXT;\n"
	    "UPDATE gi SET ext = user_id;\n"
	    "CREATE UNIQUE INDEX gi_u ON gi (ext);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:3:1: " MAY_FAIL);
	cg_run_release(&r);
}

/* The rows the WHERE leaves keep the default 'x': they agree. */
Test(precision, a_copy_into_a_column_with_a_default_may_collide)
{
	struct cg_run r;

	check_new(&r, installs, "ALTER TABLE gi ADD COLUMN ext TEXT NOT NULL "
	    "DEFAULT 'x';\n"
	    "UPDATE gi SET ext = installation_id WHERE id > 1;\n"
	    "CREATE UNIQUE INDEX gi_u ON gi (ext);\n");
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:3:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, rebuild_with_a_new_unique_key_may_fail)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "CREATE UNIQUE INDEX m_user ON members(user_id, relation);\n");
	check_new(&r, members, file);
	ASSERT_EXIT(&r, 0);
	ASSERT_HAS(&r, "migrations/0002_next.sql:6:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, rebuild_that_adds_rows_before_the_index_may_fail)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "INSERT INTO members SELECT id || 'x', server_id, user_id, name, "
	    "'access' FROM members;\n"
	    "CREATE UNIQUE INDEX m_key ON members(server_id, user_id, "
	    "relation);\n");
	check_new(&r, members, file);
	ASSERT_HAS(&r, "migrations/0002_next.sql:7:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, unique_index_after_a_dedupe_cannot_fail)
{
	struct cg_run r;

	check_new(&r, members, "DELETE FROM members WHERE rowid NOT IN (\n"
	    "  SELECT MIN(rowid) FROM members GROUP BY user_id);\n"
	    "CREATE UNIQUE INDEX m_user ON members(user_id);\n");
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, unique_index_after_a_delete_that_is_no_dedupe_may_fail)
{
	struct cg_run r;

	check_new(&r, members, "DELETE FROM members WHERE name IS NULL;\n"
	    "CREATE UNIQUE INDEX m_user ON members(user_id);\n");
	ASSERT_HAS(&r, "migrations/0002_next.sql:2:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, rebuild_that_changes_the_collation_may_fail)
{
	struct cg_run r;

	/* The same index text, but name compares NOCASE in the new table. */
	check_new(&r, members, "CREATE TABLE members_new (id TEXT PRIMARY "
	    "KEY, server_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT "
	    "COLLATE NOCASE);\n"
	    "INSERT INTO members_new SELECT * FROM members;\n"
	    "DROP TABLE members;\n"
	    "ALTER TABLE members_new RENAME TO members;\n"
	    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> "
	    "'';\n");
	ASSERT_HAS(&r, "migrations/0002_next.sql:5:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, rebuild_by_select_star_keeps_the_partial_index)
{
	struct cg_run r;

	check_new(&r, members, "CREATE TABLE members_new (id TEXT PRIMARY "
	    "KEY, server_id TEXT NOT NULL, user_id TEXT NOT NULL, name "
	    "TEXT);\n"
	    "INSERT INTO members_new SELECT * FROM members;\n"
	    "DROP TABLE members;\n"
	    "ALTER TABLE members_new RENAME TO members;\n"
	    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> "
	    "'';\n");
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, rows_added_with_a_null_key_keep_the_copied_key)
{
	struct cg_run r;
	char file[2048];

	snprintf(file, sizeof(file), "%s%s", members_rebuild,
	    "INSERT OR IGNORE INTO members SELECT id || 'x', server_id, "
	    "user_id, NULL, 'notify' FROM members;\n"
	    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> "
	    "'';\n");
	check_new(&r, members, file);
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, update_of_other_columns_keeps_the_dropped_key)
{
	struct cg_run r;

	check_new(&r, members, "DROP INDEX members_name;\n"
	    "UPDATE members SET user_id = lower(user_id) WHERE id <> '';\n"
	    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> ''"
	    " AND id <> '';\n");
	ASSERT_NO(&r, MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, update_of_the_key_column_may_fail)
{
	struct cg_run r;

	check_new(&r, members, "DROP INDEX members_name;\n"
	    "UPDATE members SET name = lower(name);\n"
	    "CREATE UNIQUE INDEX members_name ON members(name) WHERE name <> ''"
	    " AND id <> '';\n");
	ASSERT_HAS(&r, "migrations/0002_next.sql:3:1: " MAY_FAIL);
	cg_run_release(&r);
}

Test(precision, copy_into_a_table_with_rows_names_both_sides_of_the_key)
{
	struct cg_run r;

	/* The seeded ids of both tables agree: the copy meets a row. */
	check_new(&r, "CREATE TABLE channels (id TEXT PRIMARY KEY, name TEXT);"
	    "\nCREATE TABLE threads (id TEXT PRIMARY KEY, name TEXT);\n",
	    "INSERT INTO channels (id, name)\n"
	    "  SELECT t.id, t.name FROM threads t JOIN channels c ON "
	    "c.id = t.id;\n");
	ASSERT_HAS(&r, "migrations/0002_next.sql:1:1: " MAY_FAIL ": fails in "
	    "production if threads holds rows whose (channels.id) is already "
	    "in channels, or repeats (UNIQUE); this read-only query lists "
	    "them: WITH cg_rows(id, name) AS (SELECT t.id, t.name FROM "
	    "threads t JOIN channels c ON c.id = t.id) SELECT id, count(*) "
	    "FROM (SELECT id FROM cg_rows WHERE id IS NOT NULL UNION ALL "
	    "SELECT id FROM channels WHERE id IS NOT NULL) GROUP BY id HAVING "
	    "count(*) > 1 LIMIT 5\n");
	cg_run_release(&r);
}
