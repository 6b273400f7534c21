/* SPDX-License-Identifier: MIT */
/*
 * The public corpus (../shared/corpus, real migration histories of
 * public projects) through the real binary: every history replays or
 * reports why with SQLite's message, nothing crashes, and the incidents
 * the corpus records are caught.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/repo.h"

struct project {
	const char *name;	/* corpus folder */
	const char *glob;	/* where its migrations are */
	const char *probe;	/* a path the glob matches that sorts last */
};

static const struct project projects[] = {
	{ "raphaeltm__simple-agent-manager",
	    "apps/api/src/db/migrations/*.sql",
	    "apps/api/src/db/migrations/9999_cg_probe.sql" },
	{ "raphaeltm__simple-agent-manager__head",
	    "apps/api/src/db/migrations/*.sql",
	    "apps/api/src/db/migrations/9999_cg_probe.sql" },
	{ "alookai__alook", "src/web/migrations/*.sql",
	    "src/web/migrations/9999_cg_probe.sql" },
	{ "alookai__alook__head", "src/web/migrations/*.sql",
	    "src/web/migrations/9999_cg_probe.sql" },
	{ "victor36max__shire", "drizzle/*.sql", "drizzle/9999_cg_probe.sql" },
	{ "mvdicarlo__postybirb", "apps/postybirb/src/migrations/*.sql",
	    "apps/postybirb/src/migrations/9999_cg_probe.sql" },
	{ "karakeep-app__karakeep", "packages/db/drizzle/*.sql",
	    "packages/db/drizzle/9999_cg_probe.sql" },
	{ "openstatusHQ__openstatus", "packages/db/drizzle/*.sql",
	    "packages/db/drizzle/9999_cg_probe.sql" },
	{ "homarr-labs__homarr", "packages/db/migrations/sqlite/*.sql",
	    "packages/db/migrations/sqlite/9999_cg_probe.sql" },
	{ "stonith404__pingvin-share",
	    "backend/prisma/migrations/*/migration.sql",
	    "backend/prisma/migrations/99999999999999_cg_probe/migration.sql" },
	{ "teableio__teable",
	    "packages/db-main-prisma/prisma/sqlite/migrations/*/migration.sql",
	    "packages/db-main-prisma/prisma/sqlite/migrations/"
	    "99999999999999_cg_probe/migration.sql" },
	{ "pocket-id__pocket-id",
	    "backend/resources/migrations/sqlite/*.up.sql",
	    "backend/resources/migrations/sqlite/99999999999999_cg_probe.up.sql" },
	{ "hua0512__rust-srec", "rust-srec/migrations/*.sql",
	    "rust-srec/migrations/99999999999999_cg_probe.sql" },
};

#define NPROJECTS (sizeof(projects) / sizeof(projects[0]))

static const char *
corpus(void)
{
	const char *c = getenv("CG_CORPUS");
	static char path[4096];

	if (c == NULL || c[0] == '\0')
		return NULL;
	snprintf(path, sizeof(path), "%s/MANIFEST.md", c);
	if (access(path, R_OK) != 0)
		return NULL;
	return c;
}

/* Copy one corpus project into a new repository, commit it, return dir. */
static char *
corpus_repo(const struct project *p, unsigned *nfiles, const char *config)
{
	char *dir = cg_test_tmpdir();
	char count[32];
	FILE *f;
	char path[4096];

	/*
	 * Under valgrind (CG_BIN_WRAPPER) everything runs ~50 times slower:
	 * the per-file time budget must not decide what a run reports.
	 */
	snprintf(path, sizeof(path), "[cascadeguard]\n%s%s",
	    getenv("CG_BIN_WRAPPER") != NULL && getenv("CG_BIN_WRAPPER")[0] ?
	    "time-budget-ms = 60000\n" : "", config ? config : "");
	if (strcmp(path, "[cascadeguard]\n") != 0)
		cg_test_write(dir, ".cascadeguard", path);
	cr_assert_eq(cg_test_sh(dir, "git init -q && cp -R '%s/%s/.' . && "
	    "git add -A && git commit -qm corpus && "
	    "ls -d %s | grep -v -e '\\.down\\.sql$' -e '/down\\.sql$' | "
	    "wc -l > .count", corpus(), p->name, p->glob), 0);
	snprintf(path, sizeof(path), "%s/.count", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(count, sizeof(count), f));
	fclose(f);
	*nfiles = (unsigned)strtoul(count, NULL, 10);
	cr_assert_gt(*nfiles, 0);
	return dir;
}

