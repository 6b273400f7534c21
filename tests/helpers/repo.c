/* SPDX-License-Identifier: MIT */
/* End-to-end test helpers: real repositories, the real binary. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/repo.h"

extern char **environ;

char *
cg_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	char *dir;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/cg-test-XXXXXX", base);
	dir = mkdtemp(tmpl);
	cr_assert_not_null(dir, "mkdtemp: %s", strerror(errno));
	dir = realpath(tmpl, NULL);
	cr_assert_not_null(dir);
	return dir;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
cg_test_rmrf(const char *dir)
{
	if (dir != NULL && strncmp(dir, "/", 1) == 0 && strlen(dir) > 5)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	cr_assert(vasprintf(&s, fmt, ap) >= 0);
	return s;
}

static int
wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int
cg_test_sh(const char *dir, const char *fmt, ...)
{
	char *script, *full;
	va_list ap;
	pid_t pid;
	int rc;
	char *argv[4];

	va_start(ap, fmt);
	script = vformat(fmt, ap);
	va_end(ap);
	cr_assert(asprintf(&full,
	    "cd '%s' && export HOME='%s' GIT_CONFIG_NOSYSTEM=1 "
	    "GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL=author@example.com "
	    "GIT_COMMITTER_NAME='C O Mitter' "
	    "GIT_COMMITTER_EMAIL=committer@example.com "
	    "GIT_AUTHOR_DATE='1112354055 +0200' "
	    "GIT_COMMITTER_DATE='1112354055 +0200' LC_ALL=C && "
	    "git config --global init.defaultBranch main && "
	    "git config --global advice.detachedHead false && { %s\n}",
	    dir, dir, script) >= 0);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = full;
	argv[3] = NULL;
	rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	cr_assert_eq(rc, 0, "posix_spawn sh: %s", strerror(rc));
	rc = wait_status(pid);
	free(full);
	free(script);
	return rc;
}

static void
mkdirs_for(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			cr_assert_fail("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
}

void
cg_test_write_bytes(const char *dir, const char *rel, const void *data,
    size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs_for(path);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "fopen %s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

void
cg_test_write(const char *dir, const char *rel, const char *content)
{
	cg_test_write_bytes(dir, rel, content, strlen(content));
}

const char *
cg_test_src(const char *rel)
{
	static char path[PATH_MAX];
	const char *src = getenv("CG_SRCDIR");

	cr_assert_not_null(src, "CG_SRCDIR is not set: run the tests with "
	    "'make test'");
	snprintf(path, sizeof(path), "%s/%s", src, rel);
	return path;
}

void
cg_test_copy(const char *dir, const char *rel, const char *src_rel)
{
	char *data;
	long n;
	FILE *f;

	f = fopen(cg_test_src(src_rel), "rb");
	cr_assert_not_null(f, "fopen %s: %s", cg_test_src(src_rel),
	    strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	cr_assert_not_null(data);
	cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cg_test_write_bytes(dir, rel, data, (size_t)n);
	free(data);
}

/* Read all of fd into a NUL-terminated string. */
static void
append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	cr_assert_not_null(*buf);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* 1 when the NULL-terminated env list sets HOME. */
static int
sets_home(const char *const *env)
{
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		if (strncmp(env[i], "HOME=", 5) == 0)
			return 1;
	return 0;
}

long cg_test_hard_timeout_ms;

/* cg_test_run; when u is not NULL, also the child's usage. */
static void
run_child(struct cg_run *r, struct cg_run_usage *u, const char *dir,
    const char *const *args, const char *in, const char *const *extra_env)
{
	struct timespec t0, t1;
	struct rusage ru;
	int killed = 0;
	int st;
	const char *bin = getenv("CG_BIN");
	const char *wrapper = getenv("CG_BIN_WRAPPER");
	posix_spawn_file_actions_t fa;
	int pin[2], pout[2], perr[2];
	char *argv[64], *envp[64];
	char *wcopy = NULL, *tok, *save = NULL;
	char home[PATH_MAX + 8], pwd[PATH_MAX + 8];
	size_t outlen = 0, errlen = 0, inlen, inoff = 0;
	struct pollfd pfd[3];
	size_t na = 0, ne = 0, i;
	char chunk[65536];
	pid_t pid;
	ssize_t k;
	int rc;

	cr_assert_not_null(bin, "CG_BIN is not set: run the tests with "
	    "'make test'");
	memset(r, 0, sizeof(*r));
	if (wrapper != NULL && wrapper[0] != '\0') {
		wcopy = strdup(wrapper);
		for (tok = strtok_r(wcopy, " ", &save); tok && na < 30;
		    tok = strtok_r(NULL, " ", &save))
			argv[na++] = tok;
	}
	argv[na++] = (char *)bin;
	for (i = 0; args[i] != NULL && na < 62; i++)
		argv[na++] = (char *)args[i];
	argv[na] = NULL;

	snprintf(home, sizeof(home), "HOME=%s", dir);
	snprintf(pwd, sizeof(pwd), "PWD=%s", dir);
	envp[ne++] = (char *)"LC_ALL=C";
	envp[ne++] = (char *)"TZ=UTC";
	envp[ne++] = (char *)"NO_COLOR=1";
	envp[ne++] = (char *)"GIT_CONFIG_NOSYSTEM=1";
	envp[ne++] = (char *)"PATH=/usr/local/bin:/usr/bin:/bin";
	if (!sets_home(extra_env))
		envp[ne++] = home;
	envp[ne++] = pwd;
	for (i = 0; extra_env != NULL && extra_env[i] != NULL && ne < 62; i++)
		envp[ne++] = (char *)extra_env[i];
	envp[ne] = NULL;

	signal(SIGPIPE, SIG_IGN);	/* a child that exits early must not kill us */
	cr_assert_eq(pipe(pin), 0);
	cr_assert_eq(pipe(pout), 0);
	cr_assert_eq(pipe(perr), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	posix_spawn_file_actions_addclose(&fa, pin[1]);
	posix_spawn_file_actions_addclose(&fa, pout[0]);
	posix_spawn_file_actions_addclose(&fa, perr[0]);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
	if (rc != 0)
		rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp);
	cr_assert_eq(rc, 0, "spawn %s: %s", argv[0], strerror(rc));
	posix_spawn_file_actions_destroy(&fa);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);

	inlen = in ? strlen(in) : 0;
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	append(&r->out, &outlen, "", 0);
	append(&r->err, &errlen, "", 0);
	pfd[0].fd = pout[0];
	pfd[1].fd = perr[0];
	pfd[2].fd = pin[1];
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		int wait_ms = -1;

		pfd[0].events = pfd[1].events = POLLIN;
		pfd[2].events = POLLOUT;
		if (cg_test_hard_timeout_ms > 0 && !killed) {
			struct timespec now;
			long spent;

			clock_gettime(CLOCK_MONOTONIC, &now);
			spent = (long)(now.tv_sec - t0.tv_sec) * 1000 +
			    (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (spent >= cg_test_hard_timeout_ms) {
				/* The outer timeout: a hang is a failure. */
				(void)kill(pid, SIGKILL);
				killed = 1;
			} else {
				wait_ms = (int)(cg_test_hard_timeout_ms - spent);
			}
		}
		k = poll(pfd, 3, wait_ms);
		if (k == 0)
			continue;
		if (k < 0) {
			if (errno == EINTR)
				continue;
			cr_assert_fail("poll: %s", strerror(errno));
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			k = read(pfd[i].fd, chunk, sizeof(chunk));
			if (k <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			} else if (i == 0) {
				append(&r->out, &outlen, chunk, (size_t)k);
			} else {
				append(&r->err, &errlen, chunk, (size_t)k);
			}
		}
		if (pfd[2].fd >= 0 && (pfd[2].revents & (POLLOUT | POLLERR))) {
			k = write(pfd[2].fd, in + inoff, inlen - inoff);
			if (k > 0)
				inoff += (size_t)k;
			if (k <= 0 || inoff == inlen) {
				close(pfd[2].fd);
				pfd[2].fd = -1;
			}
		}
	}
	if (pfd[2].fd >= 0)
		close(pfd[2].fd);
	if (u == NULL) {
		r->code = wait_status(pid);
		free(wcopy);
		return;
	}
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &st, 0, &ru) < 0)
		cr_assert_eq(errno, EINTR, "wait4: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) :
	    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
	u->maxrss_kib = ru.ru_maxrss;
	u->wall_ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	free(wcopy);
}

void
cg_test_run(struct cg_run *r, const char *dir, const char *const *args,
    const char *in, const char *const *extra_env)
{
	run_child(r, NULL, dir, args, in, extra_env);
}

void
cg_test_run_usage(struct cg_run *r, struct cg_run_usage *u, const char *dir,
    const char *const *args, const char *in, const char *const *extra_env)
{
	run_child(r, u, dir, args, in, extra_env);
}

void
cg_run_release(struct cg_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

size_t
cg_test_count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

int
cg_test_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

void
cg_test_runl(struct cg_run *r, const char *dir, const char *first, ...)
{
	const char *args[16];
	size_t n = 0;
	va_list ap;

	args[n++] = first;
	va_start(ap, first);
	while (n < 15 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	cg_test_run(r, dir, args, NULL, NULL);
}

char *
cg_test_repo_new(void)
{
	char *dir = cg_test_tmpdir();

	cr_assert_eq(cg_test_sh(dir, "git init -q -b main"), 0);
	return dir;
}

void
cg_test_repo_free(char *dir)
{
	cg_test_rmrf(dir);
	free(dir);
}

void
cg_test_commit(const char *dir, const char *msg)
{
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm '%s'", msg),
	    0, "git commit '%s' failed in %s", msg, dir);
}

void
cg_test_branch(const char *dir, const char *name)
{
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb %s main", name), 0,
	    "git checkout -qb %s main failed in %s", name, dir);
}

/* Write the (path, text) pairs of ap up to a NULL path. */
static void
write_pairs(const char *dir, va_list ap)
{
	const char *path, *text;

	while ((path = va_arg(ap, const char *)) != NULL) {
		text = va_arg(ap, const char *);
		cg_test_write(dir, path, text);
	}
}

void
cg_test_commit_files(const char *dir, const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	write_pairs(dir, ap);
	va_end(ap);
	cg_test_commit(dir, msg);
}

void
cg_test_history(const char *dir, const char *base, ...)
{
	va_list ap;

	cg_test_commit_files(dir, "history", "migrations/0001_init.sql", base,
	    (const char *)NULL);
	cr_assert_eq(cg_test_sh(dir, "git checkout -qb feature"), 0);
	va_start(ap, base);
	write_pairs(dir, ap);
	va_end(ap);
	cg_test_commit(dir, "feature");
}

void
cg_test_write_wrangler(const char *dir)
{
	cg_test_write(dir, "wrangler.toml",
	    "name = \"api\"\n"
	    "[[d1_databases]]\n"
	    "binding = \"DB\"\n"
	    "database_name = \"api-db\"\n"
	    "database_id = \"00000000-0000-0000-0000-000000000000\"\n");
}

void
cg_test_write_sqlx(const char *dir)
{
	cg_test_write(dir, "Cargo.toml", "[package]\nname = \"svc\"\n"
	    "version = \"0.1.0\"\n\n[dependencies]\n"
	    "sqlx = { version = \"0.7\", features = [\"sqlite\"] }\n");
}
