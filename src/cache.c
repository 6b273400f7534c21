/* SPDX-License-Identifier: MIT */
/*
 * The replay cache.  A file holds the exact key text it answers for
 * (checked on load, so a hash collision cannot serve a wrong schema),
 * the history warnings, the serialized database and a checksum, so a
 * truncated or corrupt file is ignored and rebuilt.  Writes go to a
 * temporary file renamed into place, so concurrent pushes are safe.
 *
 * SECURITY: anyone with write access to the repository can put anything
 * at a cache path.  Every file here is opened with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO must not block the hook) and used only when fstat
 * on the open descriptor says it is a regular file; anything else is
 * ignored, and a write replaces it by rename (docs/security.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cache.h"
#include "cascadeguard.h"
#include "err.h"
#include "git_changes.h"
#include "sandbox.h"
#include "sandbox_db.h"
#include "util.h"
#include "banned.h"

#define CACHE_MAGIC "CGCACHE2"	/* 2: the checksum is sum64 */
#define CACHE_NULL_LEN UINT64_MAX
#define CACHE_MAX_FILE_BYTES ((uint64_t)1 << 31)	/* SECURITY: bound reads */
#define CACHE_OPEN_READ (O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
#define CACHE_OPEN_NEW (O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | \
	O_NONBLOCK)

/*
 * A new temporary file at path, or -1: O_EXCL refuses anything already
 * there, and the fstat is the same check as for reading, kept anyway.
 */
static int
open_new(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, CACHE_OPEN_NEW, 0666);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t
fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * The file checksum: four independent lanes of 8-byte words (the file
 * is several MiB and byte-wise FNV-1a cost milliseconds of every warm
 * check), then the tail byte by byte.  It catches truncation and
 * corruption; the key text, compared in full, decides what a file
 * answers for.  Words are read in host order: the cache is local.
 * Streamed, so a file is summed as it is written, without a copy.
 */
#define SUM_M1 0x9e3779b185ebca87ULL
#define SUM_M2 0xc2b2ae3d27d4eb4fULL

struct sum {
	uint64_t lane[4];
	unsigned char tail[32];
	size_t ntail;
	uint64_t total;
};

static void
sum_init(struct sum *s)
{
	memset(s, 0, sizeof(*s));
	s->lane[0] = SUM_M1 + SUM_M2;
	s->lane[1] = SUM_M2;
	s->lane[3] = 0 - SUM_M1;
}

static void
sum_block(struct sum *s, const unsigned char *p)
{
	uint64_t w;
	size_t j;

	for (j = 0; j < 4; j++) {
		memcpy(&w, p + 8 * j, 8);
		s->lane[j] = rotl64(s->lane[j] + w * SUM_M2, 31) * SUM_M1;
	}
}

static void
sum_add(struct sum *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t k;

	s->total += n;
	if (s->ntail > 0) {
		k = 32 - s->ntail < n ? 32 - s->ntail : n;
		memcpy(s->tail + s->ntail, p, k);
		s->ntail += k;
		p += k;
		n -= k;
		if (s->ntail < 32)
			return;
		sum_block(s, s->tail);
		s->ntail = 0;
	}
	for (; n >= 32; p += 32, n -= 32)
		sum_block(s, p);
	memcpy(s->tail, p, n);
	s->ntail = n;
}

static uint64_t
sum_end(const struct sum *s)
{
	uint64_t h = s->total * SUM_M1;
	size_t j;

	for (j = 0; j < 4; j++)
		h = rotl64(h ^ (s->lane[j] * SUM_M2), 27) * SUM_M1 + j;
	return fnv1a(h, s->tail, s->ntail);
}

static uint64_t
sum64(const unsigned char *p, size_t n)
{
	struct sum s;

	sum_init(&s);
	sum_add(&s, p, n);
	return sum_end(&s);
}

int
cg_cache_keys_init(struct cg_cache_keys *k, const char *salt,
    const char *const *paths, const char *const *oids, size_t n,
    struct cg_err *err)
{
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
	size_t start, i;
	int rc;

