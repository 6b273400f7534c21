/* SPDX-License-Identifier: MIT */
/*
 * The data-loss simulation.  A copy of the replayed base is seeded with
 * synthetic rows (parents first; values chosen by declared type and by
 * the literals of the table's own text, retried column by column on the
 * constraint SQLite names), the new files run on it through replay.c
 * with the pre-update hook attributing each DELETE and UPDATE of a
 * seeded row to the statement that runs, and the end state is compared
 * with the seed, following renames.
 */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "err.h"
#include "finding.h"
#include "replay.h"
#include "rules.h"
#include "sandbox.h"
#include "sandbox_db.h"
#include "simulate.h"
#include "simulate_int.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

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
	/* Seeded values and what changed them (simulate_values.c). */
	struct cg_sim_values *vals;
	unsigned serial;	/* makes each seeded value unique */
};

/* ---- small helpers ---- */

static void
val_release(struct val *v)
{
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static int
val_copy(struct val *dst, const struct val *src)
{
	*dst = *src;
	dst->s = NULL;
	if (src->s != NULL) {
		dst->s = malloc(src->n + 1);
		if (dst->s == NULL)
			return -1;
		memcpy(dst->s, src->s, src->n);
		dst->s[src->n] = '\0';
	}
	return 0;
}

static int
val_from(struct val *v, sqlite3_value *sv)
{
	const void *p;

	memset(v, 0, sizeof(*v));
	v->type = sqlite3_value_type(sv);
	switch (v->type) {
	case SQLITE_INTEGER:
		v->i = sqlite3_value_int64(sv);
		return 0;
	case SQLITE_FLOAT:
		v->d = sqlite3_value_double(sv);
		return 0;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		p = v->type == SQLITE_TEXT ? (const void *)sqlite3_value_text(sv) :
		    sqlite3_value_blob(sv);
		v->n = (size_t)sqlite3_value_bytes(sv);
		v->s = malloc(v->n + 1);
		if (v->s == NULL)
			return -1;
		if (v->n > 0)
			memcpy(v->s, p, v->n);
		v->s[v->n] = '\0';
		return 0;
	default:
		v->type = SQLITE_NULL;
		return 0;
	}
}

static int
val_bind(sqlite3_stmt *st, int i, const struct val *v)
{
	switch (v->type) {
	case SQLITE_INTEGER:
		return sqlite3_bind_int64(st, i, v->i);
	case SQLITE_FLOAT:
		return sqlite3_bind_double(st, i, v->d);
	case SQLITE_TEXT:
		return sqlite3_bind_text(st, i, v->s, (int)v->n, SQLITE_TRANSIENT);
	case SQLITE_BLOB:
		return sqlite3_bind_blob(st, i, v->s, (int)v->n, SQLITE_TRANSIENT);
	default:
		return sqlite3_bind_null(st, i);
	}
}

static int
set_text(struct val *v, const char *s, size_t n)
{
	val_release(v);
	v->type = SQLITE_TEXT;
	v->s = cg_strndup(s, n);
	v->n = n;
	return v->s == NULL ? -1 : 0;
}

static void
set_int(struct val *v, sqlite3_int64 i)
{
	val_release(v);
	v->type = SQLITE_INTEGER;
	v->i = i;
}

static void
set_real(struct val *v, double d)
{
	val_release(v);
	v->type = SQLITE_FLOAT;
	v->d = d;
}

/* "name" with inner quotes doubled, appended to b. */
static int
quote_ident(struct cg_buf *b, const char *name, struct cg_err *err)
{
	const char *p;
	int rc;

	rc = cg_buf_puts(b, "\"", err);
	for (p = name; rc == 0 && *p != '\0'; p++) {
		rc = cg_buf_add(b, p, 1, err);
		if (rc == 0 && *p == '"')
			rc = cg_buf_add(b, p, 1, err);
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\"", err);
	return rc;
}

static int
contains_ci(const char *hay, const char *needle)
{
	return needle[0] != '\0' && strcasestr(hay, needle) != NULL;
}

static int
is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/* 1 when word occurs in text as a whole identifier (ASCII case-insensitive). */
static int
has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);
	size_t i;

	if (n == 0 || n > len)
		return 0;
	for (i = 0; i + n <= len; i++) {
		if (strncasecmp(text + i, word, n) != 0)
			continue;
		if (i > 0 && is_ident_char(text[i - 1]))
			continue;
		if (i + n < len && is_ident_char(text[i + n]))
			continue;
		return 1;
	}
	return 0;
}

static int
tool_exec(struct cg_sim *s, const char *sql)
{
	int rc;

	cg_sandbox_budget_suspend(s->sb, 1);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	cg_sandbox_budget_suspend(s->sb, 0);
	return rc;
}

static int
sql_fail(struct cg_sim *s, int src, const char *what, struct cg_err *err)
{
	if (src == SQLITE_NOMEM)
		return cg_err_nomem(err);
	return cg_err_set(err, CG_ESQL, "simulation: cannot %s: %s", what,
	    sqlite3_errmsg(s->db));
}

/* ASCII case-insensitive, as cg_ident_eq compares. */
static size_t
name_hash(const char *n)
{
	size_t h = 5381;
	unsigned char c;

	for (; *n != '\0'; n++) {
		c = (unsigned char)*n;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = h * 33 + c;
	}
	return h;
}

static struct stable *
find_table(struct cg_sim *s, const char *name, size_t *idx)
{
	size_t i;

	if (s->hash != NULL) {
		for (i = name_hash(name) & (s->hcap - 1); s->hash[i] != 0;
		    i = (i + 1) & (s->hcap - 1)) {
			if (!cg_ident_eq(s->t[s->hash[i] - 1].name, name))
				continue;
			if (idx != NULL)
				*idx = s->hash[i] - 1;
			return &s->t[s->hash[i] - 1];
		}
		return NULL;
	}
	for (i = 0; i < s->nt; i++)
		if (cg_ident_eq(s->t[i].name, name)) {
			if (idx != NULL)
				*idx = i;
			return &s->t[i];
		}
	return NULL;
}

static void
table_release(struct stable *t)
{
	size_t i, j;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].type);
		free(t->cols[i].dflt);
		free(t->cols[i].fk_parent);
		free(t->cols[i].fk_to);
	}
	for (i = 0; t->prefv != NULL && i < t->ncols; i++)
		val_release(&t->prefv[i]);
	free(t->prefv);
	free(t->pref);
	free(t->cols);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; t->rows[i].key != NULL && j < t->nkey; j++)
			val_release(&t->rows[i].key[j]);
		free(t->rows[i].key);
	}
	free(t->name);
	free(t->cur);
	free(t->create);
	free(t->why);
	free(t->kids);
}

void
cg_sim_free(struct cg_sim *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->db != NULL)
		sqlite3_preupdate_hook(s->db, NULL, NULL);
	for (i = 0; i < s->nt; i++)
		table_release(&s->t[i]);
	free(s->t);
	free(s->order);
	for (i = 0; i < s->nst; i++) {
		free(s->st[i].set);
		free(s->st[i].path);
		free(s->st[i].table);
		free(s->st[i].sql);
		free(s->st[i].filter_query);
	}
	free(s->st);
	free(s->ev);
	for (i = 0; i < s->nnotes; i++) {
		free(s->notes[i].set);
		free(s->notes[i].path);
		free(s->notes[i].msg);
	}
	free(s->notes);
	for (i = 0; i < s->nfails; i++)
		cg_sim_fail_release(&s->fails[i]);
	free(s->fails);
	for (i = 0; i < s->ntrig; i++) {
		free(s->trig[i].on);
		free(s->trig[i].sql);
	}
	free(s->trig);
	free(s->hash);
	free(s->work);
	cg_sim_values_free(s->vals);
	cg_sandbox_free(s->sb);
	free(s);
}

void
cg_sim_counts(const struct cg_sim *s, struct cg_sim_counts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nt; i++) {
		out->ntables++;
		if (s->t[i].nrows > 0)
			out->nseeded++;
		out->nrows += s->t[i].nrows;
	}
}

/* ---- reading the schema ---- */

/* Shadow tables of a virtual table (fts5 "docs_content") are not seeded. */
static int
is_shadow(const char *name, const struct cg_strvec *vtabs)
{
	size_t i, n;

	for (i = 0; i < vtabs->n; i++) {
		n = strlen(vtabs->v[i]);
		if (strncasecmp(name, vtabs->v[i], n) == 0 && name[n] == '_')
			return 1;
	}
	return 0;
}