/* Print what a run said, for people reading the test log. */
static void
log_run(const char *what, const struct project *p, const struct cg_run *r)
{
	const char *summary = strstr(r->out, "cascadeguard: ");

	cr_log_info("%s %s: exit %d, %zu history warnings, %zu errors: %s",
	    what, p->name, r->code,
	    cg_test_count(r->out, "warning[history-replay-fails]"),
	    cg_test_count(r->out, ": error["), summary ? summary : r->out);
}

ParameterizedTestParameters(corpus, findings_match_the_reviewed_expectations)
{
	static size_t idx[NPROJECTS];
	size_t i;

	for (i = 0; i < NPROJECTS; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, NPROJECTS);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * What a run found, one line per finding: "severity rule file[:line]",
 * then "summary: (...)".  Messages are left out on purpose: the file
 * records what is found where, and review reads the messages in the log.
 */
static char *
normalize(const char *out)
{
	static const char *const sev[] = { ": error[", ": warning[",
	    ": note[" };
	size_t cap = strlen(out) + 64, len = 0, k;
	char *res = malloc(cap);
	const char *line, *eol, *hit, *loc, *rule, *rend, *col, *sum;

	cr_assert_not_null(res);
	res[0] = '\0';
	for (line = out; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		hit = NULL;
		for (k = 0; k < 3 && hit == NULL; k++) {
			hit = strstr(line, sev[k]);
			if (hit != NULL && hit > eol)
				hit = NULL;
		}
		if (hit == NULL || line[0] == ' ')
			continue;
		k--;
		loc = line;
		if (loc[0] == '[')	/* "[set] " */
			loc = strstr(loc, "] ") + 2;
		rule = hit + strlen(sev[k]);
		rend = strchr(rule, ']');
		/* drop the column: file:line:col -> file:line */
		col = hit;
		{
			const char *c1 = memrchr(loc, ':', (size_t)(hit - loc));

			if (c1 != NULL && c1 > loc) {
				const char *c2 = memrchr(loc, ':',
				    (size_t)(c1 - loc));

				if (c2 != NULL)
					col = c1;
			}
		}
		len += (size_t)snprintf(res + len, cap - len, "%.*s %.*s %.*s\n",
		    (int)(strlen(sev[k]) - 3), sev[k] + 2, (int)(rend - rule),
		    rule, (int)(col - loc), loc);
	}
	sum = strstr(out, "cascadeguard: ");
	sum = sum ? strchr(sum, '(') : NULL;
	if (sum != NULL)
		len += (size_t)snprintf(res + len, cap - len, "summary: %.*s\n",
		    (int)strcspn(sum, "\n"), sum);
	return res;
}

/*
 * All of a project's migrations as new files (base: the empty tree), the
 * layout detected as for any repository (no --migrations): each file runs
 * statement by statement on what the ones before built.  What is found
 * must be exactly tests/corpus/<project>.expected, a reviewed file whose
 * comments say why each finding is right (or a known limit), and whose
 * "config:" lines are the project's .cascadeguard where its runner cannot
 * be seen from the corpus files.  CG_UPDATE_EXPECTED=1 rewrites the
 * findings part, keeping the comments and config lines.
 */
ParameterizedTest(size_t *i, corpus, findings_match_the_reviewed_expectations)
{
	const struct project *p = &projects[*i];
	const char *args[] = { "check-range", "HEAD", NULL };
	char path[4096];
	char *hdr;
	char *want, *got, *line, *eol, *cfg;
	size_t hlen = 0, clen = 0;
	unsigned n;
	struct cg_run r;
	char *dir;
	FILE *f;

	if (corpus() == NULL)
		cr_skip_test("CG_CORPUS does not point at ../shared/corpus");
	snprintf(path, sizeof(path), "%s", cg_test_src("tests/corpus/"));
	snprintf(path + strlen(path), sizeof(path) - strlen(path),
	    "%s.expected", p->name);
	want = slurp(path);
	if (want == NULL)
		want = strdup("");
	cr_assert_not_null(want);
	/* the header: comments and config lines, in order */
	hdr = malloc(strlen(want) + 1);
	cfg = malloc(strlen(want) + 64);
	cr_assert(hdr != NULL && cfg != NULL);
	hdr[0] = cfg[0] = '\0';
	for (line = want; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		if (line[0] == '#' || line == eol ||
		    strncmp(line, "config: ", 8) == 0) {
			memcpy(hdr + hlen, line, (size_t)(eol - line));
			hlen += (size_t)(eol - line);
			hdr[hlen++] = '\n';
			hdr[hlen] = '\0';
		}
		if (strncmp(line, "config: ", 8) == 0) {
			memcpy(cfg + clen, line + 8, (size_t)(eol - line - 8));
			clen += (size_t)(eol - line - 8);
			cfg[clen++] = '\n';
			cfg[clen] = '\0';
		}
	}
	dir = corpus_repo(p, &n, cfg);
	cg_test_run(&r, dir, args, NULL, NULL);
	log_run("all new", p, &r);
	cr_assert(r.code == 0 || r.code == 1, "%s: exit %d\n%s\n%s", p->name,
	    r.code, r.err, r.out);
	cr_assert_str_empty(r.err, "%s: %s", p->name, r.err);
	got = normalize(r.out);
	if (getenv("CG_UPDATE_EXPECTED") != NULL) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "cannot write %s", path);
		fprintf(f, "%s%s", hdr, got);
		fclose(f);
	} else {
		/* compare the findings part only */
		char *w = want, *body = malloc(strlen(want) + 1);
		size_t blen = 0;

		cr_assert_not_null(body);
		for (line = w; *line != '\0'; line = *eol ? eol + 1 : eol) {
			eol = strchr(line, '\n');
			if (eol == NULL)
				eol = line + strlen(line);
			if (line[0] == '#' || line == eol ||
			    strncmp(line, "config: ", 8) == 0)
				continue;
			memcpy(body + blen, line, (size_t)(eol - line));
			blen += (size_t)(eol - line);
			body[blen++] = '\n';
		}
		body[blen] = '\0';
		cr_assert_str_eq(got, body, "%s: the findings differ from %s "
		    "(review the change; CG_UPDATE_EXPECTED=1 rewrites it)\n"
		    "---- got:\n%s---- expected:\n%s---- run:\n%s", p->name,
		    path, got, body, r.out);
		free(body);
	}
	free(got);
	free(cfg);
	free(hdr);
	free(want);
	cg_run_release(&r);
	cg_test_rmrf(dir);
	free(dir);
}

