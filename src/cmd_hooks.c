/* SPDX-License-Identifier: MIT */
/*
 * The git hooks: `cascadeguard pre-commit` (HEAD against the index),
 * `cascadeguard pre-receive` (every pushed ref against what the server
 * already has, under the server's git config) and `cascadeguard install`
 * (writes a hook script where git looks for it).  All the logic of the
 * hooks lives here, so the scripts in hooks/ are one `exec` line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cascadeguard.h"
#include "check.h"
#include "config.h"
#include "err.h"
#include "git_changes.h"
#include "prereceive.h"
#include "report.h"
#include "util.h"
#include "banned.h"

#define CG_MAX_STDIN_BYTES ((size_t)64 * 1024 * 1024)	/* SECURITY */
#define CG_MAX_PUSH_OPTIONS 1000			/* SECURITY */

/* ---- shared ---------------------------------------------------------- */

/* The repository a hook runs in: $GIT_DIR when git set it, else here. */
static int
open_hook_repo(struct cg_repo **out, const char *path, unsigned flags,
    struct cg_err *err)
{
	const char *gd = getenv("GIT_DIR");

	if (path == NULL && gd != NULL && gd[0] != '\0')
		return cg_repo_open(out, gd, flags, err);
	return cg_repo_open(out, path, flags | CG_REPO_DISCOVER, err);
}

/* Options common to the hooks: -C dir and --help. */
static int
parse_simple(int argc, char **argv, const char **repo_path, int *force,
    int *help, struct cg_err *err)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "repo", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":C:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			*repo_path = optarg;
			break;
		case 'f':
			if (force == NULL)
				goto unknown;
			*force = 1;
			break;
		case 'h':
			*help = 1;
			return 0;
		case ':':
			return cg_err_set(err, CG_EUSAGE, "option '%s' needs a "
			    "value", argv[optind - 1]);
		default:
			goto unknown;
		}
	}
	return 0;
unknown:
	return cg_unknown_option(err, argv);
}

/* ---- pre-commit ------------------------------------------------------ */

int
cmd_pre_commit(int argc, char **argv, struct cg_err *err)
{
	struct cg_check_opts opts = CG_CHECK_OPTS_INIT;
	struct cg_report_opts ropts = CG_REPORT_OPTS_INIT;
	struct cg_findings findings = CG_FINDINGS_INIT;
	struct cg_check_stats stats;
	struct cg_side base, tip;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	const char *nc = getenv("NO_COLOR");
	int code = CG_EXIT_ERROR;
	int help = 0;
	int rc;

	rc = parse_simple(argc, argv, &repo_path, NULL, &help, err);
	if (rc < 0)
		goto out;
	if (help) {
		printf("%s\n\nChecks what is staged: the migrations the index "
		    "adds to HEAD (or to the\nempty tree before the first "
		    "commit), read from the index ($GIT_INDEX_FILE\nwhen git "
		    "sets it), never from the working tree.  Configuration "
		    "comes from\nthe staged .cascadeguard.\n\n"
		    "  -C, --repo dir   run in the repository at dir\n"
		    "  -h, --help       this help\n\n"
		    "exit status: 0 commit allowed, 1 error findings, 2 usage "
		    "or internal error\n", cg_usage(argv[0]));
		code = CG_EXIT_CLEAN;
		goto out;
	}
	if (optind != argc) {
		cg_err_set(err, CG_EUSAGE, "too many arguments");
		goto out;
	}
	ropts.color = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
	ropts.range = "HEAD..index";
	rc = open_hook_repo(&repo, repo_path, 0, err);
	if (rc < 0)
		goto out;
	rc = cg_repo_head_side(&base, repo, err);
	if (rc < 0)
		goto out;
	memset(&tip, 0, sizeof(tip));
	tip.kind = CG_SIDE_INDEX;
	rc = cg_check_run(&findings, &stats, repo, &base, &tip, &opts, err);
	if (rc < 0)
		goto out;
	rc = cg_report_write(stdout, &findings, &stats, &ropts, err);
	if (rc < 0)
		goto out;
	code = cg_findings_count(&findings, CG_SEV_ERROR) > 0 ?
	    CG_EXIT_FINDINGS : CG_EXIT_CLEAN;
out:
	cg_findings_release(&findings);
	cg_repo_free(repo);
	return code;
}

