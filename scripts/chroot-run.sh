#!/usr/bin/env bash
# Run a command inside a root file system (the trixie root), with a folder
# of the host bind-mounted at the same path. Meant to run in a private mount
# namespace (unshare -m), so that the mount goes away with the command.
# Usage: chroot-run.sh ROOT FOLDER COMMAND [ARG...]
set -euo pipefail
root=$1 folder=$2
shift 2
mount --bind "$folder" "$root$folder"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
exec chroot "$root" "$@"
