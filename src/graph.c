/* SPDX-License-Identifier: MIT */
/*
 * The cascade graph: foreign keys read from the live schema in one query,
 * and the breadth-first closure of what a delete on a table reaches.
 * cg_graph_load is the only function here that talks to SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "graph.h"
#include "sandbox_db.h"
#include "util.h"
#include "banned.h"

/* Stands in for the key of a parent table that does not exist. */
#define UNKNOWN_KEY "?"

int
cg_graph_add_edge(struct cg_graph *g, const char *child,
    const char *child_cols, const char *parent, const char *parent_cols,
    enum cg_fk_action on_delete, enum cg_fk_action on_update,
    struct cg_err *err)
{
	struct cg_fk_edge *e;
	int rc;

	rc = cg_grow(&g->edges, &g->cap, g->nedges + 1, sizeof(*g->edges),
	    err);
	if (rc < 0)
		return rc;
	e = &g->edges[g->nedges];
	e->child = cg_strdup(child);
	e->child_cols = cg_strdup(child_cols);
	e->parent = cg_strdup(parent);
	e->parent_cols = cg_strdup(parent_cols);
	e->on_delete = on_delete;
	e->on_update = on_update;
	if (e->child == NULL || e->child_cols == NULL || e->parent == NULL ||
	    e->parent_cols == NULL) {
		free(e->child);
		free(e->child_cols);
		free(e->parent);
		free(e->parent_cols);
		return cg_err_nomem(err);
	}
	g->nedges++;
	return 0;
}

void
cg_graph_release(struct cg_graph *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nedges; i++) {
		free(g->edges[i].child);
		free(g->edges[i].child_cols);
		free(g->edges[i].parent);
		free(g->edges[i].parent_cols);
	}
	free(g->edges);
	g->edges = NULL;
	g->nedges = g->cap = 0;
}

const char *
cg_fk_action_name(enum cg_fk_action a)
{
	switch (a) {
	case CG_FK_CASCADE:
		return "CASCADE";
	case CG_FK_SET_NULL:
		return "SET NULL";
	case CG_FK_SET_DEFAULT:
		return "SET DEFAULT";
	case CG_FK_RESTRICT:
		return "RESTRICT";
	case CG_FK_NO_ACTION:
		return "NO ACTION";
	}
	return "NO ACTION";
}

/* SQLite reports actions in upper case; anything unknown is NO ACTION. */
static enum cg_fk_action
parse_action(const unsigned char *s)
{
	const char *a = (const char *)s;

	if (a == NULL)
		return CG_FK_NO_ACTION;
	if (cg_ident_eq(a, "CASCADE"))
		return CG_FK_CASCADE;
	if (cg_ident_eq(a, "SET NULL"))
		return CG_FK_SET_NULL;
	if (cg_ident_eq(a, "SET DEFAULT"))
		return CG_FK_SET_DEFAULT;
	if (cg_ident_eq(a, "RESTRICT"))
		return CG_FK_RESTRICT;
	return CG_FK_NO_ACTION;
}

static int
sql_err(sqlite3 *db, int src, const char *what, struct cg_err *err)
{
	if (src == SQLITE_NOMEM)
		return cg_err_nomem(err);
	return cg_err_set(err, CG_ESQL, "cannot read %s: %s", what,
	    sqlite3_errmsg(db));
}

