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
# One checkpatch per patch, as many at a time as there are CPUs (about a
# second each); each failing patch is named.
# shellcheck disable=SC2016 # $1 expands in the sh -c script
grep -v -e '^#' -e '^$' "$TOP/kernel/series" | sed "s|^|$TOP/kernel/|" |
	(cd "$TREE" && xargs -P "$(nproc)" -I{} sh -c \
		'./scripts/checkpatch.pl --strict --quiet "$1" || { echo "checkpatch: $1" >&2; exit 1; }' _ {}) ||
	bad=1
# The workbench's own C programs (the demo VMM and guest, the test VMs'
# init) in kernel style, less what does not apply to userspace: BIT() and
# the kernel's u64 types, and static const argv arrays.
(cd "$TOP" && "$TREE/scripts/checkpatch.pl" --no-tree --strict --quiet \
	--ignore PREFER_KERNEL_TYPES,BIT_MACRO,STATIC_CONST_CHAR_ARRAY \
	-f demo/*.[chS] guest/*.c) || bad=1
(cd "$TOP" && shellcheck scripts/*.sh guest/*.sh .ci/run) || bad=1
[ $bad -eq 0 ] && log "lint: $(grep -c . "$TOP/kernel/series") patches and the C programs checkpatch-clean, shell scripts shellcheck-clean"
exit $bad
