/* SPDX-License-Identifier: MIT */
/* Unit tests of sqltext.c: blanks, comments, positions and tokens. */
#include <string.h>

#include "helpers/assert.h"
#include "sqltext.h"

static size_t
skip(const char *s)
{
	return cg_sql_skip_blank(s, strlen(s), 0);
}

Test(sqltext, skips_blanks_and_line_comments)
{
	const char *s = "  \t\n-- a comment\n  --another\r\nSELECT 1";

	cr_assert_eq(skip(s), (size_t)(strstr(s, "SELECT") - s));
	cr_assert_eq(skip("SELECT"), 0);
	cr_assert_eq(skip(""), 0);
	cr_assert_eq(skip("   "), 3);
	cr_assert_eq(skip("-- only a comment"), strlen("-- only a comment"));
}

Test(sqltext, drizzle_breakpoint_is_a_comment)
{
	const char *s = "--> statement-breakpoint\nCREATE TABLE t(x);";

	cr_assert_eq(skip(s), (size_t)(strstr(s, "CREATE") - s));
}

Test(sqltext, skips_block_comments)
{
	const char *s = "/* one */ /* two\n lines */\nDROP TABLE t";

	cr_assert_eq(skip(s), (size_t)(strstr(s, "DROP") - s));
	/* A lone '-' or '/' is not a comment. */
	cr_assert_eq(skip("- 1"), 0);
	cr_assert_eq(skip("/ 2"), 0);
	cr_assert_eq(skip("/*/ x */y"), 8);
}

Test(sqltext, block_comments_do_not_nest)
{
	/* As in SQLite, the first close ends the comment. */
	const char *s = "/* a /* b */ c */";

	cr_assert_eq(skip(s), (size_t)(strstr(s, "c */") - s));
}

Test(sqltext, unterminated_block_comment_runs_to_the_end)
{
	const char *s = "/* never closed\nSELECT 1;";

	cr_assert_eq(skip(s), strlen(s));
	cr_assert_eq(skip("/*"), 2);
	cr_assert_eq(skip("/* x *"), 6);
}

Test(sqltext, skip_respects_len_and_offset)
{
	const char *s = "SELECT 1; -- c\n  SELECT 2";

	cr_assert_eq(cg_sql_skip_blank(s, strlen(s), 9),
	    (size_t)(strstr(s, "SELECT 2") - s));
	/* The comment's second dash lies past len. */
	cr_assert_eq(cg_sql_skip_blank("x-", 2, 1), 1);
	cr_assert_eq(cg_sql_skip_blank("  ", 2, 5), 2);
}

Test(sqltext, positions_across_lines)
{
	const char *s = "ab\ncde\n\n\tx";
	unsigned line, col;

	cg_sql_position(s, 0, &line, &col);
	cr_assert_eq(line, 1);
	cr_assert_eq(col, 1);
	cg_sql_position(s, 1, &line, &col);
	cr_assert_eq(line, 1);
	cr_assert_eq(col, 2);
	cg_sql_position(s, 2, &line, &col);	/* the newline itself */
	cr_assert_eq(line, 1);
	cr_assert_eq(col, 3);
	cg_sql_position(s, 5, &line, &col);
	cr_assert_eq(line, 2);
	cr_assert_eq(col, 3);
	cg_sql_position(s, 7, &line, &col);
	cr_assert_eq(line, 3);
	cr_assert_eq(col, 1);
	cg_sql_position(s, 9, &line, &col);	/* x, after a tab: bytes */
	cr_assert_eq(line, 4);
	cr_assert_eq(col, 2);
}

Test(sqltext, column_counts_bytes)
{
	const char *s = "-- \xc3\xa9t\xc3\xa9\nSELECT '\xc3\xa9', x";
	unsigned line, col;

	cg_sql_position(s, (size_t)(strstr(s, ", x") - s), &line, &col);
	cr_assert_eq(line, 2);
	cr_assert_eq(col, 12);
}

/* The text of each token, joined with '|', into buf. */
static void
tokens(char *buf, size_t n, const char *s, enum cg_tok_kind *kinds,
    size_t nkinds)
{
	size_t pos = 0, len = strlen(s), used = 0, i = 0;
	struct cg_tok t;

	buf[0] = '\0';
	for (;;) {
		t = cg_sql_next_token(s, len, &pos);
		if (t.kind == CG_TOK_END)
			break;
		if (i < nkinds)
			kinds[i] = t.kind;
		i++;
		cr_assert(used + t.len + 2 < n);
		if (used > 0)
			buf[used++] = '|';
		memcpy(buf + used, s + t.off, t.len);
		used += t.len;
		buf[used] = '\0';
		cr_assert_eq(pos, t.off + t.len);
	}
	cr_assert_eq(pos, len);
}

