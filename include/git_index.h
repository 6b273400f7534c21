/* SPDX-License-Identifier: MIT */
/*
 * A reader of git's index file (Documentation/gitformat-index.txt,
 * versions 2, 3 and 4), for pre-commit.  Pure: it parses bytes already
 * in memory.  It does not verify the trailing checksum, as git itself
 * does not by default (read-cache.c, verify_index_checksum): hashing the
 * file costs more than everything else pre-commit does with it.
 */
#ifndef CG_GIT_INDEX_H
#define CG_GIT_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct cg_err;

#define CG_INDEX_OID_BYTES 20	/* SHA-1: libgit2 1.5 reads no other */

/* What cg_index_parse returns when git may read it but we do not. */
#define CG_INDEX_UNSUPPORTED 1

/* One entry, in the file's order: by path (bytes), then stage. */
struct cg_index_entry {
	const char *path;	/* borrowed from the cg_index, NUL-terminated */
	size_t path_off;	/* where path starts in the cg_index's paths */
	uint32_t mode;		/* 0100644, 0100755, 0120000, 0160000 */
	uint32_t size;		/* file size, truncated to 32 bits by git */
	unsigned stage;		/* 0 merged, 1-3 sides of a conflict */
	unsigned char id[CG_INDEX_OID_BYTES];
};

struct cg_index {
	struct cg_index_entry *v;	/* owned */
	size_t n;
	size_t cap;
	struct cg_buf paths;	/* every path, each ending in NUL */
};

#define CG_INDEX_INIT { NULL, 0, 0, CG_BUF_INIT }

/*
 * Parse the index file in buf[0..len) into out (which must be
 * CG_INDEX_INIT).  Returns 0; CG_INDEX_UNSUPPORTED when the file is of
 * a kind this reader leaves to libgit2 (another version, malformed,
 * a mandatory extension it does not know), with out empty; CG_EINPUT
 * for the kinds nothing here can read (a split or sparse index), with
 * a message that says what to do; CG_ENOMEM.
 */
int cg_index_parse(struct cg_index *out, const unsigned char *buf,
    size_t len, struct cg_err *err);

/*
 * Add one entry (for indexes read by libgit2).  Copies path.  Entries
 * must then be put in order with cg_index_sort.  Returns 0 or
 * CG_ENOMEM.
 */
int cg_index_add(struct cg_index *ix, const char *path, uint32_t mode,
    uint32_t size, unsigned stage, const unsigned char *id,
    struct cg_err *err);
void cg_index_sort(struct cg_index *ix);

/*
 * The first entry whose path is >= prefix (bytewise), or ix->n.  With
 * the whole path, and stage 0 checked by the caller, it finds a file.
 */
size_t cg_index_lower_bound(const struct cg_index *ix, const char *prefix);

void cg_index_release(struct cg_index *ix);

#endif
