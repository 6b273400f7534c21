/* SPDX-License-Identifier: MIT */
/* libFuzzer: suppression comments (cg_suppress_parse). */
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "suppress.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;
	struct cg_err err = CG_ERR_INIT;

	(void)cg_suppress_parse(&l, (const char *)data, size, &err);
	cg_suppress_list_release(&l);
	return 0;
}