	memset(k, 0, sizeof(*k));
	if (n == 0)
		return 0;
	k->hex = calloc(n, sizeof(*k->hex));
	k->mat_len = calloc(n, sizeof(*k->mat_len));
	if (k->hex == NULL || k->mat_len == NULL)
		goto nomem;
	/* Another tool or SQLite version may replay differently. */
	rc = cg_buf_printf(&k->material, err, "cascadeguard-cache/2 %s "
	    "sqlite %s %s\n", CG_VERSION, sqlite3_libversion(), salt);
	if (rc < 0)
		goto fail;
	start = 0;
	for (i = 0; i < n; i++) {
		rc = cg_buf_printf(&k->material, err, "%s %s\n", oids[i],
		    paths[i]);
		if (rc < 0)
			goto fail;
		h1 = fnv1a(h1, k->material.data + start,
		    k->material.len - start);
		h2 = fnv1a(h2 ^ (uint64_t)i, k->material.data + start,
		    k->material.len - start);
		start = k->material.len;
		k->mat_len[i] = k->material.len;
		snprintf(k->hex[i], sizeof(k->hex[i]), "%016llx%016llx",
		    (unsigned long long)h1, (unsigned long long)h2);
	}
	k->n = n;
	return 0;
nomem:
	rc = cg_err_nomem(err);
fail:
	cg_cache_keys_release(k);
	return rc;
}

void
cg_cache_keys_release(struct cg_cache_keys *k)
{
	if (k == NULL)
		return;
	free(k->hex);
	free(k->mat_len);
	cg_buf_release(&k->material);
	memset(k, 0, sizeof(*k));
}

/* Writing: append little-endian integers and length-prefixed strings. */
static int
put_u64(struct cg_buf *b, uint64_t v, struct cg_err *err)
{
	unsigned char x[8];
	int i;

	for (i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	return cg_buf_add(b, (const char *)x, 8, err);
}

static int
put_str(struct cg_buf *b, const char *s, struct cg_err *err)
{
	int rc;

	if (s == NULL)
		return put_u64(b, CACHE_NULL_LEN, err);
	rc = put_u64(b, strlen(s), err);
	if (rc < 0)
		return rc;
	return cg_buf_add(b, s, strlen(s), err);
}

/* Reading: a cursor that fails softly at the end of the data. */
struct cursor {
	const unsigned char *p;
	size_t left;
	int bad;
};

static uint64_t
get_u64(struct cursor *c)
{
	uint64_t v = 0;
	int i;

	if (c->bad || c->left < 8) {
		c->bad = 1;
		return 0;
	}
	for (i = 0; i < 8; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += 8;
	c->left -= 8;
	return v;
}

/* *out: an owned copy, or NULL for a stored NULL.  0 ok, < 0 no memory. */
static int
get_str(char **out, struct cursor *c, struct cg_err *err)
{
	uint64_t n = get_u64(c);

	*out = NULL;
	if (c->bad || n == CACHE_NULL_LEN)
		return 0;
	if (n > c->left) {
		c->bad = 1;
		return 0;
	}
	*out = cg_strndup((const char *)c->p, (size_t)n);
	if (*out == NULL)
		return cg_err_nomem(err);
	c->p += n;
	c->left -= (size_t)n;
	return 0;
}

static int
put_finding(struct cg_buf *b, const struct cg_finding *f, struct cg_err *err)
{
	int rc;

	rc = put_u64(b, f->rule, err);
	if (rc == 0)
		rc = put_u64(b, f->severity, err);
	if (rc == 0)
		rc = put_u64(b, f->line, err);
	if (rc == 0)
		rc = put_u64(b, f->col, err);
	if (rc == 0)
		rc = put_u64(b, f->end_line, err);
	if (rc == 0)
		rc = put_u64(b, f->caret_col, err);
	if (rc == 0)
		rc = put_str(b, f->set, err);
	if (rc == 0)
		rc = put_str(b, f->path, err);
	if (rc == 0)
		rc = put_str(b, f->statement, err);
	if (rc == 0)
		rc = put_str(b, f->message, err);
	if (rc == 0)
		rc = put_str(b, f->help, err);
	return rc;
}

/* Read one finding into out; c->bad on a malformed record. */
static int
get_finding(struct cg_findings *out, struct cursor *c, struct cg_err *err)
{
	struct cg_finding tmp;
	uint64_t rule, sev;
	int rc = 0;

	memset(&tmp, 0, sizeof(tmp));
	rule = get_u64(c);
	sev = get_u64(c);
	tmp.line = (unsigned)get_u64(c);
	tmp.col = (unsigned)get_u64(c);
	tmp.end_line = (unsigned)get_u64(c);
	tmp.caret_col = (unsigned)get_u64(c);
	if (rule >= CG_RULE__COUNT || sev > CG_SEV_ERROR)
		c->bad = 1;
	tmp.rule = (enum cg_rule)(c->bad ? 0 : rule);
	tmp.severity = (enum cg_severity)(c->bad ? 0 : sev);
	if (rc == 0)
		rc = get_str(&tmp.set, c, err);
	if (rc == 0)
		rc = get_str(&tmp.path, c, err);
	if (rc == 0)
		rc = get_str(&tmp.statement, c, err);
	if (rc == 0)
		rc = get_str(&tmp.message, c, err);
	if (rc == 0)
		rc = get_str(&tmp.help, c, err);
	if (rc == 0 && !c->bad && tmp.message == NULL)
		c->bad = 1;
	if (rc < 0 || c->bad) {
		cg_finding_release(&tmp);
		return rc;
	}
	rc = cg_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v), err);
	if (rc < 0) {
		cg_finding_release(&tmp);
		return rc;
	}
	out->v[out->n++] = tmp;
	return 0;
}

