/* SPDX-License-Identifier: MIT */
/*
 * Suppression comments in migration files:
 *
 *     -- cascadeguard: allow cascade-drop projects is rebuilt empty here
 *     DROP TABLE projects;
 *
 * A run of `--` comment lines directly above a statement's first line may
 * hold any number of `cascadeguard: allow <rule> <reason>` lines; each
 * covers findings of that rule whose statement starts on the line right
 * after the run.  A missing reason or an unknown rule is itself an error
 * (bad-suppression).  The parser is pure (no I/O), so it can be fuzzed.
 */
#ifndef CG_SUPPRESS_H
#define CG_SUPPRESS_H

#include <stddef.h>

#include "finding.h"

struct cg_err;

struct cg_suppression {
	unsigned comment_line;	/* 1-based line of the comment */
	unsigned target_line;	/* the line right after its comment run */
	int rule;		/* enum cg_rule, or -1 when unknown */
	char *rule_name;	/* owned, may be NULL: as written */
	char *reason;		/* owned, NULL when missing */
	const char *problem;	/* static, NULL when well formed */
};

struct cg_suppress_list {
	struct cg_suppression *v;
	size_t n;
	size_t cap;
};

#define CG_SUPPRESS_LIST_INIT { NULL, 0, 0 }

/*
 * Append to out every `cascadeguard:` comment of text[0..len) (any bytes,
 * NULs included).  Returns 0 or CG_ENOMEM.
 */
int cg_suppress_parse(struct cg_suppress_list *out, const char *text,
    size_t len, struct cg_err *err);
void cg_suppress_list_release(struct cg_suppress_list *l);

/*
 * Apply the suppressions of one file (path, text) to fs->v[first..n):
 * findings of that path covered by a well-formed suppression become
 * suppressed with its reason; each malformed one adds a bad-suppression
 * finding.  Returns 0 or CG_ENOMEM.
 */
int cg_suppress_apply(struct cg_findings *fs, size_t first,
    const char *path, const char *text, size_t len, struct cg_err *err);

#endif
