/* SPDX-License-Identifier: MIT */
/* The cascade closure on graphs built by hand (no SQLite). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"
#include "graph.h"
#include "helpers/assert.h"

static struct cg_err err = CG_ERR_INIT;

static void
edge(struct cg_graph *g, const char *child, const char *ccols,
    const char *parent, const char *pcols, enum cg_fk_action on_delete)
{
	cg_assert_ok(cg_graph_add_edge(g, child, ccols, parent, pcols,
	    on_delete, CG_FK_NO_ACTION, &err), &err);
}

static const struct cg_reach *
find(const struct cg_reach_list *l, const char *table)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].table, table) == 0)
			return &l->v[i];
	return NULL;
}

static const struct cg_reach *
must_find(const struct cg_reach_list *l, const char *table)
{
	const struct cg_reach *r = find(l, table);

	cr_assert(r != NULL, "%s not reached", table);
	return r;
}

Test(graph, add_edge_copies_strings_and_release_empties)
{
	struct cg_graph g = CG_GRAPH_INIT;
	char child[] = "tasks";

	edge(&g, child, "project_id", "projects", "id", CG_FK_CASCADE);
	child[0] = 'X';
	cr_assert_eq(g.nedges, 1);
	cr_assert_str_eq(g.edges[0].child, "tasks");
	cr_assert_eq(g.edges[0].on_delete, CG_FK_CASCADE);
	cr_assert_eq(g.edges[0].on_update, CG_FK_NO_ACTION);
	cg_graph_release(&g);
	cr_assert_eq(g.nedges, 0);
	cr_assert_null(g.edges);
	cg_graph_release(&g);
	cg_graph_release(NULL);
}

Test(graph, action_names)
{
	cr_assert_str_eq(cg_fk_action_name(CG_FK_CASCADE), "CASCADE");
	cr_assert_str_eq(cg_fk_action_name(CG_FK_SET_NULL), "SET NULL");
	cr_assert_str_eq(cg_fk_action_name(CG_FK_SET_DEFAULT), "SET DEFAULT");
	cr_assert_str_eq(cg_fk_action_name(CG_FK_RESTRICT), "RESTRICT");
	cr_assert_str_eq(cg_fk_action_name(CG_FK_NO_ACTION), "NO ACTION");
}

Test(graph, chain_reaches_every_cascade_descendant_with_depths)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "c", "b_id", "b", "id", CG_FK_CASCADE);
	edge(&g, "d", "c_id", "c", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "a", &err), &err);
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(l.v[0].table, "b");
	cr_assert_eq(l.v[0].depth, 1);
	cr_assert_str_eq(l.v[1].table, "c");
	cr_assert_eq(l.v[1].depth, 2);
	cr_assert_str_eq(l.v[2].table, "d");
	cr_assert_eq(l.v[2].depth, 3);
	cr_assert_eq(l.v[2].action, CG_FK_CASCADE);
	cr_assert_str_eq(l.v[2].path, "d.c_id -> c.id -> b.id -> a.id");

	/* From the middle, only what is below it. */
	cg_reach_list_release(&l);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "c", &err), &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0].table, "d");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, direct_and_grandchild_paths_are_exact)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "task_logs", "task_id", "tasks", "id", CG_FK_CASCADE);
	edge(&g, "tasks", "project_id", "projects", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "projects", &err), &err);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(must_find(&l, "tasks")->path,
	    "tasks.project_id -> projects.id");
	cr_assert_str_eq(must_find(&l, "task_logs")->path,
	    "task_logs.task_id -> tasks.id -> projects.id");
	cr_assert_eq(must_find(&l, "task_logs")->depth, 2);
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, diamond_lists_the_shared_table_once_by_shortest_path)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;
	const struct cg_reach *r;

	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "c", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "d", "b_id", "b", "id", CG_FK_CASCADE);
	edge(&g, "d", "c_id", "c", "id", CG_FK_CASCADE);
	edge(&g, "e", "d_id", "d", "id", CG_FK_CASCADE);
	/* A longer route to d must not replace the first one. */
	edge(&g, "d", "e_id", "e", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "a", &err), &err);
	cr_assert_eq(l.n, 4);
	r = must_find(&l, "d");
	cr_assert_eq(r->depth, 2);
	cr_assert_str_eq(r->path, "d.b_id -> b.id -> a.id");
	cr_assert_str_eq(must_find(&l, "e")->path,
	    "e.d_id -> d.id -> b.id -> a.id");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, shortest_path_wins_over_edge_order)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	/* The deep route's edges come first; breadth-first still wins. */
	edge(&g, "x", "b_id", "b", "id", CG_FK_CASCADE);
	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "x", "a_id", "a", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "a", &err), &err);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(must_find(&l, "x")->depth, 1);
	cr_assert_str_eq(must_find(&l, "x")->path, "x.a_id -> a.id");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, self_reference_terminates_and_root_is_never_listed)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "nodes", "parent_id", "nodes", "id", CG_FK_CASCADE);
	edge(&g, "leaves", "node_id", "nodes", "id", CG_FK_CASCADE);
	edge(&g, "leaves", "next_id", "leaves", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "nodes", &err), &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0].table, "leaves");
	cr_assert_null(find(&l, "nodes"));
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, cycle_terminates_without_listing_the_root)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "c", "b_id", "b", "id", CG_FK_CASCADE);
	edge(&g, "a", "c_id", "c", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "a", &err), &err);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.v[0].table, "b");
	cr_assert_str_eq(l.v[1].table, "c");
	cr_assert_null(find(&l, "a"));
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, set_null_and_set_default_are_listed_but_not_followed)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;
	const struct cg_reach *r;

	edge(&g, "posts", "author_id", "users", "id", CG_FK_SET_NULL);
	edge(&g, "comments", "post_id", "posts", "id", CG_FK_CASCADE);
	edge(&g, "badges", "user_id", "users", "id", CG_FK_SET_DEFAULT);
	edge(&g, "audit", "user_id", "users", "id", CG_FK_RESTRICT);
	edge(&g, "notes", "user_id", "users", "id", CG_FK_NO_ACTION);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "users", &err), &err);
	cr_assert_eq(l.n, 2);
	r = must_find(&l, "posts");
	cr_assert_eq(r->action, CG_FK_SET_NULL);
	cr_assert_str_eq(r->path, "posts.author_id -> users.id");
	cr_assert_eq(must_find(&l, "badges")->action, CG_FK_SET_DEFAULT);
	cr_assert_null(find(&l, "comments"));
	cr_assert_null(find(&l, "audit"));
	cr_assert_null(find(&l, "notes"));
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, cascade_reach_dominates_an_earlier_set_null_reach)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;
	const struct cg_reach *r;

	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	edge(&g, "c", "a_id", "a", "id", CG_FK_SET_NULL);
	edge(&g, "c", "b_id", "b", "id", CG_FK_CASCADE);
	edge(&g, "d", "c_id", "c", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "a", &err), &err);
	cr_assert_eq(l.n, 3);
	r = must_find(&l, "c");
	cr_assert_eq(r->action, CG_FK_CASCADE);
	cr_assert_eq(r->depth, 2);
	cr_assert_str_eq(r->path, "c.b_id -> b.id -> a.id");
	/* c now loses rows, so its own children are visited. */
	cr_assert_str_eq(must_find(&l, "d")->path,
	    "d.c_id -> c.id -> b.id -> a.id");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, composite_keys_are_parenthesised_in_paths)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "t", "a, b", "p", "x, y", CG_FK_CASCADE);
	edge(&g, "u", "t_a, t_b", "t", "a, b", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "p", &err), &err);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(must_find(&l, "t")->path, "t.(a, b) -> p.(x, y)");
	cr_assert_str_eq(must_find(&l, "u")->path,
	    "u.(t_a, t_b) -> t.(a, b) -> p.(x, y)");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, parent_names_compare_case_insensitively)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	edge(&g, "Tasks", "project_id", "PROJECTS", "id", CG_FK_CASCADE);
	edge(&g, "logs", "task_id", "tasks", "id", CG_FK_CASCADE);
	edge(&g, "projects", "self_id", "Projects", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "Projects", &err), &err);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.v[0].table, "Tasks");
	cr_assert_str_eq(l.v[0].path, "Tasks.project_id -> PROJECTS.id");
	cr_assert_str_eq(l.v[1].table, "logs");
	cr_assert_str_eq(l.v[1].path,
	    "logs.task_id -> tasks.id -> PROJECTS.id");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}

