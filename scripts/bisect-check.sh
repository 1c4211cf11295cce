#!/usr/bin/env bash
# Build every commit of the series on its own, as a bisect would: the
# kernel and the tests (build-tests.sh: the kvm selftests where the
# platform has them) of each build platform. Runs in a
# separate git worktree (build/bisect/linux), so build/linux is untouched.
# Usage: bisect-check.sh [FIRST]   (FIRST: 1-based patch number to start at)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Every platform the series is built for, in 'make check-all' too.
platforms=${BUILD_PLATFORMS:-${MATRIX_ALL_BUILD:-$MATRIX_BUILD}}
first=${1:-1}
[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
bisect=$BUILD/bisect

# The worktree and the objects in $bisect/out stay between runs: a
# checkout rewrites only the files that differ, so a run from patch N
# after a change to the series rebuilds little. (A new tree, 'make
# tree', leaves a stale worktree: it is made again.)
if ! git -C "$bisect/linux" rev-parse -q --verify HEAD >/dev/null 2>&1 ||
   [ "$(git -C "$bisect/linux" rev-parse --path-format=absolute --git-common-dir)" != "$(git -C "$TREE" rev-parse --path-format=absolute --git-common-dir)" ]; then
	rm -rf "$bisect/linux"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$bisect/linux" base
fi

results=()
n=0
bad=0
for commit in $(git -C "$TREE" rev-list --reverse base..series); do
	n=$((n + 1))
	[ "$n" -ge "$first" ] || continue
	subject=$(git -C "$TREE" log -1 --format=%s "$commit")
	log "patch $n: $subject"
	git -C "$bisect/linux" checkout -q "$commit"
	row=$(printf '%2d %-60.60s' "$n" "$subject")
	for p in $platforms; do
		if BUILD=$bisect "$TOP/scripts/build-kernel.sh" "$p" >"$bisect/$p.log" 2>&1 &&
		   BUILD=$bisect "$TOP/scripts/build-tests.sh" "$p" >>"$bisect/$p.log" 2>&1; then
			row+=" $p:ok"
		else
			row+=" $p:FAIL"
			bad=1
			tail -20 "$bisect/$p.log" >&2
		fi
	done
	results+=("$row")
done

echo
printf '%s\n' "${results[@]}"
exit $bad
