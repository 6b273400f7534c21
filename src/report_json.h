/* SPDX-License-Identifier: MIT */
/*
 * Shared by the JSON-based report formats (report_json.c, report_sarif.c,
 * report_gitlab.c): the only header that names jansson's types, so it
 * lives in src/, not include/.
 */
#ifndef CG_REPORT_JSON_H
#define CG_REPORT_JSON_H

#include <stdio.h>

#include <jansson.h>

struct cg_err;

/*
 * A JSON string for s (NULL: JSON null).  Text that is not valid UTF-8
 * is escaped as \xNN first, since JSON strings must be Unicode.  NULL
 * when out of memory.
 */
json_t *cg_report_json_str(const char *s);

/*
 * Set key on obj to v, taking v's reference; a NULL v (out of memory)
 * is an error.  Returns 0 or CG_ENOMEM.
 */
int cg_report_json_set(json_t *obj, const char *key, json_t *v,
    struct cg_err *err);

/* Write root, indented, keys in insertion order, and a newline. */
int cg_report_json_dump(FILE *f, const json_t *root, struct cg_err *err);

#endif
