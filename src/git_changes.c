/* SPDX-License-Identifier: MIT */
/*
 * Everything that touches git, through libgit2 (the only file that
 * includes git2.h): opening the repository (with a pre-receive
 * quarantine as an alternate), resolving ranges, listing the migration
 * files of a commit or the index without walking the whole tree, and
 * reading blobs.  Content comes from git objects, never the work tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "err.h"
#include "git_changes.h"
#include "git_index.h"
#include "migrations.h"
#include "util.h"
#include "banned.h"

/* SECURITY: a hostile tree nested this deep under a '**' is refused. */
#define CG_MAX_TREE_DEPTH 1024

struct cg_repo {
	git_repository *repo;
	git_odb *odb;		/* the repository's, with the quarantine */
	struct cg_index index;	/* loaded on first use */
	int index_loaded;
	int inited;		/* git_libgit2_init succeeded */
};

/*
 * Translate a libgit2 failure, once: "<what>: <libgit2's message>".
 * Returns code.
 */
static int
git_fail(struct cg_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
git_fail(struct cg_err *err, int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char what[CG_ERR_MSG_BYTES];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cg_err_set(err, code, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

void
cg_repo_free(struct cg_repo *r)
{
	if (r == NULL)
		return;
	cg_index_release(&r->index);
	git_odb_free(r->odb);
	git_repository_free(r->repo);
	if (r->inited)
		git_libgit2_shutdown();
	free(r);
}

int
cg_repo_open(struct cg_repo **out, const char *path, unsigned flags,
    struct cg_err *err)
{
	struct cg_repo *r;
	const char *where = path != NULL ? path : ".";
	const char *quarantine;
	unsigned open_flags = 0;
	int rc;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return cg_err_nomem(err);
	/* Reference counted: main.c's call and ours nest. */
	rc = git_libgit2_init();
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot initialise libgit2");
		goto out;
	}
	r->inited = 1;
	if (!(flags & CG_REPO_DISCOVER))
		open_flags |= GIT_REPOSITORY_OPEN_NO_SEARCH;
	/*
	 * Never GIT_REPOSITORY_OPEN_FROM_ENV: in libgit2 1.5 it breaks on
	 * paths with ':' and with GIT_WORK_TREE.  The quarantine is added
	 * by hand below.
	 */
	rc = git_repository_open_ext(&r->repo, where, open_flags, NULL);
	if (rc == GIT_ENOTFOUND) {
		rc = cg_err_set(err, CG_EINPUT, "not a git repository: '%s'",
		    where);
		goto out;
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot open repository '%s'",
		    where);
		goto out;
	}
	rc = git_repository_is_shallow(r->repo);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot open repository '%s'",
		    where);
		goto out;
	}
	if (rc == 1) {
		/* The history we replay would be cut off: refuse. */
		rc = cg_err_set(err, CG_EINPUT, "this clone is shallow: fetch "
		    "the full history (e.g. git fetch --unshallow, or "
		    "fetch-depth: 0 in actions/checkout)");
		goto out;
	}
	rc = git_repository_odb(&r->odb, r->repo);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot open the object database "
		    "of '%s'", where);
		goto out;
	}
	quarantine = getenv("GIT_QUARANTINE_PATH");
	if ((flags & CG_REPO_QUARANTINE) && quarantine != NULL &&
	    quarantine[0] != '\0') {
		/* Loose objects and packs: the backend reads both. */
		rc = git_odb_add_disk_alternate(r->odb, quarantine);
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot add the quarantine "
			    "'%s'", quarantine);
			goto out;
		}
	}
	rc = 0;
	*out = r;
	r = NULL;
out:
	cg_repo_free(r);
	return rc;
}

static void
side_set_commit(struct cg_side *s, const git_oid *id)
{
	memset(s, 0, sizeof(*s));
	s->kind = CG_SIDE_COMMIT;
	git_oid_tostr(s->oid, sizeof(s->oid), id);
}

static void
side_set_empty(struct cg_side *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = CG_SIDE_EMPTY;
}

/* The commit `rev` names; unknown or not a commit: CG_EINPUT. */
static int
lookup_commit(git_commit **out, struct cg_repo *r, const char *rev,
    struct cg_err *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc;

	rc = git_revparse_single(&obj, r->repo, rev);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		rc = cg_err_set(err, CG_EINPUT, "unknown revision '%s'", rev);
		goto out;
	}
	if (rc == GIT_EAMBIGUOUS) {
		rc = cg_err_set(err, CG_EINPUT, "ambiguous revision '%s'",
		    rev);
		goto out;
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot resolve '%s'", rev);
		goto out;
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc < 0) {
		rc = cg_err_set(err, CG_EINPUT, "revision '%s' is not a "
		    "commit", rev);
		goto out;
	}
	*out = (git_commit *)peeled;
	peeled = NULL;
	rc = 0;
out:
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

int
cg_repo_resolve_range(struct cg_side *base, struct cg_side *tip,
    struct cg_repo *r, const char *range, struct cg_err *err)
{
	git_commit *a = NULL, *b = NULL;
	const git_oid *aid, *bid;
	git_oid mb;
	char *left = NULL, *right = NULL;
	const char *dots, *lname, *rname;
	size_t ndots = 0;
	int rc;

	dots = strstr(range, "..");
	if (dots != NULL) {
		ndots = dots[2] == '.' ? 3 : 2;
		left = cg_strndup(range, (size_t)(dots - range));
		right = cg_strdup(dots + ndots);
		if (left == NULL || right == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
	}
	if (ndots == 0) {
		rc = lookup_commit(&b, r, range, err);
		if (rc < 0)
			goto out;
		side_set_commit(tip, git_commit_id(b));
		if (git_commit_parentcount(b) == 0)
			side_set_empty(base);
		else
			side_set_commit(base, git_commit_parent_id(b, 0));
		rc = 0;
		goto out;
	}
	/* As in git, an omitted end of a range is HEAD. */
	lname = left[0] != '\0' ? left : "HEAD";
	rname = right[0] != '\0' ? right : "HEAD";
	rc = lookup_commit(&a, r, lname, err);
	if (rc < 0)
		goto out;
	rc = lookup_commit(&b, r, rname, err);
	if (rc < 0)
		goto out;
	aid = git_commit_id(a);
	bid = git_commit_id(b);
	if (ndots == 3) {
		rc = git_merge_base(&mb, r->repo, aid, bid);
		if (rc == GIT_ENOTFOUND) {
			rc = cg_err_set(err, CG_EINPUT, "no merge base between "
			    "'%s' and '%s'", lname, rname);
			goto out;
		}
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot find the merge "
			    "base of '%s' and '%s'", lname, rname);
			goto out;
		}
		aid = &mb;
	}
	rc = git_oid_equal(aid, bid);
	if (rc == 0 && ndots == 2) {
		rc = git_graph_descendant_of(r->repo, aid, bid);
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot compare '%s' and "
			    "'%s'", lname, rname);
			goto out;
		}
	}
	if (rc == 1) {
		rc = cg_err_set(err, CG_EINPUT, "empty range '%s': %s has no "
		    "commits that %s lacks", range, rname, lname);
		goto out;
	}
	side_set_commit(base, aid);
	side_set_commit(tip, bid);
	rc = 0;
out:
	git_commit_free(b);
	git_commit_free(a);
	free(right);
	free(left);
	return rc;
}

int
cg_repo_head_side(struct cg_side *out, struct cg_repo *r, struct cg_err *err)
{
	git_reference *head = NULL;
	git_object *obj = NULL;
	int rc;

	rc = git_repository_head(&head, r->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		side_set_empty(out);
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot resolve HEAD");
		goto out;
	}
	rc = git_reference_peel(&obj, head, GIT_OBJECT_COMMIT);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot resolve HEAD");
		goto out;
	}
	side_set_commit(out, git_object_id(obj));
	rc = 0;
out:
	git_object_free(obj);
	git_reference_free(head);
	return rc;
}

/* The index as libgit2 reads it: what git_index.c leaves to it. */
static int
index_from_libgit2(struct cg_index *out, git_repository *repo,
    const char *file, struct cg_err *err)
{
	const git_index_entry *ie;
	git_index *idx = NULL;
	size_t i, n;
	int rc;

	if (file != NULL)
		rc = git_index_open(&idx, file);
	else
		rc = git_repository_index(&idx, repo);
	if (rc < 0) {
		if (file != NULL)
			return git_fail(err, CG_EGIT, "cannot read the index "
			    "'%s'", file);
		return git_fail(err, CG_EGIT, "cannot read the index");
	}
	n = git_index_entrycount(idx);
	for (i = 0; rc == 0 && i < n; i++) {
		ie = git_index_get_byindex(idx, i);
		/* As git_index.c: intent-to-add entries are not staged. */
		if (ie != NULL &&
		    !(ie->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
			rc = cg_index_add(out, ie->path, ie->mode,
			    ie->file_size, (unsigned)GIT_INDEX_ENTRY_STAGE(ie),
			    ie->id.id, err);
	}
	git_index_free(idx);
	if (rc < 0)
		return rc;
	/* libgit2 sorts case-insensitively under core.ignorecase. */
	cg_index_sort(out);
	return 0;
}

/*
 * Map the index file and parse it (git_index.c).  Returns 0,
 * CG_INDEX_UNSUPPORTED (nothing read: let libgit2 try), or an error.  A
 * missing file is an empty index, as for git.
 */
static int
index_from_file(struct cg_index *out, const char *path, struct cg_err *err)
{
	struct stat st;
	void *map = MAP_FAILED;
	int fd;
	int rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : CG_INDEX_UNSUPPORTED;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX) {
		rc = CG_INDEX_UNSUPPORTED;
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = CG_INDEX_UNSUPPORTED;
		goto out;
	}
	rc = cg_index_parse(out, map, (size_t)st.st_size, err);
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}

/*
 * The index: $GIT_INDEX_FILE when set (git_repository_index ignores it
 * in libgit2 1.5), else the repository's.  A relative GIT_INDEX_FILE is
 * relative to the top of the work tree, where git itself resolves it
 * (it moves there before reading the index), whatever folder the
 * command runs in.  Read by git_index.c, by libgit2 when that declines;
 * loaded once and kept in r.
 */
static int
repo_index(const struct cg_index **out, struct cg_repo *r, struct cg_err *err)
{
	const char *env = getenv("GIT_INDEX_FILE");
	const char *file = env != NULL && env[0] != '\0' ? env : NULL;
	struct cg_buf path = CG_BUF_INIT;
	int rc = 0;

	if (!r->index_loaded) {
		if (file != NULL && file[0] != '/' &&
		    git_repository_workdir(r->repo) != NULL) {
			rc = cg_buf_printf(&path, err, "%s%s",
			    git_repository_workdir(r->repo), file);
			file = path.data;
		} else if (file == NULL && !git_repository_is_bare(r->repo)) {
			rc = cg_buf_printf(&path, err, "%sindex",
			    git_repository_path(r->repo));
		}
		if (rc == 0 && (file != NULL || path.data != NULL))
			rc = index_from_file(&r->index,
			    file != NULL ? file : path.data, err);
		else if (rc == 0)
			rc = CG_INDEX_UNSUPPORTED;
		if (rc == CG_INDEX_UNSUPPORTED)
			rc = index_from_libgit2(&r->index, r->repo, file, err);
		cg_buf_release(&path);
		if (rc < 0)
			return rc;
		r->index_loaded = 1;
	}
	*out = &r->index;
	return 0;
}

static int
parse_oid(git_oid *out, const char *hex, struct cg_err *err)
{
	size_t i, n = strlen(hex);

	if (n != GIT_OID_HEXSZ)
		return cg_err_set(err, CG_EINPUT, "invalid object id '%s'",
		    hex);
	for (i = 0; i < n; i++)
		if (strchr("0123456789abcdefABCDEF", hex[i]) == NULL)
			return cg_err_set(err, CG_EINPUT,
			    "invalid object id '%s'", hex);
	if (git_oid_fromstr(out, hex) < 0)
		return cg_err_set(err, CG_EINPUT, "invalid object id '%s'",
		    hex);
	return 0;
}

/* The tree of a commit side. */
static int
side_tree(git_tree **out, struct cg_repo *r, const struct cg_side *side,
    struct cg_err *err)
{
	git_commit *c = NULL;
	git_oid id;
	int rc;

	rc = parse_oid(&id, side->oid, err);
	if (rc < 0)
		goto out;
	rc = git_commit_lookup(&c, r->repo, &id);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read commit %s",
		    side->oid);
		goto out;
	}
	rc = git_commit_tree(out, c);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read the tree of %s",
		    side->oid);
		goto out;
	}
