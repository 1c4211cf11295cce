#!/usr/bin/env bash
# Pack the test VM's initramfs for one build platform with the kernel's
# usr/gen_initramfs.sh: init, busybox where Debian has one, the installed
# kselftests with test/kvm.settings and test/args.env, the demo VMM, and the
# test list.
# CLIENTS="clients:qemu-boot kut-qemu:cache ..." adds the clients stage on
# arm64 ("default": test/clients.list; the series' MATRIX_CLIENTS unless
# set; "none": none).
# TESTS="kvm:a kvm:b" limits the arm64 run to those tests (default: the
# series' MATRIX_TESTS, or all when it has none; "all": all; "none": no
# test). The powerpc images always hold all they have (the series' own
# test and the smoke test), unless TESTS is "none".
# BENCH="prog args;prog args" adds benchmark runs after them.
# Usage: build-initramfs.sh PLATFORM [NAME]   (after build-tests.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platform=$1
platform_vars "$platform"
name=${2:-$platform$SUFFIX}
out=$BUILD/out/$name
tests=$BUILD/tests/$name
stage=$BUILD/initramfs/$name
cpio=$BUILD/initramfs/$name.cpio
[ -x "$tests/bin/init" ] || die "$name: no guest init: run build-tests.sh first"

# The clients stage's programs (build-clients.sh) and its L2 guest kernel,
# this platform's own Image; its entries come after the tests.
add_clients() {
	local c=$TOP/build/clients
	[ -d "$c/qemu-arm64/usr/bin" ] || die "no clients built: run build-clients.sh first"
	cp -a "$c/qemu-arm64/usr" "$c/qemu-arm64/lib" "$stage/"
	mkdir -p "$stage/clients"
	cp "$out/$KIMAGE" "$stage/clients/Image"
	cp "$c/l2.cpio" "$c/mmu-toggle.bin" "$stage/clients/"
	if [ -x "$c/lkvm" ]; then
		cp "$c/lkvm" "$stage/usr/bin/lkvm"
	fi
	for v in qemu kvmtool; do
		if [ -d "$c/kut-$v" ]; then
			cp -a "$c/kut-$v" "$stage/clients/"
			install -m 0755 "$TOP/guest/kvm-unit-tests.sh" "$stage/guest/kut-$v"
		fi
	done
	install -m 0755 "$TOP/guest/clients.sh" "$stage/guest/clients"
	if [ "$CLIENTS" = default ]; then
		grep -v '^#' "$TOP/test/clients.list" >> "$stage/guest/tests"
	else
		tr -s ' ' '\n' <<<"$CLIENTS" >> "$stage/guest/tests"
	fi
}

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
	[ "$platform" != arm64 ] && [ "${TESTS:-}" != none ] && TESTS=
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
	# CLIENTS: the clients stage (real VMMs, kvm-unit-tests), on arm64.
	if [ "$platform" = arm64 ] && [ -n "$CLIENTS" ] && [ "$CLIENTS" != none ]; then
		add_clients
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
