#!/bin/sh
# /init of the L2 guest that the real VMMs of the clients stage boot
# (guest/clients.sh): the test kernel's Image with this and busybox. It
# says it is up, prints a tick a second (a counter in guest memory, so a
# migrated guest goes on from where it was), and obeys commands read from
# its console: "reboot" (reboot -f, a PSCI SYSTEM_RESET), "poweroff"
# (QEMU; kvmtool's 8250 takes no input from a pipe).
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
echo "L2-UP $(/bin/busybox cat /proc/cmdline)"
n=0
while :; do
	n=$((n + 1))
	echo "l2 tick $n."
	/bin/busybox sleep 1
done &
# "l2.reboot" on the command line: reboot once up (kvmtool, which ends
# at a guest reset rather than starting it again).
case " $(/bin/busybox cat /proc/cmdline) " in
*" l2.reboot "*)
	/bin/busybox sleep 2
	echo "L2-REBOOT"
	/bin/busybox reboot -f ;;
esac
while read -r cmd; do
	case $cmd in
	reboot) echo "L2-REBOOT"; /bin/busybox reboot -f ;;
	poweroff) echo "L2-POWEROFF"; /bin/busybox poweroff -f ;;
	esac
done
# No console input: keep running.
wait