out:
	git_commit_free(c);
	return rc;
}

static enum cg_entry_kind
kind_of(unsigned mode)
{
	switch (mode) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		return CG_ENTRY_BLOB;
	case GIT_FILEMODE_LINK:
		return CG_ENTRY_SYMLINK;
	case GIT_FILEMODE_COMMIT:
		return CG_ENTRY_SUBMODULE;
	default:
		return CG_ENTRY_OTHER;
	}
}

/* One component of a glob, split once before the walk. */
struct gcomp {
	char *text;		/* owned, NUL-terminated, no '/' */
	int globstar;		/* the component is "**" */
	int literal;		/* no wildcard: look it up by name */
};

/* A place in one glob: the next path component must match comps[i]. */
struct gstate {
	size_t g;
	size_t i;
};

struct list_ctx {
	struct cg_repo *r;
	const char *const *globs;
	size_t nglobs;
	struct gcomp **comps;	/* per glob */
	size_t *ncomps;		/* per glob */
	struct cg_buf path;	/* the current folder or file */
	struct cg_entry *v;	/* results */
	size_t n, cap;
	int keep_down;		/* down files are forward history here */
	struct cg_err *err;
};

static void
list_ctx_release(struct list_ctx *c)
{
	size_t g, i;

	if (c->comps != NULL) {
		for (g = 0; g < c->nglobs; g++) {
			if (c->comps[g] == NULL)
				continue;
			for (i = 0; i < c->ncomps[g]; i++)
				free(c->comps[g][i].text);
			free(c->comps[g]);
		}
	}
	free(c->comps);
	free(c->ncomps);
	cg_buf_release(&c->path);
	cg_entries_free(c->v, c->n);
	c->comps = NULL;
	c->ncomps = NULL;
	c->v = NULL;
	c->n = c->cap = 0;
}

static int
split_globs(struct list_ctx *c)
{
	const char *gl, *p, *slash;
	size_t g, i, n, len;

	c->comps = calloc(c->nglobs ? c->nglobs : 1, sizeof(*c->comps));
	c->ncomps = calloc(c->nglobs ? c->nglobs : 1, sizeof(*c->ncomps));
	if (c->comps == NULL || c->ncomps == NULL)
		return cg_err_nomem(c->err);
	for (g = 0; g < c->nglobs; g++) {
		gl = c->globs[g];
		for (n = 1, p = gl; *p; p++)
			n += *p == '/';
		c->comps[g] = calloc(n, sizeof(**c->comps));
		if (c->comps[g] == NULL)
			return cg_err_nomem(c->err);
		for (i = 0, p = gl; i < n; i++) {
			slash = strchr(p, '/');
			len = slash ? (size_t)(slash - p) : strlen(p);
			c->comps[g][i].text = cg_strndup(p, len);
			if (c->comps[g][i].text == NULL)
				return cg_err_nomem(c->err);
			c->ncomps[g] = i + 1;
			c->comps[g][i].globstar = len == 2 && p[0] == '*' &&
			    p[1] == '*';
			c->comps[g][i].literal =
			    strcspn(c->comps[g][i].text, "*?[\\") == len;
			p += len + 1;
		}
	}
	return 0;
}

/* Add (g, i) to states, with what a '**' at i allows (skip it). */
static void
add_state(struct gstate *states, size_t *n, const struct list_ctx *c,
    size_t g, size_t i)
{
	size_t k;

	for (;;) {
		for (k = 0; k < *n; k++)
			if (states[k].g == g && states[k].i == i)
				break;
		if (k == *n) {
			states[*n].g = g;
			states[*n].i = i;
			(*n)++;
		}
		if (i >= c->ncomps[g] || !c->comps[g][i].globstar)
			return;
		i++;
	}
}

/* Most states a folder can have: every (glob, component) pair. */
static size_t
max_states(const struct list_ctx *c)
{
	size_t g, n = 0;

	for (g = 0; g < c->nglobs; g++)
		n += c->ncomps[g] + 1;
	return n;
}

static int add_match(struct list_ctx *c, const git_oid *id, unsigned mode,
    size_t size);
static int walk_tree(struct list_ctx *c, git_tree *tree,
    const struct gstate *states, size_t nstates, unsigned depth);

