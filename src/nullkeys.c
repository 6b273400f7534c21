/* SPDX-License-Identifier: MIT */
/*
 * Foreign-key columns a migration file leaves NULL in every row (see
 * nullkeys.h).  The statements are read with sqltext.c's tokens; what is
 * not understood makes a table's columns unknown, never known.  Pure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nullkeys.h"
#include "rules.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

#define MAX_NAME 256	/* longer identifiers are not tracked */

/* A statement's tokens, up to its end or first top-level ';'. */
struct toks {
	const char *sql;
	struct cg_tok *v;
	size_t n;
};

static int
tokenize(struct toks *t, const char *sql, size_t len, struct cg_err *err)
{
	struct cg_tok tok;
	size_t pos = 0, cap = 0;

	t->sql = sql;
	t->v = NULL;
	t->n = 0;
	for (;;) {
		tok = cg_sql_next_token(sql, len, &pos);
		if (tok.kind == CG_TOK_END ||
		    (tok.kind == CG_TOK_PUNCT && sql[tok.off] == ';'))
			break;
		if (cg_grow(&t->v, &cap, t->n + 1, sizeof(*t->v), err) < 0)
			return CG_ENOMEM;
		t->v[t->n++] = tok;
	}
	return 0;
}

static int
is_word(const struct toks *t, size_t i, const char *kw)
{
	return i < t->n && cg_tok_is(t->sql, t->v[i], kw);
}

static int
is_punct(const struct toks *t, size_t i, char c)
{
	return i < t->n && t->v[i].kind == CG_TOK_PUNCT &&
	    t->sql[t->v[i].off] == c;
}

/* The identifier at i, unquoted, into out; 0 when it is none. */
static int
ident(const struct toks *t, size_t i, char out[MAX_NAME])
{
	const char *s;
	size_t n;

	if (i >= t->n)
		return 0;
	s = t->sql + t->v[i].off;
	n = t->v[i].len;
	if (t->v[i].kind == CG_TOK_QUOTED) {
		if (n < 2)
			return 0;
		s++;
		n -= 2;
		if (memchr(s, s[-1] == '[' ? ']' : s[-1], n) != NULL)
			return 0;	/* a doubled quote: not tracked */
	} else if (t->v[i].kind != CG_TOK_WORD) {
		return 0;
	}
	if (n == 0 || n >= MAX_NAME)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/* Index after the group that opens at i ('('), or t->n if unbalanced. */
static size_t
skip_group(const struct toks *t, size_t i)
{
	size_t depth = 0;

	for (; i < t->n; i++) {
		if (is_punct(t, i, '('))
			depth++;
		else if (is_punct(t, i, ')') && --depth == 0)
			return i + 1;
	}
	return t->n;
}

/* Words that end a select list or a SET list at depth 0. */
static int
ends_list(const struct toks *t, size_t i)
{
	static const char *const words[] = { "FROM", "WHERE", "GROUP",
		"ORDER", "LIMIT", "WINDOW", "UNION", "INTERSECT", "EXCEPT",
		"RETURNING", "ON", "HAVING", NULL };
	size_t k;

	if (i >= t->n || is_punct(t, i, ')'))
		return 1;
	for (k = 0; words[k] != NULL; k++)
		if (is_word(t, i, words[k]))
			return 1;
	return 0;
}

/*
 * Split the comma list at *i into expressions, noting which are a bare
 * NULL; stop at a closing ')' or a word that ends the list.  Returns the
 * count, or SIZE_MAX when more than max.
 */
static size_t
expr_list(const struct toks *t, size_t *i, int *is_null, size_t max)
{
	size_t n = 0, start;

	for (;;) {
		start = *i;
		while (!ends_list(t, *i) && !is_punct(t, *i, ',')) {
			if (is_punct(t, *i, '('))
				*i = skip_group(t, *i);
			else
				(*i)++;
		}
		if (n >= max)
			return SIZE_MAX;
		is_null[n++] = *i == start + 1 && is_word(t, start, "NULL");
		if (!is_punct(t, *i, ','))
			return n;
		(*i)++;
	}
}

static struct cg_nullkeys_table *
find(const struct cg_nullkeys *nk, const char *table)
{
	size_t i;

	if (table == NULL)
		return NULL;
	for (i = 0; i < nk->n; i++)
		if (cg_ident_eq(nk->v[i].name, table))
			return &nk->v[i];
	return NULL;
}

void
cg_nullkeys_forget(struct cg_nullkeys *nk, const char *table)
{
	struct cg_nullkeys_table *e;

	if (table == NULL) {
		while (nk->n > 0)
			cg_nullkeys_forget(nk, nk->v[0].name);
		return;
	}
	e = find(nk, table);
	if (e == NULL)
		return;
	free(e->name);
	cg_strvec_release(&e->cols);
	cg_strvec_release(&e->clean);
	cg_strvec_release(&e->pinned);
	*e = nk->v[--nk->n];
}

void
cg_nullkeys_release(struct cg_nullkeys *nk)
{
	cg_nullkeys_forget(nk, NULL);
	free(nk->v);
	nk->v = NULL;
	nk->cap = 0;
}

static int
add(struct cg_nullkeys_table **out, struct cg_nullkeys *nk,
    const char *table, struct cg_err *err)
{
	struct cg_nullkeys_table *e;

	if (cg_grow(&nk->v, &nk->cap, nk->n + 1, sizeof(*nk->v), err) < 0)
		return CG_ENOMEM;
	e = &nk->v[nk->n];
	memset(e, 0, sizeof(*e));
	e->name = cg_strdup(table);
	if (e->name == NULL)
		return cg_err_nomem(err);
	nk->n++;
	*out = e;
	return 0;
}

static int
has_col(const struct cg_strvec *sv, const char *col)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (cg_ident_eq(sv->v[i], col))
			return 1;
	return 0;
}

