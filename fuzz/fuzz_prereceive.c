/* SPDX-License-Identifier: MIT */
/* libFuzzer: pre-receive stdin (cg_prereceive_parse) and push options. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "prereceive.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_push_override o = CG_PUSH_OVERRIDE_INIT;
	struct cg_err err = CG_ERR_INIT;
	char *opt;
	size_t i;

	if (cg_prereceive_parse(&u, (const char *)data, size, &err) == 0) {
		for (i = 0; i < u.n; i++)
			(void)cg_prereceive_ref_wanted(u.v[i].ref, NULL);
	} else if (u.n != 0) {
		abort();	/* a refused input accepts nothing */
	}
	cg_ref_updates_release(&u);

	opt = malloc(size + 1);
	if (opt == NULL)
		return 0;
	memcpy(opt, data, size);
	opt[size] = '\0';
	(void)cg_push_override_add(&o, opt, &err);
	cg_push_override_release(&o);
	free(opt);
	return 0;
}
