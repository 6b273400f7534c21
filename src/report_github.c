/* SPDX-License-Identifier: MIT */
/*
 * The GitHub Actions report: one workflow command per finding
 * (`::error file=F,line=L,col=C,endLine=E,title=T::message`), so findings
 * show as annotations on the pull request's diff, then the text summary.
 * Escaping is GitHub's: % CR LF in data; also : and , in properties.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "report.h"
#include "util.h"
#include "banned.h"

/* Append s escaped for a workflow command (prop: a property value). */
static int
gh_escape(struct cg_buf *b, const char *s, int prop, struct cg_err *err)
{
	struct cg_buf tmp = CG_BUF_INIT;
	const char *p;
	int rc = 0;

	if (s == NULL)
		return 0;
	/*
	 * Control bytes other than CR and LF as \xNN, so they cannot drive
	 * the log viewer; text that is not UTF-8 is escaped as a whole.
	 */
	if (!cg_utf8_valid(s, strlen(s))) {
		rc = cg_buf_escape(&tmp, s, strlen(s), err);
	} else {
		for (p = s; *p != '\0' && rc == 0; p++) {
			if (((unsigned char)*p < 0x20 && *p != '\n' &&
			    *p != '\r') || *p == 0x7f)
				rc = cg_buf_escape(&tmp, p, 1, err);
			else
				rc = cg_buf_add(&tmp, p, 1, err);
		}
	}
	for (p = tmp.data; rc == 0 && p != NULL && *p != '\0'; p++) {
		switch (*p) {
		case '%':
			rc = cg_buf_puts(b, "%25", err);
			break;
		case '\r':
			rc = cg_buf_puts(b, "%0D", err);
			break;
		case '\n':
			rc = cg_buf_puts(b, "%0A", err);
			break;
		case ':':
			rc = prop ? cg_buf_puts(b, "%3A", err) :
			    cg_buf_add(b, p, 1, err);
			break;
		case ',':
			rc = prop ? cg_buf_puts(b, "%2C", err) :
			    cg_buf_add(b, p, 1, err);
			break;
		default:
			rc = cg_buf_add(b, p, 1, err);
		}
	}
	cg_buf_release(&tmp);
	return rc;
}

static const char *
command(enum cg_severity sev)
{
	if (sev == CG_SEV_ERROR)
		return "error";
	if (sev == CG_SEV_WARNING)
		return "warning";
	return "notice";
}

static int
finding_line(struct cg_buf *b, const struct cg_finding *f,
    struct cg_err *err)
{
	const char *rule = cg_rule_info(f->rule)->name;
	struct cg_buf title = CG_BUF_INIT;
	struct cg_buf msg = CG_BUF_INIT;
	size_t i;
	int rc;

	/* A suppressed finding is shown, but never fails a check: a notice. */
	rc = cg_buf_printf(b, err, "::%s ", f->suppressed ? "notice" :
	    command(f->severity));
	if (rc == 0 && f->path != NULL) {
		rc = cg_buf_puts(b, "file=", err);
		if (rc == 0)
			rc = gh_escape(b, f->path, 1, err);
		if (rc == 0 && f->line > 0)
			rc = cg_buf_printf(b, err, ",line=%u", f->line);
		if (rc == 0 && f->line > 0 && f->col > 0)
			rc = cg_buf_printf(b, err, ",col=%u", f->col);
		if (rc == 0 && f->line > 0 && f->end_line >= f->line)
			rc = cg_buf_printf(b, err, ",endLine=%u", f->end_line);
		if (rc == 0)
			rc = cg_buf_puts(b, ",", err);
	}
	if (rc == 0)
		rc = cg_buf_printf(&title, err, "cascadeguard %s%s", rule,
		    f->suppressed ? " (suppressed)" : "");
	if (rc == 0)
		rc = cg_buf_puts(b, "title=", err);
	if (rc == 0)
		rc = gh_escape(b, title.data, 1, err);
	if (rc == 0)
		rc = cg_buf_puts(b, "::", err);
	if (rc == 0)
		rc = cg_buf_printf(&msg, err, "%s", f->message);
	for (i = 0; i < f->naffected && rc == 0; i++)
		rc = cg_buf_printf(&msg, err, "%s%s (%s)", i == 0 ?
		    "\ntables affected: " : ", ", f->affected[i].table,
		    f->affected[i].loses_rows ? "loses rows" : "rows change");
	if (rc == 0 && f->suppressed)
		rc = cg_buf_printf(&msg, err, "\nsuppressed: %s",
		    f->suppress_reason ? f->suppress_reason : "");
	if (rc == 0 && f->help != NULL)
		rc = cg_buf_printf(&msg, err, "\nhelp: %s", f->help);
	if (rc == 0)
		rc = gh_escape(b, msg.data, 0, err);
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", err);
	cg_buf_release(&title);
	cg_buf_release(&msg);
	return rc;
}

/* A plain summary line for the log. */
static int
write_summary(FILE *f, const struct cg_findings *fs, struct cg_err *err)
{
	size_t i, nsup = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].suppressed)
			nsup++;
	if (fprintf(f, "cascadeguard: %zu error(s), %zu warning(s), %zu "
	    "note(s), %zu suppressed\n", cg_findings_count(fs, CG_SEV_ERROR),
	    cg_findings_count(fs, CG_SEV_WARNING),
	    cg_findings_count(fs, CG_SEV_NOTE), nsup) < 0)
		return cg_err_set(err, CG_ESYS, "cannot write the report: %s",
		    strerror(errno));
	return 0;
}

int
cg_report_write_github(FILE *f, const struct cg_findings *fs,
    const struct cg_check_stats *stats, const struct cg_report_opts *opts,
    struct cg_err *err)
{
	struct cg_buf b = CG_BUF_INIT;
	size_t i;
	int rc = 0;

	(void)stats;
	(void)opts;
	for (i = 0; i < fs->n && rc == 0; i++)
		rc = finding_line(&b, &fs->v[i], err);
	if (rc == 0 && b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len)
		rc = cg_err_set(err, CG_ESYS, "cannot write the report: %s",
		    strerror(errno));
	cg_buf_release(&b);
	if (rc < 0)
		return rc;
	return write_summary(f, fs, err);
}
