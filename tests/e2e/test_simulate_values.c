/* SPDX-License-Identifier: MIT */
/*
 * The simulation beyond row counts, end to end on real repositories:
 * rows followed through a renamed key, every finding of a file placed at
 * a line, and statements that apply on the empty replayed schema but
 * fail on the rows production has (migration-fails "on a table with
 * rows", may-fail-on-rows with the query that tells).
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

TestSuite(simulate_values, .init = setup, .fini = teardown);

static void
commit(const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0);
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

static void
check(struct cg_run *r, const char *format)
{
	const char *args[] = { "check-range", "--no-cache", "main..feature",
		format, NULL };

	cg_test_run(r, dir, args, NULL, NULL);
}

#define SHOW(r) "exit %d\nstdout:\n%s\nstderr:\n%s", (r).code, (r).out, \
	(r).err

/* ---- #13 class 3: a renamed key keeps its rows ---- */

Test(simulate_values, renaming_a_text_primary_key_column_loses_no_row)
{
	struct cg_run r;

	history("CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT);\n",
	    "migrations/0002_rename.sql",
	    "ALTER TABLE t RENAME COLUMN t_id TO id;\n", (const char *)NULL);
	check(&r, NULL);
	cr_assert_eq(r.code, 0, SHOW(r));
	cr_assert(strstr(r.out, "data-loss") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "(repository)") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "warning[rename]") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(simulate_values, renaming_a_without_rowid_key_column_loses_no_row)
{
	struct cg_run r;

	history("CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT) WITHOUT "
	    "ROWID;\nCREATE TABLE u (id INTEGER PRIMARY KEY, t_id TEXT "
	    "REFERENCES t(t_id) ON DELETE CASCADE);\n",
	    "migrations/0002_rename.sql",
	    "ALTER TABLE t RENAME COLUMN t_id TO id;\n"
	    "UPDATE u SET t_id = t_id;\n", (const char *)NULL);
	check(&r, NULL);
	cr_assert_eq(r.code, 0, SHOW(r));
	cr_assert(strstr(r.out, "data-loss") == NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(simulate_values, a_rebuild_under_a_renamed_key_that_copies_nothing_is_placed)
{
	struct cg_run r;

	history("CREATE TABLE t (t_id TEXT PRIMARY KEY, v TEXT);\n",
	    "migrations/0002_rebuild.sql",
	    "CREATE TABLE t_new (id TEXT PRIMARY KEY, v TEXT);\n"
	    "DROP TABLE t;\n"
	    "ALTER TABLE t_new RENAME TO t;\n", (const char *)NULL);
	check(&r, "--format=json");
	cr_assert_eq(r.code, 1, SHOW(r));
	cr_assert(strstr(r.out, "\"rule\": \"data-loss\"") != NULL ||
	    strstr(r.out, "\"rule\":\"data-loss\"") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"file\": null") == NULL &&
	    strstr(r.out, "\"line\": null") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "0002_rebuild.sql") != NULL, "%s", r.out);
	cg_run_release(&r);
}
