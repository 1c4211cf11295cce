# kvm-coherence workbench. The product is the patch series under kernel/;
# everything else here builds, boots and tests it. See README.md.
SHELL := /bin/bash
S := scripts

.PHONY: help demo check check-all check-debug check-clients-base bench bisect-check deps tree export export-check lint clean

help:
	@echo "make demo          build the matrix, boot it, show the series at work"
	@echo "make check         the test suite of both series (what CI runs)"
	@echo "make check-all     what CI leaves out too: 6.1's whole matrix and suite, debug kernels"
	@echo "make check-debug   the tests on debug kernels (KASAN, lockdep, ...)"
	@echo "make check-clients-base  the clients stage on the unpatched base (SERIES=7.3)"
	@echo "make bench         the benchmark programs in the arm64 VMs"
	@echo "make bisect-check  build every patch of the series on its own"
	@echo "make tree          unpack the base into build/linux and apply the series"
	@echo "make export        regenerate kernel/*.patch from build/linux"
	@echo "make export-check  fail if build/linux holds work the series lacks"
	@echo "make lint          checkpatch --strict on the series, shellcheck on scripts"
	@echo "make deps          install the Debian packages the workbench needs"
	@echo "variables: SERIES=7.3 (the 7.3 port, kernel/7.3, build/7.3), QEMU=trixie (QEMU 11.1)"

# The demo runs on the primary series' kernels (7.3) unless SERIES says.
demo:
	SERIES=$${SERIES:-7.3} $(S)/demo.sh

# Both series: the 6.1 stable backport (kernel/) and the 7.3 port
# (kernel/7.3/), each with its own matrix (MATRIX_* in its base.conf).
check:
	$(S)/check.sh
	SERIES=7.3 $(S)/check.sh

# What CI's time budget leaves out of make check (README, "CI"): both
# series' MATRIX_ALL_* (the 6.1 powerpc and x86_64 kernels, every upstream
# kvm selftest on 6.1, kvm-unit-tests on every arm64 platform), the debug
# kernels of both series (6.1: every test), and the clients stage on the
# unpatched 7.3 base.
check-all:
	CHECK_ALL=1 $(S)/check.sh
	CHECK_ALL=1 SERIES=7.3 $(S)/check.sh
	CHECK_ALL=1 $(S)/check-debug.sh
	CHECK_ALL=1 SERIES=7.3 $(S)/check-debug.sh
	CHECK_ALL=1 SERIES=7.3 $(S)/check-clients-base.sh

check-debug:
	$(S)/check-debug.sh

check-clients-base:
	$(S)/check-clients-base.sh

bench:
	$(S)/bench.sh

bisect-check:
	$(S)/bisect-check.sh

deps:
	$(S)/install-deps.sh

tree:
	$(S)/make-tree.sh

export:
	$(S)/export-series.sh

export-check:
	$(S)/export-check.sh

lint:
	$(S)/lint.sh

clean:
	rm -rf build/out build/tests build/initramfs build/results