static int
load_tables(struct cg_sim *s, struct cg_err *err)
{
	static const char sql[] = "SELECT name, sql FROM sqlite_schema "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "ORDER BY rowid";
	struct cg_strvec names = CG_STRVEC_INIT, creates = CG_STRVEC_INIT;
	struct cg_strvec vtabs = CG_STRVEC_INIT;
	sqlite3_stmt *st = NULL;
	const char *name, *create;
	size_t i;
	int src;
	int rc = 0;

	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = sql_fail(s, src, "list the tables", err);
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		create = (const char *)sqlite3_column_text(st, 1);
		if (name == NULL || create == NULL)
			continue;
		if (strncasecmp(create, "CREATE VIRTUAL", 14) == 0) {
			rc = cg_strvec_push(&vtabs, name, err);
		} else {
			rc = cg_strvec_push(&names, name, err);
			if (rc == 0)
				rc = cg_strvec_push(&creates, create, err);
		}
		if (rc < 0)
			goto out;
	}
	if (src != SQLITE_DONE) {
		rc = sql_fail(s, src, "list the tables", err);
		goto out;
	}
	s->t = calloc(names.n ? names.n : 1, sizeof(*s->t));
	s->order = calloc(names.n ? names.n : 1, sizeof(*s->order));
	if (s->t == NULL || s->order == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (i = 0; i < names.n; i++) {
		if (is_shadow(names.v[i], &vtabs))
			continue;
		s->t[s->nt].name = names.v[i];
		s->t[s->nt].create = creates.v[i];
		names.v[i] = creates.v[i] = NULL;
		s->t[s->nt].cur = cg_strdup(s->t[s->nt].name);
		s->nt++;
		if (s->t[s->nt - 1].cur == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	cg_strvec_release(&names);
	cg_strvec_release(&creates);
	cg_strvec_release(&vtabs);
	return rc;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return cg_strdup(v != NULL ? (const char *)v : "");
}

/*
 * WITHOUT ROWID among the table options, after the column list (from
 * the text: pragma_table_list costs a pass over the whole schema).
 */
static int
without_rowid(const char *create)
{
	size_t len = strlen(create), pos = 0;
	int depth = 0, closed = 0;
	struct cg_tok t;

	for (;;) {
		t = cg_sql_next_token(create, len, &pos);
		if (t.kind == CG_TOK_END)
			return 0;
		if (t.kind == CG_TOK_PUNCT && create[t.off] == '(')
			depth++;
		else if (t.kind == CG_TOK_PUNCT && create[t.off] == ')') {
			if (--depth == 0)
				closed = 1;
		} else if (closed && depth == 0 && cg_tok_is(create, t,
		    "WITHOUT"))
			return 1;
	}
}

/* The table named name, looking at the one found last time first. */
static struct stable *
table_at(struct cg_sim *s, const char *name, size_t *hint)
{
	if (*hint < s->nt && strcmp(s->t[*hint].name, name) == 0)
		return &s->t[*hint];
	return find_table(s, name, hint);
}

static void finish_table(struct cg_sim *s, struct stable *t);

/*
 * Columns (table_xinfo), foreign keys and the kind of every table, each
 * with one query over the whole schema: a prepare per table costs more
 * than all the seeding on a 200-table schema.
 */
static int
load_columns(struct cg_sim *s, struct cg_err *err)
{
	static const char xinfo[] = "SELECT m.name, x.name, x.type, "
	    "x.\"notnull\", x.dflt_value, x.pk, x.hidden FROM sqlite_schema "
	    "AS m JOIN pragma_table_xinfo(m.name, 'main') AS x WHERE m.type = "
	    "'table' "
	    "ORDER BY m.rowid, x.cid";
	static const char fkl[] = "SELECT m.name, p.\"from\", p.\"table\", "
	    "p.\"to\", p.seq FROM sqlite_schema AS m "
	    "JOIN pragma_foreign_key_list(m.name, 'main') AS p WHERE m.type = "
	    "'table' "
	    "ORDER BY m.rowid, p.id, p.seq";
	sqlite3_stmt *st = NULL;
	size_t *cap = NULL;
	size_t hint = 0, i;
	struct stable *t;
	struct scol *c;
	const char *tn;
	int src;
	int rc = 0;

	cap = calloc(s->nt ? s->nt : 1, sizeof(*cap));
	if (cap == NULL)
		return cg_err_nomem(err);
	src = sqlite3_prepare_v2(s->db, xinfo, -1, &st, NULL);
	while (src == SQLITE_OK || src == SQLITE_ROW) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		tn = (const char *)sqlite3_column_text(st, 0);
		if (tn == NULL || (t = table_at(s, tn, &hint)) == NULL)
			continue;
		rc = cg_grow(&t->cols, &cap[hint], t->ncols + 1,
		    sizeof(*t->cols), err);
		if (rc < 0)
			goto out;
		c = &t->cols[t->ncols++];
		memset(c, 0, sizeof(*c));
		c->name = col_dup(st, 1);
		c->type = col_dup(st, 2);
		c->notnull = sqlite3_column_int(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			c->dflt = col_dup(st, 4);
		c->pk = sqlite3_column_int(st, 5);
		c->generated = sqlite3_column_int(st, 6) >= 2;
		if (c->name == NULL || c->type == NULL ||
		    (sqlite3_column_type(st, 4) != SQLITE_NULL && c->dflt == NULL)) {
			rc = cg_err_nomem(err);
			goto out;
		}
		if (c->pk > 0)
			t->nkey++;
	}
	if (src != SQLITE_DONE) {
		rc = sql_fail(s, src, "read the columns", err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	src = sqlite3_prepare_v2(s->db, fkl, -1, &st, NULL);
	while (src == SQLITE_OK || src == SQLITE_ROW) {
		const char *from;

		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		tn = (const char *)sqlite3_column_text(st, 0);
		from = (const char *)sqlite3_column_text(st, 1);
		if (tn == NULL || from == NULL ||
		    (t = table_at(s, tn, &hint)) == NULL)
			continue;
		for (i = 0; i < t->ncols; i++) {
			c = &t->cols[i];
			if (!cg_ident_eq(c->name, from) || c->fk_parent != NULL)
				continue;
			c->fk_parent = col_dup(st, 2);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				c->fk_to = col_dup(st, 3);
			c->fk_seq = sqlite3_column_int(st, 4);
			if (c->fk_parent == NULL ||
			    (sqlite3_column_type(st, 3) != SQLITE_NULL &&
			    c->fk_to == NULL)) {
				rc = cg_err_nomem(err);
				goto out;
			}
			break;
		}
	}
	if (src != SQLITE_DONE) {
		rc = sql_fail(s, src, "read the foreign keys", err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	for (hint = 0; hint < s->nt; hint++)
		finish_table(s, &s->t[hint]);
out:
	free(cap);
	sqlite3_finalize(st);
	return rc;
}

/* Parents before children; a cycle is cut where it closes. */
static void
visit(struct cg_sim *s, size_t i)
{
	struct stable *t = &s->t[i];
	size_t j;

	if (t->state != 0)
		return;
	t->state = 1;
	for (j = 0; j < t->ncols; j++)
		if (t->cols[j].fk_parent != NULL && t->cols[j].fk_table >= 0 &&
		    (size_t)t->cols[j].fk_table != i)
			visit(s, (size_t)t->cols[j].fk_table);
	t->state = 2;
	s->order[s->norder++] = i;
}

/* ---- candidate values ---- */

enum aff { AFF_INT, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUM };

/* SQLite's affinity rules (section 3.1 of its datatype documentation). */
static enum aff
affinity(const char *type)
{
	if (contains_ci(type, "INT"))
		return AFF_INT;
	if (contains_ci(type, "CHAR") || contains_ci(type, "CLOB") ||
	    contains_ci(type, "TEXT"))
		return AFF_TEXT;
	if (type[0] == '\0' || contains_ci(type, "BLOB") ||
	    strcasecmp(type, "ANY") == 0)
		return AFF_BLOB;
	if (contains_ci(type, "REAL") || contains_ci(type, "FLOA") ||
	    contains_ci(type, "DOUB"))
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
	return contains_ci(c->type, "DATE") || contains_ci(c->type, "TIME") ||
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
			if (set_text(&l->v[l->n], b.data != NULL ? b.data : "",
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
				set_real(&l->v[l->n], strtod(num, &end) *
				    (neg ? -1 : 1));
			else
				set_int(&l->v[l->n], strtoll(num, &end, 0) *
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
		val_release(&l->v[i]);
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
			val_release(v);
			if (pk == PREF_NULL) {
				v->type = SQLITE_NULL;
				return 0;
			}
			return val_copy(v, pv);
		}
		k--;
		total--;
	}
	if (nullable && k == total - 1) {
		val_release(v);
		v->type = SQLITE_NULL;
		return 0;
	}
	if (k >= NBASE) {
		j = k - NBASE;
		if (j < l->n) {
			val_release(v);
			return val_copy(v, &l->v[j]);
		}
		j -= (unsigned)l->n;
		if (l->v[j].type == SQLITE_INTEGER) {
			set_int(v, l->v[j].i + r);
		} else if (l->v[j].type == SQLITE_FLOAT) {
			set_real(v, l->v[j].d + r);
		} else {
			(void)snprintf(buf, sizeof(buf), "%s%u", l->v[j].s, r + 1);
			return set_text(v, buf, strlen(buf));
		}
		return 0;
	}
	if (contains_ci(c->type, "BOOL") && a != AFF_TEXT) {
		static const int boolv[NBASE] = { 1, 0, 1, 0, 1, 0, 1, 0 };

		set_int(v, k == 0 ? (r == 0 ? 1 : 0) : boolv[(k + r) % NBASE]);
		return 0;
	}
	if (k == 0 && c->pk == 0 && !d && (a == AFF_INT || a == AFF_NUM ||
	    a == AFF_BLOB)) {
		set_int(v, 10000 + (sqlite3_int64)serial);
		return 0;
	}
	if (k == 0 && c->pk == 0 && a == AFF_REAL) {
		set_real(v, 10000.5 + serial);
		return 0;
	}
	switch (a) {
	case AFF_INT:
		switch (k) {
		case 0: set_int(v, d ? 1704067200 + (sqlite3_int64)r * 86400 +
		    (c->pk == 0 ? serial % 3600 : 0) :
		    (sqlite3_int64)r + 1); return 0;
		case 1: set_int(v, (sqlite3_int64)r + 1); return 0;
		case 2: set_int(v, (sqlite3_int64)r); return 0;
		case 3: set_int(v, 100 + (sqlite3_int64)r); return 0;
		case 4: set_int(v, -1 - (sqlite3_int64)r); return 0;
		case 5: set_int(v, 1704067200000 + (sqlite3_int64)r); return 0;
		default: set_int(v, 1000000 + (sqlite3_int64)r * 7 + k); return 0;
		}
	case AFF_REAL:
		switch (k) {
		case 0: set_real(v, r + 1.5); return 0;
		case 1: set_real(v, r + 0.5); return 0;
		case 2: set_real(v, 100.5 + r); return 0;
		case 3: set_real(v, (double)r); return 0;
		default: set_real(v, -1.5 - r - k); return 0;
		}
	case AFF_BLOB:
		if (k == 1) {
			buf[0] = (char)0xc0;
			buf[1] = (char)r;
			val_release(v);
			v->type = SQLITE_BLOB;
			v->s = cg_strndup(buf, 2);
			v->n = 2;
			return v->s == NULL ? -1 : 0;
		}
		if (k == 0 || k > 3) {
			set_int(v, (sqlite3_int64)r + 1 + (k > 3 ? 100 * k : 0));
			return 0;
		}
		if (k == 3) {
			set_real(v, r + 1.5);
			return 0;
		}
		break;
	case AFF_NUM:
		if (k == 0 && !d) {
			set_int(v, (sqlite3_int64)r + 1);
			return 0;
		}
		if (k == 1) {
			set_real(v, r + 1.5);
			return 0;
		}
		if (k == 3) {
			set_int(v, 100 + (sqlite3_int64)r);
			return 0;
		}
		break;
	case AFF_TEXT:
		break;
	}
	/* Text candidates. */
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
	return set_text(v, buf, strlen(buf));
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
		val_release(v);
		if (val_copy(v, &p->rows[r < p->nrows ? r : p->nrows - 1].key[
		    p->cols[i].pk - 1]) < 0)
			return cg_err_nomem(err);
		*found = 1;
		return 0;
	}
	rc = cg_buf_puts(&q, "SELECT ", err);
	if (rc == 0)
		rc = to != NULL ? quote_ident(&q, to, err) :
		    cg_buf_puts(&q, "rowid", err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " FROM ", err);
	if (rc == 0)
		rc = quote_ident(&q, c->fk_parent, err);
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
			val_release(v);
			if (val_from(v, sqlite3_column_value(st, 0)) < 0) {
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
		    has_word(text, len, t->cols[i].name)) {
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
			    has_word(named + strlen(text), len - strlen(text) <
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

static int
seed_table(struct cg_sim *s, struct stable *t, struct cg_err *err)
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
		rc = quote_ident(&q, t->name, err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " (", err);
	for (i = 0; rc == 0 && i < t->ncols; i++) {
		if (t->cols[i].generated)
			continue;
		if (n++ > 0)
			rc = cg_buf_puts(&q, ", ", err);
		if (rc == 0)
			rc = quote_ident(&q, t->cols[i].name, err);
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
			rc = quote_ident(&q, t->name, err);
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
					val_release(&vals[i]);
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
					val_release(&vals[i]);
					vals[i].type = SQLITE_NULL;
					if (!cg_ident_eq(c->fk_parent, t->name))
						c->deferred = 1;
				} else if (!found &&
				    candidate(&vals[i], c, &l, t->pref[i],
				    &t->prefv[i], r, c->cand, s->serial++) < 0) {
					rc = cg_err_nomem(err);
					goto out;
				}
				src = val_bind(st, ++bi, &vals[i]);
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
				    val_copy(&t->rows[t->nrows].key[
				    t->cols[i].pk - 1], &vals[i]) < 0) {
					t->nrows++;
					rc = cg_err_nomem(err);
					goto out;
				}
			if (t->alias)
				set_int(&t->rows[t->nrows].key[0],
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
		val_release(&vals[i]);
	free(vals);
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

/* Fill the keys a cycle left NULL, now that the parents have rows. */
static int
fix_deferred(struct cg_sim *s, struct stable *t, struct cg_err *err)
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
			rc = quote_ident(&q, t->name, err);
		if (rc == 0)
			rc = cg_buf_puts(&q, " SET ", err);
		if (rc == 0)
			rc = quote_ident(&q, t->cols[i].name, err);
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
			src = val_bind(st, 1, &v);
			if (src == SQLITE_OK)
				src = sqlite3_bind_int64(st, 2,
				    t->rows[r].rowid);
			if (src == SQLITE_OK)
				(void)sqlite3_step(st);
		}
	}
out:
	val_release(&v);
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

/* ---- what a file can reach (lazy seeding) ---- */

/* The rest of a loaded table: its kind, key alias and column classes. */
static void
finish_table(struct cg_sim *s, struct stable *t)
{
	size_t i, p;

	t->without_rowid = without_rowid(t->create);
	t->alias = 0;
	for (i = 0; !t->without_rowid && t->nkey == 1 && i < t->ncols; i++)
		if (t->cols[i].pk == 1 &&
		    strcasecmp(t->cols[i].type, "INTEGER") == 0)
			t->alias = 1;
	for (i = 0; i < t->ncols; i++) {
		struct scol *c = &t->cols[i];

		c->fk_table = -1;
		if (c->fk_parent != NULL &&
		    find_table(s, c->fk_parent, &p) != NULL)
			c->fk_table = (long)p;
		c->aff = (int)affinity(c->type);
		c->date = dateish(c);
	}
	t->loaded = 1;
}

/* Columns and foreign keys of one table (xi and fk take it as ?1). */
static int
load_one(struct cg_sim *s, struct stable *t, sqlite3_stmt *xi,
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
		c->name = col_dup(xi, 0);
		c->type = col_dup(xi, 1);
		c->notnull = sqlite3_column_int(xi, 2);
		if (sqlite3_column_type(xi, 3) != SQLITE_NULL)
			c->dflt = col_dup(xi, 3);
		c->pk = sqlite3_column_int(xi, 4);
		c->generated = sqlite3_column_int(xi, 5) >= 2;
		if (c->name == NULL || c->type == NULL ||
		    (sqlite3_column_type(xi, 3) != SQLITE_NULL && c->dflt == NULL))
			return cg_err_nomem(err);
		if (c->pk > 0)
			t->nkey++;
	}
	if (src != SQLITE_DONE)
		return sql_fail(s, src, "read the columns", err);
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
			c->fk_parent = col_dup(fk, 1);
			if (sqlite3_column_type(fk, 2) != SQLITE_NULL)
				c->fk_to = col_dup(fk, 2);
			c->fk_seq = sqlite3_column_int(fk, 3);
			if (c->fk_parent == NULL ||
			    (sqlite3_column_type(fk, 2) != SQLITE_NULL &&
			    c->fk_to == NULL))
				return cg_err_nomem(err);
			break;
		}
	}
	if (src != SQLITE_DONE)
		return sql_fail(s, src, "read the foreign keys", err);
	finish_table(s, t);
	return 0;
}

/* Table names looked up by hash: a file's every word is looked up. */
static int
hash_build(struct cg_sim *s, struct cg_err *err)
{
	size_t i, j;

	s->hcap = 16;
	while (s->hcap < 2 * s->nt + 2)
		s->hcap *= 2;
	s->hash = calloc(s->hcap, sizeof(*s->hash));
	if (s->hash == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < s->nt; i++) {
		for (j = name_hash(s->t[i].name) & (s->hcap - 1);
		    s->hash[j] != 0; j = (j + 1) & (s->hcap - 1))
			if (cg_ident_eq(s->t[s->hash[j] - 1].name, s->t[i].name))
				break;
		if (s->hash[j] == 0)
			s->hash[j] = i + 1;	/* the first, as a scan finds */
	}
	return 0;
}

static int
load_triggers(struct cg_sim *s, struct cg_err *err)
{
	static const char sql[] = "SELECT tbl_name, sql FROM sqlite_schema "
	    "WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY rowid";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int src;
	int rc = 0;

	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == 0 && (src == SQLITE_OK || src == SQLITE_ROW)) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		rc = cg_grow(&s->trig, &cap, s->ntrig + 1, sizeof(*s->trig),
		    err);
		if (rc < 0)
			break;
		memset(&s->trig[s->ntrig], 0, sizeof(s->trig[s->ntrig]));
		s->trig[s->ntrig].on = col_dup(st, 0);
		s->trig[s->ntrig].sql = col_dup(st, 1);
		s->ntrig++;
		if (s->trig[s->ntrig - 1].on == NULL ||
		    s->trig[s->ntrig - 1].sql == NULL) {
			rc = cg_err_nomem(err);
			break;
		}
		/* Triggers are on tables or views: not a table, a view. */
		if (find_table(s, s->trig[s->ntrig - 1].on, NULL) == NULL) {
			s->trig[s->ntrig - 1].view = 1;
			s->nview++;
		}
	}
	if (rc == 0 && src != SQLITE_DONE)
		rc = sql_fail(s, src, "list the triggers", err);
	sqlite3_finalize(st);
	return rc;
}

/* The name a word, quoted identifier or string token spells, into b. */
static int
tok_name(struct cg_buf *b, const char *sql, struct cg_tok t,
    struct cg_err *err)
{
	size_t i, a = t.off, e = t.off + t.len;
	char q = 0;
	int rc = 0;

	b->len = 0;
	if (t.kind == CG_TOK_QUOTED || t.kind == CG_TOK_STRING) {
		if (t.len < 2)
			return 0;
		q = sql[a] == '[' ? ']' : sql[a];
		a++;
		e--;
	} else if (t.kind != CG_TOK_WORD) {
		return 0;
	}
	for (i = a; rc == 0 && i < e; i++) {
		if (q != 0 && sql[i] == q && i + 1 < e && sql[i + 1] == q)
			i++;
		rc = cg_buf_add(b, sql + i, 1, err);
	}
	if (rc == 0)
		rc = cg_buf_add(b, "", 1, err);	/* NUL, counted */
	return rc < 0 ? rc : (b->len > 1);
}

static void
reach(struct cg_sim *s, size_t i)
{
	if (s->t[i].mark == 1)
		return;
	s->t[i].mark = 1;
	s->work[s->nwork++] = i;
}

/*
 * Mark every table a token of text names, by its base name or, for the
 * tables in ren (nren of them, renamed by an earlier file), its name now.
 */
static int
reach_text(struct cg_sim *s, const char *text, size_t len,
    const size_t *ren, size_t nren, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	struct cg_tok t;
	size_t pos = 0, i;
	int rc = 0;

	for (;;) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		rc = tok_name(&b, text, t, err);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		rc = 0;
		if (find_table(s, b.data, &i) != NULL)
			reach(s, i);
		for (i = 0; i < nren; i++)
			if (cg_ident_eq(s->t[ren[i]].cur, b.data))
				reach(s, ren[i]);
	}
	cg_buf_release(&b);
	return rc;
}

/*
 * Mark what text names (reach_text) and queue on tw the triggers of the
 * views it names, once each: writing to a view runs its INSTEAD OF
 * trigger, whose body can name tables and other views in turn.
 */
static int
reach_via(struct cg_sim *s, const char *text, size_t len,
    const size_t *ren, size_t nren, size_t *tw, size_t *ntw,
    struct cg_err *err)
{
	size_t k;
	int rc;

	rc = reach_text(s, text, len, ren, nren, err);
	for (k = 0; rc == 0 && s->nview > 0 && k < s->ntrig; k++) {
		if (!s->trig[k].view || s->trig[k].followed ||
		    !has_word(text, len, s->trig[k].on))
			continue;
		s->trig[k].followed = 1;
		tw[(*ntw)++] = k;
	}
	return rc;
}

/* For each table, the tables whose text says REFERENCES it. */
static int
kids_build(struct cg_sim *s, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	struct stable *p;
	struct cg_tok t;
	size_t i, pi, pos, len;
	int after_ref, rc = 0;

	for (i = 0; rc == 0 && i < s->nt; i++) {
		const char *c = s->t[i].create;

		len = strlen(c);
		pos = 0;
		after_ref = 0;
		for (;;) {
			t = cg_sql_next_token(c, len, &pos);
			if (t.kind == CG_TOK_END)
				break;
			if (!after_ref) {
				after_ref = cg_tok_is(c, t, "REFERENCES");
				continue;
			}
			after_ref = 0;
			rc = tok_name(&b, c, t, err);
			if (rc < 0)
				break;
			rc = 0;
			if ((p = find_table(s, b.data, &pi)) == NULL || pi == i ||
			    (p->nkids > 0 && p->kids[p->nkids - 1] == i))
				continue;
			rc = cg_grow(&p->kids, &p->capkids, p->nkids + 1,
			    sizeof(*p->kids), err);
			if (rc < 0)
				break;
			p->kids[p->nkids++] = i;
		}
	}
	s->kids_built = 1;
	cg_buf_release(&b);
	return rc;
}

/*
 * Mark what the file can change: the tables it names; through a
 * foreign key, every table that references a marked one (CASCADE, SET
 * NULL, SET DEFAULT, RESTRICT: children with rows decide what a DELETE
 * does); the tables named by the triggers on a marked table or on a
 * view that the file or such a trigger names, views named by those
 * triggers included.  A table no earlier file reached is as the base
 * left it, so seeding it now gives the rows seeding first would.
 */
static int
mark_file(struct cg_sim *s, const char *text, size_t len,
    struct cg_err *err)
{
	struct stable *t;
	size_t i, k;
	size_t *ren = NULL, nren = 0;
	size_t *tw = NULL, ntw = 0;	/* view triggers to follow */
	int rc = 0;

	for (i = 0; i < s->nt; i++)
		if (!cg_ident_eq(s->t[i].cur, s->t[i].name))
			nren++;
	if (nren > 0) {
		ren = calloc(nren, sizeof(*ren));
		if (ren == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		for (i = 0, nren = 0; i < s->nt; i++)
			if (!cg_ident_eq(s->t[i].cur, s->t[i].name))
				ren[nren++] = i;
	}
	if (s->nview > 0) {
		/* Each view trigger is queued once: nview entries suffice. */
		tw = calloc(s->nview, sizeof(*tw));
		if (tw == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		for (k = 0; k < s->ntrig; k++)
			s->trig[k].followed = 0;
	}
	s->nwork = 0;
	rc = reach_via(s, text, len, ren, nren, tw, &ntw, err);
	while (rc == 0 && (s->nwork > 0 || ntw > 0)) {
		if (ntw > 0) {
			k = tw[--ntw];
			rc = reach_via(s, s->trig[k].sql,
			    strlen(s->trig[k].sql), ren, nren, tw, &ntw, err);
			continue;
		}
		if (!s->kids_built) {
			rc = kids_build(s, err);
			if (rc < 0)
				break;
		}
		t = &s->t[s->work[--s->nwork]];
		for (k = 0; k < t->nkids; k++)
			reach(s, t->kids[k]);
		for (k = 0; rc == 0 && k < s->ntrig; k++)
			if (cg_ident_eq(s->trig[k].on, t->name) ||
			    cg_ident_eq(s->trig[k].on, t->cur))
				rc = reach_via(s, s->trig[k].sql,
				    strlen(s->trig[k].sql), ren, nren, tw,
				    &ntw, err);
	}
out:
	free(tw);
	free(ren);
	return rc;
}

/*
 * Mark what the file can change (mark_file), then load the marked
 * tables and their parents (mark 2), which a child's seeded keys point
 * at.
 */
static int
reach_file(struct cg_sim *s, const char *text, size_t len,
    struct cg_err *err)
{
	struct stable *t;
	size_t i, k, ti;
	int rc;

	rc = mark_file(s, text, len, err);
	if (rc < 0)
		return rc;
	/* Parents, loading what is marked: the worklist again. */
	for (i = 0; i < s->nt; i++)
		if (s->t[i].mark != 0 && !s->t[i].loaded && !s->t[i].queued) {
			s->t[i].queued = 1;
			s->work[s->nwork++] = i;
		}
	if (s->nwork == 0)
		return 0;
	{
		static const char xsql[] = "SELECT name, type, \"notnull\", "
		    "dflt_value, pk, hidden FROM pragma_table_xinfo(?1, "
		    "'main')";
		static const char fsql[] = "SELECT \"from\", \"table\", "
		    "\"to\", seq FROM pragma_foreign_key_list(?1, 'main') "
		    "ORDER BY id, seq";
		sqlite3_stmt *xi = NULL, *fk = NULL;
		int src;

		src = sqlite3_prepare_v2(s->db, xsql, -1, &xi, NULL);
		if (src == SQLITE_OK)
			src = sqlite3_prepare_v2(s->db, fsql, -1, &fk, NULL);
		if (src != SQLITE_OK)
			rc = sql_fail(s, src, "read the columns", err);
		while (rc == 0 && s->nwork > 0) {
			t = &s->t[s->work[--s->nwork]];
			if (t->loaded)
				continue;
			rc = load_one(s, t, xi, fk, err);
			for (k = 0; rc == 0 && k < t->ncols; k++) {
				if (t->cols[k].fk_table < 0)
					continue;
				ti = (size_t)t->cols[k].fk_table;
				if (s->t[ti].mark == 0)
					s->t[ti].mark = 2;
				if (!s->t[ti].loaded && !s->t[ti].queued) {
					s->t[ti].queued = 1;
					s->work[s->nwork++] = ti;
				}
			}
		}
		sqlite3_finalize(xi);
		sqlite3_finalize(fk);
	}
	return rc;
}

/*
 * Seed the marked tables not seeded yet: parents before children, with
 * foreign keys and triggers off, within the step and time budgets, cycles
 * fixed up after.  The pre-update hook is only set while a file runs, so the
 * seed is not recorded as something a migration did.
 */
static int
seed_marked(struct cg_sim *s, struct cg_err *err)
{
	size_t from = s->norder, i;
	int triggers = 1;	/* the setting to restore */
	int rc = 0;

	for (i = 0; i < s->nt; i++)
		if (s->t[i].mark != 0 && s->t[i].state == 0)
			visit(s, i);
	if (s->norder == from)
		return 0;
	/*
	 * A trigger of the base fired by a seeding INSERT could delete rows
	 * seeded for an earlier file: a loss no migration caused.  The
	 * setting expires the prepared statements, so they are prepared
	 * again with triggers off, and back on after.  Its int * reports
	 * the state after the call, so -1 (no change) asks what it was.
	 */
	if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1,
	    &triggers) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0,
	    (int *)NULL) != SQLITE_OK)
		return cg_err_set(err, CG_ESQL, "simulation: cannot turn "
		    "triggers off to seed");
	/* Between files: nothing is open, as the replay leaves it. */
	if (!sqlite3_get_autocommit(s->db))
		(void)tool_exec(s, "ROLLBACK");
	if (tool_exec(s, "PRAGMA foreign_keys=OFF") != SQLITE_OK ||
	    tool_exec(s, "BEGIN") != SQLITE_OK) {
		rc = sql_fail(s, sqlite3_errcode(s->db), "start seeding", err);
		goto out;
	}
	for (i = from; i < s->norder; i++) {
		struct stable *t = &s->t[s->order[i]];

		t->tried = 1;
		if (cg_sandbox_budget_hit(s->sb)) {
			t->why = cg_strdup(SIM_OUT_OF_BUDGET);
			if (t->why == NULL) {
				rc = cg_err_nomem(err);
				break;
			}
			continue;
		}
		rc = seed_table(s, t, err);
		if (rc < 0)
			break;
	}
	for (i = from; rc == 0 && i < s->norder; i++)
		rc = fix_deferred(s, &s->t[s->order[i]], err);
	if (rc < 0) {
		(void)tool_exec(s, "ROLLBACK");
		goto out;
	}
	if (tool_exec(s, "COMMIT") != SQLITE_OK) {
		rc = sql_fail(s, sqlite3_errcode(s->db), "commit the seed", err);
		(void)tool_exec(s, "ROLLBACK");
	}
out:
	(void)sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER,
	    triggers, (int *)NULL);
	return rc;
}

