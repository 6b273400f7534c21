/* SPDX-License-Identifier: MIT */
/* config.c: defaults, `.cascadeguard` INI keys, errors with line numbers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "finding.h"
#include "helpers/assert.h"

static struct cg_config cfg;

static void
setup(void)
{
	cg_config_init(&cfg);
}

static void
teardown(void)
{
	cg_config_release(&cfg);
}

TestSuite(config, .init = setup, .fini = teardown);

static int
parse(const char *text, struct cg_err *err)
{
	return cg_config_parse_ini(&cfg, text, strlen(text), ".cascadeguard",
	    err);
}

/* The parse fails with CG_EINPUT and exactly the message want. */
static void
parse_fails(const char *text, const char *want)
{
	struct cg_err err = CG_ERR_INIT;
	int rc = parse(text, &err);

	cr_assert_eq(rc, CG_EINPUT, "rc %d for:\n%s", rc, text);
	cr_assert_eq(err.code, CG_EINPUT);
	cr_assert_str_eq(err.msg, want);
}

Test(config, defaults)
{
	int i;

	cr_assert_eq(cfg.target, CG_TARGET_D1);
	cr_assert_eq(cfg.target_set, 0);
	cr_assert_eq(cfg.fk_on, 1);
	cr_assert_eq(cfg.globs.n, 0);
	cr_assert_eq(cfg.max_file_bytes, CG_DEFAULT_MAX_FILE_BYTES);
	cr_assert_eq(cfg.heap_limit_bytes, CG_DEFAULT_HEAP_BYTES);
	cr_assert_eq(cfg.time_budget_ms, CG_DEFAULT_TIME_BUDGET_MS);
	for (i = 0; i < CG_RULE__COUNT; i++) {
		cr_assert_eq(cfg.severity[i], CG_SEV_DEFAULT);
		cr_assert_eq(cg_config_severity(&cfg, (enum cg_rule)i),
		    (int)cg_rule_info((enum cg_rule)i)->severity);
	}
}

Test(config, every_key)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse(
	    "# comment\n"
	    "; another\n"
	    "[cascadeguard]\n"
	    "migrations = db/*.sql\n"
	    "target = sqlite\n"
	    "foreign-keys = off\n"
	    "max-file-size = 64k\n"
	    "\n"
	    "[rules]\n"
	    "cascade-drop = warning\n"
	    "rename = off\n"
	    "out-of-order = error\n"
	    "drop-column = note\n", &err), &err);
	cr_assert_eq(cfg.globs.n, 1);
	cr_assert_str_eq(cfg.globs.v[0], "db/*.sql");
	cr_assert_eq(cfg.target, CG_TARGET_SQLITE);
	cr_assert_eq(cfg.target_set, 1);
	cr_assert_eq(cfg.fk_on, 0);
	cr_assert_eq(cfg.max_file_bytes, 64 * 1024);
	cr_assert_eq(cg_config_severity(&cfg, CG_RULE_CASCADE_DROP),
	    CG_SEV_WARNING);
	cr_assert_eq(cg_config_severity(&cfg, CG_RULE_RENAME), CG_SEV_OFF);
	cr_assert_eq(cg_config_severity(&cfg, CG_RULE_OUT_OF_ORDER),
	    CG_SEV_ERROR);
	cr_assert_eq(cg_config_severity(&cfg, CG_RULE_DROP_COLUMN),
	    CG_SEV_NOTE);
	cr_assert_eq(cg_config_severity(&cfg, CG_RULE_DATA_LOSS),
	    CG_SEV_ERROR, "untouched rule keeps its default");
	cr_assert_eq(cfg.severity[CG_RULE_DATA_LOSS], CG_SEV_DEFAULT);
}

Test(config, boolean_and_size_spellings)
{
	struct cg_err err = CG_ERR_INIT;
	static const struct {
		const char *text;
		int fk_on;
	} bools[] = { { "on", 1 }, { "off", 0 }, { "true", 1 },
		{ "false", 0 }, { "1", 1 }, { "0", 0 } };
	static const struct {
		const char *text;
		size_t bytes;
	} sizes[] = { { "1", 1 }, { "100", 100 }, { "2k", 2048 },
		{ "2K", 2048 }, { "3M", 3 << 20 }, { "3m", 3 << 20 },
		{ "1024M", (size_t)1 << 30 },
		{ "1073741824", (size_t)1 << 30 } };
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(text, sizeof(text), "[cascadeguard]\nforeign-keys="
		    "%s\n", bools[i].text);
		cfg.fk_on = !bools[i].fk_on;
		cg_assert_ok(parse(text, &err), &err);
		cr_assert_eq(cfg.fk_on, bools[i].fk_on, "%s", bools[i].text);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(text, sizeof(text), "[cascadeguard]\nmax-file-size="
		    "%s\n", sizes[i].text);
		cg_assert_ok(parse(text, &err), &err);
		cr_assert_eq(cfg.max_file_bytes, sizes[i].bytes, "%s",
		    sizes[i].text);
	}
	cg_assert_ok(parse("[cascadeguard]\ntarget = d1\n", &err), &err);
	cr_assert_eq(cfg.target, CG_TARGET_D1);
	cr_assert_eq(cfg.target_set, 1);
}

