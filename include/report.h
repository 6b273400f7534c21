/* SPDX-License-Identifier: MIT */
/*
 * Printing findings.  One layer over the same findings for every format.
 */
#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stdio.h>

#include "check.h"
#include "finding.h"

struct cg_buf;
struct cg_err;
struct cg_graph;

enum cg_format {
	CG_FMT_TEXT,
	CG_FMT_JSON,		/* cascadeguard-findings/1, docs/json-schema.md */
	CG_FMT_SARIF,		/* SARIF 2.1.0 */
	CG_FMT_GITHUB,		/* GitHub Actions workflow commands */
	CG_FMT_GITLAB		/* GitLab Code Quality report */
};

struct cg_report_opts {
	enum cg_format format;
	int color;		/* 1: ANSI colour (text only) */
	const char *range;	/* shown in the summary; may be NULL */
};

#define CG_REPORT_OPTS_INIT { CG_FMT_TEXT, 0, NULL }

/*
 * Write findings and a closing summary to f.  Paths and statements are
 * escaped (control bytes as \xNN).  Returns 0, or CG_ESYS when writing
 * failed.
 */
int cg_report_write(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err);

/* "text", "json", "sarif", "github" or "gitlab"; else CG_EUSAGE. */
int cg_report_parse_format(enum cg_format *out, const char *name,
    struct cg_err *err);

/* The formats behind cg_report_write; each writes the whole report. */
int cg_report_write_json(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err);
int cg_report_write_sarif(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err);
int cg_report_write_github(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err);
int cg_report_write_gitlab(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err);

/* FNV-1a 64 of rule, path, line and message: a stable fingerprint. */
void cg_report_fingerprint(char out[17], const struct cg_finding *f);

/* `cascadeguard graph` output formats. */
enum cg_graph_format { CG_GRAPH_TREE, CG_GRAPH_DOT, CG_GRAPH_MERMAID };

/* "tree", "dot" or "mermaid"; else CG_EUSAGE. */
int cg_report_parse_graph_format(enum cg_graph_format *out, const char *name,
    struct cg_err *err);

/*
 * Append a picture of g to out (docs/output.md):
 *   tree:    each root (a parent table that is not the CASCADE child of
 *            another table; then any parent left, for cycles) with the
 *            tables that reference it below, expanded through CASCADE
 *            edges, a table already on the path marked "(cycle)";
 *   dot:     a Graphviz digraph, parent -> child, CASCADE edges red;
 *   mermaid: a flowchart LR, CASCADE edges red.
 * Order is deterministic: tables by name, edges by (parent, child, cols).
 * Names are escaped for each format.  Returns 0 or CG_ENOMEM.
 */
int cg_report_graph(struct cg_buf *out, const struct cg_graph *g,
    enum cg_graph_format fmt, struct cg_err *err);

#endif
