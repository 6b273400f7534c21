/* SPDX-License-Identifier: MIT */
/*
 * Reading the base's schema: tables, columns, foreign keys, and the
 * order parents before children.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "sim.h"
#include "banned.h"

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

int
cg_sim_load_tables(struct cg_sim *s, struct cg_err *err)
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
		rc = cg_sim_sql_fail(s, src, "list the tables", err);
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
		rc = cg_sim_sql_fail(s, src, "list the tables", err);
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

char *
cg_sim_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return cg_strdup(v != NULL ? (const char *)v : "");
}

/*
 * WITHOUT ROWID among the table options, after the column list (from
 * the text: pragma_table_list costs a pass over the whole schema).
 */
int
cg_sim_without_rowid(const char *create)
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
	return cg_sim_find_table(s, name, hint);
}

/*
 * Columns (table_xinfo), foreign keys and the kind of every table, each
 * with one query over the whole schema: a prepare per table costs more
 * than all the seeding on a 200-table schema.
 */
int
cg_sim_load_columns(struct cg_sim *s, struct cg_err *err)
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
		c->name = cg_sim_col_dup(st, 1);
		c->type = cg_sim_col_dup(st, 2);
		c->notnull = sqlite3_column_int(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			c->dflt = cg_sim_col_dup(st, 4);
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
		rc = cg_sim_sql_fail(s, src, "read the columns", err);
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
			c->fk_parent = cg_sim_col_dup(st, 2);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				c->fk_to = cg_sim_col_dup(st, 3);
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
		rc = cg_sim_sql_fail(s, src, "read the foreign keys", err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	for (hint = 0; hint < s->nt; hint++)
		cg_sim_finish_table(s, &s->t[hint]);
out:
	free(cap);
	sqlite3_finalize(st);
	return rc;
}

/* Parents before children; a cycle is cut where it closes. */
void
cg_sim_visit(struct cg_sim *s, size_t i)
{
	struct stable *t = &s->t[i];
	size_t j;

	if (t->state != 0)
		return;
	t->state = 1;
	for (j = 0; j < t->ncols; j++)
		if (t->cols[j].fk_parent != NULL && t->cols[j].fk_table >= 0 &&
		    (size_t)t->cols[j].fk_table != i)
			cg_sim_visit(s, (size_t)t->cols[j].fk_table);
	t->state = 2;
	s->order[s->norder++] = i;
}
