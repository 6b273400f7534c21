/* SPDX-License-Identifier: MIT */
/*
 * Pictures of the cascade graph for `cascadeguard graph`: an indented
 * tree for terminals and PR comments, Graphviz dot, and mermaid (which
 * GitHub and GitLab render in markdown).  Pure: no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "graph.h"
#include "report.h"
#include "util.h"
#include "banned.h"

#define CG_TREE_MAX_DEPTH 64	/* deeper paths are cut with "..." */

/* Compare table names: as SQLite does (ASCII case-insensitive), then bytes. */
static int
name_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int ca, cb;

	for (;; p++, q++) {
		ca = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
		cb = *q >= 'A' && *q <= 'Z' ? *q + 32 : *q;
		if (ca != cb || ca == 0)
			break;
	}
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(a, b);
}

static int
edge_cmp(const void *pa, const void *pb)
{
	const struct cg_fk_edge *a = *(const struct cg_fk_edge *const *)pa;
	const struct cg_fk_edge *b = *(const struct cg_fk_edge *const *)pb;
	int c;

	c = name_cmp(a->parent, b->parent);
	if (c == 0)
		c = name_cmp(a->child, b->child);
	if (c == 0)
		c = strcmp(a->child_cols, b->child_cols);
	if (c == 0)
		c = (int)a->on_delete - (int)b->on_delete;
	return c;
}

static int
str_cmp(const void *pa, const void *pb)
{
	return name_cmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The edges sorted, and the distinct table names sorted. */
struct sorted {
	const struct cg_fk_edge **e;
	size_t ne;
	const char **t;
	size_t nt;
};

static int
sorted_init(struct sorted *s, const struct cg_graph *g, struct cg_err *err)
{
	size_t i, j, n = 0;

	memset(s, 0, sizeof(*s));
	if (g->nedges == 0)
		return 0;
	s->e = calloc(g->nedges, sizeof(*s->e));
	s->t = calloc(g->nedges * 2, sizeof(*s->t));
	if (s->e == NULL || s->t == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < g->nedges; i++) {
		s->e[i] = &g->edges[i];
		s->t[n++] = g->edges[i].parent;
		s->t[n++] = g->edges[i].child;
	}
	s->ne = g->nedges;
	qsort(s->e, s->ne, sizeof(*s->e), edge_cmp);
	qsort(s->t, n, sizeof(*s->t), str_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || !cg_ident_eq(s->t[j - 1], s->t[i]))
			s->t[j++] = s->t[i];
	s->nt = j;
	return 0;
}

static void
sorted_release(struct sorted *s)
{
	free(s->e);
	free(s->t);
}

static size_t
table_index(const struct sorted *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nt; i++)
		if (cg_ident_eq(s->t[i], name))
			return i;
	return 0;
}

static int
esc(struct cg_buf *b, const char *s, struct cg_err *err)
{
	return cg_buf_escape(b, s, strlen(s), err);
}

/* --- tree --- */

struct tree {
	const struct sorted *s;
	const char **path;	/* tables from the root to here */
	size_t depth;
	unsigned char *shown;	/* per table: printed as a root or below one */
	struct cg_buf prefix;
};

static int
tree_children(struct cg_buf *b, struct tree *t, const char *parent,
    struct cg_err *err)
{
	const struct sorted *s = t->s;
	size_t i, k, last = s->ne, plen;
	int cycle;
	int rc = 0;

	for (i = 0; i < s->ne; i++)
		if (cg_ident_eq(s->e[i]->parent, parent))
			last = i;
	for (i = 0; i < s->ne && rc == 0; i++) {
		const struct cg_fk_edge *e = s->e[i];

		if (!cg_ident_eq(e->parent, parent))
			continue;
		cycle = 0;
		for (k = 0; k < t->depth; k++)
			if (cg_ident_eq(t->path[k], e->child))
				cycle = 1;
		t->shown[table_index(s, e->child)] = 1;
		rc = cg_buf_add(b, t->prefix.data, t->prefix.len, err);
		if (rc == 0)
			rc = cg_buf_puts(b, i == last ? "└── " : "├── ", err);
		if (rc == 0)
			rc = esc(b, e->child, err);
		if (rc == 0)
			rc = cg_buf_puts(b, " (", err);
		if (rc == 0)
			rc = esc(b, e->child_cols, err);
		if (rc == 0)
			rc = cg_buf_printf(b, err, " → ON DELETE %s)%s\n",
			    cg_fk_action_name(e->on_delete),
			    cycle ? " (cycle)" : "");
		if (rc < 0 || cycle || e->on_delete != CG_FK_CASCADE)
			continue;
		if (t->depth >= CG_TREE_MAX_DEPTH) {
			rc = cg_buf_add(b, t->prefix.data, t->prefix.len, err);
			if (rc == 0)
				rc = cg_buf_puts(b, "    ...\n", err);
			continue;
		}
		plen = t->prefix.len;
		rc = cg_buf_puts(&t->prefix, i == last ? "    " : "│   ", err);
		if (rc < 0)
			break;
		t->path[t->depth++] = e->child;
		rc = tree_children(b, t, e->child, err);
		t->depth--;
		t->prefix.len = plen;
		t->prefix.data[plen] = '\0';
	}
	return rc;
}

