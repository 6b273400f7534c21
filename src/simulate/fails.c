/* SPDX-License-Identifier: MIT */
/*
 * Statements that apply on the empty replayed schema but fail on rows:
 * which ones fail on any row (ADD COLUMN ... NOT NULL without a default)
 * and which depend on the data (a rebuild's copy meeting a CHECK, NOT
 * NULL, UNIQUE, STRICT type or foreign key; CREATE UNIQUE INDEX), with
 * the read-only query that tells, on production, which rows would fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "err.h"
#include "simulate_int.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

#define FAIL_LIMIT_ROWS 5	/* rows a query lists */

static const char *const any_row[] = {
	"Cannot add a NOT NULL column with default value NULL",
	"Cannot add a column with non-constant default",
	"Cannot add a REFERENCES column with non-NULL default value",
};

void
cg_sim_fail_release(struct cg_sim_fail *f)
{
	if (f == NULL)
		return;
	free(f->table);
	free(f->why);
	free(f->query);
	free(f->msg);
	memset(f, 0, sizeof(*f));
}

/*
 * name, in double quotes (inner ones doubled) unless it is a plain
 * identifier that is no keyword: the query is meant to be pasted into a
 * shell's double quotes.
 */
static int
put_ident(struct cg_buf *b, const char *name, size_t n, struct cg_err *err)
{
	size_t i;
	int plain = n > 0 && !(name[0] >= '0' && name[0] <= '9') &&
	    !sqlite3_keyword_check(name, (int)n);
	int rc;

	for (i = 0; plain && i < n; i++)
		plain = (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_';
	if (plain)
		return cg_buf_add(b, name, n, err);
	rc = cg_buf_puts(b, "\"", err);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = cg_buf_add(b, name + i, 1, err);
		if (rc == 0 && name[i] == '"')
			rc = cg_buf_add(b, name + i, 1, err);
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\"", err);
	return rc;
}

/* The matching ')' of the '(' just read; its offset, or 0. */
static size_t
close_paren(const char *sql, size_t len, size_t *pos)
{
	struct cg_tok t;
	int depth = 1;

	for (;;) {
		t = cg_sql_next_token(sql, len, pos);
		if (t.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')') && --depth == 0)
			return t.off;
	}
}

/* 1 when the query prepares on db: it names what production has. */
static int
prepares(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st = NULL;
	int ok;

	ok = sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK &&
	    st != NULL && sqlite3_stmt_readonly(st);
	sqlite3_finalize(st);
	return ok;
}

static int
fill(struct cg_sim_fail *out, enum cg_sim_fail_kind kind,
    const char *table, size_t tlen, struct cg_buf *why, struct cg_buf *q,
    const char *msg, sqlite3 *db, struct cg_err *err)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->table = cg_strndup(table, tlen);
	out->why = cg_buf_detach(why);
	if (q != NULL && q->len > 0 && prepares(db, q->data))
		out->query = cg_buf_detach(q);
	out->msg = msg != NULL ? cg_strdup(msg) : NULL;
	if (out->table == NULL || out->why == NULL ||
	    (msg != NULL && out->msg == NULL)) {
		cg_sim_fail_release(out);
		return cg_err_nomem(err);
	}
	return 1;
}

static int flat(struct cg_buf *b, const char *text, size_t len,
    struct cg_err *err);

/* ---- CREATE UNIQUE INDEX ---- */

