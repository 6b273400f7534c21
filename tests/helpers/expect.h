/* SPDX-License-Identifier: MIT */
/*
 * Assertions on a struct cg_run that print what the binary said, and the
 * suite of fresh repositories most end-to-end tests use.  For Criterion
 * tests only: include after <criterion/criterion.h>.
 */
#ifndef CG_TEST_EXPECT_H
#define CG_TEST_EXPECT_H

#include <string.h>

#include "helpers/repo.h"

#define ASSERT_EXIT(r, c) \
	cr_assert_eq((r)->code, (c), "exit %d, expected %d\nstdout:\n%s\n" \
	    "stderr:\n%s", (r)->code, (c), (r)->out, (r)->err)
/* stdout holds line as a whole line */
#define ASSERT_LINE(r, line) \
	cr_assert(cg_test_has_line((r)->out, (line)), "missing line:\n%s\n" \
	    "stdout:\n%s\nstderr:\n%s", (line), (r)->out, (r)->err)
/* stdout holds / does not hold text anywhere */
#define ASSERT_HAS(r, s) \
	cr_assert(strstr((r)->out, (s)) != NULL, "missing '%s':\n%s\n%s", \
	    (s), (r)->out, (r)->err)
#define ASSERT_NO(r, text) \
	cr_assert(strstr((r)->out, (text)) == NULL, "unexpected '%s':\n%s", \
	    (text), (r)->out)
/* stderr holds text anywhere */
#define ASSERT_ERR_HAS(r, s) \
	cr_assert(strstr((r)->err, (s)) != NULL, "missing '%s' on stderr:\n" \
	    "%s\nstdout:\n%s", (s), (r)->err, (r)->out)

/*
 * CG_REPO_SUITE(name): TestSuite(name) whose every test starts with the
 * file-static char *dir, a fresh repository from cg_test_repo_new,
 * removed after the test.  Use it once per file, at file scope.
 */
#define CG_REPO_SUITE(name) \
	static char *dir; \
	static void \
	name##_repo_init(void) \
	{ \
		dir = cg_test_repo_new(); \
	} \
	static void \
	name##_repo_fini(void) \
	{ \
		cg_test_repo_free(dir); \
		dir = NULL; \
	} \
	TestSuite(name, .init = name##_repo_init, .fini = name##_repo_fini)

#endif
