/* Armature guest runtime: macros for assembly tests (include from a .S file).
 *
 *   TEST_BEGIN                  defines main (saves x29/x30)
 *   TEST_END name               prints "PASS name" / "FAILED ..." and returns
 *   CHECKX reg, exp, "label"    prints "label: 0x<reg>"; FAIL if reg != exp (64-bit)
 *   CHECKW wreg, exp, "label"   same for a W register (zero-extended)
 *   CHECKQ reg, exp, "label"    like CHECKX but prints nothing unless it fails
 *   CHECKR reg, expreg, "label" like CHECKX with the expected value in a register
 *   CHECK_NZCV exp, "label"     checks NZCV as a 4-bit value (N=8 Z=4 C=2 V=1)
 *   PRINTX reg, "label"         prints "label: 0x<reg>" without checking
 *   PRINT "text"                prints text (no newline added)
 *   EXC_RECORD skip             exceptions are recorded in exc_last/exc_count and
 *                               return to ELR+skip (see semihost.h); skip = -1
 *                               returns to the interrupted code's x30 instead
 *   EXC_FATAL                   back to the default: unexpected exceptions exit
 *   EXC_LOAD reg, field         reg = exc_last.field (esr elr spsr far vec sp), exc_count
 *                               (count), exc_handler_daif (daif), exc_handler_spsel (spsel)
 *
 * Every macro preserves all general registers (x0..x30), SP and NZCV.
 * The checked register may be any of x0..x30 / xzr (not sp). `exp` is any
 * expression valid in "ldr x2, =exp". */
#ifndef ARMATURE_ASMTEST_H
#define ARMATURE_ASMTEST_H

    .macro TEST_BEGIN
    .text
    .global main
    .type main, %function
    .balign 16
main:
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    .endm

    .macro TEST_END name:req
    adrp    x0, .Ltest_name\@
    add     x0, x0, :lo12:.Ltest_name\@
    bl      test_finish
    ldp     x29, x30, [sp], #16
    ret
    .pushsection .rodata.str, "aMS", %progbits, 1
.Ltest_name\@: .asciz "\name"
    .popsection
    .ltorg
    .endm

    .macro __ASMCALL fn, label
    adrp    x0, .Lstr\@
    add     x0, x0, :lo12:.Lstr\@
    bl      \fn
    ldp     x2, x30, [sp, #16]
    ldp     x0, x1, [sp], #32
    .pushsection .rodata.str, "aMS", %progbits, 1
.Lstr\@: .asciz "\label"
    .popsection
    .endm

    .macro CHECKX reg:req, exp:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     x1, \reg
    ldr     x2, =\exp
    __ASMCALL asm_check, "\label"
    .endm

    .macro CHECKQ reg:req, exp:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     x1, \reg
    ldr     x2, =\exp
    __ASMCALL asm_check_quiet, "\label"
    .endm

    .macro CHECKR reg:req, expreg:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    stp     \reg, \expreg, [sp, #-16]!
    ldp     x1, x2, [sp], #16
    __ASMCALL asm_check, "\label"
    .endm

    .macro CHECKW reg:req, exp:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     w1, \reg
    ldr     x2, =((\exp) & 0xffffffff)
    __ASMCALL asm_check, "\label"
    .endm

    .macro CHECK_NZCV exp:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mrs     x1, nzcv
    lsr     x1, x1, #28
    mov     x2, #\exp
    __ASMCALL asm_check, "\label"
    .endm

    .macro PRINTX reg:req, label:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     x1, \reg
    __ASMCALL asm_print_reg, "\label"
    .endm

    .macro PRINT text:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    __ASMCALL asm_print, "\text"
    .endm

    .macro EXC_RECORD skip:req
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     x0, #1
    mov     x1, #\skip
    bl      asm_exc_setup
    ldp     x2, x30, [sp, #16]
    ldp     x0, x1, [sp], #32
    .endm

    .macro EXC_FATAL
    stp     x0, x1, [sp, #-32]!
    stp     x2, x30, [sp, #16]
    mov     x0, #0
    mov     x1, #0
    bl      asm_exc_setup
    ldp     x2, x30, [sp, #16]
    ldp     x0, x1, [sp], #32
    .endm

/* Load exc_last.<field> into a register: EXC_LOAD reg, field
 * (field one of: esr elr spsr far vec count). Clobbers only \reg. */
    .equ EXC_OFF_elr,  248
    .equ EXC_OFF_spsr, 256
    .equ EXC_OFF_esr,  264
    .equ EXC_OFF_far,  272
    .equ EXC_OFF_vec,  280
    .equ EXC_OFF_sp,   288
    .macro EXC_LOAD reg:req, field:req
    .ifc \field,count
    adrp    \reg, exc_count
    ldr     \reg, [\reg, :lo12:exc_count]
    .else
    .ifc \field,daif
    adrp    \reg, exc_handler_daif
    ldr     \reg, [\reg, :lo12:exc_handler_daif]
    .else
    .ifc \field,spsel
    adrp    \reg, exc_handler_spsel
    ldr     \reg, [\reg, :lo12:exc_handler_spsel]
    .else
    adrp    \reg, exc_last
    add     \reg, \reg, :lo12:exc_last
    ldr     \reg, [\reg, #EXC_OFF_\field]
    .endif
    .endif
    .endif
    .endm

#endif
