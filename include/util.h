/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every module: overflow-checked allocation,
 * a growable byte buffer, and safe printing of untrusted bytes.
 */
#ifndef CG_UTIL_H
#define CG_UTIL_H

#include <stddef.h>

struct cg_err;

/* Copies of a string; NULL when out of memory (or when s is NULL). */
char *cg_strdup(const char *s);
char *cg_strndup(const char *s, size_t n);

/*
 * Make *v hold at least `need` elements of `elem` bytes, growing *cap
 * geometrically.  Overflow-checked.  Returns 0 or CG_ENOMEM (err set).
 */
int cg_grow(void *v, size_t *cap, size_t need, size_t elem,
    struct cg_err *err);

/* A growable, always NUL-terminated byte buffer.  Owns data. */
struct cg_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define CG_BUF_INIT { NULL, 0, 0 }

int cg_buf_add(struct cg_buf *b, const char *s, size_t n, struct cg_err *err);
int cg_buf_puts(struct cg_buf *b, const char *s, struct cg_err *err);
int cg_buf_printf(struct cg_buf *b, struct cg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append s with control bytes, backslash and invalid UTF-8 as \xNN. */
int cg_buf_escape(struct cg_buf *b, const char *s, size_t n,
    struct cg_err *err);
/* Hand the string to the caller (who frees it); b is empty after. */
char *cg_buf_detach(struct cg_buf *b);
void cg_buf_release(struct cg_buf *b);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int cg_utf8_valid(const char *s, size_t n);

/* Compare ASCII case-insensitively, as SQLite compares identifiers. */
int cg_ident_eq(const char *a, const char *b);

/* A list of owned strings. */
struct cg_strvec {
	char **v;
	size_t n;
	size_t cap;
};

#define CG_STRVEC_INIT { NULL, 0, 0 }

int cg_strvec_push(struct cg_strvec *sv, const char *s, struct cg_err *err);
void cg_strvec_release(struct cg_strvec *sv);

#endif
