/* SPDX-License-Identifier: MIT */
/*
 * Seeding: a candidate value per column, chosen by declared type and
 * by the literals of the table's own text, retried column by column on
 * the constraint SQLite names; parents first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "sandbox.h"
#include "sim.h"
#include "banned.h"

/* ---- candidate values ---- */

/* SQLite's affinity rules (section 3.1 of its datatype documentation). */
static enum aff
affinity(const char *type)
{
	if (cg_sim_contains_ci(type, "INT"))
		return AFF_INT;
	if (cg_sim_contains_ci(type, "CHAR") || cg_sim_contains_ci(type,
	    "CLOB") ||
	    cg_sim_contains_ci(type, "TEXT"))
		return AFF_TEXT;
	if (type[0] == '\0' || cg_sim_contains_ci(type, "BLOB") ||
	    strcasecmp(type, "ANY") == 0)
		return AFF_BLOB;
	if (cg_sim_contains_ci(type, "REAL") || cg_sim_contains_ci(type,
	    "FLOA") ||
	    cg_sim_contains_ci(type, "DOUB"))
		return AFF_REAL;
	return AFF_NUM;
}

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
dateish(const struct scol *c)
{
	return cg_sim_contains_ci(c->type, "DATE")
	    || cg_sim_contains_ci(c->type, "TIME") ||
	    ends_with_ci(c->name, "_at") || ends_with_ci(c->name, "date") ||
	    ends_with_ci(c->name, "time") || ends_with_ci(c->name, "_on");
}

/* Literals of the table's text (CHECK values, defaults), in order. */
struct lits {
	struct val v[SIM_MAX_LITERALS];
	size_t n;
};

