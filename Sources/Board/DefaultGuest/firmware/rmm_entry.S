/* The RMM (Realm EL2): its entry from EL3, its vectors, and the switch to a
 * realm's kernel at Realm EL1.
 *
 * rmm_entry: x0..x3 from EL3 (command and arguments) -> rmm_main(), then
 * SMC #0 with rmm_out[0..3]. An exception the RMM did not expect goes to EL3
 * with SMC #1 (x0 = ESR_EL2, x1 = ELR_EL2, x2 = FAR_EL2).
 * run_el1(entry, sp_el1, a0, a1) enters Realm EL1 (EL1h) at `entry` with
 * x0, x1 = a0, a1; it returns when the kernel executes HVC #0 (its x0 and x1
 * in el1_result[0..1]) or HVC #1 (its EL1 vectors: an exception, x0..x3 =
 * FAULTED, ESR, ELR, FAR), or when anything else from EL1 reaches EL2. */
    .arch armv8-a

    .text
    .global rmm_entry
rmm_entry:
    bl      rmm_main
    adrp    x4, rmm_out
    add     x4, x4, :lo12:rmm_out
    ldp     x0, x1, [x4]
    ldp     x2, x3, [x4, #16]
    smc     #0
    b       .

    .global run_el1
run_el1:
    sub     sp, sp, #96
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    mov     x4, sp
    adrp    x5, rmm_saved_sp
    str     x4, [x5, :lo12:rmm_saved_sp]
    msr     sp_el1, x1
    msr     elr_el2, x0
    mov     x4, #0x3c5                  /* EL1h, DAIF masked */
    msr     spsr_el2, x4
    mov     x0, x2
    mov     x1, x3
    isb
    eret

    .macro VENT target
    .balign 128
    b       \target
    .endm

    .balign 2048
    .global rmm_vectors
rmm_vectors:
    .rept 8
    VENT rmm_panic
    .endr
    VENT rmm_lower_sync
    .rept 7
    VENT rmm_panic
    .endr

rmm_lower_sync:
    mrs     x9, esr_el2
    lsr     x10, x9, #26
    cmp     x10, #0x16                  /* HVC from the kernel */
    b.eq    2f                          /* #0: x0, x1; #1: x0..x3 = FAULTED, ESR, ELR, FAR (EL1's) */
1:  movz    x0, #0x7ed0                 /* another exception taken to EL2 */
    movk    x0, #0xfa01, lsl #16
    movk    x0, #0x7ed0, lsl #32
    movk    x0, #0xfa01, lsl #48
    mov     x1, x9
    mrs     x2, elr_el2
    mrs     x3, far_el2
2:  adrp    x9, el1_result
    add     x9, x9, :lo12:el1_result
    stp     x0, x1, [x9]
    stp     x2, x3, [x9, #16]
    adrp    x9, rmm_saved_sp
    ldr     x9, [x9, :lo12:rmm_saved_sp]
    mov     sp, x9
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #96
    ret

rmm_panic:
    mrs     x0, esr_el2
    mrs     x1, elr_el2
    mrs     x2, far_el2
    smc     #1
    b       .

    .bss
    .balign 16
    .space  8192
    .global rmm_stack_top
rmm_stack_top:
