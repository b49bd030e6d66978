// Self-modifying and cross-modifying code, with the architectural
// maintenance sequence (DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB):
//  1. a hot function (called 200 times) is patched, then called again;
//  2. a routine patches an instruction later in its own block and falls
//     through to it (20 different immediates);
//  3. a function in another page is rewritten before every call.
// Translated code must be invalidated when guest code is written.
#include "asmtest.h"
    .arch armv8-a

    .equ MOVZ_X0, 0xd2800000        // movz x0, #imm16 = MOVZ_X0 | imm16 << 5
    .equ RET_INSN, 0xd65f03c0

    .macro SYNC_ICACHE reg
    dc      cvau, \reg
    dsb     ish
    ic      ivau, \reg
    dsb     ish
    isb
    .endm

TEST_BEGIN
    // 1. patch a hot function
    adrp    x19, hot_fn
    add     x19, x19, :lo12:hot_fn
    mov     x20, #200
    mov     x21, #0
1:  blr     x19
    add     x21, x21, x0
    subs    x20, x20, #1
    b.ne    1b
    CHECKX  x21, 200, "hot function before patch"
    ldr     w2, =MOVZ_X0 | (0x2345 << 5)
    str     w2, [x19]
    SYNC_ICACHE x19
    blr     x19
    CHECKX  x0, 0x2345, "hot function after patch"
    mov     x20, #10
    mov     x21, #0
2:  blr     x19
    add     x21, x21, x0
    subs    x20, x20, #1
    b.ne    2b
    CHECKX  x21, 0x2345 * 10, "patched function stays patched"

    // 2. a routine that patches its own next instruction
    adrp    x19, smc_fn
    add     x19, x19, :lo12:smc_fn
    mov     x20, #1
    mov     x21, #0
3:  mov     x1, #0x111
    mul     x1, x1, x20
    lsl     x1, x1, #5
    ldr     x2, =MOVZ_X0
    orr     x1, x1, x2
    blr     x19
    add     x21, x21, x0
    add     x20, x20, #1
    cmp     x20, #21
    b.ne    3b
    CHECKX  x21, 0x111 * 210, "self-patching routine, sum of 20 immediates"
    CHECKX  x0, 0x111 * 20, "self-patching routine, last value"

    // 3. rewrite a function in another page before every call
    adrp    x19, gen_page
    add     x19, x19, :lo12:gen_page
    ldr     w3, =RET_INSN
    str     w3, [x19, #4]
    mov     x20, #0
    mov     x21, #0
4:  ldr     x2, =MOVZ_X0
    orr     x2, x2, x20, lsl #5
    str     w2, [x19]
    SYNC_ICACHE x19
    blr     x19
    add     x21, x21, x0
    add     x20, x20, #7
    cmp     x20, #7 * 30
    b.ne    4b
    CHECKX  x21, 7 * 435, "rewritten function, sum over 30 versions"
TEST_END code_selfmod

    // code in writable memory (the MMU is off: no permissions apply)
    .section .data.code, "awx"
    .p2align 12
hot_fn:
    movz    x0, #1
    ret

    .p2align 6
smc_fn:                             // w1 = instruction to place at smc_slot
    adr     x3, smc_slot
    str     w1, [x3]
    dc      cvau, x3
    dsb     ish
    ic      ivau, x3
    dsb     ish
    isb
smc_slot:
    movz    x0, #0
    ret

    .p2align 12
gen_page:
    .skip   4096
