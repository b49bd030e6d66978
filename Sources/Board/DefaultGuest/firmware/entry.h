/* Assembler macros of the entry files (*_entry.S), included by each:
 * the vector entries, the callee-saved frame around a switch to a lower EL,
 * the return of a world to the one that called it, and the recording of an
 * exception's registers. */
#ifndef ARMATURE_ENTRY_H
#define ARMATURE_ENTRY_H

/* One vector entry: a branch to `target` at the next 128-byte slot. */
    .macro VENT target
    .balign 128
    b       \target
    .endm

/* x19..x30 stored (`op` = stp) or loaded (ldp) at SP + 0..95. */
    .macro CALLEE_SAVED op
    \op     x19, x20, [sp, #0]
    \op     x21, x22, [sp, #16]
    \op     x23, x24, [sp, #32]
    \op     x25, x26, [sp, #48]
    \op     x27, x28, [sp, #64]
    \op     x29, x30, [sp, #80]
    .endm

/* Before an ERET to a lower EL: x19..x30 pushed (96 bytes) and SP kept at
 * `saved_sp`, so that SWITCH_BACK can return from the call. */
    .macro SWITCH_OUT saved_sp, t1, t2
    sub     sp, sp, #96
    CALLEE_SAVED stp
    mov     \t1, sp
    adrp    \t2, \saved_sp
    str     \t1, [\t2, :lo12:\saved_sp]
    .endm

/* From the lower EL's exception: SP and x19..x30 as SWITCH_OUT left them,
 * and a return to SWITCH_OUT's caller. */
    .macro SWITCH_BACK saved_sp, t
    adrp    \t, \saved_sp
    ldr     \t, [\t, :lo12:\saved_sp]
    mov     sp, \t
    CALLEE_SAVED ldp
    add     sp, sp, #96
    ret
    .endm

/* x0..x3 stored in the four words at `sym`. */
    .macro STORE_X0_X3 sym, t
    adrp    \t, \sym
    add     \t, \t, :lo12:\sym
    stp     x0, x1, [\t]
    stp     x2, x3, [\t, #16]
    .endm

/* A world's return to EL3: SMC #0 with x0..x3 = the four words at `sym`. */
    .macro SMC_RETURN sym
    adrp    x4, \sym
    add     x4, x4, :lo12:\sym
    ldp     x0, x1, [x4]
    ldp     x2, x3, [x4, #16]
    smc     #0
    b       .
    .endm

/* An exception EL2 did not expect: SMC #1 with x0..x2 = ESR, ELR, FAR (SMC_FAULT). */
    .macro SMC_FAULT_EL2
    mrs     x0, esr_el2
    mrs     x1, elr_el2
    mrs     x2, far_el2
    smc     #1
    b       .
    .endm

/* x0 = FAULTED (demo.h): a result that reports an exception. */
    .macro MOV_FAULTED
    movz    x0, #0x7ed0
    movk    x0, #0xfa01, lsl #16
    movk    x0, #0x7ed0, lsl #32
    movk    x0, #0xfa01, lsl #48
    .endm

/* x1..x3 = ESR, ELR, FAR of the exception taken to `el`. */
    .macro READ_FAULT el
    mrs     x1, esr_\el
    mrs     x2, elr_\el
    mrs     x3, far_\el
    .endm

/* The system register `reg` stored at `sym` (through `val` and `t`). */
    .macro RECORD reg, sym, val, t
    mrs     \val, \reg
    adrp    \t, \sym
    str     \val, [\t, :lo12:\sym]
    .endm

/* The return address of the exception taken to `el` moved past the
 * instruction that raised it (the access is skipped). */
    .macro SKIP_INSTRUCTION el, t
    mrs     \t, elr_\el
    add     \t, \t, #4
    msr     elr_\el, \t
    .endm

#endif
