#!/usr/bin/env bash
# The whole test suite ('make check'): install what is missing, lay out the
# patched tree, build every platform of the matrix, boot the runtime ones
# under QEMU with their tests, and compare the results with
# test/expectations. Prints per-stage durations and a summary table.
# BUILD_PLATFORMS and RUN_PLATFORMS choose a part of the matrix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Defaults: the series' matrix (MATRIX_* in its base.conf).
BUILD_PLATFORMS=${BUILD_PLATFORMS:-$MATRIX_BUILD}
RUN_PLATFORMS=${RUN_PLATFORMS:-$MATRIX_RUN}
S=$TOP/scripts

stages=()
stage() {
	local name=$1 start rc=0
	shift
	start=$(date +%s)
	log "== $name"
	"$@" || rc=$?
	stages+=("$(printf '| %-28s | %8s | %-4s |' "$name" "$(elapsed "$start")" \
		"$([ $rc -eq 0 ] && echo ok || echo FAIL)")")
	return $rc
}
print_stages() {
	echo
	echo "| stage                        | duration | ok?  |"
	echo "|------------------------------|----------|------|"
	printf '%s\n' "${stages[@]}"
}
trap print_stages EXIT

total=$(date +%s)
stage "install dependencies" "$S/install-deps.sh"
stage "kernel tree + series" "$S/make-tree.sh"
for p in $BUILD_PLATFORMS; do
	stage "build $p kernel" "$S/build-kernel.sh" "$p"
	stage "build $p tests" "$S/build-tests.sh" "$p"
	[ "$p" = arm64 ] && stage "build $p demo VMM" "$S/build-demo.sh"
	if [ "$p" = arm64 ] && [ -n "$CLIENTS" ] && [ "$CLIENTS" != none ]; then
		stage "build clients" "$S/build-clients.sh"
	fi
	case " $RUN_PLATFORMS " in
	*" $p"[-\ ]*) stage "pack $p initramfs" "$S/build-initramfs.sh" "$p" ;;
	esac
done
# One VM at a time: side by side (one per core) saves little and starves
# rseq_test, which needs two host cores for its migrations (it ran past
# its 600 s timeout). A VM that fails shows in the comparison below.
for r in $RUN_PLATFORMS; do
	stage "run $r" "$S/run-vm.sh" "$r" || true
done
# shellcheck disable=SC2086 # one platform per word
stage "compare with expectations" "$S/check-results.sh" $RUN_PLATFORMS
log "make check${VARIANT:+-$VARIANT} of series $SERIES passed in $(elapsed "$total")"
