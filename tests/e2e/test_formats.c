/* SPDX-License-Identifier: MIT */
/*
 * Every report format on the same findings (the incident rebuild, a
 * suppressed finding, a path with a space and a non-ASCII character),
 * compared byte for byte with tests/golden/formats.<fmt>; colour rules;
 * suppression comments end to end.  CG_UPDATE_GOLDEN=1 rewrites the
 * golden files instead of comparing (review the diff before committing).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "helpers/repo.h"

#define SUPPRESSED_FILE "migrations/0004_clean up é.sql"

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

TestSuite(formats, .init = setup, .fini = teardown);

static void
commit(const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0);
}

/* main: the incident history; feature: the rebuild and a suppressed drop. */
static void
findings_repo(void)
{
	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	cg_test_copy(dir, "migrations/0002_more_children.sql",
	    "examples/incident/0002_more_children.sql");
	commit("history");
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	cg_test_copy(dir, "migrations/0003_rebuild_projects.sql",
	    "examples/incident/0003_rebuild_projects.sql");
	cg_test_write(dir, SUPPRESSED_FILE,
	    "-- environments.name moved to a settings table\n"
	    "-- cascadeguard: allow drop-column copied to settings in 0003, "
	    "nothing reads it\n"
	    "ALTER TABLE environments DROP COLUMN name;\n");
	commit("feature");
}

static void
run(struct cg_run *r, const char *fmt, const char *const *env)
{
	char opt[64];
	/*
	 * The goldens pin the formats, not the simulation's wording, so
	 * they run without it (simulated row counts are tested elsewhere).
	 */
	const char *args[] = { "check-range", "--no-simulate", opt,
		"main..feature", NULL };

	snprintf(opt, sizeof(opt), "--format=%s", fmt);
	cg_test_run(r, dir, args, NULL, env);
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

/* Compare out with tests/golden/name byte for byte (or rewrite it). */
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
	cr_assert_not_null(want, "no golden file %s (CG_UPDATE_GOLDEN=1 "
	    "writes it)", path);
	cr_assert_eq(len, strlen(out), "%s: %zu bytes expected, got %zu:\n%s",
	    name, len, strlen(out), out);
	cr_assert(memcmp(want, out, len) == 0, "%s differs:\n%s", name, out);
	free(want);
}

static void
format_golden(const char *fmt)
{
	struct cg_run r;
	char name[64];

	findings_repo();
	run(&r, fmt, NULL);
	cr_assert_eq(r.code, 1, "exit %d\nstdout:\n%s\nstderr:\n%s", r.code,
	    r.out, r.err);
	cr_assert(quiet_stderr(r.err), "%s", r.err);
	snprintf(name, sizeof(name), "formats.%s", fmt);
	golden(name, r.out);
	cg_run_release(&r);
}

Test(formats, text_golden)
{
	format_golden("text");
}

Test(formats, json_golden)
{
	format_golden("json");
}

Test(formats, sarif_golden)
{
	format_golden("sarif");
}

Test(formats, github_golden)
{
	format_golden("github");
}

Test(formats, gitlab_golden)
{
	format_golden("gitlab");
}

Test(formats, json_has_the_suppressed_finding_and_counts)
{
	json_error_t jerr;
	json_t *root, *fs, *f, *sum;
	struct cg_run r;
	size_t i, nsup = 0;

	findings_repo();
	run(&r, "json", NULL);
	root = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(root, "not JSON: %s\n%s", jerr.text, r.out);
	cr_assert_str_eq(json_string_value(json_object_get(root, "schema")),
	    "cascadeguard-findings/1");
	fs = json_object_get(root, "findings");
	cr_assert(json_is_array(fs));
	json_array_foreach(fs, i, f) {
		if (!json_is_true(json_object_get(f, "suppressed")))
			continue;
		nsup++;
		cr_assert_str_eq(json_string_value(json_object_get(f, "rule")),
		    "drop-column");
		cr_assert_str_eq(json_string_value(json_object_get(f, "file")),
		    SUPPRESSED_FILE);
		cr_assert_str_eq(json_string_value(json_object_get(f,
		    "suppress_reason")),
		    "copied to settings in 0003, nothing reads it");
		cr_assert_eq(json_integer_value(json_object_get(f, "line")), 3);
	}
	cr_assert_eq(nsup, 1);
	sum = json_object_get(root, "summary");
	cr_assert_eq(json_integer_value(json_object_get(sum, "suppressed")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "errors")), 1);
	json_decref(root);
	cg_run_release(&r);
}

Test(formats, unknown_format_is_a_usage_error)
{
	struct cg_run r;

	findings_repo();
	run(&r, "xml", NULL);
	cr_assert_eq(r.code, 2);
	cr_assert(strstr(r.err, "--format takes") != NULL, "%s", r.err);
	cr_assert_str_empty(r.out);
	cg_run_release(&r);
}