Test(config, first_migrations_key_replaces_later_ones_append)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse("[cascadeguard]\nmigrations = a/*.sql\n", &err),
	    &err);
	cr_assert_eq(cfg.globs.n, 1);
	cg_assert_ok(parse("[cascadeguard]\n"
	    "migrations = b/*.sql\n"
	    "target = sqlite\n"
	    "migrations = c/**/*.sql\n", &err), &err);
	cr_assert_eq(cfg.globs.n, 2, "the second parse replaced a/*.sql");
	cr_assert_str_eq(cfg.globs.v[0], "b/*.sql");
	cr_assert_str_eq(cfg.globs.v[1], "c/**/*.sql");
	/* A parse without the key keeps the globs. */
	cg_assert_ok(parse("[cascadeguard]\ntarget = d1\n", &err), &err);
	cr_assert_eq(cfg.globs.n, 2);
}

Test(config, errors_name_origin_and_line)
{
	parse_fails("[cascadeguard]\n\nbogus = 1\n",
	    ".cascadeguard:3: unknown key 'bogus' in [cascadeguard]");
	parse_fails("[rules]\ncascade-drop = error\nno-such-rule = off\n",
	    ".cascadeguard:3: unknown rule 'no-such-rule' in [rules]");
	parse_fails("[cascadeguard]\ntarget = postgres\n",
	    ".cascadeguard:2: invalid value 'postgres' for 'target' "
	    "(expected d1, sqlite, drizzle, libsql, prisma, sqlx or "
	    "golang-migrate)");
	parse_fails("[cascadeguard]\nforeign-keys = maybe\n",
	    ".cascadeguard:2: invalid value 'maybe' for 'foreign-keys' "
	    "(expected on or off)");
	parse_fails("[rules]\nrename = fatal\n",
	    ".cascadeguard:2: invalid value 'fatal' for 'rename' "
	    "(expected error, warning, note or off)");
	parse_fails("# x\n[nope]\n",
	    ".cascadeguard:2: unknown section [nope]");
	parse_fails("[cascadeguard]\ntarget = d1\n[Rules]\nrename = off\n",
	    ".cascadeguard:3: unknown section [Rules]");
	parse_fails("target = d1\n",
	    ".cascadeguard:1: key outside a section: 'target'");
	parse_fails("[cascadeguard]\nthis line has no equals sign\n",
	    ".cascadeguard:2: syntax error");
	parse_fails("[cascadeguard]\nmigrations =\n",
	    ".cascadeguard:2: invalid value '' for 'migrations' "
	    "(expected a glob)");
}

Test(config, first_error_wins)
{
	parse_fails("[cascadeguard]\nno-equals\nbogus = 1\n",
	    ".cascadeguard:2: syntax error");
	parse_fails("[cascadeguard]\nbogus = 1\nno-equals\n",
	    ".cascadeguard:2: unknown key 'bogus' in [cascadeguard]");
}

Test(config, bad_sizes_are_refused)
{
	const char *bad[] = { "0", "-1", "+5", "5 k", "5x", "5kk", "k",
		"1073741825", "1025M", "1048577k",
		"99999999999999999999999", "18446744073709551615",
		"0x10", "" };
	char text[128], want[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[cascadeguard]\n"
		    "max-file-size=%s\n", bad[i]);
		snprintf(want, sizeof(want), ".cascadeguard:2: invalid value "
		    "'%s' for 'max-file-size' (expected 1 to 1073741824 "
		    "bytes, with an optional k or M)", bad[i]);
		parse_fails(text, want);
		cr_assert_eq(cfg.max_file_bytes, CG_DEFAULT_MAX_FILE_BYTES);
	}
}

Test(config, failed_parse_changes_nothing)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse("[cascadeguard]\nmigrations = keep/*.sql\n",
	    &err), &err);
	parse_fails("[cascadeguard]\n"
	    "migrations = other/*.sql\n"
	    "target = sqlite\n"
	    "foreign-keys = off\n"
	    "[rules]\n"
	    "rename = off\n"
	    "bad = off\n",
	    ".cascadeguard:7: unknown rule 'bad' in [rules]");
	cr_assert_eq(cfg.globs.n, 1);
	cr_assert_str_eq(cfg.globs.v[0], "keep/*.sql");
	cr_assert_eq(cfg.target, CG_TARGET_D1);
	cr_assert_eq(cfg.target_set, 0);
	cr_assert_eq(cfg.fk_on, 1);
	cr_assert_eq(cfg.severity[CG_RULE_RENAME], CG_SEV_DEFAULT);
}

