/* SPDX-License-Identifier: MIT */
/*
 * The locked-down in-memory database that untrusted migrations run in.
 * Every limit on untrusted SQL lives here: database configuration,
 * SQLite's limits, the authorizer's denials, the heap limit, the
 * per-file step budget (with a wall-clock backstop) and the bounds on
 * SQL functions whose cost an argument sets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "err.h"
#include "sandbox.h"
#include "sandbox_db.h"
#include "sqltext.h"
#include "util.h"
#include "banned.h"

#define CG_DENIAL_BYTES 256
#define CG_PROGRESS_OPS 1000	/* VM instructions between budget checks */

#define CG_NQUAD 7	/* functions quad_fn bounds */
#define CG_PLAIN_CACHE 16	/* prepared statements plain_call keeps */

struct cg_sandbox;

struct cg_bounded {		/* the user data of quad_fn */
	struct cg_sandbox *sb;
	const char *name;
};

struct cg_sandbox {
	sqlite3 *db;
	struct cg_sandbox_opts opts;
	cg_sandbox_observer observer;
	void *observer_payload;
	char denial[CG_DENIAL_BYTES];	/* empty when nothing was denied */
	struct timespec deadline;	/* CLOCK_MONOTONIC */
	unsigned long long steps;	/* VM steps since the budget started */
	int budget_armed;		/* cg_sandbox_budget_start was called */
	int budget_suspended;		/* the tool's own queries run */
	int budget_hit;			/* 0 or CG_BUDGET_STEPS/TIME */
	sqlite3 *plain;			/* runs the real built-ins: plain_call */
	struct cg_bounded quad[CG_NQUAD];
	/* plain_call's statements, kept: preparing one per call was ~2 ms
	 * of a warm check (the tool's own queries call LIKE per table) */
	struct {
		const char *name;
		int argc;
		sqlite3_stmt *st;
	} plain_st[CG_PLAIN_CACHE];
	size_t nplain_st;
	int tool_pragma;		/* cg_sandbox_exec_unchecked runs */
};

/*
 * Pragmas a migration may run.  Everything else is denied, including
 * unknown names (SQLite would ignore them silently; D1 denies them too).
 */
static const char *const allowed_pragmas[] = {
	"application_id",
	"auto_vacuum",
	"busy_timeout",
	"cache_size",
	"data_version",		/* read only; FTS5 reads it when a table is made */
	"defer_foreign_keys",
	"encoding",		/* read only: see pragma_denied */
	"foreign_key_check",
	"foreign_key_list",
	"foreign_keys",
	"index_info",
	"index_list",
	"index_xinfo",
	"integrity_check",
	"journal_mode",		/* always "memory" here */
	"legacy_alter_table",
	"optimize",
	"page_count",		/* read only; sqlite3_serialize runs it */
	"page_size",
	"quick_check",
	"recursive_triggers",
	"synchronous",
	"table_info",
	"table_list",
	"table_xinfo",
	"user_version",
};

/*
 * SECURITY: functions that reach outside the database.  load_extension
 * runs native code; readfile/writefile/edit (shell extensions) touch
 * files and processes; fts3_tokenizer with two arguments installs a
 * function pointer.
 */
static const char *const denied_functions[] = {
	"edit",
	"fts3_tokenizer",
	"load_extension",
	"lsdir",
	"readfile",
	"sqlar_compress",	/* shell: with sqlar_uncompress, zip bombs */
	"sqlar_uncompress",
	"writefile",
};

static void
set_denial(struct cg_sandbox *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_denial(struct cg_sandbox *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* Truncation is fine: the reason is for people. */
	(void)vsnprintf(sb->denial, sizeof(sb->denial), fmt, ap);
	va_end(ap);
}

static int
name_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (cg_ident_eq(name, list[i]))
			return 1;
	return 0;
}

