// SVC and BRK taken to the EL1 vector: ESR_EL1 (EC 0x15 / 0x3C with imm16,
// IL=1), ELR_EL1 (after SVC; at BRK, so the handler adds 4), SPSR_EL1
// (NZCV, DAIF, M = EL1h or EL1t), the vector offset (0x200 with SP_EL1,
// 0x000 with SP_EL0), DAIF all masked in the handler, ERET restoring NZCV
// and the registers. SPSR is compared under a mask of NZCV|DAIF|M (other
// bits such as SSBS depend on implemented features).
#include "asmtest.h"
    .arch armv8-a

    .macro CHECK_SPSR exp, label
    EXC_LOAD x28, spsr
    ldr     x27, =0xf00003df
    and     x28, x28, x27
    CHECKX  x28, \exp, "\label"
    .endm

TEST_BEGIN
    msr     daifset, #0xf
    EXC_RECORD 0
    ldr     x9, =0x0123456789abcdef
    mov     x1, #0x60000000
    msr     nzcv, x1
    svc     #0x1234
svc1_ret:
    CHECK_NZCV 0x6, "nzcv restored by eret"
    CHECKX  x9, 0x0123456789abcdef, "x9 preserved"
    EXC_LOAD x2, count
    CHECKX  x2, 1, "svc: one exception"
    EXC_LOAD x2, esr
    CHECKX  x2, 0x56001234, "svc #0x1234 esr"
    EXC_LOAD x2, elr
    ldr     x3, =svc1_ret
    sub     x2, x2, x3
    CHECKX  x2, 0, "svc elr = next insn"
    CHECK_SPSR 0x600003c5, "svc spsr (EL1h, DAIF masked)"
    EXC_LOAD x2, vec
    CHECKX  x2, 0x200, "svc vector: current EL, SP_ELx, sync"
    EXC_LOAD x2, daif
    CHECKX  x2, 0x3c0, "handler runs with DAIF masked"
    EXC_LOAD x2, spsel
    CHECKX  x2, 1, "handler runs on SP_EL1"
    mov     x2, sp
    EXC_LOAD x3, sp
    sub     x2, x2, x3
    CHECKX  x2, 0, "sp at exception = sp"

    // SVC with other immediates and DAIF partly unmasked
    msr     daifclr, #0xc           // unmask D and A (no source pending)
    mov     x1, #0x90000000
    msr     nzcv, x1
    svc     #0
    CHECK_SPSR 0x900000c5, "svc #0 spsr (D,A unmasked)"
    EXC_LOAD x2, esr
    CHECKX  x2, 0x56000000, "svc #0 esr"
    mrs     x2, daif
    CHECKX  x2, 0x0c0, "daif restored by eret"
    msr     daifset, #0xf
    svc     #0xffff
    EXC_LOAD x2, esr
    CHECKX  x2, 0x5600ffff, "svc #0xffff esr"
    EXC_LOAD x2, count
    CHECKX  x2, 3, "three exceptions so far"

    // BRK: ELR points at the BRK; the handler skips it
    EXC_RECORD 4
    msr     nzcv, xzr
brk1:
    brk     #0x42
    EXC_LOAD x2, esr
    CHECKX  x2, 0xf2000042, "brk #0x42 esr"
    EXC_LOAD x2, elr
    ldr     x3, =brk1
    sub     x2, x2, x3
    CHECKX  x2, 0, "brk elr = brk insn"
    CHECK_SPSR 0x000003c5, "brk spsr"
    CHECK_NZCV 0x0, "nzcv after brk"
    brk     #0
    EXC_LOAD x2, esr
    CHECKX  x2, 0xf2000000, "brk #0 esr"
    brk     #0xffff
    EXC_LOAD x2, esr
    CHECKX  x2, 0xf200ffff, "brk #0xffff esr"
    EXC_LOAD x2, count
    CHECKX  x2, 3, "three brks"

    // with SPSel = 0: vector offset 0x000, SPSR.M = EL1t
    EXC_RECORD 0
    mov     x19, sp
    adrp    x3, alt_stack_top
    add     x3, x3, :lo12:alt_stack_top
    msr     sp_el0, x3
    msr     spsel, #0
    mov     x1, #0x20000000
    msr     nzcv, x1
    svc     #0x77
    mrs     x20, spsel
    mov     x21, sp
    msr     spsel, #1
    CHECKX  x20, 0, "eret back to EL1t"
    sub     x21, x21, x3
    CHECKX  x21, 0, "SP_EL0 intact after the exception"
    EXC_LOAD x2, vec
    CHECKX  x2, 0x000, "svc from EL1t: current EL, SP0 vector"
    CHECK_SPSR 0x200003c4, "svc from EL1t spsr (M=EL1t)"
    EXC_LOAD x2, spsel
    CHECKX  x2, 1, "handler on SP_EL1"
    EXC_LOAD x2, sp
    sub     x2, x2, x19
    CHECKX  x2, 0, "handler frame on SP_EL1"
    EXC_FATAL
TEST_END exc_svc_brk

    .bss
    .balign 16
    .skip   512
alt_stack_top:
