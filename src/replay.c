/* SPDX-License-Identifier: MIT */
/*
 * Running migration files in the sandbox, one statement at a time:
 * SQLite splits the text (sqlite3_prepare_v2 and its tail), the
 * authorizer classifies each statement, the live cascade graph is read
 * before a destructive one, and the statement really runs under the
 * target's model (D1 or plain SQLite) so the next one sees the schema
 * it will see in production.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "finding.h"
#include "graph.h"
#include "nullkeys.h"
#include "replay.h"
#include "rules.h"
#include "sandbox.h"
#include "sandbox_db.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

/*
 * Candidate ends tried with sqlite3_complete when skipping a statement
 * that does not prepare.  SECURITY: each try rescans the statement, so
 * the work is bounded; past it the rest of the file is skipped.
 */
#define CG_MAX_COMPLETE_TRIES 64

#define CG_MIB (1024LL * 1024LL)

/* What the authorizer reported for one statement, top level only. */
struct observed {
	unsigned flags;		/* enum cg_stmt_flags */
	int have_primary;	/* the statement's own action was seen */
	int nomem;
	char *table;		/* owned: as the live schema names it */
	char *pragma;		/* owned, lowercase */
	char *pragma_arg;	/* owned */
	const char *tx_verb;	/* static */
	char *column;		/* owned: from the text, ALTER TABLE only */
	char *new_name;		/* owned: from the text, RENAME only */
};

/* A line cursor, so positions cost O(file) for the whole file. */
struct linepos {
	size_t off;
	unsigned line;
	size_t line_start;
};

/* One statement as SQLite split it. */
struct one {
	size_t prep_off;	/* where the text given to prepare starts */
	size_t start;		/* first token */
	size_t end;		/* after its last byte, blanks trimmed */
	unsigned line, col, end_line;
	sqlite3_stmt *stmt;	/* NULL when prepare failed */
	int prep_rc;		/* SQLite's code from prepare */
	char *error;		/* owned: why prepare failed, else NULL */
	unsigned error_col;	/* 0 if SQLite pointed nowhere */
	struct observed obs;
};

struct replay {
	struct cg_sandbox *sb;
	sqlite3 *db;
	const struct cg_source *src;
	char *text;		/* owned NUL-terminated copy of the file */
	size_t len;
	size_t off;		/* where SQLite continues */
	struct linepos lp;
	struct cg_graph graph;	/* reloaded before each destructive statement */
	struct cg_nullkeys nk;	/* keys the file left NULL in every row */
	struct cg_findings *out;
};

/* How running a statement ended. */
enum outcome {
	RUN_OK,
	RUN_FAILED,	/* SQLite error: a finding */
	RUN_TIME,	/* the step budget or the clock backstop ran out */
	RUN_MEMORY,	/* the heap limit was hit */
	RUN_LENGTH	/* a string, blob or row over the sandbox's limit */
};

static void
observed_release(struct observed *o)
{
	free(o->table);
	free(o->pragma);
	free(o->pragma_arg);
	free(o->column);
	free(o->new_name);
	memset(o, 0, sizeof(*o));
}

static void
one_release(struct one *s)
{
	sqlite3_finalize(s->stmt);
	free(s->error);
	observed_release(&s->obs);
	memset(s, 0, sizeof(*s));
}

static int
is_internal(const char *name)
{
	static const char prefix[] = "sqlite_";
	size_t i;

	if (name == NULL)
		return 1;
	for (i = 0; prefix[i] != '\0'; i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

static char *
dup_lower(const char *s)
{
	char *p = cg_strdup(s);
	size_t i;

	for (i = 0; p != NULL && p[i] != '\0'; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
	return p;
}

/*
 * The statement's own action is the first one the authorizer reports on
 * a user object: later ones come from the code SQLite generates for it
 * (the DELETE inside DROP TABLE, foreign-key actions, which carry no
 * trigger name).
 */
static void
primary(struct observed *o, unsigned flag, const char *table)
{
	if (o->have_primary || is_internal(table))
		return;
	o->have_primary = 1;
	o->flags |= flag;
	if (flag == 0)
		return;
	o->table = cg_strdup(table);
	if (o->table == NULL)
		o->nomem = 1;
}

static const char *
tx_verb(const char *a1, int savepoint)
{
	if (a1 == NULL)
		return savepoint ? "SAVEPOINT" : "BEGIN";
	if (cg_ident_eq(a1, "BEGIN"))
		return savepoint ? "SAVEPOINT" : "BEGIN";
	if (cg_ident_eq(a1, "RELEASE"))
		return "RELEASE";
	if (cg_ident_eq(a1, "ROLLBACK"))
		return savepoint ? "ROLLBACK TO" : "ROLLBACK";
	return "COMMIT";
}

static int
observe(int action, const char *a1, const char *a2, const char *db,
    const char *trigger, void *payload)
{
	struct observed *o = payload;

	(void)db;
	if (trigger != NULL)
		return 0;
	switch (action) {
	case SQLITE_DROP_TABLE:
		primary(o, CG_ST_DROP_TABLE, a1);
		break;
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_VTABLE:
		/* Not a table drop, but the DELETE that follows is not one
		 * either. */
		primary(o, 0, a1 != NULL ? a1 : "?");
		break;
	case SQLITE_DELETE:
		primary(o, CG_ST_DELETE, a1);
		break;
	case SQLITE_INSERT:
		primary(o, CG_ST_INSERT, a1);
		break;
	case SQLITE_UPDATE:
		primary(o, CG_ST_UPDATE, a1);
		break;
	case SQLITE_ALTER_TABLE:
		primary(o, CG_ST_ALTER, a2);
		break;
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
		primary(o, CG_ST_CREATE, a1);
		break;
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_VTABLE:
		primary(o, CG_ST_CREATE, a2 != NULL ? a2 : a1);
		break;
	case SQLITE_PRAGMA:
		if (o->have_primary)
			break;
		o->have_primary = 1;
		o->flags |= CG_ST_PRAGMA;
		o->pragma = dup_lower(a1);
		if (a2 != NULL)
			o->pragma_arg = cg_strdup(a2);
		if ((a1 != NULL && o->pragma == NULL) ||
		    (a2 != NULL && o->pragma_arg == NULL))
			o->nomem = 1;
		break;
	case SQLITE_TRANSACTION:
		if (o->have_primary)
			break;
		o->have_primary = 1;
		o->flags |= CG_ST_TRANSACTION;
		o->tx_verb = tx_verb(a1, 0);
		break;
	case SQLITE_SAVEPOINT:
		if (o->have_primary)
			break;
		o->have_primary = 1;
		o->flags |= CG_ST_SAVEPOINT;
		o->tx_verb = tx_verb(a1, 1);
		break;
	default:
		break;
	}
	return 0;
}

static void
pos_at(struct linepos *lp, const char *text, size_t target, unsigned *line,
    unsigned *col)
{
	const char *nl;

	if (target < lp->off) {
		lp->off = 0;
		lp->line = 1;
		lp->line_start = 0;
	}
	while (lp->off < target) {
		nl = memchr(text + lp->off, '\n', target - lp->off);
		if (nl == NULL)
			break;
		lp->line++;
		lp->off = (size_t)(nl - text) + 1;
		lp->line_start = lp->off;
	}
	lp->off = target;
	*line = lp->line;
	*col = (unsigned)(target - lp->line_start) + 1;
}

/*
 * End of a statement that does not prepare: the shortest prefix ending
 * in ';' that SQLite's own sqlite3_complete accepts (so a trigger body's
 * semicolons do not count); the rest of the file if none.
 */
static size_t
stmt_end(char *text, size_t len, size_t start)
{
	struct cg_tok t;
	size_t pos = start;
	unsigned tries = 0;
	char saved;
	int done;

	for (;;) {
		t = cg_sql_next_token(text, len, &pos);
		if (t.kind == CG_TOK_END)
			return len;
		if (t.kind != CG_TOK_PUNCT || text[t.off] != ';')
			continue;
		if (++tries > CG_MAX_COMPLETE_TRIES)
			return len;
		saved = text[t.off + 1];
		text[t.off + 1] = '\0';
		done = sqlite3_complete(text + start);
		text[t.off + 1] = saved;
		if (done)
			return t.off + 1;
	}
}

static size_t
trim_end(const char *text, size_t start, size_t end)
{
	while (end > start && strchr(" \t\r\n\f\v", text[end - 1]) != NULL)
		end--;
	return end;
}

static void
set_positions(struct replay *r, struct one *s, size_t error_off, int has_err)
{
	unsigned line, col;

	pos_at(&r->lp, r->text, s->start, &s->line, &s->col);
	if (has_err && error_off >= s->start) {
		pos_at(&r->lp, r->text, error_off, &line, &col);
		s->error_col = col;
	}
	pos_at(&r->lp, r->text, s->end > s->start ? s->end - 1 : s->start,
	    &s->end_line, &col);
}

/*
 * The first token of the next statement: after blanks, comments and
 * empty statements (";;"), which SQLite's prepare passes over too.
 */
static size_t
skip_empty(const char *text, size_t len, size_t off)
{
	for (;;) {
		off = cg_sql_skip_blank(text, len, off);
		if (off >= len || text[off] != ';')
			return off;
		off++;
	}
}

/*
 * Prepare the next statement of the file into s.  Returns 1 with s
 * filled (s->stmt NULL and s->error set when it did not prepare), 0 at
 * the end of the file, < 0 when the tool fails.
 */
/*
 * drizzle's migrators split a file on the literal "--> statement-breakpoint"
 * and hand each chunk to the driver as one statement.  1 when text[from,
 * to) holds that marker: the statement at `to` starts a new chunk.
 */
static int
has_breakpoint(const char *text, size_t from, size_t to)
{
	static const char mark[] = "--> statement-breakpoint";
	size_t n = sizeof(mark) - 1;
	size_t i;

	for (i = from; i + n <= to; i++)
		if (memcmp(text + i, mark, n) == 0)
			return 1;
	return 0;
}

static int
next_statement(struct one *s, struct replay *r, struct cg_err *err)
{
	const char *tail = NULL;
	size_t tail_off;
	int eoff;
	int rc;

	for (;;) {
		memset(s, 0, sizeof(*s));
		s->start = skip_empty(r->text, r->len, r->off);
		if (s->start >= r->len) {
			r->off = r->len;
			return 0;
		}
		s->prep_off = r->off;
		cg_sandbox_clear_denial(r->sb);
		cg_sandbox_set_observer(r->sb, observe, &s->obs);
		rc = sqlite3_prepare_v2(r->db, r->text + r->off, -1, &s->stmt,
		    &tail);
		cg_sandbox_set_observer(r->sb, NULL, NULL);
		s->prep_rc = rc;
		if (s->obs.nomem) {
			one_release(s);
			return cg_err_nomem(err);
		}
		if (rc == SQLITE_OK && s->stmt == NULL) {
			/* Only blanks, comments or an empty ';' were consumed. */
			observed_release(&s->obs);
			tail_off = tail != NULL ? (size_t)(tail - r->text) : r->len;
			if (tail_off <= r->off) {
				r->off = r->len;
				return 0;
			}
			r->off = tail_off;
			continue;
		}
		break;
	}

	if (rc == SQLITE_OK) {
		tail_off = (size_t)(tail - r->text);
		s->end = trim_end(r->text, s->start, tail_off);
		r->off = tail_off;
		set_positions(r, s, 0, 0);
		return 1;
	}

	/* SQLite's error offset is relative to the text it was given. */
	eoff = sqlite3_error_offset(r->db);
	/* A denial during this prepare is the reason, whatever the code
	 * (a denied function reports SQLITE_ERROR). */
	if (cg_sandbox_denial(r->sb) != NULL)
		s->error = cg_strdup(cg_sandbox_denial(r->sb));
	else
		s->error = cg_strdup(sqlite3_errmsg(r->db));
	if (s->error == NULL) {
		one_release(s);
		return cg_err_nomem(err);
	}
	sqlite3_finalize(s->stmt);
	s->stmt = NULL;
	tail_off = stmt_end(r->text, r->len, s->start);
	s->end = trim_end(r->text, s->start, tail_off);
	r->off = tail_off;
	set_positions(r, s, eoff >= 0 ? s->prep_off + (size_t)eoff : 0,
	    eoff >= 0);
	return 1;
}

/* Run one of the tool's own statements: not classified, not timed. */
static int
tool_exec_rc(struct replay *r, const char *sql, char **msg)
{
	int rc;

	cg_sandbox_budget_suspend(r->sb, 1);
	rc = sqlite3_exec(r->db, sql, NULL, NULL, msg);
	cg_sandbox_budget_suspend(r->sb, 0);
	return rc;
}

static int
tool_exec(struct replay *r, const char *sql, struct cg_err *err)
{
	char *msg = NULL;
	int rc;

	rc = tool_exec_rc(r, sql, &msg);
	if (rc == SQLITE_NOMEM) {
		rc = cg_err_nomem(err);
	} else if (rc != SQLITE_OK) {
		rc = cg_err_set(err, CG_ESQL, "cannot run '%s' in the sandbox: "
		    "%s", sql, msg != NULL ? msg : sqlite3_errstr(rc));
	} else {
		rc = 0;
	}
	sqlite3_free(msg);
	return rc;
}

/* The integer a one-row query returns (PRAGMA foreign_keys). */
static int
tool_int(int *out, struct replay *r, const char *sql, struct cg_err *err)
{
	sqlite3_stmt *st = NULL;
	int src;
	int rc;

	cg_sandbox_budget_suspend(r->sb, 1);
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = 0;
	} else if (src == SQLITE_NOMEM) {
		rc = cg_err_nomem(err);
	} else {
		rc = cg_err_set(err, CG_ESQL, "cannot run '%s' in the sandbox: "
		    "%s", sql, sqlite3_errmsg(r->db));
	}
	sqlite3_finalize(st);
	cg_sandbox_budget_suspend(r->sb, 0);
	return rc;
}

/*
 * The CREATE TABLE text of table (*out owned, NULL when there is none),
 * and the live spelling of its name (*live owned, may be NULL).
 */
static int
tool_table(char **live, char **out, struct replay *r, const char *table,
    struct cg_err *err)
{
	static const char sql[] = "SELECT name, sql FROM sqlite_schema "
	    "WHERE type = 'table' AND name = ?1 COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int src;
	int rc = 0;

	*live = NULL;
	*out = NULL;
	cg_sandbox_budget_suspend(r->sb, 1);
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		*live = cg_strdup(v != NULL ? (const char *)v : table);
		v = sqlite3_column_text(st, 1);
		if (v != NULL)
			*out = cg_strdup((const char *)v);
		if (*live == NULL || (v != NULL && *out == NULL))
			rc = cg_err_nomem(err);
	} else if (src == SQLITE_NOMEM) {
		rc = cg_err_nomem(err);
	} else if (src != SQLITE_DONE) {
		rc = cg_err_set(err, CG_ESQL, "cannot read the schema of '%s': "
		    "%s", table, sqlite3_errmsg(r->db));
	}
	sqlite3_finalize(st);
	cg_sandbox_budget_suspend(r->sb, 0);
	if (rc < 0) {
		free(*live);
		free(*out);
		*live = NULL;
		*out = NULL;
	}
	return rc;
}

/* An identifier token without its quotes ("a""b" -> a"b). */
static char *
tok_name(const char *sql, struct cg_tok t)
{
	struct cg_buf b = CG_BUF_INIT;
	char close;
	size_t i;

	if (t.kind == CG_TOK_WORD)
		return cg_strndup(sql + t.off, t.len);
	if (t.kind != CG_TOK_QUOTED && t.kind != CG_TOK_STRING)
		return NULL;
	close = sql[t.off] == '[' ? ']' : sql[t.off];
	for (i = t.off + 1; i < t.off + t.len; i++) {
		if (sql[i] == close) {
			if (close != ']' && i + 1 < t.off + t.len &&
			    sql[i + 1] == close)
				i++;
			else
				break;
		}
		if (cg_buf_add(&b, sql + i, 1, NULL) < 0) {
			cg_buf_release(&b);
			return NULL;
		}
	}
	return cg_buf_detach(&b);
}

/* Store a name token into *field; returns 0 or CG_ENOMEM. */
static int
take_name(char **field, const char *sql, struct cg_tok t, struct cg_err *err)
{
	if (!cg_tok_is_name(t))
		return 0;
	free(*field);
	*field = tok_name(sql, t);
	if (*field == NULL)
		return cg_err_nomem(err);
	return 0;
}

/* ALTER TABLE [schema.]name RENAME TO / RENAME [COLUMN] / DROP [COLUMN]. */
static int
refine_alter(struct observed *o, const char *sql, size_t len,
    struct cg_err *err)
{
	struct cg_tok t;
	size_t pos = 0;
	int rc;

	t = cg_sql_next_token(sql, len, &pos);	/* ALTER */
	t = cg_sql_next_token(sql, len, &pos);	/* TABLE */
	if (!cg_tok_is(sql, t, "TABLE"))
		return 0;
	t = cg_sql_next_token(sql, len, &pos);	/* name */
	t = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is_punct(sql, t, '.')) {
		t = cg_sql_next_token(sql, len, &pos);
		t = cg_sql_next_token(sql, len, &pos);
	}
	if (cg_tok_is(sql, t, "RENAME")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (cg_tok_is(sql, t, "TO")) {
			o->flags |= CG_ST_RENAME_TABLE;
			t = cg_sql_next_token(sql, len, &pos);
			return take_name(&o->new_name, sql, t, err);
		}
		if (cg_tok_is(sql, t, "COLUMN"))
			t = cg_sql_next_token(sql, len, &pos);
		o->flags |= CG_ST_RENAME_COLUMN;
		rc = take_name(&o->column, sql, t, err);
		if (rc < 0)
			return rc;
		t = cg_sql_next_token(sql, len, &pos);	/* TO */
		t = cg_sql_next_token(sql, len, &pos);
		return take_name(&o->new_name, sql, t, err);
	}
	if (cg_tok_is(sql, t, "DROP")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (cg_tok_is(sql, t, "COLUMN"))
			t = cg_sql_next_token(sql, len, &pos);
		o->flags |= CG_ST_DROP_COLUMN;
		return take_name(&o->column, sql, t, err);
	}
	return 0;
}