/* ---- pre-receive ----------------------------------------------------- */

/* The server's policy, from git config. */
struct policy {
	struct cg_strvec globs;		/* cascadeguard.migrations */
	struct cg_strvec refs;		/* cascadeguard.refs */
	char *target;			/* cascadeguard.target */
	char *audit_log;		/* cascadeguard.auditLog */
	int trust_repo_config;		/* cascadeguard.trustRepoConfig */
	int on_error_allow;		/* cascadeguard.onError=allow */
	int allow_push_option;		/* cascadeguard.allowPushOption */
	long timeout_ms;		/* cascadeguard.timeout; 0: none */
};

/*
 * The whole run's deadline (cascadeguard.timeout, seconds, decimals
 * allowed).  The default stays under GitHub Enterprise's 5 s for all
 * pre-receive hooks together, leaving a second for git and other hooks,
 * and well above a cold check of a 300-file history under load (about
 * 2.3 s): docs/hooks.md.
 */
#define CG_HOOK_TIMEOUT_DEFAULT_MS 4000L
#define CG_HOOK_TIMEOUT_MAX_S 86400.0

static void
policy_release(struct policy *p)
{
	cg_strvec_release(&p->globs);
	cg_strvec_release(&p->refs);
	free(p->target);
	free(p->audit_log);
}

static int
policy_load(struct policy *p, struct cg_check_opts *opts, struct cg_repo *r,
    struct cg_err *err)
{
	char *on_error = NULL;
	char *timeout = NULL;
	char *end = NULL;
	double sec;
	int rc;

	p->timeout_ms = CG_HOOK_TIMEOUT_DEFAULT_MS;
	rc = cg_repo_config_get(&timeout, r, "cascadeguard.timeout", err);
	if (rc < 0)
		goto out;
	if (timeout != NULL) {
		errno = 0;
		sec = strtod(timeout, &end);
		if (errno != 0 || end == timeout || *end != '\0' ||
		    !isfinite(sec) || sec < 0 || sec > CG_HOOK_TIMEOUT_MAX_S) {
			rc = cg_err_set(err, CG_EINPUT, "git config "
			    "cascadeguard.timeout must be a number of seconds "
			    "(0 for none), not '%.64s'", timeout);
			goto out;
		}
		p->timeout_ms = (long)(sec * 1000.0);
		if ((double)p->timeout_ms < sec * 1000.0)
			p->timeout_ms++;	/* round up: 0.0001 is not 0 */
	}
	rc = cg_repo_config_get(&on_error, r, "cascadeguard.onError", err);
	if (rc < 0)
		goto out;
	if (on_error != NULL && strcmp(on_error, "allow") == 0) {
		p->on_error_allow = 1;
	} else if (on_error != NULL && strcmp(on_error, "reject") != 0) {
		rc = cg_err_set(err, CG_EINPUT, "git config cascadeguard."
		    "onError must be reject or allow, not '%.64s'", on_error);
		goto out;
	}
	rc = cg_repo_config_get_multi(&p->globs, r, "cascadeguard.migrations",
	    err);
	if (rc < 0)
		goto out;
	rc = cg_repo_config_get_multi(&p->refs, r, "cascadeguard.refs", err);
	if (rc < 0)
		goto out;
	rc = cg_repo_config_get(&p->target, r, "cascadeguard.target", err);
	if (rc < 0)
		goto out;
	rc = cg_repo_config_get(&p->audit_log, r, "cascadeguard.auditLog",
	    err);
	if (rc < 0)
		goto out;
	rc = cg_repo_config_get_bool(&p->trust_repo_config, r,
	    "cascadeguard.trustRepoConfig", 1, err);
	if (rc < 0)
		goto out;
	rc = cg_repo_config_get_bool(&p->allow_push_option, r,
	    "cascadeguard.allowPushOption", 0, err);
	if (rc < 0)
		goto out;
	/* Server settings win over the pushed .cascadeguard, as the CLI does. */
	opts->cli_globs = &p->globs;
	if (p->target != NULL) {
		rc = cg_config_parse_target(&opts->cli_target, p->target, err);
		if (rc < 0)
			goto out;
		opts->cli_target_set = 1;
	}
	opts->use_repo_config = p->trust_repo_config;
	opts->repo_no_lowering = 1;
out:
	free(on_error);
	free(timeout);
	return rc;
}

