/* SPDX-License-Identifier: MIT */
/*
 * The GitLab Code Quality report: a JSON array of issues with
 * description, check_name, fingerprint, severity and location, which
 * GitLab shows in the merge request.  Suppressed findings are kept, with
 * severity "info" and "(suppressed: reason)" in the description.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "report.h"
#include "report_json.h"
#include "util.h"
#include "banned.h"

static const char *
severity(const struct cg_finding *f)
{
	if (f->suppressed)
		return "info";
	switch (f->severity) {
	case CG_SEV_ERROR:
		/* a rule that destroys rows blocks the merge */
		return f->rule == CG_RULE_CASCADE_DROP ||
		    f->rule == CG_RULE_CASCADE_DELETE ||
		    f->rule == CG_RULE_DATA_LOSS ? "blocker" : "major";
	case CG_SEV_WARNING:
		return "minor";
	case CG_SEV_NOTE:
		return "info";
	}
	return "info";
}

static int
issue_json(json_t *arr, const struct cg_finding *f, struct cg_err *err)
{
	struct cg_buf desc = CG_BUF_INIT;
	json_t *o = json_object();
	json_t *loc = NULL, *lines = NULL;
	char fingerprint[17];
	int rc;

	if (o == NULL)
		return cg_err_nomem(err);
	rc = cg_buf_puts(&desc, f->message, err);
	if (rc == 0 && f->suppressed)
		rc = cg_buf_printf(&desc, err, " (suppressed: %s)",
		    f->suppress_reason ? f->suppress_reason : "");
	cg_report_fingerprint(fingerprint, f);
	if (rc == 0)
		rc = cg_report_json_set(o, "description",
		    cg_report_json_str(desc.data), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "check_name",
		    json_string(cg_rule_info(f->rule)->name), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "fingerprint",
		    json_string(fingerprint), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "severity",
		    json_string(severity(f)), err);
	if (rc == 0) {
		loc = json_object();
		rc = cg_report_json_set(o, "location", loc, err);
	}
	if (rc == 0)
		rc = cg_report_json_set(loc, "path",
		    cg_report_json_str(f->path ? f->path : ".cascadeguard"),
		    err);
	if (rc == 0) {
		lines = json_object();
		rc = cg_report_json_set(loc, "lines", lines, err);
	}
	if (rc == 0)
		rc = cg_report_json_set(lines, "begin",
		    json_integer((json_int_t)(f->line > 0 ? f->line : 1)), err);
	if (rc == 0 && json_array_append(arr, o) != 0)
		rc = cg_err_nomem(err);
	cg_buf_release(&desc);
	json_decref(o);
	return rc;
}

int
cg_report_write_gitlab(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err)
{
	json_t *arr = json_array();
	size_t i;
	int rc = 0;

	(void)stats;
	(void)opts;
	if (arr == NULL)
		return cg_err_nomem(err);
	for (i = 0; i < fs->n && rc == 0; i++)
		rc = issue_json(arr, &fs->v[i], err);
	if (rc == 0)
		rc = cg_report_json_dump(f, arr, err);
	json_decref(arr);
	return rc;
}