/*
 * The verb of a DML statement, after an optional WITH clause (whose
 * parentheses hide any keyword inside the common table expressions).
 */
static struct cg_tok
dml_verb(const char *sql, size_t len, size_t *pos)
{
	struct cg_tok t;
	int depth = 0;

	t = cg_sql_next_token(sql, len, pos);
	if (!cg_tok_is(sql, t, "WITH"))
		return t;
	for (;;) {
		t = cg_sql_next_token(sql, len, pos);
		if (t.kind == CG_TOK_END)
			return t;
		if (cg_tok_is_punct(sql, t, '('))
			depth++;
		else if (cg_tok_is_punct(sql, t, ')'))
			depth--;
		else if (depth == 0 && (cg_tok_is(sql, t, "INSERT") ||
		    cg_tok_is(sql, t, "REPLACE") ||
		    cg_tok_is(sql, t, "UPDATE") ||
		    cg_tok_is(sql, t, "DELETE") ||
		    cg_tok_is(sql, t, "SELECT")))
			return t;
	}
}

/* The insert has an upsert clause: ON CONFLICT followed by ( or DO. */
static int
has_upsert(const char *sql, size_t len, size_t pos)
{
	struct cg_tok a, b, c;

	a = cg_sql_next_token(sql, len, &pos);
	b = cg_sql_next_token(sql, len, &pos);
	for (;;) {
		c = cg_sql_next_token(sql, len, &pos);
		if (c.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is(sql, a, "ON") && cg_tok_is(sql, b, "CONFLICT") &&
		    (cg_tok_is_punct(sql, c, '(') || cg_tok_is(sql, c, "DO")))
			return 1;
		a = b;
		b = c;
	}
}

