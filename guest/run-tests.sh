#!/bin/sh
# Runs inside the VM (busybox): the kselftest runner over the tests named in
# /guest/tests, with per-test arguments from /guest/args.env
# (KSELFTEST_<TEST>_ARGS, as the runner documents).
set -eu
mkdir -p /usr/bin /usr/sbin /sbin
/bin/busybox --install -s

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

set -a
# shellcheck disable=SC1091 # made at image build time
. /guest/args.env
set +a

tests=""
while read -r t; do
	case $t in ''|'#'*) continue ;; esac
	tests="$tests -t $t"
done < /guest/tests
cd /kselftest
if [ -n "$tests" ]; then
	# shellcheck disable=SC2086 # one word per option
	./run_kselftest.sh $tests
fi

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
