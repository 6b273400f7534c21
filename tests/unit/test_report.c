/* SPDX-License-Identifier: MIT */
/*
 * The report formats on findings built by hand: a structural SARIF 2.1.0
 * validation (every property we emit checked against the spec's
 * required properties, value types and enums, since the official schema
 * cannot be fetched here and no Debian package ships it), GitHub's
 * escaping, GitLab's fields and fingerprints, JSON round trips, and the
 * graph pictures.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "graph.h"
#include "helpers/assert.h"
#include "helpers/repo.h"
#include "report.h"
#include "util.h"

/* --- findings and capture --- */

static void
sample(struct cg_findings *fs)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_finding *f;

	cg_assert_ok(cg_findings_push(&f, fs, CG_RULE_CASCADE_DROP, &err,
	    "DROP TABLE projects deletes every row of 2 tables"), &err);
	cg_assert_ok(cg_finding_set_where(f, NULL, "db/0003 rebuild é.sql", 16,
	    1, 17, "DROP TABLE\n  projects;", 22, &err), &err);
	cg_assert_ok(cg_finding_add_affected(f, "tasks", "CASCADE",
	    "tasks.project_id -> projects.id", 1, 1, &err), &err);
	cg_assert_ok(cg_finding_add_affected(f, "audit", "SET NULL",
	    "audit.project_id -> projects.id", 1, 0, &err), &err);
	cg_assert_ok(cg_finding_set_str(&f->help, "use ADD COLUMN", &err),
	    &err);
	f->affected[0].rows_lost = 3;	/* as the simulation fills them */
	f->affected[0].rows_total = 4;

	cg_assert_ok(cg_findings_push(&f, fs, CG_RULE_DROP_COLUMN, &err,
	    "ALTER TABLE t DROP COLUMN c loses the column's data"), &err);
	cg_assert_ok(cg_finding_set_where(f, NULL, "a:b,c%.sql", 3, 5, 3,
	    "ALTER TABLE t DROP COLUMN c;", 28, &err), &err);
	f->suppressed = 1;
	cg_assert_ok(cg_finding_set_str(&f->suppress_reason,
	    "100% unused, really:\nsee #12", &err), &err);

	/* no line: a whole-file finding */
	cg_assert_ok(cg_findings_push(&f, fs, CG_RULE_APPLIED_MIGRATION_CHANGED,
	    &err, "already applied migration edited"), &err);
	cg_assert_ok(cg_finding_set_where(f, NULL, "db/0001.sql", 0, 0, 0,
	    NULL, 0, &err), &err);
	/* no path at all, and bytes that are not UTF-8 in the message */
	cg_assert_ok(cg_findings_push(&f, fs, CG_RULE_OUT_OF_ORDER, &err,
	    "bad \xff byte and \033[31m escape"), &err);
}

static char *
capture(enum cg_format fmt, const struct cg_findings *fs)
{
	struct cg_report_opts opts = CG_REPORT_OPTS_INIT;
	struct cg_check_stats stats;
	struct cg_err err = CG_ERR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&stats, 0, sizeof(stats));
	stats.nnew = 2;
	stats.nhistory = 1;
	opts.format = fmt;
	opts.range = "main..feature";
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	cg_assert_ok(cg_report_write(f, fs, &stats, &opts, &err), &err);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

static json_t *
capture_json(enum cg_format fmt, const struct cg_findings *fs)
{
	json_error_t jerr;
	json_t *root;
	char *out = capture(fmt, fs);

	root = json_loads(out, 0, &jerr);
	cr_assert_not_null(root, "not JSON (%s):\n%s", jerr.text, out);
	free(out);
	return root;
}

/* --- SARIF 2.1.0 structural validation --- */

/* Fail when obj has a key the spec does not define for its type. */
static void
only_keys(const json_t *obj, const char *type, const char *const *allowed)
{
	const char *key;
	json_t *v;
	size_t i;
	int ok;

	cr_assert(json_is_object(obj), "%s is not an object", type);
	json_object_foreach((json_t *)obj, key, v) {
		ok = 0;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = 1;
		cr_assert(ok, "%s has a property SARIF does not define: %s",
		    type, key);
	}
}