/*
 * A PRIMARY KEY or UNIQUE constraint with ON CONFLICT REPLACE in the
 * CREATE TABLE text (NOT NULL ON CONFLICT REPLACE only fills defaults).
 */
static int
has_replace_key(const char *create)
{
	size_t len = strlen(create);
	struct cg_tok prev, a, b, c;
	size_t pos = 0;

	prev.kind = CG_TOK_END;
	prev.off = prev.len = 0;
	a = cg_sql_next_token(create, len, &pos);
	b = cg_sql_next_token(create, len, &pos);
	for (;;) {
		c = cg_sql_next_token(create, len, &pos);
		if (c.kind == CG_TOK_END)
			return 0;
		if (cg_tok_is(create, a, "ON") &&
		    cg_tok_is(create, b, "CONFLICT") &&
		    cg_tok_is(create, c, "REPLACE") &&
		    !cg_tok_is(create, prev, "NULL"))
			return 1;
		prev = a;
		a = b;
		b = c;
	}
}

/*
 * Refine what the authorizer said with the statement's leading keywords
 * (INSERT OR REPLACE, ALTER TABLE ... RENAME), and resolve the table to
 * its live name.  Runs before the statement does.
 */
static int
refine(struct observed *o, struct replay *r, const char *sql, size_t len,
    struct cg_err *err)
{
	struct cg_tok t;
	char *live = NULL;
	char *create = NULL;
	size_t pos = 0;
	int plain_insert = 0;
	int rc = 0;

	if (o->table == NULL)
		return 0;
	if (o->flags & CG_ST_ALTER) {
		rc = refine_alter(o, sql, len, err);
		if (rc < 0)
			return rc;
	}
	t = dml_verb(sql, len, &pos);
	if ((o->flags & CG_ST_INSERT) && cg_tok_is(sql, t, "REPLACE")) {
		o->flags |= CG_ST_REPLACE;
	} else if ((o->flags & CG_ST_INSERT) && cg_tok_is(sql, t, "INSERT")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (cg_tok_is(sql, t, "OR")) {
			t = cg_sql_next_token(sql, len, &pos);
			if (cg_tok_is(sql, t, "REPLACE"))
				o->flags |= CG_ST_REPLACE;
		} else {
			plain_insert = !has_upsert(sql, len, pos);
		}
	} else if ((o->flags & CG_ST_UPDATE) && cg_tok_is(sql, t, "UPDATE")) {
		t = cg_sql_next_token(sql, len, &pos);
		if (cg_tok_is(sql, t, "OR")) {
			t = cg_sql_next_token(sql, len, &pos);
			if (cg_tok_is(sql, t, "REPLACE"))
				o->flags |= CG_ST_UPDATE_OR_REPLACE;
		}
	}

	rc = tool_table(&live, &create, r, o->table, err);
	if (rc < 0)
		goto out;
	if (live != NULL) {
		free(o->table);
		o->table = live;
		live = NULL;
	}
	if (plain_insert && create != NULL && has_replace_key(create))
		o->flags |= CG_ST_REPLACE_KEY;
out:
	free(live);
	free(create);
	return rc;
}

/* A statement whose ON DELETE actions depend on the graph. */
static int
needs_graph(unsigned flags)
{
	return (flags & (CG_ST_DROP_TABLE | CG_ST_DELETE | CG_ST_REPLACE |
	    CG_ST_UPDATE_OR_REPLACE | CG_ST_REPLACE_KEY)) != 0;
}

/* 1 when hay holds needle, ASCII case-insensitively. */
static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0' &&
		    (hay[i] | 0x20) == (needle[i] | 0x20); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * Before and after a write: a trigger whose text names a tracked table
 * may write it (nullkeys.h), so what is known of that table is
 * forgotten; after, because the write may have fired a trigger that is
 * dropped before the DROP/DELETE.  A TEMP table may shadow any name an
 * unqualified statement wrote: then nothing is known.
 */