/* Seed what text can reach, before it runs. */
static int
seed_for(struct cg_sim *s, const char *text, size_t len,
    struct cg_err *err)
{
	int rc;

	cg_sandbox_budget_start(s->sb);
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = reach_file(s, text, len, err);
	cg_sandbox_budget_suspend(s->sb, 0);
	if (rc < 0)
		return rc;
	return seed_marked(s, err);
}

int
cg_sim_new(struct cg_sim **out, struct cg_sandbox *base, struct cg_err *err)
{
	struct cg_sim *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return cg_err_nomem(err);
	rc = cg_sandbox_clone(&s->sb, base, err);
	if (rc < 0)
		goto out;
	s->db = cg_sandbox_db(s->sb);
	rc = cg_sim_values_new(&s->vals, err);
	if (rc < 0)
		goto out;
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = load_tables(s, err);
	if (rc == 0)
		rc = hash_build(s, err);
	if (rc == 0)
		rc = load_triggers(s, err);
	cg_sandbox_budget_suspend(s->sb, 0);
	if (rc < 0)
		goto out;
	s->work = calloc(s->nt ? s->nt : 1, sizeof(*s->work));
	if (s->work == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	s->lazy = 1;
	*out = s;
	s = NULL;
out:
	cg_sim_free(s);
	return rc;
}

int
cg_sim_seed_all(struct cg_sim *s, struct cg_err *err)
{
	size_t i;
	int any = 0;
	int rc = 0;

	s->lazy = 0;		/* nothing left for a file to reach */
	cg_sandbox_budget_start(s->sb);
	cg_sandbox_budget_suspend(s->sb, 1);
	for (i = 0; i < s->nt; i++)
		any |= s->t[i].loaded;
	if (!any) {
		/* One query over the whole schema beats one per table. */
		rc = load_columns(s, err);
	} else {
		for (i = 0; i < s->nt; i++)
			if (s->t[i].mark == 0)
				s->t[i].mark = 2;
		rc = reach_file(s, "", 0, err);
	}
	cg_sandbox_budget_suspend(s->sb, 0);
	for (i = 0; i < s->nt; i++)
		if (s->t[i].mark == 0)
			s->t[i].mark = 2;
	if (rc < 0)
		return rc;
	return seed_marked(s, err);
}

/* ---- running ---- */

static void
rename_column(struct cg_sim *s, const char *table, const char *from,
    const char *to)
{
	size_t i, c;
	char *n;

	for (i = 0; i < s->nt; i++) {
		if (!s->t[i].loaded || !cg_ident_eq(s->t[i].cur, table))
			continue;
		for (c = 0; c < s->t[i].ncols; c++) {
			if (!cg_ident_eq(s->t[i].cols[c].name, from))
				continue;
			n = cg_strdup(to);
			if (n == NULL) {
				s->nomem = 1;
				return;
			}
			free(s->t[i].cols[c].name);
			s->t[i].cols[c].name = n;
		}
	}
}

/* The fact about statement stmt, or a new one; NULL when out of memory. */
static struct cg_sim_fail *
fail_at(struct cg_sim *s, size_t stmt)
{
	struct cg_sim_fail *f;
	size_t i;

	for (i = 0; i < s->nfails; i++)
		if (s->fails[i].stmt == stmt)
			return &s->fails[i];
	if (cg_grow(&s->fails, &s->capfails, s->nfails + 1,
	    sizeof(*s->fails), NULL) < 0)
		return NULL;
	f = &s->fails[s->nfails++];
	memset(f, 0, sizeof(*f));
	f->stmt = stmt;
	return f;
}

/* 1 when table is a seeded table of the base that holds rows now. */
static int
holds_seeded_rows(struct cg_sim *s, const char *table)
{
	struct cg_buf q = CG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int found = 0;
	size_t i;

	for (i = 0; i < s->nt && !found; i++)
		found = s->t[i].nrows > 0 && cg_ident_eq(s->t[i].cur, table);
	if (!found)
		return 0;
	found = 0;
	if (cg_buf_puts(&q, "SELECT 1 FROM ", NULL) == 0 &&
	    quote_ident(&q, table, NULL) == 0 &&
	    cg_buf_puts(&q, " LIMIT 1", NULL) == 0 &&
	    sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return found;
}

/*
 * CREATE UNIQUE INDEX on a table with production's rows fails when two
 * of them agree: the precondition comes from the statement, not from
 * the seed.
 */
static void
unique_index(struct cg_sim *s, const struct cg_stmt *st)
{
	struct cg_sim_fail one, *f;
	int rc;

	if (st->sql == NULL || !holds_seeded_rows(s, st->table))
		return;
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = cg_sim_fail_unique_index(&one, s->db, st->sql, st->sql_len,
	    st->table, NULL);
	cg_sandbox_budget_suspend(s->sb, 0);
	if (rc < 0)
		s->nomem = 1;
	if (rc <= 0)
		return;
	f = fail_at(s, s->nst - 1);
	if (f == NULL) {
		cg_sim_fail_release(&one);
		s->nomem = 1;
		return;
	}
	one.stmt = f->stmt;
	cg_sim_fail_release(f);
	*f = one;
}

/*
 * A statement that failed on the seeded rows: what that says about
 * production, and a stand-in when one lets the rest of the file run.
 */
static int
on_failed(const struct cg_stmt *st, const char *msg, void *payload)
{
	struct cg_sim *s = payload;
	struct cg_sim_fail one, *f;
	int rc;

	if (!s->have_stmt || s->nomem || st->sql == NULL)
		return 0;
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = cg_sim_fail_classify(&one, s->db, st->sql, st->sql_len,
	    st->table, msg, NULL);
	cg_sandbox_budget_suspend(s->sb, 0);
	if (rc < 0)
		s->nomem = 1;
	if (rc <= 0)
		return 0;
	f = fail_at(s, s->nst - 1);
	if (f == NULL) {
		cg_sim_fail_release(&one);
		s->nomem = 1;
		return 0;
	}
	one.stmt = f->stmt;
	if (f->kind != 0 && f->query != NULL && one.query == NULL) {
		/* The statement's own precondition says more. */
		free(f->msg);
		f->msg = one.msg;
		one.msg = NULL;
		cg_sim_fail_release(&one);
	} else {
		cg_sim_fail_release(f);
		*f = one;
	}
	if (f->kind == CG_SIM_FAIL_ANY_ROW)
		f->went_on = cg_sim_fail_stand_in(s->db, st->sql, st->sql_len,
		    msg);
	return f->went_on;
}

/* 1 when a table of that name exists now. */
static int
is_table_now(struct cg_sim *s, const char *name)
{
	static const char sql[] = "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?1 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * 1 when the filter text names a table the new files created that is
 * empty now: no production row can match it either.
 */
static int
matches_nothing(struct cg_sim *s, const char *text, size_t len,
    const char *source)
{
	struct cg_buf name = CG_BUF_INIT, q = CG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct cg_tok t;
	size_t pos = 0;
	int empty = 0;

	while (!empty) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (t.kind != CG_TOK_WORD && t.kind != CG_TOK_QUOTED)
			continue;
		name.len = 0;
		if (tok_name(&name, text, t, NULL) < 0 || name.data == NULL ||
		    cg_ident_eq(name.data, source) ||
		    find_table(s, name.data, NULL) != NULL ||
		    !is_table_now(s, name.data))
			continue;
		q.len = 0;
		if (cg_buf_puts(&q, "SELECT 1 FROM ", NULL) < 0 ||
		    quote_ident(&q, name.data, NULL) < 0 ||
		    cg_buf_puts(&q, " LIMIT 1", NULL) < 0)
			break;
		if (sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL) ==
		    SQLITE_OK)
			empty = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
		st = NULL;
	}
	cg_buf_release(&q);
	cg_buf_release(&name);
	return empty;
}

/*
 * Before a copy runs: when its WHERE or join decides which rows of a
 * seeded table it keeps, how many seeded rows it leaves behind, and the
 * query that counts them on production.
 */
static void
note_filter(struct cg_sim *s, struct sstmt *x)
{
	struct cg_sim_filter f;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ok, rc;

	cg_sandbox_budget_suspend(s->sb, 1);
	rc = cg_sim_fail_filter(&f, s->db, x->sql, x->sql_len, NULL);
	if (rc < 0)
		s->nomem = 1;
	if (rc <= 0)
		goto out;
	if (f.constant || matches_nothing(s, x->sql + f.filter_off,
	    f.filter_end - f.filter_off, f.source))
		goto out;
	for (i = 0; i < s->nt; i++)
		if (s->t[i].nrows > 0 && cg_ident_eq(s->t[i].cur, f.source))
			break;
	if (i == s->nt)
		goto out;
	/*
	 * SECURITY: the count runs the file's own filter, so it runs under
	 * the statement's budget (a hostile WHERE costs twice, not free).
	 */
	cg_sandbox_budget_suspend(s->sb, 0);
	ok = sqlite3_prepare_v2(s->db, f.query, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW;
	cg_sandbox_budget_suspend(s->sb, 1);
	if (!ok)
		goto out;
	x->filter_left = (size_t)sqlite3_column_int64(st, 0);
	x->filter_table = i;
	x->filter_query = f.query;
	f.query = NULL;
out:
	sqlite3_finalize(st);
	cg_sim_filter_release(&f);
	cg_sandbox_budget_suspend(s->sb, 0);
}

static void
on_stmt(const struct cg_stmt *st, void *payload)
{
	struct cg_sim *s = payload;
	struct sstmt *x;
	size_t i;

	s->have_stmt = 0;
	if (s->nomem || cg_grow(&s->st, &s->capst, s->nst + 1, sizeof(*s->st),
	    NULL) < 0) {
		s->nomem = 1;
		return;
	}
	x = &s->st[s->nst];
	memset(x, 0, sizeof(*x));
	x->set = st->set != NULL ? cg_strdup(st->set) : NULL;
	x->path = st->path != NULL ? cg_strdup(st->path) : NULL;
	x->table = st->table != NULL ? cg_strdup(st->table) : NULL;
	x->sql = st->sql != NULL ? cg_strndup(st->sql, st->sql_len) : NULL;
	x->sql_len = st->sql != NULL ? st->sql_len : 0;
	x->line = st->line;
	x->col = st->col;
	x->end_line = st->end_line;
	x->flags = st->flags;
	s->nst++;
	if ((st->set != NULL && x->set == NULL) ||
	    (st->path != NULL && x->path == NULL) ||
	    (st->table != NULL && x->table == NULL) ||
	    (st->sql != NULL && x->sql == NULL)) {
		s->nomem = 1;
		return;
	}
	s->have_stmt = 1;
	cg_sim_values_stmt(s->vals, s->nst - 1, st);
	if ((st->flags & CG_ST_INSERT) && x->sql != NULL)
		note_filter(s, x);
	/* A renamed column keeps its values, and a renamed key its rows. */
	if ((st->flags & CG_ST_RENAME_COLUMN) && st->table != NULL &&
	    st->column != NULL && st->new_name != NULL)
		rename_column(s, st->table, st->column, st->new_name);
	if ((st->flags & CG_ST_CREATE) && st->table != NULL)
		unique_index(s, st);
	/* A rename takes the seeded rows with it. */
	if ((st->flags & CG_ST_RENAME_TABLE) && st->table != NULL &&
	    st->new_name != NULL) {
		for (i = 0; i < s->nt; i++) {
			char *n;

			if (!cg_ident_eq(s->t[i].cur, st->table))
				continue;
			n = cg_strdup(st->new_name);
			if (n == NULL) {
				s->nomem = 1;
				return;
			}
			free(s->t[i].cur);
			s->t[i].cur = n;
		}
	}
}

static void
pre_hook(void *payload, sqlite3 *db, int op, const char *zdb,
    const char *ztab, sqlite3_int64 k1, sqlite3_int64 k2)
{
	struct cg_sim *s = payload;
	struct sevent *e;
	struct stable *t = NULL;
	size_t i;
	long row = -1;

	if (!s->have_stmt || s->nomem || op == SQLITE_INSERT ||
	    zdb == NULL || strcmp(zdb, "main") != 0 || ztab == NULL)
		return;
	for (i = 0; i < s->nt; i++)
		if (cg_ident_eq(s->t[i].cur, ztab)) {
			t = &s->t[i];
			break;
		}
	if (t == NULL || t->nrows == 0)
		return;
	if (!t->without_rowid) {
		size_t r;

		for (r = 0; r < t->nrows; r++)
			if (t->rows[r].rowid == k1)
				row = (long)r;
		if (row < 0)
			return;
		if (op == SQLITE_UPDATE && k1 != k2) {
			t->rows[row].rowid = k2;
			if (t->alias)
				set_int(&t->rows[row].key[0], k2);
		}
	}
	if (s->nev >= SIM_MAX_EVENTS)
		return;
	if (cg_grow(&s->ev, &s->capev, s->nev + 1, sizeof(*s->ev), NULL) < 0) {
		s->nomem = 1;
		return;
	}
	e = &s->ev[s->nev++];
	e->table = i;
	e->row = row;
	e->stmt = s->nst - 1;
	e->op = op;
	e->depth = sqlite3_preupdate_depth(db);
	if (op == SQLITE_UPDATE)
		cg_sim_values_update(s->vals, i, row, e->stmt, e->depth);
}

static int
add_note(struct cg_sim *s, const char *set, const char *path,
    unsigned line, const char *msg, struct cg_err *err)
{
	struct snote *n;
	int rc;

	rc = cg_grow(&s->notes, &s->capnotes, s->nnotes + 1,
	    sizeof(*s->notes), err);
	if (rc < 0)
		return rc;
	n = &s->notes[s->nnotes++];
	n->set = set != NULL ? cg_strdup(set) : NULL;
	n->path = path != NULL ? cg_strdup(path) : NULL;
	n->line = line;
	n->msg = cg_strdup(msg);
	if ((set != NULL && n->set == NULL) ||
	    (path != NULL && n->path == NULL) || n->msg == NULL)
		return cg_err_nomem(err);
	return 0;
}

static int count_kept(struct cg_sim *s, struct stable *t, const char *final,
    int *kept, int end, struct cg_err *err);

/* The names of t's columns as followed so far; caller frees the array. */
static const char **
col_names(const struct stable *t)
{
	const char **v = calloc(t->ncols ? t->ncols : 1, sizeof(*v));
	size_t i;

	for (i = 0; v != NULL && i < t->ncols; i++)
		v[i] = t->cols[i].name;
	return v;
}

/* The values of the tables seeded for the next file, as they are now. */
static int
take_values(struct cg_sim *s, struct cg_err *err)
{
	int kept[SIM_ROWS];
	const char **names;
	size_t i;
	int rc = 0;

	cg_sandbox_budget_suspend(s->sb, 1);
	for (i = 0; i < s->nt && rc == 0; i++) {
		struct stable *t = &s->t[i];

		if (t->nrows == 0 || cg_sim_values_have(s->vals, i))
			continue;
		rc = count_kept(s, t, t->cur, kept, 0, err);
		if (rc < 0)
			break;
		names = col_names(t);
		if (names == NULL) {
			rc = cg_err_nomem(err);
			break;
		}
		rc = cg_sim_values_seeded(s->vals, i, t->nrows, names,
		    t->ncols, err);
		free(names);
	}
	cg_sandbox_budget_suspend(s->sb, 0);
	return rc;
}

int
cg_sim_run_file(struct cg_sim *s, const struct cg_config *cfg,
    const struct cg_source *src, struct cg_err *err)
{
	struct cg_findings junk = CG_FINDINGS_INIT;
	struct cg_replay_hooks hooks;
	size_t i;
	int rc;

	if (s->lazy) {
		rc = seed_for(s, src->data, src->len, err);
		if (rc < 0)
			return rc;
	}
	rc = take_values(s, err);
	if (rc < 0)
		return rc;
	hooks.on_stmt_start = on_stmt;
	hooks.on_stmt_failed = on_failed;
	hooks.payload = s;
	s->have_stmt = 0;
	sqlite3_preupdate_hook(s->db, pre_hook, s);
	rc = cg_replay_check_hooked(s->sb, cfg, src, &junk, &hooks, err);
	sqlite3_preupdate_hook(s->db, NULL, NULL);
	s->have_stmt = 0;
	if (rc == 0 && s->nomem)
		rc = cg_err_nomem(err);
	/* The file stopped on the seeded copy: say so where. */
	for (i = 0; rc == 0 && i < junk.n; i++) {
		const struct cg_finding *f = &junk.v[i];

		if (f->rule != CG_RULE_MIGRATION_FAILS &&
		    f->rule != CG_RULE_BUDGET_EXCEEDED)
			continue;
		rc = add_note(s, f->set, f->path, f->line, f->message, err);
	}
	cg_findings_release(&junk);
	return rc;
}

/* ---- the verdict ---- */

/*
 * Rows can only go where the hook saw a DELETE or UPDATE, or where a
 * statement named the table (a DROP with foreign keys off fires no
 * hook); the rest is not read again.
 */
static int
touched(const struct cg_sim *s, size_t ti)
{
	const struct stable *t = &s->t[ti];
	size_t i;

	if (!cg_ident_eq(t->cur, t->name))
		return 1;
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].table == ti)
			return 1;
	for (i = 0; i < s->nst; i++)
		if (s->st[i].table != NULL &&
		    cg_ident_eq(s->st[i].table, t->name))
			return 1;
	return 0;
}

