// Writes to pages that hold translated code, tracked per word: only the
// blocks whose bytes are written may change, everything else in the page
// keeps running, and a write is seen exactly from the next instruction on.
//  1. a loop whose counters share its page (one even shares the cache line of
//     the loop's last instruction); then the loop's own add is patched;
//  2. patch-and-call with the maintenance sequence (DC CVAU, DSB ISH, IC IVAU,
//     DSB ISH, ISB), a never-written function in the same page called too;
//  3. a store into the block that runs it, to the very next instruction and
//     to one further on;
//  4. an 8-byte store straddling two blocks (the last instruction of one, the
//     first of the next) and a 16-byte STP straddling two pages of code.
#include "asmtest.h"
    .arch armv8-a

    .equ MOVZ_X0, 0xd2800000        // movz xN, #imm16 = MOVZ_X0 | imm16 << 5 | N
    .equ ADD_X0_X0_1, 0x91000400    // add x0, x0, #1 (imm12 << 10)

    .macro SYNC_ICACHE reg
    dc      cvau, \reg
    dsb     ish
    ic      ivau, \reg
    dsb     ish
    isb
    .endm

TEST_BEGIN
    // 1. counters beside the loop
    adrp    x19, cnt_loop
    add     x19, x19, :lo12:cnt_loop
    mov     x0, #1000
    blr     x19
    CHECKX  x0, 1000, "counter beside code: count"
    CHECKX  x1, 1000 * 3, "counter beside code: second counter"
    CHECKX  x2, 0x3e8, "counter in the code's cache line"
    mov     x0, #10
    blr     x19                     // counters keep counting
    CHECKX  x0, 1010, "counter beside code: count, second call"
    // patch the loop's "add x4, x4, #1" into "add x4, x4, #2": the loop must see it
    adrp    x20, cnt_add
    add     x20, x20, :lo12:cnt_add
    ldr     w2, [x20]
    add     w2, w2, #(1 << 10)
    str     w2, [x20]
    SYNC_ICACHE x20
    mov     x0, #10
    blr     x19
    CHECKX  x0, 1030, "patched loop adds 2"

    // 2. patch-and-call, 64 versions; the steady function beside it is called too
    adrp    x19, pc_fn
    add     x19, x19, :lo12:pc_fn
    adrp    x22, pc_steady
    add     x22, x22, :lo12:pc_steady
    mov     x20, #0
    mov     x21, #0
