#!/bin/sh
# The clients stage, inside an arm64 test VM (busybox): real, unmodified
# VMMs drive this kernel's KVM. QEMU (Debian's arm64 build, /usr/bin) and
# kvmtool (/usr/bin/lkvm) boot an L2 guest (/clients/Image, the test
# kernel, with /clients/l2.cpio: guest/l2-init.sh) or a bare program
# (/clients/mmu-toggle.bin: guest/l2-mmu-toggle.S).
# Usage: clients.sh SCENARIO; exit 0 pass, 4 skip, other fail.
# Each scenario ends with a "clients-stats:" line: the series' VM counters
# of its VMs (debugfs), which the host gathers into the README's table.
set -eu
scenario=$1
W=/tmp/clients/$scenario
rm -rf "$W"
mkdir -p "$W"
cd "$W"

QEMU=/usr/bin/qemu-system-aarch64
LKVM=/usr/bin/lkvm
KVM_DEBUGFS=/sys/kernel/debug/kvm
# The series' VM counters (arch/arm64/kvm/guest.c); absent on the base.
STATS="fault_dcache_pages fault_icache_pages reset_unmaps reset_dcache_pages
setway_flushes mmu_off_watch_traps mmu_off_pauses mmu_off_timeouts
mmu_off_already_off"

fail() { echo "FAIL: $*"; exit 1; }
# Whatever happens, nothing of a scenario outlives it (a VMM left running
# would hold the runner's output pipe, /dev/kvm and kvmtool's socket
# name), and the watch's parameters go back to their defaults.
PARAMS=/sys/module/kvm/parameters
cleanup() {
	for f in "$W"/*.pid "$W"/*.cat "$W"/*.mcat; do
		[ -r "$f" ] || continue
		# Most are gone already.
		kill -9 "$(cat "$f")" 2>/dev/null || true
	done
	if [ -w "$PARAMS/mmu_off_watch" ]; then
		echo off > "$PARAMS/mmu_off_watch"
		echo 10000 > "$PARAMS/mmu_off_pause_ms"
	fi
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM
skip() { echo "SKIP: $*"; exit 4; }
say() { echo "$(cut -d' ' -f1 /proc/uptime)s $*"; }

# wait_for FILE REGEX SECONDS [COUNT]: until FILE has COUNT (1) lines
# matching REGEX.
wait_for() {
	i=0
	while :; do
		n=$(grep -acE "$2" "$1" 2>/dev/null) || n=0
		[ "$n" -lt "${4:-1}" ] || return 0
		i=$((i + 1))
		[ $i -le $(($3 * 5)) ] || return 1
		sleep 0.2
	done
}

# A kernel with the series has the watch's parameters (and the counters).
series=no
[ -w "$PARAMS/mmu_off_watch" ] && series=yes
# FEAT_S2FWB, from the boot log (run-tests.sh keeps it: the kernel's
# buffer may have moved on by now).
fwb=no
{ cat /tmp/boot.dmesg 2>/dev/null || dmesg; } | grep -q 'Stage-2 Force Write-Back' && fwb=yes
# Protected mode (kvm-arm.mode=protected): the hypervisor does the
# maintenance of mapping and unmapping itself, and the host's counters of
# it stay 0 (Documentation/virt/kvm/arm/cache-coherency.rst).
pkvm=no
{ cat /tmp/boot.dmesg 2>/dev/null || dmesg; } | grep -qE 'Protected [nh]VHE mode initialized' && pkvm=yes
# counted: the host does, and counts, the maintenance of fault-in and reset.
counted=no
[ $fwb = no ] && [ $pkvm = no ] && counted=yes

# expect_stat PID NAME OP VALUE: on a kernel with the series, the VM's
# counter NAME must compare with VALUE (test's OP: -eq, -ge, -gt ...).
expect_stat() {
	[ $series = yes ] || return 0
	v=$(stat_of "$1" "$2")
	test "$v" "$3" "$4" || fail "$2 is $v, expected $3 $4 (FWB: $fwb, protected mode: $pkvm)"
}

# stat_of PID NAME: one counter of the VM of process PID (0 if absent).
stat_of() {
	for d in "$KVM_DEBUGFS/$1"-*; do
		[ -r "$d/$2" ] && { cat "$d/$2"; return; }
	done
	echo 0
}

# wait_stat PID NAME VALUE SECONDS: until the counter reaches VALUE.
wait_stat() {
	i=0
	while [ "$(stat_of "$1" "$2")" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -le $(($4 * 5)) ] || return 1
		sleep 0.2
	done
}

# stats LABEL PID: the series' counters of the VM of process PID, in one
# line; "n/a" on a kernel without them (the unpatched base).
stats() {
	line=""
	for s in $STATS; do
		if ls "$KVM_DEBUGFS/$2"-*/"$s" >/dev/null 2>&1; then
			line="$line $s=$(stat_of "$2" "$s")"
		fi
	done
	echo "clients-stats: $1${line:- n/a}"
}

pid_of() { cat "$1.pid"; }

# qemu_start NAME ARG...: a QEMU in the background, its serial console
# and human monitor on pipes (NAME.ser.in/.out, NAME.mon.in/.out), whose
# output goes to NAME.console and NAME.monitor; its pid in NAME.pid.
qemu_start() {
	n=$1
	shift
	mkfifo "$n.ser.in" "$n.ser.out" "$n.mon.in" "$n.mon.out"
	: > "$n.console"
	cat "$n.ser.out" > "$n.console" 2>/dev/null &
	echo $! > "$n.cat"
	cat "$n.mon.out" > "$n.monitor" 2>/dev/null &
	echo $! > "$n.mcat"
	"$QEMU" -M virt,gic-version=3 -accel kvm -cpu host -smp 1 -nodefaults \
		-display none -chardev "pipe,id=ser,path=$n.ser" -serial chardev:ser \
		-chardev "pipe,id=mon,path=$n.mon" -object monitor-hmp,id=hmp,chardev=mon \
		"$@" > "$n.qemu.log" 2>&1 &
	echo $! > "$n.pid"
	say "qemu $n: pid $!: $*"
}

# mon NAME COMMAND: a human monitor command. (The fifos are opened for
# reading and writing: a QEMU that is gone cannot block the writer.)
mon() { echo "$2" 1<>"$1.mon.in"; }

# con NAME LINE: a line on the guest's console.
con() { echo "$2" 1<>"$1.ser.in"; }

# wait_exit NAME SECONDS: until its process has exited (1 if it has not).
wait_exit() {
	i=0
	while kill -0 "$(pid_of "$1")" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

# qemu_quit NAME: quit it and wait for the process, and for all of its
# console output to be in NAME.console.
qemu_quit() {
	mon "$1" quit
	wait_exit "$1" 20 || kill -9 "$(pid_of "$1")"
	wait "$(pid_of "$1")" 2>/dev/null || true
	wait "$(cat "$1.cat")" 2>/dev/null || true
}

# lkvm_start NAME [CMDLINE]: kvmtool booting the L2 guest in the
# background (lkvm run --name NAME), CMDLINE added to the kernel's; its
# console (the 8250) written to NAME.console; its pid in NAME.pid.
lkvm_start() {
	n=$1
	"$LKVM" run --name "$n" -k /clients/Image -i /clients/l2.cpio -c 1 -m 256 \
		--network mode=none -p "earlycon panic=-1 loglevel=4${2:+ $2}" \
		</dev/null >"$n.console" 2>&1 &
	echo $! > "$n.pid"
	say "lkvm $n: pid $!"
}

# show NAME: its logs, behind the runner's "# ".
show() {
	for f in "$1".console "$1".monitor "$1".qemu.log; do
		[ -s "$f" ] || continue
		echo "--- $f (last lines)"
		tail -n 15 "$f"
	done
}

# migrate SRC: migrate to the file $W/SRC.mig (QEMU's exec: transport,
# while the guest runs), until "completed"; fails on anything else.
migrate() {
	mon "$1" "migrate -d exec:cat>$W/$1.mig"
	i=0
	while :; do
		mon "$1" "info migrate"
		sleep 1
		# "Status: X" (QEMU 11's "info migrate").
		grep -aqE 'Status:[[:space:]]+completed' "$1.monitor" && return 0
		grep -aqE 'Status:[[:space:]]+(failed|cancelled)' "$1.monitor" && return 1
		i=$((i + 1))
		[ $i -le 120 ] || return 1
	done
}

# first_tick/last_tick NAME WORDS: the first/last count the guest printed
# after WORDS, as a decimal number.
# Whole counts only: "l2 tick N." (decimal, with its dot), "mmu-toggle
# tick" and 16 hex digits; a line still being copied does not match.
ticks() {
	case $2 in
	mmu-toggle*) grep -aoE "$2 [0-9a-f]{16}" "$1.console" ;;
	*) grep -aoE "$2 [0-9]+\." "$1.console" | tr -d . ;;
	esac | sed 's/.* //'
}
num() { case $1 in mmu-toggle*) echo $((0x$2)) ;; *) echo "$2" ;; esac; }
first_tick() { t=$(ticks "$1" "$2" | head -n 1); [ -z "$t" ] || num "$2" "$t"; }
last_tick() { t=$(ticks "$1" "$2" | tail -n 1); [ -z "$t" ] || num "$2" "$t"; }

