// System registers from EL1: NZCV (MRS/MSR, RES0 bits ignored), DAIF (MSR
// DAIFSet/DAIFClr, MSR DAIF), CurrentEL (EL1), SPSel (switching to SP_EL0 and
// back), SP_EL0, TPIDR_EL0/EL1, TPIDRRO_EL0, ELR_EL1/SPSR_EL1 read/write,
// VBAR_EL1, SCTLR_EL1.M=0, CNTFRQ_EL0 non-zero, CNTVCT_EL0/CNTPCT_EL0
// monotonic (values not printed), MPIDR_EL1 (bit 31 RES1).
#include "asmtest.h"
    .arch armv8.5-a

TEST_BEGIN
    // NZCV: all 16 values round-trip
    mov     x20, #0
    mov     x21, #0
1:  lsl     x1, x21, #28
    msr     nzcv, x1
    mrs     x2, nzcv
    lsr     x2, x2, #28
    lsl     x3, x21, #2             // pack: nibble per value
    lslv    x2, x2, x3
    orr     x20, x20, x2
    add     x21, x21, #1
    cmp     x21, #16
    b.ne    1b
    CHECKX  x20, 0xfedcba9876543210, "nzcv round-trip, a nibble per value"
    mov     x1, #-1
    msr     nzcv, x1
    mrs     x2, nzcv
    CHECKX  x2, 0xf0000000, "msr nzcv RES0 bits ignored"
    msr     nzcv, xzr
    mrs     x2, nzcv
    CHECKX  x2, 0, "msr nzcv, xzr"
    // NZCV set by an instruction is visible to MRS
    mov     x1, #1
    cmp     x1, #2
    mrs     x2, nzcv
    CHECKX  x2, 0x80000000, "mrs after cmp"

    // DAIF
    msr     daifset, #0xf
    mrs     x2, daif
    CHECKX  x2, 0x3c0, "daifset #0xf"
    msr     daifclr, #0x8           // D
    mrs     x2, daif
    CHECKX  x2, 0x1c0, "daifclr #8 (D)"
    msr     daifclr, #0x4           // A
    mrs     x2, daif
    CHECKX  x2, 0x0c0, "daifclr #4 (A)"
    msr     daifset, #0xc
    msr     daifclr, #0x3           // I and F (no interrupt source is enabled)
    mrs     x2, daif
    CHECKX  x2, 0x300, "daifclr #3 (I,F)"
    msr     daifset, #0x1
    mrs     x2, daif
    CHECKX  x2, 0x340, "daifset #1 (F)"
    mov     x1, #0x280
    msr     daif, x1
    mrs     x2, daif
    CHECKX  x2, 0x280, "msr daif, 0x280"
    mov     x1, #-1
    msr     daif, x1
    mrs     x2, daif
    CHECKX  x2, 0x3c0, "msr daif RES0 bits ignored"

    // CurrentEL
    mrs     x2, currentel
    CHECKX  x2, 0x4, "CurrentEL = EL1"

    // SPSel and SP_EL0
    mrs     x2, spsel
    CHECKX  x2, 1, "SPSel = 1"
    mov     x19, sp
    adrp    x3, alt_stack_top
    add     x3, x3, :lo12:alt_stack_top
    msr     sp_el0, x3
    mrs     x4, sp_el0
    sub     x4, x4, x3
    CHECKX  x4, 0, "sp_el0 round-trip"
    msr     spsel, #0
    mov     x5, sp                  // now SP_EL0
    str     x3, [sp, #-16]!         // push on the alternate stack
    mov     x6, sp
    add     sp, sp, #16
    mrs     x7, spsel
    msr     spsel, #1
    mov     x8, sp
    sub     x5, x5, x3
    CHECKX  x5, 0, "sp with SPSel=0 is SP_EL0"
    sub     x6, x3, x6
    CHECKX  x6, 16, "push on SP_EL0"
    CHECKX  x7, 0, "SPSel read 0"
    sub     x8, x8, x19
    CHECKX  x8, 0, "SPSel=1 restores SP_EL1"
    adrp    x3, alt_stack_top
    add     x3, x3, :lo12:alt_stack_top
    ldur    x4, [x3, #-16]
    sub     x4, x4, x3
    CHECKX  x4, 0, "value pushed via SP_EL0 landed in memory"
    mov     x1, #0
    msr     spsel, x1               // MSR SPSel, Xt form
    mrs     x2, spsel
    mov     x1, #1
    msr     spsel, x1
    CHECKX  x2, 0, "msr spsel, xt = 0"

    // thread ID registers
    ldr     x1, =0x0123456789abcdef
    msr     tpidr_el0, x1
    ldr     x1, =0xfedcba9876543210
    msr     tpidr_el1, x1
    ldr     x1, =0x8000000000000001
    msr     tpidrro_el0, x1
    mrs     x2, tpidr_el0
    CHECKX  x2, 0x0123456789abcdef, "tpidr_el0"
    mrs     x2, tpidr_el1
    CHECKX  x2, 0xfedcba9876543210, "tpidr_el1"
    mrs     x2, tpidrro_el0
    CHECKX  x2, 0x8000000000000001, "tpidrro_el0"
    msr     tpidr_el0, xzr
    mrs     x2, tpidr_el0
    CHECKX  x2, 0, "tpidr_el0 = xzr"

    // ELR_EL1 / SPSR_EL1 / FAR_EL1 are ordinary read/write registers at EL1
    ldr     x1, =0x40081234
    msr     elr_el1, x1
    mrs     x2, elr_el1
    CHECKX  x2, 0x40081234, "elr_el1"
    ldr     x1, =0x600003c5
    msr     spsr_el1, x1
    mrs     x2, spsr_el1
    CHECKX  x2, 0x600003c5, "spsr_el1"
    ldr     x1, =0x123456789abc
    msr     far_el1, x1
    mrs     x2, far_el1
    CHECKX  x2, 0x123456789abc, "far_el1"

    // VBAR_EL1 holds the runtime's table; SCTLR_EL1.M = 0
    mrs     x2, vbar_el1
    ldr     x3, =armature_vectors
    sub     x2, x2, x3
    CHECKX  x2, 0, "vbar_el1 = armature_vectors"
    mrs     x2, sctlr_el1
    and     x2, x2, #1
    CHECKX  x2, 0, "sctlr_el1.M = 0"
    mrs     x2, mpidr_el1
    lsr     x2, x2, #31
    and     x2, x2, #1
    CHECKX  x2, 1, "mpidr_el1 bit 31 RES1"

    // generic timer: frequency non-zero, counters monotonic (not printed)
    mrs     x2, cntfrq_el0
    cmp     x2, #0
    cset    x3, ne
    CHECKX  x3, 1, "cntfrq_el0 != 0"
    mov     x21, #0                 // count of decreases
    mov     x22, #200
    isb
    mrs     x4, cntvct_el0
2:  isb
    mrs     x5, cntvct_el0
    cmp     x5, x4
    cinc    x21, x21, lo
    mov     x4, x5
    subs    x22, x22, #1
    b.ne    2b
    CHECKX  x21, 0, "cntvct_el0 never decreases"
    mov     x21, #0
    mov     x22, #50
    isb
    mrs     x4, cntpct_el0
3:  isb
    mrs     x5, cntpct_el0
    cmp     x5, x4
    cinc    x21, x21, lo
    mov     x4, x5
    subs    x22, x22, #1
    b.ne    3b
    CHECKX  x21, 0, "cntpct_el0 never decreases"
TEST_END sys_regs

    .bss
    .balign 16
alt_stack:
    .skip   256
alt_stack_top:
