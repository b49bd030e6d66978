// A WFI that nothing can end (no timer armed, no interrupt source): Armature
// stops the run with "guest is waiting in WFI with nothing that can wake it"
// on stderr and exit status 1, instead of hanging as QEMU does (its vCPU
// halts until an interrupt that never comes). PASS is printed first, since
// the WFI never returns; the exit status is the check.
// EXPECT-EXIT: 1
#include "asmtest.h"
    .arch armv8-a

    .text
    .global main
    .type main, %function
main:
    msr     cntp_ctl_el0, xzr       // no timer armed
    msr     cntv_ctl_el0, xzr
    msr     daifclr, #0xf
    adrp    x0, name
    add     x0, x0, :lo12:name
    bl      test_finish             // prints "PASS sys_wfi_no_wake"
1:  wfi
    b       1b

    .section .rodata
name:   .asciz "sys_wfi_no_wake"
