/* SPDX-License-Identifier: MIT */
/*
 * Process setup, the command table and exit codes.  The only file that
 * prints errors or calls exit().
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cascadeguard.h"
#include "err.h"
#include "banned.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cg_err *err);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "check-range", cmd_check_range,
	    "usage: cascadeguard check-range [-C dir] [--color when] "
	    "[--each-commit] [--format fmt]\n"
	    "                                [--migrations glob]... "
	    "[--no-cache] [--no-config]\n"
	    "                                [--no-simulate] [--set name] "
	    "[--target name] range",
	    "check the migrations that a range of commits adds" },
	{ "explain", cmd_explain,
	    "usage: cascadeguard explain [rule]",
	    "explain a rule, or list the rules" },
	{ "graph", cmd_graph,
	    "usage: cascadeguard graph [-C dir] [--format tree|dot|mermaid]\n"
	    "                          [--migrations glob]... [--no-config]\n"
	    "                          [--set name] [--target name] [rev]",
	    "print the cascade graph of the schema at a revision" },
	{ "sets", cmd_sets,
	    "usage: cascadeguard sets [-C dir] [--migrations glob]... "
	    "[--no-config]\n"
	    "                         [--target name] [rev]",
	    "list the migration sets of a revision and how they were found" },
	{ "pre-commit", cmd_pre_commit,
	    "usage: cascadeguard pre-commit [-C dir]",
	    "git pre-commit hook: check what is staged" },
	{ "pre-receive", cmd_pre_receive,
	    "usage: cascadeguard pre-receive [-C dir] < <old> <new> <ref> lines",
	    "git pre-receive hook: check every pushed ref" },
	{ "install", cmd_install,
	    "usage: cascadeguard install [-C dir] [--force] "
	    "pre-commit|pre-receive",
	    "write a git hook that runs cascadeguard" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_usage[] =
    "usage: cascadeguard [--help] [--version] command [args]";

int
cg_unknown_option(struct cg_err *err, char *const *argv)
{
	if (optopt > 0 && optopt < 128 && isgraph(optopt))
		return cg_err_set(err, CG_EUSAGE, "unknown option '-%c'",
		    optopt);
	return cg_err_set(err, CG_EUSAGE, "unknown option '%s'",
	    argv[optind - 1]);
}

const char *
cg_usage(const char *cmd)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i].usage;
	return main_usage;
}

static void
print_main_help(FILE *f)
{
	size_t i;

	fprintf(f, "%s\n\n", main_usage);
	fprintf(f, "Replays the migration history of a git repository in an "
	    "in-memory SQLite\nand rejects migrations that would destroy "
	    "rows, above all through\nON DELETE CASCADE.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nexit status: 0 no error findings, 1 error findings, "
	    "2 usage or internal error\n"
	    "see 'cascadeguard <command> --help'\n");
}

/* Like curl's main_checkfds: never let our output land on a stray fd. */
static void
check_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
				_exit(CG_EXIT_ERROR);
		}
	}
}

static int
finish(int code)
{
	/* A report that did not reach its reader is a failure. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "cascadeguard: cannot write the report: %s\n",
		    strerror(errno));
		return CG_EXIT_ERROR;
	}
	return code;
}

int
main(int argc, char **argv)
{
	struct cg_err err = CG_ERR_INIT;
	const struct command *cmd = NULL;
	size_t i;
	int code;

	check_fds();
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		fprintf(stderr, "cascadeguard: no command given\n%s\n"
		    "see 'cascadeguard --help'\n", main_usage);
		return CG_EXIT_ERROR;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_main_help(stdout);
		return finish(CG_EXIT_CLEAN);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("cascadeguard %s\n", CG_VERSION);
		return finish(CG_EXIT_CLEAN);
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "cascadeguard: unknown command '%s'\n%s\n"
		    "see 'cascadeguard --help'\n", argv[1], main_usage);
		return CG_EXIT_ERROR;
	}

	code = cmd->fn(argc - 1, argv + 1, &err);
	if (code == CG_EXIT_ERROR) {
		if (err.code == CG_EUSAGE)
			fprintf(stderr, "cascadeguard %s: %s\n%s\n"
			    "see 'cascadeguard %s --help'\n", cmd->name,
			    err.msg, cmd->usage, cmd->name);
		else
			fprintf(stderr, "cascadeguard: %s\n",
			    err.msg[0] ? err.msg : "internal error");
	}
	return finish(code);
}
