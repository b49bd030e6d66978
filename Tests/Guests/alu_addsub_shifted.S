// ADD/ADDS/SUB/SUBS (shifted register) with LSL/LSR/ASR, NEG/NEGS, CMP/CMN
// shifted; Rn/Rd = 31 is XZR in this form (not SP).
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x0, #100
    mov     x1, #3
    add     x2, x0, x1, lsl #4
    CHECKX  x2, 148, "add x 100+(3<<4)"
    add     x2, x0, x1, lsl #63
    CHECKX  x2, 0x8000000000000064, "add x 100+(3<<63)"
    mov     x1, #0xf000000000000000
    add     x2, x0, x1, lsr #60
    CHECKX  x2, 115, "add x 100+(0xf..>>60 lsr)"
    add     x2, x0, x1, asr #60
    CHECKX  x2, 99, "add x 100+(0xf..>>60 asr)"
    add     x2, x0, x1, asr #63
    CHECKX  x2, 99, "add x 100+(neg asr 63)"
    add     x2, x0, x1, lsr #63
    CHECKX  x2, 101, "add x 100+(lsr 63)"
    sub     x2, x0, x1, asr #62
    CHECKX  x2, 101, "sub x 100-(asr 62)"

    // 32-bit: shift applies to the W operand only
    mov     x1, #0x1ffffffff
    add     w2, w0, w1, lsl #31
    CHECKX  x2, 0x80000064, "add w 100+(w1<<31)"
    add     w2, w0, w1, lsr #31
    CHECKX  x2, 101, "add w 100+(w1 lsr 31)"
    add     w2, w0, w1, asr #31
    CHECKX  x2, 99, "add w 100+(w1 asr 31)"
    mov     w3, #0x80000000
    sub     w2, w0, w3, asr #4
    CHECKX  x2, 0x08000064, "sub w 100-(0x80000000 asr 4)"
    sub     w2, w0, w3, lsr #4
    CHECKX  x2, 0xf8000064, "sub w 100-(0x80000000 lsr 4)"

    // XZR as operand / destination
    mov     x1, #5
    add     x2, xzr, x1, lsl #3
    CHECKX  x2, 40, "add x2, xzr, x1 lsl 3"
    neg     x2, x1
    CHECKX  x2, 0xfffffffffffffffb, "neg x 5"
    neg     w2, w1
    CHECKX  x2, 0xfffffffb, "neg w 5"
    neg     x2, x1, lsl #2
    CHECKX  x2, 0xffffffffffffffec, "neg x 5<<2"
    mov     x1, #0x8000000000000000
    negs    x2, x1
    CHECK_NZCV 0x9, "negs INT64_MIN flags"
    CHECKX  x2, 0x8000000000000000, "negs INT64_MIN"
    negs    x2, xzr
    CHECK_NZCV 0x6, "negs 0 flags"
    mov     x1, #1
    negs    x2, x1
    CHECK_NZCV 0x8, "negs 1 flags"
    mov     w1, #0x80000000
    negs    w2, w1
    CHECK_NZCV 0x9, "negs w INT32_MIN flags"
    CHECKX  x2, 0x80000000, "negs w INT32_MIN"
    adds    xzr, x0, x0         // CMN x0, x0 -> result discarded
    CHECK_NZCV 0x0, "cmn x0,x0 flags"
    CHECKX  xzr, 0, "xzr reads 0"

    // flags with shifted operands
    mov     x0, #1
    mov     x1, #1
    subs    x2, x0, x1, lsl #1          // 1 - 2
    CHECK_NZCV 0x8, "subs 1-(1<<1) flags"
    cmp     x0, x1, lsr #1              // 1 - 0
    CHECK_NZCV 0x2, "cmp 1,(1>>1) flags"
    mov     x1, #-1
    cmn     x0, x1, lsr #1              // 1 + INT64_MAX
    CHECK_NZCV 0x9, "cmn 1,(-1 lsr 1) flags"
    adds    x2, x1, x1, lsl #63         // -1 + INT64_MIN
    CHECK_NZCV 0x3, "adds -1+INT64_MIN flags"
    CHECKX  x2, 0x7fffffffffffffff, "adds -1+INT64_MIN"
    adds    x2, x1, x1, asr #63         // -1 + -1
    CHECK_NZCV 0xa, "adds -1+-1 flags"
    CHECKX  x2, 0xfffffffffffffffe, "adds -1+-1"
    mov     w1, #0x40000000
    adds    w2, w1, w1                  // 0x40000000*2
    CHECK_NZCV 0x9, "adds w 2^30+2^30 flags"
    adds    w2, w1, w1, lsl #1          // 0x40000000 + 0x80000000
    CHECK_NZCV 0x8, "adds w 2^30+2^31 flags"
    adds    w2, w1, w1, lsl #2          // 0x40000000 + 0 (shifted out)
    CHECK_NZCV 0x0, "adds w 2^30+(2^30<<2) flags"
    CHECKX  x2, 0x40000000, "adds w 2^30+(2^30<<2)"
    subs    w2, w1, w1, asr #30         // 0x40000000 - 1
    CHECK_NZCV 0x2, "subs w flags"
    mov     x3, #0xffffffff00000000
    subs    w2, w3, w3                  // low parts 0 - 0
    CHECK_NZCV 0x6, "subs w (upper ignored) flags"
TEST_END alu_addsub_shifted