static int
tree_root(struct cg_buf *b, struct tree *t, size_t ti, struct cg_err *err)
{
	int rc;

	t->shown[ti] = 1;
	rc = esc(b, t->s->t[ti], err);
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", err);
	t->depth = 0;
	t->path[t->depth++] = t->s->t[ti];
	t->prefix.len = 0;
	if (rc == 0)
		rc = cg_buf_puts(&t->prefix, "", err);
	if (rc == 0)
		rc = tree_children(b, t, t->s->t[ti], err);
	return rc;
}

/* A parent of some edge; a root when no other table cascades into it. */
static void
table_roles(const struct sorted *s, const char *name, int *parent,
    int *cascade_child)
{
	size_t i;

	*parent = *cascade_child = 0;
	for (i = 0; i < s->ne; i++) {
		if (cg_ident_eq(s->e[i]->parent, name))
			*parent = 1;
		if (cg_ident_eq(s->e[i]->child, name) &&
		    s->e[i]->on_delete == CG_FK_CASCADE &&
		    !cg_ident_eq(s->e[i]->parent, name))
			*cascade_child = 1;
	}
}

static int
write_tree(struct cg_buf *b, const struct sorted *s, struct cg_err *err)
{
	struct tree t;
	size_t i;
	int parent, cchild, pass;
	int rc = 0;

	if (s->ne == 0)
		return cg_buf_puts(b, "(no foreign keys)\n", err);
	memset(&t, 0, sizeof(t));
	t.s = s;
	t.path = calloc(CG_TREE_MAX_DEPTH + 1, sizeof(*t.path));
	t.shown = calloc(s->nt, 1);
	if (t.path == NULL || t.shown == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	/* pass 0: true roots; pass 1: parents only reachable in a cycle */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < s->nt && rc == 0; i++) {
			table_roles(s, s->t[i], &parent, &cchild);
			if (!parent || (pass == 0 && cchild) ||
			    (pass == 1 && t.shown[i]))
				continue;
			if (b->len > 0)
				rc = cg_buf_puts(b, "\n", err);
			if (rc == 0)
				rc = tree_root(b, &t, i, err);
		}
	}
out:
	cg_buf_release(&t.prefix);
	free(t.shown);
	free(t.path);
	return rc;
}

/* --- dot --- */

/* A dot string: escaped, then quotes escaped (backslashes already are). */
static int
dot_str(struct cg_buf *b, const char *s, struct cg_err *err)
{
	struct cg_buf tmp = CG_BUF_INIT;
	size_t i;
	int rc;

	rc = esc(&tmp, s, err);
	rc = rc < 0 ? rc : cg_buf_puts(b, "\"", err);
	for (i = 0; rc == 0 && i < tmp.len; i++)
		rc = tmp.data[i] == '"' ? cg_buf_puts(b, "\\\"", err) :
		    cg_buf_add(b, &tmp.data[i], 1, err);
	if (rc == 0)
		rc = cg_buf_puts(b, "\"", err);
	cg_buf_release(&tmp);
	return rc;
}

static int
write_dot(struct cg_buf *b, const struct sorted *s, struct cg_err *err)
{
	struct cg_buf label = CG_BUF_INIT;
	size_t i;
	int rc;

	rc = cg_buf_puts(b, "digraph cascadeguard {\n\trankdir=LR;\n"
	    "\tnode [shape=box];\n", err);
	for (i = 0; i < s->nt && rc == 0; i++) {
		rc = cg_buf_puts(b, "\t", err);
		if (rc == 0)
			rc = dot_str(b, s->t[i], err);
		if (rc == 0)
			rc = cg_buf_puts(b, ";\n", err);
	}
	for (i = 0; i < s->ne && rc == 0; i++) {
		const struct cg_fk_edge *e = s->e[i];
		int red = e->on_delete == CG_FK_CASCADE;

		label.len = 0;
		rc = cg_buf_printf(&label, err, "%s → ON DELETE %s",
		    e->child_cols, cg_fk_action_name(e->on_delete));
		if (rc == 0)
			rc = cg_buf_puts(b, "\t", err);
		if (rc == 0)
			rc = dot_str(b, e->parent, err);
		if (rc == 0)
			rc = cg_buf_puts(b, " -> ", err);
		if (rc == 0)
			rc = dot_str(b, e->child, err);
		if (rc == 0)
			rc = cg_buf_puts(b, " [label=", err);
		if (rc == 0)
			rc = dot_str(b, label.data, err);
		if (rc == 0)
			rc = cg_buf_puts(b, red ? ", color=red, fontcolor=red"
			    "];\n" : "];\n", err);
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "}\n", err);
	cg_buf_release(&label);
	return rc;
}