/*
 * 1 when a NULL written to col may not stay NULL: NOT NULL ON CONFLICT
 * REPLACE gives it the default, an INTEGER PRIMARY KEY a new rowid.
 * "*" stands for every column (a CREATE not understood).
 */
static int
pinned(const struct cg_nullkeys_table *e, const char *col)
{
	return has_col(&e->pinned, col) || has_col(&e->pinned, "*");
}

/* Note the column at i as pinned when its definition, up to the next
 * ',' or ')' at depth 0, says NOT (NULL) or PRIMARY (KEY); returns the
 * index of that ',' or ')'. */
static size_t
column_def(struct cg_nullkeys_table *e, const struct toks *t, size_t i,
    const char *col, int *rc, struct cg_err *err)
{
	while (i < t->n && !is_punct(t, i, ',') && !is_punct(t, i, ')')) {
		if (((is_word(t, i, "NOT") && is_word(t, i + 1, "NULL")) ||
		    (is_word(t, i, "PRIMARY") && is_word(t, i + 1, "KEY"))) &&
		    *rc == 0 && !has_col(&e->pinned, col))
			*rc = cg_strvec_push(&e->pinned, col, err);
		i = is_punct(t, i, '(') ? skip_group(t, i) : i + 1;
	}
	return i;
}

/* The columns of each table constraint PRIMARY KEY (...) from i on. */
static int
table_keys(struct cg_nullkeys_table *e, const struct toks *t, size_t i,
    struct cg_err *err)
{
	char name[MAX_NAME];
	size_t end;

	for (; i < t->n; i++) {
		if (!is_word(t, i, "PRIMARY") || !is_word(t, i + 1, "KEY") ||
		    !is_punct(t, i + 2, '('))
			continue;
		end = skip_group(t, i + 2);
		for (i += 3; i < end; i++)
			if (ident(t, i, name) && !has_col(&e->pinned, name) &&
			    cg_strvec_push(&e->pinned, name, err) < 0)
				return CG_ENOMEM;
	}
	return 0;
}

static void
drop_col(struct cg_strvec *sv, const char *col)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (cg_ident_eq(sv->v[i], col)) {
			free(sv->v[i]);
			sv->v[i] = sv->v[--sv->n];
			return;
		}
}

