#!/usr/bin/env bash
# Pack the test VM's initramfs for one build platform with the kernel's
# usr/gen_initramfs.sh: init, busybox where Debian has one, the installed
# kselftests with test/kvm.settings and test/args.env, the demo VMM, and the
# test list.
# TESTS="kvm:a kvm:b" limits the run to those tests (default: the series'
# MATRIX_TESTS, or all when it has none; "all": all; "none": no test). BENCH="prog args;prog args" adds benchmark runs after them.
# Usage: build-initramfs.sh PLATFORM [NAME]   (after build-tests.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platform=$1
name=${2:-$platform$SUFFIX}
out=$BUILD/out/$name
tests=$BUILD/tests/$name
stage=$BUILD/initramfs/$name
cpio=$BUILD/initramfs/$name.cpio
[ -x "$tests/bin/init" ] || die "$name: no guest init: run build-tests.sh first"

rm -rf "$stage"
mkdir -p "$stage"/{bin,guest,proc,sys,tmp}
cp "$tests/bin/init" "$stage/init"
find "$tests/bin" -type f ! -name init -exec cp {} "$stage/guest/" \;

case $platform in
arm64) debarch=arm64 ;;
ppc64le) debarch=ppc64el ;;
*) debarch= ;;
esac
if [ -n "$debarch" ]; then
	"$TOP/scripts/fetch-busybox.sh" "$debarch"
	cp "$BUILD/busybox/$debarch/busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
fi

if [ -d "$tests/kselftest" ] && [ -n "$debarch" ]; then
	cp -a "$tests/kselftest" "$stage/kselftest"
	cp "$TOP/test/kvm.settings" "$stage/kselftest/kvm/settings"
	cp "$TOP/guest/run-tests.sh" "$stage/guest/run-tests.sh"
	cp "$TOP/test/args.env" "$stage/guest/args.env"
	[ "${TESTS:-}" = all ] && TESTS=
	if [ "${TESTS:-}" = none ]; then
		: > "$stage/guest/tests"
	elif [ -n "${TESTS:-}" ]; then
		tr -s ' ' '\n' <<<"$TESTS" > "$stage/guest/tests"
	else
		cp "$tests/kselftest/kselftest-list.txt" "$stage/guest/tests"
		# The workbench's own programs, run as tests: the demo VMM
		# (build-demo.sh), the powerpc smoke test.
		if [ -x "$tests/bin/kvmc-demo" ]; then
			echo demo:kvmc-demo >> "$stage/guest/tests"
		fi
		if [ -x "$tests/bin/ppc-kvm-smoke" ]; then
			echo smoke:ppc-kvm-smoke >> "$stage/guest/tests"
		fi
	fi
	# BENCH: benchmark command lines, ';'-separated, run after the tests
	# from /kselftest/kvm (see guest/run-tests.sh).
	tr ';' '\n' <<<"${BENCH:-}" > "$stage/guest/bench"
else
	# No shell: init runs these itself. The smoke test first: it is
	# then the first VM of the boot, whose KVM allocations come from
	# fresh memory (the e500 guest TLB bug showed only there).
	: > "$stage/guest/tests"
	for t in "$stage"/guest/ppc-kvm-smoke "$stage"/guest/*; do
		[ -x "$t" ] || continue
		grep -qx "kvm:/guest/$(basename "$t")" "$stage/guest/tests" ||
			echo "kvm:/guest/$(basename "$t")" >> "$stage/guest/tests"
	done
fi

(cd "$out" && "$TREE/usr/gen_initramfs.sh" -o "$cpio" -u "$(id -u)" -g "$(id -g)" \
	"$stage" "$TOP/guest/initramfs.list")
log "$name: initramfs $(du -h "$cpio" | cut -f1) with $(grep -c . "$stage/guest/tests") tests"
