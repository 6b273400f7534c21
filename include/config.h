/* SPDX-License-Identifier: MIT */
/*
 * Configuration: defaults, the repository's `.cascadeguard` (INI), the
 * server's git config and the command line, merged into one struct.
 */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stddef.h>

#include "finding.h"
#include "util.h"

struct cg_err;

/*
 * How a migration tool runs a file (docs/runners.md): whether it wraps
 * the file in a transaction (where PRAGMA foreign_keys is a no-op),
 * whether foreign keys are on at the file's start, and whether it
 * refuses transaction statements outright (D1).
 */
enum cg_target_kind {
	CG_TARGET_D1,		/* wrangler d1 migrations apply */
	CG_TARGET_SQLITE,	/* sqlite3 CLI and other plain runners */
	CG_TARGET_DRIZZLE,	/* drizzle-orm migrate, better-sqlite3 (and D1 driver) */
	CG_TARGET_LIBSQL,	/* drizzle-orm migrate on libSQL / Turso */
	CG_TARGET_PRISMA,	/* prisma migrate (sqlite provider) */
	CG_TARGET_SQLX,		/* sqlx migrate (SQLite) */
	CG_TARGET_GOLANG_MIGRATE,	/* golang-migrate, sqlite3 driver */
	CG_TARGET__COUNT
};

struct cg_target_model {
	int wrap;		/* file runs inside a transaction */
	int fk;			/* at the start: 1 on, 0 off, -1 the foreign-keys setting */
	int refuses_tx;		/* BEGIN/COMMIT/SAVEPOINT rejected (D1) */
	const char *wrap_why;	/* e.g. "D1 wraps each migration in a transaction" */
};

const struct cg_target_model *cg_target_model(enum cg_target_kind t);
/* "expected ..." list of target names, for messages. */
#define CG_TARGET_NAMES "d1, sqlite, drizzle, libsql, prisma, sqlx or golang-migrate"

/*
 * One migration set from `.cascadeguard` ([set NAME]) or found in the
 * repository (layout.h): the migrations of one database, replayed into
 * their own sandbox.
 */
struct cg_set {
	char *name;		/* named in findings when there are several */
	char *dir;		/* folder of the migrations, "" = root; may be NULL */
	struct cg_strvec globs;	/* the set's files */
	enum cg_target_kind target;
	int target_set;		/* target chosen (config or detection) */
	char *origin;		/* how it was found, for notes; may be NULL */
	char *skip;		/* non-NULL: not checked, and why */
	int unreadable;		/* skip: its tool file (origin) does not parse */
	struct cg_strvec aliases;	/* other names --set takes: the bindings
					 * of a folder two D1 bindings share */
};

void cg_set_release(struct cg_set *s);
void cg_sets_free(struct cg_set *v, size_t n);

#define CG_SEV_DEFAULT	(-2)	/* rule keeps its default severity */
#define CG_SEV_OFF	(-1)	/* rule is not reported */

#define CG_DEFAULT_MAX_FILE_BYTES	((size_t)5 * 1024 * 1024)
#define CG_DEFAULT_HEAP_BYTES		((long long)256 * 1024 * 1024)
/* SECURITY: the step budget decides; the clock is a backstop far above
 * it (docs/security.md: how both were measured). */
#define CG_DEFAULT_STEP_BUDGET		20000000ULL
#define CG_STEP_BUDGET_MIN		1000ULL
#define CG_STEP_BUDGET_MAX		10000000000ULL
#define CG_DEFAULT_TIME_BUDGET_MS	10000u
#define CG_MAX_CONFIG_SETS		256	/* [set] sections, as detection */

struct cg_config {
	struct cg_strvec globs;		/* empty: cg_default_globs */
	enum cg_target_kind target;
	int target_set;			/* 1 when someone chose the target */
	int fk_on;			/* sqlite target: foreign_keys at file start */
	int severity[CG_RULE__COUNT];	/* CG_SEV_DEFAULT, CG_SEV_OFF or a cg_severity */
	size_t max_file_bytes;		/* SECURITY: larger files are refused */
	long long cache_max_bytes;	/* replay cache folder cap, LRU eviction */
	long long heap_limit_bytes;	/* SECURITY: SQLite hard heap limit */
	unsigned time_budget_ms;	/* SECURITY: per file, wall-clock backstop */
	unsigned long long step_budget;	/* SECURITY: VM steps per file */
	int simulate;			/* run the data-loss simulation (default 1) */
	struct cg_set *sets;		/* [set NAME] sections, in file order */
	size_t nsets;
};

void cg_config_init(struct cg_config *c);
void cg_config_release(struct cg_config *c);

/*
 * Apply `.cascadeguard` INI text on top of c.  Sections and keys:
 *   [cascadeguard] migrations = GLOB (repeatable; the first one replaces
 *   the defaults), target = TARGET (cg_config_parse_target),
 *   foreign-keys = on|off, max-file-size = BYTES[k|M], simulate = on|off,
 *   step-budget = STEPS, time-budget-ms = MS, heap-limit = BYTES[k|M]
 *   [set NAME] migrations = GLOB (repeatable), target = TARGET (at most
 *   CG_MAX_CONFIG_SETS sections)
 *   [rules] <rule-name> = error|warning|note|off
 * Sets and a [cascadeguard] `migrations` exclude each other.
 * Unknown keys, sections or values: CG_EINPUT, message names origin:line.
 */
int cg_config_parse_ini(struct cg_config *c, const char *text, size_t len,
    const char *origin, struct cg_err *err);

/* Parse a target name (CG_TARGET_NAMES).  Returns 0 or CG_EINPUT. */
int cg_config_parse_target(enum cg_target_kind *out, const char *s,
    struct cg_err *err);
const char *cg_target_name(enum cg_target_kind t);

/* Effective severity of rule under c (CG_SEV_OFF when turned off). */
int cg_config_severity(const struct cg_config *c, enum cg_rule rule);

#endif
