/* SPDX-License-Identifier: MIT */
/*
 * The verdict: the end state compared with the seed, each loss placed
 * at the statement that caused it and turned into findings.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "rules.h"
#include "../sandbox_db.h"
#include "simulate.h"
#include "simulate_int.h"
#include "sim.h"
#include "banned.h"

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
		rc = cg_sim_sql_fail(s, src, "list the tables at the end", err);
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
int
cg_sim_count_kept(struct cg_sim *s, struct stable *t, const char *final,
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
		rc = cg_sim_quote_ident(&q, final, err);
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
					rc = cg_sim_quote_ident(&q,
					    t->cols[i].name,
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
		rc = cg_sim_sql_fail(s, src, "read the end state", err);
		goto out;
	}
	for (r = 0; r < t->nrows; r++) {
		sqlite3_reset(st);
		if (by_key)
			for (k = 0; k < t->nkey; k++)
				(void)cg_sim_val_bind(st, (int)k + 1,
				    &t->rows[r].key[k]);
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
			rc = cg_sim_sql_fail(s, src, "read the end state", err);
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
	const char **names = cg_sim_col_names(&s->t[ti]);
	int rc;

	if (names == NULL)
		return cg_err_nomem(err);
	rc = cg_sim_values_judge(s->vals, s->db, ti, s->t[ti].name, final,
	    names,
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
		    !cg_sim_has_word(text, strlen(text), t))
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
			struct stable *t = cg_sim_find_table(s,
			    f->affected[a].table,
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
		rc = cg_sim_count_kept(s, t, final, kept, 1, err);
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