/* One entry of a folder reached with `states`. */
static int
visit_entry(struct list_ctx *c, const git_tree_entry *te,
    const struct gstate *states, size_t nstates, unsigned depth)
{
	struct gstate *next = NULL;
	const struct gcomp *comp;
	git_tree *sub = NULL;
	const char *name = git_tree_entry_name(te);
	unsigned mode = (unsigned)git_tree_entry_filemode(te);
	size_t k, nnext = 0, saved = c->path.len;
	int rc = 0;

	if (c->path.len > 0) {
		rc = cg_buf_add(&c->path, "/", 1, c->err);
		if (rc < 0)
			goto out;
	}
	rc = cg_buf_puts(&c->path, name, c->err);
	if (rc < 0)
		goto out;
	if (mode != GIT_FILEMODE_TREE) {
		rc = add_match(c, git_tree_entry_id(te), mode, 0);
		goto out;
	}
	next = calloc(max_states(c), sizeof(*next));
	if (next == NULL) {
		rc = cg_err_nomem(c->err);
		goto out;
	}
	for (k = 0; k < nstates; k++) {
		if (states[k].i >= c->ncomps[states[k].g])
			continue;
		comp = &c->comps[states[k].g][states[k].i];
		if (comp->globstar)
			add_state(next, &nnext, c, states[k].g, states[k].i);
		else if (states[k].i + 1 < c->ncomps[states[k].g] &&
		    cg_glob_match(comp->text, name))
			add_state(next, &nnext, c, states[k].g,
			    states[k].i + 1);
	}
	if (nnext == 0)
		goto out;
	if (depth >= CG_MAX_TREE_DEPTH) {
		rc = cg_err_set(c->err, CG_EINPUT, "folder '%s' is nested "
		    "more than %d deep", c->path.data, CG_MAX_TREE_DEPTH);
		goto out;
	}
	rc = git_tree_lookup(&sub, c->r->repo, git_tree_entry_id(te));
	if (rc < 0) {
		rc = git_fail(c->err, CG_EGIT, "cannot read folder '%s'",
		    c->path.data);
		goto out;
	}
	rc = walk_tree(c, sub, next, nnext, depth + 1);
out:
	git_tree_free(sub);
	free(next);
	c->path.len = saved;
	if (c->path.data != NULL)
		c->path.data[saved] = '\0';
	return rc;
}

/*
 * Visit the entries of tree that some state can match.  When every
 * state wants a literal name, those names are looked up directly, so a
 * glob like "migrations/" "*.sql" reads the root folder's entry for
 * "migrations" and that folder only, however big the tree is.
 */
