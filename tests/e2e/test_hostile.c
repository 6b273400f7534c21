/* SPDX-License-Identifier: MIT */
/*
 * Hostile migrations end to end: each case of tests/hostile/ (or one
 * generated here, when it is too big or too binary to keep in the tree)
 * is committed as a new migration on top of a small history, and the real
 * binary checks the push.  Every case must be rejected (exit 1 with the
 * expected rule and reason), finish in bounded time and memory, and leave
 * every file outside the repository's objects exactly as it was.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/repo.h"

#define WALL_LIMIT_MS 20000L		/* without a wrapper (valgrind) */
#define WRAPPED_WALL_LIMIT_MS 240000L
/* killed after that (SIGKILL); ASan's build is 2-3 times slower */
#define HARD_TIMEOUT_MS (UNDER_ASAN ? 60000L : 10000L)
/* under a wrapper, a wall-clock backstop the step budget comes before */
#define WRAPPED_BACKSTOP "time-budget-ms = 60000\n"
#define MAXRSS_LIMIT_KIB (400L * 1024)	/* default heap limit: 256 MiB */

/*
 * `make sanitize` builds this test and the binary with ASan, whose
 * shadow memory and quarantine of freed blocks make RSS meaningless.
 */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/*
 * Under `valgrind --trace-children=yes`, the binary is traced too: its
 * time and RSS are valgrind's, as with CG_BIN_WRAPPER.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

static char *root;	/* the test's temporary directory */
static char repo[4096];	/* root/repo: the repository, and cwd of the run */
static char outside[4096];	/* root/outside: where hostile SQL aims */
static char home[4096];	/* root/home: HOME of the run, empty */
static char tmp[4096];	/* root/tmp: TMPDIR of the run, empty */

static void
mkdir_or_fail(const char *path)
{
	cr_assert_eq(mkdir(path, 0777), 0, "mkdir %s: %s", path,
	    strerror(errno));
}

