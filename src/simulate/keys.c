/* SPDX-License-Identifier: MIT */
/*
 * What a new file knows about the rows production holds while it runs,
 * so that a CREATE UNIQUE INDEX that cannot fail on them is not called
 * one that may: unique keys the rows satisfy although the live schema no
 * longer says so (an index the file dropped, the keys of the table a
 * rebuild copied them from, a dedupe), and the columns the file added,
 * which hold their default in every existing row until something writes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "err.h"
#include "rules.h"
#include "simulate_int.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

#define KEYS_MAX_TERMS 64	/* terms or conjuncts of one index looked at */

/* A key the rows of table satisfy: no two agree on all of it. */
struct ukey {
	char *table;		/* as the live schema names it now */
	char **cols;		/* plain key columns, or NULL (an expression) */
	char **colls;		/* their collations */
	size_t ncols;
	char *where;		/* a partial index's WHERE, or NULL */
	char *text;		/* "(terms) [WHERE ...]" as written, or NULL */
};

/* A column the file added: every existing row holds its default. */
struct added {
	char *table;
	char *col;
};

struct cg_sim_keys {
	struct ukey *k;
	size_t nk, capk;
	struct added *a;
	size_t na, capa;
	struct cg_strvec created;	/* tables the file created */
};

/* A slice of a statement's text. */
struct span {
	size_t off, len;
};

static void
key_release(struct ukey *k)
{
	size_t i;

	for (i = 0; k->cols != NULL && i < k->ncols; i++) {
		free(k->cols[i]);
		free(k->colls[i]);
	}
	free(k->cols);
	free(k->colls);
	free(k->table);
	free(k->where);
	free(k->text);
	memset(k, 0, sizeof(*k));
}

int
cg_sim_keys_new(struct cg_sim_keys **out, struct cg_err *err)
{
	struct cg_sim_keys *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return cg_err_nomem(err);
	*out = k;
	return 0;
}

/* Forget what table's rows were known to satisfy (all when NULL). */
static void
forget(struct cg_sim_keys *k, const char *table)
{
	size_t i, j;

	for (i = j = 0; i < k->nk; i++) {
		if (table == NULL || cg_ident_eq(k->k[i].table, table))
			key_release(&k->k[i]);
		else
			k->k[j++] = k->k[i];
	}
	k->nk = j;
	for (i = j = 0; i < k->na; i++) {
		if (table == NULL || cg_ident_eq(k->a[i].table, table)) {
			free(k->a[i].table);
			free(k->a[i].col);
		} else {
			k->a[j++] = k->a[i];
		}
	}
	k->na = j;
}

static int
in_vec(const struct cg_strvec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (cg_ident_eq(v->v[i], s))
			return 1;
	return 0;
}

/* Forget table's added columns (those in cols only, when not NULL). */
static void
forget_added(struct cg_sim_keys *k, const char *table,
    const struct cg_strvec *cols)
{
	size_t i, j;

	for (i = j = 0; i < k->na; i++) {
		if (cg_ident_eq(k->a[i].table, table) &&
		    (cols == NULL || in_vec(cols, k->a[i].col))) {
			free(k->a[i].table);
			free(k->a[i].col);
		} else {
			k->a[j++] = k->a[i];
		}
	}
	k->na = j;
}

static void
forget_keys_but(struct cg_sim_keys *k, const char *keep)
{
	size_t i, j;

	for (i = j = 0; i < k->nk; i++) {
		if (keep == NULL || !cg_ident_eq(k->k[i].table, keep))
			key_release(&k->k[i]);
		else
			k->k[j++] = k->k[i];
	}
	k->nk = j;
}

void
cg_sim_keys_file(struct cg_sim_keys *k)
{
	if (k == NULL)
		return;
	forget(k, NULL);
	cg_strvec_release(&k->created);
}

void
cg_sim_keys_free(struct cg_sim_keys *k)
{
	if (k == NULL)
		return;
	cg_sim_keys_file(k);
	free(k->k);
	free(k->a);
	free(k);
}

/* ---- text ---- */

static int
is_name(struct cg_tok t)
{
	return t.kind == CG_TOK_WORD || t.kind == CG_TOK_QUOTED;
}

/* A name token as the schema spells it (quotes off); NULL when none. */
static char *
tok_ident(const char *sql, struct cg_tok t)
{
	if (t.kind == CG_TOK_WORD)
		return cg_strndup(sql + t.off, t.len);
	if (t.kind != CG_TOK_QUOTED || t.len < 2 ||
	    memchr(sql + t.off + 1, sql[t.off], t.len - 2) != NULL)
		return NULL;	/* doubled inner quotes: not worth it */
	return cg_strndup(sql + t.off + 1, t.len - 2);
}

/* 1 when token t is the name n. */
static int
tok_names(const char *sql, struct cg_tok t, const char *n)
{
	char *s = is_name(t) ? tok_ident(sql, t) : NULL;
	int eq = s != NULL && cg_ident_eq(s, n);

	free(s);
	return eq;
}

/* CREATE [UNIQUE] INDEX, taken apart. */
struct index_text {
	int unique;
	struct cg_tok table;
	size_t open, close;	/* the '(' and ')' of the terms */
	size_t where, end;	/* the WHERE expression, where == 0: none */
};

static int
parse_index(struct index_text *x, const char *sql, size_t len)
{
	struct cg_tok t, name;
	size_t pos = 0;
	int depth = 0;

	memset(x, 0, sizeof(*x));
	len = cg_sql_body_end(sql, len);
	x->end = len;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "CREATE"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "UNIQUE")) {
		x->unique = 1;
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (!cg_tok_is(sql, t, "INDEX"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (cg_tok_is(sql, name, "IF")) {	/* IF NOT EXISTS */
		(void)cg_sql_next_token(sql, len, &pos);
		t = cg_sql_qualified(sql, len, &pos, &name);
	}
	if (!cg_tok_is(sql, t, "ON"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &x->table);
	if (!is_name(x->table) || !cg_tok_is_punct(sql, t, '('))
		return 0;
	x->open = t.off;
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')') && depth-- == 0)
			break;
	}
	x->close = t.off;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "WHERE"))
		x->where = t.off + t.len;
	else if (t.kind != CG_TOK_END)
		return 0;
	return 1;
}

/*
 * The parts of text[off, end) between top-level separators: commas
 * (and = 0) or AND (and = 1; a BETWEEN or CASE at the top keeps the
 * whole as one).  Each part without trailing ASC or DESC when terms.
 */
static size_t
split(struct span *out, size_t max, const char *sql, size_t off, size_t end,
    int and)
{
	struct cg_tok t, last = { CG_TOK_END, off, 0 };
	size_t pos = off, start = off, n = 0;
	int depth = 0;

	for (;;) {
		t = cg_sql_next_token(sql, end, &pos);
		if (t.kind != CG_TOK_END && t.off >= end)
			t.kind = CG_TOK_END;
		if (cg_tok_is_punct(sql, t, '(')) {
			depth++;
		} else if (cg_tok_is_punct(sql, t, ')')) {
			depth--;
		} else if (and && depth == 0 && (cg_tok_is(sql, t, "BETWEEN") ||
		    cg_tok_is(sql, t, "CASE"))) {
			return 0;
		} else if (t.kind == CG_TOK_END || (depth == 0 && (and ?
		    cg_tok_is(sql, t, "AND") : cg_tok_is_punct(sql, t, ',')))) {
			size_t s = cg_sql_skip_blank(sql, end, start);
			size_t e = last.off + last.len;

			if (e <= s || n == max)
				return 0;
			out[n].off = s;
			out[n].len = e - s;
			n++;
			if (t.kind == CG_TOK_END)
				return n;
			start = t.off + t.len;
			last.off = start;
			last.len = 0;
			continue;
		}
		if (!and && depth == 0 && (cg_tok_is(sql, t, "ASC") ||
		    cg_tok_is(sql, t, "DESC")))
			continue;
		last = t;
	}
}

