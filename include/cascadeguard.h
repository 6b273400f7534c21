/* SPDX-License-Identifier: MIT */
/*
 * The command layer: one function per subcommand, called by main.c.
 * Each returns an exit code: 0 clean, 1 error findings, 2 usage or
 * internal error.
 */
#ifndef CG_CASCADEGUARD_H
#define CG_CASCADEGUARD_H

#define CG_VERSION "0.1.0"

#define CG_EXIT_CLEAN 0
#define CG_EXIT_FINDINGS 1
#define CG_EXIT_ERROR 2

struct cg_err;

/*
 * Subcommands.  argv[0] is the subcommand's name.  On exit code 2 the
 * reason is in err (code CG_EUSAGE: main.c adds the synopsis); --help
 * prints the usage to stdout and returns 0.
 */
int cmd_check_range(int argc, char **argv, struct cg_err *err);
/* Reporting (src/cmd_explain.c, src/cmd_graph.c, src/cmd_sets.c). */
int cmd_explain(int argc, char **argv, struct cg_err *err);
int cmd_graph(int argc, char **argv, struct cg_err *err);
int cmd_sets(int argc, char **argv, struct cg_err *err);
/* Git hooks (src/cmd_hooks.c). */
int cmd_pre_commit(int argc, char **argv, struct cg_err *err);
int cmd_pre_receive(int argc, char **argv, struct cg_err *err);
int cmd_install(int argc, char **argv, struct cg_err *err);

/* The synopsis of a subcommand, for usage errors and --help. */
const char *cg_usage(const char *cmd);

/*
 * For getopt_long's '?': "unknown option '-x'" (a short option, which
 * may sit in a cluster) or the unknown long option itself.  Returns
 * CG_EUSAGE.
 */
int cg_unknown_option(struct cg_err *err, char *const *argv);

struct cg_check_opts;
struct cg_repo;
struct cg_side;
struct cg_strvec;

/*
 * The options check-range, graph and sets share, for getopt_long's c:
 * -C (*repo_path), --migrations (globs), --no-config and --target (opts),
 * and getopt's own errors (':', '?').  Returns 0 when c was one of them,
 * else CG_EUSAGE or CG_ENOMEM (err set): an option this command does not
 * take is "unknown".  (src/cmd_check.c)
 */
int cg_check_option(int c, struct cg_check_opts *opts,
    struct cg_strvec *globs, const char **repo_path, char *const *argv,
    struct cg_err *err);

/*
 * The one revision argv[optind..argc) names (default HEAD; a range is a
 * usage error), in the repository at repo_path (or found from the
 * current folder): *repo (caller frees) and *tip.  (src/cmd_check.c)
 */
int cg_open_revision(struct cg_repo **repo, struct cg_side *tip,
    const char *repo_path, int argc, char *const *argv, const char *cmd,
    struct cg_err *err);

#endif
