/* SPDX-License-Identifier: GPL-2.0 */
/* The two guest images, linked into the demo VMM by images.S. */
#ifndef KVMC_DEMO_IMAGES_H
#define KVMC_DEMO_IMAGES_H

extern const unsigned char guest_v1[], guest_v1_end[];
extern const unsigned char guest_v2[], guest_v2_end[];

#endif
