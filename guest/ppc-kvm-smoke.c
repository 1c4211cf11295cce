// SPDX-License-Identifier: GPL-2.0
/*
 * Workbench smoke test for powerpc KVM (book3s PR, booke e500): create a VM
 * and a vCPU with raw ioctls, run three guest instructions that store a
 * known word to an address no memslot backs, and check the MMIO exit.
 *
 * Guest code, at guest physical (and, on booke, virtual) address 0:
 *	li	r3, 0x1234
 *	lis	r4, 0x0800		# 128 MiB: below the 256 MiB that e500
 *	stw	r3, 0(r4)		# KVM maps at vCPU creation, no memslot
 *	b	.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kselftest.h"

#define MEM_SIZE	0x100000UL
#define MMIO_ADDR	0x08000000UL

static const uint32_t guest_code[] = {
	0x38601234,	/* li	r3, 0x1234 */
	0x3c800800,	/* lis	r4, 0x0800 */
	0x90640000,	/* stw	r3, 0(r4) */
	0x48000000,	/* b	. */
};

int main(void)
{
	struct kvm_userspace_memory_region region = { 0 };
	static const uint8_t want[4] = { 0x00, 0x00, 0x12, 0x34 };
	int kvm, vm, vcpu, run_size, i, ret;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint32_t *mem;

	ksft_print_header();
	ksft_set_plan(4);

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		ksft_exit_skip("open /dev/kvm: %s\n", strerror(errno));
	ksft_test_result(ioctl(kvm, KVM_GET_API_VERSION, 0) == KVM_API_VERSION,
			 "KVM_GET_API_VERSION is %d\n", KVM_API_VERSION);

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		ksft_exit_fail_msg("KVM_CREATE_VM: %s\n", strerror(errno));
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	/* Instructions are big-endian: the vCPU starts with MSR[LE] clear. */
	for (i = 0; i < 4; i++)
		mem[i] = htobe32(guest_code[i]);
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		ksft_exit_fail_msg("KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0)
		ksft_exit_fail_msg("KVM_CREATE_VCPU: %s\n", strerror(errno));
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		ksft_exit_fail_msg("mmap kvm_run: %s\n", strerror(errno));

	if (ioctl(vcpu, KVM_GET_REGS, &regs))
		ksft_exit_fail_msg("KVM_GET_REGS: %s\n", strerror(errno));
	regs.pc = 0;
	regs.msr = 0;	/* big-endian; real mode on book3s */
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		ksft_exit_fail_msg("KVM_SET_REGS: %s\n", strerror(errno));
	ksft_test_result_pass("VM and vCPU created\n");

	ret = ioctl(vcpu, KVM_RUN, 0);
	ksft_print_msg("KVM_RUN returned %d, exit_reason %u\n", ret, run->exit_reason);
	ksft_test_result(ret == 0 && run->exit_reason == KVM_EXIT_MMIO &&
			 run->mmio.is_write && run->mmio.len == 4 &&
			 run->mmio.phys_addr == MMIO_ADDR,
			 "guest store exits as MMIO write of 4 bytes at %#lx\n", MMIO_ADDR);
	ksft_test_result(run->exit_reason == KVM_EXIT_MMIO &&
			 !memcmp(run->mmio.data, want, sizeof(want)),
			 "MMIO data is the word the guest stored\n");
	ksft_finished();
}