/* 1 (with the reason recorded) when PRAGMA name [= arg] is denied. */
static int
pragma_denied(struct cg_sandbox *sb, const char *name, const char *arg)
{
	if (name == NULL) {
		set_denial(sb, "this PRAGMA is not allowed in the sandbox");
		return 1;
	}
	/* The simulation's own switch (cg_sandbox_exec_unchecked) only. */
	if (sb->tool_pragma && cg_ident_eq(name, "ignore_check_constraints"))
		return 0;
	/* SECURITY: writable_schema lets SQL corrupt sqlite_schema. */
	if (cg_ident_eq(name, "writable_schema")) {
		set_denial(sb, "PRAGMA writable_schema is not allowed in the "
		    "sandbox");
		return 1;
	}
	if (cg_ident_eq(name, "encoding") && arg != NULL) {
		set_denial(sb, "setting PRAGMA encoding is not allowed in the "
		    "sandbox");
		return 1;
	}
	/*
	 * SECURITY: an allow-list, because other pragmas switch off checks
	 * (ignore_check_constraints, trusted_schema), move data to disk
	 * (temp_store, mmap_size) or tamper with the file format
	 * (schema_version).
	 */
	if (!name_in(name, allowed_pragmas,
	    sizeof(allowed_pragmas) / sizeof(*allowed_pragmas))) {
		set_denial(sb, "PRAGMA %s is not allowed in the sandbox", name);
		return 1;
	}
	return 0;
}

static int
authorize(void *payload, int action, const char *a1, const char *a2,
    const char *db, const char *trigger)
{
	struct cg_sandbox *sb = payload;

	switch (action) {
	case SQLITE_ATTACH:
		/*
		 * SECURITY: ATTACH opens any file the server can reach, to
		 * read or write it; VACUUM INTO attaches internally, so this
		 * denies it too.
		 */
		set_denial(sb, "ATTACH is not allowed in the sandbox (it could "
		    "read or write files on the server)");
		return SQLITE_DENY;
	case SQLITE_DETACH:
		set_denial(sb, "DETACH is not allowed in the sandbox");
		return SQLITE_DENY;
	case SQLITE_FUNCTION:
		if (name_in(a2, denied_functions, sizeof(denied_functions) /
		    sizeof(*denied_functions))) {
			set_denial(sb, "function %s() is not allowed in the "
			    "sandbox (it could reach files or load code on the "
			    "server)", a2);
			return SQLITE_DENY;
		}
		break;
	case SQLITE_PRAGMA:
		if (pragma_denied(sb, a1, a2))
			return SQLITE_DENY;
		break;
	default:
		break;
	}
	if (sb->observer != NULL &&
	    sb->observer(action, a1, a2, db, trigger, sb->observer_payload) != 0)
		return SQLITE_DENY;
	return SQLITE_OK;
}

static int
deadline_passed(const struct cg_sandbox *sb)
{
	struct timespec now;

	if (!sb->budget_armed)
		return 0;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 1;	/* no clock: fail closed */
	if (now.tv_sec != sb->deadline.tv_sec)
		return now.tv_sec > sb->deadline.tv_sec;
	return now.tv_nsec >= sb->deadline.tv_nsec;
}

/*
 * SECURITY: stops a statement that loops (recursive CTE, trigger storm).
 * SQLite calls it every CG_PROGRESS_OPS VM steps, a count that depends
 * only on the SQL and the schema: the step budget gives the same verdict
 * on an idle and a loaded machine.  The clock is only a backstop.
 */
static int
on_progress(void *payload)
{
	struct cg_sandbox *sb = payload;

	if (sb->budget_suspended)
		return 0;
	if (sb->budget_hit)
		return 1;
	if (sb->budget_armed) {
		sb->steps += CG_PROGRESS_OPS;
		if (sb->steps > sb->opts.step_budget)
			sb->budget_hit = CG_BUDGET_STEPS;
	}
	if (!sb->budget_hit && deadline_passed(sb))
		sb->budget_hit = CG_BUDGET_TIME;
	return sb->budget_hit != 0;
}

/*
 * SECURITY: printf('%.*c', 2000000000, 'a') repeats a character two
 * billion times inside one call, where no progress handler runs, even
 * though the result is over SQLITE_LIMIT_LENGTH and comes out NULL (17 s).
 * Every width and precision, written in the format or taken by '*' from
 * an argument, must be within the length limit; then the real printf
 * runs on a private connection with the same limit.  Other built-ins
 * whose cost an argument sets (zeroblob, randomblob, replace, substr,
 * hex, char, group_concat, concat, ...) build their result in one
 * allocation checked against SQLITE_LIMIT_LENGTH before the work, or
 * their cost is bounded by the length of their inputs.
 */
static const char *
printf_bound(sqlite3_value **argv, int argc, sqlite3_int64 limit)
{
	const unsigned char *f = sqlite3_value_text(argv[0]);
	sqlite3_int64 n;
	int arg = 1;
	int part;

	if (f == NULL)
		return NULL;
	while (*f != '\0') {
		if (*f++ != '%')
			continue;
		if (*f == '%') {
			f++;
			continue;
		}
		while (*f != '\0' && strchr("-+ #0!,", *f) != NULL)
			f++;
		/* part 0: the width; part 1: after '.', the precision */
		for (part = 0; part < 2; part++) {
			if (part == 1) {
				if (*f != '.')
					break;
				f++;
			}
			n = 0;
			if (*f == '*') {
				f++;
				n = arg < argc ? sqlite3_value_int64(argv[arg]) :
				    0;
				arg++;
				if (n < 0)
					n = n < -limit ? limit + 1 : -n;
			} else {
				while (*f >= '0' && *f <= '9') {
					if (n <= limit)
						n = n * 10 + (*f - '0');
					f++;
				}
			}
			if (n > limit)
				return part == 0 ? "width" : "precision";
		}
		/* the conversion itself takes one argument */
		if (*f != '\0')
			f++;
		arg++;
	}
	return NULL;
}

/*
 * Run the real built-in name on a private connection without the sandbox's
 * wrappers (with the same length limits) and return its result.
 */
static void
plain_call(sqlite3_context *ctx, struct cg_sandbox *sb, const char *name,
    int argc, sqlite3_value **argv)
{
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	int limit = sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1);
	char sql[32 + 4 * 100];
	sqlite3_stmt *st = NULL;
	size_t off, k;
	int i, rc;

	if (sb->plain == NULL) {
		rc = sqlite3_open_v2(":memory:", &sb->plain,
		    SQLITE_OPEN_READWRITE, NULL);
		if (rc != SQLITE_OK) {
			(void)sqlite3_close_v2(sb->plain);
			sb->plain = NULL;
			sqlite3_result_error_nomem(ctx);
			return;
		}
		sqlite3_limit(sb->plain, SQLITE_LIMIT_LENGTH, limit);
		sqlite3_limit(sb->plain, SQLITE_LIMIT_LIKE_PATTERN_LENGTH,
		    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, -1));
	}
	for (k = 0; k < sb->nplain_st; k++)
		if (sb->plain_st[k].argc == argc &&
		    strcmp(sb->plain_st[k].name, name) == 0)
			break;
	if (k < sb->nplain_st) {
		st = sb->plain_st[k].st;
		rc = SQLITE_OK;
	} else {
		off = (size_t)snprintf(sql, sizeof(sql), "SELECT %s(?1", name);
		for (i = 2; i <= argc && i <= 100 && off < sizeof(sql); i++)
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			    ",?%d", i);
		if (off < sizeof(sql))
			(void)snprintf(sql + off, sizeof(sql) - off, ")");
		rc = sqlite3_prepare_v2(sb->plain, sql, -1, &st, NULL);
		if (rc == SQLITE_OK && sb->nplain_st < CG_PLAIN_CACHE) {
			k = sb->nplain_st++;
			sb->plain_st[k].name = name;	/* static strings */
			sb->plain_st[k].argc = argc;
			sb->plain_st[k].st = st;
		}
	}
	for (i = 0; rc == SQLITE_OK && i < argc; i++)
		rc = sqlite3_bind_value(st, i + 1, argv[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
	else if (rc == SQLITE_NOMEM)
		sqlite3_result_error_nomem(ctx);
	else if (rc == SQLITE_TOOBIG)
		sqlite3_result_error_toobig(ctx);
	else
		sqlite3_result_error(ctx, sqlite3_errmsg(sb->plain), -1);
	if (k < sb->nplain_st) {
		/* the result was copied: the statement can be reused */
		(void)sqlite3_reset(st);
		(void)sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
}

/*
 * SECURITY: like, glob, instr, replace and trim compare every byte of one
 * argument with every byte of another inside one call, where no progress
 * handler runs (instr of a 20 MB and a 1 MB string: minutes).  Their work,
 * the product of the two lengths, is charged to the step budget (one step
 * per CG_QUAD_BYTES_PER_STEP) before they run, and one call may not do
 * more than CG_QUAD_MAX: both are deterministic.
 */
#define CG_QUAD_BYTES_PER_STEP	64
#define CG_QUAD_MAX		((sqlite3_int64)1 << 28)

static void
quad_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct cg_bounded *b = sqlite3_user_data(ctx);
	struct cg_sandbox *sb = b->sb;
	sqlite3_int64 work;
	char msg[160];

	if (argc < 2) {
		plain_call(ctx, sb, b->name, argc, argv);
		return;
	}
	work = (sqlite3_int64)sqlite3_value_bytes(argv[0]) *
	    (sqlite3_int64)sqlite3_value_bytes(argv[1]);
	if (work > CG_QUAD_MAX) {
		(void)snprintf(msg, sizeof(msg), "%s() over the sandbox's "
		    "limit: %lld bytes compared with %lld bytes", b->name,
		    (long long)sqlite3_value_bytes(argv[0]),
		    (long long)sqlite3_value_bytes(argv[1]));
		sqlite3_result_error(ctx, msg, -1);
		sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
		return;
	}
	if (sb->budget_armed && !sb->budget_suspended) {
		sb->steps += (unsigned long long)work / CG_QUAD_BYTES_PER_STEP;
		if (sb->steps > sb->opts.step_budget && !sb->budget_hit)
			sb->budget_hit = CG_BUDGET_STEPS;
		if (sb->budget_hit) {
			sqlite3_result_error(ctx, "interrupted", -1);
			sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
			return;
		}
	}
	plain_call(ctx, sb, b->name, argc, argv);
}

static void
printf_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cg_sandbox *sb = sqlite3_user_data(ctx);
	int limit = sqlite3_limit(sqlite3_context_db_handle(ctx),
	    SQLITE_LIMIT_LENGTH, -1);
	const char *what;

	if (argc < 1)
		return;
	what = printf_bound(argv, argc, limit);
	if (what != NULL) {
		char msg[128];

		(void)snprintf(msg, sizeof(msg), "printf() %s over the "
		    "sandbox's limit of %d bytes", what, limit);
		sqlite3_result_error(ctx, msg, -1);
		sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
		return;
	}
	plain_call(ctx, sb, "printf", argc, argv);
}

