/* SPDX-License-Identifier: MIT */
/* Every rule has an explanation (explain.h), and its text is complete. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "finding.h"

Test(explain, every_rule_has_every_part)
{
	const struct cg_explain *ex;
	int i;

	for (i = 0; i < CG_RULE__COUNT; i++) {
		const char *name = cg_rule_info((enum cg_rule)i)->name;

		ex = cg_explain_get((enum cg_rule)i);
		cr_assert_not_null(ex, "rule %s has no explain text", name);
		cr_assert(ex->catches != NULL && ex->catches[0] != '\0',
		    "%s: what it catches", name);
		cr_assert(ex->why != NULL && ex->why[0] != '\0',
		    "%s: why it matters", name);
		cr_assert(ex->bad != NULL && ex->bad[0] != '\0', "%s: bad", name);
		cr_assert(ex->good != NULL && ex->good[0] != '\0',
		    "%s: good", name);
		cr_assert(strcmp(ex->bad, ex->good) != 0, "%s", name);
	}
}

Test(explain, text_names_the_rule_and_how_to_suppress_it)
{
	char want[128];
	char *text;
	int i;

	for (i = 0; i < CG_RULE__COUNT; i++) {
		const struct cg_rule_info *ri = cg_rule_info((enum cg_rule)i);

		text = cg_explain_text((enum cg_rule)i);
		cr_assert_not_null(text, "%s", ri->name);
		cr_assert(strncmp(text, ri->name, strlen(ri->name)) == 0,
		    "%s", text);
		snprintf(want, sizeof(want), "-- cascadeguard: allow %s "
		    "<reason>", ri->name);
		cr_assert(strstr(text, want) != NULL, "%s", text);
		cr_assert(strstr(text, "\nBad:\n    ") != NULL, "%s", text);
		cr_assert(strstr(text, "\nGood:\n    ") != NULL, "%s", text);
		cr_assert(strstr(text, ri->summary) != NULL, "%s", text);
		free(text);
	}
}

Test(explain, out_of_range_rule_has_none)
{
	cr_assert_null(cg_explain_get(CG_RULE__COUNT));
	cr_assert_null(cg_explain_text(CG_RULE__COUNT));
}

Test(explain, text_fits_an_80_column_terminal)
{
	const char *p, *nl;
	char *text;
	int i;

	for (i = 0; i < CG_RULE__COUNT; i++) {
		text = cg_explain_text((enum cg_rule)i);
		cr_assert_not_null(text);
		for (p = text; *p != '\0'; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			cr_assert((size_t)(nl - p) <= 80, "%s: line too long: "
			    "%.*s", cg_rule_info((enum cg_rule)i)->name,
			    (int)(nl - p), p);
		}
		free(text);
	}
}
