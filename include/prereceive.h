/* SPDX-License-Identifier: MIT */
/*
 * The pre-receive protocol, without git: parsing the `<old> <new> <ref>`
 * lines git writes on the hook's stdin, matching refs against the
 * server's globs, and the `cascadeguard.*` push options.  Pure: no I/O,
 * so it is unit-tested and fuzzed on its own.
 */
#ifndef CG_PRERECEIVE_H
#define CG_PRERECEIVE_H

#include <stddef.h>

#include "util.h"

struct cg_err;

#define CG_PRERECEIVE_OID_BYTES 65	/* 64 hex (SHA-256) + NUL */
#define CG_PRERECEIVE_MAX_REF_BYTES 4096	/* SECURITY: longer refs refused */
#define CG_PRERECEIVE_MAX_LINES 100000	/* SECURITY: bounded push size */

struct cg_ref_update {
	char old_oid[CG_PRERECEIVE_OID_BYTES];	/* lowercase hex */
	char new_oid[CG_PRERECEIVE_OID_BYTES];
	char *ref;				/* owned */
	int created;				/* old is all zeros */
	int deleted;				/* new is all zeros */
};

struct cg_ref_updates {
	struct cg_ref_update *v;
	size_t n;
	size_t cap;
};

#define CG_REF_UPDATES_INIT { NULL, 0, 0 }

/*
 * Parse the whole of stdin (data[0..len), not NUL-terminated) into out.
 * Every line is `<old> SP <new> SP <ref> LF`: both ids 40 or 64 lowercase
 * hex of the same length, the ref non-empty, without control bytes or
 * spaces.  The last line may lack its LF.  Any other input (empty lines,
 * CR, NUL, uppercase hex, both ids zero) is CG_EINPUT naming the 1-based
 * line, and out is left empty: nothing is accepted.
 */
int cg_prereceive_parse(struct cg_ref_updates *out, const char *data,
    size_t len, struct cg_err *err);
void cg_ref_updates_release(struct cg_ref_updates *u);

/*
 * 1 when ref matches one of globs (fnmatch, '*' also crosses '/'), or,
 * with no globs, when it is under refs/heads/.
 */
int cg_prereceive_ref_wanted(const char *ref, const struct cg_strvec *globs);

/* The override a pusher asks for with `git push -o`. */
struct cg_push_override {
	struct cg_strvec rules;	/* from cascadeguard.allow=a,b (repeatable) */
	char *reason;		/* owned: cascadeguard.reason=...; NULL if none */
	int asked;		/* 1 when any cascadeguard.* option was given */
};

#define CG_PUSH_OVERRIDE_INIT { CG_STRVEC_INIT, NULL, 0 }

/*
 * Read one push option (`key=value`).  Options outside `cascadeguard.`
 * are ignored.  An unknown cascadeguard.* key, an empty or unknown rule
 * name: CG_EINPUT.
 */
int cg_push_override_add(struct cg_push_override *o, const char *option,
    struct cg_err *err);
/* 1 when rule_name is in the override's list. */
int cg_push_override_covers(const struct cg_push_override *o,
    const char *rule_name);
void cg_push_override_release(struct cg_push_override *o);

#endif