static void
setup(void)
{
	root = cg_test_tmpdir();
	snprintf(repo, sizeof(repo), "%s/repo", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	snprintf(home, sizeof(home), "%s/home", root);
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	mkdir_or_fail(repo);
	mkdir_or_fail(outside);
	mkdir_or_fail(home);
	mkdir_or_fail(tmp);
	cr_assert_eq(cg_test_sh(repo, "git init -q"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(root);
	free(root);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 300);

/* ---- snapshots of a directory tree: path, type, size, mtime ---- */

static char *snap;
static size_t snap_len;
static const char *snap_skip;	/* a subtree left out, or NULL */

static int
snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[8192];
	int n;

	(void)flag;
	(void)ftw;
	if (snap_skip != NULL && strncmp(path, snap_skip, strlen(snap_skip))
	    == 0)
		return 0;
	/* The replay cache is the one place the tool may write (docs/). */
	if (strstr(path, "/.git/cascadeguard") != NULL)
		return 0;
	/* A folder's mtime only says entries came or went: they are listed. */
	n = snprintf(line, sizeof(line), "%s %o %lld %lld.%09ld\n", path,
	    (unsigned)st->st_mode, (long long)st->st_size,
	    S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_mtim.tv_sec,
	    S_ISDIR(st->st_mode) ? 0L : st->st_mtim.tv_nsec);
	cr_assert(n > 0 && (size_t)n < sizeof(line));
	snap = realloc(snap, snap_len + (size_t)n + 1);
	cr_assert_not_null(snap);
	memcpy(snap + snap_len, line, (size_t)n + 1);
	snap_len += (size_t)n;
	return 0;
}

/* Every entry under dir (not following symlinks); caller frees. */
static char *
snapshot(const char *dir)
{
	char *s;

	snap = NULL;
	snap_len = 0;
	cr_assert_eq(nftw(dir, snap_one, 16, FTW_PHYS), 0, "nftw %s", dir);
	s = snap;
	snap = NULL;
	return s;
}

/* ---- the cases ---- */

/* Writes the new migration to repo/rel and commits it on branch push. */
typedef void (*gen_fn)(const char *rel);

struct hcase {
	const char *file;	/* tests/hostile/<file>; NULL: gen */
	gen_fn gen;
	const char *config;	/* .cascadeguard of the push, or NULL */
	const char *rule;	/* expected error rule */
	const char *reason;	/* expected in the finding's message */
	const char *absent;	/* under outside/: must never appear */
	long maxrss_kib;	/* 0: MAXRSS_LIMIT_KIB */
	long wall_ms;		/* 0: WALL_LIMIT_MS */
};

/* Copy tests/hostile/file to repo/rel, with @TMP@ as outside/. */
static void
copy_case(const char *file, const char *rel)
{
	char src[512], *data, *p;
	size_t n, cap, len = 0;
	FILE *f;

	snprintf(src, sizeof(src), "tests/hostile/%s", file);
	f = fopen(cg_test_src(src), "rb");
	cr_assert_not_null(f, "fopen %s: %s", cg_test_src(src),
	    strerror(errno));
	cap = 1 << 16;
	data = malloc(cap);
	cr_assert_not_null(data);
	n = fread(data, 1, cap - 1, f);
	fclose(f);
	data[n] = '\0';
	{
		char *outbuf = malloc(cap * 4);
		const char *q = data;

		cr_assert_not_null(outbuf);
		while ((p = strstr(q, "@TMP@")) != NULL) {
			memcpy(outbuf + len, q, (size_t)(p - q));
			len += (size_t)(p - q);
			len += (size_t)snprintf(outbuf + len, 4096, "%s",
			    outside);
			q = p + 5;
		}
		memcpy(outbuf + len, q, strlen(q));
		len += strlen(q);
		cg_test_write_bytes(repo, rel, outbuf, len);
		free(outbuf);
	}
	free(data);
}

static void
gen_big(const char *rel)
{
	static const char line[] = "INSERT INTO projects VALUES (NULL, 'x');\n";
	size_t n = (6u * 1024 * 1024) / (sizeof(line) - 1) + 1, i;
	char *data = malloc(n * (sizeof(line) - 1));

	cr_assert_not_null(data);
	for (i = 0; i < n; i++)
		memcpy(data + i * (sizeof(line) - 1), line, sizeof(line) - 1);
	cg_test_write_bytes(repo, rel, data, n * (sizeof(line) - 1));
	free(data);
}

static void
gen_nul(const char *rel)
{
	static const char data[] = "CREATE TABLE t (a);\n\0DROP TABLE projects;\n";

	cg_test_write_bytes(repo, rel, data, sizeof(data) - 1);
}

static void
gen_bad_utf8(const char *rel)
{
	cg_test_write(repo, rel, "CREATE TABLE t (a);\n-- \xff\xfe\xc3\n"
	    "DROP TABLE projects;\n");
}

/* SELECT followed by a 10,000-deep expression of the given kind. */
static void
gen_deep(const char *rel, int parens)
{
	size_t depth = 10000, i, len = 0;
	char *s = malloc(depth * 2 + 64);

	cr_assert_not_null(s);
	memcpy(s, "SELECT ", 7);
	len = 7;
	for (i = 0; i < depth; i++)
		s[len++] = parens ? '(' : '~';
	s[len++] = '1';
	for (i = 0; parens && i < depth; i++)
		s[len++] = ')';
	s[len++] = ';';
	s[len++] = '\n';
	cg_test_write_bytes(repo, rel, s, len);
	free(s);
}

static void
gen_deep_parens(const char *rel)
{
	gen_deep(rel, 1);
}

static void
gen_deep_unary(const char *rel)
{
	gen_deep(rel, 0);
}

static void
gen_deep_binary(const char *rel)
{
	size_t depth = 10000, i, len = 0;
	char *s = malloc(depth * 2 + 64);

	cr_assert_not_null(s);
	memcpy(s, "SELECT ", 7);
	len = 7;
	for (i = 0; i < depth; i++) {
		s[len++] = '1';
		s[len++] = '+';
	}
	memcpy(s + len, "1;\n", 3);
	cg_test_write_bytes(repo, rel, s, len + 3);
	free(s);
}

static void
gen_unions(const char *rel)
{
	static const char term[] = " UNION SELECT 1";
	size_t n = 100000, i, len = 0;
	char *s = malloc(n * (sizeof(term) - 1) + 64);

	cr_assert_not_null(s);
	memcpy(s, "SELECT 1", 8);
	len = 8;
	for (i = 0; i < n; i++) {
		memcpy(s + len, term, sizeof(term) - 1);
		len += sizeof(term) - 1;
	}
	memcpy(s + len, ";\n", 2);
	cg_test_write_bytes(repo, rel, s, len + 2);
	free(s);
}

static void
gen_symlink(const char *rel)
{
	cr_assert_eq(cg_test_sh(repo, "ln -s /etc/passwd '%s'", rel), 0);
}

/* Added straight to the index: a gitlink, as a submodule leaves. */
static void
gen_submodule(const char *rel)
{
	cr_assert_eq(cg_test_sh(repo, "git update-index --add --cacheinfo "
	    "160000,1234567890123456789012345678901234567890,'%s'", rel), 0);
}

/* Small history: a cascade parent and child, on main. */
static void
history(void)
{
	cg_test_write(repo, "migrations/0001_init.sql",
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n"
	    "CREATE TABLE tasks (id INTEGER PRIMARY KEY,\n"
	    "  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE);\n");
	cr_assert_eq(cg_test_sh(repo, "git add -A && git commit -qm init"), 0);
	cg_test_write(repo, "migrations/0002_more.sql",
	    "CREATE INDEX tasks_project ON tasks(project_id);\n");
	cr_assert_eq(cg_test_sh(repo, "git add -A && git commit -qm more && "
	    "git checkout -qb push"), 0);
}

static void
check_case(const struct hcase *c, const char *name)
{
	const char *args[] = { "check-range", "main..push", NULL };
	char home_env[4200], tmp_env[4200], rel[256], want[256], path[4200];
	const char *env[] = { home_env, tmp_env, "TMP=", "TEMP=", NULL };
	const char *wrapper = getenv("CG_BIN_WRAPPER");
	int wrapped = (wrapper != NULL && wrapper[0] != '\0') ||
	    UNDER_VALGRIND();
	struct stat passwd_before, passwd_after;
	char *before, *after, *home_after, *tmp_after;
	struct cg_run_usage u;
	struct cg_run r;
	long wall_limit;

	history();
	snprintf(rel, sizeof(rel), "migrations/0003_%s.sql", name);
	if (wrapped && (c->config == NULL ||
	    strstr(c->config, "time-budget-ms") == NULL)) {
		char conf[1024];

		/* valgrind runs ~50 times slower: let the steps decide */
		snprintf(conf, sizeof(conf), "%s%s", c->config != NULL ?
		    c->config : "[cascadeguard]\n", WRAPPED_BACKSTOP);
		cg_test_write(repo, ".cascadeguard", conf);
	} else if (c->config != NULL) {
		cg_test_write(repo, ".cascadeguard", c->config);
	}
	if (c->file != NULL)
		copy_case(c->file, rel);
	else
		c->gen(rel);
	/* No `add -A` after a gitlink: it would drop the index entry. */
	cr_assert_eq(cg_test_sh(repo, "if [ -e '%s' ] || [ -L '%s' ]; then "
	    "git add -- '%s' || exit 1; fi; if [ -e .cascadeguard ]; then "
	    "git add .cascadeguard || exit 1; fi; git commit -qm hostile",
	    rel, rel, rel), 0);

	cr_assert_eq(stat("/etc/passwd", &passwd_before), 0);
	/* valgrind makes (and removes) its vgdb FIFOs in TMPDIR. */
	snap_skip = wrapped ? tmp : NULL;
	before = snapshot(root);
	snprintf(home_env, sizeof(home_env), "HOME=%s", home);
	snprintf(tmp_env, sizeof(tmp_env), "TMPDIR=%s", tmp);
	/* The hard outer timeout: a case that hangs is killed and fails. */
	cg_test_hard_timeout_ms = wrapped ? WRAPPED_WALL_LIMIT_MS :
	    HARD_TIMEOUT_MS;
	cg_test_run_usage(&r, &u, repo, args, NULL, env);
	cg_test_hard_timeout_ms = 0;
	after = snapshot(root);
	home_after = snapshot(home);
	tmp_after = snapshot(tmp);

	/* The verdict: rejected, by the expected rule, for the reason. */
	/* Messages are cut: Criterion hangs on very long ones, and the
	 * statement of a hostile case can be megabytes. */
	cr_assert_eq(r.code, 1, "%s: exit %d (want 1)\nstdout:\n%.4000s\n"
	    "stderr:\n%.4000s", name, r.code, r.out, r.err);
	snprintf(want, sizeof(want), "error[%s]: ", c->rule);
	cr_assert_not_null(strstr(r.out, want), "%s: no %s in:\n%.4000s",
	    name, want, r.out);
	cr_assert_not_null(strstr(r.out, c->reason), "%s: reason '%s' not "
	    "in:\n%.4000s", name, c->reason, r.out);
	cr_assert_not_null(strstr(r.out, rel), "%s: finding not on %s:\n"
	    "%.4000s", name, rel, r.out);

	/* Bounded time and memory. */
	wall_limit = c->wall_ms != 0 ? c->wall_ms : WALL_LIMIT_MS;
	/* ASan's build runs the same work 2-3 times slower */
	if (UNDER_ASAN)
		wall_limit *= 3;
	if (wrapped)
		wall_limit = WRAPPED_WALL_LIMIT_MS;
	cr_assert_lt(u.wall_ms, wall_limit, "%s: took %ld ms (limit %ld)",
	    name, u.wall_ms, wall_limit);
	if (!wrapped && !UNDER_ASAN)
		cr_assert_lt(u.maxrss_kib, c->maxrss_kib != 0 ?
		    c->maxrss_kib : MAXRSS_LIMIT_KIB, "%s: peak RSS %ld KiB",
		    name, u.maxrss_kib);

	/* Nothing written: not the repository, HOME, TMPDIR or outside/. */
	cr_assert_str_eq(after, before, "%s: files changed under %s", name,
	    root);
	cr_assert_eq(strchr(home_after, '\n'), home_after + strlen(home_after)
	    - 1, "%s: HOME is not empty:\n%s", name, home_after);
	if (!wrapped)
		cr_assert_eq(strchr(tmp_after, '\n'), tmp_after +
		    strlen(tmp_after) - 1, "%s: TMPDIR is not empty:\n%s", name,
		    tmp_after);
	if (c->absent != NULL) {
		snprintf(path, sizeof(path), "%s/%s", outside, c->absent);
		cr_assert_neq(access(path, F_OK), 0, "%s: %s exists", name,
		    path);
	}
	cr_assert_eq(stat("/etc/passwd", &passwd_after), 0);
	cr_assert_eq(passwd_after.st_mtim.tv_sec, passwd_before.st_mtim.tv_sec);
	cr_assert_eq(passwd_after.st_size, passwd_before.st_size);

	free(before);
	free(after);
	free(home_after);
	free(tmp_after);
	cg_run_release(&r);
}

#define DENIED_ATTACH "ATTACH is not allowed in the sandbox"

/* One test per case: name, then the struct hcase fields. */
#define C(n, ...)							\
	Test(hostile, n)						\
	{								\
		static const struct hcase c = { __VA_ARGS__ };		\
		check_case(&c, #n);					\
	}

	C(attach_etc_passwd, "attach_etc_passwd.sql", NULL, NULL,
	    "migration-fails", DENIED_ATTACH, NULL, 0, 0)
	C(attach_new_file, "attach_new_file.sql", NULL, NULL,
	    "migration-fails", DENIED_ATTACH, "attached.db", 0, 0)
	C(attach_relative, "attach_relative.sql", NULL, NULL,
	    "migration-fails", DENIED_ATTACH, NULL, 0, 0)
	C(vacuum_into_d1, "vacuum_into.sql", NULL, NULL, "migration-fails",
	    "cannot VACUUM from within a transaction", "vacuumed.db", 0, 0)
	C(vacuum_into_sqlite, "vacuum_into.sql", NULL,
	    "[cascadeguard]\ntarget = sqlite\n", "migration-fails",
	    DENIED_ATTACH, "vacuumed.db", 0, 0)
	C(load_extension, "load_extension.sql", NULL, NULL, "migration-fails",
	    "function load_extension() is not allowed", NULL, 0, 0)
	/* Not in the library; the authorizer denies them if they were
	 * (test_sandbox.c registers them to prove it). */
	C(readfile, "readfile.sql", NULL, NULL, "migration-fails",
	    "readfile", NULL, 0, 0)
	C(writefile, "writefile.sql", NULL, NULL, "migration-fails",
	    "writefile", "written.txt", 0, 0)
	C(edit, "edit.sql", NULL, NULL, "migration-fails", "edit", "edited",
	    0, 0)
	C(endless_cte, "endless_cte.sql", NULL, NULL, "budget-exceeded",
	    "the step budget of 20000000 SQLite steps per file ran out",
	    NULL, 0, 0)
	C(endless_cte_small_step_budget, "endless_cte.sql", NULL,
	    "[cascadeguard]\nstep-budget = 100000\n", "budget-exceeded",
	    "the step budget of 100000 SQLite steps per file ran out", NULL,
	    0, 1500)
	/* The backstop: a huge step budget, so only the clock stops it. */
	C(endless_cte_short_backstop, "endless_cte.sql", NULL,
	    "[cascadeguard]\nstep-budget = 10000000000\n"
	    "time-budget-ms = 200\n", "budget-exceeded",
	    "the wall-clock backstop of 200 ms per file ran out", NULL, 0,
	    1500)
	/* One call that ran 17 s on main: stopped before it runs. */
	C(printf_bomb, "printf_bomb.sql", NULL, NULL, "budget-exceeded",
	    "a string or blob over the sandbox's limit", NULL, 0, 1000)
	C(format_bomb, "format_bomb.sql", NULL, NULL, "budget-exceeded",
	    "a string or blob over the sandbox's limit", NULL, 0, 1000)
	/* like/glob/instr/replace/trim: the product of two lengths. */
	C(quad_bomb, "quad_bomb.sql", NULL, NULL, "budget-exceeded",
	    "a string or blob over the sandbox's limit", NULL, 0, 1000)
	C(zeroblob, "zeroblob.sql", NULL, NULL, "budget-exceeded",
	    "a string or blob over the sandbox's limit", NULL, 0, 0)
	C(randomblob_loop, "randomblob_loop.sql", NULL,
	    "[cascadeguard]\ntime-budget-ms = 60000\n", "budget-exceeded", "the memory budget of 256 MiB ran out", NULL,
	    0, 0)
	C(randomblob_loop_small_heap, "randomblob_loop.sql", NULL,
	    "[cascadeguard]\nheap-limit = 32M\ntime-budget-ms = 60000\n",
	    "budget-exceeded",
	    "the memory budget of 32 MiB ran out", NULL, 100L * 1024, 0)
	/* A long time budget: memory, not time, must stop it, even under
	 * valgrind. */
	C(memory_fill_then_drop, "memory_fill_then_drop.sql", NULL,
	    "[cascadeguard]\nheap-limit = 32M\ntime-budget-ms = 60000\n",
	    "budget-exceeded",
	    "the memory budget of 32 MiB ran out", NULL, 100L * 1024, 0)
	C(deep_parens, NULL, gen_deep_parens, NULL, "migration-fails",
	    "parser stack overflow", NULL, 0, 0)
	C(deep_unary, NULL, gen_deep_unary, NULL, "migration-fails",
	    "parser stack overflow", NULL, 0, 0)
	C(deep_binary, NULL, gen_deep_binary, NULL, "migration-fails",
	    "Expression tree is too large (maximum depth 1000)", NULL, 0, 0)
	/* Parsing is slow under valgrind: the limit, not time, must stop it. */
	C(unions, NULL, gen_unions, "[cascadeguard]\ntime-budget-ms = 60000\n",
	    "migration-fails",
	    "too many terms in compound SELECT", NULL, 0, 0)
	C(big_file, NULL, gen_big, NULL, "file-refused",
	    "more than the limit of 5242880", NULL, 0, 0)
	C(nul_bytes, NULL, gen_nul, NULL, "file-refused",
	    "binary content (a NUL byte at line 2)", NULL, 0, 0)
	C(invalid_utf8, NULL, gen_bad_utf8, NULL, "file-refused",
	    "not valid UTF-8 (at line 2)", NULL, 0, 0)
	C(symlink, NULL, gen_symlink, NULL, "file-refused",
	    "it is a symbolic link, not a regular file", NULL, 0, 0)
	C(submodule, NULL, gen_submodule, NULL, "file-refused",
	    "it is a submodule, not a regular file", NULL, 0, 0)
	C(writable_schema, "writable_schema.sql", NULL, NULL,
	    "migration-fails", "PRAGMA writable_schema is not allowed", NULL,
	    0, 0)
	C(sqlite_master_update, "writable_schema_update_only.sql", NULL,
	    NULL, "migration-fails", "table sqlite_master may not be modified",
	    NULL, 0, 0)
	C(trigger_recursion, "trigger_recursion.sql", NULL, NULL,
	    "migration-fails", "too many levels of trigger recursion", NULL,
	    0, 0)
	C(temp_store_file, "temp_store_file.sql", NULL, NULL,
	    "migration-fails", "PRAGMA temp_store is not allowed", NULL, 0, 0)
#undef C

/*
 * Read-only: the whole temporary tree (.git with its index, objects and
 * refs, the work tree, HOME and TMPDIR), with sizes and mtimes, is the
 * same after check-range runs that find errors, pass and fail to run.
 */
Test(hostile, check_range_never_writes_to_the_repository)
{
	/* cascade-drop (exit 1), clean (0), bad revision (2); no cache */
	const char *const ranges[][4] = {
		{ "check-range", "--no-cache", "main..push", NULL },
		{ "check-range", "--no-cache", "main~1..main", NULL },
		{ "check-range", "--no-cache", "main..nosuchref", NULL },
	};
	static const int want[] = { 1, 0, 2 };
	char home_env[4200], tmp_env[4200];
	const char *env[] = { home_env, tmp_env, NULL };
	const char *wrapper;
	char *before, *after;
	struct cg_run r;
	size_t i;

	history();
	cg_test_write(repo, ".cascadeguard", "[cascadeguard]\n"
	    "migrations = migrations/*.sql\n");
	cg_test_write(repo, "migrations/0003_drop.sql",
	    "DROP TABLE projects;\n");
	cr_assert_eq(cg_test_sh(repo, "git add -A && git commit -qm drop"), 0);
	/* An index with unstaged and staged edits must stay as it is. */
	cg_test_write(repo, "migrations/0004_staged.sql", "CREATE TABLE s (a);\n");
	cg_test_write(repo, "untracked.txt", "x\n");
	cr_assert_eq(cg_test_sh(repo, "git add migrations/0004_staged.sql"), 0);
	snprintf(home_env, sizeof(home_env), "HOME=%s", home);
	snprintf(tmp_env, sizeof(tmp_env), "TMPDIR=%s", tmp);
	/* mtimes have a granularity: make any rewrite visible. */
	usleep(20000);

	wrapper = getenv("CG_BIN_WRAPPER");
	/* valgrind makes (and removes) its vgdb FIFOs in TMPDIR. */
	snap_skip = (wrapper != NULL && wrapper[0] != '\0') ||
	    UNDER_VALGRIND() ? tmp : NULL;
	before = snapshot(root);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cg_test_run(&r, repo, ranges[i], NULL, env);
		cr_assert_eq(r.code, want[i], "%s: exit %d\n%.4000s%.4000s",
		    ranges[i][2], r.code, r.out, r.err);
		cg_run_release(&r);
	}
	after = snapshot(root);
	cr_assert_str_eq(after, before, "check-range changed files under %s",
	    root);
	/* the snapshot leaves the cache folder out: with --no-cache, none */
	snprintf(home_env, sizeof(home_env), "%s/.git/cascadeguard", repo);
	cr_assert_neq(access(home_env, F_OK), 0, "%s was created", home_env);
	free(before);
	free(after);
}

/*
 * A history file the step budget stops: the check fails closed (an
 * error naming the file and the budget, exit 1), cold and warm alike,
 * and no replay is cached for it.
 */
Test(hostile, history_cut_by_the_step_budget_fails_closed_uncached)
{
	const char *args[] = { "check-range", "main..push", NULL };
	char cache[4200], cmd[4400];
	struct cg_run cold, warm;

	const char *wrapper = getenv("CG_BIN_WRAPPER");
	int wrapped = (wrapper != NULL && wrapper[0] != '\0') ||
	    UNDER_VALGRIND();

	cg_test_write(repo, "migrations/0001_init.sql",
	    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\n");
	if (wrapped)
		cg_test_write(repo, ".cascadeguard", "[cascadeguard]\n"
		    WRAPPED_BACKSTOP);
	copy_case("endless_cte.sql", "migrations/0002_loop.sql");
	cr_assert_eq(cg_test_sh(repo, "git add -A && git commit -qm init && "
	    "git checkout -qb push"), 0);
	cg_test_write(repo, "migrations/0003_more.sql",
	    "CREATE TABLE more (a);\n");
	cr_assert_eq(cg_test_sh(repo, "git add -A && git commit -qm more"), 0);

	cg_test_hard_timeout_ms = wrapped ? WRAPPED_WALL_LIMIT_MS :
	    HARD_TIMEOUT_MS;
	cg_test_run(&cold, repo, args, NULL, NULL);
	cg_test_run(&warm, repo, args, NULL, NULL);
	cg_test_hard_timeout_ms = 0;
	cr_assert_eq(cold.code, 1, "cold: exit %d\n%.4000s%.4000s", cold.code,
	    cold.out, cold.err);
	cr_assert_not_null(strstr(cold.out, "migrations/0002_loop.sql"),
	    "%.4000s", cold.out);
	cr_assert_not_null(strstr(cold.out, "error[budget-exceeded]: already "
	    "applied migration cut short"), "%.4000s", cold.out);
	cr_assert_not_null(strstr(cold.out, "the step budget of 20000000 "
	    "SQLite steps per file ran out"), "%.4000s", cold.out);
	cr_assert_eq(warm.code, cold.code, "warm: exit %d\n%.4000s", warm.code,
	    warm.out);
	cr_assert_str_eq(warm.out, cold.out);
	snprintf(cache, sizeof(cache), "%s/.git/cascadeguard/cache", repo);
	snprintf(cmd, sizeof(cmd), "! ls '%s' 2>/dev/null | grep -q '\\.db$'",
	    cache);
	cr_assert_eq(cg_test_sh(repo, "%s", cmd), 0, "a replay was cached in "
	    "%s", cache);
	cg_run_release(&cold);
	cg_run_release(&warm);
}
