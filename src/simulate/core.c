/* SPDX-License-Identifier: MIT */
/*
 * Small helpers of the simulation: values, names, the table lookup,
 * and freeing a simulation.
 */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "sandbox.h"
#include "../sandbox_db.h"
#include "simulate.h"
#include "simulate_int.h"
#include "sim.h"
#include "banned.h"

/* ---- small helpers ---- */

void
cg_sim_val_release(struct val *v)
{
	free(v->s);
	memset(v, 0, sizeof(*v));
}

int
cg_sim_val_copy(struct val *dst, const struct val *src)
{
	*dst = *src;
	dst->s = NULL;
	if (src->s != NULL) {
		dst->s = malloc(src->n + 1);
		if (dst->s == NULL)
			return -1;
		memcpy(dst->s, src->s, src->n);
		dst->s[src->n] = '\0';
	}
	return 0;
}

int
cg_sim_val_from(struct val *v, sqlite3_value *sv)
{
	const void *p;

	memset(v, 0, sizeof(*v));
	v->type = sqlite3_value_type(sv);
	switch (v->type) {
	case SQLITE_INTEGER:
		v->i = sqlite3_value_int64(sv);
		return 0;
	case SQLITE_FLOAT:
		v->d = sqlite3_value_double(sv);
		return 0;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		p = v->type == SQLITE_TEXT ? (const void *)sqlite3_value_text(sv) :
		    sqlite3_value_blob(sv);
		v->n = (size_t)sqlite3_value_bytes(sv);
		v->s = malloc(v->n + 1);
		if (v->s == NULL)
			return -1;
		if (v->n > 0)
			memcpy(v->s, p, v->n);
		v->s[v->n] = '\0';
		return 0;
	default:
		v->type = SQLITE_NULL;
		return 0;
	}
}

int
cg_sim_val_bind(sqlite3_stmt *st, int i, const struct val *v)
{
	switch (v->type) {
	case SQLITE_INTEGER:
		return sqlite3_bind_int64(st, i, v->i);
	case SQLITE_FLOAT:
		return sqlite3_bind_double(st, i, v->d);
	case SQLITE_TEXT:
		return sqlite3_bind_text(st, i, v->s, (int)v->n, SQLITE_TRANSIENT);
	case SQLITE_BLOB:
		return sqlite3_bind_blob(st, i, v->s, (int)v->n, SQLITE_TRANSIENT);
	default:
		return sqlite3_bind_null(st, i);
	}
}

int
cg_sim_set_text(struct val *v, const char *s, size_t n)
{
	cg_sim_val_release(v);
	v->type = SQLITE_TEXT;
	v->s = cg_strndup(s, n);
	v->n = n;
	return v->s == NULL ? -1 : 0;
}

void
cg_sim_set_int(struct val *v, sqlite3_int64 i)
{
	cg_sim_val_release(v);
	v->type = SQLITE_INTEGER;
	v->i = i;
}

void
cg_sim_set_real(struct val *v, double d)
{
	cg_sim_val_release(v);
	v->type = SQLITE_FLOAT;
	v->d = d;
}

/* "name" with inner quotes doubled, appended to b. */
int
cg_sim_quote_ident(struct cg_buf *b, const char *name, struct cg_err *err)
{
	const char *p;
	int rc;

	rc = cg_buf_puts(b, "\"", err);
	for (p = name; rc == 0 && *p != '\0'; p++) {
		rc = cg_buf_add(b, p, 1, err);
		if (rc == 0 && *p == '"')
			rc = cg_buf_add(b, p, 1, err);
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\"", err);
	return rc;
}

int
cg_sim_contains_ci(const char *hay, const char *needle)
{
	return needle[0] != '\0' && strcasestr(hay, needle) != NULL;
}

static int
is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/* 1 when word occurs in text as a whole identifier (ASCII case-insensitive). */
int
cg_sim_has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);
	size_t i;

	if (n == 0 || n > len)
		return 0;
	for (i = 0; i + n <= len; i++) {
		if (strncasecmp(text + i, word, n) != 0)
			continue;
		if (i > 0 && is_ident_char(text[i - 1]))
			continue;
		if (i + n < len && is_ident_char(text[i + n]))
			continue;
		return 1;
	}
	return 0;
}

