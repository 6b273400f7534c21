'use strict';
// Oracle cases: a base history, then new migration(s), per runner.
// For drizzle and libsql, `--> statement-breakpoint` splits a file.
const BP = '\n--> statement-breakpoint\n';
const end = (s) => (/;\s*$/.test(s) ? s : s + ';');
const f = (name, ...chunks) => ({ name, sql: chunks.map(end).join(BP) + '\n' });

const parentKids = f('0001_init.sql',
	'CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)',
	'CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id) ' +
	    'ON DELETE CASCADE)');
const rebuild = ['CREATE TABLE p_new (id INTEGER PRIMARY KEY, name TEXT, ' +
    'x INTEGER)', 'INSERT INTO p_new (id, name) SELECT id, name FROM p',
    'DROP TABLE p', 'ALTER TABLE p_new RENAME TO p'];
const semi = (a) => a.map((s) => s + ';');

// The incident: a parent with 8 cascade children and a grandchild.
const kids = [];
for (let i = 1; i <= 8; i++)
	kids.push(`CREATE TABLE k${i} (id INTEGER PRIMARY KEY, project_id ` +
	    'INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE)');
kids.push('CREATE TABLE gk (id INTEGER PRIMARY KEY, k1_id INTEGER ' +
    'REFERENCES k1(id) ON DELETE CASCADE)');
const incidentBase = f('0001_init.sql', 'CREATE TABLE projects (id INTEGER ' +
    'PRIMARY KEY, name TEXT)', ...kids);
const incidentRebuild = ['CREATE TABLE projects_new (id INTEGER PRIMARY KEY, ' +
    'name TEXT, slug TEXT)', 'INSERT INTO projects_new (id, name) SELECT ' +
    'id, name FROM projects', 'DROP TABLE projects',
    'ALTER TABLE projects_new RENAME TO projects'];

const cases = [];
const both = (name, base, nw, opt = {}) => {
	for (const runner of opt.runners || ['d1', 'drizzle', 'libsql'])
		cases.push({ name: `${name}-${runner}`, runner, base, new: nw,
		    ...opt });
};

both('rebuild-parent', [parentKids], [f('0002_rebuild.sql', ...rebuild)]);
both('incident-fk-off', [incidentBase], [f('0002_rebuild.sql',
    'PRAGMA foreign_keys=OFF', ...incidentRebuild, 'PRAGMA foreign_keys=ON')]);
both('incident-defer', [incidentBase], [f('0002_rebuild.sql',
    'PRAGMA defer_foreign_keys=ON', ...incidentRebuild)]);
both('rename-then-drop', [parentKids], [f('0002_rename.sql',
    'ALTER TABLE p RENAME TO p_old', 'CREATE TABLE p (id INTEGER PRIMARY ' +
    'KEY, name TEXT, x INTEGER)', 'INSERT INTO p (id, name) SELECT id, ' +
    'name FROM p_old', 'DROP TABLE p_old')]);
// prisma migrate diff --script, as a D1 migration (prisma's redefine).
both('prisma-redefine', [parentKids], [f('0002_prisma.sql',
    'PRAGMA defer_foreign_keys=ON', 'PRAGMA foreign_keys=OFF',
    'CREATE TABLE "new_p" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT, ' +
    '"x" INTEGER)', 'INSERT INTO "new_p" ("id", "name") SELECT "id", ' +
    '"name" FROM "p"', 'DROP TABLE "p"', 'ALTER TABLE "new_p" RENAME TO "p"',
    'PRAGMA foreign_keys=ON', 'PRAGMA defer_foreign_keys=OFF')],
    { runners: ['d1'] });
// drizzle-kit's generated rebuild.
both('drizzle-new-x', [parentKids], [f('0002_drizzle.sql',
    'PRAGMA foreign_keys=OFF', 'CREATE TABLE `__new_p` (`id` integer ' +
    'PRIMARY KEY, `name` text, `x` integer)', 'INSERT INTO `__new_p`("id", ' +
    '"name") SELECT "id", "name" FROM `p`', 'DROP TABLE `p`',
    'ALTER TABLE `__new_p` RENAME TO `p`', 'PRAGMA foreign_keys=ON')]);
// homarr's break-out of the migrator's transaction.
both('homarr-breakout-chunks', [parentKids], [f('0002_homarr.sql', 'COMMIT',
    'PRAGMA foreign_keys=OFF', 'BEGIN', ...rebuild, 'COMMIT',
    'PRAGMA foreign_keys=ON', 'BEGIN')]);
both('homarr-breakout-one-chunk', [parentKids], [f('0002_homarr.sql',
    'COMMIT; PRAGMA foreign_keys=OFF; BEGIN;', ...rebuild,
    'COMMIT; PRAGMA foreign_keys=ON; BEGIN;')]);
