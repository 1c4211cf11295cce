#!/usr/bin/env bash
# Make the workbench's Debian trixie root under build/trixie (or reuse it):
# QEMU 11.1 from trixie-backports, for the tools bookworm has only in older
# versions. debootstrap fetches from the mirror the host's apt already
# uses; nothing else is contacted. Run VMs with
# 'chroot build/trixie qemu-system-aarch64 ...' (see run-vm.sh).
# Usage: make-trixie-root.sh   (as root; prints the root's path)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$TROOT
# The packages the root must hold, from trixie-backports where it has them.
BACKPORTS=(qemu-system-arm qemu-system-ppc)

if [ -f "$root/.complete" ] && cmp -s "$root/.complete" <(printf '%s\n' "${BACKPORTS[@]}"); then
	echo "$root"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "making the trixie root needs root (debootstrap, chroot)"
"$TOP/scripts/install-deps.sh" debootstrap

mirror=$(host_apt_mirror)
[ -n "$mirror" ] || die "no Debian mirror found in the host's apt configuration"
start=$(date +%s)
rm -rf "$root"
log "debootstrap trixie into $root from $mirror (a few minutes)"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.log" 2>&1 ||
	{ tail -n 20 "$root.log" >&2; die "debootstrap failed"; }
printf 'deb %s trixie main\ndeb %s trixie-backports main\n' "$mirror" "$mirror" \
	> "$root/etc/apt/sources.list"
log "installing ${BACKPORTS[*]} from trixie-backports"
chroot "$root" apt-get update -qq
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq -o Dpkg::Use-Pty=0 \
	--no-install-recommends -t trixie-backports "${BACKPORTS[@]}" >/dev/null
chroot "$root" apt-get clean
printf '%s\n' "${BACKPORTS[@]}" > "$root/.complete"
log "trixie root ready in $(elapsed "$start"): $(chroot "$root" qemu-system-aarch64 --version | head -n 1)"
echo "$root"