static int
walk_tree(struct list_ctx *c, git_tree *tree, const struct gstate *states,
    size_t nstates, unsigned depth)
{
	const struct gcomp *comp, *other;
	const git_tree_entry *te;
	size_t k, j, n;
	int all_literal = 1, rc;

	for (k = 0; k < nstates; k++) {
		if (states[k].i >= c->ncomps[states[k].g])
			continue;
		if (!c->comps[states[k].g][states[k].i].literal)
			all_literal = 0;
	}
	if (!all_literal) {
		n = git_tree_entrycount(tree);
		for (k = 0; k < n; k++) {
			te = git_tree_entry_byindex(tree, k);
			rc = visit_entry(c, te, states, nstates, depth);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	for (k = 0; k < nstates; k++) {
		if (states[k].i >= c->ncomps[states[k].g])
			continue;
		comp = &c->comps[states[k].g][states[k].i];
		/* Each name once: visit_entry already used every state. */
		for (j = 0; j < k; j++) {
			if (states[j].i >= c->ncomps[states[j].g])
				continue;
			other = &c->comps[states[j].g][states[j].i];
			if (strcmp(other->text, comp->text) == 0)
				break;
		}
		if (j < k)
			continue;
		te = git_tree_entry_byname(tree, comp->text);
		if (te == NULL)
			continue;
		rc = visit_entry(c, te, states, nstates, depth);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* c->path is a file: keep it when a glob matches and it is not a down file. */
static int
add_match(struct list_ctx *c, const git_oid *id, unsigned mode, size_t size)
{
	struct cg_entry *e;
	int rc;

	if (!cg_globs_match(c->globs, c->nglobs, c->path.data) ||
	    (!c->keep_down && cg_migration_is_down(c->path.data)))
		return 0;
	rc = cg_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v), c->err);
	if (rc < 0)
		return rc;
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->path = cg_strdup(c->path.data);
	if (e->path == NULL)
		return cg_err_nomem(c->err);
	git_oid_tostr(e->oid, sizeof(e->oid), id);
	e->kind = kind_of(mode);
	/*
	 * Trees do not record sizes: 0 (unknown) rather than a header read
	 * per listed file, an O(N) cost of every check.  Only files that are
	 * read need one, and cg_repo_read_blob checks it before loading.
	 */
	e->size = size;
	c->n++;
	return 0;
}

/* Leading folders of glob without a wildcard ("migrations/"), or "". */
static size_t
literal_prefix(const char *glob)
{
	size_t i, last = 0;

	for (i = 0; glob[i] != '\0'; i++) {
		if (strchr("*?[\\", glob[i]) != NULL)
			break;
		if (glob[i] == '/')
			last = i + 1;
	}
	return last;
}

static int
list_index_range(struct list_ctx *c, const struct cg_index *ix,
    const char *prefix, size_t plen)
{
	const struct cg_index_entry *ie;
	size_t pos;
	git_oid id;
	int rc;

	pos = plen > 0 ? cg_index_lower_bound(ix, prefix) : 0;
	for (; pos < ix->n; pos++) {
		ie = &ix->v[pos];
		if (plen > 0 && strncmp(ie->path, prefix, plen) != 0)
			break;
		if (ie->stage != 0)
			continue;
		c->path.len = 0;
		rc = cg_buf_puts(&c->path, ie->path, c->err);
		if (rc < 0)
			return rc;
		git_oid_fromraw(&id, ie->id);
		rc = add_match(c, &id, ie->mode, ie->size);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
list_index(struct list_ctx *c)
{
	const struct cg_index *idx;
	char *prefix = NULL;
	size_t g, plen;
	int rc;

	rc = repo_index(&idx, c->r, c->err);
	if (rc < 0)
		return rc;
	for (g = 0; g < c->nglobs; g++)
		if (literal_prefix(c->globs[g]) == 0)
			return list_index_range(c, idx, "", 0);
	for (g = 0; g < c->nglobs; g++) {
		plen = literal_prefix(c->globs[g]);
		prefix = cg_strndup(c->globs[g], plen);
		if (prefix == NULL)
			return cg_err_nomem(c->err);
		rc = list_index_range(c, idx, prefix, plen);
		free(prefix);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
cmp_entry_path(const void *pa, const void *pb)
{
	const struct cg_entry *a = pa, *b = pb;

	return strcmp(a->path, b->path);
}

static int list(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const char *const *globs, size_t nglobs,
    int keep_down, struct cg_err *err);

int
cg_repo_list(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const char *const *globs, size_t nglobs,
    struct cg_err *err)
{
	return list(out, nout, r, side, globs, nglobs, 0, err);
}

int
cg_repo_list_with_down(struct cg_entry **out, size_t *nout,
    struct cg_repo *r, const struct cg_side *side, const char *const *globs,
    size_t nglobs, struct cg_err *err)
{
	return list(out, nout, r, side, globs, nglobs, 1, err);
}

static int
list(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const char *const *globs, size_t nglobs,
    int keep_down, struct cg_err *err)
{
	struct list_ctx c;
	struct gstate *states = NULL;
	git_tree *tree = NULL;
	size_t g, i, j, nstates = 0;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.globs = globs;
	c.nglobs = nglobs;
	c.keep_down = keep_down;
	c.err = err;
	rc = split_globs(&c);
	if (rc < 0)
		goto out;
	if (side->kind == CG_SIDE_INDEX) {
		rc = list_index(&c);
		if (rc < 0)
			goto out;
	} else if (side->kind == CG_SIDE_COMMIT && nglobs > 0) {
		rc = side_tree(&tree, r, side, err);
		if (rc < 0)
			goto out;
		states = calloc(max_states(&c), sizeof(*states));
		if (states == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		for (g = 0; g < nglobs; g++)
			add_state(states, &nstates, &c, g, 0);
		rc = walk_tree(&c, tree, states, nstates, 0);
		if (rc < 0)
			goto out;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry_path);
	for (i = 0, j = 0; i < c.n; i++) {
		if (j > 0 && strcmp(c.v[j - 1].path, c.v[i].path) == 0) {
			cg_entry_release(&c.v[i]);
			continue;
		}
		c.v[j++] = c.v[i];
	}
	c.n = j;
	*out = c.v;
	*nout = c.n;
	c.v = NULL;
	c.n = 0;
out:
	free(states);
	git_tree_free(tree);
	list_ctx_release(&c);
	return rc;
}

int
cg_repo_read_blob(char **data, size_t *len, struct cg_repo *r,
    const char *oid, size_t max_bytes, struct cg_err *err)
{
	git_blob *blob = NULL;
	git_object_t type;
	git_oid id;
	size_t size;
	char *buf;
	int rc;

	*data = NULL;
	if (len != NULL)
		*len = 0;
	rc = parse_oid(&id, oid, err);
	if (rc < 0)
		goto out;
	/* SECURITY: check the size before inflating a hostile blob. */
	rc = git_odb_read_header(&size, &type, r->odb, &id);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read object %s", oid);
		goto out;
	}
	if (type != GIT_OBJECT_BLOB) {
		rc = cg_err_set(err, CG_EINPUT, "object %s is a %s, not a blob",
		    oid, git_object_type2string(type));
		goto out;
	}
	if (size > max_bytes) {
		rc = cg_err_set(err, CG_EINPUT, "'%s' is %zu bytes, more than "
		    "the limit of %zu", oid, size, max_bytes);
		goto out;
	}
	rc = git_blob_lookup(&blob, r->repo, &id);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read object %s", oid);
		goto out;
	}
	size = (size_t)git_blob_rawsize(blob);
	if (size > max_bytes || size == SIZE_MAX) {
		rc = cg_err_set(err, CG_EINPUT, "'%s' is %zu bytes, more than "
		    "the limit of %zu", oid, size, max_bytes);
		goto out;
	}
	buf = malloc(size + 1);
	if (buf == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	if (size > 0)
		memcpy(buf, git_blob_rawcontent(blob), size);
	buf[size] = '\0';
	*data = buf;
	if (len != NULL)
		*len = size;
	rc = 0;
out:
	git_blob_free(blob);
	return rc;
}

int
cg_repo_read_path(char **data, size_t *len, struct cg_repo *r,
    const struct cg_side *side, const char *path, size_t max_bytes,
    struct cg_err *err)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	const struct cg_index *idx;
	size_t pos;
	git_oid id;
	char where[16];
	char hex[CG_OID_HEX_BYTES];
	unsigned mode;
	int rc = 0;

	*data = NULL;
	if (len != NULL)
		*len = 0;
	cg_side_short(where, side);
	if (side->kind == CG_SIDE_EMPTY)
		goto out;
	if (side->kind == CG_SIDE_INDEX) {
		rc = repo_index(&idx, r, err);
		if (rc < 0)
			goto out;
		pos = cg_index_lower_bound(idx, path);
		if (pos == idx->n || strcmp(idx->v[pos].path, path) != 0 ||
		    idx->v[pos].stage != 0)
			goto out;
		mode = idx->v[pos].mode;
		git_oid_fromraw(&id, idx->v[pos].id);
		git_oid_tostr(hex, sizeof(hex), &id);
	} else {
		rc = side_tree(&tree, r, side, err);
		if (rc < 0)
			goto out;
		rc = git_tree_entry_bypath(&te, tree, path);
		if (rc == GIT_ENOTFOUND) {
			rc = 0;
			goto out;
		}
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot read '%s' at %s",
			    path, where);
			goto out;
		}
		mode = (unsigned)git_tree_entry_filemode(te);
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(te));
	}
	if (kind_of(mode) != CG_ENTRY_BLOB) {
		rc = cg_err_set(err, CG_EINPUT, "'%s' at %s is not a regular "
		    "file", path, where);
		goto out;
	}
	rc = cg_repo_read_blob(data, len, r, hex, max_bytes, err);
out:
	git_tree_entry_free(te);
	git_tree_free(tree);
	return rc;
}

void
cg_side_short(char out[16], const struct cg_side *side)
{
	switch (side->kind) {
	case CG_SIDE_COMMIT:
		(void)snprintf(out, 16, "%.7s", side->oid);
		break;
	case CG_SIDE_INDEX:
		(void)snprintf(out, 16, "index");
		break;
	default:
		(void)snprintf(out, 16, "empty");
		break;
	}
}

/* Hook support: server config, ancestry, bases of pushed refs. */

static int
config_snapshot(git_config **out, struct cg_repo *r, struct cg_err *err)
{
	if (git_repository_config_snapshot(out, r->repo) < 0)
		return git_fail(err, CG_EGIT, "cannot read the git config");
	return 0;
}

int
cg_repo_config_get(char **out, struct cg_repo *r, const char *key,
    struct cg_err *err)
{
	git_config *cfg = NULL;
	const char *val = NULL;
	int rc;

	*out = NULL;
	rc = config_snapshot(&cfg, r, err);
	if (rc < 0)
		goto out;
	rc = git_config_get_string(&val, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read git config %s", key);
		goto out;
	}
	*out = cg_strdup(val);
	rc = *out == NULL ? cg_err_nomem(err) : 0;
out:
	git_config_free(cfg);
	return rc;
}

struct multi_ctx {
	struct cg_strvec *out;
	struct cg_err *err;
	int rc;
};

static int
multi_cb(const git_config_entry *e, void *payload)
{
	struct multi_ctx *c = payload;

	c->rc = cg_strvec_push(c->out, e->value != NULL ? e->value : "",
	    c->err);
	return c->rc < 0 ? -1 : 0;
}

int
cg_repo_config_get_multi(struct cg_strvec *out, struct cg_repo *r,
    const char *key, struct cg_err *err)
{
	struct multi_ctx c = { out, err, 0 };
	git_config *cfg = NULL;
	int rc;

	rc = config_snapshot(&cfg, r, err);
	if (rc < 0)
		goto out;
	rc = git_config_get_multivar_foreach(cfg, key, NULL, multi_cb, &c);
	if (rc == GIT_ENOTFOUND)
		rc = 0;
	else if (c.rc < 0)
		rc = c.rc;
	else if (rc < 0)
		rc = git_fail(err, CG_EGIT, "cannot read git config %s", key);
out:
	git_config_free(cfg);
	return rc;
}

int
cg_repo_config_get_bool(int *out, struct cg_repo *r, const char *key,
    int dflt, struct cg_err *err)
{
	git_config *cfg = NULL;
	int rc, v = dflt;

	rc = config_snapshot(&cfg, r, err);
	if (rc < 0)
		goto out;
	rc = git_config_get_bool(&v, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		v = dflt;
		rc = 0;
	} else if (rc < 0) {
		rc = cg_err_set(err, CG_EINPUT, "git config %s is not a "
		    "boolean", key);
		goto out;
	}
	*out = v;
out:
	git_config_free(cfg);
	return rc;
}

int
cg_repo_commit_side(struct cg_side *out, struct cg_repo *r, const char *hex,
    struct cg_err *err)
{
	git_object *obj = NULL, *peeled = NULL;
	git_oid id;
	int rc;

	rc = parse_oid(&id, hex, err);
	if (rc < 0)
		goto out;
	rc = git_object_lookup(&obj, r->repo, &id, GIT_OBJECT_ANY);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot read object %s", hex);
		goto out;
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc < 0) {
		rc = cg_err_set(err, CG_EINPUT, "%s is not a commit", hex);
		goto out;
	}
	side_set_commit(out, git_object_id(peeled));
	rc = 0;
out:
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

int
cg_repo_is_ancestor(int *out, struct cg_repo *r, const char *anc,
    const char *desc, struct cg_err *err)
{
	git_oid a, d;
	int rc;

	rc = parse_oid(&a, anc, err);
	if (rc < 0)
		return rc;
	rc = parse_oid(&d, desc, err);
	if (rc < 0)
		return rc;
	if (git_oid_equal(&a, &d)) {
		*out = 1;
		return 0;
	}
	rc = git_graph_descendant_of(r->repo, &d, &a);
	if (rc < 0)
		return git_fail(err, CG_EGIT, "cannot compare %s and %s", anc,
		    desc);
	*out = rc;
	return 0;
}

int
cg_repo_merge_base(struct cg_side *out, int *found, struct cg_repo *r,
    const char *a, const char *b, struct cg_err *err)
{
	git_oid ia, ib, mb;
	int rc;

	*found = 0;
	rc = parse_oid(&ia, a, err);
	if (rc < 0)
		return rc;
	rc = parse_oid(&ib, b, err);
	if (rc < 0)
		return rc;
	rc = git_merge_base(&mb, r->repo, &ia, &ib);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return git_fail(err, CG_EGIT, "cannot find the merge base of "
		    "%s and %s", a, b);
	side_set_commit(out, &mb);
	*found = 1;
	return 0;
}

/* Sorted array of oids, for membership tests. */
static int
cmp_oid(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

int
cg_repo_base_for_new_ref(struct cg_side *out, struct cg_repo *r,
    const char *new_hex, struct cg_err *err)
{
	git_reference *head = NULL;
	git_object *hobj = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid *seen = NULL;
	size_t nseen = 0, cap = 0, i;
	const git_oid *best = NULL;
	git_oid best_id, id, nid;
	git_time_t best_time = 0;
	char hhex[CG_OID_HEX_BYTES];
	int rc, found = 0;

	side_set_empty(out);
	rc = parse_oid(&nid, new_hex, err);
	if (rc < 0)
		goto out;
	/* 1. The merge base with the branch HEAD names, if it exists. */
	rc = git_repository_head(&head, r->repo);
	if (rc == 0 && git_reference_peel(&hobj, head, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(hhex, sizeof(hhex), git_object_id(hobj));
		rc = cg_repo_merge_base(out, &found, r, hhex, new_hex, err);
		if (rc < 0 || found)
			goto out;
	}
	git_error_clear();
	/* 2. The newest commit outside new's own history that it builds on. */
	rc = git_revwalk_new(&walk, r->repo);
	if (rc == 0)
		rc = git_revwalk_push(walk, &nid);
	if (rc == 0)
		rc = git_revwalk_hide_glob(walk, "refs/*");
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot walk the history of %s",
		    new_hex);
		goto out;
	}
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		rc = cg_grow(&seen, &cap, nseen + 1, sizeof(*seen), err);
		if (rc < 0)
			goto out;
		seen[nseen++] = id;
	}
	if (rc != GIT_ITEROVER) {
		rc = git_fail(err, CG_EGIT, "cannot walk the history of %s",
		    new_hex);
		goto out;
	}
	if (nseen == 0) {
		/* Every commit is already on an existing ref. */
		side_set_commit(out, &nid);
		rc = 0;
		goto out;
	}
	qsort(seen, nseen, sizeof(*seen), cmp_oid);
	for (i = 0; i < nseen; i++) {
		unsigned k, np;

		rc = git_commit_lookup(&c, r->repo, &seen[i]);
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot read a commit");
			goto out;
		}
		np = git_commit_parentcount(c);
		for (k = 0; k < np; k++) {
			const git_oid *p = git_commit_parent_id(c, k);
			git_commit *pc = NULL;

			if (bsearch(p, seen, nseen, sizeof(*seen), cmp_oid))
				continue;
			if (git_commit_lookup(&pc, r->repo, p) < 0)
				continue;	/* outside the store: skip */
			if (best == NULL ||
			    git_commit_time(pc) > best_time) {
				best_id = *p;
				best = &best_id;
				best_time = git_commit_time(pc);
			}
			git_commit_free(pc);
		}
		git_commit_free(c);
		c = NULL;
	}
	if (best != NULL)
		side_set_commit(out, best);
	rc = 0;
out:
	git_commit_free(c);
	free(seen);
	git_revwalk_free(walk);
	git_object_free(hobj);
	git_reference_free(head);
	return rc;
}

