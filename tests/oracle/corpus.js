'use strict';
// Corpus cases (#15): each D1 and drizzle project of ../shared/corpus
// through its real runner.  Per project, (a) the whole history: every file
// the runner applies must not be called failing by cascadeguard (all files
// new on an empty base, as tests/e2e/test_corpus.c runs them), and every
// file the runner refuses must be; (b) each migration that
// tests/corpus/<project>[.precision].expected calls an error (and the few
// `cases` below): the history
// before it applied by the runner, seed(), the migration applied, rows
// counted, and cascadeguard check-range on base = that history, head = the
// migration, compared by the oracle's compare().
// D1 replays one state per project in increasing order and copies it at
// each case (wrangler applies only what d1_migrations lacks); drizzle and
// libSQL migrate a fresh database per case (in process, fast).
const fs = require('fs');
const path = require('path');

const PROJECTS = [
	{ name: 'raphaeltm__simple-agent-manager', runner: 'd1',
	    dir: 'apps/api/src/db/migrations' },
	{ name: 'raphaeltm__simple-agent-manager__head', runner: 'd1',
	    dir: 'apps/api/src/db/migrations' },
	{ name: 'alookai__alook', runner: 'd1', dir: 'src/web/migrations' },
	{ name: 'alookai__alook__head', runner: 'd1',
	    dir: 'src/web/migrations' },
	{ name: 'victor36max__shire', runner: 'drizzle', dir: 'drizzle' },
	{ name: 'mvdicarlo__postybirb', runner: 'drizzle',
	    dir: 'apps/postybirb/src/migrations' },
	{ name: 'karakeep-app__karakeep', runner: 'drizzle',
	    dir: 'packages/db/drizzle' },
	{ name: 'homarr-labs__homarr', runner: 'drizzle',
	    dir: 'packages/db/migrations/sqlite' },
	// 0041, 0042 and 0064 were labelled errors until this oracle showed
	// libSQL applies them (#15): they stay cases
	{ name: 'openstatusHQ__openstatus', runner: 'libsql',
	    dir: 'packages/db/drizzle', cases: ['0041_nasty_jigsaw.sql',
	    '0042_great_epoch.sql', '0064_dusty_sunfire.sql'] },
];

// The files an expectation file calls errors (base names, unique).
function errorFiles(srcdir, p) {
	const out = new Set();
	for (const suf of ['.expected', '.precision.expected']) {
		const f = path.join(srcdir, 'tests', 'corpus', p.name + suf);
		if (!fs.existsSync(f)) continue;
		for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
			const m = line.match(/^error \S+ (\S+?)(:\d+)?$/);
			if (m && m[1].startsWith(p.dir + '/'))
				out.add(path.basename(m[1]));
		}
	}
	for (const f of p.cases || [])
		out.add(f);
	return out;
}

// The project's forward migrations in run order: wrangler's order (numeric
// prefix, then name: lexical here, every prefix has 4 digits), or the
// drizzle journal's entries.
function history(corpus, p) {
	const dir = path.join(corpus, p.name, p.dir);
	if (p.runner === 'd1')
		return fs.readdirSync(dir).filter((n) => n.endsWith('.sql'))
		    .sort().map((n) => ({ name: n,
		    sql: fs.readFileSync(path.join(dir, n), 'utf8') }));
	const j = JSON.parse(fs.readFileSync(path.join(dir, 'meta',
	    '_journal.json')));
	return j.entries.map((e) => ({ name: e.tag + '.sql', entry: e,
	    sql: fs.readFileSync(path.join(dir, e.tag + '.sql'), 'utf8') }));
}

