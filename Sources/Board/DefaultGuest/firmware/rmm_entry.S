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
#include "entry.h"
    .arch armv8-a

    .text
    .global rmm_entry
rmm_entry:
    bl      rmm_main
    SMC_RETURN rmm_out

    .global run_el1
run_el1:
    SWITCH_OUT rmm_saved_sp, x4, x5
    msr     sp_el1, x1
    msr     elr_el2, x0
    mov     x4, #0x3c5                  /* EL1h, DAIF masked */
    msr     spsr_el2, x4
    mov     x0, x2
    mov     x1, x3
    isb
    eret

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
1:  MOV_FAULTED                         /* another exception taken to EL2 */
    mov     x1, x9
    mrs     x2, elr_el2
    mrs     x3, far_el2
2:  STORE_X0_X3 el1_result, x9
    SWITCH_BACK rmm_saved_sp, x9

rmm_panic:
    SMC_FAULT_EL2

    .bss
    .balign 16
    .space  8192
    .global rmm_stack_top
rmm_stack_top:
