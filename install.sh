#!/bin/sh
# SPDX-License-Identifier: MIT
# Install cascadeguard on Debian (bookworm or later): the build
# dependencies from Debian's packages, then build and `make install`.
#
#   ./install.sh [--prefix DIR] [--no-deps]
#   ./install.sh --hook pre-receive [--force] BARE_REPOSITORY
#
# Run as root, or as a user with sudo.  --hook only installs the hook.
set -eu

prefix=/usr/local
deps=1
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
		prefix=$2; shift 2 ;;
	--no-deps) deps=0; shift ;;
	--hook) [ $# -ge 2 ] || { echo "install.sh: --hook needs a hook name" >&2; exit 2; }
		hook=$2; shift 2 ;;
	--force) hook_force=1; shift ;;
	-h|--help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	[!-]*) [ -n "${hook:-}" ] && [ -z "${hook_repo:-}" ] ||
			{ echo "install.sh: unexpected argument '$1' (see ./install.sh --help)" >&2; exit 2; }
		hook_repo=$1; shift ;;
	*) echo "install.sh: unknown option '$1' (see ./install.sh --help)" >&2; exit 2 ;;
	esac
done

# --hook: copy hooks/<hook> into a (bare) repository's hooks folder.
if [ -n "${hook:-}" ]; then
	case $hook in
	pre-receive|pre-commit) ;;
	*) echo "install.sh: --hook takes pre-receive or pre-commit, not '$hook'" >&2; exit 2 ;;
	esac
	[ -n "${hook_repo:-}" ] || { echo "install.sh: --hook needs a repository" >&2; exit 2; }
	src=$(dirname "$0")/hooks/$hook
	if ! git_dir=$(git -C "$hook_repo" rev-parse --git-common-dir 2>/dev/null); then
		echo "install.sh: not a git repository: '$hook_repo'" >&2; exit 2
	fi
	case $git_dir in /*) ;; .) git_dir=$hook_repo ;; *) git_dir=$hook_repo/$git_dir ;; esac
	dst=$git_dir/hooks/$hook
	if [ -e "$dst" ] && ! cmp -s "$src" "$dst" && [ "${hook_force:-0}" -ne 1 ]; then
		echo "install.sh: $dst exists and is not cascadeguard's hook: keep it, or replace it with --force" >&2
		exit 2
	fi
	mkdir -p "$git_dir/hooks"
	cp "$src" "$dst.tmp.$$" && chmod 755 "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"
	command -v cascadeguard >/dev/null 2>&1 ||
		echo "install.sh: warning: cascadeguard is not on PATH; the hook runs 'cascadeguard'" >&2
	echo "install.sh: installed $dst"
	exit 0
fi

cd "$(dirname "$0")"

if [ "$(id -u)" -eq 0 ]; then
	sudo=
else
	sudo=sudo
fi

# libgit2 and SQLite do the work, jansson writes JSON, inih reads the
# .cascadeguard file, Criterion runs the tests; git and valgrind are
# used by the tests.
packages="build-essential pkg-config git libgit2-dev libsqlite3-dev
libjansson-dev libinih-dev libcriterion-dev valgrind"

if [ "$deps" -eq 1 ]; then
	missing=
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "install.sh: installing$missing"
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			--no-install-recommends $missing
	fi
fi

make -j"$(nproc 2>/dev/null || echo 2)"
$sudo make install PREFIX="$prefix"
echo "install.sh: installed $prefix/bin/cascadeguard"
