/* SPDX-License-Identifier: MIT */
/*
 * Configuration: the defaults and the repository's `.cascadeguard` INI
 * text (read with inih) merged into one struct cg_config.  A parse either
 * applies completely or leaves the config as it was.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "err.h"
#include "finding.h"
#include "util.h"
#include "banned.h"

#define CG_MAX_FILE_SIZE_LIMIT ((unsigned long long)1024 * 1024 * 1024)
/*
 * SECURITY: `.cascadeguard` comes from the pusher, so its sandbox limits
 * are bounded: at most 1 GiB of heap and 60 s per file.  Below 8 MiB
 * the tool's own queries could not run.
 */
#define CG_HEAP_LIMIT_MIN_BYTES ((size_t)8 * 1024 * 1024)
#define CG_TIME_BUDGET_MAX_MS 60000ul

/*
 * inih reads lines into a buffer of its compile-time INI_MAX_LINE bytes
 * (200 in Debian's build) and splits longer ones silently; we refuse
 * them instead.  The reader must return less than `num` - 1 bytes.
 */
#define CG_INI_MAX_LINE 200

void
cg_config_init(struct cg_config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->target = CG_TARGET_D1;
	c->target_set = 0;
	c->fk_on = 1;
	for (i = 0; i < CG_RULE__COUNT; i++)
		c->severity[i] = CG_SEV_DEFAULT;
	c->max_file_bytes = CG_DEFAULT_MAX_FILE_BYTES;
	c->cache_max_bytes = (long long)256 * 1024 * 1024;
	c->heap_limit_bytes = CG_DEFAULT_HEAP_BYTES;
	c->time_budget_ms = CG_DEFAULT_TIME_BUDGET_MS;
	c->step_budget = CG_DEFAULT_STEP_BUDGET;
	c->simulate = 1;
}

void
cg_set_release(struct cg_set *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->dir);
	free(s->origin);
	free(s->skip);
	cg_strvec_release(&s->globs);
	cg_strvec_release(&s->aliases);
	memset(s, 0, sizeof(*s));
}

void
cg_sets_free(struct cg_set *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		cg_set_release(&v[i]);
	free(v);
}

void
cg_config_release(struct cg_config *c)
{
	if (c == NULL)
		return;
	cg_strvec_release(&c->globs);
	cg_sets_free(c->sets, c->nsets);
	c->sets = NULL;
	c->nsets = 0;
}

/* Indexed by enum cg_target_kind.  Sources: docs/runners.md. */
static const struct {
	const char *name;
	struct cg_target_model model;
} targets[CG_TARGET__COUNT] = {
	{ "d1", { 1, 1, 1, "D1 wraps each migration in a transaction" } },
	{ "sqlite", { 0, -1, 0, NULL } },
	{ "drizzle", { 1, 1, 0, "drizzle's migrator runs the migrations "
	    "inside one transaction" } },
	{ "libsql", { 1, 0, 0, "drizzle's libSQL migrator runs the "
	    "migrations as one batch transaction" } },
	{ "prisma", { 0, 1, 0, NULL } },
	{ "sqlx", { 1, 1, 0, "sqlx runs each migration in a transaction "
	    "unless its first line is -- no-transaction" } },
	{ "golang-migrate", { 1, -1, 0, "golang-migrate's sqlite3 driver "
	    "wraps each migration in a transaction unless x-no-tx-wrap is set, "
	    "and then the target is sqlite" } },
};

const struct cg_target_model *
cg_target_model(enum cg_target_kind t)
{
	if ((int)t < 0 || t >= CG_TARGET__COUNT)
		t = CG_TARGET_D1;
	return &targets[t].model;
}

static int
lookup_target(enum cg_target_kind *out, const char *s)
{
	int i;

	for (i = 0; i < CG_TARGET__COUNT; i++) {
		if (strcmp(s, targets[i].name) == 0) {
			*out = (enum cg_target_kind)i;
			return 0;
		}
	}
	return -1;
}

int
cg_config_parse_target(enum cg_target_kind *out, const char *s,
    struct cg_err *err)
{
	if (lookup_target(out, s) == 0)
		return 0;
	return cg_err_set(err, CG_EINPUT,
	    "unknown target '%s' (expected " CG_TARGET_NAMES ")", s);
}

const char *
cg_target_name(enum cg_target_kind t)
{
	if ((int)t < 0 || t >= CG_TARGET__COUNT)
		t = CG_TARGET_D1;
	return targets[t].name;
}

int
cg_config_severity(const struct cg_config *c, enum cg_rule rule)
{
	if ((int)rule < 0 || rule >= CG_RULE__COUNT)
		return CG_SEV_OFF;
	if (c == NULL || c->severity[rule] == CG_SEV_DEFAULT)
		return (int)cg_rule_info(rule)->severity;
	return c->severity[rule];
}

/* State of one parse: the text being read and what it has set so far. */
struct ini_state {
	const char *text;	/* not NUL-terminated */
	size_t len;
	size_t off;		/* next byte the reader hands to inih */
	unsigned lineno;	/* line most recently handed to inih */
	const char *origin;
	struct cg_config next;	/* scalars of the result; globs unused */
	struct cg_strvec globs;	/* globs of this parse */
	int globs_seen;		/* a `migrations` key was read */
	struct cg_set *sets;	/* [set NAME] sections of this parse */
	size_t nsets, setcap;
	unsigned err_line;	/* first error found by us, 0 if none */
	struct cg_err *err;
};

/*
 * Record the first error of the parse ("origin:LINE: what 'name' in
 * [section]"); later ones are dropped.  Returns 0, inih's "error".
 */
static int
fail(struct ini_state *st, const char *what, const char *name,
    const char *section)
{
	if (st->err_line != 0)
		return 0;
	st->err_line = st->lineno;
	if (name != NULL && section != NULL)
		cg_err_set(st->err, CG_EINPUT, "%s:%u: %s '%s' in [%s]",
		    st->origin, st->lineno, what, name, section);
	else if (name != NULL)
		cg_err_set(st->err, CG_EINPUT, "%s:%u: %s '%s'", st->origin,
		    st->lineno, what, name);
	else
		cg_err_set(st->err, CG_EINPUT, "%s:%u: %s", st->origin,
		    st->lineno, what);
	return 0;
}

static int
fail_value(struct ini_state *st, const char *name, const char *value,
    const char *expected)
{
	if (st->err_line != 0)
		return 0;
	st->err_line = st->lineno;
	cg_err_set(st->err, CG_EINPUT, "%s:%u: invalid value '%s' for '%s' "
	    "(expected %s)", st->origin, st->lineno, value, name, expected);
	return 0;
}

static struct cg_set *parse_set(struct ini_state *st, const char *setname);

/*
 * Refuse a section line ("[x]" after blanks) naming an unknown section
 * here, since inih calls the handler only for keys: an empty unknown
 * section would pass unseen.  Returns -1 (error recorded) or 0.
 */
static int
check_section_line(struct ini_state *st, const char *line, size_t len)
{
	size_t i = 0, end;
	char name[CG_INI_MAX_LINE];

	if (st->lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		i = 3;	/* inih skips a UTF-8 BOM */
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '[')
		return 0;
	for (end = i + 1; end < len && line[end] != ']'; end++)
		;
	if (end >= len)
		return 0;	/* inih reports the syntax error */
	memcpy(name, line + i + 1, end - i - 1);
	name[end - i - 1] = '\0';
	if (strcmp(name, "cascadeguard") == 0 || strcmp(name, "rules") == 0)
		return 0;
	/* A [set NAME] with no keys must still be seen (and refused). */
	if (strncmp(name, "set ", 4) == 0 && name[4] != '\0' &&
	    name[4] != ' ')
		return parse_set(st, name + 4) == NULL ? -1 : 0;
	if (st->err_line == 0) {
		st->err_line = st->lineno;
		cg_err_set(st->err, CG_EINPUT, "%s:%u: unknown section [%s]",
		    st->origin, st->lineno, name);
	}
	return -1;
}

/*
 * fgets over the buffer: one whole line per call, so the line count is
 * exact (the handler has no line number in this inih build).  The text
 * has been checked for NUL bytes, which inih would take as line ends.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	const char *nl;
	size_t n;

	if (st->off >= st->len || st->err_line != 0)
		return NULL;
	nl = memchr(st->text + st->off, '\n', st->len - st->off);
	n = nl ? (size_t)(nl - (st->text + st->off)) + 1 : st->len - st->off;
	st->lineno++;
	/* SECURITY: never let inih split a long line into two lines. */
	if (num < 3 || n > (size_t)num - 3 || n >= CG_INI_MAX_LINE - 3) {
		fail(st, "line too long", NULL, NULL);
		return NULL;
	}
	memcpy(str, st->text + st->off, n);
	str[n] = '\0';
	st->off += n;
	if (check_section_line(st, str, n) < 0)
		return NULL;
	return str;
}