/* The tables at the end, once: a query per table costs too much. */
static int
end_tables(struct cg_strvec *out, struct cg_sim *s, struct cg_err *err)
{
	static const char sql[] = "SELECT name FROM sqlite_schema WHERE "
	    "type = 'table'";
	sqlite3_stmt *st = NULL;
	const char *n;
	int src;
	int rc = 0;

	src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == 0 && (src == SQLITE_OK || src == SQLITE_ROW)) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		n = (const char *)sqlite3_column_text(st, 0);
		if (n != NULL)
			rc = cg_strvec_push(out, n, err);
	}
	if (rc == 0 && src != SQLITE_DONE)
		rc = sql_fail(s, src, "list the tables at the end", err);
	sqlite3_finalize(st);
	return rc;
}

static int
in_list(const struct cg_strvec *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (cg_ident_eq(v->v[i], name))
			return 1;
	return 0;
}

/* 1 when table has a column of that name (hidden ones included). */
static int
has_column(struct cg_sim *s, const char *table, const char *col)
{
	static const char sql[] = "SELECT 1 FROM pragma_table_xinfo(?1, "
	    "'main') WHERE name = ?2 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Mark in kept[] the seeded rows of t still in table `final`. */
static int
count_kept(struct cg_sim *s, struct stable *t, const char *final,
    int *kept, int end, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int by_key = t->nkey > 0;
	size_t i, r, k;
	int src;
	int rc;

again:
	q.len = 0;
	if (t->without_rowid && !by_key)
		by_key = -1;	/* the key is gone: rows cannot be matched */
	rc = cg_buf_puts(&q, "SELECT * FROM ", err);	/* the values too */
	if (rc == 0)
		rc = quote_ident(&q, final, err);
	if (rc == 0)
		rc = cg_buf_puts(&q, " WHERE ", err);
	/*
	 * A key column that is not there any more would be read as a
	 * string literal (SQLite's double-quoted fallback): match by rowid.
	 */
	for (i = 0; by_key == 1 && i < t->ncols; i++)
		if (t->cols[i].pk > 0 && !has_column(s, final, t->cols[i].name))
			by_key = 0;
	if (t->without_rowid && !by_key)
		by_key = -1;
	if (by_key == 1) {
		for (k = 1; rc == 0 && k <= t->nkey; k++)
			for (i = 0; rc == 0 && i < t->ncols; i++) {
				if ((size_t)t->cols[i].pk != k)
					continue;
				if (k > 1)
					rc = cg_buf_puts(&q, " AND ", err);
				if (rc == 0)
					rc = quote_ident(&q, t->cols[i].name,
					    err);
				if (rc == 0)
					rc = cg_buf_printf(&q, err, " IS ?%zu",
					    k);
			}
	} else if (rc == 0) {
		rc = cg_buf_puts(&q, "rowid = ?1", err);
	}
	if (rc < 0)
		goto out;
	for (r = 0; r < t->nrows; r++)
		kept[r] = by_key < 0;
	if (by_key < 0)
		goto out;
	src = sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL);
	if (src != SQLITE_OK && src != SQLITE_NOMEM && by_key == 1) {
		/* A key column was renamed or dropped: match by rowid. */
		by_key = 0;
		goto again;
	}
	if (src != SQLITE_OK) {
		rc = sql_fail(s, src, "read the end state", err);
		goto out;
	}
	for (r = 0; r < t->nrows; r++) {
		sqlite3_reset(st);
		if (by_key)
			for (k = 0; k < t->nkey; k++)
				(void)val_bind(st, (int)k + 1, &t->rows[r].key[k]);
		else
			sqlite3_bind_int64(st, 1, t->rows[r].rowid);
		src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			kept[r] = 1;
			rc = cg_sim_values_row(s->vals, (size_t)(t - s->t), r,
			    end, st, err);
			if (rc < 0)
				goto out;
		} else if (src != SQLITE_DONE) {
			rc = sql_fail(s, src, "read the end state", err);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	cg_buf_release(&q);
	return rc;
}

static int
place_at(struct cg_finding *f, size_t stmt, void *payload,
    struct cg_err *err)
{
	struct cg_sim *s = payload;
	const struct sstmt *x;

	if (stmt >= s->nst)
		return 0;
	x = &s->st[stmt];
	return cg_finding_set_where(f, x->set, x->path, x->line, x->col,
	    x->end_line, x->sql, x->sql_len, err);
}

/* Column by column: values lost, moved, converted or overwritten. */
static int
judge_values(struct cg_sim *s, size_t ti, const char *final,
    const int *kept, struct cg_findings *fs, struct cg_err *err)
{
	const char **names = col_names(&s->t[ti]);
	int rc;

	if (names == NULL)
		return cg_err_nomem(err);
	rc = cg_sim_values_judge(s->vals, s->db, ti, s->t[ti].name, final, names,
	    s->t[ti].ncols, kept, s->t[ti].nrows, s->nst, fs, place_at, s,
	    err);
	free(names);
	return rc;
}

/* "cascade from P via t.col" when t has an ON DELETE CASCADE key. */
static int
cascade_how(struct cg_buf *how, struct cg_sim *s, const char *final,
    const char *origin, int update, struct cg_err *err)
{
	static const char sql[] = "SELECT \"table\", \"from\", on_delete, "
	    "on_update FROM pragma_foreign_key_list(?1, 'main')";
	sqlite3_stmt *st = NULL;
	char *best = NULL;
	int found = 0;
	int rc = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, final, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		const char *from = (const char *)sqlite3_column_text(st, 1);
		const char *act = (const char *)sqlite3_column_text(st,
		    update ? 3 : 2);
		int exact;

		if (p == NULL || from == NULL || act == NULL ||
		    strcasecmp(act, "NO ACTION") == 0 ||
		    strcasecmp(act, "RESTRICT") == 0)
			continue;
		exact = origin != NULL && cg_ident_eq(p, origin);
		if (found && !exact)
			continue;
		free(best);
		best = NULL;
		how->len = 0;
		rc = cg_buf_printf(how, err, "%s from %s via %s.%s",
		    update ? (strcasecmp(act, "CASCADE") == 0 ?
		    "ON UPDATE CASCADE" : act) : (strcasecmp(act, "CASCADE")
		    == 0 ? "cascade" : act), p, final, from);
		if (rc < 0)
			goto out;
		found = 1;
		if (exact)
			break;
	}
out:
	free(best);
	sqlite3_finalize(st);
	return rc < 0 ? rc : found;
}

