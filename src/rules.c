/* SPDX-License-Identifier: MIT */
/*
 * The statement rules: from one classified statement of a new migration,
 * the cascade graph just before it ran and whether it failed, the
 * findings it deserves.  Pure: no I/O, no SQLite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "finding.h"
#include "graph.h"
#include "rules.h"
#include "util.h"
#include "banned.h"

static const char help_cascade_drop_d1[] =
    "if the rebuild only adds columns, use ALTER TABLE ... ADD COLUMN "
    "instead; otherwise rebuild without dropping the parent table while "
    "foreign keys are on: on D1 foreign keys cannot be turned off inside "
    "a migration";
static const char help_cascade_drop_sqlite[] =
    "if the rebuild only adds columns, use ALTER TABLE ... ADD COLUMN "
    "instead; otherwise run PRAGMA foreign_keys=OFF before the transaction "
    "starts, rebuild as in SQLite's 12-step ALTER TABLE procedure, and "
    "run PRAGMA foreign_key_check before turning foreign keys back on";
static const char help_cascade_drop_wrapped[] =
    "if the rebuild only adds columns, use ALTER TABLE ... ADD COLUMN "
    "instead; otherwise the rebuild must run outside the migration tool's "
    "transaction, where PRAGMA foreign_keys=OFF takes effect (sqlx: first "
    "line -- no-transaction; see docs/runners.md for each tool)";
static const char help_cascade_delete[] =
    "use an upsert (INSERT ... ON CONFLICT DO UPDATE) instead of REPLACE; "
    "if the children really should go, delete them explicitly first so "
    "the migration says so";
/* A plain DELETE: no REPLACE to turn into an upsert. */
static const char help_cascade_delete_plain[] =
    "if the children really should go, delete them explicitly first so "
    "the migration says so; if not, delete only parents that have no "
    "children, or change the foreign key before deleting";
static const char help_set_null_drop[] =
    "the child rows stay but lose their link: if that is intended, "
    "update them explicitly first; otherwise keep the parent table (ALTER "
    "TABLE ... ADD/RENAME/DROP COLUMN instead of a rebuild)";
static const char help_migration_fails[] =
    "the migration would stop here in production; fix the statement "
    "against the schema the history builds";
static const char help_transaction[] =
    "remove it: D1 already runs the file as one transaction; to apply "
    "several files atomically, use a D1 batch";
static const char help_transaction_wrapped[] =
    "remove it: the migration tool already runs the file in a "
    "transaction (see docs/runners.md for the tool's opt-out, e.g. sqlx's "
    "first line -- no-transaction)";
static const char help_fk_pragma_d1[] =
    "on D1 avoid the table rebuild: use ALTER TABLE ADD/RENAME/DROP "
    "COLUMN; PRAGMA defer_foreign_keys=ON defers constraint checks but "
    "ON DELETE actions still fire";
static const char help_fk_pragma_sqlite[] =
    "run PRAGMA foreign_keys=OFF before BEGIN, outside the transaction, or "
    "avoid the table rebuild: use ALTER TABLE ADD/RENAME/DROP COLUMN";
static const char help_drop_column[] =
    "copy the data elsewhere first if it is still needed, and drop the "
    "column in a later deploy, once no running code reads it";
static const char help_rename[] =
    "add the new name alongside the old one, deploy code that uses it, "
    "and remove the old name in a later migration";
static const char help_not_run[] =
    "put a --> statement-breakpoint line between the statements, so that "
    "each chunk holds one statement (drizzle-kit generate writes them so)";
static const char help_not_run_applied[] =
    "check production's schema for what these statements do; run what is "
    "missing in a new migration, one statement per --> "
    "statement-breakpoint chunk";

