#!/usr/bin/env bash
# The clients stage on the unpatched base (issue 16): the series' base
# commit, built with the same arm64 config into build/out/arm64-base and
# booted on the arm64 runtime platforms with the clients only (no
# kselftest), so that a client failing on the series can be told from
# one failing upstream. Results in build/results/PLATFORM-base; then the
# table of both (clients-table.sh).
# Usage: check-clients-base.sh   (after make check; SERIES=7.3 for the port)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
if [ -z "$CLIENTS" ] || [ "$CLIENTS" = none ]; then
	die "series $SERIES has no clients stage (MATRIX_CLIENTS)"
fi
# The base's source, exported from the tree's "base" commit once.
base=$(git -C "$TREE" rev-parse base)
if [ "$(cat "$BASE_TREE/.base-commit" 2>/dev/null)" != "$base" ]; then
	log "exporting the base ($base) to $BASE_TREE"
	rm -rf "$BASE_TREE"
	mkdir -p "$BASE_TREE"
	git -C "$TREE" archive base | tar -x -C "$BASE_TREE"
	echo "$base" > "$BASE_TREE/.base-commit"
fi

export KTREE=$BASE_TREE VARIANT=base TESTS=none
"$S/build-kernel.sh" arm64
"$S/build-tests.sh" arm64
"$S/build-clients.sh"
"$S/build-initramfs.sh" arm64
plats=()
for r in $MATRIX_RUN; do
	case $r in arm64-*) plats+=("$r") ;; esac
done
for r in "${plats[@]}"; do
	"$S/run-vm.sh" "$r" || true
done
"$S/clients-table.sh" "${plats[@]}"
