/* SPDX-License-Identifier: MIT */
/* libFuzzer: git's index file (cg_index_parse), as pre-commit maps it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "git_index.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	size_t i, n = 0;

	if (cg_index_parse(&ix, data, size, &err) == 0) {
		/* every path is a non-empty C string inside the arena */
		for (i = 0; i < ix.n; i++)
			n += strlen(ix.v[i].path);
		if (ix.n > 0 && n == 0)
			__builtin_trap();
	}
	cg_index_release(&ix);
	return 0;
}
