/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: statement splitting with positions.  The input is one
 * migration file, replayed as history and then checked as a new file on
 * fresh sandboxes, with small budgets so that slow inputs end quickly.
 */
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "finding.h"
#include "replay.h"
#include "sandbox.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_sandbox_opts opts = { 64LL * 1024 * 1024, 100u,
	    1000000ULL };
	struct cg_findings out = CG_FINDINGS_INIT;
	struct cg_source src = { NULL, "migrations/0001_fuzz.sql",
		(const char *)data, size };
	struct cg_err err = CG_ERR_INIT;
	struct cg_sandbox *sb = NULL;
	struct cg_config cfg;

	if (size > 64 * 1024)
		return -1;	/* the file limit is checked before replay */
	cg_config_init(&cfg);
	cfg.heap_limit_bytes = opts.heap_limit_bytes;
	cfg.time_budget_ms = opts.time_budget_ms;
	cfg.step_budget = opts.step_budget;
	if (cg_sandbox_open(&sb, &opts, &err) == 0) {
		(void)cg_replay_history(sb, &src, &out, &err);
		cg_sandbox_free(sb);
		sb = NULL;
	}
	if (cg_sandbox_open(&sb, &opts, &err) == 0) {
		(void)cg_replay_check(sb, &cfg, &src, &out, &err);
		cfg.target = CG_TARGET_SQLITE;
		(void)cg_replay_check(sb, &cfg, &src, &out, &err);
		cg_sandbox_free(sb);
	}
	cg_findings_release(&out);
	cg_config_release(&cfg);
	return 0;
}
