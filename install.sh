#!/bin/sh
# SPDX-License-Identifier: MIT
# Install cascadeguard on Debian (bookworm or later): the build
# dependencies from Debian's packages, then build and `make install`.
#
#   ./install.sh [--prefix DIR] [--no-deps]
#
# Run as root, or as a user with sudo.
set -eu

prefix=/usr/local
deps=1
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
		prefix=$2; shift 2 ;;
	--no-deps) deps=0; shift ;;
	-h|--help) sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "install.sh: unknown option '$1' (see ./install.sh --help)" >&2; exit 2 ;;
	esac
done

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
