/* SPDX-License-Identifier: MIT */
/*
 * The SARIF 2.1.0 report, for GitHub code scanning and other SARIF
 * viewers: one run, every rule in the driver (ruleIndex is the rule's
 * number), every finding as a result; suppressed findings carry an
 * inSource suppression with its justification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cascadeguard.h"
#include "err.h"
#include "explain.h"
#include "report.h"
#include "report_json.h"
#include "util.h"
#include "banned.h"

#define CG_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define CG_INFORMATION_URI "https://github.com/cascadeguard/cascadeguard"

static const char *
level(enum cg_severity sev)
{
	if (sev == CG_SEV_ERROR)
		return "error";
	if (sev == CG_SEV_WARNING)
		return "warning";
	return "note";
}

/* {"text": s} */
static json_t *
text_obj(const char *s)
{
	json_t *o = json_object();

	if (o != NULL && json_object_set_new(o, "text",
	    cg_report_json_str(s)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * A repository path as a relative URI reference: bytes other than
 * unreserved characters and '/' are percent-encoded (RFC 3986), so a
 * space or a non-ASCII name stays a valid URI.
 */
static json_t *
path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct cg_buf b = CG_BUF_INIT;
	const unsigned char *p;
	char enc[3];
	json_t *v = NULL;
	int rc = 0;

	for (p = (const unsigned char *)path; *p != '\0' && rc == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL) {
			rc = cg_buf_add(&b, (const char *)p, 1, NULL);
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[*p >> 4];
		enc[2] = hex[*p & 15];
		rc = cg_buf_add(&b, enc, 3, NULL);
	}
	if (rc == 0)
		v = json_string(b.data ? b.data : "");
	cg_buf_release(&b);
	return v;
}

static int
rule_json(json_t *rules, enum cg_rule rule, struct cg_err *err)
{
	const struct cg_rule_info *ri = cg_rule_info(rule);
	const struct cg_explain *ex = cg_explain_get(rule);
	json_t *o = json_object();
	json_t *conf = NULL;
	char *help = NULL;
	int rc;

	if (o == NULL)
		return cg_err_nomem(err);
	help = cg_explain_text(rule);
	rc = cg_report_json_set(o, "id", json_string(ri->name), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "name", json_string(ri->name), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "shortDescription",
		    text_obj(ri->summary), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "fullDescription",
		    text_obj(ex ? ex->catches : ri->summary), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "help",
		    text_obj(help ? help : ri->summary), err);
	if (rc == 0) {
		conf = json_object();
		rc = cg_report_json_set(o, "defaultConfiguration", conf, err);
	}
	if (rc == 0)
		rc = cg_report_json_set(conf, "level",
		    json_string(level(ri->severity)), err);
	if (rc == 0 && json_array_append(rules, o) != 0)
		rc = cg_err_nomem(err);
	free(help);
	json_decref(o);
	return rc;
}

static int
location_json(json_t *res, const struct cg_finding *f, struct cg_err *err)
{
	json_t *locs = NULL, *loc = NULL, *phys = NULL, *art = NULL;
	json_t *reg = NULL;
	int rc;

	locs = json_array();
	loc = json_object();
	phys = json_object();
	art = json_object();
	if (locs == NULL || loc == NULL || phys == NULL || art == NULL) {
		json_decref(locs);
		json_decref(loc);
		json_decref(phys);
		json_decref(art);
		return cg_err_nomem(err);
	}
	rc = cg_report_json_set(res, "locations", locs, err);
	if (rc == 0 && json_array_append_new(locs, loc) != 0)
		rc = cg_err_nomem(err);
	if (rc == 0)
		rc = cg_report_json_set(loc, "physicalLocation", phys, err);
	else
		json_decref(phys);
	if (rc == 0)
		rc = cg_report_json_set(phys, "artifactLocation", art, err);
	else
		json_decref(art);
	if (rc == 0)
		rc = cg_report_json_set(art, "uri", path_uri(f->path), err);
	if (rc < 0 || f->line == 0)
		return rc;
	/* A finding without a line has no region: the whole file. */
	reg = json_object();
	rc = cg_report_json_set(phys, "region", reg, err);
	if (rc == 0)
		rc = cg_report_json_set(reg, "startLine",
		    json_integer((json_int_t)f->line), err);
	if (rc == 0 && f->col > 0)
		rc = cg_report_json_set(reg, "startColumn",
		    json_integer((json_int_t)f->col), err);
	if (rc == 0 && f->end_line >= f->line)
		rc = cg_report_json_set(reg, "endLine",
		    json_integer((json_int_t)f->end_line), err);
	return rc;
}

/* The result message: the finding, then the affected tables and the help. */
static char *
message_text(const struct cg_finding *f)
{
	struct cg_buf b = CG_BUF_INIT;
	size_t i;
	int rc;

	rc = cg_buf_puts(&b, f->message, NULL);
	for (i = 0; i < f->naffected && rc == 0; i++)
		rc = cg_buf_printf(&b, NULL, "%s%s (%s: %s)",
		    i == 0 ? "\nTables affected: " : ", ",
		    f->affected[i].table, f->affected[i].loses_rows ?
		    "loses rows" : "rows change", f->affected[i].path);
	if (rc == 0 && f->help != NULL)
		rc = cg_buf_printf(&b, NULL, "\nHelp: %s", f->help);
	if (rc < 0) {
		cg_buf_release(&b);
		return NULL;
	}
	return cg_buf_detach(&b);
}

static int
result_json(json_t *results, const struct cg_finding *f, struct cg_err *err)
{
	json_t *o = json_object();
	json_t *fp = NULL, *sups = NULL, *sup = NULL;
	char fingerprint[17];
	char *msg = NULL;
	int rc;

	if (o == NULL)
		return cg_err_nomem(err);
	msg = message_text(f);
	if (msg == NULL) {
		rc = cg_err_nomem(err);
		goto out;
	}
	rc = cg_report_json_set(o, "ruleId",
	    json_string(cg_rule_info(f->rule)->name), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "ruleIndex",
		    json_integer((json_int_t)f->rule), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "level",
		    json_string(level(f->severity)), err);
	if (rc == 0)
		rc = cg_report_json_set(o, "message", text_obj(msg), err);
	if (rc == 0 && f->path != NULL)
		rc = location_json(o, f, err);
	if (rc < 0)
		goto out;
	cg_report_fingerprint(fingerprint, f);
	fp = json_object();
	rc = cg_report_json_set(o, "partialFingerprints", fp, err);
	if (rc == 0)
		rc = cg_report_json_set(fp, "cascadeguard/v1",
		    json_string(fingerprint), err);
	if (rc == 0 && f->suppressed) {
		sups = json_array();
		rc = cg_report_json_set(o, "suppressions", sups, err);
		if (rc == 0) {
			sup = json_object();
			if (sup == NULL || json_array_append_new(sups, sup) != 0)
				rc = cg_err_nomem(err);
		}
		if (rc == 0)
			rc = cg_report_json_set(sup, "kind",
			    json_string("inSource"), err);
		if (rc == 0)
			rc = cg_report_json_set(sup, "justification",
			    cg_report_json_str(f->suppress_reason ?
			    f->suppress_reason : ""), err);
	}
	if (rc == 0 && json_array_append(results, o) != 0)
		rc = cg_err_nomem(err);
out:
	free(msg);
	json_decref(o);
	return rc;
}

int
cg_report_write_sarif(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err)
{
	json_t *root = json_object();
	json_t *runs = NULL, *run = NULL, *tool = NULL, *driver = NULL;
	json_t *rules = NULL, *results = NULL;
	size_t i;
	int rc;

	(void)stats;
	(void)opts;
	if (root == NULL)
		return cg_err_nomem(err);
	rc = cg_report_json_set(root, "$schema", json_string(CG_SARIF_SCHEMA),
	    err);
	if (rc == 0)
		rc = cg_report_json_set(root, "version", json_string("2.1.0"),
		    err);
	if (rc == 0) {
		runs = json_array();
		rc = cg_report_json_set(root, "runs", runs, err);
	}
	if (rc == 0) {
		run = json_object();
		if (run == NULL || json_array_append_new(runs, run) != 0)
			rc = cg_err_nomem(err);
	}
	if (rc == 0) {
		tool = json_object();
		rc = cg_report_json_set(run, "tool", tool, err);
	}
	if (rc == 0) {
		driver = json_object();
		rc = cg_report_json_set(tool, "driver", driver, err);
	}
	if (rc == 0)
		rc = cg_report_json_set(driver, "name",
		    json_string("cascadeguard"), err);
	if (rc == 0)
		rc = cg_report_json_set(driver, "version",
		    json_string(CG_VERSION), err);
	if (rc == 0)
		rc = cg_report_json_set(driver, "semanticVersion",
		    json_string(CG_VERSION), err);
	if (rc == 0)
		rc = cg_report_json_set(driver, "informationUri",
		    json_string(CG_INFORMATION_URI), err);
	if (rc == 0) {
		rules = json_array();
		rc = cg_report_json_set(driver, "rules", rules, err);
	}
	for (i = 0; i < CG_RULE__COUNT && rc == 0; i++)
		rc = rule_json(rules, (enum cg_rule)i, err);
	if (rc == 0) {
		results = json_array();
		rc = cg_report_json_set(run, "results", results, err);
	}
	for (i = 0; i < fs->n && rc == 0; i++)
		rc = result_json(results, &fs->v[i], err);
	if (rc == 0)
		rc = cg_report_json_dump(f, root, err);
	json_decref(root);
	return rc;
}
