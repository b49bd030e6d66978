// ADC/ADCS/SBC/SBCS/NGC/NGCS, 32- and 64-bit, all flag outcomes (signed
// overflow, unsigned carry), with C preset both ways and N/Z/V preset to the
// opposite of the expected result. Non-flag-setting forms must leave NZCV.
// Expected values computed independently (Python model of AddWithCarry).
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    ldr     x1, =0x0
    ldr     x2, =0x0
    mov     x9, #0x90000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x4, "adcs x 0x0,0x0 C=0 flags"
    CHECKX  x0, 0x0, "adcs x 0x0,0x0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x9, "adc x leaves flags"
    CHECKQ  x3, 0x0, "adc x 0x0,0x0 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x0
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x0 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x0,0x0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x0,0x0 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x0 C=1 flags"
    CHECKX  x0, 0x1, "adcs x 0x0,0x0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x1, "adc x 0x0,0x0 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x0
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x0,0x0 C=1 flags"
    CHECKX  x0, 0x0, "sbcs x 0x0,0x0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xb, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x0,0x0 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x1
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x1 C=0 flags"
    CHECKX  x0, 0x1, "adcs x 0x0,0x1 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x1, "adc x 0x0,0x1 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x1
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x1 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0x0,0x1 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0x0,0x1 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x1
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x1 C=1 flags"
    CHECKX  x0, 0x2, "adcs x 0x0,0x1 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x2, "adc x 0x0,0x1 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x1
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x1 C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x0,0x1 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x0,0x1 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x2
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x2 C=0 flags"
    CHECKX  x0, 0x2, "adcs x 0x0,0x2 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x2, "adc x 0x0,0x2 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x2
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x2 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffd, "sbcs x 0x0,0x2 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffd, "sbc x 0x0,0x2 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x2
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x2 C=1 flags"
    CHECKX  x0, 0x3, "adcs x 0x0,0x2 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x3, "adc x 0x0,0x2 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x2
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x2 C=1 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0x0,0x2 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0x0,0x2 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0x7fffffffffffffff, "adcs x 0x0,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "adc x 0x0,0x7fffffffffffffff C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0x8000000000000000, "sbcs x 0x0,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "sbc x 0x0,0x7fffffffffffffff C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x0,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x8000000000000000, "adcs x 0x0,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "adc x 0x0,0x7fffffffffffffff C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x8000000000000001, "sbcs x 0x0,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000001, "sbc x 0x0,0x7fffffffffffffff C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x8000000000000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x0,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0x8000000000000000, "adcs x 0x0,0x8000000000000000 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "adc x 0x0,0x8000000000000000 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x8000000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x0, "sbcs x 0x0,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0x7fffffffffffffff, "sbcs x 0x0,0x8000000000000000 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "sbc x 0x0,0x8000000000000000 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x8000000000000000
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x0,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x8000000000000001, "adcs x 0x0,0x8000000000000000 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x7, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000001, "adc x 0x0,0x8000000000000000 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x8000000000000000
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x0,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x8000000000000000, "sbcs x 0x0,0x8000000000000000 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x6, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "sbc x 0x0,0x8000000000000000 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x0,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0x0,0xffffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0x0,0xffffffffffffffff C=0" 
    ldr     x1, =0x0
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x90000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x4, "sbcs x 0x0,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0x0, "sbcs x 0x0,0xffffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x9, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x0,0xffffffffffffffff C=0" 
    ldr     x1, =0x0
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0xb0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x6, "adcs x 0x0,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0x0, "adcs x 0x0,0xffffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xb, "adc x leaves flags"
    CHECKQ  x3, 0x0, "adc x 0x0,0xffffffffffffffff C=1" 
    ldr     x1, =0x0
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x0, "sbcs x 0x0,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0x1, "sbcs x 0x0,0xffffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x1, "sbc x 0x0,0xffffffffffffffff C=1" 
    ldr     x1, =0x0
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x0,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "adcs x 0x0,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "adc x 0x0,0xfffffffffffffffe C=0" 
    ldr     x1, =0x0
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x0, "sbcs x 0x0,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0x1, "sbcs x 0x0,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x1, "sbc x 0x0,0xfffffffffffffffe C=0" 
    ldr     x1, =0x0
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x0,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0x0,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x7, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0x0,0xfffffffffffffffe C=1" 
    ldr     x1, =0x0
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x0, "sbcs x 0x0,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0x2, "sbcs x 0x0,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x2, "sbc x 0x0,0xfffffffffffffffe C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0x123456789abcdef0, "adcs x 0x0,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x123456789abcdef0, "adc x 0x0,0x123456789abcdef0 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0xedcba9876543210f, "sbcs x 0x0,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xedcba9876543210f, "sbc x 0x0,0x123456789abcdef0 C=0" 
    ldr     x1, =0x0
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x0,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0x123456789abcdef1, "adcs x 0x0,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x123456789abcdef1, "adc x 0x0,0x123456789abcdef0 C=1" 
    ldr     x1, =0x0
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x0,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0xedcba98765432110, "sbcs x 0x0,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xedcba98765432110, "sbc x 0x0,0x123456789abcdef0 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x0 C=0 flags"
    CHECKX  x0, 0x1, "adcs x 0x1,0x0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x1, "adc x 0x1,0x0 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x0
    mov     x9, #0x90000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x1,0x0 C=0 flags"
    CHECKX  x0, 0x0, "sbcs x 0x1,0x0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x9, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x1,0x0 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x0 C=1 flags"
    CHECKX  x0, 0x2, "adcs x 0x1,0x0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x2, "adc x 0x1,0x0 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x1,0x0 C=1 flags"
    CHECKX  x0, 0x1, "sbcs x 0x1,0x0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x1, "sbc x 0x1,0x0 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x1
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x1 C=0 flags"
    CHECKX  x0, 0x2, "adcs x 0x1,0x1 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x2, "adc x 0x1,0x1 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x1
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x1,0x1 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x1,0x1 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x1,0x1 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x1
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x1 C=1 flags"
    CHECKX  x0, 0x3, "adcs x 0x1,0x1 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x3, "adc x 0x1,0x1 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x1
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x1,0x1 C=1 flags"
    CHECKX  x0, 0x0, "sbcs x 0x1,0x1 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xb, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x1,0x1 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x2
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x2 C=0 flags"
    CHECKX  x0, 0x3, "adcs x 0x1,0x2 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x3, "adc x 0x1,0x2 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x2
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x1,0x2 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0x1,0x2 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0x1,0x2 C=0" 
    ldr     x1, =0x1
    ldr     x2, =0x2
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x1,0x2 C=1 flags"
    CHECKX  x0, 0x4, "adcs x 0x1,0x2 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x4, "adc x 0x1,0x2 C=1" 
    ldr     x1, =0x1
    ldr     x2, =0x2
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x1,0x2 C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x1,0x2 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x1,0x2 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x0 C=0 flags"
    CHECKX  x0, 0x2, "adcs x 0x2,0x0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x2, "adc x 0x2,0x0 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x2,0x0 C=0 flags"
    CHECKX  x0, 0x1, "sbcs x 0x2,0x0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x1, "sbc x 0x2,0x0 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x0 C=1 flags"
    CHECKX  x0, 0x3, "adcs x 0x2,0x0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x3, "adc x 0x2,0x0 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x2,0x0 C=1 flags"
    CHECKX  x0, 0x2, "sbcs x 0x2,0x0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x2, "sbc x 0x2,0x0 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x1
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x1 C=0 flags"
    CHECKX  x0, 0x3, "adcs x 0x2,0x1 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x3, "adc x 0x2,0x1 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x1
    mov     x9, #0x90000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x2,0x1 C=0 flags"
    CHECKX  x0, 0x0, "sbcs x 0x2,0x1 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x9, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x2,0x1 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x1
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x1 C=1 flags"
    CHECKX  x0, 0x4, "adcs x 0x2,0x1 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x4, "adc x 0x2,0x1 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x1
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x2,0x1 C=1 flags"
    CHECKX  x0, 0x1, "sbcs x 0x2,0x1 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x1, "sbc x 0x2,0x1 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x2
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x2 C=0 flags"
    CHECKX  x0, 0x4, "adcs x 0x2,0x2 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x4, "adc x 0x2,0x2 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x2
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x2,0x2 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x2,0x2 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x2,0x2 C=0" 
    ldr     x1, =0x2
    ldr     x2, =0x2
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x2,0x2 C=1 flags"
    CHECKX  x0, 0x5, "adcs x 0x2,0x2 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x5, "adc x 0x2,0x2 C=1" 
    ldr     x1, =0x2
    ldr     x2, =0x2
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x2,0x2 C=1 flags"
    CHECKX  x0, 0x0, "sbcs x 0x2,0x2 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xb, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x2,0x2 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x0, "adcs x 0x7fffffffffffffff,0x0 C=0 flags"
    CHECKX  x0, 0x7fffffffffffffff, "adcs x 0x7fffffffffffffff,0x0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "adc x 0x7fffffffffffffff,0x0 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x0 C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "sbcs x 0x7fffffffffffffff,0x0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "sbc x 0x7fffffffffffffff,0x0 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x0
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x0 C=1 flags"
    CHECKX  x0, 0x8000000000000000, "adcs x 0x7fffffffffffffff,0x0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "adc x 0x7fffffffffffffff,0x0 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x0 C=1 flags"
    CHECKX  x0, 0x7fffffffffffffff, "sbcs x 0x7fffffffffffffff,0x0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "sbc x 0x7fffffffffffffff,0x0 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x1
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x1 C=0 flags"
    CHECKX  x0, 0x8000000000000000, "adcs x 0x7fffffffffffffff,0x1 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x4, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "adc x 0x7fffffffffffffff,0x1 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x1
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x1 C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffd, "sbcs x 0x7fffffffffffffff,0x1 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffd, "sbc x 0x7fffffffffffffff,0x1 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x1
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x1 C=1 flags"
    CHECKX  x0, 0x8000000000000001, "adcs x 0x7fffffffffffffff,0x1 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000001, "adc x 0x7fffffffffffffff,0x1 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x1
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x1 C=1 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "sbcs x 0x7fffffffffffffff,0x1 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "sbc x 0x7fffffffffffffff,0x1 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x2
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x2 C=0 flags"
    CHECKX  x0, 0x8000000000000001, "adcs x 0x7fffffffffffffff,0x2 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x4, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000001, "adc x 0x7fffffffffffffff,0x2 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x2
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x2 C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffc, "sbcs x 0x7fffffffffffffff,0x2 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffc, "sbc x 0x7fffffffffffffff,0x2 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x2
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x2 C=1 flags"
    CHECKX  x0, 0x8000000000000002, "adcs x 0x7fffffffffffffff,0x2 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0x8000000000000002, "adc x 0x7fffffffffffffff,0x2 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x2
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x2 C=1 flags"
    CHECKX  x0, 0x7ffffffffffffffd, "sbcs x 0x7fffffffffffffff,0x2 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffd, "sbc x 0x7fffffffffffffff,0x2 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "adcs x 0x7fffffffffffffff,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x4, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "adc x 0x7fffffffffffffff,0x7fffffffffffffff C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0x7fffffffffffffff,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x7fffffffffffffff,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x7fffffffffffffff,0x7fffffffffffffff C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0x7fffffffffffffff,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0x7fffffffffffffff,0x7fffffffffffffff C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0x7fffffffffffffff,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x0, "sbcs x 0x7fffffffffffffff,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xb, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0x7fffffffffffffff,0x7fffffffffffffff C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x8000000000000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0x7fffffffffffffff,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0x7fffffffffffffff,0x8000000000000000 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0x7fffffffffffffff,0x8000000000000000 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x8000000000000000
    mov     x9, #0x40000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x7fffffffffffffff,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0x7fffffffffffffff,0x8000000000000000 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x4, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0x7fffffffffffffff,0x8000000000000000 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x8000000000000000
    mov     x9, #0xb0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x6, "adcs x 0x7fffffffffffffff,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x0, "adcs x 0x7fffffffffffffff,0x8000000000000000 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xb, "adc x leaves flags"
    CHECKQ  x3, 0x0, "adc x 0x7fffffffffffffff,0x8000000000000000 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x8000000000000000
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x7fffffffffffffff,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0x7fffffffffffffff,0x8000000000000000 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x6, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0x7fffffffffffffff,0x8000000000000000 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0x7fffffffffffffff,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "adcs x 0x7fffffffffffffff,0xffffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "adc x 0x7fffffffffffffff,0xffffffffffffffff C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x0, "sbcs x 0x7fffffffffffffff,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0x7fffffffffffffff, "sbcs x 0x7fffffffffffffff,0xffffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "sbc x 0x7fffffffffffffff,0xffffffffffffffff C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0x7fffffffffffffff,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0x7fffffffffffffff, "adcs x 0x7fffffffffffffff,0xffffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "adc x 0x7fffffffffffffff,0xffffffffffffffff C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x7fffffffffffffff,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0x8000000000000000, "sbcs x 0x7fffffffffffffff,0xffffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x6, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "sbc x 0x7fffffffffffffff,0xffffffffffffffff C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0x7fffffffffffffff,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffd, "adcs x 0x7fffffffffffffff,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffd, "adc x 0x7fffffffffffffff,0xfffffffffffffffe C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x40000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x7fffffffffffffff,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0x8000000000000000, "sbcs x 0x7fffffffffffffff,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x4, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000000, "sbc x 0x7fffffffffffffff,0xfffffffffffffffe C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0x7fffffffffffffff,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "adcs x 0x7fffffffffffffff,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "adc x 0x7fffffffffffffff,0xfffffffffffffffe C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x9, "sbcs x 0x7fffffffffffffff,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0x8000000000000001, "sbcs x 0x7fffffffffffffff,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x6, "sbc x leaves flags"
    CHECKQ  x3, 0x8000000000000001, "sbc x 0x7fffffffffffffff,0xfffffffffffffffe C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0x923456789abcdeef, "adcs x 0x7fffffffffffffff,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x4, "adc x leaves flags"
    CHECKQ  x3, 0x923456789abcdeef, "adc x 0x7fffffffffffffff,0x123456789abcdef0 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0x6dcba9876543210e, "sbcs x 0x7fffffffffffffff,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x6dcba9876543210e, "sbc x 0x7fffffffffffffff,0x123456789abcdef0 C=0" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x9, "adcs x 0x7fffffffffffffff,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0x923456789abcdef0, "adcs x 0x7fffffffffffffff,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x6, "adc x leaves flags"
    CHECKQ  x3, 0x923456789abcdef0, "adc x 0x7fffffffffffffff,0x123456789abcdef0 C=1" 
    ldr     x1, =0x7fffffffffffffff
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0x7fffffffffffffff,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0x6dcba9876543210f, "sbcs x 0x7fffffffffffffff,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x6dcba9876543210f, "sbc x 0x7fffffffffffffff,0x123456789abcdef0 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x0
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0xfffffffffffffffe,0x0 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "adcs x 0xfffffffffffffffe,0x0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "adc x 0xfffffffffffffffe,0x0 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x0
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x0 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffd, "sbcs x 0xfffffffffffffffe,0x0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffd, "sbc x 0xfffffffffffffffe,0x0 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x0
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0xfffffffffffffffe,0x0 C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0xfffffffffffffffe,0x0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x7, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0xfffffffffffffffe,0x0 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x0
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x0 C=1 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0xfffffffffffffffe,0x0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0xfffffffffffffffe,0x0 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x1
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x8, "adcs x 0xfffffffffffffffe,0x1 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "adcs x 0xfffffffffffffffe,0x1 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "adc x 0xfffffffffffffffe,0x1 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x1
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x1 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffc, "sbcs x 0xfffffffffffffffe,0x1 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffc, "sbc x 0xfffffffffffffffe,0x1 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x1
    mov     x9, #0xb0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x6, "adcs x 0xfffffffffffffffe,0x1 C=1 flags"
    CHECKX  x0, 0x0, "adcs x 0xfffffffffffffffe,0x1 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xb, "adc x leaves flags"
    CHECKQ  x3, 0x0, "adc x 0xfffffffffffffffe,0x1 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x1
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x1 C=1 flags"
    CHECKX  x0, 0xfffffffffffffffd, "sbcs x 0xfffffffffffffffe,0x1 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffd, "sbc x 0xfffffffffffffffe,0x1 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x2
    mov     x9, #0x90000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x6, "adcs x 0xfffffffffffffffe,0x2 C=0 flags"
    CHECKX  x0, 0x0, "adcs x 0xfffffffffffffffe,0x2 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x9, "adc x leaves flags"
    CHECKQ  x3, 0x0, "adc x 0xfffffffffffffffe,0x2 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x2
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x2 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffb, "sbcs x 0xfffffffffffffffe,0x2 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffb, "sbc x 0xfffffffffffffffe,0x2 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x2
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0xfffffffffffffffe,0x2 C=1 flags"
    CHECKX  x0, 0x1, "adcs x 0xfffffffffffffffe,0x2 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x1, "adc x 0xfffffffffffffffe,0x2 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x2
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x2 C=1 flags"
    CHECKX  x0, 0xfffffffffffffffc, "sbcs x 0xfffffffffffffffe,0x2 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffc, "sbc x 0xfffffffffffffffe,0x2 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0xfffffffffffffffe,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffd, "adcs x 0xfffffffffffffffe,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffd, "adc x 0xfffffffffffffffe,0x7fffffffffffffff C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xc0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x3, "sbcs x 0xfffffffffffffffe,0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "sbcs x 0xfffffffffffffffe,0x7fffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xc, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "sbc x 0xfffffffffffffffe,0x7fffffffffffffff C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0xfffffffffffffffe,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "adcs x 0xfffffffffffffffe,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "adc x 0xfffffffffffffffe,0x7fffffffffffffff C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0xe0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x3, "sbcs x 0xfffffffffffffffe,0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x7fffffffffffffff, "sbcs x 0xfffffffffffffffe,0x7fffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xe, "sbc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "sbc x 0xfffffffffffffffe,0x7fffffffffffffff C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x8000000000000000
    mov     x9, #0xc0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x3, "adcs x 0xfffffffffffffffe,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "adcs x 0xfffffffffffffffe,0x8000000000000000 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xc, "adc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "adc x 0xfffffffffffffffe,0x8000000000000000 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x8000000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0xfffffffffffffffe,0x8000000000000000 C=0 flags"
    CHECKX  x0, 0x7ffffffffffffffd, "sbcs x 0xfffffffffffffffe,0x8000000000000000 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xd, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffd, "sbc x 0xfffffffffffffffe,0x8000000000000000 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x8000000000000000
    mov     x9, #0xe0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x3, "adcs x 0xfffffffffffffffe,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x7fffffffffffffff, "adcs x 0xfffffffffffffffe,0x8000000000000000 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xe, "adc x leaves flags"
    CHECKQ  x3, 0x7fffffffffffffff, "adc x 0xfffffffffffffffe,0x8000000000000000 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x8000000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x2, "sbcs x 0xfffffffffffffffe,0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x7ffffffffffffffe, "sbcs x 0xfffffffffffffffe,0x8000000000000000 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xf, "sbc x leaves flags"
    CHECKQ  x3, 0x7ffffffffffffffe, "sbc x 0xfffffffffffffffe,0x8000000000000000 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0xa, "adcs x 0xfffffffffffffffe,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0xfffffffffffffffd, "adcs x 0xfffffffffffffffe,0xffffffffffffffff C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffd, "adc x 0xfffffffffffffffe,0xffffffffffffffff C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0xfffffffffffffffe,0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "sbcs x 0xfffffffffffffffe,0xffffffffffffffff C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "sbc x 0xfffffffffffffffe,0xffffffffffffffff C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0xa, "adcs x 0xfffffffffffffffe,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0xfffffffffffffffe, "adcs x 0xfffffffffffffffe,0xffffffffffffffff C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x7, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffe, "adc x 0xfffffffffffffffe,0xffffffffffffffff C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0xfffffffffffffffe,0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0xfffffffffffffffe,0xffffffffffffffff C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0xfffffffffffffffe,0xffffffffffffffff C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0xa, "adcs x 0xfffffffffffffffe,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0xfffffffffffffffc, "adcs x 0xfffffffffffffffe,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x5, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffc, "adc x 0xfffffffffffffffe,0xfffffffffffffffe C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x8, "sbcs x 0xfffffffffffffffe,0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "sbcs x 0xfffffffffffffffe,0xfffffffffffffffe C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xffffffffffffffff, "sbc x 0xfffffffffffffffe,0xfffffffffffffffe C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0xa, "adcs x 0xfffffffffffffffe,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0xfffffffffffffffd, "adcs x 0xfffffffffffffffe,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0x7, "adc x leaves flags"
    CHECKQ  x3, 0xfffffffffffffffd, "adc x 0xfffffffffffffffe,0xfffffffffffffffe C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0x6, "sbcs x 0xfffffffffffffffe,0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0x0, "sbcs x 0xfffffffffffffffe,0xfffffffffffffffe C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0xb, "sbc x leaves flags"
    CHECKQ  x3, 0x0, "sbc x 0xfffffffffffffffe,0xfffffffffffffffe C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0xfffffffffffffffe,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0x123456789abcdeee, "adcs x 0xfffffffffffffffe,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xd, "adc x leaves flags"
    CHECKQ  x3, 0x123456789abcdeee, "adc x 0xfffffffffffffffe,0x123456789abcdef0 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0xedcba9876543210d, "sbcs x 0xfffffffffffffffe,0x123456789abcdef0 C=0"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x5, "sbc x leaves flags"
    CHECKQ  x3, 0xedcba9876543210d, "sbc x 0xfffffffffffffffe,0x123456789abcdef0 C=0" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    x0, x1, x2
    CHECK_NZCV 0x2, "adcs x 0xfffffffffffffffe,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0x123456789abcdeef, "adcs x 0xfffffffffffffffe,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    adc     x3, x1, x2
    CHECK_NZCV 0xf, "adc x leaves flags"
    CHECKQ  x3, 0x123456789abcdeef, "adc x 0xfffffffffffffffe,0x123456789abcdef0 C=1" 
    ldr     x1, =0xfffffffffffffffe
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    x0, x1, x2
    CHECK_NZCV 0xa, "sbcs x 0xfffffffffffffffe,0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0xedcba9876543210e, "sbcs x 0xfffffffffffffffe,0x123456789abcdef0 C=1"
    msr     nzcv, x9
    sbc     x3, x1, x2
    CHECK_NZCV 0x7, "sbc x leaves flags"
    CHECKQ  x3, 0xedcba9876543210e, "sbc x 0xfffffffffffffffe,0x123456789abcdef0 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0x90000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x4, "adcs w 0x0,0x0 C=0 flags"
    CHECKX  x0, 0x0, "adcs w 0x0,0x0 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x9, "adc w leaves flags"
    CHECKQ  x3, 0x0, "adc w 0x0,0x0 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x0 C=0 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x0,0x0 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x0,0x0 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x0 C=1 flags"
    CHECKX  x0, 0x1, "adcs w 0x0,0x0 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x1, "adc w 0x0,0x0 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x0,0x0 C=1 flags"
    CHECKX  x0, 0x0, "sbcs w 0x0,0x0 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xb, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x0,0x0 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x1 C=0 flags"
    CHECKX  x0, 0x1, "adcs w 0x0,0x1 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x1, "adc w 0x0,0x1 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x1 C=0 flags"
    CHECKX  x0, 0xfffffffe, "sbcs w 0x0,0x1 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xfffffffe, "sbc w 0x0,0x1 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x1 C=1 flags"
    CHECKX  x0, 0x2, "adcs w 0x0,0x1 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x2, "adc w 0x0,0x1 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x1 C=1 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x0,0x1 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x0,0x1 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x7fffffff C=0 flags"
    CHECKX  x0, 0x7fffffff, "adcs w 0x0,0x7fffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "adc w 0x0,0x7fffffff C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x7fffffff C=0 flags"
    CHECKX  x0, 0x80000000, "sbcs w 0x0,0x7fffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0x80000000, "sbc w 0x0,0x7fffffff C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x0,0x7fffffff C=1 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x0,0x7fffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x0,0x7fffffff C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x7fffffff C=1 flags"
    CHECKX  x0, 0x80000001, "sbcs w 0x0,0x7fffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x80000001, "sbc w 0x0,0x7fffffff C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x0,0x80000000 C=0 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x0,0x80000000 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x0,0x80000000 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x0,0x80000000 C=0 flags"
    CHECKX  x0, 0x7fffffff, "sbcs w 0x0,0x80000000 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "sbc w 0x0,0x80000000 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x0,0x80000000 C=1 flags"
    CHECKX  x0, 0x80000001, "adcs w 0x0,0x80000000 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x80000001, "adc w 0x0,0x80000000 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x9, "sbcs w 0x0,0x80000000 C=1 flags"
    CHECKX  x0, 0x80000000, "sbcs w 0x0,0x80000000 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x6, "sbc w leaves flags"
    CHECKQ  x3, 0x80000000, "sbc w 0x0,0x80000000 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x0,0xffffffff C=0 flags"
    CHECKX  x0, 0xffffffff, "adcs w 0x0,0xffffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0xffffffff, "adc w 0x0,0xffffffff C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0x90000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x4, "sbcs w 0x0,0xffffffff C=0 flags"
    CHECKX  x0, 0x0, "sbcs w 0x0,0xffffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x9, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x0,0xffffffff C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xb0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x6, "adcs w 0x0,0xffffffff C=1 flags"
    CHECKX  x0, 0x0, "adcs w 0x0,0xffffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xb, "adc w leaves flags"
    CHECKQ  x3, 0x0, "adc w 0x0,0xffffffff C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x0,0xffffffff C=1 flags"
    CHECKX  x0, 0x1, "sbcs w 0x0,0xffffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x1, "sbc w 0x0,0xffffffff C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x0,0xfffffffe C=0 flags"
    CHECKX  x0, 0xfffffffe, "adcs w 0x0,0xfffffffe C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0xfffffffe, "adc w 0x0,0xfffffffe C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x0,0xfffffffe C=0 flags"
    CHECKX  x0, 0x1, "sbcs w 0x0,0xfffffffe C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x1, "sbc w 0x0,0xfffffffe C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x0,0xfffffffe C=1 flags"
    CHECKX  x0, 0xffffffff, "adcs w 0x0,0xfffffffe C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0xffffffff, "adc w 0x0,0xfffffffe C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x0,0xfffffffe C=1 flags"
    CHECKX  x0, 0x2, "sbcs w 0x0,0xfffffffe C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x2, "sbc w 0x0,0xfffffffe C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x12345678 C=0 flags"
    CHECKX  x0, 0x12345678, "adcs w 0x0,0x12345678 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x12345678, "adc w 0x0,0x12345678 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x12345678 C=0 flags"
    CHECKX  x0, 0xedcba987, "sbcs w 0x0,0x12345678 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xedcba987, "sbc w 0x0,0x12345678 C=0" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x0,0x12345678 C=1 flags"
    CHECKX  x0, 0x12345679, "adcs w 0x0,0x12345678 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x12345679, "adc w 0x0,0x12345678 C=1" 
    ldr     x1, =0xdead000000000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x0,0x12345678 C=1 flags"
    CHECKX  x0, 0xedcba988, "sbcs w 0x0,0x12345678 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0xedcba988, "sbc w 0x0,0x12345678 C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x1,0x0 C=0 flags"
    CHECKX  x0, 0x1, "adcs w 0x1,0x0 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x1, "adc w 0x1,0x0 C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000000
    mov     x9, #0x90000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x1,0x0 C=0 flags"
    CHECKX  x0, 0x0, "sbcs w 0x1,0x0 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x9, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x1,0x0 C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x1,0x0 C=1 flags"
    CHECKX  x0, 0x2, "adcs w 0x1,0x0 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x2, "adc w 0x1,0x0 C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x1,0x0 C=1 flags"
    CHECKX  x0, 0x1, "sbcs w 0x1,0x0 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x1, "sbc w 0x1,0x0 C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000001
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x1,0x1 C=0 flags"
    CHECKX  x0, 0x2, "adcs w 0x1,0x1 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x2, "adc w 0x1,0x1 C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000001
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x1,0x1 C=0 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x1,0x1 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x1,0x1 C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000001
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x1,0x1 C=1 flags"
    CHECKX  x0, 0x3, "adcs w 0x1,0x1 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x3, "adc w 0x1,0x1 C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead000000000001
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x1,0x1 C=1 flags"
    CHECKX  x0, 0x0, "sbcs w 0x1,0x1 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xb, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x1,0x1 C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x1,0x7fffffff C=0 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x1,0x7fffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x4, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x1,0x7fffffff C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x1,0x7fffffff C=0 flags"
    CHECKX  x0, 0x80000001, "sbcs w 0x1,0x7fffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0x80000001, "sbc w 0x1,0x7fffffff C=0" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x1,0x7fffffff C=1 flags"
    CHECKX  x0, 0x80000001, "adcs w 0x1,0x7fffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0x80000001, "adc w 0x1,0x7fffffff C=1" 
    ldr     x1, =0xdead000000000001
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x1,0x7fffffff C=1 flags"
    CHECKX  x0, 0x80000002, "sbcs w 0x1,0x7fffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x80000002, "sbc w 0x1,0x7fffffff C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x7fffffff,0x0 C=0 flags"
    CHECKX  x0, 0x7fffffff, "adcs w 0x7fffffff,0x0 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "adc w 0x7fffffff,0x0 C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x7fffffff,0x0 C=0 flags"
    CHECKX  x0, 0x7ffffffe, "sbcs w 0x7fffffff,0x0 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x7ffffffe, "sbc w 0x7fffffff,0x0 C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000000
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x7fffffff,0x0 C=1 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x7fffffff,0x0 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x7fffffff,0x0 C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x7fffffff,0x0 C=1 flags"
    CHECKX  x0, 0x7fffffff, "sbcs w 0x7fffffff,0x0 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "sbc w 0x7fffffff,0x0 C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000001
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x7fffffff,0x1 C=0 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x7fffffff,0x1 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x4, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x7fffffff,0x1 C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000001
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x7fffffff,0x1 C=0 flags"
    CHECKX  x0, 0x7ffffffd, "sbcs w 0x7fffffff,0x1 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x7ffffffd, "sbc w 0x7fffffff,0x1 C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000001
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x7fffffff,0x1 C=1 flags"
    CHECKX  x0, 0x80000001, "adcs w 0x7fffffff,0x1 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0x80000001, "adc w 0x7fffffff,0x1 C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead000000000001
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x7fffffff,0x1 C=1 flags"
    CHECKX  x0, 0x7ffffffe, "sbcs w 0x7fffffff,0x1 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x7ffffffe, "sbc w 0x7fffffff,0x1 C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x7fffffff,0x7fffffff C=0 flags"
    CHECKX  x0, 0xfffffffe, "adcs w 0x7fffffff,0x7fffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x4, "adc w leaves flags"
    CHECKQ  x3, 0xfffffffe, "adc w 0x7fffffff,0x7fffffff C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x7fffffff,0x7fffffff C=0 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x7fffffff,0x7fffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x7fffffff,0x7fffffff C=0" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x7fffffff,0x7fffffff C=1 flags"
    CHECKX  x0, 0xffffffff, "adcs w 0x7fffffff,0x7fffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0xffffffff, "adc w 0x7fffffff,0x7fffffff C=1" 
    ldr     x1, =0xdead00007fffffff
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x7fffffff,0x7fffffff C=1 flags"
    CHECKX  x0, 0x0, "sbcs w 0x7fffffff,0x7fffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xb, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x7fffffff,0x7fffffff C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x0 C=0 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x80000000,0x0 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x80000000,0x0 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0xc0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x0 C=0 flags"
    CHECKX  x0, 0x7fffffff, "sbcs w 0x80000000,0x0 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xc, "sbc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "sbc w 0x80000000,0x0 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x0 C=1 flags"
    CHECKX  x0, 0x80000001, "adcs w 0x80000000,0x0 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x80000001, "adc w 0x80000000,0x0 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000000
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0xa, "sbcs w 0x80000000,0x0 C=1 flags"
    CHECKX  x0, 0x80000000, "sbcs w 0x80000000,0x0 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x80000000, "sbc w 0x80000000,0x0 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x1 C=0 flags"
    CHECKX  x0, 0x80000001, "adcs w 0x80000000,0x1 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0x80000001, "adc w 0x80000000,0x1 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0xc0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x1 C=0 flags"
    CHECKX  x0, 0x7ffffffe, "sbcs w 0x80000000,0x1 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xc, "sbc w leaves flags"
    CHECKQ  x3, 0x7ffffffe, "sbc w 0x80000000,0x1 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x1 C=1 flags"
    CHECKX  x0, 0x80000002, "adcs w 0x80000000,0x1 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x80000002, "adc w 0x80000000,0x1 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000000000001
    mov     x9, #0xe0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x1 C=1 flags"
    CHECKX  x0, 0x7fffffff, "sbcs w 0x80000000,0x1 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xe, "sbc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "sbc w 0x80000000,0x1 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x7fffffff C=0 flags"
    CHECKX  x0, 0xffffffff, "adcs w 0x80000000,0x7fffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0xffffffff, "adc w 0x80000000,0x7fffffff C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x80000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x7, "sbcs w 0x80000000,0x7fffffff C=0 flags"
    CHECKX  x0, 0x0, "sbcs w 0x80000000,0x7fffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x8, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x80000000,0x7fffffff C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0xb0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x6, "adcs w 0x80000000,0x7fffffff C=1 flags"
    CHECKX  x0, 0x0, "adcs w 0x80000000,0x7fffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xb, "adc w leaves flags"
    CHECKQ  x3, 0x0, "adc w 0x80000000,0x7fffffff C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0xe0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x7fffffff C=1 flags"
    CHECKX  x0, 0x1, "sbcs w 0x80000000,0x7fffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xe, "sbc w leaves flags"
    CHECKQ  x3, 0x1, "sbc w 0x80000000,0x7fffffff C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0x80000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x7, "adcs w 0x80000000,0x80000000 C=0 flags"
    CHECKX  x0, 0x0, "adcs w 0x80000000,0x80000000 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x8, "adc w leaves flags"
    CHECKQ  x3, 0x0, "adc w 0x80000000,0x80000000 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x80000000,0x80000000 C=0 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x80000000,0x80000000 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x80000000,0x80000000 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0xe0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x3, "adcs w 0x80000000,0x80000000 C=1 flags"
    CHECKX  x0, 0x1, "adcs w 0x80000000,0x80000000 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xe, "adc w leaves flags"
    CHECKQ  x3, 0x1, "adc w 0x80000000,0x80000000 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000080000000
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x80000000,0x80000000 C=1 flags"
    CHECKX  x0, 0x0, "sbcs w 0x80000000,0x80000000 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xb, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x80000000,0x80000000 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xc0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x3, "adcs w 0x80000000,0xffffffff C=0 flags"
    CHECKX  x0, 0x7fffffff, "adcs w 0x80000000,0xffffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xc, "adc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "adc w 0x80000000,0xffffffff C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x80000000,0xffffffff C=0 flags"
    CHECKX  x0, 0x80000000, "sbcs w 0x80000000,0xffffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0x80000000, "sbc w 0x80000000,0xffffffff C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0xa, "adcs w 0x80000000,0xffffffff C=1 flags"
    CHECKX  x0, 0x80000000, "adcs w 0x80000000,0xffffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x80000000, "adc w 0x80000000,0xffffffff C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x80000000,0xffffffff C=1 flags"
    CHECKX  x0, 0x80000001, "sbcs w 0x80000000,0xffffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x80000001, "sbc w 0x80000000,0xffffffff C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xc0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x3, "adcs w 0x80000000,0xfffffffe C=0 flags"
    CHECKX  x0, 0x7ffffffe, "adcs w 0x80000000,0xfffffffe C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xc, "adc w leaves flags"
    CHECKQ  x3, 0x7ffffffe, "adc w 0x80000000,0xfffffffe C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x80000000,0xfffffffe C=0 flags"
    CHECKX  x0, 0x80000001, "sbcs w 0x80000000,0xfffffffe C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0x80000001, "sbc w 0x80000000,0xfffffffe C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xe0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x3, "adcs w 0x80000000,0xfffffffe C=1 flags"
    CHECKX  x0, 0x7fffffff, "adcs w 0x80000000,0xfffffffe C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xe, "adc w leaves flags"
    CHECKQ  x3, 0x7fffffff, "adc w 0x80000000,0xfffffffe C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x80000000,0xfffffffe C=1 flags"
    CHECKX  x0, 0x80000002, "sbcs w 0x80000000,0xfffffffe C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x80000002, "sbc w 0x80000000,0xfffffffe C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x12345678 C=0 flags"
    CHECKX  x0, 0x92345678, "adcs w 0x80000000,0x12345678 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0x92345678, "adc w 0x80000000,0x12345678 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0xc0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x12345678 C=0 flags"
    CHECKX  x0, 0x6dcba987, "sbcs w 0x80000000,0x12345678 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xc, "sbc w leaves flags"
    CHECKQ  x3, 0x6dcba987, "sbc w 0x80000000,0x12345678 C=0" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x80000000,0x12345678 C=1 flags"
    CHECKX  x0, 0x92345679, "adcs w 0x80000000,0x12345678 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x92345679, "adc w 0x80000000,0x12345678 C=1" 
    ldr     x1, =0xdead000080000000
    ldr     x2, =0xdead000012345678
    mov     x9, #0xe0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x3, "sbcs w 0x80000000,0x12345678 C=1 flags"
    CHECKX  x0, 0x6dcba988, "sbcs w 0x80000000,0x12345678 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xe, "sbc w leaves flags"
    CHECKQ  x3, 0x6dcba988, "sbc w 0x80000000,0x12345678 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x0 C=0 flags"
    CHECKX  x0, 0x12345678, "adcs w 0x12345678,0x0 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x12345678, "adc w 0x12345678,0x0 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000000
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x12345678,0x0 C=0 flags"
    CHECKX  x0, 0x12345677, "sbcs w 0x12345678,0x0 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x12345677, "sbc w 0x12345678,0x0 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x0 C=1 flags"
    CHECKX  x0, 0x12345679, "adcs w 0x12345678,0x0 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x12345679, "adc w 0x12345678,0x0 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000000
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x12345678,0x0 C=1 flags"
    CHECKX  x0, 0x12345678, "sbcs w 0x12345678,0x0 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x12345678, "sbc w 0x12345678,0x0 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000001
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x1 C=0 flags"
    CHECKX  x0, 0x12345679, "adcs w 0x12345678,0x1 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x12345679, "adc w 0x12345678,0x1 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000001
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x12345678,0x1 C=0 flags"
    CHECKX  x0, 0x12345676, "sbcs w 0x12345678,0x1 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x12345676, "sbc w 0x12345678,0x1 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000001
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x1 C=1 flags"
    CHECKX  x0, 0x1234567a, "adcs w 0x12345678,0x1 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x1234567a, "adc w 0x12345678,0x1 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000000000001
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x2, "sbcs w 0x12345678,0x1 C=1 flags"
    CHECKX  x0, 0x12345677, "sbcs w 0x12345678,0x1 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x12345677, "sbc w 0x12345678,0x1 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x40000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x12345678,0x7fffffff C=0 flags"
    CHECKX  x0, 0x92345677, "adcs w 0x12345678,0x7fffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x4, "adc w leaves flags"
    CHECKQ  x3, 0x92345677, "adc w 0x12345678,0x7fffffff C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x12345678,0x7fffffff C=0 flags"
    CHECKX  x0, 0x92345678, "sbcs w 0x12345678,0x7fffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0x92345678, "sbc w 0x12345678,0x7fffffff C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x60000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x9, "adcs w 0x12345678,0x7fffffff C=1 flags"
    CHECKX  x0, 0x92345678, "adcs w 0x12345678,0x7fffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x6, "adc w leaves flags"
    CHECKQ  x3, 0x92345678, "adc w 0x12345678,0x7fffffff C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead00007fffffff
    mov     x9, #0x70000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x12345678,0x7fffffff C=1 flags"
    CHECKX  x0, 0x92345679, "sbcs w 0x12345678,0x7fffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x7, "sbc w leaves flags"
    CHECKQ  x3, 0x92345679, "sbc w 0x12345678,0x7fffffff C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000080000000
    mov     x9, #0x50000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x12345678,0x80000000 C=0 flags"
    CHECKX  x0, 0x92345678, "adcs w 0x12345678,0x80000000 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x5, "adc w leaves flags"
    CHECKQ  x3, 0x92345678, "adc w 0x12345678,0x80000000 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000080000000
    mov     x9, #0x40000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x9, "sbcs w 0x12345678,0x80000000 C=0 flags"
    CHECKX  x0, 0x92345677, "sbcs w 0x12345678,0x80000000 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x4, "sbc w leaves flags"
    CHECKQ  x3, 0x92345677, "sbc w 0x12345678,0x80000000 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000080000000
    mov     x9, #0x70000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x8, "adcs w 0x12345678,0x80000000 C=1 flags"
    CHECKX  x0, 0x92345679, "adcs w 0x12345678,0x80000000 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0x7, "adc w leaves flags"
    CHECKQ  x3, 0x92345679, "adc w 0x12345678,0x80000000 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000080000000
    mov     x9, #0x60000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x9, "sbcs w 0x12345678,0x80000000 C=1 flags"
    CHECKX  x0, 0x92345678, "sbcs w 0x12345678,0x80000000 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x6, "sbc w leaves flags"
    CHECKQ  x3, 0x92345678, "sbc w 0x12345678,0x80000000 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x2, "adcs w 0x12345678,0xffffffff C=0 flags"
    CHECKX  x0, 0x12345677, "adcs w 0x12345678,0xffffffff C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x12345677, "adc w 0x12345678,0xffffffff C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x12345678,0xffffffff C=0 flags"
    CHECKX  x0, 0x12345678, "sbcs w 0x12345678,0xffffffff C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x12345678, "sbc w 0x12345678,0xffffffff C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x2, "adcs w 0x12345678,0xffffffff C=1 flags"
    CHECKX  x0, 0x12345678, "adcs w 0x12345678,0xffffffff C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x12345678, "adc w 0x12345678,0xffffffff C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000ffffffff
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x12345678,0xffffffff C=1 flags"
    CHECKX  x0, 0x12345679, "sbcs w 0x12345678,0xffffffff C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x12345679, "sbc w 0x12345678,0xffffffff C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x2, "adcs w 0x12345678,0xfffffffe C=0 flags"
    CHECKX  x0, 0x12345676, "adcs w 0x12345678,0xfffffffe C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x12345676, "adc w 0x12345678,0xfffffffe C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xd0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x12345678,0xfffffffe C=0 flags"
    CHECKX  x0, 0x12345679, "sbcs w 0x12345678,0xfffffffe C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xd, "sbc w leaves flags"
    CHECKQ  x3, 0x12345679, "sbc w 0x12345678,0xfffffffe C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x2, "adcs w 0x12345678,0xfffffffe C=1 flags"
    CHECKX  x0, 0x12345677, "adcs w 0x12345678,0xfffffffe C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x12345677, "adc w 0x12345678,0xfffffffe C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead0000fffffffe
    mov     x9, #0xf0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x0, "sbcs w 0x12345678,0xfffffffe C=1 flags"
    CHECKX  x0, 0x1234567a, "sbcs w 0x12345678,0xfffffffe C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xf, "sbc w leaves flags"
    CHECKQ  x3, 0x1234567a, "sbc w 0x12345678,0xfffffffe C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000012345678
    mov     x9, #0xd0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x12345678 C=0 flags"
    CHECKX  x0, 0x2468acf0, "adcs w 0x12345678,0x12345678 C=0"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xd, "adc w leaves flags"
    CHECKQ  x3, 0x2468acf0, "adc w 0x12345678,0x12345678 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000012345678
    mov     x9, #0x50000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x8, "sbcs w 0x12345678,0x12345678 C=0 flags"
    CHECKX  x0, 0xffffffff, "sbcs w 0x12345678,0x12345678 C=0"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0x5, "sbc w leaves flags"
    CHECKQ  x3, 0xffffffff, "sbc w 0x12345678,0x12345678 C=0" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000012345678
    mov     x9, #0xf0000000
    msr     nzcv, x9
    adcs    w0, w1, w2
    CHECK_NZCV 0x0, "adcs w 0x12345678,0x12345678 C=1 flags"
    CHECKX  x0, 0x2468acf1, "adcs w 0x12345678,0x12345678 C=1"
    msr     nzcv, x9
    adc     w3, w1, w2
    CHECK_NZCV 0xf, "adc w leaves flags"
    CHECKQ  x3, 0x2468acf1, "adc w 0x12345678,0x12345678 C=1" 
    ldr     x1, =0xdead000012345678
    ldr     x2, =0xdead000012345678
    mov     x9, #0xb0000000
    msr     nzcv, x9
    sbcs    w0, w1, w2
    CHECK_NZCV 0x6, "sbcs w 0x12345678,0x12345678 C=1 flags"
    CHECKX  x0, 0x0, "sbcs w 0x12345678,0x12345678 C=1"
    msr     nzcv, x9
    sbc     w3, w1, w2
    CHECK_NZCV 0xb, "sbc w leaves flags"
    CHECKQ  x3, 0x0, "sbc w 0x12345678,0x12345678 C=1" 
    ldr     x2, =0x0
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x0 C=0 flags"
    CHECKX  x0, 0xffffffffffffffff, "ngcs x 0x0 C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xffffffffffffffff, "ngc x 0x0 C=0" 
    ldr     x2, =0x0
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x6, "ngcs x 0x0 C=1 flags"
    CHECKX  x0, 0x0, "ngcs x 0x0 C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x0, "ngc x 0x0 C=1" 
    ldr     x2, =0x1
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x1 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffe, "ngcs x 0x1 C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xfffffffffffffffe, "ngc x 0x1 C=0" 
    ldr     x2, =0x1
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x1 C=1 flags"
    CHECKX  x0, 0xffffffffffffffff, "ngcs x 0x1 C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xffffffffffffffff, "ngc x 0x1 C=1" 
    ldr     x2, =0x2
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x2 C=0 flags"
    CHECKX  x0, 0xfffffffffffffffd, "ngcs x 0x2 C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xfffffffffffffffd, "ngc x 0x2 C=0" 
    ldr     x2, =0x2
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x2 C=1 flags"
    CHECKX  x0, 0xfffffffffffffffe, "ngcs x 0x2 C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xfffffffffffffffe, "ngc x 0x2 C=1" 
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x7fffffffffffffff C=0 flags"
    CHECKX  x0, 0x8000000000000000, "ngcs x 0x7fffffffffffffff C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x8000000000000000, "ngc x 0x7fffffffffffffff C=0" 
    ldr     x2, =0x7fffffffffffffff
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x7fffffffffffffff C=1 flags"
    CHECKX  x0, 0x8000000000000001, "ngcs x 0x7fffffffffffffff C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x8000000000000001, "ngc x 0x7fffffffffffffff C=1" 
    ldr     x2, =0x8000000000000000
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x0, "ngcs x 0x8000000000000000 C=0 flags"
    CHECKX  x0, 0x7fffffffffffffff, "ngcs x 0x8000000000000000 C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x7fffffffffffffff, "ngc x 0x8000000000000000 C=0" 
    ldr     x2, =0x8000000000000000
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x9, "ngcs x 0x8000000000000000 C=1 flags"
    CHECKX  x0, 0x8000000000000000, "ngcs x 0x8000000000000000 C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x8000000000000000, "ngc x 0x8000000000000000 C=1" 
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x4, "ngcs x 0xffffffffffffffff C=0 flags"
    CHECKX  x0, 0x0, "ngcs x 0xffffffffffffffff C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x0, "ngc x 0xffffffffffffffff C=0" 
    ldr     x2, =0xffffffffffffffff
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x0, "ngcs x 0xffffffffffffffff C=1 flags"
    CHECKX  x0, 0x1, "ngcs x 0xffffffffffffffff C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x1, "ngc x 0xffffffffffffffff C=1" 
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x0, "ngcs x 0xfffffffffffffffe C=0 flags"
    CHECKX  x0, 0x1, "ngcs x 0xfffffffffffffffe C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x1, "ngc x 0xfffffffffffffffe C=0" 
    ldr     x2, =0xfffffffffffffffe
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x0, "ngcs x 0xfffffffffffffffe C=1 flags"
    CHECKX  x0, 0x2, "ngcs x 0xfffffffffffffffe C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0x2, "ngc x 0xfffffffffffffffe C=1" 
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x123456789abcdef0 C=0 flags"
    CHECKX  x0, 0xedcba9876543210f, "ngcs x 0x123456789abcdef0 C=0"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xedcba9876543210f, "ngc x 0x123456789abcdef0 C=0" 
    ldr     x2, =0x123456789abcdef0
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    x0, x2
    CHECK_NZCV 0x8, "ngcs x 0x123456789abcdef0 C=1 flags"
    CHECKX  x0, 0xedcba98765432110, "ngcs x 0x123456789abcdef0 C=1"
    msr     nzcv, x9
    ngc     x3, x2
    CHECKQ  x3, 0xedcba98765432110, "ngc x 0x123456789abcdef0 C=1" 
    ldr     x2, =0x0
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x0 C=0 flags"
    CHECKX  x0, 0xffffffff, "ngcs w 0x0 C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0xffffffff, "ngc w 0x0 C=0" 
    ldr     x2, =0x0
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x6, "ngcs w 0x0 C=1 flags"
    CHECKX  x0, 0x0, "ngcs w 0x0 C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x0, "ngc w 0x0 C=1" 
    ldr     x2, =0x1
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x1 C=0 flags"
    CHECKX  x0, 0xfffffffe, "ngcs w 0x1 C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0xfffffffe, "ngc w 0x1 C=0" 
    ldr     x2, =0x1
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x1 C=1 flags"
    CHECKX  x0, 0xffffffff, "ngcs w 0x1 C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0xffffffff, "ngc w 0x1 C=1" 
    ldr     x2, =0x7fffffff
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x7fffffff C=0 flags"
    CHECKX  x0, 0x80000000, "ngcs w 0x7fffffff C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x80000000, "ngc w 0x7fffffff C=0" 
    ldr     x2, =0x7fffffff
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x7fffffff C=1 flags"
    CHECKX  x0, 0x80000001, "ngcs w 0x7fffffff C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x80000001, "ngc w 0x7fffffff C=1" 
    ldr     x2, =0x80000000
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x0, "ngcs w 0x80000000 C=0 flags"
    CHECKX  x0, 0x7fffffff, "ngcs w 0x80000000 C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x7fffffff, "ngc w 0x80000000 C=0" 
    ldr     x2, =0x80000000
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x9, "ngcs w 0x80000000 C=1 flags"
    CHECKX  x0, 0x80000000, "ngcs w 0x80000000 C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x80000000, "ngc w 0x80000000 C=1" 
    ldr     x2, =0xffffffff
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x4, "ngcs w 0xffffffff C=0 flags"
    CHECKX  x0, 0x0, "ngcs w 0xffffffff C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x0, "ngc w 0xffffffff C=0" 
    ldr     x2, =0xffffffff
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x0, "ngcs w 0xffffffff C=1 flags"
    CHECKX  x0, 0x1, "ngcs w 0xffffffff C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x1, "ngc w 0xffffffff C=1" 
    ldr     x2, =0xfffffffe
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x0, "ngcs w 0xfffffffe C=0 flags"
    CHECKX  x0, 0x1, "ngcs w 0xfffffffe C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x1, "ngc w 0xfffffffe C=0" 
    ldr     x2, =0xfffffffe
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x0, "ngcs w 0xfffffffe C=1 flags"
    CHECKX  x0, 0x2, "ngcs w 0xfffffffe C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0x2, "ngc w 0xfffffffe C=1" 
    ldr     x2, =0x12345678
    mov     x9, #0x0
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x12345678 C=0 flags"
    CHECKX  x0, 0xedcba987, "ngcs w 0x12345678 C=0"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0xedcba987, "ngc w 0x12345678 C=0" 
    ldr     x2, =0x12345678
    mov     x9, #0x20000000
    msr     nzcv, x9
    ngcs    w0, w2
    CHECK_NZCV 0x8, "ngcs w 0x12345678 C=1 flags"
    CHECKX  x0, 0xedcba988, "ngcs w 0x12345678 C=1"
    msr     nzcv, x9
    ngc     w3, w2
    CHECKQ  x3, 0xedcba988, "ngc w 0x12345678 C=1" 
    // 128-bit add and subtract through the carry chain
    ldr     x1, =0xffffffffffffffff     // a = 0x0000000000000001_ffffffffffffffff
    mov     x2, #1
    ldr     x3, =0x0000000000000001     // b = 0x7fffffffffffffff_0000000000000001
    ldr     x4, =0x7fffffffffffffff
    adds    x5, x1, x3
    adcs    x6, x2, x4
    CHECK_NZCV 0x9, "128-bit add flags"
    CHECKX  x5, 0, "128-bit add lo"
    CHECKX  x6, 0x8000000000000001, "128-bit add hi"
    subs    x5, x5, x3
    sbcs    x6, x6, x4
    CHECK_NZCV 0x3, "128-bit sub flags"
    CHECKX  x5, 0xffffffffffffffff, "128-bit sub lo"
    CHECKX  x6, 1, "128-bit sub hi"
    // XZR operands
    mov     x9, #0x20000000
    msr     nzcv, x9
    adc     x0, xzr, xzr
    CHECKX  x0, 1, "adc xzr,xzr C=1"
    msr     nzcv, xzr
    sbc     x0, xzr, xzr
    CHECKX  x0, 0xffffffffffffffff, "sbc xzr,xzr C=0"
    sbc     w0, wzr, wzr
    CHECKX  x0, 0xffffffff, "sbc w zr,zr C=0"

TEST_END alu_carry
