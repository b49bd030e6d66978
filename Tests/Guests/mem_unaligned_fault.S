// With the MMU off (SCTLR_EL1.M=0) every data access is to Device-nGnRnE
// memory, so per the Arm ARM any misaligned ordinary load or store raises an
// Alignment fault: data abort EC=0x25, DFSC=0x21, WnR for stores, FAR = the
// faulting address, ELR = the instruction; nothing is stored and no base
// register is written back. (QEMU 7.2 performs these accesses instead, so
// this test is not compared with it; QEMU >= 9 faults.)
// mem_unaligned_sctlr_a.S includes this file with SET_SCTLR_A defined: the
// same faults must then happen through SCTLR_EL1.A=1 (alignment checking),
// which QEMU 7.2 implements, so that variant is compared with QEMU.
#include "asmtest.h"
    .arch armv8-a
#ifndef UNALIGNED_TEST_NAME
#define UNALIGNED_TEST_NAME mem_unaligned_fault
#endif

    .macro EXPECT_ALIGN wnr, faraddr, label
    EXC_LOAD x20, esr
    ldr     x21, =0xfe00007f
    and     x20, x20, x21
    CHECKX  x20, 0x96000021 | (\wnr << 6), "\label esr"
    EXC_LOAD x20, far
    sub     x20, x20, x9
    CHECKX  x20, \faraddr, "\label far - base"
    EXC_LOAD x20, elr
    ldr     x21, =1b
    sub     x20, x20, x21
    CHECKX  x20, 0, "\label elr"
    .endm

TEST_BEGIN
#ifdef SET_SCTLR_A
    mrs     x0, sctlr_el1
    orr     x0, x0, #2              // SCTLR_EL1.A: alignment check enable
    msr     sctlr_el1, x0
    isb
#endif
    EXC_RECORD 4
    adrp    x9, ubuf
    add     x9, x9, :lo12:ubuf
    ldr     x2, =0x0123456789abcdef
    stp     x2, x2, [x9]
    stp     x2, x2, [x9, #16]
    ldr     x0, =0x5555
1:  ldur    x0, [x9, #1]
    EXPECT_ALIGN 0, 1, "ldur x +1"
    CHECKX  x0, 0x5555, "destination unchanged"
1:  ldur    x0, [x9, #4]
    EXPECT_ALIGN 0, 4, "ldur x +4"
1:  ldur    w0, [x9, #2]
    EXPECT_ALIGN 0, 2, "ldur w +2"
1:  ldurh   w0, [x9, #1]
    EXPECT_ALIGN 0, 1, "ldurh +1"
1:  ldursw  x0, [x9, #6]
    EXPECT_ALIGN 0, 6, "ldursw +6"
1:  ldursh  x0, [x9, #3]
    EXPECT_ALIGN 0, 3, "ldursh +3"
    mov     x1, #5
1:  ldr     x0, [x9, x1]
    EXPECT_ALIGN 0, 5, "ldr x register offset +5"
    add     x1, x9, #2
    mov     x3, x1
1:  ldr     w0, [x1, #4]!
    EXPECT_ALIGN 0, 6, "ldr w pre-index +6"
    CHECKR  x1, x3, "no writeback on alignment fault"
1:  stur    x2, [x9, #3]
    EXPECT_ALIGN 1, 3, "stur x +3"
1:  stur    w2, [x9, #1]
    EXPECT_ALIGN 1, 1, "stur w +1"
1:  sturh   w2, [x9, #7]
    EXPECT_ALIGN 1, 7, "sturh +7"
    add     x1, x9, #4
1:  ldp     x3, x4, [x1]
    EXPECT_ALIGN 0, 4, "ldp x +4"
    add     x1, x9, #2
1:  ldp     w3, w4, [x1]
    EXPECT_ALIGN 0, 2, "ldp w +2"
    add     x1, x9, #12
1:  stp     xzr, xzr, [x1]
    EXPECT_ALIGN 1, 12, "stp x +12"
    ldrb    w0, [x9, #1]            // control: byte accesses are always aligned
    add     x1, x9, #2
    ldrh    w0, [x1]                // control: aligned halfword
    ldr     w0, [x9, #4]            // control: aligned word
    ldr     x0, [x9, #8]            // control: aligned doubleword
    EXC_LOAD x20, count
    CHECKX  x20, 14, "fourteen alignment faults"
    ldp     x3, x4, [x9]
    CHECKX  x3, 0x0123456789abcdef, "memory unchanged 0"
    CHECKX  x4, 0x0123456789abcdef, "memory unchanged 8"
    ldp     x3, x4, [x9, #16]
    CHECKX  x3, 0x0123456789abcdef, "memory unchanged 16"
    EXC_FATAL
#ifdef SET_SCTLR_A
    mrs     x0, sctlr_el1
    bic     x0, x0, #2
    msr     sctlr_el1, x0
    isb
#endif
TEST_END UNALIGNED_TEST_NAME

    .bss
    .balign 64
ubuf:
    .skip   64