/* Names of every table in the main schema, as the schema spells them. */
static int
load_tables(struct cg_strvec *out, sqlite3 *db, struct cg_err *err)
{
	static const char sql[] =
	    "SELECT name FROM sqlite_schema WHERE type = 'table'";
	sqlite3_stmt *st = NULL;
	const unsigned char *name;
	int src;
	int rc;

	src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = sql_err(db, src, "the schema", err);
		goto out;
	}
	for (;;) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		name = sqlite3_column_text(st, 0);
		if (name == NULL)
			continue;
		rc = cg_strvec_push(out, (const char *)name, err);
		if (rc < 0)
			goto out;
	}
	if (src != SQLITE_DONE) {
		rc = sql_err(db, src, "the schema", err);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static const char *
live_name(const struct cg_strvec *tables, const char *declared)
{
	size_t i;

	for (i = 0; i < tables->n; i++)
		if (cg_ident_eq(tables->v[i], declared))
			return tables->v[i];
	return NULL;
}

/*
 * The primary key columns of an existing table, comma-joined in key
 * order, into b; "rowid" for a rowid table without a declared key.
 */
static int
primary_key(struct cg_buf *b, sqlite3 *db, const char *table,
    struct cg_err *err)
{
	static const char sql[] = "SELECT name FROM pragma_table_info(?1, "
	    CG_PRAGMA_SCHEMA ") WHERE pk > 0 ORDER BY pk";
	sqlite3_stmt *st = NULL;
	const unsigned char *name;
	int src;
	int rc;

	src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = sql_err(db, src, "a primary key", err);
		goto out;
	}
	src = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (src != SQLITE_OK) {
		rc = sql_err(db, src, "a primary key", err);
		goto out;
	}
	for (;;) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		name = sqlite3_column_text(st, 0);
		if (b->len > 0) {
			rc = cg_buf_puts(b, ", ", err);
			if (rc < 0)
				goto out;
		}
		rc = cg_buf_puts(b, name ? (const char *)name : "", err);
		if (rc < 0)
			goto out;
	}
	if (src != SQLITE_DONE) {
		rc = sql_err(db, src, "a primary key", err);
		goto out;
	}
	rc = 0;
	if (b->len == 0)
		rc = cg_buf_puts(b, "rowid", err);
out:
	sqlite3_finalize(st);
	return rc;
}

/* One foreign key being assembled from its rows (one row per column). */
struct fk_acc {
	char *child;		/* owned */
	long long id;		/* pragma_foreign_key_list id, per child */
	char *parent;		/* owned: as declared */
	struct cg_buf from;
	struct cg_buf to;
	int to_omitted;		/* the key names no parent column */
	enum cg_fk_action on_delete;
	enum cg_fk_action on_update;
};

static void
acc_release(struct fk_acc *a)
{
	free(a->child);
	free(a->parent);
	cg_buf_release(&a->from);
	cg_buf_release(&a->to);
	memset(a, 0, sizeof(*a));
}

static int
acc_flush(struct cg_graph *g, struct fk_acc *a, sqlite3 *db,
    const struct cg_strvec *tables, struct cg_err *err)
{
	struct cg_buf pk = CG_BUF_INIT;
	const char *parent;
	const char *pcols;
	int rc;

	parent = live_name(tables, a->parent);
	if (a->to_omitted) {
		if (parent != NULL) {
			rc = primary_key(&pk, db, parent, err);
			if (rc < 0)
				goto out;
			pcols = pk.data;
		} else {
			pcols = UNKNOWN_KEY;
		}
	} else {
		pcols = a->to.data ? a->to.data : "";
	}
	rc = cg_graph_add_edge(g, a->child, a->from.data ? a->from.data : "",
	    parent ? parent : a->parent, pcols, a->on_delete, a->on_update,
	    err);
out:
	cg_buf_release(&pk);
	acc_release(a);
	return rc;
}

static int
join_col(struct cg_buf *b, const unsigned char *col, struct cg_err *err)
{
	int rc;

	if (b->len > 0) {
		rc = cg_buf_puts(b, ", ", err);
		if (rc < 0)
			return rc;
	}
	return cg_buf_puts(b, col ? (const char *)col : "", err);
}

