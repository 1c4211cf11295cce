#!/usr/bin/env bash
# The results of the clients stage as markdown tables (for the README):
# each scenario and kvm-unit-tests' counts on the series' kernel and on the
# unpatched base (check-clients-base.sh) per arm64 platform, and the
# series' KVM counters each scenario's VMs ended with.
# Usage: clients-table.sh PLATFORM...   (from build/results/PLATFORM[-base])
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# result LOG ENTRY -> pass, skip, fail or "-" (not run)
results() {
	[ -r "$1" ] || return 0
	sed -nE 's/^(not ok|ok) [0-9]+ selftests: ([^:]+): ([^ ]+)( # ([A-Z]+))?.*/\1|\2:\3|\5/p' "$1" |
		tr -d '\r' | awk -F'|' '{ r = ($1 == "not ok") ? "fail" : ($3 == "SKIP" ? "skip" : "pass"); print $2, r }'
}
result() { results "$1" | awk -v e="$2" '$1 == e { print $2; f = 1 } END { if (!f) print "-" }'; }

logs=()
head="| scenario |"
rule="|---|"
for p in "$@"; do
	logs+=("$BUILD/results/$p/console.log" "$BUILD/results/$p-base/console.log")
	head="$head $p | $p base |"
	rule="$rule---|---|"
done

echo "$head"
echo "$rule"
while read -r e; do
	row="| ${e#clients:} |"
	for l in "${logs[@]}"; do row="$row $(result "$l" "$e") |"; done
	echo "$row"
done < <(grep '^clients:' "$TOP/test/clients.list")
for v in qemu kvmtool; do
	row="| kvm-unit-tests, $v (pass/skip/fail) |"
	for l in "${logs[@]}"; do
		row="$row $(results "$l" | awk -v c="kut-$v:" 'index($1, c) == 1 { n[$2]++ }
			END { printf "%d/%d/%d", n["pass"], n["skip"], n["fail"] }') |"
	done
	echo "$row"
done

echo
echo "The series' VM counters at the end of each scenario (debugfs; the base has none):"
echo
for p in "$@"; do
	l=$BUILD/results/$p/console.log
	[ -r "$l" ] || continue
	echo "$p:"
	echo
	grep -a '^# clients-stats:' "$l" | tr -d '\r' | sed 's/^# clients-stats: /- /'
	echo
done
