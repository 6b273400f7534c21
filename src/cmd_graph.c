/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard graph [REV]`: replay the migrations of REV (default
 * HEAD) and print the cascade graph as a tree, Graphviz dot or mermaid.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cascadeguard.h"
#include "check.h"
#include "config.h"
#include "err.h"
#include "git_changes.h"
#include "graph.h"
#include "report.h"
#include "util.h"
#include "banned.h"

static int
print_help(const char *cmd)
{
	printf("%s\n\n", cg_usage(cmd));
	printf("Replays the migrations of REV (default HEAD) in an in-memory "
	    "SQLite and prints\nthe foreign-key graph: which tables lose or "
	    "change rows when rows of a\nparent are deleted.\n\n"
	    "  -C, --repo dir           run in the repository at dir\n"
	    "      --format fmt         tree (default), dot (Graphviz) or "
	    "mermaid\n"
	    "      --migrations glob    migration files (repeatable; replaces "
	    "the defaults)\n"
	    "      --no-config          ignore the .cascadeguard file of REV\n"
	    "      --set name           check only the migration set name (see "
	    "docs/layouts.md)\n"
	    "      --target name        how migrations run: d1 (default), sqlite, "
	    "drizzle,\n"
	    "                           libsql, prisma, sqlx or golang-migrate "
	    "(docs/runners.md)\n"
	    "  -h, --help               this help\n\n"
	    "exit status: 0 graph printed, 2 usage or internal error\n");
	return CG_EXIT_CLEAN;
}

int
cmd_graph(int argc, char **argv, struct cg_err *err)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "migrations", required_argument, NULL, 'm' },
		{ "no-config", no_argument, NULL, 'n' },
		{ "repo", required_argument, NULL, 'C' },
		{ "set", required_argument, NULL, 's' },
		{ "target", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_check_opts opts = CG_CHECK_OPTS_INIT;
	struct cg_strvec globs = CG_STRVEC_INIT;
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_buf out = CG_BUF_INIT;
	enum cg_graph_format fmt = CG_GRAPH_TREE;
	struct cg_side tip;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	int code = CG_EXIT_ERROR;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			rc = cg_report_parse_graph_format(&fmt, optarg, err);
			if (rc < 0)
				goto out;
			break;
		case 'h':
			code = print_help(argv[0]);
			goto out;
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
	opts.cli_globs = &globs;
	rc = cg_open_revision(&repo, &tip, repo_path, argc, argv, "graph",
	    err);
	if (rc < 0)
		goto out;
	rc = cg_check_graph(&g, NULL, repo, &tip, &opts, err);
	if (rc < 0)
		goto out;
	rc = cg_report_graph(&out, &g, fmt, err);
	if (rc < 0)
		goto out;
	if (fwrite(out.data, 1, out.len, stdout) != out.len) {
		cg_err_set(err, CG_ESYS, "cannot write the graph: %s",
		    strerror(errno));
		goto out;
	}
	code = CG_EXIT_CLEAN;
out:
	cg_buf_release(&out);
	cg_graph_release(&g);
	cg_strvec_release(&globs);
	cg_repo_free(repo);
	return code;
}
