/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the demo VMM (kvmc-demo.c) and its guest (guest.c) agree on: the
 * guest physical memory map, the MMIO registers the guest reports through,
 * and the memory pattern of the migration scenario.
 */
#ifndef KVMC_DEMO_H
#define KVMC_DEMO_H

#define DEMO_PAGE_SIZE		4096UL

/* Guest RAM: one memslot. The image is loaded at its start. */
#define RAM_BASE		0x40000000UL
#define RAM_SIZE		(16UL << 20)
#define STACK_TOP		(RAM_BASE + 0x100000UL)
#define PGTABLE_BASE		(RAM_BASE + 0x100000UL)	/* one 4 KiB table */
#define PATTERN_BASE		(RAM_BASE + 0x200000UL)
#define PATTERN_PAGES		2048UL			/* 8 MiB */

/*
 * MMIO registers, outside every memslot: a store or a load there exits to
 * the VMM with KVM_EXIT_MMIO.
 */
#define MMIO_BASE		0x10000000UL
#define MMIO_VERSION		0x00	/* w: the image's version */
#define MMIO_CHECK		0x08	/* w: 1 if the image checksum matched */
#define MMIO_CSUM		0x10	/* w: the checksum the guest computed */
#define MMIO_SYNC		0x18	/* r: waits for the VMM; w: sync point */
#define MMIO_MMU_OFF		0x20	/* w: address of the MSR turning MMU off */
#define MMIO_OFF_PAGES		0x28	/* w: pages written with the MMU off */
#define MMIO_MISMATCH		0x30	/* w: words that failed verification */
#define MMIO_BAD_PAGE		0x38	/* w: first page that failed */
#define MMIO_DONE		0x40	/* w: the scenario is over */
#define MMIO_REGS		9	/* registers of 8 bytes from MMIO_BASE */

/* x0 at entry: what the guest does. x1: the expected image checksum. */
#define SCENARIO_BOOT		1
#define SCENARIO_MIGRATE	2

/*
 * The migration scenario writes the pattern in passes, each over a subset
 * of its pages; pass 3 runs with the MMU and D-cache off. A page holds the
 * words of the last pass that wrote it.
 */
static inline int pass_writes(int pass, unsigned long page)
{
	switch (pass) {
	case 1: return 1;
	case 2: return page % 2 == 0;
	case 3: return page % 32 == 1;
	case 4: return page % 3 == 0;
	}
	return 0;
}

static inline unsigned long pattern_word(int pass, unsigned long page,
					 unsigned long word)
{
	return ((unsigned long)pass << 56) ^ (page << 20) ^ (word << 3) ^
	       0x5a5a5a5a5a5aUL;
}

/* The checksum of the image, over 32-bit words. */
static inline unsigned int image_csum(const unsigned int *p, unsigned long n)
{
	unsigned int c = 0x12345678;
	unsigned long i;

	for (i = 0; i < n; i++)
		c = ((c << 5) | (c >> 27)) ^ p[i];
	return c;
}

#endif