/*
 * Map a whole cache file (bounded) read-only; *data NULL when it is not
 * usable.  Mapped, not read: reading copies several MiB into fresh
 * pages on every warm check.  Cache files are only ever replaced by
 * rename, never rewritten in place, so the mapping cannot shrink.
 */
static int
map_file(unsigned char **data, size_t *len, const char *path)
{
	struct stat st;
	void *p;
	int fd;

	*data = NULL;
	fd = open(path, CACHE_OPEN_READ);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 16 ||
	    (uint64_t)st.st_size > CACHE_MAX_FILE_BYTES) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	*data = p;
	*len = (size_t)st.st_size;
	return 0;
}

/*
 * Parse a cache file for prefix i into sb and out.  Returns 1 when it
 * was used, 0 when it is not usable (nothing changed), < 0 on no memory.
 */
static int
try_load(struct cg_sandbox **sbout, const unsigned char *data, size_t len,
    const struct cg_cache_keys *k, size_t i,
    const struct cg_sandbox_opts *opts, struct cg_findings *out,
    struct cg_err *err)
{
	struct cg_sandbox *sb = NULL;
	struct cg_findings tmp = CG_FINDINGS_INIT;
	struct cursor c = { data, len - 8, 0 };
	struct cursor sum = { data + len - 8, 8, 0 };
	uint64_t keylen, nfind, imglen, j;
	int rc = 0;

	if (sum64(data, len - 8) != get_u64(&sum))
		return 0;	/* truncated or corrupt */
	if (memcmp(c.p, CACHE_MAGIC, 8) != 0)
		return 0;
	c.p += 8;
	c.left -= 8;
	keylen = get_u64(&c);
	if (c.bad || keylen != k->mat_len[i] || keylen > c.left ||
	    memcmp(c.p, k->material.data, (size_t)keylen) != 0)
		return 0;	/* another history with the same hash */
	c.p += keylen;
	c.left -= (size_t)keylen;
	nfind = get_u64(&c);
	for (j = 0; j < nfind && !c.bad && rc == 0; j++)
		rc = get_finding(&tmp, &c, err);
	if (rc < 0)
		goto out;
	imglen = get_u64(&c);
	if (c.bad || imglen == 0 || imglen != c.left)
		goto out;
	/* Written by us; the new sandbox is locked down all the same. */
	rc = cg_sandbox_open_image(&sb, opts, c.p, (size_t)imglen, err);
	if (rc == CG_ENOMEM)
		goto out;
	if (rc < 0) {
		rc = 0;		/* an unusable image: rebuild */
		goto out;
	}
	rc = cg_findings_move(out, &tmp, err);
	if (rc < 0)
		goto out;
	*sbout = sb;
	sb = NULL;
	rc = 1;
out:
	cg_sandbox_free(sb);
	cg_findings_release(&tmp);
	return rc;
}