/*
 * CREATE TABLE [main.]name (...): a new, empty table; not TEMP, IF NOT
 * EXISTS, AS.  Its columns in order, and those that may not hold a NULL.
 */
static int
on_create(struct cg_nullkeys *nk, const struct toks *t, const char *table,
    struct cg_err *err)
{
	struct cg_nullkeys_table *e;
	char name[MAX_NAME];
	size_t i = 2;
	int rc = 0;

	if (!is_word(t, 0, "CREATE") || !is_word(t, 1, "TABLE"))
		return 0;
	cg_nullkeys_forget(nk, table);
	if (!ident(t, i, name))
		return 0;
	if (is_punct(t, i + 1, '.')) {
		if (!cg_ident_eq(name, "main"))
			return 0;	/* temp.name: another table */
		i += 2;
	}
	if (!ident(t, i, name) || !cg_ident_eq(name, table) ||
	    !is_punct(t, i + 1, '('))
		return 0;
	if (add(&e, nk, table, err) < 0)
		return CG_ENOMEM;
	e->empty = 1;
	/* The column names, for an INSERT without a column list. */
	for (i += 2; i < t->n; i++) {
		if (is_word(t, i, "CONSTRAINT") || is_word(t, i, "PRIMARY") ||
		    is_word(t, i, "UNIQUE") || is_word(t, i, "CHECK") ||
		    is_word(t, i, "FOREIGN"))
			break;	/* table constraints come last */
		if (!ident(t, i, name))
			goto unknown;
		if (cg_strvec_push(&e->cols, name, err) < 0)
			return CG_ENOMEM;
		i = column_def(e, t, i + 1, name, &rc, err);
		if (rc < 0)
			return rc;
		if (!is_punct(t, i, ','))
			break;
	}
	return table_keys(e, t, i, err);
unknown:
	cg_strvec_release(&e->cols);
	return cg_strvec_push(&e->pinned, "*", err);
}

#define MAX_COLS 2000	/* SQLite's default SQLITE_MAX_COLUMN */

/*
 * INSERT/REPLACE INTO name (cols) VALUES (...), ... | SELECT list ...
 * A column stays known NULL when every row written gives it a bare NULL.
 */
static int
on_insert(struct cg_nullkeys *nk, const struct toks *t, const char *table,
    struct cg_err *err)
{
	struct cg_nullkeys_table *e = find(nk, table);
	struct cg_strvec cols = CG_STRVEC_INIT;
	char name[MAX_NAME];
	int *null_everywhere = NULL, *is_null = NULL;
	size_t i, k, n;
	int rc = 0, ok = 0;