1:  ldr     x2, =MOVZ_X0
    lsl     x3, x20, #8
    add     x3, x3, x20
    orr     x2, x2, x3, lsl #5
    str     w2, [x19, #4]
    SYNC_ICACHE x19
    mov     x0, x20
    blr     x19                     // x0 = x20 * 0x101 + x20 * 2
    add     x21, x21, x0
    blr     x22                     // x0 = x0 + 5
    add     x21, x21, x0
    add     x20, x20, #1
    cmp     x20, #64
    b.ne    1b
    // sum over i < 64 of 2 * (0x103 i) + 5 = 0x206 * 2016 + 320
    CHECKX  x21, 0x206 * 2016 + 320, "patch-and-call, 64 versions"

    // 3. a block that writes its next instruction, then one further on
    adrp    x19, self_fn
    add     x19, x19, :lo12:self_fn
    mov     x20, #1
    mov     x21, #0
2:  ldr     x1, =MOVZ_X0
    orr     x1, x1, x20, lsl #5     // movz x0, #x20
    ldr     x2, =MOVZ_X0 | 1
    lsl     x3, x20, #1
    orr     x2, x2, x3, lsl #5      // movz x1, #2*x20
    blr     x19
    add     x21, x21, x0
    add     x21, x21, x1
    add     x20, x20, #1
    cmp     x20, #31
    b.ne    2b
    CHECKX  x21, 3 * 465, "store into the running block: sum over 30 runs"

    // 4a. an 8-byte store over the end of one block and the start of the next
    adrp    x19, straddle_fn
    add     x19, x19, :lo12:straddle_fn
    mov     x20, #20
3:  blr     x19
    subs    x20, x20, #1
    b.ne    3b
    CHECKX  x0, 1, "straddle before: x0"
    CHECKX  x1, 2, "straddle before: x1"
    ldr     x2, =(MOVZ_X0 | (5 << 5)) | ((MOVZ_X0 | 1 | (7 << 5)) << 32)
    str     x2, [x19, #8]           // "b 1f; movz x1, #2" -> "movz x0, #5; movz x1, #7"
    add     x3, x19, #8
    SYNC_ICACHE x3
    blr     x19
    CHECKX  x0, 5, "straddle after: x0 (the branch became a movz)"
    CHECKX  x1, 7, "straddle after: x1"

    // 4b. a 16-byte STP across the boundary of two pages of code
    adrp    x19, pair_fn
    add     x19, x19, :lo12:pair_fn
    mov     x20, #20
4:  blr     x19
    subs    x20, x20, #1
    b.ne    4b
    add     x0, x0, x1
    add     x0, x0, x2
    add     x0, x0, x3
    add     x0, x0, x4
    add     x0, x0, x5
    CHECKX  x0, 6, "pair straddle before"
    ldr     x6, =(MOVZ_X0 | 2 | (0x20 << 5)) | ((MOVZ_X0 | 3 | (0x300 << 5)) << 32)
    ldr     x7, =(MOVZ_X0 | 4 | (0x4000 << 5)) | ((MOVZ_X0 | 5 | (0x5000 << 5)) << 32)
    add     x8, x19, #8
    stp     x6, x7, [x8]
    SYNC_ICACHE x8
    add     x9, x8, #8
    SYNC_ICACHE x9
    blr     x19
    add     x0, x0, x1
    add     x0, x0, x2
    add     x0, x0, x3
    add     x0, x0, x4
    add     x0, x0, x5
    CHECKX  x0, 2 + 0x20 + 0x300 + 0x4000 + 0x5000, "pair straddle after"
TEST_END code_write_precise

    // code in writable memory (the MMU is off: no permissions apply)
    .section .data.code, "awx"
    .p2align 12
cnt_loop:                           // x0 = iterations; returns the counters
    adr     x5, cnt_data
1:  ldr     x4, [x5]
cnt_add:
    add     x4, x4, #1
    str     x4, [x5]
    ldr     x6, [x5, #8]
    add     x6, x6, #3
    str     x6, [x5, #8]
    ldr     w7, cnt_word
    add     w7, w7, #1
    adr     x8, cnt_word
    str     w7, [x8]
    subs    x0, x0, #1
    b.ne    1b
    ldr     x0, [x5]
    ldr     x1, [x5, #8]
    ldr     w2, cnt_word
    ret
cnt_word:                           // beside "ret", in the same cache line
    .word   0
    .p2align 3
cnt_data:
    .quad   0, 0

    .p2align 7
pc_fn:                              // x0 = x0 * 2 + imm (the imm is patched)
    lsl     x1, x0, #1
    movz    x0, #0
    add     x0, x0, x1
    ret
    .p2align 5
pc_steady:
    add     x0, x0, #5
    ret

    .p2align 7
self_fn:                            // w1, w2 = instructions for slot1, slot2
    adr     x3, self_slot1
    str     w1, [x3]
    SYNC_ICACHE x3
self_slot1:
    movz    x0, #0
    adr     x3, self_slot2
    str     w2, [x3]
    SYNC_ICACHE x3
    nop
self_slot2:
    movz    x1, #0
    ret

    .p2align 4
straddle_fn:
    movz    x0, #1                  // +0
    movz    x1, #0                  // +4
    b       1f                      // +8: the first block ends here
1:  movz    x1, #2                  // +12: the next block starts here
    ret

    .p2align 12
    .skip   0x1000 - 16
pair_fn:                            // 4 instructions in one page, 2 + ret in the next
    movz    x0, #1
    movz    x1, #1
    movz    x2, #1
    movz    x3, #1
    movz    x4, #1
    movz    x5, #1
    ret
