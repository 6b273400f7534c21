/* SPDX-License-Identifier: MIT */
/* libFuzzer: the token reader and positions of sqltext.c. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sqltext.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sql = (const char *)data;
	struct cg_tok t;
	unsigned line, col;
	size_t pos = 0, last = 0;

	for (;;) {
		t = cg_sql_next_token(sql, size, &pos);
		if (t.kind == CG_TOK_END)
			break;
		/* Tokens lie inside the text and the reader moves forward. */
		if (t.off < last || t.off + t.len > size || t.len == 0 ||
		    pos <= last)
			abort();
		(void)cg_tok_is(sql, t, "select");
		last = pos;
	}
	if (cg_sql_skip_blank(sql, size, 0) > size)
		abort();
	cg_sql_position(sql, size, &line, &col);
	if (line == 0 || col == 0)
		abort();
	return 0;
}