/* The push options git hands the hook (GIT_PUSH_OPTION_<n>). */
static int
read_push_options(struct cg_push_override *o, struct cg_err *err)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	char name[64];
	const char *v;
	char *end = NULL;
	long n, i;
	int rc;

	if (count == NULL || count[0] == '\0')
		return 0;
	errno = 0;
	n = strtol(count, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > CG_MAX_PUSH_OPTIONS)
		return cg_err_set(err, CG_EINPUT, "bad GIT_PUSH_OPTION_COUNT");
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%ld", i);
		v = getenv(name);
		if (v == NULL)
			continue;
		rc = cg_push_override_add(o, v, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Who pushed, for the audit log: GitLab, Gitea, then the account. */
static const char *
pusher(void)
{
	static const char *const vars[] = { "GL_USERNAME", "GL_ID",
		"GITEA_PUSHER_NAME", "REMOTE_USER", "USER", "LOGNAME" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return v;
	}
	return "unknown";
}

/*
 * Append one line to the audit log; O_APPEND keeps lines whole.  The log
 * must be a regular file (a symbolic link to one is fine: the path is the
 * administrator's): O_NONBLOCK makes opening a FIFO return at once, with
 * ENXIO when nothing reads it, and fstat refuses it when something does,
 * so that a FIFO or a device at that path cannot hang the hook.
 */
static int
audit_append(const char *file, const char *line, size_t len,
    struct cg_err *err)
{
	struct stat sb;
	ssize_t n;
	int fd;

	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
	    0640);
	if (fd < 0)
		return cg_err_set(err, CG_ESYS, "cannot open the audit log "
		    "'%s': %s", file, errno == ENXIO ? "not a regular file" :
		    strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		(void)close(fd);
		return cg_err_set(err, CG_ESYS, "cannot open the audit log "
		    "'%s': not a regular file", file);
	}
	n = write(fd, line, len);
	if (n < 0 || (size_t)n != len) {
		(void)close(fd);
		return cg_err_set(err, CG_ESYS, "cannot write the audit log "
		    "'%s'", file);
	}
	if (close(fd) < 0)
		return cg_err_set(err, CG_ESYS, "cannot write the audit log "
		    "'%s': %s", file, strerror(errno));
	return 0;
}

struct push_state {
	struct policy pol;
	struct cg_push_override ovr;
	int override_ok;	/* allowed by the server, with a reason */
	struct cg_buf body;	/* lines per ref, printed after the verdict */
	struct cg_buf audit;	/* audit log lines */
	size_t nerrors;		/* unsuppressed error findings, all refs */
	size_t nrefs_bad;
	size_t noverridden;
	size_t nfailed;		/* refs the tool could not check */
};

static int
esc(struct cg_buf *b, const char *s, struct cg_err *err)
{
	return s == NULL ? 0 : cg_buf_escape(b, s, strlen(s), err);
}

#define HOOK_TABLES_NAMED 3	/* tables named in a remote line */

/*
 * ": a, b, c and 6 more": the tables that lose rows, since the pusher
 * usually has no cascadeguard to see the details with.
 */
static int
lost_tables(struct cg_buf *b, const struct cg_finding *f, struct cg_err *err)
{
	size_t i, named = 0, rest = 0;
	int rc = 0;

	for (i = 0; rc == 0 && i < f->naffected; i++) {
		if (!f->affected[i].loses_rows)
			continue;
		if (named == HOOK_TABLES_NAMED) {
			rest++;
			continue;
		}
		rc = cg_buf_puts(b, named == 0 ? ": " : ", ", err);
		if (rc == 0)
			rc = esc(b, f->affected[i].table, err);
		named++;
	}
	if (rc == 0 && rest > 0)
		rc = cg_buf_printf(b, err, " and %zu more", rest);
	return rc;
}