int
cg_sim_tool_exec(struct cg_sim *s, const char *sql)
{
	int rc;

	cg_sandbox_budget_suspend(s->sb, 1);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	cg_sandbox_budget_suspend(s->sb, 0);
	return rc;
}

int
cg_sim_sql_fail(struct cg_sim *s, int src, const char *what, struct cg_err *err)
{
	if (src == SQLITE_NOMEM)
		return cg_err_nomem(err);
	return cg_err_set(err, CG_ESQL, "simulation: cannot %s: %s", what,
	    sqlite3_errmsg(s->db));
}

/* ASCII case-insensitive, as cg_ident_eq compares. */
size_t
cg_sim_name_hash(const char *n)
{
	size_t h = 5381;
	unsigned char c;

	for (; *n != '\0'; n++) {
		c = (unsigned char)*n;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = h * 33 + c;
	}
	return h;
}

struct stable *
cg_sim_find_table(struct cg_sim *s, const char *name, size_t *idx)
{
	size_t i;

	if (s->hash != NULL) {
		for (i = cg_sim_name_hash(name) & (s->hcap - 1);
		    s->hash[i] != 0; i = (i + 1) & (s->hcap - 1)) {
			if (!cg_ident_eq(s->t[s->hash[i] - 1].name, name))
				continue;
			if (idx != NULL)
				*idx = s->hash[i] - 1;
			return &s->t[s->hash[i] - 1];
		}
		return NULL;
	}
	for (i = 0; i < s->nt; i++)
		if (cg_ident_eq(s->t[i].name, name)) {
			if (idx != NULL)
				*idx = i;
			return &s->t[i];
		}
	return NULL;
}

static void
table_release(struct stable *t)
{
	size_t i, j;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].type);
		free(t->cols[i].dflt);
		free(t->cols[i].fk_parent);
		free(t->cols[i].fk_to);
	}
	for (i = 0; t->prefv != NULL && i < t->ncols; i++)
		cg_sim_val_release(&t->prefv[i]);
	free(t->prefv);
	free(t->pref);
	free(t->cols);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; t->rows[i].key != NULL && j < t->nkey; j++)
			cg_sim_val_release(&t->rows[i].key[j]);
		free(t->rows[i].key);
	}
	free(t->name);
	free(t->cur);
	free(t->create);
	free(t->why);
	free(t->kids);
}

void
cg_sim_free(struct cg_sim *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->db != NULL)
		sqlite3_preupdate_hook(s->db, NULL, NULL);
	for (i = 0; i < s->nt; i++)
		table_release(&s->t[i]);
	free(s->t);
	free(s->order);
	for (i = 0; i < s->nst; i++) {
		free(s->st[i].set);
		free(s->st[i].path);
		free(s->st[i].table);
		free(s->st[i].sql);
		free(s->st[i].filter_query);
	}
	free(s->st);
	free(s->ev);
	for (i = 0; i < s->nnotes; i++) {
		free(s->notes[i].set);
		free(s->notes[i].path);
		free(s->notes[i].msg);
	}
	free(s->notes);
	for (i = 0; i < s->nfails; i++)
		cg_sim_fail_release(&s->fails[i]);
	free(s->fails);
	for (i = 0; i < s->ntrig; i++) {
		free(s->trig[i].on);
		free(s->trig[i].sql);
	}
	free(s->trig);
	free(s->hash);
	free(s->work);
	cg_sim_values_free(s->vals);
	cg_sim_keys_free(s->keys);
	cg_sandbox_free(s->sb);
	free(s);
}

void
cg_sim_counts(const struct cg_sim *s, struct cg_sim_counts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nt; i++) {
		out->ntables++;
		if (s->t[i].nrows > 0)
			out->nseeded++;
		out->nrows += s->t[i].nrows;
	}
}