int
cg_graph_load(struct cg_graph *g, struct cg_sandbox *sb, struct cg_err *err)
{
	static const char sql[] =
	    "SELECT m.name, p.id, p.seq, p.\"table\", p.\"from\", p.\"to\", "
	    "p.on_update, p.on_delete "
	    "FROM sqlite_schema AS m "
	    "JOIN pragma_foreign_key_list(m.name, " CG_PRAGMA_SCHEMA ") AS p "
	    "WHERE m.type = 'table' ORDER BY m.name, p.id, p.seq";
	struct cg_graph ng = CG_GRAPH_INIT;
	struct cg_strvec tables = CG_STRVEC_INIT;
	struct fk_acc acc;
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	const char *child;
	long long id;
	int src;
	int rc;

	memset(&acc, 0, sizeof(acc));
	db = cg_sandbox_db(sb);
	rc = load_tables(&tables, db, err);
	if (rc < 0)
		goto out;
	src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = sql_err(db, src, "foreign keys", err);
		goto out;
	}
	for (;;) {
		src = sqlite3_step(st);
		if (src != SQLITE_ROW)
			break;
		child = (const char *)sqlite3_column_text(st, 0);
		id = sqlite3_column_int64(st, 1);
		if (child == NULL)
			continue;
		if (acc.child != NULL &&
		    (acc.id != id || strcmp(acc.child, child) != 0)) {
			rc = acc_flush(&ng, &acc, db, &tables, err);
			if (rc < 0)
				goto out;
		}
		if (acc.child == NULL) {
			acc.child = cg_strdup(child);
			acc.parent = cg_strdup(
			    (const char *)sqlite3_column_text(st, 3));
			if (acc.child == NULL || acc.parent == NULL) {
				rc = cg_err_nomem(err);
				goto out;
			}
			acc.id = id;
			acc.on_update = parse_action(sqlite3_column_text(st, 6));
			acc.on_delete = parse_action(sqlite3_column_text(st, 7));
		}
		rc = join_col(&acc.from, sqlite3_column_text(st, 4), err);
		if (rc < 0)
			goto out;
		if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
			acc.to_omitted = 1;
		} else {
			rc = join_col(&acc.to, sqlite3_column_text(st, 5), err);
			if (rc < 0)
				goto out;
		}
	}
	if (src != SQLITE_DONE) {
		rc = sql_err(db, src, "foreign keys", err);
		goto out;
	}
	/* Finish the statement before primary_key prepares its own. */
	sqlite3_finalize(st);
	st = NULL;
	if (acc.child != NULL) {
		rc = acc_flush(&ng, &acc, db, &tables, err);
		if (rc < 0)
			goto out;
	}
	cg_graph_release(g);
	*g = ng;
	memset(&ng, 0, sizeof(ng));
	rc = 0;
out:
	sqlite3_finalize(st);
	acc_release(&acc);
	cg_strvec_release(&tables);
	cg_graph_release(&ng);
	return rc;
}

void
cg_reach_list_release(struct cg_reach_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].table);
		free(l->v[i].path);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* "t.col" or, for a composite key, "t.(a, b)". */
static int
put_end(struct cg_buf *b, const char *table, const char *cols,
    struct cg_err *err)
{
	if (strchr(cols, ',') != NULL)
		return cg_buf_printf(b, err, "%s.(%s)", table, cols);
	return cg_buf_printf(b, err, "%s.%s", table, cols);
}

/*
 * Closure bookkeeping, parallel to the entries the closure adds to out:
 * tail[i] is " -> parent.col -> ... -> root.col", the path of entry i
 * without its own first segment, which its children's paths end with.
 */
struct walk {
	struct cg_reach_list *out;
	size_t base;		/* first entry of out that this closure added */
	char **tail;		/* owned, indexed by entry - base */
	size_t tcap;
	size_t *queue;		/* entries to expand, as indices into out */
	size_t qcap, qhead, qn;
};

static struct cg_reach *
find_reach(const struct walk *w, const char *table)
{
	size_t i;

	for (i = w->base; i < w->out->n; i++)
		if (cg_ident_eq(w->out->v[i].table, table))
			return &w->out->v[i];
	return NULL;
}

static int
enqueue(struct walk *w, size_t idx, struct cg_err *err)
{
	int rc;

	rc = cg_grow(&w->queue, &w->qcap, w->qn + 1, sizeof(*w->queue), err);
	if (rc < 0)
		return rc;
	w->queue[w->qn++] = idx;
	return 0;
}

