#!/usr/bin/env bash
# 'make demo': build the patched kernels, boot the runtime matrix under QEMU
# and show a short run on each platform, ending with the summary table.
# Until the demo VMM lands, the run is the KVM smoke of each platform: the
# arm64 PSCI and binary-stats selftests, the powerpc smoke test.
set -euo pipefail
TESTS=${TESTS:-kvm:psci_test kvm:kvm_binary_stats_test}
BUILD_PLATFORMS=${BUILD_PLATFORMS:-arm64 ppc64le e500}
export TESTS BUILD_PLATFORMS
exec "$(dirname "$0")/check.sh"