static const char *
req_str(const json_t *obj, const char *key, const char *type)
{
	const json_t *v = json_object_get(obj, key);

	cr_assert(json_is_string(v), "%s.%s is required and a string", type,
	    key);
	return json_string_value(v);
}

static void
check_message(const json_t *m, const char *type)
{
	static const char *const keys[] = { "text", "markdown", "id",
		"arguments", "properties", NULL };

	only_keys(m, type, keys);
	/* 3.11.7/3.12.3: text is required unless id is given; we give text */
	cr_assert(strlen(req_str(m, "text", type)) > 0, "%s.text empty", type);
}

static void
check_level(const json_t *v, const char *type)
{
	const char *s;

	cr_assert(json_is_string(v), "%s.level is a string", type);
	s = json_string_value(v);
	cr_assert(strcmp(s, "none") == 0 || strcmp(s, "note") == 0 ||
	    strcmp(s, "warning") == 0 || strcmp(s, "error") == 0,
	    "%s.level '%s' is not in the enum", type, s);
}

/* uri-reference: no spaces, controls or raw non-ASCII bytes (RFC 3986). */
static void
check_uri(const char *uri)
{
	const unsigned char *p;

	cr_assert(uri[0] != '\0');
	for (p = (const unsigned char *)uri; *p != '\0'; p++) {
		cr_assert(*p > 0x20 && *p < 0x7f && *p != '"' && *p != '<' &&
		    *p != '>' && *p != '\\' && *p != '{' && *p != '}' &&
		    *p != '|' && *p != '^' && *p != '`',
		    "artifactLocation.uri '%s' is not a valid URI", uri);
		if (*p == '%')
			cr_assert(p[1] != '\0' && p[2] != '\0' &&
			    strchr("0123456789ABCDEFabcdef", p[1]) &&
			    strchr("0123456789ABCDEFabcdef", p[2]),
			    "bad percent-encoding in '%s'", uri);
	}
}

static json_int_t
pos_int(const json_t *obj, const char *key, int required)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL && !required)
		return 0;
	cr_assert(json_is_integer(v), "region.%s is an integer", key);
	cr_assert(json_integer_value(v) >= 1, "region.%s >= 1", key);
	return json_integer_value(v);
}

static void
check_location(const json_t *loc)
{
	static const char *const lkeys[] = { "id", "physicalLocation",
		"logicalLocations", "message", "annotations", "relationships",
		"properties", NULL };
	static const char *const pkeys[] = { "address", "artifactLocation",
		"region", "contextRegion", "properties", NULL };
	static const char *const akeys[] = { "uri", "uriBaseId", "index",
		"description", "properties", NULL };
	static const char *const rkeys[] = { "startLine", "startColumn",
		"endLine", "endColumn", "charOffset", "charLength",
		"byteOffset", "byteLength", "snippet", "message",
		"sourceLanguage", "properties", NULL };
	const json_t *phys, *art, *reg;
	json_int_t start, end;

	only_keys(loc, "location", lkeys);
	phys = json_object_get(loc, "physicalLocation");
	only_keys(phys, "physicalLocation", pkeys);
	art = json_object_get(phys, "artifactLocation");
	only_keys(art, "artifactLocation", akeys);
	check_uri(req_str(art, "uri", "artifactLocation"));
	reg = json_object_get(phys, "region");
	if (reg == NULL)
		return;
	only_keys(reg, "region", rkeys);
	start = pos_int(reg, "startLine", 1);
	pos_int(reg, "startColumn", 0);
	end = pos_int(reg, "endLine", 0);
	cr_assert(end == 0 || end >= start, "region.endLine < startLine");
}

static void
check_rule(const json_t *rule)
{
	static const char *const keys[] = { "id", "deprecatedIds", "guid",
		"deprecatedGuids", "name", "deprecatedNames",
		"shortDescription", "fullDescription", "messageStrings",
		"defaultConfiguration", "helpUri", "help", "relationships",
		"properties", NULL };
	static const char *const mkeys[] = { "text", "markdown", "properties",
		NULL };
	static const char *const ckeys[] = { "enabled", "level", "rank",
		"parameters", "properties", NULL };
	static const char *const texts[] = { "shortDescription",
		"fullDescription", "help" };
	const json_t *conf;
	size_t i;

	only_keys(rule, "reportingDescriptor", keys);
	req_str(rule, "id", "reportingDescriptor");
	for (i = 0; i < 3; i++) {
		const json_t *m = json_object_get(rule, texts[i]);

		cr_assert_not_null(m, "rule without %s", texts[i]);
		only_keys(m, texts[i], mkeys);
		cr_assert(strlen(req_str(m, "text", texts[i])) > 0);
	}
	conf = json_object_get(rule, "defaultConfiguration");
	only_keys(conf, "reportingConfiguration", ckeys);
	check_level(json_object_get(conf, "level"), "defaultConfiguration");
}

static void
check_result(const json_t *res, const json_t *rules)
{
	static const char *const keys[] = { "ruleId", "ruleIndex", "rule",
		"kind", "level", "message", "analysisTarget", "locations",
		"guid", "correlationGuid", "occurrenceCount",
		"partialFingerprints", "fingerprints", "stacks", "codeFlows",
		"graphs", "graphTraversals", "relatedLocations",
		"suppressions", "baselineState", "rank", "attachments",
		"hostedViewerUri", "workItemUris", "provenance", "fixes",
		"taxa", "webRequest", "webResponse", "properties", NULL };
	static const char *const skeys[] = { "guid", "kind", "status",
		"justification", "location", "properties", NULL };
	const json_t *idx, *locs, *sups, *v;
	const char *id, *kind, *key;
	size_t i;

	only_keys(res, "result", keys);
	check_message(json_object_get(res, "message"), "result.message");
	check_level(json_object_get(res, "level"), "result");
	id = req_str(res, "ruleId", "result");
	idx = json_object_get(res, "ruleIndex");
	cr_assert(json_is_integer(idx));
	/* 3.27.6: ruleIndex refers to the driver's rules, with that id */
	cr_assert(json_integer_value(idx) >= 0 &&
	    (size_t)json_integer_value(idx) < json_array_size(rules));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    rules, (size_t)json_integer_value(idx)), "id")), id);
	locs = json_object_get(res, "locations");
	if (locs != NULL) {
		cr_assert(json_is_array(locs));
		json_array_foreach((json_t *)locs, i, v)
			check_location(v);
	}
	v = json_object_get(res, "partialFingerprints");
	if (v != NULL) {
		const json_t *fp;

		cr_assert(json_is_object(v));
		json_object_foreach((json_t *)v, key, fp)
			cr_assert(json_is_string(fp));
	}
	sups = json_object_get(res, "suppressions");
	if (sups == NULL)
		return;
	cr_assert(json_is_array(sups));
	json_array_foreach((json_t *)sups, i, v) {
		only_keys(v, "suppression", skeys);
		kind = req_str(v, "kind", "suppression");
		cr_assert(strcmp(kind, "inSource") == 0 ||
		    strcmp(kind, "external") == 0);
		req_str(v, "justification", "suppression");
	}
}

/* Returns the number of results. */
static size_t
check_sarif(const json_t *root)
{
	static const char *const keys[] = { "version", "$schema", "runs",
		"inlineExternalProperties", "properties", NULL };
	static const char *const tkeys[] = { "driver", "extensions",
		"properties", NULL };
	static const char *const dkeys[] = { "guid", "name", "organization",
		"product", "productSuite", "shortDescription",
		"fullDescription", "fullName", "version", "semanticVersion",
		"dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
		"informationUri", "globalMessageStrings", "notifications",
		"rules", "taxa", "locations", "language", "contents",
		"isComprehensive", "localizedDataSemanticVersion",
		"minimumRequiredLocalizedDataSemanticVersion",
		"associatedComponent", "translationMetadata",
		"supportedTaxonomies", "properties", NULL };
	const json_t *runs, *run, *tool, *driver, *rules, *results, *v;
	size_t i, n = 0, r;

	only_keys(root, "sarifLog", keys);
	cr_assert_str_eq(req_str(root, "version", "sarifLog"), "2.1.0");
	cr_assert(strstr(req_str(root, "$schema", "sarifLog"),
	    "sarif-2.1.0") != NULL);
	runs = json_object_get(root, "runs");
	cr_assert(json_is_array(runs) && json_array_size(runs) >= 1);
	json_array_foreach((json_t *)runs, r, run) {
		cr_assert(json_is_object(run));
		tool = json_object_get(run, "tool");
		only_keys(tool, "tool", tkeys);
		driver = json_object_get(tool, "driver");
		only_keys(driver, "toolComponent", dkeys);
		cr_assert_str_eq(req_str(driver, "name", "driver"),
		    "cascadeguard");
		cr_assert(strncmp(req_str(driver, "informationUri", "driver"),
		    "https://", 8) == 0);
		rules = json_object_get(driver, "rules");
		cr_assert(json_is_array(rules));
		cr_assert_eq(json_array_size(rules), (size_t)CG_RULE__COUNT);
		json_array_foreach((json_t *)rules, i, v) {
			check_rule(v);
			cr_assert_str_eq(json_string_value(json_object_get(v,
			    "id")), cg_rule_info((enum cg_rule)i)->name);
		}
		results = json_object_get(run, "results");
		cr_assert(json_is_array(results));
		json_array_foreach((json_t *)results, i, v) {
			check_result(v, rules);
			n++;
		}
	}
	return n;
}

Test(report, sarif_is_structurally_valid_2_1_0)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	const json_t *res, *reg, *sup;
	json_t *root;

	sample(&fs);
	root = capture_json(CG_FMT_SARIF, &fs);
	cr_assert_eq(check_sarif(root), 4);
	res = json_array_get(json_object_get(json_array_get(json_object_get(
	    root, "runs"), 0), "results"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(json_object_get(res, "locations"),
	    0), "physicalLocation"), "artifactLocation"), "uri")),
	    "db/0003%20rebuild%20%C3%A9.sql");
	reg = json_object_get(json_object_get(json_array_get(json_object_get(
	    res, "locations"), 0), "physicalLocation"), "region");
	cr_assert_eq(json_integer_value(json_object_get(reg, "startLine")), 16);
	cr_assert_eq(json_integer_value(json_object_get(reg, "endLine")), 17);
	cr_assert_null(json_object_get(res, "suppressions"));
	/* the suppressed one carries its justification */
	res = json_array_get(json_object_get(json_array_get(json_object_get(
	    root, "runs"), 0), "results"), 1);
	sup = json_array_get(json_object_get(res, "suppressions"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(sup,
	    "justification")), "100% unused, really:\nsee #12");
	/* no line: no region */
	res = json_array_get(json_object_get(json_array_get(json_object_get(
	    root, "runs"), 0), "results"), 2);
	cr_assert_null(json_object_get(json_object_get(json_array_get(
	    json_object_get(res, "locations"), 0), "physicalLocation"),
	    "region"));
	json_decref(root);
	cg_findings_release(&fs);
}

Test(report, golden_sarif_file_is_structurally_valid)
{
	json_error_t jerr;
	json_t *root;

	root = json_load_file(cg_test_src("tests/golden/formats.sarif"), 0,
	    &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	cr_assert_eq(check_sarif(root), 3);
	json_decref(root);
}

/* --- JSON --- */

Test(report, json_keeps_every_field_and_escapes_nothing_by_hand)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	const json_t *f, *a;
	json_t *root;

	sample(&fs);
	root = capture_json(CG_FMT_JSON, &fs);
	cr_assert_str_eq(json_string_value(json_object_get(root, "schema")),
	    "cascadeguard-findings/1");
	f = json_array_get(json_object_get(root, "findings"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "file")),
	    "db/0003 rebuild é.sql");
	cr_assert_str_eq(json_string_value(json_object_get(f, "statement")),
	    "DROP TABLE\n  projects;");
	cr_assert_eq(json_integer_value(json_object_get(f, "end_line")), 17);
	a = json_array_get(json_object_get(f, "affected"), 0);
	cr_assert_eq(json_integer_value(json_object_get(a, "rows_lost")), 3);
	cr_assert_eq(json_integer_value(json_object_get(a, "rows_total")), 4);
	a = json_array_get(json_object_get(f, "affected"), 1);
	cr_assert(json_is_null(json_object_get(a, "rows_lost")));
	cr_assert_str_eq(json_string_value(json_object_get(a, "action")),
	    "SET NULL");
	cr_assert(json_is_false(json_object_get(a, "loses_rows")));
	f = json_array_get(json_object_get(root, "findings"), 2);
	cr_assert(json_is_null(json_object_get(f, "line")));
	f = json_array_get(json_object_get(root, "findings"), 3);
	cr_assert(json_is_null(json_object_get(f, "file")));
	/* invalid UTF-8 is escaped before it reaches jansson */
	cr_assert_not_null(strstr(json_string_value(json_object_get(f,
	    "message")), "\\xff"));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(root,
	    "summary"), "suppressed")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(root,
	    "summary"), "errors")), 2);
	json_decref(root);
	cg_findings_release(&fs);
}

