/* SPDX-License-Identifier: MIT */
/*
 * Rules: findings from one classified statement of a new migration, the
 * cascade graph as it was just before the statement ran, and the result
 * of running it.  Pure: no I/O, no SQLite.
 */
#ifndef CG_RULES_H
#define CG_RULES_H

#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "graph.h"

struct cg_err;

/* What a statement does, from SQLite's authorizer (top level only). */
enum cg_stmt_flags {
	CG_ST_DROP_TABLE = 1 << 0,
	CG_ST_DELETE = 1 << 1,		/* DELETE FROM table */
	CG_ST_INSERT = 1 << 2,
	CG_ST_REPLACE = 1 << 3,		/* REPLACE INTO / INSERT OR REPLACE */
	CG_ST_UPDATE = 1 << 4,
	CG_ST_ALTER = 1 << 5,		/* ALTER TABLE of any kind */
	CG_ST_RENAME_TABLE = 1 << 6,
	CG_ST_RENAME_COLUMN = 1 << 7,
	CG_ST_DROP_COLUMN = 1 << 8,
	CG_ST_CREATE = 1 << 9,		/* CREATE TABLE/INDEX/VIEW/TRIGGER */
	CG_ST_PRAGMA = 1 << 10,
	CG_ST_TRANSACTION = 1 << 11,	/* BEGIN, COMMIT, END, ROLLBACK */
	CG_ST_SAVEPOINT = 1 << 12,	/* SAVEPOINT, RELEASE, ROLLBACK TO */
	CG_ST_UPDATE_OR_REPLACE = 1 << 13,
	CG_ST_REPLACE_KEY = 1 << 14	/* insert into a table whose key is ON CONFLICT REPLACE */
};

/* One statement of a new migration, as it ran. */
struct cg_stmt {
	const char *set;	/* migration set, may be NULL */
	const char *path;	/* file */
	unsigned line, col;	/* first token, 1-based */
	unsigned end_line;
	const char *sql;	/* statement text, first token to end, not NUL-terminated */
	size_t sql_len;
	const char *file;	/* the whole file, which sql points into; may be NULL */
	size_t file_len;
	unsigned flags;		/* enum cg_stmt_flags */
	const char *table;	/* table acted on, as the live schema names it; may be NULL */
	const char *column;	/* column renamed or dropped; may be NULL */
	const char *new_name;	/* RENAME target; may be NULL */
	const char *pragma;	/* pragma name, lowercase; may be NULL */
	const char *pragma_arg;	/* its argument as written; may be NULL */
	const char *tx_verb;	/* "BEGIN", "COMMIT", ... ; may be NULL */
	int fk_before;		/* foreign keys enforced when it started */
	int fk_after;		/* ... and after it ran */
	int in_tx;		/* inside a transaction when it started */
	int wrapped;		/* the runner wrapped the file in a transaction */
	int closes_wrap;	/* it ended the runner's transaction, and the
				   file opened none again */
	const char *error;	/* SQLite's message when it failed, else NULL */
	unsigned error_col;	/* column SQLite pointed at, 0 if none */
	int skipped;		/* 1 when the target model did not run it */
	const struct cg_graph *graph;	/* live graph before it ran; NULL if not needed */
};

/*
 * Append the findings for st to out: cascade-drop, cascade-delete,
 * set-null-drop, transaction-in-migration, fk-pragma-ignored,
 * migration-fails, drop-column, rename.  Uses the default severities;
 * check.c applies the configured ones.
 */
int cg_rules_eval(struct cg_findings *out, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err);

/*
 * statement-not-run: drizzle's libSQL migrator ran only the statement at
 * line ran_line of a --> statement-breakpoint chunk and skipped the
 * nskipped statements after it; st is the first of them, last_line the
 * line of the last.  An error for a new file; a warning for an already
 * applied one (applied = 1).  Returns 0 or CG_ENOMEM.
 */
int cg_rules_not_run(struct cg_findings *out, const struct cg_stmt *st,
    unsigned ran_line, unsigned nskipped, unsigned last_line, int applied,
    struct cg_err *err);

/* The safe alternative shown for a rule (static text). */
const char *cg_rules_help(enum cg_rule rule, enum cg_target_kind target);

#endif
