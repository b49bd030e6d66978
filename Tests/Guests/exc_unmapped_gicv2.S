// The GICv2 windows of the virt board (gic-version=2): the device tree gives the distributor and
// the CPU interface 64 KiB each, but only their register maps answer, as in
// QEMU 7.2: the distributor's 4 KiB (IHI 0048B table 4-1) and the CPU
// interface's 8 KiB (table 4-2, GICC_DIR at 0x1000). An access past them is
// an unmapped address: a synchronous External abort (EC 0x25, DFSC 0x10).
// ESR is compared under a mask of EC|IL|WnR|xFSC, as in exc_unmapped.S.
// ARMATURE-ARGS: -M virt,gic-version=2 -cpu max
#include "asmtest.h"
    .arch armv8-a

    .macro CHECK_ABORT exp, faraddr, label
    EXC_LOAD x20, esr
    ldr     x21, =0xfe00007f
    and     x20, x20, x21
    CHECKX  x20, \exp, "\label esr"
    EXC_LOAD x20, far
    CHECKX  x20, \faraddr, "\label far"
    .endm

TEST_BEGIN
    EXC_RECORD 4
    ldr     x1, =0x08000000        // GICD
    ldr     x2, =0x08010000        // GICC
    // Inside the register maps: no abort.
    ldr     w0, [x1, #0x4]         // GICD_TYPER
    ldr     w0, [x1, #0xfe8]       // GICD PIDR2 (ArchRev in bits 7:4)
    ubfx    w0, w0, #4, #4
    CHECKX  x0, 2, "GICD_PIDR2.ArchRev"
    ldr     w0, [x2, #0xfc]        // GICC_IIDR
    str     wzr, [x2, #0x1000]     // GICC_DIR (nothing active: no effect)
    EXC_LOAD x3, count
    CHECKX  x3, 0, "no aborts inside the register maps"
    // Past them.
    ldr     x4, =0x08001000
1:  ldr     w0, [x4]
    CHECK_ABORT 0x96000010, 0x08001000, "GICD + 0x1000 read"
1:  str     w0, [x4, #0x100]
    CHECK_ABORT 0x96000050, 0x08001100, "GICD + 0x1100 write"
    ldr     x4, =0x08012000
1:  ldr     w0, [x4]
    CHECK_ABORT 0x96000010, 0x08012000, "GICC + 0x2000 read"
    ldr     x4, =0x0800fffc
1:  ldr     w0, [x4]
    CHECK_ABORT 0x96000010, 0x0800fffc, "GICD + 0xfffc read"
    EXC_LOAD x3, count
    CHECKX  x3, 4, "four data aborts"
    EXC_FATAL
TEST_END exc_unmapped_gicv2
