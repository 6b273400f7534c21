/* SPDX-License-Identifier: MIT */
/*
 * The pre-receive protocol parser, ref globs and push options: every
 * malformed line is refused with its line number and nothing accepted.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "prereceive.h"
#include "helpers/assert.h"

#define A40 "1111111111111111111111111111111111111111"
#define B40 "2222222222222222222222222222222222222222"
#define Z40 "0000000000000000000000000000000000000000"
#define A64 A40 "111111111111111111111111"
#define B64 B40 "222222222222222222222222"

static int
parse(struct cg_ref_updates *u, const char *s, struct cg_err *err)
{
	return cg_prereceive_parse(u, s, strlen(s), err);
}

Test(prereceive, parses_update_create_delete)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse(&u, A40 " " B40 " refs/heads/main\n"
	    Z40 " " B40 " refs/heads/new\n"
	    A40 " " Z40 " refs/heads/gone\n", &err), &err);
	cr_assert_eq(u.n, 3);
	cr_assert_str_eq(u.v[0].old_oid, A40);
	cr_assert_str_eq(u.v[0].new_oid, B40);
	cr_assert_str_eq(u.v[0].ref, "refs/heads/main");
	cr_assert(!u.v[0].created && !u.v[0].deleted);
	cr_assert(u.v[1].created && !u.v[1].deleted);
	cr_assert(!u.v[2].created && u.v[2].deleted);
	cg_ref_updates_release(&u);
}

Test(prereceive, accepts_sha256_and_missing_final_newline)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(parse(&u, A64 " " B64 " refs/heads/main", &err), &err);
	cr_assert_eq(u.n, 1);
	cr_assert_str_eq(u.v[0].new_oid, B64);
	cr_assert_str_eq(u.v[0].ref, "refs/heads/main");
	cg_ref_updates_release(&u);
}

static void
refused(const char *in, const char *line_no)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_err err = CG_ERR_INIT;
	int rc = parse(&u, in, &err);

	cr_assert_eq(rc, CG_EINPUT, "accepted: '%s'", in);
	cr_assert_eq(u.n, 0, "something accepted from '%s'", in);
	cr_assert_null(u.v);
	cr_assert(strstr(err.msg, line_no) != NULL, "'%s' does not name %s",
	    err.msg, line_no);
}

Test(prereceive, refuses_garbage_naming_the_line)
{
	const char *good = A40 " " B40 " refs/heads/main\n";
	char buf[512];

	refused("", "no ref updates");
	refused("hello\n", "line 1");
	refused("\n", "line 1");
	snprintf(buf, sizeof(buf), "%s\n", good);	/* empty 2nd line */
	refused(buf, "line 2");
	snprintf(buf, sizeof(buf), "%s%s", good,
	    "1111111111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222 refs/heads/x\r\n");
	refused(buf, "line 2");
	refused("1111111111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222 refs/heads/a b\n",
	    "line 1");
	refused("1111111111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222 \n", "line 1");
	refused("1111111111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222\n", "line 1");
	refused("ABCDEF1111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222 refs/heads/x\n",
	    "line 1");
	refused("111111111111111111111111111111111111111 "
	    "2222222222222222222222222222222222222222 refs/heads/x\n",
	    "line 1");
	refused(A40 " " B64 " refs/heads/x\n", "line 1");
	refused(A40 "  " B40 " refs/heads/x\n", "line 1");
	refused(Z40 " " Z40 " refs/heads/x\n", "line 1");
	snprintf(buf, sizeof(buf), "%s%s%s", good, good,
	    A40 " " B40 " refs/heads/\x01x\n");
	refused(buf, "line 3");
}

Test(prereceive, refuses_nul_byte)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_err err = CG_ERR_INIT;
	const char in[] = A40 " " B40 " refs/heads/ma\0in\n";

	cr_assert_eq(cg_prereceive_parse(&u, in, sizeof(in) - 1, &err),
	    CG_EINPUT);
	cr_assert_eq(u.n, 0);
}

Test(prereceive, ref_globs)
{
	struct cg_strvec g = CG_STRVEC_INIT;
	struct cg_err err = CG_ERR_INIT;

	cr_assert(cg_prereceive_ref_wanted("refs/heads/main", NULL));
	cr_assert(cg_prereceive_ref_wanted("refs/heads/a/b", &g));
	cr_assert(!cg_prereceive_ref_wanted("refs/tags/v1", &g));
	cr_assert(!cg_prereceive_ref_wanted("refs/heads/", &g));
	cg_assert_ok(cg_strvec_push(&g, "refs/tags/v*", &err), &err);
	cr_assert(cg_prereceive_ref_wanted("refs/tags/v1", &g));
	cr_assert(!cg_prereceive_ref_wanted("refs/heads/main", &g));
	cg_strvec_release(&g);
}

Test(prereceive, push_options)
{
	struct cg_push_override o = CG_PUSH_OVERRIDE_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_push_override_add(&o, "ci.skip", &err), &err);
	cr_assert_eq(o.asked, 0);
	cg_assert_ok(cg_push_override_add(&o,
	    "cascadeguard.allow=cascade-drop,data-loss", &err), &err);
	cg_assert_ok(cg_push_override_add(&o,
	    "cascadeguard.reason=table is empty in prod", &err), &err);
	cr_assert_eq(o.asked, 1);
	cr_assert_eq(o.rules.n, 2);
	cr_assert(cg_push_override_covers(&o, "cascade-drop"));
	cr_assert(cg_push_override_covers(&o, "data-loss"));
	cr_assert(!cg_push_override_covers(&o, "drop-column"));
	cr_assert_str_eq(o.reason, "table is empty in prod");
	cr_assert_eq(cg_push_override_add(&o, "cascadeguard.allow=nope",
	    &err), CG_EINPUT);
	cr_assert(strstr(err.msg, "nope") != NULL);
	cr_assert_eq(cg_push_override_add(&o, "cascadeguard.allow=", &err),
	    CG_EINPUT);
	cr_assert_eq(cg_push_override_add(&o, "cascadeguard.alow=x", &err),
	    CG_EINPUT);
	cg_push_override_release(&o);
}
