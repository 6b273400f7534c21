/* SPDX-License-Identifier: MIT */
/* layout.c and wrangler.c: wrangler configurations and set detection. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "helpers/assert.h"
#include "layout.h"
#include "util.h"

static void
wparse(struct cg_wrangler *w, const char *origin, const char *text)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_wrangler_parse(w, text, strlen(text), origin, &err),
	    &err);
}

static void
wfails(const char *origin, const char *text, const char *want)
{
	struct cg_wrangler w;
	struct cg_err err = CG_ERR_INIT;

	cr_assert_eq(cg_wrangler_parse(&w, text, strlen(text), origin, &err),
	    CG_EINPUT, "parsed:\n%s", text);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(w.n, 0);
}

#define S(x) ((x) ? (x) : "(null)")

Test(wrangler, toml_array_of_tables_and_envs)
{
	struct cg_wrangler w;

	wparse(&w, "apps/api/wrangler.toml",
	    "name = \"api\" # the worker\n"
	    "main = 'src/index.ts'\n"
	    "compatibility_flags = [ \"nodejs_compat\",\n  \"x\", ]\n"
	    "vars = { A = 1, B = \"d1_databases\" }\n"
	    "[[d1_databases]]\n"
	    "binding = \"DATABASE\"\n"
	    "database_name = \"sam\"\n"
	    "database_id = \"0000-1111\"\n"
	    "migrations_dir = \"src/db/migrations\"\n"
	    "\n[[d1_databases]]\n"
	    "binding = \"OBSERVABILITY_DATABASE\"\n"
	    "migrations_dir = './src/db/migrations/observability/'\n"
	    "[env.staging]\nname = \"api-staging\"\n"
	    "[[env.staging.d1_databases]]\n"
	    "binding = \"DATABASE\"\n"
	    "migrations_dir = \"\"\"src/db/migrations\"\"\"\n"
	    "[observability]\nenabled = true\nhead_sampling_rate = 0.5\n");
	cr_assert_eq(w.n, 3);
	cr_assert_str_eq(S(w.v[0].binding), "DATABASE");
	cr_assert_str_eq(S(w.v[0].database_name), "sam");
	cr_assert_str_eq(S(w.v[0].migrations_dir), "src/db/migrations");
	cr_assert_null(w.v[0].env);
	cr_assert_str_eq(S(w.v[1].binding), "OBSERVABILITY_DATABASE");
	cr_assert_str_eq(S(w.v[1].migrations_dir),
	    "./src/db/migrations/observability/");
	cr_assert_str_eq(S(w.v[2].env), "staging");
	cr_assert_str_eq(S(w.v[2].migrations_dir), "src/db/migrations");
	cg_wrangler_release(&w);
}

Test(wrangler, toml_inline_array_and_escapes)
{
	struct cg_wrangler w;

	wparse(&w, "wrangler.toml",
	    "d1_databases = [\n"
	    "  { binding = \"DB\", database_name = \"a\\u00e9\" },  # first\n"
	    "  { binding = \"LOGS\", migrations_dir = \"db/logs\" },\n"
	    "]\n"
	    "[env.production]\n"
	    "d1_databases = [{ binding = \"DB\", migrations_dir = \"m\\\\x\" }]\n"
	    "\"quoted key\".x = 1979-05-27T07:32:00Z\n");
	cr_assert_eq(w.n, 3);
	cr_assert_str_eq(S(w.v[0].binding), "DB");
	cr_assert_str_eq(S(w.v[0].database_name), "a\xc3\xa9");
	cr_assert_null(w.v[0].migrations_dir);
	cr_assert_str_eq(S(w.v[1].migrations_dir), "db/logs");
	cr_assert_str_eq(S(w.v[2].env), "production");
	cr_assert_str_eq(S(w.v[2].migrations_dir), "m\\x");
	cg_wrangler_release(&w);
}

Test(wrangler, jsonc_comments_and_trailing_commas)
{
	struct cg_wrangler w;

	wparse(&w, "wrangler.jsonc",
	    "// top comment\n{\n"
	    "  \"name\": \"x // not a comment\", /* block\n comment */\n"
	    "  \"d1_databases\": [\n"
	    "    { \"binding\": \"DB\", \"migrations_dir\": \"drizzle\", },\n"
	    "  ],\n"
	    "  \"env\": { \"dev\": { \"d1_databases\": [ {\"binding\": \"B\"} ] } },\n"
	    "}\n");
	cr_assert_eq(w.n, 2);
	cr_assert_str_eq(S(w.v[0].migrations_dir), "drizzle");
	cr_assert_str_eq(S(w.v[1].binding), "B");
	cr_assert_str_eq(S(w.v[1].env), "dev");
	cg_wrangler_release(&w);
}