/* --- GitHub --- */

Test(report, github_escapes_data_and_properties)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	char *out;

	sample(&fs);
	out = capture(CG_FMT_GITHUB, &fs);
	cr_assert_not_null(strstr(out, "::error file=db/0003 rebuild é.sql,"
	    "line=16,col=1,endLine=17,title=cascadeguard cascade-drop::DROP "
	    "TABLE projects deletes every row of 2 tables%0Atables affected: "
	    "tasks (loses rows), audit (rows change)%0Ahelp: use ADD COLUMN\n"),
	    "%s", out);
	cr_assert_not_null(strstr(out, "::notice file=a%3Ab%2Cc%25.sql,line=3,"
	    "col=5,endLine=3,title=cascadeguard drop-column (suppressed)::"
	    "ALTER TABLE t DROP COLUMN c loses the column's data%0Asuppressed: "
	    "100%25 unused, really:%0Asee #12\n"), "%s", out);
	cr_assert_not_null(strstr(out, "::error file=db/0001.sql,title="),
	    "%s", out);
	cr_assert_not_null(strstr(out, "::warning title=cascadeguard "
	    "out-of-order::bad \\xff byte and \\x1b[31m escape\n"), "%s", out);
	cr_assert_null(strchr(out, '\033'));
	free(out);
	cg_findings_release(&fs);
}

/* --- GitLab --- */

Test(report, gitlab_code_quality_fields)
{
	static const char *const sev[] = { "blocker", "info", "major",
		"minor" };
	struct cg_findings fs = CG_FINDINGS_INIT;
	const json_t *issue;
	json_t *root;
	size_t i;

	sample(&fs);
	root = capture_json(CG_FMT_GITLAB, &fs);
	cr_assert(json_is_array(root));
	cr_assert_eq(json_array_size(root), 4);
	json_array_foreach(root, i, issue) {
		const char *fp = json_string_value(json_object_get(issue,
		    "fingerprint"));

		cr_assert_not_null(fp);
		cr_assert_eq(strlen(fp), 16);
		cr_assert_str_eq(json_string_value(json_object_get(issue,
		    "severity")), sev[i]);
		cr_assert_not_null(json_string_value(json_object_get(issue,
		    "description")));
		cr_assert_not_null(json_string_value(json_object_get(issue,
		    "check_name")));
		cr_assert_not_null(json_string_value(json_object_get(
		    json_object_get(issue, "location"), "path")));
		cr_assert(json_integer_value(json_object_get(json_object_get(
		    json_object_get(issue, "location"), "lines"), "begin")) >= 1);
	}
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(root,
	    1), "description")), "ALTER TABLE t DROP COLUMN c loses the "
	    "column's data (suppressed: 100% unused, really:\nsee #12)");
	json_decref(root);
	cg_findings_release(&fs);
}

Test(report, fingerprints_are_stable_and_distinct)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	char a[17], b[17], c[17];

	sample(&fs);
	cg_report_fingerprint(a, &fs.v[0]);
	cg_report_fingerprint(b, &fs.v[0]);
	cr_assert_str_eq(a, b);
	/* FNV-1a 64 of the parts: a fixed value, so it never drifts */
	fs.v[0].line = 17;
	cg_report_fingerprint(c, &fs.v[0]);
	cr_assert_str_neq(a, c, "the line is part of the fingerprint");
	cg_report_fingerprint(c, &fs.v[1]);
	cr_assert_str_neq(a, c);
	cg_findings_release(&fs);
}

