/* SPDX-License-Identifier: MIT */
/*
 * Everything that touches git, through libgit2: opening the repository
 * (seeing a pre-receive quarantine), resolving ranges, listing migration
 * files of a commit or of the index, and reading blobs.  Content always
 * comes from git objects, never from the working tree.  This module is
 * the only one that includes git2.h.
 */
#ifndef CG_GIT_CHANGES_H
#define CG_GIT_CHANGES_H

#include <stddef.h>

#include "migrations.h"

struct cg_err;
struct cg_repo;	/* opaque */

enum cg_repo_open_flags {
	CG_REPO_DISCOVER = 1 << 0,	/* search upwards from path */
	CG_REPO_QUARANTINE = 1 << 1,	/* add $GIT_QUARANTINE_PATH objects */
};

/*
 * Open the repository at path (NULL: the current directory).  Not a
 * repository: CG_EINPUT "not a git repository: 'path'".  A shallow clone
 * is CG_EINPUT too, with a message that says to fetch the full history.
 * The caller frees *out with cg_repo_free.
 */
int cg_repo_open(struct cg_repo **out, const char *path, unsigned flags,
    struct cg_err *err);
void cg_repo_free(struct cg_repo *r);

/* One side of a comparison. */
enum cg_side_kind {
	CG_SIDE_EMPTY,		/* the empty tree (no history) */
	CG_SIDE_COMMIT,		/* a commit's tree */
	CG_SIDE_INDEX		/* the index ($GIT_INDEX_FILE when set) */
};

struct cg_side {
	enum cg_side_kind kind;
	char oid[CG_OID_HEX_BYTES];	/* commit id for CG_SIDE_COMMIT */
};

/*
 * Resolve "A..B", "A...B" (base = merge base of A and B) or "R" (R^..R;
 * a root commit's base is the empty tree) with git_revparse.  Unknown
 * revision or no merge base: CG_EINPUT naming it.  An empty range (B is
 * A or an ancestor of A): CG_EINPUT "empty range 'A..B'".
 */
int cg_repo_resolve_range(struct cg_side *base, struct cg_side *tip,
    struct cg_repo *r, const char *range, struct cg_err *err);

/* Side for HEAD, or the empty tree when HEAD is unborn. */
int cg_repo_head_side(struct cg_side *out, struct cg_repo *r,
    struct cg_err *err);

/*
 * The entries of side whose path matches one of the globs (and, with
 * extra_names, whose base name is one of those: used to find drizzle
 * journals and config files).  Walks only the folders a glob can reach.
 * Symlinks and submodules that match are returned with their kind so the
 * caller can refuse them.  Order: by path, bytewise.  *out is owned by
 * the caller (cg_entries_free).
 */
int cg_repo_list(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const char *const *globs, size_t nglobs,
    struct cg_err *err);

/*
 * cg_repo_list, down files included: wrangler applies every *.sql of
 * its folder, x.down.sql too, so for a D1 set they are forward history.
 */
int cg_repo_list_with_down(struct cg_entry **out, size_t *nout,
    struct cg_repo *r, const struct cg_side *side, const char *const *globs,
    size_t nglobs, struct cg_err *err);

/*
 * Trees known to hold nothing that a want() predicate takes, by raw id
 * (CG_TREE_ID_BYTES each).  ids is sorted (a lookup table, loaded by
 * cache.c); a walk appends the empty trees it finds to added.
 */
#define CG_TREE_ID_BYTES 20
struct cg_treeset {
	unsigned char *ids;	/* n ids, sorted bytewise */
	size_t n;
	unsigned char *added;	/* nadded ids, unsorted */
	size_t nadded, cap;
};

void cg_treeset_release(struct cg_treeset *s);

/*
 * Every entry of side (a whole-tree walk, or the index) for which
 * want(path) is 1, sorted by path.  For callers that decide by name
 * wherever a file is (layout detection); cheaper than '**' globs.
 * With skip (may be NULL), subtrees in skip->ids are not entered, and
 * subtrees that hold no file for which may_want(name) is 1 go to
 * skip->added, so the next walk of a changed tree only reads the
 * folders that changed.  may_want must take every name that want takes
 * in any folder: a tree id names a folder's content, not where it is.
 */
int cg_repo_list_wanted(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, int (*want)(const char *path),
    int (*may_want)(const char *name), struct cg_treeset *skip,
    struct cg_err *err);

/*
 * Read the blob at path in side into *data (NUL-terminated, owned by
 * the caller, free()).  A missing path gives *data = NULL and returns 0.
 * A blob larger than max_bytes is not loaded: CG_EINPUT.
 */
int cg_repo_read_path(char **data, size_t *len, struct cg_repo *r,
    const struct cg_side *side, const char *path, size_t max_bytes,
    struct cg_err *err);

/*
 * Read the blob `oid` (hex) into *data (NUL-terminated, caller frees).
 * Its size is checked against max_bytes before loading: CG_EINPUT.
 * A missing object: CG_EGIT naming the object.
 */
int cg_repo_read_blob(char **data, size_t *len, struct cg_repo *r,
    const char *oid, size_t max_bytes, struct cg_err *err);

/* Short form (7 hex) of a side for messages: "3f2a9c1", "index", "empty". */
void cg_side_short(char out[16], const struct cg_side *side);

/* Hook support (pre-receive, pre-commit, install). */
struct cg_strvec;

/*
 * The git config of the repository (local, then global and system, as
 * libgit2 reads them).  cg_repo_config_get: the last value of key, or
 * *out = NULL when unset (caller frees).  _multi appends every value of
 * a multivar to out.  _bool: *out = dflt when unset; not a boolean:
 * CG_EINPUT naming the key.
 */
int cg_repo_config_get(char **out, struct cg_repo *r, const char *key,
    struct cg_err *err);
int cg_repo_config_get_multi(struct cg_strvec *out, struct cg_repo *r,
    const char *key, struct cg_err *err);
int cg_repo_config_get_bool(int *out, struct cg_repo *r, const char *key,
    int dflt, struct cg_err *err);

/* Side for the commit that hex names (a tag is peeled); else CG_EINPUT. */
int cg_repo_commit_side(struct cg_side *out, struct cg_repo *r,
    const char *hex, struct cg_err *err);
/* *out = 1 when commit anc is desc or an ancestor of desc. */
int cg_repo_is_ancestor(int *out, struct cg_repo *r, const char *anc,
    const char *desc, struct cg_err *err);
/* Merge base of two commits; *found = 0 when they share no history. */
int cg_repo_merge_base(struct cg_side *out, int *found, struct cg_repo *r,
    const char *a, const char *b, struct cg_err *err);
/*
 * Base for a ref that a push creates at new_hex: the merge base with the
 * commit HEAD names; else the newest commit of new_hex's history that an
 * existing ref already reaches; else the empty tree.
 */
int cg_repo_base_for_new_ref(struct cg_side *out, struct cg_repo *r,
    const char *new_hex, struct cg_err *err);
/*
 * The oldest commit of base..tip whose tree has path (hex into out);
 * out[0] = '\0' when none does.
 */
int cg_repo_introduced_by(char out[CG_OID_HEX_BYTES], struct cg_repo *r,
    const struct cg_side *base, const struct cg_side *tip, const char *path,
    struct cg_err *err);
/*
 * The commits of base..tip, oldest first (topological), into out (hex),
 * and each one's first parent into parents ("" for a root commit).
 */
int cg_repo_range_commits(struct cg_strvec *out, struct cg_strvec *parents,
    struct cg_repo *r, const struct cg_side *base, const struct cg_side *tip,
    struct cg_err *err);

/*
 * Where hooks go: core.hooksPath (relative to the work tree, or the git
 * folder of a bare repository) when set, else the hooks folder of the
 * repository (the common one for a worktree).  Caller frees *out.
 */
int cg_repo_hooks_dir(char **out, struct cg_repo *r, struct cg_err *err);

/*
 * The repository's git directory ($GIT_DIR; for a worktree, the common
 * one), with a trailing '/'.  Borrowed: valid while r is open.
 */
const char *cg_repo_git_dir(struct cg_repo *r);

#endif
