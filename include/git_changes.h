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

#endif
