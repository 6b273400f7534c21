/* SPDX-License-Identifier: MIT */
/*
 * Private to the files of src/simulate/ that share the simulation's
 * state (core, schema, seed, reach, run, verdict): the seeded tables,
 * the statements that ran and the hook's events.  values.c and fails.c
 * see only simulate_int.h.
 */
#ifndef CG_SIM_H
#define CG_SIM_H

#include <stddef.h>

#include <sqlite3.h>

#include "sqltext.h"
#include "util.h"

#define SIM_ROWS 2		/* seeded rows per table */
#define SIM_TRIES 64		/* inserts tried per row */
#define SIM_MAX_LITERALS 16	/* literals of a table's text used as candidates */
#define SIM_MAX_EVENTS 100000	/* SECURITY: bounded memory for the hook */
#define SIM_OUT_OF_BUDGET "the step or time budget ran out while seeding"

struct scol {
	char *name;
	char *type;		/* declared, may be "" */
	int notnull;
	int pk;			/* 1-based position in the primary key, 0 */
	int generated;		/* hidden 2 or 3: left alone */
	char *dflt;		/* default expression text, may be NULL */
	/* foreign key, when the column holds one */
	char *fk_parent;
	char *fk_to;		/* NULL: the parent's primary key */
	int fk_seq;
	int deferred;		/* parent had no rows when this was seeded */
	unsigned cand;		/* candidate index being tried */
	long fk_table;		/* index of fk_parent in the tables, -1 */
	int aff;		/* enum aff, from type */
	int date;		/* the name or type says date or time */
};

/*
 * What the table's text prefers for a column: the first `col = 'x'`,
 * `col IN ('x', ...)` or `col IS NULL` it holds (a CHECK's first
 * branch is then satisfied together).
 */
enum pref_kind { PREF_NONE, PREF_VALUE, PREF_NULL, PREF_SEEN };

struct val {
	int type;		/* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
	sqlite3_int64 i;
	double d;
	char *s;		/* owned, for TEXT and BLOB */
	size_t n;
};

struct srow {
	sqlite3_int64 rowid;	/* rowid tables */
	struct val *key;	/* nkey values, when the table declares a key */
};

struct stable {
	char *name;		/* as seeded */
	char *cur;		/* after the renames seen so far */
	char *create;
	int without_rowid;
	int alias;		/* INTEGER PRIMARY KEY: the key is the rowid */
	struct scol *cols;
	size_t ncols;
	size_t nkey;		/* declared primary key columns */
	struct srow rows[SIM_ROWS];
	size_t nrows;
	char *why;		/* owned: why it could not be seeded */
	int state;		/* topological walk: 0, 1 visiting, 2 done */
	enum pref_kind *pref;	/* per column */
	struct val *prefv;	/* per column, for PREF_VALUE */
	int loaded;		/* columns and foreign keys read */
	int tried;		/* seeding was attempted */
	int mark;		/* lazy: 1 reachable by a file, 2 a parent */
	int queued;		/* on the worklist to be loaded */
	size_t *kids;		/* lazy: tables whose text references this */
	size_t nkids, capkids;
};

/* A trigger of the base: the tables its text names can change. */
struct strig {
	char *on;		/* tbl_name */
	char *sql;
	int view;		/* on a view: followed where a text names it */
	int followed;		/* queued for the file mark_file walks */
};

struct sstmt {
	char *set, *path;
	unsigned line, col, end_line;
	unsigned flags;
	char *table;
	char *sql;
	size_t sql_len;
	/* a copy whose WHERE or join depends on the data (rows-filtered) */
	char *filter_query;	/* owned: counts, on production, rows left */
	size_t filter_table;	/* index of the table copied from */
	size_t filter_left;	/* its seeded rows the filter left behind */
};

struct sevent {
	size_t table;
	long row;		/* -1: WITHOUT ROWID, the row is not known */
	size_t stmt;
	int op;
	int depth;
};

