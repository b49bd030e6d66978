/* EL3 firmware: the reset entry, the EL3 vectors and the world switch.
 *
 * _start runs at reset (EL3 on -M virt,secure=on): stack, then el3_main().
 * Every CPU starts here (the board has no PSCI when the guest brings its own
 * EL3): only CPU 0 (MPIDR_EL1 affinity 0.0.0.0) runs the demo; the others
 * stay in WFI (a holding pen nothing releases).
 * world_call(entry, sp_el2, a0, a1, a2, a3) enters EL2 (Realm or Non-secure,
 * as SCR_EL3 says) at `entry` with x0..x3 = a0..a3 and SP_EL2 = sp_el2; it
 * returns when that world executes SMC #0 (x0 returned, x1..x3 in
 * world_result[1..3]) or SMC #1 (an exception it did not expect:
 * world_smc_imm = 1). A GPC exception from a lower EL (EC 0x1E) is recorded in
 * gpc_esr/gpc_far/gpc_mfar/gpc_count and the access is skipped. */
#include "entry.h"
    .arch armv8-a

    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x0, mpidr_el1
    mov     x1, #0xffffff
    orr     x1, x1, #0xff00000000
    tst     x0, x1
    b.eq    1f
0:  wfi
    b       0b
1:  msr     spsel, #1
    adrp    x0, el3_stack_top
    add     x0, x0, :lo12:el3_stack_top
    mov     sp, x0
    bl      el3_main
    b       el3_exit

/* el3_exit(w0 = status): semihosting SYS_EXIT_EXTENDED. */
    .global el3_exit
el3_exit:
    adrp    x1, exit_block
    add     x1, x1, :lo12:exit_block
    str     x0, [x1, #8]
    mov     w0, #0x20
    hlt     #0xf000
1:  wfi
    b       1b

    .text
    .global world_call
world_call:
    SWITCH_OUT el3_saved_sp, x6, x7
    msr     sp_el2, x1
    msr     elr_el3, x0
    mov     x6, #0x3c9                  /* EL2h, DAIF masked */
    msr     spsr_el3, x6
    mov     x0, x2
    mov     x1, x3
    mov     x2, x4
    mov     x3, x5
    isb
    eret

    .balign 2048
    .global el3_vectors
el3_vectors:
    VENT el3_self_sync
    VENT el3_self_other
    VENT el3_self_other
    VENT el3_self_other
    VENT el3_self_sync
    VENT el3_self_other
    VENT el3_self_other
    VENT el3_self_other
    VENT el3_lower_sync
    VENT el3_lower_other
    VENT el3_lower_other
    VENT el3_lower_other
    VENT el3_lower_other
    VENT el3_lower_other
    VENT el3_lower_other
    VENT el3_lower_other

el3_lower_sync:
    stp     x4, x5, [sp, #-16]!
    mrs     x4, esr_el3
    lsr     x5, x4, #26
    cmp     x5, #0x17                   /* SMC */
    b.eq    2f
    cmp     x5, #0x1e                   /* GPC exception */
    b.ne    el3_lower_other
    adrp    x5, gpc_esr
    str     x4, [x5, :lo12:gpc_esr]
    RECORD  far_el3, gpc_far, x4, x5
    RECORD  S3_6_C6_C0_5, gpc_mfar, x4, x5      /* MFAR_EL3 */
    adrp    x5, gpc_count
    ldr     x4, [x5, :lo12:gpc_count]
    add     x4, x4, #1
    str     x4, [x5, :lo12:gpc_count]
    SKIP_INSTRUCTION el3, x4
    ldp     x4, x5, [sp], #16
    eret
2:  and     x4, x4, #0xffff
    adrp    x5, world_smc_imm
    str     x4, [x5, :lo12:world_smc_imm]
    STORE_X0_X3 world_result, x5
    SWITCH_BACK el3_saved_sp, x1

el3_lower_other:
    mov     x0, #1
    b       1f
el3_self_other:
el3_self_sync:
    mov     x0, #3
1:  READ_FAULT el3
    bl      el3_panic                   /* does not return */

    .data
    .balign 8
exit_block:
    .quad   0x20026, 0                  /* ADP_Stopped_ApplicationExit, status */

    .bss
    .balign 16
    .space  16384
    .global el3_stack_top
el3_stack_top:
