// B, BL, BR, BLR, RET, RET Xn, CBZ/CBNZ (W and X), TBZ/TBNZ on bits 0, 31,
// 32 and 63; link register values; a recursive function.
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x20, #0                 // bit mask of taken paths
    b       1f
    orr     x20, x20, #0x1          // skipped
1:  b       3f
2:  orr     x20, x20, #0x2          // reached by a backward branch
    b       4f
3:  b       2b
4:  CHECKX  x20, 0x2, "b forward/backward"

    // BL sets x30 to the next instruction
    bl      func_ret_lr
ret_point:
    ldr     x1, =ret_point
    sub     x0, x0, x1
    CHECKX  x0, 0, "bl: x30 = next insn"
    // BLR
    ldr     x5, =func_ret_lr
    blr     x5
blr_point:
    ldr     x1, =blr_point
    sub     x0, x0, x1
    CHECKX  x0, 0, "blr: x30 = next insn"
    // BLR x30: branch target is the old x30, then x30 = next insn
    ldr     x30, =func_ret_lr
    blr     x30
blr30_point:
    ldr     x1, =blr30_point
    sub     x0, x0, x1
    CHECKX  x0, 0, "blr x30"
    // BR
    ldr     x6, =br_target
    mov     x20, #0
    br      x6
    orr     x20, x20, #1
br_target:
    orr     x20, x20, #2
    CHECKX  x20, 2, "br"
    // RET Xn
    ldr     x7, =ret_target
    mov     x20, #0
    ret     x7
    orr     x20, x20, #1
ret_target:
    orr     x20, x20, #4
    CHECKX  x20, 4, "ret x7"
    // function that returns through another register
    ldr     x8, =after_retx
    b       func_ret_x8
    orr     x20, x20, #1
after_retx:
    CHECKX  x20, 4, "ret x8 from function"

    // CBZ / CBNZ
    mov     x20, #0
    mov     x1, #0x100000000        // W view is zero, X view is not
    cbz     w1, 5f
    orr     x20, x20, #0x1
5:  cbz     x1, 6f
    orr     x20, x20, #0x2
6:  cbnz    w1, 7f
    orr     x20, x20, #0x4
7:  cbnz    x1, 8f
    orr     x20, x20, #0x8
8:  cbz     xzr, 9f
    orr     x20, x20, #0x10
9:  cbnz    wzr, 10f
    orr     x20, x20, #0x20
10: CHECKX  x20, 0x2|0x4|0x20, "cbz/cbnz"

    // TBZ / TBNZ
    mov     x20, #0
    mov     x1, #0x8000000000000001
    tbz     x1, #0, 11f
    orr     x20, x20, #0x1
11: tbnz    x1, #0, 12f
    orr     x20, x20, #0x2
12: tbz     x1, #63, 13f
    orr     x20, x20, #0x4
13: tbnz    x1, #63, 14f
    orr     x20, x20, #0x8
14: tbz     x1, #62, 15f
    orr     x20, x20, #0x10
15: tbnz    x1, #1, 16f
    orr     x20, x20, #0x20
16: mov     x2, #0x80000000
    tbnz    w2, #31, 17f
    orr     x20, x20, #0x40
17: tbz     x2, #32, 18f
    orr     x20, x20, #0x80
18: mov     x2, #0x100000000
    tbnz    x2, #32, 19f
    orr     x20, x20, #0x100
19: tbz     w2, #0, 20f
    orr     x20, x20, #0x200
20: CHECKX  x20, 0x1|0x4|0x20, "tbz/tbnz"
    // backward TBNZ loop: count shifts until bit 0 set
    mov     x1, #0x40
    mov     x2, #0
21: add     x2, x2, #1
    lsr     x1, x1, #1
    tbz     x1, #0, 21b
    CHECKX  x2, 6, "tbz backward loop"

    // recursive function: fib(20)
    mov     x0, #20
    bl      fib
    CHECKX  x0, 6765, "fib(20) recursive"
TEST_END branch_basic

    .text
func_ret_lr:
    mov     x0, x30
    ret

func_ret_x8:
    orr     x20, x20, #0x40
    bic     x20, x20, #0x40
    ret     x8

fib:    // x0 = fib(x0), recursive, uses the stack
    cmp     x0, #2
    b.hs    1f
    ret
1:  stp     x19, x30, [sp, #-32]!
    str     x0, [sp, #16]
    sub     x0, x0, #1
    bl      fib
    mov     x19, x0
    ldr     x0, [sp, #16]
    sub     x0, x0, #2
    bl      fib
    add     x0, x0, x19
    ldp     x19, x30, [sp], #32
    ret
