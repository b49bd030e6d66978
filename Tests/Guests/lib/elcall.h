/* Armature guest runtime: calling a function at a lower EL from EL3 and
 * getting its result back (header only; include after els.h from one C
 * test that starts at EL3). For the trap tests: the function runs at EL2 or
 * EL1 (or EL0), its trapped accesses are taken to EL2/EL3 and recorded, and
 * it returns to EL3 by a "return call":
 *
 *   elcall(spsr, fn, arg)      ERET from EL3 to fn(arg) in the mode of spsr
 *                              (SPSR_EL2H, SPSR_EL1H, SPSR_EL0T) on its own
 *                              stack; returns fn's result at EL3
 *   elcall_handler             installed as els_handler by elcall_init(): the
 *                              return calls (EL2: SMC #0x7e5; EL1: HVC #0x7e5,
 *                              forwarded by EL2 as SMC; EL0: SVC #0x7e5 to EL1
 *                              or EL2, forwarded likewise; Secure EL1: SMC), and every other
 *                              exception: recorded in elcall_log (EL, ESR,
 *                              ELR offset, FAR) and skipped (ELR + 4; for a
 *                              trapped SMC, taken with ELR = the SMC itself,
 *                              the same)
 *
 * SCR_EL3 must have HCE (HVC) and not SMD; HCR_EL2.TSC traps EL1's SMC, so
 * EL1 returns by HVC. A test that starts at EL2 uses elcall_init_el2(): then
 * elcall() runs EL1 or EL0 code from EL2 (return calls end at EL2). */
#ifndef ARMATURE_ELCALL_H
#define ARMATURE_ELCALL_H

#include "els.h"
#include "callee_frame.h"

#define ELCALL_IMM 0x7e5

typedef struct { unsigned el; uint64_t esr, elr, far; } elcall_rec_t;

volatile elcall_rec_t elcall_log[64];
volatile unsigned elcall_count;
uint64_t elcall_saved_sp;

static uint8_t elcall_stack[3][8192] __attribute__((aligned(16)));

uint64_t elcall_raw(uint64_t spsr, uint64_t (*fn)(uint64_t), uint64_t arg, void *tramp);
uint64_t elcall_raw_el2(uint64_t spsr, uint64_t (*fn)(uint64_t), uint64_t arg, void *tramp);
/* The EL elcall() runs at (3, or 2 for a test that starts at EL2: elcall_init_el2). */
unsigned elcall_home = 3;
extern char elcall_tramp_el0[], elcall_tramp_el1[], elcall_tramp_el1s[], elcall_tramp_el2[];
__attribute__((noreturn)) void elcall_return(uint64_t value);

__asm__(
"    .section .text.elcall, \"ax\"\n"
/* elcall_raw(spsr, fn, arg, tramp) (from EL3) / elcall_raw_el2 (from EL2):
 * keeps the callee-saved registers and SP on the caller's stack, ERETs to
 * tramp with x0 = arg, x1 = fn. */
"    .macro ELCALL_RAW name, el\n"
"    .global \\name\n"
"\\name:\n"
CALLEE_FRAME_SAVE
"    mov x5, sp\n"
"    adrp x4, elcall_saved_sp\n"
"    str x5, [x4, :lo12:elcall_saved_sp]\n"
"    msr spsr_\\el, x0\n"
"    msr elr_\\el, x3\n"
"    mov x0, x2\n"
"    isb\n"
"    eret\n"
"    .endm\n"
"    ELCALL_RAW elcall_raw, el3\n"
"    ELCALL_RAW elcall_raw_el2, el2\n"
"    .global elcall_tramp_el0, elcall_tramp_el1, elcall_tramp_el1s, elcall_tramp_el2\n"
"elcall_tramp_el2:\n"
"    blr x1\n"
"    smc #0x7e5\n"
"    b .\n"
"elcall_tramp_el1:\n"
"    blr x1\n"
"    hvc #0x7e5\n"
"    b .\n"
"elcall_tramp_el1s:\n"   /* Secure EL1 (no EL2 there): SMC straight to EL3 */
"    blr x1\n"
"    smc #0x7e5\n"
"    b .\n"
"elcall_tramp_el0:\n"
"    blr x1\n"
"    svc #0x7e5\n"
"    b .\n"
/* elcall_return(value): back in elcall_raw's frame at EL3. */
"    .global elcall_return\n"
"elcall_return:\n"
"    adrp x1, elcall_saved_sp\n"
"    ldr x1, [x1, :lo12:elcall_saved_sp]\n"
"    mov sp, x1\n"
CALLEE_FRAME_RESTORE_RET
"    .text\n");

