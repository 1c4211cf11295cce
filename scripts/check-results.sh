#!/usr/bin/env bash
# Compare the KTAP results of the runtime platforms named on the command line
# (build/results/PLATFORM/console.log) with test/expectations, print every
# unexpected result and a summary table, and exit non-zero on any: a test
# that should pass and did not, a listed failure or skip that changed, a VM
# that did not finish or ran no test, a kernel splat (BUG, WARNING, KASAN,
# lockdep, RCU stall, sleep in atomic context) in the console log.
# Usage: check-results.sh PLATFORM...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

expect_file=$EXPECTATIONS
SPLAT='BUG:|WARNING:|Oops|KASAN|KFENCE|UBSAN|kernel BUG|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|rcu: INFO|soft lockup|blocked for more than|Kernel panic'
# Lines that match SPLAT without being a kernel error: the boot wrapper of a
# pseries kernel on a PowerPC 970 reports that QEMU's firmware found no
# compatible processor mode to negotiate (ibm,client-architecture-support),
# which a 970 does not have; the kernel boots on.
BENIGN='WARNING: ibm,client-architecture-support call FAILED!'

# expected PLATFORM TEST -> pass, skip, fail or flaky (pass or fail)
expected() {
	local glob test result
	while read -r glob test result _; do
		case $glob in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2254 # the first column is a glob
		case $1 in $glob) [ "$test" = "$2" ] && { echo "$result"; return; } ;; esac
	done < "$expect_file"
	echo pass
}

# omit_patterns PLATFORM: the OMIT_TESTS that test/args.env gives the
# platform (for this kernel variant and scope), as the guest computes them.
omit_patterns() {
	local scope=
	[ "$CHECK_ALL" = 1 ] && scope=all
	KVMC_PLATFORM=$1 KVMC_VARIANT=$VARIANT KVMC_SCOPE=$scope \
		sh -c 'OMIT_TESTS=""; . "$0"; echo "$OMIT_TESTS"' "$TOP/test/args.env" 2>/dev/null
}

# is_omitted TEST PATTERNS...: whether TEST matches one of the patterns.
is_omitted() {
	local t=$1 p
	shift
	for p in "$@"; do
		# shellcheck disable=SC2254 # a pattern
		case $t in $p) return 0 ;; esac
	done
	return 1
}

bad=0
rows=()
for plat in "$@"; do
	set -f
	# shellcheck disable=SC2207 # patterns, one per word, not expanded
	omits=($(omit_patterns "$plat"))
	set +f
	res=$BUILD/results/$plat$SUFFIX
	log=$res/console.log
	pass=0 skip=0 fail=0 unexpected=0 state="done"
	if [ ! -r "$log" ]; then
		state="not run"
	else
		grep -q KVM-COHERENCE-DONE "$log" || state=crashed
		# KTAP lines of the runner: "ok 3 selftests: kvm: name # SKIP"
		# A test that test/args.env omits on this platform ("# SKIP
		# omitted on ...") was not run: tagged OMIT, it counts as a skip
		# whatever the expectations say of the test where it runs, if
		# args.env omits it here; otherwise it is unexpected.
		sed -nE -e 's/^ok [0-9]+ selftests: ([^:]+): ([^ ]+) # SKIP omitted on.*/ok \1:\2 OMIT/p' \
			-e 's/^(not ok|ok) [0-9]+ selftests: ([^:]+): ([^ ]+)( # ([A-Z]+))?.*/\1 \2:\3 \5/p' \
			"$log" | tr -d '\r' > "$res/results"
		while read -r r1 r2 test tag; do
			[ "$r1" = ok ] && r2=$test tag=${tag:-}
			if [ "$r1 $r2" = "not ok" ]; then
				got=fail
			elif [ "$tag" = SKIP ] || [ "$tag" = OMIT ]; then
				got=skip
			else
				got=pass
			fi
			want=$(expected "$plat" "$test")
			if [ "$tag" = OMIT ]; then
				want="run (test/args.env does not omit it here)"
				is_omitted "$test" "${omits[@]}" && want=skip
			fi
			case $got/$want in
			pass/pass|pass/flaky|fail/flaky|skip/skip|fail/fail) ;;
			*)
				unexpected=$((unexpected + 1))
				echo "UNEXPECTED $plat $test: $got, ${expect_file#"$TOP"/} says $want" >&2 ;;
			esac
			case $got in
			pass) pass=$((pass + 1)) ;;
			skip) skip=$((skip + 1)) ;;
			fail) fail=$((fail + 1)) ;;
			esac
		done < <(sed -E 's/^ok /ok ok /' "$res/results")
		# Every test packed into the VM's image must have reported a
		# result, as a pass, a skip or a failure: one that did not (a
		# runner that stopped early) is unexpected too.
		list=$BUILD/initramfs/$(build_platform_of "$plat")$SUFFIX/guest/tests
		if [ "$state" = "done" ] && [ -r "$list" ]; then
			names=$(sed -E 's/^(not )?ok ([^ ]+).*/\2/' "$res/results")
			while read -r t; do
				case $t in ''|'#'*) continue ;; esac
				# Where init runs the tests itself (no shell: ppc64,
				# e500), the list names their paths (kvm:/guest/NAME)
				# and the results their names.
				t=${t/:\/guest\//:}
				if ! grep -qxF -- "$t" <<<"$names"; then
					unexpected=$((unexpected + 1))
					echo "UNEXPECTED $plat $t: no result" >&2
				fi
			done < "$list"
		fi
	fi
	# Kernel messages, not the tests' own output (the runner prefixes
	# that with "# ").
	splats=0
	if [ -r "$log" ]; then
		splats=$(grep -avE '^(# |ok |not ok )' "$log" | grep -avF "$BENIGN" |
			grep -acE "$SPLAT" || true)
		if [ "$splats" -ne 0 ]; then
			echo "SPLAT $plat$SUFFIX: $splats kernel error lines, first:" >&2
			grep -avE '^(# |ok |not ok )' "$log" | grep -avF "$BENIGN" |
				grep -aE -m5 -A15 "$SPLAT" >&2 || true
		fi
	fi
	# A VM that ran none of the tests asked for (TESTS=none asks for
	# none) did not test anything.
	if [ "$state" = "done" ] && [ $((pass + skip + fail)) -eq 0 ] &&
	   [ "${TESTS:-}" != none ]; then
		state="no tests"
		echo "NO RESULTS $plat$SUFFIX: no test reported a result" >&2
	fi
	secs=$(cat "$res/seconds" 2>/dev/null || echo 0)
	verdict=PASS
	if [ "$state" != "done" ] || [ $unexpected -ne 0 ] || [ "$splats" -ne 0 ]; then
		verdict=FAIL
		bad=1
	fi
	rows+=("$(printf '| %-16s | %-7s | %4d | %4d | %4d | %10d | %6d | %5ds | %-7s |' \
		"$plat$SUFFIX" "$state" "$pass" "$skip" "$fail" "$unexpected" "$splats" "$secs" "$verdict")")
done

echo
echo "| platform         | VM run  | pass | skip | fail | unexpected | splats |  time  | verdict |"
echo "|------------------|---------|------|------|------|------------|--------|--------|---------|"
printf '%s\n' "${rows[@]}"
echo "(skip and fail include those ${expect_file#"$TOP"/} lists for the platform)"
exit $bad
