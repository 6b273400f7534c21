/* SPDX-License-Identifier: MIT */
/*
 * End-to-end test helpers: temporary directories, real git repositories
 * built with the git binary at a fixed date, and the real cascadeguard
 * binary run with posix_spawn.
 */
#ifndef CG_TEST_REPO_H
#define CG_TEST_REPO_H

#include <stddef.h>

/* A new directory under $TMPDIR (or /tmp); caller frees; aborts the test on failure. */
char *cg_test_tmpdir(void);
/* Remove a directory tree made by cg_test_tmpdir. */
void cg_test_rmrf(const char *dir);

/*
 * Run `sh -c script` in dir with a fixed git identity and date, HOME at
 * dir, no system config.  Returns the exit status (or -1).
 */
int cg_test_sh(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write content to dir/rel, creating folders. */
void cg_test_write(const char *dir, const char *rel, const char *content);
void cg_test_write_bytes(const char *dir, const char *rel, const void *data,
    size_t len);
/* Copy the source tree file CG_SRCDIR/src_rel to dir/rel. */
void cg_test_copy(const char *dir, const char *rel, const char *src_rel);
/* Path of a file in the source tree (CG_SRCDIR); static buffer. */
const char *cg_test_src(const char *rel);

struct cg_run {
	int code;	/* exit status, or 128 + signal */
	char *out;	/* stdout, NUL-terminated */
	char *err;	/* stderr, NUL-terminated */
};

/*
 * Run the cascadeguard binary ($CG_BIN, under $CG_BIN_WRAPPER when set)
 * in dir with args (NULL-terminated), stdin from in (may be NULL), env
 * LC_ALL=C TZ=UTC NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=dir plus extra
 * "K=V" strings (NULL-terminated, may be NULL).
 */
void cg_test_run(struct cg_run *r, const char *dir, const char *const *args,
    const char *in, const char *const *extra_env);
void cg_run_release(struct cg_run *r);

/* What cg_test_run_usage measured about the child process. */
struct cg_run_usage {
	long maxrss_kib;	/* peak resident set (wait4 ru_maxrss), KiB */
	long wall_ms;		/* wall time from spawn to exit */
};

/*
 * cg_test_run, also measuring the child (the wrapper, when
 * $CG_BIN_WRAPPER is set).  An extra_env "HOME=..." replaces the
 * default HOME (cg_test_run does the same).
 */
void cg_test_run_usage(struct cg_run *r, struct cg_run_usage *u,
    const char *dir, const char *const *args, const char *in,
    const char *const *extra_env);

/*
 * When > 0, a child still running that many ms after its spawn is killed
 * (SIGKILL: its code is 137), so a hang fails the test instead of
 * holding it.
 */
extern long cg_test_hard_timeout_ms;

/* Count occurrences of needle in hay. */
size_t cg_test_count(const char *hay, const char *needle);

/* 1 when text holds line as a whole line. */
int cg_test_has_line(const char *text, const char *line);

/*
 * cg_test_run with the NULL-terminated arguments (at most 15), no stdin
 * and no extra environment.
 */
void cg_test_runl(struct cg_run *r, const char *dir, const char *first, ...);

/*
 * A new cg_test_tmpdir holding an empty git repository on branch main;
 * release it with cg_test_repo_free.  Aborts the test on failure.
 */
char *cg_test_repo_new(void);
/* cg_test_rmrf(dir), then free(dir); NULL is fine. */
void cg_test_repo_free(char *dir);

/* `git add -A && git commit -qm msg` in dir; aborts the test on failure. */
void cg_test_commit(const char *dir, const char *msg);
/* `git checkout -qb name main` in dir; aborts the test on failure. */
void cg_test_branch(const char *dir, const char *name);
/*
 * Write the (path, text) pairs that follow msg, up to a NULL path, then
 * cg_test_commit(dir, msg).
 */
void cg_test_commit_files(const char *dir, const char *msg, ...);
/*
 * The usual two-commit history: base as migrations/0001_init.sql (with
 * whatever else dir holds) committed on main as "history", then, on a
 * new branch feature, the (path, text) pairs up to a NULL path committed
 * as "feature".  Check it with main..feature (or HEAD~1..HEAD).
 */
void cg_test_history(const char *dir, const char *base, ...);

/* dir/wrangler.toml: worker "api" with one D1 binding DB (api-db). */
void cg_test_write_wrangler(const char *dir);
/* dir/Cargo.toml: crate "svc" depending on sqlx with the sqlite feature. */
void cg_test_write_sqlx(const char *dir);

#endif
