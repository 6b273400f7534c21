/* SPDX-License-Identifier: MIT */
/*
 * git_index.c against index files written by the git binary: every
 * entry must be what `git ls-files --stage` says (mode, id, stage,
 * path), in every version git writes, with the extensions it adds; the
 * kinds we cannot read must say so; broken files must never be read
 * past their end (make sanitize runs this under ASan).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "git_index.h"
#include "helpers/assert.h"
#include "helpers/repo.h"
#include "util.h"

static char *dir;	/* temporary folder, HOME; the repository is dir/r */

static void
setup(void)
{
	dir = cg_test_tmpdir();
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_DIR");
	cr_assert_eq(cg_test_sh(dir, "git init -q r && cd r && "
	    "git config user.name t && git config user.email t@example.com"),
	    0);
}

static void
teardown(void)
{
	cg_test_rmrf(dir);
	free(dir);
}

TestSuite(git_index, .init = setup, .fini = teardown, .timeout = 60);

/* The whole of dir/rel, in a buffer of exactly its size (for ASan). */
static unsigned char *
slurp(const char *rel, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Remove from list ("<mode> <id> <stage>\t<path>|"...) each path of omit. */
static void
drop_lines(char *list, const char *omit)
{
	const char *o = omit, *bar;
	char *start, *tab, *end;
	char path[256];
	size_t n;

	while ((bar = strchr(o, '|')) != NULL) {
		n = (size_t)(bar - o);
		cr_assert_lt(n, sizeof(path));
		memcpy(path, o, n);
		path[n] = '\0';
		o = bar + 1;
		for (start = list; *start != '\0'; start = end + 1) {
			tab = strchr(start, '\t');
			end = strchr(start, '|');
			cr_assert(tab != NULL && end != NULL);
			if ((size_t)(end - tab - 1) == n &&
			    memcmp(tab + 1, path, n) == 0) {
				memmove(start, end + 1, strlen(end + 1) + 1);
				break;
			}
		}
	}
}

/* Our entries in the format of `git ls-files --stage -z`. */
static char *
render(const struct cg_index *ix)
{
	struct cg_buf b = CG_BUF_INIT;
	struct cg_err err = CG_ERR_INIT;
	size_t i, k;

	cg_assert_ok(cg_buf_puts(&b, "", &err), &err);
	for (i = 0; i < ix->n; i++) {
		cg_assert_ok(cg_buf_printf(&b, &err, "%06o ", ix->v[i].mode),
		    &err);
		for (k = 0; k < CG_INDEX_OID_BYTES; k++)
			cg_assert_ok(cg_buf_printf(&b, &err, "%02x",
			    ix->v[i].id[k]), &err);
		cg_assert_ok(cg_buf_printf(&b, &err, " %u\t%s|",
		    ix->v[i].stage, ix->v[i].path), &err);
	}
	return cg_buf_detach(&b);
}

/*
 * Parse dir/r/.git/index and compare with git's own listing, less the
 * entries named in omit ('|'-terminated paths, or ""): intent-to-add
 * entries, which git lists but leaves out of a commit.
 */
static void
assert_same_as_git_but(size_t min_entries, const char *omit)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	unsigned char *buf;
	char *ours, *theirs;
	size_t len, tlen, i;

	buf = slurp("r/.git/index", &len);
	cg_assert_ok(cg_index_parse(&ix, buf, len, &err), &err);
	cr_assert_geq(ix.n, min_entries);
	ours = render(&ix);
	/* NUL-separated by git; '|' here, as no test path holds one */
	cr_assert_eq(cg_test_sh(dir, "cd r && git ls-files --stage -z "
	    ">../ls.out"), 0);
	theirs = (char *)slurp("ls.out", &tlen);
	theirs = realloc(theirs, tlen + 1);
	cr_assert_not_null(theirs);
	theirs[tlen] = '\0';
	for (i = 0; i < tlen; i++)
		if (theirs[i] == '\0')
			theirs[i] = '|';
	drop_lines(theirs, omit);
	cr_assert_str_eq(ours, theirs);
	free(theirs);
	free(ours);
	free(buf);
	cg_index_release(&ix);
}

