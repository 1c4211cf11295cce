#!/bin/sh
# Runs inside the VM (busybox): the kselftest runner over the tests named in
# /guest/tests, with per-test arguments from /guest/args.env
# (KSELFTEST_<TEST>_ARGS, as the runner documents).
set -eu
mkdir -p /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
# The boot log as it was, for programs that look for CPU features in it
# after the kernel's buffer has moved on (guest/clients.sh: FWB).
dmesg > /tmp/boot.dmesg

# The runner calls 'timeout --foreground', which busybox lacks, and expects
# exit code 124 on a timeout where busybox's is 143 (SIGTERM).
rm -f /usr/bin/timeout
cat > /usr/bin/timeout <<'SH'
#!/bin/sh
[ "$1" = --foreground ] && shift
rc=0
/bin/busybox timeout "$@" || rc=$?
[ "$rc" -eq 143 ] && rc=124
exit "$rc"
SH
chmod +x /usr/bin/timeout

# The runtime platform (arm64-max, arm64-a57, ...) and the kernel variant
# ("debug" or empty), from the kernel command line: args.env may set
# arguments per platform and variant, and OMIT_TESTS, the tests not run on
# this platform (reported as skipped).
KVMC_PLATFORM=$(sed -n 's/.*kvmc\.platform=\([^ ]*\).*/\1/p' /proc/cmdline)
# shellcheck disable=SC2034 # read by args.env
KVMC_VARIANT=$(sed -n 's/.*kvmc\.variant=\([^ ]*\).*/\1/p' /proc/cmdline)
# "all" under make check-all, which runs what make check leaves out.
# shellcheck disable=SC2034 # read by args.env
KVMC_SCOPE=$(sed -n 's/.*kvmc\.scope=\([^ ]*\).*/\1/p' /proc/cmdline)
OMIT_TESTS=""
set -a
# shellcheck disable=SC1091 # made at image build time
. /guest/args.env
set +a

# "kvm:TEST" entries are kselftests; the others, "COLLECTION:PROGRAM",
# the workbench's own programs in /guest (the demo VMM, the powerpc smoke
# test), run after the kselftests.
tests=""
omitted=""
progs=""
is_omitted() {
	# OMIT_TESTS holds patterns (kut-qemu:*): no pathname expansion.
	set -f
	for o in $OMIT_TESTS; do
		# shellcheck disable=SC2254 # a pattern
		case $1 in $o) set +f; return 0 ;; esac
	done
	set +f
	return 1
}
while read -r t; do
	case $t in ''|'#'*) continue ;; esac
	if is_omitted "$t"; then
		omitted="$omitted $t"
		continue
	fi
	case $t in
	kvm:*)
		# A list made for every platform (TESTS) may name tests this
		# one does not build; the runner would refuse the whole list.
		if grep -qx "$t" /kselftest/kselftest-list.txt; then
			tests="$tests -t $t"
		else
			echo "# $t: not built for this platform"
		fi ;;
	*) progs="$progs $t" ;;
	esac
done < /guest/tests
cd /kselftest
# A failing kselftest must not stop the programs after it (errexit): its
# "not ok" line is the result; the runner's status is this script's.
status=0
if [ -n "$tests" ]; then
	# shellcheck disable=SC2086 # one word per option
	./run_kselftest.sh $tests || status=$?
fi
# In the runner's format, so that the host compares them with
# test/expectations like any other result.
n=0
for t in $omitted; do
	n=$((n + 1))
	echo "ok $n selftests: ${t%%:*}: ${t#*:} # SKIP omitted on $KVMC_PLATFORM (test/args.env)"
done
for t in $progs; do
	c=${t%%:*} p=${t#*:}
	# Likewise for the programs: /guest/PROGRAM, or a collection's own
	# runner, /guest/COLLECTION PROGRAM (the clients stage: clients,
	# kut-qemu, kut-kvmtool).
	if [ -x /guest/"$p" ]; then
		set -- /guest/"$p"
	elif [ -x /guest/"$c" ]; then
		set -- /guest/"$c" "$p"
	else
		echo "# $t: not built for this platform"
		continue
	fi
	n=$((n + 1))
	echo "# selftests: $c: $p"
	# Its output as it comes (line by line: sed would hold it back when
	# writing to a pipe), behind "# " as the runner does.
	# Bounded, like the kselftests (a hung VMM must not hang the VM).
	{ rc=0; timeout 900 "$@" 2>&1 || rc=$?; echo "$rc" > /tmp/prog.rc; } |
		while IFS= read -r line; do echo "# $line"; done
	rc=$(cat /tmp/prog.rc)
	if [ "$rc" -eq 0 ]; then
		echo "ok $n selftests: $c: $p"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n selftests: $c: $p # SKIP"
	else
		echo "not ok $n selftests: $c: $p # exit=$rc"
	fi
done

# Benchmarks (not tests): each line of /guest/bench is a command run from
# the kvm directory; its output is prefixed with "# bench: ".
cd /kselftest/kvm
while read -r cmd; do
	[ -n "$cmd" ] || continue
	echo "# bench: \$ $cmd"
	rc=0
	# shellcheck disable=SC2086 # a command line
	./$cmd > /tmp/bench.out 2>&1 || rc=$?
	sed 's/^/# bench: /' /tmp/bench.out
	echo "# bench: exit $rc"
done < /guest/bench
exit "$status"
