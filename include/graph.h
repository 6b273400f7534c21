/* SPDX-License-Identifier: MIT */
/*
 * The cascade graph: foreign-key edges read from the live schema, and
 * which tables a delete reaches, transitively, with the path of each.
 * Only cg_graph_load touches SQLite, so tests can build graphs by hand.
 */
#ifndef CG_GRAPH_H
#define CG_GRAPH_H

#include <stddef.h>

struct cg_err;
struct cg_sandbox;

enum cg_fk_action {
	CG_FK_NO_ACTION,
	CG_FK_RESTRICT,
	CG_FK_SET_NULL,
	CG_FK_SET_DEFAULT,
	CG_FK_CASCADE
};

/* One foreign key (all its columns), child -> parent. */
struct cg_fk_edge {
	char *child;		/* owned: table that holds the key */
	char *child_cols;	/* owned: "project_id" or "a, b" */
	char *parent;		/* owned: referenced table, as the live schema names it */
	char *parent_cols;	/* owned: "id"; the parent's primary key when omitted */
	enum cg_fk_action on_delete;
	enum cg_fk_action on_update;
};

struct cg_graph {
	struct cg_fk_edge *edges;
	size_t nedges;
	size_t cap;
};

#define CG_GRAPH_INIT { NULL, 0, 0 }

int cg_graph_add_edge(struct cg_graph *g, const char *child,
    const char *child_cols, const char *parent, const char *parent_cols,
    enum cg_fk_action on_delete, enum cg_fk_action on_update,
    struct cg_err *err);
void cg_graph_release(struct cg_graph *g);

/*
 * Replace g's edges with every foreign key of every table in sb's main
 * schema (PRAGMA foreign_key_list).  Table names compare as SQLite
 * compares them (ASCII case-insensitive); parent names are those of the
 * live table when it exists.
 */
int cg_graph_load(struct cg_graph *g, struct cg_sandbox *sb,
    struct cg_err *err);

const char *cg_fk_action_name(enum cg_fk_action a);

/* A table reached when rows of the root table are deleted. */
struct cg_reach {
	char *table;			/* owned */
	enum cg_fk_action action;	/* CASCADE: loses rows; SET NULL/DEFAULT: changed */
	char *path;			/* owned: "task_logs.task_id -> tasks.id -> projects.id" */
	unsigned depth;			/* 1 for a direct child */
};

struct cg_reach_list {
	struct cg_reach *v;
	size_t n;
	size_t cap;
};

#define CG_REACH_LIST_INIT { NULL, 0, 0 }

/*
 * Breadth-first from root over edges whose on_delete is CASCADE (the
 * child loses rows, and its own children are visited) or SET NULL / SET
 * DEFAULT (the child's rows change; not followed further).  Each table
 * appears once, by its shortest path (ties: edge order).  The root is
 * never listed, even through a self-reference.  Cycles terminate.
 */
int cg_graph_delete_closure(struct cg_reach_list *out,
    const struct cg_graph *g, const char *root, struct cg_err *err);
void cg_reach_list_release(struct cg_reach_list *l);

#endif
