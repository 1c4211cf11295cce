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
[ "${1:-}" = --on-disk ] || uncommitted=$(cd "$TOP" && git status --porcelain -- "$SERIES_DIR")
# What the export does not write: the inputs, notes, and the other series
# (kernel/VERSION/ inside kernel/).
skip=(-x cover-letter.txt -x base.conf -x PORTING.md)
for d in "$SERIES_DIR"/*/; do
	[ -d "$d" ] && skip+=(-x "$(basename "$d")")
done
if ! diff -r -q "${skip[@]}" "$tmp" "$SERIES_DIR" >/dev/null 2>&1 ||
   [ -n "$uncommitted" ]; then
	echo "${TREE#"$TOP"/} and the committed series differ:" >&2
	diff -r -q "${skip[@]}" "$tmp" "$SERIES_DIR" >&2 || true
	(cd "$TOP" && git status --short -- "$SERIES_DIR") >&2
	echo "run 'make export' and commit ${SERIES_DIR#"$TOP"/}/" >&2
	exit 1
fi