Test(graph, no_children_gives_an_empty_list)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	cg_assert_ok(cg_graph_delete_closure(&l, &g, "lonely", &err), &err);
	cr_assert_eq(l.n, 0);
	edge(&g, "b", "a_id", "a", "id", CG_FK_CASCADE);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "b", &err), &err);
	cr_assert_eq(l.n, 0);
	cg_reach_list_release(&l);
	cg_reach_list_release(NULL);
	cg_graph_release(&g);
}

Test(graph, wide_graph_grows_the_list)
{
	struct cg_graph g = CG_GRAPH_INIT;
	struct cg_reach_list l = CG_REACH_LIST_INIT;
	char name[32];
	int i;

	for (i = 0; i < 100; i++) {
		(void)snprintf(name, sizeof(name), "child_%03d", i);
		edge(&g, name, "root_id", "root", "id", CG_FK_CASCADE);
		edge(&g, "leaf", "c_id", name, "id", CG_FK_CASCADE);
	}
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "root", &err), &err);
	cr_assert_eq(l.n, 101);
	cr_assert_str_eq(l.v[100].table, "leaf");
	cr_assert_str_eq(l.v[100].path,
	    "leaf.c_id -> child_000.id -> root.id");
	cg_reach_list_release(&l);
	cg_graph_release(&g);
}