Test(report, parse_format)
{
	struct cg_err err = CG_ERR_INIT;
	enum cg_format f;

	cg_assert_ok(cg_report_parse_format(&f, "sarif", &err), &err);
	cr_assert_eq(f, CG_FMT_SARIF);
	cg_assert_ok(cg_report_parse_format(&f, "gitlab", &err), &err);
	cr_assert_eq(f, CG_FMT_GITLAB);
	cr_assert_eq(cg_report_parse_format(&f, "SARIF", &err), CG_EUSAGE);
}

/* --- graph pictures --- */

static char *
picture(const struct cg_graph *g, enum cg_graph_format fmt)
{
	struct cg_buf b = CG_BUF_INIT;
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_report_graph(&b, g, fmt, &err), &err);
	return cg_buf_detach(&b);
}

static void
edge(struct cg_graph *g, const char *child, const char *col,
    const char *parent, enum cg_fk_action a)
{
	struct cg_err err = CG_ERR_INIT;

	cg_assert_ok(cg_graph_add_edge(g, child, col, parent, "id", a,
	    CG_FK_NO_ACTION, &err), &err);
}

Test(report, tree_of_a_diamond_a_self_reference_and_a_cycle)
{
	struct cg_graph g = CG_GRAPH_INIT;
	char *out;

	edge(&g, "d", "c_id", "c", CG_FK_CASCADE);
	edge(&g, "b", "a_id", "a", CG_FK_CASCADE);
	edge(&g, "c", "a_id", "a", CG_FK_CASCADE);
	edge(&g, "d", "b_id", "b", CG_FK_SET_NULL);
	edge(&g, "a", "parent_id", "a", CG_FK_CASCADE);
	edge(&g, "y", "x_id", "x", CG_FK_CASCADE);
	edge(&g, "x", "y_id", "y", CG_FK_CASCADE);
	out = picture(&g, CG_GRAPH_TREE);
	cr_assert_str_eq(out,
	    "a\n"
	    "├── a (parent_id → ON DELETE CASCADE) (cycle)\n"
	    "├── b (a_id → ON DELETE CASCADE)\n"
	    "│   └── d (b_id → ON DELETE SET NULL)\n"
	    "└── c (a_id → ON DELETE CASCADE)\n"
	    "    └── d (c_id → ON DELETE CASCADE)\n"
	    "\n"
	    "x\n"
	    "└── y (x_id → ON DELETE CASCADE)\n"
	    "    └── x (y_id → ON DELETE CASCADE) (cycle)\n");
	free(out);
	cg_graph_release(&g);
}

Test(report, dot_and_mermaid_escape_names_and_colour_cascades)
{
	struct cg_graph g = CG_GRAPH_INIT;
	char *out;

	edge(&g, "say \"hi\"", "p_id", "p#1", CG_FK_CASCADE);
	edge(&g, "log", "p_id", "p#1", CG_FK_RESTRICT);
	out = picture(&g, CG_GRAPH_DOT);
	cr_assert_str_eq(out,
	    "digraph cascadeguard {\n"
	    "\trankdir=LR;\n"
	    "\tnode [shape=box];\n"
	    "\t\"log\";\n"
	    "\t\"p#1\";\n"
	    "\t\"say \\\"hi\\\"\";\n"
	    "\t\"p#1\" -> \"log\" [label=\"p_id → ON DELETE RESTRICT\"];\n"
	    "\t\"p#1\" -> \"say \\\"hi\\\"\" [label=\"p_id → ON DELETE "
	    "CASCADE\", color=red, fontcolor=red];\n"
	    "}\n");
	free(out);
	out = picture(&g, CG_GRAPH_MERMAID);
	cr_assert_str_eq(out,
	    "flowchart LR\n"
	    "    t0[\"log\"]\n"
	    "    t1[\"p#35;1\"]\n"
	    "    t2[\"say #quot;hi#quot;\"]\n"
	    "    t1 -->|\"p_id → ON DELETE RESTRICT\"| t0\n"
	    "    t1 -->|\"p_id → ON DELETE CASCADE\"| t2\n"
	    "    linkStyle 1 stroke:red,color:red\n");
	free(out);
	cg_graph_release(&g);
}

Test(report, empty_graph)
{
	struct cg_graph g = CG_GRAPH_INIT;
	char *out;

	out = picture(&g, CG_GRAPH_TREE);
	cr_assert_str_eq(out, "(no foreign keys)\n");
	free(out);
}
