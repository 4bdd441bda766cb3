#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The outside check of protocol/src/tlog_note.c (ctest tlog/note_check): make_notes writes notes,
# Go's golang.org/x/mod/sumdb/note (main.go) must accept the good one with its cosignature and
# refuse each bad one. Offline: GOPATH is Debian's /usr/share/gocode, caches in a temp folder.
# usage: run.sh <make_notes binary>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" "$tmp" >"$tmp/keys"
origin=$(sed -n 1p "$tmp/keys")
witness=$(sed -n 2p "$tmp/keys")
check() {
	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$tmp/cache" HOME="$tmp" GOFLAGS= \
		go run "$here/main.go" -note "$tmp/$1" -key "$origin" -witness "$witness" -size 1000003
}
check note
for bad in bad-body bad-cosig other-key; do
	if check "$bad" >/dev/null 2>"$tmp/err"; then
		echo "note_check accepted $bad" >&2
		exit 1
	fi
	echo "$bad refused: $(cat "$tmp/err")"
done
