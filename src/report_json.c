/* SPDX-License-Identifier: MIT */
/*
 * The JSON report, schema "cascadeguard-findings/1" (docs/json-schema.md):
 * every finding, suppressed ones included, and a summary.  Built with
 * jansson, keys in a fixed order, so the output is stable byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cascadeguard.h"
#include "err.h"
#include "report.h"
#include "report_json.h"
#include "util.h"
#include "banned.h"

#define CG_JSON_SCHEMA "cascadeguard-findings/1"

json_t *
cg_report_json_str(const char *s)
{
	struct cg_buf b = CG_BUF_INIT;
	json_t *v;

	if (s == NULL)
		return json_null();
	if (cg_utf8_valid(s, strlen(s)))
		return json_string(s);
	if (cg_buf_escape(&b, s, strlen(s), NULL) < 0) {
		cg_buf_release(&b);
		return NULL;
	}
	v = json_string(b.data ? b.data : "");
	cg_buf_release(&b);
	return v;
}

int
cg_report_json_set(json_t *obj, const char *key, json_t *v,
    struct cg_err *err)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return cg_err_nomem(err);
	return 0;
}

int
cg_report_json_dump(FILE *f, const json_t *root, struct cg_err *err)
{
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', f) == EOF)
		return cg_err_set(err, CG_ESYS, "cannot write the report: %s",
		    strerror(errno));
	return 0;
}

/* A position, or null when the finding has none. */
static json_t *
pos(unsigned v)
{
	return v > 0 ? json_integer((json_int_t)v) : json_null();
}

/*
 * The column whose values a finding is about (column-values-lost,
 * column-values-changed, column-overwritten), or null; NULL when out of
 * memory.
 */
static json_t *
values_json(const struct cg_finding *f)
{
	if (f->vtable == NULL || f->vcolumn == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:I}", "table", f->vtable,
	    "column", f->vcolumn, "changed", (json_int_t)f->vchanged,
	    "seeded", (json_int_t)f->vseeded);
}