Test(sqltext, tokens_of_a_statement)
{
	enum cg_tok_kind k[16];
	char buf[256];

	tokens(buf, sizeof(buf), "INSERT OR REPLACE INTO t(a, b) "
	    "VALUES (1.5e3, 'x');", k, 16);
	cr_assert_str_eq(buf, "INSERT|OR|REPLACE|INTO|t|(|a|,|b|)|VALUES|(|"
	    "1.5e3|,|'x'|)|;");
	cr_assert_eq(k[0], CG_TOK_WORD);
	cr_assert_eq(k[5], CG_TOK_PUNCT);
	cr_assert_eq(k[12], CG_TOK_NUMBER);
	cr_assert_eq(k[14], CG_TOK_STRING);
}

Test(sqltext, tokens_with_quotes_and_escapes)
{
	enum cg_tok_kind k[16];
	char buf[256];

	tokens(buf, sizeof(buf), "\"a \"\"b\"\" c\" `x``y` [sp ace] "
	    "'it''s' /* c */ z -- end", k, 16);
	cr_assert_str_eq(buf, "\"a \"\"b\"\" c\"|`x``y`|[sp ace]|'it''s'|z");
	cr_assert_eq(k[0], CG_TOK_QUOTED);
	cr_assert_eq(k[1], CG_TOK_QUOTED);
	cr_assert_eq(k[2], CG_TOK_QUOTED);
	cr_assert_eq(k[3], CG_TOK_STRING);
	cr_assert_eq(k[4], CG_TOK_WORD);
}

Test(sqltext, brackets_have_no_escape)
{
	enum cg_tok_kind k[4];
	char buf[64];

	tokens(buf, sizeof(buf), "[a]]b", k, 4);
	cr_assert_str_eq(buf, "[a]|]|b");
}

Test(sqltext, unterminated_string_runs_to_the_end)
{
	enum cg_tok_kind k[4];
	char buf[64];

	tokens(buf, sizeof(buf), "x 'abc; DROP", k, 4);
	cr_assert_str_eq(buf, "x|'abc; DROP");
	cr_assert_eq(k[1], CG_TOK_STRING);
}

Test(sqltext, identifiers_and_numbers)
{
	enum cg_tok_kind k[8];
	char buf[128];

	tokens(buf, sizeof(buf), "_a$1 0x1F .5 12 \xc3\xa9t\xc3\xa9 <=", k, 8);
	cr_assert_str_eq(buf, "_a$1|0x1F|.5|12|\xc3\xa9t\xc3\xa9|<|=");
	cr_assert_eq(k[0], CG_TOK_WORD);
	cr_assert_eq(k[1], CG_TOK_NUMBER);
	cr_assert_eq(k[2], CG_TOK_NUMBER);
	cr_assert_eq(k[3], CG_TOK_NUMBER);
	cr_assert_eq(k[4], CG_TOK_WORD);
	cr_assert_eq(k[5], CG_TOK_PUNCT);
}

Test(sqltext, end_token_after_comments)
{
	const char *s = "  -- nothing\n/* here */ ";
	size_t pos = 0;
	struct cg_tok t;

	t = cg_sql_next_token(s, strlen(s), &pos);
	cr_assert_eq(t.kind, CG_TOK_END);
	cr_assert_eq(t.len, 0);
	cr_assert_eq(pos, strlen(s));
}

Test(sqltext, keyword_compare_is_case_insensitive)
{
	const char *s = "rEpLaCe \"replace\" replaced";
	size_t pos = 0;
	struct cg_tok t;

	t = cg_sql_next_token(s, strlen(s), &pos);
	cr_assert(cg_tok_is(s, t, "REPLACE"));
	cr_assert(cg_tok_is(s, t, "replace"));
	cr_assert_not(cg_tok_is(s, t, "REPLAC"));
	cr_assert_not(cg_tok_is(s, t, "REPLACED"));
	t = cg_sql_next_token(s, strlen(s), &pos);
	cr_assert_not(cg_tok_is(s, t, "replace"), "a quoted name is no keyword");
	t = cg_sql_next_token(s, strlen(s), &pos);
	cr_assert_not(cg_tok_is(s, t, "replace"));
}

static int
same(const char *a, const char *b)
{
	return cg_sql_same_tokens(a, strlen(a), b, strlen(b));
}