/* ---- the schema ---- */

/* The declared collation of table.col, or NULL when no such column. */
static const char *
col_coll(sqlite3 *db, const char *table, const char *col)
{
	const char *coll = NULL;

	if (sqlite3_table_column_metadata(db, "main", table, col, NULL, &coll,
	    NULL, NULL, NULL) != SQLITE_OK)
		return NULL;
	return coll != NULL ? coll : "BINARY";
}

/* SQLite's affinity of a declared type: 'I', 'T', 'B', 'R' or 'N'. */
static char
affinity(const char *type)
{
	if (type == NULL || type[0] == '\0')
		return 'B';
	if (strcasestr(type, "INT") != NULL)
		return 'I';
	if (strcasestr(type, "CHAR") != NULL ||
	    strcasestr(type, "CLOB") != NULL ||
	    strcasestr(type, "TEXT") != NULL)
		return 'T';
	if (strcasestr(type, "BLOB") != NULL)
		return 'B';
	if (strcasestr(type, "REAL") != NULL ||
	    strcasestr(type, "FLOA") != NULL ||
	    strcasestr(type, "DOUB") != NULL)
		return 'R';
	return 'N';
}

/* The affinity of table.col, or 0 when no such column. */
static char
col_affinity(sqlite3 *db, const char *table, const char *col)
{
	const char *type = NULL;

	if (sqlite3_table_column_metadata(db, "main", table, col, &type, NULL,
	    NULL, NULL, NULL) != SQLITE_OK)
		return 0;
	return affinity(type);
}

static int
exists(sqlite3 *db, const char *sql, const char *a1)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    (a1 == NULL || sqlite3_bind_text(st, 1, a1, -1, SQLITE_STATIC) ==
	    SQLITE_OK))
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int
any_trigger(sqlite3 *db)
{
	return exists(db, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger'",
	    NULL);
}

/*
 * A statement that may fire triggers: the keys of every table a
 * trigger's text names are forgotten (the trigger may write its rows;
 * one trigger firing another names the next table too).  0, or -1 when
 * out of memory.
 */