	if (e == NULL)
		return 0;
	for (i = 0; i < t->n && !is_word(t, i, "INTO"); i++)
		if (i == 0 && !is_word(t, 0, "INSERT") &&
		    !is_word(t, 0, "REPLACE"))
			goto out;
	i++;
	if (!ident(t, i, name))
		goto out;
	if (is_punct(t, i + 1, '.'))
		i += 2;
	i++;
	if (is_word(t, i, "AS"))
		i += 2;
	if (!is_punct(t, i, '(') && e->cols.n > 0) {
		/* no column list: the columns of its CREATE, in order */
		for (k = 0; k < e->cols.n; k++) {
			rc = cg_strvec_push(&cols, e->cols.v[k], err);
			if (rc < 0)
				goto out;
		}
	} else if (!is_punct(t, i, '(')) {
		goto out;	/* positions unknown */
	} else {
		for (i++; ; i += 2) {
			/* (k, k): SQLite keeps one of the two values */
			if (!ident(t, i, name) || has_col(&cols, name))
				goto out;
			rc = cg_strvec_push(&cols, name, err);
			if (rc < 0)
				goto out;
			if (is_punct(t, i + 1, ')'))
				break;
			if (!is_punct(t, i + 1, ',') || cols.n >= MAX_COLS)
				goto out;
		}
		i += 2;
	}
	null_everywhere = calloc(cols.n, sizeof(*null_everywhere));
	is_null = calloc(cols.n + 1, sizeof(*is_null));
	if (null_everywhere == NULL || is_null == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (k = 0; k < cols.n; k++)
		null_everywhere[k] = 1;
	if (is_word(t, i, "VALUES")) {
		for (i++; ; i++) {
			if (!is_punct(t, i, '('))
				goto out;
			i++;
			n = expr_list(t, &i, is_null, cols.n + 1);
			if (n != cols.n || !is_punct(t, i, ')'))
				goto out;
			for (k = 0; k < n; k++)
				null_everywhere[k] &= is_null[k];
			i++;
			if (!is_punct(t, i, ','))
				break;
		}
	} else if (is_word(t, i, "SELECT")) {
		i++;
		if (is_word(t, i, "DISTINCT") || is_word(t, i, "ALL"))
			i++;
		n = expr_list(t, &i, is_null, cols.n + 1);
		if (n != cols.n)
			goto out;
		for (k = 0; k < n; k++)
			null_everywhere[k] = is_null[k];
	} else {
		goto out;
	}
	/* A compound SELECT or an upsert writes other rows or values. */
	for (; i < t->n; i++) {
		if (is_punct(t, i, '('))
			i = skip_group(t, i) - 1;
		else if (is_word(t, i, "UNION") || is_word(t, i, "INTERSECT") ||
		    is_word(t, i, "EXCEPT") || is_word(t, i, "CONFLICT") ||
		    is_word(t, i, "VALUES"))
			goto out;
	}
	ok = 1;
out:
	if (rc == 0 && !ok) {
		cg_nullkeys_forget(nk, table);
	} else if (rc == 0) {
		if (e->empty) {
			e->empty = 0;
			for (k = 0; rc == 0 && k < cols.n; k++)
				if (null_everywhere[k] &&
				    !pinned(e, cols.v[k]) &&
				    !has_col(&e->clean, cols.v[k]))
					rc = cg_strvec_push(&e->clean,
					    cols.v[k], err);
		} else {
			for (k = e->clean.n; k > 0; k--) {
				for (n = 0; n < cols.n; n++)
					if (cg_ident_eq(cols.v[n],
					    e->clean.v[k - 1]))
						break;
				/* an omitted column gets its default */
				if (n == cols.n || !null_everywhere[n])
					drop_col(&e->clean, e->clean.v[k - 1]);
			}
		}
	}
	free(is_null);
	free(null_everywhere);
	cg_strvec_release(&cols);
	return rc;
}

/*
 * UPDATE name SET col = expr, ... [FROM|WHERE|ORDER|LIMIT ...]: a bare
 * NULL with no filter clears the column in every row; anything else may
 * give it a value.
 */
static int
on_update(struct cg_nullkeys *nk, const struct toks *t, const char *table,
    struct cg_err *err)
{
	struct cg_nullkeys_table *e = find(nk, table);
	struct cg_strvec set_null = CG_STRVEC_INIT, set_other = CG_STRVEC_INIT;
	char name[MAX_NAME];
	size_t i, k, start;
	int rc = 0, ok = 0, filtered, resolve;

