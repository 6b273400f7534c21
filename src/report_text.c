/* SPDX-License-Identifier: MIT */
/*
 * The text report: compiler-style lines a person reads in a terminal, a
 * CI log or the message a rejected push prints.  Untrusted bytes (paths,
 * SQL) are escaped so they cannot drive the terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "util.h"
#include "banned.h"

#define CG_STMT_LINES_SHOWN 4	/* lines of a statement quoted in a finding */

struct style {
	const char *bold, *red, *yellow, *cyan, *dim, *reset;
};

static const struct style plain = { "", "", "", "", "", "" };
static const struct style ansi = { "\033[1m", "\033[1;31m", "\033[1;33m",
	"\033[1;36m", "\033[2m", "\033[0m" };

static const char *
sev_color(const struct style *st, enum cg_severity sev)
{
	if (sev == CG_SEV_ERROR)
		return st->red;
	if (sev == CG_SEV_WARNING)
		return st->yellow;
	return st->cyan;
}

/* Append the escaped form of s to b (s may be NULL). */
static int
esc(struct cg_buf *b, const char *s, struct cg_err *err)
{
	if (s == NULL)
		return 0;
	return cg_buf_escape(b, s, strlen(s), err);
}

/* Quote up to CG_STMT_LINES_SHOWN lines of the statement, with a caret. */
static int
quote_statement(struct cg_buf *b, const struct cg_finding *f,
    const struct style *st, struct cg_err *err)
{
	const char *p = f->statement;
	unsigned line = f->line;
	unsigned shown = 0;
	unsigned k;
	const char *nl;
	int rc = 0;

	while (p != NULL && *p != '\0' && shown < CG_STMT_LINES_SHOWN) {
		nl = strchr(p, '\n');
		rc = cg_buf_printf(b, err, "%s%6u |%s ", st->dim, line,
		    st->reset);
		if (rc < 0)
			return rc;
		if (shown == 0)	/* the statement starts at f->col */
			for (k = 1; k < f->col && rc == 0; k++)
				rc = cg_buf_puts(b, " ", err);
		if (rc == 0)
			rc = cg_buf_escape(b, p, nl ? (size_t)(nl - p) :
			    strlen(p), err);
		if (rc == 0)
			rc = cg_buf_puts(b, "\n", err);
		if (rc < 0)
			return rc;
		if (f->caret_col > 0 && shown == 0) {
			rc = cg_buf_printf(b, err, "%s%6s |%s ", st->dim, "",
			    st->reset);
			for (k = 1; k < f->caret_col && rc == 0; k++)
				rc = cg_buf_puts(b, " ", err);
			if (rc == 0)
				rc = cg_buf_printf(b, err, "%s^%s\n",
				    sev_color(st, f->severity), st->reset);
			if (rc < 0)
				return rc;
		}
		shown++;
		line++;
		p = nl ? nl + 1 : NULL;
	}
	if (p != NULL && *p != '\0')
		rc = cg_buf_printf(b, err, "%s%6s | ...%s\n", st->dim, "",
		    st->reset);
	return rc;
}

static int
affected_block(struct cg_buf *b, const struct cg_finding *f, int loses,
    struct cg_err *err)
{
	size_t i, width = 0, n = 0;
	int rc = 0;

	for (i = 0; i < f->naffected; i++) {
		if (f->affected[i].loses_rows != loses)
			continue;
		n++;
		if (strlen(f->affected[i].table) > width)
			width = strlen(f->affected[i].table);
	}
	if (n == 0)
		return 0;
	if (width > 40)
		width = 40;
	rc = cg_buf_puts(b, loses ? "  tables that lose rows:\n" :
	    "  tables whose rows change:\n", err);
	for (i = 0; i < f->naffected && rc == 0; i++) {
		const struct cg_affected *a = &f->affected[i];
		size_t pad;

		if (a->loses_rows != loses)
			continue;
		rc = cg_buf_puts(b, "    ", err);
		if (rc == 0)
			rc = esc(b, a->table, err);
		pad = strlen(a->table) < width ? width - strlen(a->table) : 0;
		while (rc == 0 && pad-- > 0)
			rc = cg_buf_puts(b, " ", err);
		if (rc == 0)
			rc = cg_buf_puts(b, "  ", err);
		if (rc == 0)
			rc = esc(b, a->path, err);
		if (rc == 0 && !loses)
			rc = cg_buf_printf(b, err, " (ON DELETE %s)", a->action);
		if (rc == 0 && a->rows_total > 0)
			rc = cg_buf_printf(b, err, "  [simulated: %zu of %zu "
			    "rows %s]", a->rows_lost, a->rows_total,
			    loses ? "lost" : "changed");
		if (rc == 0)
			rc = cg_buf_puts(b, "\n", err);
	}
	return rc;
}

