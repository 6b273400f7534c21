/* SPDX-License-Identifier: MIT */
/*
 * Suppression comments: parsing (pure, bounded by len, fuzzable) and
 * applying them to the findings of one file.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "suppress.h"
#include "util.h"
#include "banned.h"

#define CG_DIRECTIVE "cascadeguard:"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Skip blanks in [p, end). */
static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* The end of the word at p: the first blank or end. */
static const char *
word_end(const char *p, const char *end)
{
	while (p < end && !is_blank(*p))
		p++;
	return p;
}

static int
push(struct cg_suppress_list *out, unsigned line, const char *rule,
    size_t rule_len, const char *reason, size_t reason_len,
    const char *problem, struct cg_err *err)
{
	struct cg_suppression *s;
	int rc;

	rc = cg_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v), err);
	if (rc < 0)
		return rc;
	s = &out->v[out->n];
	memset(s, 0, sizeof(*s));
	s->comment_line = line;
	s->rule = -1;
	if (rule_len > 0) {
		s->rule_name = cg_strndup(rule, rule_len);
		if (s->rule_name == NULL)
			return cg_err_nomem(err);
	}
	if (reason_len > 0) {
		s->reason = cg_strndup(reason, reason_len);
		if (s->reason == NULL) {
			free(s->rule_name);
			return cg_err_nomem(err);
		}
	}
	if (problem == NULL && s->rule_name != NULL) {
		s->rule = cg_rule_lookup(s->rule_name);
		if (s->rule < 0)
			problem = "unknown rule";
	}
	if (problem == NULL && s->reason == NULL)
		problem = "no reason given";
	s->problem = problem;
	out->n++;
	return 0;
}

/* One comment body (after "--"): a directive, or nothing to do. */
static int
parse_comment(struct cg_suppress_list *out, unsigned line, const char *p,
    const char *end, struct cg_err *err)
{
	const char *rule, *rule_end, *reason;
	size_t dl = strlen(CG_DIRECTIVE);

	p = skip_blank(p, end);
	if ((size_t)(end - p) < dl || memcmp(p, CG_DIRECTIVE, dl) != 0)
		return 0;
	p = skip_blank(p + dl, end);
	if ((size_t)(end - p) < 5 || memcmp(p, "allow", 5) != 0 ||
	    (p + 5 < end && !is_blank(p[5])))
		return push(out, line, NULL, 0, NULL, 0,
		    "expected 'allow <rule> <reason>'", err);
	rule = skip_blank(p + 5, end);
	rule_end = word_end(rule, end);
	if (rule == rule_end)
		return push(out, line, NULL, 0, NULL, 0, "no rule given", err);
	reason = skip_blank(rule_end, end);
	while (end > reason && is_blank(end[-1]))
		end--;
	return push(out, line, rule, (size_t)(rule_end - rule), reason,
	    (size_t)(end - reason), NULL, err);
}

int
cg_suppress_parse(struct cg_suppress_list *out, const char *text,
    size_t len, struct cg_err *err)
{
	const char *p = text, *end = text + len;
	const char *eol, *q;
	size_t run_start = out->n;	/* first entry of the current run */
	unsigned line = 1;
	size_t i;
	int rc;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		q = skip_blank(p, eol);
		if (eol - q >= 2 && q[0] == '-' && q[1] == '-') {
			rc = parse_comment(out, line, q + 2, eol, err);
			if (rc < 0)
				return rc;
		} else {
			/* the run ends here: its entries cover this line */
			for (i = run_start; i < out->n; i++)
				out->v[i].target_line = line;
			run_start = out->n;
		}
		line++;
		p = eol < end ? eol + 1 : end;
	}
	for (i = run_start; i < out->n; i++)
		out->v[i].target_line = line;	/* nothing below: covers none */
	return 0;
}

void
cg_suppress_list_release(struct cg_suppress_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].rule_name);
		free(l->v[i].reason);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
report_bad(struct cg_findings *fs, const struct cg_suppression *s,
    const char *path, struct cg_err *err)
{
	struct cg_finding *f;
	int rc;

	if (s->rule_name != NULL && s->rule < 0)
		rc = cg_findings_push(&f, fs, CG_RULE_BAD_SUPPRESSION, err,
		    "suppression names an unknown rule '%s'", s->rule_name);
	else
		rc = cg_findings_push(&f, fs, CG_RULE_BAD_SUPPRESSION, err,
		    "bad suppression comment: %s", s->problem);
	if (rc < 0)
		return rc;
	rc = cg_finding_set_where(f, NULL, path, s->comment_line, 1,
	    s->comment_line, NULL, 0, err);
	if (rc < 0)
		return rc;
	return cg_finding_set_str(&f->help, "write '-- cascadeguard: allow "
	    "<rule> <reason>' directly above the statement; "
	    "'cascadeguard explain' lists the rules", err);
}

int
cg_suppress_apply(struct cg_findings *fs, size_t first, const char *path,
    const char *text, size_t len, struct cg_err *err)
{
	struct cg_suppress_list l = CG_SUPPRESS_LIST_INIT;
	size_t i, j, n;
	int rc;

	rc = cg_suppress_parse(&l, text, len, err);
	if (rc < 0)
		goto out;
	n = fs->n;
	for (i = first; i < n; i++) {
		struct cg_finding *f = &fs->v[i];

		if (f->suppressed || f->line == 0 || f->path == NULL ||
		    strcmp(f->path, path) != 0)
			continue;
		for (j = 0; j < l.n; j++) {
			if (l.v[j].problem != NULL ||
			    l.v[j].target_line != f->line ||
			    l.v[j].rule != (int)f->rule)
				continue;
			rc = cg_finding_set_str(&f->suppress_reason,
			    l.v[j].reason, err);
			if (rc < 0)
				goto out;
			f->suppressed = 1;
			break;
		}
	}
	for (j = 0; j < l.n; j++) {
		if (l.v[j].problem == NULL)
			continue;
		rc = report_bad(fs, &l.v[j], path, err);
		if (rc < 0)
			goto out;
	}
out:
	cg_suppress_list_release(&l);
	return rc;
}
