#!/bin/sh
# kvm-unit-tests' arm64 tests inside an arm64 test VM (busybox, no bash
# for their own harness), under a real VMM: installed as /guest/kut-qemu
# (QEMU, /usr/bin/qemu-system-aarch64) and /guest/kut-kvmtool (kvmtool,
# /usr/bin/lkvm). The test's parameters come from arm/unittests.cfg, as a
# table (/clients/kut-VMM/tests.tsv, build-clients.sh). The verdict is the
# test's own "EXIT: STATUS=N" line, as kvm-unit-tests' harness reads it:
# 1 pass, 77 skip, anything else (or none) a failure.
# Usage: kut-qemu TEST | kut-kvmtool TEST; exit 0 pass, 4 skip, other fail.
set -eu
name=$1
vmm=${0##*/kut-}
dir=/clients/kut-$vmm
# shellcheck disable=SC2034 # used by the cfg's smp expressions (eval)
MAX_SMP=$(grep -c ^processor /proc/cpuinfo)
# Nested emulation is slow: each test gets three times its timeout.
SLOWDOWN=3

line=$(awk -F '\t' -v n="$name" '$1 == n' "$dir/tests.tsv")
[ -n "$line" ] || { echo "no test $name in unittests.cfg"; exit 1; }
# Fields, "-" when empty (build-clients.sh).
field() { v=$(printf '%s\n' "$line" | cut -f "$1"); [ "$v" = - ] && v=; printf '%s' "$v"; }
file=$(field 2) smp=$(field 3) args=$(field 4) qemu_params=$(field 5)
kvmtool_params=$(field 6) groups=$(field 7) disabled_if=$(field 8) timeout=$(field 9)

case " $groups " in
*" migration "*)
	echo "SKIP: a migration test: it waits for its harness to migrate it"
	exit 4 ;;
esac
if [ -n "$disabled_if" ] && [ "$vmm" != qemu ]; then
	echo "SKIP: disabled for $vmm in unittests.cfg ($disabled_if)"
	exit 4
fi
# smp and test_args are shell words in unittests.cfg ($MAX_SMP,
# arithmetic, quotes).
smp=$(eval echo "${smp:-1}")
args=$(eval echo "$args")
timeout=${timeout:-90}
timeout=$((${timeout%s} * SLOWDOWN))

{ echo "TARGET=$vmm"; cat "$dir/errata.env"; } > /tmp/kut.env
log=/tmp/kut-$vmm-$name.log
rc=0
case $vmm in
qemu)
	# arm/run's command line with KVM.
	# shellcheck disable=SC2086 # qemu_params: options
	timeout "$timeout" /usr/bin/qemu-system-aarch64 -nodefaults \
		-machine virt,gic-version=host -accel kvm -cpu host \
		-device virtio-serial-device -device virtconsole,chardev=ctd \
		-chardev testdev,id=ctd -device pci-testdev -display none \
		-serial stdio -kernel "$dir/$file" -smp "$smp" \
		${args:+-append "$args"} $qemu_params -initrd /tmp/kut.env \
		</dev/null >"$log" 2>&1 || rc=$? ;;
kvmtool)
	# kvm-unit-tests' scripts/vmm.bash defaults for kvmtool; lkvm keeps
	# its control socket under $HOME/.lkvm.
	export HOME=/tmp/lkvm-home
	mkdir -p "$HOME"
	# shellcheck disable=SC2086 # kvmtool_params: options
	timeout "$timeout" /usr/bin/lkvm run --kernel "$dir/$file" --cpus "$smp" \
		${args:+--params "$args"} --nodefaults --network mode=none \
		--loglevel=warning $kvmtool_params --initrd /tmp/kut.env \
		</dev/null >"$log" 2>&1 || rc=$? ;;
esac
status=$(sed -n 's/^EXIT: STATUS=\([0-9]*\).*/\1/p' "$log" | head -n 1)
summary=$(grep -a '^SUMMARY:' "$log" | tail -n 1 || true)
echo "$vmm $name: smp $smp, exit $rc, ${summary:-no SUMMARY line}"
# The VMM must have ended as the test said, as kvm-unit-tests' harness
# checks: QEMU with the status itself (chr-testdev), kvmtool with 0 (it
# exits 0 at the test's PSCI SYSTEM_OFF); a VMM that hung (timeout) or
# crashed after the test's verdict is a failure.
ok_exit=0
[ "$vmm" = qemu ] && ok_exit=$status
if [ -n "$status" ] && [ "$rc" = "$ok_exit" ]; then
	case $status in
	1) echo "PASS"; exit 0 ;;
	77) echo "SKIP: the test skipped itself"; grep -a 'SKIP' "$log" | head -n 5; exit 4 ;;
	esac
fi
# No verdict: the VMM refused, before the test ran, a configuration the
# test asks for and the nested host does not offer (a GICv2, a PMU, MTE).
# Any other refusal is a failure.
case "$qemu_params $kvmtool_params" in
*gic-version=2*|*gicv2*) refusal='KVM does not support GICv2|Failed to create virtual GIC' ;;
*--pmu*) refusal='PMUv3 is not supported' ;;
*mte=on*) refusal='MTE requested, but not supported by KVM' ;;
*) refusal= ;;
esac
if [ -z "$status" ] && [ -n "$refusal" ] && grep -aqE "$refusal" "$log"; then
	echo "SKIP: $vmm refused the configuration:"
	tail -n 3 "$log"
	exit 4
fi
echo "FAIL: ${status:+STATUS=$status}${status:-no EXIT line (exit $rc)}"
tail -n 25 "$log"
exit 1
