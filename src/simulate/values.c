/* SPDX-License-Identifier: MIT */
/*
 * Value-level following for the simulation: the values of every seeded
 * row as seeded and as the new files left them (the row found by its
 * key, through renames), compared column by column: a column whose
 * values are gone, moved or converted by a rebuild, or overwritten by
 * an UPDATE that reached every seeded row.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "err.h"
#include "finding.h"
#include "rules.h"
#include "simulate_int.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

#define SIM_VALUES_MAX_ROWS 8	/* seeded rows per table followed */

/* One seeded table's values. */
struct vtab {
	int have;		/* seed read and complete */
	size_t nrows;
	char **names;		/* seed columns as read back */
	size_t ncols;
	long *idx;		/* per seed column: its index in the table's columns */
	sqlite3_value **seed;	/* nrows x ncols, owned (sqlite3_value_dup) */
	char **enames;		/* end columns */
	size_t encols;
	sqlite3_value **endv;	/* nrows x encols */
	int found[SIM_VALUES_MAX_ROWS];
	size_t maxrow;		/* rows with storage */
};

/* A statement the comparison places findings at. */
struct vstmt {
	size_t stmt;
	unsigned flags;
	char *table;
	char *column;
	char *new_name;
	int copy;		/* INSERT ... SELECT */
	char *where;		/* UPDATE: its top-level WHERE, to the end */
	char *sql;		/* UPDATE or copy: its text */
};

struct vupd {
	size_t ti;
	long row;
	size_t stmt;
	int direct;		/* an UPDATE statement's own change (depth 0) */
};

struct cg_sim_values {
	struct vtab *t;
	size_t nt;
	struct vstmt *st;
	size_t nst, capst;
	struct vupd *up;
	size_t nup, capup;
	int nomem;
};

int
cg_sim_values_new(struct cg_sim_values **out, struct cg_err *err)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? cg_err_nomem(err) : 0;
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_vals(sqlite3_value **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		sqlite3_value_free(v[i]);
	free(v);
}

static void
vtab_end_release(struct vtab *t)
{
	free_vals(t->endv, t->maxrow * t->encols);
	free_names(t->enames, t->encols);
	t->endv = NULL;
	t->enames = NULL;
	t->encols = 0;
	memset(t->found, 0, sizeof(t->found));
}

void
cg_sim_values_free(struct cg_sim_values *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nt; i++) {
		vtab_end_release(&v->t[i]);
		free_vals(v->t[i].seed, v->t[i].maxrow * v->t[i].ncols);
		free_names(v->t[i].names, v->t[i].ncols);
		free(v->t[i].idx);
	}
	free(v->t);
	for (i = 0; i < v->nst; i++) {
		free(v->st[i].table);
		free(v->st[i].column);
		free(v->st[i].new_name);
		free(v->st[i].where);
		free(v->st[i].sql);
	}
	free(v->st);
	free(v->up);
	free(v);
}

static struct vtab *
vtab_at(struct cg_sim_values *v, size_t ti)
{
	struct vtab *n;

	if (ti < v->nt)
		return &v->t[ti];
	n = realloc(v->t, (ti + 1) * sizeof(*n));
	if (n == NULL)
		return NULL;
	memset(n + v->nt, 0, (ti + 1 - v->nt) * sizeof(*n));
	v->t = n;
	v->nt = ti + 1;
	return &v->t[ti];
}

int
cg_sim_values_have(const struct cg_sim_values *v, size_t ti)
{
	return ti < v->nt && v->t[ti].have;
}

static int
ident_char(char c)
{
	return c == '_' || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	    (unsigned char)c >= 0x80;
}

/* 1 when word occurs in text as a whole identifier. */
static int
word_in(const char *text, const char *word)
{
	size_t n = strlen(word), len = strlen(text), i;

	for (i = 0; n > 0 && i + n <= len; i++)
		if (strncasecmp(text + i, word, n) == 0 &&
		    (i == 0 || !ident_char(text[i - 1])) &&
		    (i + n == len || !ident_char(text[i + n])))
			return 1;
	return 0;
}

