/* SPDX-License-Identifier: MIT */
/*
 * Foreign-key columns that the statements of one migration file have
 * left NULL in every row, so that a delete of the parent reaches no row
 * through them (docs/precision.md, "Keys no row can hold").  A
 * conservative analysis of the file's own text, independent of any
 * seeded data: a column is known NULL only when
 *
 *  - its table was created by this file (it starts empty) and every
 *    INSERT into it since gave the column a literal NULL, or
 *  - an UPDATE with no WHERE, FROM or LIMIT set it to a literal NULL,
 *    and no write since gave it anything else.
 *
 * Anything not understood (no column list, a SELECT *, a compound
 * SELECT, an upsert, an ALTER, a ROLLBACK, a trigger that names the
 * table) makes the table's columns unknown again.  A column declared
 * NOT NULL or PRIMARY KEY is never known NULL (a NULL written to it may
 * become a rowid or its default), an UPDATE OR IGNORE / OR REPLACE
 * clears nothing.  Pure: no I/O.
 */
#ifndef CG_NULLKEYS_H
#define CG_NULLKEYS_H

#include <stddef.h>

#include "util.h"

struct cg_err;
struct cg_stmt;

struct cg_nullkeys_table {
	char *name;		/* owned: as the live schema names it */
	int empty;		/* created by this file, no INSERT since */
	struct cg_strvec cols;	/* its columns in order, when created here */
	struct cg_strvec clean;	/* columns known NULL in every row */
	struct cg_strvec pinned; /* NOT NULL or PRIMARY KEY: a NULL written
				    may become a value (rowid, default) */
};

struct cg_nullkeys {
	struct cg_nullkeys_table *v;
	size_t n;
	size_t cap;
};

#define CG_NULLKEYS_INIT { NULL, 0, 0 }

void cg_nullkeys_release(struct cg_nullkeys *nk);

/* Follow st, a statement of the file that ran without error. */
int cg_nullkeys_observe(struct cg_nullkeys *nk, const struct cg_stmt *st,
    struct cg_err *err);

/* Forget what is known of table (a trigger may write it), or of every
 * table when table is NULL (a TEMP table may shadow any name). */
void cg_nullkeys_forget(struct cg_nullkeys *nk, const char *table);

/*
 * col of table may refuse a NULL with a row kept as it was or given its
 * default (NOT NULL ON CONFLICT IGNORE / REPLACE): never known NULL.
 */
int cg_nullkeys_pin(struct cg_nullkeys *nk, const char *table,
    const char *col, struct cg_err *err);

/*
 * 1 when the foreign key of child's columns cols ("a" or "a, b") can
 * reference no row: one of its columns is NULL in every row.
 */
int cg_nullkeys_dead(const struct cg_nullkeys *nk, const char *child,
    const char *cols);

#endif
