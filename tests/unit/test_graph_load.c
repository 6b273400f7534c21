/* SPDX-License-Identifier: MIT */
/*
 * cg_graph_load on real schemas in a sandbox.  Kept apart from
 * test_graph.c so the pure closure tests build without sandbox.c.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"
#include "graph.h"
#include "helpers/assert.h"

/*
 * Built while sandbox.c was being written: until it exists, this file
 * holds one skipped test and references nothing of the sandbox.
 */
#ifndef CG_HAVE_SANDBOX
#if __has_include("../../src/sandbox.c")
#define CG_HAVE_SANDBOX 1
#else
#define CG_HAVE_SANDBOX 0
#endif
#endif

#if CG_HAVE_SANDBOX

#include <sqlite3.h>

#include "sandbox.h"
#include "../../src/sandbox_db.h"

static struct cg_err err = CG_ERR_INIT;
static struct cg_sandbox *sb;
static struct cg_graph g = CG_GRAPH_INIT;

static void
exec(const char *sql)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(cg_sandbox_db(sb), sql, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static void
setup(void)
{
	struct cg_sandbox_opts opts = CG_SANDBOX_OPTS_INIT;

	cg_assert_ok(cg_sandbox_open(&sb, &opts, &err), &err);
	exec("PRAGMA foreign_keys = ON");
}

static void
teardown(void)
{
	cg_graph_release(&g);
	cg_sandbox_free(sb);
	sb = NULL;
}

static void
load(void)
{
	cg_assert_ok(cg_graph_load(&g, sb, &err), &err);
}

/* The only edge whose child is `child`. */
static const struct cg_fk_edge *
edge_of(const char *child)
{
	const struct cg_fk_edge *found = NULL;
	size_t i;

	for (i = 0; i < g.nedges; i++) {
		if (strcmp(g.edges[i].child, child) != 0)
			continue;
		cr_assert_null(found, "%s has more than one edge", child);
		found = &g.edges[i];
	}
	cr_assert_not_null(found, "no edge from %s", child);
	return found;
}

static void
assert_edge(const struct cg_fk_edge *e, const char *child_cols,
    const char *parent, const char *parent_cols, enum cg_fk_action del,
    enum cg_fk_action upd)
{
	cr_assert_str_eq(e->child_cols, child_cols);
	cr_assert_str_eq(e->parent, parent);
	cr_assert_str_eq(e->parent_cols, parent_cols);
	cr_assert_eq(e->on_delete, del, "%s on_delete %s", e->child,
	    cg_fk_action_name(e->on_delete));
	cr_assert_eq(e->on_update, upd, "%s on_update %s", e->child,
	    cg_fk_action_name(e->on_update));
}

TestSuite(graph_load, .init = setup, .fini = teardown);

Test(graph_load, empty_schema_has_no_edges)
{
	load();
	cr_assert_eq(g.nedges, 0);
	exec("CREATE TABLE lonely(id INTEGER PRIMARY KEY)");
	load();
	cr_assert_eq(g.nedges, 0);
}

Test(graph_load, column_references_and_every_action)
{
	exec("CREATE TABLE projects(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE tasks(id INTEGER PRIMARY KEY,"
	    " project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE);"
	    "CREATE TABLE a(p INTEGER REFERENCES projects(id)"
	    " ON DELETE SET NULL ON UPDATE CASCADE);"
	    "CREATE TABLE b(p INTEGER DEFAULT 0 REFERENCES projects(id)"
	    " ON DELETE SET DEFAULT ON UPDATE SET NULL);"
	    "CREATE TABLE c(p INTEGER REFERENCES projects(id)"
	    " ON DELETE RESTRICT ON UPDATE RESTRICT);"
	    "CREATE TABLE d(p INTEGER REFERENCES projects(id));");
	load();
	cr_assert_eq(g.nedges, 5);
	assert_edge(edge_of("tasks"), "project_id", "projects", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	assert_edge(edge_of("a"), "p", "projects", "id", CG_FK_SET_NULL,
	    CG_FK_CASCADE);
	assert_edge(edge_of("b"), "p", "projects", "id", CG_FK_SET_DEFAULT,
	    CG_FK_SET_NULL);
	assert_edge(edge_of("c"), "p", "projects", "id", CG_FK_RESTRICT,
	    CG_FK_RESTRICT);
	assert_edge(edge_of("d"), "p", "projects", "id", CG_FK_NO_ACTION,
	    CG_FK_NO_ACTION);
}

Test(graph_load, rename_of_the_parent_updates_its_children)
{
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	exec("CREATE TABLE projects(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE tasks(id INTEGER PRIMARY KEY, project_id INTEGER"
	    " REFERENCES projects(id) ON DELETE CASCADE);"
	    "ALTER TABLE projects RENAME TO Workspaces;");
	load();
	assert_edge(edge_of("tasks"), "project_id", "Workspaces", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "workspaces", &err),
	    &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0].path, "tasks.project_id -> Workspaces.id");
	cg_reach_list_release(&l);

	/* Renaming the child keeps its key. */
	exec("ALTER TABLE tasks RENAME TO jobs");
	load();
	assert_edge(edge_of("jobs"), "project_id", "Workspaces", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
}

Test(graph_load, quoted_and_mixed_case_parents_resolve_to_the_live_name)
{
	exec("CREATE TABLE \"Orders\"(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE \"Order Items\"(id INTEGER PRIMARY KEY,"
	    " \"Order Id\" INTEGER REFERENCES \"ORDERS\"(id)"
	    " ON DELETE CASCADE);"
	    "CREATE TABLE notes(o INTEGER REFERENCES [orders](ID)"
	    " ON DELETE CASCADE);"
	    "CREATE TABLE tags(o INTEGER REFERENCES `oRdErS`"
	    " ON DELETE CASCADE);");
	load();
	cr_assert_eq(g.nedges, 3);
	assert_edge(edge_of("Order Items"), "Order Id", "Orders", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	/* The declared column is kept as written. */
	assert_edge(edge_of("notes"), "o", "Orders", "ID", CG_FK_CASCADE,
	    CG_FK_NO_ACTION);
	assert_edge(edge_of("tags"), "o", "Orders", "id", CG_FK_CASCADE,
	    CG_FK_NO_ACTION);
}

Test(graph_load, table_constraints_and_composite_keys)
{
	exec("CREATE TABLE p(x TEXT, y TEXT, PRIMARY KEY(x, y));"
	    "CREATE TABLE c(a TEXT, b TEXT, n INTEGER,"
	    " FOREIGN KEY(a, b) REFERENCES p(x, y)"
	    " ON DELETE CASCADE ON UPDATE CASCADE);");
	load();
	cr_assert_eq(g.nedges, 1);
	assert_edge(edge_of("c"), "a, b", "p", "x, y", CG_FK_CASCADE,
	    CG_FK_CASCADE);
}

Test(graph_load, several_keys_of_one_table_are_separate_edges)
{
	size_t i, nusers = 0, nteams = 0;

	exec("CREATE TABLE users(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE teams(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE members(user_id INTEGER, team_id INTEGER,"
	    " FOREIGN KEY(user_id) REFERENCES users(id) ON DELETE CASCADE,"
	    " FOREIGN KEY(team_id) REFERENCES teams(id) ON DELETE SET NULL);");
	load();
	cr_assert_eq(g.nedges, 2);
	for (i = 0; i < g.nedges; i++) {
		cr_assert_str_eq(g.edges[i].child, "members");
		if (strcmp(g.edges[i].parent, "users") == 0) {
			nusers++;
			assert_edge(&g.edges[i], "user_id", "users", "id",
			    CG_FK_CASCADE, CG_FK_NO_ACTION);
		} else {
			nteams++;
			assert_edge(&g.edges[i], "team_id", "teams", "id",
			    CG_FK_SET_NULL, CG_FK_NO_ACTION);
		}
	}
	cr_assert_eq(nusers, 1);
	cr_assert_eq(nteams, 1);
}

Test(graph_load, omitted_parent_columns_are_the_primary_key_in_key_order)
{
	exec("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);"
	    "CREATE TABLE pairs(x TEXT, y TEXT, PRIMARY KEY(y, x))"
	    " WITHOUT ROWID;"
	    "CREATE TABLE plain(name TEXT);"
	    "CREATE TABLE a(u INTEGER REFERENCES users ON DELETE CASCADE);"
	    "CREATE TABLE b(q TEXT, r TEXT, FOREIGN KEY(q, r)"
	    " REFERENCES pairs ON DELETE CASCADE);"
	    "CREATE TABLE c(p INTEGER REFERENCES plain ON DELETE CASCADE);");
	load();
	cr_assert_eq(g.nedges, 3);
	assert_edge(edge_of("a"), "u", "users", "id", CG_FK_CASCADE,
	    CG_FK_NO_ACTION);
	assert_edge(edge_of("b"), "q, r", "pairs", "y, x", CG_FK_CASCADE,
	    CG_FK_NO_ACTION);
	assert_edge(edge_of("c"), "p", "plain", "rowid", CG_FK_CASCADE,
	    CG_FK_NO_ACTION);
}

Test(graph_load, self_reference)
{
	struct cg_reach_list l = CG_REACH_LIST_INIT;

	exec("CREATE TABLE nodes(id INTEGER PRIMARY KEY,"
	    " parent_id INTEGER REFERENCES nodes ON DELETE CASCADE);");
	load();
	assert_edge(edge_of("nodes"), "parent_id", "nodes", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "nodes", &err), &err);
	cr_assert_eq(l.n, 0);
	cg_reach_list_release(&l);
}

Test(graph_load, rebuild_leaves_dangling_references_between_drop_and_rename)
{
	exec("CREATE TABLE projects(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE tasks(project_id INTEGER REFERENCES projects(id)"
	    " ON DELETE CASCADE);"
	    "CREATE TABLE notes(project_id INTEGER REFERENCES Projects"
	    " ON DELETE CASCADE);"
	    "CREATE TABLE projects_new(id INTEGER PRIMARY KEY, name TEXT);"
	    "INSERT INTO projects_new(id) SELECT id FROM projects;"
	    "DROP TABLE projects;");
	load();
	/* The declared name is kept; an omitted key cannot be read. */
	assert_edge(edge_of("tasks"), "project_id", "projects", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	assert_edge(edge_of("notes"), "project_id", "Projects", "?",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);

	exec("ALTER TABLE projects_new RENAME TO projects");
	load();
	assert_edge(edge_of("tasks"), "project_id", "projects", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
	assert_edge(edge_of("notes"), "project_id", "projects", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION);
}

Test(graph_load, load_replaces_previous_edges)
{
	cg_assert_ok(cg_graph_add_edge(&g, "stale", "x", "gone", "id",
	    CG_FK_CASCADE, CG_FK_NO_ACTION, &err), &err);
	exec("CREATE TABLE p(id INTEGER PRIMARY KEY);"
	    "CREATE TABLE c(p INTEGER REFERENCES p(id));"
	    "CREATE VIEW v AS SELECT * FROM c;");
	load();
	cr_assert_eq(g.nedges, 1);
	cr_assert_str_eq(g.edges[0].child, "c");
}

Test(graph_load, incident_schema_reaches_nine_tables)
{
	struct cg_reach_list l = CG_REACH_LIST_INIT;
	char sql[256];
	size_t i;
	int k;

	exec("CREATE TABLE projects(id TEXT PRIMARY KEY, name TEXT)");
	for (k = 1; k <= 8; k++) {
		(void)snprintf(sql, sizeof(sql), "CREATE TABLE child_%d(id "
		    "INTEGER PRIMARY KEY, project_id TEXT NOT NULL REFERENCES "
		    "projects(id) ON DELETE CASCADE)", k);
		exec(sql);
	}
	exec("CREATE TABLE child_1_logs(child_id INTEGER REFERENCES child_1"
	    " ON DELETE CASCADE);");
	load();
	cr_assert_eq(g.nedges, 9);
	cg_assert_ok(cg_graph_delete_closure(&l, &g, "projects", &err), &err);
	cr_assert_eq(l.n, 9);
	for (i = 0; i < l.n; i++)
		cr_assert_eq(l.v[i].action, CG_FK_CASCADE);
	cr_assert_str_eq(l.v[8].table, "child_1_logs");
	cr_assert_str_eq(l.v[8].path,
	    "child_1_logs.child_id -> child_1.id -> projects.id");
	cg_reach_list_release(&l);
}

#else

Test(graph_load, needs_sandbox)
{
	cr_skip_test("src/sandbox.c does not exist yet");
}

#endif