/* "trigger trg_x" when a trigger on the statement's table names t. */
static int
trigger_how(struct cg_buf *how, struct cg_sim *s, const char *on,
    const char *t, struct cg_err *err)
{
	static const char sql[] = "SELECT name, sql FROM sqlite_schema "
	    "WHERE type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	int found = 0;
	int rc = 0;

	if (on == NULL ||
	    sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, on, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 1);

		if (name == NULL || text == NULL ||
		    !has_word(text, strlen(text), t))
			continue;
		how->len = 0;
		rc = cg_buf_printf(how, err, "trigger %s on %s", name, on);
		found = 1;
		break;
	}
out:
	sqlite3_finalize(st);
	return rc < 0 ? rc : found;
}

/* One result of the verdict before it becomes a finding. */
struct result {
	enum cg_rule rule;
	long stmt;		/* -1: no statement */
	const char *table;
	size_t k, n;
	char *how;		/* owned */
	const char *query;	/* rows-filtered: borrowed from the statement */
};

static int
is_name_of(const struct stable *t, const char *final, const char *name)
{
	return name != NULL && (cg_ident_eq(name, t->name) ||
	    cg_ident_eq(name, t->cur) || cg_ident_eq(name, final));
}

/* Why rows of t went, from the first event that removed one of them. */
static int
explain_loss(struct result *res, struct cg_sim *s, size_t ti,
    const char *final, const int *kept, struct cg_err *err)
{
	struct stable *t = &s->t[ti];
	struct cg_buf how = CG_BUF_INIT;
	const struct sevent *e = NULL;
	const struct sstmt *x;
	size_t i;
	int rc = 0;

	/* The last one: a row copied by a rebuild and deleted later went
	 * at the later statement. */
	for (i = s->nev; i-- > 0 && e == NULL;)
		if (s->ev[i].table == ti && s->ev[i].op == SQLITE_DELETE &&
		    (s->ev[i].row < 0 || !kept[s->ev[i].row]))
			e = &s->ev[i];
	res->rule = CG_RULE_DATA_LOSS;
	if (e == NULL) {
		/* No delete seen: the table was dropped and not copied. */
		res->stmt = -1;
		for (i = s->nst; i-- > 0;)
			if ((s->st[i].flags & CG_ST_DROP_TABLE) &&
			    is_name_of(t, final, s->st[i].table)) {
				res->stmt = (long)i;
				break;
			}
		/* A finding of a file always has its file and line. */
		for (i = s->nst; res->stmt < 0 && i-- > 0;)
			if (is_name_of(t, final, s->st[i].table))
				res->stmt = (long)i;
		if (res->stmt < 0 && s->nst > 0)
			res->stmt = (long)s->nst - 1;
		rc = cg_buf_puts(&how, "a rebuild that did not copy them", err);
		goto out;
	}
	res->stmt = (long)e->stmt;
	x = &s->st[e->stmt];
	if (e->depth == 0) {
		if ((x->flags & CG_ST_DELETE) && is_name_of(t, final, x->table)) {
			res->rule = CG_RULE_DELETE_ROWS;
			rc = cg_buf_puts(&how, "an explicit DELETE", err);
		} else if (x->flags & (CG_ST_REPLACE | CG_ST_UPDATE_OR_REPLACE |
		    CG_ST_REPLACE_KEY)) {
			rc = cg_buf_puts(&how, "replace on conflict", err);
		} else if (x->flags & CG_ST_DROP_TABLE) {
			rc = cg_buf_puts(&how, "dropped with the table; the "
			    "rebuild did not copy them", err);
		} else {
			rc = cg_buf_puts(&how, "removed by the statement", err);
		}
		goto out;
	}
	rc = cascade_how(&how, s, final, x->table, 0, err);
	if (rc == 0 && !is_name_of(t, final, x->table))
		rc = trigger_how(&how, s, x->table, t->name, err);
	if (rc == 0)
		rc = cg_buf_puts(&how, "a trigger or foreign-key action", err);
	if (rc > 0)
		rc = 0;
	if (rc == 0 && (x->flags & (CG_ST_REPLACE | CG_ST_UPDATE_OR_REPLACE |
	    CG_ST_REPLACE_KEY)))
		rc = cg_buf_puts(&how, ", replace on conflict", err);
out:
	if (rc == 0) {
		res->how = cg_buf_detach(&how);
		if (res->how == NULL)
			rc = cg_err_nomem(err);
	}
	cg_buf_release(&how);
	return rc;
}