/* 1 when the text has SELECT as a word. */
static int
has_select(const char *sql, size_t len)
{
	size_t i;

	for (i = 0; i + 6 <= len; i++)
		if (strncasecmp(sql + i, "SELECT", 6) == 0 &&
		    (i == 0 || !(sql[i - 1] == '_' ||
		    ((sql[i - 1] | 0x20) >= 'a' && (sql[i - 1] | 0x20) <= 'z'))))
			return 1;
	return 0;
}

/* The text after an UPDATE's top-level WHERE, or NULL (none, no memory). */
static char *
where_of(const char *sql, size_t len)
{
	struct cg_tok t;
	size_t pos = 0;
	int depth = 0;

	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			return NULL;
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == '(')
			depth++;
		else if (t.kind == CG_TOK_PUNCT && sql[t.off] == ')')
			depth--;
		else if (depth == 0 && cg_tok_is(sql, t, "WHERE"))
			return cg_strndup(sql + pos, len - pos);
	}
}

void
cg_sim_values_stmt(struct cg_sim_values *v, size_t stmt,
    const struct cg_stmt *st)
{
	struct vstmt *x;
	unsigned want = CG_ST_INSERT | CG_ST_REPLACE | CG_ST_UPDATE |
	    CG_ST_RENAME_TABLE | CG_ST_RENAME_COLUMN | CG_ST_DROP_COLUMN |
	    CG_ST_DROP_TABLE;

	if (v->nomem || !(st->flags & want) || st->table == NULL)
		return;
	if (cg_grow(&v->st, &v->capst, v->nst + 1, sizeof(*v->st), NULL) < 0) {
		v->nomem = 1;
		return;
	}
	x = &v->st[v->nst++];
	memset(x, 0, sizeof(*x));
	x->stmt = stmt;
	x->flags = st->flags;
	x->table = cg_strdup(st->table);
	x->column = st->column != NULL ? cg_strdup(st->column) : NULL;
	x->new_name = st->new_name != NULL ? cg_strdup(st->new_name) : NULL;
	x->copy = (st->flags & (CG_ST_INSERT | CG_ST_REPLACE)) &&
	    st->sql != NULL && has_select(st->sql, st->sql_len);
	if ((st->flags & CG_ST_UPDATE) && st->sql != NULL)
		x->where = where_of(st->sql, st->sql_len);
	if (((st->flags & CG_ST_UPDATE) || x->copy) && st->sql != NULL) {
		x->sql = cg_strndup(st->sql, st->sql_len);
		if (x->sql == NULL)
			v->nomem = 1;
	}
	if (x->table == NULL || (st->column != NULL && x->column == NULL) ||
	    (st->new_name != NULL && x->new_name == NULL))
		v->nomem = 1;
}

void
cg_sim_values_update(struct cg_sim_values *v, size_t ti, long row,
    size_t stmt, int depth)
{
	size_t i;

	if (v->nomem || row < 0)
		return;
	for (i = 0; i < v->nst; i++)
		if (v->st[i].stmt == stmt)
			break;
	if (cg_grow(&v->up, &v->capup, v->nup + 1, sizeof(*v->up), NULL) < 0) {
		v->nomem = 1;
		return;
	}
	v->up[v->nup].ti = ti;
	v->up[v->nup].row = row;
	v->up[v->nup].stmt = stmt;
	/* Not an UPSERT's update, a trigger's or a foreign-key action's. */
	v->up[v->nup].direct = depth == 0 && i < v->nst &&
	    (v->st[i].flags & CG_ST_UPDATE);
	v->nup++;
}

