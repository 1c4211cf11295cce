#!/usr/bin/env bash
# Unpack the pinned base into build/linux as a git repository (one commit,
# tagged 'base') and apply the series on branch 'series' with 'git am -3'.
# An existing tree is reused when it holds nothing the series lacks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=$("$TOP/scripts/fetch-base.sh")

if [ -d "$TREE/.git" ]; then
	"$TOP/scripts/export-check.sh" --on-disk ||
		die "build/linux holds work the series lacks: 'make export' first (or remove build/linux)"
else
	start=$(date +%s)
	log "unpacking $(basename "$tarball") into ${TREE#"$TOP"/}"
	rm -rf "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	tar -C "$TREE.tmp" --strip-components=1 -xf "$tarball"
	version=$(base_installed_version)
	# A fixed date makes the base commit id the same on every machine, so
	# the base-commit line of the exported series is reproducible.
	(
		cd "$TREE.tmp"
		git init -q -b series
		git config core.autocrlf false
		git config gc.auto 0
		# Commits made by hand in the work tree carry the project's name.
		git config user.name "$GIT_AUTHOR_NAME"
		git config user.email "$GIT_AUTHOR_EMAIL"
		# Debian's .gitignore ignores everything at the top level (its
		# packaging repository keeps only debian/); drop that stanza so
		# new files in the work tree show up as upstream's would. Every
		# file of the tarball is tracked, ignored or not (-f).
		sed -i '/^# Debian packaging/,/^!\/debian\/$/d' .gitignore
		git add -A -f
		GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
			git commit -q -m "base: $BASE_PACKAGE $version" \
			-m "Unpacked from $(basename "$tarball"), without the Debian packaging stanza of .gitignore."
		git tag base
	)
	mv "$TREE.tmp" "$TREE"
	log "base committed in $(elapsed "$start")"
fi

cd "$TREE"
git checkout -q -f -B series base
git clean -q -fdx
n=0
while read -r patch; do
	case $patch in ''|'#'*) continue ;; esac
	n=$((n + 1))
	if ! git am -q -3 "$SERIES_DIR/$patch" >/dev/null 2>&1; then
		git am --abort >/dev/null 2>&1 || true
		die "patch $n ($patch) no longer applies to $(git log -1 --format=%s base)"
	fi
done < "$SERIES_DIR/series"
log "${TREE#"$TOP"/}: base + $n patches on branch 'series'"
