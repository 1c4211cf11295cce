#!/usr/bin/env bash
# Build the static userspace of one build platform's test VM: the kvm
# kselftests (installed with the kselftest runner) where the platform has
# them, the guest init, and the powerpc smoke test.
# Usage: build-tests.sh PLATFORM [NAME]   (after build-kernel.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platform=$1
name=${2:-$platform$SUFFIX}
platform_vars "$platform"
out=$BUILD/out/$name
dest=$BUILD/tests/$name
cc="ccache ${CROSS_COMPILE}gcc"
[ -d "$out/usr/include/linux" ] || die "$name: no uapi headers in $out: build the kernel first"

start=$(date +%s)
rm -rf "$dest"
# The selftests' make knows nothing of the installed uapi headers: a
# changed number in linux/kvm.h would leave stale binaries (testing the
# old ABI, or skipping). Rebuild them each time; ccache keeps it short.
rm -rf "$out/kselftest/kvm"
mkdir -p "$dest/bin"

log "$name: building guest init"
$cc -static -O2 -Wall -Wextra -Werror -o "$dest/bin/init" "$TOP/guest/init.c"

case $platform in
arm64)
	log "$name: building kvm selftests"
	make -s -C "$TREE/tools/testing/selftests" O="$out" ARCH="$ARCH" \
		CROSS_COMPILE="$CROSS_COMPILE" CC="$cc" TARGETS=kvm \
		LDFLAGS="-static -pthread" -j"$(nproc)" \
		INSTALL_PATH="$dest/kselftest" install >/dev/null
	;;
x86_64)
	# Build-only platform: the kernel is what is checked. (The kvm
	# selftests of the 6.1.192 base do not build natively here:
	# __DECLARE_FLEX_ARRAY in the installed asm/kvm.h.)
	;;
ppc64le|ppc64|e500)
	log "$name: building the powerpc KVM smoke test"
	$cc -static -O2 -Wall -Werror -isystem "$out/usr/include" \
		-I "$TREE/tools/testing/selftests" \
		-o "$dest/bin/ppc-kvm-smoke" "$TOP/guest/ppc-kvm-smoke.c"
	# The series' powerpc kvm selftests, once the tree has them (a
	# bisect-check of an earlier commit does not).
	# (The lists are in kvm/Makefile on 6.1, kvm/Makefile.kvm on 7.3.)
	if cat "$TREE"/tools/testing/selftests/kvm/Makefile* |
		grep -q '^TEST_GEN_PROGS_powerpc'; then
		log "$name: building kvm selftests"
		make -s -C "$TREE/tools/testing/selftests" O="$out" ARCH="$ARCH" \
			CROSS_COMPILE="$CROSS_COMPILE" CC="$cc" TARGETS=kvm \
			LDFLAGS="-static -pthread" -j"$(nproc)" \
			INSTALL_PATH="$dest/kselftest" install >/dev/null
		# Without a shell (no Debian busybox for big-endian
		# powerpc), init runs the programs of /guest itself.
		if [ "$platform" != ppc64le ]; then
			find "$dest/kselftest/kvm" -type f -perm -u+x \
				-exec cp {} "$dest/bin/" \;
		fi
	fi
	;;
esac
log "$name: tests built in $(elapsed "$start")"