const char *
cg_rules_help(enum cg_rule rule, enum cg_target_kind target)
{
	switch (rule) {
	case CG_RULE_CASCADE_DROP:
		return target == CG_TARGET_D1 ? help_cascade_drop_d1 :
		    cg_target_model(target)->wrap ? help_cascade_drop_wrapped :
		    help_cascade_drop_sqlite;
	case CG_RULE_CASCADE_DELETE:
		return help_cascade_delete;
	case CG_RULE_SET_NULL_DROP:
		return help_set_null_drop;
	case CG_RULE_MIGRATION_FAILS:
		return help_migration_fails;
	case CG_RULE_TRANSACTION_IN_MIGRATION:
		return target == CG_TARGET_D1 ? help_transaction :
		    help_transaction_wrapped;
	case CG_RULE_FK_PRAGMA_IGNORED:
		return target == CG_TARGET_D1 ? help_fk_pragma_d1 :
		    help_fk_pragma_sqlite;
	case CG_RULE_DROP_COLUMN:
		return help_drop_column;
	case CG_RULE_RENAME:
		return help_rename;
	case CG_RULE_STATEMENT_NOT_RUN:
		return help_not_run;
	default:
		return NULL;
	}
}

/*
 * Names that tools and people give the temporary table of a rebuild
 * (drizzle `__new_x`, prisma `new_x`, hand-written `x_new`, `x_old`).
 * Renaming one of them, or renaming a table to one of them, is part of
 * a rebuild, not a rename that running code would notice.
 */
static const char *const helper_prefixes[] = {
	"new_", "tmp_", "temp_", "__"
};
static const char *const helper_suffixes[] = {
	"_new", "_old", "_tmp", "_temp", "_backup"
};

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* s[0..n) equals lowercase word w, ASCII case-insensitively. */
static int
eq_n(const char *s, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)s[i]) != (unsigned char)w[i])
			return 0;
	return 1;
}

static int
is_helper_name(const char *name)
{
	size_t len, k, i;

	if (name == NULL)
		return 0;
	len = strlen(name);
	for (i = 0; i < sizeof(helper_prefixes) / sizeof(*helper_prefixes);
	    i++) {
		k = strlen(helper_prefixes[i]);
		if (len > k && eq_n(name, helper_prefixes[i], k))
			return 1;
	}
	for (i = 0; i < sizeof(helper_suffixes) / sizeof(*helper_suffixes);
	    i++) {
		k = strlen(helper_suffixes[i]);
		if (len > k && eq_n(name + len - k, helper_suffixes[i], k))
			return 1;
	}
	return 0;
}

/* The pragma argument turns the setting off: off, 0, false, no. */
static int
arg_is_off(const char *arg)
{
	static const char *const offs[] = { "off", "0", "false", "no" };
	const char *s, *e;
	size_t i;

	if (arg == NULL)
		return 0;
	s = arg;
	e = arg + strlen(arg);
	while (s < e && strchr(" \t\r\n", *s) != NULL)
		s++;
	while (e > s && strchr(" \t\r\n", e[-1]) != NULL)
		e--;
	if (e - s >= 2 && strchr("'\"`[", *s) != NULL &&
	    e[-1] == (*s == '[' ? ']' : *s)) {
		s++;
		e--;
	}
	for (i = 0; i < sizeof(offs) / sizeof(*offs); i++)
		if (strlen(offs[i]) == (size_t)(e - s) &&
		    eq_n(s, offs[i], (size_t)(e - s)))
			return 1;
	return 0;
}

static const char *
name_or_unknown(const char *s)
{
	return s != NULL ? s : "?";
}

/* Push a finding for st with message msg and the rule's help. */
static int
emit(struct cg_finding **out, struct cg_findings *fs,
    const struct cg_stmt *st, enum cg_rule rule, enum cg_target_kind target,
    const char *msg, struct cg_err *err)
{
	struct cg_finding *f;
	int rc;

	rc = cg_findings_push(&f, fs, rule, err, "%s", msg);
	if (rc < 0)
		return rc;
	rc = cg_finding_set_where(f, st->set, st->path, st->line, st->col,
	    st->end_line, st->sql, st->sql_len, err);
	if (rc < 0)
		return rc;
	rc = cg_finding_set_str(&f->help, cg_rules_help(rule, target), err);
	if (rc < 0)
		return rc;
	if (out != NULL)
		*out = f;
	return 0;
}

static int
emit_simple(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_rule rule, enum cg_target_kind target, struct cg_buf *msg,
    struct cg_err *err)
{
	int rc;

	rc = emit(NULL, fs, st, rule, target, msg->data ? msg->data : "", err);
	cg_buf_release(msg);
	return rc;
}

