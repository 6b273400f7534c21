/* SPDX-License-Identifier: MIT */
/*
 * The replay cache and the detection memo under $GIT_DIR/cascadeguard/
 * when someone with write access to the repository has put something
 * else there: a FIFO, a socket, a folder, a symlink, a damaged file, a
 * writer's temp file left by kill -9.  Every check must end, within a
 * hard outer timeout, in the verdict of --no-cache.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "helpers/repo.h"

#define CACHE "r/.git/cascadeguard/cache"
#define TREES CACHE "/trees-layout2"

static char *dir;
static char db[512];	/* CACHE "/<hash>.db", the name the tool uses */
static char want[65536];	/* --no-cache: exit status, then stdout */

static int
wrapped(void)
{
	const char *w = getenv("CG_BIN_WRAPPER");

	return w != NULL && w[0] != '\0';
}

/*
 * Run check-range main..push in r under a hard `timeout` (so a hang fails
 * the test instead of stalling it); "<exit>\n<stdout>" into res.  The
 * wall time in *ms.
 */
static void
check(char *res, size_t cap, const char *extra, long *ms)
{
	const char *bin = getenv("CG_BIN");
	const char *w = getenv("CG_BIN_WRAPPER");
	struct timespec a, b;
	char path[4096];
	size_t n = 0;
	FILE *f;
	int code;

	cr_assert_not_null(bin, "CG_BIN is not set: run with 'make test'");
	clock_gettime(CLOCK_MONOTONIC, &a);
	code = cg_test_sh(dir, "cd r && timeout -k 1 %d %s '%s' check-range "
	    "%s main..push >../out 2>../err", wrapped() ? 120 : 5,
	    w != NULL ? w : "", bin, extra);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (ms != NULL)
		*ms = (long)((b.tv_sec - a.tv_sec) * 1000 +
		    (b.tv_nsec - a.tv_nsec) / 1000000);
	cr_assert_neq(code, 124, "check-range %s timed out", extra);
	n = (size_t)snprintf(res, cap, "%d\n", code);
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	n += fread(res + n, 1, cap - n - 1, f);
	res[n] = '\0';
	fclose(f);
}

/* The verdict with the cache must be that of --no-cache, in < 1 s. */
static void
assert_verdict(const char *what)
{
	char got[65536];
	long ms;

	check(got, sizeof(got), "", &ms);
	cr_assert_str_eq(got, want, "%s: cache verdict differs:\n%s\n---\n%s",
	    what, got, want);
	if (!wrapped())
		cr_assert_lt(ms, 1000, "%s: %ld ms", what, ms);
	/* and again, warm, over whatever the first run left */
	check(got, sizeof(got), "", NULL);
	cr_assert_str_eq(got, want, "%s (warm): verdict differs:\n%s", what,
	    got);
}