int
cg_sim_fail_unique_index(struct cg_sim_fail *out, sqlite3 *db,
    const char *sql, size_t len, const char *table, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT, why = CG_BUF_INIT;
	struct cg_buf items = CG_BUF_INIT, notnull = CG_BUF_INIT;
	struct cg_tok t, name, tbl;
	size_t pos = 0, start, end, item, last_end;
	int depth = 0, first = 1;
	int rc = 0;

	len = cg_sql_body_end(sql, len);
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "CREATE"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "UNIQUE"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "INDEX"))
		return 0;
	name = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, name, "IF")) {
		(void)cg_sql_next_token(sql, len, &pos);	/* NOT */
		(void)cg_sql_next_token(sql, len, &pos);	/* EXISTS */
		name = cg_sql_next_token(sql, len, &pos);
	}
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is_punct(sql, t, '.')) {
		name = cg_sql_next_token(sql, len, &pos);
		t = cg_sql_next_token(sql, len, &pos);
	}
	(void)name;
	if (!cg_tok_is(sql, t, "ON"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &tbl);
	if (!cg_tok_is_name(tbl) || !cg_tok_is_punct(sql, t, '('))
		return 0;
	/* The indexed terms, each without ASC or DESC. */
	item = pos;
	last_end = pos;
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			goto out;
		if (cg_tok_is_punct(sql, t, '(')) {
			depth++;
		} else if (cg_tok_is_punct(sql, t, ')') && depth > 0) {
			depth--;
		} else if (depth == 0 && (cg_tok_is_punct(sql, t, ',') ||
		    cg_tok_is_punct(sql, t, ')'))) {
			start = cg_sql_skip_blank(sql, len, item);
			end = last_end;
			if (end <= start)
				goto out;
			rc = cg_buf_printf(&items, err, "%s%.*s", first ? "" :
			    ", ", (int)(end - start), sql + start);
			if (rc == 0)
				rc = cg_buf_printf(&notnull, err, "%s(%.*s) IS "
				    "NOT NULL", first ? "" : " AND ",
				    (int)(end - start), sql + start);
			if (rc < 0)
				goto out;
			first = 0;
			item = t.off + 1;
			if (cg_tok_is_punct(sql, t, ')'))
				break;
			last_end = item;
			continue;
		}
		if (depth > 0 || (!cg_tok_is(sql, t, "ASC") &&
		    !cg_tok_is(sql, t, "DESC")))
			last_end = t.off + t.len;
	}
	t = cg_sql_next_token(sql, len, &pos);
	rc = cg_buf_printf(&q, err, "SELECT %s, count(*) FROM %.*s WHERE %s",
	    items.data, (int)(tbl.len), sql + tbl.off, notnull.data);
	/* The partial index's WHERE, on one line for a shell's "...". */
	if (rc == 0 && cg_tok_is(sql, t, "WHERE"))
		rc = cg_buf_puts(&q, " AND (", err);
	if (rc == 0 && cg_tok_is(sql, t, "WHERE"))
		rc = flat(&q, sql + t.off + t.len, len - (t.off + t.len), err);
	if (rc == 0 && cg_tok_is(sql, t, "WHERE"))
		rc = cg_buf_puts(&q, ")", err);
	if (rc == 0)
		rc = cg_buf_printf(&q, err, " GROUP BY %s HAVING count(*) > 1 "
		    "LIMIT %d", items.data, FAIL_LIMIT_ROWS);
	if (rc == 0)
		rc = cg_buf_printf(&why, err, "two rows with the same (%s)",
		    items.data);
	if (rc == 0)
		rc = fill(out, CG_SIM_FAIL_SOME_ROWS, table, strlen(table),
		    &why, &q, NULL, db, err);
out:
	cg_buf_release(&notnull);
	cg_buf_release(&items);
	cg_buf_release(&why);
	cg_buf_release(&q);
	return rc;
}

/* ---- a copy into a table: INSERT INTO x SELECT ... ---- */

struct copy {
	struct cg_tok target;
	size_t cols_off, cols_end;	/* inside the column list, or 0, 0 */
	size_t body;			/* the SELECT (or WITH) */
	size_t end;
	struct cg_tok from;		/* first table after a top-level FROM */
};

static int
parse_copy(struct copy *c, const char *sql, size_t len)
{
	struct cg_tok t;
	size_t pos = 0;
	int depth = 0;

	memset(c, 0, sizeof(*c));
	c->end = cg_sql_body_end(sql, len);
	len = c->end;
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, t, "REPLACE")) {
		t = cg_sql_next_token(sql, len, &pos);
	} else if (cg_tok_is(sql, t, "INSERT")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (cg_tok_is(sql, t, "OR")) {
			t = cg_sql_next_token(sql, len, &pos);
			t = cg_sql_next_token(sql, len, &pos);
		}
	} else {
		return 0;
	}
	if (!cg_tok_is(sql, t, "INTO"))
		return 0;
	t = cg_sql_qualified(sql, len, &pos, &c->target);
	if (!cg_tok_is_name(c->target))
		return 0;
	if (cg_tok_is(sql, t, "AS")) {
		t = cg_sql_next_token(sql, len, &pos);
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (cg_tok_is_punct(sql, t, '(')) {
		c->cols_off = pos;
		c->cols_end = close_paren(sql, len, &pos);
		if (c->cols_end == 0)
			return 0;
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (!cg_tok_is(sql, t, "SELECT") && !cg_tok_is(sql, t, "WITH"))
		return 0;
	c->body = t.off;
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')'))
			depth--;
		else if (depth == 0 && c->from.len == 0 &&
		    cg_tok_is(sql, t, "FROM")) {
			t = cg_sql_qualified(sql, len, &pos, &c->from);
			if (!cg_tok_is_name(c->from))
				c->from.len = 0;
		}
	}
	return 1;
}