int
cg_sim_values_row(struct cg_sim_values *v, size_t ti, size_t row,
    int end, sqlite3_stmt *st, struct cg_err *err)
{
	struct vtab *t = vtab_at(v, ti);
	sqlite3_value ***vals;
	char ***names;
	size_t *n, c;
	int ncol = sqlite3_column_count(st);

	if (t == NULL)
		return cg_err_nomem(err);
	if (row >= SIM_VALUES_MAX_ROWS || (!end && t->have))
		return 0;
	names = end ? &t->enames : &t->names;
	vals = end ? &t->endv : &t->seed;
	n = end ? &t->encols : &t->ncols;
	if (*names == NULL) {
		*names = calloc(ncol > 0 ? (size_t)ncol : 1, sizeof(char *));
		if (*names == NULL)
			return cg_err_nomem(err);
		*n = (size_t)ncol;
		for (c = 0; c < *n; c++) {
			(*names)[c] = cg_strdup(sqlite3_column_name(st,
			    (int)c));
			if ((*names)[c] == NULL)
				return cg_err_nomem(err);
		}
		t->maxrow = SIM_VALUES_MAX_ROWS;
		*vals = calloc(t->maxrow * (*n ? *n : 1), sizeof(**vals));
		if (*vals == NULL)
			return cg_err_nomem(err);
	}
	if ((size_t)ncol != *n)
		return 0;
	for (c = 0; c < *n; c++) {
		sqlite3_value_free((*vals)[row * *n + c]);
		(*vals)[row * *n + c] = sqlite3_value_dup(
		    sqlite3_column_value(st, (int)c));
		if ((*vals)[row * *n + c] == NULL)
			return cg_err_nomem(err);
	}
	if (end)
		t->found[row] = 1;
	return 0;
}

void
cg_sim_values_end_reset(struct cg_sim_values *v, size_t ti)
{
	if (ti < v->nt)
		vtab_end_release(&v->t[ti]);
}

int
cg_sim_values_seeded(struct cg_sim_values *v, size_t ti, size_t nrows,
    const char *const *cur, size_t ncols, struct cg_err *err)
{
	struct vtab *t = vtab_at(v, ti);
	size_t c, k;

	if (t == NULL)
		return cg_err_nomem(err);
	if (t->have || t->names == NULL)
		return 0;
	t->idx = calloc(t->ncols ? t->ncols : 1, sizeof(*t->idx));
	if (t->idx == NULL)
		return cg_err_nomem(err);
	for (c = 0; c < t->ncols; c++) {
		t->idx[c] = -1;
		for (k = 0; k < ncols; k++)
			if (cg_ident_eq(cur[k], t->names[c]))
				t->idx[c] = (long)k;
	}
	t->nrows = nrows < SIM_VALUES_MAX_ROWS ? nrows : SIM_VALUES_MAX_ROWS;
	t->have = 1;
	return 0;
}

/* ---- the comparison ---- */

/* The same value: type and content; an integer and a real by number. */
static int
same(sqlite3_value *a, sqlite3_value *b)
{
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
	int n;

	if ((ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) &&
	    (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT)) {
		if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER)
			return sqlite3_value_int64(a) == sqlite3_value_int64(b);
		return sqlite3_value_double(a) == sqlite3_value_double(b);
	}
	if (ta != tb)
		return 0;
	if (ta == SQLITE_NULL)
		return 1;
	n = sqlite3_value_bytes(a);
	if (n != sqlite3_value_bytes(b))
		return 0;
	if (ta == SQLITE_TEXT)
		return n == 0 || memcmp(sqlite3_value_text(a),
		    sqlite3_value_text(b), (size_t)n) == 0;
	return n == 0 || memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b),
	    (size_t)n) == 0;
}

static int
is_null(sqlite3_value *x)
{
	return x == NULL || sqlite3_value_type(x) == SQLITE_NULL;
}

/* The name statement i's table has after the statements that follow. */
static const char *
name_at_end(const struct cg_sim_values *v, size_t i)
{
	const char *n = v->st[i].table;
	size_t j;

	for (j = i + 1; j < v->nst; j++)
		if ((v->st[j].flags & CG_ST_RENAME_TABLE) &&
		    v->st[j].new_name != NULL && cg_ident_eq(v->st[j].table, n))
			n = v->st[j].new_name;
	return n;
}

/* The copy (INSERT ... SELECT) that filled final last, or -1. */
static long
copy_into(const struct cg_sim_values *v, const char *final)
{
	size_t i;

	for (i = v->nst; i-- > 0;)
		if (v->st[i].copy && cg_ident_eq(name_at_end(v, i), final))
			return (long)v->st[i].stmt;
	return -1;
}

