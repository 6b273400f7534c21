/* SPDX-License-Identifier: MIT */
/* migrations.c: globs, down files, natural order, journals, run order. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "helpers/assert.h"
#include "migrations.h"
#include "util.h"

Test(migrations, glob_matches_within_one_component)
{
	cr_assert(cg_glob_match("migrations/*.sql", "migrations/0001_a.sql"));
	cr_assert(cg_glob_match("migrations/*.sql", "migrations/.sql"));
	cr_assert_not(cg_glob_match("migrations/*.sql",
	    "migrations/sub/0001_a.sql"));
	cr_assert_not(cg_glob_match("migrations/*.sql", "migrations/a.sqlx"));
	cr_assert_not(cg_glob_match("migrations/*.sql", "x/migrations/a.sql"));
	cr_assert_not(cg_glob_match("migrations/*.sql", "migrations"));
	cr_assert(cg_glob_match("m?/[0-9]*.sql", "mx/1a.sql"));
	cr_assert_not(cg_glob_match("m?/[0-9]*.sql", "mx/a1.sql"));
	cr_assert(cg_glob_match("m/[!a]*", "m/b"));
	cr_assert_not(cg_glob_match("m/[!a]*", "m/a"));
	cr_assert(cg_glob_match("m/\\*", "m/*"));
	cr_assert_not(cg_glob_match("m/\\*", "m/x"));
	cr_assert(cg_glob_match("m/[x", "m/[x"), "unterminated '[' is literal");
	cr_assert(cg_glob_match("a.sql", "a.sql"));
	cr_assert_not(cg_glob_match("a.sql", "b/a.sql"));
}

Test(migrations, prisma_glob_has_one_folder_per_migration)
{
	const char *g = "prisma/migrations/*/migration.sql";

	cr_assert(cg_glob_match(g,
	    "prisma/migrations/20240101000000_init/migration.sql"));
	cr_assert_not(cg_glob_match(g, "prisma/migrations/migration.sql"));
	cr_assert_not(cg_glob_match(g,
	    "prisma/migrations/a/b/migration.sql"));
	cr_assert_not(cg_glob_match(g,
	    "prisma/migrations/a/migration_lock.toml"));
}

Test(migrations, globstar_matches_zero_or_more_folders)
{
	const char *g = "apps/**/migrations/*.sql";

	cr_assert(cg_glob_match(g, "apps/migrations/1.sql"));
	cr_assert(cg_glob_match(g, "apps/api/migrations/1.sql"));
	cr_assert(cg_glob_match(g, "apps/a/b/c/migrations/1.sql"));
	cr_assert(cg_glob_match(g, "apps/migrations/migrations/1.sql"));
	cr_assert_not(cg_glob_match(g, "apps/a/migrations/x/1.sql"));
	cr_assert_not(cg_glob_match(g, "other/a/migrations/1.sql"));
	cr_assert(cg_glob_match("**/*.sql", "a.sql"));
	cr_assert(cg_glob_match("**/*.sql", "x/y/a.sql"));
	cr_assert(cg_glob_match("db/**", "db/x/y.sql"));
	cr_assert_not(cg_glob_match("db/**", "dbx/y.sql"));
	/* '**' inside a component is just two stars. */
	cr_assert(cg_glob_match("a**b/x", "aZZb/x"));
	cr_assert_not(cg_glob_match("a**b/x", "a/b/x"));
}

