#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a synthetic repository for the benchmarks.

    gen_repo.py N OUT [--files F] [--commits K]

N migrations in migrations/ (about N/2 tables; foreign keys with fan-out and
chains 6 deep, a quarter of them ON DELETE CASCADE; a quarter of the
migrations ALTER TABLE ... ADD COLUMN), F other files (default 10,000) and,
on top of the history commit, K commits (default 1,000) of which one in ten
adds a migration.  Branch `base` marks the history; `main` is the tip.
Also writes OUT.history.sql: the history concatenated, for the sqlite3 floor.
Everything is written through `git fast-import`, so it takes seconds.
"""
import os
import random
import subprocess
import sys


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    files = int(args[args.index("--files") + 1]) if "--files" in args else 10000
    commits = int(args[args.index("--commits") + 1]) if "--commits" in args else 1000
    rnd = random.Random(42)

    migrations = []          # (name, sql)
    tables = []              # (name, depth)
    columns = {}
    i = 0
    while len(migrations) < n:
        i += 1
        if tables and len(migrations) % 4 == 3:
            t, _ = rnd.choice(tables)
            col = "c%d" % len(columns[t])
            columns[t].append(col)
            sql = "ALTER TABLE %s ADD COLUMN %s TEXT;\n" % (t, col)
        elif tables and len(migrations) % 4 == 2:
            t, _ = rnd.choice(tables)
            sql = "CREATE INDEX idx_%d ON %s(id);\n" % (i, t)
        else:
            t = "t%d" % len(tables)
            parent = None
            if tables:
                # chains up to 6 deep, with fan-out
                cands = [x for x in tables if x[1] < 6]
                parent = rnd.choice(cands) if cands and rnd.random() < 0.8 else None
            depth = parent[1] + 1 if parent else 0
            fk = ""
            if parent:
                action = "CASCADE" if rnd.random() < 0.25 else "SET NULL"
                fk = (",\n  %s_id INTEGER REFERENCES %s(id) ON DELETE %s"
                      % (parent[0], parent[0], action))
            sql = ("CREATE TABLE %s (\n  id INTEGER PRIMARY KEY,\n"
                   "  name TEXT NOT NULL%s\n);\n" % (t, fk))
            tables.append((t, depth))
            columns[t] = []
        migrations.append(("migrations/%05d_m%d.sql" % (len(migrations) + 1, i), sql))

    with open(out + ".history.sql", "w") as f:
        for _, sql in migrations:
            f.write(sql)

    subprocess.run(["git", "init", "-q", out], check=True)
    fi = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet"],
                          stdin=subprocess.PIPE)
    w = fi.stdin.write
    mark = [0]

    def blob(data):
        mark[0] += 1
        b = data.encode()
        w(b"blob\nmark :%d\ndata %d\n" % (mark[0], len(b)) + b + b"\n")
        return mark[0]

    def commit(ref, msg, entries, parent_ref=None):
        m = msg.encode()
        w(b"commit %s\ncommitter Bench <bench@example.com> 1112354055 +0200\n"
          % ref.encode())
        w(b"data %d\n" % len(m) + m + b"\n")
        if parent_ref:
            w(b"from %s\n" % parent_ref.encode())
        for path, mk in entries:
            w(b"M 100644 :%d %s\n" % (mk, path.encode()))
        w(b"\n")

    entries = [(p, blob(s)) for p, s in migrations]
    for k in range(files):
        entries.append(("src/pkg%d/file%d.txt" % (k % 100, k),
                        blob("file %d\n" % k)))
    commit("refs/heads/base", "history", entries)
    commit("refs/heads/main", "history", [], "refs/heads/base")
    nextnum = n + 1
    for c in range(commits):
        if c % 10 == 9:
            t, _ = rnd.choice(tables)
            e = [("migrations/%05d_new%d.sql" % (nextnum, c),
                  blob("ALTER TABLE %s ADD COLUMN n%d TEXT;\n" % (t, c)))]
            nextnum += 1
        else:
            e = [("src/pkg%d/file%d.txt" % (c % 100, c), blob("edit %d\n" % c))]
        commit("refs/heads/main", "commit %d" % c, e)
    # one new migration on top of the history alone: scenario (a)
    t, _ = rnd.choice(tables)
    commit("refs/heads/one", "one new migration",
           [("migrations/%05d_one.sql" % (n + 1),
             blob("ALTER TABLE %s ADD COLUMN added TEXT;\n" % t))], "refs/heads/base")
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("fast-import failed")
    subprocess.run(["git", "-C", out, "symbolic-ref", "HEAD", "refs/heads/main"],
                   check=True)
    subprocess.run(["git", "-C", out, "reset", "-q", "--hard"], check=True)


if __name__ == "__main__":
    main()