int
cg_cache_load(size_t *nfiles, struct cg_sandbox **sb, const char *dir,
    const struct cg_cache_keys *k, const struct cg_sandbox_opts *opts,
    struct cg_findings *out, struct cg_err *err)
{
	struct cg_buf path = CG_BUF_INIT;
	unsigned char *data = NULL;
	size_t len = 0;
	size_t i;
	int rc = 0;

	*nfiles = 0;
	*sb = NULL;
	for (i = k->n; i-- > 0;) {
		path.len = 0;
		rc = cg_buf_printf(&path, err, "%s/%s.db", dir, k->hex[i]);
		if (rc < 0)
			break;
		if (access(path.data, R_OK) != 0)
			continue;
		(void)map_file(&data, &len, path.data);
		if (data == NULL)
			continue;
		rc = try_load(sb, data, len, k, i, opts, out, err);
		munmap(data, len);
		data = NULL;
		if (rc < 0)
			break;
		if (rc == 1) {
			/* Least recently used eviction reads the mtime. */
			(void)utimensat(AT_FDCWD, path.data, NULL,
			    AT_SYMLINK_NOFOLLOW);
			*nfiles = i + 1;
			rc = 0;
			break;
		}
	}
	cg_buf_release(&path);
	return rc;
}

struct cached {
	char *name;
	time_t mtime;
	long long size;
};

static int
cached_cmp(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * A writer killed between its temp file and the rename leaves the temp
 * file: gone once no live writer can still own it.
 */
#define STALE_TMP_SECONDS 600

/*
 * Remove the least recently used cache files until dir fits max_bytes,
 * and stale temp files.
 */
static void
evict(const char *dir, long long max_bytes)
{
	struct cached *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	long long total = 0;
	char path[4096];
	struct dirent *de;
	struct stat st;
	size_t nl;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (strncmp(de->d_name, "tmp-", 4) == 0) {
			if (snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) < (int)sizeof(path) &&
			    lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_mtime + STALE_TMP_SECONDS < time(NULL))
				(void)unlink(path);
			continue;
		}
		if (nl < 4 || strcmp(de->d_name + nl - 3, ".db") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL)
				break;
			v = nv;
		}
		v[n].name = cg_strdup(de->d_name);
		if (v[n].name == NULL)
			break;
		v[n].mtime = st.st_mtime;
		v[n].size = (long long)st.st_size;
		total += v[n].size;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), cached_cmp);
	for (i = 0; i < n && total > max_bytes; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, v[i].name) <
		    (int)sizeof(path) && unlink(path) == 0)
			total -= v[i].size;
	}
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* mkdir -p for the cache folder (two levels below $GIT_DIR at most). */
static int
make_dirs(const char *dir)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -1;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Rename tmp over dst.  rename replaces a FIFO, socket, device node or
 * symlink at dst; an empty folder there is removed first; a folder with
 * contents stays (the cache then is not used for that key).
 */
static void
replace_file(const char *tmp, const char *dst)
{
	if (rename(tmp, dst) == 0)
		return;
	if ((errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) &&
	    rmdir(dst) == 0 && rename(tmp, dst) == 0)
		return;
	(void)unlink(tmp);
}

/* 1 when all n bytes were written. */
static int
write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0;
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

int
cg_cache_save(const char *dir, const struct cg_cache_keys *k,
    struct cg_sandbox *sb, const struct cg_findings *fs, long long max_bytes,
    struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	struct cg_buf tmp = CG_BUF_INIT, dst = CG_BUF_INIT;
	struct cg_buf tail = CG_BUF_INIT;
	struct sum sum;
	size_t imglen = 0;
	void *img = NULL;
	size_t i;
	int fd = -1;
	int ok;
	int rc = 0;

	if (k->n == 0)
		return 0;
	rc = cg_sandbox_image(&img, &imglen, sb, err);
	if (rc < 0 || img == NULL)
		goto out;	/* an empty database: nothing to store */
	/* Header, then the image as it is (no copy of it), then the sum. */
	rc = cg_buf_add(&b, CACHE_MAGIC, 8, err);
	if (rc == 0)
		rc = put_u64(&b, k->mat_len[k->n - 1], err);
	if (rc == 0)
		rc = cg_buf_add(&b, k->material.data, k->mat_len[k->n - 1],
		    err);
	if (rc == 0)
		rc = put_u64(&b, fs->n, err);
	for (i = 0; i < fs->n && rc == 0; i++)
		rc = put_finding(&b, &fs->v[i], err);
	if (rc == 0)
		rc = put_u64(&b, imglen, err);
	if (rc == 0)
		rc = cg_buf_printf(&tmp, err, "%s/tmp-%ld-%s.db.tmp", dir,
		    (long)getpid(), k->hex[k->n - 1]);
	if (rc == 0)
		rc = cg_buf_printf(&dst, err, "%s/%s.db", dir, k->hex[k->n - 1]);
	if (rc < 0)
		goto out;
	sum_init(&sum);
	sum_add(&sum, b.data, b.len);
	sum_add(&sum, img, imglen);
	tail.len = 0;
	rc = put_u64(&tail, sum_end(&sum), err);
	if (rc < 0)
		goto out;
	if (make_dirs(dir) < 0)
		goto out;
	fd = open_new(tmp.data);
	if (fd < 0)
		goto out;
	ok = write_all(fd, b.data, b.len) && write_all(fd, img, imglen) &&
	    write_all(fd, tail.data, tail.len);
	if (close(fd) < 0 || !ok) {
		fd = -1;
		(void)unlink(tmp.data);
		goto out;
	}
	fd = -1;
	replace_file(tmp.data, dst.data);
	evict(dir, max_bytes);
out:
	if (fd >= 0)
		close(fd);
	sqlite3_free(img);
	cg_buf_release(&b);
	cg_buf_release(&tmp);
	cg_buf_release(&dst);
	cg_buf_release(&tail);
	/* Only running out of memory is an error: the cache is optional. */
	return rc == CG_ENOMEM ? rc : 0;
}

/*
 * The detection memo: "CGTREES2", the sorted ids, then sum64 of the ids
 * (8 bytes, little-endian).  A wrong id would skip a folder unread, so
 * a torn or damaged file must not pass for a short one.
 */
#define TREES_MAGIC "CGTREES2"
#define TREES_HEAD_BYTES 8
#define TREES_SUM_BYTES 8
#define TREES_MAX ((size_t)500000)	/* 10 MB; then start over */

static void
le64_put(unsigned char out[8], uint64_t v)
{
	size_t i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(v >> (8 * i));
}

static int
cmp_tree_id(const void *a, const void *b)
{
	return memcmp(a, b, CG_TREE_ID_BYTES);
}

int
cg_cache_treeset_load(struct cg_treeset *s, const char *dir, const char *tag,
    struct cg_err *err)
{
	char path[4096];
	struct stat stt;
	size_t n, i;
	ssize_t got;
	char magic[TREES_HEAD_BYTES];
	unsigned char sum[TREES_SUM_BYTES], want[TREES_SUM_BYTES];
	int fd;

