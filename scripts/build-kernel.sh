#!/usr/bin/env bash
# Configure and build the kernel of one build platform from build/linux:
# tinyconfig's fragments + the kernel's own fragments the platform names
# (lib.sh) + config/common.config + config/PLATFORM.config [+ extra
# fragments], merged by the kernel's merge_config.sh into one allnoconfig
# (what tinyconfig does, with every default computed for the final
# platform), into build/out/NAME.
# Also installs the uapi headers there for userspace builds.
# Usage: build-kernel.sh PLATFORM [NAME [FRAGMENT...]]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platform=$1
name=${2:-$platform$SUFFIX}
shift $(($# > 1 ? 2 : 1))
platform_vars "$platform"
out=$BUILD/out/$name
ours=("$CONFIG_DIR/common.config" "$CONFIG_DIR/$platform.config" "$@")
if [ -n "$VARIANT" ]; then
	if [ -r "$CONFIG_DIR/$VARIANT.config" ]; then
		ours+=("$CONFIG_DIR/$VARIANT.config")
	fi
	if [ -r "$CONFIG_DIR/$platform-$VARIANT.config" ]; then
		ours+=("$CONFIG_DIR/$platform-$VARIANT.config")
	fi
fi
frags=("$TREE/kernel/configs/tiny-base.config" "$TREE/kernel/configs/tiny.config")
for f in $TREE_FRAGS; do frags+=("$TREE/$f"); done
frags+=("${ours[@]}")
[ -e "$TREE/Makefile" ] || die "no kernel tree in $TREE: run 'make tree'"

mk() {
	make -s -C "$TREE" O="$out" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" "$@"
}

start=$(date +%s)
mkdir -p "$out"
log "$name: configuring (allnoconfig + ${frags[*]##*/})"
(cd "$TREE" && ./scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}" >/dev/null)

# merge_config.sh only warns when an option does not stick; one of our
# fragments asking for something the platform cannot have is a bug here.
# (The kernel's own fragments serve several platforms: x86's tiny.config
# asks for NOHIGHMEM, which only i386 has.)
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qx -- "$line" "$out/.config"; then
		echo "  $name: ${line%%=*} wanted ${line#*=}, got: $(grep -- "^${line%%=*}=\|# ${line%%=*} is" "$out/.config" || echo unset)" >&2
		bad=1
	fi
done < <(cat "${ours[@]}")
[ $bad -eq 0 ] || die "$name: config fragments did not apply"

log "$name: building $(basename "$KIMAGE") with -j$(nproc)"
mk -j"$(nproc)" "$(basename "$KIMAGE")" &
pid=$!
# A line every minute, so a cold build does not look stuck.
n=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 1
	n=$((n + 1))
	[ $((n % 60)) -eq 0 ] &&
		log "$name: still building, $(find "$out" -name '*.o' -newer "$out/.config" | wc -l) objects compiled"
done
wait "$pid" || die "$name: kernel build failed"
mk headers_install >/dev/null
log "$name: kernel built in $(elapsed "$start")"
