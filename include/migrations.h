/* SPDX-License-Identifier: MIT */
/*
 * Which paths are migrations and in what order they run.  Pure: no I/O.
 */
#ifndef CG_MIGRATIONS_H
#define CG_MIGRATIONS_H

#include <limits.h>
#include <stddef.h>

struct cg_err;

#define CG_OID_HEX_BYTES 65	/* 64 hex (SHA-256) + NUL */

/* Kinds of tree entries, from the git mode. */
enum cg_entry_kind {
	CG_ENTRY_BLOB,		/* regular file, executable or not */
	CG_ENTRY_SYMLINK,
	CG_ENTRY_SUBMODULE,
	CG_ENTRY_OTHER
};

/* One file of a tree or the index that matched a migration glob. */
struct cg_entry {
	char *path;			/* owned, repository-relative, '/' separated */
	char oid[CG_OID_HEX_BYTES];	/* blob id, hex */
	enum cg_entry_kind kind;
	size_t size;			/* blob size in bytes (0 if unknown) */
};

void cg_entry_release(struct cg_entry *e);
void cg_entries_free(struct cg_entry *v, size_t n);

/* The default globs, NULL-terminated. */
extern const char *const cg_default_globs[];

/*
 * 1 when path matches glob: '*' and '?' and '[...]' within one path
 * component, '**' across components (fnmatch FNM_PATHNAME semantics).
 */
int cg_glob_match(const char *glob, const char *path);
/* 1 when path matches any of the globs. */
int cg_globs_match(const char *const *globs, size_t n, const char *path);

/* 1 for files that are not part of the forward history (down.sql, *.down.sql). */
int cg_migration_is_down(const char *path);

/*
 * Natural order: runs of digits compare as numbers, so "2_x.sql" sorts
 * before "10_x.sql"; ties on value fall back to plain byte order.
 */
int cg_natural_cmp(const char *a, const char *b);

/*
 * A drizzle journal (`<dir>/meta/_journal.json`): the migration tags of
 * the folder `dir` in `idx` order; file `<dir>/<tag>.sql`.
 */
struct cg_journal {
	char *dir;		/* owned, no trailing '/' */
	char **tags;		/* owned, in run order */
	long long *when;	/* owned: each tag's "when" (ms), or CG_NO_WHEN */
	size_t ntags;
};

#define CG_NO_WHEN LLONG_MIN	/* an entry without an integer "when" */

/*
 * The "when" of journal entry dir/<tag>.sql among journals, or
 * CG_NO_WHEN when path is in none of them.  drizzle's migrator runs an
 * entry only when its "when" is greater than the newest applied one's.
 */
long long cg_journal_when(const struct cg_journal *journals, size_t n,
    const char *path);

/*
 * 1 when path is a .sql file directly in the folder of one of journals
 * and that journal has no entry for it: drizzle's migrator runs exactly
 * the journal's entries, so such a file is not a migration.  0 otherwise
 * (listed, or no journal for its folder).
 */
int cg_journal_unlisted(const struct cg_journal *journals, size_t n,
    const char *path);

/*
 * Parse journal JSON text.  On bad JSON returns CG_EINPUT with a message
 * naming `origin` (e.g. the path).
 */
int cg_journal_parse(struct cg_journal *out, const char *dir,
    const char *json, size_t len, const char *origin, struct cg_err *err);
void cg_journal_release(struct cg_journal *j);

/*
 * Sort entries into run order.  Files in a folder with a journal come in
 * journal order (files it does not list come after, in natural order);
 * everything else in natural order of the path.  Stable.
 */
int cg_migrations_sort(struct cg_entry *v, size_t n,
    const struct cg_journal *journals, size_t njournals, struct cg_err *err);

#endif