Test(wrangler, errors_name_file_and_line)
{
	wfails("w/wrangler.toml", "name = \"x\"\n[[d1_databases]\n",
	    "w/wrangler.toml:2: expected ']]'");
	wfails("wrangler.toml", "a = \"open\n", "wrangler.toml:1: unterminated "
	    "string");
	wfails("wrangler.toml", "a = 1 b = 2\n", "wrangler.toml:1: expected "
	    "the end of the line");
	wfails("wrangler.toml", "\n\nd1_databases = [ { binding = } ]\n",
	    "wrangler.toml:3: expected a value");
	wfails("wrangler.toml", "a = \"\\q\"\n", "wrangler.toml:1: bad escape "
	    "in a string");
	wfails("wrangler.json", "{\n \"a\": [1,\n}", "wrangler.json:3: "
	    "']' expected near '}'");
}

Test(wrangler, deep_nesting_is_refused)
{
	char text[200];
	struct cg_wrangler w;
	struct cg_err err = CG_ERR_INIT;

	memset(text, '[', sizeof(text));
	memcpy(text, "a = ", 4);
	text[sizeof(text) - 1] = '\0';
	cr_assert_eq(cg_wrangler_parse(&w, text, strlen(text), "wrangler.toml",
	    &err), CG_EINPUT);
	cr_assert(strstr(err.msg, "nested too deeply") != NULL, "%s", err.msg);
}

/* Detection over a fake tree: paths and file contents. */
struct tree {
	const char *const *files;	/* path, content, path, content, ... NULL */
};

static int
tree_read(char **data, size_t *len, const char *path, void *payload,
    struct cg_err *err)
{
	const struct tree *t = payload;
	size_t i;

	(void)err;
	*data = NULL;
	for (i = 0; t->files[i] != NULL; i += 2) {
		if (strcmp(t->files[i], path) == 0) {
			*data = strdup(t->files[i + 1]);
			*len = strlen(*data);
			return 0;
		}
	}
	return 0;
}

static size_t
detect(struct cg_set **sets, const char *const *files)
{
	struct tree t = { files };
	struct cg_entry *v;
	struct cg_err err = CG_ERR_INIT;
	size_t n = 0, i, nsets = 0;

	for (i = 0; files[i] != NULL; i += 2)
		n++;
	v = calloc(n, sizeof(*v));
	cr_assert_not_null(v);
	for (i = 0; i < n; i++) {
		v[i].path = strdup(files[2 * i]);
		v[i].kind = CG_ENTRY_BLOB;
	}
	cg_assert_ok(cg_layout_detect(sets, &nsets, v, n, tree_read, &t,
	    &err), &err);
	cg_entries_free(v, n);
	return nsets;
}

static const struct cg_set *
set_at(const struct cg_set *v, size_t n, const char *dir)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].dir, dir) == 0)
			return &v[i];
	cr_assert_fail("no set at '%s'", dir);
	return NULL;
}

Test(layout, monorepo_of_every_kind)
{
	static const char *const files[] = {
		"apps/api/wrangler.toml",
		"[[d1_databases]]\nbinding = \"DB\"\n"
		"migrations_dir = \"db/m\"\n"
		"[[d1_databases]]\nbinding = \"LOGS\"\n"
		"migrations_dir = \"../../shared/logs\"\n",
		"apps/api/db/m/0001_a.sql", "",
		"apps/web/drizzle/meta/_journal.json",
		"{\"dialect\": \"sqlite\", \"entries\": []}",
		"apps/web/drizzle/0000_x.sql", "",
		"apps/web/drizzle.config.ts", "export default { dialect: 'turso' }",
		"db/migrations/postgres/0001_a.sql", "",
		"pg/drizzle/meta/_journal.json", "{\"dialect\": \"postgresql\"}",
		"prisma/migrations/migration_lock.toml",
		"# comment\nprovider = \"sqlite\"\n",
		"prisma/migrations/20240101000000_init/migration.sql", "",
		"other/prisma/migrations/migration_lock.toml",
		"provider = \"postgresql\"\n",
		"rust/Cargo.toml", "[dependencies]\nsqlx = \"0.8\"\n",
		"rust/migrations/20240101_init.sql", "",
		"go/migrations/sqlite/1_init.up.sql", "",
		"go/migrations/sqlite/1_init.down.sql", "",
		"migrations/0001_init.sql", "",
		NULL
	};
	struct cg_set *v = NULL;
	const struct cg_set *s;
	size_t n = detect(&v, files);

	cr_assert_eq(n, 10, "%zu sets", n);
	s = set_at(v, n, "apps/api/db/m");
	cr_assert_str_eq(s->name, "DB");
	cr_assert_eq(s->target, CG_TARGET_D1);
	cr_assert_str_eq(s->globs.v[0], "apps/api/db/m/*.sql");
	cr_assert(strstr(s->origin, "apps/api/wrangler.toml") != NULL);
	s = set_at(v, n, "shared/logs");
	cr_assert_str_eq(s->name, "LOGS");
	s = set_at(v, n, "apps/web/drizzle");
	cr_assert_eq(s->target, CG_TARGET_LIBSQL);
	cr_assert_null(s->skip);
	s = set_at(v, n, "pg/drizzle");
	cr_assert_not_null(s->skip);
	cr_assert(strstr(s->skip, "'postgresql'") != NULL, "%s", s->skip);
	s = set_at(v, n, "db/migrations/postgres");
	cr_assert_not_null(s->skip);
	s = set_at(v, n, "prisma/migrations");
	cr_assert_eq(s->target, CG_TARGET_PRISMA);
	cr_assert_null(s->skip);
	cr_assert_str_eq(s->globs.v[0], "prisma/migrations/*/migration.sql");
	s = set_at(v, n, "other/prisma/migrations");
	cr_assert_not_null(s->skip);
	s = set_at(v, n, "rust/migrations");
	cr_assert_eq(s->target, CG_TARGET_SQLX);
	s = set_at(v, n, "go/migrations/sqlite");
	cr_assert_eq(s->target, CG_TARGET_GOLANG_MIGRATE);
	cr_assert_str_eq(s->globs.v[0], "go/migrations/sqlite/*.up.sql");
	s = set_at(v, n, "migrations");
	cr_assert_eq(s->target_set, 0, "plain folders take the default target");
	cg_sets_free(v, n);
}

Test(layout, wrangler_claims_a_drizzle_folder_and_envs_share_a_set)
{
	static const char *const files[] = {
		"wrangler.jsonc",
		"{ \"d1_databases\": [ { \"binding\": \"DB\", "
		"\"migrations_dir\": \"drizzle\" } ],\n"
		" \"env\": { \"prod\": { \"d1_databases\": [ { \"binding\": "
		"\"DB\", \"migrations_dir\": \"./drizzle/\" } ] } } }",
		"drizzle/0000_a.sql", "",
		"drizzle/meta/_journal.json", "{\"dialect\": \"sqlite\"}",
		NULL
	};
	struct cg_set *v = NULL;
	size_t n = detect(&v, files);

	cr_assert_eq(n, 1);
	cr_assert_eq(v[0].target, CG_TARGET_D1, "D1 runs it, not drizzle");
	cr_assert_str_eq(v[0].dir, "drizzle");
	cg_sets_free(v, n);
}

/* A config that does not parse is a set of its own, unreadable. */
Test(layout, bad_wrangler_config_is_an_unreadable_set)
{
	static const char *const files[] = {
		"wrangler.toml", "[[d1_databases]\n", NULL
	};
	struct tree t = { files };
	struct cg_entry e = { (char *)"wrangler.toml", "", CG_ENTRY_BLOB, 0 };
	struct cg_set *v = NULL;
	struct cg_err err = CG_ERR_INIT;
	size_t n = 0;

	cg_assert_ok(cg_layout_detect(&v, &n, &e, 1, tree_read, &t, &err),
	    &err);
	cr_assert_eq(n, 1);
	cr_assert(v[0].unreadable);
	cr_assert_str_eq(v[0].skip, "wrangler.toml:1: expected ']]'");
	cr_assert_str_eq(v[0].origin, "wrangler.toml");
	cr_assert_eq(v[0].globs.n, 0);
	cr_assert_str_eq(err.msg, "", "err is the caller's: untouched");
	cg_sets_free(v, n);
}

/* The walk's predicate and the documented globs say the same thing. */
Test(layout, wants_agrees_with_the_globs)
{
	static const char *const paths[] = {
		"wrangler.toml", "a/b/wrangler.jsonc", "a/wrangler.json",
		"wrangler.toml.bak", "x/migration_lock.toml", "Cargo.toml",
		"r/Cargo.toml", "drizzle.config.ts", "p/drizzle.config.mjs",
		"drizzle.config.cjs", "meta/_journal.json",
		"d/meta/_journal.json", "d/_journal.json", "d/xmeta/_journal.json",
		"migrations/1.sql", "a/migrations/1.sql", "a/migrations/s/1.sql",
		"a/migrations/s/t/1.sql", "migrations/1.sqlx", "drizzle/0000.sql",
		"x/drizzle/0000.sql", "x/drizzle/sub/0000.sql", "src/a.sql",
		"a.sql", "migrationsx/1.sql", "xmigrations/1.sql",
		"prisma/migrations/2024_x/migration.sql", "1.sql/migrations",
		"migrations", "migrations/.sql", "migrations/sub/.sql",
	};
	size_t i, n = 0;

	while (cg_layout_globs[n] != NULL)
		n++;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		cr_assert_eq(cg_layout_wants(paths[i]),
		    cg_globs_match(cg_layout_globs, n, paths[i]), "%s",
		    paths[i]);
	cr_assert(cg_layout_wants("a/migrations/s/1.sql"));
	cr_assert_not(cg_layout_wants("src/a.sql"));
	/* the memo's test by name takes every name wants takes somewhere */
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *slash = strrchr(paths[i], '/');

		if (cg_layout_wants(paths[i]))
			cr_assert(cg_layout_may_want(slash ? slash + 1 :
			    paths[i]), "%s", paths[i]);
	}
	cr_assert(cg_layout_may_want("0001.sql"));
	cr_assert(cg_layout_may_want("_journal.json"));
	cr_assert_not(cg_layout_may_want("main.c"));
	cr_assert_not(cg_layout_may_want("migrations"));
}
