/* SPDX-License-Identifier: MIT */
/*
 * The data-loss simulation: a copy of the replayed base database seeded
 * with synthetic rows, the new migrations run on it with the target's
 * semantics while SQLite's pre-update hook records every DELETE and
 * UPDATE of a seeded row, and a verdict comparing the end state with the
 * seed (data-loss, delete-rows, rows-changed, not-simulated).
 */
#ifndef CG_SIMULATE_H
#define CG_SIMULATE_H

#include <stddef.h>

#include "config.h"
#include "finding.h"

struct cg_err;
struct cg_sandbox;
struct cg_source;
struct cg_sim;		/* opaque */

/* How much of the schema the seeder covered. */
struct cg_sim_counts {
	size_t ntables;		/* user tables of the base */
	size_t nseeded;		/* tables with at least one seeded row */
	size_t nrows;		/* seeded rows in all */
};

/*
 * Clone base (which is not changed) for the simulation.  Seeding is
 * lazy: before each file runs, cg_sim_run_file seeds (two rows each
 * where it can, parents before children, with triggers off, within
 * base's time budget) the tables the file can reach and were not seeded
 * yet: those its text names, their children through any foreign key,
 * the tables named by triggers on them or on a view that the file or
 * such a trigger names, and the parents of all those.  A check then
 * costs what the change reaches, not the size of the schema; tables no
 * file reaches are never seeded nor reported.
 * Caller frees with cg_sim_free.  Returns < 0 only when the tool fails
 * (err set).
 */
int cg_sim_new(struct cg_sim **out, struct cg_sandbox *base,
    struct cg_err *err);

/*
 * Seed every user table not seeded yet (what seeding covers, for tests
 * and benchmarks); files run after it seed nothing more.
 */
int cg_sim_seed_all(struct cg_sim *sim, struct cg_err *err);
void cg_sim_free(struct cg_sim *sim);

void cg_sim_counts(const struct cg_sim *sim, struct cg_sim_counts *out);

/*
 * Run one new file on the seeded copy exactly as cg_replay_check runs
 * it (its static findings are discarded: the check run reports them),
 * recording what each statement does to seeded rows.
 */
int cg_sim_run_file(struct cg_sim *sim, const struct cg_config *cfg,
    const struct cg_source *src, struct cg_err *err);

/*
 * Compare the end state with the seed and append the verdict to
 * findings: data-loss, delete-rows, rows-changed at the statement that
 * did it, not-simulated notes.  A verdict at the same file and line as
 * a cascade-drop, cascade-delete or set-null-drop finding already in
 * findings is merged into it ("; simulated: 2 of 2 rows of tasks lost").
 */
int cg_sim_verdict(struct cg_sim *sim, struct cg_findings *findings,
    struct cg_err *err);

#endif
