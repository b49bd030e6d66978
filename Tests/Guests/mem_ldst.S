// Loads and stores: unsigned scaled offset (incl. max offsets), unscaled
// (LDUR/STUR, negative), pre/post-index writeback, register offset with
// LSL/UXTW/SXTW/SXTX, literal (LDR W/X, LDRSW), every sign/zero-extending
// size to W and X (W destinations zero-extend), SP as base, XZR as data,
// PRFM (no effect, even on an unmapped address). All accesses are aligned.
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    adrp    x1, rbuf                // rbuf[i] = (i + 0x80) & 0xff, 512 bytes
    add     x1, x1, :lo12:rbuf
    ldr     x9, =0xdeadbeefdeadbeef // garbage to preload destinations

    // ---- sizes and extension ----
    mov     x0, x9
    ldrb    w0, [x1]
    CHECKX  x0, 0x80, "ldrb w"
    mov     x0, x9
    ldrsb   w0, [x1]
    CHECKX  x0, 0xffffff80, "ldrsb w (zero-extended to x)"
    ldrsb   x0, [x1]
    CHECKX  x0, 0xffffffffffffff80, "ldrsb x"
    ldrsb   x0, [x1, #0xff]
    CHECKX  x0, 0x7f, "ldrsb x positive"
    mov     x0, x9
    ldrh    w0, [x1, #2]
    CHECKX  x0, 0x8382, "ldrh w"
    mov     x0, x9
    ldrsh   w0, [x1, #2]
    CHECKX  x0, 0xffff8382, "ldrsh w"
    ldrsh   x0, [x1, #2]
    CHECKX  x0, 0xffffffffffff8382, "ldrsh x"
    ldrsh   x0, [x1, #0x80]
    CHECKX  x0, 0x0100, "ldrsh x positive"
    mov     x0, x9
    ldr     w0, [x1, #4]
    CHECKX  x0, 0x87868584, "ldr w (zero-extended)"
    ldrsw   x0, [x1, #4]
    CHECKX  x0, 0xffffffff87868584, "ldrsw"
    ldrsw   x0, [x1, #0x80]
    CHECKX  x0, 0x03020100, "ldrsw positive"
    ldr     x0, [x1, #8]
    CHECKX  x0, 0x8f8e8d8c8b8a8988, "ldr x"

    // ---- maximum scaled unsigned offsets (buffer big2 of 32 KiB) ----
    adrp    x2, big2
    add     x2, x2, :lo12:big2
    ldr     x3, =0x1122334455667788
    str     x3, [x2, #32760]
    ldr     x0, [x2, #32760]
    CHECKX  x0, 0x1122334455667788, "str/ldr x #32760"
    str     w3, [x2, #16380]
    ldr     w0, [x2, #16380]
    CHECKX  x0, 0x55667788, "str/ldr w #16380"
    strh    w3, [x2, #8190]
    ldrh    w0, [x2, #8190]
    CHECKX  x0, 0x7788, "strh/ldrh #8190"
    strb    w3, [x2, #4095]
    ldrb    w0, [x2, #4095]
    CHECKX  x0, 0x88, "strb/ldrb #4095"

    // ---- unscaled (LDUR/STUR), negative offsets ----
    add     x2, x1, #256
    ldur    x0, [x2, #-256]
    CHECKX  x0, 0x8786858483828180, "ldur x #-256"
    ldur    x0, [x2, #-8]
    CHECKX  x0, 0x7f7e7d7c7b7a7978, "ldur x #-8"
    mov     x0, x9
    ldur    w0, [x2, #-4]
    CHECKX  x0, 0x7f7e7d7c, "ldur w #-4"
    ldursw  x0, [x2, #-132]
    CHECKX  x0, 0xfffffffffffefdfc, "ldursw #-132"
    ldursh  x0, [x2, #-130]
    CHECKX  x0, 0xfffffffffffffffe, "ldursh x #-130"
    mov     x0, x9
    ldursh  w0, [x2, #-130]
    CHECKX  x0, 0xfffffffe, "ldursh w #-130"
    ldurb   w0, [x2, #-1]
    CHECKX  x0, 0x7f, "ldurb #-1"
    ldursb  x0, [x2, #-129]
    CHECKX  x0, 0xffffffffffffffff, "ldursb x #-129"
    ldur    x0, [x1, #248]
    CHECKX  x0, 0x7f7e7d7c7b7a7978, "ldur x #248"

    // ---- stores of each size do not touch neighbours ----
    adrp    x2, wbuf
    add     x2, x2, :lo12:wbuf
    ldr     x3, =0xa5a5a5a5a5a5a5a5
    str     x3, [x2]
    str     x3, [x2, #8]
    ldr     x4, =0x0102030405060708
    strb    w4, [x2, #1]
    ldr     x0, [x2]
    CHECKX  x0, 0xa5a5a5a5a5a508a5, "strb #1"
    strh    w4, [x2, #4]
    ldr     x0, [x2]
    CHECKX  x0, 0xa5a50708a5a508a5, "strh #4"
    str     w4, [x2, #8]
    ldr     x0, [x2, #8]
    CHECKX  x0, 0xa5a5a5a505060708, "str w #8"
    sturb   w4, [x2, #15]
    sturh   w4, [x2, #12]
    ldr     x0, [x2, #8]
    CHECKX  x0, 0x08a5070805060708, "sturb/sturh"
    str     xzr, [x2]
    ldr     x0, [x2]
    CHECKX  x0, 0, "str xzr"
    stur    x4, [x2, #8]
    ldr     x0, [x2, #8]
    CHECKX  x0, 0x0102030405060708, "stur x"
    stur    wzr, [x2, #12]
    ldr     x0, [x2, #8]
    CHECKX  x0, 0x0000000005060708, "stur wzr"
    ldr     xzr, [x2, #8]          // load to XZR is discarded
    CHECKX  xzr, 0, "ldr xzr"

    // ---- pre-/post-index writeback ----
    mov     x5, x1
    ldr     x0, [x5, #8]!
    CHECKX  x0, 0x8f8e8d8c8b8a8988, "ldr x pre-index value"
    sub     x6, x5, x1
    CHECKX  x6, 8, "ldr x pre-index writeback"
    ldr     x0, [x5], #16
    CHECKX  x0, 0x8f8e8d8c8b8a8988, "ldr x post-index value"
    sub     x6, x5, x1
    CHECKX  x6, 24, "ldr x post-index writeback"
    ldr     w0, [x5, #-4]!
    CHECKX  x0, 0x97969594, "ldr w pre-index -4"
    sub     x6, x5, x1
    CHECKX  x6, 20, "pre-index -4 writeback"
    ldrb    w0, [x5], #-20
    CHECKX  x0, 0x94, "ldrb post-index -20"
    CHECKR  x5, x1, "post-index back to base"
    ldrsb   x0, [x5, #255]!
    CHECKX  x0, 0x7f, "ldrsb pre-index 255"
    ldrsh   w0, [x5, #-255]!
    CHECKX  x0, 0xffff8180, "ldrsh w pre-index -255"
    CHECKR  x5, x1, "writeback total 0"
    ldrsw   x0, [x5], #4
    CHECKX  x0, 0xffffffff83828180, "ldrsw post-index"
    ldrh    w0, [x5], #-2
    CHECKX  x0, 0x8584, "ldrh post-index"
    sub     x6, x5, x1
    CHECKX  x6, 2, "ldrh post-index writeback"
    mov     x5, x2
    str     x4, [x5, #16]!
    sub     x6, x5, x2
    CHECKX  x6, 16, "str pre-index writeback"
    strb    w4, [x5], #1
    strh    w4, [x5, #1]!
    str     w4, [x5, #2]!
    sub     x6, x5, x2
    CHECKX  x6, 20, "str pre/post writeback"
    ldr     x0, [x2, #16]
    CHECKX  x0, 0x0506070807080708, "memory after pre/post stores"
    ldr     x0, [x2, #24]
    CHECKX  x0, 0, "memory beyond the stores untouched"

    // ---- register offset ----
    mov     x3, #3
    ldr     x0, [x1, x3, lsl #3]
    CHECKX  x0, 0x9f9e9d9c9b9a9998, "ldr [x1, x3, lsl #3]"
    mov     x3, #24
    ldr     x0, [x1, x3]
    CHECKX  x0, 0x9f9e9d9c9b9a9998, "ldr [x1, x3]"
    ldr     x3, =0xffffffff00000004   // UXTW uses the low 32 bits only
    ldr     x0, [x1, w3, uxtw #3]
    CHECKX  x0, 0xa7a6a5a4a3a2a1a0, "ldr [x1, w3, uxtw #3]"
    ldr     w0, [x1, w3, uxtw]
    CHECKX  x0, 0x87868584, "ldr w [x1, w3, uxtw]"
    add     x7, x1, #256
    mov     w3, #-2                   // SXTW: sign-extend
    ldr     x0, [x7, w3, sxtw #3]
    CHECKX  x0, 0x7776757473727170, "ldr [x7, w3, sxtw #3]"
    ldrsb   x0, [x7, w3, sxtw]
    CHECKX  x0, 0x7e, "ldrsb [x7, w3, sxtw]"
    mov     x3, #-8
    ldr     x0, [x7, x3, sxtx]
    CHECKX  x0, 0x7f7e7d7c7b7a7978, "ldr [x7, x3, sxtx]"
    mov     x3, #-1
    ldr     x0, [x7, x3, sxtx #3]
    CHECKX  x0, 0x7f7e7d7c7b7a7978, "ldr [x7, x3, sxtx #3]"
    ldrh    w0, [x7, x3, lsl #1]
    CHECKX  x0, 0x7f7e, "ldrh [x7, x3, lsl #1]"
    ldrsh   w0, [x7, x3, lsl #1]
    CHECKX  x0, 0x7f7e, "ldrsh w [x7, x3, lsl #1]"
    mov     x3, #-32
    ldrsw   x0, [x7, x3, lsl #0]
    CHECKX  x0, 0x63626160, "ldrsw [x7, x3]"
    mov     x3, #2
    ldrsw   x0, [x1, x3, lsl #2]
    CHECKX  x0, 0xffffffff8b8a8988, "ldrsw [x1, x3, lsl #2]"
    ldrb    w0, [x1, x3, lsl #0]
    CHECKX  x0, 0x82, "ldrb [x1, x3, lsl #0]"
    ldr     x0, [x1, xzr]
    CHECKX  x0, 0x8786858483828180, "ldr [x1, xzr]"
    mov     x3, #5
    mov     w4, #0x5a
    strb    w4, [x2, x3]
    mov     x3, #1
    strh    w4, [x2, x3, lsl #1]
    ldr     x0, [x2]
    CHECKX  x0, 0x00005a00005a0000, "strb/strh register offset"
    mov     w3, #-1
    add     x8, x2, #8
    str     w4, [x8, w3, sxtw #2]
    ldr     x0, [x2]
    CHECKX  x0, 0x0000005a005a0000, "str w [x8, w3, sxtw #2]"

    // ---- literal ----
    mov     x0, x9
    ldr     w0, lit_w
    CHECKX  x0, 0x89abcdef, "ldr w literal"
    ldr     x0, lit_x
    CHECKX  x0, 0x0123456789abcdef, "ldr x literal"
    ldrsw   x0, lit_w
    CHECKX  x0, 0xffffffff89abcdef, "ldrsw literal"
    ldrsw   x0, lit_x                 // low word of lit_x is 0x89abcdef
    CHECKX  x0, 0xffffffff89abcdef, "ldrsw literal (x low word)"
    ldr     x0, lit_back
    CHECKX  x0, 0xfeedfacecafebeef, "ldr x literal backward"
    prfm    pldl1keep, lit_x          // PRFM literal: no effect

    // ---- SP as base register ----
    mov     x19, sp
    ldr     x3, =0x1111222233334444
    str     x3, [sp, #-16]!
    ldr     x0, [sp]
    CHECKX  x0, 0x1111222233334444, "str/ldr [sp] pre-index"
    ldr     w0, [sp, #4]
    CHECKX  x0, 0x11112222, "ldr w [sp, #4]"
    ldurb   w0, [sp, #7]
    CHECKX  x0, 0x11, "ldurb [sp, #7]"
    mov     x3, #8
    ldr     w0, [sp, x3]
    ldr     x0, [sp], #16
    CHECKX  x0, 0x1111222233334444, "ldr [sp], #16"
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "sp restored"

    // ---- PRFM: never faults, no architectural effect ----
    prfm    pldl1keep, [x1]
    prfm    pldl2strm, [x1, #64]
    prfm    pstl1keep, [x2, x3]
    prfm    plil1keep, [x1, #8]
    prfum   pldl3keep, [x1, #-3]
    mov     x10, #0x0                 // address 0 (flash in QEMU) and an unmapped address
    prfm    pldl1keep, [x10]
    ldr     x10, =0x0f000000
    prfm    pstl1strm, [x10]
    prfm    #0x1f, [x1]               // unallocated prefetch op: a NOP
    CHECKX  x1, rbuf, "prfm leaves registers"
TEST_END mem_ldst

    .text
    .balign 8
lit_back:
    .quad   0xfeedfacecafebeef

    .data
    .balign 16
rbuf:
    .irp hi, 0x80,0x90,0xa0,0xb0,0xc0,0xd0,0xe0,0xf0,0x00,0x10,0x20,0x30,0x40,0x50,0x60,0x70
    .byte \hi+0,\hi+1,\hi+2,\hi+3,\hi+4,\hi+5,\hi+6,\hi+7,\hi+8,\hi+9,\hi+10,\hi+11,\hi+12,\hi+13,\hi+14,\hi+15
    .endr
    .irp hi, 0x80,0x90,0xa0,0xb0,0xc0,0xd0,0xe0,0xf0,0x00,0x10,0x20,0x30,0x40,0x50,0x60,0x70
    .byte \hi+0,\hi+1,\hi+2,\hi+3,\hi+4,\hi+5,\hi+6,\hi+7,\hi+8,\hi+9,\hi+10,\hi+11,\hi+12,\hi+13,\hi+14,\hi+15
    .endr
    .balign 8
lit_w:
    .word   0x89abcdef
    .word   0
lit_x:
    .quad   0x0123456789abcdef

    .bss
    .balign 16
wbuf:
    .skip   64
    .balign 16
big2:
    .skip   32768