/* One line per finding: ref, commit, place, severity, rule, message. */
static int
format_finding(struct push_state *st, const char *ref,
    const struct cg_finding *f, const char *commit, struct cg_err *err)
{
	struct cg_buf *b = &st->body;
	const char *rule = cg_rule_info(f->rule)->name;
	int rc;

	rc = cg_buf_puts(b, "cascadeguard: ", err);
	if (rc == 0)
		rc = esc(b, ref, err);
	if (rc == 0)
		rc = cg_buf_printf(b, err, " %.7s: ", commit[0] ? commit :
		    "-------");
	if (rc == 0 && f->set != NULL) {
		rc = cg_buf_puts(b, "[", err);
		if (rc == 0)
			rc = esc(b, f->set, err);
		if (rc == 0)
			rc = cg_buf_puts(b, "] ", err);
	}
	if (rc == 0 && f->path != NULL) {
		rc = esc(b, f->path, err);
		if (rc == 0 && f->line > 0)
			rc = cg_buf_printf(b, err, ":%u:%u", f->line,
			    f->col ? f->col : 1);
		if (rc == 0)
			rc = cg_buf_puts(b, ": ", err);
	}
	if (rc == 0)
		rc = cg_buf_printf(b, err, "%s%s[%s]: ",
		    f->suppressed ? "overridden " : "",
		    cg_severity_name(f->severity), rule);
	if (rc == 0)
		rc = esc(b, f->message, err);
	if (rc == 0)
		rc = lost_tables(b, f, err);
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", err);
	return rc;
}

static int
audit_line(struct push_state *st, const char *ref, const char *commit,
    const struct cg_finding *f, struct cg_err *err)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	rc = cg_buf_printf(&st->audit, err, "%s\tpusher=", when);
	if (rc == 0)
		rc = esc(&st->audit, pusher(), err);
	if (rc == 0)
		rc = cg_buf_puts(&st->audit, "\tref=", err);
	if (rc == 0)
		rc = esc(&st->audit, ref, err);
	if (rc == 0)
		rc = cg_buf_printf(&st->audit, err, "\tcommit=%s\trule=%s"
		    "\tpath=", commit, cg_rule_info(f->rule)->name);
	if (rc == 0)
		rc = esc(&st->audit, f->path, err);
	if (rc == 0)
		rc = cg_buf_puts(&st->audit, "\treason=", err);
	if (rc == 0)
		rc = esc(&st->audit, st->ovr.reason, err);
	if (rc == 0)
		rc = cg_buf_puts(&st->audit, "\n", err);
	return rc;
}

/* The base a pushed ref is checked from. */
static int
ref_base(struct cg_side *base, struct cg_repo *r,
    const struct cg_ref_update *u, struct cg_err *err)
{
	int anc = 0, found = 0;
	int rc;

	if (u->created)
		return cg_repo_base_for_new_ref(base, r, u->new_oid, err);
	rc = cg_repo_is_ancestor(&anc, r, u->old_oid, u->new_oid, err);
	if (rc < 0)
		return rc;
	if (anc)
		return cg_repo_commit_side(base, r, u->old_oid, err);
	/* A force push: from where the two histories meet. */
	rc = cg_repo_merge_base(base, &found, r, u->old_oid, u->new_oid, err);
	if (rc < 0 || found)
		return rc;
	return cg_repo_base_for_new_ref(base, r, u->new_oid, err);
}

/* Check one ref; < 0 when the tool could not (err set). */
static int
check_ref(struct push_state *st, struct cg_repo *r,
    const struct cg_ref_update *u, const struct cg_check_opts *opts,
    struct cg_err *err)
{
	struct cg_findings fs = CG_FINDINGS_INIT;
	struct cg_check_stats stats;
	struct cg_side base, tip;
	char commit[CG_OID_HEX_BYTES];
	char b7[16], t7[16];
	size_t i, nerr = 0;
	int rc;