Test(migrations, hostile_glob_is_fast)
{
	char path[4096], glob[512];
	size_t i;
	clock_t t0 = clock();

	for (i = 0; i + 2 < sizeof(path); i += 2) {
		path[i] = 'a';
		path[i + 1] = '/';
	}
	path[i] = 'b';
	path[i + 1] = '\0';
	for (i = 0; i < 40; i++)
		memcpy(glob + 5 * i, "**/a/", 5);
	memcpy(glob + 5 * i, "c", 2);
	cr_assert_not(cg_glob_match(glob, path));
	memset(path, 'a', 4000);
	path[4000] = '\0';
	cr_assert_not(cg_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
}

Test(migrations, globs_match_any)
{
	cr_assert(cg_globs_match(cg_default_globs, 4, "drizzle/0000_x.sql"));
	cr_assert(cg_globs_match(cg_default_globs, 4,
	    "db/migrations/1.sql"));
	cr_assert_not(cg_globs_match(cg_default_globs, 4,
	    "drizzle/meta/_journal.json"));
	cr_assert_not(cg_globs_match(cg_default_globs, 0,
	    "migrations/1.sql"));
	cr_assert_null(cg_default_globs[4]);
}

Test(migrations, down_files_are_not_history)
{
	cr_assert(cg_migration_is_down("migrations/1/down.sql"));
	cr_assert(cg_migration_is_down("DOWN.SQL"));
	cr_assert(cg_migration_is_down("migrations/0001_a.down.sql"));
	cr_assert(cg_migration_is_down("migrations/0001_a.Down.Sql"));
	cr_assert_not(cg_migration_is_down("migrations/0001_a.sql"));
	cr_assert_not(cg_migration_is_down("migrations/countdown.sql"));
	cr_assert_not(cg_migration_is_down("down.sql/up.sql"));
	cr_assert_not(cg_migration_is_down("migrations/1/up.sql"));
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

Test(migrations, natural_order_compares_numbers)
{
	cr_assert_lt(cg_natural_cmp("2_x.sql", "10_x.sql"), 0);
	cr_assert_gt(cg_natural_cmp("10_x.sql", "2_x.sql"), 0);
	cr_assert_lt(cg_natural_cmp("0001_a.sql", "0002_a.sql"), 0);
	cr_assert_lt(cg_natural_cmp("0009_a.sql", "0010_a.sql"), 0);
	cr_assert_lt(cg_natural_cmp("1_b.sql", "01_a.sql"), 0,
	    "equal value: shorter run first");
	cr_assert_lt(cg_natural_cmp("a.sql", "b.sql"), 0);
	cr_assert_lt(cg_natural_cmp("a", "a1"), 0);
	cr_assert_eq(cg_natural_cmp("0001_a.sql", "0001_a.sql"), 0);
	cr_assert_lt(cg_natural_cmp("99999999999999999999999_a",
	    "100000000000000000000000_a"), 0, "no overflow");
	cr_assert_lt(cg_natural_cmp("v1.2.sql", "v1.10.sql"), 0);
}

Test(migrations, natural_order_is_a_total_order)
{
	const char *s[] = { "1", "01", "001", "1a", "a", "a1", "a01", "a2",
		"a10", "", "_", "0", "00", "10", "9", "9a", "~", "1_b", "01_a",
		"A", "/" };
	size_t n = sizeof(s) / sizeof(s[0]), i, j, k;

	for (i = 0; i < n; i++) {
		cr_assert_eq(cg_natural_cmp(s[i], s[i]), 0);
		for (j = 0; j < n; j++) {
			if (i != j)
				cr_assert_neq(cg_natural_cmp(s[i], s[j]), 0,
				    "%s %s", s[i], s[j]);
			cr_assert_eq(sign(cg_natural_cmp(s[i], s[j])),
			    -sign(cg_natural_cmp(s[j], s[i])));
			for (k = 0; k < n; k++)
				if (cg_natural_cmp(s[i], s[j]) < 0 &&
				    cg_natural_cmp(s[j], s[k]) < 0)
					cr_assert_lt(cg_natural_cmp(s[i],
					    s[k]), 0, "%s %s %s", s[i], s[j],
					    s[k]);
		}
	}
}

static const char journal[] =
    "{\"version\":\"5\",\"dialect\":\"sqlite\",\"entries\":[\n"
    " {\"idx\":2,\"version\":\"5\",\"when\":3,\"tag\":\"0001_late\"},\n"
    " {\"idx\":0,\"version\":\"5\",\"when\":1,\"tag\":\"0002_first\"},\n"
    " {\"idx\":1,\"version\":\"5\",\"when\":2,\"tag\":\"0000_second\"}\n"
    "]}\n";

Test(migrations, journal_tags_come_in_idx_order)
{
	struct cg_journal j;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_journal_parse(&j, "drizzle", journal,
	    sizeof(journal) - 1, "drizzle/meta/_journal.json", &err), &err);
	cr_assert_str_eq(j.dir, "drizzle");
	cr_assert_eq(j.ntags, 3);
	cr_assert_str_eq(j.tags[0], "0002_first");
	cr_assert_str_eq(j.tags[1], "0000_second");
	cr_assert_str_eq(j.tags[2], "0001_late");
	/* each tag keeps its own "when" */
	cr_assert_eq(j.when[0], 1);
	cr_assert_eq(j.when[1], 2);
	cr_assert_eq(j.when[2], 3);
	cr_assert_eq(cg_journal_when(&j, 1, "drizzle/0001_late.sql"), 3);
	cr_assert_eq(cg_journal_when(&j, 1, "drizzle/0000_second.sql"), 2);
	cr_assert_eq(cg_journal_when(&j, 1, "drizzle/0000_second.sq"),
	    CG_NO_WHEN);
	cr_assert_eq(cg_journal_when(&j, 1, "other/0001_late.sql"),
	    CG_NO_WHEN);
	cr_assert_eq(cg_journal_when(&j, 1, "drizzle/sub/0001_late.sql"),
	    CG_NO_WHEN);
	cg_journal_release(&j);
	cg_journal_release(&j);	/* released twice is harmless */
}

Test(migrations, journal_entry_without_when_has_none)
{
	static const char text[] = "{\"entries\":[{\"idx\":0,\"tag\":\"a\"},"
	    "{\"idx\":1,\"tag\":\"b\",\"when\":\"soon\"}]}";
	struct cg_journal j;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_journal_parse(&j, "", text, sizeof(text) - 1,
	    "meta/_journal.json", &err), &err);
	cr_assert_eq(cg_journal_when(&j, 1, "a.sql"), CG_NO_WHEN);
	cr_assert_eq(cg_journal_when(&j, 1, "b.sql"), CG_NO_WHEN);
	cg_journal_release(&j);
}

Test(migrations, journal_text_need_not_end_with_nul)
{
	struct cg_journal j;
	struct cg_err err = CG_ERR_INIT;
	const char text[] = "{\"entries\":[{\"idx\":0,\"tag\":\"a\"}]}garbage";

	cg_assert_ok(cg_journal_parse(&j, "d", text, strlen(text) - 7,
	    "d/meta/_journal.json", &err), &err);
	cr_assert_eq(j.ntags, 1);
	cr_assert_str_eq(j.tags[0], "a");
	cg_journal_release(&j);
}

static void
journal_fails(const char *text, const char *want)
{
	struct cg_journal j = { NULL, NULL, NULL, 0 };
	struct cg_err err = CG_ERR_INIT;
	int rc;

	rc = cg_journal_parse(&j, "drizzle", text, strlen(text),
	    "drizzle/meta/_journal.json", &err);
	cr_assert_eq(rc, CG_EINPUT, "%s", text);
	cr_assert_eq(err.code, CG_EINPUT);
	cr_assert_not_null(strstr(err.msg, want), "'%s' lacks '%s'", err.msg,
	    want);
	cr_assert_null(j.tags);
}

Test(migrations, bad_journal_is_refused_naming_the_file)
{
	journal_fails("{\n\"entries\": [\n  {\"idx\": 0,, }\n]}",
	    "cannot parse 'drizzle/meta/_journal.json': line 3: ");
	journal_fails("[]", "'drizzle/meta/_journal.json'");
	journal_fails("{\"entries\": {}}", "\"entries\"");
	journal_fails("{\"entries\": [{\"idx\": \"0\", \"tag\": \"a\"}]}",
	    "entry 0");
	journal_fails("{\"entries\": [{\"idx\": 0}]}", "entry 0");
	journal_fails("{\"entries\": [{\"idx\": 0, \"tag\": \"../x\"}]}",
	    "invalid \"tag\"");
	journal_fails("{\"entries\": [{\"idx\": 0, \"tag\": \"a\\u0000b\"}]}",
	    "cannot parse");
	journal_fails("{\"entries\": [{\"idx\": 0, \"tag\": \"\"}]}",
	    "invalid \"tag\"");
	journal_fails("{\"entries\": [1]}", "entry 0");
	journal_fails("{\"entries\": [], \"entries\": []}", "duplicate");
	journal_fails("", "cannot parse");
}

