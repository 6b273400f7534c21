/* SPDX-License-Identifier: MIT */
/*
 * Printing findings.  One layer over the same findings for every format.
 */
#ifndef CG_REPORT_H
#define CG_REPORT_H

#include <stdio.h>

#include "check.h"
#include "finding.h"

struct cg_err;

enum cg_format { CG_FMT_TEXT };

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

#endif