static int
affected_json(json_t **out, const struct cg_finding *f, struct cg_err *err)
{
	json_t *arr = json_array();
	json_t *o = NULL;
	size_t i;
	int rc = 0;

	if (arr == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < f->naffected; i++) {
		const struct cg_affected *a = &f->affected[i];

		o = json_object();
		if (o == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		rc = cg_report_json_set(o, "table", cg_report_json_str(a->table),
		    err);
		if (rc == 0)
			rc = cg_report_json_set(o, "action",
			    cg_report_json_str(a->action), err);
		if (rc == 0)
			rc = cg_report_json_set(o, "path",
			    cg_report_json_str(a->path), err);
		if (rc == 0)
			rc = cg_report_json_set(o, "depth",
			    json_integer((json_int_t)a->depth), err);
		if (rc == 0)
			rc = cg_report_json_set(o, "loses_rows",
			    json_boolean(a->loses_rows), err);
		/* simulated counts; null when the simulation did not run */
		if (rc == 0)
			rc = cg_report_json_set(o, "rows_lost", a->rows_total ?
			    json_integer((json_int_t)a->rows_lost) : json_null(),
			    err);
		if (rc == 0)
			rc = cg_report_json_set(o, "rows_total", a->rows_total ?
			    json_integer((json_int_t)a->rows_total) :
			    json_null(), err);
		if (rc < 0)
			goto out;
		if (json_array_append_new(arr, o) != 0) {
			o = NULL;
			rc = cg_err_nomem(err);
			goto out;
		}
		o = NULL;
	}
	*out = arr;
	arr = NULL;
out:
	json_decref(o);
	json_decref(arr);
	return rc;
}

static int
finding_json(json_t *arr, const struct cg_finding *f, struct cg_err *err)
{
	json_t *o = json_object();
	json_t *aff = NULL;
	int rc;

	if (o == NULL)
		return cg_err_nomem(err);
	rc = cg_report_json_set(o, "rule",
	    json_string(cg_rule_info(f->rule)->name), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "severity",
		    json_string(cg_severity_name(f->severity)), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "set", cg_report_json_str(f->set),
		    err);
	if (rc == 0)
		rc = cg_report_json_set(o, "file", cg_report_json_str(f->path),
		    err);
	if (rc == 0)
		rc = cg_report_json_set(o, "line", pos(f->line), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "column", pos(f->col), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "end_line", pos(f->end_line), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "statement",
		    cg_report_json_str(f->statement), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "message",
		    cg_report_json_str(f->message), err);
	if (rc == 0)
		rc = affected_json(&aff, f, err);
	if (rc == 0) {
		rc = cg_report_json_set(o, "affected", aff, err);
		aff = NULL;
	}
	if (rc == 0)
		rc = cg_report_json_set(o, "values", values_json(f), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "help", cg_report_json_str(f->help),
		    err);
	if (rc == 0)
		rc = cg_report_json_set(o, "suppressed",
		    json_boolean(f->suppressed), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "suppress_reason",
		    cg_report_json_str(f->suppressed ? f->suppress_reason :
		    NULL), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "commit",
		    cg_report_json_str(f->commit), err);
	if (rc == 0 && json_array_append(arr, o) != 0)
		rc = cg_err_nomem(err);
	json_decref(o);
	return rc;
}

static int
summary_json(json_t **out, const struct cg_findings *fs,
    const struct cg_check_stats *stats, struct cg_err *err)
{
	json_t *o = json_object();
	size_t i, nsup = 0;
	int rc;

	if (o == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].suppressed)
			nsup++;
	rc = cg_report_json_set(o, "errors", json_integer((json_int_t)
	    cg_findings_count(fs, CG_SEV_ERROR)), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "warnings", json_integer((json_int_t)
		    cg_findings_count(fs, CG_SEV_WARNING)), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "notes", json_integer((json_int_t)
		    cg_findings_count(fs, CG_SEV_NOTE)), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "suppressed",
		    json_integer((json_int_t)nsup), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "new_migrations", stats ?
		    json_integer((json_int_t)stats->nnew) : json_null(), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "history_migrations", stats ?
		    json_integer((json_int_t)stats->nhistory) : json_null(),
		    err);
	if (rc == 0)
		rc = cg_report_json_set(o, "target", stats ? json_string(
		    cg_target_name(stats->target)) : json_null(), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "migration_sets", stats ?
		    json_integer((json_int_t)stats->nsets) : json_null(), err);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int
cg_report_write_json(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err)
{
	json_t *root = json_object();
	json_t *arr = NULL, *tool = NULL, *sum = NULL;
	size_t i;
	int rc;

	if (root == NULL)
		return cg_err_nomem(err);
	rc = cg_report_json_set(root, "schema", json_string(CG_JSON_SCHEMA),
	    err);
	if (rc < 0)
		goto out;
	tool = json_object();
	if (tool == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	rc = cg_report_json_set(tool, "name", json_string("cascadeguard"),
	    err);
	if (rc == 0)
		rc = cg_report_json_set(tool, "version",
		    json_string(CG_VERSION), err);
	if (rc == 0)
		rc = cg_report_json_set(root, "tool", json_incref(tool), err);
	if (rc == 0)
		rc = cg_report_json_set(root, "range",
		    cg_report_json_str(opts->range), err);
	if (rc < 0)
		goto out;
	arr = json_array();
	if (arr == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	for (i = 0; i < fs->n; i++) {
		rc = finding_json(arr, &fs->v[i], err);
		if (rc < 0)
			goto out;
	}
	rc = cg_report_json_set(root, "findings", json_incref(arr), err);
	if (rc < 0)
		goto out;
	rc = summary_json(&sum, fs, stats, err);
	if (rc < 0)
		goto out;
	rc = cg_report_json_set(root, "summary", sum, err);
	if (rc < 0)
		goto out;
	rc = cg_report_json_dump(f, root, err);
out:
	json_decref(arr);
	json_decref(tool);
	json_decref(root);
	return rc;
}
