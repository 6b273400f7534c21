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

enum cg_target_kind { CG_TARGET_D1, CG_TARGET_SQLITE };

#define CG_SEV_DEFAULT	(-2)	/* rule keeps its default severity */
#define CG_SEV_OFF	(-1)	/* rule is not reported */

#define CG_DEFAULT_MAX_FILE_BYTES	((size_t)5 * 1024 * 1024)
#define CG_DEFAULT_HEAP_BYTES		((long long)256 * 1024 * 1024)
#define CG_DEFAULT_TIME_BUDGET_MS	2000u

struct cg_config {
	struct cg_strvec globs;		/* empty: cg_default_globs */
	enum cg_target_kind target;
	int target_set;			/* 1 when someone chose the target */
	int fk_on;			/* sqlite target: foreign_keys at file start */
	int severity[CG_RULE__COUNT];	/* CG_SEV_DEFAULT, CG_SEV_OFF or a cg_severity */
	size_t max_file_bytes;		/* SECURITY: larger files are refused */
	long long cache_max_bytes;	/* replay cache folder cap, LRU eviction */
	long long heap_limit_bytes;	/* SECURITY: SQLite hard heap limit */
	unsigned time_budget_ms;	/* SECURITY: per migration file */
	int simulate;			/* run the data-loss simulation (default 1) */
};

void cg_config_init(struct cg_config *c);
void cg_config_release(struct cg_config *c);

/*
 * Apply `.cascadeguard` INI text on top of c.  Sections and keys:
 *   [cascadeguard] migrations = GLOB (repeatable; the first one replaces
 *   the defaults), target = d1|sqlite, foreign-keys = on|off,
 *   max-file-size = BYTES[k|M], simulate = on|off
 *   [rules] <rule-name> = error|warning|note|off
 * Unknown keys, sections or values: CG_EINPUT, message names origin:line.
 */
int cg_config_parse_ini(struct cg_config *c, const char *text, size_t len,
    const char *origin, struct cg_err *err);

/* Parse "d1" or "sqlite".  Returns 0 or CG_EINPUT. */
int cg_config_parse_target(enum cg_target_kind *out, const char *s,
    struct cg_err *err);
const char *cg_target_name(enum cg_target_kind t);

/* Effective severity of rule under c (CG_SEV_OFF when turned off). */
int cg_config_severity(const struct cg_config *c, enum cg_rule rule);

#endif
