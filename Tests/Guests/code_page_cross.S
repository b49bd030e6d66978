// Code that runs across 4 KiB page boundaries: a straight-line block that
// straddles a page end, a loop whose body spans two pages (executed many
// times, so a translated block crossing the page is reused), a branch in
// the last slot of a page, a conditional branch whose target is the first
// instruction of the next page, BL/RET across the boundary, and a literal
// load at the end of a page.
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x0, #0
    mov     x1, #1
    b       block1
    .ltorg

    .p2align 12
    .skip   0x1000 - 5*4
block1:                             // 5 instructions in page A, the rest in page B
    add     x0, x0, #1
    add     x0, x0, x0, lsl #1
    eor     x0, x0, #0xf0
    add     x1, x1, x0
    lsl     x1, x1, #2
    // page boundary here
    add     x0, x0, #7
    sub     x1, x1, #3
    mul     x2, x0, x1
    b       after_block1
    .ltorg
after_block1:
    CHECKX  x0, 0xfa, "straight-line across page: x0"
    CHECKX  x1, 0x3cd, "straight-line across page: x1"
    CHECKX  x2, 0x3b632, "straight-line across page: x2"

    // loop spanning a page boundary, 1000 iterations
    mov     x3, #0
    mov     x4, #1000
    mov     x5, #0
    b       loop2
    .ltorg
    .p2align 12
    .skip   0x1000 - 3*4
loop2:
    add     x3, x3, x4
    eor     x5, x5, x3
    add     x5, x5, #1
    // page boundary
    ror     x5, x5, #7
    subs    x4, x4, #1
    b.ne    loop2
    CHECKX  x3, 500500, "loop across page: sum"
    CHECKX  x5, 0x4fdbf243cc065131, "loop across page: mix"

    // branch in the last slot of a page and a b.cond to the next page's start
    mov     x6, #0
    b       edge3
    .ltorg
    .p2align 12
    .skip   0x1000 - 3*4
edge3:
    add     x6, x6, #1
    cmp     x6, #5
    b.ne    edge3                   // last instruction of the page
    // first instruction of the next page
    add     x6, x6, #0x100
    cmp     x6, #0x105
    b.eq    4f
    mov     x6, #0
4:  CHECKX  x6, 0x105, "branch in last slot"

    // BL from the last slot of a page; the return address is on the next page
    mov     x7, #0
    b       edge4
    .ltorg
    .p2align 12
    .skip   0x1000 - 4
edge4:
    bl      leaf
ret4:                               // first instruction of the next page
    ldr     x8, =ret4
    sub     x8, x30, x8
    CHECKX  x8, 0, "bl across page: lr"
    CHECKX  x7, 0x77, "bl across page: callee ran"
    // literal in the last word of a page, loaded from the next page
    ldr     w9, lit5
    CHECKX  x9, 0xc0ffee11, "ldr literal from previous page"
    b       6f
    .ltorg
6:
TEST_END code_page_cross

    .text
leaf:
    mov     x7, #0x77
    ret

    .p2align 12
    .skip   0x1000 - 4
lit5:
    .word   0xc0ffee11
