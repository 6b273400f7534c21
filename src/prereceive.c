/* SPDX-License-Identifier: MIT */
/*
 * The pre-receive protocol without git: stdin lines, ref globs and push
 * options.  Pure functions over bytes, so every rejection path is
 * unit-tested (tests/unit/test_prereceive.c).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "finding.h"
#include "prereceive.h"
#include "util.h"
#include "banned.h"

void
cg_ref_updates_release(struct cg_ref_updates *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->n; i++)
		free(u->v[i].ref);
	free(u->v);
	u->v = NULL;
	u->n = 0;
	u->cap = 0;
}

/* Length of the lowercase hex run at p (at most max), 0 if none. */
static size_t
hex_run(const char *p, size_t avail)
{
	size_t i;

	for (i = 0; i < avail; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f')))
			break;
	return i;
}

static int
all_zero(const char *hex)
{
	for (; *hex != '\0'; hex++)
		if (*hex != '0')
			return 0;
	return 1;
}

/* Parse one line (without its LF) into u; a message into why on error. */
static const char *
parse_line(struct cg_ref_update *u, const char *p, size_t n)
{
	size_t a, b, i;
	const char *ref;
	size_t reflen;

	a = hex_run(p, n);
	if (a != 40 && a != 64)
		return "expected '<old> <new> <ref>' with 40 or 64 "
		    "lowercase hex digits";
	if (a == n || p[a] != ' ')
		return "expected a space after the old object id";
	b = hex_run(p + a + 1, n - a - 1);
	if (b != a)
		return "the new object id is not lowercase hex of the "
		    "same length as the old one";
	if (a + 1 + b == n || p[a + 1 + b] != ' ')
		return "expected a space after the new object id";
	ref = p + a + 1 + b + 1;
	reflen = n - (a + 1 + b + 1);
	if (reflen == 0)
		return "the ref name is missing";
	if (reflen > CG_PRERECEIVE_MAX_REF_BYTES)
		return "the ref name is too long";
	for (i = 0; i < reflen; i++) {
		unsigned char c = (unsigned char)ref[i];

		if (c <= 0x20 || c == 0x7f)
			return "the ref name has a space or a control byte";
	}
	memcpy(u->old_oid, p, a);
	u->old_oid[a] = '\0';
	memcpy(u->new_oid, p + a + 1, b);
	u->new_oid[b] = '\0';
	u->created = all_zero(u->old_oid);
	u->deleted = all_zero(u->new_oid);
	if (u->created && u->deleted)
		return "both object ids are zero";
	u->ref = cg_strndup(ref, reflen);
	return NULL;
}

int
cg_prereceive_parse(struct cg_ref_updates *out, const char *data,
    size_t len, struct cg_err *err)
{
	struct cg_ref_updates u = CG_REF_UPDATES_INIT;
	struct cg_ref_update one;
	const char *p = data, *end = data + len, *nl, *why;
	size_t lineno = 0;
	int rc = 0;

	while (p < end) {
		lineno++;
		if (lineno > CG_PRERECEIVE_MAX_LINES) {
			rc = cg_err_set(err, CG_EINPUT, "stdin line %zu: more "
			    "than %d ref updates", lineno,
			    CG_PRERECEIVE_MAX_LINES);
			goto out;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		memset(&one, 0, sizeof(one));
		why = parse_line(&one, p, (size_t)(nl - p));
		if (why != NULL) {
			free(one.ref);
			rc = cg_err_set(err, CG_EINPUT, "stdin line %zu: %s; "
			    "nothing accepted", lineno, why);
			goto out;
		}
		if (one.ref == NULL) {
			rc = cg_err_nomem(err);
			goto out;
		}
		rc = cg_grow(&u.v, &u.cap, u.n + 1, sizeof(*u.v), err);
		if (rc < 0) {
			free(one.ref);
			goto out;
		}
		u.v[u.n++] = one;
		p = nl < end ? nl + 1 : end;
	}
	if (u.n == 0) {
		rc = cg_err_set(err, CG_EINPUT, "no ref updates on stdin "
		    "(expected '<old> <new> <ref>' lines from git)");
		goto out;
	}
	cg_ref_updates_release(out);
	*out = u;
	memset(&u, 0, sizeof(u));
out:
	cg_ref_updates_release(&u);
	return rc;
}

int
cg_prereceive_ref_wanted(const char *ref, const struct cg_strvec *globs)
{
	size_t i;

	if (globs == NULL || globs->n == 0)
		return strncmp(ref, "refs/heads/", 11) == 0 && ref[11] != '\0';
	for (i = 0; i < globs->n; i++)
		if (fnmatch(globs->v[i], ref, 0) == 0)
			return 1;
	return 0;
}

static int
add_rules(struct cg_push_override *o, const char *list, struct cg_err *err)
{
	const char *p = list, *comma;
	char *name = NULL;
	int rc = 0;

	for (;;) {
		comma = strchr(p, ',');
		name = cg_strndup(p, comma ? (size_t)(comma - p) : strlen(p));
		if (name == NULL)
			return cg_err_nomem(err);
		if (name[0] == '\0' || cg_rule_lookup(name) < 0) {
			rc = cg_err_set(err, CG_EINPUT, "push option "
			    "cascadeguard.allow: unknown rule '%.64s' (see "
			    "the rule names in the rejection)", name);
			break;
		}
		rc = cg_strvec_push(&o->rules, name, err);
		if (rc < 0)
			break;
		free(name);
		name = NULL;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(name);
	return rc;
}

int
cg_push_override_add(struct cg_push_override *o, const char *option,
    struct cg_err *err)
{
	static const char allow[] = "cascadeguard.allow=";
	static const char reason[] = "cascadeguard.reason=";

	if (strncmp(option, "cascadeguard.", 13) != 0)
		return 0;
	o->asked = 1;
	if (strncmp(option, allow, sizeof(allow) - 1) == 0)
		return add_rules(o, option + sizeof(allow) - 1, err);
	if (strncmp(option, reason, sizeof(reason) - 1) == 0) {
		option += sizeof(reason) - 1;
		if (option[0] == '\0')
			return 0;
		free(o->reason);
		o->reason = cg_strdup(option);
		return o->reason == NULL ? cg_err_nomem(err) : 0;
	}
	return cg_err_set(err, CG_EINPUT, "unknown push option '%.64s' "
	    "(cascadeguard.allow=RULE[,RULE] and cascadeguard.reason=TEXT "
	    "are known)", option);
}

int
cg_push_override_covers(const struct cg_push_override *o,
    const char *rule_name)
{
	size_t i;

	for (i = 0; i < o->rules.n; i++)
		if (strcmp(o->rules.v[i], rule_name) == 0)
			return 1;
	return 0;
}

void
cg_push_override_release(struct cg_push_override *o)
{
	if (o == NULL)
		return;
	cg_strvec_release(&o->rules);
	free(o->reason);
	o->reason = NULL;
	o->asked = 0;
}
