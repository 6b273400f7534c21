/* SPDX-License-Identifier: MIT */
/*
 * Issue #13, precision on real layouts: a drizzle folder's .sql files
 * that its journal does not name are not history (drizzle runs exactly
 * the journal's entries), and a wrangler folder that two D1 bindings
 * share is one set named after both.  Real repositories, the real
 * binary, the false case and the true one side by side.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/expect.h"
#include "helpers/repo.h"

CG_REPO_SUITE(journal_sets);

/* cascadeguard with the NULL-terminated arguments, in dir. */
#define run(r, ...) cg_test_runl((r), dir, __VA_ARGS__)

static const char projects[] =
    "CREATE TABLE `projects` (`id` integer PRIMARY KEY NOT NULL, "
    "`name` text NOT NULL);\n";

static const char tasks[] =
    "CREATE TABLE `tasks` (`id` integer PRIMARY KEY NOT NULL, "
    "`project_id` integer NOT NULL REFERENCES `projects`(`id`) "
    "ON DELETE CASCADE);\n";

/* drizzle/meta/_journal.json with the tags, in that order. */
static void
journal(const char *const *tags, size_t n)
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

static const char *const init_tags[] = { "0000_init", "0001_new", NULL };

#define NOTE_STALE "drizzle/0001_stale_copy.sql: note[not-in-journal]: " \
	"drizzle will not run this file: meta/_journal.json has no entry " \
	"for it"

/*
 * The journal lists 0000_init and 0001_new; a stale 0001_stale_copy.sql
 * creates the same table.  drizzle never runs it.
 */
static void
stale_history(void)
{
	journal(init_tags, 2);
	cg_test_write(dir, "drizzle/0000_init.sql", projects);
	cg_test_write(dir, "drizzle/0001_new.sql", tasks);
	cg_test_write(dir, "drizzle/0001_stale_copy.sql", tasks);
	cg_test_commit(dir, "init");
}

