/* SPDX-License-Identifier: MIT */
/*
 * What a file can reach: the tables a file's text names, their
 * parents, children and triggers, seeded lazily before the file runs;
 * cg_sim_new and cg_sim_seed_all.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "sandbox.h"
#include "../sandbox_db.h"
#include "simulate.h"
#include "simulate_int.h"
#include "sim.h"
#include "banned.h"

/* ---- what a file can cg_sim_reach (lazy seeding) ---- */

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
		for (j = cg_sim_name_hash(s->t[i].name) & (s->hcap - 1);
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
		s->trig[s->ntrig].on = cg_sim_col_dup(st, 0);
		s->trig[s->ntrig].sql = cg_sim_col_dup(st, 1);
		s->ntrig++;
		if (s->trig[s->ntrig - 1].on == NULL ||
		    s->trig[s->ntrig - 1].sql == NULL) {
			rc = cg_err_nomem(err);
			break;
		}
		/* Triggers are on tables or views: not a table, a view. */
		if (cg_sim_find_table(s, s->trig[s->ntrig - 1].on,
		    NULL) == NULL) {
			s->trig[s->ntrig - 1].view = 1;
			s->nview++;
		}
	}
	if (rc == 0 && src != SQLITE_DONE)
		rc = cg_sim_sql_fail(s, src, "list the triggers", err);
	sqlite3_finalize(st);
	return rc;
}

/* The name a word, quoted identifier or string token spells, into b. */
int
cg_sim_tok_name(struct cg_buf *b, const char *sql, struct cg_tok t,
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

void
cg_sim_reach(struct cg_sim *s, size_t i)
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
		rc = cg_sim_tok_name(&b, text, t, err);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		rc = 0;
		if (cg_sim_find_table(s, b.data, &i) != NULL)
			cg_sim_reach(s, i);
		for (i = 0; i < nren; i++)
			if (cg_ident_eq(s->t[ren[i]].cur, b.data))
				cg_sim_reach(s, ren[i]);
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
		    !cg_sim_has_word(text, len, s->trig[k].on))
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
			rc = cg_sim_tok_name(&b, c, t, err);
			if (rc < 0)
				break;
			rc = 0;
			if ((p = cg_sim_find_table(s, b.data, &pi)) == NULL
			    || pi == i ||
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
			cg_sim_reach(s, t->kids[k]);
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
			rc = cg_sim_sql_fail(s, src, "read the columns", err);
		while (rc == 0 && s->nwork > 0) {
			t = &s->t[s->work[--s->nwork]];
			if (t->loaded)
				continue;
			rc = cg_sim_load_one(s, t, xi, fk, err);
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
			cg_sim_visit(s, i);
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
		(void)cg_sim_tool_exec(s, "ROLLBACK");
	if (cg_sim_tool_exec(s, "PRAGMA foreign_keys=OFF") != SQLITE_OK ||
	    cg_sim_tool_exec(s, "BEGIN") != SQLITE_OK) {
		rc = cg_sim_sql_fail(s, sqlite3_errcode(s->db), "start seeding",
		    err);
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
		rc = cg_sim_seed_table(s, t, err);
		if (rc < 0)
			break;
	}
	for (i = from; rc == 0 && i < s->norder; i++)
		rc = cg_sim_fix_deferred(s, &s->t[s->order[i]], err);
	if (rc < 0) {
		(void)cg_sim_tool_exec(s, "ROLLBACK");
		goto out;
	}
	if (cg_sim_tool_exec(s, "COMMIT") != SQLITE_OK) {
		rc = cg_sim_sql_fail(s, sqlite3_errcode(s->db),
		    "commit the seed", err);
		(void)cg_sim_tool_exec(s, "ROLLBACK");
	}
out:
	(void)sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER,
	    triggers, (int *)NULL);
	return rc;
}

/* Seed what text can reach, before it runs. */
int
cg_sim_seed_for(struct cg_sim *s, const char *text, size_t len,
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
	if (rc == 0)
		rc = cg_sim_keys_new(&s->keys, err);
	if (rc < 0)
		goto out;
	cg_sandbox_budget_suspend(s->sb, 1);
	rc = cg_sim_load_tables(s, err);
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
		rc = cg_sim_load_columns(s, err);
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
