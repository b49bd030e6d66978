/* The Non-secure host (EL2): its entry from EL3 and its vectors.
 * host_entry: x0, x1 from EL3 -> host_main(), then SMC #0 with host_out[0..3].
 * A data abort at EL2 (the host reading memory it may not) is recorded in
 * host_fault_esr/host_fault_far and the load is skipped; anything else goes
 * to EL3 with SMC #1. */
#include "entry.h"
    .arch armv8-a

    .text
    .global host_entry
host_entry:
    bl      host_main
    SMC_RETURN host_out

    .balign 2048
    .global host_vectors
host_vectors:
    .rept 4
    VENT host_panic
    .endr
    VENT host_sync
    .rept 11
    VENT host_panic
    .endr

host_sync:
    stp     x9, x10, [sp, #-16]!
    mrs     x9, esr_el2
    lsr     x10, x9, #26
    cmp     x10, #0x25                  /* data abort, same EL */
    b.ne    host_panic
    adrp    x10, host_fault_esr
    str     x9, [x10, :lo12:host_fault_esr]
    RECORD  far_el2, host_fault_far, x9, x10
    SKIP_INSTRUCTION el2, x9
    ldp     x9, x10, [sp], #16
    eret

host_panic:
    SMC_FAULT_EL2

    .bss
    .balign 16
    .space  4096
    .global host_stack_top
host_stack_top:
