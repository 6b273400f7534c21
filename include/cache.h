/* SPDX-License-Identifier: MIT */
/*
 * The replay cache: the replayed base database (sqlite3_serialize) and
 * the warnings its replay gave, stored under $GIT_DIR/cascadeguard/cache/
 * and keyed by the tool version and the ordered (path, blob id) list of
 * the history.  A check whose history extends a cached one starts from
 * the longest cached prefix.
 */
#ifndef CG_CACHE_H
#define CG_CACHE_H

#include <stddef.h>

#include "finding.h"
#include "util.h"

struct cg_err;
struct cg_sandbox;
struct cg_sandbox_opts;

#define CG_CACHE_MAX_BYTES_DEFAULT ((long long)256 * 1024 * 1024)

/* Keys of every prefix of a history: key i covers files [0, i]. */
struct cg_cache_keys {
	char (*hex)[33];	/* owned: n file names, 32 hex each */
	struct cg_buf material;	/* the exact key text of the whole history */
	size_t *mat_len;	/* owned: length of the key text of each prefix */
	size_t n;
};

/*
 * Compute the keys of each prefix of the history (paths[i], oids[i]);
 * salt names the settings that change how a history replays.
 * Returns 0 or CG_ENOMEM.  Release with cg_cache_keys_release.
 */
int cg_cache_keys_init(struct cg_cache_keys *k, const char *salt,
    const char *const *paths, const char *const *oids, size_t n,
    struct cg_err *err);
void cg_cache_keys_release(struct cg_cache_keys *k);

/*
 * Find the longest cached prefix in dir: *sb becomes a new sandbox (with
 * opts) holding its database, its history warnings are appended to out,
 * and *nfiles is the number of history files it covers.  Nothing usable:
 * *sb NULL and *nfiles 0.  A missing, truncated, corrupt or foreign file
 * is ignored.  Returns < 0 only when the tool fails (out of memory).
 */
int cg_cache_load(size_t *nfiles, struct cg_sandbox **sb, const char *dir,
    const struct cg_cache_keys *k, const struct cg_sandbox_opts *opts,
    struct cg_findings *out, struct cg_err *err);

/*
 * Store sb's database and the history warnings fs as the cache of the
 * whole history k (atomically: a temporary file then rename), creating
 * dir, then evict least recently used files until dir holds at most
 * max_bytes.  Failure to write is not an error (the cache is an
 * optimisation): returns 0 then too, except when out of memory.
 */
int cg_cache_save(const char *dir, const struct cg_cache_keys *k,
    struct cg_sandbox *sb, const struct cg_findings *fs, long long max_bytes,
    struct cg_err *err);

struct cg_treeset;

/*
 * The trees that hold no file a predicate wants (git_changes.h), stored
 * as dir/trees-<tag> (tag names the predicate and its version).  A
 * missing, truncated or unsorted file loads as empty; save merges what
 * a walk added and writes atomically.  Errors only for running out of
 * memory: the memo is optional.
 */
int cg_cache_treeset_load(struct cg_treeset *s, const char *dir,
    const char *tag, struct cg_err *err);
int cg_cache_treeset_save(struct cg_treeset *s, const char *dir,
    const char *tag, struct cg_err *err);

#endif