static void
setup(void)
{
	char path[4096];
	FILE *f;

	dir = cg_test_tmpdir();
	cg_test_copy(dir, "r/migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "r/migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	cg_test_write(dir, "r/src/app.txt", "not a migration\n");
	cr_assert_eq(cg_test_sh(dir, "cd r && git init -q -b main && "
	    "git add -A && git commit -qm history && git checkout -qb push"),
	    0);
	cg_test_copy(dir, "r/migrations/0003_rebuild_projects.sql",
	    "examples/incident/0003_rebuild_projects.sql");
	cr_assert_eq(cg_test_sh(dir, "cd r && git add -A && "
	    "git commit -qm bad"), 0);
	check(want, sizeof(want), "--no-cache", NULL);
	cr_assert(strncmp(want, "1\n", 2) == 0, "%s", want);
	cr_assert(strstr(want, "cascade-drop") != NULL, "%s", want);
	/* The real names: one run with the cache, then start cold. */
	check(path, sizeof(path), "", NULL);
	cr_assert_eq(cg_test_sh(dir, "test -f " TREES " && "
	    "ls " CACHE " | grep '^[0-9a-f]*\\.db$' >name"), 0);
	snprintf(path, sizeof(path), "%s/name", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(path, sizeof(path), f));
	fclose(f);
	path[strcspn(path, "\n")] = '\0';
	cr_assert_lt(strlen(path), 64);
	snprintf(db, sizeof(db), CACHE "/%.64s", path);
	cr_assert_eq(cg_test_sh(dir, "rm -rf " CACHE " && mkdir " CACHE), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(cache_files, .init = setup, .fini = teardown, .timeout = 300);

Test(cache_files, fifo_at_the_memo_and_at_a_cache_file)
{
	cr_assert_eq(cg_test_sh(dir, "mkfifo " TREES), 0);
	assert_verdict("FIFO at trees-layout2");
	cr_assert_eq(cg_test_sh(dir, "test -f " TREES), 0, "not replaced");
	cr_assert_eq(cg_test_sh(dir, "rm -rf " CACHE "/* && mkfifo '%s'", db),
	    0);
	assert_verdict("FIFO at <hash>.db");
	cr_assert_eq(cg_test_sh(dir, "test -f '%s'", db), 0, "not replaced");
}

Test(cache_files, socket_at_a_cache_file)
{
	struct sockaddr_un sa;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	cr_assert_lt(snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir,
	    db), (int)sizeof(sa.sun_path), "path too long for a socket");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(s, 1), 0);
	assert_verdict("socket at <hash>.db");
	close(s);
}

Test(cache_files, folders_at_the_memo_and_at_a_cache_file)
{
	cr_assert_eq(cg_test_sh(dir, "mkdir " TREES " '%s'", db), 0);
	assert_verdict("empty folders");
	cr_assert_eq(cg_test_sh(dir, "rm -rf " CACHE "/* && "
	    "mkdir -p " TREES "/x '%s'/x", db), 0);
	assert_verdict("folders with contents");
	cr_assert_eq(cg_test_sh(dir, "test -d " TREES "/x"), 0);
}

Test(cache_files, device_node_at_a_cache_file)
{
	/* /dev/zero, reached by name: a device that never ends */
	cr_assert_eq(cg_test_sh(dir, "ln -s /dev/zero '%s' && "
	    "ln -s /dev/zero " TREES, db), 0);
	assert_verdict("symlinks to /dev/zero");
}

Test(cache_files, symlinks_are_not_followed)
{
	cr_assert_eq(cg_test_sh(dir, "ln -s /etc/passwd '%s' && "
	    "ln -s /etc/passwd " TREES, db), 0);
	assert_verdict("symlinks to /etc/passwd");
	/* a link to a good cache file outside: not read, not written */
	cr_assert_eq(cg_test_sh(dir, "cp '%s' good.db && cp " TREES
	    " good.trees && rm -rf " CACHE "/* && : >outside && "
	    "ln -s ../../../../outside '%s' && ln -s ../../../../outside "
	    TREES " && ln -s ../../../../good.db '%s'.tmp", db, db, db), 0);
	assert_verdict("symlinks to a file outside");
	cr_assert_eq(cg_test_sh(dir, "test ! -s outside && "
	    "test ! -L '%s' && test ! -L " TREES, db), 0);
}

Test(cache_files, damaged_files_are_rebuilt)
{
	static const char *const damage[] = {
		"printf 'X' | dd of=F bs=1 seek=0 conv=notrunc",
		"printf 'X' | dd of=F bs=1 seek=20 conv=notrunc",
		"printf 'X' | dd of=F bs=1 seek=$(( $(stat -c %s F) / 2 )) "
		    "conv=notrunc",
		"printf 'X' | dd of=F bs=1 seek=$(( $(stat -c %s F) - 1 )) "
		    "conv=notrunc",
		"truncate -s $(( $(stat -c %s F) - 9 )) F",
		"truncate -s 16 F",
		": >F",
	};
	char got[65536];
	size_t i, j;

	for (j = 0; j < 2; j++) {
		for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
			check(got, sizeof(got), "", NULL);	/* warm it */
			cr_assert_str_eq(got, want);
			cr_assert_eq(cg_test_sh(dir, "F='%s'; %s 2>/dev/null",
			    j == 0 ? db : TREES, damage[i]), 0);
			assert_verdict(damage[i]);
		}
	}
}

Test(cache_files, killed_writer_leaves_nothing_that_changes_a_verdict)
{
	char tmp[600], got[65536];
	int ms;

	/* a temp file of a writer that died half-way */
	check(got, sizeof(got), "", NULL);
	snprintf(tmp, sizeof(tmp), CACHE "/tmp-99999-%s.tmp",
	    strrchr(db, '/') + 1);
	cr_assert_eq(cg_test_sh(dir, "head -c 5000 '%s' >'%s' && rm '%s' && "
	    "rm " TREES, db, tmp, db), 0);
	assert_verdict("stale temp file");
	/* real writers, killed at moments spread over a cold check */
	for (ms = 2; ms <= 40 && !wrapped(); ms += 2) {
		cr_assert_eq(cg_test_sh(dir, "rm -rf " CACHE " && cd r && "
		    "timeout -s KILL 0.%03d '%s' check-range main..push "
		    ">/dev/null 2>&1; :", ms, getenv("CG_BIN")), 0);
		assert_verdict("after kill -9");
	}
}
