// Exclusives: LDXR/STXR (B/H/W/X) success returns 0 and stores; STXR with no
// preceding LDXR fails (1) and does not store; LDXR; CLREX; STXR fails;
// a second STXR after a successful one fails; LDXP/STXP (W and X);
// LDAXR/STLXR, LDAXP/STLXP; LDAR/STLR (B/H/W/X), LDAPR (RCpc);
// status register W write zero-extends; a LDXR/STXR increment loop.
#include "asmtest.h"
    .arch armv8.3-a+rcpc

TEST_BEGIN
    adrp    x1, xbuf
    add     x1, x1, :lo12:xbuf
    ldr     x9, =0xdeadbeefdeadbeef
    ldr     x3, =0x0123456789abcdef
    str     x3, [x1]
    add     x14, x1, #2
    add     x15, x1, #4
    add     x16, x1, #6
    add     x17, x1, #7
    add     x18, x1, #16

    // success
    ldxr    x0, [x1]
    CHECKX  x0, 0x0123456789abcdef, "ldxr x"
    ldr     x4, =0x1111222233334444
    mov     x2, x9
    stxr    w2, x4, [x1]
    CHECKX  x2, 0, "stxr after ldxr succeeds (status zero-extended)"
    ldr     x0, [x1]
    CHECKX  x0, 0x1111222233334444, "stxr stored"
    // second stxr without a new ldxr fails
    mov     x2, x9
    stxr    w2, x3, [x1]
    CHECKX  x2, 1, "second stxr fails"
    ldr     x0, [x1]
    CHECKX  x0, 0x1111222233334444, "failed stxr did not store"
    // clrex between ldxr and stxr
    ldxr    x0, [x1]
    clrex
    stxr    w2, x3, [x1]
    CHECKX  x2, 1, "stxr after clrex fails"
    ldr     x0, [x1]
    CHECKX  x0, 0x1111222233334444, "memory unchanged after clrex"
    clrex   #0xf

    // byte, halfword, word
    mov     x0, x9
    ldxrb   w0, [x1]
    CHECKX  x0, 0x44, "ldxrb (zero-extended)"
    mov     w5, #0xff
    stxrb   w2, w5, [x1]
    CHECKX  x2, 0, "stxrb"
    mov     x0, x9
    ldxrh   w0, [x14]
    CHECKX  x0, 0x3333, "ldxrh"
    mov     w5, #0xabcd
    stxrh   w2, w5, [x14]
    CHECKX  x2, 0, "stxrh"
    mov     x0, x9
    ldxr    w0, [x15]
    CHECKX  x0, 0x11112222, "ldxr w"
    mov     w5, #0x7777
    stxr    w2, w5, [x15]
    CHECKX  x2, 0, "stxr w"
    ldr     x0, [x1]
    CHECKX  x0, 0x00007777abcd44ff, "memory after b/h/w exclusives"
    stxrb   w2, w5, [x1]
    CHECKX  x2, 1, "stxrb without ldxrb fails"

    // acquire/release exclusives
    ldaxr   x0, [x1]
    CHECKX  x0, 0x00007777abcd44ff, "ldaxr"
    stlxr   w2, x3, [x1]
    CHECKX  x2, 0, "stlxr"
    ldaxrb  w0, [x17]
    stlxrb  w2, wzr, [x17]
    CHECKX  x2, 0, "stlxrb"
    ldaxrh  w0, [x16]
    CHECKX  x0, 0x0023, "ldaxrh"
    stlxrh  w2, w0, [x16]
    CHECKX  x2, 0, "stlxrh"
    ldr     x0, [x1]
    CHECKX  x0, 0x0023456789abcdef, "memory after acquire/release exclusives"

    // pairs (16-byte aligned for X, 8-byte for W)
    ldr     x4, =0x5555555555555555
    ldr     x5, =0x6666666666666666
    stp     x4, x5, [x1, #16]
    ldxp    x6, x7, [x18]
    CHECKX  x6, 0x5555555555555555, "ldxp x first"
    CHECKX  x7, 0x6666666666666666, "ldxp x second"
    stxp    w2, x5, x4, [x18]
    CHECKX  x2, 0, "stxp x"
    ldp     x6, x7, [x1, #16]
    CHECKX  x6, 0x6666666666666666, "stxp stored first"
    CHECKX  x7, 0x5555555555555555, "stxp stored second"
    stxp    w2, x4, x4, [x18]
    CHECKX  x2, 1, "stxp without ldxp fails"
    mov     x6, x9
    mov     x7, x9
    ldxp    w6, w7, [x18]
    CHECKX  x6, 0x66666666, "ldxp w first"
    CHECKX  x7, 0x66666666, "ldxp w second"
    mov     w8, #1
    stxp    w2, w8, wzr, [x18]
    CHECKX  x2, 0, "stxp w"
    ldr     x0, [x1, #16]
    CHECKX  x0, 0x0000000000000001, "stxp w stored"
    ldaxp   x6, x7, [x18]
    stlxp   w2, x7, x6, [x18]
    CHECKX  x2, 0, "ldaxp/stlxp"
    ldp     x6, x7, [x1, #16]
    CHECKX  x6, 0x5555555555555555, "stlxp stored first"
    CHECKX  x7, 0x0000000000000001, "stlxp stored second"

    // LDAR/STLR/LDAPR
    add     x10, x1, #32            // only base register addressing
    stlr    x3, [x10]
    mov     x0, x9
    ldar    x0, [x10]
    CHECKX  x0, 0x0123456789abcdef, "stlr/ldar x"
    mov     x0, x9
    ldar    w0, [x10]
    CHECKX  x0, 0x89abcdef, "ldar w"
    ldarb   w0, [x10]
    CHECKX  x0, 0xef, "ldarb"
    ldarh   w0, [x10]
    CHECKX  x0, 0xcdef, "ldarh"
    stlrb   wzr, [x10]
    mov     w5, #0x1234
    add     x11, x10, #2
    stlrh   w5, [x11]
    add     x11, x10, #4
    stlr    w5, [x11]
    ldr     x0, [x10]
    CHECKX  x0, 0x000012341234cd00, "stlrb/stlrh/stlr w"
    mov     x0, x9
    ldapr   x0, [x10]
    CHECKX  x0, 0x000012341234cd00, "ldapr x"
    mov     x0, x9
    ldapr   w0, [x10]
    CHECKX  x0, 0x1234cd00, "ldapr w"
    ldaprb  w0, [x10]
    CHECKX  x0, 0x00, "ldaprb"
    ldaprh  w0, [x11]
    CHECKX  x0, 0x1234, "ldaprh"
    mov     x12, sp
    str     x3, [sp, #-16]!
    ldar    x0, [sp]                // SP as base
    add     sp, sp, #16
    CHECKX  x0, 0x0123456789abcdef, "ldar [sp]"

    // atomic increment loop
    str     xzr, [x1, #48]
    add     x10, x1, #48
    mov     x13, #100
1:  ldaxr   x0, [x10]
    add     x0, x0, #3
    stlxr   w2, x0, [x10]
    cbnz    w2, 1b
    subs    x13, x13, #1
    b.ne    1b
    ldr     x0, [x10]
    CHECKX  x0, 300, "ldaxr/stlxr increment loop"
TEST_END mem_exclusive

    .bss
    .balign 64
xbuf:
    .skip   128