	rc = cg_repo_commit_side(&tip, r, u->new_oid, err);
	if (rc == CG_EINPUT && strncmp(u->ref, "refs/heads/", 11) != 0) {
		rc = 0;		/* a tag of a tree or blob: no migrations */
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = ref_base(&base, r, u, err);
	if (rc < 0)
		goto out;
	if (base.kind == CG_SIDE_COMMIT && strcmp(base.oid, tip.oid) == 0)
		goto out;	/* nothing new */
	rc = cg_check_run(&fs, &stats, r, &base, &tip, opts, err);
	if (rc < 0)
		goto out;
	for (i = 0; i < fs.n; i++) {
		struct cg_finding *f = &fs.v[i];

		if (f->suppressed || f->severity == CG_SEV_NOTE)
			continue;
		commit[0] = '\0';
		if (f->path != NULL) {
			rc = cg_repo_introduced_by(commit, r, &base, &tip,
			    f->path, err);
			if (rc < 0)
				goto out;
		}
		if (commit[0] == '\0')
			(void)snprintf(commit, sizeof(commit), "%s", tip.oid);
		if (f->severity == CG_SEV_ERROR && st->override_ok &&
		    cg_push_override_covers(&st->ovr,
		    cg_rule_info(f->rule)->name)) {
			f->suppressed = 1;
			st->noverridden++;
			rc = audit_line(st, u->ref, commit, f, err);
			if (rc < 0)
				goto out;
		}
		if (f->severity == CG_SEV_ERROR && !f->suppressed)
			nerr++;
		rc = format_finding(st, u->ref, f, commit, err);
		if (rc < 0)
			goto out;
	}
	if (nerr > 0) {
		cg_side_short(b7, &base);
		cg_side_short(t7, &tip);
		rc = cg_buf_printf(&st->body, err, "cascadeguard: to see the "
		    "details: cascadeguard check-range %s..%s\n",
		    base.kind == CG_SIDE_COMMIT ? b7 : "", t7);
		if (rc < 0)
			goto out;
		st->nerrors += nerr;
		st->nrefs_bad++;
	}
	rc = 0;
out:
	cg_findings_release(&fs);
	return rc;
}

static int
read_all(struct cg_buf *b, int fd, struct cg_err *err)
{
	char chunk[65536];
	ssize_t n;
	int rc;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cg_err_set(err, CG_ESYS, "cannot read stdin: %s",
			    strerror(errno));
		if (n == 0)
			return 0;
		if (b->len + (size_t)n > CG_MAX_STDIN_BYTES)
			return cg_err_set(err, CG_EINPUT, "more than %zu bytes "
			    "on stdin", CG_MAX_STDIN_BYTES);
		rc = cg_buf_add(b, chunk, (size_t)n, err);
		if (rc < 0)
			return rc;
	}
}