static int
forget_triggered(struct cg_sim_keys *k, sqlite3 *db)
{
	static const char q[] = "SELECT sql FROM sqlite_schema "
	    "WHERE type = 'trigger' AND sql IS NOT NULL";
	sqlite3_stmt *st = NULL;
	struct cg_tok t;
	const char *sql;
	size_t i, pos, len;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		forget(k, NULL);	/* cannot tell: forget them all */
		return 0;
	}
	while (k->nk + k->na > 0 && sqlite3_step(st) == SQLITE_ROW) {
		sql = (const char *)sqlite3_column_text(st, 0);
		if (sql == NULL) {
			sqlite3_finalize(st);
			return -1;
		}
		len = strlen(sql);
		for (i = 0; i < k->nk + k->na; i++) {
			const char *name = i < k->nk ? k->k[i].table :
			    k->a[i - k->nk].table;

			pos = 0;
			while ((t = cg_sql_next_token(sql, len, &pos)).kind !=
			    CG_TOK_END && !tok_names(sql, t, name))
				;
			if (t.kind != CG_TOK_END) {
				char *n = cg_strdup(name);	/* forget frees it */

				if (n == NULL) {
					sqlite3_finalize(st);
					return -1;
				}
				forget(k, n);
				free(n);
				i = (size_t)-1;	/* the arrays moved: again */
			}
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* 1 when a foreign key on table acts ON UPDATE (CASCADE, SET ...). */
static int
update_acts(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema AS s, "
	    "pragma_foreign_key_list(s.name) AS f WHERE s.type = 'table' AND "
	    "f.\"table\" = ?1 COLLATE NOCASE AND f.on_update NOT IN "
	    "('NO ACTION', 'RESTRICT')", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int
any_set_default(sqlite3 *db)
{
	return exists(db, "SELECT 1 FROM sqlite_schema AS s, "
	    "pragma_foreign_key_list(s.name) AS f WHERE s.type = 'table' AND "
	    "f.on_delete = 'SET DEFAULT'", NULL);
}

static int
is_table(sqlite3 *db, const char *name)
{
	return exists(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
	    "AND name = ?1 COLLATE NOCASE", name);
}

static int
push_key(struct cg_sim_keys *k, struct ukey *key, struct cg_err *err)
{
	if (cg_grow(&k->k, &k->capk, k->nk + 1, sizeof(*k->k), err) < 0) {
		key_release(key);
		return CG_ENOMEM;
	}
	k->k[k->nk++] = *key;
	memset(key, 0, sizeof(*key));
	return 0;
}

/*
 * The key of the unique index name on table, from the live schema: 1
 * and *out filled, 0 when it is none (not unique, unreadable).
 */
static int
index_key(struct ukey *out, sqlite3 *db, const char *table, const char *name,
    int partial, struct cg_err *err)
{
	static const char xq[] = "SELECT cid, name, coll FROM "
	    "pragma_index_xinfo(?1, 'main') WHERE key = 1 ORDER BY seqno";
	static const char sq[] = "SELECT sql FROM sqlite_schema WHERE "
	    "type = 'index' AND name = ?1";
	sqlite3_stmt *st = NULL;
	struct index_text x;
	const char *sql;
	size_t n = 0, len;
	int plain = 1, rc = 0;

	memset(out, 0, sizeof(*out));
	out->table = cg_strdup(table);
	out->cols = calloc(KEYS_MAX_TERMS, sizeof(char *));
	out->colls = calloc(KEYS_MAX_TERMS, sizeof(char *));
	if (out->table == NULL || out->cols == NULL || out->colls == NULL)
		goto nomem;
	if (sqlite3_prepare_v2(db, xq, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		goto none;
	while (plain && sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);
		const char *co = (const char *)sqlite3_column_text(st, 2);

		if (sqlite3_column_int(st, 0) < 0 || c == NULL ||
		    n == KEYS_MAX_TERMS) {
			plain = 0;
			break;
		}
		out->cols[n] = cg_strdup(c);
		out->colls[n] = cg_strdup(co != NULL ? co : "BINARY");
		out->ncols = ++n;
		if (out->cols[n - 1] == NULL || out->colls[n - 1] == NULL)
			goto nomem;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!plain || n == 0) {
		for (n = 0; n < out->ncols; n++) {
			free(out->cols[n]);
			free(out->colls[n]);
		}
		free(out->cols);
		free(out->colls);
		out->cols = out->colls = NULL;
		out->ncols = 0;
	}
	if (sqlite3_prepare_v2(db, sq, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    (sql = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		len = strlen(sql);
		if (parse_index(&x, sql, len) && x.unique) {
			out->text = cg_strndup(sql + x.open, x.end - x.open);
			if (out->text == NULL)
				goto nomem;
			if (x.where > 0) {
				out->where = cg_strndup(sql + x.where,
				    x.end - x.where);
				if (out->where == NULL)
					goto nomem;
			}
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	/* A partial index whose text was not read says nothing. */
	if ((partial && out->where == NULL) ||
	    (out->cols == NULL && out->text == NULL))
		goto none;
	return 1;
nomem:
	rc = cg_err_nomem(err);
none:
	sqlite3_finalize(st);
	key_release(out);
	return rc;
}

/*
 * Call fn for each unique key the live schema enforces on table.  Stops
 * at the first nonzero return of fn, and returns it.
 */
static int
live_keys(sqlite3 *db, const char *table,
    int (*fn)(struct ukey *, void *), void *payload, struct cg_err *err)
{
	static const char q[] = "SELECT name, \"partial\" FROM "
	    "pragma_index_list(?1, 'main') WHERE \"unique\" = 1";
	sqlite3_stmt *st = NULL;
	struct ukey key;
	int rc = 0;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		if (n == NULL)
			continue;
		rc = index_key(&key, db, table, n, sqlite3_column_int(st, 1),
		    err);
		if (rc <= 0)
			continue;
		rc = fn(&key, payload);
		key_release(&key);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- following the file ---- */

/* DROP INDEX [IF EXISTS] [schema.]name: the rows keep its key. */
static int
dropped_index(struct cg_sim_keys *k, sqlite3 *db, const char *sql,
    size_t len, struct cg_err *err)
{
	static const char q[] = "SELECT tbl_name FROM sqlite_schema WHERE "
	    "type = 'index' AND name = ?1 COLLATE NOCASE";
	static const char lq[] = "SELECT \"partial\" FROM pragma_index_list("
	    "?1, 'main') WHERE \"unique\" = 1 AND name = ?2 COLLATE NOCASE";
	sqlite3_stmt *st = NULL, *ls = NULL;
	struct cg_tok t, name;
	struct ukey key;
	size_t pos = 0;
	char *n = NULL;
	int rc = 0;

	len = cg_sql_body_end(sql, len);
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "DROP"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "INDEX"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (cg_tok_is(sql, name, "IF") && cg_tok_is(sql, t, "EXISTS"))
		t = cg_sql_qualified(sql, len, &pos, &name);
	if (t.kind != CG_TOK_END || !is_name(name))
		return 0;
	n = tok_ident(sql, name);
	if (n == NULL)
		return 0;
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, n, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_text(st, 0) == NULL)
		goto out;
	if (sqlite3_prepare_v2(db, lq, -1, &ls, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(ls, 1, (const char *)sqlite3_column_text(st, 0),
	    -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(ls, 2, n, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(ls) != SQLITE_ROW)
		goto out;
	rc = index_key(&key, db, (const char *)sqlite3_column_text(st, 0), n,
	    sqlite3_column_int(ls, 0), err);
	if (rc > 0)
		rc = push_key(k, &key, err);
out:
	sqlite3_finalize(ls);
	sqlite3_finalize(st);
	free(n);
	return rc < 0 ? rc : 0;
}

/* ALTER TABLE t ADD [COLUMN] c ...: every row holds c's default. */
static int
added_column(struct cg_sim_keys *k, const char *table, const char *sql,
    size_t len, struct cg_err *err)
{
	struct cg_tok t, name;
	struct added a;
	size_t pos = 0;

	len = cg_sql_body_end(sql, len);
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "ALTER"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "TABLE"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!cg_tok_is(sql, t, "ADD"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "COLUMN"))
		t = cg_sql_next_token(sql, len, &pos);
	if (!is_name(t))
		return 0;
	a.col = tok_ident(sql, t);
	a.table = cg_strdup(table);
	if (a.col == NULL || a.table == NULL ||
	    cg_grow(&k->a, &k->capa, k->na + 1, sizeof(*k->a), err) < 0) {
		free(a.col);
		free(a.table);
		return a.col == NULL && a.table != NULL ? 0 :
		    cg_err_nomem(err);
	}
	k->a[k->na++] = a;
	return 0;
}

/*
 * DELETE FROM t WHERE rowid NOT IN (SELECT MIN(rowid) FROM t GROUP BY
 * c1, ...): one row is left per (c1, ...), a key of the rows from now on.
 */
static int
is_rowid(const char *sql, struct cg_tok t)
{
	return cg_tok_is(sql, t, "rowid") || cg_tok_is(sql, t, "_rowid_") ||
	    cg_tok_is(sql, t, "oid");
}

/* The next token is the word kw (or the punctuation kw[0]). */
static int
next_is(const char *sql, size_t len, size_t *pos, const char *kw)
{
	struct cg_tok t = cg_sql_next_token(sql, len, pos);

	if (kw[1] == '\0' && !(kw[0] >= 'A' && kw[0] <= 'Z'))
		return cg_tok_is_punct(sql, t, kw[0]);
	return cg_tok_is(sql, t, kw);
}

/*
 * DELETE FROM t WHERE rowid NOT IN (SELECT MIN(rowid) FROM t GROUP BY
 * c1, ...): one row is left per (c1, ...), a key of the rows from now on.
 */
static int
dedupe(struct cg_sim_keys *k, sqlite3 *db, const char *table,
    const char *sql, size_t len, struct cg_err *err)
{
	struct span parts[KEYS_MAX_TERMS];
	struct cg_tok t, name;
	struct ukey key;
	size_t pos = 0, i, n, end;
	const char *coll;

	len = cg_sql_body_end(sql, len);
	if (!next_is(sql, len, &pos, "DELETE") ||
	    !next_is(sql, len, &pos, "FROM"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!tok_names(sql, name, table) || !cg_tok_is(sql, t, "WHERE") ||
	    !is_rowid(sql, cg_sql_next_token(sql, len, &pos)) ||
	    !next_is(sql, len, &pos, "NOT") || !next_is(sql, len, &pos, "IN") ||
	    !next_is(sql, len, &pos, "(") ||
	    !next_is(sql, len, &pos, "SELECT"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if ((!cg_tok_is(sql, t, "MIN") && !cg_tok_is(sql, t, "MAX")) ||
	    !next_is(sql, len, &pos, "(") ||
	    !is_rowid(sql, cg_sql_next_token(sql, len, &pos)) ||
	    !next_is(sql, len, &pos, ")") || !next_is(sql, len, &pos, "FROM"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!tok_names(sql, name, table) || !cg_tok_is(sql, t, "GROUP") ||
	    !next_is(sql, len, &pos, "BY"))
		return 0;
	/* The grouped columns, then the ')' that ends the statement. */
	end = len;
	while (end > pos && sql[end - 1] != ')')
		end--;
	if (end <= pos || cg_sql_skip_blank(sql, len, end) != len)
		return 0;
	n = split(parts, KEYS_MAX_TERMS, sql, pos, end - 1, 0);
	if (n == 0)
		return 0;
	memset(&key, 0, sizeof(key));
	key.table = cg_strdup(table);
	key.cols = calloc(n, sizeof(char *));
	key.colls = calloc(n, sizeof(char *));
	if (key.table == NULL || key.cols == NULL || key.colls == NULL)
		goto nomem;
	key.ncols = n;
	for (i = 0; i < n; i++) {
		size_t p = parts[i].off, e = p + parts[i].len;

		t = cg_sql_next_token(sql, e, &p);
		if (!is_name(t) ||
		    cg_sql_next_token(sql, e, &p).kind != CG_TOK_END)
			goto none;
		key.cols[i] = tok_ident(sql, t);
		if (key.cols[i] == NULL)
			goto none;
		coll = col_coll(db, table, key.cols[i]);
		if (coll == NULL)
			goto none;
		key.colls[i] = cg_strdup(coll);
		if (key.colls[i] == NULL)
			goto nomem;
	}
	return push_key(k, &key, err);
nomem:
	key_release(&key);
	return cg_err_nomem(err);
none:
	key_release(&key);
	return 0;
}

/* A rebuild's copy: INSERT INTO fresh SELECT cols FROM source. */
struct copy {
	char *source;
	char **to, **from;	/* pairs copied as they are */
	size_t n;
	struct cg_strvec nulls;	/* columns of into it sets to NULL */
};

static void
copy_release(struct copy *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->to[i]);
		free(c->from[i]);
	}
	free(c->to);
	free(c->from);
	free(c->source);
	cg_strvec_release(&c->nulls);
	memset(c, 0, sizeof(*c));
}

/* The names of table's columns, in order. */
static int
columns(struct cg_strvec *out, sqlite3 *db, const char *table,
    struct cg_err *err)
{
	static const char q[] = "SELECT name FROM pragma_table_xinfo(?1, "
	    "'main') WHERE hidden = 0 ORDER BY cid";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0) != NULL)
			rc = cg_strvec_push(out,
			    (const char *)sqlite3_column_text(st, 0), err);
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * 1 and *c filled when sql copies the rows of one table into `into`
 * (no join, grouping or compound: each row at most once), with the pairs
 * of columns whose values go over unchanged; 0 when it is no such copy.
 */
static int
parse_copy(struct copy *c, sqlite3 *db, const char *into, const char *sql,
    size_t len, struct cg_err *err)
{
	struct cg_strvec to = { 0 }, from = { 0 };
	struct span items[KEYS_MAX_TERMS];
	struct cg_tok t, name, alias = { CG_TOK_END, 0, 0 };
	size_t pos = 0, sel, fromoff, n, i, j, cols_off = 0, cols_end = 0;
	int depth = 0, rc = 0, star = 0;

	memset(c, 0, sizeof(*c));
	len = cg_sql_body_end(sql, len);
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "INSERT"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "OR")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (!cg_tok_is(sql, t, "IGNORE") &&
		    !cg_tok_is(sql, t, "ABORT") &&
		    !cg_tok_is(sql, t, "FAIL") &&
		    !cg_tok_is(sql, t, "ROLLBACK"))
			return 0;
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (!cg_tok_is(sql, t, "INTO"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!tok_names(sql, name, into))
		return 0;
	if (cg_tok_is_punct(sql, t, '(')) {
		cols_off = pos;
		for (;;) {
			t = cg_sql_next_token(sql, len, &pos);
			if (t.kind == CG_TOK_END)
				return 0;
			if (cg_tok_is_punct(sql, t, '(')) {
				depth++;
			} else if (cg_tok_is_punct(sql, t, ')') && depth-- == 0) {
				cols_end = t.off;
				break;
			}
		}
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (!cg_tok_is(sql, t, "SELECT"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "DISTINCT") || cg_tok_is(sql, t, "ALL"))
		t = cg_sql_next_token(sql, len, &pos);
	sel = t.off;
	for (depth = 0;; t = cg_sql_next_token(sql, len, &pos)) {
		if (t.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')'))
			depth--;
		else if (depth == 0 && cg_tok_is(sql, t, "FROM"))
			break;
	}
	fromoff = t.off;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!is_name(name))
		return 0;
	if (cg_tok_is(sql, t, "AS")) {
		alias = cg_sql_next_token(sql, len, &pos);
		t = cg_sql_next_token(sql, len, &pos);
	} else if (t.kind == CG_TOK_QUOTED || (t.kind == CG_TOK_WORD &&
	    !sqlite3_keyword_check(sql + t.off, (int)t.len))) {
		alias = t;
		t = cg_sql_next_token(sql, len, &pos);
	}
	/* Only a WHERE, an ORDER BY or a LIMIT may follow. */
	for (depth = 0; t.kind != CG_TOK_END;
	    t = cg_sql_next_token(sql, len, &pos)) {
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')'))
			depth--;
		else if (depth == 0 && (cg_tok_is_punct(sql, t, ',') ||
		    cg_tok_is(sql, t, "JOIN") || cg_tok_is(sql, t, "GROUP") ||
		    cg_tok_is(sql, t, "HAVING") || cg_tok_is(sql, t, "UNION") ||
		    cg_tok_is(sql, t, "INTERSECT") ||
		    cg_tok_is(sql, t, "EXCEPT") ||
		    cg_tok_is(sql, t, "WINDOW") || cg_tok_is(sql, t, "ON") ||
		    cg_tok_is(sql, t, "RETURNING")))
			return 0;
	}
	c->source = tok_ident(sql, name);
	if (c->source == NULL)
		return 0;
	if (!is_table(db, c->source))
		goto none;
	/* The target's columns, in the copy's order. */
	if (cols_end > 0) {
		n = split(items, KEYS_MAX_TERMS, sql, cols_off, cols_end, 0);
		for (i = 0; rc == 0 && i < n; i++) {
			size_t p = items[i].off;
			char *id;

			t = cg_sql_next_token(sql, items[i].off + items[i].len,
			    &p);
			id = tok_ident(sql, t);
			if (id == NULL)
				goto none;
			rc = cg_strvec_push(&to, id, err);
			free(id);
		}
		if (n == 0)
			goto none;
	} else {
		rc = columns(&to, db, into, err);
	}
	if (rc < 0)
		goto out;
	n = split(items, KEYS_MAX_TERMS, sql, sel, fromoff, 0);
	if (n == 1 && items[0].len == 1 && sql[items[0].off] == '*') {
		star = 1;
		rc = columns(&from, db, c->source, err);
		if (rc < 0)
			goto out;
		n = from.n;
	}
	if (n == 0 || n != to.n)
		goto none;
	c->to = calloc(n, sizeof(char *));
	c->from = calloc(n, sizeof(char *));
	if (c->to == NULL || c->from == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		char *src = NULL;

		if (star) {
			src = cg_strdup(from.v[i]);
			if (src == NULL)
				goto nomem;
		} else {
			size_t p = items[i].off, e = items[i].off +
			    items[i].len;
			struct cg_tok a = cg_sql_next_token(sql, e, &p);
			struct cg_tok b = cg_sql_next_token(sql, e, &p);

			if (cg_tok_is_punct(sql, b, '.') && (tok_names(sql, a,
			    c->source) || (alias.len > 0 &&
			    a.len == alias.len &&
			    strncasecmp(sql + a.off, sql + alias.off,
			    a.len) == 0))) {
				a = cg_sql_next_token(sql, e, &p);
				b = cg_sql_next_token(sql, e, &p);
			}
			if (cg_tok_is(sql, b, "AS"))
				b = cg_sql_next_token(sql, e, &p);
			if (b.kind == CG_TOK_WORD || b.kind == CG_TOK_QUOTED)
				b = cg_sql_next_token(sql, e, &p);
			if (cg_tok_is(sql, a, "NULL") && b.kind == CG_TOK_END) {
				if (cg_strvec_push(&c->nulls, to.v[i], err) < 0)
					goto nomem;
				continue;
			}
			if (is_name(a) && b.kind == CG_TOK_END)
				src = tok_ident(sql, a);
		}
		if (src == NULL)
			continue;
		/* Values that compare the same only: affinity, collation. */
		if (col_affinity(db, c->source, src) == 0 ||
		    col_affinity(db, c->source, src) !=
		    col_affinity(db, into, to.v[i]) ||
		    col_coll(db, into, to.v[i]) == NULL ||
		    strcasecmp(col_coll(db, c->source, src),
		    col_coll(db, into, to.v[i])) != 0) {
			free(src);
			continue;
		}
		j = c->n++;
		c->from[j] = src;
		c->to[j] = cg_strdup(to.v[i]);
		if (c->to[j] == NULL)
			goto nomem;
	}
	rc = 1;
	goto out;
nomem:
	rc = cg_err_nomem(err);
none:
	copy_release(c);
	if (rc > 0)
		rc = 0;
out:
	cg_strvec_release(&to);
	cg_strvec_release(&from);
	return rc;
}

/* The new name of source column col, or NULL when it is not copied. */
static const char *
copied_as(const struct copy *c, const char *col)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (cg_ident_eq(c->from[i], col))
			return c->to[i];
	return NULL;
}

/* 1 when every column of the source that text names keeps its name. */
static int
same_names(sqlite3 *db, const struct copy *c, const char *text)
{
	struct cg_tok t;
	size_t pos = 0, len = strlen(text);
	const char *to;
	char *id;
	int ok = 1;

	while (ok) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (!is_name(t))
			continue;
		id = tok_ident(text, t);
		if (id == NULL)
			return 0;
		if (col_coll(db, c->source, id) != NULL) {
			to = copied_as(c, id);
			ok = to != NULL && cg_ident_eq(to, id);
		}
		free(id);
	}
	return ok;
}

struct carry {
	struct cg_sim_keys *k;
	sqlite3 *db;
	const struct copy *c;
	const char *into;
	struct cg_err *err;
};

/* Key of the source, if its columns go over: the same key of the copy. */
static int
carry_key(struct ukey *src, void *payload)
{
	struct carry *p = payload;
	struct ukey key;
	const char *to;
	size_t i;

	memset(&key, 0, sizeof(key));
	key.table = cg_strdup(p->into);
	if (key.table == NULL)
		goto nomem;
	if (src->where != NULL && !same_names(p->db, p->c, src->where))
		goto none;
	if (src->text != NULL && same_names(p->db, p->c, src->text)) {
		key.text = cg_strdup(src->text);
		if (key.text == NULL)
			goto nomem;
	}
	if (src->where != NULL) {
		key.where = cg_strdup(src->where);
		if (key.where == NULL)
			goto nomem;
	}
	for (i = 0; src->cols != NULL && i < src->ncols; i++)
		if (copied_as(p->c, src->cols[i]) == NULL)
			break;
	if (src->cols != NULL && i == src->ncols) {
		key.cols = calloc(src->ncols, sizeof(char *));
		key.colls = calloc(src->ncols, sizeof(char *));
		if (key.cols == NULL || key.colls == NULL)
			goto nomem;
		key.ncols = src->ncols;
		for (i = 0; i < src->ncols; i++) {
			to = copied_as(p->c, src->cols[i]);
			key.cols[i] = cg_strdup(to);
			key.colls[i] = cg_strdup(src->colls[i]);
			if (key.cols[i] == NULL || key.colls[i] == NULL)
				goto nomem;
		}
	}
	if (key.cols == NULL && key.text == NULL)
		goto none;
	return push_key(p->k, &key, p->err) < 0 ? -1 : 0;
nomem:
	key_release(&key);
	cg_err_nomem(p->err);
	return -1;
none:
	key_release(&key);
	return 0;
}

/* The rows of the fresh table into are a copy: they keep the keys. */
static int
copied(struct cg_sim_keys *k, sqlite3 *db, const char *into,
    const char *sql, size_t len, struct cg_err *err)
{
	struct carry p;
	struct copy c;
	size_t i, n;
	int rc;

	rc = parse_copy(&c, db, into, sql, len, err);
	if (rc <= 0)
		return rc;
	p.k = k;
	p.db = db;
	p.c = &c;
	p.into = into;
	p.err = err;
	rc = live_keys(db, c.source, carry_key, &p, err);
	/* carry_key appends: look at the keys there were only. */
	n = k->nk;
	for (i = 0; rc == 0 && i < n; i++) {
		struct ukey src;

		if (!cg_ident_eq(k->k[i].table, c.source))
			continue;
		src = k->k[i];	/* not released: k->k may move */
		src.table = NULL;
		rc = carry_key(&src, &p);
	}
	copy_release(&c);
	return rc < 0 ? CG_ENOMEM : 0;
}

static int
was_created(const struct cg_sim_keys *k, const char *table, size_t *at)
{
	size_t i;

	for (i = 0; i < k->created.n; i++) {
		if (cg_ident_eq(k->created.v[i], table)) {
			if (at != NULL)
				*at = i;
			return 1;
		}
	}
	return 0;
}

static void
uncreate(struct cg_sim_keys *k, const char *table)
{
	size_t i;

	if (!was_created(k, table, &i))
		return;
	free(k->created.v[i]);
	k->created.v[i] = k->created.v[--k->created.n];
}

static int
rename_table(struct cg_sim_keys *k, const char *from, const char *to,
    struct cg_err *err)
{
	size_t i;
	char *n;

	for (i = 0; i < k->nk; i++) {
		if (!cg_ident_eq(k->k[i].table, from))
			continue;
		n = cg_strdup(to);
		if (n == NULL)
			return cg_err_nomem(err);
		free(k->k[i].table);
		k->k[i].table = n;
	}
	for (i = 0; i < k->na; i++) {
		if (!cg_ident_eq(k->a[i].table, from))
			continue;
		n = cg_strdup(to);
		if (n == NULL)
			return cg_err_nomem(err);
		free(k->a[i].table);
		k->a[i].table = n;
	}
	if (was_created(k, from, &i)) {
		n = cg_strdup(to);
		if (n == NULL)
			return cg_err_nomem(err);
		free(k->created.v[i]);
		k->created.v[i] = n;
	}
	return 0;
}

static int
empty(sqlite3 *db, const char *table)
{
	char *q = sqlite3_mprintf("SELECT 1 FROM \"%w\" LIMIT 1", table);
	int found;

	if (q == NULL)
		return 0;
	found = exists(db, q, NULL);
	sqlite3_free(q);
	return !found;
}

/*
 * Rows added by an INSERT ... SELECT that sets a key column to NULL in
 * each of them cannot agree with any row on that key: such keys stay
 * (by their columns), the rest of table's are forgotten.
 */
static int
inserted(struct cg_sim_keys *k, sqlite3 *db, const char *table,
    const char *sql, size_t len, struct cg_err *err)
{
	struct copy c;
	size_t i, m, j;
	int rc, keep;

	rc = parse_copy(&c, db, table, sql, len, err);
	if (rc < 0)
		return rc;
	for (i = j = 0; i < k->nk; i++) {
		struct ukey *key = &k->k[i];

		keep = !cg_ident_eq(key->table, table);
		for (m = 0; !keep && rc > 0 && key->cols != NULL &&
		    m < key->ncols; m++)
			keep = in_vec(&c.nulls, key->cols[m]);
		if (!keep) {
			key_release(key);
			continue;
		}
		if (cg_ident_eq(key->table, table)) {
			free(key->text);	/* the column path only */
			key->text = NULL;
		}
		k->k[j++] = *key;
	}
	k->nk = j;
	forget_added(k, table, NULL);
	copy_release(&c);
	return 0;
}

/* The names of the columns a SET list writes; 0 when it cannot tell. */
static int
set_columns(struct cg_strvec *out, const char *sql, size_t len, size_t pos,
    struct cg_err *err)
{
	struct cg_tok t;
	int depth = 0, lhs = 1;
	char *id;

	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			return 1;
		if (cg_tok_is_punct(sql, t, '(')) {
			depth++;
		} else if (cg_tok_is_punct(sql, t, ')')) {
			depth--;
		} else if (depth == 0 && cg_tok_is_punct(sql, t, ',')) {
			lhs = 1;
			continue;
		} else if (depth == 0 && (cg_tok_is(sql, t, "WHERE") ||
		    cg_tok_is(sql, t, "FROM") || cg_tok_is(sql, t, "RETURNING") ||
		    cg_tok_is(sql, t, "ORDER") || cg_tok_is(sql, t, "LIMIT"))) {
			return 1;
		} else if (cg_tok_is_punct(sql, t, '=') && depth == 0) {
			lhs = 0;
			continue;
		}
		if (!lhs || cg_tok_is_punct(sql, t, '(') || cg_tok_is_punct(sql, t, ')') ||
		    cg_tok_is_punct(sql, t, ','))
			continue;
		/* SET col = ..., or SET (a, b) = ... */
		id = is_name(t) ? tok_ident(sql, t) : NULL;
		if (id == NULL)
			return 0;
		if (cg_strvec_push(out, id, err) < 0) {
			free(id);
			return CG_ENOMEM;
		}
		free(id);
	}
}

/* 1 when text names one of the columns. */
static int
names_any(const char *text, const struct cg_strvec *cols)
{
	struct cg_tok t;
	size_t pos = 0, len = strlen(text), i;

	for (;;) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			return 0;
		for (i = 0; is_name(t) && i < cols->n; i++)
			if (tok_names(text, t, cols->v[i]))
				return 1;
	}
}

/* The key (col) that copied_unique found, on table; col is taken. */
static int
copy_key(struct cg_sim_keys *k, sqlite3 *db, const char *table, char *col,
    struct cg_err *err)
{
	struct ukey key;
	const char *coll = col_coll(db, table, col);

	memset(&key, 0, sizeof(key));
	key.table = cg_strdup(table);
	key.cols = calloc(1, sizeof(*key.cols));
	key.colls = calloc(1, sizeof(*key.colls));
	if (key.cols != NULL)
		key.cols[0] = col;
	else
		free(col);
	key.ncols = 1;
	if (key.colls != NULL)
		key.colls[0] = cg_strdup(coll != NULL ? coll : "BINARY");
	if (key.table == NULL || key.cols == NULL || key.colls == NULL ||
	    key.colls[0] == NULL) {
		if (key.colls == NULL) {
			free(key.cols != NULL ? key.cols[0] : NULL);
			free(key.cols);
			key.cols = NULL;
		}
		key_release(&key);
		return cg_err_nomem(err);
	}
	return push_key(k, &key, err);
}

/*
 * UPDATE t SET new = old [WHERE ...], where new is a column the file
 * added with the default NULL and nothing wrote since, and old is a
 * unique column of t (a unique index of that one column, not partial)
 * with the same affinity and collation: no two rows agree on new from
 * now on (the rows the WHERE leaves keep their NULL).  *out is that
 * column, malloc'd; NULL when the statement is not that.
 */
static int
copied_unique(char **out, struct cg_sim_keys *k, sqlite3 *db,
    const char *table, const char *sql, size_t len, size_t pos)
{
	static const char uq[] = "SELECT 1 FROM pragma_index_list(?1, 'main') "
	    "AS il WHERE il.\"unique\" = 1 AND il.\"partial\" = 0 AND "
	    "(SELECT count(*) FROM pragma_index_info(il.name)) = 1 AND "
	    "(SELECT name FROM pragma_index_info(il.name)) = ?2 COLLATE NOCASE "
	    "AND (SELECT coll FROM pragma_index_xinfo(il.name) WHERE key = 1) "
	    "= ?3 COLLATE NOCASE";
	struct cg_tok dst, eq, src, t;
	char *d = NULL, *o = NULL;
	const char *dc, *oc;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ok = 0;

	*out = NULL;
	dst = cg_sql_next_token(sql, len, &pos);
	eq = cg_sql_next_token(sql, len, &pos);
	src = cg_sql_next_token(sql, len, &pos);
	t = cg_sql_next_token(sql, len, &pos);
	if (!is_name(dst) || !cg_tok_is_punct(sql, eq, '=') || !is_name(src) ||
	    (t.kind != CG_TOK_END && !cg_tok_is(sql, t, "WHERE")))
		return 0;
	d = tok_ident(sql, dst);
	o = tok_ident(sql, src);
	if (d == NULL || o == NULL || cg_ident_eq(d, o))
		goto out;
	for (i = 0; i < k->na; i++)
		if (cg_ident_eq(k->a[i].table, table) &&
		    cg_ident_eq(k->a[i].col, d))
			break;
	dc = col_coll(db, table, d);
	oc = col_coll(db, table, o);
	if (i == k->na || dc == NULL || oc == NULL || !cg_ident_eq(dc, oc) ||
	    col_affinity(db, table, d) != col_affinity(db, table, o))
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1, "
	    "'main') WHERE name = ?2 COLLATE NOCASE AND dflt_value IS NULL",
	    -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_STATIC) == SQLITE_OK)
		ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(db, uq, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, o, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, oc, -1, SQLITE_STATIC) == SQLITE_OK)
		ok = sqlite3_step(st) == SQLITE_ROW;
	else
		ok = 0;
	sqlite3_finalize(st);
	if (ok) {
		*out = d;
		d = NULL;
	}
out:
	free(d);
	free(o);
	return 0;
}

/*
 * UPDATE table SET cols: the keys and added columns of table that do not
 * involve cols stay.  Everything goes when it cannot tell what else the
 * UPDATE writes: a trigger, a foreign key whose ON UPDATE acts on
 * another table, a SET it cannot read.
 */
static int
updated(struct cg_sim_keys *k, sqlite3 *db, const char *table,
    const char *sql, size_t len, struct cg_err *err)
{
	struct cg_strvec cols = CG_STRVEC_INIT;
	struct cg_tok t, name;
	char *copy = NULL;
	size_t pos = 0, i, j;
	int rc;

	len = cg_sql_body_end(sql, len);
	t = cg_sql_next_token(sql, len, &pos);
	/* A generated column may follow what it sets: forget all then. */
	if (table == NULL || !cg_tok_is(sql, t, "UPDATE") || any_trigger(db) ||
	    update_acts(db, table) || exists(db, "SELECT 1 FROM "
	    "pragma_table_xinfo(?1, 'main') WHERE hidden IN (2, 3)", table))
		goto all;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!tok_names(sql, name, table))
		goto all;
	if (cg_tok_is(sql, t, "AS"))
		t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "SET"))
		t = cg_sql_next_token(sql, len, &pos);	/* the alias */
	if (!cg_tok_is(sql, t, "SET"))
		goto all;
	if (copied_unique(&copy, k, db, table, sql, len, pos) < 0)
		return cg_err_nomem(err);
	rc = set_columns(&cols, sql, len, pos, err);
	if (rc < 0) {
		cg_strvec_release(&cols);
		free(copy);
		return rc;
	}
	if (rc == 0 || cols.n == 0)
		goto all;
	for (i = j = 0; i < k->nk; i++) {
		struct ukey *key = &k->k[i];
		int hit = 0;
		size_t m;

		if (cg_ident_eq(key->table, table)) {
			for (m = 0; !hit && key->cols != NULL &&
			    m < key->ncols; m++)
				hit = in_vec(&cols, key->cols[m]);
			hit = hit || (key->where != NULL &&
			    names_any(key->where, &cols)) ||
			    (key->text != NULL && names_any(key->text, &cols));
		}
		if (hit) {
			key_release(key);
			continue;
		}
		k->k[j++] = *key;
	}
	k->nk = j;
	forget_added(k, table, &cols);
	cg_strvec_release(&cols);
	return copy != NULL ? copy_key(k, db, table, copy, err) : 0;
