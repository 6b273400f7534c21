/* SPDX-License-Identifier: MIT */
/*
 * Positions and leading tokens in SQL text that SQLite has already split
 * into statements.  Never used to split statements: only to find where a
 * statement starts and to read its first keywords.  Pure.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sqltext.h"
#include "util.h"
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

/* An identifier token's name, unquoted ("a""b" -> a"b); NULL: no memory. */
static char *
ident(const char *sql, struct cg_tok tok)
{
	char *out, q;
	size_t i, n = 0;

	out = malloc(tok.len + 1);
	if (out == NULL)
		return NULL;
	if (tok.kind != CG_TOK_QUOTED || tok.len < 2) {
		memcpy(out, sql + tok.off, tok.len);
		out[tok.len] = '\0';
		return out;
	}
	q = sql[tok.off] == '[' ? ']' : sql[tok.off];
	for (i = tok.off + 1; i + 1 < tok.off + tok.len; i++) {
		out[n++] = sql[i];
		if (sql[i] == q && q != ']' && sql[i + 1] == q)
			i++;
	}
	out[n] = '\0';
	return out;
}

int
cg_sql_alter_column(char **table, char **column, size_t *def_off,
    size_t *def_len, const char *sql, size_t len)
{
	static const char *const head[] = { "alter", "table" };
	struct cg_tok tok, name;
	size_t pos = 0, end, i;
	int depth = 0;

	*table = *column = NULL;
	for (i = 0; i < 2; i++)
		if (!cg_tok_is(sql, cg_sql_next_token(sql, len, &pos), head[i]))
			return 0;
	name = cg_sql_next_token(sql, len, &pos);
	tok = cg_sql_next_token(sql, len, &pos);
	if (tok.kind == CG_TOK_PUNCT && sql[tok.off] == '.') {
		if (!cg_tok_is(sql, name, "main"))
			return 0;	/* temp or attached: not modelled */
		name = cg_sql_next_token(sql, len, &pos);
		tok = cg_sql_next_token(sql, len, &pos);
	}
	if (!cg_tok_is_name(name) || !cg_tok_is(sql, tok, "alter"))
		return 0;
	tok = cg_sql_next_token(sql, len, &pos);
	if (cg_tok_is(sql, tok, "column"))
		tok = cg_sql_next_token(sql, len, &pos);
	if (!cg_tok_is_name(tok) || !cg_tok_is(sql, cg_sql_next_token(sql, len,
	    &pos), "to"))
		return 0;
	/* The definition: one column's, to the end (a ';' at most). */
	*def_off = cg_sql_skip_blank(sql, len, pos);
	end = *def_off;
	for (;;) {
		struct cg_tok t = cg_sql_next_token(sql, len, &pos);

		if (t.kind == CG_TOK_END)
			break;
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == ';') {
			if (depth != 0 || cg_sql_next_token(sql, len,
			    &pos).kind != CG_TOK_END)
				return 0;
			break;
		}
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == '(')
			depth++;
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == ')' && --depth < 0)
			return 0;
		if (t.kind == CG_TOK_PUNCT && sql[t.off] == ',' && depth == 0)
			return 0;
		end = t.off + t.len;
	}
	if (depth != 0 || end == *def_off)
		return 0;
	*def_len = end - *def_off;
	*table = ident(sql, name);
	*column = ident(sql, tok);
	if (*table == NULL || *column == NULL) {
		free(*table);
		free(*column);
		*table = *column = NULL;
		return -1;
	}
	return 1;
}

/* 1 when the token names column (ASCII case-insensitively). */
static int
names(const char *sql, struct cg_tok tok, const char *column, int *nomem)
{
	char *n;
	int eq;

	if (!cg_tok_is_name(tok))
		return 0;
	n = ident(sql, tok);
	if (n == NULL) {
		*nomem = 1;
		return 0;
	}
	eq = cg_ident_eq(n, column);
	free(n);
	return eq;
}

int
cg_sql_first_ident_is(const char *sql, size_t len, const char *name)
{
	size_t pos = 0;
	int nomem = 0;
	int eq = names(sql, cg_sql_next_token(sql, len, &pos), name, &nomem);

	return nomem ? -1 : eq;
}

int
cg_sql_replace_column(char **out, const char *create, const char *column,
    const char *def, size_t def_len)
{
	static const char *const table_constraint[] = { "constraint",
	    "primary", "unique", "check", "foreign" };
	size_t len = strlen(create), pos = 0, start, end = 0, i;
	struct cg_tok tok;
	int depth = 0, item = 1, nomem = 0, hit = 0, cons;

	*out = NULL;
	/* Past the column list's '(' (CREATE TABLE name ( ...). */
	do
		tok = cg_sql_next_token(create, len, &pos);
	while (tok.kind != CG_TOK_END && !(tok.kind == CG_TOK_PUNCT &&
	    create[tok.off] == '('));
	if (tok.kind == CG_TOK_END)
		return 0;
	start = pos;
	for (;;) {
		tok = cg_sql_next_token(create, len, &pos);
		if (tok.kind == CG_TOK_END)
			return 0;
		if (item) {
			/* the first token of a column or table constraint */
			item = 0;
			start = tok.off;
			for (i = 0, cons = 0; i < 5; i++)
				cons |= cg_tok_is(create, tok,
				    table_constraint[i]);
			hit = !cons && names(create, tok, column, &nomem);
			if (nomem)
				return -1;
		}
		if (tok.kind != CG_TOK_PUNCT) {
			end = tok.off + tok.len;
			continue;
		}
		if (create[tok.off] == '(')
			depth++;
		else if (create[tok.off] == ')' && depth > 0)
			depth--;
		else if ((create[tok.off] == ',' || create[tok.off] == ')') &&
		    depth == 0) {
			if (hit)
				break;
			if (create[tok.off] == ')')
				return 0;	/* the list ended */
			item = 1;
			continue;
		}
		end = tok.off + tok.len;
	}
	*out = malloc(len - (end - start) + def_len + 1);
	if (*out == NULL)
		return -1;
	memcpy(*out, create, start);
	memcpy(*out + start, def, def_len);
	memcpy(*out + start + def_len, create + end, len - end);
	(*out)[len - (end - start) + def_len] = '\0';
	return 1;
}

int
cg_tok_is_name(struct cg_tok t)
{
	return t.kind == CG_TOK_WORD || t.kind == CG_TOK_QUOTED ||
	    t.kind == CG_TOK_STRING;
}

int
cg_tok_is_punct(const char *sql, struct cg_tok t, char c)
{
	return t.kind == CG_TOK_PUNCT && sql[t.off] == c;
}

size_t
cg_sql_body_end(const char *sql, size_t len)
{
	while (len > 0 && strchr(" \t\r\n\f\v;", sql[len - 1]) != NULL)
		len--;
	return len;
}

struct cg_tok
cg_sql_qualified(const char *sql, size_t len, size_t *pos,
    struct cg_tok *name)
{
	struct cg_tok t;

	*name = cg_sql_next_token(sql, len, pos);
	t = cg_sql_next_token(sql, len, pos);
	if (cg_tok_is_punct(sql, t, '.')) {
		*name = cg_sql_next_token(sql, len, pos);
		t = cg_sql_next_token(sql, len, pos);
	}
	return t;
}