/*
 * The replay cache changes nothing a check reports: runs without it,
 * with it cold (it is written) and warm (it is read) print the same.
 */
static void
same_with_and_without_cache(const char *dir, const char *name,
    const char *glob, const char *first)
{
	const char *nocache[] = { "check-range", "--no-cache", "--migrations",
		glob, "HEAD", NULL };
	const char *cached[] = { "check-range", "--migrations", glob, "HEAD",
		NULL };
	struct cg_run a, b;
	char path[4096];

	cg_test_run(&a, dir, nocache, NULL, NULL);
	cr_assert_str_eq(a.out, first, "%s: --no-cache differs from the cold "
	    "run:\n%s\n---- cold:\n%s", name, a.out, first);
	cg_test_run(&b, dir, cached, NULL, NULL);
	cr_assert_str_eq(b.out, first, "%s: the warm run differs from the cold "
	    "one:\n%s\n---- cold:\n%s", name, b.out, first);
	snprintf(path, sizeof(path), "%s/.git/cascadeguard/cache", dir);
	cr_assert_eq(access(path, R_OK), 0, "no cache was written at %s", path);
	cg_run_release(&a);
	cg_run_release(&b);
}

ParameterizedTestParameters(corpus, whole_history_replays_under_a_new_file)
{
	static size_t idx[NPROJECTS];
	size_t i;

	for (i = 0; i < NPROJECTS; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, NPROJECTS);
}

