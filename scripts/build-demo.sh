#!/usr/bin/env bash
# Build the demo VMM (demo/kvmc-demo.c) and its guest images (demo/guest.c,
# versions 1 and 2) for arm64, statically, against the uapi headers of the
# patched kernel, into the arm64 test VM's programs (after build-tests.sh).
# Usage: build-demo.sh [NAME]   (default arm64, or arm64-debug)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-arm64$SUFFIX}
platform_vars arm64
out=$BUILD/out/$name
obj=$BUILD/demo/$name
dest=$BUILD/tests/$name/bin
cc="ccache ${CROSS_COMPILE}gcc"
src=$TOP/demo
[ -d "$out/usr/include/linux" ] || die "$name: no uapi headers in $out: build the kernel first"
[ -d "$dest" ] || die "$name: no $dest: run build-tests.sh first"

rm -rf "$obj"
mkdir -p "$obj"
for v in 1 2; do
	log "$name: building demo guest image v$v"
	# No FP/SIMD (the guest leaves CPACR_EL1 at reset) and no unaligned
	# access (with its MMU off, memory is Device).
	$cc -DVERSION="$v" -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin \
		-fno-tree-loop-distribute-patterns -mgeneral-regs-only -mstrict-align \
		-fno-pic -fno-pie -no-pie -fno-stack-protector -nostdlib -static \
		-Wl,--build-id=none -T "$src/guest.lds" \
		-o "$obj/guest-v$v.elf" "$src/guest-start.S" "$src/guest.c"
	"${CROSS_COMPILE}objcopy" -O binary "$obj/guest-v$v.elf" "$obj/guest-v$v.bin"
done
log "$name: building the demo VMM"
$cc -static -pthread -O2 -Wall -Wextra -Werror -isystem "$out/usr/include" \
	-I "$src" -Wa,-I,"$obj" -o "$dest/kvmc-demo" "$src/kvmc-demo.c" "$src/images.S"
