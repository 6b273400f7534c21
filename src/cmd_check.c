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
	    "      --migrations glob    migration files (repeatable; replaces "
	    "the defaults)\n"
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

int
cmd_check_range(int argc, char **argv, struct cg_err *err)
{
	static const struct option longopts[] = {
		{ "color", required_argument, NULL, 'c' },
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
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			repo_path = optarg;
			break;
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
		case 'm':
			rc = cg_strvec_push(&globs, optarg, err);
			if (rc < 0)
				goto out;
			break;
		case 'n':
			opts.use_repo_config = 0;
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
		case 't':
			rc = cg_config_parse_target(&opts.cli_target, optarg,
			    err);
			if (rc < 0) {
				err->code = CG_EUSAGE;
				goto out;
			}
			opts.cli_target_set = 1;
			break;
		case ':':
			cg_err_set(err, CG_EUSAGE, "option '%s' needs a value",
			    argv[optind - 1]);
			goto out;
		default:
			cg_err_set(err, CG_EUSAGE, "unknown option '%s'",
			    argv[optind - 1]);
			goto out;
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
	rc = cg_check_run(&findings, &stats, repo, &base, &tip, &opts, err);
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