/*
 * The whole history as the base, and one harmless new migration: the
 * replay reads every file, failures are warnings with SQLite's message,
 * and the verdict is clean.
 */
ParameterizedTest(size_t *i, corpus, whole_history_replays_under_a_new_file)
{
	const struct project *p = &projects[*i];
	const char *args[] = { "check-range", "--migrations", p->glob, "HEAD",
		NULL };
	char want[64];
	const char *w;
	unsigned n;
	struct cg_run r;
	char *dir;

	if (corpus() == NULL)
		cr_skip_test("CG_CORPUS does not point at ../shared/corpus");
	dir = corpus_repo(p, &n, NULL);
	cg_test_write(dir, p->probe,
	    "CREATE TABLE cg_probe (id INTEGER PRIMARY KEY);\n");
	cr_assert_eq(cg_test_sh(dir, "git add -A && git commit -qm probe"), 0);
	cg_test_run(&r, dir, args, NULL, NULL);
	log_run("history", p, &r);
	same_with_and_without_cache(dir, p->name, p->glob, r.out);
	cr_assert_eq(r.code, 0, "%s: exit %d\n%s\n%s", p->name, r.code, r.err,
	    r.out);
	snprintf(want, sizeof(want), "(1 new migration checked on a history "
	    "of %u,", n);
	cr_assert(strstr(r.out, want) != NULL, "%s: want '%s' in\n%s",
	    p->name, want, r.out);
	/* a history failure always carries SQLite's reason */
	for (w = strstr(r.out, "warning[history-replay-fails]"); w != NULL;
	     w = strstr(w + 1, "warning[history-replay-fails]"))
		cr_assert(strstr(w, ": ") != NULL);
	cg_run_release(&r);
	cg_test_rmrf(dir);
	free(dir);
}

/*
 * simple-agent-manager at PR #812: 0047 rebuilt `projects` with
 * PRAGMA foreign_keys = OFF on D1.  The history before it is the base.
 */
Test(corpus, simple_agent_manager_0047_is_caught)
{
	const char *args[] = { "check-range", "HEAD", NULL };
	struct cg_run r;
	char *dir;

	if (corpus() == NULL)
		cr_skip_test("CG_CORPUS does not point at ../shared/corpus");
	dir = cg_test_tmpdir();
	cr_assert_eq(cg_test_sh(dir, "git init -q && mkdir -p migrations && "
	    "cp '%s/raphaeltm__simple-agent-manager/apps/api/src/db/"
	    "migrations/'*.sql migrations/ && "
	    "mv migrations/0047_artifacts_repo_provider.sql . && "
	    "git add -A && git commit -qm history && "
	    "mv 0047_artifacts_repo_provider.sql migrations/ && "
	    "git add -A && git commit -qm 0047", corpus()), 0);
	cg_test_run(&r, dir, args, NULL, NULL);
	cr_log_info("simple-agent-manager 0047:\n%s", r.out);
	cr_assert_eq(r.code, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "migrations/0047_artifacts_repo_provider.sql:"
	    "61:1: error[cascade-drop]: DROP TABLE projects deletes every row "
	    "of ") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "warning[fk-pragma-ignored]") != NULL, "%s",
	    r.out);
	cg_run_release(&r);
	cg_test_rmrf(dir);
	free(dir);
}

/*
 * The header (comments, blank and config lines) and the findings of an
 * expectation file, and the config lines alone (the .cascadeguard).
 */
static void
split_expected(const char *want, char **hdr, char **cfg, char **body)
{
	const char *line, *eol;
	size_t hl = 0, cl = 0, bl = 0, n;
	int head;

	*hdr = malloc(strlen(want) + 1);
	*cfg = malloc(strlen(want) + 1);
	*body = malloc(strlen(want) + 1);
	cr_assert(*hdr != NULL && *cfg != NULL && *body != NULL);
	for (line = want; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		n = (size_t)(eol - line);
		head = line[0] == '#' || n == 0 ||
		    strncmp(line, "config: ", 8) == 0;
		if (head) {
			memcpy(*hdr + hl, line, n);
			hl += n;
			(*hdr)[hl++] = '\n';
		} else {
			memcpy(*body + bl, line, n);
			bl += n;
			(*body)[bl++] = '\n';
		}
		if (strncmp(line, "config: ", 8) == 0) {
			memcpy(*cfg + cl, line + 8, n - 8);
			cl += n - 8;
			(*cfg)[cl++] = '\n';
		}
	}
	(*hdr)[hl] = (*cfg)[cl] = (*body)[bl] = '\0';
}

ParameterizedTestParameters(corpus, each_head_migration_on_its_history)
{
	static size_t idx[NPROJECTS];
	size_t i, n = 0;
	const char *s;

	for (i = 0; i < NPROJECTS; i++) {
		s = strstr(projects[i].name, "__head");
		if (s != NULL && s[6] == '\0')
			idx[n++] = i;
	}
	return cr_make_param_array(size_t, idx, n);
}

/*
 * The precision suite (#13): the later snapshot of a project with two
 * (`__head`), one commit per migration in run order on top of the rest
 * of the tree, and every commit checked against its parent (history =
 * the files before it, new = that file), as a push of each would be.
 * What is found must be tests/corpus/<project>.precision.expected, a
 * reviewed file like the others (CG_UPDATE_EXPECTED=1 rewrites it).
 */
ParameterizedTest(size_t *i, corpus, each_head_migration_on_its_history)
{
	const struct project *p = &projects[*i];
	const char *args[] = { "check-range", "--each-commit", "cgbase..HEAD",
		NULL };
	char path[4096], conf[4096];
	char *want, *hdr, *cfg, *body, *got;
	struct cg_run r;
	char *dir;
	FILE *f;

	if (corpus() == NULL)
		cr_skip_test("CG_CORPUS does not point at ../shared/corpus");
	snprintf(path, sizeof(path), "%stests/corpus/%s.precision.expected",
	    cg_test_src(""), p->name);
	want = slurp(path);
	if (want == NULL)
		want = strdup("");
	cr_assert_not_null(want);
	split_expected(want, &hdr, &cfg, &body);
	dir = cg_test_tmpdir();
	snprintf(conf, sizeof(conf), "[cascadeguard]\n%s%s",
	    getenv("CG_BIN_WRAPPER") != NULL && getenv("CG_BIN_WRAPPER")[0] ?
	    "time-budget-ms = 60000\n" : "", cfg);
	if (strcmp(conf, "[cascadeguard]\n") != 0)
		cg_test_write(dir, ".cascadeguard", conf);
	cr_assert_eq(cg_test_sh(dir, "git init -q && cp -R '%s/%s/.' . && "
	    "ls -d %s | grep -v -e '\\.down\\.sql$' | LC_ALL=C sort "
	    "> .git/cglist && rm -f $(cat .git/cglist) && git add -A && "
	    "git commit -qm base && git tag cgbase && "
	    "while read -r m; do cp '%s/%s/'\"$m\" \"$m\" && git add \"$m\" "
	    "&& git commit -qm \"$m\" || exit 1; done < .git/cglist",
	    corpus(), p->name, p->glob, corpus(), p->name), 0);
	cg_test_run(&r, dir, args, NULL, NULL);
	log_run("each head migration", p, &r);
	cr_assert(r.code == 0 || r.code == 1, "%s: exit %d\n%s\n%s", p->name,
	    r.code, r.err, r.out);
	cr_assert_str_empty(r.err, "%s: %s", p->name, r.err);
	got = normalize(r.out);
	if (getenv("CG_UPDATE_EXPECTED") != NULL) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "cannot write %s", path);
		fprintf(f, "%s%s", hdr, got);
		fclose(f);
	} else {
		cr_assert_str_eq(got, body, "%s: the findings differ from %s "
		    "(review the change; CG_UPDATE_EXPECTED=1 rewrites it)\n"
		    "---- got:\n%s---- expected:\n%s---- run:\n%s", p->name,
		    path, got, body, r.out);
	}
	free(got);
	free(body);
	free(cfg);
	free(hdr);
	free(want);
	cg_run_release(&r);
	cg_test_rmrf(dir);
	free(dir);
}