/*
 * A loss that the last copy's WHERE or join accounts for, every lost
 * row being one it left behind: which rows go depends on the data.
 */
static void
filtered(struct result *res, struct cg_sim *s, size_t ti, size_t lost)
{
	size_t i;

	for (i = s->nst; i-- > 0;) {
		const struct sstmt *x = &s->st[i];

		if (x->filter_query == NULL || x->filter_table != ti)
			continue;
		if (x->filter_left < lost)
			return;
		res->rule = CG_RULE_ROWS_FILTERED;
		res->stmt = (long)i;
		res->query = x->filter_query;
		return;
	}
}

/* Rows of t rewritten by a foreign-key action or trigger. */
static int
explain_change(struct result *res, struct cg_sim *s, size_t ti,
    const char *final, struct cg_err *err)
{
	struct stable *t = &s->t[ti];
	struct cg_buf how = CG_BUF_INIT;
	const struct sevent *e = NULL;
	int seen[SIM_ROWS] = { 0 };
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].table != ti || s->ev[i].op != SQLITE_UPDATE ||
		    s->ev[i].depth == 0)
			continue;
		if (e == NULL)
			e = &s->ev[i];
		if (s->ev[i].row < 0) {
			n = t->nrows;
		} else if (!seen[s->ev[i].row]) {
			seen[s->ev[i].row] = 1;
			n++;
		}
	}
	if (e == NULL)
		return 0;
	res->rule = CG_RULE_ROWS_CHANGED;
	res->stmt = (long)e->stmt;
	res->k = n < t->nrows ? n : t->nrows;
	res->n = t->nrows;
	rc = cascade_how(&how, s, final, s->st[e->stmt].table,
	    (s->st[e->stmt].flags & CG_ST_UPDATE) != 0, err);
	if (rc == 0)
		rc = trigger_how(&how, s, s->st[e->stmt].table, t->name, err);
	if (rc == 0)
		rc = cg_buf_puts(&how, "a trigger or foreign-key action", err);
	if (rc >= 0) {
		rc = 0;
		res->how = cg_buf_detach(&how);
		if (res->how == NULL)
			rc = cg_err_nomem(err);
	}
	cg_buf_release(&how);
	return rc < 0 ? rc : 1;
}

