/* SPDX-License-Identifier: MIT */
/*
 * `cascadeguard explain [RULE]`: the long form of a rule, or the list of
 * rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cascadeguard.h"
#include "err.h"
#include "explain.h"
#include "finding.h"
#include "banned.h"

static int
print_help(const char *cmd)
{
	printf("%s\n\n", cg_usage(cmd));
	printf("Without RULE, lists the rules with their default severity.  "
	    "With RULE, prints\nwhat it catches, why it matters, a bad and "
	    "a good example and how to suppress it.\n\n"
	    "  -h, --help   this help\n\n"
	    "exit status: 0 shown, 2 unknown rule or usage error\n");
	return CG_EXIT_CLEAN;
}

static int
list_rules(void)
{
	const struct cg_rule_info *ri;
	int i;

	printf("rules (see 'cascadeguard explain RULE'):\n");
	for (i = 0; i < CG_RULE__COUNT; i++) {
		ri = cg_rule_info((enum cg_rule)i);
		printf("  %-26s %-8s %s\n", ri->name,
		    cg_severity_name(ri->severity), ri->summary);
	}
	return CG_EXIT_CLEAN;
}

int
cmd_explain(int argc, char **argv, struct cg_err *err)
{
	char *text;
	int i, rule = -1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return print_help(argv[0]);
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] == '-') {
			cg_err_set(err, CG_EUSAGE, "unknown option '%s'",
			    argv[i]);
			return CG_EXIT_ERROR;
		}
		break;
	}
	if (i >= argc)
		return list_rules();
	if (argc - i > 1) {
		cg_err_set(err, CG_EUSAGE, "too many arguments");
		return CG_EXIT_ERROR;
	}
	rule = cg_rule_lookup(argv[i]);
	if (rule < 0) {
		cg_err_set(err, CG_EUSAGE, "unknown rule '%s' (see "
		    "'cascadeguard explain' for the list)", argv[i]);
		return CG_EXIT_ERROR;
	}
	text = cg_explain_text((enum cg_rule)rule);
	if (text == NULL) {
		cg_err_set(err, CG_ENOMEM, "out of memory");
		return CG_EXIT_ERROR;
	}
	fputs(text, stdout);
	free(text);
	return CG_EXIT_CLEAN;
}