struct snote {
	char *set, *path;
	unsigned line;
	char *msg;
};

struct cg_sim {
	struct cg_sandbox *sb;
	sqlite3 *db;
	struct stable *t;
	size_t nt;
	size_t *order;
	size_t norder;
	struct sstmt *st;
	size_t nst, capst;
	struct sevent *ev;
	size_t nev, capev;
	struct snote *notes;
	size_t nnotes, capnotes;
	int have_stmt;
	int nomem;
	/*
	 * Lazy seeding (cg_sim_new): a table is seeded before the first file
	 * that can reach it runs, so a check costs what the change reaches,
	 * not the size of the schema.
	 */
	int lazy;
	int kids_built;
	struct strig *trig;
	size_t ntrig;
	size_t nview;		/* triggers on views */
	size_t *hash;		/* open addressing on t[].name: index + 1 */
	size_t hcap;
	size_t *work;		/* worklist, nt entries */
	size_t nwork;
	/* Statements that fail, or may fail, on production's rows. */
	struct cg_sim_fail *fails;
	size_t nfails, capfails;
	/* Seeded values and what changed them (values.c). */
	struct cg_sim_values *vals;
	/* Keys the rows satisfy, columns added (keys.c). */
	struct cg_sim_keys *keys;
	unsigned serial;	/* makes each seeded value unique */
};

enum aff { AFF_INT, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUM };

/*
 * Shared between the files above only; each is described at its
 * definition.
 */

/* core.c */
void cg_sim_val_release(struct val *v);
int cg_sim_val_copy(struct val *dst, const struct val *src);
int cg_sim_val_from(struct val *v, sqlite3_value *sv);
int cg_sim_val_bind(sqlite3_stmt *st, int i, const struct val *v);
int cg_sim_set_text(struct val *v, const char *s, size_t n);
void cg_sim_set_int(struct val *v, sqlite3_int64 i);
void cg_sim_set_real(struct val *v, double d);
int cg_sim_quote_ident(struct cg_buf *b, const char *name, struct cg_err *err);
int cg_sim_contains_ci(const char *hay, const char *needle);
int cg_sim_has_word(const char *text, size_t len, const char *word);
int cg_sim_tool_exec(struct cg_sim *s, const char *sql);
int cg_sim_sql_fail(struct cg_sim *s, int src, const char *what,
    struct cg_err *err);
size_t cg_sim_name_hash(const char *n);
struct stable *cg_sim_find_table(struct cg_sim *s, const char *name,
    size_t *idx);
/* schema.c */
int cg_sim_load_tables(struct cg_sim *s, struct cg_err *err);
char *cg_sim_col_dup(sqlite3_stmt *st, int i);
int cg_sim_without_rowid(const char *create);
int cg_sim_load_columns(struct cg_sim *s, struct cg_err *err);
void cg_sim_visit(struct cg_sim *s, size_t i);
/* seed.c */
int cg_sim_seed_table(struct cg_sim *s, struct stable *t, struct cg_err *err);
int cg_sim_fix_deferred(struct cg_sim *s, struct stable *t, struct cg_err *err);
void cg_sim_finish_table(struct cg_sim *s, struct stable *t);
int cg_sim_load_one(struct cg_sim *s, struct stable *t, sqlite3_stmt *xi,
    sqlite3_stmt *fk, struct cg_err *err);
/* reach.c */
int cg_sim_tok_name(struct cg_buf *b, const char *sql, struct cg_tok t,
    struct cg_err *err);
void cg_sim_reach(struct cg_sim *s, size_t i);
int cg_sim_seed_for(struct cg_sim *s, const char *text, size_t len,
    struct cg_err *err);
/* run.c */
const char **cg_sim_col_names(const struct stable *t);
/* verdict.c */
int cg_sim_count_kept(struct cg_sim *s, struct stable *t, const char *final,
    int *kept, int end, struct cg_err *err);

#endif