static void
assert_same_as_git(size_t min_entries)
{
	assert_same_as_git_but(min_entries, "");
}

/* The version in the header of dir/r/.git/index. */
static unsigned
index_version(void)
{
	unsigned char *buf;
	unsigned v;
	size_t len;

	buf = slurp("r/.git/index", &len);
	cr_assert_geq(len, 8);
	v = buf[7];
	free(buf);
	return v;
}

static void
some_files(void)
{
	cr_assert_eq(cg_test_sh(dir, "cd r && mkdir -p migrations src/deep/er "
	    "'with space' && for i in 1 2 3 4 5 6 7 8 9 10 11 12; do "
	    "echo \"CREATE TABLE t$i(x);\" > migrations/00$i.sql; done && "
	    "echo a > src/deep/er/a.c && echo b > 'with space/b.txt' && "
	    "echo c > src/caf\xc3\xa9.txt && ln -s src/deep link && "
	    "echo x > x && chmod +x x && git add -A && "
	    "git commit -qm one"), 0);
}

Test(git_index, version_2_with_a_tree_extension)
{
	some_files();
	assert_same_as_git(17);
}

Test(git_index, version_3_intent_to_add_and_skip_worktree)
{
	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && echo n > new.sql && "
	    "git add -N new.sql && "
	    "git update-index --skip-worktree migrations/001.sql"), 0);
	cr_assert_eq(index_version(), 3);
	/* new.sql is only intended: not staged, as git commit sees it */
	assert_same_as_git_but(17, "new.sql|");
}

Test(git_index, version_4_prefix_compressed_paths)
{
	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && "
	    "git update-index --index-version 4 && echo z > src/deep/z && "
	    "git add src/deep/z"), 0);
	cr_assert_eq(index_version(), 4);
	assert_same_as_git(18);
}

/* Names of 4,095 bytes and more: the 12-bit length says "look for NUL". */
Test(git_index, paths_longer_than_the_length_field)
{
	char cmd[16384];
	char name[5001];

	some_files();
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	name[100] = name[2000] = name[4000] = '/';
	snprintf(cmd, sizeof(cmd), "cd r && b=$(git hash-object -w x) && "
	    "git update-index --add --cacheinfo 100644,$b,%s && "
	    "git update-index --add --cacheinfo 100644,$b,%.4095s",
	    name, name + 10);
	cr_assert_eq(cg_test_sh(dir, "%s", cmd), 0);
	assert_same_as_git(19);
	cr_assert_eq(cg_test_sh(dir, "cd r && "
	    "git update-index --index-version 4"), 0);
	assert_same_as_git(19);
}

Test(git_index, conflict_stages_and_a_submodule_entry)
{
	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && git checkout -qb other && "
	    "echo other > migrations/001.sql && git commit -qam other && "
	    "git checkout -q - && echo main > migrations/001.sql && "
	    "git commit -qam main && { git merge -q other >/dev/null 2>&1 || true; } && "
	    "git update-index --add --cacheinfo "
	    "160000,$(git rev-parse HEAD),vendor/sub"), 0);
	assert_same_as_git(19);
}

Test(git_index, untracked_cache_and_resolve_undo_extensions)
{
	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && git checkout -qb other && "
	    "echo other > migrations/001.sql && git commit -qam other && "
	    "git checkout -q - && echo main > migrations/001.sql && "
	    "git commit -qam main && { git merge -q other >/dev/null 2>&1 || true; } && "
	    "git add migrations/001.sql && "
	    "git config core.untrackedCache true && "
	    "git update-index --untracked-cache && echo u > u && "
	    "git status -s >/dev/null && grep -q REUC .git/index && "
	    "grep -q UNTR .git/index"), 0);
	assert_same_as_git(17);
}

Test(git_index, a_split_index_is_refused_with_what_to_do)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	unsigned char *buf;
	size_t len;

	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && git update-index --split-index "
	    "&& echo n > n && git add n"), 0);
	buf = slurp("r/.git/index", &len);
	cr_assert_eq(cg_index_parse(&ix, buf, len, &err), CG_EINPUT);
	cr_assert(strstr(err.msg, "split") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "--no-split-index") != NULL, "%s", err.msg);
	cr_assert_eq(ix.n, 0);
	free(buf);
}

Test(git_index, a_sparse_index_is_refused_with_what_to_do)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	unsigned char *buf;
	size_t len;

	some_files();
	cr_assert_eq(cg_test_sh(dir, "cd r && git sparse-checkout set "
	    "--cone --sparse-index migrations 2>/dev/null"), 0);
	buf = slurp("r/.git/index", &len);
	cr_assert_eq(cg_index_parse(&ix, buf, len, &err), CG_EINPUT);
	cr_assert(strstr(err.msg, "sparse") != NULL, "%s", err.msg);
	free(buf);
}

Test(git_index, other_versions_and_garbage_go_back_to_libgit2)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	unsigned char *buf;
	size_t len;

	some_files();
	buf = slurp("r/.git/index", &len);
	buf[7] = 5;	/* version 5 */
	cr_assert_eq(cg_index_parse(&ix, buf, len, &err),
	    CG_INDEX_UNSUPPORTED);
	buf[7] = 2;
	buf[0] = 'X';
	cr_assert_eq(cg_index_parse(&ix, buf, len, &err),
	    CG_INDEX_UNSUPPORTED);
	buf[0] = 'D';
	/* an entry count the file cannot hold */
	buf[8] = 0x7f;
	cr_assert_eq(cg_index_parse(&ix, buf, len, &err),
	    CG_INDEX_UNSUPPORTED);
	buf[8] = 0;
	cg_assert_ok(cg_index_parse(&ix, buf, len, &err), &err);
	cg_index_release(&ix);
	cr_assert_eq(cg_index_parse(&ix, buf, 0, &err), CG_INDEX_UNSUPPORTED);
	free(buf);
}

/*
 * Cut short anywhere, or with any byte changed, the file is read or
 * refused, never read past its end.  A cut file that parses has lost
 * only extension bytes: its entries are all there.
 */
static void
mangle(const char *setup_cmd)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_index ix = CG_INDEX_INIT;
	unsigned char *buf, *cut;
	size_t len, l, i, n;
	int rc;

	some_files();
	cr_assert_eq(cg_test_sh(dir, "%s", setup_cmd), 0);
	buf = slurp("r/.git/index", &len);
	cg_assert_ok(cg_index_parse(&ix, buf, len, &err), &err);
	n = ix.n;
	cg_index_release(&ix);
	for (l = 0; l < len; l++) {
		cut = malloc(l > 0 ? l : 1);
		cr_assert_not_null(cut);
		memcpy(cut, buf, l);
		rc = cg_index_parse(&ix, cut, l, &err);
		cr_assert(rc == 0 || rc == CG_INDEX_UNSUPPORTED,
		    "cut at %zu: %d", l, rc);
		if (rc == 0)
			cr_assert_eq(ix.n, n, "cut at %zu", l);
		cg_index_release(&ix);
		free(cut);
	}
	for (i = 0; i < len; i++) {
		for (l = 0; l < 3; l++) {
			cut = malloc(len);
			cr_assert_not_null(cut);
			memcpy(cut, buf, len);
			cut[i] = l == 0 ? 0 : l == 1 ? 0xff : cut[i] ^ 0x80;
			rc = cg_index_parse(&ix, cut, len, &err);
			cr_assert(rc == 0 || rc == CG_INDEX_UNSUPPORTED ||
			    rc == CG_EINPUT, "byte %zu: %d", i, rc);
			cg_index_release(&ix);
			free(cut);
		}
	}
	free(buf);
}

Test(git_index, broken_version_2_files_are_never_overread)
{
	mangle("true");
}

Test(git_index, broken_version_4_files_are_never_overread)
{
	mangle("cd r && git update-index --index-version 4");
}