# resumes WORDS LAST STEP: the destination (dst) goes on counting from
# the source's LAST: its first count follows LAST directly (no restart,
# nothing lost), and it reaches its first + STEP (it runs).
resumes() {
	i=0
	while :; do
		first=$(first_tick dst "$1")
		now=$(last_tick dst "$1")
		if [ -n "$first" ]; then
			if [ "$first" -le "$2" ] || [ "$first" -gt $(($2 + $3)) ]; then
				fail "the destination starts at $1 $first, the source stopped at $2"
			fi
			[ "$now" -lt $((first + $3)) ] || break
		fi
		i=$((i + 1))
		[ $((i % 25)) -ne 0 ] || say "waiting: $1 first ${first:-none}, last ${now:-none}"
		[ $i -le 300 ] || { show dst; fail "the destination does not go on from $1 $2"; }
		sleep 0.2
	done
	say "the destination goes on: $1 $first ... $now"
}

# lkvm keeps its control sockets in $HOME/.lkvm.
export HOME=/tmp/lkvm-home
mkdir -p "$HOME"

L2="-m 256M -kernel /clients/Image -initrd /clients/l2.cpio"
L2_APPEND="console=ttyAMA0 panic=-1 loglevel=4"

case $scenario in
qemu-boot)
	# shellcheck disable=SC2086 # options
	qemu_start src $L2 -append "$L2_APPEND"
	wait_for src.console '^l2 tick 3\.' 180 || { show src; fail "the L2 guest did not boot"; }
	say "L2 up and ticking"
	stats "$scenario" "$(pid_of src)"
	# What QEMU's boot made KVM do: without FWB each page faulted in is
	# cleaned to PoC; with FWB none is; in protected mode the hypervisor
	# cleans them, uncounted.
	if [ $counted = yes ]; then
		expect_stat "$(pid_of src)" fault_dcache_pages -gt 0
	else
		expect_stat "$(pid_of src)" fault_dcache_pages -eq 0
	fi
	qemu_quit src ;;
qemu-reboot)
	# shellcheck disable=SC2086
	qemu_start src $L2 -append "$L2_APPEND"
	wait_for src.console '^l2 tick 2\.' 180 || { show src; fail "the L2 guest did not boot"; }
	say "L2 up; guest 'reboot -f'"
	con src reboot
	wait_for src.console '^L2-UP' 180 2 || { show src; fail "the L2 guest did not come back after reboot"; }
	wait_for src.console '^l2 tick 2\.' 60 2 || { show src; fail "the rebooted L2 guest does not run"; }
	say "L2 rebooted: the reloaded image runs"
	stats "$scenario" "$(pid_of src)"
	# QEMU's reset (KVM_ARM_VCPU_INIT again) made the guest's stage-2
	# go, and without FWB its pages cleaned (by the hypervisor, uncounted,
	# in protected mode).
	if [ $counted = yes ]; then
		expect_stat "$(pid_of src)" reset_unmaps -ge 1
		expect_stat "$(pid_of src)" reset_dcache_pages -gt 0
	elif [ $fwb = no ]; then
		expect_stat "$(pid_of src)" reset_unmaps -ge 1
		expect_stat "$(pid_of src)" reset_dcache_pages -eq 0
	else
		expect_stat "$(pid_of src)" reset_dcache_pages -eq 0
	fi
	qemu_quit src ;;
