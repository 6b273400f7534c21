/* SPDX-License-Identifier: MIT */
/*
 * The D1 databases of a wrangler configuration: wrangler.toml, or
 * wrangler.json / wrangler.jsonc (JSON with comments and trailing
 * commas).  Debian ships no C TOML library, so TOML is read by the small
 * parser below: the whole TOML syntax is walked (strings, arrays, inline
 * tables, table headers) so that nothing is misread, but only the
 * d1_databases entries are kept.  JSON goes through jansson once comments
 * and trailing commas are blanked out (line numbers stay right).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "layout.h"
#include "util.h"
#include "banned.h"

#define MAX_DEPTH 32		/* SECURITY: nesting of arrays and tables */
#define MAX_KEY_PARTS 8
#define MAX_BINDINGS 1024	/* SECURITY: entries kept */

void
cg_wrangler_release(struct cg_wrangler *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->v[i].binding);
		free(w->v[i].database_name);
		free(w->v[i].migrations_dir);
		free(w->v[i].env);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static int
add_binding(struct cg_d1_binding **b, struct cg_wrangler *w, size_t *cap,
    const char *env, const char *origin, struct cg_err *err)
{
	if (w->n >= MAX_BINDINGS)
		return cg_err_set(err, CG_EINPUT, "%s: more than %d D1 "
		    "databases", origin, MAX_BINDINGS);
	if (cg_grow(&w->v, cap, w->n + 1, sizeof(*w->v), err) < 0)
		return CG_ENOMEM;
	*b = &w->v[w->n++];
	memset(*b, 0, sizeof(**b));
	if (env == NULL)
		return 0;
	(*b)->env = strdup(env);
	return (*b)->env == NULL ? cg_err_nomem(err) : 0;
}

/* Store value under the binding field key names; others are ignored. */
static void
set_field(struct cg_d1_binding *b, const char *key, char **value)
{
	char **slot = NULL;

	if (strcmp(key, "binding") == 0)
		slot = &b->binding;
	else if (strcmp(key, "database_name") == 0)
		slot = &b->database_name;
	else if (strcmp(key, "migrations_dir") == 0)
		slot = &b->migrations_dir;
	if (slot == NULL || *value == NULL)
		return;
	free(*slot);
	*slot = *value;
	*value = NULL;
}

/* TOML ------------------------------------------------------------- */

struct toml {
	const char *s;
	size_t len, pos;
	unsigned line;
	const char *origin;
	struct cg_err *err;
	struct cg_wrangler *out;
	size_t cap;
	char *table[MAX_KEY_PARTS];	/* path of the current table */
	size_t ntable;
	long cur;			/* binding of a [[...d1_databases]], or -1 */
};

static int
syntax(struct toml *t, const char *what)
{
	return cg_err_set(t->err, CG_EINPUT, "%s:%u: %s", t->origin, t->line,
	    what);
}

static int
peek(const struct toml *t)
{
	return t->pos < t->len ? (unsigned char)t->s[t->pos] : -1;
}

/* Blanks, and with nl also newlines and comments. */
static void
skip_ws(struct toml *t, int nl)
{
	int c;

	while ((c = peek(t)) >= 0) {
		if (c == ' ' || c == '\t' || c == '\r') {
			t->pos++;
		} else if (nl && c == '\n') {
			t->pos++;
			t->line++;
		} else if (nl && c == '#') {
			while (peek(t) >= 0 && peek(t) != '\n')
				t->pos++;
		} else {
			break;
		}
	}
}

static int
put_utf8(struct cg_buf *b, unsigned long cp, struct cg_err *err)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return cg_buf_add(b, u, n, err);
}