static int
nullkeys_triggers(struct replay *r, struct cg_err *err)
{
	static const char sql[] = "SELECT sql FROM sqlite_master WHERE "
	    "type = 'trigger' UNION ALL SELECT sql FROM sqlite_temp_master "
	    "WHERE type = 'trigger' UNION ALL SELECT NULL FROM "
	    "sqlite_temp_master WHERE type = 'table'";
	sqlite3_stmt *st = NULL;
	const char *text;
	size_t k;
	int src, rc = 0;

	if (r->nk.n == 0)
		return 0;
	cg_sandbox_budget_suspend(r->sb, 1);
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	while (src == SQLITE_OK && r->nk.n > 0 &&
	    (src = sqlite3_step(st)) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		if (text == NULL)
			cg_nullkeys_forget(&r->nk, NULL);	/* a TEMP table */
		for (k = r->nk.n; text != NULL && k > 0; k--)
			if (contains_ci(text, r->nk.v[k - 1].name))
				cg_nullkeys_forget(&r->nk,
				    r->nk.v[k - 1].name);
		src = SQLITE_OK;
	}
	if (src == SQLITE_NOMEM)
		rc = cg_err_nomem(err);
	else if (src != SQLITE_OK && src != SQLITE_DONE)
		rc = cg_err_set(err, CG_ESQL, "cannot list the sandbox's "
		    "triggers: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	cg_sandbox_budget_suspend(r->sb, 0);
	return rc;
}

/*
 * After a write of a tracked table: a NULL written to a NOT NULL column
 * may have left the old value (ON CONFLICT IGNORE, declared in the
 * table) or become the default (REPLACE, in the table or the
 * statement).  A plain NOT NULL makes the write fail where a row holds
 * the NULL, so it stays as it is.
 */
static int
nullkeys_notnull(struct replay *r, const char *table, int replace,
    struct cg_err *err)
{
	static const char sql[] = "SELECT p.name, m.sql FROM sqlite_master "
	    "AS m, pragma_table_info(m.name, " CG_PRAGMA_SCHEMA ") AS p "
	    "WHERE m.type = 'table' AND m.name = ?1 COLLATE NOCASE AND "
	    "p.\"notnull\"";
	sqlite3_stmt *st = NULL;
	const char *col, *text;
	int src, rc = 0;

	if (r->nk.n == 0 || table == NULL)
		return 0;
	cg_sandbox_budget_suspend(r->sb, 1);
	src = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (src == SQLITE_OK && rc == 0 &&
	    (src = sqlite3_step(st)) == SQLITE_ROW) {
		col = (const char *)sqlite3_column_text(st, 0);
		text = (const char *)sqlite3_column_text(st, 1);
		if (col != NULL && (replace ||
		    (text != NULL && contains_ci(text, "CONFLICT"))))
			rc = cg_nullkeys_pin(&r->nk, table, col, err);
		src = SQLITE_OK;
	}
	if (rc == 0 && src == SQLITE_NOMEM)
		rc = cg_err_nomem(err);
	else if (rc == 0 && src != SQLITE_OK && src != SQLITE_DONE)
		rc = cg_err_set(err, CG_ESQL, "cannot read the columns of "
		    "%s: %s", table, sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	cg_sandbox_budget_suspend(r->sb, 0);
	return rc;
}

/* Drop the edges no row can follow: their key is NULL in every row. */
static void
nullkeys_prune(struct replay *r)
{
	struct cg_graph *g = &r->graph;
	struct cg_fk_edge *e;
	size_t i, n = 0;

	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (r->nk.n > 0 &&
		    cg_nullkeys_dead(&r->nk, e->child, e->child_cols)) {
			free(e->child);
			free(e->child_cols);
			free(e->parent);
			free(e->parent_cols);
			continue;
		}
		g->edges[n++] = *e;
	}
	g->nedges = n;
}

/* Step s to its end; *msg (owned) holds SQLite's message on failure. */
static int
run(enum outcome *res, char **msg, unsigned *error_col, struct replay *r,
    struct one *s, struct cg_err *err)
{
	int src;
	int eoff;

	*msg = NULL;
	/* A denial while stepping (VACUUM INTO's internal ATTACH) is the
	 * reason; SQLite itself only says "authorization denied". */
	cg_sandbox_clear_denial(r->sb);
	do {
		src = sqlite3_step(s->stmt);
	} while (src == SQLITE_ROW);
	if (src == SQLITE_DONE) {
		*res = RUN_OK;
		return 0;
	}
	if (src == SQLITE_INTERRUPT && cg_sandbox_budget_hit(r->sb)) {
		*res = RUN_TIME;
		return 0;
	}
	if (src == SQLITE_NOMEM) {
		*res = RUN_MEMORY;
		return 0;
	}
	/* SECURITY: zeroblob(2000000000) and friends: a memory bound. */
	if (src == SQLITE_TOOBIG) {
		*res = RUN_LENGTH;
		return 0;
	}
	*res = RUN_FAILED;
	*msg = cg_strdup(cg_sandbox_denial(r->sb) != NULL ?
	    cg_sandbox_denial(r->sb) : sqlite3_errmsg(r->db));
	if (*msg == NULL)
		return cg_err_nomem(err);
	eoff = sqlite3_error_offset(r->db);
	if (eoff >= 0 && error_col != NULL) {
		unsigned line;

		pos_at(&r->lp, r->text, s->prep_off + (size_t)eoff, &line,
		    error_col);
	}
	return 0;
}

static void
budget_message(char *buf, size_t n, const struct replay *r, enum outcome res)
{
	const struct cg_sandbox_opts *o = cg_sandbox_get_opts(r->sb);

	if (res == RUN_TIME && cg_sandbox_budget_hit(r->sb) == CG_BUDGET_TIME)
		(void)snprintf(buf, n, "statement stopped: the wall-clock "
		    "backstop of %u ms per file ran out (time-budget-ms)",
		    o->time_budget_ms);
	else if (res == RUN_TIME)
		(void)snprintf(buf, n, "statement stopped: the step budget of "
		    "%llu SQLite steps per file ran out (step-budget)",
		    o->step_budget);
	else if (res == RUN_LENGTH)
		(void)snprintf(buf, n, "statement stopped: a string or blob "
		    "over the sandbox's limit of %d bytes",
		    sqlite3_limit(r->db, SQLITE_LIMIT_LENGTH, -1));
	else if (o->heap_limit_bytes > 0 && o->heap_limit_bytes % CG_MIB == 0)
		(void)snprintf(buf, n, "statement stopped: the memory budget "
		    "of %lld MiB ran out", o->heap_limit_bytes / CG_MIB);
	else
		(void)snprintf(buf, n, "statement stopped: the memory budget "
		    "of %lld bytes ran out", o->heap_limit_bytes);
}

static int
push_at(struct replay *r, const struct one *s, enum cg_rule rule,
    unsigned caret_col, const char *msg, struct cg_err *err)
{
	struct cg_finding *f;
	int rc;

	rc = cg_findings_push(&f, r->out, rule, err, "%s", msg);
	if (rc < 0)
		return rc;
	f->caret_col = caret_col;
	return cg_finding_set_where(f, r->src->set, r->src->path, s->line,
	    s->col, s->end_line, s->end > s->start ? r->text + s->start : NULL,
	    s->end - s->start, err);
}

static int
push_budget(struct replay *r, const struct one *s, enum outcome res,
    struct cg_err *err)
{
	char msg[160];

	budget_message(msg, sizeof(msg), r, res);
	return push_at(r, s, CG_RULE_BUDGET_EXCEEDED, 0, msg, err);
}

static int
replay_init(struct replay *r, struct cg_sandbox *sb,
    const struct cg_source *src, struct cg_findings *out, struct cg_err *err)
{
	memset(r, 0, sizeof(*r));
	r->sb = sb;
	r->db = cg_sandbox_db(sb);
	r->src = src;
	r->out = out;
	r->lp.line = 1;
	/* NUL-terminated, so SQLite never copies the rest of the file. */
	r->text = cg_strndup(src->data != NULL ? src->data : "",
	    src->data != NULL ? src->len : 0);
	if (r->text == NULL)
		return cg_err_nomem(err);
	/* SQLite stops at a NUL byte; so does the replay. */
	r->len = strlen(r->text);
	return 0;
}

static void
replay_release(struct replay *r)
{
	cg_sandbox_set_observer(r->sb, NULL, NULL);
	cg_sandbox_budget_suspend(r->sb, 0);
	cg_graph_release(&r->graph);
	cg_nullkeys_release(&r->nk);
	free(r->text);
	r->text = NULL;
}

/* Close a transaction a previous caller left open (not expected). */
static int
ensure_autocommit(struct replay *r, struct cg_err *err)
{
	if (sqlite3_get_autocommit(r->db))
		return 0;
	return tool_exec(r, "ROLLBACK", err);
}

/* The rules' view of s. */
static void
to_stmt(struct cg_stmt *st, const struct replay *r, const struct one *s)
{
	memset(st, 0, sizeof(*st));
	st->set = r->src->set;
	st->path = r->src->path;
	st->line = s->line;
	st->col = s->col;
	st->end_line = s->end_line;
	st->sql = r->text + s->start;
	st->sql_len = s->end - s->start;
	st->file = r->text;
	st->file_len = r->len;
	st->flags = s->obs.flags;
	st->table = s->obs.table;
	st->column = s->obs.column;
	st->new_name = s->obs.new_name;
	st->pragma = s->obs.pragma;
	st->pragma_arg = s->obs.pragma_arg;
	st->tx_verb = s->obs.tx_verb;
}

/* Where a failure at the end of the file is reported. */
static void
remember(struct one *last, const struct one *s)
{
	memset(last, 0, sizeof(*last));
	last->start = s->start;
	last->end = s->end;
	last->line = s->line;
	last->col = s->col;
	last->end_line = s->end_line;
}

/*
 * statement-not-run: the statements after the first of the current
 * --> statement-breakpoint chunk, which libSQL's client never runs.
 */
struct not_run {
	struct one first;	/* the first one skipped (positions only) */
	unsigned ran_line;	/* the chunk's first statement, which runs */
	unsigned n;		/* statements skipped so far */
	unsigned last_line;	/* the last one's first line */
};

/* s starts the chunk (its statement runs), or is skipped in it. */
static void
not_run_see(struct not_run *nr, const struct one *s, int skipped)
{
	if (!skipped) {
		nr->ran_line = s->line;
		return;
	}
	if (nr->n == 0)
		remember(&nr->first, s);
	nr->n++;
	nr->last_line = s->line;
}

/* One finding for the chunk that ends here, if it skipped any. */
static int
not_run_flush(struct not_run *nr, struct replay *r, int applied,
    struct cg_err *err)
{
	struct cg_stmt st;
	unsigned n = nr->n;

	if (n == 0)
		return 0;
	nr->n = 0;
	to_stmt(&st, r, &nr->first);
	return cg_rules_not_run(r->out, &st, nr->ran_line, n, nr->last_line,
	    applied, err);
}

/*
 * libSQL's ALTER TABLE t ALTER COLUMN c TO <def>, which SQLite cannot
 * prepare, run as libSQL runs it (cg_sandbox_alter_column).  1 when it
 * ran; 0 when s is not that statement, or libSQL refuses it and
 * s->error says why; < 0 on error.
 */
static int
alter_column(struct replay *r, struct one *s, struct cg_err *err)
{
	char *table = NULL, *column = NULL, *why = NULL;
	size_t off = 0, len = 0;
	int rc;

	rc = cg_sql_alter_column(&table, &column, &off, &len, r->text +
	    s->start, s->end - s->start);
	if (rc <= 0)
		return rc < 0 ? cg_err_nomem(err) : 0;
	rc = cg_sandbox_alter_column(&why, r->sb, table, column, r->text +
	    s->start + off, len, err);
	if (rc == 0) {
		free(s->error);
		s->error = why;
		s->error_col = 0;
	}
	free(table);
	free(column);
	return rc;
}

static int
history_warn(struct replay *r, const struct one *s, unsigned caret,
    const char *why, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	rc = cg_buf_printf(&msg, err, "already applied migration does not "
	    "replay: %s", why);
	if (rc == 0)
		rc = push_at(r, s, CG_RULE_HISTORY_REPLAY_FAILS, caret,
		    msg.data, err);
	cg_buf_release(&msg);
	return rc;
}

/*
 * SECURITY: a history file a budget stopped is not the schema production
 * has: the check fails closed (an error, never a warning-only pass), and
 * check.c does not cache such a replay.
 */
static int
history_budget(struct replay *r, const struct one *s, enum outcome res,
    struct cg_err *err)
{
	char why[160];
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	budget_message(why, sizeof(why), r, res);
	rc = cg_buf_printf(&msg, err, "already applied migration cut short, "
	    "so the schema after it is unknown: %s", why);
	if (rc == 0)
		rc = push_at(r, s, CG_RULE_BUDGET_EXCEEDED, 0, msg.data, err);
	cg_buf_release(&msg);
	return rc;
}

int
cg_replay_history(struct cg_sandbox *sb, const struct cg_source *src,
    struct cg_findings *out, struct cg_err *err)
{
	return cg_replay_history_as(sb, src, CG_TARGET_SQLITE, out, err);
}

int
cg_replay_history_as(struct cg_sandbox *sb, const struct cg_source *src,
    enum cg_target_kind target, struct cg_findings *out, struct cg_err *err)
{
	struct replay r;
	struct one s;
	struct not_run nr;
	enum outcome res;
	char *msg = NULL;
	unsigned caret;
	size_t prev_end = 0;
	int have_prev = 0, same_chunk;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&nr, 0, sizeof(nr));
	rc = replay_init(&r, sb, src, out, err);
	if (rc < 0)
		goto out;
	cg_sandbox_budget_start(sb);
	rc = ensure_autocommit(&r, err);
	if (rc < 0)
		goto out;
	/* Production applied these files: keep as much schema as possible. */
	rc = tool_exec(&r, "PRAGMA foreign_keys=OFF", err);
	if (rc < 0)
		goto out;
	rc = tool_exec(&r, "BEGIN", err);
	if (rc < 0)
		goto out;

	for (;;) {
		one_release(&s);
		rc = next_statement(&s, &r, err);
		if (rc <= 0)
			break;
		if (cg_sandbox_budget_check(sb)) {
			rc = history_budget(&r, &s, RUN_TIME, err);
			break;
		}
		/* libSQL ran only the first statement of each chunk. */
		same_chunk = target == CG_TARGET_LIBSQL && have_prev &&
		    !has_breakpoint(r.text, prev_end, s.start);
		have_prev = 1;
		prev_end = s.end;
		if (!same_chunk) {
			rc = not_run_flush(&nr, &r, 1, err);
			if (rc < 0)
				break;
		}
		not_run_see(&nr, &s, same_chunk);
		if (same_chunk)
			continue;
		if (s.stmt == NULL) {
			if (s.prep_rc == SQLITE_NOMEM) {
				rc = history_budget(&r, &s, RUN_MEMORY, err);
				break;
			}
			/* production ran it: libSQL's ALTER COLUMN */
			rc = alter_column(&r, &s, err);
			if (rc != 0) {
				if (rc < 0)
					break;
				continue;
			} else {
				rc = history_warn(&r, &s, s.error_col, s.error,
				    err);
			}
			if (rc < 0)
				break;
			continue;
		}
		/* They would break the wrapping transaction or do nothing. */
		if ((s.obs.flags & (CG_ST_TRANSACTION | CG_ST_SAVEPOINT)) ||
		    ((s.obs.flags & CG_ST_PRAGMA) && s.obs.pragma != NULL &&
		    strcmp(s.obs.pragma, "foreign_keys") == 0))
			continue;
		caret = 0;
		rc = run(&res, &msg, &caret, &r, &s, err);
		if (rc < 0)
			break;
		if (res == RUN_FAILED) {
			rc = history_warn(&r, &s, caret, msg, err);
		} else if (res != RUN_OK) {
			rc = history_budget(&r, &s, res, err);
			break;
		}
		free(msg);
		msg = NULL;
		if (rc < 0)
			break;
		/* An error can roll the whole transaction back: go on. */
		if (sqlite3_get_autocommit(r.db)) {
			rc = tool_exec(&r, "BEGIN", err);
			if (rc < 0)
				break;
		}
	}
	if (rc >= 0)
		rc = not_run_flush(&nr, &r, 1, err);
	if (rc < 0)
		goto out;

	sqlite3_finalize(s.stmt);
	s.stmt = NULL;
	cg_sandbox_budget_suspend(sb, 1);
	if (!sqlite3_get_autocommit(r.db)) {
		char *cmsg = NULL;
		int src2 = tool_exec_rc(&r, "COMMIT", &cmsg);

		if (src2 != SQLITE_OK) {
			struct one whole;

			memset(&whole, 0, sizeof(whole));
			whole.line = 1;
			whole.col = 1;
			rc = history_warn(&r, &whole, 0, cmsg != NULL ? cmsg :
			    sqlite3_errstr(src2), err);
			if (rc == 0 && !sqlite3_get_autocommit(r.db))
				rc = tool_exec(&r, "ROLLBACK", err);
		}
		sqlite3_free(cmsg);
	}
out:
	free(msg);
	one_release(&s);
	if (rc < 0 && r.db != NULL && !sqlite3_get_autocommit(r.db))
		(void)tool_exec_rc(&r, "ROLLBACK", NULL);
	if (r.sb != NULL)
		replay_release(&r);
	return rc < 0 ? rc : 0;
}

