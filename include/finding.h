/* SPDX-License-Identifier: MIT */
/*
 * Findings: what a check reports.  Plain structs that own their strings,
 * produced by rules.c and replay.c, ordered and filtered by check.c, and
 * printed by report_*.c.  Also the table of rules.
 */
#ifndef CG_FINDING_H
#define CG_FINDING_H

#include <stddef.h>

struct cg_err;

enum cg_severity { CG_SEV_NOTE, CG_SEV_WARNING, CG_SEV_ERROR };

enum cg_rule {
	CG_RULE_CASCADE_DROP,
	CG_RULE_CASCADE_DELETE,
	CG_RULE_SET_NULL_DROP,
	CG_RULE_DATA_LOSS,
	CG_RULE_MIGRATION_FAILS,
	CG_RULE_TRANSACTION_IN_MIGRATION,
	CG_RULE_FK_PRAGMA_IGNORED,
	CG_RULE_APPLIED_MIGRATION_CHANGED,
	CG_RULE_OUT_OF_ORDER,
	CG_RULE_DUPLICATE_VERSION,
	CG_RULE_DROP_COLUMN,
	CG_RULE_RENAME,
	CG_RULE_BUDGET_EXCEEDED,
	CG_RULE_FILE_REFUSED,
	CG_RULE_HISTORY_REPLAY_FAILS,
	CG_RULE_BAD_SUPPRESSION,
	CG_RULE_DELETE_ROWS,		/* simulation: explicit DELETE removed seeded rows */
	CG_RULE_ROWS_CHANGED,		/* simulation: a key action or trigger rewrote rows */
	CG_RULE_NOT_SIMULATED,		/* simulation: a table could not be seeded */
	CG_RULE_NOT_SQLITE,		/* a migration set for another database */
	CG_RULE_DOWN_FILE_APPLIED,	/* a rollback script wrangler runs forward */
	CG_RULE_CONFIG_UNREADABLE,	/* a wrangler config that does not parse */
	CG_RULE_NOT_IN_JOURNAL,		/* a drizzle .sql file its journal lacks */
	CG_RULE_MAY_FAIL_ON_ROWS,	/* simulation: fails if production holds some rows */
	CG_RULE_COLUMN_VALUES_LOST,	/* simulation: a kept table lost a column's values */
	CG_RULE_COLUMN_VALUES_CHANGED,	/* simulation: a copy moved or converted values */
	CG_RULE_COLUMN_OVERWRITTEN,	/* simulation: an UPDATE rewrote every value */
	CG_RULE_ROWS_FILTERED,		/* simulation: a copy's WHERE or join left rows behind */
	CG_RULE_STATEMENT_NOT_RUN,	/* libSQL runs only a chunk's first statement */
	CG_RULE__COUNT
};

struct cg_rule_info {
	const char *name;		/* "cascade-drop" */
	enum cg_severity severity;	/* default */
	const char *summary;		/* one line: what it catches */
};

/* The rule's entry; rule must be < CG_RULE__COUNT. */
const struct cg_rule_info *cg_rule_info(enum cg_rule rule);
/* The rule named `name`, or -1. */
int cg_rule_lookup(const char *name);
const char *cg_severity_name(enum cg_severity sev);

/* A table that a statement reaches through foreign keys. */
struct cg_affected {
	char *table;		/* owned */
	char *action;		/* owned: "CASCADE", "SET NULL", "SET DEFAULT" */
	char *path;		/* owned: "task_logs.task_id -> tasks.id -> projects.id" */
	unsigned depth;		/* 1 for a direct child */
	int loses_rows;		/* 1 for CASCADE, 0 when rows only change */
	size_t rows_lost;	/* simulation: seeded rows lost (or changed) */
	size_t rows_total;	/* simulation: seeded rows; 0 when not simulated */
};

struct cg_finding {
	enum cg_rule rule;
	enum cg_severity severity;
	char *set;		/* owned, may be NULL: migration set name */
	char *path;		/* owned, may be NULL: file in the repository */
	unsigned line;		/* 1-based; 0 when the finding has no position */
	unsigned col;		/* 1-based; 0 when unknown */
	unsigned end_line;	/* last line of the statement; 0 when unknown */
	unsigned caret_col;	/* column SQLite pointed at (error offset), 0 if none */
	char *statement;	/* owned, may be NULL: the statement's text */
	char *message;		/* owned: one line */
	char *help;		/* owned, may be NULL: the safe alternative */
	struct cg_affected *affected;	/* owned array */
	size_t naffected;
	size_t acap;
	int suppressed;		/* 1 when a suppression comment covers it */
	char *suppress_reason;	/* owned, may be NULL */
	char *commit;		/* owned, may be NULL: commit that brought the file */
	char *ref;		/* owned, may be NULL: ref being pushed */
	/* column-values-lost/-changed, column-overwritten: whose values */
	char *vtable;		/* owned, may be NULL: the table (at the end) */
	char *vcolumn;		/* owned, may be NULL: the column */
	size_t vchanged;	/* seeded values lost, changed or overwritten */
	size_t vseeded;		/* seeded non-NULL values of the column */
};

struct cg_findings {
	struct cg_finding *v;
	size_t n;
	size_t cap;
};

#define CG_FINDINGS_INIT { NULL, 0, 0 }

/*
 * Append a finding with rule, its default severity and a message made
 * with printf-style fmt.  *out (may be NULL) borrows the new finding,
 * valid until the next push.  Returns 0 or CG_ENOMEM.
 */
int cg_findings_push(struct cg_finding **out, struct cg_findings *fs,
    enum cg_rule rule, struct cg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Set a position and statement text (copied) on a finding. */
int cg_finding_set_where(struct cg_finding *f, const char *set,
    const char *path, unsigned line, unsigned col, unsigned end_line,
    const char *stmt, size_t stmt_len, struct cg_err *err);
/* Replace an owned string field (copying s; s may be NULL). */
int cg_finding_set_str(char **field, const char *s, struct cg_err *err);
int cg_finding_add_affected(struct cg_finding *f, const char *table,
    const char *action, const char *path, unsigned depth, int loses_rows,
    struct cg_err *err);

/* Move every finding of src to the end of dst; src is empty after. */
int cg_findings_move(struct cg_findings *dst, struct cg_findings *src,
    struct cg_err *err);
/* Sort by (set, path, line, col, rule) for deterministic output. */
void cg_findings_sort(struct cg_findings *fs);
/* Unsuppressed findings of exactly that severity. */
size_t cg_findings_count(const struct cg_findings *fs, enum cg_severity sev);
void cg_finding_release(struct cg_finding *f);
void cg_findings_release(struct cg_findings *fs);

#endif
