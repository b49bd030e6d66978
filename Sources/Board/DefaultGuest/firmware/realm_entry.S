/* A realm's kernel (Realm EL1): its vectors and entry. Linked at the VA the
 * RMM maps it at (KERNEL_VA), copied by the RMM into the realm's memory.
 * realm_entry: x0 = command, x1 = argument -> realm_main(); HVC #0 with its
 * result in x0, x1. An exception at EL1 goes back to the RMM with HVC #1,
 * x0..x3 = FAULTED, ESR_EL1, ELR_EL1, FAR_EL1. */
#include "entry.h"
    .arch armv8-a

    .section .text.realm_vectors, "ax"
    .balign 2048
    .global realm_vectors
realm_vectors:
    .rept 16
    VENT realm_fault
    .endr

    .global realm_entry
realm_entry:
    bl      realm_main
    hvc     #0
    b       .

realm_fault:
    MOV_FAULTED
    READ_FAULT el1
    hvc     #1
    b       .