/* Print to the pusher (each line arrives prefixed `remote:`). */
static void
say(const char *gl_prefix, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(const char *gl_prefix, const char *fmt, ...)
{
	va_list ap;

	fputs(gl_prefix, stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/*
 * SECURITY: the whole-run deadline.  When it passes, whatever the tool
 * is doing (one long SQLite call, a huge tree walk), SIGALRM's handler
 * says so and ends the process: a rejection, or with onError=allow an
 * acceptance with a warning, unless a ref checked before already had an
 * error finding.  Only async-signal-safe calls below; the state is set
 * by the loop over refs.  Cache writes are temp file + rename, so an end
 * mid-write leaves at most a stale temp file (cleared by eviction).
 */
static struct {
	const char *volatile ref;	/* being checked; NULL: between refs */
	volatile sig_atomic_t nerrors;	/* error findings before it */
	volatile sig_atomic_t allow;	/* cascadeguard.onError=allow */
	const char *gl_prefix;
	char limit[32];			/* "4s", as configured */
} deadline;

static void
say_raw(const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0) {
		w = write(STDOUT_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
on_deadline(int sig)
{
	const char *ref = deadline.ref;
	int reject = !deadline.allow || deadline.nerrors > 0;

	(void)sig;
	say_raw(deadline.gl_prefix);
	say_raw(reject ? "cascadeguard: push rejected: the deadline "
	    "(cascadeguard.timeout=" : "cascadeguard: warning: the deadline "
	    "(cascadeguard.timeout=");
	say_raw(deadline.limit);
	say_raw(") was reached");
	if (ref != NULL) {
		say_raw(" while checking ");
		say_raw(ref);
	}
	if (!reject)
		say_raw("; the refs not yet checked are let through "
		    "(cascadeguard.onError=allow)\n");
	else if (deadline.nerrors > 0)
		say_raw("; a ref checked before it has error findings\n");
	else
		say_raw("; it and the refs after it were not checked "
		    "(cascadeguard.onError=reject)\n");
	_exit(reject ? (deadline.nerrors > 0 ? CG_EXIT_FINDINGS :
	    CG_EXIT_ERROR) : CG_EXIT_CLEAN);
}

/* Arm the deadline: timeout_ms after start (CLOCK_MONOTONIC). */
static void
deadline_arm(const struct policy *pol, const struct timespec *start,
    const char *gl_prefix)
{
	struct itimerval it;
	struct sigaction sa;
	struct timespec now;
	long long left;

	if (pol->timeout_ms <= 0)
		return;
	deadline.gl_prefix = gl_prefix;
	deadline.allow = pol->on_error_allow;
	(void)snprintf(deadline.limit, sizeof(deadline.limit), "%ld.%03lds",
	    pol->timeout_ms / 1000, pol->timeout_ms % 1000);
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		now = *start;
	left = (long long)pol->timeout_ms -
	    ((long long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000);
	if (left < 1)
		left = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)(left / 1000);
	it.it_value.tv_usec = (suseconds_t)(left % 1000) * 1000;
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

static void
deadline_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

int
cmd_pre_receive(int argc, char **argv, struct cg_err *err)
{
	struct cg_check_opts opts = CG_CHECK_OPTS_INIT;
	struct cg_ref_updates ups = CG_REF_UPDATES_INIT;
	struct push_state st;
	struct cg_buf in = CG_BUF_INIT;
	struct cg_err terr = CG_ERR_INIT;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	const char *gl = getenv("GL_ID");
	const char *gl_prefix = gl != NULL && gl[0] != '\0' ?
	    "GL-HOOK-ERR: " : "";
	struct timespec start;
	int code = CG_EXIT_ERROR;
	int help = 0;
	size_t i;
	int rc;

	memset(&st, 0, sizeof(st));
	if (clock_gettime(CLOCK_MONOTONIC, &start) != 0)
		memset(&start, 0, sizeof(start));
	rc = parse_simple(argc, argv, &repo_path, NULL, &help, err);
	if (rc < 0)
		goto out;
	if (help) {
		printf("%s\n\nThe git pre-receive hook: reads '<old> <new> "
		    "<ref>' lines on stdin and\nrejects the whole push when a "
		    "pushed ref adds a migration with an error\nfinding.  "
		    "Policy comes from git config cascadeguard.* of the "
		    "receiving\nrepository (see docs/hooks.md).\n\n"
		    "  -C, --repo dir   the repository (default: $GIT_DIR, "
		    "else .)\n"
		    "  -h, --help       this help\n\n"
		    "exit status: 0 push accepted, 1 push rejected, 2 bad "
		    "input or internal error\n", cg_usage(argv[0]));
		code = CG_EXIT_CLEAN;
		goto out;
	}
	if (optind != argc) {
		cg_err_set(err, CG_EUSAGE, "too many arguments");
		goto out;
	}
	/* Strict: nothing is accepted from stdin that is not git's. */
	rc = read_all(&in, STDIN_FILENO, err);
	if (rc < 0)
		goto out;
	rc = cg_prereceive_parse(&ups, in.data != NULL ? in.data : "", in.len,
	    err);
	if (rc < 0)
		goto out;

	rc = open_hook_repo(&repo, repo_path, CG_REPO_QUARANTINE, &terr);
	if (rc == 0)
		rc = policy_load(&st.pol, &opts, repo, &terr);
	if (rc < 0) {
		say(gl_prefix, "cascadeguard: push rejected: the check "
		    "could not run: %s\n", terr.msg);
		cg_err_set(err, terr.code, "%s", terr.msg);
		goto out;
	}
	rc = read_push_options(&st.ovr, &terr);
	if (rc < 0) {
		say(gl_prefix, "cascadeguard: push rejected: %s\n", terr.msg);
		code = CG_EXIT_FINDINGS;
		goto out;
	}
	if (st.ovr.asked && !st.pol.allow_push_option)
		(void)cg_buf_puts(&st.body, "cascadeguard: push options "
		    "cascadeguard.* are not enabled on this server "
		    "(git config cascadeguard.allowPushOption): ignored\n",
		    NULL);
	else if (st.ovr.rules.n > 0 && st.ovr.reason == NULL)
		(void)cg_buf_puts(&st.body, "cascadeguard: cascadeguard.allow "
		    "needs a reason: git push -o cascadeguard.allow=RULE -o "
		    "\"cascadeguard.reason=why\"; ignored\n", NULL);
	else
		st.override_ok = st.ovr.rules.n > 0;

	deadline_arm(&st.pol, &start, gl_prefix);
	for (i = 0; i < ups.n; i++) {
		const struct cg_ref_update *u = &ups.v[i];

		if (u->deleted || !cg_prereceive_ref_wanted(u->ref,
		    &st.pol.refs))
			continue;
		deadline.nerrors = st.nerrors > 0;
		deadline.ref = u->ref;
		rc = check_ref(&st, repo, u, &opts, &terr);
		deadline.ref = NULL;
		if (rc < 0) {
			st.nfailed++;
			(void)cg_buf_puts(&st.body, "cascadeguard: ", NULL);
			(void)esc(&st.body, u->ref, NULL);
			(void)cg_buf_printf(&st.body, NULL, ": %s: %s\n",
			    st.pol.on_error_allow ? "warning: not checked "
			    "(cascadeguard.onError=allow)" : "the check could "
			    "not run", terr.msg);
			terr.code = 0;
			terr.msg[0] = '\0';
		}
	}
	deadline_disarm();

	if (st.nerrors > 0 || (st.nfailed > 0 && !st.pol.on_error_allow)) {
		if (st.nerrors > 0)
			say(gl_prefix, "cascadeguard: push rejected: %zu error "
			    "finding%s in %zu ref%s\n", st.nerrors,
			    st.nerrors == 1 ? "" : "s", st.nrefs_bad,
			    st.nrefs_bad == 1 ? "" : "s");
		else
			say(gl_prefix, "cascadeguard: push rejected: the check "
			    "could not run (cascadeguard.onError=reject)\n");
		fputs(st.body.data != NULL ? st.body.data : "", stdout);
		if (st.nerrors > 0) {
			printf("cascadeguard: fix: change the migration so "
			    "that it destroys no rows, then push again\n");
			if (st.pol.allow_push_option)
				printf("cascadeguard: override: git push -o "
				    "cascadeguard.allow=RULE -o "
				    "\"cascadeguard.reason=why\"\n");
		}
		code = st.nerrors > 0 ? CG_EXIT_FINDINGS : CG_EXIT_ERROR;
		if (code == CG_EXIT_ERROR)
			cg_err_set(err, CG_EGIT, "push rejected: the check "
			    "failed");
		goto out;
	}
	if (st.audit.len > 0 && st.pol.audit_log != NULL &&
	    st.pol.audit_log[0] != '\0') {
		rc = audit_append(st.pol.audit_log, st.audit.data,
		    st.audit.len, &terr);
		if (rc < 0) {
			/* An override that leaves no trace is not granted. */
			say(gl_prefix, "cascadeguard: push rejected: %s\n",
			    terr.msg);
			code = CG_EXIT_FINDINGS;
			goto out;
		}
	}
	if (st.body.len > 0) {
		printf("cascadeguard: push accepted%s\n", st.noverridden ?
		    " with overridden findings" : "");
		fputs(st.body.data, stdout);
		if (st.noverridden)
			printf("cascadeguard: reason: %s\n", st.ovr.reason);
	}
	code = CG_EXIT_CLEAN;
out:
	cg_buf_release(&st.audit);
	cg_buf_release(&st.body);
	cg_push_override_release(&st.ovr);
	policy_release(&st.pol);
	cg_ref_updates_release(&ups);
	cg_buf_release(&in);
	cg_repo_free(repo);
	return code;
}

/* ---- install --------------------------------------------------------- */

static const char hook_pre_commit[] =
    "#!/bin/sh\n"
    "# cascadeguard: refuse migrations that destroy data (docs/hooks.md)\n"
    "exec cascadeguard pre-commit \"$@\"\n";
static const char hook_pre_receive[] =
    "#!/bin/sh\n"
    "# cascadeguard: refuse migrations that destroy data (docs/hooks.md)\n"
    "exec cascadeguard pre-receive \"$@\"\n";

/* mkdir -p */
static int
make_dirs(const char *path, struct cg_err *err)
{
	char *p = cg_strdup(path);
	char *s;
	int rc = 0;

	if (p == NULL)
		return cg_err_nomem(err);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				rc = cg_err_set(err, CG_ESYS, "cannot create "
				    "'%s': %s", p, strerror(errno));
				break;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return rc;
}

/* The file's text when it exists and is small, else NULL. */
static char *
slurp(const char *path)
{
	struct cg_buf b = CG_BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 &&
	    b.len < (size_t)1024 * 1024)
		if (cg_buf_add(&b, chunk, (size_t)n, NULL) < 0)
			break;
	(void)close(fd);
	if (b.data == NULL)
		return cg_strdup("");
	return cg_buf_detach(&b);
}

static int
write_hook(const char *path, const char *text, struct cg_err *err)
{
	struct cg_buf tmp = CG_BUF_INIT;
	size_t len = strlen(text);
	ssize_t n;
	int fd = -1;
	int rc;

	rc = cg_buf_printf(&tmp, err, "%s.cascadeguard-%ld", path,
	    (long)getpid());
	if (rc < 0)
		goto out;
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0) {
		rc = cg_err_set(err, CG_ESYS, "cannot create '%s': %s",
		    tmp.data, strerror(errno));
		goto out;
	}
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len || fchmod(fd, 0755) < 0 ||
	    close(fd) < 0) {
		fd = -1;
		(void)unlink(tmp.data);
		rc = cg_err_set(err, CG_ESYS, "cannot write '%s'", tmp.data);
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path) < 0) {
		rc = cg_err_set(err, CG_ESYS, "cannot write '%s': %s", path,
		    strerror(errno));
		(void)unlink(tmp.data);
		goto out;
	}
out:
	if (fd >= 0)
		(void)close(fd);
	cg_buf_release(&tmp);
	return rc;
}

int
cmd_install(int argc, char **argv, struct cg_err *err)
{
	struct cg_buf path = CG_BUF_INIT;
	struct cg_repo *repo = NULL;
	const char *repo_path = NULL;
	const char *text, *hook;
	char *dir = NULL, *old = NULL;
	int code = CG_EXIT_ERROR;
	int help = 0, force = 0;
	int rc;

	rc = parse_simple(argc, argv, &repo_path, &force, &help, err);
	if (rc < 0)
		goto out;
	if (help) {
		printf("%s\n\nWrites the hook script (exec cascadeguard HOOK) "
		    "where git runs it:\ncore.hooksPath when set, else the "
		    "repository's hooks folder (shared by\nits worktrees).  An "
		    "existing, different hook is kept unless --force.\n\n"
		    "  -C, --repo dir   the repository (default: the one here)\n"
		    "  -f, --force      replace an existing hook\n"
		    "  -h, --help       this help\n", cg_usage(argv[0]));
		code = CG_EXIT_CLEAN;
		goto out;
	}
	if (argc - optind != 1) {
		cg_err_set(err, CG_EUSAGE, argc - optind == 0 ?
		    "no hook given (pre-commit or pre-receive)" :
		    "too many arguments");
		goto out;
	}
	hook = argv[optind];
	if (strcmp(hook, "pre-commit") == 0) {
		text = hook_pre_commit;
	} else if (strcmp(hook, "pre-receive") == 0) {
		text = hook_pre_receive;
	} else {
		cg_err_set(err, CG_EUSAGE, "unknown hook '%s' (pre-commit or "
		    "pre-receive)", hook);
		goto out;
	}
	rc = cg_repo_open(&repo, repo_path, CG_REPO_DISCOVER, err);
	if (rc < 0)
		goto out;
	rc = cg_repo_hooks_dir(&dir, repo, err);
	if (rc < 0)
		goto out;
	rc = make_dirs(dir, err);
	if (rc < 0)
		goto out;
	rc = cg_buf_printf(&path, err, "%s%s%s", dir,
	    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", hook);
	if (rc < 0)
		goto out;
	old = slurp(path.data);
	if (old != NULL && strcmp(old, text) == 0) {
		printf("cascadeguard: %s already installed in %s\n", hook,
		    path.data);
		code = CG_EXIT_CLEAN;
		goto out;
	}
	if (old != NULL && !force) {
		cg_err_set(err, CG_EINPUT, "%s exists and is not "
		    "cascadeguard's hook: keep it, or replace it with "
		    "--force", path.data);
		goto out;
	}
	rc = write_hook(path.data, text, err);
	if (rc < 0)
		goto out;
	printf("cascadeguard: installed %s in %s\n", hook, path.data);
	code = CG_EXIT_CLEAN;
out:
	free(old);
	free(dir);
	cg_buf_release(&path);
	cg_repo_free(repo);
	return code;
}