all:
	cg_strvec_release(&cols);
	free(copy);
	forget(k, NULL);
	return 0;
}

int
cg_sim_keys_stmt(struct cg_sim_keys *k, sqlite3 *db, const struct cg_stmt *st,
    struct cg_err *err)
{
	const char *t = st->table;
	unsigned f = st->flags;
	size_t pos = 0;
	struct cg_tok w;

	if (st->sql == NULL)
		return 0;
	if (f & (CG_ST_REPLACE | CG_ST_UPDATE_OR_REPLACE | CG_ST_REPLACE_KEY)) {
		/* It deletes the rows it replaces, and writes new ones. */
		forget(k, NULL);
		return 0;
	}
	if (f & CG_ST_UPDATE)
		return updated(k, db, t, st->sql, st->sql_len, err);
	if ((f & (CG_ST_INSERT | CG_ST_DELETE | CG_ST_DROP_TABLE)) &&
	    any_trigger(db) && forget_triggered(k, db) < 0)
		return cg_err_nomem(err);
	if (f & CG_ST_INSERT) {
		if (t == NULL) {
			forget(k, NULL);
			return 0;
		}
		if (was_created(k, t, NULL) && empty(db, t)) {
			forget(k, t);
			return copied(k, db, t, st->sql, st->sql_len, err);
		}
		return inserted(k, db, t, st->sql, st->sql_len, err);
	}
	if (f & (CG_ST_DELETE | CG_ST_DROP_TABLE)) {
		/*
		 * Rows go, none change, but for ON DELETE SET DEFAULT, which
		 * may make rows of other tables agree.  (An added column that
		 * is a foreign key has the default NULL: SET NULL keeps it.)
		 */
		if (any_set_default(db))
			forget_keys_but(k, (f & CG_ST_DELETE) ? t : NULL);
		if ((f & CG_ST_DROP_TABLE) && t != NULL) {
			forget(k, t);
			uncreate(k, t);
		}
		if ((f & CG_ST_DELETE) && t != NULL)
			return dedupe(k, db, t, st->sql, st->sql_len, err);
		return 0;
	}
	if ((f & CG_ST_RENAME_TABLE) && t != NULL && st->new_name != NULL)
		return rename_table(k, t, st->new_name, err);
	if (f & (CG_ST_RENAME_COLUMN | CG_ST_DROP_COLUMN)) {
		if (t != NULL)
			forget(k, t);
		else
			forget(k, NULL);
		return 0;
	}
	if ((f & CG_ST_ALTER) && t != NULL)
		return added_column(k, t, st->sql, st->sql_len, err);
	if ((f & CG_ST_CREATE) && t != NULL) {
		w = cg_sql_next_token(st->sql, st->sql_len, &pos);
		w = cg_sql_next_token(st->sql, st->sql_len, &pos);
		if (cg_tok_is(st->sql, w, "TEMP") ||
		    cg_tok_is(st->sql, w, "TEMPORARY"))
			w = cg_sql_next_token(st->sql, st->sql_len, &pos);
		if (cg_tok_is(st->sql, w, "TABLE") && !is_table(db, t) &&
		    !was_created(k, t, NULL))
			return cg_strvec_push(&k->created, t, err);
		return 0;
	}
	return dropped_index(k, db, st->sql, st->sql_len, err);
}

