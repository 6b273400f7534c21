/* SPDX-License-Identifier: MIT */
/*
 * The long form of each rule, for `cascadeguard explain` and the help
 * text of SARIF rules: what it catches, why it matters, a bad and a good
 * example, and how to suppress it.
 */
#ifndef CG_EXPLAIN_H
#define CG_EXPLAIN_H

#include "finding.h"

struct cg_explain {
	const char *catches;	/* what the rule catches (a paragraph) */
	const char *why;	/* why it matters */
	const char *bad;	/* SQL that triggers it */
	const char *good;	/* the safe alternative */
};

/* The rule's text, or NULL when it has none (a test checks every rule has). */
const struct cg_explain *cg_explain_get(enum cg_rule rule);

/*
 * The whole explanation of rule as plain text, as `explain RULE` prints
 * it.  Caller frees; NULL when out of memory or the rule has no text.
 */
char *cg_explain_text(enum cg_rule rule);

#endif
