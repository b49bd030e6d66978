/* Armature guest runtime: helpers for the macros in asmtest.h.
 * The macros save x0, x1, x2 and x30 themselves; these helpers save every
 * other caller-saved register (x3..x18) and NZCV around the C call, so a
 * check can be placed anywhere in a test without disturbing its state. */
    .arch armv8-a
    .text

    .macro CWRAP name, target
    .global \name
    .type \name, %function
\name:
    sub     sp, sp, #160
    stp     x16, x30, [sp, #0]
    adrp    x16, \target
    add     x16, x16, :lo12:\target
    b       asm_call_c
    .size \name, . - \name
    .endm

    CWRAP asm_check, check_eq               /* x0 = label, x1 = got, x2 = expected */
    CWRAP asm_check_quiet, check_eq_quiet   /* same, prints only on failure */
    CWRAP asm_print, print_str              /* x0 = string */
    CWRAP asm_print_reg, print_reg          /* x0 = label, x1 = value */
    CWRAP asm_exc_setup, asm_exc_setup_c    /* x0 = record mode, x1 = skip */

asm_call_c:
    stp     x3, x4, [sp, #16]
    stp     x5, x6, [sp, #32]
    stp     x7, x8, [sp, #48]
    stp     x9, x10, [sp, #64]
    stp     x11, x12, [sp, #80]
    stp     x13, x14, [sp, #96]
    stp     x15, x17, [sp, #112]
    mrs     x3, nzcv
    stp     x18, x3, [sp, #128]
    blr     x16
    ldp     x18, x3, [sp, #128]
    msr     nzcv, x3
    ldp     x3, x4, [sp, #16]
    ldp     x5, x6, [sp, #32]
    ldp     x7, x8, [sp, #48]
    ldp     x9, x10, [sp, #64]
    ldp     x11, x12, [sp, #80]
    ldp     x13, x14, [sp, #96]
    ldp     x15, x17, [sp, #112]
    ldp     x16, x30, [sp, #0]
    add     sp, sp, #160
    ret