static int
lits_load(struct lits *l, const char *create)
{
	size_t len = strlen(create), pos = 0;
	struct cg_tok t, prev;
	struct cg_buf b = CG_BUF_INIT;
	size_t i;

	memset(l, 0, sizeof(*l));
	prev.kind = CG_TOK_END;
	prev.off = prev.len = 0;
	while (l->n < SIM_MAX_LITERALS) {
		t = cg_sql_next_token(create, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (t.kind == CG_TOK_STRING) {
			b.len = 0;
			for (i = t.off + 1; i + 1 < t.off + t.len; i++) {
				if (create[i] == '\'' && create[i + 1] == '\'')
					i++;
				if (cg_buf_add(&b, create + i, 1, NULL) < 0) {
					cg_buf_release(&b);
					return -1;
				}
			}
			if (cg_sim_set_text(&l->v[l->n],
			    b.data != NULL ? b.data : "",
			    b.len) < 0) {
				cg_buf_release(&b);
				return -1;
			}
			l->n++;
		} else if (t.kind == CG_TOK_NUMBER) {
			char num[64];
			int neg = prev.kind == CG_TOK_PUNCT &&
			    create[prev.off] == '-';
			size_t n = t.len < sizeof(num) - 1 ? t.len :
			    sizeof(num) - 1;
			char *end;

			memcpy(num, create + t.off, n);
			num[n] = '\0';
			if (strpbrk(num, ".eE") != NULL &&
			    strncasecmp(num, "0x", 2) != 0)
				cg_sim_set_real(&l->v[l->n], strtod(num, &end) *
				    (neg ? -1 : 1));
			else
				cg_sim_set_int(&l->v[l->n], strtoll(num, &end,
				    0) *
				    (neg ? -1 : 1));
			l->n++;
		}
		prev = t;
	}
	cg_buf_release(&b);
	return 0;
}

static void
lits_release(struct lits *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cg_sim_val_release(&l->v[i]);
	l->n = 0;
}

#define NBASE 8

/*
 * Candidate k for column c of row r: first by type (distinct per row;
 * the first one, outside keys, unique in the database by serial, so a
 * value that ends up elsewhere is recognised), then the table's
 * literals, then the literals made distinct per row.
 */
static int
candidate(struct val *v, const struct scol *c, const struct lits *l,
    enum pref_kind pk, const struct val *pv, unsigned r, unsigned k,
    unsigned serial)
{
	enum aff a = (enum aff)c->aff;
	int d = c->date;
	int nullable = !c->notnull && c->pk == 0;
	unsigned total = NBASE + 2 * (unsigned)l->n + (unsigned)nullable +
	    (pk != PREF_NONE);
	char buf[160];
	unsigned j;

	k %= total;
	if (pk != PREF_NONE) {
		if (k == 0) {
			cg_sim_val_release(v);
			if (pk == PREF_NULL) {
				v->type = SQLITE_NULL;
				return 0;
			}
			return cg_sim_val_copy(v, pv);
		}
		k--;
		total--;
	}
	if (nullable && k == total - 1) {
		cg_sim_val_release(v);
		v->type = SQLITE_NULL;
		return 0;
	}
	if (k >= NBASE) {
		j = k - NBASE;
		if (j < l->n) {
			cg_sim_val_release(v);
			return cg_sim_val_copy(v, &l->v[j]);
		}
		j -= (unsigned)l->n;
		if (l->v[j].type == SQLITE_INTEGER) {
			cg_sim_set_int(v, l->v[j].i + r);
		} else if (l->v[j].type == SQLITE_FLOAT) {
			cg_sim_set_real(v, l->v[j].d + r);
		} else {
			(void)snprintf(buf, sizeof(buf), "%s%u", l->v[j].s, r + 1);
			return cg_sim_set_text(v, buf, strlen(buf));
		}
		return 0;
	}
	if (cg_sim_contains_ci(c->type, "BOOL") && a != AFF_TEXT) {
		static const int boolv[NBASE] = { 1, 0, 1, 0, 1, 0, 1, 0 };

		cg_sim_set_int(v,
		    k == 0 ? (r == 0 ? 1 : 0) : boolv[(k + r) % NBASE]);
		return 0;
	}
	if (k == 0 && c->pk == 0 && !d && (a == AFF_INT || a == AFF_NUM ||
	    a == AFF_BLOB)) {
		cg_sim_set_int(v, 10000 + (sqlite3_int64)serial);
		return 0;
	}
	if (k == 0 && c->pk == 0 && a == AFF_REAL) {
		cg_sim_set_real(v, 10000.5 + serial);
		return 0;
	}
	switch (a) {
	case AFF_INT:
		switch (k) {
		case 0: cg_sim_set_int(v,
		    d ? 1704067200 + (sqlite3_int64)r * 86400 +
		    (c->pk == 0 ? serial % 3600 : 0) :
		    (sqlite3_int64)r + 1); return 0;
		case 1: cg_sim_set_int(v, (sqlite3_int64)r + 1); return 0;
		case 2: cg_sim_set_int(v, (sqlite3_int64)r); return 0;
		case 3: cg_sim_set_int(v, 100 + (sqlite3_int64)r); return 0;
		case 4: cg_sim_set_int(v, -1 - (sqlite3_int64)r); return 0;
		case 5: cg_sim_set_int(v,
		    1704067200000 + (sqlite3_int64)r); return 0;
		default: cg_sim_set_int(v,
		    1000000 + (sqlite3_int64)r * 7 + k); return 0;
		}
	case AFF_REAL:
		switch (k) {
		case 0: cg_sim_set_real(v, r + 1.5); return 0;
		case 1: cg_sim_set_real(v, r + 0.5); return 0;
		case 2: cg_sim_set_real(v, 100.5 + r); return 0;
		case 3: cg_sim_set_real(v, (double)r); return 0;
		default: cg_sim_set_real(v, -1.5 - r - k); return 0;
		}
	case AFF_BLOB:
		if (k == 1) {
			buf[0] = (char)0xc0;
			buf[1] = (char)r;
			cg_sim_val_release(v);
			v->type = SQLITE_BLOB;
			v->s = cg_strndup(buf, 2);
			v->n = 2;
			return v->s == NULL ? -1 : 0;
		}
		if (k == 0 || k > 3) {
			cg_sim_set_int(v,
			    (sqlite3_int64)r + 1 + (k > 3 ? 100 * k : 0));
			return 0;
		}
		if (k == 3) {
			cg_sim_set_real(v, r + 1.5);
			return 0;
		}
		break;
	case AFF_NUM:
		if (k == 0 && !d) {
			cg_sim_set_int(v, (sqlite3_int64)r + 1);
			return 0;
		}
		if (k == 1) {
			cg_sim_set_real(v, r + 1.5);
			return 0;
		}
		if (k == 3) {
			cg_sim_set_int(v, 100 + (sqlite3_int64)r);
			return 0;
		}
		break;
	case AFF_TEXT:
		break;
	}
	/*
	 * Text candidates.  The second row's first one looks like a number
	 * with a leading zero ('017'): a copy into a numeric column turns it
	 * into 17, which the comparison sees (column-values-changed).
	 */
	if (k == 0 && r == 1 && !d && a == AFF_TEXT && c->pk == 0 &&
	    c->fk_parent == NULL) {
		(void)snprintf(buf, sizeof(buf), "0%u", serial + 10);
		return cg_sim_set_text(v, buf, strlen(buf));
	}
	switch (d ? (k == 0 ? 2u : k == 2 ? 0u : k) : k) {
	case 0:
		(void)snprintf(buf, sizeof(buf), "%.40s_%u", c->name, r + 1);
		break;
	case 1:
		(void)snprintf(buf, sizeof(buf), "%c", 'a' + (int)r);
		break;
	case 2:
		(void)snprintf(buf, sizeof(buf), "2024-01-0%u 00:00:00", r + 1);
		break;
	case 3:
		(void)snprintf(buf, sizeof(buf), "%u", r + 1);
		break;
	case 4:
		(void)snprintf(buf, sizeof(buf), "{\"k\":%u}", r + 1);
		break;
	case 5:
		(void)snprintf(buf, sizeof(buf), "user%u@example.com", r + 1);
		break;
	case 6:
		(void)snprintf(buf, sizeof(buf), "2024-01-0%u", r + 1);
		break;
	default:
		(void)snprintf(buf, sizeof(buf), "https://example.com/%u",
		    r + 1);
		break;
	}
	return cg_sim_set_text(v, buf, strlen(buf));
}

/* ---- seeding ---- */

/* The column parent.col of the parent's row r (or its first), into v. */
static int
parent_value(struct val *v, struct cg_sim *s, const struct scol *c,
    unsigned r, int *found, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT;
	struct stable *p;
	sqlite3_stmt *st = NULL;
	const char *to = c->fk_to;
	size_t i;
	int src;
	int rc;

	*found = 0;
	p = c->fk_table >= 0 ? &s->t[c->fk_table] : NULL;
	if (to == NULL && p != NULL)
		for (i = 0; i < p->ncols; i++)
			if (p->cols[i].pk == c->fk_seq + 1)
				to = p->cols[i].name;
	/* Fast path: the parent's key, as seeded. */
	for (i = 0; p != NULL && to != NULL && p->nrows > 0 &&
	    i < p->ncols; i++) {
		if (p->cols[i].pk == 0 || !cg_ident_eq(p->cols[i].name, to) ||
		    p->rows[0].key == NULL)
			continue;
		cg_sim_val_release(v);
		if (cg_sim_val_copy(v,
		    &p->rows[r < p->nrows ? r : p->nrows - 1].key[
		    p->cols[i].pk - 1]) < 0)
			return cg_err_nomem(err);
		*found = 1;
		return 0;
	}
	rc = cg_buf_puts(&q, "SELECT ", err);
	if (rc == 0)
		rc = to != NULL ? cg_sim_quote_ident(&q, to, err) :
		    cg_buf_puts(&q, "rowid", err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " FROM ", err);
	if (rc == 0)
		rc = cg_sim_quote_ident(&q, c->fk_parent, err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " LIMIT 1 OFFSET ?1", err);
	if (rc < 0)
		goto out;
	src = sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL);
	if (src == SQLITE_NOMEM) {
		rc = cg_err_nomem(err);
		goto out;
	}
	if (src != SQLITE_OK)
		goto out;	/* a broken reference: no value */
	for (i = 0; i < 2 && !*found; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, i == 0 ? (int)r : 0);
		src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			cg_sim_val_release(v);
			if (cg_sim_val_from(v, sqlite3_column_value(st,
			    0)) < 0) {
				rc = cg_err_nomem(err);
				goto out;
			}
			*found = 1;
		}
	}
