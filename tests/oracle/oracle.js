'use strict';
// The oracle: each case's migrations run through the real runner (wrangler's
// local D1, drizzle's better-sqlite3 and libSQL migrators), on seeded rows,
// and cascadeguard check-range judges the same history; the two must agree.
// Usage: node oracle.js MODULES_DIR CASCADEGUARD WORKDIR  (see `make oracle`)
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const [MODS, CG, WORK] = process.argv.slice(2).map((p) => path.resolve(p));
const req = (m) => require(path.join(MODS, m));
const WRANGLER = path.join(MODS, '.bin', 'wrangler');
const WAIT_MS = 120000;	/* every runner call is bounded */
const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false',
	DO_NOT_TRACK: '1', NO_UPDATE_NOTIFIER: '1',
	WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1' };

const SKIP = /^(sqlite_|_cf_|d1_migrations$|__drizzle_migrations$)/;
const q = (n) => '"' + n.replace(/"/g, '""') + '"';

// Seeds 3 rows into every table (parents first), through db.all/db.run.
async function seed(db) {
	const tabs = (await db.all("SELECT name, sql FROM sqlite_master " +
	    "WHERE type = 'table'")).filter((t) => !SKIP.test(t.name) &&
	    !/^\s*CREATE\s+VIRTUAL/i.test(t.sql || ''));
	const info = {};
	for (const t of tabs) {
		info[t.name] = {
			cols: await db.all(`SELECT * FROM pragma_table_info(${
			    "'" + t.name.replace(/'/g, "''") + "'"})`),
			fks: await db.all(`SELECT * FROM pragma_foreign_key_list(${
			    "'" + t.name.replace(/'/g, "''") + "'"})`),
		};
	}
	const done = new Set(), order = [];
	const visit = (n, depth) => {
		if (done.has(n) || depth > 50) return;
		for (const f of info[n].fks)
			if (info[f.table] && f.table !== n) visit(f.table, depth + 1);
		if (!done.has(n)) { done.add(n); order.push(n); }
	};
	tabs.forEach((t) => visit(t.name, 0));
	const unseeded = [];
	for (const n of order) {
		for (let i = 1; i <= 3; i++) {
			const vals = [];
			for (const c of info[n].cols) {
				const fk = info[n].fks.find((f) => f.from === c.name);
				const ty = (c.type || '').toUpperCase();
				if (fk && fk.table !== n && info[fk.table]) {
					const to = fk.to || (info[fk.table].cols.find(
					    (x) => x.pk) || {}).name || 'rowid';
					vals.push(`(SELECT ${q(to)} FROM ${q(fk.table)} ` +
					    `ORDER BY rowid LIMIT 1 OFFSET ${i - 1})`);
				} else if (fk) vals.push('NULL');
				else if (/INT/.test(ty)) vals.push(String(i));
				else if (/REAL|FLOA|DOUB/.test(ty)) vals.push(i + '.5');
				else if (/BLOB/.test(ty)) vals.push(`x'0${i}'`);
				else if (/CHAR|CLOB|TEXT/.test(ty)) vals.push(`'v${i}'`);
				else vals.push(String(i));
			}
			const sql = `INSERT INTO ${q(n)} (${info[n].cols.map(
			    (c) => q(c.name)).join(', ')}) VALUES (${vals.join(', ')})`;
			try { await db.run(sql); } catch (e) {
				if (i === 1) unseeded.push(`${n}: ${e.message}`);
			}
		}
	}
	return unseeded;
}

async function counts(db) {
	const out = {};
	for (const t of await db.all("SELECT name FROM sqlite_master WHERE " +
	    "type = 'table'"))
		if (!SKIP.test(t.name))
			out[t.name] = (await db.all(
			    `SELECT count(*) AS n FROM ${q(t.name)}`))[0].n;
	return out;
}

// ---- the runners ---------------------------------------------------------
// Each returns { applied: [file...], failed: {file, message} | null } for
// the files it was given to apply, and a db handle for seeding and counts.

const D1ID = '00000000-0000-4000-8000-000000000001';
const d1 = {
	target: 'd1', dir: 'migrations',
	layout(repo) {
		fs.writeFileSync(path.join(repo, 'wrangler.toml'),
		    'name = "oracle"\ncompatibility_date = "2025-01-01"\n' +
		    '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\n' +
		    `database_id = "${D1ID}"\nmigrations_dir = "migrations"\n`);
	},
	write(repo, files) {
		for (const f of files)
			fs.writeFileSync(path.join(repo, 'migrations', f.name),
			    f.sql);
	},
	async apply(c, files) {
		const r = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB',
		    '--local', '--persist-to', c.state], { cwd: c.repo, env,
		    timeout: WAIT_MS + 5000 * files.length, maxBuffer: 256 << 20, encoding: 'utf8',
		    stdio: ['ignore',
		    'pipe', 'pipe'] });
		const db = await this.open(c);
		const names = new Set((await db.all(
		    'SELECT name FROM d1_migrations')).map((x) => x.name));
		await db.close();
		const applied = files.filter((f) => names.has(f.name))
		    .map((f) => f.name);
		const rest = files.filter((f) => !names.has(f.name));
		let failed = null;
		if (rest.length) {
			const m = (r.stderr + r.stdout).match(
			    /failed with the following errors:\s*([\s\S]*)/);
			failed = { file: rest[0].name, message: (m ? m[1] :
			    (r.error ? String(r.error) : r.stderr)).replace(
			    /[\u2500-\u257f]|\x1b\[[0-9;]*m/g, '').replace(
			    /\s+/g, ' ').trim().slice(0, 300) };
		}
		return { applied, failed };
	},
	/*
	 * Seeding, counting and reading d1_migrations happen in Miniflare's
	 * own SQLite file between wrangler runs (no workerd is running then),
	 * with foreign keys on as D1 has them: the same file and rows as
	 * through a Miniflare started for each read, which cost a workerd
	 * start (1-9 s on a busy machine) three times per case.
	 */
	async open(c) {
		const dir = path.join(c.state, 'v3', 'd1',
		    'miniflare-D1DatabaseObject');
		const f = fs.existsSync(dir) && fs.readdirSync(dir).find((n) =>
		    /^[0-9a-f]{64}\.sqlite$/.test(n));
		if (!f)
			throw new Error(`no D1 database under ${dir}`);
		const Database = req('better-sqlite3');
		const s = new Database(path.join(dir, f));
		s.pragma('foreign_keys = ON');
		return {
			all: async (x) => s.prepare(x).all(),
			run: async (x) => s.prepare(x).run(),
			close: async () => s.close(),
		};
	},
};

function journal(repo, files) {
	const dir = path.join(repo, 'drizzle');
	fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
	const j = path.join(dir, 'meta', '_journal.json');
	const old = fs.existsSync(j) ? JSON.parse(fs.readFileSync(j)) :
	    { version: '7', dialect: 'sqlite', entries: [] };
	for (const f of files) {
		const tag = f.name.replace(/\.sql$/, '');
		old.entries.push({ idx: old.entries.length, version: '6',
		    when: 1700000000000 + old.entries.length * 1000, tag,
		    breakpoints: true });
		fs.writeFileSync(path.join(dir, f.name), f.sql);
	}
	fs.writeFileSync(j, JSON.stringify(old, null, 2) + '\n');
}

// Applied files are read back from __drizzle_migrations (created_at is the
// journal's `when`); all pending files are one transaction, so on an error
// the first pending file stands as the failing one only when it is alone.
async function drizzleApplied(db, repo, files) {
	const j = JSON.parse(fs.readFileSync(path.join(repo, 'drizzle', 'meta',
	    '_journal.json')));
	let rows = [];
	try {
		rows = await db.all('SELECT created_at FROM __drizzle_migrations');
	} catch (e) { /* no table: nothing applied */ }
	const when = new Set(rows.map((r) => Number(r.created_at)));
	return files.filter((f) => when.has(j.entries.find((e) => e.tag ===
	    f.name.replace(/\.sql$/, '')).when)).map((f) => f.name);
}

const drizzle = {
	target: 'drizzle', dir: 'drizzle',
	layout() {},
	write(repo, files) { journal(repo, files); },
	async open(c) {
		const Database = req('better-sqlite3');
		const s = new Database(path.join(c.state, 'db.sqlite'));
		return {
			raw: s,
			all: async (x) => s.prepare(x).all(),
			run: async (x) => s.prepare(x).run(),
			close: async () => s.close(),
		};
	},
	async apply(c, files) {
		const { drizzle: dz } = await import(path.join(MODS,
		    'drizzle-orm/better-sqlite3/index.js'));
		const { migrate } = await import(path.join(MODS,
		    'drizzle-orm/better-sqlite3/migrator.js'));
		const db = await this.open(c);
		let err = null;
		try {
			migrate(dz(db.raw), { migrationsFolder:
			    path.join(c.repo, 'drizzle') });
		} catch (e) { err = e; }
		const applied = await drizzleApplied(db, c.repo, files);
		await db.close();
		return result(files, applied, err);
	},
};

function result(files, applied, err) {
	const rest = files.filter((f) => !applied.includes(f.name));
	let failed = null;
	/* All recorded and still an error (the migrator's own COMMIT failed
	   after a file's COMMIT): the run failed at its last file. */
	if (err && !rest.length)
		return { applied, failed: { file: files[files.length - 1].name,
		    all: [], recorded: true, message: String((err.cause ||
		    err).message || err).slice(0, 300) } };
	if (err || rest.length)
		failed = { file: rest.length === 1 || files.length === 1 ?
		    rest[0].name : null, all: rest.map((f) => f.name),
		    message: String(err && (err.cause || err).message ||
		    err).slice(0, 300) };
	return { applied, failed };
}

const libsql = {
	target: 'libsql', dir: 'drizzle',
	layout() {},
	write(repo, files) { journal(repo, files); },
	async open(c) {
		const { createClient } = req('@libsql/client');
		const cl = createClient({ url: 'file:' +
		    path.join(c.state, 'db.sqlite') });
		return {
			cl,
			all: async (x) => (await cl.execute(x)).rows,
			run: async (x) => cl.execute(x),
			close: async () => cl.close(),
		};
	},
	async apply(c, files) {
		const { drizzle: dz } = await import(path.join(MODS,
		    'drizzle-orm/libsql/index.js'));
		const { migrate } = await import(path.join(MODS,
		    'drizzle-orm/libsql/migrator.js'));
		const db = await this.open(c);
		let err = null;
		try {
			await migrate(dz(db.cl), { migrationsFolder:
			    path.join(c.repo, 'drizzle') });
		} catch (e) { err = e; }
		const applied = await drizzleApplied(db, c.repo, files);
		await db.close();
		return result(files, applied, err);
	},
};

const RUNNERS = { d1, drizzle, libsql };

// ---- one case -------------------------------------------------------------

function git(repo, ...a) {
	return execFileSync('git', ['-C', repo, '-c', 'user.name=oracle', '-c',
	    'user.email=oracle@cascadeguard', ...a], { encoding: 'utf8' });
}

async function runCase(k) {
	const R = RUNNERS[k.runner];
	const c = { repo: path.join(WORK, k.name, 'repo'),
	    state: path.join(WORK, k.name, 'state') };
	fs.rmSync(path.join(WORK, k.name), { recursive: true, force: true });
	fs.mkdirSync(path.join(c.repo, R.dir), { recursive: true });
	fs.mkdirSync(c.state, { recursive: true });
	git(c.repo, 'init', '-q');
	R.layout(c.repo);
	R.write(c.repo, k.base);
	git(c.repo, 'add', '-A');
	git(c.repo, 'commit', '-qm', 'base');
	const base = await R.apply(c, k.base);
	let db = await R.open(c);
	const unseeded = await seed(db);
	const before = await counts(db);
	await db.close();
	R.write(c.repo, k.new);
	git(c.repo, 'add', '-A');
	git(c.repo, 'commit', '-qm', 'new');
	const run = await R.apply(c, k.new);
	db = await R.open(c);
	const after = await counts(db);
	await db.close();
	const cg = cgCheck(c.repo, R.target, 'HEAD~1..HEAD');
	if (cg.error)
		return { k, base, run, before, after, findings: [], unseeded,
		    problems: [cg.error] };
	return { k, base, run, before, after, findings: cg.findings, unseeded,
	    problems: compare(k, R, base, run, before, after, cg.findings) };
}

