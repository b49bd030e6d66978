// ADD/ADDS/SUB/SUBS (extended register): UXTB..SXTX with shift 0..4, 32- and
// 64-bit, SP as source and destination (Rd=31 is SP for ADD/SUB, XZR for
// ADDS/SUBS; Rn=31 is SP). Expected values computed independently (Python).
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x1, #0x1000
    ldr     x2, =0x123456789abcdef
    add     x0, x1, w2, uxtb #0
    CHECKX  x0, 0x10ef, "add x uxtb #0"
    add     x0, x1, w2, uxtb #1
    CHECKX  x0, 0x11de, "add x uxtb #1"
    add     x0, x1, w2, uxtb #2
    CHECKX  x0, 0x13bc, "add x uxtb #2"
    add     x0, x1, w2, uxtb #3
    CHECKX  x0, 0x1778, "add x uxtb #3"
    add     x0, x1, w2, uxtb #4
    CHECKX  x0, 0x1ef0, "add x uxtb #4"
    sub     x0, x1, w2, uxtb #0
    CHECKX  x0, 0xf11, "sub x uxtb #0"
    add     w0, w1, w2, uxtb #0
    CHECKX  x0, 0x10ef, "add w uxtb #0"
    sub     w0, w1, w2, uxtb #2
    CHECKX  x0, 0xc44, "sub w uxtb #2"
    add     x0, x1, w2, uxth #0
    CHECKX  x0, 0xddef, "add x uxth #0"
    add     x0, x1, w2, uxth #1
    CHECKX  x0, 0x1abde, "add x uxth #1"
    add     x0, x1, w2, uxth #2
    CHECKX  x0, 0x347bc, "add x uxth #2"
    add     x0, x1, w2, uxth #3
    CHECKX  x0, 0x67f78, "add x uxth #3"
    add     x0, x1, w2, uxth #4
    CHECKX  x0, 0xceef0, "add x uxth #4"
    sub     x0, x1, w2, uxth #1
    CHECKX  x0, 0xfffffffffffe7422, "sub x uxth #1"
    add     w0, w1, w2, uxth #1
    CHECKX  x0, 0x1abde, "add w uxth #1"
    sub     w0, w1, w2, uxth #3
    CHECKX  x0, 0xfff9a088, "sub w uxth #3"
    add     x0, x1, w2, uxtw #0
    CHECKX  x0, 0x89abddef, "add x uxtw #0"
    add     x0, x1, w2, uxtw #1
    CHECKX  x0, 0x11357abde, "add x uxtw #1"
    add     x0, x1, w2, uxtw #2
    CHECKX  x0, 0x226af47bc, "add x uxtw #2"
    add     x0, x1, w2, uxtw #3
    CHECKX  x0, 0x44d5e7f78, "add x uxtw #3"
    add     x0, x1, w2, uxtw #4
    CHECKX  x0, 0x89abceef0, "add x uxtw #4"
    sub     x0, x1, w2, uxtw #2
    CHECKX  x0, 0xfffffffdd950d844, "sub x uxtw #2"
    add     w0, w1, w2, uxtw #2
    CHECKX  x0, 0x26af47bc, "add w uxtw #2"
    sub     w0, w1, w2, uxtw #4
    CHECKX  x0, 0x65433110, "sub w uxtw #4"
    add     x0, x1, x2, uxtx #0
    CHECKX  x0, 0x123456789abddef, "add x uxtx #0"
    add     x0, x1, x2, uxtx #1
    CHECKX  x0, 0x2468acf1357abde, "add x uxtx #1"
    add     x0, x1, x2, uxtx #2
    CHECKX  x0, 0x48d159e26af47bc, "add x uxtx #2"
    add     x0, x1, x2, uxtx #3
    CHECKX  x0, 0x91a2b3c4d5e7f78, "add x uxtx #3"
    add     x0, x1, x2, uxtx #4
    CHECKX  x0, 0x123456789abceef0, "add x uxtx #4"
    sub     x0, x1, x2, uxtx #3
    CHECKX  x0, 0xf6e5d4c3b2a1a088, "sub x uxtx #3"
    add     w0, w1, w2, uxtx #3
    CHECKX  x0, 0x4d5e7f78, "add w uxtx #3"
    sub     w0, w1, w2, uxtx #0
    CHECKX  x0, 0x76544211, "sub w uxtx #0"
    add     x0, x1, w2, sxtb #0
    CHECKX  x0, 0xfef, "add x sxtb #0"
    add     x0, x1, w2, sxtb #1
    CHECKX  x0, 0xfde, "add x sxtb #1"
    add     x0, x1, w2, sxtb #2
    CHECKX  x0, 0xfbc, "add x sxtb #2"
    add     x0, x1, w2, sxtb #3
    CHECKX  x0, 0xf78, "add x sxtb #3"
    add     x0, x1, w2, sxtb #4
    CHECKX  x0, 0xef0, "add x sxtb #4"
    sub     x0, x1, w2, sxtb #4
    CHECKX  x0, 0x1110, "sub x sxtb #4"
    add     w0, w1, w2, sxtb #4
    CHECKX  x0, 0xef0, "add w sxtb #4"
    sub     w0, w1, w2, sxtb #1
    CHECKX  x0, 0x1022, "sub w sxtb #1"
    add     x0, x1, w2, sxth #0
    CHECKX  x0, 0xffffffffffffddef, "add x sxth #0"
    add     x0, x1, w2, sxth #1
    CHECKX  x0, 0xffffffffffffabde, "add x sxth #1"
    add     x0, x1, w2, sxth #2
    CHECKX  x0, 0xffffffffffff47bc, "add x sxth #2"
    add     x0, x1, w2, sxth #3
    CHECKX  x0, 0xfffffffffffe7f78, "add x sxth #3"
    add     x0, x1, w2, sxth #4
    CHECKX  x0, 0xfffffffffffceef0, "add x sxth #4"
    sub     x0, x1, w2, sxth #0
    CHECKX  x0, 0x4211, "sub x sxth #0"
    add     w0, w1, w2, sxth #0
    CHECKX  x0, 0xffffddef, "add w sxth #0"
    sub     w0, w1, w2, sxth #2
    CHECKX  x0, 0xd844, "sub w sxth #2"
    add     x0, x1, w2, sxtw #0
    CHECKX  x0, 0xffffffff89abddef, "add x sxtw #0"
    add     x0, x1, w2, sxtw #1
    CHECKX  x0, 0xffffffff1357abde, "add x sxtw #1"
    add     x0, x1, w2, sxtw #2
    CHECKX  x0, 0xfffffffe26af47bc, "add x sxtw #2"
    add     x0, x1, w2, sxtw #3
    CHECKX  x0, 0xfffffffc4d5e7f78, "add x sxtw #3"
    add     x0, x1, w2, sxtw #4
    CHECKX  x0, 0xfffffff89abceef0, "add x sxtw #4"
    sub     x0, x1, w2, sxtw #1
    CHECKX  x0, 0xeca87422, "sub x sxtw #1"
    add     w0, w1, w2, sxtw #1
    CHECKX  x0, 0x1357abde, "add w sxtw #1"
    sub     w0, w1, w2, sxtw #3
    CHECKX  x0, 0xb2a1a088, "sub w sxtw #3"
    add     x0, x1, x2, sxtx #0
    CHECKX  x0, 0x123456789abddef, "add x sxtx #0"
    add     x0, x1, x2, sxtx #1
    CHECKX  x0, 0x2468acf1357abde, "add x sxtx #1"
    add     x0, x1, x2, sxtx #2
    CHECKX  x0, 0x48d159e26af47bc, "add x sxtx #2"
    add     x0, x1, x2, sxtx #3
    CHECKX  x0, 0x91a2b3c4d5e7f78, "add x sxtx #3"
    add     x0, x1, x2, sxtx #4
    CHECKX  x0, 0x123456789abceef0, "add x sxtx #4"
    sub     x0, x1, x2, sxtx #2
    CHECKX  x0, 0xfb72ea61d950d844, "sub x sxtx #2"
    add     w0, w1, w2, sxtx #2
    CHECKX  x0, 0x26af47bc, "add w sxtx #2"
    sub     w0, w1, w2, sxtx #4
    CHECKX  x0, 0x65433110, "sub w sxtx #4"

    // flags
    ldr     x3, =0x10ef
    subs    x0, x3, w2, uxtb #0
    CHECK_NZCV 0x2, "subs x 0x10ef uxtb #0 flags"
    CHECKX  x0, 0x1000, "subs x 0x10ef uxtb #0"
    ldr     x3, =0x10ee
    subs    x0, x3, w2, uxtb #0
    CHECK_NZCV 0x2, "subs x 0x10ee uxtb #0 flags"
    CHECKX  x0, 0xfff, "subs x 0x10ee uxtb #0"
    ldr     x3, =0xfef
    subs    x0, x3, w2, sxtb #0
    CHECK_NZCV 0x0, "subs x 0xfef sxtb #0 flags"
    CHECKX  x0, 0x1000, "subs x 0xfef sxtb #0"
    ldr     x3, =0x11
    adds    x0, x3, w2, sxtb #0
    CHECK_NZCV 0x6, "adds x 0x11 sxtb #0 flags"
    CHECKX  x0, 0x0, "adds x 0x11 sxtb #0"
    ldr     x3, =0x10
    adds    x0, x3, w2, sxtb #0
    CHECK_NZCV 0x8, "adds x 0x10 sxtb #0 flags"
    CHECKX  x0, 0xffffffffffffffff, "adds x 0x10 sxtb #0"
    ldr     x3, =0x7654
    adds    w0, w3, w2, sxth #1
    CHECK_NZCV 0x2, "adds w 0x7654 sxth #1 flags"
    CHECKX  x0, 0x1232, "adds w 0x7654 sxth #1"
    ldr     x3, =0x1000
    subs    w0, w3, w2, sxtw #2
    CHECK_NZCV 0x8, "subs w 0x1000 sxtw #2 flags"
    CHECKX  x0, 0xd950d844, "subs w 0x1000 sxtw #2"
    ldr     x3, =0x1000
    subs    x0, x3, w2, sxtw #2
    CHECK_NZCV 0x0, "subs x 0x1000 sxtw #2 flags"
    CHECKX  x0, 0x1d950d844, "subs x 0x1000 sxtw #2"
    ldr     x3, =0x0
    adds    x0, x3, w2, uxtw #0
    CHECK_NZCV 0x0, "adds x 0x0 uxtw #0 flags"
    CHECKX  x0, 0x89abcdef, "adds x 0x0 uxtw #0"
    ldr     x3, =0x8000000000000000
    subs    x0, x3, x2, sxtx #0
    CHECK_NZCV 0x3, "subs x 0x8000000000000000 sxtx #0 flags"
    CHECKX  x0, 0x7edcba9876543211, "subs x 0x8000000000000000 sxtx #0"
    ldr     x3, =0x1
    subs    w0, w3, w2, uxth #4
    CHECK_NZCV 0x8, "subs w 0x1 uxth #4 flags"
    CHECKX  x0, 0xfff32111, "subs w 0x1 uxth #4"

    // SP as an operand
    mov     x19, sp
    add     x0, sp, w2, uxtb
    sub     x0, x0, x19
    CHECKX  x0, 0xef, "add x0, sp, w2, uxtb"
    add     x0, sp, x1, lsl #3          // UXTX #3 (LSL alias with SP)
    sub     x0, x0, x19
    CHECKX  x0, 0x8000, "add x0, sp, x1, lsl #3"
    add     x0, sp, w2, sxtb #2
    sub     x0, x19, x0
    CHECKX  x0, 68, "add x0, sp, w2, sxtb #2"
    sub     sp, sp, x1                  // SUB sp, sp, x1, UXTX
    mov     x0, sp
    sub     x0, x19, x0
    CHECKX  x0, 0x1000, "sub sp, sp, x1"
    add     sp, sp, w1, uxth
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "add sp, sp, w1, uxth"
    mov     x4, #0x20
    sub     x5, x19, #0x20
    add     sp, x5, x4, uxtx            // Rd = SP, Rn = x5 (extended form)
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "add sp, x5, x4, uxtx"
    cmp     sp, x19                     // SUBS xzr, sp, x19, UXTX
    CHECK_NZCV 0x6, "cmp sp, x19 flags"
    cmp     sp, w2, uxtb
    CHECK_NZCV 0x2, "cmp sp, w2, uxtb flags"
    adds    x0, sp, x1, uxtx #1
    CHECK_NZCV 0x0, "adds x0, sp, x1, uxtx #1 flags"
    sub     x0, x0, x19
    CHECKX  x0, 0x2000, "adds x0, sp, x1, uxtx #1"
    add     w0, wsp, w1, uxtw
    mov     w3, w19
    add     w3, w3, #0x1000
    sub     x0, x0, x3
    CHECKX  x0, 0, "add w0, wsp, w1, uxtw"
TEST_END alu_addsub_ext
