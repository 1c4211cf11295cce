# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# SERIES chooses the patch queue: 6.1 (kernel/, the default) or a port
# under kernel/VERSION/ (kernel/7.3/), which builds under build/VERSION/.
SERIES=${SERIES:-6.1}
if [ "$SERIES" = 6.1 ]; then
	SERIES_DIR=$TOP/kernel
	BUILD=${BUILD:-$TOP/build}
else
	SERIES_DIR=$TOP/kernel/$SERIES
	BUILD=${BUILD:-$TOP/build/$SERIES}
fi
[ -r "$SERIES_DIR/base.conf" ] || { echo "error: no series $SERIES ($SERIES_DIR/base.conf)" >&2; exit 1; }
# The kernel source tree: the series applied; BASE_TREE, the unpatched base
# (check-clients-base.sh builds that with KTREE=$BASE_TREE).
TREE=${KTREE:-$BUILD/linux}
BASE_TREE=$BUILD/linux-base
# The Debian trixie root (make-trixie-root.sh), shared by every series.
TROOT=$TOP/build/trixie
# The kernel config fragments: config/, or config/VERSION/ where a series
# needs other option names.
CONFIG_DIR=$TOP/config
[ -d "$TOP/config/$SERIES" ] && CONFIG_DIR=$TOP/config/$SERIES
export TOP SERIES SERIES_DIR BUILD TREE BASE_TREE TROOT CONFIG_DIR
# The expected results of the runtime platforms: test/expectations, or
# test/VERSION/expectations for a series whose base's tests differ.
EXPECTATIONS=$TOP/test/expectations
[ -r "$TOP/test/$SERIES/expectations" ] && EXPECTATIONS=$TOP/test/$SERIES/expectations
export EXPECTATIONS

# The identity every commit of the series is authored and signed with.
export GIT_AUTHOR_NAME=kvm-coherence
export GIT_AUTHOR_EMAIL=kvm-coherence@users.noreply.invalid
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

# Reproducible kernel builds, so ccache hits across clones and machines.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=kvm-coherence
export KBUILD_BUILD_HOST=kvm-coherence
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=true

# shellcheck source=../kernel/base.conf
. "$SERIES_DIR/base.conf"
# BASE_SUITE (optional): the Debian suite the base comes from, installed in
# the trixie root rather than on the host.
BASE_SUITE=${BASE_SUITE:-}
if [ -n "$BASE_SUITE" ]; then
	BASE_TARBALL=$TROOT/usr/src/$BASE_PACKAGE.tar.xz
else
	BASE_TARBALL=/usr/src/$BASE_PACKAGE.tar.xz
fi
export BASE_SUITE BASE_TARBALL
# The series' matrix (base.conf): what make check builds and runs, with
# which QEMU, and which kselftests (QEMU and TESTS in the environment win).
# CHECK_ALL=1 (make check-all) takes the MATRIX_ALL_* lists instead: the
# platforms and tests that CI's time budget leaves out.
MATRIX_TESTS=${MATRIX_TESTS:-}
CHECK_ALL=${CHECK_ALL:-}
if [ "$CHECK_ALL" = 1 ]; then
	MATRIX_BUILD=${MATRIX_ALL_BUILD:-$MATRIX_BUILD}
	MATRIX_RUN=${MATRIX_ALL_RUN:-$MATRIX_RUN}
	MATRIX_TESTS=${MATRIX_ALL_TESTS:-$MATRIX_TESTS}
fi
MATRIX_CLIENTS=${MATRIX_CLIENTS:-}
CLIENTS=${CLIENTS:-$MATRIX_CLIENTS}
QEMU=${QEMU:-$MATRIX_QEMU}
TESTS=${TESTS:-$MATRIX_TESTS}
export MATRIX_BUILD MATRIX_RUN QEMU TESTS CLIENTS CHECK_ALL

# The version of the base package installed (on the host or in the root).
# shellcheck disable=SC2016 # dpkg-query's own format, not a shell expansion
base_installed_version() {
	if [ -n "$BASE_SUITE" ]; then
		chroot "$TROOT" dpkg-query -W -f='${Version}' "$BASE_PACKAGE"
	else
		dpkg-query -W -f='${Version}' "$BASE_PACKAGE"
	fi
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The platforms of the matrix. Sets ARCH, CROSS_COMPILE, KIMAGE (make target
# and file under the build folder) and TREE_FRAGS (the kernel's own config
# fragments the platform starts from, relative to build/linux).
platform_vars() {
	TREE_FRAGS=
	case $1 in
	arm64)
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		KIMAGE=arch/arm64/boot/Image ;;
	ppc64le)
		ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-
		KIMAGE=vmlinux ;;
	ppc64)
		ARCH=powerpc CROSS_COMPILE=powerpc64-linux-gnu-
		KIMAGE=vmlinux ;;
	e500)
		ARCH=powerpc CROSS_COMPILE=powerpc-linux-gnu-
		KIMAGE=vmlinux
		TREE_FRAGS=arch/powerpc/configs/85xx-32bit.config ;;
	x86_64)
		ARCH=x86_64 CROSS_COMPILE=
		KIMAGE=arch/x86/boot/bzImage
		TREE_FRAGS=arch/x86/configs/tiny.config ;;
	*) die "unknown build platform '$1'" ;;
	esac
	export ARCH CROSS_COMPILE KIMAGE TREE_FRAGS
}

# Runtime platform -> build platform whose kernel it boots.
build_platform_of() {
	case $1 in
	arm64-*) echo arm64 ;;
	*) echo "$1" ;;
	esac
}

# VARIANT=debug (make check-debug) builds every platform again with
# config/debug.config and config/PLATFORM-debug.config into build/out/NAME-debug,
# and keeps its results in build/results/PLATFORM-debug.
VARIANT=${VARIANT:-}
SUFFIX=${VARIANT:+-$VARIANT}
export VARIANT SUFFIX

# Elapsed seconds since $1 (a 'date +%s' value), as 'NmSSs'.
elapsed() {
	local s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# The Debian archive the host's apt uses (not its security archive): the
# URI of the first deb822 stanza, or one-line source, of a non-security
# suite. Every Debian download of the workbench goes there.
host_apt_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^$/ { uri = "" }
		     /^URIs:/ { uri = $2 }
		     /^Suites:/ && uri != "" && $0 !~ /-security/ { print uri; exit }' "$f"
	done | head -n 1 | grep . && return 0
	awk '$1 == "deb" && $0 !~ /-security/ {
		for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1
}