/* ---- the verdict on a CREATE UNIQUE INDEX ---- */

/* A term of the new index that is a column: its name and collation. */
struct term {
	char *col;		/* NULL: an expression */
	const char *coll;	/* NULL: any (one value in every row) */
};

struct judge {
	sqlite3 *db;
	const char *sql;
	const char *newtext;	/* "(terms) [WHERE ...]" */
	size_t newlen;
	struct span conj[KEYS_MAX_TERMS];
	size_t nconj;
	struct term *terms;
	size_t nterms;
};

/* 1 when cond's conjuncts are all the new index's, or keep NULLs out. */
static int
implied(const struct judge *j, const struct ukey *key)
{
	struct span kc[KEYS_MAX_TERMS];
	size_t n, i, m, pos;
	struct cg_tok a, b, c, d;
	int ok;

	n = split(kc, KEYS_MAX_TERMS, key->where, 0, strlen(key->where), 1);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		ok = 0;
		for (m = 0; !ok && m < j->nconj; m++)
			ok = cg_sql_same_tokens(key->where + kc[i].off,
			    kc[i].len, j->sql + j->conj[m].off,
			    j->conj[m].len);
		if (ok)
			continue;
		/* "k IS NOT NULL" of a key column: NULLs never collide. */
		pos = kc[i].off;
		a = cg_sql_next_token(key->where, kc[i].off + kc[i].len, &pos);
		b = cg_sql_next_token(key->where, kc[i].off + kc[i].len, &pos);
		c = cg_sql_next_token(key->where, kc[i].off + kc[i].len, &pos);
		d = cg_sql_next_token(key->where, kc[i].off + kc[i].len, &pos);
		if (!cg_tok_is(key->where, b, "IS") ||
		    !cg_tok_is(key->where, c, "NOT") ||
		    !cg_tok_is(key->where, d, "NULL") ||
		    cg_sql_next_token(key->where, kc[i].off + kc[i].len,
		    &pos).kind != CG_TOK_END)
			return 0;
		for (m = 0; !ok && m < key->ncols; m++)
			ok = tok_names(key->where, a, key->cols[m]);
		if (!ok)
			return 0;
	}
	return 1;
}

/* 1 when the rows are known to satisfy key, and key is within the new. */
static int
covers(const struct judge *j, const struct ukey *key)
{
	size_t i, m;
	int found;

	if (key->text != NULL && cg_sql_same_tokens(key->text,
	    strlen(key->text), j->newtext, j->newlen))
		return 1;
	if (key->cols == NULL)
		return 0;
	if (key->where != NULL && !implied(j, key))
		return 0;
	for (i = 0; i < key->ncols; i++) {
		found = 0;
		for (m = 0; !found && m < j->nterms; m++)
			found = j->terms[m].col != NULL &&
			    cg_ident_eq(j->terms[m].col, key->cols[i]) &&
			    (j->terms[m].coll == NULL ||
			    strcasecmp(j->terms[m].coll, key->colls[i]) == 0);
		if (!found)
			return 0;
	}
	return 1;
}

static int
covers_cb(struct ukey *key, void *payload)
{
	return covers(payload, key);
}

static int
add_term(struct judge *j, char *col, const char *coll)
{
	struct term *n = realloc(j->terms, (j->nterms + 1) * sizeof(*n));

	if (n == NULL) {
		free(col);
		return -1;
	}
	j->terms = n;
	j->terms[j->nterms].col = col;
	j->terms[j->nterms].coll = coll;
	j->nterms++;
	return 0;
}

/* text has no "x" that SQLite could read as a string when x is no column. */
static int
no_dq(const char *sql, size_t off, size_t len)
{
	struct cg_tok t;
	size_t pos = off;

	for (;;) {
		t = cg_sql_next_token(sql, off + len, &pos);
		if (t.kind == CG_TOK_END)
			return 1;
		if (t.kind == CG_TOK_QUOTED && sql[t.off] == '"')
			return 0;
	}
}

/*
 * With every row holding the defaults of the columns the file added:
 * 1 when a term is NULL in all of them or a conjunct true in none.
 */
static int
by_defaults(struct cg_sim_keys *k, struct judge *j, const char *table,
    const struct span *terms, size_t nterms, struct cg_err *err)
{
	static const char q[] = "SELECT dflt_value FROM pragma_table_xinfo(?1, "
	    "'main') WHERE name = ?2 COLLATE NOCASE AND hidden = 0";
	struct cg_buf cte = CG_BUF_INIT, names = CG_BUF_INIT,
	    vals = CG_BUF_INIT, e = CG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char *qt = NULL, *qc;
	size_t i, n = 0;
	int rc = 0, verdict = 0;

	for (i = 0; rc == 0 && i < k->na; i++) {
		const char *d;

		if (!cg_ident_eq(k->a[i].table, table))
			continue;
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_prepare_v2(j->db, q, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) !=
		    SQLITE_OK || sqlite3_bind_text(st, 2, k->a[i].col, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW)
			continue;
		d = (const char *)sqlite3_column_text(st, 0);
		qc = sqlite3_mprintf("\"%w\"", k->a[i].col);
		rc = qc == NULL ? cg_err_nomem(err) : cg_buf_printf(&names,
		    err, "%s%s", n ? ", " : "", qc);
		sqlite3_free(qc);
		if (rc == 0)
			rc = cg_buf_printf(&vals, err, "%s(%s)", n ? ", " : "",
			    d != NULL ? d : "NULL");
		n++;
		/* A default that is not NULL: one value, any collation. */
		if (rc == 0 && d != NULL && strcasecmp(d, "NULL") != 0) {
			char *c = cg_strdup(k->a[i].col);

			rc = c == NULL || add_term(j, c, NULL) < 0 ?
			    cg_err_nomem(err) : 0;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc < 0 || n == 0)
		goto out;
	qt = sqlite3_mprintf("\"%w\"", table);
	rc = qt == NULL ? cg_err_nomem(err) : cg_buf_printf(&cte, err,
	    "WITH %s(%s) AS (SELECT %s) ", qt, names.data, vals.data);
	for (i = 0; rc == 0 && !verdict && i < nterms + j->nconj; i++) {
		const struct span *s = i < nterms ? &terms[i] :
		    &j->conj[i - nterms];

		if (!no_dq(j->sql, s->off, s->len))
			continue;
		e.len = 0;
		if (i < nterms)
			rc = cg_buf_printf(&e, err, "%sSELECT (%.*s) IS NULL "
			    "FROM %s", cte.data, (int)s->len,
			    j->sql + s->off, qt);
		else
			rc = cg_buf_printf(&e, err, "%sSELECT NOT EXISTS "
			    "(SELECT 1 FROM %s WHERE (%.*s))", cte.data,
			    qt, (int)s->len, j->sql + s->off);
		if (rc < 0)
			break;
		/* Only the added columns resolve: else it does not prepare. */
		if (sqlite3_prepare_v2(j->db, e.data, -1, &st, NULL) ==
		    SQLITE_OK && st != NULL && sqlite3_stmt_readonly(st) &&
		    sqlite3_step(st) == SQLITE_ROW)
			verdict = sqlite3_column_int(st, 0) == 1;
		sqlite3_finalize(st);
		st = NULL;
	}
out:
	sqlite3_free(qt);
	cg_buf_release(&e);
	cg_buf_release(&vals);
	cg_buf_release(&names);
	cg_buf_release(&cte);
	return rc < 0 ? rc : verdict;
}

/* "col = literal" conjuncts: every row in the index has that value. */
static int
fixed_columns(struct judge *j, const char *table)
{
	size_t i, pos, end;
	struct cg_tok a, b, c;
	const char *coll;
	char *col;

	for (i = 0; i < j->nconj; i++) {
		pos = j->conj[i].off;
		end = pos + j->conj[i].len;
		a = cg_sql_next_token(j->sql, end, &pos);
		b = cg_sql_next_token(j->sql, end, &pos);
		c = cg_sql_next_token(j->sql, end, &pos);
		if (!is_name(a) || !cg_tok_is_punct(j->sql, b, '=') ||
		    (c.kind != CG_TOK_STRING && c.kind != CG_TOK_NUMBER) ||
		    cg_sql_next_token(j->sql, end, &pos).kind != CG_TOK_END)
			continue;
		col = tok_ident(j->sql, a);
		if (col == NULL)
			continue;
		/* Equal under BINARY only: then one value, any collation. */
		coll = col_coll(j->db, table, col);
		if (coll == NULL || strcasecmp(coll, "BINARY") != 0) {
			free(col);
			continue;
		}
		if (add_term(j, col, NULL) < 0)
			return -1;
	}
	return 0;
}

int
cg_sim_keys_cannot_fail(struct cg_sim_keys *k, sqlite3 *db, const char *sql,
    size_t len, const char *table, struct cg_err *err)
{
	struct span terms[KEYS_MAX_TERMS];
	struct index_text x;
	struct judge j;
	size_t n, i;
	int rc = 0;

	if (!parse_index(&x, sql, len) || !x.unique)
		return 0;
	memset(&j, 0, sizeof(j));
	j.db = db;
	j.sql = sql;
	j.newtext = sql + x.open;
	j.newlen = x.end - x.open;
	n = split(terms, KEYS_MAX_TERMS, sql, x.open + 1, x.close, 0);
	if (n == 0)
		return 0;
	if (x.where > 0) {
		j.nconj = split(j.conj, KEYS_MAX_TERMS, sql, x.where, x.end,
		    1);
		if (j.nconj == 0)
			return 0;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		size_t pos = terms[i].off, end = pos + terms[i].len;
		struct cg_tok a = cg_sql_next_token(sql, end, &pos);
		struct cg_tok b = cg_sql_next_token(sql, end, &pos);
		const char *coll = NULL;
		char *col = NULL, *named = NULL;

		if (cg_tok_is(sql, b, "COLLATE")) {
			b = cg_sql_next_token(sql, end, &pos);
			named = is_name(b) ? tok_ident(sql, b) : NULL;
			b = named != NULL ? cg_sql_next_token(sql, end, &pos) :
			    b;
		}
		if (is_name(a) && b.kind == CG_TOK_END)
			col = tok_ident(sql, a);
		if (col != NULL)
			coll = col_coll(db, table, col);
		if (col != NULL && coll != NULL && named != NULL) {
			/* The built-in collations; another is an expression. */
			coll = strcasecmp(named, "BINARY") == 0 ? "BINARY" :
			    strcasecmp(named, "NOCASE") == 0 ? "NOCASE" :
			    strcasecmp(named, "RTRIM") == 0 ? "RTRIM" : NULL;
		}
		free(named);
		if (coll == NULL) {
			free(col);
			col = NULL;
		}
		/* An expression term (col NULL) matches no key column. */
		if (add_term(&j, col, coll) < 0)
			rc = cg_err_nomem(err);
	}
	if (rc == 0 && fixed_columns(&j, table) < 0)
		rc = cg_err_nomem(err);
	if (rc == 0)
		rc = by_defaults(k, &j, table, terms, n, err);
	for (i = 0; rc == 0 && i < k->nk; i++)
		if (cg_ident_eq(k->k[i].table, table))
			rc = covers(&j, &k->k[i]);
	if (rc == 0)
		rc = live_keys(db, table, covers_cb, &j, err);
	for (i = 0; i < j.nterms; i++)
		free(j.terms[i].col);
	free(j.terms);
	return rc;
}
