/* SPDX-License-Identifier: MIT */
/*
 * Which paths are migrations (globs, down files) and the order they run
 * in (natural order, drizzle journals).  Pure: no I/O.  Jansson is used
 * here only to parse the drizzle journal text handed in by the caller;
 * no jansson type leaves this file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "err.h"
#include "migrations.h"
#include "util.h"
#include "banned.h"

const char *const cg_default_globs[] = {
	"migrations/*.sql",
	"drizzle/*.sql",
	"prisma/migrations/*/migration.sql",
	"db/migrations/*.sql",
	NULL
};

void
cg_entry_release(struct cg_entry *e)
{
	if (e == NULL)
		return;
	free(e->path);
	e->path = NULL;
}

void
cg_entries_free(struct cg_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		cg_entry_release(&v[i]);
	free(v);
}

/*
 * Match one bracket expression starting at p[0] == '[' against c.
 * Sets *next to the byte after the closing ']' and returns 1 on a match,
 * 0 on no match.  Returns -1 when the bracket is not terminated, so the
 * caller treats '[' as a literal byte (as fnmatch does).
 */
static int
match_bracket(const char *p, size_t plen, unsigned char c, size_t *next)
{
	size_t i = 1;
	int negate = 0, matched = 0, first = 1;
	unsigned char lo, hi;

	if (i < plen && (p[i] == '!' || p[i] == '^')) {
		negate = 1;
		i++;
	}
	while (i < plen) {
		if (p[i] == ']' && !first) {
			*next = i + 1;
			return matched != negate;
		}
		first = 0;
		if (p[i] == '\\' && i + 1 < plen)
			i++;
		lo = (unsigned char)p[i];
		i++;
		hi = lo;
		if (i + 1 < plen && p[i] == '-' && p[i + 1] != ']') {
			i++;
			if (p[i] == '\\' && i + 1 < plen)
				i++;
			hi = (unsigned char)p[i];
			i++;
		}
		if (c >= lo && c <= hi)
			matched = 1;
	}
	return -1;
}

/*
 * Match one path component (no '/') against one glob component: '*',
 * '?', '[...]' and '\' escapes.  SECURITY: a hostile pattern such as
 * "*a*a*a*a*b" must not take exponential time (glibc fnmatch backtracks
 * recursively), so this is the iterative matcher that remembers only
 * the last '*': O(plen * slen) at worst.
 */
static int
match_component(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0, next;
	int m;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			while (pi < plen && p[pi] == '*')
				pi++;
			star_p = pi;
			star_s = si;
			continue;
		}
		if (pi < plen) {
			if (p[pi] == '?') {
				pi++;
				si++;
				continue;
			}
			if (p[pi] == '[') {
				m = match_bracket(p + pi, plen - pi,
				    (unsigned char)s[si], &next);
				if (m == 1) {
					pi += next;
					si++;
					continue;
				}
				if (m == -1 && s[si] == '[') {
					pi++;
					si++;
					continue;
				}
			} else if (p[pi] == '\\' && pi + 1 < plen) {
				if (p[pi + 1] == s[si]) {
					pi += 2;
					si++;
					continue;
				}
			} else if (p[pi] == s[si]) {
				pi++;
				si++;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return 0;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* Length of the component of s starting at off (up to '/' or the end). */
static size_t
comp_len(const char *s, size_t off)
{
	const char *slash = strchr(s + off, '/');

	return slash ? (size_t)(slash - (s + off)) : strlen(s + off);
}

static int
is_globstar(const char *g, size_t off, size_t len)
{
	return len == 2 && g[off] == '*' && g[off + 1] == '*';
}

/*
 * Components are matched with the same "remember the last star" scheme
 * as bytes, one level up: a '**' component is the star and every other
 * component matches exactly one path component.  So a glob with many
 * '**' costs O(components of glob * components of path) component
 * matches, never exponential.
 */
int
cg_glob_match(const char *glob, const char *path)
{
	size_t gi = 0, pi = 0, star_g = SIZE_MAX, star_p = 0;
	size_t glen = strlen(glob), plen = strlen(path);
	size_t gl, pl;

	/* Offsets past the end (gi > glen, pi > plen) mean "used up". */
	for (;;) {
		if (pi > plen)
			break;
		pl = comp_len(path, pi);
		if (gi <= glen) {
			gl = comp_len(glob, gi);
			if (is_globstar(glob, gi, gl)) {
				gi += gl + 1;
				star_g = gi;
				star_p = pi;
				continue;
			}
			if (match_component(glob + gi, gl, path + pi, pl)) {
				gi += gl + 1;
				pi += pl + 1;
				continue;
			}
		}
		if (star_g == SIZE_MAX)
			return 0;
		/* Let the last '**' swallow one more path component. */
		star_p += comp_len(path, star_p) + 1;
		gi = star_g;
		pi = star_p;
	}
	/* The path is used up: what is left of the glob must be '**'s. */
	while (gi <= glen) {
		gl = comp_len(glob, gi);
		if (!is_globstar(glob, gi, gl))
			return 0;
		gi += gl + 1;
	}
	return 1;
}

int
cg_globs_match(const char *const *globs, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (globs[i] != NULL && cg_glob_match(globs[i], path))
			return 1;
	return 0;
}

int
cg_migration_is_down(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = strlen(base);

	if (strcasecmp(base, "down.sql") == 0)
		return 1;
	return len >= 9 && strcasecmp(base + len - 9, ".down.sql") == 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Natural comparison of a[0..na) and b[0..nb).  Runs of digits compare
 * by value (leading zeros ignored; on equal value the shorter run comes
 * first), everything else bytewise.  Runs are compared by digit count
 * and then digit by digit, so no run is too long to compare.  This is a
 * total order: two strings compare equal only when they are equal.
 */
static int
natcmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0, ei, ej, zi, zj, sig_a, sig_b;
	unsigned char x, y;
	int c;

	while (i < na && j < nb) {
		if (is_digit(a[i]) && is_digit(b[j])) {
			for (ei = i; ei < na && is_digit(a[ei]); ei++)
				;
			for (ej = j; ej < nb && is_digit(b[ej]); ej++)
				;
			for (zi = i; zi < ei - 1 && a[zi] == '0'; zi++)
				;
			for (zj = j; zj < ej - 1 && b[zj] == '0'; zj++)
				;
			sig_a = ei - zi;
			sig_b = ej - zj;
			if (sig_a != sig_b)
				return sig_a < sig_b ? -1 : 1;
			c = memcmp(a + zi, b + zj, sig_a);
			if (c != 0)
				return c < 0 ? -1 : 1;
			if (ei - i != ej - j)
				return ei - i < ej - j ? -1 : 1;
			i = ei;
			j = ej;
			continue;
		}
		x = (unsigned char)a[i];
		y = (unsigned char)b[j];
		if (x != y)
			return x < y ? -1 : 1;
		i++;
		j++;
	}
	if (i < na)
		return 1;
	if (j < nb)
		return -1;
	return 0;
}

int
cg_natural_cmp(const char *a, const char *b)
{
	return natcmp(a, strlen(a), b, strlen(b));
}

void
cg_journal_release(struct cg_journal *j)
{
	size_t i;

	if (j == NULL)
		return;
	free(j->dir);
	for (i = 0; i < j->ntags; i++)
		free(j->tags[i]);
	free(j->tags);
	free(j->when);
	j->dir = NULL;
	j->tags = NULL;
	j->when = NULL;
	j->ntags = 0;
}

struct journal_item {
	json_int_t idx;
	long long when;		/* CG_NO_WHEN when absent */
	const char *tag;	/* borrowed from the JSON document */
	size_t pos;		/* position in the file, for a stable order */
};

static int
cmp_journal_item(const void *pa, const void *pb)
{
	const struct journal_item *a = pa, *b = pb;

	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return 0;
}

int
cg_journal_parse(struct cg_journal *out, const char *dir, const char *json,
    size_t len, const char *origin, struct cg_err *err)
{
	struct cg_journal j = { NULL, NULL, NULL, 0 };
	struct journal_item *items = NULL;
	json_t *root = NULL, *entries, *e, *idx, *tag, *when;
	json_error_t jerr;
	size_t i, n;
	const char *s;
	int rc = 0;

	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		rc = cg_err_set(err, CG_EINPUT,
		    "cannot parse '%s': line %d: %s", origin, jerr.line,
		    jerr.text);
		goto out;
	}
	entries = json_is_object(root) ? json_object_get(root, "entries") :
	    NULL;
	if (!json_is_array(entries)) {
		rc = cg_err_set(err, CG_EINPUT,
		    "cannot parse '%s': no \"entries\" array", origin);
		goto out;
	}
	n = json_array_size(entries);
	if (n > 0) {
		items = calloc(n, sizeof(*items));
		j.tags = calloc(n, sizeof(*j.tags));
		j.when = calloc(n, sizeof(*j.when));
		if (items == NULL || j.tags == NULL || j.when == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		e = json_array_get(entries, i);
		idx = json_object_get(e, "idx");
		tag = json_object_get(e, "tag");
		if (!json_is_object(e) || !json_is_integer(idx) ||
		    !json_is_string(tag)) {
			rc = cg_err_set(err, CG_EINPUT, "cannot parse '%s': "
			    "entry %zu needs an integer \"idx\" and a string "
			    "\"tag\"", origin, i);
			goto out;
		}
		s = json_string_value(tag);
		/* SECURITY: a tag names a file in dir, nothing else. */
		if (s[0] == '\0' || strlen(s) != json_string_length(tag) ||
		    strchr(s, '/') != NULL) {
			rc = cg_err_set(err, CG_EINPUT, "cannot parse '%s': "
			    "entry %zu has an invalid \"tag\"", origin, i);
			goto out;
		}
		items[i].idx = json_integer_value(idx);
		when = json_object_get(e, "when");
		items[i].when = json_is_integer(when) &&
		    json_integer_value(when) != CG_NO_WHEN ?
		    (long long)json_integer_value(when) : CG_NO_WHEN;
		items[i].tag = s;
		items[i].pos = i;
	}
	if (n > 0)
		qsort(items, n, sizeof(*items), cmp_journal_item);
	j.dir = cg_strdup(dir);
	if (j.dir == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		j.when[i] = items[i].when;
		j.tags[i] = cg_strdup(items[i].tag);
		if (j.tags[i] == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		j.ntags++;
	}
	*out = j;
	j.dir = NULL;
	j.tags = NULL;
	j.when = NULL;
	j.ntags = 0;
out:
	cg_journal_release(&j);
	free(items);
	json_decref(root);
	return rc;
}

long long
cg_journal_when(const struct cg_journal *journals, size_t n, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t dlen = base != NULL ? (size_t)(base - path) : 0;
	size_t blen, i, k;

	base = base != NULL ? base + 1 : path;
	blen = strlen(base);
	if (blen <= 4 || strcmp(base + blen - 4, ".sql") != 0)
		return CG_NO_WHEN;
	for (i = 0; i < n; i++) {
		if (journals[i].dir == NULL || strlen(journals[i].dir) != dlen ||
		    strncmp(journals[i].dir, path, dlen) != 0)
			continue;
		for (k = 0; k < journals[i].ntags; k++)
			if (strlen(journals[i].tags[k]) == blen - 4 &&
			    strncmp(journals[i].tags[k], base, blen - 4) == 0)
				return journals[i].when[k];
	}
	return CG_NO_WHEN;
}

int
cg_journal_unlisted(const struct cg_journal *journals, size_t n,
    const char *path)
{
	const char *base = strrchr(path, '/');
	size_t dlen = base != NULL ? (size_t)(base - path) : 0;
	size_t blen, i, k;

	base = base != NULL ? base + 1 : path;
	blen = strlen(base);
	if (blen <= 4 || strcmp(base + blen - 4, ".sql") != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (journals[i].dir == NULL || strlen(journals[i].dir) != dlen ||
		    strncmp(journals[i].dir, path, dlen) != 0)
			continue;
		for (k = 0; k < journals[i].ntags; k++)
			if (strlen(journals[i].tags[k]) == blen - 4 &&
			    strncmp(journals[i].tags[k], base, blen - 4) == 0)
				return 0;
		return 1;
	}
	return 0;
}

/* A tag of one journal with its run position, sorted by tag for lookup. */
struct tag_pos {
	const char *tag;
	size_t pos;
};

static int
cmp_tag_pos(const void *pa, const void *pb)
{
	const struct tag_pos *a = pa, *b = pb;
	int c = strcmp(a->tag, b->tag);

	if (c != 0)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* One entry being sorted, with everything the comparison needs. */
struct sort_key {
	struct cg_entry e;
	size_t dirlen;		/* bytes before the last '/', 0 for none */
	size_t rank;		/* journal position; SIZE_MAX when unlisted */
	size_t orig;		/* input position: keeps the sort stable */
};

static int
cmp_sort_key(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	const char *an, *bn;
	int c;

	c = natcmp(a->e.path, a->dirlen, b->e.path, b->dirlen);
	if (c != 0)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	an = a->e.path + a->dirlen;
	bn = b->e.path + b->dirlen;
	c = natcmp(an, strlen(an), bn, strlen(bn));
	if (c != 0)
		return c;
	c = strcmp(a->e.path, b->e.path);
	if (c != 0)
		return c;
	return a->orig < b->orig ? -1 : a->orig > b->orig;
}

/* Position of the file name `name` (len bytes, without ".sql") in t. */
static size_t
tag_rank(const struct tag_pos *t, size_t n, const char *name, size_t len)
{
	size_t lo = 0, hi = n, mid;
	int c;

	/* Lower bound: the first (smallest pos) of equal tags. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(t[mid].tag, name, len);
		if (c == 0 && t[mid].tag[len] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strncmp(t[lo].tag, name, len) == 0 &&
	    t[lo].tag[len] == '\0')
		return t[lo].pos;
	return SIZE_MAX;
}

int
cg_migrations_sort(struct cg_entry *v, size_t n,
    const struct cg_journal *journals, size_t njournals, struct cg_err *err)
{
	struct sort_key *keys = NULL;
	struct tag_pos **tags = NULL;
	const char *slash, *name;
	size_t i, k, namelen;
	int rc = 0;

	if (n < 2 && njournals == 0)
		return 0;
	keys = calloc(n ? n : 1, sizeof(*keys));
	tags = calloc(njournals ? njournals : 1, sizeof(*tags));
	if (keys == NULL || tags == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (k = 0; k < njournals; k++) {
		tags[k] = calloc(journals[k].ntags ? journals[k].ntags : 1,
		    sizeof(**tags));
		if (tags[k] == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		for (i = 0; i < journals[k].ntags; i++) {
			tags[k][i].tag = journals[k].tags[i];
			tags[k][i].pos = i;
		}
		qsort(tags[k], journals[k].ntags, sizeof(**tags), cmp_tag_pos);
	}
	for (i = 0; i < n; i++) {
		keys[i].e = v[i];
		keys[i].orig = i;
		keys[i].rank = 0;
		slash = strrchr(v[i].path, '/');
		keys[i].dirlen = slash ? (size_t)(slash - v[i].path) : 0;
		name = slash ? slash + 1 : v[i].path;
		namelen = strlen(name);
		if (namelen >= 4 && strcmp(name + namelen - 4, ".sql") == 0)
			namelen -= 4;
		for (k = 0; k < njournals; k++) {
			if (journals[k].dir == NULL ||
			    strlen(journals[k].dir) != keys[i].dirlen ||
			    strncmp(journals[k].dir, v[i].path,
			    keys[i].dirlen) != 0)
				continue;
			keys[i].rank = tag_rank(tags[k], journals[k].ntags,
			    name, namelen);
			break;
		}
	}
	qsort(keys, n, sizeof(*keys), cmp_sort_key);
	for (i = 0; i < n; i++)
		v[i] = keys[i].e;
out:
	if (tags != NULL)
		for (k = 0; k < njournals; k++)
			free(tags[k]);
	free(tags);
	free(keys);
	return rc;
}
