/* SPDX-License-Identifier: MIT */
/* Suppression comments: parsing and applying (suppress.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers/assert.h"
#include "suppress.h"

static void
parse(struct cg_suppress_list *l, const char *text)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_suppress_parse(l, text, strlen(text), &err), &err);
}

Test(suppress, well_formed_comment_covers_the_next_line)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;

	parse(&l, "CREATE TABLE a (id);\n"
	    "  --   cascadeguard:  allow   cascade-drop   the table is empty  \n"
	    "DROP TABLE a;\n");
	cr_assert_eq(l.n, 1);
	cr_assert_null(l.v[0].problem);
	cr_assert_eq(l.v[0].comment_line, 2);
	cr_assert_eq(l.v[0].target_line, 3);
	cr_assert_eq(l.v[0].rule, CG_RULE_CASCADE_DROP);
	cr_assert_str_eq(l.v[0].reason, "the table is empty");
	cg_suppress_list_release(&l);
}

Test(suppress, a_run_of_comments_covers_the_line_after_the_run)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;

	parse(&l, "-- cascadeguard: allow rename old name kept by a view\n"
	    "-- an ordinary comment\n"
	    "-- cascadeguard: allow drop-column not read since v2\n"
	    "ALTER TABLE t RENAME TO u;\n");
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.v[0].target_line, 4);
	cr_assert_eq(l.v[1].target_line, 4);
	cr_assert_eq(l.v[0].rule, CG_RULE_RENAME);
	cr_assert_eq(l.v[1].rule, CG_RULE_DROP_COLUMN);
	cg_suppress_list_release(&l);
}

Test(suppress, a_blank_line_ends_the_run)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;

	parse(&l, "-- cascadeguard: allow rename reason\n\nDROP TABLE t;\n");
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.v[0].target_line, 2);	/* the blank line */
	cg_suppress_list_release(&l);
}

Test(suppress, missing_reason_unknown_rule_and_bad_directive)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;

	parse(&l, "-- cascadeguard: allow cascade-drop\n"
	    "-- cascadeguard: allow no-such-rule a reason\n"
	    "-- cascadeguard: deny rename x\n"
	    "-- cascadeguard: allow\n"
	    "-- cascadeguard is great, says this comment\n"
	    "SELECT 1;");
	cr_assert_eq(l.n, 4);
	cr_assert_str_eq(l.v[0].problem, "no reason given");
	cr_assert_str_eq(l.v[1].problem, "unknown rule");
	cr_assert_str_eq(l.v[1].rule_name, "no-such-rule");
	cr_assert_eq(l.v[1].rule, -1);
	cr_assert_not_null(l.v[2].problem);
	cr_assert_str_eq(l.v[3].problem, "no rule given");
	cg_suppress_list_release(&l);
}

Test(suppress, bounded_by_len_and_survives_nul_bytes)
{
	static const char text[] = "-- cascadeguard: allow rename a\0b\n"
	    "-- cascadeguard: allow rename c";
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_suppress_parse(&l, text, 30, &err), &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0].rule_name, "rename");
	cr_assert_null(l.v[0].reason, "the reason lies beyond len");
	cg_suppress_list_release(&l);
	cg_assert_ok(cg_suppress_parse(&l, text, sizeof(text) - 1, &err),
	    &err);
	cr_assert_eq(l.n, 2);
	cg_suppress_list_release(&l);
}

static void
add(struct cg_findings *fs, enum cg_rule rule, const char *path,
    unsigned line)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_finding *f;

	cg_assert_ok(cg_findings_push(&f, fs, rule, &err, "m"), &err);
	cg_assert_ok(cg_finding_set_where(f, NULL, path, line, 1, line, NULL,
	    0, &err), &err);
}

Test(suppress, apply_marks_only_the_covered_finding_and_reports_bad_ones)
{
	static const char text[] =
	    "-- cascadeguard: allow cascade-drop rebuilt empty\n"
	    "DROP TABLE a;\n"
	    "DROP TABLE b;\n"
	    "-- cascadeguard: allow rename\n"
	    "ALTER TABLE c RENAME TO d;\n";
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_err err = CG_ERR_INIT;

	add(&fs, CG_RULE_CASCADE_DROP, "x.sql", 2);
	add(&fs, CG_RULE_CASCADE_DROP, "x.sql", 3);
	add(&fs, CG_RULE_CASCADE_DROP, "other.sql", 2);
	add(&fs, CG_RULE_RENAME, "x.sql", 5);
	cg_assert_ok(cg_suppress_apply(&fs, 0, "x.sql", text, strlen(text),
	    &err), &err);
	cr_assert_eq(fs.n, 5);
	cr_assert_eq(fs.v[0].suppressed, 1);
	cr_assert_str_eq(fs.v[0].suppress_reason, "rebuilt empty");
	cr_assert_eq(fs.v[1].suppressed, 0);
	cr_assert_eq(fs.v[2].suppressed, 0, "another file");
	cr_assert_eq(fs.v[3].suppressed, 0, "no reason: does not suppress");
	cr_assert_eq(fs.v[4].rule, CG_RULE_BAD_SUPPRESSION);
	cr_assert_eq(fs.v[4].severity, CG_SEV_ERROR);
	cr_assert_eq(fs.v[4].line, 4);
	cr_assert_eq(cg_findings_count(&fs, CG_SEV_ERROR), 3);
	cg_findings_release(&fs);
}

Test(suppress, apply_leaves_findings_before_first_alone)
{
	static const char text[] = "-- cascadeguard: allow rename r\nX;\n";
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_err err = CG_ERR_INIT;

	add(&fs, CG_RULE_RENAME, "x.sql", 2);
	add(&fs, CG_RULE_RENAME, "x.sql", 2);
	cg_assert_ok(cg_suppress_apply(&fs, 1, "x.sql", text, strlen(text),
	    &err), &err);
	cr_assert_eq(fs.v[0].suppressed, 0);
	cr_assert_eq(fs.v[1].suppressed, 1);
	cg_findings_release(&fs);
}
