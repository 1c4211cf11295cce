#!/usr/bin/env bash
# Run the series' benchmark programs in the arm64 test VMs (no tests) and
# print their output per CPU model. The figures are emulated: QEMU's TCG
# does not model caches. Usage: bench.sh   (make bench)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export BUILD_PLATFORMS=arm64
export RUN_PLATFORMS=${RUN_PLATFORMS:-arm64-a57 arm64-max}
export TESTS=none
export BENCH=${BENCH:-flush_guest_cache_perf;flush_guest_cache_perf -s;mmu_off_watch_perf}

"$TOP/scripts/check.sh"
for r in $RUN_PLATFORMS; do
	echo
	echo "== $r"
	grep -a '^# bench: ' "$BUILD/results/$r/console.log" | sed 's/^# bench: //'
done
