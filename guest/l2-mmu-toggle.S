/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An L2 guest for the clients stage (guest/clients.sh): a bare arm64
 * program, loaded by QEMU's -kernel as an Image on the virt machine, that
 * turns its MMU and D-cache on and off again and again, and prints a tick
 * on the PL011 every TICK_MASK + 1 rounds. It is what the MMU-off watch
 * holds during dirty logging: each round clears SCTLR_EL1.M and .C while
 * both are set. It reads SCTLR_EL1 back after each write and stops with
 * "mmu-toggle BAD" if a write did not take (one held by KVM that was
 * dropped, or made with the PC moved on). The tick counter lives in
 * guest memory, so a migrated guest goes on counting from where the
 * source stopped.
 */

#define UART_DR		0x09000000	/* QEMU virt: PL011 data register */
#define TICK_MASK	0x3fff
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)
/* Level 1 blocks of 1 GiB: AF, inner shareable, AttrIndx 1 (normal WB) */
#define BLOCK_NORMAL	((1 << 10) | (3 << 8) | (1 << 2) | 1)
/* AF, AttrIndx 0 (device nGnRnE) */
#define BLOCK_DEVICE	((1 << 10) | 1)
/* T0SZ 25 (39-bit VA, start at level 1), WBWA walks, inner shareable,
 * 4 KiB granule, no TTBR1 walks (EPD1), 32-bit IPS.
 */
#define TCR		(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
#define MAIR		0xff00		/* attr0 device nGnRnE, attr1 normal WB */

	.text
	.globl	_start
_start:
	/* The arm64 Image header (Documentation/arch/arm64/booting.rst) */
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	end - _start		/* image_size */
	.quad	0x2			/* flags: little endian, 4 KiB pages */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

entry:
	/* Identity map: [0, 1 GiB) device (the UART), [1, 2 GiB) RAM. */
	adr	x1, pgtable
	mov	x2, #BLOCK_DEVICE
	str	x2, [x1]
	ldr	x2, =(0x40000000 | BLOCK_NORMAL)
	str	x2, [x1, #8]
	dsb	ish
	msr	ttbr0_el1, x1
	ldr	x2, =TCR
	msr	tcr_el1, x2
	ldr	x2, =MAIR
	msr	mair_el1, x2
	isb
	tlbi	vmalle1
	dsb	ish
	isb
	mrs	x5, sctlr_el1
	orr	x5, x5, #SCTLR_M
	orr	x5, x5, #SCTLR_C
	orr	x5, x5, #SCTLR_I
	msr	sctlr_el1, x5
	isb
	bic	x6, x5, #SCTLR_M
	bic	x6, x6, #SCTLR_C

	adr	x3, counter
	mov	x4, #UART_DR
round:
	msr	sctlr_el1, x6		/* MMU and D-cache off */
	isb
	mrs	x9, sctlr_el1		/* the write took, once */
	cmp	x9, x6
	b.ne	bad
	msr	sctlr_el1, x5		/* and on again */
	isb
	mrs	x9, sctlr_el1
	cmp	x9, x5
	b.ne	bad
	ldr	x7, [x3]
	add	x7, x7, #1
	str	x7, [x3]
	tst	x7, #TICK_MASK
	b.ne	round

	/* "mmu-toggle tick " and the round count in 16 hex digits */
	adr	x8, banner
1:	ldrb	w9, [x8], #1
	cbz	w9, 2f
	strb	w9, [x4]
	b	1b
2:	mov	x10, #60
3:	lsr	x9, x7, x10
	and	x9, x9, #0xf
	cmp	x9, #10
	add	x11, x9, #'0'
	add	x12, x9, #('a' - 10)
	csel	x9, x11, x12, lo
	strb	w9, [x4]
	subs	x10, x10, #4
	b.ge	3b
	mov	w9, #'\n'
	strb	w9, [x4]
	b	round

	/* An SCTLR_EL1 write that did not take: say so, and stop. */
bad:
	adr	x8, badmsg
1:	ldrb	w9, [x8], #1
	cbz	w9, 2f
	strb	w9, [x4]
	b	1b
2:	wfi
	b	2b

	.ltorg
badmsg:
	.asciz	"mmu-toggle BAD: an SCTLR_EL1 write did not take\n"
banner:
	.asciz	"mmu-toggle tick "
	.balign	8
counter:
	.quad	0
	.balign	4096
pgtable:
	.fill	512, 8, 0
end:
