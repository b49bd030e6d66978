// Exception entry and ERET preserve every general register x0..x30, SP and
// NZCV (the handler saves/restores through its frame), for SVC, BRK and an
// undefined instruction; and an exception hook that edits the saved frame
// (x0, ELR) changes the state ERET returns to.
#include "asmtest.h"
    .arch armv8-a

    .macro SET_ALL
    ldr     x0, =0x111111111111111
    ldr     x1, =0x8202020202020202
    ldr     x2, =0x333333333333333
    ldr     x3, =0x8404040404040404
    ldr     x4, =0x555555555555555
    ldr     x5, =0x8606060606060606
    ldr     x6, =0x777777777777777
    ldr     x7, =0x8808080808080808
    ldr     x8, =0x999999999999999
    ldr     x9, =0x8a0a0a0a0a0a0a0a
    ldr     x10, =0xbbbbbbbbbbbbbbb
    ldr     x11, =0x8c0c0c0c0c0c0c0c
    ldr     x12, =0xddddddddddddddd
    ldr     x13, =0x8e0e0e0e0e0e0e0e
    ldr     x14, =0xfffffffffffffff
    ldr     x15, =0x9010101010101010
    ldr     x16, =0x1222222222222221
    ldr     x17, =0x9212121212121212
    ldr     x18, =0x1444444444444443
    ldr     x19, =0x9414141414141414
    ldr     x20, =0x1666666666666665
    ldr     x21, =0x9616161616161616
    ldr     x22, =0x1888888888888887
    ldr     x23, =0x9818181818181818
    ldr     x24, =0x1aaaaaaaaaaaaaa9
    ldr     x25, =0x9a1a1a1a1a1a1a1a
    ldr     x26, =0x1ccccccccccccccb
    ldr     x27, =0x9c1c1c1c1c1c1c1c
    ldr     x28, =0x1eeeeeeeeeeeeeed
    ldr     x29, =0x9e1e1e1e1e1e1e1e
    ldr     x30, =0x211111111111110f
    .endm

TEST_BEGIN
    mov     x19, sp
    str     x19, [sp, #-16]!
    EXC_RECORD 0
    mov     x0, #0x90000000
    msr     nzcv, x0
    SET_ALL
    svc     #1
    CHECKQ  x0, 0x111111111111111, "x0 after svc"
    CHECKQ  x1, 0x8202020202020202, "x1 after svc"
    CHECKQ  x2, 0x333333333333333, "x2 after svc"
    CHECKQ  x3, 0x8404040404040404, "x3 after svc"
    CHECKQ  x4, 0x555555555555555, "x4 after svc"
    CHECKQ  x5, 0x8606060606060606, "x5 after svc"
    CHECKQ  x6, 0x777777777777777, "x6 after svc"
    CHECKQ  x7, 0x8808080808080808, "x7 after svc"
    CHECKQ  x8, 0x999999999999999, "x8 after svc"
    CHECKQ  x9, 0x8a0a0a0a0a0a0a0a, "x9 after svc"
    CHECKQ  x10, 0xbbbbbbbbbbbbbbb, "x10 after svc"
    CHECKQ  x11, 0x8c0c0c0c0c0c0c0c, "x11 after svc"
    CHECKQ  x12, 0xddddddddddddddd, "x12 after svc"
    CHECKQ  x13, 0x8e0e0e0e0e0e0e0e, "x13 after svc"
    CHECKQ  x14, 0xfffffffffffffff, "x14 after svc"
    CHECKQ  x15, 0x9010101010101010, "x15 after svc"
    CHECKQ  x16, 0x1222222222222221, "x16 after svc"
    CHECKQ  x17, 0x9212121212121212, "x17 after svc"
    CHECKQ  x18, 0x1444444444444443, "x18 after svc"
    CHECKQ  x19, 0x9414141414141414, "x19 after svc"
    CHECKQ  x20, 0x1666666666666665, "x20 after svc"
    CHECKQ  x21, 0x9616161616161616, "x21 after svc"
    CHECKQ  x22, 0x1888888888888887, "x22 after svc"
    CHECKQ  x23, 0x9818181818181818, "x23 after svc"
    CHECKQ  x24, 0x1aaaaaaaaaaaaaa9, "x24 after svc"
    CHECKQ  x25, 0x9a1a1a1a1a1a1a1a, "x25 after svc"
    CHECKQ  x26, 0x1ccccccccccccccb, "x26 after svc"
    CHECKQ  x27, 0x9c1c1c1c1c1c1c1c, "x27 after svc"
    CHECKQ  x28, 0x1eeeeeeeeeeeeeed, "x28 after svc"
    CHECKQ  x29, 0x9e1e1e1e1e1e1e1e, "x29 after svc"
    CHECKQ  x30, 0x211111111111110f, "x30 after svc"
    CHECK_NZCV 0x9, "nzcv after svc"
    EXC_RECORD 4
    mov     x0, #0x60000000
    msr     nzcv, x0
    SET_ALL
    brk     #2
    CHECKQ  x0, 0x111111111111111, "x0 after brk"
    CHECKQ  x1, 0x8202020202020202, "x1 after brk"
    CHECKQ  x2, 0x333333333333333, "x2 after brk"
    CHECKQ  x3, 0x8404040404040404, "x3 after brk"
    CHECKQ  x4, 0x555555555555555, "x4 after brk"
    CHECKQ  x5, 0x8606060606060606, "x5 after brk"
    CHECKQ  x6, 0x777777777777777, "x6 after brk"
    CHECKQ  x7, 0x8808080808080808, "x7 after brk"
    CHECKQ  x8, 0x999999999999999, "x8 after brk"
    CHECKQ  x9, 0x8a0a0a0a0a0a0a0a, "x9 after brk"
    CHECKQ  x10, 0xbbbbbbbbbbbbbbb, "x10 after brk"
    CHECKQ  x11, 0x8c0c0c0c0c0c0c0c, "x11 after brk"
    CHECKQ  x12, 0xddddddddddddddd, "x12 after brk"
    CHECKQ  x13, 0x8e0e0e0e0e0e0e0e, "x13 after brk"
    CHECKQ  x14, 0xfffffffffffffff, "x14 after brk"
    CHECKQ  x15, 0x9010101010101010, "x15 after brk"
    CHECKQ  x16, 0x1222222222222221, "x16 after brk"
    CHECKQ  x17, 0x9212121212121212, "x17 after brk"
    CHECKQ  x18, 0x1444444444444443, "x18 after brk"
    CHECKQ  x19, 0x9414141414141414, "x19 after brk"
    CHECKQ  x20, 0x1666666666666665, "x20 after brk"
    CHECKQ  x21, 0x9616161616161616, "x21 after brk"
    CHECKQ  x22, 0x1888888888888887, "x22 after brk"
    CHECKQ  x23, 0x9818181818181818, "x23 after brk"
    CHECKQ  x24, 0x1aaaaaaaaaaaaaa9, "x24 after brk"
    CHECKQ  x25, 0x9a1a1a1a1a1a1a1a, "x25 after brk"
    CHECKQ  x26, 0x1ccccccccccccccb, "x26 after brk"
    CHECKQ  x27, 0x9c1c1c1c1c1c1c1c, "x27 after brk"
    CHECKQ  x28, 0x1eeeeeeeeeeeeeed, "x28 after brk"
    CHECKQ  x29, 0x9e1e1e1e1e1e1e1e, "x29 after brk"
    CHECKQ  x30, 0x211111111111110f, "x30 after brk"
    CHECK_NZCV 0x6, "nzcv after brk"
    SET_ALL
    udf     #3
    CHECKQ  x0, 0x111111111111111, "x0 after udf"
    CHECKQ  x1, 0x8202020202020202, "x1 after udf"
    CHECKQ  x2, 0x333333333333333, "x2 after udf"
    CHECKQ  x3, 0x8404040404040404, "x3 after udf"
    CHECKQ  x4, 0x555555555555555, "x4 after udf"
    CHECKQ  x5, 0x8606060606060606, "x5 after udf"
    CHECKQ  x6, 0x777777777777777, "x6 after udf"
    CHECKQ  x7, 0x8808080808080808, "x7 after udf"
    CHECKQ  x8, 0x999999999999999, "x8 after udf"
    CHECKQ  x9, 0x8a0a0a0a0a0a0a0a, "x9 after udf"
    CHECKQ  x10, 0xbbbbbbbbbbbbbbb, "x10 after udf"
    CHECKQ  x11, 0x8c0c0c0c0c0c0c0c, "x11 after udf"
    CHECKQ  x12, 0xddddddddddddddd, "x12 after udf"
    CHECKQ  x13, 0x8e0e0e0e0e0e0e0e, "x13 after udf"
    CHECKQ  x14, 0xfffffffffffffff, "x14 after udf"
    CHECKQ  x15, 0x9010101010101010, "x15 after udf"
    CHECKQ  x16, 0x1222222222222221, "x16 after udf"
    CHECKQ  x17, 0x9212121212121212, "x17 after udf"
    CHECKQ  x18, 0x1444444444444443, "x18 after udf"
    CHECKQ  x19, 0x9414141414141414, "x19 after udf"
    CHECKQ  x20, 0x1666666666666665, "x20 after udf"
    CHECKQ  x21, 0x9616161616161616, "x21 after udf"
    CHECKQ  x22, 0x1888888888888887, "x22 after udf"
    CHECKQ  x23, 0x9818181818181818, "x23 after udf"
    CHECKQ  x24, 0x1aaaaaaaaaaaaaa9, "x24 after udf"
    CHECKQ  x25, 0x9a1a1a1a1a1a1a1a, "x25 after udf"
    CHECKQ  x26, 0x1ccccccccccccccb, "x26 after udf"
    CHECKQ  x27, 0x9c1c1c1c1c1c1c1c, "x27 after udf"
    CHECKQ  x28, 0x1eeeeeeeeeeeeeed, "x28 after udf"
    CHECKQ  x29, 0x9e1e1e1e1e1e1e1e, "x29 after udf"
    CHECKQ  x30, 0x211111111111110f, "x30 after udf"
    ldr     x19, [sp]
    mov     x0, sp
    sub     x0, x19, x0
    CHECKX  x0, 16, "sp preserved across exceptions"
    add     sp, sp, #16
    EXC_LOAD x0, count
    CHECKX  x0, 2, "two exceptions in the second round"

    // a hook edits the frame: x0 = ESR.imm16 * 3, and skip the next insn
    adrp    x1, edit_hook_ptr
    ldr     x1, [x1, :lo12:edit_hook_ptr]
    adrp    x2, exception_hook
    str     x1, [x2, :lo12:exception_hook]
    mov     x0, #0
    mov     x5, #0
    svc     #0x155
    mov     x5, #1                  // skipped by the hook
    CHECKX  x0, 0x3ff, "hook set x0"
    CHECKX  x5, 0, "hook advanced elr"
    adrp    x2, exception_hook
    str     xzr, [x2, :lo12:exception_hook]
    EXC_FATAL
TEST_END exc_regs_preserved

    .text
    // int edit_hook(exc_frame_t *f): x0 = imm16 * 3, elr += 4, handled
edit_hook:
    ldr     x1, [x0, #264]          // esr
    and     x1, x1, #0xffff
    add     x1, x1, x1, lsl #1
    str     x1, [x0]                // frame x0
    ldr     x1, [x0, #248]          // elr
    add     x1, x1, #4
    str     x1, [x0, #248]
    mov     x0, #1
    ret

    .data
    .balign 8
edit_hook_ptr:
    .quad   edit_hook