both('insert-or-replace-parent', [parentKids], [f('0002_replace.sql',
    "INSERT OR REPLACE INTO p (id, name) VALUES (1, 'renamed')")]);
both('trigger-deletes', [parentKids], [f('0002_trigger.sql',
    'CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT)',
    'CREATE TRIGGER t AFTER INSERT ON log BEGIN DELETE FROM c; END',
    "INSERT INTO log (v) VALUES ('x')")]);
both('on-update-cascade', [f('0001_init.sql', 'CREATE TABLE p (id INTEGER ' +
    'PRIMARY KEY, code TEXT UNIQUE)', 'CREATE TABLE c (id INTEGER PRIMARY ' +
    'KEY, code TEXT REFERENCES p(code) ON UPDATE CASCADE)')],
    [f('0002_update.sql', "UPDATE p SET code = 'x' || code")]);
both('add-not-null-column', [parentKids], [f('0002_add.sql',
    'ALTER TABLE p ADD COLUMN slug TEXT NOT NULL')]);
both('fails-after-applied', [parentKids], [f('0002_ok.sql',
    'CREATE TABLE other (id INTEGER PRIMARY KEY)'), f('0003_bad.sql',
    'ALTER TABLE p ADD COLUMN slug TEXT NOT NULL')]);
// BEGIN/COMMIT variants, as one file each (D1 only: wrangler's trimmer).
// wrangler --local strips the first upper-case "BEGIN TRANSACTION;" and
// "COMMIT;" (trimSqlQuery), --remote does not, and remote D1 refuses them:
// cascadeguard models remote (production), so its error stands and says
// that the file may apply locally; `allow` lets this local run apply it.
const LOCAL_ONLY = { allow: ['transaction-in-migration'] };
const tx = (name, head, tail, opt = {}) => both(`tx-${name}`, [parentKids],
    [{ name: '0002_tx.sql', sql: `${head}\nCREATE TABLE t2 (id INTEGER ` +
    `PRIMARY KEY);\n${tail}\n` }], { runners: ['d1'], ...opt });
tx('upper-begin-transaction', 'BEGIN TRANSACTION;', 'COMMIT;', LOCAL_ONLY);
tx('lower-begin-transaction', 'begin transaction;', 'commit;');
tx('bare-begin', 'BEGIN;', 'COMMIT;');
tx('savepoint', 'SAVEPOINT a;', 'RELEASE a;');
tx('two-begin-transaction', 'BEGIN TRANSACTION;\nCOMMIT;\nBEGIN TRANSACTION;',
    'COMMIT;');
both('tx-upper-rebuild', [parentKids], [{ name: '0002_tx.sql', sql:
    'BEGIN TRANSACTION;\n' + semi(rebuild).join('\n') + '\nCOMMIT;\n' }],
    { runners: ['d1'], ...LOCAL_ONLY });
// drizzle/libsql: a file that ends the migrator's transaction.
both('tx-commit-in-file', [parentKids], [f('0002_commit.sql', 'COMMIT',
    'CREATE TABLE t2 (id INTEGER PRIMARY KEY)')],
    { runners: ['drizzle', 'libsql'] });
both('two-statements-one-chunk', [parentKids], [f('0002_two.sql',
    'CREATE TABLE t2 (id INTEGER PRIMARY KEY); CREATE TABLE t3 (id INTEGER ' +
    'PRIMARY KEY);')], { runners: ['drizzle', 'libsql'] });

// libSQL runs only the first statement of a breakpoint chunk (the rest is
// statement-not-run; `skipped`: tables whose CREATE the runner skips, which
// oracle.js checks are absent after a libsql run); better-sqlite3 refuses
// the chunk (migration-fails, never statement-not-run).
const chunk = 'CREATE TABLE t2 (id INTEGER PRIMARY KEY); CREATE TABLE t3 ' +
    '(id INTEGER PRIMARY KEY);';
both('chunk-skips', [parentKids], [f('0002_chunks.sql', chunk,
    'CREATE TABLE t4 (id INTEGER PRIMARY KEY)')],
    { runners: ['drizzle', 'libsql'], skipped: ['t3'] });
both('chunk-skips-one-per-chunk', [parentKids], [f('0002_split.sql',
    'CREATE TABLE t2 (id INTEGER PRIMARY KEY)',
    'CREATE TABLE t3 (id INTEGER PRIMARY KEY)')],
    { runners: ['drizzle', 'libsql'] });
// Applied with the skip: a new file that uses t3 fails under libSQL, and
// cascadeguard's replay of the history lacks t3 too.
both('chunk-skips-history', [parentKids, f('0002_chunks.sql', chunk)],
    [f('0003_uses.sql', 'CREATE INDEX t3_id ON t3 (id)')],
    { runners: ['libsql'], skipped: ['t3'] });

module.exports = cases;