Test(config, nul_bytes_are_refused)
{
	struct cg_err err = CG_ERR_INIT;
	const char text[] = "[cascadeguard]\ntarget = d1\0\nbogus = 1\n";
	int rc;

	rc = cg_config_parse_ini(&cfg, text, sizeof(text) - 1, "cfg", &err);
	cr_assert_eq(rc, CG_EINPUT);
	cr_assert_str_eq(err.msg, "cfg:2: NUL byte");
}

Test(config, text_is_not_read_past_len)
{
	struct cg_err err = CG_ERR_INIT;
	const char text[] = "[cascadeguard]\ntarget = sqlite\nbogus = 1\n";
	size_t len = strlen("[cascadeguard]\ntarget = sqlite\n");

	cg_assert_ok(cg_config_parse_ini(&cfg, text, len, "cfg", &err), &err);
	cr_assert_eq(cfg.target, CG_TARGET_SQLITE);
	/* No final newline, and CRLF line ends. */
	cg_assert_ok(cg_config_parse_ini(&cfg, "[cascadeguard]\r\ntarget = d1",
	    strlen("[cascadeguard]\r\ntarget = d1"), "cfg", &err), &err);
	cr_assert_eq(cfg.target, CG_TARGET_D1);
	cg_assert_ok(cg_config_parse_ini(&cfg, "", 0, "cfg", &err), &err);
}

Test(config, long_lines_are_refused_not_split)
{
	char text[1024];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "[cascadeguard]\n"
	    "migrations = ");
	memset(text + n, 'a', 400);
	text[n + 400] = '\0';
	parse_fails(text, ".cascadeguard:2: line too long");
	cr_assert_eq(cfg.globs.n, 0);
}

Test(config, target_names)
{
	struct cg_err err = CG_ERR_INIT;
	enum cg_target_kind t = CG_TARGET_D1;

	cg_assert_ok(cg_config_parse_target(&t, "sqlite", &err), &err);
	cr_assert_eq(t, CG_TARGET_SQLITE);
	cg_assert_ok(cg_config_parse_target(&t, "d1", &err), &err);
	cr_assert_eq(t, CG_TARGET_D1);
	cr_assert_eq(cg_config_parse_target(&t, "D1x", &err), CG_EINPUT);
	cr_assert_str_eq(err.msg, "unknown target 'D1x' (expected d1, "
	    "sqlite, drizzle, libsql, prisma, sqlx or golang-migrate)");
	cr_assert_str_eq(cg_target_name(CG_TARGET_D1), "d1");
	cr_assert_str_eq(cg_target_name(CG_TARGET_SQLITE), "sqlite");
}

Test(config, sandbox_limits)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse("[cascadeguard]\nheap-limit = 64M\n"
	    "time-budget-ms = 500\n", &err), &err);
	cr_assert_eq(cfg.heap_limit_bytes, 64LL * 1024 * 1024);
	cr_assert_eq(cfg.time_budget_ms, 500u);
	cg_assert_ok(parse("[cascadeguard]\nheap-limit = 8192k\n"
	    "time-budget-ms = 60000\n", &err), &err);
	cr_assert_eq(cfg.heap_limit_bytes, 8LL * 1024 * 1024);
	cr_assert_eq(cfg.time_budget_ms, 60000u);
}

Test(config, sandbox_limits_out_of_bounds)
{
	const char *bad_heap[] = { "0", "1M", "8388607", "1025M", "-1", "2G",
		"" };
	const char *bad_ms[] = { "0", "60001", "-5", "1s", "1.5", "1 000",
		"99999999999999999999", "" };
	char text[128], want[256];
	size_t i;

	for (i = 0; i < sizeof(bad_heap) / sizeof(bad_heap[0]); i++) {
		snprintf(text, sizeof(text), "[cascadeguard]\n"
		    "heap-limit=%s\n", bad_heap[i]);
		snprintf(want, sizeof(want), ".cascadeguard:2: invalid value "
		    "'%s' for 'heap-limit' (expected 8M to 1024M bytes, with "
		    "an optional k or M)", bad_heap[i]);
		parse_fails(text, want);
		cr_assert_eq(cfg.heap_limit_bytes, CG_DEFAULT_HEAP_BYTES);
	}
	for (i = 0; i < sizeof(bad_ms) / sizeof(bad_ms[0]); i++) {
		snprintf(text, sizeof(text), "[cascadeguard]\n"
		    "time-budget-ms=%s\n", bad_ms[i]);
		snprintf(want, sizeof(want), ".cascadeguard:2: invalid value "
		    "'%s' for 'time-budget-ms' (expected 1 to 60000 "
		    "milliseconds)", bad_ms[i]);
		parse_fails(text, want);
		cr_assert_eq(cfg.time_budget_ms, CG_DEFAULT_TIME_BUDGET_MS);
	}
}