/*
 * The first copy into final that leaves col out (its text does not name
 * it, and it is no SELECT *): in a rebuild in steps (a staging table,
 * then the final one) that is where the values went; -1 when none.
 */
static long
copy_without(const struct cg_sim_values *v, const char *final,
    const char *col)
{
	size_t i;

	for (i = 0; i < v->nst; i++)
		if (v->st[i].copy && v->st[i].sql != NULL &&
		    strchr(v->st[i].sql, '*') == NULL &&
		    !word_in(v->st[i].sql, col) &&
		    cg_ident_eq(name_at_end(v, i), final))
			return (long)v->st[i].stmt;
	return -1;
}

long
cg_sim_values_copy_into(const struct cg_sim_values *v, const char *final)
{
	return copy_into(v, final);
}

/* The last statement naming the table, else the last statement. */
static size_t
last_naming(const struct cg_sim_values *v, const char *name,
    const char *final, size_t nstmt)
{
	size_t i;

	for (i = v->nst; i-- > 0;)
		if (cg_ident_eq(v->st[i].table, name) ||
		    cg_ident_eq(v->st[i].table, final))
			return v->st[i].stmt;
	return nstmt > 0 ? nstmt - 1 : 0;
}

/* 1 when an ALTER TABLE DROP COLUMN dropped col (drop-column says so). */
static int
dropped_column(const struct cg_sim_values *v, const char *name,
    const char *final, const char *col)
{
	size_t i;

	for (i = 0; i < v->nst; i++)
		if ((v->st[i].flags & CG_ST_DROP_COLUMN) &&
		    v->st[i].column != NULL && cg_ident_eq(v->st[i].column, col) &&
		    (cg_ident_eq(v->st[i].table, name) ||
		    cg_ident_eq(v->st[i].table, final)))
			return 1;
	return 0;
}

/* 1 when text b is a part of text a, shorter (substr, a cut). */
static int
cut(sqlite3_value *a, sqlite3_value *b)
{
	const char *ta, *tb;
	int na, nb;

	if (sqlite3_value_type(a) != SQLITE_TEXT ||
	    sqlite3_value_type(b) != SQLITE_TEXT)
		return 0;
	na = sqlite3_value_bytes(a);
	nb = sqlite3_value_bytes(b);
	ta = (const char *)sqlite3_value_text(a);
	tb = (const char *)sqlite3_value_text(b);
	return ta != NULL && tb != NULL && nb < na &&
	    (nb == 0 || memmem(ta, (size_t)na, tb, (size_t)nb) != NULL);
}

/* The integer that sql (two parameters: a, b) answers; 0 on failure. */
static int
ask2(sqlite3 *db, const char *sql, sqlite3_value *a, sqlite3_value *b)
{
	sqlite3_stmt *st = NULL;
	int yes = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_value(st, 1, a) == SQLITE_OK &&
	    sqlite3_bind_value(st, 2, b) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return yes;
}

/* 1 when b is a CAST of a (to a number or text), which a copy converts. */
static int
cast_of(sqlite3 *db, sqlite3_value *a, sqlite3_value *b)
{
	static const char sql[] = "SELECT CAST(?1 AS INTEGER) IS ?2 OR "
	    "CAST(?1 AS REAL) IS ?2 OR CAST(?1 AS NUMERIC) IS ?2 OR "
	    "CAST(?1 AS TEXT) IS ?2";

	return ask2(db, sql, a, b);
}

/*
 * 1 when a number and a text that reads the same (10001 and '10001'): a
 * copy between a numeric and a text column that keeps every character.
 */
static int
same_text(sqlite3 *db, sqlite3_value *a, sqlite3_value *b)
{
	static const char sql[] =
	    "SELECT CAST(?1 AS TEXT) IS CAST(?2 AS TEXT)";
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);

	if ((ta == SQLITE_TEXT) == (tb == SQLITE_TEXT) ||
	    ta == SQLITE_BLOB || tb == SQLITE_BLOB || ta == SQLITE_NULL ||
	    tb == SQLITE_NULL)
		return 0;
	return ask2(db, sql, a, b);
}

