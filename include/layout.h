/* SPDX-License-Identifier: MIT */
/*
 * Which migration sets a repository holds, found from the files that
 * migration tools leave: wrangler configurations (wrangler.toml, .json,
 * .jsonc: one set per D1 binding's migrations_dir), drizzle journals,
 * prisma's migration_lock.toml, and folders of numbered .sql files.
 * Pure: the caller lists the tree and hands file texts in through a
 * callback.  docs/layouts.md describes the rules.
 */
#ifndef CG_LAYOUT_H
#define CG_LAYOUT_H

#include <stddef.h>

#include "config.h"
#include "migrations.h"

struct cg_err;

/*
 * The paths cg_layout_detect looks at, as NULL-terminated globs, and
 * the same test as a predicate on one path (what the tree walk uses).
 */
extern const char *const cg_layout_globs[];
int cg_layout_wants(const char *path);
/*
 * 1 when a file of this name (no folder) is taken by cg_layout_wants in
 * some folder: what the detection memo may rely on, since a tree id
 * names a folder's content but not where it sits.  cg_layout_wants(p)
 * implies cg_layout_may_want(the last component of p).
 */
int cg_layout_may_want(const char *name);
/*
 * Names what the two predicates take; change it when they change (the
 * memos of "layout1" judged folders by path, and a folder moved under
 * migrations/ could be skipped).
 */
#define CG_LAYOUT_TAG "layout2"

/*
 * Read the file at path of the side being detected: *data NUL-terminated
 * and owned by the caller, NULL when missing.  Returns < 0 on error.
 */
typedef int (*cg_layout_read_fn)(char **data, size_t *len, const char *path,
    void *payload, struct cg_err *err);

/*
 * From v (the side's entries matching cg_layout_globs, sorted by path),
 * the sets in path order of their folder.  Unreadable tool files are
 * CG_EINPUT naming file and line.  Sets that are not SQLite (a prisma
 * provider, a drizzle dialect, a folder named for another database)
 * come back with skip set.
 */
int cg_layout_detect(struct cg_set **out, size_t *nout,
    const struct cg_entry *v, size_t n, cg_layout_read_fn read,
    void *payload, struct cg_err *err);

/* A D1 database of a wrangler configuration. */
struct cg_d1_binding {
	char *binding;		/* may be NULL */
	char *database_name;	/* may be NULL */
	char *migrations_dir;	/* NULL: wrangler's default, "migrations" */
	char *env;		/* [env.NAME] it came from; NULL for the top level */
};

struct cg_wrangler {
	struct cg_d1_binding *v;
	size_t n;
};

/*
 * Parse wrangler configuration text: TOML when origin ends in ".toml",
 * else JSON with comments and trailing commas (wrangler.json, .jsonc).
 * Only the d1_databases tables (top level and per [env.NAME]) are kept.
 * Syntax errors: CG_EINPUT "origin:LINE: ...".
 */
int cg_wrangler_parse(struct cg_wrangler *out, const char *text, size_t len,
    const char *origin, struct cg_err *err);
void cg_wrangler_release(struct cg_wrangler *w);

#endif
