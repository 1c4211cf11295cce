#!/usr/bin/env bash
# Regenerate the series (kernel/*.patch, kernel/series) from the commits of
# build/linux between 'base' and 'series'. The output depends only on the
# commits: re-exporting an unchanged tree changes no byte.
# Usage: export-series.sh [DIR]   (default: kernel/)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:-$SERIES_DIR}
[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
cd "$TREE"
if [ -n "$(git status --porcelain)" ]; then
	git status --short | head -n 20 >&2
	die "build/linux has uncommitted changes: commit them (git commit -s) first"
fi
[ "$(git rev-parse --abbrev-ref HEAD)" = series ] || die "build/linux is not on branch 'series'"

count=$(git rev-list --count base..series)
rm -f "$dest"/*.patch
: > "$dest/series"
[ "$count" -gt 0 ] || exit 0

# The cover letter's subject and blurb come from kernel/cover-letter.txt
# (first line: subject; the rest: body); its date is the last commit's.
git config branch.series.description "$(cat "$SERIES_DIR/cover-letter.txt")"
GIT_COMMITTER_DATE=$(git log -1 --format=%aD series) \
	git format-patch -q --zero-commit --no-signature --base=base \
	--cover-letter --cover-from-description=subject \
	--subject-prefix="${PATCH_PREFIX:-PATCH v2}" -o "$dest" base..series
for p in "$dest"/[0-9][0-9][0-9][0-9]-*.patch; do
	case ${p##*/} in 0000-*) ;; *) echo "${p##*/}" ;; esac
done > "$dest/series"
