#!/usr/bin/env bash
# 'make demo': build the patched arm64 kernel and the demo VMM (demo/), boot
# both arm64 CPU models under QEMU, run kvmc-demo in each (boot, reboot,
# live migration with the MMU-off watch on and off) and print its table for
# both, one row per step and CPU model.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export BUILD_PLATFORMS=arm64
export RUN_PLATFORMS=${RUN_PLATFORMS:-arm64-a57 arm64-max}
export TESTS=demo:kvmc-demo CLIENTS=none
rc=0
"$TOP/scripts/check.sh" || rc=$?

echo
echo "== make demo: kvmc-demo on each CPU model"
header=0
for r in $RUN_PLATFORMS; do
	log=$BUILD/results/$r/console.log
	[ -r "$log" ] || continue
	# The rows of kvmc-demo's table, behind the runner's "# ".
	if [ $header -eq 0 ]; then
		grep -a -m2 '^# | step\|^# |---' "$log" | sed -e 's/^# | step/| cpu       | step/' \
			-e 's/^# |---/|-----------|---/'
		header=1
	fi
	grep -a '^# | [0-9] ' "$log" | sed "s/^# /| $(printf '%-9s' "${r#arm64-}") /"
done
echo
for r in $RUN_PLATFORMS; do
	log=$BUILD/results/$r/console.log
	[ -r "$log" ] || continue
	echo "${r#arm64-}: $(grep -a -m1 '^# kvmc-demo results' "$log" | sed 's/^# kvmc-demo results //')"
	grep -a '^# [0-9] [a-z]' "$log" | sed 's/^# /  /'
done
exit $rc