out:
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

/* Advance the candidates of the columns SQLite's message names. */
static void
advance(struct stable *t, const char *msg)
{
	const char *colon = strchr(msg, ':');
	const char *text = colon != NULL ? colon + 1 : msg;
	const char *named = NULL;
	size_t len = strlen(text);
	size_t i, hit = 0;

	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].generated &&
		    cg_sim_has_word(text, len, t->cols[i].name)) {
			t->cols[i].cand++;
			hit++;
		}
	if (hit > 0)
		return;
	/* A named CHECK: read its expression in the table's text. */
	while (*text == ' ')
		text++;
	if (*text != '\0' && t->create != NULL)
		named = strstr(t->create, text);
	if (named != NULL) {
		len = strlen(named) < 300 ? strlen(named) : 300;
		for (i = 0; i < t->ncols; i++)
			if (!t->cols[i].generated &&
			    cg_sim_has_word(named + strlen(text),
			    len - strlen(text) <
			    len ? len - strlen(text) : 0, t->cols[i].name)) {
				t->cols[i].cand++;
				hit++;
			}
	}
	if (hit > 0)
		return;
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].fk_parent == NULL)
			t->cols[i].cand += i + 1;
}

/* The column a name token refers to, or -1. */
static long
col_of(const struct stable *t, const char *sql, struct cg_tok tok)
{
	char name[256];
	size_t n, i;

	if (tok.kind != CG_TOK_WORD && tok.kind != CG_TOK_QUOTED)
		return -1;
	if (tok.kind == CG_TOK_QUOTED) {
		if (tok.len < 2)
			return -1;
		tok.off++;
		tok.len -= 2;
	}
	n = tok.len < sizeof(name) - 1 ? tok.len : sizeof(name) - 1;
	memcpy(name, sql + tok.off, n);
	name[n] = '\0';
	for (i = 0; i < t->ncols; i++)
		if (cg_ident_eq(t->cols[i].name, name))
			return (long)i;
	return -1;
}