/* One escape after '\' of a basic string. */
static int
escape(struct toml *t, struct cg_buf *b)
{
	const char *map = "b\bt\tn\nf\fr\r\"\"\\\\";
	unsigned long cp = 0;
	size_t i, ndig;
	int c = peek(t);

	for (i = 0; map[i] != '\0'; i += 2) {
		if (c == map[i]) {
			t->pos++;
			return cg_buf_add(b, &map[i + 1], 1, t->err);
		}
	}
	if (c != 'u' && c != 'U')
		return syntax(t, "bad escape in a string");
	ndig = c == 'u' ? 4 : 8;
	t->pos++;
	for (i = 0; i < ndig; i++) {
		c = peek(t);
		if (c >= '0' && c <= '9')
			cp = cp * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			cp = cp * 16 + (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			cp = cp * 16 + (unsigned long)(c - 'A' + 10);
		else
			return syntax(t, "bad \\u escape in a string");
		t->pos++;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return syntax(t, "bad \\u escape in a string");
	return put_utf8(b, cp, t->err);
}

/* A string at pos (its quote included); *out owned by the caller. */
static int
string(struct toml *t, char **out)
{
	struct cg_buf b = CG_BUF_INIT;
	char q = t->s[t->pos];
	int multi = t->len - t->pos >= 3 && t->s[t->pos + 1] == q &&
	    t->s[t->pos + 2] == q;
	int c, rc = 0;

	t->pos += multi ? 3 : 1;
	if (multi && peek(t) == '\n') {	/* a newline right after """ */
		t->pos++;
		t->line++;
	}
	for (;;) {
		c = peek(t);
		if (c < 0 || (c == '\n' && !multi)) {
			rc = syntax(t, "unterminated string");
			goto out;
		}
		if (c == q && (!multi || (t->len - t->pos >= 3 &&
		    t->s[t->pos + 1] == q && t->s[t->pos + 2] == q)))
			break;
		t->pos++;
		if (c == '\\' && q == '"') {
			if (multi && (peek(t) == '\n' || peek(t) == ' ' ||
			    peek(t) == '\t' || peek(t) == '\r')) {
				skip_ws(t, 0);	/* line-ending backslash */
				while (peek(t) == '\n' || peek(t) == ' ' ||
				    peek(t) == '\t' || peek(t) == '\r') {
					t->line += peek(t) == '\n';
					t->pos++;
				}
				continue;
			}
			rc = escape(t, &b);
		} else {
			t->line += c == '\n';
			rc = cg_buf_add(&b, &t->s[t->pos - 1], 1, t->err);
		}
		if (rc < 0)
			goto out;
	}
	t->pos += multi ? 3 : 1;
	if (multi) {	/* up to two more quotes belong to the string */
		for (c = 0; c < 2 && peek(t) == q; c++) {
			rc = cg_buf_add(&b, &q, 1, t->err);
			if (rc < 0)
				goto out;
			t->pos++;
		}
	}
	rc = cg_buf_add(&b, "", 0, t->err);	/* NUL-terminate */
	if (rc < 0)
		goto out;
	*out = b.data;
	b.data = NULL;
out:
	cg_buf_release(&b);
	return rc;
}

static int
is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void
free_parts(char **parts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(parts[i]);
		parts[i] = NULL;
	}
}

/* A dotted key into parts[0..*n). */
static int
key(struct toml *t, char **parts, size_t *n)
{
	size_t start;
	int rc;

	*n = 0;
	for (;;) {
		skip_ws(t, 0);
		if (*n == MAX_KEY_PARTS)
			return syntax(t, "key with too many parts");
		if (peek(t) == '"' || peek(t) == '\'') {
			rc = string(t, &parts[*n]);
			if (rc < 0)
				return rc;
		} else {
			start = t->pos;
			while (is_bare(peek(t)))
				t->pos++;
			if (t->pos == start)
				return syntax(t, "expected a key");
			parts[*n] = cg_strndup(t->s + start, t->pos - start);
			if (parts[*n] == NULL)
				return cg_err_nomem(t->err);
		}
		(*n)++;
		skip_ws(t, 0);
		if (peek(t) != '.')
			return 0;
		t->pos++;
	}
}

/*
 * 1 when path names a d1_databases array (top level or under
 * env.NAME); *env gets NAME (borrowed) or NULL.
 */
static int
is_d1_path(char *const *path, size_t n, const char **env)
{
	*env = NULL;
	if (n == 1 && strcmp(path[0], "d1_databases") == 0)
		return 1;
	if (n == 3 && strcmp(path[0], "env") == 0 &&
	    strcmp(path[2], "d1_databases") == 0) {
		*env = path[1];
		return 1;
	}
	return 0;
}

static int value(struct toml *t, char **str, struct cg_d1_binding *into,
    int d1_array, const char *env, unsigned depth);

/* An inline table; with into, its string fields fill that binding. */
static int
inline_table(struct toml *t, struct cg_d1_binding *into, unsigned depth)
{
	char *parts[MAX_KEY_PARTS] = { NULL };
	char *v = NULL;
	size_t n = 0;
	int rc = 0;

	t->pos++;	/* '{' */
	skip_ws(t, 1);
	if (peek(t) == '}') {
		t->pos++;
		return 0;
	}
	for (;;) {
		rc = key(t, parts, &n);
		if (rc < 0)
			goto out;
		if (peek(t) != '=') {
			rc = syntax(t, "expected '=' after a key");
			goto out;
		}
		t->pos++;
		skip_ws(t, 0);
		rc = value(t, &v, NULL, 0, NULL, depth + 1);
		if (rc < 0)
			goto out;
		if (into != NULL && n == 1)
			set_field(into, parts[0], &v);
		free(v);
		v = NULL;
		free_parts(parts, n);
		n = 0;
		skip_ws(t, 1);
		if (peek(t) == ',') {
			t->pos++;
			skip_ws(t, 1);
			continue;
		}
		if (peek(t) == '}') {
			t->pos++;
			break;
		}
		rc = syntax(t, "expected ',' or '}' in an inline table");
		goto out;
	}
out:
	free(v);
	free_parts(parts, n);
	return rc;
}

/*
 * One value at pos.  Strings go to *str (when str is not NULL); in a
 * d1_databases array (d1_array), each inline table becomes a binding.
 */
static int
value(struct toml *t, char **str, struct cg_d1_binding *into, int d1_array,
    const char *env, unsigned depth)
{
	struct cg_d1_binding *b;
	char *junk = NULL;
	size_t start;
	int c = peek(t);
	int rc;

	if (depth > MAX_DEPTH)
		return syntax(t, "values nested too deeply");
	if (c == '"' || c == '\'') {
		rc = string(t, &junk);
		if (rc == 0 && str != NULL) {
			*str = junk;
			junk = NULL;
		}
		free(junk);
		return rc;
	}
	if (c == '{')
		return inline_table(t, into, depth);
	if (c == '[') {
		t->pos++;
		for (;;) {
			skip_ws(t, 1);
			if (peek(t) == ']') {
				t->pos++;
				return 0;
			}
			b = NULL;
			if (d1_array && peek(t) == '{') {
				rc = add_binding(&b, t->out, &t->cap, env,
				    t->origin, t->err);
				if (rc < 0)
					return rc;
			}
			rc = value(t, NULL, b, 0, NULL, depth + 1);
			if (rc < 0)
				return rc;
			skip_ws(t, 1);
			if (peek(t) == ',') {
				t->pos++;
				continue;
			}
			if (peek(t) != ']')
				return syntax(t, "expected ',' or ']' in an "
				    "array");
		}
	}
	/* Numbers, booleans, dates: one run of their characters. */
	start = t->pos;
	while ((c = peek(t)) >= 0 && (is_bare(c) || c == '+' || c == '.' ||
	    c == ':' || (c == ' ' && t->pos > start &&
	    t->pos + 1 < t->len && t->s[t->pos + 1] >= '0' &&
	    t->s[t->pos + 1] <= '9' && t->s[t->pos - 1] >= '0' &&
	    t->s[t->pos - 1] <= '9')))
		t->pos++;
	if (t->pos == start)
		return syntax(t, "expected a value");
	return 0;
}

static int
header(struct toml *t)
{
	char *parts[MAX_KEY_PARTS] = { NULL };
	struct cg_d1_binding *b;
	const char *env;
	int array;
	size_t n = 0, i;
	int rc;

	t->pos++;
	array = peek(t) == '[';
	if (array)
		t->pos++;
	rc = key(t, parts, &n);
	if (rc < 0)
		goto out;
	if (peek(t) != ']' || (array && (t->pos + 1 >= t->len ||
	    t->s[t->pos + 1] != ']'))) {
		rc = syntax(t, array ? "expected ']]'" : "expected ']'");
		goto out;
	}
	t->pos += array ? 2 : 1;
	free_parts(t->table, t->ntable);
	for (i = 0; i < n; i++) {
		t->table[i] = parts[i];
		parts[i] = NULL;
	}
	t->ntable = n;
	t->cur = -1;
	if (array && is_d1_path(t->table, t->ntable, &env)) {
		rc = add_binding(&b, t->out, &t->cap, env, t->origin, t->err);
		if (rc < 0)
			goto out;
		t->cur = (long)(t->out->n - 1);
	}
out:
	free_parts(parts, n);
	return rc;
}

static int
key_value(struct toml *t)
{
	char *parts[MAX_KEY_PARTS] = { NULL };
	char *full[2 * MAX_KEY_PARTS];
	const char *env;
	char *v = NULL;
	size_t n = 0, i, nfull;
	int d1;
	int rc;

	rc = key(t, parts, &n);
	if (rc < 0)
		goto out;
	if (peek(t) != '=') {
		rc = syntax(t, "expected '=' after a key");
		goto out;
	}
	t->pos++;
	skip_ws(t, 0);
	for (nfull = 0; nfull < t->ntable; nfull++)
		full[nfull] = t->table[nfull];
	for (i = 0; i < n; i++)
		full[nfull++] = parts[i];
	d1 = is_d1_path(full, nfull, &env);
	rc = value(t, &v, NULL, d1, env, 0);
	if (rc < 0)
		goto out;
	if (t->cur >= 0 && n == 1)
		set_field(&t->out->v[t->cur], parts[0], &v);
out:
	free(v);
	free_parts(parts, n);
	return rc;
}

static int
parse_toml(struct cg_wrangler *out, const char *text, size_t len,
    const char *origin, struct cg_err *err)
{
	struct toml t;
	int rc = 0;
	int c;

	memset(&t, 0, sizeof(t));
	t.s = text;
	t.len = len;
	t.line = 1;
	t.origin = origin;
	t.err = err;
	t.out = out;
	t.cur = -1;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		t.pos = 3;
	for (;;) {
		skip_ws(&t, 1);
		c = peek(&t);
		if (c < 0)
			break;
		rc = c == '[' ? header(&t) : key_value(&t);
		if (rc < 0)
			break;
		skip_ws(&t, 0);
		if (peek(&t) == '#')
			skip_ws(&t, 1);
		else if (peek(&t) >= 0 && peek(&t) != '\n') {
			rc = syntax(&t, "expected the end of the line");
			break;
		}
	}
	free_parts(t.table, t.ntable);
	return rc;
}

/* JSON ------------------------------------------------------------- */

/*
 * Blank out // and block comments and trailing commas, keeping every
 * newline, so jansson reads the rest and its line numbers stay right.
 */
static void
strip_jsonc(char *s, size_t len)
{
	size_t i = 0, comma = (size_t)-1;

	while (i < len) {
		if (s[i] == '"') {
			comma = (size_t)-1;
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\' && i + 1 < len)
					i++;
			i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
			for (; i < len && s[i] != '\n'; i++)
				s[i] = ' ';
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			s[i] = s[i + 1] = ' ';
			for (i += 2; i < len && !(s[i] == '*' && i + 1 < len &&
			    s[i + 1] == '/'); i++)
				if (s[i] != '\n')
					s[i] = ' ';
			if (i < len)
				s[i] = s[i + 1] = ' ';
			i += 2;
		} else if (s[i] == ',') {
			comma = i++;
		} else if (s[i] == ']' || s[i] == '}') {
			if (comma != (size_t)-1)
				s[comma] = ' ';
			comma = (size_t)-1;
			i++;
		} else {
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
			    s[i] != '\r')
				comma = (size_t)-1;
			i++;
		}
	}
}