static int
parse_bool(int *out, const char *v)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* "BYTES[k|K|m|M]", 0 < value <= 1 GiB. */
static int
parse_size(size_t *out, const char *v)
{
	unsigned long long n, mult = 1;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;	/* strtoull would take "-1" or " 1" */
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v)
		return -1;
	if (*end == 'k' || *end == 'K') {
		mult = 1024;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		mult = 1024 * 1024;
		end++;
	}
	if (*end != '\0')
		return -1;
	if (n == 0 || n > CG_MAX_FILE_SIZE_LIMIT / mult)
		return -1;
	n *= mult;
	if (n > SIZE_MAX)
		return -1;
	*out = (size_t)n;
	return 0;
}

static int
parse_severity(int *out, const char *v)
{
	if (strcmp(v, "error") == 0)
		*out = CG_SEV_ERROR;
	else if (strcmp(v, "warning") == 0)
		*out = CG_SEV_WARNING;
	else if (strcmp(v, "note") == 0)
		*out = CG_SEV_NOTE;
	else if (strcmp(v, "off") == 0)
		*out = CG_SEV_OFF;
	else
		return -1;
	return 0;
}

/* "MS", 0 < value <= CG_TIME_BUDGET_MAX_MS. */
static int
parse_ms(unsigned *out, const char *v)
{
	unsigned long n;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -1;
	if (n == 0 || n > CG_TIME_BUDGET_MAX_MS)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int
parse_steps(unsigned long long *out, const char *v)
{
	unsigned long long n;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -1;
	if (n < CG_STEP_BUDGET_MIN || n > CG_STEP_BUDGET_MAX)
		return -1;
	*out = n;
	return 0;
}

static int
main_key(struct ini_state *st, const char *name, const char *value)
{
	enum cg_target_kind t;
	size_t size;

	if (strcmp(name, "migrations") == 0) {
		if (value[0] == '\0')
			return fail_value(st, name, value, "a glob");
		st->globs_seen = 1;
		if (cg_strvec_push(&st->globs, value, st->err) < 0) {
			st->err_line = st->lineno;
			return 0;
		}
		return 1;
	}
	if (strcmp(name, "target") == 0) {
		if (lookup_target(&t, value) < 0)
			return fail_value(st, name, value, CG_TARGET_NAMES);
		st->next.target = t;
		st->next.target_set = 1;
		return 1;
	}
	if (strcmp(name, "foreign-keys") == 0) {
		if (parse_bool(&st->next.fk_on, value) < 0)
			return fail_value(st, name, value, "on or off");
		return 1;
	}
	if (strcmp(name, "simulate") == 0) {
		if (parse_bool(&st->next.simulate, value) < 0)
			return fail_value(st, name, value, "on or off");
		return 1;
	}
	if (strcmp(name, "max-file-size") == 0) {
		if (parse_size(&st->next.max_file_bytes, value) < 0)
			return fail_value(st, name, value,
			    "1 to 1073741824 bytes, with an optional k or M");
		return 1;
	}
	if (strcmp(name, "heap-limit") == 0) {
		if (parse_size(&size, value) < 0 ||
		    size < CG_HEAP_LIMIT_MIN_BYTES)
			return fail_value(st, name, value,
			    "8M to 1024M bytes, with an optional k or M");
		st->next.heap_limit_bytes = (long long)size;
		return 1;
	}
	if (strcmp(name, "time-budget-ms") == 0) {
		if (parse_ms(&st->next.time_budget_ms, value) < 0)
			return fail_value(st, name, value,
			    "1 to 60000 milliseconds");
		return 1;
	}
	if (strcmp(name, "step-budget") == 0) {
		if (parse_steps(&st->next.step_budget, value) < 0)
			return fail_value(st, name, value,
			    "1000 to 10000000000 steps");
		return 1;
	}
	return fail(st, "unknown key", name, "cascadeguard");
}

static int
rules_key(struct ini_state *st, const char *name, const char *value)
{
	int rule = cg_rule_lookup(name);

	if (rule < 0)
		return fail(st, "unknown rule", name, "rules");
	if (parse_severity(&st->next.severity[rule], value) < 0)
		return fail_value(st, name, value,
		    "error, warning, note or off");
	return 1;
}

/* The set named setname of this parse, made on first use; NULL on error. */
static struct cg_set *
parse_set(struct ini_state *st, const char *setname)
{
	struct cg_set *set;
	size_t i;

	for (i = 0; i < st->nsets; i++)
		if (strcmp(st->sets[i].name, setname) == 0)
			return &st->sets[i];
	/* SECURITY: the file is the pusher's; each set replays a history. */
	if (st->nsets >= CG_MAX_CONFIG_SETS) {
		cg_err_set(st->err, CG_EINPUT, "more than %d [set] sections",
		    CG_MAX_CONFIG_SETS);
		st->err_line = st->lineno;
		return NULL;
	}
	if (cg_grow(&st->sets, &st->setcap, st->nsets + 1, sizeof(*st->sets),
	    st->err) < 0) {
		st->err_line = st->lineno;
		return NULL;
	}
	set = &st->sets[st->nsets];
	memset(set, 0, sizeof(*set));
	set->name = strdup(setname);
	if (set->name == NULL) {
		cg_err_nomem(st->err);
		st->err_line = st->lineno;
		return NULL;
	}
	st->nsets++;
	return set;
}

/* [set NAME]: migrations (repeatable) and target. */
static int
set_key(struct ini_state *st, const char *setname, const char *name,
    const char *value)
{
	struct cg_set *set = parse_set(st, setname);

	if (set == NULL)
		return 0;
	if (strcmp(name, "migrations") == 0) {
		if (value[0] == '\0')
			return fail_value(st, name, value, "a glob");
		if (cg_strvec_push(&set->globs, value, st->err) < 0) {
			st->err_line = st->lineno;
			return 0;
		}
		return 1;
	}
	if (strcmp(name, "target") == 0) {
		if (lookup_target(&set->target, value) < 0)
			return fail_value(st, name, value, CG_TARGET_NAMES);
		set->target_set = 1;
		return 1;
	}
	return fail(st, "unknown key", name, "set");
}

/* inih's handler: nonzero means OK. */
static int
on_key(void *user, const char *section, const char *name,
    const char *value)
{
	struct ini_state *st = user;

	if (st->err_line != 0)
		return 0;
	if (value == NULL)
		value = "";
	if (strcmp(section, "cascadeguard") == 0)
		return main_key(st, name, value);
	if (strcmp(section, "rules") == 0)
		return rules_key(st, name, value);
	if (strncmp(section, "set ", 4) == 0 && section[4] != '\0')
		return set_key(st, section + 4, name, value);
	if (section[0] == '\0')
		return fail(st, "key outside a section:", name, NULL);
	/* Only reached if a section line escaped check_section_line. */
	st->err_line = st->lineno;
	cg_err_set(st->err, CG_EINPUT, "%s:%u: unknown section [%s]",
	    st->origin, st->lineno, section);
	return 0;
}

int
cg_config_parse_ini(struct cg_config *c, const char *text, size_t len,
    const char *origin, struct cg_err *err)
{
	struct ini_state st;
	const char *nul;
	unsigned line;
	size_t i;
	int rc;

	memset(&st, 0, sizeof(st));
	st.text = text;
	st.len = len;
	st.origin = origin;
	st.err = err;
	st.next = *c;
	st.next.globs = (struct cg_strvec)CG_STRVEC_INIT;

	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul != NULL) {
		line = 1;
		for (i = 0; i < (size_t)(nul - text); i++)
			line += text[i] == '\n';
		return cg_err_set(err, CG_EINPUT, "%s:%u: NUL byte", origin,
		    line);
	}
	rc = ini_parse_stream(read_line, &st, on_key, &st);
	if (rc < 0 && st.err_line == 0) {
		rc = cg_err_set(err, CG_ENOMEM, "cannot parse '%s'", origin);
		goto out;
	}
	if (rc > 0 && (st.err_line == 0 || (unsigned)rc < st.err_line)) {
		rc = cg_err_set(err, CG_EINPUT, "%s:%d: syntax error", origin,
		    rc);
		goto out;
	}
	if (st.err_line != 0) {
		rc = err != NULL && err->code < 0 ? err->code : CG_EINPUT;
		goto out;
	}
	for (i = 0; i < st.nsets; i++) {
		if (st.sets[i].globs.n == 0) {
			rc = cg_err_set(err, CG_EINPUT, "%s: [set %s] has no "
			    "'migrations' glob", origin, st.sets[i].name);
			goto out;
		}
	}
	if (st.nsets > 0 && st.globs_seen) {
		rc = cg_err_set(err, CG_EINPUT, "%s: 'migrations' in "
		    "[cascadeguard] and [set ...] sections exclude each other: "
		    "put every glob in a set", origin);
		goto out;
	}
	rc = 0;
	if (st.nsets > 0) {
		cg_sets_free(c->sets, c->nsets);
		c->sets = st.sets;
		c->nsets = st.nsets;
		st.sets = NULL;
		st.nsets = 0;
	}
	/* Success: the first `migrations` replaces, the rest appended. */
	if (st.globs_seen) {
		cg_strvec_release(&c->globs);
		c->globs = st.globs;
		st.globs = (struct cg_strvec)CG_STRVEC_INIT;
	}
	st.next.globs = c->globs;
	st.next.sets = c->sets;
	st.next.nsets = c->nsets;
	*c = st.next;
out:
	cg_strvec_release(&st.globs);
	cg_sets_free(st.sets, st.nsets);
	return rc;
}
