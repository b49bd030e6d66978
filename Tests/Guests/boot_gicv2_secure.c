/* dev_gic's checks in a kernel booted directly with secure=on and a GICv2:
 * the kernel runs at Non-secure EL1, so the GIC must have been left as Secure
 * firmware would (every interrupt in Group 1, priorities and masks in the
 * Non-secure half, QEMU's irq_reset_nonsecure) and every access is a
 * Non-secure one: SGIs, priorities, the priority mask, EOImode and an SPI
 * all seen through the Non-secure view.
 *
 * GUEST-FORMAT: raw
 * ARMATURE-ARGS: -M virt,secure=on,gic-version=2 -cpu max
 */
#define TEST_NAME "boot_gicv2_secure"
__asm__("    .section .text.head, \"ax\"\n"
        "    b       _start\n");
#include "dev_gic.c"