/* m += "'017' became 17", each value as SQL writes it (quote()). */
static int
put_example(struct cg_buf *m, sqlite3 *db, sqlite3_value *a,
    sqlite3_value *b, struct cg_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT substr(quote(?1), 1, 40), "
	    "substr(quote(?2), 1, 40)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_value(st, 1, a) == SQLITE_OK &&
	    sqlite3_bind_value(st, 2, b) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		rc = cg_buf_printf(m, err, ": %s became %s",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc;
}

static long
end_col(const struct vtab *t, const char *name)
{
	size_t c;

	for (c = 0; c < t->encols; c++)
		if (cg_ident_eq(t->enames[c], name))
			return (long)c;
	return -1;
}

/*
 * Where a changed value came from: "from column b" when it is the
 * seeded value of another column of the row, "from another row" when it
 * is this column's value of another row, NULL when it is new.
 */
static const char *
moved_from(const struct vtab *t, size_t r, size_t c, sqlite3_value *x,
    int *other_row)
{
	size_t k, rr;

	*other_row = 0;
	if (is_null(x))
		return NULL;
	for (k = 0; k < t->ncols; k++)
		if (k != c && !is_null(t->seed[r * t->ncols + k]) &&
		    same(t->seed[r * t->ncols + k], x))
			return t->names[k];
	for (rr = 0; rr < t->nrows; rr++)
		if (rr != r && !is_null(t->seed[rr * t->ncols + c]) &&
		    same(t->seed[rr * t->ncols + c], x)) {
			*other_row = 1;
			return t->names[c];
		}
	return NULL;
}

/* A lost column is a renamed one when another end column holds its values. */
static int
renamed_to(const struct vtab *t, size_t c, const int *kept)
{
	size_t e, r, k;
	int all;

	for (e = 0; e < t->encols; e++) {
		for (k = 0; k < t->ncols; k++)
			if (cg_ident_eq(t->names[k], t->enames[e]))
				break;
		if (k < t->ncols)
			continue;	/* a seeded column of its own */
		all = 1;
		for (r = 0; r < t->nrows && all; r++) {
			sqlite3_value *s = t->seed[r * t->ncols + c];

			if (!kept[r] || !t->found[r] || is_null(s))
				continue;
			all = same(s, t->endv[r * t->encols + e]);
		}
		if (all)
			return 1;
	}
	return 0;
}

/* 1 when token t of sql names col (bare or quoted). */
static int
tok_names(const char *sql, struct cg_tok t, const char *col)
{
	size_t n = strlen(col);

	if (t.kind == CG_TOK_WORD)
		return t.len == n && strncasecmp(sql + t.off, col, n) == 0;
	if (t.kind == CG_TOK_QUOTED)
		return t.len == n + 2 &&
		    strncasecmp(sql + t.off + 1, col, n) == 0;
	return 0;
}

/*
 * How UPDATE sql sets col: 0 not at all, 1 set, 2 set from an
 * expression that reads col itself
 * (SET x = COALESCE(y, x), SET name = upper(name)): the new value is made
 * from the old, a backfill or a normalisation, not an overwrite.
 */
static int
set_kind(const char *sql, const char *col)
{
	size_t len = sql != NULL ? strlen(sql) : 0, pos = 0;
	struct cg_tok t, prev;
	int depth = 0, in_set = 0, target = 0, lhs = 1, set = 0;

	prev.kind = CG_TOK_END;
	prev.off = prev.len = 0;
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			return set;
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == '(')
			depth++;
		else if (t.kind == CG_TOK_PUNCT && sql[t.off] == ')')
			depth--;
		if (depth == 0 && cg_tok_is(sql, t, "SET")) {
			in_set = 1;
			lhs = 1;
			continue;
		}
		if (!in_set)
			continue;
		if (depth == 0 && (cg_tok_is(sql, t, "WHERE") ||
		    cg_tok_is(sql, t, "FROM") ||
		    cg_tok_is(sql, t, "RETURNING")))
			return set;
		if (depth == 0 && t.kind == CG_TOK_PUNCT && sql[t.off] == ',') {
			lhs = 1;
			target = 0;
			continue;
		}
		if (lhs && t.kind == CG_TOK_PUNCT && sql[t.off] == '=') {
			lhs = 0;
			target = prev.kind != CG_TOK_END && tok_names(sql, prev,
			    col);
			set |= target;
		} else if (!lhs && target && tok_names(sql, t, col)) {
			return 2;
		}
		prev = t;
	}
}

