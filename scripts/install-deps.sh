#!/usr/bin/env bash
# Install the Debian packages the workbench needs (or the ones named as
# arguments). As root it runs apt-get; otherwise it prints the command.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	make gcc libc6-dev bc bison flex libssl-dev libelf-dev cpio xz-utils
	kmod rsync python3 python3-ply python3-git perl ccache sparse shellcheck git
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
	gcc-powerpc-linux-gnu libc6-dev-powerpc-cross
	gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross
	qemu-system-arm qemu-system-ppc
)
# The base of a series from a newer suite (BASE_SUITE, 7.3) is installed in
# the trixie root by fetch-base.sh, not on the host.
[ -z "$BASE_SUITE" ] && PACKAGES+=("$BASE_PACKAGE")
[ $# -gt 0 ] && PACKAGES=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Missing packages; run as root:" >&2
	echo "  apt-get install -y ${missing[*]}" >&2
	exit 1
fi
log "apt-get install ${missing[*]}"
apt-get update -qq || log "apt-get update reported errors (mirror sync?); going on"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null