qemu-migrate)
	# With the watch on (for the VMs made from now on; cleanup() turns
	# it off): a guest that never turns its MMU off is never held.
	[ $series = no ] || echo pause > "$PARAMS/mmu_off_watch"
	# shellcheck disable=SC2086
	qemu_start src $L2 -append "$L2_APPEND"
	wait_for src.console '^l2 tick 3\.' 180 || { show src; fail "the L2 guest did not boot"; }
	migrate src || { show src; fail "migration did not complete"; }
	stats "$scenario-source" "$(pid_of src)"
	expect_stat "$(pid_of src)" mmu_off_pauses -eq 0
	qemu_quit src
	last=$(last_tick src 'l2 tick')
	say "migrated at tick $last ($(wc -c < src.mig) bytes)"
	# shellcheck disable=SC2086
	qemu_start dst $L2 -append "$L2_APPEND" -incoming "exec:cat $W/src.mig"
	resumes 'l2 tick' "$last" 2
	stats "$scenario-destination" "$(pid_of dst)"
	expect_stat "$(pid_of dst)" mmu_off_pauses -eq 0
	qemu_quit dst ;;
qemu-watch-migrate|qemu-watch-cancel)
	# The guest turns its MMU off round after round, and checks that
	# each write took (it prints "mmu-toggle BAD" otherwise), with
	# kvm.mmu_off_watch=pause and a generous pause bound (a slow host
	# must not make a timeout of a correct pause).
	# - migrate: a live migration. Without FWB, the watch must hold the
	#   vCPU (pauses >= 1, no timeout) until QEMU stops it to complete;
	#   the migration completes, and the held write is made at the
	#   destination, which goes on from where the source stopped.
	# - cancel: the migration is cancelled while the vCPU is held: QEMU
	#   stops dirty logging, which must release the vCPU (no timeout), and
	#   the guest goes on at the source.
	# With FWB there is nothing to watch: no trap.
	[ $series = yes ] || skip "no kvm.mmu_off_watch (a kernel without the series)"
	if [ "$scenario" = qemu-watch-cancel ] && [ $fwb = yes ]; then
		skip "FWB: the watch holds nothing, so there is no held vCPU to release"
	fi
	echo pause > "$PARAMS/mmu_off_watch"
	echo 60000 > "$PARAMS/mmu_off_pause_ms"
	qemu_start src -m 64M -kernel /clients/mmu-toggle.bin
	wait_for src.console '^mmu-toggle tick' 60 3 || { show src; fail "the MMU-toggling guest did not start"; }
	src=$(pid_of src)
	if [ "$scenario" = qemu-watch-migrate ]; then
		migrate src || { show src; stats "$scenario-source" "$src"; fail "migration did not complete"; }
	else
		# A few bytes a page of zeroes: 8 KiB/s makes the 64 MiB
		# guest's first pass last well beyond the cancel.
		mon src "migrate_set_parameter max-bandwidth 8k"
		mon src "migrate -d exec:cat>/dev/null"
		wait_stat "$src" mmu_off_pauses 1 30 || { show src; fail "the watch held no MMU-off write while QEMU logged"; }
		before=$(last_tick src 'mmu-toggle tick')
		mon src migrate_cancel
		i=0
		while :; do
			mon src "info migrate"
			sleep 0.5
			grep -aqE 'Status:[[:space:]]+cancelled' src.monitor && break
			! grep -aqE 'Status:[[:space:]]+completed' src.monitor ||
				fail "the migration completed before it was cancelled"
			i=$((i + 1))
			[ $i -le 60 ] || { show src; fail "the migration was not cancelled"; }
		done
		i=0
		while [ "$(last_tick src 'mmu-toggle tick')" -lt $((before + 2 * 0x4000)) ]; do
			i=$((i + 1))
			[ $i -le 150 ] || { show src; fail "the guest does not go on after the cancelled migration"; }
			sleep 0.2
		done
		say "cancelled: the guest went on from tick $before to $(last_tick src 'mmu-toggle tick')"
	fi
	traps=$(stat_of "$src" mmu_off_watch_traps)
	pauses=$(stat_of "$src" mmu_off_pauses)
	timeouts=$(stat_of "$src" mmu_off_timeouts)
	stats "$scenario-source" "$src"
	say "FWB: $fwb; watch traps $traps, pauses $pauses, timeouts $timeouts"
	if [ $fwb = no ]; then
		[ "$pauses" -ge 1 ] || fail "no FWB, but the watch held no MMU-off write while QEMU logged"
		[ "$timeouts" -eq 0 ] || fail "a pause ran into kvm.mmu_off_pause_ms"
	else
		[ "$traps" -eq 0 ] || fail "FWB, but the watch trapped $traps writes"
	fi
	qemu_quit src
	! grep -aq 'mmu-toggle BAD' src.console || { show src; fail "an SCTLR_EL1 write did not take"; }
	if [ "$scenario" = qemu-watch-migrate ]; then
		last=$(last_tick src 'mmu-toggle tick')
		say "migrated at tick $last"
		qemu_start dst -m 64M -kernel /clients/mmu-toggle.bin -incoming "exec:cat $W/src.mig"
		# A tick every 0x4000 rounds (guest/l2-mmu-toggle.S).
		resumes 'mmu-toggle tick' "$last" $((2 * 0x4000))
		stats "$scenario-destination" "$(pid_of dst)"
		qemu_quit dst
		! grep -aq 'mmu-toggle BAD' dst.console || { show dst; fail "an SCTLR_EL1 write did not take at the destination"; }
	fi ;;
kvmtool-boot)
	# Boot, then the control socket: 'lkvm list' sees the guest, 'lkvm
	# stop' stops it.
	lkvm_start l2
	wait_for l2.console '^l2 tick 3\.' 180 || { show l2; fail "the L2 guest did not boot under kvmtool"; }
	say "L2 up and ticking under kvmtool"
	stats "$scenario" "$(pid_of l2)"
	"$LKVM" list > list.out 2>&1 || true
	cat list.out
	grep -q ' l2 ' list.out || fail "'lkvm list' does not show the guest"
	"$LKVM" stop --name l2 || fail "'lkvm stop' failed"
	wait_exit l2 30 || { show l2; fail "lkvm did not stop"; }
	say "stopped through the control socket" ;;
kvmtool-reboot)
	# kvmtool does not reset a guest: a guest reboot ends 'lkvm run'
	# (exit 0), and running it again boots the guest again.
	lkvm_start l2 l2.reboot
	wait_for l2.console '^l2 tick 1\.' 180 || { show l2; fail "the L2 guest did not boot under kvmtool"; }
	stats "$scenario-first" "$(pid_of l2)"
	wait_exit l2 60 || { show l2; fail "lkvm did not end at the guest's reboot"; }
	grep -aq '^L2-REBOOT' l2.console || { show l2; fail "lkvm ended before the guest's reboot"; }
	rc=0
	wait "$(pid_of l2)" || rc=$?
	[ $rc -eq 0 ] || { show l2; fail "lkvm exited $rc at the guest's reboot"; }
	say "the guest's reboot ended lkvm (exit 0); running it again"
	mv l2.console l2.console.1
	lkvm_start l2
	wait_for l2.console '^l2 tick 2\.' 180 || { show l2; fail "the L2 guest did not boot again"; }
	stats "$scenario-second" "$(pid_of l2)"
	"$LKVM" stop --name l2 || fail "'lkvm stop' failed"
	wait_exit l2 30 || { show l2; fail "lkvm did not stop"; } ;;
*)
	fail "unknown scenario $scenario" ;;
esac
echo "PASS: $scenario"