static int
json_bindings(struct cg_wrangler *out, size_t *cap, json_t *arr,
    const char *env, const char *origin, struct cg_err *err)
{
	static const char *const keys[] = { "binding", "database_name",
	    "migrations_dir" };
	struct cg_d1_binding *b;
	json_t *o, *f;
	char *v;
	size_t i, k;
	int rc;

	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, o) {
		if (!json_is_object(o))
			continue;
		rc = add_binding(&b, out, cap, env, origin, err);
		if (rc < 0)
			return rc;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			f = json_object_get(o, keys[k]);
			if (!json_is_string(f))
				continue;
			v = cg_strndup(json_string_value(f),
			    json_string_length(f));
			if (v == NULL)
				return cg_err_nomem(err);
			set_field(b, keys[k], &v);
			free(v);
		}
	}
	return 0;
}

static int
parse_json(struct cg_wrangler *out, const char *text, size_t len,
    const char *origin, struct cg_err *err)
{
	json_error_t jerr;
	json_t *root = NULL, *env, *e;
	const char *name;
	char *copy;
	size_t cap = 0;
	int rc = 0;

	copy = cg_strndup(text, len);
	if (copy == NULL)
		return cg_err_nomem(err);
	strip_jsonc(copy, len);
	root = json_loadb(copy, len, 0, &jerr);
	if (root == NULL) {
		rc = cg_err_set(err, CG_EINPUT, "%s:%d: %s", origin,
		    jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		rc = cg_err_set(err, CG_EINPUT, "%s: not a JSON object",
		    origin);
		goto out;
	}
	rc = json_bindings(out, &cap, json_object_get(root, "d1_databases"),
	    NULL, origin, err);
	env = json_object_get(root, "env");
	if (rc == 0 && json_is_object(env)) {
		json_object_foreach(env, name, e) {
			rc = json_bindings(out, &cap,
			    json_object_get(e, "d1_databases"), name, origin,
			    err);
			if (rc < 0)
				break;
		}
	}
out:
	json_decref(root);
	free(copy);
	return rc;
}

int
cg_wrangler_parse(struct cg_wrangler *out, const char *text, size_t len,
    const char *origin, struct cg_err *err)
{
	size_t olen = strlen(origin);
	int rc;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len) != NULL)
		return cg_err_set(err, CG_EINPUT, "%s: NUL byte", origin);
	if (olen >= 5 && strcmp(origin + olen - 5, ".toml") == 0) {
		rc = parse_toml(out, text, len, origin, err);
	} else {
		/* Editors on Windows write a BOM; wrangler reads past it. */
		if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
			text += 3;
			len -= 3;
		}
		rc = parse_json(out, text, len, origin, err);
	}
	if (rc < 0)
		cg_wrangler_release(out);
	return rc;
}
