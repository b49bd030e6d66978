// LDP/STP (W and X; signed offset incl. -512/+504, pre-/post-index),
// LDPSW, LDNP/STNP, XZR/WZR data, SP as base; aligned pairs straddling a
// 4 KiB page boundary (the elements are aligned, the pair crosses the page).
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    adrp    x1, pbuf                // 1 KiB, pbuf[i] = i (bytes, mod 256)
    add     x1, x1, :lo12:pbuf
    ldr     x9, =0xdeadbeefdeadbeef

    ldp     x2, x3, [x1]
    CHECKX  x2, 0x0706050403020100, "ldp x [0]"
    CHECKX  x3, 0x0f0e0d0c0b0a0908, "ldp x [8]"
    mov     x2, x9
    mov     x3, x9
    ldp     w2, w3, [x1, #8]
    CHECKX  x2, 0x0b0a0908, "ldp w [8] (zero-extended)"
    CHECKX  x3, 0x0f0e0d0c, "ldp w [12]"
    ldpsw   x2, x3, [x1, #0x7c]
    CHECKX  x2, 0x7f7e7d7c, "ldpsw positive"
    CHECKX  x3, 0xffffffff83828180, "ldpsw negative"
    add     x4, x1, #512
    ldp     x2, x3, [x4, #-512]
    CHECKX  x2, 0x0706050403020100, "ldp x #-512"
    sub     x5, x4, #16
    ldp     x2, x3, [x5, #504]
    CHECKX  x2, 0xefeeedecebeae9e8, "ldp x #504 first"
    CHECKX  x3, 0xf7f6f5f4f3f2f1f0, "ldp x #504 second"
    ldp     w2, w3, [x4, #-256]
    CHECKX  x2, 0x03020100, "ldp w #-256"
    ldp     w2, w3, [x4, #252]
    CHECKX  x2, 0xfffefdfc, "ldp w #252"
    CHECKX  x3, 0x03020100, "ldp w #252 second"
    ldpsw   x2, x3, [x4, #-256]
    CHECKX  x3, 0x07060504, "ldpsw #-256"
    ldnp    x2, x3, [x1, #16]
    CHECKX  x2, 0x1716151413121110, "ldnp x"
    CHECKX  x3, 0x1f1e1d1c1b1a1918, "ldnp x second"
    ldnp    w2, w3, [x1, #16]
    CHECKX  x3, 0x17161514, "ldnp w"

    // pre/post-index
    mov     x5, x1
    ldp     x2, x3, [x5, #16]!
    CHECKX  x2, 0x1716151413121110, "ldp pre-index"
    sub     x6, x5, x1
    CHECKX  x6, 16, "ldp pre-index writeback"
    ldp     x2, x3, [x5], #-16
    CHECKX  x3, 0x1f1e1d1c1b1a1918, "ldp post-index"
    CHECKR  x5, x1, "ldp post-index writeback"
    ldp     w2, w3, [x5, #-8]!
    ldp     w2, w3, [x5], #8
    CHECKR  x5, x1, "ldp w pre/post writeback"
    ldpsw   x2, x3, [x5, #128]!
    CHECKX  x2, 0xffffffff83828180, "ldpsw pre-index"
    ldpsw   x2, x3, [x5], #-128
    CHECKR  x5, x1, "ldpsw post-index writeback"

    // stores
    adrp    x7, sbuf
    add     x7, x7, :lo12:sbuf
    ldr     x2, =0x1111111111111111
    ldr     x3, =0x2222222222222222
    stp     x2, x3, [x7]
    stp     w3, w2, [x7, #16]
    stp     xzr, x2, [x7, #24]
    ldp     x10, x11, [x7]
    CHECKX  x10, 0x1111111111111111, "stp x first"
    CHECKX  x11, 0x2222222222222222, "stp x second"
    ldp     x10, x11, [x7, #16]
    CHECKX  x10, 0x1111111122222222, "stp w"
    CHECKX  x11, 0, "stp xzr"
    ldr     x10, [x7, #32]
    CHECKX  x10, 0x1111111111111111, "stp x2 second"
    stnp    x3, x2, [x7, #48]
    stnp    wzr, w3, [x7, #64]
    ldp     x10, x11, [x7, #48]
    CHECKX  x10, 0x2222222222222222, "stnp x"
    ldr     x10, [x7, #64]
    CHECKX  x10, 0x2222222200000000, "stnp w"
    mov     x5, x7
    stp     x2, x3, [x5, #80]!
    stp     x3, x2, [x5], #16
    sub     x6, x5, x7
    CHECKX  x6, 96, "stp pre/post writeback"
    ldp     x10, x11, [x7, #80]
    CHECKX  x10, 0x2222222222222222, "stp post-index overwrote"
    stp     w2, w3, [x5, #-4]!
    sub     x6, x5, x7
    CHECKX  x6, 92, "stp w pre-index -4"
    ldr     x10, [x7, #88]
    CHECKX  x10, 0x1111111111111111, "stp w pre-index -4 memory"

    // SP as base: push/pop
    mov     x19, sp
    stp     x2, x3, [sp, #-16]!
    stp     x9, xzr, [sp, #-16]!
    ldp     x10, x11, [sp, #16]
    CHECKX  x11, 0x2222222222222222, "ldp [sp, #16]"
    ldp     x10, x11, [sp], #16
    CHECKX  x10, 0xdeadbeefdeadbeef, "pop first"
    CHECKX  x11, 0, "pop second"
    ldp     x10, x11, [sp], #16
    CHECKX  x10, 0x1111111111111111, "pop 2 first"
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "sp restored"

    // pairs straddling a 4 KiB page boundary (elements aligned)
    adrp    x8, pages
    add     x8, x8, :lo12:pages
    add     x8, x8, #0xff8
    ldr     x2, =0xaaaaaaaaaaaaaaaa
    ldr     x3, =0xbbbbbbbbbbbbbbbb
    stp     x2, x3, [x8]            // 0x...ff8 and 0x...000
    ldr     x10, [x8]
    ldr     x11, [x8, #8]
    CHECKX  x10, 0xaaaaaaaaaaaaaaaa, "stp across page: low"
    CHECKX  x11, 0xbbbbbbbbbbbbbbbb, "stp across page: high"
    ldp     x11, x10, [x8]
    CHECKX  x11, 0xaaaaaaaaaaaaaaaa, "ldp across page: low"
    CHECKX  x10, 0xbbbbbbbbbbbbbbbb, "ldp across page: high"
    ldp     w10, w11, [x8, #4]      // 0x...ffc and 0x...000
    CHECKX  x10, 0xaaaaaaaa, "ldp w across page: low"
    CHECKX  x11, 0xbbbbbbbb, "ldp w across page: high"
    mov     w12, #0x1234
    mov     w13, #0x5678
    stp     w12, w13, [x8, #4]
    ldp     x10, x11, [x8]
    CHECKX  x10, 0x00001234aaaaaaaa, "stp w across page: low"
    CHECKX  x11, 0xbbbbbbbb00005678, "stp w across page: high"
    ldpsw   x10, x11, [x8, #4]
    CHECKX  x10, 0x1234, "ldpsw across page"
    mov     x5, x8
    stp     x3, x2, [x5, #-8]!      // pre-index pair ending at 0x...ff8+8
    ldp     x10, x11, [x5], #16     // post-index across the boundary
    CHECKX  x11, 0xaaaaaaaaaaaaaaaa, "pre-index stp below boundary"
    sub     x6, x5, x8
    CHECKX  x6, 8, "post-index writeback across page"
    ldr     x10, [x8, #8]
    CHECKX  x10, 0xbbbbbbbb00005678, "page 2 word untouched"
TEST_END mem_pairs

    .data
    .balign 16
pbuf:
    .irp i, 0,1,2,3
    .irp j, 0,16,32,48,64,80,96,112,128,144,160,176,192,208,224,240
    .byte \j+0,\j+1,\j+2,\j+3,\j+4,\j+5,\j+6,\j+7,\j+8,\j+9,\j+10,\j+11,\j+12,\j+13,\j+14,\j+15
    .endr
    .endr

    .bss
    .balign 16
sbuf:
    .skip   128
    .balign 4096
pages:
    .skip   8192