static inline uint64_t elcall_esr_imm(uint64_t esr) { return esr & 0xffff; }

/* Forwards a return call from a lower EL up to EL3 with x0 = value. */
static inline void elcall_forward(uint64_t value)
{
    register uint64_t x0 __asm__("x0") = value;
    __asm__ volatile("smc #0x7e5" : "+r"(x0) :: "memory");
}

static int elcall_handler(els_exc_t *e)
{
    unsigned ec = ELS_EC(e->esr);
    int lower = e->vec >= ELS_VEC_LOWER64;
    if (lower && elcall_esr_imm(e->esr) == ELCALL_IMM && (ec == 0x17 || ec == 0x16 || ec == 0x15)) {
        if (e->el == elcall_home) elcall_return(e->regs->x[0]);
        elcall_forward(e->regs->x[0]);
        return 0;   /* not reached */
    }
    unsigned n = elcall_count;
    if (n < 64) {
        elcall_log[n].el = e->el;
        elcall_log[n].esr = e->esr;
        elcall_log[n].elr = e->elr;
        elcall_log[n].far = e->far;
    }
    elcall_count = n + 1;
    /* Resume after the instruction: SVC, HVC and an SMC taken to EL3 already
     * return past it; a trapped SMC (to EL2) and everything else return to it. */
    if (!(ec == 0x15 || ec == 0x16 || (ec == 0x17 && e->el == 3)))
        e->elr += 4;
    return 1;
}

static inline void elcall_init(void)
{
    els_install(3);
    els_install(2);
    els_install(1);
    els_handler = elcall_handler;
}

/* For a test that starts at EL2 (-M virt,virtualization=on): EL2 and EL1 vectors. */
static inline void elcall_init_el2(void)
{
    elcall_home = 2;
    els_install(2);
    els_install(1);
    els_handler = elcall_handler;
}

static inline uint64_t elcall(uint64_t spsr, uint64_t (*fn)(uint64_t), uint64_t arg)
{
    /* Each level (and its handlers) on a stack of its own. */
    ELS_MSR("sp_el0", (uint64_t)(elcall_stack[0] + sizeof elcall_stack[0]));
    ELS_MSR("sp_el1", (uint64_t)(elcall_stack[1] + sizeof elcall_stack[1]));
    if (elcall_home == 3)
        ELS_MSR("sp_el2", (uint64_t)(elcall_stack[2] + sizeof elcall_stack[2]));
    unsigned to = (spsr >> 2) & 3;
    if (elcall_home == 2) {
        /* From EL2 (no EL3): EL1 and EL0 return by HVC / SVC to EL2. */
        return elcall_raw_el2(spsr, fn, arg, to == 0 ? elcall_tramp_el0 : elcall_tramp_el1);
    }
    void *tramp = to == 2 ? elcall_tramp_el2 : to == 0 ? elcall_tramp_el0
                : (ELS_MRS("scr_el3") & 1) ? elcall_tramp_el1 : elcall_tramp_el1s;
    return elcall_raw(spsr, fn, arg, tramp);
}

/* Clears the log. */
static inline void elcall_reset(void) { elcall_count = 0; }

#endif