int
cg_repo_introduced_by(char out[CG_OID_HEX_BYTES], struct cg_repo *r,
    const struct cg_side *base, const struct cg_side *tip, const char *path,
    struct cg_err *err)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_oid id;
	int rc;

	out[0] = '\0';
	if (tip->kind != CG_SIDE_COMMIT)
		return 0;
	rc = git_revwalk_new(&walk, r->repo);
	if (rc == 0)
		rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
		    GIT_SORT_REVERSE);
	if (rc == 0)
		rc = git_oid_fromstr(&id, tip->oid);
	if (rc == 0)
		rc = git_revwalk_push(walk, &id);
	if (rc == 0 && base->kind == CG_SIDE_COMMIT) {
		rc = git_oid_fromstr(&id, base->oid);
		if (rc == 0)
			rc = git_revwalk_hide(walk, &id);
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot walk %s", tip->oid);
		goto out;
	}
	/* Oldest first: the first commit that has the path brought it. */
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		rc = git_commit_lookup(&c, r->repo, &id);
		if (rc == 0)
			rc = git_commit_tree(&tree, c);
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot read a commit");
			goto out;
		}
		rc = git_tree_entry_bypath(&te, tree, path);
		git_tree_free(tree);
		tree = NULL;
		git_commit_free(c);
		c = NULL;
		if (rc == 0) {
			git_oid_tostr(out, CG_OID_HEX_BYTES, &id);
			break;
		}
	}
	git_error_clear();
	rc = 0;
