/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard sets [REV]`: the migration sets a check of REV (default
 * HEAD) would replay, how each was found, its runner and its files, so
 * that what detection decided can be seen before it decides a push.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cascadeguard.h"
#include "check.h"
#include "config.h"
#include "err.h"
#include "git_changes.h"
#include "migrations.h"
#include "util.h"
#include "banned.h"

static int
print_help(const char *cmd)
{
	printf("%s\n\n", cg_usage(cmd));
	printf("Lists the migration sets that a check of REV (default HEAD) "
	    "replays: each set's\nname, runner (target), number of "
	    "migration files and globs, and what it was\nfound from (a "
	    "wrangler binding, a drizzle journal, a prisma lock file, a "
	    "folder,\nor .cascadeguard).  Sets that are not SQLite are "
	    "listed with the reason they\nare skipped.\n\n"
	    "  -C, --repo dir           run in the repository at dir\n"
	    "      --migrations glob    migration files (repeatable; replaces "
	    "detection)\n"
	    "      --no-config          ignore the .cascadeguard file of REV\n"
	    "      --target name        how migrations run (docs/runners.md)\n"
	    "  -h, --help               this help\n\n"
	    "exit status: 0 listed, 2 usage or internal error\n");
	return CG_EXIT_CLEAN;
}

/* The number of files of a checked set at side. */
static int
count_files(size_t *out, struct cg_repo *repo, const struct cg_side *side,
    const struct cg_set *set, struct cg_err *err)
{
	struct cg_entry *files = NULL;
	int rc;

	*out = 0;
	rc = (set->target == CG_TARGET_D1 ? cg_repo_list_with_down :
	    cg_repo_list)(&files, out, repo, side,
	    (const char *const *)set->globs.v, set->globs.n, err);
	cg_entries_free(files, *out);
	return rc;
}

/*
 * One set, escaped: its values come from the repository's files.  A
 * folder with no migration file yet (a sibling Worker's, a wrangler
 * migrations_dir not created) is no set to check today, but a change
 * that adds its first file is checked: skipped, with that reason.
 */
static int
describe(struct cg_buf *b, const struct cg_set *set, size_t nfiles,
    struct cg_err *err)
{
	const char *name = set->name != NULL ? set->name : "(migrations)";
	size_t i;
	int rc;

	rc = cg_buf_puts(b, "  ", err);
	if (rc == 0)
		rc = cg_buf_escape(b, name, strlen(name), err);
	if (rc < 0)
		return rc;
	if (set->skip != NULL) {
		rc = cg_buf_puts(b, ": not checked: ", err);
		if (rc == 0)
			rc = cg_buf_escape(b, set->skip, strlen(set->skip),
			    err);
	} else if (nfiles == 0) {
		rc = cg_buf_puts(b, ": skipped: no migration files", err);
	} else {
		rc = cg_buf_printf(b, err, ": target %s, %zu file%s",
		    cg_target_name(set->target), nfiles,
		    nfiles == 1 ? "" : "s");
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\n    files:", err);
	for (i = 0; rc == 0 && i < set->globs.n; i++) {
		rc = cg_buf_puts(b, " ", err);
		if (rc == 0)
			rc = cg_buf_escape(b, set->globs.v[i],
			    strlen(set->globs.v[i]), err);
	}
	if (rc == 0 && set->origin != NULL) {
		rc = cg_buf_puts(b, "\n    found from: ", err);
		if (rc == 0)
			rc = cg_buf_escape(b, set->origin, strlen(set->origin),
			    err);
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", err);
	return rc;
}

int
cmd_sets(int argc, char **argv, struct cg_err *err)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "migrations", required_argument, NULL, 'm' },
		{ "no-config", no_argument, NULL, 'n' },
		{ "repo", required_argument, NULL, 'C' },
		{ "target", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_check_opts opts = CG_CHECK_OPTS_INIT;
	struct cg_strvec globs = CG_STRVEC_INIT;
	struct cg_buf out = CG_BUF_INIT;
	struct cg_set *sets = NULL;
	struct cg_side tip;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	const char *rev = "HEAD";
	size_t *nfiles = NULL;
	size_t nsets = 0, nempty = 0, i;
	int code = CG_EXIT_ERROR;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":C:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			code = print_help(argv[0]);
			goto out;
		}
		rc = cg_check_option(c, &opts, &globs, &repo_path, argv, err);
		if (rc < 0)
			goto out;
	}
	opts.cli_globs = &globs;
	rc = cg_open_revision(&repo, &tip, repo_path, argc, argv, "sets", err);
	if (rc < 0)
		goto out;
	if (optind < argc)
		rev = argv[optind];
	rc = cg_check_sets(&sets, &nsets, repo, &tip, &opts, err);
	if (rc < 0)
		goto out;
	nfiles = calloc(nsets ? nsets : 1, sizeof(*nfiles));
	if (nfiles == NULL) {
		cg_err_nomem(err);
		goto out;
	}
	for (i = 0; i < nsets; i++) {
		if (sets[i].skip != NULL)
			continue;
		rc = count_files(&nfiles[i], repo, &tip, &sets[i], err);
		if (rc < 0)
			goto out;
		nempty += nfiles[i] == 0;
	}
	rc = cg_buf_printf(&out, err, "%zu migration set%s at ",
	    nsets - nempty, nsets - nempty == 1 ? "" : "s");
	if (rc == 0)
		rc = cg_buf_escape(&out, rev, strlen(rev), err);
	if (rc == 0 && nempty > 0)
		rc = cg_buf_printf(&out, err, " (and %zu folder%s with no "
		    "migration files)", nempty, nempty == 1 ? "" : "s");
	if (rc == 0)
		rc = cg_buf_puts(&out, ":\n", err);
	for (i = 0; rc == 0 && i < nsets; i++)
		rc = describe(&out, &sets[i], nfiles[i], err);
	if (rc < 0)
		goto out;
	if (fwrite(out.data, 1, out.len, stdout) != out.len) {
		cg_err_set(err, CG_ESYS, "cannot write the sets: %s",
		    strerror(errno));
		goto out;
	}
	code = CG_EXIT_CLEAN;
out:
	free(nfiles);
	cg_sets_free(sets, nsets);
	cg_buf_release(&out);
	cg_strvec_release(&globs);
	cg_repo_free(repo);
	return code;
}