static int
load_prefs(struct stable *t)
{
	const char *sql = t->create;
	size_t len = strlen(sql), pos = 0, p2;
	struct cg_tok a, b, c, d;
	struct lits one;
	long ci;

	t->pref = calloc(t->ncols ? t->ncols : 1, sizeof(*t->pref));
	t->prefv = calloc(t->ncols ? t->ncols : 1, sizeof(*t->prefv));
	if (t->pref == NULL || t->prefv == NULL)
		return -1;
	for (;;) {
		a = cg_sql_next_token(sql, len, &pos);
		if (a.kind == CG_TOK_END)
			break;
		ci = col_of(t, sql, a);
		if (ci < 0 || t->pref[ci] != PREF_NONE)
			continue;
		p2 = pos;
		b = cg_sql_next_token(sql, len, &p2);
		c = cg_sql_next_token(sql, len, &p2);
		if (b.kind == CG_TOK_PUNCT && sql[b.off] == '=') {
			if (c.kind == CG_TOK_PUNCT && sql[c.off] == '=')
				c = cg_sql_next_token(sql, len, &p2);
		} else if (cg_tok_is(sql, b, "IN") && c.kind == CG_TOK_PUNCT &&
		    sql[c.off] == '(') {
			c = cg_sql_next_token(sql, len, &p2);
		} else if (cg_tok_is(sql, b, "IS") && cg_tok_is(sql, c, "NULL")) {
			if (!t->cols[ci].notnull && t->cols[ci].pk == 0)
				t->pref[ci] = PREF_NULL;
			continue;
		} else if (cg_tok_is(sql, b, "IS") && cg_tok_is(sql, c, "NOT")) {
			d = cg_sql_next_token(sql, len, &p2);
			if (cg_tok_is(sql, d, "NULL"))
				t->pref[ci] = PREF_SEEN;	/* non-null: the default list */
			continue;
		} else {
			continue;
		}
		if ((c.kind != CG_TOK_STRING && c.kind != CG_TOK_NUMBER) ||
		    t->cols[ci].fk_parent != NULL)
			continue;
		{
			char *lit = cg_strndup(sql + c.off, c.len);

			if (lit == NULL || lits_load(&one, lit) < 0) {
				free(lit);
				return -1;
			}
			free(lit);
		}
		if (one.n == 1) {
			t->prefv[ci] = one.v[0];
			one.n = 0;
			t->pref[ci] = PREF_VALUE;
		}
		lits_release(&one);
	}
	for (ci = 0; (size_t)ci < t->ncols; ci++)
		if (t->pref[ci] != PREF_VALUE && t->pref[ci] != PREF_NULL)
			t->pref[ci] = PREF_NONE;
	return 0;
}