/* Replace printf and format (its other name) with printf_fn. */
static int
bound_functions(struct cg_sandbox *sb, struct cg_err *err)
{
	static const char *const names[] = { "printf", "format" };
	static const char *const quad_names[CG_NQUAD] = { "like", "glob",
		"instr", "replace", "trim", "ltrim", "rtrim" };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		rc = sqlite3_create_function(sb->db, names[i], -1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, sb, printf_fn, NULL,
		    NULL);
		if (rc != SQLITE_OK)
			return cg_err_set(err, CG_ESQL, "cannot bound %s() in "
			    "the sandbox: %s", names[i], sqlite3_errstr(rc));
	}
	for (i = 0; i < CG_NQUAD; i++) {
		sb->quad[i].sb = sb;
		sb->quad[i].name = quad_names[i];
		rc = sqlite3_create_function(sb->db, quad_names[i], -1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, &sb->quad[i], quad_fn,
		    NULL, NULL);
		if (rc != SQLITE_OK)
			return cg_err_set(err, CG_ESQL, "cannot bound %s() in "
			    "the sandbox: %s", quad_names[i],
			    sqlite3_errstr(rc));
	}
	return 0;
}

static int
db_config(sqlite3 *db, int op, int on, const char *what, struct cg_err *err)
{
	int rc;

	rc = sqlite3_db_config(db, op, on, (int *)NULL);
	if (rc != SQLITE_OK)
		return cg_err_set(err, CG_ESQL, "cannot configure the sandbox "
		    "(%s): %s", what, sqlite3_errstr(rc));
	return 0;
}

/*
 * Open and lock down a database; when data is not NULL, it becomes the
 * main database (sqlite3_deserialize takes it, even on failure).  The
 * authorizer goes on last: deserializing runs an internal ATTACH.
 */
