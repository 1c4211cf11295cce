#!/usr/bin/env bash
# checkpatch.pl --strict on every patch of the series (zero errors, warnings
# and checks) and on the workbench's C programs, shellcheck on its shell
# scripts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -x "$TREE/scripts/checkpatch.pl" ] || die "no kernel tree: run 'make tree'"
# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH: use
# Debian's, which has python3-ply and python3-git, not a user's own.
export PATH=/usr/bin:$PATH
bad=0
# A patch that passed before, with the same checkpatch.pl, is not checked
# again: build/lint-ok holds one empty file per (checkpatch, patch) hash.
okdir=$BUILD/lint-ok
mkdir -p "$okdir"
cp_sum=$(sha256sum "$TREE/scripts/checkpatch.pl" | cut -c1-16)
todo=()
while read -r patch; do
	case $patch in ''|'#'*) continue ;; esac
	sum=$cp_sum-$(sha256sum "$SERIES_DIR/$patch" | cut -c1-16)
	[ -e "$okdir/$sum" ] || todo+=("$SERIES_DIR/$patch $okdir/$sum")
done < "$SERIES_DIR/series"
# One checkpatch per patch, as many at a time as there are CPUs (about a
# second each); each failing patch is named.
# shellcheck disable=SC2016 # $1 and $2 expand in the sh -c script
if [ ${#todo[@]} -gt 0 ]; then
	printf '%s\n' "${todo[@]}" |
		(cd "$TREE" && xargs -P "$(nproc)" -L1 sh -c \
			'./scripts/checkpatch.pl --strict --quiet "$1" && touch "$2" ||
			 { echo "checkpatch: $1" >&2; exit 1; }' _) ||
		bad=1
fi
# The workbench's own C programs (the demo VMM and guest, the test VMs'
# init) in kernel style, less what does not apply to userspace: BIT() and
# the kernel's u64 types, and static const argv arrays.
(cd "$TOP" && "$TREE/scripts/checkpatch.pl" --no-tree --strict --quiet \
	--ignore PREFER_KERNEL_TYPES,BIT_MACRO,STATIC_CONST_CHAR_ARRAY \
	-f demo/*.[chS] guest/*.c) || bad=1
(cd "$TOP" && shellcheck scripts/*.sh guest/*.sh .ci/run) || bad=1
[ $bad -eq 0 ] && log "lint: $(grep -c . "$SERIES_DIR/series") patches and the C programs checkpatch-clean, shell scripts shellcheck-clean"
exit $bad