/*
 * A nullable foreign key is left NULL once a constraint named it and
 * the table's text prefers it NULL (CHECK (a IS NULL OR b IS NULL)), or
 * on every other try when the text says nothing about it.
 */
static int
fk_null(const struct stable *t, size_t i)
{
	const struct scol *c = &t->cols[i];

	if (c->notnull || c->pk > 0 || c->cand == 0)
		return 0;
	if (t->pref[i] == PREF_NULL)
		return 1;
	return t->pref[i] == PREF_NONE && c->cand % 2 == 1;
}

int
cg_sim_seed_table(struct cg_sim *s, struct stable *t, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT;
	struct val *vals = NULL;
	struct lits l;
	sqlite3_stmt *st = NULL;
	unsigned r, tries;
	size_t i, n = 0;
	int found, src;
	int rc;
	char *last = NULL;

	memset(&l, 0, sizeof(l));
	rc = cg_buf_puts(&q, "INSERT INTO ", err);
	if (rc == 0)
		rc = cg_sim_quote_ident(&q, t->name, err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " (", err);
	for (i = 0; rc == 0 && i < t->ncols; i++) {
		if (t->cols[i].generated)
			continue;
		if (n++ > 0)
			rc = cg_buf_puts(&q, ", ", err);
		if (rc == 0)
			rc = cg_sim_quote_ident(&q, t->cols[i].name, err);
	}
	if (rc == 0)
		rc = cg_buf_puts(&q, n > 0 ? ") VALUES (" : ") DEFAULT VALUES",
		    err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = cg_buf_puts(&q, i > 0 ? ", ?" : "?", err);
	if (rc == 0 && n > 0)
		rc = cg_buf_puts(&q, ")", err);
	if (rc < 0)
		goto out;
	if (n == 0) {
		/* "INSERT INTO t () DEFAULT VALUES" is not SQL. */
		q.len = 0;
		rc = cg_buf_puts(&q, "INSERT INTO ", err);
		if (rc == 0)
			rc = cg_sim_quote_ident(&q, t->name, err);
		if (rc == 0)
			rc = cg_buf_puts(&q, " DEFAULT VALUES", err);
		if (rc < 0)
			goto out;
	}
	src = sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL);
	if (src != SQLITE_OK) {
		if (src == SQLITE_NOMEM) {
			rc = cg_err_nomem(err);
			goto out;
		}
		last = cg_strdup(sqlite3_errmsg(s->db));
		goto done;
	}
	vals = calloc(t->ncols ? t->ncols : 1, sizeof(*vals));
	if (vals == NULL || lits_load(&l, t->create) < 0 ||
	    load_prefs(t) < 0) {
		rc = cg_err_nomem(err);
		goto out;
	}

	for (r = 0; r < SIM_ROWS; r++) {
		for (tries = 0; tries < SIM_TRIES; tries++) {
			int bi = 0;

			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			for (i = 0; i < t->ncols; i++) {
				struct scol *c = &t->cols[i];

				if (c->generated)
					continue;
				found = 0;
				if (c->fk_parent != NULL && fk_null(t, i)) {
					cg_sim_val_release(&vals[i]);
					vals[i].type = SQLITE_NULL;
					found = 1;
				} else if (c->fk_parent != NULL &&
				    !(cg_ident_eq(c->fk_parent, t->name) &&
				    r == 0)) {
					rc = parent_value(&vals[i], s, c, r,
					    &found, err);
					if (rc < 0)
						goto out;
				}
				if (!found && c->fk_parent != NULL &&
				    !c->notnull) {
					cg_sim_val_release(&vals[i]);
					vals[i].type = SQLITE_NULL;
					if (!cg_ident_eq(c->fk_parent, t->name))
						c->deferred = 1;
				} else if (!found &&
				    candidate(&vals[i], c, &l, t->pref[i],
				    &t->prefv[i], r, c->cand, s->serial++) < 0) {
					rc = cg_err_nomem(err);
					goto out;
				}
				src = cg_sim_val_bind(st, ++bi, &vals[i]);
				if (src == SQLITE_NOMEM) {
					rc = cg_err_nomem(err);
					goto out;
				}
			}
			src = sqlite3_step(st);
			if (src == SQLITE_DONE)
				break;
			if (src == SQLITE_NOMEM) {
				rc = cg_err_nomem(err);
				goto out;
			}
			if (src == SQLITE_INTERRUPT ||
			    cg_sandbox_budget_hit(s->sb)) {
				free(last);
				last = cg_strdup(SIM_OUT_OF_BUDGET);
				goto done;
			}
			free(last);
			last = cg_strdup(sqlite3_errmsg(s->db));
			if (last == NULL) {
				rc = cg_err_nomem(err);
				goto out;
			}
			advance(t, last);
		}
		if (tries == SIM_TRIES)
			break;
		/* Remember the row. */
		t->rows[t->nrows].rowid = sqlite3_last_insert_rowid(s->db);
		if (t->nkey > 0) {
			t->rows[t->nrows].key = calloc(t->nkey,
			    sizeof(struct val));
			if (t->rows[t->nrows].key == NULL) {
				rc = cg_err_nomem(err);
				goto out;
			}
			for (i = 0; i < t->ncols; i++)
				if (t->cols[i].pk > 0 &&
				    (size_t)t->cols[i].pk <= t->nkey &&
				    cg_sim_val_copy(&t->rows[t->nrows].key[
				    t->cols[i].pk - 1], &vals[i]) < 0) {
					t->nrows++;
					rc = cg_err_nomem(err);
					goto out;
				}
			if (t->alias)
				cg_sim_set_int(&t->rows[t->nrows].key[0],
				    t->rows[t->nrows].rowid);
		}
		t->nrows++;
		/* Next row: new values for what must differ. */
		for (i = 0; i < t->ncols; i++)
			t->cols[i].cand = 0;
	}
done:
	if (t->nrows == 0) {
		free(t->why);
		t->why = last != NULL ? last : cg_strdup("no row could be "
		    "inserted");
		last = NULL;
		if (t->why == NULL)
			rc = cg_err_nomem(err);
	}
out:
	free(last);
	lits_release(&l);
	for (i = 0; vals != NULL && i < t->ncols; i++)
		cg_sim_val_release(&vals[i]);
	free(vals);
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

/* Fill the keys a cycle left NULL, now that the parents have rows. */
int
cg_sim_fix_deferred(struct cg_sim *s, struct stable *t, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct val v;
	size_t i, r;
	int found, src;
	int rc = 0;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < t->ncols && !t->without_rowid; i++) {
		if (!t->cols[i].deferred)
			continue;
		q.len = 0;
		rc = cg_buf_puts(&q, "UPDATE ", err);
		if (rc == 0)
			rc = cg_sim_quote_ident(&q, t->name, err);
		if (rc == 0)
			rc = cg_buf_puts(&q, " SET ", err);
		if (rc == 0)
			rc = cg_sim_quote_ident(&q, t->cols[i].name, err);
		if (rc == 0)
			rc = cg_buf_puts(&q, " = ?1 WHERE rowid = ?2", err);
		if (rc < 0)
			goto out;
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL) !=
		    SQLITE_OK)
			continue;
		for (r = 0; r < t->nrows; r++) {
			rc = parent_value(&v, s, &t->cols[i], (unsigned)r,
			    &found, err);
			if (rc < 0)
				goto out;
			if (!found)
				continue;
			sqlite3_reset(st);
			src = cg_sim_val_bind(st, 1, &v);
			if (src == SQLITE_OK)
				src = sqlite3_bind_int64(st, 2,
				    t->rows[r].rowid);
			if (src == SQLITE_OK)
				(void)sqlite3_step(st);
		}
	}