/* The copy's columns: its list as written, or the target's. */
static int
copy_columns(struct cg_buf *cols, sqlite3 *db, const char *sql,
    const struct copy *c, const char *target, struct cg_err *err)
{
	static const char q[] = "SELECT name FROM pragma_table_xinfo(?1, "
	    "'main') WHERE hidden = 0 ORDER BY cid";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (c->cols_end > 0)	/* one line, as the rest of the query */
		return flat(cols, sql + c->cols_off, c->cols_end - c->cols_off,
		    err);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		if (n == NULL)
			continue;
		if (cols->len > 0)
			rc = cg_buf_puts(cols, ", ", err);
		if (rc == 0)
			rc = put_ident(cols, n, strlen(n), err);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* "T.a, T.b" after ": " into quoted "a", "b" (sep between them). */
static int
msg_columns(struct cg_buf *b, const char *list, const char *sep,
    const char *suffix, struct cg_err *err)
{
	const char *p = list, *e, *dot;
	int rc = 0, first = 1;

	while (rc == 0 && *p != '\0') {
		e = strstr(p, ", ");
		if (e == NULL)
			e = p + strlen(p);
		dot = memchr(p, '.', (size_t)(e - p));
		if (dot != NULL)
			p = dot + 1;
		if (!first)
			rc = cg_buf_puts(b, sep, err);
		if (rc == 0)
			rc = put_ident(b, p, (size_t)(e - p), err);
		if (rc == 0 && suffix != NULL)
			rc = cg_buf_puts(b, suffix, err);
		first = 0;
		p = *e != '\0' ? e + 2 : e;
	}
	return rc;
}

/* The text of CONSTRAINT name CHECK (expr) in table's CREATE. */
static int
check_text(struct cg_buf *out, sqlite3 *db, const char *table,
    const char *name, struct cg_err *err)
{
	static const char q[] = "SELECT sql FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?1 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	const char *sql;
	struct cg_tok t;
	size_t len, pos = 0, open, close;
	int rc = 0;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto out;
	sql = (const char *)sqlite3_column_text(st, 0);
	if (sql == NULL)
		goto out;
	len = strlen(sql);
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (!cg_tok_is(sql, t, "CONSTRAINT"))
			continue;
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_QUOTED ? !(t.len == strlen(name) + 2 &&
		    strncasecmp(sql + t.off + 1, name, t.len - 2) == 0) :
		    !cg_tok_is(sql, t, name))
			continue;
		t = cg_sql_next_token(sql, len, &pos);
		if (!cg_tok_is(sql, t, "CHECK"))
			continue;
		t = cg_sql_next_token(sql, len, &pos);
		if (!cg_tok_is_punct(sql, t, '('))
			continue;
		open = pos;
		close = close_paren(sql, len, &pos);
		if (close > open)
			rc = cg_buf_printf(out, err, "%.*s",
			    (int)(close - open), sql + open);
		break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The rows a copy cannot take, as a condition on the copy's columns. */
static int
copy_condition(struct cg_buf *cond, struct cg_buf *group, struct cg_buf *why,
    sqlite3 *db, const char *target, const char *msg, struct cg_err *err)
{
	static const char nn[] = "NOT NULL constraint failed: ";
	static const char uq[] = "UNIQUE constraint failed: ";
	static const char ck[] = "CHECK constraint failed: ";
	static const char fk[] = "FOREIGN KEY constraint failed";
	struct cg_buf b = CG_BUF_INIT;
	const char *p;
	int rc = 0;

	if (strncmp(msg, nn, sizeof(nn) - 1) == 0) {
		rc = msg_columns(cond, msg + sizeof(nn) - 1, " OR ",
		    " IS NULL", err);
		if (rc == 0)
			rc = cg_buf_printf(why, err, "rows whose %s would be "
			    "NULL (NOT NULL in %s)", msg + sizeof(nn) - 1,
			    target);
		return rc < 0 ? rc : 1;
	}
	if (strncmp(msg, uq, sizeof(uq) - 1) == 0) {
		rc = msg_columns(group, msg + sizeof(uq) - 1, ", ", NULL, err);
		if (rc == 0)
			rc = msg_columns(cond, msg + sizeof(uq) - 1, " AND ",
			    " IS NOT NULL", err);
		if (rc == 0)
			rc = cg_buf_printf(why, err, "two rows with the same "
			    "(%s) (UNIQUE in %s)", msg + sizeof(uq) - 1,
			    target);
		cg_buf_release(&b);
		return rc < 0 ? rc : 1;
	}
	if (strncmp(msg, ck, sizeof(ck) - 1) == 0) {
		p = msg + sizeof(ck) - 1;
		rc = check_text(&b, db, target, p, err);
		if (rc == 0)
			rc = cg_buf_printf(cond, err, "NOT (%s)", b.len > 0 ?
			    b.data : p);
		if (rc == 0)
			rc = cg_buf_printf(why, err, "rows that break CHECK "
			    "(%s) of %s", b.len > 0 ? b.data : p, target);
		cg_buf_release(&b);
		return rc < 0 ? rc : 1;
	}
	if (strncmp(msg, "cannot store ", 13) == 0 &&
	    (p = strstr(msg, " column ")) != NULL) {
		const char *ty = strstr(msg, " value in ");
		size_t tn = ty != NULL ? (size_t)(p - (ty + 10)) : 0;
		const char *allowed = "'null'";

		if (ty == NULL)
			return 0;
		ty += 10;
		if (tn == 7 && strncasecmp(ty, "INTEGER", 7) == 0)
			allowed = "'integer', 'null'";
		else if (tn == 3 && strncasecmp(ty, "INT", 3) == 0)
			allowed = "'integer', 'null'";
		else if (tn == 4 && strncasecmp(ty, "REAL", 4) == 0)
			allowed = "'real', 'integer', 'null'";
		else if (tn == 4 && strncasecmp(ty, "TEXT", 4) == 0)
			allowed = "'text', 'null'";
		else if (tn == 4 && strncasecmp(ty, "BLOB", 4) == 0)
			allowed = "'blob', 'null'";
		else
			return 0;
		rc = msg_columns(&b, p + 8, ", ", NULL, err);
		if (rc == 0)
			rc = cg_buf_printf(cond, err, "typeof(%s) NOT IN (%s)",
			    b.data, allowed);
		if (rc == 0)
			rc = cg_buf_printf(why, err, "rows whose %s is not "
			    "%.*s (STRICT %s)", p + 8, (int)tn, ty, target);
		cg_buf_release(&b);
		return rc < 0 ? rc : 1;
	}
	if (strncmp(msg, fk, sizeof(fk) - 1) == 0) {
		static const char q[] = "SELECT f.\"from\", f.\"table\", "
		    "coalesce(f.\"to\", (SELECT name FROM pragma_table_info("
		    "f.\"table\", 'main') WHERE pk = 1)) FROM "
		    "pragma_foreign_key_list(?1, 'main') AS f WHERE f.id NOT "
		    "IN (SELECT id FROM pragma_foreign_key_list(?1, 'main') "
		    "WHERE seq > 0)";
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
			sqlite3_finalize(st);
			return 0;
		}
		while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
			const char *from = (const char *)sqlite3_column_text(st,
			    0);
			const char *par = (const char *)sqlite3_column_text(st,
			    1);
			const char *to = (const char *)sqlite3_column_text(st,
			    2);

			if (from == NULL || par == NULL || to == NULL)
				continue;
			if (cond->len > 0)
				rc = cg_buf_puts(cond, " OR ", err);
			if (rc == 0)
				rc = cg_buf_puts(cond, "(", err);
			if (rc == 0)
				rc = put_ident(cond, from, strlen(from), err);
			if (rc == 0)
				rc = cg_buf_puts(cond, " IS NOT NULL AND ",
				    err);
			if (rc == 0)
				rc = put_ident(cond, from, strlen(from), err);
			if (rc == 0)
				rc = cg_buf_puts(cond, " NOT IN (SELECT ",
				    err);
			if (rc == 0)
				rc = put_ident(cond, to, strlen(to), err);
			if (rc == 0)
				rc = cg_buf_puts(cond, " FROM ", err);
			if (rc == 0)
				rc = put_ident(cond, par, strlen(par), err);
			if (rc == 0)
				rc = cg_buf_puts(cond, "))", err);
		}
		sqlite3_finalize(st);
		if (rc == 0 && cond->len == 0)
			return 0;
		if (rc == 0)
			rc = cg_buf_printf(why, err, "rows whose foreign key "
			    "matches no parent row (FOREIGN KEY of %s)",
			    target);
		return rc < 0 ? rc : 1;
	}
	return 0;
}

