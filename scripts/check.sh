#!/usr/bin/env bash
# The whole test suite ('make check'): install what is missing, lay out the
# patched tree, build every platform of the matrix, boot the runtime ones
# under QEMU with their tests, and compare the results with
# test/expectations. Prints per-stage durations and a summary table.
# BUILD_PLATFORMS and RUN_PLATFORMS choose a part of the matrix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BUILD_PLATFORMS=${BUILD_PLATFORMS:-arm64 ppc64le e500 x86_64}
# e500 is build-only: KVM_RUN oopses in the base kernel under QEMU 7.2
# (README, "The matrix").
RUN_PLATFORMS=${RUN_PLATFORMS:-arm64-max arm64-a57 ppc64le}
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
	case " $RUN_PLATFORMS " in
	*" $p"[-\ ]*) stage "pack $p initramfs" "$S/build-initramfs.sh" "$p" ;;
	esac
done
# A nested-KVM test keeps one vCPU of its TCG VM busy: QEMU uses about one
# host core, so the VMs run side by side, one per core. A VM that fails
# shows in the comparison below.
stage "run VMs, $(nproc) at a time" \
	xargs -n 1 -P "$(nproc)" "$S/run-vm.sh" <<<"$RUN_PLATFORMS" || true
# shellcheck disable=SC2086 # one platform per word
stage "compare with expectations" "$S/check-results.sh" $RUN_PLATFORMS
log "make check passed in $(elapsed "$total")"