out:
	git_tree_entry_free(te);
	git_tree_free(tree);
	git_commit_free(c);
	git_revwalk_free(walk);
	return rc;
}

int
cg_repo_hooks_dir(char **out, struct cg_repo *r, struct cg_err *err)
{
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	struct cg_buf b = CG_BUF_INIT;
	const char *base;
	int rc;

	*out = NULL;
	rc = config_snapshot(&cfg, r, err);
	if (rc < 0)
		goto out;
	rc = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (rc == 0 && buf.ptr != NULL && buf.ptr[0] != '\0') {
		if (buf.ptr[0] != '/') {
			/* As git: relative to where hooks run. */
			base = git_repository_workdir(r->repo);
			if (base == NULL)
				base = git_repository_path(r->repo);
			rc = cg_buf_puts(&b, base, err);
			if (rc < 0)
				goto out;
		}
		rc = cg_buf_puts(&b, buf.ptr, err);
		if (rc < 0)
			goto out;
		*out = cg_buf_detach(&b);
		goto out;
	}
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		rc = git_fail(err, CG_EGIT, "cannot read core.hooksPath");
		goto out;
	}
	git_buf_dispose(&buf);
	rc = git_repository_item_path(&buf, r->repo,
	    GIT_REPOSITORY_ITEM_HOOKS);
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot find the hooks folder");
		goto out;
	}
	*out = cg_strdup(buf.ptr);
	rc = *out == NULL ? cg_err_nomem(err) : 0;
out:
	cg_buf_release(&b);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return rc;
}

const char *
cg_repo_git_dir(struct cg_repo *r)
{
	/* The common directory: one cache for every worktree. */
	return git_repository_commondir(r->repo);
}

int
cg_repo_range_commits(struct cg_strvec *out, struct cg_strvec *parents,
    struct cg_repo *r, const struct cg_side *base, const struct cg_side *tip,
    struct cg_err *err)
{
	char hex[CG_OID_HEX_BYTES];
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid id;
	int rc;

	if (tip->kind != CG_SIDE_COMMIT)
		return 0;
	rc = git_revwalk_new(&walk, r->repo);
	if (rc == 0)
		rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
		    GIT_SORT_REVERSE);
	if (rc == 0)
		rc = git_oid_fromstr(&id, tip->oid);
	if (rc == 0)
		rc = git_revwalk_push(walk, &id);
	if (rc == 0 && base->kind == CG_SIDE_COMMIT) {
		rc = git_oid_fromstr(&id, base->oid);
		if (rc == 0)
			rc = git_revwalk_hide(walk, &id);
	}
	if (rc < 0) {
		rc = git_fail(err, CG_EGIT, "cannot walk %s", tip->oid);
		goto out;
	}
	/* Oldest first; each commit against its first parent. */
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		rc = git_commit_lookup(&c, r->repo, &id);
		if (rc < 0) {
			rc = git_fail(err, CG_EGIT, "cannot read a commit");
			goto out;
		}
		git_oid_tostr(hex, sizeof(hex), &id);
		rc = cg_strvec_push(out, hex, err);
		if (rc < 0)
			goto out;
		hex[0] = '\0';
		if (git_commit_parentcount(c) > 0)
			git_oid_tostr(hex, sizeof(hex),
			    git_commit_parent_id(c, 0));
		rc = cg_strvec_push(parents, hex, err);
		if (rc < 0)
			goto out;
		git_commit_free(c);
		c = NULL;
	}
	if (rc != GIT_ITEROVER) {
		rc = git_fail(err, CG_EGIT, "cannot walk %s", tip->oid);
		goto out;
	}
	rc = 0;
