/* SPDX-License-Identifier: MIT */
/*
 * The long explanation of every rule: what it catches, why it matters, a
 * bad and a good example.  test_explain.c fails when a rule lacks one.
 */
#include <stddef.h>
#include <stdlib.h>

#include "explain.h"
#include "util.h"
#include "banned.h"

#define CG_EXPLAIN_WIDTH 72	/* columns of a wrapped paragraph */

static const struct cg_explain texts[CG_RULE__COUNT] = {
	[CG_RULE_CASCADE_DROP] = {
	    "DROP TABLE on a table that other tables reference with ON DELETE "
	    "CASCADE, while foreign keys are enforced.  The classic case is "
	    "a table rebuild (create a new table, copy, drop the old one, "
	    "rename) written for SQLite but run where foreign keys stay on.  "
	    "A child key the file itself left NULL in every row (a table it "
	    "created and filled with a literal NULL there, or an UPDATE "
	    "... SET key = NULL with no WHERE) reaches no row and does not "
	    "count (docs/precision.md).",
	    "Dropping a parent deletes its rows first, so every CASCADE child "
	    "loses every row, transitively.  On Cloudflare D1 foreign keys "
	    "cannot be turned off inside a migration, so a rebuild that is "
	    "safe on plain SQLite wipes the children in production.",
	    "CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT,\n"
	    "    archived INTEGER NOT NULL DEFAULT 0);\n"
	    "INSERT INTO projects_new (id, name) SELECT id, name FROM projects;\n"
	    "DROP TABLE projects;      -- tasks ... ON DELETE CASCADE\n"
	    "ALTER TABLE projects_new RENAME TO projects;",
	    "ALTER TABLE projects ADD COLUMN archived INTEGER NOT NULL "
	    "DEFAULT 0;" },
	[CG_RULE_CASCADE_DELETE] = {
	    "DELETE, REPLACE or INSERT OR REPLACE on a table that has ON "
	    "DELETE CASCADE children.",
	    "REPLACE deletes the conflicting row before inserting the new "
	    "one, and that delete cascades: the children of the replaced "
	    "rows disappear although the parent looks unchanged.",
	    "INSERT OR REPLACE INTO projects (id, name) VALUES (1, 'core');",
	    "INSERT INTO projects (id, name) VALUES (1, 'core')\n"
	    "    ON CONFLICT (id) DO UPDATE SET name = excluded.name;" },
	[CG_RULE_SET_NULL_DROP] = {
	    "A drop or delete on a parent whose children use ON DELETE SET "
	    "NULL or SET DEFAULT.",
	    "The child rows survive, but lose the link to their parent: "
	    "after a rebuild every child points to nothing.",
	    "DROP TABLE teams;          -- users.team_id ... ON DELETE SET NULL",
	    "ALTER TABLE teams ADD COLUMN slug TEXT;" },
	[CG_RULE_DATA_LOSS] = {
	    "The simulation ran the migration on sample rows and a table "
	    "that still exists afterwards has lost rows.",
	    "Whatever the mechanism (cascade, trigger, a DELETE with a wrong "
	    "WHERE), production would lose the same rows.",
	    "DELETE FROM tasks WHERE project_id IN (SELECT id FROM projects);",
	    "UPDATE tasks SET archived = 1 WHERE project_id IN\n"
	    "    (SELECT id FROM projects WHERE archived = 1);" },
	[CG_RULE_MIGRATION_FAILS] = {
	    "A new migration does not apply on the schema its history builds "
	    "(a syntax error, a missing table or column, a constraint).  "
	    "Target drizzle also fails a --> statement-breakpoint chunk of "
	    "more than one statement: drizzle's better-sqlite3 migrator "
	    "prepares each chunk as one statement, better-sqlite3 refuses "
	    "it (\"The supplied SQL string contains more than one "
	    "statement\"), and every pending migration rolls back, since "
	    "they all run in one transaction.  (Target libsql runs only the "
	    "chunk's first statement instead: statement-not-run.)",
	    "The deploy stops at this statement; on a target without "
	    "transactional migrations the database is left half migrated.",
	    "ALTER TABLE task ADD COLUMN due_at TEXT;   -- the table is tasks",
	    "ALTER TABLE tasks ADD COLUMN due_at TEXT;" },
	[CG_RULE_TRANSACTION_IN_MIGRATION] = {
	    "BEGIN, COMMIT, ROLLBACK or SAVEPOINT inside a migration file.  "
	    "On D1 the finding notes what 'wrangler d1 migrations apply "
	    "--local' does with an upper-case BEGIN TRANSACTION: it deletes "
	    "only the file's first \"BEGIN TRANSACTION;\" and first "
	    "\"COMMIT;\" (so such a file may apply locally), and refuses a "
	    "file that still holds \"BEGIN TRANSACTION\" after that; "
	    "--remote sends the text as written, and D1 refuses it.",
	    "D1 and most runners already wrap each file in a transaction; "
	    "a nested BEGIN fails, and a COMMIT in the middle makes the rest "
	    "of the file non-atomic.",
	    "BEGIN;\nALTER TABLE tasks ADD COLUMN due_at TEXT;\nCOMMIT;",
	    "ALTER TABLE tasks ADD COLUMN due_at TEXT;" },
	[CG_RULE_FK_PRAGMA_IGNORED] = {
	    "PRAGMA foreign_keys=OFF where it has no effect: inside a "
	    "transaction, or on D1, which runs each migration in one.",
	    "The author believes cascades are off for a rebuild that "
	    "follows, but they are not: the rebuild deletes child rows.",
	    "PRAGMA foreign_keys=OFF;\nDROP TABLE projects;",
	    "-- on D1: no rebuild\n"
	    "ALTER TABLE projects ADD COLUMN archived INTEGER;" },
	[CG_RULE_APPLIED_MIGRATION_CHANGED] = {
	    "A migration that the base already has was edited, deleted or "
	    "renamed.  An edit that leaves SQLite's tokens as they were "
	    "(only comments or whitespace changed; string literals count) "
	    "is a note for d1, drizzle, libsql, golang-migrate and sqlite, "
	    "which never read an applied file again, and stays an error "
	    "for sqlx and prisma, which checksum it.",
	    "Production ran the old text and will never run the new one; new "
	    "databases get a different schema from production's, and "
	    "tools that record applied names run a renamed file again.  "
	    "sqlx stores a SHA-384 checksum of the file's bytes and "
	    "'sqlx migrate run' refuses a changed one; prisma stores a "
	    "SHA-256 checksum and 'prisma migrate dev' asks to reset.",
	    "git mv migrations/0002_users.sql migrations/0002_accounts.sql",
	    "-- leave 0002 alone and add migrations/0005_accounts.sql" },
	[CG_RULE_OUT_OF_ORDER] = {
	    "A new migration sorts before the newest migration that is "
	    "already applied; or, in a drizzle journal, its \"when\" is not "
	    "newer than the newest applied entry's.",
	    "Some runners skip it silently, others run it after newer ones, "
	    "so environments drift apart.  drizzle's migrator compares each "
	    "entry's \"when\" with the newest applied one only, so an entry "
	    "generated on an older branch and merged later never runs.",
	    "migrations/0003_fix.sql  added after 0004_tags.sql was applied",
	    "migrations/0005_fix.sql" },
	[CG_RULE_DUPLICATE_VERSION] = {
	    "Two migrations share a version number (usually two branches "
	    "merged, each adding its own 0004), under a runner that keys "
	    "migrations by version: sqlx, golang-migrate and the plain "
	    "sqlite target.  Not for d1 (wrangler records file names and "
	    "runs both, in name order), drizzle and libsql (the journal "
	    "decides) or prisma (it records directory names).",
	    "sqlx fails on its _sqlx_migrations key and golang-migrate "
	    "refuses the folder; a custom runner may skip one silently.",
	    "migrations/0004_tags.sql\nmigrations/0004_labels.sql",
	    "migrations/0004_tags.sql\nmigrations/0005_labels.sql" },
	[CG_RULE_DROP_COLUMN] = {
	    "ALTER TABLE ... DROP COLUMN.",
	    "The column's data is gone for good, and code still running "
	    "during the deploy fails on the missing column.",
	    "ALTER TABLE users DROP COLUMN legacy_email;",
	    "-- deploy code that no longer reads it, copy the data if it\n"
	    "-- is needed, then drop it in a later migration" },
	[CG_RULE_RENAME] = {
	    "ALTER TABLE ... RENAME TO or RENAME COLUMN.",
	    "Code deployed before the migration still uses the old name and "
	    "fails until the new code is out.",
	    "ALTER TABLE users RENAME COLUMN mail TO email;",
	    "ALTER TABLE users ADD COLUMN email TEXT;\n"
	    "UPDATE users SET email = mail;   -- drop mail in a later deploy" },
	[CG_RULE_BUDGET_EXCEEDED] = {
	    "The sandbox stopped a statement that ran out of its step budget "
	    "(SQLite VM steps per file, the same under any load), its "
	    "wall-clock backstop, or its memory or length budget; in an "
	    "already applied file too, whose replay is then not cached.",
	    "The statement could not be checked; on a large production table "
	    "it may also run for a very long time.  A history file cut short "
	    "leaves the schema unknown, so the check fails closed.",
	    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)\n"
	    "SELECT count(*) FROM n;",
	    "-- bounded work; raise step-budget in .cascadeguard if needed" },
	[CG_RULE_FILE_REFUSED] = {
	    "A migration file that is binary, not UTF-8, larger than the "
	    "limit, a symbolic link or a submodule.",
	    "cascadeguard cannot check it, and a runner may apply something "
	    "else than what the review showed.",
	    "migrations/0004_data.sql -> ../../etc/passwd   (a symlink)",
	    "migrations/0004_data.sql  as a plain UTF-8 text file" },
	[CG_RULE_HISTORY_REPLAY_FAILS] = {
	    "A migration that is already applied does not replay in the "
	    "sandbox (libSQL-only syntax, say); the statement is skipped.",
	    "The replayed schema may differ from production's, so checks of "
	    "new migrations may miss something.",
	    "CREATE INDEX docs_vec ON docs (libsql_vector_idx(embedding));",
	    "-- standard SQLite statements, or accept the warning" },
	[CG_RULE_BAD_SUPPRESSION] = {
	    "A `-- cascadeguard:` comment that is not `allow <rule> "
	    "<reason>` with a known rule and a reason.",
	    "A suppression without a reason hides a finding from reviewers "
	    "without telling them why; a misspelt rule suppresses nothing.",
	    "-- cascadeguard: allow cascade-drp\nDROP TABLE projects;",
	    "-- cascadeguard: allow cascade-drop projects has no rows yet\n"
	    "DROP TABLE projects;" },
	[CG_RULE_DELETE_ROWS] = {
	    "The simulation seeded rows and an explicit DELETE in the "
	    "migration removed some of them.",
	    "A DELETE in a migration runs once against every production row; "
	    "a WHERE that is too wide deletes data no one meant to touch.",
	    "DELETE FROM tasks;   -- meant: the tasks of archived projects",
	    "DELETE FROM tasks WHERE project_id IN\n"
	    "    (SELECT id FROM projects WHERE archived = 1);" },
	[CG_RULE_ROWS_CHANGED] = {
	    "The simulation seeded rows and a foreign-key action (SET NULL, "
	    "SET DEFAULT, ON UPDATE CASCADE) or a trigger rewrote some of "
	    "them.",
	    "Rows that survive but silently lose their links or values are "
	    "harder to notice than deleted ones, and as hard to restore.",
	    "DROP TABLE teams;   -- users.team_id ... ON DELETE SET NULL",
	    "ALTER TABLE teams ADD COLUMN slug TEXT;" },
	[CG_RULE_NOT_SIMULATED] = {
	    "The simulation could not seed a table (constraints it cannot "
	    "satisfy) or could not run a file, so rows lost there are not "
	    "counted.",
	    "The static checks still ran, but the data-loss simulation has a "
	    "blind spot: review that table's changes by hand.",
	    "CREATE TABLE t (x INTEGER CHECK (x > 0 AND x < 0));",
	    "CREATE TABLE t (x INTEGER CHECK (x > 0));" },
	[CG_RULE_NOT_SQLITE] = {
	    "A change touches a migration set that is not SQLite: a prisma "
	    "migration_lock.toml names another provider, a drizzle journal "
	    "another dialect, or the folder is named for another engine "
	    "(postgres, mysql, ...).",
	    "cascadeguard replays migrations in SQLite; another engine's SQL "
	    "would fail or mean something else, so the set is left out and "
	    "the check says so instead of passing silently.",
	    "prisma/migrations/migration_lock.toml: provider = \"postgresql\"",
	    "[set app]\nmigrations = db/sqlite/*.sql   # in .cascadeguard, to "
	    "check a set anyway" },
	[CG_RULE_DOWN_FILE_APPLIED] = {
	    "A new x.down.sql (or down.sql) in the folder of a D1 set.",
	    "wrangler d1 migrations apply runs every .sql file of its folder "
	    "in name order, so the rollback script runs as a migration "
	    "(0005_tags.down.sql even before 0005_tags.sql).  cascadeguard "
	    "replays it the same way, so what it drops is checked too.",
	    "migrations/0005_tags.sql\nmigrations/0005_tags.down.sql",
	    "migrations/0005_tags.sql\nmigrations/rollback/0005_tags.sql   "
	    "# wrangler does not read subfolders" },
	[CG_RULE_CONFIG_UNREADABLE] = {
	    "A wrangler.toml, wrangler.json or wrangler.jsonc that does not "
	    "parse (often a template with placeholders): a warning, and an "
	    "error in a change that touches the file.",
	    "Its D1 bindings, and the migrations_dir each names, are unknown: "
	    "a folder it names that detection cannot find by its name goes "
	    "unchecked.  The other sets are still checked, and the check "
	    "says so on every run instead of stopping.",
	    "templates/worker/wrangler.toml:  name = {{ project_name }}",
	    "[set api]   # in .cascadeguard: name the sets yourself\n"
	    "migrations = apps/api/migrations/*.sql" },
	[CG_RULE_NOT_IN_JOURNAL] = {
	    "A new .sql file in the folder of a drizzle set (target drizzle "
	    "or libsql) that meta/_journal.json has no entry for: a note.",
	    "drizzle's migrator runs exactly the journal's entries, so the "
	    "file never runs: a forgotten journal entry, or a stale copy.  "
	    "cascadeguard neither replays nor checks such files, nor counts "
	    "them in duplicate-version or applied-migration-changed; a "
	    "journaled file that fails is still migration-fails.",
	    "drizzle/0001_new.sql          # in meta/_journal.json\n"
	    "drizzle/0001_stale_copy.sql   # not in it",
	    "drizzle/0001_new.sql   # the stale copy deleted (or added\n"
	    "                       # with drizzle-kit generate --custom)" },
	[CG_RULE_MAY_FAIL_ON_ROWS] = {
	    "A statement that applies on the empty replayed schema but fails "
	    "for some of the rows production may hold: a rebuild's copy into "
	    "a table with a new CHECK, NOT NULL, UNIQUE, STRICT type or "
	    "foreign key, and CREATE UNIQUE INDEX on a table that has rows "
	    "(the precondition comes from the statement).  Not when the "
	    "rows cannot collide: a unique key they satisfy lies within the "
	    "index (a UNIQUE of the table, an index the file dropped, the "
	    "keys of the table a rebuild copied them from, a DELETE ... "
	    "GROUP BY dedupe; same collations), or a column the file added "
	    "and nothing wrote since is NULL in every row, or its default "
	    "keeps every row out of a partial index.  The message prints "
	    "the read-only query that lists the rows that would make it "
	    "fail, on one line.  A statement that fails on any row at all "
	    "(ADD COLUMN ... NOT NULL without a default) is migration-fails "
	    "instead: \"fails on a table with rows\".  The simulation goes on "
	    "past it (the copy again with CHECK off, the index as a plain "
	    "one), so a loss later in the file is still seen.",
	    "The deploy stops half-way in production while every local run "
	    "on an empty database passes.",
	    "CREATE UNIQUE INDEX users_email ON users (email);",
	    "-- first, on production (no row: it applies):\n"
	    "-- SELECT email, count(*) FROM users WHERE (email) IS NOT NULL\n"
	    "--     GROUP BY email HAVING count(*) > 1 LIMIT 5\n"
	    "CREATE UNIQUE INDEX users_email ON users (email);" },
	[CG_RULE_COLUMN_VALUES_LOST] = {
	    "The simulation seeds every row with values of its own and "
	    "compares them, column by column, with what the new files leave "
	    "(rows found by their key, through renames and rebuilds): a "
	    "column of a table that stays whose seeded values are gone, "
	    "because a rebuild's INSERT ... SELECT leaves it out.  Reported "
	    "at that copy.  An explicit ALTER TABLE ... DROP COLUMN is "
	    "drop-column instead; a column whose values are in a renamed "
	    "column is not lost.",
	    "Production's values of the column are deleted with the old "
	    "table, and nothing in the migration says so.",
	    "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT);\n"
	    "INSERT INTO users_new (id, email)\n"
	    "  SELECT id, email FROM users;\n"
	    "DROP TABLE users;\nALTER TABLE users_new RENAME TO users;"
	    "   -- bio is gone",
	    "ALTER TABLE users DROP COLUMN bio;   -- said outright, or copy it:\n"
	    "INSERT INTO users_new (id, email, bio)\n"
	    "  SELECT id, email, bio FROM users;" },
	[CG_RULE_COLUMN_VALUES_CHANGED] = {
	    "A seeded value that a copy (a rebuild's INSERT ... SELECT) "
	    "puts into another column or another row, or converts so that "
	    "it no longer equals what was there: a positional SELECT in "
	    "another order than the new table's columns, a CAST, substr(), "
	    "a type that converts.  Each seeded value is unique in the "
	    "database, so where it went is recognisable.  Reported at the "
	    "copy.  Values an UPDATE changes are column-overwritten or "
	    "intended.",
	    "The rows are all there, so no count shows it: every email is now "
	    "a name, every '007' a 7.",
	    "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT, "
	    "name TEXT);\n"
	    "INSERT INTO users_new SELECT id, name, email FROM users;",
	    "INSERT INTO users_new (id, email, name)\n"
	    "  SELECT id, email, name FROM users;   -- by name" },
	[CG_RULE_COLUMN_OVERWRITTEN] = {
	    "An UPDATE that changes every seeded (non-NULL) value of a "
	    "column: no WHERE, or a WHERE every row matches.  A backfill of "
	    "NULLs (WHERE col IS NULL) and an UPDATE of some rows are not "
	    "reported.",
	    "Every production value of the column is replaced; if that is not "
	    "the intent, it cannot be undone.",
	    "UPDATE users SET plan = 'free';",
	    "UPDATE users SET plan = 'free' WHERE plan IS NULL;" },
	[CG_RULE_ROWS_FILTERED] = {
	    "A rebuild whose copy (INSERT ... SELECT ... FROM old) keeps only "
	    "the rows its WHERE or its join matches, when the seeded rows "
	    "it left behind are all that the simulation lost.  Which rows "
	    "production loses depends on production's data, so the message "
	    "prints the read-only query that counts the rows of the old "
	    "table the copy would leave behind.  A copy without a WHERE or "
	    "a join that loses rows, a WHERE that reads no column (WHERE "
	    "0), or a filter on a table the migration itself created empty "
	    "stays data-loss: that loss does not depend on the data.",
	    "Rows the filter drops are gone once the old table is dropped; "
	    "often that is the point (orphans), sometimes it is a typo in "
	    "the condition.",
	    "INSERT INTO seq_new SELECT * FROM seq\n"
	    "WHERE channel_id IN (SELECT id FROM channels);\n"
	    "DROP TABLE seq;",
	    "-- first, on production (0: no row is left behind):\n"
	    "-- SELECT count(*) FROM seq WHERE rowid NOT IN (SELECT seq.rowid\n"
	    "--     FROM seq WHERE channel_id IN (SELECT id FROM channels))\n"
	    "-- cascadeguard: allow rows-filtered orphans of deleted channels\n"
	    "INSERT INTO seq_new SELECT * FROM seq\n"
	    "WHERE channel_id IN (SELECT id FROM channels);\n"
	    "DROP TABLE seq;" },
	[CG_RULE_STATEMENT_NOT_RUN] = {
	    "Target libsql: a --> statement-breakpoint chunk (the text "
	    "between two markers) that holds more than one statement.  "
	    "drizzle's libSQL migrator hands each chunk to @libsql/client "
	    "as one statement, and the client runs only the first statement "
	    "of it, silently.  One finding per chunk, at the first statement "
	    "skipped, with how many are skipped.  cascadeguard skips them "
	    "too, so later statements are checked against the schema "
	    "production gets.  In an already applied file it is a warning: "
	    "production ran the file that way, and the replay of the "
	    "history skips them as well.  Target drizzle (better-sqlite3) "
	    "refuses such a chunk instead (\"The supplied SQL string "
	    "contains more than one statement\"), which is migration-fails, "
	    "and rolls back every pending migration.",
	    "Half of the migration never runs in production, and nothing "
	    "fails: the migration is recorded as applied, and the missing "
	    "table, column or index shows up later as a runtime error.",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n"
	    "CREATE INDEX tags_id ON tags (id);   -- never runs",
	    "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n"
	    "--> statement-breakpoint\n"
	    "CREATE INDEX tags_id ON tags (id);" },
};

