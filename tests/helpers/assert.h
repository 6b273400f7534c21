/* SPDX-License-Identifier: MIT */
/* Assertions shared by the Criterion tests. */
#ifndef CG_TEST_ASSERT_H
#define CG_TEST_ASSERT_H

#include <criterion/criterion.h>

#include "err.h"

/* Fail the test with err.msg when expr (returning 0 or CG_E*) fails. */
#define cg_assert_ok(expr, err)                                              \
	do {                                                                  \
		int cg_assert_rc_ = (expr);                                   \
		cr_assert(cg_assert_rc_ >= 0, "%s failed (%d): %s", #expr,    \
		    cg_assert_rc_, (err)->msg);                               \
	} while (0)

#endif
