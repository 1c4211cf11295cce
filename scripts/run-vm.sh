#!/usr/bin/env bash
# Boot one runtime platform of the matrix under QEMU with its kernel and
# initramfs, stream the per-test KTAP results as they come, and keep the
# console log in build/results/PLATFORM/console.log.
# Usage: run-vm.sh PLATFORM   (arm64-max, arm64-a57, arm64-a57-pkvm,
#                              arm64-max-nv, ppc64le, ppc64, e500)
# BOOT_TIMEOUT (seconds, default 2400) bounds the whole boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plat=$1
name=$(build_platform_of "$plat")$SUFFIX
out=$BUILD/out/$name
cpio=$BUILD/initramfs/$name.cpio
res=$BUILD/results/$plat$SUFFIX
timeout=${BOOT_TIMEOUT:-2400}
# kvmc.platform tells guest/run-tests.sh which CPU model it runs on.
append="panic=-1 loglevel=5 kvmc.platform=$plat"
# The debug kernel stops at the first warning; kvmc.variant lets
# test/args.env shorten the slowest tests on it.
[ -n "$VARIANT" ] && append="$append panic_on_warn=1 kvmc.variant=$VARIANT"
# make check-all: test/args.env omits nothing it omits for CI's time.
[ "$CHECK_ALL" = 1 ] && append="$append kvmc.scope=all"

case $plat in
arm64-max|arm64-a57|arm64-a57-pkvm|arm64-max-nv)
	cpu=max,pauth-impdef=on
	case $plat in arm64-a57*) cpu=cortex-a57 ;; esac
	# The same kernel in KVM's other modes: protected (pKVM, nVHE: the
	# hypervisor owns stage-2) on cortex-a57, nested (FEAT_NV2, which
	# only max has) on max.
	case $plat in
	*-pkvm) append="kvm-arm.mode=protected $append" ;;
	*-nv) append="kvm-arm.mode=nested $append" ;;
	esac
	machine=virt,virtualization=on,gic-version=3
	qemu=(qemu-system-aarch64 -M "$machine" -cpu "$cpu" -smp 2 -m 3G -kernel "$out/arch/arm64/boot/Image")
	append="console=ttyAMA0 $append" ;;
ppc64le)
	qemu=(qemu-system-ppc64 -M pseries -cpu POWER8 -smp 1 -m 2G
	      -kernel "$out/vmlinux")
	append="console=hvc0 $append" ;;
ppc64)
	# The 970 has none of the features later pseries machines default
	# to: turn them off rather than have QEMU warn about each.
	machine=pseries,cap-vsx=off,cap-dfp=off,cap-htm=off,cap-cfpc=broken
	machine=$machine,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
	qemu=(qemu-system-ppc64 -M "$machine" -cpu 970 -smp 2 -m 2G
	      -kernel "$out/vmlinux")
	append="console=hvc0 $append" ;;
e500)
	qemu=(qemu-system-ppc -M ppce500 -cpu e500v2 -smp 1 -m 1G
	      -kernel "$out/vmlinux")
	append="console=ttyS0 $append" ;;
*) die "unknown runtime platform '$plat'" ;;
esac
[ -r "$cpio" ] || die "$plat: no initramfs $cpio"

# QEMU=trixie: the QEMU of the workbench's trixie root (make-trixie-root.sh,
# QEMU 11.1), run in a private mount namespace that sees the build folder at
# the same path; default: the host's (bookworm: QEMU 7.2).
if [ "${QEMU:-host}" = trixie ]; then
	troot=$("$TOP/scripts/make-trixie-root.sh")
	mkdir -p "$troot$BUILD"
	qemu=(unshare -m "$TOP/scripts/chroot-run.sh" "$troot" "$BUILD" "${qemu[@]}")
fi

rm -rf "$res"
mkdir -p "$res"
log "$plat: booting ($(printf '%s ' "${qemu[@]}" | grep -oE 'qemu-system-[a-z0-9]+ .{0,40}')...) with QEMU ${QEMU:-host}, at most ${timeout}s"
start=$(date +%s)
rc=0
timeout --foreground "$timeout" "${qemu[@]}" -nographic -vga none -nic none -no-reboot \
	-initrd "$cpio" -append "$append" </dev/null 2>&1 |
	tee "$res/console.log" |
	{ grep --line-buffered -aE '^(not )?ok [0-9]+ selftests:|^# kvmc-demo|KVM-COHERENCE-DONE|Kernel panic' || true; } |
	while IFS= read -r line; do
		printf '  %s %5ds  %s\n' "$plat" $(($(date +%s) - start)) "$line"
	done || rc=$?
echo "$(($(date +%s) - start))" > "$res/seconds"
if [ "$rc" -ne 0 ] || ! grep -q KVM-COHERENCE-DONE "$res/console.log"; then
	log "$plat: the VM did not finish its run (exit $rc); console: $res/console.log"
	tail -n 20 "$res/console.log" >&2
	exit 1
fi
log "$plat: finished in $(elapsed "$start")"
