#!/usr/bin/env bash
# Fetch Debian's busybox-static for a foreign architecture (arm64, ppc64el)
# through multiarch and unpack it to build/busybox/DEBARCH/busybox.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debarch=$1
dest=$BUILD/busybox/$debarch
[ -x "$dest/busybox" ] && exit 0

if ! dpkg --print-foreign-architectures | grep -qx "$debarch"; then
	[ "$(id -u)" -eq 0 ] || die "run as root: dpkg --add-architecture $debarch && apt-get update"
	log "enabling Debian architecture $debarch"
	dpkg --add-architecture "$debarch"
	apt-get update -qq || log "apt-get update reported errors (mirror sync?); going on"
fi
log "fetching busybox-static:$debarch"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -qq "busybox-static:$debarch" >/dev/null 2>&1); then
	# The package lists of a newly added architecture may be missing.
	apt-get update -qq || log "apt-get update reported errors (mirror sync?); going on"
	(cd "$tmp" && apt-get download -qq "busybox-static:$debarch" >/dev/null)
fi
dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/root"
mkdir -p "$dest"
cp "$tmp/root/bin/busybox" "$dest/busybox"
