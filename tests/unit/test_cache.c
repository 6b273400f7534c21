/* SPDX-License-Identifier: MIT */
/* The replay cache: round trip, longest prefix, corruption, eviction. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "err.h"
#include "helpers/assert.h"
#include "helpers/repo.h"
#include "sandbox.h"
#include "../../src/sandbox_db.h"

static char *dir;
static char cachedir[4096];

static void
setup(void)
{
	dir = cg_test_tmpdir();
	snprintf(cachedir, sizeof(cachedir), "%s/git/cascadeguard/cache", dir);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(cache, .init = setup, .fini = teardown);

static const char *const paths[] = { "m/1.sql", "m/2.sql", "m/3.sql" };
static const char *const oids[] = { "aaaa", "bbbb", "cccc" };

static struct cg_sandbox *
fresh(void)
{
	struct cg_sandbox_opts o = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *sb = NULL;

	cg_assert_ok(cg_sandbox_open(&sb, &o, &err), &err);
	return sb;
}

static int
has_table(struct cg_sandbox *sb, const char *name)
{
	sqlite3_stmt *st;
	int found;

	cr_assert_eq(sqlite3_prepare_v2(cg_sandbox_db(sb),
	    "SELECT 1 FROM sqlite_schema WHERE name = ?", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Save a database with table `t` and one warning as the cache of n files. */
static void
save(size_t n, const char *t)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_cache_keys k;
	struct cg_finding *f;
	struct cg_sandbox *sb = fresh();
	char sql[128];

	snprintf(sql, sizeof(sql), "CREATE TABLE %s (id INTEGER PRIMARY KEY)",
	    t);
	cr_assert_eq(sqlite3_exec(cg_sandbox_db(sb), sql, NULL, NULL, NULL),
	    SQLITE_OK);
	cg_assert_ok(cg_findings_push(&f, &fs, CG_RULE_HISTORY_REPLAY_FAILS,
	    &err, "warning from %s", t), &err);
	cg_assert_ok(cg_finding_set_where(f, NULL, paths[0], 3, 1, 3, "X;", 2,
	    &err), &err);
	cg_assert_ok(cg_cache_keys_init(&k, "salt", paths, oids, n, &err), &err);
	cg_assert_ok(cg_cache_save(cachedir, &k, sb, &fs,
	    CG_CACHE_MAX_BYTES_DEFAULT, &err), &err);
	cg_cache_keys_release(&k);
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
}

/*
 * Load for a history of n files into *sb (freed first); returns how many
 * files the cache covered.
 */
static size_t
load(size_t n, struct cg_sandbox **sb, struct cg_findings *fs)
{
	struct cg_sandbox_opts o = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_cache_keys k;
	size_t got = 99;

	cg_sandbox_free(*sb);
	cg_assert_ok(cg_cache_keys_init(&k, "salt", paths, oids, n, &err), &err);
	cg_assert_ok(cg_cache_load(&got, sb, cachedir, &k, &o, fs, &err),
	    &err);
	cr_assert_eq(got == 0, *sb == NULL);
	if (*sb == NULL)
		*sb = fresh();
	cg_cache_keys_release(&k);
	return got;
}

Test(cache, round_trip_restores_schema_and_warnings)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_sandbox *sb = fresh();

	save(3, "three");
	cr_assert_eq(load(3, &sb, &fs), 3);
	cr_assert(has_table(sb, "three"));
	cr_assert_eq(fs.n, 1);
	cr_assert_str_eq(fs.v[0].message, "warning from three");
	cr_assert_str_eq(fs.v[0].path, "m/1.sql");
	cr_assert_eq(fs.v[0].line, 3);
	cr_assert_eq(fs.v[0].rule, CG_RULE_HISTORY_REPLAY_FAILS);
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
}

Test(cache, longer_history_starts_from_the_longest_cached_prefix)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_sandbox *sb = fresh();

	save(1, "one");
	save(2, "two");
	cr_assert_eq(load(3, &sb, &fs), 2);
	cr_assert(has_table(sb, "two"));
	cr_assert_not(has_table(sb, "one"));
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
}

Test(cache, other_history_does_not_match)
{
	static const char *const other[] = { "bbbb", "aaaa", "cccc" };
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *sb = fresh();
	struct cg_sandbox_opts o = CG_SANDBOX_OPTS_INIT;
	struct cg_sandbox *loaded = NULL;
	struct cg_cache_keys k;
	size_t got = 99;

	save(3, "three");

	cg_assert_ok(cg_cache_keys_init(&k, "salt", paths, other, 3, &err), &err);
	cg_assert_ok(cg_cache_load(&got, &loaded, cachedir, &k, &o, &fs, &err),
	    &err);
	cr_assert_eq(got, 0);
	cr_assert_null(loaded);
	cr_assert_eq(fs.n, 0);
	cg_cache_keys_release(&k);
	cg_sandbox_free(sb);
}

/* Damage the one cache file: flip a byte at off, or cut it to cut bytes. */
static void
damage(long off, long cut)
{
	if (cut >= 0)
		cr_assert_eq(cg_test_sh(dir, "truncate -s %ld %s/*.db", cut,
		    cachedir), 0);
	else
		cr_assert_eq(cg_test_sh(dir, "printf '\\377' | dd of=$(ls "
		    "%s/*.db) bs=1 seek=%ld conv=notrunc status=none", cachedir,
		    off), 0);
}

Test(cache, truncated_file_is_ignored)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_sandbox *sb = fresh();

	save(3, "three");
	damage(0, 100);
	cr_assert_eq(load(3, &sb, &fs), 0);
	cr_assert_not(has_table(sb, "three"));
	cr_assert_eq(fs.n, 0);
	cg_sandbox_free(sb);
}

Test(cache, corrupt_byte_is_ignored)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_sandbox *sb = fresh();

	save(3, "three");
	damage(600, -1);
	cr_assert_eq(load(3, &sb, &fs), 0);
	cr_assert_eq(fs.n, 0);
	cg_sandbox_free(sb);
}

Test(cache, eviction_keeps_the_folder_under_its_cap)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *sb = fresh();
	struct cg_cache_keys k;
	char out[64] = "";
	FILE *p;
	char cmd[4200];

	long one;

	save(1, "one");
	/* a cap of one and a half files keeps one (the second is larger) */
	snprintf(cmd, sizeof(cmd), "stat -c %%s %s/*", cachedir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(out, sizeof(out), p));
	pclose(p);
	one = strtol(out, NULL, 10);
	cr_assert_gt(one, 0);
	cr_assert_eq(sqlite3_exec(cg_sandbox_db(sb), "CREATE TABLE x (id)",
	    NULL, NULL, NULL), SQLITE_OK);
	cg_assert_ok(cg_cache_keys_init(&k, "salt", paths, oids, 2, &err), &err);
	sleep(1);	/* a newer mtime than the first file */
	cg_assert_ok(cg_cache_save(cachedir, &k, sb, &fs, one + one / 2,
	    &err), &err);
	cg_cache_keys_release(&k);
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", cachedir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(out, sizeof(out), p));
	pclose(p);
	cr_assert_eq(strtol(out, NULL, 10), 1, "files left: %s", out);
	cr_assert_eq(load(2, &sb, &fs), 2, "the newest file survives");
	cg_findings_release(&fs);
	cg_sandbox_free(sb);
}
