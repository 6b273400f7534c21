/* SPDX-License-Identifier: MIT */
/*
 * The locked-down in-memory database that migrations run in.  One place
 * owns every limit on untrusted SQL: the authorizer's denials, SQLite's
 * limits, the heap limit and the per-file time budget.
 */
#ifndef CG_SANDBOX_H
#define CG_SANDBOX_H

#include <stddef.h>

struct cg_err;
struct cg_sandbox;	/* opaque */

struct cg_sandbox_opts {
	long long heap_limit_bytes;	/* SECURITY: hard heap limit, process-wide */
	unsigned time_budget_ms;	/* SECURITY: wall-clock backstop */
	unsigned long long step_budget;	/* SECURITY: VM steps per file */
};

/* Work, not seconds, decides: the step budget; the clock is a backstop. */
#define CG_SANDBOX_OPTS_INIT { 256LL * 1024 * 1024, 10000u, 20000000ULL }

/* What cg_sandbox_budget_hit reports. */
#define CG_BUDGET_STEPS	1	/* the step budget ran out */
#define CG_BUDGET_TIME	2	/* the wall-clock backstop fired */

/* Open a fresh sandbox.  Caller frees with cg_sandbox_free. */
int cg_sandbox_open(struct cg_sandbox **out,
    const struct cg_sandbox_opts *opts, struct cg_err *err);
void cg_sandbox_free(struct cg_sandbox *sb);

/*
 * A second sandbox holding a copy of sb's database (serialize and
 * deserialize), with the same limits.
 */
int cg_sandbox_clone(struct cg_sandbox **out, struct cg_sandbox *sb,
    struct cg_err *err);

/*
 * Observer of authorizer calls: after the sandbox's own checks allow an
 * action, it is passed on (SQLite's action code and its four strings).
 * Return 0 to allow; nonzero denies.  Set NULL to remove.
 */
typedef int (*cg_sandbox_observer)(int action, const char *a1,
    const char *a2, const char *db, const char *trigger, void *payload);
void cg_sandbox_set_observer(struct cg_sandbox *sb, cg_sandbox_observer fn,
    void *payload);

/*
 * Why the sandbox denied the most recent action, or NULL if it did not
 * ("PRAGMA writable_schema is not allowed").  Cleared by
 * cg_sandbox_clear_denial.
 */
const char *cg_sandbox_denial(const struct cg_sandbox *sb);
void cg_sandbox_clear_denial(struct cg_sandbox *sb);

/*
 * Start the step budget (and the wall-clock backstop) for one file;
 * statements after it may run out.
 */
void cg_sandbox_budget_start(struct cg_sandbox *sb);
/*
 * 0, or CG_BUDGET_STEPS or CG_BUDGET_TIME when a budget ran out since
 * cg_sandbox_budget_start.
 */
int cg_sandbox_budget_hit(const struct cg_sandbox *sb);
/* VM steps counted since cg_sandbox_budget_start (the tool's own not). */
unsigned long long cg_sandbox_steps(const struct cg_sandbox *sb);

/*
 * libSQL's ALTER TABLE table ALTER COLUMN column TO def: the column's
 * definition in the table's CREATE TABLE text becomes def, and the rows
 * already there are not checked, as libSQL does.  1 when done; 0 when
 * libSQL would refuse it or it is not modelled, with the reason in *why
 * (malloc'd); < 0 on error.
 */
int cg_sandbox_alter_column(char **why, struct cg_sandbox *sb,
    const char *table, const char *column, const char *def, size_t def_len,
    struct cg_err *err);

#endif