/* The first n-byte needle in hay[0, len), or NULL. */
static const char *
find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/*
 * wrangler d1 migrations apply --local (wrangler 4.86.0, trimSqlQuery in
 * src/d1/trimmer.ts, verified by tests/oracle): when the file's text
 * holds "BEGIN TRANSACTION" anywhere (upper case; comments and strings
 * count), it deletes the first exact "BEGIN TRANSACTION;" and then the
 * first "COMMIT;" of the text, wherever they are, and refuses the file
 * ("contains several transactions") if "BEGIN TRANSACTION" is still
 * there.  --remote posts the text as written, and D1 refuses it.
 * Appends to msg what that means for st, if anything.
 */
static int
wrangler_local_note(struct cg_buf *msg, const struct cg_stmt *st,
    struct cg_err *err)
{
	static const char bt[] = "BEGIN TRANSACTION";
	static const char bts[] = "BEGIN TRANSACTION;";
	static const char cm[] = "COMMIT;";
	const char *text = st->file != NULL ? st->file : st->sql;
	size_t len = st->file != NULL ? st->file_len : st->sql_len;
	size_t off, b, c, n;
	const char *p;
	char *rest;
	int refused;

	if (st->sql == NULL || text == NULL ||
	    (uintptr_t)st->sql < (uintptr_t)text ||
	    (uintptr_t)st->sql - (uintptr_t)text > len ||
	    find_bytes(text, len, bt, sizeof(bt) - 1) == NULL)
		return 0;
	off = (size_t)(st->sql - text);
	/* The text trimSqlQuery leaves, and where its two cuts were. */
	rest = malloc(len + 1);
	if (rest == NULL)
		return cg_err_nomem(err);
	memcpy(rest, text, len);
	n = len;
	p = find_bytes(rest, n, bts, sizeof(bts) - 1);
	b = p != NULL ? (size_t)(p - rest) : (size_t)-1;
	if (p != NULL) {
		memmove(rest + b, rest + b + sizeof(bts) - 1,
		    n - b - (sizeof(bts) - 1));
		n -= sizeof(bts) - 1;
	}
	p = find_bytes(rest, n, cm, sizeof(cm) - 1);
	c = p != NULL ? (size_t)(p - rest) : (size_t)-1;
	if (p != NULL) {
		memmove(rest + c, rest + c + sizeof(cm) - 1,
		    n - c - (sizeof(cm) - 1));
		n -= sizeof(cm) - 1;
		if (b != (size_t)-1 && c >= b)
			c += sizeof(bts) - 1;	/* back to the file's offset */
	}
	refused = find_bytes(rest, n, bt, sizeof(bt) - 1) != NULL;
	free(rest);

	if (refused && st->sql_len >= sizeof(bt) - 1 &&
	    memcmp(st->sql, bt, sizeof(bt) - 1) == 0)
		return cg_buf_printf(msg, err, " (wrangler d1 migrations apply "
		    "--local refuses this file too: it strips only the "
		    "first \"BEGIN TRANSACTION;\" and the first \"COMMIT;\", "
		    "and stops with \"contains several transactions\" while "
		    "the text still holds \"BEGIN TRANSACTION\")");
	if (refused)
		return 0;
	if (off == b)
		return cg_buf_printf(msg, err, " (wrangler d1 migrations apply "
		    "--local strips this \"BEGIN TRANSACTION;\" and the "
		    "file's first \"COMMIT;\", only that pair, so the file may "
		    "apply locally; --remote sends it as written, and D1 "
		    "refuses it)");
	if (off == c)
		return cg_buf_printf(msg, err, " (wrangler d1 migrations apply "
		    "--local strips this \"COMMIT;\" with the file's first "
		    "\"BEGIN TRANSACTION;\", only that pair, so the file may "
		    "apply locally; --remote sends it as written, and D1 "
		    "refuses it)");
	return 0;
}

