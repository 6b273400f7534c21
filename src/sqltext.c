/* SPDX-License-Identifier: MIT */
/*
 * Positions and leading tokens in SQL text that SQLite has already split
 * into statements.  Never used to split statements: only to find where a
 * statement starts and to read its first keywords.  Pure.
 */
#include <stddef.h>
#include <string.h>

#include "sqltext.h"
#include "banned.h"

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A byte that may start an identifier, as SQLite's sqlite3IsIdChar. */
static int
is_id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static int
is_id_char(unsigned char c)
{
	return is_id_start(c) || is_digit(c) || c == '$';
}

size_t
cg_sql_skip_blank(const char *sql, size_t len, size_t off)
{
	const unsigned char *s = (const unsigned char *)sql;

	while (off < len) {
		if (is_space(s[off])) {
			off++;
		} else if (s[off] == '-' && off + 1 < len && s[off + 1] == '-') {
			off += 2;
			while (off < len && s[off] != '\n')
				off++;
		} else if (s[off] == '/' && off + 1 < len && s[off + 1] == '*') {
			/* C-style comments do not nest; unterminated runs to the end. */
			off += 2;
			while (off < len && !(s[off] == '*' && off + 1 < len &&
			    s[off + 1] == '/'))
				off++;
			off = off < len ? off + 2 : len;
		} else {
			break;
		}
	}
	return off > len ? len : off;
}

void
cg_sql_position(const char *sql, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1;
	size_t start = 0;
	size_t i;

	for (i = 0; i < off; i++) {
		if (sql[i] == '\n') {
			l++;
			start = i + 1;
		}
	}
	*line = l;
	*col = (unsigned)(off - start) + 1;
}

/* End of a quoted token opened at off by q, closing with close. */
static size_t
quoted_end(const char *sql, size_t len, size_t off, char close)
{
	size_t i = off + 1;

	while (i < len) {
		if (sql[i] == close) {
			/* "" '' `` are escapes; ] has none. */
			if (close != ']' && i + 1 < len && sql[i + 1] == close) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
	return len;	/* unterminated: the rest of the text */
}

static size_t
number_end(const char *sql, size_t len, size_t off)
{
	const unsigned char *s = (const unsigned char *)sql;
	size_t i = off;

	if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		while (i < len && is_id_char(s[i]))
			i++;
		return i;
	}
	while (i < len) {
		if (is_digit(s[i]) || s[i] == '.' || s[i] == '_') {
			i++;
		} else if ((s[i] == 'e' || s[i] == 'E') && i + 1 < len &&
		    (is_digit(s[i + 1]) || ((s[i + 1] == '+' ||
		    s[i + 1] == '-') && i + 2 < len && is_digit(s[i + 2])))) {
			i += 2;
		} else if (is_id_char(s[i])) {
			i++;	/* "12abc": one (bad) token, as SQLite reads it */
		} else {
			break;
		}
	}
	return i;
}

struct cg_tok
cg_sql_next_token(const char *sql, size_t len, size_t *pos)
{
	const unsigned char *s = (const unsigned char *)sql;
	struct cg_tok tok;
	size_t i;

	i = cg_sql_skip_blank(sql, len, *pos);
	tok.off = i;
	tok.len = 0;
	if (i >= len) {
		tok.kind = CG_TOK_END;
		*pos = len;
		return tok;
	}
	if (s[i] == '"' || s[i] == '`') {
		tok.kind = CG_TOK_QUOTED;
		i = quoted_end(sql, len, i, (char)s[i]);
	} else if (s[i] == '[') {
		tok.kind = CG_TOK_QUOTED;
		i = quoted_end(sql, len, i, ']');
	} else if (s[i] == '\'') {
		tok.kind = CG_TOK_STRING;
		i = quoted_end(sql, len, i, '\'');
	} else if (is_digit(s[i]) || (s[i] == '.' && i + 1 < len &&
	    is_digit(s[i + 1]))) {
		tok.kind = CG_TOK_NUMBER;
		i = number_end(sql, len, i);
	} else if (is_id_start(s[i])) {
		tok.kind = CG_TOK_WORD;
		while (i < len && is_id_char(s[i]))
			i++;
	} else {
		tok.kind = CG_TOK_PUNCT;
		i++;
	}
	tok.len = i - tok.off;
	*pos = i;
	return tok;
}

int
cg_tok_is(const char *sql, struct cg_tok tok, const char *kw)
{
	size_t n = strlen(kw);
	unsigned char a, b;
	size_t i;

	if (tok.kind != CG_TOK_WORD || tok.len != n)
		return 0;
	for (i = 0; i < n; i++) {
		a = (unsigned char)sql[tok.off + i];
		b = (unsigned char)kw[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/* 1 when SQLite reads bytes a and b written together as one operator. */
static int
joins(char a, char b)
{
	static const char *const ops[] = { "<=", "<>", "<<", ">=", ">>", "==",
	    "!=", "||", "->" };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i][0] == a && ops[i][1] == b)
			return 1;
	return 0;
}

int
cg_sql_same_tokens(const char *a, size_t alen, const char *b, size_t blen)
{
	struct cg_tok ta, tb;
	size_t pa = 0, pb = 0, enda = 0, endb = 0;
	char prev = '\0';	/* the punctuation byte before, if any */

	for (;;) {
		ta = cg_sql_next_token(a, alen, &pa);
		tb = cg_sql_next_token(b, blen, &pb);
		if (ta.kind != tb.kind || ta.len != tb.len)
			return 0;
		if (ta.kind == CG_TOK_END)
			return 1;
		if (memcmp(a + ta.off, b + tb.off, ta.len) != 0)
			return 0;
		/* "<=" is one operator to SQLite, "< =" two */
		if (ta.kind == CG_TOK_PUNCT && joins(prev, a[ta.off]) &&
		    (ta.off == enda) != (tb.off == endb))
			return 0;
		prev = ta.kind == CG_TOK_PUNCT ? a[ta.off] : '\0';
		enda = pa;
		endb = pb;
	}
}
