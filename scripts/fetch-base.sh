#!/usr/bin/env bash
# Make sure the pinned kernel base is installed and say whether it is the
# version the series was tested on. Prints the tarball path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "$BASE_SUITE" ]; then
	# From a newer suite than the host's: in the trixie root.
	"$TOP/scripts/make-trixie-root.sh" >/dev/null
	if [ ! -r "$BASE_TARBALL" ]; then
		log "installing $BASE_PACKAGE from $BASE_SUITE in $TROOT"
		chroot "$TROOT" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive chroot "$TROOT" apt-get install -y -qq -o Dpkg::Use-Pty=0 \
			--no-install-recommends -t "$BASE_SUITE" "$BASE_PACKAGE" >/dev/null
	fi
else
	if [ ! -r "$BASE_TARBALL" ]; then
		log "installing $BASE_PACKAGE"
		"$TOP/scripts/install-deps.sh" "$BASE_PACKAGE"
	fi
fi
have=$(base_installed_version)
[ -r "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing after installing $BASE_PACKAGE"
if [ "$have" != "$BASE_VERSION" ]; then
	cat >&2 <<MSG
################################################################
WARNING: the kernel base changed.
  tested on:  $BASE_PACKAGE $BASE_VERSION
  installed:  $BASE_PACKAGE $have
Debian keeps only the newest versions. The series is applied with
'git am -3'; a failure below names the patch that no longer fits.
When it builds and passes, update $SERIES_DIR/base.conf.
################################################################
MSG
else
	sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
	[ "$sum" = "$BASE_SHA256" ] ||
		die "$BASE_TARBALL: sha256 $sum, $SERIES_DIR/base.conf pins $BASE_SHA256 for the same version"
fi
echo "$BASE_TARBALL"