static int
rule_transaction(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	const char *verb = st->tx_verb;
	int rc;

	if (verb == NULL)
		verb = st->flags & CG_ST_SAVEPOINT ? "SAVEPOINT" : "BEGIN";
	if (target != CG_TARGET_D1)
		rc = cg_buf_printf(&msg, err, "%s inside a migration fails: "
		    "%s (SQLite: %s)", verb, cg_target_model(target)->wrap_why,
		    st->error);
	else if (cg_ident_eq(verb, "BEGIN"))
		rc = cg_buf_printf(&msg, err, "%s inside a migration: D1 runs "
		    "each migration file in its own transaction and fails "
		    "with \"cannot start a transaction within a "
		    "transaction\"", verb);
	else
		rc = cg_buf_printf(&msg, err, "%s inside a migration: D1 runs "
		    "each migration file in its own transaction, which the "
		    "file cannot control", verb);
	if (rc >= 0 && target == CG_TARGET_D1)
		rc = wrangler_local_note(&msg, st, err);
	if (rc < 0) {
		cg_buf_release(&msg);
		return rc;
	}
	return emit_simple(fs, st, CG_RULE_TRANSACTION_IN_MIGRATION, target,
	    &msg, err);
}

/*
 * The file's COMMIT (or ROLLBACK) ended the transaction its runner
 * opened, and nothing opened one again: the runner's own COMMIT fails
 * after the file's statements were committed without their record.
 */
static int
rule_closes_wrap(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	if (target == CG_TARGET_LIBSQL)
		rc = cg_buf_printf(&msg, err, "this ends the transaction the "
		    "runner opened (%s): libSQL's client.migrate() then fails "
		    "with TRANSACTION_CLOSED (\"The transaction has been "
		    "rolled back\") before the next statement, and the "
		    "migration is not recorded", cg_target_model(target)->wrap_why);
	else if (st->sql != NULL && st->sql_len >= 8 &&
	    eq_n(st->sql, "rollback", 8))
		rc = cg_buf_printf(&msg, err, "this rolls back the transaction "
		    "the runner opened (%s), and with it the file's statements "
		    "before it, and the file opens none again: the runner's "
		    "own COMMIT then fails (\"cannot commit - no transaction "
		    "is active\")", cg_target_model(target)->wrap_why);
	else
		rc = cg_buf_printf(&msg, err, "this ends the transaction the "
		    "runner opened (%s) and the file opens none again: the "
		    "runner's own COMMIT then fails (\"cannot commit - no "
		    "transaction is active\") after the file's statements "
		    "were committed", cg_target_model(target)->wrap_why);
	if (rc < 0) {
		cg_buf_release(&msg);
		return rc;
	}
	return emit_simple(fs, st, CG_RULE_TRANSACTION_IN_MIGRATION, target,
	    &msg, err);
}

static int
rule_fails(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_finding *f;
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	rc = cg_buf_printf(&msg, err, "statement fails: %s", st->error);
	if (rc < 0)
		goto out;
	rc = emit(&f, fs, st, CG_RULE_MIGRATION_FAILS, target, msg.data, err);
	if (rc < 0)
		goto out;
	f->caret_col = st->error_col;
out:
	cg_buf_release(&msg);
	return rc;
}

static int
rule_fk_pragma(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	const char *why;
	int rc;

	if (st->wrapped && cg_target_model(target)->wrap_why != NULL)
		why = cg_target_model(target)->wrap_why;
	else if (st->in_tx)
		why = " (inside a transaction)";
	else
		why = "";
	rc = cg_buf_printf(&msg, err, "PRAGMA foreign_keys=OFF has no effect "
	    "here: foreign keys stay on%s%s%s", st->wrapped && *why ?
	    " (inside a transaction: " : "", why, st->wrapped && *why ? ")" :
	    "");
	if (rc < 0) {
		cg_buf_release(&msg);
		return rc;
	}
	return emit_simple(fs, st, CG_RULE_FK_PRAGMA_IGNORED, target, &msg,
	    err);
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

/* The edge by which the closure reached r directly from root, or NULL. */
static const struct cg_fk_edge *
direct_edge(const struct cg_graph *g, const char *root,
    const struct cg_reach *r)
{
	size_t i;

	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].on_delete == r->action &&
		    cg_ident_eq(g->edges[i].child, r->table) &&
		    cg_ident_eq(g->edges[i].parent, root))
			return &g->edges[i];
	return NULL;
}

