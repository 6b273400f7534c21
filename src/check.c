/* SPDX-License-Identifier: MIT */
/*
 * One check, from a base and a tip to findings: configuration from the
 * tip, the migrations of both sides in run order, the base history
 * replayed into a sandbox, the new files checked on top of it, and the
 * edits to files production already ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "check.h"
#include "config.h"
#include "err.h"
#include "graph.h"
#include "layout.h"
#include "migrations.h"
#include "replay.h"
#include "sandbox.h"
#include "simulate.h"
#include "sqltext.h"
#include "suppress.h"
#include "util.h"
#include "banned.h"

#define CG_MAX_CONFIG_BYTES ((size_t)1024 * 1024)	/* SECURITY: .cascadeguard */
#define CG_MAX_JOURNAL_BYTES ((size_t)16 * 1024 * 1024)	/* SECURITY: _journal.json */

/* The migrations of one side, in run order. */
struct side_files {
	struct cg_entry *v;
	size_t n;
	struct cg_journal *journals;
	size_t njournals;
	const struct cg_entry **by_path;	/* v sorted by path, for lookups */
	struct cg_entry *unlisted;	/* drizzle: .sql files its journal lacks */
	size_t nunlisted;
};

static void
side_files_release(struct side_files *s)
{
	size_t i;

	cg_entries_free(s->v, s->n);
	for (i = 0; i < s->njournals; i++)
		cg_journal_release(&s->journals[i]);
	free(s->journals);
	free(s->by_path);
	cg_entries_free(s->unlisted, s->nunlisted);
	memset(s, 0, sizeof(*s));
}

/* Length of the folder part of path ("a/b.sql" -> 1), 0 for none. */
static size_t
dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* Read the drizzle journal of every folder that holds a migration. */
static int
load_journals(struct side_files *s, struct cg_repo *r,
    const struct cg_side *side, struct cg_err *err)
{
	struct cg_buf path = CG_BUF_INIT;
	size_t cap = 0;
	char *dir = NULL;
	char *json = NULL;
	size_t len = 0;
	size_t i, dl;
	int rc = 0;

	for (i = 0; i < s->n; i++) {
		dl = dir_len(s->v[i].path);
		if (i > 0 && dir_len(s->v[i - 1].path) == dl &&
		    strncmp(s->v[i - 1].path, s->v[i].path, dl) == 0)
			continue;	/* sorted by path: same folder as before */
		path.len = 0;
		rc = cg_buf_add(&path, s->v[i].path, dl, err);
		if (rc < 0)
			goto out;
		rc = cg_buf_puts(&path, dl ? "/meta/_journal.json" :
		    "meta/_journal.json", err);
		if (rc < 0)
			goto out;
		rc = cg_repo_read_path(&json, &len, r, side, path.data,
		    CG_MAX_JOURNAL_BYTES, err);
		if (rc < 0)
			goto out;
		if (json == NULL)
			continue;
		rc = cg_grow(&s->journals, &cap, s->njournals + 1,
		    sizeof(*s->journals), err);
		if (rc < 0)
			goto out;
		dir = cg_strndup(s->v[i].path, dl);
		if (dir == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		rc = cg_journal_parse(&s->journals[s->njournals], dir, json,
		    len, path.data, err);
		free(dir);
		dir = NULL;
		if (rc < 0)
			goto out;
		s->njournals++;
		free(json);
		json = NULL;
	}
out:
	free(json);
	cg_buf_release(&path);
	return rc;
}

static int
cmp_entry_ptr(const void *a, const void *b)
{
	const struct cg_entry *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

/*
 * Move the files of a journal's folder that the journal does not name
 * out of s->v into s->unlisted: drizzle's migrator runs exactly the
 * journal's entries, so they are no history and no new migration.
 */
static int
split_unlisted(struct side_files *s, struct cg_err *err)
{
	size_t i, j = 0, cap = 0;
	int rc;

	for (i = 0; i < s->n; i++) {
		if (!cg_journal_unlisted(s->journals, s->njournals,
		    s->v[i].path)) {
			s->v[j++] = s->v[i];
			continue;
		}
		rc = cg_grow(&s->unlisted, &cap, s->nunlisted + 1,
		    sizeof(*s->unlisted), err);
		if (rc < 0) {
			/* keep every entry owned by one of the lists */
			memmove(s->v + j, s->v + i, (s->n - i) * sizeof(*s->v));
			s->n = j + s->n - i;
			return rc;
		}
		s->unlisted[s->nunlisted++] = s->v[i];
	}
	s->n = j;
	return 0;
}

/*
 * The set's files on one side.  A D1 set keeps x.down.sql files too:
 * wrangler applies every *.sql of its folder.  A drizzle set keeps only
 * what its journal names (split_unlisted).
 */
static int
list_side(struct side_files *s, struct cg_repo *r, const struct cg_side *side,
    const struct cg_strvec *globs, enum cg_target_kind target,
    struct cg_err *err)
{
	size_t i;
	int rc;

	rc = (target == CG_TARGET_D1 ? cg_repo_list_with_down :
	    cg_repo_list)(&s->v, &s->n, r, side,
	    (const char *const *)globs->v, globs->n, err);
	if (rc < 0)
		return rc;
	rc = load_journals(s, r, side, err);
	if (rc < 0)
		return rc;
	if (target == CG_TARGET_DRIZZLE || target == CG_TARGET_LIBSQL) {
		rc = split_unlisted(s, err);
		if (rc < 0)
			return rc;
	}
	rc = cg_migrations_sort(s->v, s->n, s->journals, s->njournals, err);
	if (rc < 0)
		return rc;
	/* Lookups by path are O(log n): histories have thousands of files. */
	s->by_path = calloc(s->n ? s->n : 1, sizeof(*s->by_path));
	if (s->by_path == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < s->n; i++)
		s->by_path[i] = &s->v[i];
	qsort(s->by_path, s->n, sizeof(*s->by_path), cmp_entry_ptr);
	return 0;
}

static const struct cg_entry *
find_path(const struct side_files *s, const char *path)
{
	struct cg_entry key;
	const struct cg_entry *kp = &key;
	const struct cg_entry *const *hit;

	if (s->n == 0)
		return NULL;
	key.path = (char *)path;
	hit = bsearch(&kp, s->by_path, s->n, sizeof(*s->by_path),
	    cmp_entry_ptr);
	return hit ? *hit : NULL;
}

static const struct cg_entry *
find_oid(const struct side_files *s, const char *oid)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].oid, oid) == 0)
			return &s->v[i];
	return NULL;
}

