/* SPDX-License-Identifier: MIT */
/* Private: the sandbox's SQLite handle, for modules allowed sqlite3.h. */
#ifndef CG_SANDBOX_DB_H
#define CG_SANDBOX_DB_H

#include <sqlite3.h>

struct cg_err;
struct cg_sandbox;
struct cg_sandbox_opts;
sqlite3 *cg_sandbox_db(struct cg_sandbox *sb);

/*
 * The schema argument of every pragma table-valued function the tool
 * reads (pragma_table_info, pragma_table_xinfo, pragma_foreign_key_list,
 * pragma_index_list), pasted into the SQL text:
 * "FROM pragma_table_info(?1, " CG_PRAGMA_SCHEMA ")".  Without it SQLite
 * looks the name up in temp first, so a migration's TEMP table named like
 * a table of main hides main's columns and foreign keys (a TEMP tasks hid
 * the cascade into main.tasks: tests/e2e/test_nullkeys.c).
 */
#define CG_PRAGMA_SCHEMA "'main'"

/* The limits sb was opened with (borrowed). */
const struct cg_sandbox_opts *cg_sandbox_get_opts(const struct cg_sandbox *sb);

/*
 * While suspended (on=1), the time budget does not interrupt statements:
 * for the tool's own queries, which must not fail because a migration
 * used up the time.  The clock keeps running.
 */
void cg_sandbox_budget_suspend(struct cg_sandbox *sb, int on);

/*
 * The simulation's stand-in for a statement whose CHECK failed on the
 * seeded rows: runs sql (through the authorizer and the budget, as
 * always) with CHECK constraints off, then turns them on again, so the
 * rest of the file can run.  SECURITY: ignore_check_constraints stays
 * denied to the migration's own SQL; only this call sets it.
 */
int cg_sandbox_exec_unchecked(struct cg_sandbox *sb, const char *sql);

/*
 * 1 when the deadline set by cg_sandbox_budget_start has passed (and
 * records it as hit), so a file of many cheap statements stops too.
 */
int cg_sandbox_budget_check(struct cg_sandbox *sb);

/*
 * A new sandbox whose main database is a copy of image (a serialized
 * database), with the same lock-down as cg_sandbox_open.
 */
int cg_sandbox_open_image(struct cg_sandbox **out,
    const struct cg_sandbox_opts *opts, const void *image, size_t len,
    struct cg_err *err);

/*
 * Serialize sb's main database into *out (sqlite3_free it), *len bytes;
 * *out is NULL for an empty database.  Not classified, not interrupted.
 */
int cg_sandbox_image(void **out, size_t *len, struct cg_sandbox *sb,
    struct cg_err *err);

#endif
