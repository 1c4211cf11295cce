#!/usr/bin/env bash
# Fail if build/linux holds work the committed series lacks: uncommitted
# changes, or commits whose export differs from kernel/, or a kernel/ that
# git has not committed. With --on-disk, kernel/ as it is on disk counts
# (what 'make tree' needs before it resets build/linux).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || exit 0
dirty=$(cd "$TREE" && git status --porcelain)
if [ -n "$dirty" ]; then
	echo "build/linux has uncommitted changes:" >&2
	echo "$dirty" | head -n 20 >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export-series.sh" "$tmp"
uncommitted=
[ "${1:-}" = --on-disk ] || uncommitted=$(cd "$TOP" && git status --porcelain -- kernel)
if ! diff -r -q -x cover-letter.txt -x base.conf "$tmp" "$SERIES_DIR" >/dev/null 2>&1 ||
   [ -n "$uncommitted" ]; then
	echo "build/linux and the committed series differ:" >&2
	diff -r -q -x cover-letter.txt -x base.conf "$tmp" "$SERIES_DIR" >&2 || true
	(cd "$TOP" && git status --short -- kernel) >&2
	echo "run 'make export' and commit kernel/" >&2
	exit 1
fi
