/* SPDX-License-Identifier: MIT */
/*
 * One check: from a base and a tip of a repository to findings.  Reads
 * the tip's configuration, lists and orders the migrations of both sides,
 * replays the base history, checks what the tip adds and reports what it
 * changed.  No libgit2 or SQLite here: it drives the modules that own them.
 */
#ifndef CG_CHECK_H
#define CG_CHECK_H

#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "git_changes.h"

struct cg_err;

struct cg_check_opts {
	const struct cg_strvec *cli_globs;	/* --migrations; may be NULL */
	int cli_target_set;			/* --target given */
	enum cg_target_kind cli_target;
	int use_repo_config;			/* read .cascadeguard of the tip */
	/*
	 * Server policy (pre-receive): 1 when .cascadeguard may not set a
	 * rule below its default severity (it can never turn an error off).
	 */
	int repo_no_lowering;
	int no_simulate;			/* --no-simulate: skip the simulation */
	int no_cache;				/* --no-cache: no replay cache */
	const char *only_set;			/* --set NAME: just that set */
};

#define CG_CHECK_OPTS_INIT { NULL, 0, CG_TARGET_D1, 1, 0, 0, 0, NULL }

/* What a check looked at, for the summary line. */
struct cg_check_stats {
	size_t nhistory;	/* base migrations replayed */
	size_t nnew;		/* new migrations checked */
	size_t nstatements;	/* statements of new migrations run */
	enum cg_target_kind target;	/* of the (first) set checked */
	size_t nsets;		/* migration sets checked */
};

/*
 * Append to out the findings of the change from base to tip, sorted.
 * Returns < 0 only when the tool cannot work (err set).
 */
int cg_check_run(struct cg_findings *out, struct cg_check_stats *stats,
    struct cg_repo *r, const struct cg_side *base, const struct cg_side *tip,
    const struct cg_check_opts *opts, struct cg_err *err);

/*
 * The migration sets of side as a check would see them (configuration
 * and layout detection; targets resolved).  Caller frees with
 * cg_sets_free.
 */
int cg_check_sets(struct cg_set **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const struct cg_check_opts *opts,
    struct cg_err *err);

struct cg_graph;

/*
 * Replay every migration of side (its own .cascadeguard and opts apply)
 * into a sandbox and replace out's edges with the schema's foreign keys.
 * *nreplayed (may be NULL) gets the number of files replayed.  Files
 * that do not replay are skipped as in a check's history.
 */
int cg_check_graph(struct cg_graph *out, size_t *nreplayed, struct cg_repo *r,
    const struct cg_side *side, const struct cg_check_opts *opts,
    struct cg_err *err);

#endif
