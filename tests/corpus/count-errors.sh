#!/bin/sh
# Error findings by rule over the whole corpus, as tests/e2e/test_corpus.c
# runs it: every project's migrations all new (check-range HEAD), and, for
# the __head snapshots, each migration on the history before it
# (check-range --each-commit).  The config: lines of tests/corpus/*.expected
# are each project's .cascadeguard.
#   tests/corpus/count-errors.sh BIN [CORPUS]
# e.g. compare build/cascadeguard with /work/baseline/cascadeguard-a5575ae.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=${2:-../shared/corpus}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
glob_of() {
	sed -n "s|^	{ \"$1\",[ 	]*\"\\([^\"]*\\)\".*|\\1|p; /^	{ \"$1\",\$/{n;s|^[ 	]*\"\\([^\"]*\\)\".*|\\1|p;}" \
	    "$here/../e2e/test_corpus.c" | head -1
}
for exp in "$here"/*.expected; do
	case $exp in *.precision.expected) continue ;; esac
	p=$(basename "$exp" .expected)
	d=$tmp/$p
	mkdir -p "$d"
	cfg=$(sed -n 's/^config: //p' "$exp")
	[ -n "$cfg" ] && printf '[cascadeguard]\n%s\n' "$cfg" > "$d/.cascadeguard"
	(cd "$d" && git init -q && cp -R "$corpus/$p/." . && git add -A &&
	    git commit -qm corpus && "$bin" check-range HEAD || true) |
	    sed -n 's/^[^ ].*: error\[\([a-z-]*\)\].*/all-new \1/p'
	case $p in *__head) ;; *) continue ;; esac
	g=$(glob_of "$p")
	d=$tmp/$p.each
	mkdir -p "$d"
	[ -n "$cfg" ] && printf '[cascadeguard]\n%s\n' "$cfg" > "$d/.cascadeguard"
	(cd "$d" && git init -q && cp -R "$corpus/$p/." . &&
	    ls -d $g | grep -v '\.down\.sql$' | LC_ALL=C sort > .git/cglist &&
	    rm -f $(cat .git/cglist) && git add -A && git commit -qm base &&
	    git tag cgbase && while read -r m; do cp "$corpus/$p/$m" "$m" &&
	    git add "$m" && git commit -qm "$m"; done < .git/cglist &&
	    "$bin" check-range --each-commit cgbase..HEAD || true) |
	    sed -n 's/^[^ ].*: error\[\([a-z-]*\)\].*/each-head \1/p'
done | sort | uniq -c