// cascadeguard check-range on RANGE: { findings } or { error }.
function cgCheck(repo, target, range = 'HEAD~1..HEAD') {
	const cg = spawnSync(CG, ['check-range', '--no-cache', '--format',
	    'json', '--target', target, range], { cwd: repo,
	    encoding: 'utf8', timeout: WAIT_MS });
	try { return { findings: JSON.parse(cg.stdout).findings }; } catch (e) {
		return { error: `cascadeguard exit ${cg.status}: ${cg.stderr}` };
	}
}

const FAILING = new Set(['migration-fails', 'transaction-in-migration']);

function compare(k, R, base, run, before, after, findings) {
	const p = [];
	const at = (f) => findings.filter((x) => x.file === `${R.dir}/${f}`);
	if (base.failed)
		p.push(`base file ${base.failed.file} failed in the runner: ` +
		    base.failed.message);
	const refused = run.failed ? (run.failed.file ? [run.failed.file] :
	    []) : [];
	for (const f of refused)
		if (!at(f).some((x) => x.severity === 'error'))
			p.push(`runner refused ${f} (${run.failed.message}); ` +
			    'cascadeguard has no error at that file');
	for (const f of run.applied.filter((y) => !refused.includes(y)))
		for (const x of at(f).filter((y) => FAILING.has(y.rule) &&
		    y.severity === 'error' && !(k.allow || []).includes(y.rule)))
			p.push(`runner applied ${f}; cascadeguard says ` +
			    `${x.rule} at ${f}:${x.line}: ${x.message}`);
	const lost = Object.keys(before).filter((t) => t in after &&
	    after[t] < before[t]);
	const named = (t) => findings.some((x) => x.severity !== 'note' &&
	    ((x.affected || []).some((a) => a.table === t) ||
	    new RegExp(`\\b${t}\\b`).test(x.message)));
	for (const t of lost)
		if (!named(t))
			p.push(`runner lost rows of ${t} (${before[t]} -> ` +
			    `${after[t]}); no finding names it`);
	p.notes = [];
	for (const x of findings) {
		const file = x.file && x.file.slice(R.dir.length + 1);
		if (refused.includes(file) || (run.failed && !run.failed.file))
			continue;	/* a refused file's loss is conditional */
		/* cascadeguard's own word that the rows come back */
		if (/is back with the same values/.test(x.message))
			continue;
		/* A DELETE ... WHERE that deleted no parent row here: the
		   seeded rows do not meet its WHERE, so the loss it claims
		   for matching rows is not refuted. */
		const par = /^DELETE FROM (\S+)/.exec(x.message || '');
		if (par && /\bWHERE\b/i.test(x.statement || '') &&
		    before[par[1]] === after[par[1]]) {
			p.notes.push(`${x.rule} at ${x.file}:${x.line}: no seeded ` +
			    `row of ${par[1]} meets the WHERE; its claim is not ` +
			    'tested');
			continue;
		}
		for (const a of (x.affected || []).filter((y) => y.loses_rows)) {
			/* the chain from the parent runs through a table the
			   seeding left empty: no seeded row is on it */
			const empty = (a.path || '').split(' -> ').slice(1).map(
			    (h) => h.slice(0, h.lastIndexOf('.'))).find((t) =>
			    before[t] === 0);
			if (empty) {
				p.notes.push(`${x.rule} at ${x.file}:${x.line} on ` +
				    `${a.table}: not tested, ${empty} had no seeded row`);
				continue;
			}
			if (a.table in before && a.table in after &&
			    before[a.table] > 0 && !lost.includes(a.table))
				p.push(`cascadeguard says ${x.rule} at ${x.file}:` +
				    `${x.line} loses rows of ${a.table}; the runner ` +
				    `kept them (${before[a.table]} -> ` +
				    `${after[a.table]})`);
		}
	}
	// statement-not-run: only libSQL skips, and the skip is real.
	const notRun = findings.filter((x) => x.rule === 'statement-not-run');
	if (R.target !== 'libsql')
		for (const x of notRun)
			p.push(`cascadeguard says statement-not-run at ${x.file}:` +
			    `${x.line}; only libSQL skips statements`);
	for (const t of R.target === 'libsql' ? k.skipped || [] : []) {
		if (t in after)
			p.push(`runner created ${t}; cascadeguard's model skips it`);
		if (!notRun.length)
			p.push(`runner skipped the statement creating ${t}; ` +
			    'cascadeguard has no statement-not-run');
	}
	return p;
}