out:
	git_commit_free(c);
	git_revwalk_free(walk);
	return rc;
}

/* What cg_repo_list_wanted collects. */
struct want_ctx {
	struct cg_repo *r;
	int (*want)(const char *path);
	int (*may_want)(const char *name);
	struct cg_entry *v;
	size_t n, cap;
	struct cg_buf path;
	struct cg_err *err;
	int rc;
};

static int
want_add(struct want_ctx *c, const char *path, const git_oid *id,
    unsigned mode)
{
	struct cg_entry *e;
	int rc;

	if (!c->want(path))
		return 0;
	rc = cg_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v), c->err);
	if (rc < 0)
		return rc;
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->path = cg_strdup(path);
	if (e->path == NULL)
		return cg_err_nomem(c->err);
	git_oid_tostr(e->oid, sizeof(e->oid), id);
	e->kind = kind_of(mode);
	c->n++;
	return 0;
}

void
cg_treeset_release(struct cg_treeset *s)
{
	if (s == NULL)
		return;
	free(s->ids);
	free(s->added);
	memset(s, 0, sizeof(*s));
}

static int
cmp_tree_id(const void *a, const void *b)
{
	return memcmp(a, b, CG_TREE_ID_BYTES);
}

static int
treeset_has(const struct cg_treeset *s, const git_oid *id)
{
	return s != NULL && s->n > 0 && bsearch(id->id, s->ids, s->n,
	    CG_TREE_ID_BYTES, cmp_tree_id) != NULL;
}

static int
treeset_add(struct cg_treeset *s, const git_oid *id, struct cg_err *err)
{
	int rc;

	rc = cg_grow(&s->added, &s->cap, (s->nadded + 1) * CG_TREE_ID_BYTES,
	    1, err);
	if (rc < 0)
		return rc;
	memcpy(s->added + s->nadded * CG_TREE_ID_BYTES, id->id,
	    CG_TREE_ID_BYTES);
	s->nadded++;
	return 0;
}

/*
 * Walk tree (its path in c->path) depth first; *found = 1 when an entry
 * below was wanted.  Known-empty subtrees are skipped.
 */
static int
want_walk(struct want_ctx *c, git_tree *tree, struct cg_treeset *skip,
    unsigned depth, int *found)
{
	const git_tree_entry *te;
	git_tree *sub = NULL;
	size_t i, n = git_tree_entrycount(tree), saved = c->path.len;
	int subfound;
	int rc = 0;

	*found = 0;
	if (depth > CG_MAX_TREE_DEPTH)
		return cg_err_set(c->err, CG_EINPUT, "tree deeper than %d "
		    "folders at '%s'", CG_MAX_TREE_DEPTH, c->path.data);
	for (i = 0; rc == 0 && i < n; i++) {
		te = git_tree_entry_byindex(tree, i);
		c->path.len = saved;
		rc = cg_buf_puts(&c->path, git_tree_entry_name(te), c->err);
		if (rc < 0)
			break;
		if (git_tree_entry_type(te) != GIT_OBJECT_TREE) {
			size_t before = c->n;

			rc = want_add(c, c->path.data, git_tree_entry_id(te),
			    (unsigned)git_tree_entry_filemode_raw(te));
			/* By name alone: the same tree may sit elsewhere. */
			if (c->n > before || (c->may_want != NULL &&
			    c->may_want(git_tree_entry_name(te))))
				*found = 1;
			continue;
		}
		if (treeset_has(skip, git_tree_entry_id(te)))
			continue;
		rc = cg_buf_puts(&c->path, "/", c->err);
		if (rc == 0 && git_tree_lookup(&sub, c->r->repo,
		    git_tree_entry_id(te)) < 0)
			rc = git_fail(c->err, CG_EGIT, "cannot read the tree "
			    "'%s'", c->path.data);
		if (rc == 0)
			rc = want_walk(c, sub, skip, depth + 1, &subfound);
		git_tree_free(sub);
		sub = NULL;
		if (rc == 0 && subfound)
			*found = 1;
		else if (rc == 0 && skip != NULL && c->may_want != NULL)
			rc = treeset_add(skip, git_tree_entry_id(te), c->err);
	}
	c->path.len = saved;
	if (c->path.data != NULL)
		c->path.data[saved] = '\0';
	return rc;
}

int
cg_repo_list_wanted(struct cg_entry **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, int (*want)(const char *path),
    int (*may_want)(const char *name), struct cg_treeset *skip,
    struct cg_err *err)
{
	const struct cg_index_entry *ie;
	const struct cg_index *idx;
	struct want_ctx c;
	int found = 0;
	git_tree *tree = NULL;
	git_oid id;
	size_t i, n;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.want = want;
	c.may_want = may_want;
	c.r = r;
	c.err = err;
	*out = NULL;
	*nout = 0;
	if (side->kind == CG_SIDE_INDEX) {
		rc = repo_index(&idx, r, err);
		n = rc == 0 ? idx->n : 0;
		for (i = 0; rc == 0 && i < n; i++) {
			ie = &idx->v[i];
			if (ie->stage != 0)
				continue;
			git_oid_fromraw(&id, ie->id);
			rc = want_add(&c, ie->path, &id, ie->mode);
		}
	} else if (side->kind == CG_SIDE_COMMIT) {
		rc = side_tree(&tree, r, side, err);
		if (rc == 0)
			rc = cg_buf_puts(&c.path, "", err);
		if (rc == 0)
			rc = want_walk(&c, tree, skip, 0, &found);
	}
	git_tree_free(tree);
	cg_buf_release(&c.path);
	if (rc < 0) {
		cg_entries_free(c.v, c.n);
		return rc;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry_path);
	*out = c.v;
	*nout = c.n;
	return 0;
}