/* The static finding at the same place, to merge into; NULL if none. */
static struct cg_finding *
same_event(struct cg_findings *fs, const struct sstmt *x)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct cg_finding *f = &fs->v[i];

		if ((f->rule != CG_RULE_CASCADE_DROP &&
		    f->rule != CG_RULE_CASCADE_DELETE &&
		    f->rule != CG_RULE_SET_NULL_DROP) || f->path == NULL ||
		    x->path == NULL || strcmp(f->path, x->path) != 0 ||
		    f->line != x->line)
			continue;
		return f;
	}
	return NULL;
}

static int shell_safe(const char *q);

/* The copy keeps only the rows its filter matches: the count to run. */
static int
filtered_finding(struct cg_finding **out, struct cg_findings *fs,
    const struct result *res, struct cg_err *err)
{
	char *help;
	int rc;

	rc = cg_findings_push(out, fs, CG_RULE_ROWS_FILTERED, err, "the copy "
	    "keeps only the rows its WHERE or join matches: it left behind "
	    "%zu of %zu seeded rows of %s, which are lost; in production it "
	    "depends on the data, this read-only query counts the rows it "
	    "would leave behind: %s", res->k, res->n, res->table, res->query);
	if (rc < 0)
		return rc;
	help = cg_strdup(shell_safe(res->query) ? "run it on production "
	    "before deploying: wrangler d1 execute <DB> --remote --command "
	    "\"<the query>\" (or sqlite3 prod.db); 0 means no row is lost; "
	    "if the rows it leaves behind are meant to go, suppress the "
	    "finding with a reason (see cascadeguard explain rows-filtered)" :
	    "run the query on production before deploying (wrangler d1 "
	    "execute <DB> --remote --command, or sqlite3 prod.db); 0 means "
	    "no row is lost; if the rows it leaves behind are meant to go, "
	    "suppress the finding with a reason (see cascadeguard explain "
	    "rows-filtered)");
	if (help == NULL)
		return cg_err_nomem(err);
	free((*out)->help);
	(*out)->help = help;
	return 0;
}

static int
emit(struct cg_sim *s, struct cg_findings *fs, const struct result *res,
    struct cg_err *err)
{
	const struct sstmt *x = res->stmt >= 0 ? &s->st[res->stmt] : NULL;
	const char *verb = res->rule == CG_RULE_ROWS_CHANGED ? "changed" :
	    "lost";
	struct cg_finding *f;
	char *m = NULL;
	int rc;

