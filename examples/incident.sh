#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds a small git repository with the incident's history (a D1 app
# whose `projects` table has eight ON DELETE CASCADE children and one
# grandchild), then checks two branches with cascadeguard:
#   rebuild-projects  rebuilds projects with CREATE/INSERT/DROP/RENAME
#   add-columns       does the same with two ALTER TABLE ... ADD COLUMN
# Exits 0 when cascadeguard rejects the first (exit 1) and passes the
# second (exit 0), as it must.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${CASCADEGUARD:-}" ]; then
	bin=$CASCADEGUARD
elif [ -x "$here/../build/cascadeguard" ]; then
	bin=$here/../build/cascadeguard
else
	bin=$(command -v cascadeguard) || {
		echo "incident.sh: cascadeguard not found: run ./install.sh" >&2
		exit 2
	}
fi

repo=$(mktemp -d "${TMPDIR:-/tmp}/cascadeguard-incident.XXXXXX")
trap 'rm -rf "$repo"' EXIT
cd "$repo"
git init -q
git symbolic-ref HEAD refs/heads/main
git config user.name "Example" && git config user.email example@example.com
mkdir migrations
cp "$here/incident/0001_init.sql" "$here/incident/0002_more_children.sql" migrations/
git add migrations && git commit -qm "projects and eight tables that cascade from it"

git checkout -qb rebuild-projects
cp "$here/incident/0003_rebuild_projects.sql" migrations/
git add migrations && git commit -qm "add description and archived to projects (rebuild)"

git checkout -q main && git checkout -qb add-columns
cp "$here/incident/0003_add_columns.sql" migrations/
git add migrations && git commit -qm "add description and archived to projects (ALTER)"

echo "\$ cascadeguard check-range main..rebuild-projects"
set +e
"$bin" check-range main..rebuild-projects
bad=$?
echo "(exit $bad)"
echo
echo "\$ cascadeguard check-range main..add-columns"
"$bin" check-range main..add-columns
good=$?
echo "(exit $good)"
set -e

if [ "$bad" -eq 1 ] && [ "$good" -eq 0 ]; then
	echo
	echo "incident.sh: the rebuild is rejected and the ALTER TABLE version passes"
	exit 0
fi
echo "incident.sh: unexpected verdicts (rebuild: $bad, want 1; alter: $good, want 0)" >&2
exit 1
