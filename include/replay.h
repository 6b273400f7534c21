/* SPDX-License-Identifier: MIT */
/*
 * Running migration files in the sandbox: the base history (to rebuild
 * the schema production has) and the new files, statement by statement,
 * with the target's semantics, producing findings through rules.c.
 */
#ifndef CG_REPLAY_H
#define CG_REPLAY_H

#include <stddef.h>

#include "config.h"
#include "finding.h"

struct cg_err;
struct cg_sandbox;

/* A migration file's text. */
struct cg_source {
	const char *set;	/* migration set, may be NULL */
	const char *path;
	const char *data;	/* not necessarily NUL-terminated */
	size_t len;
};

/*
 * Apply one file of the base history.  Transaction statements are
 * skipped; a statement that fails is skipped and reported as a
 * history-replay-fails warning in out (with SQLite's message), and the
 * replay goes on.  Returns < 0 only when the tool itself fails.
 */
int cg_replay_history(struct cg_sandbox *sb, const struct cg_source *src,
    struct cg_findings *out, struct cg_err *err);

/*
 * cg_replay_history as target ran the file: for libsql, the statements
 * after the first of a --> statement-breakpoint chunk are skipped, as
 * drizzle's libSQL migrator skipped them, and each such chunk is a
 * statement-not-run warning.  Other targets replay every statement.
 */
int cg_replay_history_as(struct cg_sandbox *sb, const struct cg_source *src,
    enum cg_target_kind target, struct cg_findings *out,
    struct cg_err *err);

/*
 * Check one new file: every statement classified, the cascade graph read
 * before each destructive one, then really run under the target model:
 *   d1:     foreign keys on, the whole file in one transaction (so
 *           PRAGMA foreign_keys=OFF is a no-op and BEGIN fails); the
 *           transaction statements of the file are reported, not run.
 *   sqlite: foreign keys as cfg->fk_on at the file's start, no wrapping
 *           transaction; the file's own BEGIN/COMMIT really run.
 * The first failing statement is migration-fails and ends the file (on
 * d1 its changes are rolled back, as D1 does).
 */
int cg_replay_check(struct cg_sandbox *sb, const struct cg_config *cfg,
    const struct cg_source *src, struct cg_findings *out,
    struct cg_err *err);

struct cg_stmt;

/*
 * Observers of cg_replay_check_hooked (the simulation): on_stmt_start
 * sees each statement, classified, just before it runs (st and its
 * strings are valid only during the call).  on_stmt_failed (may be NULL)
 * sees a statement that failed with SQLite's message msg; it returns 1
 * when it ran a stand-in on the same database, so that the file goes on
 * as if the statement had run, and 0 to let the failure end the file.
 */
struct cg_replay_hooks {
	void (*on_stmt_start)(const struct cg_stmt *st, void *payload);
	int (*on_stmt_failed)(const struct cg_stmt *st, const char *msg,
	    void *payload);
	void *payload;
};

/* cg_replay_check with observers; hooks may be NULL. */
int cg_replay_check_hooked(struct cg_sandbox *sb,
    const struct cg_config *cfg, const struct cg_source *src,
    struct cg_findings *out, const struct cg_replay_hooks *hooks,
    struct cg_err *err);

#endif
