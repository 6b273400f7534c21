/* SPDX-License-Identifier: MIT */
/*
 * Git's index file read straight from its bytes (versions 2, 3 and 4):
 * libgit2 1.5 hashes the whole file and builds a hash map of every
 * entry on each read, which is most of what a pre-commit check costs
 * in a repository of 10,000 files.  Anything unusual goes back to
 * libgit2 (CG_INDEX_UNSUPPORTED).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "git_index.h"
#include "util.h"
#include "banned.h"

#define HEADER_BYTES 12		/* "DIRC", version, entry count */
#define ENTRY_FIXED_BYTES 62	/* stat data, mode, size, id, flags */
#define FLAG_EXTENDED 0x4000
#define XFLAG_SKIP_WORKTREE 0x4000	/* the second flags word, version 3+ */
#define XFLAG_INTENT_TO_ADD 0x2000	/* `git add -N`: not in a commit */
#define FLAG_STAGE_SHIFT 12
#define NAME_MASK 0x0fff
#define MODE_TYPE_MASK 0170000
#define MODE_DIR 0040000	/* a sparse index's folder entry */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | (unsigned)p[1];
}

/*
 * Git's offset varint (varint.c): returns the bytes it used, 0 when it
 * runs past end or overflows.
 */
static size_t
varint(size_t *out, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *start = p;
	size_t val;
	unsigned c;

	if (p >= end)
		return 0;
	c = *p++;
	val = c & 127;
	while (c & 128) {
		if (p >= end || val >= (SIZE_MAX >> 7) - 1)
			return 0;
		val += 1;
		c = *p++;
		val = (val << 7) + (c & 127);
	}
	*out = val;
	return (size_t)(p - start);
}

static int
split_or_sparse(struct cg_err *err, int split)
{
	if (split)
		return cg_err_set(err, CG_EINPUT, "the index is split "
		    "(core.splitIndex), which cascadeguard cannot read: run "
		    "'git update-index --no-split-index'");
	return cg_err_set(err, CG_EINPUT, "the index is sparse "
	    "(index.sparse), which cascadeguard cannot read: run "
	    "'git sparse-checkout set --no-sparse-index' or "
	    "'git config index.sparse false'");
}

int
cg_index_add(struct cg_index *ix, const char *path, uint32_t mode,
    uint32_t size, unsigned stage, const unsigned char *id,
    struct cg_err *err)
{
	struct cg_index_entry *e;
	int rc;

	rc = cg_grow(&ix->v, &ix->cap, ix->n + 1, sizeof(*ix->v), err);
	if (rc < 0)
		return rc;
	e = &ix->v[ix->n];
	memset(e, 0, sizeof(*e));
	e->path_off = ix->paths.len;
	rc = cg_buf_add(&ix->paths, path, strlen(path) + 1, err);
	if (rc < 0)
		return rc;
	e->mode = mode;
	e->size = size;
	e->stage = stage;
	memcpy(e->id, id, sizeof(e->id));
	ix->n++;
	return 0;
}

/* Paths move while the arena grows: point at them once it is done. */
static void
fix_paths(struct cg_index *ix)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		ix->v[i].path = ix->paths.data + ix->v[i].path_off;
}

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct cg_index_entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c != 0)
		return c;
	return (a->stage > b->stage) - (a->stage < b->stage);
}

void
cg_index_sort(struct cg_index *ix)
{
	fix_paths(ix);
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

size_t
cg_index_lower_bound(const struct cg_index *ix, const char *prefix)
{
	size_t lo = 0, hi = ix->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * One entry at *pos; prev holds the previous path (version 4 strips a
 * suffix of it).  Returns 0, CG_INDEX_UNSUPPORTED, or an error.
 */
static int
parse_entry(struct cg_index *ix, struct cg_buf *prev, const unsigned char *buf,
    size_t *pos, size_t end, uint32_t version, int *nameless,
    struct cg_err *err)
{
	const unsigned char *p = buf + *pos;
	const unsigned char *name, *nul;
	const struct cg_index_entry *last;
	size_t off, namelen, strip, used, total;
	unsigned flags, xflags = 0;
	uint32_t mode;
	int cmp, rc;

	if (end - *pos < ENTRY_FIXED_BYTES)
		return CG_INDEX_UNSUPPORTED;
	mode = be32(p + 24);
	flags = be16(p + 60);
	off = ENTRY_FIXED_BYTES;
	if (flags & FLAG_EXTENDED) {
		if (version < 3 || end - *pos < off + 2)
			return CG_INDEX_UNSUPPORTED;
		xflags = be16(p + off);
		/* git refuses the bits it does not know: so do we */
		if (xflags & ~(unsigned)(XFLAG_SKIP_WORKTREE |
		    XFLAG_INTENT_TO_ADD))
			return CG_INDEX_UNSUPPORTED;
		off += 2;
	}
	if ((mode & MODE_TYPE_MASK) == MODE_DIR)
		return split_or_sparse(err, 0);
	if (end - *pos < off + 1)
		return CG_INDEX_UNSUPPORTED;
	name = p + off;
	if (version == 4) {
		used = varint(&strip, name, buf + end);
		if (used == 0 || strip > prev->len)
			return CG_INDEX_UNSUPPORTED;
		name += used;
		nul = memchr(name, '\0', (size_t)(buf + end - name));
		if (nul == NULL)
			return CG_INDEX_UNSUPPORTED;
		namelen = (size_t)(nul - name);
		if ((flags & NAME_MASK) != NAME_MASK &&
		    (flags & NAME_MASK) != prev->len - strip + namelen)
			return CG_INDEX_UNSUPPORTED;
		prev->len -= strip;
		prev->data[prev->len] = '\0';
		rc = cg_buf_add(prev, (const char *)name, namelen, err);
		if (rc < 0)
			return rc;
		total = (size_t)(nul + 1 - p);
	} else {
		namelen = flags & NAME_MASK;
		if (namelen == NAME_MASK) {
			/* Longer names: the length is the string's. */
			if ((size_t)(buf + end - name) <= NAME_MASK)
				return CG_INDEX_UNSUPPORTED;
			nul = memchr(name + NAME_MASK, '\0',
			    (size_t)(buf + end - name) - NAME_MASK);
			if (nul == NULL)
				return CG_INDEX_UNSUPPORTED;
			namelen = (size_t)(nul - name);
		}
		/* Padded with 1-8 NULs to a multiple of 8 bytes. */
		total = (off + namelen + 8) & ~(size_t)7;
		if (end - *pos < total || name[namelen] != '\0' ||
		    memchr(name, '\0', namelen) != NULL)
			return CG_INDEX_UNSUPPORTED;
		prev->len = 0;
		rc = cg_buf_add(prev, (const char *)name, namelen, err);
		if (rc < 0)
			return rc;
	}
	*pos += total;
	/* A split index's entries replaced in the shared one: no name. */
	if (prev->len == 0) {
		*nameless = 1;
		return 0;
	}
	/* Lookups bsearch: entries out of git's order are not read here. */
	if (ix->n > 0) {
		last = &ix->v[ix->n - 1];
		cmp = strcmp(ix->paths.data + last->path_off, prev->data);
		if (cmp > 0 || (cmp == 0 &&
		    last->stage >= ((flags >> FLAG_STAGE_SHIFT) & 3)))
			return CG_INDEX_UNSUPPORTED;
	}
	/* Intent to add: a name without content, left out of commits. */
	if (xflags & XFLAG_INTENT_TO_ADD)
		return 0;
	return cg_index_add(ix, prev->data, mode, be32(p + 36),
	    (flags >> FLAG_STAGE_SHIFT) & 3, p + 40, err);
}

int
cg_index_parse(struct cg_index *out, const unsigned char *buf, size_t len,
    struct cg_err *err)
{
	struct cg_buf prev = CG_BUF_INIT;
	size_t pos = HEADER_BYTES, end, size;
	uint32_t version, count, i;
	int nameless = 0;
	int rc = CG_INDEX_UNSUPPORTED;

	if (len < HEADER_BYTES + CG_INDEX_OID_BYTES ||
	    memcmp(buf, "DIRC", 4) != 0)
		goto out;
	version = be32(buf + 4);
	count = be32(buf + 8);
	end = len - CG_INDEX_OID_BYTES;	/* the checksum trails */
	if (version < 2 || version > 4 ||
	    count > (end - HEADER_BYTES) / ENTRY_FIXED_BYTES)
		goto out;
	rc = cg_buf_puts(&prev, "", err);
	for (i = 0; rc == 0 && i < count; i++)
		rc = parse_entry(out, &prev, buf, &pos, end, version,
		    &nameless, err);
	if (rc != 0)
		goto out;
	/* Extensions: an upper-case signature is optional, skipped. */
	while (end - pos >= 8) {
		size = be32(buf + pos + 4);
		if (memcmp(buf + pos, "link", 4) == 0 ||
		    memcmp(buf + pos, "sdir", 4) == 0) {
			rc = split_or_sparse(err, buf[pos] == 'l');
			goto out;
		}
		if (buf[pos] < 'A' || buf[pos] > 'Z' || end - pos - 8 < size) {
			rc = CG_INDEX_UNSUPPORTED;
			goto out;
		}
		pos += 8 + (size_t)size;
	}
	if (pos != end || nameless)
		rc = CG_INDEX_UNSUPPORTED;
	else
		fix_paths(out);
out:
	cg_buf_release(&prev);
	if (rc != 0)
		cg_index_release(out);
	return rc;
}

void
cg_index_release(struct cg_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->v);
	cg_buf_release(&ix->paths);
	memset(ix, 0, sizeof(*ix));
}