/* --- mermaid --- */

/* A mermaid quoted label: escaped, '"' as #quot;, '#' and '|' as entities. */
static int
mermaid_str(struct cg_buf *b, const char *s, struct cg_err *err)
{
	struct cg_buf tmp = CG_BUF_INIT;
	size_t i;
	int rc;

	rc = esc(&tmp, s, err);
	rc = rc < 0 ? rc : cg_buf_puts(b, "\"", err);
	for (i = 0; rc == 0 && i < tmp.len; i++) {
		switch (tmp.data[i]) {
		case '"':
			rc = cg_buf_puts(b, "#quot;", err);
			break;
		case '#':
			rc = cg_buf_puts(b, "#35;", err);
			break;
		case '<':
			rc = cg_buf_puts(b, "#lt;", err);
			break;
		case '>':
			rc = cg_buf_puts(b, "#gt;", err);
			break;
		default:
			rc = cg_buf_add(b, &tmp.data[i], 1, err);
		}
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\"", err);
	cg_buf_release(&tmp);
	return rc;
}

static int
write_mermaid(struct cg_buf *b, const struct sorted *s, struct cg_err *err)
{
	struct cg_buf label = CG_BUF_INIT;
	size_t i;
	int rc;

	rc = cg_buf_puts(b, "flowchart LR\n", err);
	for (i = 0; i < s->nt && rc == 0; i++) {
		rc = cg_buf_printf(b, err, "    t%zu[", i);
		if (rc == 0)
			rc = mermaid_str(b, s->t[i], err);
		if (rc == 0)
			rc = cg_buf_puts(b, "]\n", err);
	}
	for (i = 0; i < s->ne && rc == 0; i++) {
		const struct cg_fk_edge *e = s->e[i];

		label.len = 0;
		rc = cg_buf_printf(&label, err, "%s → ON DELETE %s",
		    e->child_cols, cg_fk_action_name(e->on_delete));
		if (rc == 0)
			rc = cg_buf_printf(b, err, "    t%zu -->|",
			    table_index(s, e->parent));
		if (rc == 0)
			rc = mermaid_str(b, label.data, err);
		if (rc == 0)
			rc = cg_buf_printf(b, err, "| t%zu\n",
			    table_index(s, e->child));
	}
	for (i = 0; i < s->ne && rc == 0; i++)
		if (s->e[i]->on_delete == CG_FK_CASCADE)
			rc = cg_buf_printf(b, err, "    linkStyle %zu "
			    "stroke:red,color:red\n", i);
	cg_buf_release(&label);
	return rc;
}

int
cg_report_parse_graph_format(enum cg_graph_format *out, const char *name,
    struct cg_err *err)
{
	if (strcmp(name, "tree") == 0)
		*out = CG_GRAPH_TREE;
	else if (strcmp(name, "dot") == 0)
		*out = CG_GRAPH_DOT;
	else if (strcmp(name, "mermaid") == 0)
		*out = CG_GRAPH_MERMAID;
	else
		return cg_err_set(err, CG_EUSAGE, "--format takes tree, dot or "
		    "mermaid, not '%s'", name);
	return 0;
}

int
cg_report_graph(struct cg_buf *out, const struct cg_graph *g,
    enum cg_graph_format fmt, struct cg_err *err)
{
	struct sorted s;
	int rc;

	rc = sorted_init(&s, g, err);
	if (rc == 0) {
		switch (fmt) {
		case CG_GRAPH_DOT:
			rc = write_dot(out, &s, err);
			break;
		case CG_GRAPH_MERMAID:
			rc = write_mermaid(out, &s, err);
			break;
		case CG_GRAPH_TREE:
		default:
			rc = write_tree(out, &s, err);
			break;
		}
	}
	sorted_release(&s);
	return rc;
}