const struct cg_explain *
cg_explain_get(enum cg_rule rule)
{
	if ((int)rule < 0 || rule >= CG_RULE__COUNT ||
	    texts[rule].catches == NULL)
		return NULL;
	return &texts[rule];
}

/* Append text with every line indented by four spaces. */
static int
indented(struct cg_buf *b, const char *text)
{
	const char *p = text;
	int rc = 0;

	while (rc == 0 && *p != '\0') {
		const char *nl = p;

		while (*nl != '\0' && *nl != '\n')
			nl++;
		rc = cg_buf_puts(b, "    ", NULL);
		if (rc == 0)
			rc = cg_buf_add(b, p, (size_t)(nl - p), NULL);
		if (rc == 0)
			rc = cg_buf_puts(b, "\n", NULL);
		p = *nl == '\n' ? nl + 1 : nl;
	}
	return rc;
}

/* Append a paragraph, words separated by single spaces, lines <= 72. */
static int
wrapped(struct cg_buf *b, const char *text)
{
	const char *p = text, *w;
	size_t col = 0, n;
	int rc = 0;

	while (rc == 0 && *p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *w != '\0' && *w != ' '; w++)
			;
		n = (size_t)(w - p);
		if (col > 0 && col + 1 + n > CG_EXPLAIN_WIDTH) {
			rc = cg_buf_puts(b, "\n", NULL);
			col = 0;
		} else if (col > 0) {
			rc = cg_buf_puts(b, " ", NULL);
			col++;
		}
		if (rc == 0)
			rc = cg_buf_add(b, p, n, NULL);
		col += n;
		p = w;
	}
	if (rc == 0)
		rc = cg_buf_puts(b, "\n", NULL);
	return rc;
}

char *
cg_explain_text(enum cg_rule rule)
{
	const struct cg_explain *ex = cg_explain_get(rule);
	const struct cg_rule_info *ri;
	struct cg_buf b = CG_BUF_INIT;
	int rc;

	if (ex == NULL)
		return NULL;
	ri = cg_rule_info(rule);
	rc = cg_buf_printf(&b, NULL, "%s (%s by default)\n%s\n\n"
	    "What it catches:\n", ri->name, cg_severity_name(ri->severity),
	    ri->summary);
	if (rc == 0)
		rc = wrapped(&b, ex->catches);
	if (rc == 0)
		rc = cg_buf_puts(&b, "\nWhy it matters:\n", NULL);
	if (rc == 0)
		rc = wrapped(&b, ex->why);
	if (rc == 0)
		rc = cg_buf_puts(&b, "\nBad:\n", NULL);
	if (rc == 0)
		rc = indented(&b, ex->bad);
	if (rc == 0)
		rc = cg_buf_puts(&b, "\nGood:\n", NULL);
	if (rc == 0)
		rc = indented(&b, ex->good);
	if (rc == 0)
		rc = cg_buf_printf(&b, NULL, "\nTo suppress one finding, put a "
		    "comment with a reason directly above\nthe statement:\n\n"
		    "    -- cascadeguard: allow %s <reason>\n\n"
		    "To change its severity for the repository, set it in "
		    ".cascadeguard:\n\n    [rules]\n    %s = warning\n",
		    ri->name, ri->name);
	if (rc < 0) {
		cg_buf_release(&b);
		return NULL;
	}
	return cg_buf_detach(&b);
}
