#!/usr/bin/env bash
# 'make check-debug': make check with debug kernels (config/debug.config
# and config/PLATFORM-debug.config: lockdep, RCU and sleep checks, KASAN
# and KFENCE where the platform has them, panic_on_warn) on the platforms
# that run KVM under emulation. Any splat in a console log fails the run.
# TESTS narrows the tests as for make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export VARIANT=debug
# The series' MATRIX_DEBUG_* (base.conf) unless the environment says.
export BUILD_PLATFORMS=${BUILD_PLATFORMS:-$MATRIX_DEBUG_BUILD}
export RUN_PLATFORMS=${RUN_PLATFORMS:-$MATRIX_DEBUG_RUN}
exec "$TOP/scripts/check.sh"