module.exports = function corpusJobs(api, corpus, srcdir) {
	const { seed, counts, compare, git, cgCheck, WORK } = api;
	const { RUNNERS } = api;

	/*
	 * Each table's rows by primary key (all columns without one).  A
	 * file that deletes rows and inserts as many (alook 0068: the
	 * cascade empties community_channel_member, then the DMs' members go
	 * in) keeps the count: rows are "kept" only when their key is back.
	 */
	const lit = (n) => "'" + n.replace(/'/g, "''") + "'";
	async function keys(db, tables) {
		const out = {};
		for (const t of tables) {
			const cols = await db.all('SELECT name, pk FROM ' +
			    `pragma_table_info(${lit(t)})`);
			const pk = cols.filter((c) => c.pk > 0).sort((a, b) =>
			    a.pk - b.pk);
			out[t] = (pk.length ? pk : cols).map((c) => c.name);
		}
		return out;
	}
	async function rows(db, t, cols) {
		const q = (n) => '"' + n.replace(/"/g, '""') + '"';
		try {
			return new Set((await db.all(`SELECT json_array(${cols.map(
			    q).join(', ')}) AS k FROM ${q(t)}`)).map((r) => r.k));
		} catch (e) {
			return null;	/* a key column is gone */
		}
	}

	// drizzle: the project's own journal, cut to the files written.
	function writeDrizzle(repo, files) {
		const dir = path.join(repo, 'drizzle');
		fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
		const j = path.join(dir, 'meta', '_journal.json');
		const old = fs.existsSync(j) ? JSON.parse(fs.readFileSync(j)) :
		    { version: '7', dialect: 'sqlite', entries: [] };
		for (const f of files) {
			old.entries.push(f.entry);
			fs.writeFileSync(path.join(dir, f.name), f.sql);
		}
		fs.writeFileSync(j, JSON.stringify(old, null, 2) + '\n');
	}
	const write = (R, repo, files) => R.target === 'd1' ?
	    R.write(repo, files) : writeDrizzle(repo, files);

	function fresh(dir, R, withGit) {
		const c = { repo: path.join(dir, 'repo'),
		    state: path.join(dir, 'state') };
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(path.join(c.repo, R.dir), { recursive: true });
		fs.mkdirSync(c.state, { recursive: true });
		if (withGit) git(c.repo, 'init', '-q');
		R.layout(c.repo);
		return c;
	}

	// (a) The whole history, every file new on an empty base.
	async function wholeHistory(p, R, files, ran, base) {
		const k = { name: `corpus/${p.name}/history`, runner: p.runner };
		const c = fresh(path.join(base, 'history'), R, true);
		git(c.repo, 'commit', '-q', '--allow-empty', '-m', 'empty');
		write(R, c.repo, files);
		git(c.repo, 'add', '-A');
		git(c.repo, 'commit', '-qm', 'history');
		const cg = cgCheck(c.repo, R.target);
		if (cg.error)
			return { k, findings: [], problems: [cg.error] };
		const problems = [];
		const at = (f) => cg.findings.filter((x) => x.file ===
		    `${R.dir}/${f}` && x.severity === 'error');
		for (const f of ran.applied)
			for (const x of at(f).filter((y) => api.FAILING.has(y.rule)))
				problems.push(`runner applied ${f}; cascadeguard ` +
				    `says ${x.rule} at ${f}:${x.line}: ${x.message}`);
		for (const x of ran.failed)
			if (!at(x.file).length)
				problems.push(`runner refused ${x.file} (${x.message}); ` +
				    'cascadeguard has no error at that file');
		const failing = cg.findings.filter((x) => api.FAILING.has(x.rule) &&
		    x.severity === 'error');
		return { k, findings: failing, problems, run: {
		    applied: [`${ran.applied.length} of ${files.length} files`],
		    failed: ran.failed.length ? { file: ran.failed.map((x) =>
		    x.file).join(', '), message: ran.failed.map((x) =>
		    x.message).join(' | ') } : null }, before: {}, after: {} };
	}

	// (b) One labelled migration on its history, on seeded rows.
	async function oneCase(p, R, files, i, base, stateFrom, baseRun) {
		const X = files[i];
		const k = { name: `corpus/${p.name}/${X.name}`, runner: p.runner };
		const c = fresh(path.join(base, X.name), R, true);
		write(R, c.repo, files.slice(0, i));
		git(c.repo, 'add', '-A');
		git(c.repo, 'commit', '-qm', 'base');
		if (stateFrom) {
			fs.rmSync(c.state, { recursive: true, force: true });
			fs.cpSync(stateFrom, c.state, { recursive: true });
		} else
			baseRun = await R.apply(c, files.slice(0, i));
		let db = await R.open(c);
		const unseeded = await seed(db);
		const before = await counts(db);
		const key = await keys(db, Object.keys(before));
		const had = {};
		for (const t of Object.keys(before))
			had[t] = await rows(db, t, key[t]);
		await db.close();
		write(R, c.repo, [X]);
		git(c.repo, 'add', '-A');
		git(c.repo, 'commit', '-qm', X.name);
		const run = await R.apply(c, [X]);
		db = await R.open(c);
		const after = await counts(db);
		/* kept: the rows whose key is still there */
		for (const t of Object.keys(after).filter((x) => had[x])) {
			const now = await rows(db, t, key[t]);
			if (now)
				after[t] = Math.min(after[t], [...had[t]].filter((k) =>
				    now.has(k)).length + before[t] - had[t].size);
		}
		await db.close();
		const cg = cgCheck(c.repo, R.target, 'HEAD~1..HEAD');
		if (cg.error)
			return { k, base: baseRun, run, before, after, findings: [],
			    unseeded, problems: [cg.error] };
		return { k, base: baseRun, run, before, after, unseeded,
		    findings: cg.findings, problems: compare(k, R, baseRun, run,
		    before, after, cg.findings) };
	}

	/*
	 * One project.  D1: from.state (a copy of another snapshot of the
	 * same repository whose first from.k files are these files) starts
	 * the replay at file from.k, and the cases before it are that
	 * project's (same files, same runner: the same case).  keepAt: also
	 * copy the state after that many files, for the next snapshot.
	 */
	async function project(p, files, from, keepAt, also) {
		const R = RUNNERS[p.runner];
		const errs = errorFiles(srcdir, p);
		const idx = files.map((f, i) => (errs.has(f.name) ? i : -1))
		    .filter((i) => i >= 0);
		const base = path.join(WORK, 'corpus', p.name);
		fs.rmSync(base, { recursive: true, force: true });
		const out = [];
		const ran = { applied: [], failed: [] };
		const cases = new Map();
		let kept = null;
		if (p.runner === 'd1') {
			// one state, applied in increasing prefixes
			const g = fresh(path.join(base, 'progress'), R, false);
			let done = 0;
			if (from) {
				const first = new Set(files.slice(0, from.k).map(
				    (f) => f.name));
				fs.rmSync(g.state, { recursive: true, force: true });
				fs.cpSync(from.state, g.state, { recursive: true });
				write(R, g.repo, files.slice(0, from.k));
				ran.applied.push(...from.ran.applied.filter((n) =>
				    first.has(n)));
				ran.failed.push(...from.ran.failed.filter((x) =>
				    first.has(x.file)));
				done = from.k;
			}
			const more = also ? also.idx : [];
			const stops = [...new Set([...idx, ...more, files.length,
			    ...(keepAt !== undefined ? [keepAt] : [])])]
			    .filter((i) => i >= done).sort((a, b) => a - b);
			for (const i of stops) {
				const pend = files.slice(done, i);
				if (pend.length) {
					write(R, g.repo, pend);
					const r = await R.apply(g, pend);
					ran.applied.push(...r.applied);
					if (r.failed && !ran.failed.some((x) =>
					    x.file === r.failed.file))
						ran.failed.push(r.failed);
				}
				done = i;
				if (i === keepAt) {
					kept = path.join(base, 'kept');
					fs.cpSync(g.state, kept, { recursive: true });
				}
				const sofar = () => ({ applied: ran.applied.slice(),
				    failed: ran.failed[0] || null });
				if (idx.includes(i))
					cases.set(i, await oneCase(p, R, files, i, base,
					    g.state, sofar()));
				/* the next snapshot's label in the shared files */
				if (more.includes(i))
					also.out.set(i, await oneCase(also.p, R,
					    also.files, i, path.join(base, 'shared'),
					    g.state, sofar()));
			}
			for (const i of idx.filter((j) => from && j < from.k)) {
				const r = from.cases.get(i);
				if (!r && from.also.has(i)) {
					cases.set(i, from.also.get(i));
					continue;
				}
				cases.set(i, r ? { ...r, k: { ...r.k, name:
				    `corpus/${p.name}/${files[i].name}` },
				    problems: Object.assign([...r.problems], { notes:
				    [...(r.problems.notes || []), 'the same files ' +
				    `as ${r.k.name}: its run stands for this one`] }) } :
				    { k: { name: `corpus/${p.name}/${files[i].name}`,
				    runner: p.runner }, problems: ['harness: no ' +
				    'shared case'] });
			}
		} else {
			// one file per migrate() call, as releases apply them
			const g = fresh(path.join(base, 'progress'), R, false);
			for (const f of files) {
				write(R, g.repo, [f]);
				const r = await R.apply(g, [f]);
				ran.applied.push(...r.applied);
				if (r.failed) {
					ran.failed.push(r.failed);
					break;	/* later files would retry it */
				}
			}
			for (const i of idx)
				cases.set(i, await oneCase(p, R, files, i, base, null));
		}
		out.push(await wholeHistory(p, R, files, ran, base));
		out.push(...idx.map((i) => cases.get(i)));
		return { out, ran, cases, kept };
	}

	// How many leading files two histories share, byte for byte.
	const common = (a, b) => {
		let k = 0;
		while (k < a.length && k < b.length && a[k].name === b[k].name &&
		    a[k].sql === b[k].sql)
			k++;
		return k;
	};

	// A project and its __head snapshot are one job: the head's replay
	// starts from the pinned one's state at the files they share.
	const jobs = [];
	for (const p of PROJECTS.filter((x) => !x.name.endsWith('__head'))) {
		const h = PROJECTS.find((x) => x.name === p.name + '__head');
		jobs.push({ name: `corpus/${p.name}`, runner: p.runner,
		    heads: h ? [p.name, h.name] : [p.name], run: async () => {
			const files = history(corpus, p);
			if (!h)
				return (await project(p, files)).out;
			const hf = history(corpus, h);
			const k = p.runner === 'd1' ? common(files, hf) : undefined;
			const he = errorFiles(srcdir, h);
			const pe = errorFiles(srcdir, p);
			const also = { p: h, files: hf, out: new Map(), idx:
			    hf.slice(0, k).map((f, i) => (he.has(f.name) &&
			    !pe.has(f.name) ? i : -1)).filter((i) => i >= 0) };
			const a = await project(p, files, null, k, also);
			const b = await project(h, hf, a.kept ? { state: a.kept, k,
			    ran: a.ran, cases: a.cases, also: also.out } : null);
			return [...a.out, ...b.out];
		} });
	}
	return jobs;
};
module.exports.PROJECTS = PROJECTS;
