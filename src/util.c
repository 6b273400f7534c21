/* SPDX-License-Identifier: MIT */
/*
 * Allocation, buffers and escaping shared by every module.  Size math is
 * overflow-checked; escaping keeps untrusted bytes from reaching a
 * terminal raw.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "banned.h"

char *
cg_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return cg_strndup(s, strlen(s));
}

char *
cg_strndup(const char *s, size_t n)
{
	char *p;

	if (s == NULL || n == SIZE_MAX)
		return NULL;
	p = malloc(n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
cg_grow(void *v, size_t *cap, size_t need, size_t elem, struct cg_err *err)
{
	void **vp = v;
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return cg_err_nomem(err);
		ncap *= 2;
	}
	if (elem != 0 && ncap > SIZE_MAX / elem)
		return cg_err_nomem(err);
	p = realloc(*vp, ncap * elem);
	if (p == NULL)
		return cg_err_nomem(err);
	*vp = p;
	*cap = ncap;
	return 0;
}

int
cg_buf_add(struct cg_buf *b, const char *s, size_t n, struct cg_err *err)
{
	int rc;

	if (n > SIZE_MAX - b->len - 1)
		return cg_err_nomem(err);
	rc = cg_grow(&b->data, &b->cap, b->len + n + 1, 1, err);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
cg_buf_puts(struct cg_buf *b, const char *s, struct cg_err *err)
{
	return cg_buf_add(b, s, strlen(s), err);
}

int
cg_buf_printf(struct cg_buf *b, struct cg_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return cg_err_set(err, CG_ESYS, "cannot format a message");
	rc = cg_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1, err);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;
	size_t i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int
cg_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	size_t k;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
cg_buf_escape(struct cg_buf *b, const char *s, size_t n, struct cg_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	size_t k;
	int rc = 0;

	while (i < n && rc == 0) {
		k = utf8_seq(p + i, n - i);
		if (k == 1 && p[i] >= 0x20 && p[i] != 0x7f && p[i] != '\\') {
			rc = cg_buf_add(b, s + i, 1, err);
		} else if (k > 1) {
			rc = cg_buf_add(b, s + i, k, err);
		} else if (p[i] == '\\') {
			rc = cg_buf_puts(b, "\\\\", err);
			k = 1;
		} else if (p[i] == '\t') {
			rc = cg_buf_puts(b, "\\t", err);
			k = 1;
		} else if (p[i] == '\n') {
			rc = cg_buf_puts(b, "\\n", err);
			k = 1;
		} else {
			rc = cg_buf_printf(b, err, "\\x%02x", p[i]);
			k = 1;
		}
		i += k;
	}
	if (b->data == NULL && rc == 0)
		rc = cg_buf_add(b, "", 0, err);
	return rc;
}

char *
cg_buf_detach(struct cg_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = cg_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
cg_buf_release(struct cg_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
cg_ident_eq(const char *a, const char *b)
{
	unsigned char x, y;

	for (;; a++, b++) {
		x = (unsigned char)*a;
		y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
		if (x == '\0')
			return 1;
	}
}

int
cg_strvec_push(struct cg_strvec *sv, const char *s, struct cg_err *err)
{
	char *copy;
	int rc;

	rc = cg_grow(&sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v), err);
	if (rc < 0)
		return rc;
	copy = cg_strdup(s);
	if (copy == NULL)
		return cg_err_nomem(err);
	sv->v[sv->n++] = copy;
	return 0;
}

void
cg_strvec_release(struct cg_strvec *sv)
{
	size_t i;

	if (sv == NULL)
		return;
	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}