/* Read the tip's .cascadeguard on top of the defaults, then the CLI. */
static int
load_config(struct cg_config *cfg, struct cg_repo *r,
    const struct cg_side *tip, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	char *text = NULL;
	size_t len = 0;
	size_t i;
	int rc = 0;

	if (opts->use_repo_config) {
		rc = cg_repo_read_path(&text, &len, r, tip, ".cascadeguard",
		    CG_MAX_CONFIG_BYTES, err);
		if (rc < 0)
			goto out;
		if (text != NULL) {
			rc = cg_config_parse_ini(cfg, text, len,
			    ".cascadeguard", err);
			if (rc < 0)
				goto out;
		}
		/* Server policy: the pushed file cannot lower a severity. */
		for (i = 0; opts->repo_no_lowering && i < CG_RULE__COUNT; i++)
			if (cfg->severity[i] != CG_SEV_DEFAULT &&
			    cfg->severity[i] <
			    (int)cg_rule_info((enum cg_rule)i)->severity)
				cfg->severity[i] = CG_SEV_DEFAULT;
	}
	if (opts->cli_globs != NULL && opts->cli_globs->n > 0) {
		cg_strvec_release(&cfg->globs);
		for (i = 0; i < opts->cli_globs->n; i++) {
			rc = cg_strvec_push(&cfg->globs, opts->cli_globs->v[i],
			    err);
			if (rc < 0)
				goto out;
		}
	}
	if (opts->cli_target_set) {
		cfg->target = opts->cli_target;
		cfg->target_set = 1;
	}
out:
	free(text);
	return rc;
}

/* 1-based line of offset off. */
static unsigned
line_of(const char *data, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

/* Offset of the first byte where data stops being valid UTF-8. */
static size_t
utf8_bad_offset(const char *data, size_t len)
{
	size_t lo = 0, hi = len;

	/* Valid prefixes are monotone, so bisect on validity. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (cg_utf8_valid(data, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	/* lo is the longest valid prefix, possibly cut inside a sequence */
	while (lo > 0 && ((unsigned char)data[lo] & 0xc0) == 0x80)
		lo--;
	return lo;
}

static int
refuse(struct cg_findings *out, const struct cg_entry *e, unsigned line,
    struct cg_err *err, const char *why)
{
	struct cg_finding *f;
	int rc;

	rc = cg_findings_push(&f, out, CG_RULE_FILE_REFUSED, err,
	    "migration file refused: %s", why);
	if (rc < 0)
		return rc;
	rc = cg_finding_set_where(f, NULL, e->path, line, line ? 1 : 0, line,
	    NULL, 0, err);
	if (rc < 0)
		return rc;
	return cg_finding_set_str(&f->help, "migrations must be plain UTF-8 "
	    "SQL text files committed as regular files, within the size limit "
	    "(max-file-size in .cascadeguard)", err);
}

/*
 * Load a file's text.  *data stays NULL when the file is refused (a
 * finding, or for history files a warning); < 0 only for tool errors.
 */
static int
load_file(char **data, size_t *len, struct cg_findings *out,
    struct cg_repo *r, const struct cg_entry *e, const struct cg_config *cfg,
    int is_new, struct cg_err *err)
{
	struct cg_err rerr = CG_ERR_INIT;
	char why[CG_ERR_MSG_BYTES + 64];
	const char *nul;
	size_t bad;
	int rc;

	*data = NULL;
	if (e->kind != CG_ENTRY_BLOB) {
		/* SECURITY: never follow a symlink or enter a submodule */
		snprintf(why, sizeof(why), "it is a %s, not a regular file",
		    e->kind == CG_ENTRY_SYMLINK ? "symbolic link" :
		    e->kind == CG_ENTRY_SUBMODULE ? "submodule" :
		    "special entry");
		goto refused;
	}
	if (e->size > cfg->max_file_bytes) {
		snprintf(why, sizeof(why), "it is %zu bytes, more than the "
		    "limit of %zu", e->size, cfg->max_file_bytes);
		goto refused;
	}
	rc = cg_repo_read_blob(data, len, r, e->oid, cfg->max_file_bytes,
	    &rerr);
	if (rc == CG_EINPUT) {
		/* SECURITY: the size check is made before loading the blob */
		snprintf(why, sizeof(why), "%s", rerr.msg);
		goto refused;
	}
	if (rc < 0) {
		*err = rerr;
		return rc;
	}
	nul = memchr(*data, '\0', *len);
	if (nul != NULL) {
		snprintf(why, sizeof(why), "binary content (a NUL byte at "
		    "line %u)", line_of(*data, (size_t)(nul - *data)));
		goto refused_loaded;
	}
	if (!cg_utf8_valid(*data, *len)) {
		bad = utf8_bad_offset(*data, *len);
		snprintf(why, sizeof(why), "not valid UTF-8 (at line %u)",
		    line_of(*data, bad));
		goto refused_loaded;
	}
	return 0;

refused_loaded:
	free(*data);
	*data = NULL;
refused:
	if (is_new)
		return refuse(out, e, 0, err, why);
	{
		struct cg_finding *f;

		rc = cg_findings_push(&f, out, CG_RULE_HISTORY_REPLAY_FAILS,
		    err, "already applied migration not replayed: %s", why);
		if (rc < 0)
			return rc;
		return cg_finding_set_where(f, NULL, e->path, 0, 0, 0, NULL,
		    0, err);
	}
}

/* Place f on a whole file, with what to do about it. */
static int
at_file(struct cg_finding *f, const char *path, const char *help,
    struct cg_err *err)
{
	int rc;

	rc = cg_finding_set_where(f, NULL, path, 0, 0, 0, NULL, 0, err);
	if (rc == 0)
		rc = cg_finding_set_str(&f->help, help, err);
	return rc;
}

/*
 * What a runner does with an applied file whose bytes changed: NULL when
 * it never reads an applied file again (it records names, a journal's
 * "when" or a version, not the text), else why the edit breaks it.
 * Sources: docs/runners.md ("Applied files and checksums").
 */
static const char *
checksum_note(enum cg_target_kind t)
{
	switch (t) {
	case CG_TARGET_SQLX:
		return "sqlx stores a SHA-384 checksum of the file's bytes "
		    "and 'sqlx migrate run' refuses it (\"migration ... was "
		    "previously applied but has been modified\")";
	case CG_TARGET_PRISMA:
		return "prisma stores a SHA-256 checksum of migration.sql "
		    "and 'prisma migrate dev' reports it \"modified after it "
		    "was applied\" and asks to reset the database";
	default:
		return NULL;
	}
}

/*
 * 1 when the edit of b into t changes only comments and whitespace.  A
 * file that cannot be read as text counts as changed.
 */
static int
only_blanks_changed(int *out, struct cg_repo *r, const struct cg_entry *b,
    const struct cg_entry *t, const struct cg_config *cfg,
    struct cg_err *err)
{
	struct cg_err rerr = CG_ERR_INIT;
	char *x = NULL, *y = NULL;
	size_t xl = 0, yl = 0;
	int rc = 0;

	*out = 0;
	if (b->kind != CG_ENTRY_BLOB || t->kind != CG_ENTRY_BLOB ||
	    b->size > cfg->max_file_bytes || t->size > cfg->max_file_bytes)
		return 0;
	rc = cg_repo_read_blob(&x, &xl, r, b->oid, cfg->max_file_bytes,
	    &rerr);
	if (rc == 0)
		rc = cg_repo_read_blob(&y, &yl, r, t->oid,
		    cfg->max_file_bytes, &rerr);
	if (rc == CG_EINPUT) {
		rc = 0;	/* too big: the edit stays an edit */
		goto out;
	}
	if (rc < 0) {
		*err = rerr;
		goto out;
	}
	*out = memchr(x, '\0', xl) == NULL && memchr(y, '\0', yl) == NULL &&
	    cg_sql_same_tokens(x, xl, y, yl);
out:
	free(x);
	free(y);
	return rc;
}

/*
 * Findings for base files the tip edits, deletes or renames.  With
 * tip_all (a set the tip lost, compared with the files of every set the
 * tip has), a file some tip set holds is that set's to compare, and one
 * moved with its content into a tip set went with its folder.
 */
static int
report_changed(struct cg_findings *out, const struct side_files *base,
    const struct side_files *tip, const struct side_files *tip_all,
    struct cg_repo *r, const struct cg_config *cfg, struct cg_err *err)
{
	const struct cg_entry *t, *moved;
	const char *sums;
	struct cg_finding *f;
	size_t i;
	int blanks, rc;

	for (i = 0; i < base->n; i++) {
		const struct cg_entry *b = &base->v[i];

		if (tip_all != NULL && (find_path(tip_all, b->path) != NULL ||
		    find_oid(tip_all, b->oid) != NULL))
			continue;
		t = find_path(tip, b->path);
		if (t != NULL && strcmp(t->oid, b->oid) == 0)
			continue;
		blanks = 0;
		if (t != NULL) {
			rc = only_blanks_changed(&blanks, r, b, t, cfg, err);
			if (rc < 0)
				return rc;
		}
		sums = checksum_note(cfg->target);
		if (blanks && sums == NULL) {
			rc = cg_findings_push(&f, out,
			    CG_RULE_APPLIED_MIGRATION_CHANGED, err,
			    "only comments or whitespace changed in an already "
			    "applied migration; %s does not checksum applied "
			    "files, so production is unaffected",
			    cg_target_name(cfg->target));
			if (rc == 0) {
				f->severity = CG_SEV_NOTE;
				rc = at_file(f, b->path, "nothing to do; new "
				    "databases run the same statements", err);
			}
			if (rc < 0)
				return rc;
			continue;
		}
		if (blanks) {
			rc = cg_findings_push(&f, out,
			    CG_RULE_APPLIED_MIGRATION_CHANGED, err,
			    "already applied migration edited (only comments "
			    "or whitespace): %s", sums);
		} else if (t != NULL) {
			rc = cg_findings_push(&f, out,
			    CG_RULE_APPLIED_MIGRATION_CHANGED, err,
			    "already applied migration edited: production "
			    "ran the old text, so the new text never runs there");
		} else {
			moved = find_oid(tip, b->oid);
			if (moved != NULL && find_path(base, moved->path) == NULL)
				rc = cg_findings_push(&f, out,
				    CG_RULE_APPLIED_MIGRATION_CHANGED, err,
				    "already applied migration renamed to '%s': "
				    "tools that record applied names run it again",
				    moved->path);
			else
				rc = cg_findings_push(&f, out,
				    CG_RULE_APPLIED_MIGRATION_CHANGED, err,
				    "already applied migration deleted: "
				    "production keeps what it did, new databases "
				    "no longer get it");
		}
		if (rc == 0)
			rc = at_file(f, b->path, "leave applied migrations as "
			    "they are and put the change in a new migration "
			    "file", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * The newest "when" of the base's drizzle journal entries whose file the
 * base has: what drizzle's migrator has recorded as applied last.
 */
static int
newest_applied_when(long long *out, const struct side_files *base,
    struct cg_err *err)
{
	const struct cg_journal *j;
	struct cg_buf path = CG_BUF_INIT;
	size_t i, k;
	int rc = 0;

	*out = CG_NO_WHEN;
	for (i = 0; rc == 0 && i < base->njournals; i++) {
		j = &base->journals[i];
		for (k = 0; rc == 0 && k < j->ntags; k++) {
			if (j->when[k] == CG_NO_WHEN || j->when[k] <= *out)
				continue;
			path.len = 0;
			rc = cg_buf_printf(&path, err, "%s%s%s.sql", j->dir,
			    j->dir[0] != '\0' ? "/" : "", j->tags[k]);
			if (rc == 0 && find_path(base, path.data) != NULL)
				*out = j->when[k];
		}
	}
	cg_buf_release(&path);
	return rc;
}

/*
 * A new file that runs before an applied one; or, in a drizzle journal,
 * one whose "when" is not newer than the newest applied entry's, which
 * drizzle's migrator never runs (it compares with that one only).
 */
static int
report_out_of_order(struct cg_findings *out, const struct side_files *base,
    const struct side_files *tip, enum cg_target_kind target,
    struct cg_err *err)
{
	struct cg_finding *f;
	size_t i, last = 0;
	long long applied, when;
	int have_last = 0;
	int rc;

	for (i = 0; i < tip->n; i++) {
		if (find_path(base, tip->v[i].path) != NULL) {
			last = i;
			have_last = 1;
		}
	}
	if (!have_last)
		return 0;
	applied = CG_NO_WHEN;
	/* Only drizzle's migrator reads "when": wrangler runs by name. */
	if (target == CG_TARGET_DRIZZLE || target == CG_TARGET_LIBSQL) {
		rc = newest_applied_when(&applied, base, err);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < tip->n; i++) {
		if (find_path(base, tip->v[i].path) != NULL)
			continue;
		if (i < last) {
			rc = cg_findings_push(&f, out, CG_RULE_OUT_OF_ORDER, err,
			    "new migration sorts before '%s', which is already "
			    "applied: some tools skip it, others run it out of "
			    "order", tip->v[last].path);
			if (rc == 0)
				rc = at_file(f, tip->v[i].path, "give the file a "
				    "name that sorts after every applied "
				    "migration", err);
			if (rc < 0)
				return rc;
			continue;
		}
		when = cg_journal_when(tip->journals, tip->njournals,
		    tip->v[i].path);
		if (when == CG_NO_WHEN || applied == CG_NO_WHEN ||
		    when > applied)
			continue;
		rc = cg_findings_push(&f, out, CG_RULE_OUT_OF_ORDER, err,
		    "drizzle's migrator never runs this migration: its journal "
		    "\"when\" (%lld) is not newer than that of the newest "
		    "applied one (%lld)", when, applied);
		if (rc == 0)
			rc = at_file(f, tip->v[i].path, "generate the migration "
			    "again on top of the applied ones (drizzle-kit "
			    "generate), so that its journal \"when\" is the "
			    "newest", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * The version of a migration: the digits its file name (or, for
 * prisma's <version>_<name>/migration.sql, its folder) starts with,
 * leading zeros dropped; NULL when there are none.  Points into path.
 */
static const char *
version_of(const char *path, size_t *len)
{
	const char *name = strrchr(path, '/');
	const char *p;

	name = name ? name + 1 : path;
	if (strcmp(name, "migration.sql") == 0 && name > path + 1) {
		p = name - 2;
		while (p > path && p[-1] != '/')
			p--;
		name = p;
	}
	if (*name < '0' || *name > '9')
		return NULL;
	while (name[0] == '0' && name[1] >= '0' && name[1] <= '9')
		name++;
	/* A date written with dashes (2024-03-02_x.sql) is one version. */
	for (p = name; (*p >= '0' && *p <= '9') ||
	    (*p == '-' && p[1] >= '0' && p[1] <= '9'); p++)
		;
	*len = (size_t)(p - name);
	return name;
}

/*
 * 1 when the runner records applied migrations by their version number,
 * so two files with one version clash (docs/runners.md): sqlx and
 * golang-migrate, plain runners, whose bookkeeping we do not know, and
 * any set whose runner nobody named or detected (the d1 default of a
 * bare folder is a guess).  wrangler records file names, drizzle follows
 * its journal and prisma records directory names: both files run.
 */
static int
keys_by_version(enum cg_target_kind t, int known)
{
	if (!known)
		return 1;
	return t == CG_TARGET_SQLX || t == CG_TARGET_GOLANG_MIGRATE ||
	    t == CG_TARGET_SQLITE;
}

/* New files whose version an existing or earlier new file already has. */
static int
report_duplicates(struct cg_findings *out, const struct side_files *base,
    const struct side_files *tip, struct cg_err *err)
{
	const char *vi, *vj;
	struct cg_finding *f;
	size_t i, j, li, lj;
	int rc;

	for (i = 0; i < tip->n; i++) {
		/* A D1 set's rollback script: down-file-applied says it. */
		if (find_path(base, tip->v[i].path) != NULL ||
		    cg_migration_is_down(tip->v[i].path))
			continue;
		vi = version_of(tip->v[i].path, &li);
		if (vi == NULL)
			continue;
		for (j = 0; j < tip->n; j++) {
			if (j == i || (j > i &&
			    find_path(base, tip->v[j].path) == NULL) ||
			    cg_migration_is_down(tip->v[j].path))
				continue;
			vj = version_of(tip->v[j].path, &lj);
			if (vj != NULL && li == lj && memcmp(vi, vj, li) == 0)
				break;
		}
		if (j == tip->n)
			continue;
		rc = cg_findings_push(&f, out, CG_RULE_DUPLICATE_VERSION, err,
		    "version %.*s is also used by '%s'%s: the order between "
		    "them depends on the rest of the names, and tools that key "
		    "migrations by version refuse or skip one", (int)li, vi,
		    tip->v[j].path, find_path(base, tip->v[j].path) != NULL ?
		    " (already applied)" : "");
		if (rc == 0)
			rc = at_file(f, tip->v[i].path, "renumber the new file "
			    "after the newest migration (two branches that each "
			    "added one: rebase and renumber)", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * New rollback scripts of a D1 set: wrangler applies every *.sql of its
 * folder, so they run forward (and are replayed so: list_side kept them).
 */
static int
report_down_files(struct cg_findings *out, const struct side_files *base,
    const struct side_files *tip, struct cg_err *err)
{
	struct cg_finding *f;
	size_t i;
	int rc;

	for (i = 0; i < tip->n; i++) {
		if (!cg_migration_is_down(tip->v[i].path) ||
		    find_path(base, tip->v[i].path) != NULL)
			continue;
		rc = cg_findings_push(&f, out, CG_RULE_DOWN_FILE_APPLIED, err,
		    "wrangler applies every .sql file of this folder: this "
		    "rollback script runs as a migration, in name order");
		if (rc == 0)
			rc = at_file(f, tip->v[i].path, "keep rollback scripts "
			    "out of the folder wrangler applies (a subfolder "
			    "such as migrations/rollback/, which wrangler does "
			    "not read)", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * New files of a drizzle folder that its journal does not name: drizzle
 * will not run them (a forgotten journal entry, or a stale copy).
 */
static int
report_unlisted(struct cg_findings *out, const struct side_files *base,
    const struct side_files *tip, struct cg_err *err)
{
	struct cg_finding *f;
	size_t i, k;
	int rc;

	for (i = 0; i < tip->nunlisted; i++) {
		if (find_path(base, tip->unlisted[i].path) != NULL)
			continue;	/* left the journal: report_changed */
		for (k = 0; k < base->nunlisted; k++)
			if (strcmp(base->unlisted[k].path,
			    tip->unlisted[i].path) == 0)
				break;
		if (k < base->nunlisted)
			continue;
		rc = cg_findings_push(&f, out, CG_RULE_NOT_IN_JOURNAL, err,
		    "drizzle will not run this file: meta/_journal.json has "
		    "no entry for it");
		if (rc == 0)
			rc = at_file(f, tip->unlisted[i].path, "add it with "
			    "drizzle-kit (generate, or generate --custom for "
			    "hand-written SQL) or delete it", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Apply the configured severities, dropping findings turned off. */
static void
apply_severities(struct cg_findings *fs, const struct cg_config *cfg)
{
	size_t i, j = 0;
	int sev;

	for (i = 0; i < fs->n; i++) {
		/* Unset, a finding keeps its own (config-unreadable when touched). */
		sev = cfg->severity[fs->v[i].rule] == CG_SEV_DEFAULT ?
		    (int)fs->v[i].severity : cg_config_severity(cfg,
		    fs->v[i].rule);
		if (sev == CG_SEV_OFF) {
			cg_finding_release(&fs->v[i]);
			continue;
		}
		fs->v[i].severity = (enum cg_severity)sev;
		if (j != i)
			fs->v[j] = fs->v[i];
		j++;
	}
	fs->n = j;
}

/*
 * Build the schema the base history makes into a new sandbox *sbout:
 * from the longest cached prefix when the cache is on, then every
 * remaining file, and store the result for the next check.  History
 * warnings (cached ones too) go to out.
 */
static int
replay_base(struct cg_sandbox **sbout, struct cg_findings *out,
    struct cg_repo *r, const struct side_files *bs,
    const struct cg_config *cfg, const struct cg_sandbox_opts *sbo,
    int use_cache, struct cg_err *err)
{
	struct cg_findings hist = CG_FINDINGS_INIT;
	struct cg_buf dir = CG_BUF_INIT;
	struct cg_buf salt = CG_BUF_INIT;
	struct cg_cache_keys keys;
	const char **paths = NULL, **oids = NULL;
	struct cg_sandbox *sb = NULL;
	struct cg_source src;
	char *data = NULL;
	size_t len = 0, from = 0, i;
	int rc = 0;

	memset(&keys, 0, sizeof(keys));
	if (use_cache && bs->n > 0) {
		paths = calloc(bs->n, sizeof(*paths));
		oids = calloc(bs->n, sizeof(*oids));
		if (paths == NULL || oids == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		for (i = 0; i < bs->n; i++) {
			paths[i] = bs->v[i].path;
			oids[i] = bs->v[i].oid;
		}
		/* What else decides how the history replays. */
		rc = cg_buf_printf(&salt, err, "max-file-size %zu time-budget "
		    "%u steps %llu heap %lld target %s", cfg->max_file_bytes,
		    cfg->time_budget_ms, cfg->step_budget,
		    cfg->heap_limit_bytes, cg_target_name(cfg->target));
		if (rc == 0)
			rc = cg_cache_keys_init(&keys, salt.data, paths, oids,
			    bs->n, err);
		if (rc == 0)
			rc = cg_buf_printf(&dir, err, "%scascadeguard/cache",
			    cg_repo_git_dir(r));
		if (rc == 0)
			rc = cg_cache_load(&from, &sb, dir.data, &keys, sbo,
			    &hist, err);
		if (rc < 0)
			goto out;
	}
	if (sb == NULL) {
		rc = cg_sandbox_open(&sb, sbo, err);
		if (rc < 0)
			goto out;
	}
	for (i = from; i < bs->n; i++) {
		rc = load_file(&data, &len, &hist, r, &bs->v[i], cfg, 0, err);
		if (rc < 0)
			goto out;
		if (data == NULL)
			continue;
		src.set = NULL;
		src.path = bs->v[i].path;
		src.data = data;
		src.len = len;
		rc = cg_replay_history_as(sb, &src, cfg->target, &hist,
		    err);
		if (rc < 0)
			goto out;
		free(data);
		data = NULL;
	}
	/* SECURITY: a replay a budget cut short is never cached. */
	for (i = 0; i < hist.n; i++)
		if (hist.v[i].rule == CG_RULE_BUDGET_EXCEEDED)
			use_cache = 0;
	if (use_cache && from < bs->n) {
		rc = cg_cache_save(dir.data, &keys, sb, &hist, cfg->cache_max_bytes,
		    err);
		if (rc < 0)
			goto out;
	}
	rc = cg_findings_move(out, &hist, err);
	if (rc < 0)
		goto out;
	*sbout = sb;
	sb = NULL;
out:
	free(data);
	cg_sandbox_free(sb);
	cg_findings_release(&hist);
	cg_cache_keys_release(&keys);
	cg_buf_release(&salt);
	cg_buf_release(&dir);
	free(paths);
	free(oids);
	return rc;
}

/* A new migration's text, kept until its suppressions are applied. */
struct new_text {
	const char *path;	/* borrowed from the tip's list */
	char *data;		/* owned */
	size_t len;
};

/* 1 unless --no-cache or git config cascadeguard.cache=false. */
static int
cache_wanted(int *out, struct cg_repo *r, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	*out = 0;
	if (opts->no_cache)
		return 0;
	return cg_repo_config_get_bool(out, r, "cascadeguard.cache", 1, err);
}

/* What one set's check needs besides the set. */
struct set_ctx {
	const struct side_files *tip_all;	/* a lost set: see check_gone_sets */
	struct cg_repo *r;
	const struct cg_side *base, *tip;
	const struct cg_check_opts *opts;
	const struct cg_config *cfg;	/* target: the set's */
	int use_cache;
	struct cg_check_stats *stats;
};

/*
 * Append to all the findings of one set.  They are gathered apart first:
 * the simulation's verdict merges into findings of the same file and
 * line, and suppressions apply to findings of a path, and another set
 * may hold the same file.
 */
static int
check_set(struct cg_findings *all, const struct set_ctx *c,
    const struct cg_set *set, struct cg_err *err)
{
	struct cg_findings mine = CG_FINDINGS_INIT;
	struct cg_findings *found = &mine;
	struct cg_sandbox_opts sbo = CG_SANDBOX_OPTS_INIT;
	struct side_files bs = { 0 }, ts = { 0 };
	struct cg_sandbox *sb = NULL;
	struct cg_sim *sim = NULL;	/* simulate.h: seeded copy of the base */
	const struct cg_config *cfg = c->cfg;
	struct cg_source src;
	char *data = NULL;
	size_t len = 0;
	struct new_text *texts = NULL;
	size_t ntexts = 0, tcap = 0;
	size_t i;
	int rc;

	rc = list_side(&bs, c->r, c->base, &set->globs, cfg->target, err);
	if (rc < 0)
		goto out;
	rc = list_side(&ts, c->r, c->tip, &set->globs, cfg->target, err);
	if (rc < 0)
		goto out;

	rc = report_changed(found, &bs, &ts, c->tip_all, c->r, cfg, err);
	if (rc < 0)
		goto out;
	/* A lost set: what its files do matters, not how they are named. */
	rc = c->tip_all != NULL ? 0 :
	    report_out_of_order(found, &bs, &ts, cfg->target, err);
	if (rc < 0)
		goto out;
	rc = c->tip_all != NULL || !keys_by_version(cfg->target,
	    set->target_set || cfg->target_set) ? 0 :
	    report_duplicates(found, &bs, &ts, err);
	if (rc < 0)
		goto out;
	rc = c->tip_all != NULL ? 0 : report_unlisted(found, &bs, &ts, err);
	if (rc < 0)
		goto out;
	if (cfg->target == CG_TARGET_D1 && c->tip_all == NULL) {
		rc = report_down_files(found, &bs, &ts, err);
		if (rc < 0)
			goto out;
	}

	sbo.heap_limit_bytes = cfg->heap_limit_bytes;
	sbo.time_budget_ms = cfg->time_budget_ms;
	sbo.step_budget = cfg->step_budget;
	rc = replay_base(&sb, found, c->r, &bs, cfg, &sbo, c->use_cache, err);
	if (rc < 0)
		goto out;
	c->stats->nhistory += bs.n;

	for (i = 0; i < ts.n; i++) {
		if (find_path(&bs, ts.v[i].path) != NULL)
			continue;
		/* A lost set's file that a tip set holds is checked there. */
		if (c->tip_all != NULL && find_path(c->tip_all, ts.v[i].path))
			continue;
		c->stats->nnew++;
		rc = load_file(&data, &len, found, c->r, &ts.v[i], cfg, 1, err);
		if (rc < 0)
			goto out;
		if (data == NULL)
			continue;
		src.set = NULL;
		src.path = ts.v[i].path;
		src.data = data;
		src.len = len;
		/* Seeded before the first new file changes the schema. */
		if (sim == NULL && cfg->simulate && !c->opts->no_simulate) {
			rc = cg_sim_new(&sim, sb, err);
			if (rc < 0)
				goto out;
		}
		rc = cg_replay_check(sb, cfg, &src, found, err);
		if (rc < 0)
			goto out;
		if (sim != NULL) {
			rc = cg_sim_run_file(sim, cfg, &src, err);
			if (rc < 0)
				goto out;
		}
		/* Kept for the suppressions, applied once all findings exist. */
		rc = cg_grow(&texts, &tcap, ntexts + 1, sizeof(*texts), err);
		if (rc < 0)
			goto out;
		texts[ntexts].path = ts.v[i].path;
		texts[ntexts].data = data;
		texts[ntexts].len = len;
		ntexts++;
		data = NULL;
	}

	if (sim != NULL) {
		rc = cg_sim_verdict(sim, found, err);
		if (rc < 0)
			goto out;
	}
	/*
	 * -- cascadeguard: allow <rule> <reason> (suppress.h), after the
	 * simulation, so that its findings can be suppressed too.
	 */
	for (i = 0; i < ntexts; i++) {
		rc = cg_suppress_apply(found, 0, texts[i].path, texts[i].data,
		    texts[i].len, err);
		if (rc < 0)
			goto out;
	}
out:
	for (i = 0; i < ntexts; i++)
		free(texts[i].data);
	free(texts);
	free(data);
	cg_sim_free(sim);
	cg_sandbox_free(sb);
	side_files_release(&ts);
	side_files_release(&bs);
	if (rc == 0)
		rc = cg_findings_move(all, &mine, err);
	cg_findings_release(&mine);
	return rc;
}

/* A set that is not SQLite: a note when the change touches it. */
static int
note_skipped(struct cg_findings *found, const struct set_ctx *c,
    const struct cg_set *set, struct cg_err *err)
{
	struct side_files bs = { 0 }, ts = { 0 };
	struct cg_finding *f;
	size_t i;
	int touched;
	int rc;

	rc = cg_repo_list(&bs.v, &bs.n, c->r, c->base,
	    (const char *const *)set->globs.v, set->globs.n, err);
	if (rc == 0)
		rc = cg_repo_list(&ts.v, &ts.n, c->r, c->tip,
		    (const char *const *)set->globs.v, set->globs.n, err);
	if (rc < 0)
		goto out;
	touched = bs.n != ts.n;
	for (i = 0; !touched && i < ts.n; i++)
		touched = strcmp(bs.v[i].path, ts.v[i].path) != 0 ||
		    strcmp(bs.v[i].oid, ts.v[i].oid) != 0;
	if (!touched)
		goto out;
	rc = cg_findings_push(&f, found, CG_RULE_NOT_SQLITE, err,
	    "migration set '%s' not checked: %s", set->name, set->skip);
	if (rc == 0)
		rc = cg_finding_set_where(f, NULL, set->origin != NULL &&
		    strchr(set->origin, ' ') == NULL ? set->origin : set->dir,
		    0, 0, 0, NULL, 0, err);
out:
	side_files_release(&ts);
	side_files_release(&bs);
	return rc;
}

/*
 * A tool file that does not parse: a warning while the change leaves it
 * as it was (a template with placeholders), an error when the change
 * touches it.  Either way a finding, not a tool failure that
 * cascadeguard.onError=allow would let through; and the sets the base's
 * config named are checked all the same (check_gone_sets).
 */
static int
note_unreadable(struct cg_findings *found, const struct set_ctx *c,
    const struct cg_set *set, struct cg_err *err)
{
	struct cg_err rerr = CG_ERR_INIT;
	struct cg_finding *f;
	char *before = NULL, *after = NULL;
	size_t blen = 0, alen = 0;
	int touched;
	int rc;

	touched = cg_repo_read_path(&before, &blen, c->r, c->base,
	    set->origin, CG_MAX_CONFIG_BYTES, &rerr) < 0 ||
	    cg_repo_read_path(&after, &alen, c->r, c->tip, set->origin,
	    CG_MAX_CONFIG_BYTES, &rerr) < 0 || before == NULL ||
	    after == NULL || blen != alen || memcmp(before, after, alen) != 0;
	free(before);
	free(after);
	rc = cg_findings_push(&f, found, CG_RULE_CONFIG_UNREADABLE, err,
	    "does not parse (%s)%s: the folders it names are found by their "
	    "names only", set->skip, touched ? ", and this change touches it" :
	    "");
	if (rc == 0 && touched)
		f->severity = CG_SEV_ERROR;
	if (rc == 0)
		rc = at_file(f, set->origin, "fix the file, or name the sets "
		    "in .cascadeguard ([set NAME] sections replace detection)",
		    err);
	return rc;
}

struct read_ctx {
	struct cg_repo *r;
	const struct cg_side *side;
};

static int
read_tool_file(char **data, size_t *len, const char *path, void *payload,
    struct cg_err *err)
{
	struct read_ctx *rc = payload;

	return cg_repo_read_path(data, len, rc->r, rc->side, path,
	    CG_MAX_CONFIG_BYTES, err);
}

static int
copy_set(struct cg_set *dst, const struct cg_set *src, struct cg_err *err)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->target = src->target;
	dst->target_set = src->target_set;
	dst->unreadable = src->unreadable;
	if ((src->name && !(dst->name = cg_strdup(src->name))) ||
	    (src->dir && !(dst->dir = cg_strdup(src->dir))) ||
	    (src->origin && !(dst->origin = cg_strdup(src->origin))) ||
	    (src->skip && !(dst->skip = cg_strdup(src->skip))))
		return cg_err_nomem(err);
	for (i = 0; i < src->globs.n; i++)
		if (cg_strvec_push(&dst->globs, src->globs.v[i], err) < 0)
			return CG_ENOMEM;
	return 0;
}

/*
 * The files layout detection looks at, from a walk of the tip's whole
 * tree.  With the cache on, the trees known to hold none of them are
 * skipped (tree ids name their content), so a push reads the folders it
 * changed, not the repository.
 */
static int
detect_entries(struct cg_entry **ev, size_t *ne, struct cg_repo *r,
    const struct cg_side *tip, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	struct cg_treeset skip;
	struct cg_buf dir = CG_BUF_INIT;
	int use_cache;
	int rc;

	memset(&skip, 0, sizeof(skip));
	rc = cache_wanted(&use_cache, r, opts, err);
	if (rc < 0)
		return rc;
	if (!use_cache || tip->kind != CG_SIDE_COMMIT)
		return cg_repo_list_wanted(ev, ne, r, tip, cg_layout_wants,
		    cg_layout_may_want, NULL, err);
	rc = cg_buf_printf(&dir, err, "%scascadeguard/cache",
	    cg_repo_git_dir(r));
	if (rc == 0)
		rc = cg_cache_treeset_load(&skip, dir.data, CG_LAYOUT_TAG, err);
	if (rc == 0)
		rc = cg_repo_list_wanted(ev, ne, r, tip, cg_layout_wants,
		    cg_layout_may_want, &skip, err);
	if (rc == 0)
		rc = cg_cache_treeset_save(&skip, dir.data, CG_LAYOUT_TAG, err);
	cg_treeset_release(&skip);
	cg_buf_release(&dir);
	return rc;
}

/*
 * The sets to check, in order: explicit globs make one unnamed set,
 * [set NAME] sections their own, otherwise what the tip's layout shows
 * (layout.h).  Targets: --target or the server's, else a [set]
 * section's, else .cascadeguard's target, else the detected tool's,
 * else d1: what someone wrote down beats what detection guessed.
 * With opts->only_set, just that one (CG_EINPUT if unknown).
 */
static int
resolve_sets(struct cg_set **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *tip, const struct cg_config *cfg,
    const struct cg_check_opts *opts, struct cg_err *err)
{
	struct read_ctx rctx = { r, tip };
	struct cg_entry *ev = NULL;
	struct cg_set *v = NULL;
	size_t n = 0, ne = 0, i, j, keep, alias = 0, nalias = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (cfg->globs.n > 0) {
		v = calloc(1, sizeof(*v));
		if (v == NULL)
			return cg_err_nomem(err);
		n = 1;
		for (i = 0; rc == 0 && i < cfg->globs.n; i++)
			rc = cg_strvec_push(&v->globs, cfg->globs.v[i], err);
	} else if (cfg->nsets > 0) {
		v = calloc(cfg->nsets, sizeof(*v));
		if (v == NULL)
			return cg_err_nomem(err);
		for (n = 0; rc == 0 && n < cfg->nsets; n++)
			rc = copy_set(&v[n], &cfg->sets[n], err);
	} else {
		rc = detect_entries(&ev, &ne, r, tip, opts, err);
		if (rc == 0)
			rc = cg_layout_detect(&v, &n, ev, ne, read_tool_file,
			    &rctx, err);
	}
	if (rc < 0)
		goto out;
	for (i = 0; i < n; i++) {
		/* detected targets yield to any target someone wrote down */
		if (opts->cli_target_set || !v[i].target_set ||
		    (cfg->nsets == 0 && cfg->target_set))
			v[i].target = cfg->target;
		if (v[i].dir == NULL && (v[i].dir = cg_strdup("")) == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
	}
	if (opts->only_set != NULL) {
		for (keep = 0; keep < n; keep++)
			if (v[keep].name != NULL &&
			    strcmp(v[keep].name, opts->only_set) == 0)
				break;
		/* one binding of a shared folder (DB of DB+DB2), if unique */
		for (i = 0, nalias = 0; keep == n && i < n; i++)
			for (j = 0; j < v[i].aliases.n; j++)
				if (strcmp(v[i].aliases.v[j],
				    opts->only_set) == 0) {
					alias = i;
					nalias++;
					break;
				}
		if (keep == n && nalias == 1)
			keep = alias;
		if (keep == n) {
			struct cg_buf names = CG_BUF_INIT;

			for (i = 0; rc == 0 && i < n; i++)
				rc = cg_buf_printf(&names, err, "%s'%s'",
				    i ? ", " : "", v[i].name ? v[i].name : "");
			if (rc == 0)
				rc = cg_err_set(err, CG_EINPUT, "no migration "
				    "set named '%s' (the sets here: %s)",
				    opts->only_set, n ? names.data : "none");
			cg_buf_release(&names);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (i != keep)
				cg_set_release(&v[i]);
		if (keep != 0)
			v[0] = v[keep];
		n = 1;
	}
	*out = v;
	*nout = n;
	v = NULL;
	n = 0;
out:
	cg_entries_free(ev, ne);
	cg_sets_free(v, n);
	return rc;
}

/* 1 when findings should name their set: more than one is checked. */
static size_t
count_checked(const struct cg_set *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += v[i].skip == NULL;
	return k;
}

/* Name the set on every finding that has none. */
static int
stamp_set(struct cg_findings *fs, size_t from, const char *name,
    struct cg_err *err)
{
	size_t i;

	for (i = from; i < fs->n; i++) {
		if (fs->v[i].set != NULL)
			continue;
		fs->v[i].set = cg_strdup(name);
		if (fs->v[i].set == NULL)
			return cg_err_nomem(err);
	}
	return 0;
}

/* The same globs, in any order: the tip still has the set. */
static int
same_globs(const struct cg_strvec *a, const struct cg_strvec *b)
{
	size_t i, j;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++)
			if (strcmp(a->v[i], b->v[j]) == 0)
				break;
		if (j == b->n)
			return 0;
	}
	return 1;
}

/* Every file of every set the tip checks, in one list. */
static int
union_side(struct side_files *all, struct cg_repo *r,
    const struct cg_side *tip, const struct cg_set *sets, size_t nsets,
    struct cg_err *err)
{
	struct side_files one = { 0 };
	size_t i, k, cap = 0;
	int rc = 0;

	for (i = 0; rc == 0 && i < nsets; i++) {
		if (sets[i].skip != NULL)
			continue;
		rc = list_side(&one, r, tip, &sets[i].globs, sets[i].target,
		    err);
		if (rc == 0 && one.n > 0)
			rc = cg_grow(&all->v, &cap, all->n + one.n,
			    sizeof(*all->v), err);
		if (rc == 0 && one.n > 0) {
			memcpy(all->v + all->n, one.v, one.n * sizeof(*one.v));
			all->n += one.n;
			free(one.v);	/* the entries moved */
			one.v = NULL;
			one.n = 0;
		}
		side_files_release(&one);
	}
	if (rc < 0)
		return rc;
	all->by_path = calloc(all->n ? all->n : 1, sizeof(*all->by_path));
	if (all->by_path == NULL)
		return cg_err_nomem(err);
	for (k = 0; k < all->n; k++)
		all->by_path[k] = &all->v[k];
	qsort(all->by_path, all->n, sizeof(*all->by_path), cmp_entry_ptr);
	return 0;
}

/*
 * Sets the base had (by the base's own .cascadeguard and layout) that
 * the tip does not check any more: the folder deleted, a wrangler config
 * that no longer names it, a lock file that marks it not SQLite, a
 * .cascadeguard pointed elsewhere.  Each is checked as a set of the tip
 * too, with the base's globs and runner: otherwise one push could hide
 * a folder, add a migration to it, and the push that shows the folder
 * again would find that migration already in the history.  Files a tip
 * set holds are left to it, and files moved with their content into a
 * tip set went with their folder.
 */
static int
check_gone_sets(struct cg_findings *found, const struct set_ctx *c,
    struct cg_config *cfg, const struct cg_set *sets, size_t nsets,
    struct cg_err *err)
{
	struct side_files all = { 0 };
	struct cg_config bcfg;
	struct set_ctx gc = *c;
	struct cg_set *old = NULL;
	enum cg_target_kind dflt = cfg->target;
	size_t nold = 0, i, j, from;
	int have_all = 0;
	int rc;

	/* The command line's globs are the same on both sides. */
	if ((c->opts->cli_globs != NULL && c->opts->cli_globs->n > 0) ||
	    c->opts->only_set != NULL || c->base->kind == CG_SIDE_EMPTY)
		return 0;
	cg_config_init(&bcfg);
	rc = load_config(&bcfg, c->r, c->base, c->opts, err);
	if (rc == 0)
		rc = resolve_sets(&old, &nold, c->r, c->base, &bcfg, c->opts,
		    err);
	for (i = 0; rc == 0 && i < nold; i++) {
		if (old[i].skip != NULL)
			continue;
		for (j = 0; j < nsets; j++)
			if (sets[j].skip == NULL &&
			    same_globs(&sets[j].globs, &old[i].globs))
				break;
		if (j < nsets)
			continue;
		if (!have_all) {
			rc = union_side(&all, c->r, c->tip, sets, nsets, err);
			if (rc < 0)
				break;
			have_all = 1;
		}
		gc.tip_all = &all;
		cfg->target = old[i].target;
		from = found->n;
		rc = check_set(found, &gc, &old[i], err);
		cfg->target = dflt;
		if (rc == 0 && old[i].name != NULL)
			rc = stamp_set(found, from, old[i].name, err);
	}
	side_files_release(&all);
	cg_sets_free(old, nold);
	cg_config_release(&bcfg);
	return rc;
}

int
cg_check_sets(struct cg_set **out, size_t *nout, struct cg_repo *r,
    const struct cg_side *side, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	struct cg_config cfg;
	int rc;

	cg_config_init(&cfg);
	rc = load_config(&cfg, r, side, opts, err);
	if (rc == 0)
		rc = resolve_sets(out, nout, r, side, &cfg, opts, err);
	cg_config_release(&cfg);
	return rc;
}

int
cg_check_run(struct cg_findings *out, struct cg_check_stats *stats,
    struct cg_repo *r, const struct cg_side *base, const struct cg_side *tip,
    const struct cg_check_opts *opts, struct cg_err *err)
{
	struct cg_findings found = CG_FINDINGS_INIT;
	struct cg_set *sets = NULL;
	struct set_ctx c;
	struct cg_config cfg;
	size_t nsets = 0, i, seen;
	size_t *from = NULL;	/* per set: its first finding */
	enum cg_target_kind dflt;
	int rc;

	cg_config_init(&cfg);
	memset(stats, 0, sizeof(*stats));
	rc = load_config(&cfg, r, tip, opts, err);
	if (rc < 0)
		goto out;
	stats->target = cfg.target;
	rc = resolve_sets(&sets, &nsets, r, tip, &cfg, opts, err);
	if (rc < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.base = base;
	c.tip = tip;
	c.opts = opts;
	c.cfg = &cfg;
	c.stats = stats;
	rc = cache_wanted(&c.use_cache, r, opts, err);
	if (rc < 0)
		goto out;
	dflt = cfg.target;
	from = calloc(nsets ? nsets : 1, sizeof(*from));
	if (from == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (i = 0; i < nsets; i++) {
		from[i] = found.n;
		if (sets[i].unreadable) {
			rc = note_unreadable(&found, &c, &sets[i], err);
		} else if (sets[i].skip != NULL) {
			rc = note_skipped(&found, &c, &sets[i], err);
		} else {
			cfg.target = sets[i].target;
			seen = stats->nhistory + stats->nnew;
			rc = check_set(&found, &c, &sets[i], err);
			cfg.target = dflt;
			/*
			 * A folder with no migration on either side (a sibling
			 * Worker's) is no set checked: it names no finding.
			 */
			if (stats->nhistory + stats->nnew != seen) {
				if (stats->nsets++ == 0)
					stats->target = sets[i].target;
			} else if (stats->nsets == 0) {
				stats->target = sets[i].target;
			}
		}
		if (rc < 0)
			goto out;
	}
	/* From the last set back: each stamps only its own findings. */
	for (i = nsets; stats->nsets > 1 && i-- > 0;) {
		rc = sets[i].name == NULL ? 0 :
		    stamp_set(&found, from[i], sets[i].name, err);
		if (rc < 0)
			goto out;
	}
	rc = check_gone_sets(&found, &c, &cfg, sets, nsets, err);
	if (rc < 0)
		goto out;
	apply_severities(&found, &cfg);
	cg_findings_sort(&found);
	rc = cg_findings_move(out, &found, err);
out:
	free(from);
	cg_sets_free(sets, nsets);
	cg_findings_release(&found);
	cg_config_release(&cfg);
	return rc;
}

int
cg_check_graph(struct cg_graph *out, size_t *nreplayed, struct cg_repo *r,
    const struct cg_side *side, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	struct cg_sandbox_opts sbo = CG_SANDBOX_OPTS_INIT;
	struct cg_findings found = CG_FINDINGS_INIT;
	struct side_files fs = { 0 };
	struct cg_sandbox *sb = NULL;
	struct cg_set *sets = NULL;
	struct cg_config cfg;
	struct cg_buf names = CG_BUF_INIT;
	size_t nsets = 0, n = 0, i, pick = 0, ncheck;
	int use_cache;
	int rc;

	cg_config_init(&cfg);
	rc = load_config(&cfg, r, side, opts, err);
	if (rc < 0)
		goto out;
	rc = resolve_sets(&sets, &nsets, r, side, &cfg, opts, err);
	if (rc < 0)
		goto out;
	ncheck = count_checked(sets, nsets);
	if (ncheck > 1) {
		for (i = 0; rc == 0 && i < nsets; i++)
			if (sets[i].skip == NULL)
				rc = cg_buf_printf(&names, err, "%s%s",
				    names.len ? ", " : "", sets[i].name);
		if (rc == 0)
			rc = cg_err_set(err, CG_EINPUT, "this repository has "
			    "%zu migration sets (%s): choose one with --set",
			    ncheck, names.data);
		goto out;
	}
	for (pick = 0; pick < nsets && sets[pick].skip != NULL; pick++)
		;
	sbo.heap_limit_bytes = cfg.heap_limit_bytes;
	sbo.time_budget_ms = cfg.time_budget_ms;
	sbo.step_budget = cfg.step_budget;
	rc = cache_wanted(&use_cache, r, opts, err);
	if (rc < 0)
		goto out;
	if (pick < nsets) {
		/* The set's runner, as a check of it would replay it. */
		cfg.target = sets[pick].target;
		rc = list_side(&fs, r, side, &sets[pick].globs, cfg.target,
		    err);
		if (rc < 0)
			goto out;
	}
	rc = replay_base(&sb, &found, r, &fs, &cfg, &sbo, use_cache, err);
	if (rc < 0)
		goto out;
	n = fs.n;
	rc = cg_graph_load(out, sb, err);
	if (rc == 0 && nreplayed != NULL)
		*nreplayed = n;
out:
	cg_buf_release(&names);
	cg_sets_free(sets, nsets);
	cg_sandbox_free(sb);
	side_files_release(&fs);
	cg_findings_release(&found);
	cg_config_release(&cfg);
	return rc;
}
