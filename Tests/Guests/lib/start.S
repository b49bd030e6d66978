/* Armature guest runtime: entry point and default EL1 exception vectors.
 *
 * _start: select SP_EL1, set SP to a stack in .bss, zero .bss, install the
 * vector table in VBAR_EL1, call main(), exit through semihosting
 * SYS_EXIT_EXTENDED with main's return value. Only CPU 0 (MPIDR_EL1
 * affinity 0.0.0.0) does that: with -smp N and the guest's own EL3
 * (secure=on: no PSCI) every CPU starts here, and the others branch to
 * armature_secondary_pen (a WFI loop unless the test defines its own).
 *
 * Every vector entry saves the full general-register state into an
 * exc_frame_t (see semihost.h) on the stack and calls exception_dispatch();
 * when that returns, ELR_EL1/SPSR_EL1 and the registers are reloaded from the
 * (possibly modified) frame and ERET is executed. */
    .arch armv8-a

#define FRAME_SIZE 304      /* 31 regs + elr, spsr, esr, far, vec, sp = 37*8, rounded to 16 */
#define STACK_SIZE 0x40000

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
_start:
    mrs     x0, mpidr_el1
    mov     x1, #0xffffff
    orr     x1, x1, #0xff00000000
    tst     x0, x1
    b.ne    armature_secondary_pen
    msr     spsel, #1
    adrp    x0, __stack_top
    add     x0, x0, :lo12:__stack_top
    mov     sp, x0
    /* zero .bss (8-byte stores; bounds are 16-byte aligned by guest.ld) */
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  adrp    x0, armature_vectors
    add     x0, x0, :lo12:armature_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, #0
    mov     x30, #0
    bl      main
    bl      sh_exit
3:  b       3b
    .size _start, . - _start

/* ---------------- vector table ---------------- */
    .macro VENTRY off
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\off
    b       armature_exc_common
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global armature_vectors
armature_vectors:
    VENTRY 0x000    /* current EL, SP0: sync */
    VENTRY 0x080    /* irq */
    VENTRY 0x100    /* fiq */
    VENTRY 0x180    /* serror */
    VENTRY 0x200    /* current EL, SPx: sync */
    VENTRY 0x280
    VENTRY 0x300
    VENTRY 0x380
    VENTRY 0x400    /* lower EL, AArch64: sync */
    VENTRY 0x480
    VENTRY 0x500
    VENTRY 0x580
    VENTRY 0x600    /* lower EL, AArch32 */
    VENTRY 0x680
    VENTRY 0x700
    VENTRY 0x780

    .balign 128
    .global armature_exc_common
armature_exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #248]
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #264]
    add     x1, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #280]
    mov     x0, sp
    mov     x29, #0
    bl      exception_dispatch
    ldp     x1, x2, [sp, #248]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

/* ---------------- stack ---------------- */
    .section .stack, "aw", %nobits
    .balign 16
    .global __stack_bottom
    .global __stack_top
__stack_bottom:
    .space  STACK_SIZE
__stack_top:

/* The default pen of the secondary CPUs: WFI forever. */
    .text
    .weak   armature_secondary_pen
    .type   armature_secondary_pen, %function
armature_secondary_pen:
    wfi
    b       armature_secondary_pen