/* --- colour --- */

static void
color_run(struct cg_run *r, const char *color, const char *const *env)
{
	const char *args[] = { "check-range", color, "main..feature", NULL };

	findings_repo();
	cg_test_run(r, dir, args, NULL, env);
	cr_assert_eq(r->code, 1, "%s", r->err);
}

Test(formats, no_color_means_no_escape_codes)
{
	struct cg_run r;

	color_run(&r, "--color=auto", NULL);	/* the helper sets NO_COLOR=1 */
	cr_assert_null(strchr(r.out, '\033'), "%s", r.out);
	cg_run_release(&r);
}

Test(formats, non_tty_means_no_escape_codes)
{
	static const char *const env[] = { "NO_COLOR=", "TERM=xterm", NULL };
	struct cg_run r;

	color_run(&r, "--color=auto", env);	/* stdout is a pipe */
	cr_assert_null(strchr(r.out, '\033'), "%s", r.out);
	cg_run_release(&r);
}

Test(formats, color_always_colours_even_with_no_color)
{
	struct cg_run r;

	color_run(&r, "--color=always", NULL);
	cr_assert(strstr(r.out, "\033[1;31m") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(formats, machine_formats_never_colour)
{
	struct cg_run r;
	const char *args[] = { "check-range", "--color=always",
		"--format=json", "main..feature", NULL };

	findings_repo();
	cg_test_run(&r, dir, args, NULL, NULL);
	cr_assert_eq(r.code, 1);
	cr_assert_null(strchr(r.out, '\033'));
	cg_run_release(&r);
}

/* --- suppressions --- */

static void
one_file_repo(const char *file, const char *text)
{
	cg_test_copy(dir, "migrations/0001_init.sql",
	    "examples/incident/0001_init.sql");
	commit("history");
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	cg_test_write(dir, file, text);
	commit("feature");
}

static void
check(struct cg_run *r)
{
	const char *args[] = { "check-range", "main..feature", NULL };

	cg_test_run(r, dir, args, NULL, NULL);
}

Test(formats, suppressed_error_exits_0_and_is_shown)
{
	struct cg_run r;

	one_file_repo("migrations/0002_drop.sql",
	    "-- cascadeguard: allow cascade-drop projects is empty in every "
	    "environment\n"
	    "DROP TABLE projects;\n");
	check(&r);
	cr_assert_eq(r.code, 0, "exit %d\n%s%s", r.code, r.out, r.err);
	cr_assert(strstr(r.out, "suppressed error[cascade-drop]") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "suppressed: projects is empty in every "
	    "environment") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(formats, suppression_for_another_rule_does_not_suppress)
{
	struct cg_run r;

	one_file_repo("migrations/0002_drop.sql",
	    "-- cascadeguard: allow rename not this one\n"
	    "DROP TABLE projects;\n");
	check(&r);
	cr_assert_eq(r.code, 1, "%s", r.out);
	cr_assert(strstr(r.out, "suppressed error") == NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(formats, suppression_not_directly_above_does_not_suppress)
{
	struct cg_run r;

	one_file_repo("migrations/0002_drop.sql",
	    "-- cascadeguard: allow cascade-drop a blank line follows\n"
	    "\n"
	    "DROP TABLE projects;\n");
	check(&r);
	cr_assert_eq(r.code, 1, "%s", r.out);
	cg_run_release(&r);
}

Test(formats, suppression_without_reason_is_an_error)
{
	struct cg_run r;

	one_file_repo("migrations/0002_add.sql",
	    "-- cascadeguard: allow drop-column\n"
	    "ALTER TABLE tasks ADD COLUMN due TEXT;\n");
	check(&r);
	cr_assert_eq(r.code, 1, "%s", r.out);
	cr_assert(strstr(r.out, "migrations/0002_add.sql:1:1: "
	    "error[bad-suppression]: bad suppression comment: no reason "
	    "given") != NULL, "%s", r.out);
	cg_run_release(&r);
}

Test(formats, suppression_with_unknown_rule_is_an_error)
{
	struct cg_run r;

	one_file_repo("migrations/0002_drop.sql",
	    "-- cascadeguard: allow cascade-drp typo in the rule\n"
	    "DROP TABLE projects;\n");
	check(&r);
	cr_assert_eq(r.code, 1, "%s", r.out);
	cr_assert(strstr(r.out, "error[bad-suppression]: suppression names "
	    "an unknown rule 'cascade-drp'") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, ": error[cascade-drop]") != NULL, "%s", r.out);
	cg_run_release(&r);
}