/*
 * Commit what the file left open.  A failing COMMIT (deferred foreign
 * keys) is the file failing: migration-fails at its last statement.
 */
static int
finish_file(struct replay *r, const struct cg_config *cfg,
    const struct one *last, struct cg_err *err)
{
	struct cg_buf why = CG_BUF_INIT;
	struct cg_stmt st;
	struct one where;
	char *msg = NULL;
	int src;
	int rc = 0;

	if (sqlite3_get_autocommit(r->db))
		return 0;
	src = tool_exec_rc(r, "COMMIT", &msg);
	if (src == SQLITE_OK)
		goto out;
	if (src == SQLITE_NOMEM) {
		rc = cg_err_nomem(err);
		goto out;
	}
	where = *last;
	if (where.line == 0) {
		where.line = 1;
		where.col = 1;
		where.end_line = 1;
	}
	rc = cg_buf_printf(&why, err, "%s (when the file's transaction "
	    "commits)", msg != NULL ? msg : sqlite3_errstr(src));
	if (rc < 0)
		goto out;
	to_stmt(&st, r, &where);
	st.in_tx = 1;
	st.fk_before = st.fk_after = 1;
	st.error = why.data;
	if (where.end <= where.start)
		st.sql = NULL;
	rc = cg_rules_eval(r->out, &st, cfg->target, err);
	if (rc < 0)
		goto out;
	if (!sqlite3_get_autocommit(r->db))
		rc = tool_exec(r, "ROLLBACK", err);
out:
	cg_buf_release(&why);
	sqlite3_free(msg);
	return rc;
}