static const char *
sql_of(const struct cg_sim_values *v, size_t stmt)
{
	size_t i;

	for (i = 0; i < v->nst; i++)
		if (v->st[i].stmt == stmt)
			return v->st[i].sql;
	return NULL;
}

/*
 * The last UPDATE statement that changed row r of table ti, -1 when
 * none did, -2 when a trigger or foreign-key action did (rows-changed
 * reports those).
 */
static long
updated_by(const struct cg_sim_values *v, size_t ti, size_t r,
    const char *col)
{
	size_t i;
	long by = -1, last = -1;

	for (i = v->nup; i-- > 0;) {
		if (v->up[i].ti != ti || v->up[i].row != (long)r)
			continue;
		if (!v->up[i].direct)
			return -2;
		if (last == -1)
			last = (long)v->up[i].stmt;
		if (by == -1 && set_kind(sql_of(v, v->up[i].stmt), col) > 0)
			by = (long)v->up[i].stmt;
	}
	return by >= 0 ? by : last;
}

/*
 * 1 when UPDATE stmt has a WHERE that tests a column it changes: a fix
 * of the rows whose values are wrong (WHERE slug GLOB '*[^a-z]*'), which
 * the seeded values happen to match, not an overwrite of the column.
 */
static int
targeted(const struct cg_sim_values *v, const struct vtab *t,
    const char *const *cur, size_t ncols, const long *over,
    const size_t *overn, size_t stmt)
{
	const char *w = NULL, *n;
	size_t i, c;

	for (i = 0; i < v->nst; i++)
		if (v->st[i].stmt == stmt)
			w = v->st[i].where;
	if (w == NULL)
		return 0;
	for (c = 0; c < t->ncols; c++) {
		if (over[c] != (long)stmt &&
		    !(over[c] == -2 && overn[c] == stmt))
			continue;
		n = t->idx[c] >= 0 && (size_t)t->idx[c] < ncols ?
		    cur[t->idx[c]] : t->names[c];
		if (word_in(w, n))
			return 1;
	}
	return 0;
}

/* What to write instead, per rule. */
static const char *
values_help(enum cg_rule rule)
{
	switch (rule) {
	case CG_RULE_COLUMN_VALUES_LOST:
		return "copy the column into the new table by name "
		    "(INSERT INTO x_new (id, ..., col) SELECT id, ..., col "
		    "FROM x), or say the drop outright: ALTER TABLE x DROP "
		    "COLUMN col";
	case CG_RULE_COLUMN_VALUES_CHANGED:
		return "name the columns on both sides of the copy, in the "
		    "same order: INSERT INTO x_new (a, b) SELECT a, b FROM x";
	case CG_RULE_COLUMN_OVERWRITTEN:
		return "add a WHERE that names the rows to change (a "
		    "backfill: WHERE col IS NULL)";
	default:
		return NULL;
	}
}

/*
 * A finding of rule at stmt about the values of table.column: changed
 * of seeded (non-NULL) values, carried in the finding for the JSON.
 */
static int
push_help(struct cg_findings *fs, enum cg_rule rule, size_t stmt,
    int (*place)(struct cg_finding *, size_t, void *, struct cg_err *),
    void *payload, struct cg_err *err, const char *msg, const char *table,
    const char *column, size_t changed, size_t seeded, const char *help)
{
	struct cg_finding *f;
	int rc;

	rc = cg_findings_push(&f, fs, rule, err, "%s", msg);
	if (rc == 0)
		rc = cg_finding_set_str(&f->vtable, table, err);
	if (rc == 0)
		rc = cg_finding_set_str(&f->vcolumn, column, err);
	if (rc == 0)
		rc = cg_finding_set_str(&f->help, help != NULL ? help :
		    values_help(rule), err);
	if (rc == 0) {
		f->vchanged = changed;
		f->vseeded = seeded;
		rc = place(f, stmt, payload, err);
	}
	return rc;
}