	memset(s, 0, sizeof(*s));
	if (snprintf(path, sizeof(path), "%s/trees-%s", dir, tag) >=
	    (int)sizeof(path))
		return 0;
	fd = open(path, CACHE_OPEN_READ);
	if (fd < 0)
		return 0;
	if (fstat(fd, &stt) < 0 || !S_ISREG(stt.st_mode) ||
	    stt.st_size < TREES_HEAD_BYTES + TREES_SUM_BYTES ||
	    ((size_t)stt.st_size - TREES_HEAD_BYTES - TREES_SUM_BYTES) %
	    CG_TREE_ID_BYTES != 0 ||
	    ((size_t)stt.st_size - TREES_HEAD_BYTES - TREES_SUM_BYTES) /
	    CG_TREE_ID_BYTES > TREES_MAX)
		goto out;
	n = ((size_t)stt.st_size - TREES_HEAD_BYTES - TREES_SUM_BYTES) /
	    CG_TREE_ID_BYTES;
	if (read(fd, magic, TREES_HEAD_BYTES) != TREES_HEAD_BYTES ||
	    memcmp(magic, TREES_MAGIC, TREES_HEAD_BYTES) != 0)
		goto out;
	s->ids = malloc(n ? n * CG_TREE_ID_BYTES : 1);
	if (s->ids == NULL) {
		close(fd);
		return cg_err_nomem(err);
	}
	got = read(fd, s->ids, n * CG_TREE_ID_BYTES);
	if (got < 0 || (size_t)got != n * CG_TREE_ID_BYTES ||
	    read(fd, sum, sizeof(sum)) != (ssize_t)sizeof(sum))
		goto bad;
	le64_put(want, sum64(s->ids, n * CG_TREE_ID_BYTES));
	if (memcmp(sum, want, sizeof(sum)) != 0)
		goto bad;
	/* bsearch needs order: a file out of order is not used */
	for (i = 1; i < n; i++)
		if (cmp_tree_id(s->ids + (i - 1) * CG_TREE_ID_BYTES,
		    s->ids + i * CG_TREE_ID_BYTES) >= 0)
			goto bad;
	s->n = n;
	goto out;
bad:
	free(s->ids);
	s->ids = NULL;
out:
	close(fd);
	return 0;
}

int
cg_cache_treeset_save(struct cg_treeset *s, const char *dir, const char *tag,
    struct cg_err *err)
{
	struct cg_buf tmp = CG_BUF_INIT, dst = CG_BUF_INIT;
	unsigned char sum[TREES_SUM_BYTES];
	unsigned char *all = NULL, *p;
	size_t i = 0, j = 0, n = 0, keep;
	int fd = -1, ok;
	int rc = 0;

	if (s->nadded == 0)
		return 0;
	qsort(s->added, s->nadded, CG_TREE_ID_BYTES, cmp_tree_id);
	keep = s->n + s->nadded > TREES_MAX ? 0 : s->n;
	all = malloc((keep + s->nadded) * CG_TREE_ID_BYTES);
	if (all == NULL)
		return cg_err_nomem(err);
	/* merge two sorted lists, dropping repeats */
	while (i < keep || j < s->nadded) {
		const unsigned char *a = i < keep ? s->ids + i *
		    CG_TREE_ID_BYTES : NULL;
		const unsigned char *b = j < s->nadded ? s->added + j *
		    CG_TREE_ID_BYTES : NULL;

		if (b == NULL || (a != NULL && cmp_tree_id(a, b) <= 0)) {
			p = (unsigned char *)a;
			i++;
		} else {
			p = (unsigned char *)b;
			j++;
		}
		if (n > 0 && cmp_tree_id(all + (n - 1) * CG_TREE_ID_BYTES,
		    p) == 0)
			continue;
		memcpy(all + n * CG_TREE_ID_BYTES, p, CG_TREE_ID_BYTES);
		n++;
	}
	rc = cg_buf_printf(&tmp, err, "%s/tmp-%ld-trees-%s.tmp", dir,
	    (long)getpid(), tag);
	if (rc == 0)
		rc = cg_buf_printf(&dst, err, "%s/trees-%s", dir, tag);
	if (rc < 0 || make_dirs(dir) < 0)
		goto out;
	fd = open_new(tmp.data);
	if (fd < 0)
		goto out;
	le64_put(sum, sum64(all, n * CG_TREE_ID_BYTES));
	ok = write_all(fd, TREES_MAGIC, TREES_HEAD_BYTES) &&
	    write_all(fd, all, n * CG_TREE_ID_BYTES) &&
	    write_all(fd, sum, sizeof(sum));
	if (close(fd) < 0 || !ok) {
		(void)unlink(tmp.data);
		goto out;
	}
	replace_file(tmp.data, dst.data);
out:
	free(all);
	cg_buf_release(&tmp);
	cg_buf_release(&dst);
	return rc == CG_ENOMEM ? rc : 0;
}
