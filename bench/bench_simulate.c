/* SPDX-License-Identifier: MIT */
/*
 * What the data-loss simulation adds to a check: a 200-table schema
 * (roots, cascade children, grandchildren, CHECK, UNIQUE, STRICT,
 * WITHOUT ROWID), one new migration, and the median over many runs of
 * the check alone, of seeding + simulating + the verdict (seeding is
 * lazy: the tables the migration can reach), and of seeding every
 * table (cg_sim_seed_all, what the seeder can cover).  Prints
 * its figures; it is not a test.  `make bench` runs it.
 *
 *   bench_simulate [tables] [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "finding.h"
#include "replay.h"
#include "sandbox.h"
#include "simulate.h"
#include "util.h"
#include "banned.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
schema(struct cg_buf *b, unsigned n, struct cg_err *err)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (i < n / 10) {
			rc = cg_buf_printf(b, err, "CREATE TABLE t%u (id INTEGER "
			    "PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at "
			    "TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, price REAL "
			    "CHECK (price > 0), status TEXT NOT NULL CHECK "
			    "(status IN ('active', 'archived')));\n", i);
		} else if (i % 10 == 3) {
			rc = cg_buf_printf(b, err, "CREATE TABLE t%u (k TEXT "
			    "PRIMARY KEY, parent INTEGER NOT NULL REFERENCES "
			    "t%u(id) ON DELETE CASCADE, v INTEGER) WITHOUT "
			    "ROWID;\n", i, i % (n / 10));
		} else if (i % 10 == 7) {
			rc = cg_buf_printf(b, err, "CREATE TABLE t%u (id INTEGER "
			    "PRIMARY KEY, parent INTEGER REFERENCES t%u(id) ON "
			    "DELETE SET NULL, a TEXT NOT NULL, n INTEGER NOT "
			    "NULL, UNIQUE (a, n)) STRICT;\n", i, i - 1);
		} else {
			rc = cg_buf_printf(b, err, "CREATE TABLE t%u (id INTEGER "
			    "PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES "
			    "t%u(id) ON DELETE CASCADE, title TEXT, done "
			    "BOOLEAN NOT NULL DEFAULT 0, body BLOB);\n"
			    "CREATE INDEX t%u_parent ON t%u(parent_id);\n", i,
			    i - 1 - (i % 3 == 0 && i > n / 10 + 1), i, i);
		}
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static const char mig[] = "ALTER TABLE t0 ADD COLUMN color TEXT;\n"
	    "CREATE INDEX t1_name ON t1(name);\n";
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;
	struct cg_err err = CG_ERR_INIT;
	struct cg_buf text = CG_BUF_INIT;
	struct cg_sandbox *base = NULL, *c = NULL;
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_sim_counts counts;
	struct cg_config cfg;
	struct cg_source hist = { NULL, "0001_schema.sql", NULL, 0 };
	struct cg_source src = { NULL, "0002_new.sql", mig, sizeof(mig) - 1 };
	struct cg_sim *sim = NULL;
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200;
	unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 51;
	double *tcheck = NULL, *tsim = NULL, *tseed = NULL, *tclone = NULL;
	double *tall = NULL;
	struct cg_sim_counts all;
	double t0, t1;
	unsigned i;
	int rc;

	if (n < 20)
		n = 20;
	/* Generous, so a slow machine (or valgrind) measures, not stops. */
	opts.time_budget_ms = 600000;
	if (runs < 1)
		runs = 1;
	cg_config_init(&cfg);
	tcheck = calloc(runs, sizeof(*tcheck));
	tsim = calloc(runs, sizeof(*tsim));
	tseed = calloc(runs, sizeof(*tseed));
	tclone = calloc(runs, sizeof(*tclone));
	tall = calloc(runs, sizeof(*tall));
	rc = tcheck == NULL || tsim == NULL || tseed == NULL ||
	    tclone == NULL || tall == NULL ? cg_err_nomem(&err) : 0;
	if (rc == 0)
		rc = schema(&text, n, &err);
	if (rc == 0)
		rc = cg_sandbox_open(&base, &opts, &err);
	hist.data = text.data;
	hist.len = text.len;
	if (rc == 0)
		rc = cg_replay_history(base, &hist, &fs, &err);
	if (rc == 0 && fs.n > 0) {
		fprintf(stderr, "bench_simulate: the schema does not replay: "
		    "%s\n", fs.v[0].message);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < runs; i++) {
		/* The check alone, on a fresh copy of the base. */
		t0 = now_ms();
		rc = cg_sandbox_clone(&c, base, &err);
		tclone[i] = now_ms() - t0;
		if (rc < 0)
			break;
		t0 = now_ms();
		rc = cg_replay_check(c, &cfg, &src, &fs, &err);
		tcheck[i] = now_ms() - t0;
		cg_sandbox_free(c);
		c = NULL;
		cg_findings_release(&fs);
		if (rc < 0)
			break;
		/* What the simulation adds: seed, run, verdict. */
		t0 = now_ms();
		rc = cg_sim_new(&sim, base, &err);
		t1 = now_ms();
		tseed[i] = t1 - t0;
		if (rc == 0)
			rc = cg_sim_run_file(sim, &cfg, &src, &err);
		if (rc == 0)
			rc = cg_sim_verdict(sim, &fs, &err);
		tsim[i] = now_ms() - t0;
		if (rc == 0 && i == 0) {
			cg_sim_counts(sim, &counts);
			printf("schema: %u tables; the migration reaches %zu, "
			    "seeded with %zu rows; %zu findings\n", n,
			    counts.nseeded, counts.nrows, fs.n);
		}
		cg_sim_free(sim);
		sim = NULL;
		cg_findings_release(&fs);
		if (rc < 0)
			break;
		/* Every table, as the seeder's coverage is measured. */
		t0 = now_ms();
		rc = cg_sim_new(&sim, base, &err);
		if (rc == 0)
			rc = cg_sim_seed_all(sim, &err);
		tall[i] = now_ms() - t0;
		if (rc == 0 && i == 0) {
			cg_sim_counts(sim, &all);
			printf("seeding every table: %zu of %zu seeded, %zu "
			    "rows\n", all.nseeded, all.ntables, all.nrows);
		}
		cg_sim_free(sim);
		sim = NULL;
	}
	if (rc == 0) {
		qsort(tcheck, runs, sizeof(*tcheck), cmp_double);
		qsort(tsim, runs, sizeof(*tsim), cmp_double);
		qsort(tseed, runs, sizeof(*tseed), cmp_double);
		qsort(tclone, runs, sizeof(*tclone), cmp_double);
		qsort(tall, runs, sizeof(*tall), cmp_double);
		printf("check of 1 new migration: median %.2f ms (min %.2f, "
		    "max %.2f) over %u runs\n", tcheck[runs / 2], tcheck[0],
		    tcheck[runs - 1], runs);
		printf("simulation added (seed + run + verdict): median %.2f ms "
		    "(min %.2f, max %.2f); budget 20 ms\n", tsim[runs / 2],
		    tsim[0], tsim[runs - 1]);
		printf("  of which cg_sim_new (clone, table list): median %.2f "
		    "ms; a bare clone: median %.2f ms\n", tseed[runs / 2],
		    tclone[runs / 2]);
		printf("clone + seeding every table: median %.2f ms (min %.2f, "
		    "max %.2f)\n", tall[runs / 2], tall[0], tall[runs - 1]);
	} else if (err.msg[0] != '\0') {
		fprintf(stderr, "bench_simulate: %s\n", err.msg);
	}
	cg_sim_free(sim);
	cg_sandbox_free(c);
	cg_sandbox_free(base);
	cg_findings_release(&fs);
	cg_buf_release(&text);
	cg_config_release(&cfg);
	free(tcheck);
	free(tsim);
	free(tseed);
	free(tclone);
	free(tall);
	return rc == 0 ? 0 : 1;
}
