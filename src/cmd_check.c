/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard check-range RANGE`: the check for CI and for people.
 * Parses options, resolves the range, runs the check, prints the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cascadeguard.h"
#include "check.h"
#include "config.h"
#include "err.h"
#include "git_changes.h"
#include "report.h"
#include "banned.h"

/* Colour for the text report: --color wins, then NO_COLOR, tty and TERM. */
static int
want_color(const char *when, int *out, struct cg_err *err)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (when == NULL || strcmp(when, "auto") == 0) {
		*out = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0') &&
		    (term == NULL || strcmp(term, "dumb") != 0);
		return 0;
	}
	if (strcmp(when, "always") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(when, "never") == 0) {
		*out = 0;
		return 0;
	}
	return cg_err_set(err, CG_EUSAGE, "--color takes auto, always or "
	    "never, not '%s'", when);
}

static int
print_help(const char *cmd)
{
	printf("%s\n\n", cg_usage(cmd));
	printf("Checks the migrations that RANGE adds: A..B (from A to B), "
	    "A...B (from the\nmerge base of A and B to B) or R (R^..R). "
	    "Migrations are read from git\nobjects, never from the working "
	    "tree.\n\n"
	    "  -C, --repo dir           run in the repository at dir\n"
	    "      --color when         auto (default), always or never\n"
	    "      --format fmt         text (default), json, sarif, github or "
	    "gitlab\n"
	    "      --each-commit        check every commit of the range against "
	    "its first\n"
	    "                           parent, not only the range's ends\n"
	    "      --migrations glob    migration files (repeatable; replaces "
	    "detection)\n"
	    "      --no-cache           do not read or write the replay cache\n"
	    "      --no-config          ignore the .cascadeguard file of the tip\n"
	    "      --no-simulate        skip the data-loss simulation on seeded "
	    "rows\n"
	    "      --set name           check only the migration set name (see "
	    "docs/layouts.md)\n"
	    "      --target name        how migrations run: d1 (default), sqlite, "
	    "drizzle,\n"
	    "                           libsql, prisma, sqlx or golang-migrate "
	    "(docs/runners.md)\n"
	    "  -h, --help               this help\n\n"
	    "exit status: 0 no error findings, 1 error findings, 2 usage or "
	    "internal error\n");
	return CG_EXIT_CLEAN;
}

static int
same_finding(const struct cg_finding *a, const struct cg_finding *b)
{
	return a->rule == b->rule && a->line == b->line &&
	    (a->path == NULL) == (b->path == NULL) &&
	    (a->path == NULL || strcmp(a->path, b->path) == 0) &&
	    (a->set == NULL) == (b->set == NULL) &&
	    (a->set == NULL || strcmp(a->set, b->set) == 0) &&
	    strcmp(a->message, b->message) == 0;
}

/*
 * --each-commit: every commit of the range against its first parent,
 * oldest first.  A finding that a later commit repeats (a merge brings
 * the same file again) is kept once, with the commit that first had it.
 * The summary counts every check.
 */
static int
check_each_commit(struct cg_findings *out, struct cg_check_stats *stats,
    struct cg_repo *repo, const struct cg_side *base,
    const struct cg_side *tip, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	struct cg_strvec commits = CG_STRVEC_INIT, parents = CG_STRVEC_INIT;
	struct cg_findings one = CG_FINDINGS_INIT;
	struct cg_check_stats st;
	struct cg_side cs, ps;
	size_t i, j, k;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = cg_repo_range_commits(&commits, &parents, repo, base, tip, err);
	for (i = 0; rc == 0 && i < commits.n; i++) {
		rc = cg_repo_commit_side(&cs, repo, commits.v[i], err);
		if (rc == 0 && parents.v[i][0] != '\0')
			rc = cg_repo_commit_side(&ps, repo, parents.v[i], err);
		else
			ps.kind = CG_SIDE_EMPTY;
		if (rc == 0)
			rc = cg_check_run(&one, &st, repo, &ps, &cs, opts, err);
		if (rc < 0)
			break;
		stats->nnew += st.nnew;
		stats->nstatements += st.nstatements;
		if (st.nhistory > stats->nhistory)
			stats->nhistory = st.nhistory;
		if (st.nsets > stats->nsets)
			stats->nsets = st.nsets;
		stats->target = st.target;
		for (j = 0; rc == 0 && j < one.n; j++) {
			for (k = 0; k < out->n; k++)
				if (same_finding(&out->v[k], &one.v[j]))
					break;
			if (k < out->n) {
				cg_finding_release(&one.v[j]);
				continue;
			}
			rc = cg_finding_set_str(&one.v[j].commit, commits.v[i],
			    err);
			if (rc == 0)
				rc = cg_grow(&out->v, &out->cap, out->n + 1,
				    sizeof(*out->v), err);
			if (rc == 0)
				out->v[out->n++] = one.v[j];
			else
				cg_finding_release(&one.v[j]);
		}
		for (; j < one.n; j++)
			cg_finding_release(&one.v[j]);
		one.n = 0;
	}
	cg_findings_sort(out);
	cg_findings_release(&one);
	cg_strvec_release(&commits);
	cg_strvec_release(&parents);
	return rc;
}

int
cg_check_option(int c, struct cg_check_opts *opts, struct cg_strvec *globs,
    const char **repo_path, char *const *argv, struct cg_err *err)
{
	int rc;

	switch (c) {
	case 'C':
		*repo_path = optarg;
		return 0;
	case 'm':
		return cg_strvec_push(globs, optarg, err);
	case 'n':
		opts->use_repo_config = 0;
		return 0;
	case 't':
		rc = cg_config_parse_target(&opts->cli_target, optarg, err);
		if (rc < 0) {
			err->code = CG_EUSAGE;	/* its message stands */
			return CG_EUSAGE;
		}
		opts->cli_target_set = 1;
		return 0;
	case ':':
		return cg_err_set(err, CG_EUSAGE, "option '%s' needs a value",
		    argv[optind - 1]);
	default:
		return cg_unknown_option(err, argv);
	}
}

int
cg_open_revision(struct cg_repo **repo, struct cg_side *tip,
    const char *repo_path, int argc, char *const *argv, const char *cmd,
    struct cg_err *err)
{
	struct cg_side base;
	const char *rev = "HEAD";
	int rc;

	*repo = NULL;
	if (argc - optind > 1)
		return cg_err_set(err, CG_EUSAGE, "too many arguments");
	if (argc - optind == 1)
		rev = argv[optind];
	if (strstr(rev, "..") != NULL)
		return cg_err_set(err, CG_EUSAGE, "%s takes one revision, not "
		    "a range '%s'", cmd, rev);
	rc = cg_repo_open(repo, repo_path, CG_REPO_DISCOVER, err);
	if (rc < 0)
		return rc;
	/* "R" resolves to R^..R: the tip is R itself. */
	return cg_repo_resolve_range(&base, tip, *repo, rev, err);
}

int
cmd_check_range(int argc, char **argv, struct cg_err *err)
{
	static const struct option longopts[] = {
		{ "color", required_argument, NULL, 'c' },
		{ "each-commit", no_argument, NULL, 'E' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "migrations", required_argument, NULL, 'm' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "no-config", no_argument, NULL, 'n' },
		{ "no-simulate", no_argument, NULL, 'S' },
		{ "repo", required_argument, NULL, 'C' },
		{ "set", required_argument, NULL, 's' },
		{ "target", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_check_opts opts = CG_CHECK_OPTS_INIT;
	struct cg_report_opts ropts = CG_REPORT_OPTS_INIT;
	struct cg_findings findings = CG_FINDINGS_INIT;
	struct cg_strvec globs = CG_STRVEC_INIT;
	struct cg_check_stats stats;
	struct cg_side base, tip;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	const char *color = NULL;
	int code = CG_EXIT_ERROR;
	int each = 0;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			color = optarg;
			break;
		case 'f':
			rc = cg_report_parse_format(&ropts.format, optarg, err);
			if (rc < 0)
				goto out;
			break;
		case 'h':
			code = print_help(argv[0]);
			goto out;
		case 'E':
			each = 1;
			break;
		case 'N':
			opts.no_cache = 1;
			break;
		case 'S':
			opts.no_simulate = 1;
			break;
		case 's':
			opts.only_set = optarg;
			break;
		default:
			rc = cg_check_option(c, &opts, &globs, &repo_path, argv,
			    err);
			if (rc < 0)
				goto out;
			break;
		}
	}
	if (argc - optind != 1) {
		cg_err_set(err, CG_EUSAGE, argc - optind == 0 ?
		    "no range given" : "too many arguments");
		goto out;
	}
	rc = want_color(color, &ropts.color, err);
	if (rc < 0)
		goto out;
	opts.cli_globs = &globs;
	ropts.range = argv[optind];

	rc = cg_repo_open(&repo, repo_path, CG_REPO_DISCOVER, err);
	if (rc < 0)
		goto out;
	rc = cg_repo_resolve_range(&base, &tip, repo, argv[optind], err);
	if (rc < 0)
		goto out;
	if (each)
		rc = check_each_commit(&findings, &stats, repo, &base, &tip,
		    &opts, err);
	else
		rc = cg_check_run(&findings, &stats, repo, &base, &tip, &opts,
		    err);
	if (rc < 0)
		goto out;
	rc = cg_report_write(stdout, &findings, &stats, &ropts, err);
	if (rc < 0)
		goto out;
	code = cg_findings_count(&findings, CG_SEV_ERROR) > 0 ?
	    CG_EXIT_FINDINGS : CG_EXIT_CLEAN;
out:
	cg_findings_release(&findings);
	cg_strvec_release(&globs);
	cg_repo_free(repo);
	return code;
}