/*
 * Record that e's child is reached from e's parent, whose tail is
 * `ptail` and depth `pdepth`.  A table already listed keeps its entry,
 * except that a CASCADE reach replaces a SET NULL / SET DEFAULT one:
 * losing rows dominates, and the table's own children must then be
 * visited.  So each table is expanded at most once and cycles end.
 */
static int
visit(struct walk *w, const struct cg_fk_edge *e, const char *ptail,
    unsigned pdepth, struct cg_err *err)
{
	struct cg_buf tail = CG_BUF_INIT;
	struct cg_buf path = CG_BUF_INIT;
	struct cg_reach *r;
	size_t idx;
	int rc;

	r = find_reach(w, e->child);
	if (r != NULL && (r->action == CG_FK_CASCADE ||
	    e->on_delete != CG_FK_CASCADE))
		return 0;

	rc = cg_buf_puts(&tail, " -> ", err);
	if (rc < 0)
		goto out;
	rc = put_end(&tail, e->parent, e->parent_cols, err);
	if (rc < 0)
		goto out;
	rc = cg_buf_puts(&tail, ptail, err);
	if (rc < 0)
		goto out;
	rc = put_end(&path, e->child, e->child_cols, err);
	if (rc < 0)
		goto out;
	rc = cg_buf_add(&path, tail.data, tail.len, err);
	if (rc < 0)
		goto out;

	if (r == NULL) {
		rc = cg_grow(&w->out->v, &w->out->cap, w->out->n + 1,
		    sizeof(*w->out->v), err);
		if (rc < 0)
			goto out;
		rc = cg_grow(&w->tail, &w->tcap, w->out->n + 1 - w->base,
		    sizeof(*w->tail), err);
		if (rc < 0)
			goto out;
		idx = w->out->n;
		r = &w->out->v[idx];
		r->table = cg_strdup(e->child);
		if (r->table == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		r->path = NULL;
		w->tail[idx - w->base] = NULL;
		w->out->n++;
	} else {
		idx = (size_t)(r - w->out->v);
	}
	free(r->path);
	r->path = cg_buf_detach(&path);
	free(w->tail[idx - w->base]);
	w->tail[idx - w->base] = cg_buf_detach(&tail);
	if (r->path == NULL || w->tail[idx - w->base] == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	r->action = e->on_delete;
	r->depth = pdepth + 1;
	rc = 0;
	if (r->action == CG_FK_CASCADE)
		rc = enqueue(w, idx, err);
out:
	cg_buf_release(&path);
	cg_buf_release(&tail);
	return rc;
}

static int
expand(struct walk *w, const struct cg_graph *g, const char *root,
    const char *table, const char *ptail, unsigned pdepth,
    struct cg_err *err)
{
	const struct cg_fk_edge *e;
	size_t i;
	int rc;

	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (!cg_ident_eq(e->parent, table))
			continue;
		if (e->on_delete != CG_FK_CASCADE &&
		    e->on_delete != CG_FK_SET_NULL &&
		    e->on_delete != CG_FK_SET_DEFAULT)
			continue;
		if (cg_ident_eq(e->child, root))
			continue;
		rc = visit(w, e, ptail, pdepth, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
cg_graph_delete_closure(struct cg_reach_list *out, const struct cg_graph *g,
    const char *root, struct cg_err *err)
{
	struct walk w;
	struct cg_reach *r;
	size_t idx;
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.base = out->n;
	rc = expand(&w, g, root, root, "", 0, err);
	while (rc == 0 && w.qhead < w.qn) {
		idx = w.queue[w.qhead++];
		r = &out->v[idx];
		/*
		 * visit() may move out->v, but not the strings: r->table
		 * and this CASCADE entry's tail are never replaced.
		 */
		rc = expand(&w, g, root, r->table, w.tail[idx - w.base],
		    r->depth, err);
	}
	for (i = 0; i + w.base < out->n; i++)
		free(w.tail[i]);
	free(w.tail);
	free(w.queue);
	return rc;
}