static int
format_finding(struct cg_buf *b, const struct cg_finding *f,
    const struct style *st, struct cg_err *err)
{
	const struct cg_rule_info *ri = cg_rule_info(f->rule);
	int rc;

	rc = cg_buf_puts(b, st->bold, err);
	if (rc == 0 && f->set != NULL) {
		rc = cg_buf_puts(b, "[", err);
		if (rc == 0)
			rc = esc(b, f->set, err);
		if (rc == 0)
			rc = cg_buf_puts(b, "] ", err);
	}
	if (rc == 0)
		rc = esc(b, f->path ? f->path : "(repository)", err);
	if (rc == 0 && f->line > 0)
		rc = cg_buf_printf(b, err, ":%u", f->line);
	if (rc == 0 && f->line > 0 && f->col > 0)
		rc = cg_buf_printf(b, err, ":%u", f->col);
	if (rc == 0)
		rc = cg_buf_printf(b, err, ":%s %s%s%s[%s]: ", st->reset,
		    sev_color(st, f->severity),
		    f->suppressed ? "suppressed " : "",
		    cg_severity_name(f->severity), ri->name);
	if (rc == 0)
		rc = cg_buf_printf(b, err, "%s", st->reset);
	if (rc == 0)
		rc = esc(b, f->message, err);
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", err);
	if (rc == 0)
		rc = quote_statement(b, f, st, err);
	if (rc == 0)
		rc = affected_block(b, f, 1, err);
	if (rc == 0)
		rc = affected_block(b, f, 0, err);
	if (rc == 0 && f->commit != NULL)
		rc = cg_buf_printf(b, err, "  commit: %.12s\n", f->commit);
	if (rc == 0 && f->suppressed) {
		rc = cg_buf_puts(b, "  suppressed: ", err);
		if (rc == 0)
			rc = esc(b, f->suppress_reason, err);
		if (rc == 0)
			rc = cg_buf_puts(b, "\n", err);
	}
	if (rc == 0 && f->help != NULL) {
		rc = cg_buf_printf(b, err, "  %shelp:%s ", st->cyan, st->reset);
		if (rc == 0)
			rc = esc(b, f->help, err);
		if (rc == 0)
			rc = cg_buf_puts(b, "\n", err);
	}
	return rc;
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int
cg_report_write(FILE *out, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err)
{
	const struct style *st = opts->color ? &ansi : &plain;
	struct cg_buf b = CG_BUF_INIT;
	size_t nerr, nwarn, nnote, nsup = 0;
	size_t i;
	int rc = 0;

	switch (opts->format) {
	case CG_FMT_JSON:
		return cg_report_write_json(out, fs, stats, opts, err);
	case CG_FMT_SARIF:
		return cg_report_write_sarif(out, fs, stats, opts, err);
	case CG_FMT_GITHUB:
		return cg_report_write_github(out, fs, stats, opts, err);
	case CG_FMT_GITLAB:
		return cg_report_write_gitlab(out, fs, stats, opts, err);
	case CG_FMT_TEXT:
		break;
	}
	for (i = 0; i < fs->n && rc == 0; i++) {
		rc = format_finding(&b, &fs->v[i], st, err);
		if (rc == 0)
			rc = cg_buf_puts(&b, "\n", err);
		if (fs->v[i].suppressed)
			nsup++;
	}
	nerr = cg_findings_count(fs, CG_SEV_ERROR);
	nwarn = cg_findings_count(fs, CG_SEV_WARNING);
	nnote = cg_findings_count(fs, CG_SEV_NOTE);
	if (rc == 0)
		rc = cg_buf_printf(&b, err, "cascadeguard: %zu %s, %zu %s",
		    nerr, plural(nerr, "error", "errors"), nwarn,
		    plural(nwarn, "warning", "warnings"));
	if (rc == 0 && nnote > 0)
		rc = cg_buf_printf(&b, err, ", %zu %s", nnote,
		    plural(nnote, "note", "notes"));
	if (rc == 0 && nsup > 0)
		rc = cg_buf_printf(&b, err, ", %zu suppressed", nsup);
	if (rc == 0 && stats != NULL && stats->nsets > 1)
		rc = cg_buf_printf(&b, err, " (%zu new %s checked on a history "
		    "of %zu, in %zu migration sets)", stats->nnew,
		    plural(stats->nnew, "migration", "migrations"),
		    stats->nhistory, stats->nsets);
	else if (rc == 0 && stats != NULL)
		rc = cg_buf_printf(&b, err, " (%zu new %s checked on a history "
		    "of %zu, target %s)", stats->nnew,
		    plural(stats->nnew, "migration", "migrations"),
		    stats->nhistory, cg_target_name(stats->target));
	if (rc == 0)
		rc = cg_buf_puts(&b, "\n", err);
	if (rc == 0 && fwrite(b.data, 1, b.len, out) != b.len)
		rc = cg_err_set(err, CG_ESYS, "cannot write the report: %s",
		    strerror(errno));
	cg_buf_release(&b);
	return rc;
}

int
cg_report_parse_format(enum cg_format *out, const char *name,
    struct cg_err *err)
{
	static const struct {
		const char *name;
		enum cg_format fmt;
	} names[] = {
		{ "text", CG_FMT_TEXT },
		{ "json", CG_FMT_JSON },
		{ "sarif", CG_FMT_SARIF },
		{ "github", CG_FMT_GITHUB },
		{ "gitlab", CG_FMT_GITLAB },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) == 0) {
			*out = names[i].fmt;
			return 0;
		}
	}
	return cg_err_set(err, CG_EUSAGE, "--format takes text, json, sarif, "
	    "github or gitlab, not '%s'", name);
}

void
cg_report_fingerprint(char out[17], const struct cg_finding *f)
{
	const char *parts[3];
	unsigned long long h = 0xcbf29ce484222325ULL;
	char line[24];
	size_t i;
	const unsigned char *p;

	snprintf(line, sizeof(line), "%u", f->line);
	parts[0] = cg_rule_info(f->rule)->name;
	parts[1] = f->path ? f->path : "";
	parts[2] = f->message ? f->message : "";
	for (i = 0; i < 4; i++) {
		p = (const unsigned char *)(i < 2 ? parts[i] : i == 2 ? line :
		    parts[2]);
		for (; *p != '\0'; p++) {
			h ^= *p;
			h *= 0x100000001b3ULL;
		}
		h ^= 0xff;	/* separator, so "ab"+"c" differs from "a"+"bc" */
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", h);
}
