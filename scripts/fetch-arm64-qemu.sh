#!/usr/bin/env bash
# Fetch Debian's own arm64 QEMU (qemu-system-arm:arm64 from trixie-backports,
# the QEMU the matrix runs on the host) for the clients stage, which runs it
# inside the arm64 test VMs. The trixie root's apt resolves the package for
# arm64 against an empty package database of its own (so nothing of the
# root changes), and only qemu-system-aarch64, its dynamic loader and the
# shared libraries it needs (its ELF NEEDED entries, followed) are kept, as
# a root file system tree in build/clients/qemu-arm64/.
# Usage: fetch-arm64-qemu.sh   (as root)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=$TOP/build/clients/qemu-arm64
[ -x "$dest/usr/bin/qemu-system-aarch64" ] && exit 0
troot=$("$TOP/scripts/make-trixie-root.sh")

# apt state for arm64 only, inside the root: its own lists, cache and an
# empty status file.
state=/var/lib/apt-arm64
apt=(apt-get -qq -o APT::Architecture=arm64 -o "APT::Architectures::=arm64"
     -o "Dir::State=$state" -o "Dir::State::status=$state/status"
     -o "Dir::Cache=/var/cache/apt-arm64")
mkdir -p "$troot$state/lists/partial" "$troot/var/cache/apt-arm64/archives/partial"
: > "$troot$state/status"
log "fetching qemu-system-arm:arm64 and its dependencies from trixie-backports"
start=$(date +%s)
chroot "$troot" "${apt[@]}" update
chroot "$troot" "${apt[@]}" install -y --download-only --no-install-recommends \
	-t trixie-backports qemu-system-arm >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for deb in "$troot"/var/cache/apt-arm64/archives/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root"
done
version=$(dpkg-deb -f "$troot"/var/cache/apt-arm64/archives/qemu-system-arm_*.deb Version)
rm -rf "$troot/var/cache/apt-arm64/archives"/*.deb

# The libraries qemu-system-aarch64 needs, recursively, from the unpacked
# packages (merged /usr: libraries under usr/lib/aarch64-linux-gnu).
libdir=usr/lib/aarch64-linux-gnu
# Made under a temporary name: a tree is complete once it has its name.
final=$dest
dest=$final.new
rm -rf "$dest" "$final"
mkdir -p "$dest/usr/bin" "$dest/$libdir" "$dest/lib"
cp "$tmp/root/usr/bin/qemu-system-aarch64" "$dest/usr/bin/"
todo=("$dest/usr/bin/qemu-system-aarch64")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$dest/$libdir/$lib" ] && continue
		src=$tmp/root/$libdir/$lib
		[ -e "$src" ] || die "qemu-system-aarch64 needs $lib, which no fetched package has"
		cp -L "$src" "$dest/$libdir/$lib"
		todo+=("$dest/$libdir/$lib")
	done
done
interp=$(readelf -l "$dest/usr/bin/qemu-system-aarch64" |
	sed -n 's/.*interpreter: \(.*\)\]/\1/p')
cp -L "$tmp/root/usr$interp" "$dest$interp"
echo "$version" > "$dest/VERSION"
mv "$dest" "$final"
dest=$final
log "arm64 QEMU $version in $dest: $(du -sh "$dest" | cut -f1), $(find "$dest/$libdir" -type f | wc -l) libraries, in $(elapsed "$start")"
