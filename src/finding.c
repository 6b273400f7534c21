/* SPDX-License-Identifier: MIT */
/*
 * The rules table and the findings list: creation, ordering, counting,
 * release.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "finding.h"
#include "util.h"
#include "banned.h"

static const struct cg_rule_info rules[CG_RULE__COUNT] = {
	[CG_RULE_CASCADE_DROP] = { "cascade-drop", CG_SEV_ERROR,
	    "DROP TABLE on a table with ON DELETE CASCADE children" },
	[CG_RULE_CASCADE_DELETE] = { "cascade-delete", CG_SEV_ERROR,
	    "DELETE, REPLACE or INSERT OR REPLACE on a cascade parent" },
	[CG_RULE_SET_NULL_DROP] = { "set-null-drop", CG_SEV_WARNING,
	    "drop or delete on a parent whose children are SET NULL / SET DEFAULT" },
	[CG_RULE_DATA_LOSS] = { "data-loss", CG_SEV_ERROR,
	    "the simulation lost rows of a table that still exists" },
	[CG_RULE_MIGRATION_FAILS] = { "migration-fails", CG_SEV_ERROR,
	    "a new migration does not apply on the replayed schema" },
	[CG_RULE_TRANSACTION_IN_MIGRATION] = { "transaction-in-migration",
	    CG_SEV_ERROR, "BEGIN, COMMIT or SAVEPOINT inside a migration file" },
	[CG_RULE_FK_PRAGMA_IGNORED] = { "fk-pragma-ignored", CG_SEV_WARNING,
	    "PRAGMA foreign_keys=OFF where it has no effect" },
	[CG_RULE_APPLIED_MIGRATION_CHANGED] = { "applied-migration-changed",
	    CG_SEV_ERROR, "an already applied migration was edited, deleted or renamed" },
	[CG_RULE_OUT_OF_ORDER] = { "out-of-order", CG_SEV_WARNING,
	    "a new migration sorts before the newest existing one" },
	[CG_RULE_DUPLICATE_VERSION] = { "duplicate-version", CG_SEV_ERROR,
	    "two migrations share a version number" },
	[CG_RULE_DROP_COLUMN] = { "drop-column", CG_SEV_WARNING,
	    "ALTER TABLE ... DROP COLUMN loses that column's data" },
	[CG_RULE_RENAME] = { "rename", CG_SEV_WARNING,
	    "a table or column rename breaks code still running during a deploy" },
	[CG_RULE_BUDGET_EXCEEDED] = { "budget-exceeded", CG_SEV_ERROR,
	    "the sandbox stopped a statement (step, time or memory budget)" },
	[CG_RULE_FILE_REFUSED] = { "file-refused", CG_SEV_ERROR,
	    "a migration file is binary, too large, a symlink or a submodule" },
	[CG_RULE_HISTORY_REPLAY_FAILS] = { "history-replay-fails",
	    CG_SEV_WARNING, "an already applied migration does not replay" },
	[CG_RULE_BAD_SUPPRESSION] = { "bad-suppression", CG_SEV_ERROR,
	    "a suppression comment without a reason or with an unknown rule" },
	[CG_RULE_DELETE_ROWS] = { "delete-rows", CG_SEV_WARNING,
	    "the simulation: an explicit DELETE removed seeded rows" },
	[CG_RULE_ROWS_CHANGED] = { "rows-changed", CG_SEV_WARNING,
	    "the simulation: a foreign-key action or trigger rewrote seeded rows" },
	[CG_RULE_NOT_SIMULATED] = { "not-simulated", CG_SEV_NOTE,
	    "the simulation could not seed a table or run a file" },
	[CG_RULE_NOT_SQLITE] = { "not-sqlite", CG_SEV_NOTE,
	    "a changed migration set is for another database and not checked" },
	[CG_RULE_DOWN_FILE_APPLIED] = { "down-file-applied", CG_SEV_ERROR,
	    "a rollback script that wrangler applies as a migration" },
	[CG_RULE_CONFIG_UNREADABLE] = { "config-unreadable", CG_SEV_WARNING,
	    "a wrangler config that does not parse, so its sets are unknown" },
	[CG_RULE_NOT_IN_JOURNAL] = { "not-in-journal", CG_SEV_NOTE,
	    "a new .sql file in a drizzle folder that its journal does not name" },
	[CG_RULE_MAY_FAIL_ON_ROWS] = { "may-fail-on-rows", CG_SEV_WARNING,
	    "the simulation: a statement fails in production if some rows exist" },
	[CG_RULE_COLUMN_VALUES_LOST] = { "column-values-lost", CG_SEV_WARNING,
	    "the simulation: a column's values are gone from a table that stays" },
	[CG_RULE_COLUMN_VALUES_CHANGED] = { "column-values-changed",
	    CG_SEV_ERROR, "the simulation: a copy moved values to another "
	    "column or row, or converted them" },
	[CG_RULE_COLUMN_OVERWRITTEN] = { "column-overwritten", CG_SEV_WARNING,
	    "the simulation: an UPDATE overwrote every value of a column" },
	[CG_RULE_ROWS_FILTERED] = { "rows-filtered", CG_SEV_WARNING,
	    "the simulation: a copy's WHERE or join left rows behind" },
	[CG_RULE_STATEMENT_NOT_RUN] = { "statement-not-run", CG_SEV_ERROR,
	    "libSQL skips the statements after the first of a breakpoint chunk" },
};

const struct cg_rule_info *
cg_rule_info(enum cg_rule rule)
{
	return &rules[rule];
}

int
cg_rule_lookup(const char *name)
{
	int i;

	for (i = 0; i < CG_RULE__COUNT; i++)
		if (strcmp(rules[i].name, name) == 0)
			return i;
	return -1;
}

const char *
cg_severity_name(enum cg_severity sev)
{
	switch (sev) {
	case CG_SEV_ERROR:
		return "error";
	case CG_SEV_WARNING:
		return "warning";
	case CG_SEV_NOTE:
		return "note";
	}
	return "note";
}

int
cg_findings_push(struct cg_finding **out, struct cg_findings *fs,
    enum cg_rule rule, struct cg_err *err, const char *fmt, ...)
{
	struct cg_finding *f;
	va_list ap;
	char *msg;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return cg_err_set(err, CG_ESYS, "cannot format a finding");
	msg = malloc((size_t)n + 1);
	if (msg == NULL)
		return cg_err_nomem(err);
	va_start(ap, fmt);
	(void)vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	rc = cg_grow(&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v), err);
	if (rc < 0) {
		free(msg);
		return rc;
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = rules[rule].severity;
	f->message = msg;
	if (out != NULL)
		*out = f;
	return 0;
}

int
cg_finding_set_str(char **field, const char *s, struct cg_err *err)
{
	char *copy = NULL;

	if (s != NULL) {
		copy = cg_strdup(s);
		if (copy == NULL)
			return cg_err_nomem(err);
	}
	free(*field);
	*field = copy;
	return 0;
}

int
cg_finding_set_where(struct cg_finding *f, const char *set, const char *path,
    unsigned line, unsigned col, unsigned end_line, const char *stmt,
    size_t stmt_len, struct cg_err *err)
{
	int rc;

	rc = cg_finding_set_str(&f->set, set, err);
	if (rc < 0)
		return rc;
	rc = cg_finding_set_str(&f->path, path, err);
	if (rc < 0)
		return rc;
	f->line = line;
	f->col = col;
	f->end_line = end_line;
	free(f->statement);
	f->statement = NULL;
	if (stmt != NULL) {
		f->statement = cg_strndup(stmt, stmt_len);
		if (f->statement == NULL)
			return cg_err_nomem(err);
	}
	return 0;
}

int
cg_finding_add_affected(struct cg_finding *f, const char *table,
    const char *action, const char *path, unsigned depth, int loses_rows,
    struct cg_err *err)
{
	struct cg_affected *a;
	int rc;

	rc = cg_grow(&f->affected, &f->acap, f->naffected + 1,
	    sizeof(*f->affected), err);
	if (rc < 0)
		return rc;
	a = &f->affected[f->naffected];
	memset(a, 0, sizeof(*a));
	a->table = cg_strdup(table);
	a->action = cg_strdup(action);
	a->path = cg_strdup(path);
	a->depth = depth;
	a->loses_rows = loses_rows;
	if (a->table == NULL || a->action == NULL || a->path == NULL) {
		free(a->table);
		free(a->action);
		free(a->path);
		return cg_err_nomem(err);
	}
	f->naffected++;
	return 0;
}

int
cg_findings_move(struct cg_findings *dst, struct cg_findings *src,
    struct cg_err *err)
{
	int rc;

	if (src->n == 0)
		return 0;
	rc = cg_grow(&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v),
	    err);
	if (rc < 0)
		return rc;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0;
	return 0;
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct cg_finding *a = pa, *b = pb;
	int c;

	c = strcmp_null(a->set, b->set);
	if (c != 0)
		return c;
	c = strcmp_null(a->path, b->path);
	if (c != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return strcmp_null(a->message, b->message);
}

void
cg_findings_sort(struct cg_findings *fs)
{
	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), finding_cmp);
}

size_t
cg_findings_count(const struct cg_findings *fs, enum cg_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (!fs->v[i].suppressed && fs->v[i].severity == sev)
			n++;
	return n;
}

void
cg_finding_release(struct cg_finding *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->naffected; i++) {
		free(f->affected[i].table);
		free(f->affected[i].action);
		free(f->affected[i].path);
	}
	free(f->affected);
	free(f->set);
	free(f->path);
	free(f->statement);
	free(f->message);
	free(f->help);
	free(f->suppress_reason);
	free(f->vtable);
	free(f->vcolumn);
	free(f->commit);
	free(f->ref);
	memset(f, 0, sizeof(*f));
}

void
cg_findings_release(struct cg_findings *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++)
		cg_finding_release(&fs->v[i]);
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}