	/* OR IGNORE keeps a row that refuses the NULL, OR REPLACE may give
	 * it the column's default. */
	resolve = is_word(t, 1, "OR") &&
	    (is_word(t, 2, "IGNORE") || is_word(t, 2, "REPLACE"));
	for (i = 0; i < t->n && !is_word(t, i, "SET"); i++)
		if (is_punct(t, i, '('))
			goto out;
	for (i++; ; i++) {
		if (!ident(t, i, name) || !is_punct(t, i + 1, '='))
			goto out;
		start = i + 2;
		for (i = start; !ends_list(t, i) && !is_punct(t, i, ','); )
			i = is_punct(t, i, '(') ? skip_group(t, i) : i + 1;
		rc = cg_strvec_push(i == start + 1 && !resolve &&
		    is_word(t, start, "NULL") ? &set_null : &set_other, name,
		    err);
		if (rc < 0)
			goto out;
		if (!is_punct(t, i, ','))
			break;
	}
	if (is_punct(t, i, ')'))
		goto out;
	filtered = i < t->n && !is_word(t, i, "RETURNING");
	if (e == NULL && (filtered || set_null.n == 0)) {
		ok = 1;
		goto out;
	}
	if (e == NULL) {
		rc = add(&e, nk, table, err);
		if (rc < 0)
			goto out;
	}
	for (k = 0; k < set_other.n; k++)
		drop_col(&e->clean, set_other.v[k]);
	/* SET k = NULL, k = 1: the last assignment wins; not tracked */
	for (k = 0; rc == 0 && !filtered && k < set_null.n; k++)
		if (!has_col(&set_other, set_null.v[k]) &&
		    !pinned(e, set_null.v[k]) &&
		    !has_col(&e->clean, set_null.v[k]))
			rc = cg_strvec_push(&e->clean, set_null.v[k], err);
	ok = 1;
out:
	if (rc == 0 && !ok)
		cg_nullkeys_forget(nk, table);
	cg_strvec_release(&set_null);
	cg_strvec_release(&set_other);
	return rc;
}

int
cg_nullkeys_observe(struct cg_nullkeys *nk, const struct cg_stmt *st,
    struct cg_err *err)
{
	struct cg_nullkeys_table *e;
	struct toks t = { NULL, NULL, 0 };
	unsigned f = st->flags;
	char *name;
	int rc = 0;

	if (f & (CG_ST_TRANSACTION | CG_ST_SAVEPOINT)) {
		/* A rollback may bring back values: start over. */
		if (st->tx_verb != NULL &&
		    strncmp(st->tx_verb, "ROLLBACK", 8) == 0)
			cg_nullkeys_forget(nk, NULL);
		return 0;
	}
	if (st->table == NULL || st->sql == NULL)
		return 0;
	if (f & CG_ST_DROP_TABLE) {
		cg_nullkeys_forget(nk, st->table);
		return 0;
	}
	if (f & CG_ST_RENAME_TABLE) {
		cg_nullkeys_forget(nk, st->new_name);
		e = find(nk, st->table);
		if (e != NULL && st->new_name != NULL) {
			name = cg_strdup(st->new_name);
			if (name == NULL)
				return cg_err_nomem(err);
			free(e->name);
			e->name = name;
		}
		return 0;
	}
	if (f & CG_ST_ALTER) {
		cg_nullkeys_forget(nk, st->table);
		return 0;
	}
	if (!(f & (CG_ST_CREATE | CG_ST_INSERT | CG_ST_REPLACE |
	    CG_ST_UPDATE)))
		return 0;
	if (!(f & CG_ST_CREATE) && find(nk, st->table) == NULL &&
	    !(f & CG_ST_UPDATE))
		return 0;
	rc = tokenize(&t, st->sql, st->sql_len, err);
	if (rc < 0)
		goto out;
	if (f & CG_ST_CREATE)
		rc = on_create(nk, &t, st->table, err);
	else if (f & (CG_ST_INSERT | CG_ST_REPLACE))
		rc = on_insert(nk, &t, st->table, err);
	else
		rc = on_update(nk, &t, st->table, err);
out:
	free(t.v);
	return rc;
}

int
cg_nullkeys_pin(struct cg_nullkeys *nk, const char *table, const char *col,
    struct cg_err *err)
{
	struct cg_nullkeys_table *e = find(nk, table);

	if (e == NULL || has_col(&e->pinned, col))
		return 0;
	drop_col(&e->clean, col);
	return cg_strvec_push(&e->pinned, col, err);
}

int
cg_nullkeys_dead(const struct cg_nullkeys *nk, const char *child,
    const char *cols)
{
	const struct cg_nullkeys_table *e = find(nk, child);
	char name[MAX_NAME];
	const char *p, *q;
	size_t n;

	if (e == NULL)
		return 0;
	if (e->empty)
		return 1;
	/* SQLite: a key with any NULL column references nothing. */
	for (p = cols; *p != '\0'; p = *q ? q + 1 : q) {
		while (*p == ' ')
			p++;
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= MAX_NAME)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		if (has_col(&e->clean, name))
			return 1;
	}
	return 0;
}
