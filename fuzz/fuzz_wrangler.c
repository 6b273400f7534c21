/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: wrangler configurations (cg_wrangler_parse), as TOML and as
 * JSON with comments; the first byte picks the format.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "layout.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_wrangler w;

	if (size == 0)
		return 0;
	if (cg_wrangler_parse(&w, (const char *)data + 1, size - 1,
	    data[0] & 1 ? "wrangler.toml" : "wrangler.jsonc", &err) == 0)
		cg_wrangler_release(&w);
	return 0;
}
