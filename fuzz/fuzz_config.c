/* SPDX-License-Identifier: MIT */
/* libFuzzer: `.cascadeguard` parsing (cg_config_parse_ini). */
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_config cfg;

	cg_config_init(&cfg);
	/* Twice: the second parse applies on top of the first. */
	(void)cg_config_parse_ini(&cfg, (const char *)data, size,
	    ".cascadeguard", &err);
	(void)cg_config_parse_ini(&cfg, (const char *)data, size,
	    ".cascadeguard", &err);
	cg_config_release(&cfg);
	return 0;
}
