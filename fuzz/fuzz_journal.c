/* SPDX-License-Identifier: MIT */
/* libFuzzer: drizzle's meta/_journal.json (cg_journal_parse). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "migrations.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_journal j;

	memset(&j, 0, sizeof(j));
	if (cg_journal_parse(&j, "drizzle", (const char *)data, size,
	    "drizzle/meta/_journal.json", &err) == 0)
		cg_journal_release(&j);
	return 0;
}
