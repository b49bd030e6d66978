/* A realm's kernel (Realm EL1): its vectors and entry. Linked at the VA the
 * RMM maps it at (KERNEL_VA), copied by the RMM into the realm's memory.
 * realm_entry: x0 = command, x1 = argument -> realm_main(); HVC #0 with its
 * result in x0, x1. An exception at EL1 goes back to the RMM with HVC #1,
 * x0..x3 = FAULTED, ESR_EL1, ELR_EL1, FAR_EL1. */
    .arch armv8-a

    .section .text.realm_vectors, "ax"
    .balign 2048
    .global realm_vectors
realm_vectors:
    .rept 16
    .balign 128
    b       realm_fault
    .endr

    .global realm_entry
realm_entry:
    bl      realm_main
    hvc     #0
    b       .

realm_fault:
    movz    x0, #0x7ed0
    movk    x0, #0xfa01, lsl #16
    movk    x0, #0x7ed0, lsl #32
    movk    x0, #0xfa01, lsl #48
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    hvc     #1
    b       .