Test(sqltext, same_tokens_ignore_comments_and_blanks)
{
	cr_assert(same("CREATE TABLE t(a INT);",
	    "-- t\r\nCREATE  TABLE t (\n\ta INT /* a */\n) ;\n"));
	cr_assert(same("", "-- nothing\n/* at all */\n"));
	cr_assert(same("SELECT 1;--> statement-breakpoint\nSELECT 2;",
	    "SELECT 1;\nSELECT 2;"));
}

Test(sqltext, same_tokens_see_literals_case_and_operators)
{
	cr_assert_not(same("SELECT 'a b';", "SELECT 'a  b';"));
	cr_assert_not(same("SELECT \"a b\";", "SELECT \"a  b\";"));
	cr_assert_not(same("create table t(a);", "CREATE TABLE t(a);"));
	cr_assert_not(same("SELECT 1 <= 2;", "SELECT 1 < = 2;"));
	cr_assert_not(same("SELECT 1 || 2;", "SELECT 1 | | 2;"));
	cr_assert_not(same("SELECT 1;", "SELECT 1; SELECT 2;"));
	cr_assert_not(same("SELECT 1 - -2;", "SELECT 1 --2;"));
	cr_assert(same("SELECT (1);", "SELECT ( 1 ) ;"));
}

/* libSQL's ALTER TABLE t ALTER COLUMN c TO <def>, read and refused. */
static int
alter(const char *sql, const char *table, const char *column, const char *def)
{
	char *t = NULL, *c = NULL;
	size_t off = 0, len = 0;
	int rc = cg_sql_alter_column(&t, &c, &off, &len, sql, strlen(sql));

	if (rc == 1) {
		cr_assert_str_eq(t, table);
		cr_assert_str_eq(c, column);
		cr_assert_eq(len, strlen(def), "def '%.*s'", (int)len,
		    sql + off);
		cr_assert(strncmp(sql + off, def, len) == 0);
	}
	free(t);
	free(c);
	return rc;
}

Test(sqltext, alter_column_reads_libsql_statement)
{
	cr_assert_eq(alter("ALTER TABLE `t` ALTER COLUMN \"a\" TO \"a\" "
	    "text NOT NULL;", "t", "a", "\"a\" text NOT NULL"), 1);
	cr_assert_eq(alter("alter table main.[x y] alter b to b int "
	    "CHECK (b IN (1, 2)) -- c\n", "x y", "b",
	    "b int CHECK (b IN (1, 2))"), 1);
	/* one column definition, nothing after it */
	cr_assert_eq(alter("ALTER TABLE t ALTER COLUMN a TO a int, b int",
	    "", "", ""), 0);
	cr_assert_eq(alter("ALTER TABLE t ALTER COLUMN a TO a int); DROP "
	    "TABLE x; --", "", "", ""), 0);
	cr_assert_eq(alter("ALTER TABLE t ALTER COLUMN a TO a int; SELECT 1",
	    "", "", ""), 0);
	cr_assert_eq(alter("ALTER TABLE t ALTER COLUMN a TO a CHECK (a",
	    "", "", ""), 0);
	cr_assert_eq(alter("ALTER TABLE temp.t ALTER COLUMN a TO a int", "",
	    "", ""), 0);
	cr_assert_eq(alter("ALTER TABLE t RENAME COLUMN a TO b", "", "", ""),
	    0);
}

Test(sqltext, replace_column_swaps_one_definition)
{
	char *out = NULL;
	const char *def = "\"b\" text NOT NULL";

	cr_assert_eq(cg_sql_replace_column(&out, "CREATE TABLE `t` (`a` "
	    "integer PRIMARY KEY, `b` text DEFAULT (lower('X, y')), `c` int, "
	    "FOREIGN KEY (`b`) REFERENCES u(b))", "B", def, strlen(def)), 1);
	cr_assert_str_eq(out, "CREATE TABLE `t` (`a` integer PRIMARY KEY, "
	    "\"b\" text NOT NULL, `c` int, FOREIGN KEY (`b`) REFERENCES u(b))");
	free(out);
	/* the last column, and a table constraint is no column */
	cr_assert_eq(cg_sql_replace_column(&out, "CREATE TABLE t (a int, "
	    "b int)", "b", "b text", 6), 1);
	cr_assert_str_eq(out, "CREATE TABLE t (a int, b text)");
	free(out);
	cr_assert_eq(cg_sql_replace_column(&out, "CREATE TABLE t (a int, "
	    "PRIMARY KEY (a))", "primary", "primary int", 11), 0);
	cr_assert_null(out);
	cr_assert_eq(cg_sql_replace_column(&out, "CREATE TABLE t (a int)",
	    "z", "z int", 5), 0);
}
