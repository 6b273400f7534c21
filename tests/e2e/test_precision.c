/* SPDX-License-Identifier: MIT */
/*
 * Precision on real histories (issue #13): each false alarm of the
 * corpus as a real repository, next to the true case that must stay an
 * error.  The real binary, exact finding lines.
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
	cr_assert_eq(cg_test_sh(dir, "git init -q"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(precision, .init = setup, .fini = teardown);

static void
commit(const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0);
}

/* cascadeguard with the NULL-terminated arguments, in dir. */
static void
run(struct cg_run *r, const char *first, ...)
{
	const char *args[16];
	size_t n = 0;
	va_list ap;

	args[n++] = first;
	va_start(ap, first);
	while (n < 15 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	cg_test_run(r, dir, args, NULL, NULL);
}

#define ASSERT_EXIT(r, c) \
	cr_assert_eq((r)->code, (c), "exit %d, expected %d\nstdout:\n%s\n" \
	    "stderr:\n%s", (r)->code, (c), (r)->out, (r)->err)
#define ASSERT_HAS(r, s) \
	cr_assert(strstr((r)->out, (s)) != NULL, "missing:\n%s\nstdout:\n%s\n" \
	    "stderr:\n%s", (s), (r)->out, (r)->err)
#define ASSERT_NOT(r, s) \
	cr_assert(strstr((r)->out, (s)) == NULL, "unexpected:\n%s\n" \
	    "stdout:\n%s", (s), (r)->out)

static const char parent_and_child[] =
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT "
    "NULL REFERENCES projects(id) ON DELETE CASCADE);\n";

static void
wrangler(void)
{
	cg_test_write(dir, "wrangler.toml",
	    "name = \"api\"\n"
	    "[[d1_databases]]\n"
	    "binding = \"DB\"\n"
	    "database_name = \"api-db\"\n"
	    "database_id = \"00000000-0000-0000-0000-000000000000\"\n");
}

static void
sqlx(void)
{
	cg_test_write(dir, "Cargo.toml", "[package]\nname = \"svc\"\n"
	    "version = \"0.1.0\"\n\n[dependencies]\n"
	    "sqlx = { version = \"0.7\", features = [\"sqlite\"] }\n");
}

/* Class 1: two files of one number, under a runner that keys by name. */

Test(precision, d1_two_files_of_one_number_both_run)
{
	struct cg_run r;

	wrangler();
	cg_test_write(dir, "migrations/0001_a.sql", parent_and_child);
	commit("a");
	cg_test_write(dir, "migrations/0001_b.sql",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
	commit("b");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 0);
	ASSERT_NOT(&r, "duplicate-version");
	cg_run_release(&r);
}

Test(precision, sqlx_two_files_of_one_version_clash)
{
	struct cg_run r;

	sqlx();
	cg_test_write(dir, "migrations/0001_a.sql", parent_and_child);
	commit("a");
	cg_test_write(dir, "migrations/0001_b.sql",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
	commit("b");
	run(&r, "check-range", "HEAD~1..HEAD", NULL);
	ASSERT_EXIT(&r, 1);
	ASSERT_HAS(&r, "migrations/0001_b.sql: error[duplicate-version]: "
	    "version 1 is also used by 'migrations/0001_a.sql' (already "
	    "applied)");
	cg_run_release(&r);
}
