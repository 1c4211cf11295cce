// SPDX-License-Identifier: GPL-2.0
/*
 * The demo guest. It runs at EL1 from RAM_BASE, with no exception vectors
 * and no interrupts, and reports to the VMM through MMIO (demo.h).
 *
 * SCENARIO_BOOT: check the image's checksum, report the version the image
 * was built as (VERSION, an immediate in the code: a stale instruction
 * cache would report the old one), and stop.
 *
 * SCENARIO_MIGRATE: turn the MMU on, write the pattern in passes with a
 * sync point with the VMM between them, turn the MMU and D-cache off for
 * pass 3 as firmware or a kexec'ing kernel does, turn them on again, and
 * verify every word of the pattern. The VMM migrates the guest while it
 * runs; the destination finishes the passes and verifies them.
 *
 * Built with -mgeneral-regs-only (no FP/SIMD: CPACR_EL1 traps it) and
 * -mstrict-align (with the MMU off, data accesses are to Device memory).
 */
#include "demo.h"

#define SCTLR_M		(1UL << 0)
#define SCTLR_C		(1UL << 2)
#define SCTLR_I		(1UL << 12)

/* Stage 1 block descriptors, 4 KiB granule, level 1 (1 GiB). */
#define PTE_BLOCK	1UL
#define PTE_ATTRIDX(n)	((unsigned long)(n) << 2)
#define PTE_SH_INNER	(3UL << 8)
#define PTE_AF		(1UL << 10)
#define PTE_PXN		(1UL << 53)
#define PTE_UXN		(1UL << 54)

/* MAIR attr0: Normal write-back; attr1: Device-nGnRnE. */
#define MAIR_VALUE	0xffUL
/* 39-bit VA, TTBR0 only, 4 KiB granule, write-back walks, 36-bit PA. */
#define TCR_VALUE	(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | \
			 (1UL << 23) | (1UL << 32))

static void mmio_write(unsigned long reg, unsigned long val)
{
	asm volatile("str %0, [%1]" :: "r"(val), "r"(MMIO_BASE + reg)
		     : "memory");
}

static unsigned long mmio_read(unsigned long reg)
{
	unsigned long val;

	asm volatile("ldr %0, [%1]" : "=r"(val) : "r"(MMIO_BASE + reg)
		     : "memory");
	return val;
}

/* Clean+invalidate or invalidate the D-cache over the pages of a pass. */
static void dcache_op_pass(int pass, int clean)
{
	unsigned long page, va;

	for (page = 0; page < PATTERN_PAGES; page++) {
		if (!pass_writes(pass, page))
			continue;
		va = PATTERN_BASE + page * DEMO_PAGE_SIZE;
		for (; va < PATTERN_BASE + (page + 1) * DEMO_PAGE_SIZE; va += 64) {
			if (clean)
				asm volatile("dc civac, %0" :: "r"(va) : "memory");
			else
				asm volatile("dc ivac, %0" :: "r"(va) : "memory");
		}
	}
	asm volatile("dsb sy" ::: "memory");
}

static void mmu_on(void)
{
	unsigned long *l1 = (unsigned long *)PGTABLE_BASE;
	unsigned long i;

	for (i = 0; i < 512; i++)
		l1[i] = 0;
	/* 0-1 GiB: Device (the MMIO registers); 1-2 GiB: RAM. */
	l1[0] = 0 | PTE_BLOCK | PTE_ATTRIDX(1) | PTE_AF | PTE_PXN | PTE_UXN;
	l1[1] = RAM_BASE | PTE_BLOCK | PTE_ATTRIDX(0) | PTE_SH_INNER | PTE_AF;
	/* The walker reads the table through the cache. */
	for (i = 0; i < 512; i += 8)
		asm volatile("dc civac, %0" :: "r"(&l1[i]) : "memory");
	asm volatile("dsb sy" ::: "memory");

	asm volatile("msr mair_el1, %0\n"
		     "msr tcr_el1, %1\n"
		     "msr ttbr0_el1, %2\n"
		     "isb\n"
		     "tlbi vmalle1\n"
		     "dsb nsh\n"
		     "isb\n"
		     "mrs x9, sctlr_el1\n"
		     "orr x9, x9, %3\n"
		     "msr sctlr_el1, x9\n"
		     "isb"
		     :: "r"(MAIR_VALUE), "r"(TCR_VALUE), "r"(PGTABLE_BASE),
		     "r"(SCTLR_M | SCTLR_C | SCTLR_I) : "x9", "memory");
}

/*
 * Turn the MMU and the D-cache off, reporting first the address of the
 * MSR that does it: during dirty logging, the MMU-off watch holds that
 * write.
 */
static void mmu_off(void)
{
	asm volatile("mrs x10, sctlr_el1\n"
		     "bic x10, x10, %0\n"
		     "adr x9, 1f\n"
		     "str x9, [%1]\n"
		     "1: msr sctlr_el1, x10\n"
		     "isb"
		     :: "r"(SCTLR_M | SCTLR_C), "r"(MMIO_BASE + MMIO_MMU_OFF)
		     : "x9", "x10", "memory");
}

static void write_pass(int pass)
{
	unsigned long page, w;
	unsigned long *p;

	for (page = 0; page < PATTERN_PAGES; page++) {
		if (!pass_writes(pass, page))
			continue;
		p = (unsigned long *)(PATTERN_BASE + page * DEMO_PAGE_SIZE);
		for (w = 0; w < DEMO_PAGE_SIZE / 8; w++)
			p[w] = pattern_word(pass, page, w);
	}
}

static void verify(void)
{
	unsigned long page, w, bad = 0, bad_page = ~0UL;
	unsigned long *p;
	int pass, last;

	for (page = 0; page < PATTERN_PAGES; page++) {
		last = 0;
		for (pass = 1; pass <= 4; pass++)
			if (pass_writes(pass, page))
				last = pass;
		p = (unsigned long *)(PATTERN_BASE + page * DEMO_PAGE_SIZE);
		for (w = 0; w < DEMO_PAGE_SIZE / 8; w++) {
			if (p[w] == pattern_word(last, page, w))
				continue;
			if (!bad++)
				bad_page = page;
		}
	}
	mmio_write(MMIO_MISMATCH, bad);
	mmio_write(MMIO_BAD_PAGE, bad_page);
}

static void migrate(void)
{
	unsigned long page, n = 0;

	mmu_on();
	write_pass(1);
	mmio_read(MMIO_SYNC);
	write_pass(2);
	mmio_read(MMIO_SYNC);

	/* Nothing dirty in the cache may later overwrite what pass 3 writes. */
	dcache_op_pass(3, 1);
	mmu_off();
	write_pass(3);
	mmu_on();
	/* Nor may stale lines hide it once the cache is on again. */
	dcache_op_pass(3, 0);
	for (page = 0; page < PATTERN_PAGES; page++)
		n += pass_writes(3, page);
	mmio_write(MMIO_OFF_PAGES, n);

	mmio_read(MMIO_SYNC);
	write_pass(4);
	verify();
}

void guest_main(unsigned long scenario, unsigned long csum, unsigned long words);

void guest_main(unsigned long scenario, unsigned long csum, unsigned long words)
{
	unsigned int c = image_csum((const unsigned int *)RAM_BASE, words);

	mmio_write(MMIO_CSUM, c);
	mmio_write(MMIO_CHECK, c == csum);
	mmio_write(MMIO_VERSION, VERSION);
	if (scenario == SCENARIO_MIGRATE)
		migrate();
	mmio_write(MMIO_DONE, scenario);
}