/*
 * "posts.author_id, comments.author_id": the columns that the direct
 * SET NULL / SET DEFAULT children of root hold, in closure order.
 */
static int
put_set_columns(struct cg_buf *b, const struct cg_graph *g,
    const char *root, const struct cg_reach_list *rl, struct cg_err *err)
{
	const struct cg_fk_edge *e;
	size_t i;
	int first = 1;
	int rc;

	for (i = 0; i < rl->n; i++) {
		e = direct_edge(g, root, &rl->v[i]);
		if (e == NULL)
			continue;
		if (!first) {
			rc = cg_buf_puts(b, ", ", err);
			if (rc < 0)
				return rc;
		}
		first = 0;
		rc = put_end(b, e->child, e->child_cols, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
add_affected(struct cg_finding *f, const struct cg_reach_list *rl,
    struct cg_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < rl->n; i++) {
		rc = cg_finding_add_affected(f, rl->v[i].table,
		    cg_fk_action_name(rl->v[i].action), rl->v[i].path,
		    rl->v[i].depth, rl->v[i].action == CG_FK_CASCADE, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* What a deleting statement is, for its messages. */
enum del_kind {
	DEL_DROP,
	DEL_DELETE,
	DEL_REPLACE,		/* REPLACE INTO */
	DEL_INSERT_REPLACE,	/* INSERT OR REPLACE INTO */
	DEL_UPDATE_REPLACE,	/* UPDATE OR REPLACE */
	DEL_REPLACE_KEY		/* INSERT into an ON CONFLICT REPLACE key */
};

/* The statement's text starts with the keyword REPLACE. */
static int
starts_with_replace(const struct cg_stmt *st)
{
	return st->sql != NULL && st->sql_len >= 7 &&
	    eq_n(st->sql, "replace", 7) &&
	    (st->sql_len == 7 || strchr(" \t\r\n", st->sql[7]) != NULL);
}

static const char *
subject(enum del_kind kind)
{
	switch (kind) {
	case DEL_DROP:
		return "DROP TABLE";
	case DEL_DELETE:
		return "DELETE FROM";
	case DEL_REPLACE:
		return "REPLACE INTO";
	case DEL_INSERT_REPLACE:
		return "INSERT OR REPLACE INTO";
	case DEL_UPDATE_REPLACE:
		return "UPDATE OR REPLACE";
	case DEL_REPLACE_KEY:
		return "INSERT INTO";
	}
	return "";
}

/* What the cascade does, between the subject and the table count. */
static const char *
cascade_verb(enum del_kind kind)
{
	switch (kind) {
	case DEL_DROP:
		return "deletes every row of";
	case DEL_DELETE:
		return "deletes rows of";
	case DEL_REPLACE:
	case DEL_INSERT_REPLACE:
		return "deletes the replaced row's children in";
	case DEL_UPDATE_REPLACE:
		return "deletes the replaced rows' children in";
	case DEL_REPLACE_KEY:
		return "replaces rows (ON CONFLICT REPLACE key) and deletes "
		    "their children in";
	}
	return "";
}

/*
 * cascade-drop / cascade-delete when the delete reaches a table that
 * loses rows (one finding listing every reached table), else
 * set-null-drop when it only changes rows.
 */
static int
rule_delete(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, enum del_kind kind, struct cg_err *err)
{
	struct cg_reach_list rl = CG_REACH_LIST_INIT;
	struct cg_buf msg = CG_BUF_INIT;
	struct cg_finding *f;
	size_t i, ncascade = 0, nnull = 0, ndefault = 0;
	enum cg_rule rule;
	const char *to;
	int rc;

	rc = cg_graph_delete_closure(&rl, st->graph, st->table, err);
	if (rc < 0)
		goto out;
	for (i = 0; i < rl.n; i++) {
		if (rl.v[i].action == CG_FK_CASCADE)
			ncascade++;
		else if (rl.v[i].action == CG_FK_SET_NULL)
			nnull++;
		else
			ndefault++;
	}
	if (rl.n == 0)
		goto out;

	rc = cg_buf_printf(&msg, err, "%s %s", subject(kind), st->table);
	if (rc < 0)
		goto out;
	if (ncascade > 0) {
		rule = kind == DEL_DROP ? CG_RULE_CASCADE_DROP :
		    CG_RULE_CASCADE_DELETE;
		rc = cg_buf_printf(&msg, err, " %s %zu table%s through ON "
		    "DELETE CASCADE", cascade_verb(kind), ncascade,
		    ncascade == 1 ? "" : "s");
	} else {
		rule = CG_RULE_SET_NULL_DROP;
		if (kind == DEL_REPLACE_KEY)
			rc = cg_buf_puts(&msg, " (ON CONFLICT REPLACE key)",
			    err);
		if (rc < 0)
			goto out;
		rc = cg_buf_puts(&msg, " sets ", err);
		if (rc < 0)
			goto out;
		rc = put_set_columns(&msg, st->graph, st->table, &rl, err);
		if (rc < 0)
			goto out;
		if (ndefault == 0)
			to = "to NULL";
		else if (nnull == 0)
			to = "to its default";
		else
			to = "to NULL or its default";
		rc = cg_buf_printf(&msg, err, " %s in %zu table%s (ON DELETE "
		    "%s)", to, rl.n, rl.n == 1 ? "" : "s",
		    ndefault == 0 ? "SET NULL" : nnull == 0 ? "SET DEFAULT" :
		    "SET NULL / SET DEFAULT");
	}
	if (rc < 0)
		goto out;
	rc = emit(&f, fs, st, rule, target, msg.data, err);
	if (rc == 0 && rule == CG_RULE_CASCADE_DELETE && kind == DEL_DELETE)
		rc = cg_finding_set_str(&f->help, help_cascade_delete_plain,
		    err);
	if (rc < 0)
		goto out;
	rc = add_affected(f, &rl, err);
out:
	cg_buf_release(&msg);
	cg_reach_list_release(&rl);
	return rc;
}

static int
rule_drop_column(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	rc = cg_buf_printf(&msg, err, "ALTER TABLE %s DROP COLUMN %s loses "
	    "the column's data", name_or_unknown(st->table),
	    name_or_unknown(st->column));
	if (rc < 0) {
		cg_buf_release(&msg);
		return rc;
	}
	return emit_simple(fs, st, CG_RULE_DROP_COLUMN, target, &msg, err);
}

static int
rule_rename(struct cg_findings *fs, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	struct cg_buf msg = CG_BUF_INIT;
	int rc;

	if (st->flags & CG_ST_RENAME_TABLE)
		rc = cg_buf_printf(&msg, err, "ALTER TABLE %s RENAME TO %s: "
		    "code still running during the deploy uses the old name",
		    name_or_unknown(st->table), name_or_unknown(st->new_name));
	else
		rc = cg_buf_printf(&msg, err, "ALTER TABLE %s RENAME COLUMN "
		    "%s TO %s: code still running during the deploy uses the "
		    "old name", name_or_unknown(st->table),
		    name_or_unknown(st->column), name_or_unknown(st->new_name));
	if (rc < 0) {
		cg_buf_release(&msg);
		return rc;
	}
	return emit_simple(fs, st, CG_RULE_RENAME, target, &msg, err);
}

static int
delete_kind(enum del_kind *out, const struct cg_stmt *st)
{
	if (st->flags & CG_ST_DELETE)
		*out = DEL_DELETE;
	else if (st->flags & CG_ST_REPLACE)
		*out = starts_with_replace(st) ? DEL_REPLACE :
		    DEL_INSERT_REPLACE;
	else if (st->flags & CG_ST_UPDATE_OR_REPLACE)
		*out = DEL_UPDATE_REPLACE;
	else if (st->flags & CG_ST_REPLACE_KEY)
		*out = DEL_REPLACE_KEY;
	else
		return 0;
	return 1;
}

int
cg_rules_eval(struct cg_findings *out, const struct cg_stmt *st,
    enum cg_target_kind target, struct cg_err *err)
{
	int can_delete;
	enum del_kind kind;
	int rc = 0;

	/* D1 rejects the statement itself; whether it failed here is moot. */
	if ((st->flags & (CG_ST_TRANSACTION | CG_ST_SAVEPOINT)) &&
	    target == CG_TARGET_D1)
		return rule_transaction(out, st, target, err);
	if (st->closes_wrap)
		return rule_closes_wrap(out, st, target, err);
	/*
	 * A wrapping runner makes the file's own BEGIN fail; a RELEASE of
	 * no savepoint fails on its own, and is migration-fails.
	 */
	if ((st->flags & CG_ST_TRANSACTION) && st->wrapped &&
	    st->error != NULL && (st->tx_verb == NULL ||
	    cg_ident_eq(st->tx_verb, "BEGIN")))
		return rule_transaction(out, st, target, err);
	if (st->skipped)
		return 0;
	/* A statement that failed changed nothing: report only that. */
	if (st->error != NULL)
		return rule_fails(out, st, target, err);

	if ((st->flags & CG_ST_PRAGMA) && st->pragma != NULL &&
	    cg_ident_eq(st->pragma, "foreign_keys") &&
	    arg_is_off(st->pragma_arg) && st->fk_after == 1) {
		rc = rule_fk_pragma(out, st, target, err);
		if (rc < 0)
			return rc;
	}

	/* Deletes fire ON DELETE actions only while foreign keys are on. */
	can_delete = st->fk_before && st->graph != NULL && st->table != NULL;
	if (can_delete && (st->flags & CG_ST_DROP_TABLE)) {
		rc = rule_delete(out, st, target, DEL_DROP, err);
		if (rc < 0)
			return rc;
	} else if (can_delete && delete_kind(&kind, st)) {
		rc = rule_delete(out, st, target, kind, err);
		if (rc < 0)
			return rc;
	}

	if (st->flags & CG_ST_DROP_COLUMN) {
		rc = rule_drop_column(out, st, target, err);
		if (rc < 0)
			return rc;
	}
	if ((st->flags & CG_ST_RENAME_COLUMN) ||
	    ((st->flags & CG_ST_RENAME_TABLE) && !is_helper_name(st->table) &&
	    !is_helper_name(st->new_name))) {
		rc = rule_rename(out, st, target, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
cg_rules_not_run(struct cg_findings *out, const struct cg_stmt *st,
    unsigned ran_line, unsigned nskipped, unsigned last_line, int applied,
    struct cg_err *err)
{
	struct cg_finding *f;
	struct cg_buf lines = CG_BUF_INIT;
	struct cg_buf msg = CG_BUF_INIT;
	const char *s = nskipped == 1 ? "" : "s";
	int rc;

	rc = last_line > st->line ?
	    cg_buf_printf(&lines, err, "lines %u-%u", st->line, last_line) :
	    cg_buf_printf(&lines, err, "line %u", st->line);
	if (rc == 0 && st->line == ran_line)
		rc = cg_buf_printf(&lines, err, ", from column %u", st->col);
	if (rc < 0)
		goto out;
	if (applied)
		rc = cg_buf_printf(&msg, err, "already applied migration: "
		    "drizzle's libSQL migrator ran only the first statement "
		    "(line %u) of this --> statement-breakpoint chunk and "
		    "skipped %u statement%s (%s), so production lacks what "
		    "%s by hand; the replay skips %s too", ran_line,
		    nskipped, s, lines.data, nskipped == 1 ?
		    "it does unless it was run" : "they do unless they were run",
		    nskipped == 1 ? "it" : "them");
	else
		rc = cg_buf_printf(&msg, err, "drizzle's libSQL migrator runs "
		    "only the first statement (line %u) of a --> "
		    "statement-breakpoint chunk: it skips %u statement%s of "
		    "this chunk (%s), which never run%s", ran_line, nskipped,
		    s, lines.data, nskipped == 1 ? "s" : "");
	if (rc < 0)
		goto out;
	rc = emit(&f, out, st, CG_RULE_STATEMENT_NOT_RUN, CG_TARGET_LIBSQL,
	    msg.data, err);
	if (rc < 0)
		goto out;
	if (applied) {
		f->severity = CG_SEV_WARNING;
		rc = cg_finding_set_str(&f->help, help_not_run_applied, err);
	}
out:
	cg_buf_release(&lines);
	cg_buf_release(&msg);
	return rc;
}
