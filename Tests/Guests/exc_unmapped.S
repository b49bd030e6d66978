// Accesses to unmapped physical addresses (0x0f000000 and 0x0f800008 lie in
// the hole between secure memory and PCIe MMIO of the virt machine) raise a
// synchronous External abort: data abort EC=0x25, DFSC=0x10, WnR for stores,
// FAR = the address, ELR = the instruction; an instruction fetch from an
// unmapped address raises an instruction abort EC=0x21, IFSC=0x10, with
// ELR = FAR = the address. ESR is compared under a mask of EC|IL|WnR|xFSC
// (ExT and ISV are implementation-defined/feature-dependent; QEMU reports
// both as 0).
#include "asmtest.h"
    .arch armv8-a

    .macro CHECK_ESR exp, label
    EXC_LOAD x20, esr
    ldr     x21, =0xfe00007f       // EC, IL, WnR (bit 6), xFSC
    and     x20, x20, x21
    CHECKX  x20, \exp, "\label esr"
    .endm
    .macro CHECK_FAR_ELR faraddr, label
    EXC_LOAD x20, far
    CHECKX  x20, \faraddr, "\label far"
    EXC_LOAD x20, elr
    ldr     x21, =1b
    sub     x20, x20, x21
    CHECKX  x20, 0, "\label elr"
    .endm

TEST_BEGIN
    EXC_RECORD 4
    ldr     x1, =0x0f000000
    ldr     x5, =0x0f800008
    ldr     x0, =0x1111
1:  ldr     x0, [x1]
    CHECK_ESR 0x96000010, "ldr x unmapped"
    CHECK_FAR_ELR 0x0f000000, "ldr x unmapped"
    CHECKX  x0, 0x1111, "destination unchanged by the aborted load"
1:  ldrb    w0, [x5, #7]
    CHECK_ESR 0x96000010, "ldrb unmapped"
    CHECK_FAR_ELR 0x0f80000f, "ldrb unmapped"
1:  str     x0, [x1, #16]
    CHECK_ESR 0x96000050, "str unmapped"
    CHECK_FAR_ELR 0x0f000010, "str unmapped"
1:  strh    w0, [x5]
    CHECK_ESR 0x96000050, "strh unmapped"
    CHECK_FAR_ELR 0x0f800008, "strh unmapped"
    mov     x6, x1
1:  ldr     x0, [x6, #8]!
    CHECK_ESR 0x96000010, "ldr pre-index unmapped"
    CHECKR  x6, x1, "no writeback on abort"
1:  ldp     x2, x3, [x5]
    CHECK_ESR 0x96000010, "ldp unmapped"
    CHECK_FAR_ELR 0x0f800008, "ldp unmapped"
    EXC_LOAD x2, count
    CHECKX  x2, 6, "six data aborts"

    // instruction fetch from an unmapped address: return to x30
    EXC_RECORD -1
    blr     x1
1:  EXC_LOAD x20, esr
    ldr     x21, =0xfc00003f
    and     x20, x20, x21
    CHECKX  x20, 0x84000010, "fetch unmapped esr (EC 0x21, IFSC 0x10)"
    EXC_LOAD x20, far
    CHECKX  x20, 0x0f000000, "fetch unmapped far"
    EXC_LOAD x20, elr
    CHECKX  x20, 0x0f000000, "fetch unmapped elr"
    EXC_LOAD x2, count
    CHECKX  x2, 1, "one instruction abort"
    EXC_FATAL
TEST_END exc_unmapped
