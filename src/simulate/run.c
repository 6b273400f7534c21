/* SPDX-License-Identifier: MIT */
/*
 * Running a file on the seeded copy: the pre-update hook attributes
 * each DELETE and UPDATE of a seeded row to the statement that runs;
 * renames are followed, failures on rows recorded.
 */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "replay.h"
#include "rules.h"
#include "../sandbox_db.h"
#include "simulate.h"
#include "simulate_int.h"
#include "sim.h"
#include "banned.h"

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
	    cg_sim_quote_ident(&q, table, NULL) == 0 &&
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
	rc = cg_sim_keys_cannot_fail(s->keys, s->db, st->sql, st->sql_len,
	    st->table, NULL);
	if (rc < 0)
		s->nomem = 1;
	if (rc != 0)
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
 * A stand-in for a statement that fails on some data only, so that one
 * such statement does not hide a loss later in its file: a CHECK that
 * the seeded rows break runs with CHECK constraints off (production's
 * rows may satisfy it; may-fail-on-rows says how to tell), and a
 * CREATE UNIQUE INDEX whose seeded rows collide is made a plain index
 * (DROP INDEX and the like still find it).  1 when the stand-in ran.
 */
static int
some_rows_stand_in(struct cg_sim *s, const struct cg_stmt *st,
    const char *msg)
{
	struct cg_tok create, uniq;
	size_t pos = 0, end;
	char *q = NULL;
	int rc = SQLITE_ERROR;
	int tried = 1;

	if (strncmp(msg, "CHECK constraint failed", 23) == 0) {
		q = sqlite3_mprintf("%.*s", (int)st->sql_len, st->sql);
		if (q != NULL)
			rc = cg_sandbox_exec_unchecked(s->sb, q);
	} else if (strncmp(msg, "UNIQUE constraint failed", 24) == 0) {
		create = cg_sql_next_token(st->sql, st->sql_len, &pos);
		uniq = cg_sql_next_token(st->sql, st->sql_len, &pos);
		if (cg_tok_is(st->sql, create, "CREATE") &&
		    cg_tok_is(st->sql, uniq, "UNIQUE")) {
			end = uniq.off + uniq.len;
			q = sqlite3_mprintf("%.*s%.*s", (int)uniq.off, st->sql,
			    (int)(st->sql_len - end), st->sql + end);
			if (q != NULL)
				rc = sqlite3_exec(s->db, q, NULL, NULL, NULL);
		} else {
			tried = 0;
		}
	} else {
		tried = 0;
	}
	if (tried && q == NULL)
		s->nomem = 1;
	sqlite3_free(q);
	return rc == SQLITE_OK;
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
	else if (f->kind == CG_SIM_FAIL_SOME_ROWS)
		f->went_on = some_rows_stand_in(s, st, msg);
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
		if (cg_sim_tok_name(&name, text, t, NULL) < 0
		    || name.data == NULL ||
		    cg_ident_eq(name.data, source) ||
		    cg_sim_find_table(s, name.data, NULL) != NULL ||
		    !is_table_now(s, name.data))
			continue;
		q.len = 0;
		if (cg_buf_puts(&q, "SELECT 1 FROM ", NULL) < 0 ||
		    cg_sim_quote_ident(&q, name.data, NULL) < 0 ||
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
	cg_sandbox_budget_suspend(s->sb, 1);
	if (cg_sim_keys_stmt(s->keys, s->db, st, NULL) < 0)
		s->nomem = 1;
	cg_sandbox_budget_suspend(s->sb, 0);
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
				cg_sim_set_int(&t->rows[row].key[0], k2);
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

/* The names of t's columns as followed so far; caller frees the array. */
const char **
cg_sim_col_names(const struct stable *t)
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
		rc = cg_sim_count_kept(s, t, t->cur, kept, 0, err);
		if (rc < 0)
			break;
		names = cg_sim_col_names(t);
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
		rc = cg_sim_seed_for(s, src->data, src->len, err);
		if (rc < 0)
			return rc;
	}
	rc = take_values(s, err);
	if (rc < 0)
		return rc;
	cg_sim_keys_file(s->keys);
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
