/* SPDX-License-Identifier: GPL-2.0 */
/* The two versions of the demo guest's image, built from guest.c. */
	.section .rodata, "a"

	.balign 8
	.global guest_v1, guest_v1_end
guest_v1:
	.incbin "guest-v1.bin"
	.balign 4
guest_v1_end:

	.balign 8
	.global guest_v2, guest_v2_end
guest_v2:
	.incbin "guest-v2.bin"
	.balign 4
guest_v2_end:

	.section .note.GNU-stack, "", %progbits
