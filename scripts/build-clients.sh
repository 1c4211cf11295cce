#!/usr/bin/env bash
# Build what the clients stage (guest/clients.sh, guest/kvm-unit-tests.sh)
# runs inside the arm64 test VMs, into build/clients/ (shared by the
# series; each part is made once and reused):
#   qemu-arm64/      Debian's arm64 QEMU and its libraries (fetch-arm64-qemu.sh)
#   lkvm             kvmtool, static, from ../shared/vendor/
#   kut-qemu/, kut-kvmtool/  kvm-unit-tests' arm64 tests for each VMM
#   mmu-toggle.bin   the bare L2 guest of guest/l2-mmu-toggle.S
#   l2.cpio          the L2 guest's initramfs: busybox and guest/l2-init.sh
# The L2 guest's kernel is the series' own arm64 Image (build-initramfs.sh).
# Usage: build-clients.sh   (as root, for the first fetch)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=$TOP/build/clients
# The upstream source tarballs (kvmtool, kvm-unit-tests) sit beside the
# checkout (../shared/vendor, see its README); VENDOR names another place.
vendor=${VENDOR:-$TOP/../shared/vendor}
for t in kvmtool kvm-unit-tests; do
	ls "$vendor/$t"-*.tar.gz >/dev/null 2>&1 ||
		die "no $t source tarball in $vendor (set VENDOR to the folder that has it)"
done
cross=aarch64-linux-gnu-
mkdir -p "$dest"
start=$(date +%s)

"$TOP/scripts/fetch-arm64-qemu.sh"
"$TOP/scripts/fetch-busybox.sh" arm64

log "clients: the L2 guests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${cross}gcc -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0 \
	-o "$tmp/mmu-toggle.elf" "$TOP/guest/l2-mmu-toggle.S"
${cross}objcopy -O binary "$tmp/mmu-toggle.elf" "$dest/mmu-toggle.bin"
# gen_init_cpio's list format: the L2 guest's whole file system.
cat > "$tmp/l2.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /bin 0755 0 0
dir /proc 0755 0 0
file /bin/busybox $BUILD/busybox/arm64/busybox 0755 0 0
slink /bin/sh busybox 0777 0 0
file /init $TOP/guest/l2-init.sh 0755 0 0
EOF
gcc -O2 -o "$tmp/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"
"$tmp/gen_init_cpio" "$tmp/l2.list" > "$dest/l2.cpio"

# kvmtool, static, against Debian's arm64 libfdt (one flat folder of
# headers and libfdt.a, as its LIBFDT_DIR wants). Its optional probes
# (bfd, zlib, aio) are turned off: nothing of them is needed.
if [ ! -x "$dest/lkvm" ]; then
	log "clients: kvmtool (static arm64 lkvm)"
	tarball=$(ls "$vendor"/kvmtool-*.tar.gz)
	mkdir -p "$tmp/kvmtool" "$tmp/fdt" "$tmp/libfdt"
	tar -xzf "$tarball" -C "$tmp/kvmtool" --strip-components=1
	(cd "$tmp/fdt" && apt-get download -qq libfdt-dev:arm64 >/dev/null)
	dpkg-deb -x "$tmp"/fdt/libfdt-dev_*.deb "$tmp/fdt/root"
	cp "$tmp"/fdt/root/usr/include/{fdt.h,libfdt.h,libfdt_env.h} \
		"$tmp/fdt/root/usr/lib/aarch64-linux-gnu/libfdt.a" "$tmp/libfdt/"
	make -s -C "$tmp/kvmtool" -j"$(nproc)" ARCH=arm64 CROSS_COMPILE="$cross" \
		LIBFDT_DIR="$tmp/libfdt" SOURCE_BFD= SOURCE_ZLIB= SOURCE_AIO= \
		lkvm-static >/dev/null
	${cross}strip -o "$dest/lkvm" "$tmp/kvmtool/lkvm-static"
	basename "$tarball" .tar.gz > "$dest/lkvm.version"
fi

# kvm-unit-tests' arm64 tests, built for each VMM (only the early UART
# differs), with arm/unittests.cfg as a table guest/kvm-unit-tests.sh
# reads: name, file, smp, extra_params, qemu_params, kvmtool_params,
# groups, disabled_if, timeout (tab-separated, "-" when empty).
for vmm in qemu kvmtool; do
	[ -r "$dest/kut-$vmm/tests.tsv" ] && continue
	log "clients: kvm-unit-tests for $vmm"
	tarball=$(ls "$vendor"/kvm-unit-tests-*.tar.gz)
	src=$tmp/kut-$vmm
	mkdir -p "$src"
	tar -xzf "$tarball" -C "$src" --strip-components=1
	(cd "$src" && ./configure --arch=arm64 --cross-prefix="$cross" --target="$vmm" >/dev/null &&
		make -s -j"$(nproc)" >/dev/null)
	rm -rf "$dest/kut-$vmm.new"
	mkdir -p "$dest/kut-$vmm.new"
	cp "$src"/arm/*.flat "$dest/kut-$vmm.new/"
	awk -F ' *= *' '
		function emit() {
			if (name == "") return
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name,
				v["file"], v["smp"], v["test_args"] v["extra_params"],
				v["qemu_params"], v["kvmtool_params"], v["groups"],
				v["disabled_if"], v["timeout"]
		}
		/^\[.*\]$/ { emit(); name = substr($0, 2, length($0) - 2); delete v; next }
		/^[a-z_]+ *=/ { k = $1; sub(/^[a-z_]+ *= */, ""); v[k] = $0 }
		END { emit() }' "$src/arm/unittests.cfg" |
		sed -E 's/\t(\t|$)/\t-\1/g; s/\t(\t|$)/\t-\1/g' > "$dest/kut-$vmm.new/tests.tsv"
	# sieve.flat is built but has no entry there: one vCPU, a static
	# buffer, then three 100 MB buffers through its own page tables
	# (hence 256 MiB).
	printf 'sieve\tsieve.flat\t-\t-\t-m 256\t--mem 256\tsieve\t-\t-\n' >> "$dest/kut-$vmm.new/tests.tsv"
	# The environment file kvm-unit-tests' harness passes as the initrd:
	# its errata switches, all on (every kernel here is newer than each
	# erratum's fix); TARGET is added by the runner.
	sed -nE 's/^([0-9a-f]{12}) *:.*/ERRATA_\1=y/p' "$src/errata.txt" > "$dest/kut-$vmm.new/errata.env"
	basename "$tarball" .tar.gz > "$dest/kut-$vmm.new/VERSION"
	mv "$dest/kut-$vmm.new" "$dest/kut-$vmm"
done
log "clients: built in $(elapsed "$start")"