static int
sandbox_new(struct cg_sandbox **out, const struct cg_sandbox_opts *opts,
    unsigned char *data, sqlite3_int64 size, struct cg_err *err)
{
	struct cg_sandbox *sb = NULL;
	char *msg = NULL;
	int rc;

	sb = calloc(1, sizeof(*sb));
	if (sb == NULL) {
		sqlite3_free(data);
		return cg_err_nomem(err);
	}
	sb->opts = *opts;

	/* SECURITY: a plain ":memory:" name, no URI: nothing names a file. */
	rc = sqlite3_open_v2(":memory:", &sb->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_free(data);
		rc = rc == SQLITE_NOMEM ? cg_err_nomem(err) :
		    cg_err_set(err, CG_ESQL, "cannot open the sandbox: %s",
		    sqlite3_errstr(rc));
		goto out;
	}

	/* SECURITY: no writes to sqlite_schema or sqlite_dbpage, no
	 * corrupting the file format. */
	rc = db_config(sb->db, SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive", err);
	/*
	 * Trusted schema stays ON, SQLite's default and what production
	 * runs: with it off, an index on json_extract() (not marked
	 * innocuous in SQLite 3.40) fails with "unsafe use", so real
	 * migrations would not replay.  It guards against a hostile
	 * database FILE; here the hostile part is the SQL, and every
	 * function it names passes the authorizer (denied_functions),
	 * extension loading and fts3_tokenizer are off below, and the
	 * shell's file functions are not registered.  docs/security.md.
	 */
	if (rc == 0)
		rc = db_config(sb->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1,
		    "trusted schema", err);
	/* SECURITY: load_extension() would run native code. */
	if (rc == 0)
		rc = db_config(sb->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
		    "load extension", err);
	/* SECURITY: fts3_tokenizer(name, ptr) would install a pointer. */
	if (rc == 0)
		rc = db_config(sb->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0,
		    "fts3 tokenizer", err);
	/* Migrations create triggers and views; they must keep working. */
	if (rc == 0)
		rc = db_config(sb->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1,
		    "triggers", err);
	if (rc == 0)
		rc = db_config(sb->db, SQLITE_DBCONFIG_ENABLE_VIEW, 1, "views",
		    err);
	if (rc < 0) {
		sqlite3_free(data);
		goto out;
	}

	/*
	 * SECURITY: temporary tables and sort files never reach the disk.
	 * Small pages: a serialized schema (the replay cache) is a third of
	 * the size with 1 KiB pages, and a warm check reads it whole.
	 */
	rc = sqlite3_exec(sb->db, "PRAGMA temp_store=MEMORY; "
	    "PRAGMA page_size=1024", NULL, NULL,
	    &msg);
	if (rc != SQLITE_OK) {
		sqlite3_free(data);
		rc = cg_err_set(err, CG_ESQL, "cannot configure the sandbox: "
		    "%s", msg != NULL ? msg : sqlite3_errstr(rc));
		goto out;
	}

	/* SECURITY: ATTACH of any file, even the internal one of VACUUM INTO. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_ATTACHED, 0);
	/* SECURITY: bound the memory and time one statement can ask for. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_SQL_LENGTH, 8 * 1024 * 1024);
	sqlite3_limit(sb->db, SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
	sqlite3_limit(sb->db, SQLITE_LIMIT_COLUMN, 2000);
	/* SECURITY: deep expressions overflow the parser's stack. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_EXPR_DEPTH, 1000);
	sqlite3_limit(sb->db, SQLITE_LIMIT_COMPOUND_SELECT, 500);
	/* SECURITY: recursive triggers as a stack or time bomb. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_TRIGGER_DEPTH, 100);
	sqlite3_limit(sb->db, SQLITE_LIMIT_VARIABLE_NUMBER, 1000);
	sqlite3_limit(sb->db, SQLITE_LIMIT_FUNCTION_ARG, 100);
	/* SECURITY: a statement compiled to millions of VM ops (a huge
	 * IN list, many joins) is a memory bomb before it runs. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_VDBE_OP, 1000000);
	/* SECURITY: no helper threads: the budget watches one thread. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_WORKER_THREADS, 0);
	/* SECURITY: LIKE patterns with many wildcards are exponential. */
	sqlite3_limit(sb->db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50000);
	/* SECURITY: a migration cannot exhaust the server's memory
	 * (process-wide: every sandbox shares it). */
	if (opts->heap_limit_bytes > 0)
		(void)sqlite3_hard_heap_limit64(opts->heap_limit_bytes);

	if (data != NULL) {
		rc = sqlite3_deserialize(sb->db, "main", data, size, size,
		    SQLITE_DESERIALIZE_FREEONCLOSE |
		    SQLITE_DESERIALIZE_RESIZEABLE);
		if (rc != SQLITE_OK) {
			rc = rc == SQLITE_NOMEM ? cg_err_nomem(err) :
			    cg_err_set(err, CG_ESQL, "cannot copy the sandbox: "
			    "%s", sqlite3_errmsg(sb->db));
			goto out;
		}
	}

	/* SECURITY: no call runs unbounded inside one VM step. */
	rc = bound_functions(sb, err);
	if (rc < 0)
		goto out;
	/* SECURITY: step budget, counted every CG_PROGRESS_OPS VM steps. */
	sqlite3_progress_handler(sb->db, CG_PROGRESS_OPS, on_progress, sb);
	/* SECURITY: ATTACH, file functions and most pragmas are denied. */
	rc = sqlite3_set_authorizer(sb->db, authorize, sb);
	if (rc != SQLITE_OK) {
		rc = cg_err_set(err, CG_ESQL, "cannot install the authorizer: "
		    "%s", sqlite3_errstr(rc));
		goto out;
	}
	rc = 0;
	*out = sb;
	sb = NULL;
out:
	sqlite3_free(msg);
	cg_sandbox_free(sb);
	return rc;
}

int
cg_sandbox_open(struct cg_sandbox **out, const struct cg_sandbox_opts *opts,
    struct cg_err *err)
{
	struct cg_sandbox_opts defaults = CG_SANDBOX_OPTS_INIT;

	return sandbox_new(out, opts != NULL ? opts : &defaults, NULL, 0, err);
}

void
cg_sandbox_free(struct cg_sandbox *sb)
{
	size_t k;

	if (sb == NULL)
		return;
	(void)sqlite3_close_v2(sb->db);
	for (k = 0; k < sb->nplain_st; k++)
		sqlite3_finalize(sb->plain_st[k].st);
	(void)sqlite3_close_v2(sb->plain);
	free(sb);
}

int
cg_sandbox_clone(struct cg_sandbox **out, struct cg_sandbox *sb,
    struct cg_err *err)
{
	cg_sandbox_observer saved = sb->observer;
	int suspended = sb->budget_suspended;
	unsigned char *data;
	sqlite3_int64 size = 0;

	/* The tool's own query: not classified, not interrupted. */
	sb->observer = NULL;
	sb->budget_suspended = 1;
	/* Without SQLITE_SERIALIZE_NOCOPY: a sqlite3_malloc64 copy we own. */
	data = sqlite3_serialize(sb->db, "main", &size, 0);
	sb->observer = saved;
	sb->budget_suspended = suspended;
	if (data == NULL && size > 0)
		return cg_err_nomem(err);
	/* An empty database serializes to nothing: a fresh one is a copy. */
	return sandbox_new(out, &sb->opts, data, size, err);
}

void
cg_sandbox_set_observer(struct cg_sandbox *sb, cg_sandbox_observer fn,
    void *payload)
{
	sb->observer = fn;
	sb->observer_payload = payload;
}

const char *
cg_sandbox_denial(const struct cg_sandbox *sb)
{
	return sb->denial[0] != '\0' ? sb->denial : NULL;
}

void
cg_sandbox_clear_denial(struct cg_sandbox *sb)
{
	sb->denial[0] = '\0';
}

void
cg_sandbox_budget_start(struct cg_sandbox *sb)
{
	struct timespec now;
	long long ns;

	sb->budget_hit = 0;
	sb->budget_suspended = 0;
	sb->steps = 0;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
		now.tv_sec = 0;
		now.tv_nsec = 0;
	}
	ns = (long long)now.tv_nsec +
	    (long long)(sb->opts.time_budget_ms % 1000u) * 1000000LL;
	sb->deadline.tv_sec = now.tv_sec + (time_t)(sb->opts.time_budget_ms /
	    1000u) + (time_t)(ns / 1000000000LL);
	sb->deadline.tv_nsec = (long)(ns % 1000000000LL);
	sb->budget_armed = 1;
}