/*
 * sqlx runs a file outside a transaction when its text starts with
 * "-- no-transaction" (sqlx-core, migrate/source.rs: a plain prefix test).
 */
static int
opts_out_of_wrap(const struct cg_config *cfg, const struct cg_source *src)
{
	static const char marker[] = "-- no-transaction";

	return cfg->target == CG_TARGET_SQLX &&
	    src->len >= sizeof(marker) - 1 &&
	    memcmp(src->data, marker, sizeof(marker) - 1) == 0;
}

int
cg_replay_check(struct cg_sandbox *sb, const struct cg_config *cfg,
    const struct cg_source *src, struct cg_findings *out,
    struct cg_err *err)
{
	return cg_replay_check_hooked(sb, cfg, src, out, NULL, err);
}

int
cg_replay_check_hooked(struct cg_sandbox *sb, const struct cg_config *cfg,
    const struct cg_source *src, struct cg_findings *out,
    const struct cg_replay_hooks *hooks, struct cg_err *err)
{
	const struct cg_target_model *m = cg_target_model(cfg->target);
	int wrap = m->wrap && !opts_out_of_wrap(cfg, src);
	struct cg_stmt st;
	struct replay r;
	struct one s, last, closed;
	struct not_run nr;
	enum outcome res;
	char *msg = NULL;
	unsigned caret;
	int chunked = cfg->target == CG_TARGET_DRIZZLE ||
	    cfg->target == CG_TARGET_LIBSQL;
	size_t prev_end = 0;
	int have_prev = 0, same_chunk;
	int stop = 0;
	int fk = 0;
	int skip;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&last, 0, sizeof(last));
	memset(&closed, 0, sizeof(closed));
	memset(&nr, 0, sizeof(nr));
	rc = replay_init(&r, sb, src, out, err);
	if (rc < 0)
		goto out;
	cg_sandbox_budget_start(sb);
	rc = ensure_autocommit(&r, err);
	if (rc < 0)
		goto out;
	/* Outside any transaction, where the pragma takes effect. */
	rc = tool_exec(&r, m->fk > 0 || (m->fk < 0 && cfg->fk_on) ?
	    "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", err);
	if (rc < 0)
		goto out;
	/* D1 and most tools run each migration file in a transaction. */
	if (wrap) {
		rc = tool_exec(&r, "BEGIN", err);
		if (rc < 0)
			goto out;
	}

	for (;;) {
		one_release(&s);
		rc = next_statement(&s, &r, err);
		if (rc <= 0)
			break;
		if (cg_sandbox_budget_check(sb)) {
			rc = push_budget(&r, &s, RUN_TIME, err);
			stop = 1;
			break;
		}
		rc = tool_int(&fk, &r, "PRAGMA foreign_keys", err);
		if (rc < 0)
			break;
		/* A second statement in one breakpoint chunk (see below). */
		same_chunk = chunked && have_prev &&
		    !has_breakpoint(r.text, prev_end, s.start);
		have_prev = 1;
		prev_end = s.end;
		skip = m->refuses_tx && (s.obs.flags & (CG_ST_TRANSACTION |
		    CG_ST_SAVEPOINT));
		/* libSQL's client prepares a chunk and runs only its first
		 * statement: the rest of the chunk never runs
		 * (statement-not-run, once the chunk ends). */
		if (!same_chunk) {
			rc = not_run_flush(&nr, &r, 0, err);
			if (rc < 0)
				break;
		}
		if (cfg->target == CG_TARGET_LIBSQL)
			not_run_see(&nr, &s, same_chunk);
		if (same_chunk && cfg->target == CG_TARGET_LIBSQL)
			skip = 1;
		if (s.stmt != NULL && !skip) {
			rc = refine(&s.obs, &r, r.text + s.start,
			    s.end - s.start, err);
			if (rc < 0)
				break;
		}
		to_stmt(&st, &r, &s);
		st.fk_before = st.fk_after = fk;
		st.in_tx = !sqlite3_get_autocommit(r.db);
		st.wrapped = wrap;

		/* better-sqlite3 refuses a chunk of several statements, and
		 * the migrator rolls the whole run back. */
		if (same_chunk && cfg->target == CG_TARGET_DRIZZLE) {
			st.error = "better-sqlite3 refuses the chunk this "
			    "statement is in: \"The supplied SQL string "
			    "contains more than one statement\" (drizzle's "
			    "migrator runs each --> statement-breakpoint chunk "
			    "as one statement, and rolls back every pending "
			    "migration)";
			st.error_col = 0;
			rc = cg_rules_eval(out, &st, cfg->target, err);
			stop = 1;
			break;
		}
		if (s.stmt == NULL && !(same_chunk &&
		    cfg->target == CG_TARGET_LIBSQL)) {
			rc = s.prep_rc == SQLITE_NOMEM ||
			    cfg->target != CG_TARGET_LIBSQL ? 0 :
			    alter_column(&r, &s, err);
			if (rc < 0)
				break;
			if (rc > 0) {
				/* ran as libSQL runs it: the file goes on */
				rc = cg_rules_eval(out, &st, cfg->target, err);
				if (rc < 0)
					break;
				remember(&last, &s);
				continue;
			}
			if (s.prep_rc == SQLITE_NOMEM) {
				rc = push_budget(&r, &s, RUN_MEMORY, err);
			} else {
				st.error = s.error;
				st.error_col = s.error_col;
				rc = cg_rules_eval(out, &st, cfg->target, err);
			}
			stop = 1;
			break;
		}
		if (skip) {
			/* D1 would fail on it; reported, not run. */
			st.skipped = 1;
			rc = cg_rules_eval(out, &st, cfg->target, err);
			if (rc < 0)
				break;
			remember(&last, &s);
			continue;
		}
		if (s.obs.flags & (CG_ST_DROP_TABLE | CG_ST_DELETE |
		    CG_ST_INSERT | CG_ST_REPLACE | CG_ST_UPDATE)) {
			rc = nullkeys_triggers(&r, err);
			if (rc < 0)
				break;
		}
		if (fk && needs_graph(s.obs.flags)) {
			cg_sandbox_budget_suspend(sb, 1);
			rc = cg_graph_load(&r.graph, sb, err);
			cg_sandbox_budget_suspend(sb, 0);
			if (rc < 0)
				break;
			nullkeys_prune(&r);
			st.graph = &r.graph;
		}
		caret = 0;
		if (hooks != NULL && hooks->on_stmt_start != NULL)
			hooks->on_stmt_start(&st, hooks->payload);
		rc = run(&res, &msg, &caret, &r, &s, err);
		if (rc < 0)
			break;
		if (res == RUN_TIME || res == RUN_MEMORY ||
		    res == RUN_LENGTH) {
			rc = push_budget(&r, &s, res, err);
			stop = 1;
			break;
		}
		/* The simulation may stand in for it and go on. */
		if (res == RUN_FAILED && hooks != NULL &&
		    hooks->on_stmt_failed != NULL &&
		    hooks->on_stmt_failed(&st, msg, hooks->payload) > 0) {
			res = RUN_OK;
			free(msg);	/* the next statement's run sets it again */
			msg = NULL;
		}
		if (res == RUN_FAILED) {
			st.error = msg;
			st.error_col = caret;
			rc = cg_rules_eval(out, &st, cfg->target, err);
			stop = 1;
			break;
		}
		rc = tool_int(&fk, &r, "PRAGMA foreign_keys", err);
		if (rc < 0)
			break;
		st.fk_after = fk;
		rc = cg_rules_eval(out, &st, cfg->target, err);
		if (rc == 0)
			rc = cg_nullkeys_observe(&r.nk, &st, err);
		if (rc == 0 && (s.obs.flags & (CG_ST_INSERT | CG_ST_REPLACE |
		    CG_ST_UPDATE)))
			rc = nullkeys_triggers(&r, err);
		if (rc == 0 && (s.obs.flags & (CG_ST_INSERT | CG_ST_REPLACE |
		    CG_ST_UPDATE)))
			rc = nullkeys_notnull(&r, st.table,
			    (s.obs.flags & (CG_ST_REPLACE |
			    CG_ST_UPDATE_OR_REPLACE)) != 0, err);
		if (rc < 0)
			break;
		remember(&last, &s);
		/* The wrap ended by the file (homarr's COMMIT ... BEGIN). */
		if (wrap && st.in_tx && sqlite3_get_autocommit(r.db))
			remember(&closed, &s);
		/* libSQL's client.migrate() checks before each statement
		 * that its transaction is open: TRANSACTION_CLOSED. */
		if (closed.line > 0 && cfg->target == CG_TARGET_LIBSQL) {
			to_stmt(&st, &r, &closed);
			st.wrapped = 1;
			st.closes_wrap = 1;
			rc = cg_rules_eval(out, &st, cfg->target, err);
			stop = 1;
			break;
		}
	}
	if (rc >= 0)
		rc = not_run_flush(&nr, &r, 0, err);
	if (rc < 0)
		goto out;

	/* Release the statement before ending its transaction. */
	one_release(&s);
	cg_sandbox_budget_suspend(sb, 1);
	if (stop) {
		/* D1 rolls the file back; SQLite, what the file opened. */
		rc = ensure_autocommit(&r, err);
	} else {
		if (wrap && closed.line > 0 && sqlite3_get_autocommit(r.db)) {
			to_stmt(&st, &r, &closed);
			st.wrapped = 1;
			st.closes_wrap = 1;
			rc = cg_rules_eval(out, &st, cfg->target, err);
		}
		if (rc == 0)
			rc = finish_file(&r, cfg, &last, err);
	}
out:
	free(msg);
	one_release(&s);
	if (rc < 0 && r.db != NULL && !sqlite3_get_autocommit(r.db))
		(void)tool_exec_rc(&r, "ROLLBACK", NULL);
	if (r.sb != NULL)
		replay_release(&r);
	return rc < 0 ? rc : 0;
}
