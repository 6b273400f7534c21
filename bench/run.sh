#!/bin/bash
# SPDX-License-Identifier: MIT
# The benchmark suite (`make bench`): synthetic repositories of N
# migrations (N in $BENCH_SIZES, default "100 1000 5000"), each scenario
# timed as whole processes by bench/runner, printing median, min, max and
# peak memory.  Results go to stdout; docs/PERFORMANCE.md records them.
set -euo pipefail

bin=$(realpath "${1:?usage: bench/run.sh path/to/cascadeguard}")
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_DIR:-$here/../build/bench}
runs=${BENCH_RUNS:-7}
sizes=${BENCH_SIZES:-100 1000 5000}
mkdir -p "$work"
cc -O2 -D_GNU_SOURCE -o "$work/runner" "$here/runner.c"
runner="$work/runner -n $runs"
has() { "$bin" "$1" --help >/dev/null 2>&1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "cascadeguard: $("$bin" --version); sqlite3 CLI: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo none)"
echo
# What no check can go below: starting a process linked like cascadeguard.
cc -O2 -o "$work/libgit2_floor" "$here/libgit2_floor.c" \
	$(pkg-config --cflags --libs libgit2)
$runner "(f) process start + libgit2 init only" -- "$work/libgit2_floor"
$runner "(f) cascadeguard --version (no libgit2)" -- "$bin" --version
echo

for n in $sizes; do
	repo=$work/repo-$n
	if [ ! -d "$repo/.git" ]; then
		echo "generating $repo ..."
		rm -rf "$repo" "$repo.history.sql"
		python3 "$here/gen_repo.py" "$n" "$repo" >/dev/null
	fi
	echo "== N=$n migrations ($(git -C "$repo" ls-files | wc -l) files)"
	$runner "(a) check-range base..one, cold (--no-cache)" -- \
		"$bin" check-range -C "$repo" --no-cache base..one
	rm -rf "$repo/.git/cascadeguard"
	$runner "(a) check-range base..one, warm cache" -- \
		"$bin" check-range -C "$repo" base..one
	$runner "(a) warm cache, --no-simulate" -- \
		"$bin" check-range -C "$repo" --no-simulate base..one
	$runner "(c) base..main (1000 commits), cold" -- \
		"$bin" check-range -C "$repo" --no-cache base..main
	if command -v sqlite3 >/dev/null; then
		$runner -i "$repo.history.sql" "(e) sqlite3 :memory: < history (floor)" -- \
			sqlite3 :memory:
	fi
	if has pre-commit; then
		git -C "$repo" checkout -q -f base
		printf 'ALTER TABLE t0 ADD COLUMN staged TEXT;\n' > "$repo/migrations/99999_staged.sql"
		git -C "$repo" add migrations/99999_staged.sql
		$runner -C "$repo" "(d) pre-commit, 1 staged migration" -- \
			"$bin" pre-commit
		git -C "$repo" reset -q --hard && git -C "$repo" checkout -q main
	fi
	if has pre-receive; then
		for hook in none cascadeguard; do
			bare=$work/bare-$n-$hook.git
			rm -rf "$bare"
			git clone -q --bare "$repo" "$bare"
			git -C "$bare" update-ref refs/heads/main refs/heads/base
			if [ $hook = cascadeguard ]; then
				printf '#!/bin/sh\nexec %s pre-receive\n' "$bin" > "$bare/hooks/pre-receive"
				chmod +x "$bare/hooks/pre-receive"
			fi
			# push `one` to main again and again: delete the ref between runs
			cat > "$work/push-$hook.sh" <<PUSH
#!/bin/sh
git -C "$bare" update-ref refs/heads/main refs/heads/base
exec git -C "$repo" push -q "$bare" one:main
PUSH
			chmod +x "$work/push-$hook.sh"
			$runner "(b) git push of 1 commit, hook: $hook" -- "$work/push-$hook.sh"
		done
	fi
	echo
done