static void
make_entries(struct cg_entry **v, const char *const *paths, size_t n)
{
	size_t i;

	*v = calloc(n, sizeof(**v));
	cr_assert_not_null(*v);
	for (i = 0; i < n; i++) {
		(*v)[i].path = cg_strdup(paths[i]);
		(*v)[i].size = i;	/* remembers the input position */
	}
}

Test(migrations, sort_is_natural_without_journal)
{
	const char *in[] = { "migrations/10_c.sql", "migrations/2_b.sql",
		"migrations/1_a.sql", "db/migrations/0001_x.sql" };
	const char *want[] = { "db/migrations/0001_x.sql",
		"migrations/1_a.sql", "migrations/2_b.sql",
		"migrations/10_c.sql" };
	struct cg_entry *v;
	struct cg_err err = CG_ERR_INIT;
	size_t i;

	make_entries(&v, in, 4);
	cg_assert_ok(cg_migrations_sort(v, 4, NULL, 0, &err), &err);
	for (i = 0; i < 4; i++)
		cr_assert_str_eq(v[i].path, want[i]);
	cg_entries_free(v, 4);
}

Test(migrations, sort_follows_the_journal_not_the_names)
{
	const char *in[] = { "drizzle/0000_second.sql",
		"drizzle/0001_late.sql", "drizzle/0002_first.sql",
		"drizzle/0003_unlisted.sql", "drizzle/0000_also_unlisted.sql",
		"migrations/2_b.sql", "migrations/1_a.sql" };
	const char *want[] = { "drizzle/0002_first.sql",
		"drizzle/0000_second.sql", "drizzle/0001_late.sql",
		"drizzle/0000_also_unlisted.sql", "drizzle/0003_unlisted.sql",
		"migrations/1_a.sql", "migrations/2_b.sql" };
	struct cg_journal j;
	struct cg_entry *v;
	struct cg_err err = CG_ERR_INIT;
	size_t i;

	cg_assert_ok(cg_journal_parse(&j, "drizzle", journal,
	    sizeof(journal) - 1, "drizzle/meta/_journal.json", &err), &err);
	make_entries(&v, in, 7);
	cg_assert_ok(cg_migrations_sort(v, 7, &j, 1, &err), &err);
	for (i = 0; i < 7; i++)
		cr_assert_str_eq(v[i].path, want[i], "at %zu: %s", i,
		    v[i].path);
	cg_entries_free(v, 7);
	cg_journal_release(&j);
}

Test(migrations, journal_applies_only_to_its_own_folder)
{
	const char *in[] = { "other/0001_late.sql", "other/0002_first.sql" };
	struct cg_journal j;
	struct cg_entry *v;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_journal_parse(&j, "drizzle", journal,
	    sizeof(journal) - 1, "x", &err), &err);
	make_entries(&v, in, 2);
	cg_assert_ok(cg_migrations_sort(v, 2, &j, 1, &err), &err);
	cr_assert_str_eq(v[0].path, "other/0001_late.sql");
	cr_assert_str_eq(v[1].path, "other/0002_first.sql");
	cg_entries_free(v, 2);
	cg_journal_release(&j);
}

Test(migrations, sort_is_stable_and_deterministic)
{
	const char *in[] = { "m/1.sql", "m/1.sql", "m/01.sql", "m/001.sql" };
	struct cg_entry *v;
	struct cg_err err = CG_ERR_INIT;

	make_entries(&v, in, 4);
	cg_assert_ok(cg_migrations_sort(v, 4, NULL, 0, &err), &err);
	cr_assert_str_eq(v[0].path, "m/1.sql");
	cr_assert_eq(v[0].size, 0);
	cr_assert_str_eq(v[1].path, "m/1.sql");
	cr_assert_eq(v[1].size, 1);
	cr_assert_str_eq(v[2].path, "m/01.sql");
	cr_assert_str_eq(v[3].path, "m/001.sql");
	cg_entries_free(v, 4);
	cg_assert_ok(cg_migrations_sort(NULL, 0, NULL, 0, &err), &err);
}
