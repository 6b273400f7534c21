/* SPDX-License-Identifier: MIT */
/*
 * Migration sets found from what migration tools leave in a tree, in
 * this order of precedence (a folder belongs to the first that claims
 * it): wrangler D1 bindings, drizzle journals, prisma lock files, and
 * plain folders of .sql files under a folder named migrations or
 * drizzle.  docs/layouts.md has the rules and why.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "layout.h"
#include "util.h"
#include "banned.h"

#define MAX_SETS 256					/* SECURITY */

const char *const cg_layout_globs[] = {
	"**/wrangler.toml",
	"**/wrangler.json",
	"**/wrangler.jsonc",
	"**/meta/_journal.json",
	"**/migration_lock.toml",
	"**/Cargo.toml",
	"**/drizzle.config.ts",
	"**/drizzle.config.js",
	"**/drizzle.config.mjs",
	"**/drizzle.config.json",
	"**/migrations/*.sql",
	"**/migrations/*/*.sql",
	"**/drizzle/*.sql",
	NULL
};

/* The last component of the folder part of path[0..end), and its length. */
static const char *
parent_name(const char *path, const char *end, size_t *len)
{
	const char *p = end;

	while (p > path && p[-1] != '/')
		p--;
	*len = (size_t)(end - p);
	return p;
}

/* Files wanted whatever folder they are in. */
static int
config_name(const char *name)
{
	return strcmp(name, "wrangler.toml") == 0 ||
	    strcmp(name, "wrangler.json") == 0 ||
	    strcmp(name, "wrangler.jsonc") == 0 ||
	    strcmp(name, "migration_lock.toml") == 0 ||
	    strcmp(name, "Cargo.toml") == 0 ||
	    strcmp(name, "drizzle.config.ts") == 0 ||
	    strcmp(name, "drizzle.config.js") == 0 ||
	    strcmp(name, "drizzle.config.mjs") == 0 ||
	    strcmp(name, "drizzle.config.json") == 0;
}

static int
is_sql_name(const char *name, size_t nlen)
{
	return nlen >= 4 && strcmp(name + nlen - 4, ".sql") == 0;
}

int
cg_layout_may_want(const char *name)
{
	size_t nlen = strlen(name);

	return config_name(name) || strcmp(name, "_journal.json") == 0 ||
	    is_sql_name(name, nlen);
}

int
cg_layout_wants(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *dir, *up;
	size_t nlen = strlen(name), dlen = 0, ulen = 0;

	if (config_name(name))
		return 1;
	if (slash == NULL)
		return 0;
	dir = parent_name(path, slash, &dlen);
	if (strcmp(name, "_journal.json") == 0)
		return dlen == 4 && memcmp(dir, "meta", 4) == 0;
	if (!is_sql_name(name, nlen))
		return 0;
	if ((dlen == 10 && memcmp(dir, "migrations", 10) == 0) ||
	    (dlen == 7 && memcmp(dir, "drizzle", 7) == 0))
		return 1;
	if (dir == path)
		return 0;
	up = parent_name(path, dir - 1, &ulen);
	return ulen == 10 && memcmp(up, "migrations", 10) == 0;
}

/* Folders named for another database engine are not SQLite sets. */
static const char *const other_engines[] = {
	"postgres", "postgresql", "pg", "mysql", "mariadb", "mssql",
	"sqlserver", "cockroach", "cockroachdb", "clickhouse", "oracle",
	"supabase", NULL
};

struct detect {
	struct cg_set *v;
	size_t n, cap;
	struct cg_strvec unused;	/* wrangler default folders not in use */
	const struct cg_entry *entries;
	size_t nentries;
	cg_layout_read_fn read;
	void *payload;
	struct cg_err *err;
};

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The folder of path, "" for the root; owned by the caller. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return cg_strndup(path, slash ? (size_t)(slash - path) : 0);
}

static struct cg_set *
find_set(struct detect *d, const char *dir)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].dir, dir) == 0)
			return &d->v[i];
	return NULL;
}

/*
 * A new set for dir (taken over), or NULL in *out when dir already has
 * one.  name and origin are copied.
 */
static int
add_set(struct cg_set **out, struct detect *d, char **dir, const char *name,
    enum cg_target_kind target, int target_set, const char *origin)
{
	struct cg_set *s;

	*out = NULL;
	if (find_set(d, *dir) != NULL)
		return 0;
	if (d->n >= MAX_SETS)
		return cg_err_set(d->err, CG_EINPUT, "more than %d migration "
		    "sets: name them in .cascadeguard ([set NAME])", MAX_SETS);
	if (cg_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v), d->err) < 0)
		return CG_ENOMEM;
	s = &d->v[d->n];
	memset(s, 0, sizeof(*s));
	s->dir = *dir;
	*dir = NULL;
	d->n++;
	s->name = cg_strdup(name != NULL ? name :
	    (s->dir[0] != '\0' ? s->dir : "."));
	s->origin = cg_strdup(origin);
	if (s->name == NULL || s->origin == NULL)
		return cg_err_nomem(d->err);
	s->target = target;
	s->target_set = target_set;
	*out = s;
	return 0;
}

static int
add_glob(struct cg_set *s, const char *pattern, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	int rc;

	rc = cg_buf_printf(&b, err, "%s%s%s", s->dir, s->dir[0] ? "/" : "",
	    pattern);
	if (rc == 0)
		rc = cg_strvec_push(&s->globs, b.data, err);
	cg_buf_release(&b);
	return rc;
}

/* Mark s as not checked: "<why> '<what>'...". */
static int
skip_set(struct cg_set *s, struct cg_err *err, const char *why,
    const char *what, const char *tail)
{
	struct cg_buf b = CG_BUF_INIT;
	int rc;

	rc = cg_buf_printf(&b, err, "%s '%s'%s", why, what, tail);
	if (rc == 0) {
		free(s->skip);
		s->skip = cg_buf_detach(&b);
		if (s->skip == NULL)
			rc = cg_err_nomem(err);
	}
	cg_buf_release(&b);
	return rc;
}

/*
 * A tool file that does not parse: a set that is not checked, named
 * for the file, whose message says why (config-unreadable).
 */
static int
unreadable_set(struct detect *d, const char *path, const char *msg)
{
	struct cg_set *s;
	char *key;
	int rc;

	/* Keyed by the file's own path: it claims no folder. */
	key = cg_strdup(path);
	if (key == NULL)
		return cg_err_nomem(d->err);
	rc = add_set(&s, d, &key, path, CG_TARGET_D1, 0, path);
	free(key);
	if (rc < 0 || s == NULL)
		return rc;
	s->unreadable = 1;
	s->skip = cg_strdup(msg);
	return s->skip == NULL ? cg_err_nomem(d->err) : 0;
}

/*
 * Join a wrangler config's folder and its migrations_dir into a
 * repository path: "./" and "x/.." resolved, trailing '/' dropped.
 * *out = NULL when the result leaves the repository or is absolute.
 */
static int
join_dir(char **out, const char *base, const char *rel, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	const char *p, *e;
	size_t n, cut;
	int rc = 0;

	*out = NULL;
	if (rel[0] == '/')
		return 0;
	rc = cg_buf_puts(&b, base, err);
	for (p = rel; rc == 0 && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (b.len == 0)
				goto out;	/* outside the repository */
			cut = b.len;
			while (cut > 0 && b.data[cut - 1] != '/')
				cut--;
			b.len = cut > 0 ? cut - 1 : 0;
			b.data[b.len] = '\0';
			continue;
		}
		if (b.len > 0)
			rc = cg_buf_puts(&b, "/", err);
		if (rc == 0)
			rc = cg_buf_add(&b, p, n, err);
	}
	if (rc == 0) {
		*out = cg_buf_detach(&b);
		if (*out == NULL)
			rc = cg_err_nomem(err);
	}
out:
	cg_buf_release(&b);
	return rc;
}

static int
read_tool_file(char **text, size_t *len, struct detect *d, const char *path)
{
	*text = NULL;
	return d->read(text, len, path, d->payload, d->err);
}

/*
 * A second D1 binding (name, found from origin) for the folder of s,
 * which a binding already claimed: wrangler applies the folder to each
 * database, so the set is named after all of them ("DB+DB2") and --set
 * takes any one (aliases).  Environments with the same binding name
 * add nothing.
 */
static int
share_set(struct cg_set *s, const char *name, const char *origin,
    struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	size_t i;
	int rc;

	if (strcmp(s->name, name) == 0)
		return 0;
	for (i = 0; i < s->aliases.n; i++)
		if (strcmp(s->aliases.v[i], name) == 0)
			return 0;
	rc = 0;
	if (s->aliases.n == 0)
		rc = cg_strvec_push(&s->aliases, s->name, err);
	if (rc == 0)
		rc = cg_strvec_push(&s->aliases, name, err);
	if (rc == 0)
		rc = cg_buf_printf(&b, err, "%s+%s", s->name, name);
	if (rc == 0) {
		free(s->name);
		s->name = cg_buf_detach(&b);
		b.len = 0;
		rc = s->name == NULL ? cg_err_nomem(err) :
		    cg_buf_printf(&b, err, "%s; %s", s->origin, origin);
	}
	if (rc == 0) {
		free(s->origin);
		s->origin = cg_buf_detach(&b);
		if (s->origin == NULL)
			rc = cg_err_nomem(err);
	}
	cg_buf_release(&b);
	return rc;
}

/* wrangler.toml / .json / .jsonc: a d1 set per migrations_dir. */
static int
wrangler_sets(struct detect *d, const struct cg_entry *e)
{
	struct cg_wrangler w = { NULL, 0 };
	struct cg_err perr = CG_ERR_INIT;
	struct cg_buf origin = CG_BUF_INIT;
	struct cg_set *s;
	const struct cg_d1_binding *b;
	const char *name;
	char *text = NULL, *cfgdir = NULL, *dir = NULL;
	size_t len = 0, i;
	int rc;

	rc = read_tool_file(&text, &len, d, e->path);
	if (rc < 0 || text == NULL)
		goto out;
	rc = cg_wrangler_parse(&w, text, len, e->path, &perr);
	if (rc == CG_EINPUT) {
		/*
		 * One bad config (a template's "name = {{ name }}") must not
		 * stop the check of every set: say so, detect without it.
		 */
		rc = unreadable_set(d, e->path, perr.msg);
		goto out;
	}
	if (rc < 0) {
		*d->err = perr;
		goto out;
	}
	cfgdir = dir_of(e->path);
	if (cfgdir == NULL) {
		rc = cg_err_nomem(d->err);
		goto out;
	}
	/*
	 * When every binding names its own migrations_dir, the default
	 * folder next to the config is not wrangler's: not a set of its own.
	 */
	for (i = 0; i < w.n && w.v[i].migrations_dir != NULL; i++)
		;
	if (w.n > 0 && i == w.n) {
		rc = join_dir(&dir, cfgdir, "migrations", d->err);
		if (rc == 0 && dir != NULL)
			rc = cg_strvec_push(&d->unused, dir, d->err);
		if (rc < 0)
			goto out;
	}
	for (i = 0; i < w.n; i++) {
		b = &w.v[i];
		free(dir);
		dir = NULL;
		rc = join_dir(&dir, cfgdir, b->migrations_dir != NULL ?
		    b->migrations_dir : "migrations", d->err);
		if (rc < 0)
			goto out;
		if (dir == NULL)
			continue;	/* outside the repository */
		origin.len = 0;
		rc = cg_buf_printf(&origin, d->err, "%s, D1 binding %s%s%s",
		    e->path, b->binding ? b->binding : b->database_name ?
		    b->database_name : "(unnamed)", b->env ? " in env." : "",
		    b->env ? b->env : "");
		if (rc < 0)
			goto out;
		name = b->binding ? b->binding : b->database_name;
		rc = add_set(&s, d, &dir, name, CG_TARGET_D1, 1, origin.data);
		if (rc < 0)
			goto out;
		if (s != NULL)
			rc = add_glob(s, "*.sql", d->err);
		else if (name != NULL && dir != NULL &&
		    (s = find_set(d, dir)) != NULL && s->origin != NULL &&
		    strstr(s->origin, ", D1 binding ") != NULL)
			rc = share_set(s, name, origin.data, d->err);
		if (rc < 0)
			goto out;
	}
out:
	free(dir);
	free(cfgdir);
	free(text);
	cg_buf_release(&origin);
	cg_wrangler_release(&w);
	return rc;
}

/*
 * *out = 1 when the file named fname (or, with prefix, whose name starts
 * with fname) nearest to dir, in dir or above it, contains needle1 or
 * needle2.  The nearest only: a monorepo's root drizzle.config.ts for
 * Turso says nothing of an app below it with its own config.
 */
static int
ancestor_mentions(int *out, struct detect *d, const char *dir,
    const char *fname, int prefix, const char *needle1, const char *needle2)
{
	const struct cg_entry *e, *best = NULL;
	const char *name, *slash;
	char *text = NULL;
	size_t len = 0, i, n, bestn = 0;
	int rc;

	*out = 0;
	for (i = 0; i < d->nentries; i++) {
		e = &d->entries[i];
		name = base_name(e->path);
		if (e->kind != CG_ENTRY_BLOB || (prefix ?
		    strncmp(name, fname, strlen(fname)) != 0 :
		    strcmp(name, fname) != 0))
			continue;
		slash = strrchr(e->path, '/');
		n = slash != NULL ? (size_t)(slash - e->path) : 0;
		if (n > 0 && (strncmp(dir, e->path, n) != 0 ||
		    (dir[n] != '/' && dir[n] != '\0')))
			continue;
		if (best == NULL || n > bestn) {
			best = e;
			bestn = n;
		}
	}
	if (best == NULL)
		return 0;
	rc = read_tool_file(&text, &len, d, best->path);
	if (rc == 0 && text != NULL && (strstr(text, needle1) != NULL ||
	    (needle2 != NULL && strstr(text, needle2) != NULL)))
		*out = 1;
	free(text);
	return rc;
}

/* <dir>/meta/_journal.json: a drizzle set at dir. */
static int
drizzle_set(struct detect *d, const struct cg_entry *e)
{
	json_error_t jerr;
	json_t *root = NULL, *dialect;
	struct cg_set *s;
	char *text = NULL, *dir = NULL, *meta = NULL;
	const char *dname = NULL;
	size_t len = 0;
	int libsql = 0;
	int rc;

	meta = dir_of(e->path);
	dir = meta != NULL ? dir_of(meta) : NULL;
	if (dir == NULL) {
		rc = cg_err_nomem(d->err);
		goto out;
	}
	rc = read_tool_file(&text, &len, d, e->path);
	if (rc < 0 || text == NULL)
		goto out;
	/* A journal that does not parse is reported when it is used. */
	root = json_loadb(text, len, 0, &jerr);
	dialect = json_object_get(root, "dialect");
	if (json_is_string(dialect))
		dname = json_string_value(dialect);
	rc = ancestor_mentions(&libsql, d, dir, "drizzle.config.", 1,
	    "turso", "libsql");
	if (rc < 0)
		goto out;
	rc = add_set(&s, d, &dir, NULL, libsql ? CG_TARGET_LIBSQL :
	    CG_TARGET_DRIZZLE, 1, e->path);
	if (rc < 0 || s == NULL)
		goto out;
	rc = add_glob(s, "*.sql", d->err);
	if (rc == 0 && dname != NULL && strcmp(dname, "sqlite") != 0 &&
	    strcmp(dname, "turso") != 0)
		rc = skip_set(s, d->err, "its drizzle journal's dialect is",
		    dname, ", not SQLite");
out:
	json_decref(root);
	free(text);
	free(meta);
	free(dir);
	return rc;
}

/* The provider of a prisma migration_lock.toml, or NULL. */
static char *
lock_provider(const char *text)
{
	const char *p = text, *q, *end;

	while ((p = strstr(p, "provider")) != NULL) {
		if (p != text && p[-1] != '\n' && p[-1] != ' ' && p[-1] != '\t') {
			p++;
			continue;
		}
		q = p + 8;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q++ != '=') {
			p++;
			continue;
		}
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"')
			return NULL;
		end = strchr(q + 1, '"');
		return end ? cg_strndup(q + 1, (size_t)(end - q - 1)) : NULL;
	}
	return NULL;
}

/* <dir>/migration_lock.toml: a prisma set at dir. */
static int
prisma_set(struct detect *d, const char *lockpath, char **dir)
{
	struct cg_set *s;
	char *text = NULL, *provider = NULL;
	size_t len = 0;
	int rc = 0;

	if (lockpath != NULL) {
		rc = read_tool_file(&text, &len, d, lockpath);
		if (rc < 0)
			goto out;
		provider = text ? lock_provider(text) : NULL;
	}
	rc = add_set(&s, d, dir, NULL, CG_TARGET_PRISMA, 1,
	    lockpath ? lockpath : "prisma migrations folder");
	if (rc < 0 || s == NULL)
		goto out;
	rc = add_glob(s, "*/migration.sql", d->err);
	if (rc == 0 && provider != NULL && strcmp(provider, "sqlite") != 0)
		rc = skip_set(s, d->err, "its prisma provider is", provider,
		    ", not SQLite");
out:
	free(provider);
	free(text);
	return rc;
}

/* 1 when some set's globs take path. */
static int
claimed(const struct detect *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (cg_globs_match((const char *const *)d->v[i].globs.v,
		    d->v[i].globs.n, path))
			return 1;
	return 0;
}

/*
 * The folder of dir, or one above it, named for another engine (also
 * supabase/: Supabase is PostgreSQL); NULL when none is.
 */
static const char *
other_engine(const char *dir)
{
	const char *p = dir, *end;
	size_t i, n;

	while (*p != '\0') {
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; other_engines[i] != NULL; i++)
			if (strlen(other_engines[i]) == n &&
			    strncmp(p, other_engines[i], n) == 0)
				return other_engines[i];
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

/* Folders of .sql files no tool file claimed. */
static int
plain_set(struct detect *d, const struct cg_entry *e)
{
	struct cg_set *s;
	char *dir = NULL, *parent = NULL;
	const char *pname, *engine;
	size_t i, nsql = 0, nup = 0;
	int up, sqlx = 0;
	int rc = 0;

	if (cg_migration_is_down(e->path) || claimed(d, e->path))
		return 0;
	dir = dir_of(e->path);
	parent = dir != NULL ? dir_of(dir) : NULL;
	if (parent == NULL) {
		rc = cg_err_nomem(d->err);
		goto out;
	}
	pname = base_name(parent);
	/* prisma's migrations/<name>/migration.sql without a lock file */
	if (strcmp(base_name(e->path), "migration.sql") == 0 &&
	    strcmp(pname, "migrations") == 0) {
		rc = prisma_set(d, NULL, &parent);
		goto out;
	}
	/* diesel's migrations/<version>_<name>/up.sql: one set, not one each */
	if (strcmp(base_name(e->path), "up.sql") == 0 &&
	    strcmp(pname, "migrations") == 0) {
		rc = add_set(&s, d, &parent, NULL, CG_TARGET_D1, 0,
		    "a folder of <version>_<name>/up.sql migrations (diesel)");
		if (rc == 0 && s != NULL)
			rc = add_glob(s, "*/up.sql", d->err);
		goto out;
	}
	if (find_set(d, dir) != NULL)
		goto out;
	for (i = 0; i < d->unused.n; i++)
		if (strcmp(d->unused.v[i], dir) == 0)
			goto out;
	for (i = 0; i < d->nentries; i++) {
		const char *p = d->entries[i].path;
		size_t dl = strlen(dir);

		if (!(dl == 0 || (strncmp(p, dir, dl) == 0 && p[dl] == '/')) ||
		    strchr(p + (dl ? dl + 1 : 0), '/') != NULL ||
		    strlen(p) <= 4 || strcmp(p + strlen(p) - 4, ".sql") != 0 ||
		    cg_migration_is_down(p))
			continue;
		nsql++;
		if (strlen(p) > 7 && strcmp(p + strlen(p) - 7, ".up.sql") == 0)
			nup++;
	}
	/*
	 * golang-migrate only when every forward file is <v>_<name>.up.sql:
	 * one such file must not hide the folder's other .sql files.
	 */
	up = nup > 0 && nup == nsql;
	rc = ancestor_mentions(&sqlx, d, dir, "Cargo.toml", 0, "sqlx", NULL);
	if (rc < 0)
		goto out;
	rc = add_set(&s, d, &dir, NULL, sqlx ? CG_TARGET_SQLX : up ?
	    CG_TARGET_GOLANG_MIGRATE : CG_TARGET_D1, sqlx || up,
	    sqlx ? "a migrations folder of a crate that uses sqlx" : up ?
	    "a folder of <version>_<name>.up.sql files (golang-migrate)" :
	    "a migrations folder");
	if (rc < 0 || s == NULL)
		goto out;
	rc = add_glob(s, up ? "*.up.sql" : "*.sql", d->err);
	engine = other_engine(s->dir);
	if (rc == 0 && engine != NULL)
		rc = skip_set(s, d->err, "its folder is named for another "
		    "database engine:", engine, "");
out:
	free(dir);
	free(parent);
	return rc;
}

/*
 * Names that two sets share (the binding DB of two Workers) get their
 * folder: findings and --set must say which set they mean.
 */
static int
unique_names(struct cg_set *v, size_t n, struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	unsigned char *dup;
	size_t i, j;
	int rc = 0;

	dup = calloc(n ? n : 1, 1);
	if (dup == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(v[i].name, v[j].name) == 0)
				dup[i] = dup[j] = 1;
	for (i = 0; rc == 0 && i < n; i++) {
		if (!dup[i])
			continue;
		b.len = 0;
		rc = cg_buf_printf(&b, err, "%s (%s)", v[i].name,
		    v[i].dir[0] != '\0' ? v[i].dir : ".");
		if (rc == 0) {
			free(v[i].name);
			v[i].name = cg_buf_detach(&b);
		}
	}
	cg_buf_release(&b);
	free(dup);
	return rc;
}

static int
cmp_set_dir(const void *a, const void *b)
{
	const struct cg_set *x = a, *y = b;

	return strcmp(x->dir, y->dir);
}

int
cg_layout_detect(struct cg_set **out, size_t *nout,
    const struct cg_entry *v, size_t n, cg_layout_read_fn read,
    void *payload, struct cg_err *err)
{
	struct detect d;
	const char *name;
	char *dir;
	size_t i;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.entries = v;
	d.nentries = n;
	d.read = read;
	d.payload = payload;
	d.err = err;
	*out = NULL;
	*nout = 0;
	for (i = 0; rc == 0 && i < n; i++) {
		name = base_name(v[i].path);
		if (v[i].kind == CG_ENTRY_BLOB && (strcmp(name,
		    "wrangler.toml") == 0 || strcmp(name, "wrangler.json") == 0 ||
		    strcmp(name, "wrangler.jsonc") == 0))
			rc = wrangler_sets(&d, &v[i]);
	}
	for (i = 0; rc == 0 && i < n; i++)
		if (v[i].kind == CG_ENTRY_BLOB &&
		    cg_glob_match("**/meta/_journal.json", v[i].path))
			rc = drizzle_set(&d, &v[i]);
	for (i = 0; rc == 0 && i < n; i++) {
		if (v[i].kind != CG_ENTRY_BLOB || strcmp(base_name(v[i].path),
		    "migration_lock.toml") != 0)
			continue;
		dir = dir_of(v[i].path);
		if (dir == NULL) {
			rc = cg_err_nomem(err);
			break;
		}
		rc = prisma_set(&d, v[i].path, &dir);
		free(dir);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		name = base_name(v[i].path);
		if (strlen(name) > 4 &&
		    strcmp(name + strlen(name) - 4, ".sql") == 0)
			rc = plain_set(&d, &v[i]);
	}
	cg_strvec_release(&d.unused);
	if (rc < 0) {
		cg_sets_free(d.v, d.n);
		return rc;
	}
	if (d.n > 1)
		qsort(d.v, d.n, sizeof(*d.v), cmp_set_dir);
	rc = unique_names(d.v, d.n, err);
	if (rc < 0) {
		cg_sets_free(d.v, d.n);
		return rc;
	}
	*out = d.v;
	*nout = d.n;
	return 0;
}