int
cg_sandbox_budget_hit(const struct cg_sandbox *sb)
{
	return sb->budget_hit;
}

unsigned long long
cg_sandbox_steps(const struct cg_sandbox *sb)
{
	return sb->steps;
}

sqlite3 *
cg_sandbox_db(struct cg_sandbox *sb)
{
	return sb->db;
}

const struct cg_sandbox_opts *
cg_sandbox_get_opts(const struct cg_sandbox *sb)
{
	return &sb->opts;
}

static int
set_checks(struct cg_sandbox *sb, int ignore)
{
	int rc;

	sb->tool_pragma = 1;
	rc = sqlite3_exec(sb->db, ignore ?
	    "PRAGMA ignore_check_constraints = ON" :
	    "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
	sb->tool_pragma = 0;
	return rc;
}

int
cg_sandbox_exec_unchecked(struct cg_sandbox *sb, const char *sql)
{
	int rc;

	rc = set_checks(sb, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(sb->db, sql, NULL, NULL, NULL);
	/* SECURITY: fail closed if the checks cannot be turned on again. */
	if (set_checks(sb, 0) != SQLITE_OK)
		rc = SQLITE_ERROR;
	return rc;
}

void
cg_sandbox_budget_suspend(struct cg_sandbox *sb, int on)
{
	sb->budget_suspended = on;
}

int
cg_sandbox_budget_check(struct cg_sandbox *sb)
{
	if (!sb->budget_hit && deadline_passed(sb))
		sb->budget_hit = CG_BUDGET_TIME;
	return sb->budget_hit;
}

int
cg_sandbox_open_image(struct cg_sandbox **out,
    const struct cg_sandbox_opts *opts, const void *image, size_t len,
    struct cg_err *err)
{
	unsigned char *copy;

	copy = sqlite3_malloc64(len ? len : 1);
	if (copy == NULL)
		return cg_err_nomem(err);
	memcpy(copy, image, len);
	/* sandbox_new owns copy from here, and locks the result down. */
	return sandbox_new(out, opts, copy, (sqlite3_int64)len, err);
}

int
cg_sandbox_image(void **out, size_t *len, struct cg_sandbox *sb,
    struct cg_err *err)
{
	cg_sandbox_observer saved = sb->observer;
	int suspended = sb->budget_suspended;
	sqlite3_int64 size = 0;
	unsigned char *data;

	/* The tool's own query: not classified, not interrupted. */
	sb->observer = NULL;
	sb->budget_suspended = 1;
	data = sqlite3_serialize(sb->db, "main", &size, 0);
	sb->observer = saved;
	sb->budget_suspended = suspended;
	*out = NULL;
	*len = 0;
	if (data == NULL)
		return size > 0 ? cg_err_nomem(err) : 0;
	*out = data;
	*len = (size_t)size;
	return 0;
}

/* One row's text of a query with one text parameter; *out NULL if none. */
static int
query_text(char **out, sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
			*out = cg_strdup((const char *)sqlite3_column_text(st,
			    0));
			rc = *out == NULL ? SQLITE_NOMEM : SQLITE_OK;
		} else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * What the on-disk layout of a CREATE TABLE text depends on, read in a
 * scratch database: its columns' key and hidden flags, its automatic
 * indexes, WITHOUT ROWID.  *out NULL when the text is not exactly one
 * CREATE TABLE of that name.
 */
static int
layout_of(char **out, const char *create, const char *table)
{
	static const char sig[] = "SELECT (SELECT group_concat(name || ':' || "
	    "pk || ':' || hidden, ',') FROM pragma_table_xinfo(?1)) || '/' || "
	    "(SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
	    "tbl_name = ?1 AND sql IS NULL) || '/' || (SELECT wr FROM "
	    "pragma_table_list WHERE name = ?1 AND schema = 'main') || '/' || "
	    "(SELECT count(*) FROM sqlite_schema WHERE type = 'table')";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	char *name = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1,
		    (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, create, -1, &st, &tail);
	/* one statement, nothing after it */
	if (rc == SQLITE_OK && (st == NULL || cg_sql_skip_blank(tail,
	    strlen(tail), 0) != strlen(tail)))
		goto done;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : -1;
	}
	if (rc == SQLITE_OK)
		rc = query_text(&name, db, "SELECT name FROM sqlite_schema WHERE "
		    "type = 'table' AND name = ?1 COLLATE NOCASE", table);
	if (rc == SQLITE_OK && name != NULL)
		rc = query_text(out, db, sig, name);
	if (rc == -1 || (rc != SQLITE_OK && rc != SQLITE_NOMEM))
		rc = SQLITE_OK;	/* not a CREATE TABLE: *out stays NULL */
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(name);
	return rc;
}

int
cg_sandbox_alter_column(char **why, struct cg_sandbox *sb, const char *table,
    const char *column, const char *def, size_t def_len, struct cg_err *err)
{
	char *create = NULL, *next = NULL, *a = NULL, *b = NULL;
	char *q = NULL;
	char num[64];
	int version = 0, rc, same;
	int suspended = sb->budget_suspended;
	sqlite3_stmt *st = NULL;

	*why = NULL;
	/* The tool's own queries: not counted, not interrupted. */
	sb->budget_suspended = 1;
	rc = query_text(&create, sb->db, "SELECT sql FROM main.sqlite_schema "
	    "WHERE type = 'table' AND name = ?1 COLLATE NOCASE", table);
	if (rc != SQLITE_OK)
		goto sqlfail;
	if (create == NULL) {
		*why = cg_strdup("no such table");
		goto out;
	}
	same = cg_sql_first_ident_is(def, def_len, column);
	if (same < 0)
		goto nomem;
	if (!same) {
		/* libSQL's words (libsql 0.18, checked in a run) */
		*why = cg_strdup("UPDATE cannot also rename column: use ALTER "
		    "TABLE RENAME instead");
		goto out;
	}
	rc = cg_sql_replace_column(&next, create, column, def, def_len);
	if (rc < 0)
		goto nomem;
	if (rc == 0) {
		*why = cg_strdup("no such column");
		goto out;
	}
	/* SECURITY: the new text must be one CREATE TABLE of this name
	 * that keeps the on-disk layout (keys, automatic indexes, hidden
	 * columns), or the rewritten schema would not read its own pages. */
	rc = layout_of(&a, create, table);
	if (rc == SQLITE_OK)
		rc = layout_of(&b, next, table);
	if (rc != SQLITE_OK)
		goto sqlfail;
	if (a == NULL || b == NULL || strcmp(a, b) != 0) {
		*why = cg_strdup(b == NULL ? "the new column definition does "
		    "not parse" : "not modelled: this ALTER COLUMN changes the "
		    "table's keys, UNIQUE constraints or generated columns");
		goto out;
	}
	/* The tool's own statements: no authorizer, no budget, no observer;
	 * SQLite's documented procedure for a schema-only change. */
	sqlite3_set_authorizer(sb->db, NULL, NULL);
	rc = sqlite3_db_config(sb->db, SQLITE_DBCONFIG_DEFENSIVE, 0,
	    (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(sb->db, "PRAGMA main.writable_schema = ON",
		    NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(sb->db, "UPDATE main.sqlite_schema SET "
		    "sql = ?1 WHERE type = 'table' AND name = ?2 COLLATE "
		    "NOCASE", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, next, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		    sqlite3_errcode(sb->db);
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = query_text(&q, sb->db, "SELECT schema_version FROM "
		    "pragma_schema_version WHERE ?1 IS NOT NULL", "x");
	if (rc == SQLITE_OK && q != NULL) {
		version = (int)strtol(q, NULL, 10);
		snprintf(num, sizeof(num), "PRAGMA main.schema_version = %d",
		    version + 1);
		rc = sqlite3_exec(sb->db, num, NULL, NULL, NULL);
	}
	/* off again, whatever happened; RESET rereads the schema */
	if (sqlite3_exec(sb->db, "PRAGMA main.writable_schema = RESET", NULL,
	    NULL, NULL) != SQLITE_OK && rc == SQLITE_OK)
		rc = sqlite3_errcode(sb->db);
	(void)sqlite3_db_config(sb->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    (int *)NULL);
	if (sqlite3_set_authorizer(sb->db, authorize, sb) != SQLITE_OK &&
	    rc == SQLITE_OK)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_OK)
		goto sqlfail;
	rc = 1;
	goto done;
sqlfail:
	rc = rc == SQLITE_NOMEM ? cg_err_nomem(err) : cg_err_set(err, CG_ESQL,
	    "cannot rewrite the schema for ALTER COLUMN: %s",
	    sqlite3_errmsg(sb->db));
	goto done;
nomem:
	rc = cg_err_nomem(err);
	goto done;
out:
	rc = *why == NULL ? cg_err_nomem(err) : 0;
done:
	sb->budget_suspended = suspended;
	free(create);
	free(next);
	free(a);
	free(b);
	free(q);
	return rc;
}