/* 1 when table has a row now (the failed statement was undone). */
static int
holds_rows(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	char *q = sqlite3_mprintf("SELECT 1 FROM \"%w\" LIMIT 1", table);
	int found = 0;

	if (q != NULL && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_free(q);
	return found;
}

static int
classify_copy(struct cg_sim_fail *out, sqlite3 *db, const char *sql,
    size_t len, const char *table, const char *msg, struct cg_err *err)
{
	struct cg_buf cols = CG_BUF_INIT, cond = CG_BUF_INIT;
	struct cg_buf why = CG_BUF_INIT, q = CG_BUF_INIT, tq = CG_BUF_INIT;
	struct cg_buf group = CG_BUF_INIT;
	struct copy c;
	const char *who;
	size_t wlen;
	int rc;

	if (!parse_copy(&c, sql, len))
		return 0;
	rc = copy_condition(&cond, &group, &why, db, table, msg, err);
	if (rc <= 0)
		goto out;
	rc = copy_columns(&cols, db, sql, &c, table, err);
	if (rc < 0)
		goto out;
	rc = put_ident(&tq, table, strlen(table), err);
	if (rc == 0 && cols.len > 0 && group.len > 0 && holds_rows(db, table)) {
		/*
		 * Into a table that has rows (not a rebuild's new one): a
		 * copied row may meet one already there.
		 */
		why.len = 0;
		rc = cg_buf_printf(&why, err, "rows whose (%s) is already in "
		    "%s, or repeats (UNIQUE)", msg + 26, table);
		if (rc == 0)
			rc = cg_buf_printf(&q, err, "WITH cg_rows(%s) AS (",
			    cols.data);
		if (rc == 0)
			rc = flat(&q, sql + c.body, c.end - c.body, err);
		if (rc == 0)
			rc = cg_buf_printf(&q, err, ") SELECT %s, count(*) FROM "
			    "(SELECT %s FROM cg_rows WHERE %s UNION ALL SELECT "
			    "%s FROM %s WHERE %s) GROUP BY %s HAVING count(*) > "
			    "1 LIMIT %d", group.data, group.data, cond.data,
			    group.data, tq.data, cond.data, group.data,
			    FAIL_LIMIT_ROWS);
	} else if (rc == 0 && cols.len > 0) {
		rc = cg_buf_printf(&q, err, "WITH %s(%s) AS (", tq.data,
		    cols.data);
		if (rc == 0)
			rc = flat(&q, sql + c.body, c.end - c.body, err);
		if (rc == 0)
			rc = cg_buf_puts(&q, ") ", err);
		if (rc == 0 && group.len > 0)
			rc = cg_buf_printf(&q, err, "SELECT %s, count(*) FROM "
			    "%s WHERE %s GROUP BY %s HAVING count(*) > 1 "
			    "LIMIT %d", group.data, tq.data, cond.data,
			    group.data, FAIL_LIMIT_ROWS);
		else if (rc == 0)
			rc = cg_buf_printf(&q, err, "SELECT * FROM %s WHERE %s "
			    "LIMIT %d", tq.data, cond.data, FAIL_LIMIT_ROWS);
	}
	if (rc < 0)
		goto out;
	/* The rows that decide are those of the table copied from. */
	who = table;
	wlen = strlen(table);
	if (c.from.len > 0) {
		who = sql + c.from.off;
		wlen = c.from.len;
		if (c.from.kind != CG_TOK_WORD && wlen >= 2) {
			who++;
			wlen -= 2;
		}
	}
	rc = fill(out, CG_SIM_FAIL_SOME_ROWS, who, wlen, &why, &q, msg, db,
	    err);
out:
	cg_buf_release(&group);
	cg_buf_release(&tq);
	cg_buf_release(&q);
	cg_buf_release(&why);
	cg_buf_release(&cond);
	cg_buf_release(&cols);
	return rc;
}

int
cg_sim_fail_classify(struct cg_sim_fail *out, sqlite3 *db, const char *sql,
    size_t len, const char *table, const char *msg, struct cg_err *err)
{
	struct cg_buf why = CG_BUF_INIT;
	size_t i;
	int rc;

	if (msg == NULL || table == NULL)
		return 0;
	for (i = 0; i < sizeof(any_row) / sizeof(any_row[0]); i++) {
		if (strncmp(msg, any_row[i], strlen(any_row[i])) != 0)
			continue;
		rc = cg_buf_puts(&why, msg, err);
		if (rc == 0)
			rc = fill(out, CG_SIM_FAIL_ANY_ROW, table,
			    strlen(table), &why, NULL, msg, db, err);
		cg_buf_release(&why);
		return rc;
	}
	if (strncmp(msg, "UNIQUE constraint failed", 24) == 0) {
		rc = cg_sim_fail_unique_index(out, db, sql, len, table, err);
		if (rc != 0) {
			if (rc > 0 && out->msg == NULL) {
				out->msg = cg_strdup(msg);
				if (out->msg == NULL) {
					cg_sim_fail_release(out);
					return cg_err_nomem(err);
				}
			}
			return rc;
		}
	}
	return classify_copy(out, db, sql, len, table, msg, err);
}

int
cg_sim_fail_stand_in(sqlite3 *db, const char *sql, size_t len,
    const char *msg)
{
	static const char *const dflt[] = { "''", "0" };
	char *q;
	size_t i;
	int ok = 0;

	if (msg == NULL || strncmp(msg, any_row[0], strlen(any_row[0])) != 0)
		return 0;
	len = cg_sql_body_end(sql, len);
	for (i = 0; !ok && i < sizeof(dflt) / sizeof(dflt[0]); i++) {
		/* A newline ends any comment the statement ends with. */
		q = sqlite3_mprintf("%.*s\n DEFAULT %s", (int)len, sql,
		    dflt[i]);
		if (q == NULL)
			return 0;
		ok = sqlite3_exec(db, q, NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_free(q);
	}
	return ok;
}

/* ---- a copy that keeps only the rows a WHERE or a join matches ---- */

void
cg_sim_filter_release(struct cg_sim_filter *f)
{
	if (f == NULL)
		return;
	free(f->source);
	free(f->query);
	memset(f, 0, sizeof(*f));
}

/* 1 when text (a WHERE or ON term) reads no column: it is a constant. */
static int
constant_term(sqlite3 *db, const char *text, size_t n)
{
	char *q;
	int ok;

	q = sqlite3_mprintf("SELECT (%.*s)", (int)n, text);
	if (q == NULL)
		return 0;
	ok = prepares(db, q);
	sqlite3_free(q);
	return ok;
}

/*
 * text on one line: comments dropped, each gap between tokens one
 * space, so that the query pastes into a shell's --command "...".
 */
static int
flat(struct cg_buf *b, const char *text, size_t len, struct cg_err *err)
{
	struct cg_tok t;
	size_t pos = 0, prev = 0;
	int rc = 0;

	for (;;) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (prev > 0 && t.off > prev)
			rc = cg_buf_puts(b, " ", err);
		if (rc == 0)
			rc = cg_buf_add(b, text + t.off, t.len, err);
		if (rc < 0)
			return rc;
		prev = t.off + t.len;
	}
	return 0;
}

int
cg_sim_fail_filter(struct cg_sim_filter *out, sqlite3 *db, const char *sql,
    size_t len, struct cg_err *err)
{
	struct cg_buf q = CG_BUF_INIT, src = CG_BUF_INIT;
	struct cg_tok t, name, qual;
	struct copy c;
	size_t pos, from = 0, where = 0, where_end = 0;
	int depth = 0, joined = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!parse_copy(&c, sql, len) || c.from.len == 0)
		return 0;
	len = c.end;
	pos = c.body;
	t = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is(sql, t, "SELECT"))
		return 0;	/* WITH: not taken apart */
	/* The top-level FROM, the source and its alias. */
	for (;;) {
		t = cg_sql_next_token(sql, len, &pos);
		if (t.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')'))
			depth--;
		else if (depth == 0 && cg_tok_is(sql, t, "FROM"))
			break;
	}
	from = t.off;
	t = cg_sql_qualified(sql, len, &pos, &name);
	if (!cg_tok_is_name(name) || name.off != c.from.off)
		return 0;
	qual = name;
	if (cg_tok_is(sql, t, "AS")) {
		qual = cg_sql_next_token(sql, len, &pos);
		t = cg_sql_next_token(sql, len, &pos);
	} else if (t.kind == CG_TOK_QUOTED || (t.kind == CG_TOK_WORD &&
	    !sqlite3_keyword_check(sql + t.off, (int)t.len))) {
		qual = t;
		t = cg_sql_next_token(sql, len, &pos);
	}
	/* What follows: joins, a WHERE; nothing that merges rows. */
	for (depth = 0; t.kind != CG_TOK_END;
	    t = cg_sql_next_token(sql, len, &pos)) {
		if (cg_tok_is_punct(sql, t, '(')) {
			depth++;
			continue;
		}
		if (cg_tok_is_punct(sql, t, ')')) {
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (cg_tok_is_punct(sql, t, ',') || cg_tok_is(sql, t, "JOIN"))
			joined = 1;
		else if (cg_tok_is(sql, t, "WHERE"))
			where = t.off + t.len;
		else if (cg_tok_is(sql, t, "GROUP") ||
		    cg_tok_is(sql, t, "UNION") ||
		    cg_tok_is(sql, t, "INTERSECT") ||
		    cg_tok_is(sql, t, "EXCEPT") ||
		    cg_tok_is(sql, t, "WINDOW") ||
		    cg_tok_is(sql, t, "HAVING"))
			return 0;
		else if (where > 0 && where_end == 0 &&
		    (cg_tok_is(sql, t, "ORDER") || cg_tok_is(sql, t, "LIMIT")))
			where_end = t.off;
	}
	if (where > 0 && where_end == 0)
		where_end = len;
	if (!joined && where == 0)
		return 0;	/* no filter: a loss is no matter of data */
	out->constant = !joined && constant_term(db, sql + where,
	    where_end - where);
	out->filter_off = from;
	out->filter_end = len;
	rc = cg_buf_add(&src, sql + name.off, name.len, err);
	if (rc == 0)
		rc = cg_buf_printf(&q, err, "SELECT count(*) FROM %.*s WHERE "
		    "rowid NOT IN (SELECT %.*s.rowid ", (int)name.len,
		    sql + name.off, (int)qual.len, sql + qual.off);
	if (rc == 0)
		rc = flat(&q, sql + from, len - from, err);
	if (rc == 0)
		rc = cg_buf_puts(&q, ")", err);
	if (rc < 0)
		goto out;
	if (!prepares(db, q.data)) {
		rc = 0;		/* WITHOUT ROWID, or not read as a table */
		goto out;
	}
	out->source = cg_buf_detach(&src);
	out->query = cg_buf_detach(&q);
	if (out->source == NULL || out->query == NULL) {
		cg_sim_filter_release(out);
		rc = cg_err_nomem(err);
		goto out;
	}
	if (name.kind != CG_TOK_WORD && strlen(out->source) >= 2) {
		/* "x" -> x: the name as the schema holds it */
		memmove(out->source, out->source + 1, strlen(out->source) - 2);
		out->source[strlen(out->source) - 2] = '\0';
	}
	rc = 1;
out:
	cg_buf_release(&src);
	cg_buf_release(&q);
	return rc;
}