Test(journal_sets, file_not_in_journal_is_a_note_not_a_migration)
{
	struct cg_run r;

	stale_history();
	run(&r, "check-range", "HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, NOTE_STALE);
	ASSERT_NO(&r, "duplicate-version");
	ASSERT_NO(&r, "migration-fails");
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings, 1 note (2 new "
	    "migrations checked on a history of 0, target drizzle)");
	cg_run_release(&r);
}

Test(journal_sets, file_not_in_journal_is_not_replayed_nor_applied)
{
	static const char *const tags[] = { "0000_init", "0001_new",
	    "0002_slug" };
	struct cg_run r;

	stale_history();
	cg_test_branch(dir, "next");
	journal(tags, 3);
	cg_test_write(dir, "drizzle/0002_slug.sql",
	    "ALTER TABLE `projects` ADD `slug` text;\n");
	/* edited, then in a later commit deleted: it never ran */
	cg_test_write(dir, "drizzle/0001_stale_copy.sql", "-- edited\n");
	cg_test_commit(dir, "next");
	run(&r, "check-range", "main..next", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "history-replay-fails");
	ASSERT_NO(&r, "applied-migration-changed");
	ASSERT_NO(&r, "not-in-journal");	/* not new: said once */
	ASSERT_LINE(&r, "cascadeguard: 0 errors, 0 warnings (1 new migration "
	    "checked on a history of 2, target drizzle)");
	cg_run_release(&r);
	cr_assert_eq(cg_test_sh(dir, "git rm -q drizzle/0001_stale_copy.sql && "
	    "git commit -qm gone"), 0);
	run(&r, "check-range", "main..next", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NO(&r, "applied-migration-changed");
	cg_run_release(&r);

	/* the true case: a journaled file's edit is still an error */
	cg_test_write(dir, "drizzle/0001_new.sql", "-- edited\n");
	cg_test_commit(dir, "edit applied");
	run(&r, "check-range", "main..next", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0001_new.sql: "
	    "error[applied-migration-changed]: already applied migration "
	    "edited: production ran the old text, so the new text never runs "
	    "there");
	cg_run_release(&r);
}

/*
 * The same stale file, in the journal: drizzle runs it, and it fails
 * (the baseline called it history and let it pass with a warning).
 */
Test(journal_sets, journaled_file_that_fails_is_still_an_error)
{
	static const char *const tags[] = { "0000_init", "0001_new",
	    "0001_stale_copy" };
	struct cg_run r;

	stale_history();
	cg_test_branch(dir, "listed");
	journal(tags, 3);
	cg_test_commit(dir, "listed");
	run(&r, "check-range", "main..listed", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0001_stale_copy.sql:1:1: "
	    "error[migration-fails]: statement fails: table `tasks` already "
	    "exists");
	ASSERT_NO(&r, "not-in-journal");
	cg_run_release(&r);
}

/* A journaled rebuild next to an unlisted file still cascades. */
Test(journal_sets, journaled_file_that_cascades_is_still_an_error)
{
	static const char *const tags[] = { "0000_init", "0001_new",
	    "0002_drop" };
	struct cg_run r;

	stale_history();
	cg_test_branch(dir, "drop");
	journal(tags, 3);
	cg_test_write(dir, "drizzle/0002_drop.sql", "DROP TABLE `projects`;\n");
	/* the same statement, unlisted: drizzle does not run it */
	cg_test_write(dir, "drizzle/0002_drop_copy.sql",
	    "DROP TABLE `projects`;\n");
	cg_test_commit(dir, "drop");
	run(&r, "check-range", "main..drop", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "drizzle/0002_drop.sql:1:1: error[cascade-drop]: "
	    "DROP TABLE projects deletes every row of 1 table through ON "
	    "DELETE CASCADE");
	ASSERT_LINE(&r, "drizzle/0002_drop_copy.sql: note[not-in-journal]: "
	    "drizzle will not run this file: meta/_journal.json has no entry "
	    "for it");
	cr_assert_eq(cg_test_count(r.out, "cascade-drop"), 1, "%s", r.out);
	cg_run_release(&r);
}

/* Two D1 bindings whose migrations folder is the same (the default). */
static const char two_bindings[] =
    "name = \"api\"\n"
    "[[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"main\"\n"
    "database_id = \"a\"\n"
    "[[d1_databases]]\nbinding = \"DB2\"\ndatabase_name = \"replica\"\n"
    "database_id = \"b\"\n";

static const char parent_and_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

#define DROP_LINE "migrations/0002_drop.sql:1:1: error[cascade-drop]: " \
	"DROP TABLE projects deletes every row of 1 table through ON " \
	"DELETE CASCADE"

Test(journal_sets, folder_shared_by_two_bindings_takes_either_name)
{
	struct cg_run r;

	cg_test_write(dir, "wrangler.toml", two_bindings);
	cg_test_write(dir, "migrations/0001_init.sql", parent_and_child);
	cg_test_commit(dir, "init");
	cg_test_write(dir, "migrations/0002_drop.sql", "DROP TABLE projects;\n");
	cg_test_commit(dir, "drop");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "1 migration set at HEAD:");
	ASSERT_LINE(&r, "  DB+DB2: target d1, 2 files");
	ASSERT_LINE(&r, "    found from: wrangler.toml, D1 binding DB; "
	    "wrangler.toml, D1 binding DB2");
	cg_run_release(&r);
	/* the second binding's name: "no migration set named 'DB2'" before */
	run(&r, "check-range", "--set", "DB2", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, DROP_LINE);
	cg_run_release(&r);
	run(&r, "check-range", "--set", "DB", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, DROP_LINE);
	cg_run_release(&r);
	run(&r, "check-range", "--set", "DB+DB2", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	cg_run_release(&r);
	/* a name neither binding has is still refused */
	run(&r, "check-range", "--set", "DB3", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 2);
	cr_assert(strstr(r.err, "no migration set named 'DB3' (the sets "
	    "here: 'DB+DB2')") != NULL, "%s", r.err);
	cg_run_release(&r);
}

/*
 * Sibling Workers whose folders hold no migration yet are not listed as
 * checked sets; the change that adds the first file there is checked.
 */
Test(journal_sets, empty_folders_are_skipped_until_a_file_is_added)
{
	static const char toml[] = "[[d1_databases]]\nbinding = \"DB\"\n"
	    "database_name = \"x\"\ndatabase_id = \"x\"\n";
	struct cg_run r;

	cg_test_write(dir, "apps/api/wrangler.toml", toml);
	cg_test_write(dir, "apps/api/migrations/0001_init.sql",
	    parent_and_child);
	/* no migrations folder at all, and one with only a README */
	cg_test_write(dir, "apps/jobs/wrangler.toml", "[[d1_databases]]\n"
	    "binding = \"JOBS\"\ndatabase_name = \"j\"\ndatabase_id = \"j\"\n");
	cg_test_write(dir, "apps/web/wrangler.toml", "[[d1_databases]]\n"
	    "binding = \"WEB\"\ndatabase_name = \"w\"\ndatabase_id = \"w\"\n");
	cg_test_write(dir, "apps/web/migrations/README.md", "later\n");
	cg_test_commit(dir, "init");
	run(&r, "sets", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_LINE(&r, "1 migration set at HEAD (and 2 folders with no "
	    "migration files):");
	ASSERT_LINE(&r, "  DB: target d1, 1 file");
	ASSERT_LINE(&r, "  JOBS: skipped: no migration files");
	ASSERT_LINE(&r, "  WEB: skipped: no migration files");
	cg_run_release(&r);
	/* nor counted by a check, nor naming its one real set */
	cg_test_branch(dir, "drop");
	cg_test_write(dir, "apps/api/migrations/0002_drop.sql",
	    "DROP TABLE projects;\n");
	cg_test_commit(dir, "drop");
	run(&r, "check-range", "main..drop", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "apps/api/migrations/0002_drop.sql:1:1: "
	    "error[cascade-drop]: DROP TABLE projects deletes every row of 1 "
	    "table through ON DELETE CASCADE");
	ASSERT_LINE(&r, "cascadeguard: 1 error, 0 warnings (1 new migration "
	    "checked on a history of 1, target d1)");
	cg_run_release(&r);
	cr_assert_eq(cg_test_sh(dir, "git checkout -q main"), 0);

	/* the first file of an empty folder is checked */
	cg_test_branch(dir, "first");
	cg_test_write(dir, "apps/jobs/migrations/0001_init.sql",
	    parent_and_child);
	cg_test_write(dir, "apps/jobs/migrations/0002_drop.sql",
	    "DROP TABLE projects;\n");
	cg_test_commit(dir, "first");
	run(&r, "check-range", "main..first", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_LINE(&r, "[JOBS] apps/jobs/migrations/0002_drop.sql:1:1: "
	    "error[cascade-drop]: DROP TABLE projects deletes every row of 1 "
	    "table through ON DELETE CASCADE");
	cg_run_release(&r);
	run(&r, "sets", NULL);
	ASSERT_LINE(&r, "2 migration sets at HEAD (and 1 folder with no "
	    "migration files):");
	ASSERT_LINE(&r, "  JOBS: target d1, 2 files");
	cg_run_release(&r);
}