/* push_help with the rule's own help. */
static int
push(struct cg_findings *fs, enum cg_rule rule, size_t stmt,
    int (*place)(struct cg_finding *, size_t, void *, struct cg_err *),
    void *payload, struct cg_err *err, const char *msg, const char *table,
    const char *column, size_t changed, size_t seeded)
{
	return push_help(fs, rule, stmt, place, payload, err, msg, table,
	    column, changed, seeded, NULL);
}

int
cg_sim_values_judge(struct cg_sim_values *v, sqlite3 *db, size_t ti,
    const char *name, const char *final, const char *const *cur,
    size_t ncols, const int *kept, size_t nrows, size_t nstmt,
    struct cg_findings *fs,
    int (*place)(struct cg_finding *, size_t, void *, struct cg_err *),
    void *payload, struct cg_err *err)
{
	struct cg_buf m = CG_BUF_INIT;
	struct vtab *t;
	size_t c, r, nz, ndiff, nupd, nmoved, nother, nconv, nnull;
	const char *from, *colname;
	sqlite3_value *ex_s, *ex_x;	/* the first value converted */
	long e, copy, at, upd;
	long *over = NULL;	/* per column: the UPDATE that overwrote it */
	size_t *overn = NULL;
	int other;
	int rc = 0;

	if (v->nomem)
		return cg_err_nomem(err);
	if (ti >= v->nt || !v->t[ti].have || v->t[ti].enames == NULL)
		return 0;
	t = &v->t[ti];
	if (nrows < t->nrows)
		return 0;
	over = malloc((t->ncols ? t->ncols : 1) * sizeof(*over));
	overn = calloc(t->ncols ? t->ncols : 1, sizeof(*overn));
	if (over == NULL || overn == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (c = 0; c < t->ncols; c++)
		over[c] = -1;
	copy = copy_into(v, final);
	for (c = 0; c < t->ncols && rc == 0; c++) {
		colname = t->idx[c] >= 0 && (size_t)t->idx[c] < ncols ?
		    cur[t->idx[c]] : t->names[c];
		nz = ndiff = nupd = nmoved = nother = nconv = nnull = 0;
		from = NULL;
		ex_s = ex_x = NULL;
		upd = -1;
		for (r = 0; r < t->nrows; r++)
			if (kept[r] && t->found[r] &&
			    !is_null(t->seed[r * t->ncols + c]))
				nz++;
		if (nz == 0)
			continue;	/* NULLs only: nothing to lose */
		e = end_col(t, colname);
		m.len = 0;
		if (e < 0) {
			if (dropped_column(v, name, final, colname) ||
			    renamed_to(t, c, kept))
				continue;
			at = copy >= 0 ? copy : (long)last_naming(v, name,
			    final, nstmt);
			if (copy >= 0) {
				long w = copy_without(v, final, colname);

				if (w >= 0)
					at = w;
			}
			rc = cg_buf_printf(&m, err, "simulated: the values of "
			    "%s.%s are gone (%zu seeded value%s): %s", final,
			    colname, nz, nz == 1 ? "" : "s", copy >= 0 ?
			    "the copy into the rebuilt table leaves the column "
			    "out" : "the column is not there any more");
			if (rc == 0)
				rc = push(fs, CG_RULE_COLUMN_VALUES_LOST,
				    (size_t)at, place, payload, err, m.data,
				    final, colname, nz, nz);
			continue;
		}
		for (r = 0; r < t->nrows; r++) {
			sqlite3_value *s = t->seed[r * t->ncols + c];
			sqlite3_value *x;
			const char *f;
			long u;

			if (!kept[r] || !t->found[r] || is_null(s))
				continue;
			x = t->endv[r * t->encols + (size_t)e];
			if (same(s, x) || same_text(db, s, x))
				continue;
			u = updated_by(v, ti, r, colname);
			if (u == -2)
				continue;	/* rows-changed says so */
			ndiff++;
			if (u >= 0) {
				nupd++;
				upd = u;
				continue;
			}
			if (copy < 0)
				continue;	/* no copy: a REPLACE, say */
			f = moved_from(t, r, c, x, &other);
			if (f != NULL) {
				nmoved++;
				nother += other;
				from = f;
			} else if (is_null(x)) {
				nnull++;
			} else if (cut(s, x) || cast_of(db, s, x)) {
				nconv++;
				if (ex_s == NULL) {
					ex_s = s;
					ex_x = x;
				}
			}
			/* else made from it by an expression: intended */
		}
		if (ndiff == 0)
			continue;
		if (nnull > 0 && nmoved + nconv == 0) {
			rc = cg_buf_printf(&m, err, "simulated: the values of "
			    "%s.%s are gone (%zu seeded value%s): the copy into "
			    "the rebuilt table sets them to NULL", final,
			    colname, nnull, nnull == 1 ? "" : "s");
			if (rc == 0)
				rc = push(fs, CG_RULE_COLUMN_VALUES_LOST,
				    (size_t)copy, place, payload, err, m.data,
				    final, colname, nnull, nz);
			continue;
		}
		if (nmoved + nconv > 0) {
			size_t k = nmoved + nconv;

			at = copy;
			if (nmoved > 0 && nother == 0)
				rc = cg_buf_printf(&m, err, "simulated: %zu of "
				    "%zu seeded values of %s.%s replaced by "
				    "the values of column %s: columns copied "
				    "in another order", k, nz, final, colname,
				    from);
			else if (nmoved > 0)
				rc = cg_buf_printf(&m, err, "simulated: %zu of "
				    "%zu seeded values of %s.%s moved to "
				    "another row", k, nz, final, colname);
			else {
				rc = cg_buf_printf(&m, err, "simulated: %zu of "
				    "%zu seeded values of %s.%s converted or cut "
				    "by the copy (not equal to what was there)",
				    k, nz, final, colname);
				if (rc == 0 && ex_s != NULL)
					rc = put_example(&m, db, ex_s, ex_x,
					    err);
			}
			if (rc == 0)
				rc = push_help(fs,
				    CG_RULE_COLUMN_VALUES_CHANGED, (size_t)at,
				    place, payload, err, m.data, final,
				    colname, k, nz, nmoved > 0 ? NULL :
				    "keep the column's type and copy it as it "
				    "is (a TEXT column stays TEXT); a CAST, "
				    "substr or type change keeps only part of "
				    "each value");
			continue;
		}
		if (nupd == nz && ndiff == nupd && upd >= 0) {
			over[c] = upd;
			overn[c] = nupd;
		} else if (nupd > 0) {
			over[c] = -2;	/* the UPDATE changed it on some rows */
			overn[c] = (size_t)upd;
		}
	}
	for (c = 0; c < t->ncols && rc == 0; c++) {
		if (over[c] < 0 || targeted(v, t, cur, ncols, over, overn,
		    (size_t)over[c]))
			continue;
		colname = t->idx[c] >= 0 && (size_t)t->idx[c] < ncols ?
		    cur[t->idx[c]] : t->names[c];
		if (set_kind(sql_of(v, (size_t)over[c]), colname) == 2)
			continue;
		m.len = 0;
		rc = cg_buf_printf(&m, err, "simulated: UPDATE overwrote every "
		    "seeded value of %s.%s (%zu of %zu)", final, colname,
		    overn[c], overn[c]);
		if (rc == 0)
			rc = push(fs, CG_RULE_COLUMN_OVERWRITTEN,
			    (size_t)over[c], place, payload, err, m.data,
			    final, colname, overn[c], overn[c]);
	}
out:
	free(over);
	free(overn);
	cg_buf_release(&m);
	return rc;
}