out:
	cg_sim_val_release(&v);
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

/* The rest of a loaded table: its kind, key alias and column classes. */
void
cg_sim_finish_table(struct cg_sim *s, struct stable *t)
{
	size_t i, p;

	t->without_rowid = cg_sim_without_rowid(t->create);
	t->alias = 0;
	for (i = 0; !t->without_rowid && t->nkey == 1 && i < t->ncols; i++)
		if (t->cols[i].pk == 1 &&
		    strcasecmp(t->cols[i].type, "INTEGER") == 0)
			t->alias = 1;
	for (i = 0; i < t->ncols; i++) {
		struct scol *c = &t->cols[i];

		c->fk_table = -1;
		if (c->fk_parent != NULL &&
		    cg_sim_find_table(s, c->fk_parent, &p) != NULL)
			c->fk_table = (long)p;
		c->aff = (int)affinity(c->type);
		c->date = dateish(c);
	}
	t->loaded = 1;
}

/* Columns and foreign keys of one table (xi and fk take it as ?1). */
int
cg_sim_load_one(struct cg_sim *s, struct stable *t, sqlite3_stmt *xi,
    sqlite3_stmt *fk, struct cg_err *err)
{
	size_t cap = 0, i;
	struct scol *c;
	int src;
	int rc;

	sqlite3_reset(xi);
	src = sqlite3_bind_text(xi, 1, t->name, -1, SQLITE_STATIC);
	while (src == SQLITE_OK || src == SQLITE_ROW) {
		src = sqlite3_step(xi);
		if (src != SQLITE_ROW)
			break;
		rc = cg_grow(&t->cols, &cap, t->ncols + 1, sizeof(*t->cols),
		    err);
		if (rc < 0)
			return rc;
		c = &t->cols[t->ncols++];
		memset(c, 0, sizeof(*c));
		c->name = cg_sim_col_dup(xi, 0);
		c->type = cg_sim_col_dup(xi, 1);
		c->notnull = sqlite3_column_int(xi, 2);
		if (sqlite3_column_type(xi, 3) != SQLITE_NULL)
			c->dflt = cg_sim_col_dup(xi, 3);
		c->pk = sqlite3_column_int(xi, 4);
		c->generated = sqlite3_column_int(xi, 5) >= 2;
		if (c->name == NULL || c->type == NULL ||
		    (sqlite3_column_type(xi, 3) != SQLITE_NULL && c->dflt == NULL))
			return cg_err_nomem(err);
		if (c->pk > 0)
			t->nkey++;
	}
	if (src != SQLITE_DONE)
		return cg_sim_sql_fail(s, src, "read the columns", err);
	sqlite3_reset(fk);
	src = sqlite3_bind_text(fk, 1, t->name, -1, SQLITE_STATIC);
	while (src == SQLITE_OK || src == SQLITE_ROW) {
		const char *from;

		src = sqlite3_step(fk);
		if (src != SQLITE_ROW)
			break;
		from = (const char *)sqlite3_column_text(fk, 0);
		for (i = 0; from != NULL && i < t->ncols; i++) {
			c = &t->cols[i];
			if (!cg_ident_eq(c->name, from) || c->fk_parent != NULL)
				continue;
			c->fk_parent = cg_sim_col_dup(fk, 1);
			if (sqlite3_column_type(fk, 2) != SQLITE_NULL)
				c->fk_to = cg_sim_col_dup(fk, 2);
			c->fk_seq = sqlite3_column_int(fk, 3);
			if (c->fk_parent == NULL ||
			    (sqlite3_column_type(fk, 2) != SQLITE_NULL &&
			    c->fk_to == NULL))
				return cg_err_nomem(err);
			break;
		}
	}
	if (src != SQLITE_DONE)
		return cg_sim_sql_fail(s, src, "read the foreign keys", err);
	cg_sim_finish_table(s, t);
	return 0;
}
