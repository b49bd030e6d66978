// A store that writes the very next instruction, with writeback to a register
// the old next instruction overwrites. Without the cache maintenance either
// instruction may run (Arm ARM B2.2.5, concurrent modification and execution):
// the old one (mov x1, #0: x1 = 0, x2 untouched) or the new one (mov x2, x1:
// both hold the written-back address). The store's writeback happens either way;
// a block that stopped after the store must not lose it. Armature runs the new
// instruction, QEMU 7.2 the old one: the test prints only whether the outcome
// is one of the two.
#include "asmtest.h"
    .arch armv8-a
    .equ MOV_X2_X1, 0xaa0103e2        // mov x2, x1

TEST_BEGIN
    adrp    x19, wb_fn
    add     x19, x19, :lo12:wb_fn
    mov     x2, #0
    blr     x19
    adrp    x3, wb_slot
    add     x3, x3, :lo12:wb_slot
    add     x3, x3, #4
    // old: x1 == 0 and x2 == 0; new: x1 == x2 == wb_slot + 4
    orr     x4, x1, x2
    cmp     x4, #0
    cset    x20, eq
    cmp     x1, x3
    ccmp    x2, x3, #0, eq
    cset    x21, eq
    orr     x20, x20, x21
    CHECKX  x20, 1, "writeback kept, old or new instruction"
TEST_END code_write_writeback

    .section .data.code, "awx"
    .p2align 12
wb_fn:
    ldr     w0, =MOV_X2_X1
    adr     x1, wb_slot
    str     w0, [x1], #4
wb_slot:
    mov     x1, #0
    ret
