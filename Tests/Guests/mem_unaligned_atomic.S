// Misaligned exclusive, load-acquire/store-release and LSE atomic accesses
// raise an Alignment fault (data abort EC=0x25, DFSC=0x21, FAR = the
// address, ELR = the instruction) whatever the memory type, and store
// nothing. ESR is compared under a mask of EC|IL|WnR|DFSC. For atomics that
// read and write (LD<op>, SWP, CAS, CASP) WnR is 0: the Arm ARM reports the
// read when a read of the location would itself have faulted.
#include "asmtest.h"
    .arch armv8.1-a+lse

    .macro EXPECT_ALIGN wnr, faraddr, label
    EXC_LOAD x20, esr
    ldr     x21, =0xfe00007f
    and     x20, x20, x21
    CHECKX  x20, 0x96000021 | (\wnr << 6), "\label esr"
    EXC_LOAD x20, far
    sub     x20, x20, x9
    CHECKX  x20, \faraddr, "\label far - base"
    EXC_LOAD x20, elr
    ldr     x21, =1b
    sub     x20, x20, x21
    CHECKX  x20, 0, "\label elr"
    .endm

TEST_BEGIN
    EXC_RECORD 4
    adrp    x9, ubuf
    add     x9, x9, :lo12:ubuf
    ldr     x2, =0x0123456789abcdef
    stp     x2, x2, [x9]
    add     x1, x9, #4
1:  ldxr    x0, [x1]
    EXPECT_ALIGN 0, 4, "ldxr x +4"
    add     x1, x9, #2
1:  ldxr    w0, [x1]
    EXPECT_ALIGN 0, 2, "ldxr w +2"
    add     x1, x9, #1
1:  ldxrh   w0, [x1]
    EXPECT_ALIGN 0, 1, "ldxrh +1"
    add     x1, x9, #8
1:  ldxp    x0, x3, [x1]            // pair of X needs 16-byte alignment
    EXPECT_ALIGN 0, 8, "ldxp x +8"
    add     x1, x9, #4
1:  ldar    x0, [x1]
    EXPECT_ALIGN 0, 4, "ldar x +4"
    add     x1, x9, #6
1:  stlr    w2, [x1]
    EXPECT_ALIGN 1, 6, "stlr w +6"
    add     x1, x9, #1
1:  ldarh   w0, [x1]
    EXPECT_ALIGN 0, 1, "ldarh +1"
    add     x1, x9, #4
1:  ldadd   x2, x0, [x1]
    EXPECT_ALIGN 0, 4, "ldadd x +4"
    add     x1, x9, #2
1:  swp     w2, w0, [x1]
    EXPECT_ALIGN 0, 2, "swp w +2"
    add     x1, x9, #3
1:  casal   w0, w2, [x1]
    EXPECT_ALIGN 0, 3, "casal w +3"
    add     x1, x9, #1
1:  ldseth  w2, w0, [x1]
    EXPECT_ALIGN 0, 1, "ldseth +1"
    add     x1, x9, #8
1:  casp    x4, x5, x6, x7, [x1]
    EXPECT_ALIGN 0, 8, "casp x +8"
    EXC_LOAD x20, count
    CHECKX  x20, 12, "twelve alignment faults"
    ldp     x3, x4, [x9]
    CHECKX  x3, 0x0123456789abcdef, "memory unchanged (low)"
    CHECKX  x4, 0x0123456789abcdef, "memory unchanged (high)"
    EXC_FATAL
TEST_END mem_unaligned_atomic

    .bss
    .balign 64
ubuf:
    .skip   64