// ---- main -----------------------------------------------------------------

(async () => {
	const t0 = Date.now();
	const only = process.env.ORACLE_CASES;
	const pick = (n) => !only || new RegExp(only).test(n);
	const cases = require('./cases.js').filter((k) => pick(k.name));
	/* the corpus projects: one job each, several results */
	const corpus = process.env.CG_CORPUS;
	let projects = [];
	if (corpus && fs.existsSync(path.join(corpus, 'MANIFEST.md')))
		projects = require('./corpus.js')({ RUNNERS, seed, counts,
		    compare, git, cgCheck, FAILING, WORK, req }, corpus,
		    path.resolve(__dirname, '..', '..')).filter((j) =>
		    pick(j.name));
	else
		console.log(`oracle: no corpus at ${corpus || '(CG_CORPUS ' +
		    'unset)'}: the corpus cases are skipped`);
	if (!cases.length && !projects.length) {
		console.error('oracle: no case to run');
		process.exit(2);
	}
	/* the long corpus jobs first, so that they overlap the short ones */
	const todo = [...projects, ...cases.map((k) => ({ name: k.name,
	    run: async () => [await runCase(k)] }))];
	const got = new Array(todo.length);
	let next = 0;
	const jobs = Number(process.env.ORACLE_JOBS || 3);
	await Promise.all(Array.from({ length: jobs }, async () => {
		while (next < todo.length) {
			const i = next++;
			const t1 = Date.now();
			try { got[i] = await todo[i].run(); } catch (e) {
				got[i] = [{ k: { name: todo[i].name, runner:
				    todo[i].runner || '?' }, problems: [
				    `harness error: ${e.stack}`] }];
			}
			if (process.env.ORACLE_VERBOSE)
				console.log(`oracle: ${todo[i].name} took ${
				    ((Date.now() - t1) / 1000).toFixed(1)} s`);
		}
	}));
	/* hand-written cases first, then the corpus, in their order */
	const res = [...got.slice(projects.length), ...got.slice(0,
	    projects.length)].flat();
	let bad = 0;
	for (const r of res) {
		const ok = !r.problems.length;
		bad += !ok;
		console.log(`${ok ? 'agree   ' : 'DISAGREE'} ${r.k.runner.padEnd(7)} ` +
		    r.k.name);
		if (ok && !process.env.ORACLE_VERBOSE) {
			for (const m of r.problems.notes || [])
				console.log(`    note: ${m}`);
			continue;
		}
		if (r.run) {
			console.log(`    runner: applied [${r.run.applied.join(', ')}]` +
			    (r.run.failed ? `; failed ${r.run.failed.file ||
			    r.run.failed.all.join('+')}: ${r.run.failed.message}` :
			    ''));
			console.log(`    rows before ${JSON.stringify(r.before)}`);
			console.log(`    rows after  ${JSON.stringify(r.after)}`);
			if (r.unseeded && r.unseeded.length)
				console.log(`    not seeded: ${r.unseeded.join('; ')}`);
			for (const x of r.findings)
				console.log(`    cascadeguard: ${x.severity}[${x.rule}] ` +
				    `${x.file}:${x.line}: ${x.message}`);
		}
		for (const m of r.problems) console.log(`    -> ${m}`);
		for (const m of r.problems.notes || [])
			console.log(`    note: ${m}`);
	}
	const secs = ((Date.now() - t0) / 1000).toFixed(1);
	console.log(`oracle: ${res.length} cases, ${res.length - bad} agree, ` +
	    `${bad} disagree (${secs} s)`);
	console.log(`oracle: ${res.length - bad} passed, ${bad} failed`);
	process.exit(bad ? 1 : 0);
})();
