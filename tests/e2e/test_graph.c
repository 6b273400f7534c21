/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard graph`, `explain` and the per-command help, end to end:
 * a schema with a diamond, a self-reference and a cycle replayed from a
 * real repository, compared with tests/golden/graph.<fmt>
 * (CG_UPDATE_GOLDEN=1 rewrites them).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "helpers/repo.h"

static char *dir;

/* stderr holds nothing but valgrind's lines ("==pid== ...") if any. */
static int
quiet_stderr(const char *err)
{
	const char *p = err;

	while (*p != '\0') {
		if (strncmp(p, "==", 2) != 0)
			return 0;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return 1;
}

static void
setup(void)
{
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q -b main"), 0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(graph, .init = setup, .fini = teardown);

static const char schema_1[] =
    "CREATE TABLE orgs (id INTEGER PRIMARY KEY,\n"
    "  parent_id INTEGER REFERENCES orgs (id) ON DELETE CASCADE);\n"
    "CREATE TABLE projects (id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs ON DELETE CASCADE);\n"
    "CREATE TABLE teams (id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs ON DELETE CASCADE);\n";

/* The diamond closes in the second file; the cycle uses deferred keys. */
static const char schema_2[] =
    "CREATE TABLE grants (id INTEGER PRIMARY KEY,\n"
    "  project_id INTEGER REFERENCES projects ON DELETE CASCADE,\n"
    "  team_id INTEGER REFERENCES teams ON DELETE SET NULL);\n"
    "CREATE TABLE \"Eggs é\" (id INTEGER PRIMARY KEY,\n"
    "  hen_id INTEGER REFERENCES hens ON DELETE CASCADE);\n"
    "CREATE TABLE hens (id INTEGER PRIMARY KEY,\n"
    "  egg_id INTEGER REFERENCES \"Eggs é\" ON DELETE CASCADE);\n"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER REFERENCES orgs ON DELETE RESTRICT);\n";

static void
schema_repo(void)
{
	cg_test_write(dir, "migrations/0001_orgs.sql", schema_1);
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm one"), 0);
	cg_test_write(dir, "migrations/0002_more.sql", schema_2);
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm two"), 0);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
golden(const char *name, const char *out)
{
	char rel[128];
	const char *path;
	char *want;
	size_t len = 0;
	FILE *f;

	snprintf(rel, sizeof(rel), "tests/golden/%s", name);
	path = cg_test_src(rel);
	if (getenv("CG_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "wb");
		cr_assert_not_null(f, "fopen %s: %s", path, strerror(errno));
		cr_assert_eq(fwrite(out, 1, strlen(out), f), strlen(out));
		cr_assert_eq(fclose(f), 0);
		return;
	}
	want = slurp(path, &len);
	cr_assert_not_null(want, "no golden file %s", path);
	cr_assert_eq(len, strlen(out), "%s differs:\n%s", name, out);
	cr_assert(memcmp(want, out, len) == 0, "%s differs:\n%s", name, out);
	free(want);
}

static void
graph_golden(const char *fmt)
{
	const char *args[] = { "graph", "--format", fmt, NULL };
	struct cg_run r;
	char name[64];

	schema_repo();
	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(quiet_stderr(r.err), "%s", r.err);
	snprintf(name, sizeof(name), "graph.%s", fmt);
	golden(name, r.out);
	cg_run_release(&r);
}

Test(graph, tree_golden)
{
	graph_golden("tree");
}

Test(graph, dot_golden)
{
	graph_golden("dot");
}

Test(graph, mermaid_golden)
{
	graph_golden("mermaid");
}

Test(graph, tree_marks_the_cycle_and_self_reference)
{
	const char *args[] = { "graph", NULL };
	struct cg_run r;

	schema_repo();
	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "orgs (parent_id → ON DELETE "
	    "CASCADE) (cycle)\n"), "%s", r.out);
	cr_assert_eq(cg_test_count(r.out, "(cycle)"), 2, "%s", r.out);
	/* the diamond: grants under projects and under teams */
	cr_assert_eq(cg_test_count(r.out, "── grants ("), 2, "%s", r.out);
	cg_run_release(&r);
}

Test(graph, an_older_revision_has_the_older_schema)
{
	const char *args[] = { "graph", "HEAD~1", NULL };
	struct cg_run r;

	schema_repo();
	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "grants"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "teams"), "%s", r.out);
	cg_run_release(&r);
}

Test(graph, bad_format_and_bad_revision)
{
	const char *bad_fmt[] = { "graph", "--format", "png", NULL };
	const char *bad_rev[] = { "graph", "no-such-rev", NULL };
	struct cg_run r;

	schema_repo();
	cg_test_run(&r, dir, bad_fmt, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert_not_null(strstr(r.err, "--format takes tree, dot or mermaid"));
	cg_run_release(&r);
	cg_test_run(&r, dir, bad_rev, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert_not_null(strstr(r.err, "no-such-rev"), "%s", r.err);
	cg_run_release(&r);
}

/* --- explain --- */

Test(graph, explain_every_rule)
{
	const char *args[] = { "explain", NULL, NULL };
	struct cg_run r;
	char want[96];
	int i;

	for (i = 0; i < CG_RULE__COUNT; i++) {
		args[1] = cg_rule_info((enum cg_rule)i)->name;
		cg_test_run(&r, dir, args, NULL, NULL);
		cr_assert_eq(r.code, 0, "explain %s: %s", args[1], r.err);
		snprintf(want, sizeof(want), "-- cascadeguard: allow %s",
		    args[1]);
		cr_assert_not_null(strstr(r.out, want), "%s", r.out);
		cr_assert_not_null(strstr(r.out, "\nBad:\n"), "%s", r.out);
		cr_assert_not_null(strstr(r.out, "\nGood:\n"), "%s", r.out);
		cg_run_release(&r);
	}
}

Test(graph, explain_lists_the_rules_and_rejects_unknown_ones)
{
	const char *list[] = { "explain", NULL };
	const char *bad[] = { "explain", "no-such-rule", NULL };
	struct cg_run r;
	int i;

	cg_test_run(&r, dir, list, NULL, NULL);
	cr_assert_eq(r.code, 0);
	for (i = 0; i < CG_RULE__COUNT; i++)
		cr_assert_not_null(strstr(r.out,
		    cg_rule_info((enum cg_rule)i)->name), "%s", r.out);
	cg_run_release(&r);
	cg_test_run(&r, dir, bad, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert_not_null(strstr(r.err, "unknown rule 'no-such-rule'"));
	cr_assert_str_empty(r.out);
	cg_run_release(&r);
}

/* --- help --- */

Test(graph, every_command_has_help_on_stdout)
{
	static const char *const cmds[] = { "check-range", "explain", "graph",
	    "sets" };
	const char *args[] = { NULL, "--help", NULL };
	struct cg_run r;
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		args[0] = cmds[i];
		cg_test_run(&r, dir, args, NULL, NULL);
		cr_assert_eq(r.code, 0, "%s --help: %d", cmds[i], r.code);
		snprintf(want, sizeof(want), "usage: cascadeguard %s", cmds[i]);
		cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s",
		    r.out);
		cr_assert(quiet_stderr(r.err), "%s", r.err);
		cg_run_release(&r);
	}
}

Test(graph, main_help_lists_the_new_commands)
{
	const char *args[] = { "--help", NULL };
	struct cg_run r;

	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 0);
	cr_assert_not_null(strstr(r.out, "  explain "), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "  graph "), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "  sets "), "%s", r.out);
	cg_run_release(&r);
}

Test(graph, unknown_option_gives_usage_and_exit_2)
{
	const char *args[] = { "graph", "--bogus", NULL };
	struct cg_run r;

	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 2);
	cr_assert_not_null(strstr(r.err, "usage: cascadeguard graph"));
	cg_run_release(&r);
}
