/* SPDX-License-Identifier: MIT */
/*
 * Positions and tokens inside SQL text that SQLite has already split:
 * skipping blanks and comments, line and column of an offset, and the
 * leading keywords of one statement.  Pure: no I/O, no SQLite.
 */
#ifndef CG_SQLTEXT_H
#define CG_SQLTEXT_H

#include <stddef.h>

/* Offset of the first byte at or after off that is not blank or inside
 * a comment ("-- ..." to end of line, C-style).  len if none. */
size_t cg_sql_skip_blank(const char *sql, size_t len, size_t off);

/* 1-based line and column (in bytes) of offset off in sql. */
void cg_sql_position(const char *sql, size_t off, unsigned *line,
    unsigned *col);

enum cg_tok_kind {
	CG_TOK_END,		/* no more tokens */
	CG_TOK_WORD,		/* keyword or bare identifier */
	CG_TOK_QUOTED,		/* "x", `x`, [x] identifier */
	CG_TOK_STRING,		/* 'x' */
	CG_TOK_NUMBER,
	CG_TOK_PUNCT		/* one byte: ( ) , ; . and operators */
};

struct cg_tok {
	enum cg_tok_kind kind;
	size_t off;		/* start in the text */
	size_t len;		/* bytes */
};

/* The token at or after *pos (blanks and comments skipped); advances *pos. */
struct cg_tok cg_sql_next_token(const char *sql, size_t len, size_t *pos);

/* 1 when tok is a word equal to kw, ASCII case-insensitively. */
int cg_tok_is(const char *sql, struct cg_tok tok, const char *kw);

/*
 * 1 when a and b hold the same tokens, byte for byte, so that they differ
 * only in comments and whitespace (string literals and identifiers are
 * compared exactly, keywords too: case counts).  Two bytes that SQLite
 * reads as one operator when joined ("<=", "||", "->") differ when a
 * blank or comment keeps them apart in one text only.
 */
int cg_sql_same_tokens(const char *a, size_t alen, const char *b,
    size_t blen);

/*
 * libSQL's ALTER TABLE t ALTER [COLUMN] c TO <column-def> (a statement
 * SQLite cannot prepare): 1 with the table and column names, unquoted and
 * malloc'd, and the definition's span in sql (one column definition:
 * balanced parentheses, no top-level comma); 0 when sql is not that
 * statement; -1 when out of memory.
 */
int cg_sql_alter_column(char **table, char **column, size_t *def_off,
    size_t *def_len, const char *sql, size_t len);

/* 1 when the first token of sql is an identifier equal to name, ASCII
 * case-insensitively (quotes removed); 0 if not; -1 out of memory. */
int cg_sql_first_ident_is(const char *sql, size_t len, const char *name);

/*
 * create, a CREATE TABLE text SQLite accepted, with the definition of
 * column replaced by def[0..def_len): 1 and *out (malloc'd), 0 when the
 * column list has no column of that name, -1 when out of memory.
 */
int cg_sql_replace_column(char **out, const char *create, const char *column,
    const char *def, size_t def_len);

/* A token that can be a name: a word, a quoted name or a 'string'. */
int cg_tok_is_name(struct cg_tok t);
/* 1 when t is the punctuation character c. */
int cg_tok_is_punct(const char *sql, struct cg_tok t, char c);
/* The length of a statement without its final ';' and blanks. */
size_t cg_sql_body_end(const char *sql, size_t len);
/*
 * After [schema.]name at *pos: *name is the name (the schema skipped),
 * and the token after it is returned.
 */
struct cg_tok cg_sql_qualified(const char *sql, size_t len, size_t *pos,
    struct cg_tok *name);

#endif
