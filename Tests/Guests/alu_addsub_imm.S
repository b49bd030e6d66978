// ADD/ADDS/SUB/SUBS (immediate), CMP/CMN, MOV to/from SP; 32- and 64-bit.
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x0, #5
    add     x1, x0, #7
    CHECKX  x1, 12, "add x 5+7"
    add     x2, x0, #0xfff
    CHECKX  x2, 0x1004, "add x 5+0xfff"
    add     x3, x0, #0xabc, lsl #12
    CHECKX  x3, 0xabc005, "add x 5+0xabc<<12"
    add     x3, x0, #0xfff, lsl #12
    CHECKX  x3, 0xfff005, "add x 5+0xfff<<12"

    // 32-bit results wrap and zero-extend
    mov     x4, #-1
    add     w5, w4, #1
    CHECKX  x5, 0, "add w 0xffffffff+1"
    add     x6, x4, #1
    CHECKX  x6, 0, "add x -1+1"
    add     w7, w4, #2
    CHECKX  x7, 1, "add w 0xffffffff+2"
    movz    x8, #0xdead, lsl #48
    add     w8, w8, #3
    CHECKX  x8, 3, "add w clears upper"

    sub     x8, x0, #6
    CHECKX  x8, 0xffffffffffffffff, "sub x 5-6"
    sub     w9, w0, #6
    CHECKX  x9, 0xffffffff, "sub w 5-6"
    sub     x10, x0, #1, lsl #12
    CHECKX  x10, 0xfffffffffffff005, "sub x 5-0x1000"
    sub     w10, w0, #0x10, lsl #12
    CHECKX  x10, 0xffff0005, "sub w 5-0x10000"

    // SP as source and destination
    mov     x19, sp
    add     x12, sp, #16
    sub     x12, x12, x19
    CHECKX  x12, 16, "add x, sp, #16 - sp"
    sub     x12, sp, #0x20, lsl #12
    sub     x12, x19, x12
    CHECKX  x12, 0x20000, "sp - (sp - 0x20000)"
    mov     x13, sp                 // ADD x13, sp, #0
    sub     x13, x13, x19
    CHECKX  x13, 0, "mov x13, sp"
    sub     x0, x19, #64
    mov     sp, x0                  // ADD sp, x0, #0
    mov     x1, sp
    sub     x1, x19, x1
    CHECKX  x1, 64, "mov sp, x0 (sp-64)"
    add     sp, sp, #64
    mov     x1, sp
    sub     x1, x1, x19
    CHECKX  x1, 0, "add sp, sp, #64"
    add     w2, wsp, #4             // 32-bit, WSP source
    mov     w3, w19
    add     w3, w3, #4
    sub     x2, x2, x3
    CHECKX  x2, 0, "add w2, wsp, #4"

    // Flags, 64-bit
    mov     x0, #0
    adds    x1, x0, #0
    CHECK_NZCV 0x4, "adds 0+0 flags"
    subs    x1, x0, #1
    CHECK_NZCV 0x8, "subs 0-1 flags"
    CHECKX  x1, 0xffffffffffffffff, "subs 0-1"
    mov     x0, #1
    subs    x1, x0, #1
    CHECK_NZCV 0x6, "subs 1-1 flags"
    cmp     x0, #2
    CHECK_NZCV 0x8, "cmp 1,2 flags"
    cmp     x0, #0
    CHECK_NZCV 0x2, "cmp 1,0 flags"
    mov     x0, #0x7fffffffffffffff
    adds    x1, x0, #1
    CHECK_NZCV 0x9, "adds INT64_MAX+1 flags"
    CHECKX  x1, 0x8000000000000000, "adds INT64_MAX+1"
    mov     x0, #-1
    adds    x1, x0, #1
    CHECK_NZCV 0x6, "adds -1+1 flags"
    cmn     x0, #2
    CHECK_NZCV 0x2, "cmn -1,2 flags"
    mov     x0, #0x8000000000000000
    subs    x1, x0, #1
    CHECK_NZCV 0x3, "subs INT64_MIN-1 flags"
    CHECKX  x1, 0x7fffffffffffffff, "subs INT64_MIN-1"
    subs    x1, x0, #0
    CHECK_NZCV 0xa, "subs INT64_MIN-0 flags"
    mov     x0, #0xffffffffffff0000
    adds    x1, x0, #0x10, lsl #12
    CHECK_NZCV 0x6, "adds -0x10000+0x10000 flags"
    CHECKX  x1, 0, "adds -0x10000+0x10000"

    // Flags, 32-bit (upper bits of the source ignored, result zero-extended)
    mov     x0, #0x7fffffff
    adds    w1, w0, #1
    CHECK_NZCV 0x9, "adds w INT32_MAX+1 flags"
    CHECKX  x1, 0x80000000, "adds w INT32_MAX+1"
    mov     x0, #0xffffffff
    adds    w1, w0, #1
    CHECK_NZCV 0x6, "adds w 0xffffffff+1 flags"
    CHECKX  x1, 0, "adds w 0xffffffff+1"
    mov     x0, #0x80000000
    subs    w1, w0, #1
    CHECK_NZCV 0x3, "subs w INT32_MIN-1 flags"
    CHECKX  x1, 0x7fffffff, "subs w INT32_MIN-1"
    mov     x0, #0x100000000
    cmp     w0, #0              // low 32 bits are 0
    CHECK_NZCV 0x6, "cmp w (1<<32),0 flags"
    cmp     x0, #0
    CHECK_NZCV 0x2, "cmp x (1<<32),0 flags"
    ldr     x0, =0xffffffff00000005
    subs    w1, w0, #6
    CHECK_NZCV 0x8, "subs w 5-6 flags"
    CHECKX  x1, 0xffffffff, "subs w 5-6 (upper ignored)"
    cmn     w0, #0xffb, lsl #12     // 5 + 0xffb000 (no carry)
    CHECK_NZCV 0x0, "cmn w flags"

    // ADDS/SUBS with SP as source (Rn=31 is SP), destination XZR (CMP/CMN)
    adds    x1, sp, #0
    CHECK_NZCV 0x0, "adds x1, sp, #0 flags"
    sub     x1, x1, x19
    CHECKX  x1, 0, "adds x1, sp, #0 value"
    cmp     sp, #1
    CHECK_NZCV 0x2, "cmp sp, #1 flags"
    cmn     sp, #1
    CHECK_NZCV 0x0, "cmn sp, #1 flags"
    mov     x1, sp
    sub     x1, x1, x19
    CHECKX  x1, 0, "sp unchanged by cmp/cmn"
TEST_END alu_addsub_imm
