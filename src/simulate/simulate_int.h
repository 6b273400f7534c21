/* SPDX-License-Identifier: MIT */
/*
 * Private to the simulation's files (src/simulate/: fails.c and the files of sim.h): what
 * a statement that fails on rows needs from production, as a fact the
 * verdict turns into a finding.
 */
#ifndef CG_SIMULATE_INT_H
#define CG_SIMULATE_INT_H

#include <stddef.h>

#include <sqlite3.h>

struct cg_err;

enum cg_sim_fail_kind {
	CG_SIM_FAIL_ANY_ROW = 1,	/* fails whenever the table has a row */
	CG_SIM_FAIL_SOME_ROWS		/* fails for some data only */
};

/* Why a statement fails (or may fail) on the rows production has. */
struct cg_sim_fail {
	enum cg_sim_fail_kind kind;
	size_t stmt;		/* index of the statement in the simulation */
	char *table;		/* owned: the table whose rows decide */
	char *why;		/* owned: "two rows with the same (email)" */
	char *query;		/* owned, may be NULL: read-only, tells which */
	char *msg;		/* owned, may be NULL: SQLite's message */
	int went_on;		/* a stand-in ran and the file went on */
};

void cg_sim_fail_release(struct cg_sim_fail *f);

/*
 * What a statement (sql, len; table as the live schema names it) that
 * failed on the seeded rows with SQLite's message msg says about
 * production: 1 and *out filled when it is a failure on rows, 0 when
 * the message is not one (out untouched), < 0 on out of memory.  db is
 * the simulation's database as the statement left it (read only).
 */
int cg_sim_fail_classify(struct cg_sim_fail *out, sqlite3 *db,
    const char *sql, size_t len, const char *table, const char *msg,
    struct cg_err *err);

/*
 * CREATE UNIQUE INDEX on table (which holds production rows): 1 and
 * *out filled with the duplicates query, 0 when sql is not one.
 */
int cg_sim_fail_unique_index(struct cg_sim_fail *out, sqlite3 *db,
    const char *sql, size_t len, const char *table, struct cg_err *err);

/*
 * A stand-in for a statement that fails on any row, so that the rest of
 * the file can run: the ADD COLUMN with a DEFAULT.  Returns 1 when it
 * ran, 0 when there is none.
 */
int cg_sim_fail_stand_in(sqlite3 *db, const char *sql, size_t len,
    const char *msg);

/* ---- value-level following (values.c) ---- */

struct cg_stmt;
struct cg_finding;
struct cg_findings;
struct cg_sim_values;	/* opaque: the seeded values and what changed them */

int cg_sim_values_new(struct cg_sim_values **out, struct cg_err *err);
void cg_sim_values_free(struct cg_sim_values *v);

/*
 * A statement of a new file (index stmt in the simulation), as it
 * starts: renames, copies, updates and dropped columns are kept.
 */
void cg_sim_values_stmt(struct cg_sim_values *v, size_t stmt,
    const struct cg_stmt *st);

/* The hook saw an UPDATE of seeded row `row` of table ti at depth. */
void cg_sim_values_update(struct cg_sim_values *v, size_t ti, long row,
    size_t stmt, int depth);

/* 1 when table ti's seeded values were taken already. */
int cg_sim_values_have(const struct cg_sim_values *v, size_t ti);

/*
 * One row read back by st (SELECT * of the table): at the seed
 * (end = 0) or at the end of the files (end = 1).  cols names the
 * table's columns as followed so far (ncols of them).
 */
int cg_sim_values_row(struct cg_sim_values *v, size_t ti, size_t row,
    int end, sqlite3_stmt *st, struct cg_err *err);
/* Start the end-of-files reading of table ti (forgets an earlier one). */
void cg_sim_values_end_reset(struct cg_sim_values *v, size_t ti);
/* Table ti was seeded with nrows rows; its reading is complete. */
int cg_sim_values_seeded(struct cg_sim_values *v, size_t ti, size_t nrows,
    const char *const *cur, size_t ncols, struct cg_err *err);

/*
 * Compare table ti's values at the end (in `final`, seeded as `name`;
 * cur[] its seeded columns' names as followed, ncols; kept[] which rows
 * are still there) with the seed, and append column-values-lost,
 * column-values-changed and column-overwritten findings to fs, each
 * placed by place(f, stmt, payload, err) at a statement below nstmt.
 * db (read only) converts values to tell a CAST from an expression.
 */
int cg_sim_values_judge(struct cg_sim_values *v, sqlite3 *db, size_t ti,
    const char *name, const char *final, const char *const *cur,
    size_t ncols, const int *kept, size_t nrows, size_t nstmt,
    struct cg_findings *fs,
    int (*place)(struct cg_finding *, size_t, void *, struct cg_err *),
    void *payload, struct cg_err *err);

/* The last copy (INSERT ... SELECT) into the table named final at the
 * end, as a statement index of the simulation, or -1. */
long cg_sim_values_copy_into(const struct cg_sim_values *v,
    const char *final);
/*
 * A copy (INSERT ... SELECT ... FROM source) whose top-level SELECT has
 * a WHERE or a join: which rows it leaves behind depends on the data.
 */
struct cg_sim_filter {
	char *source;		/* owned: the table copied from */
	char *query;		/* owned: read-only, counts the rows left behind */
	int constant;		/* the WHERE reads no column: not data */
	size_t filter_off, filter_end;	/* FROM ... end, in the statement */
};

void cg_sim_filter_release(struct cg_sim_filter *f);

/*
 * 1 and *out filled when sql is such a copy and its count query prepares
 * on db (the schema before the statement runs), 0 when not (out zeroed),
 * < 0 on out of memory.
 */
int cg_sim_fail_filter(struct cg_sim_filter *out, sqlite3 *db,
    const char *sql, size_t len, struct cg_err *err);

/* ---- what the rows are known to satisfy (keys.c) ---- */

struct cg_sim_keys;	/* opaque: keys and added columns of one file */

int cg_sim_keys_new(struct cg_sim_keys **out, struct cg_err *err);
void cg_sim_keys_free(struct cg_sim_keys *k);

/* A new file starts: forget what the last one knew. */
void cg_sim_keys_file(struct cg_sim_keys *k);

/*
 * A statement of the file, just before it runs on db: what it tells
 * about the rows (a dropped unique index, a rebuild's copy, a dedupe, an
 * added column) and what it makes unknown (a write).  < 0 on out of
 * memory, else 0.
 */
int cg_sim_keys_stmt(struct cg_sim_keys *k, sqlite3 *db,
    const struct cg_stmt *st, struct cg_err *err);

/*
 * CREATE UNIQUE INDEX sql on table, just before it runs: 1 when no two
 * rows production holds can agree on it (a unique key the rows satisfy
 * lies within it, or a column the file added keeps every row out of
 * it), 0 when they may, < 0 on out of memory.
 */
int cg_sim_keys_cannot_fail(struct cg_sim_keys *k, sqlite3 *db,
    const char *sql, size_t len, const char *table, struct cg_err *err);

#endif
