/* SPDX-License-Identifier: MIT */
/*
 * Private to the simulation's files (simulate.c, simulate_fails.c): what
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

#endif
