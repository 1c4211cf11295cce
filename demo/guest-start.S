/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the demo guest, at the start of its image (RAM_BASE). The VMM
 * sets x0-x2 (see guest.c); the vCPU starts with its MMU off, at EL1.
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x9, =0x40100000		/* STACK_TOP */
	mov	sp, x9
	bl	guest_main
1:	wfi
	b	1b