	f = x != NULL ? same_event(fs, x) : NULL;
	if (f != NULL) {
		struct cg_buf b = CG_BUF_INIT;
		size_t i;

		/* The static finding already says what the DELETE does. */
		if (res->rule == CG_RULE_DELETE_ROWS)
			return 0;
		for (i = 0; i < f->naffected; i++) {
			if (!cg_ident_eq(f->affected[i].table, res->table))
				continue;
			f->affected[i].rows_lost = res->k;
			f->affected[i].rows_total = res->n;
			return 0;
		}

		rc = cg_buf_printf(&b, err, "%s; simulated: %zu of %zu rows "
		    "of %s %s (%s)", f->message, res->k, res->n, res->table,
		    verb, res->how);
		if (rc == 0) {
			m = cg_buf_detach(&b);
			if (m == NULL)
				rc = cg_err_nomem(err);
		}
		cg_buf_release(&b);
		if (rc < 0)
			return rc;
		free(f->message);
		f->message = m;
		return 0;
	}
	if (res->rule == CG_RULE_DELETE_ROWS)
		rc = cg_findings_push(&f, fs, res->rule, err, "simulated: "
		    "DELETE removed %zu of %zu seeded rows of %s", res->k,
		    res->n, res->table);
	else if (res->rule == CG_RULE_ROWS_FILTERED)
		rc = filtered_finding(&f, fs, res, err);
	else
		rc = cg_findings_push(&f, fs, res->rule, err, "simulated: "
		    "%zu of %zu seeded rows of %s %s (%s)", res->k, res->n,
		    res->table, verb, res->how);
	if (rc < 0 || x == NULL)
		return rc;
	return cg_finding_set_where(f, x->set, x->path, x->line, x->col,
	    x->end_line, x->sql, x->sql_len, err);
}

/* 1 when q can go inside a shell's double quotes as it is. */
static int
shell_safe(const char *q)
{
	return strpbrk(q, "\"$`\\!") == NULL;
}

/* A statement that fails, or may fail, on production's rows. */
static int
emit_fail(struct cg_sim *s, struct cg_findings *fs,
    const struct cg_sim_fail *x, struct cg_err *err)
{
	const struct sstmt *at = &s->st[x->stmt];
	struct cg_finding *f;
	char *help = NULL;
	int rc;

	if (x->kind == CG_SIM_FAIL_ANY_ROW) {
		rc = cg_findings_push(&f, fs, CG_RULE_MIGRATION_FAILS, err,
		    "fails on a table with rows: %s has rows in production, "
		    "and SQLite says: %s", x->table, x->why);
		if (rc == 0)
			help = cg_strdup("give the column a DEFAULT that is "
			    "not NULL, or add it nullable and fill it with an "
			    "UPDATE");
	} else if (x->query != NULL) {
		rc = cg_findings_push(&f, fs, CG_RULE_MAY_FAIL_ON_ROWS, err,
		    "fails in production if %s holds %s; this read-only "
		    "query lists them: %s", x->table, x->why, x->query);
		if (rc == 0)
			help = shell_safe(x->query) ? cg_strdup("run it on "
			    "production before deploying: wrangler d1 execute "
			    "<DB> --remote --command \"<the query>\" (or "
			    "sqlite3 prod.db); no row means the migration "
			    "applies") : cg_strdup("run the query on "
			    "production before deploying (wrangler d1 execute "
			    "<DB> --remote --command, or sqlite3 prod.db); no "
			    "row means the migration applies");
	} else {
		rc = cg_findings_push(&f, fs, CG_RULE_MAY_FAIL_ON_ROWS, err,
		    "fails in production if %s holds %s (on the seeded rows: "
		    "%s)", x->table, x->why, x->msg != NULL ? x->msg :
		    "it failed");
		if (rc == 0)
			help = cg_strdup("check production's rows against the "
			    "constraint before deploying");
	}
	if (rc < 0)
		return rc;
	if (help == NULL)
		return cg_err_nomem(err);
	free(f->help);
	f->help = help;
	return cg_finding_set_where(f, at->set, at->path, at->line, at->col,
	    at->end_line, at->sql, at->sql_len, err);
}

/* A migration-fails or budget finding already at that place. */
static int
already_failed(const struct cg_findings *fs, const struct snote *n)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if ((fs->v[i].rule == CG_RULE_MIGRATION_FAILS ||
		    fs->v[i].rule == CG_RULE_BUDGET_EXCEEDED) &&
		    fs->v[i].path != NULL && n->path != NULL &&
		    strcmp(fs->v[i].path, n->path) == 0 &&
		    fs->v[i].line == n->line)
			return 1;
	return 0;
}

/*
 * #13 class 5: a cascade-drop whose every affected table has every
 * seeded row back with the same values at the end (the children copied
 * aside and back) is a warning naming the restore, not an error.
 */
static int
restores(struct cg_sim *s, struct cg_findings *fs, const int *restored,
    struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	size_t i, a, k, ti;
	long at, back;
	int ok;
	int rc = 0;

	for (i = 0; i < fs->n && rc == 0; i++) {
		struct cg_finding *f = &fs->v[i];

		if (f->rule != CG_RULE_CASCADE_DROP ||
		    f->severity != CG_SEV_ERROR || f->naffected == 0 ||
		    f->path == NULL)
			continue;
		for (k = 0, at = -1; k < s->nst && at < 0; k++)
			if (s->st[k].path != NULL &&
			    strcmp(s->st[k].path, f->path) == 0 &&
			    s->st[k].line == f->line)
				at = (long)k;
		ok = at >= 0;
		back = -1;
		for (a = 0; ok && a < f->naffected; a++) {
			struct stable *t = find_table(s, f->affected[a].table,
			    &ti);
			long c;

			ok = t != NULL && t->nrows > 0 && restored[ti] &&
			    f->affected[a].rows_lost == 0;
			c = ok ? cg_sim_values_copy_into(s->vals, t->cur) : -1;
			ok = ok && c > at;
			if (c > back)
				back = c;
		}
		if (!ok || back < 0)
			continue;
		b.len = 0;
		rc = cg_buf_printf(&b, err, "%s; simulated: every seeded row "
		    "of the %zu table%s is back with the same values at line "
		    "%u (copied aside and restored in the file)", f->message,
		    f->naffected, f->naffected == 1 ? "" : "s",
		    s->st[back].line);
		if (rc < 0)
			break;
		free(f->message);
		f->message = cg_buf_detach(&b);
		if (f->message == NULL) {
			rc = cg_err_nomem(err);
			break;
		}
		f->severity = CG_SEV_WARNING;
	}
	cg_buf_release(&b);
	return rc;
}

int
cg_sim_verdict(struct cg_sim *s, struct cg_findings *fs, struct cg_err *err)
{
	struct cg_strvec names = CG_STRVEC_INIT;
	struct cg_finding *f;
	struct result res;
	int kept[SIM_ROWS];
	const char *final;
	size_t i, r, lost, nlate = 0, nbefore;
	int *restored = NULL;	/* per table: every seeded value back */
	int rc = 0;

	memset(&res, 0, sizeof(res));
	restored = calloc(s->nt ? s->nt : 1, sizeof(*restored));
	if (restored == NULL)
		return cg_err_nomem(err);
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = end_tables(&names, s, err);
	for (i = 0; i < s->nt && rc == 0; i++) {
		struct stable *t = &s->t[i];

		if (!t->tried)
			continue;	/* no file could reach it: not seeded */
		if (t->nrows == 0 && t->why != NULL &&
		    strcmp(t->why, SIM_OUT_OF_BUDGET) == 0) {
			nlate++;	/* one note for all of them, below */
			continue;
		}
		if (t->nrows == 0) {
			rc = cg_findings_push(&f, fs, CG_RULE_NOT_SIMULATED,
			    err, "not simulated: %s: %s", t->name,
			    t->why != NULL ? t->why : "no rows");
			continue;
		}
		if (!touched(s, i))
			continue;	/* no statement reached it */
		if (in_list(&names, t->cur))
			final = t->cur;
		else if (in_list(&names, t->name))
			final = t->name;
		else
			continue;	/* dropped: the static rules report it */
		cg_sim_values_end_reset(s->vals, i);
		rc = count_kept(s, t, final, kept, 1, err);
		if (rc < 0)
			break;
		nbefore = fs->n;
		rc = judge_values(s, i, final, kept, fs, err);
		if (rc < 0)
			break;
		for (r = 0, lost = 0; r < t->nrows; r++)
			lost += !kept[r];
		if (lost == 0 && fs->n == nbefore && restored != NULL)
			restored[i] = 1;
		for (r = 0, lost = 0; r < t->nrows; r++)
			lost += !kept[r];
		memset(&res, 0, sizeof(res));
		res.table = final;
		if (lost > 0) {
			res.k = lost;
			res.n = t->nrows;
			rc = explain_loss(&res, s, i, final, kept, err);
			if (rc == 0 && res.rule == CG_RULE_DATA_LOSS)
				filtered(&res, s, i, lost);
		} else {
			rc = explain_change(&res, s, i, final, err);
			if (rc <= 0) {
				free(res.how);
				continue;
			}
			rc = 0;
		}
		if (rc == 0)
			rc = emit(s, fs, &res, err);
		free(res.how);
		res.how = NULL;
	}
	if (rc == 0)
		rc = restores(s, fs, restored, err);
	free(restored);
	if (rc == 0 && nlate > 0)
		rc = cg_findings_push(&f, fs, CG_RULE_NOT_SIMULATED, err,
		    "not simulated: %zu tables: %s", nlate, SIM_OUT_OF_BUDGET);
	for (i = 0; i < s->nfails && rc == 0; i++)
		rc = emit_fail(s, fs, &s->fails[i], err);
	for (i = 0; i < s->nnotes && rc == 0; i++) {
		if (already_failed(fs, &s->notes[i]))
			continue;
		rc = cg_findings_push(&f, fs, CG_RULE_NOT_SIMULATED, err,
		    "not simulated past this statement: on seeded rows: %s",
		    s->notes[i].msg);
		if (rc == 0)
			rc = cg_finding_set_where(f, s->notes[i].set,
			    s->notes[i].path, s->notes[i].line, 0, 0, NULL, 0,
			    err);
	}
	cg_sandbox_budget_suspend(s->sb, 0);
	cg_strvec_release(&names);
	return rc;
}
