/* Armature guest runtime: exception vectors at EL1, EL2 and EL3 and the ERET
 * that enters a lower EL (header only; include from one C test). For tests
 * that start at EL3 (-M virt,secure=on,virtualization=on) or EL2
 * (-M virt,virtualization=on) and move between levels.
 *
 *   els_install(el)          VBAR_ELel = els_vectors_elN (from EL >= el)
 *   els_handler              int (*)(els_exc_t *): called for every exception
 *                            taken to EL1..EL3 through these vectors; returns
 *                            non-zero when handled (else: "UNEXPECTED", exit 0xEE).
 *                            It may change e->elr / e->spsr (written back before ERET)
 *                            and e->regs->x[] (restored by the ERET path).
 *   els_start(handler)       checks the test starts at EL3, installs `handler`
 *                            and the EL3 vectors (0: not at EL3, after a FAIL line)
 *   els_record_aborts        a handler: data aborts at the current EL are counted
 *                            in els_aborts (ESR/FAR in els_abort_esr/far) and skipped
 *   els_tcr_one_range(gbits, tsz)  TCR_EL2 (E2H = 0) / TCR_EL3: write-back inner
 *                            shareable walks, PS = 48 bits
 *   ELS_SCR_NS_EL2           SCR_EL3 for a Non-secure AArch64 EL2 (NS, HCE, RW)
 *   els_enter(from, entry, arg, spsr, sp)   ERET from EL `from` to `entry(arg)` in
 *                            the mode of `spsr` with that level's stack pointer
 *                            = sp (SP_EL0 for EL0t; SP_ELx for ELxh). Does not return.
 *
 * Vectors save x0..x30 on the stack of the EL taking the exception, so
 * exceptions nest (a handler may itself HVC/SMC to a higher level). */
#ifndef ARMATURE_ELS_H
#define ARMATURE_ELS_H

#include "semihost.h"

typedef struct { uint64_t x[31]; uint64_t pad; } els_regs_t;

typedef struct {
    unsigned el;        /* the EL that took the exception */
    unsigned vec;       /* offset in the vector table: 0x200 current EL SPx sync, 0x400 lower EL sync... */
    uint64_t esr, far, elr, spsr;
    els_regs_t *regs;
} els_exc_t;

int (*volatile els_handler)(els_exc_t *e);

#define ELS_EC(esr)       (((esr) >> 26) & 0x3f)
#define ELS_VEC_CUR_SPX   0x200
#define ELS_VEC_LOWER64   0x400

/* SPSR values with DAIF masked: EL0t, EL1h, EL2h, EL3h. */
#define SPSR_EL0T 0x3c0ull
#define SPSR_EL1H 0x3c5ull
#define SPSR_EL2H 0x3c9ull
#define SPSR_EL3H 0x3cdull

#define ELS_MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })
#define ELS_MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")

/* Called by the vectors (x0 = EL, x1 = vector offset, x2 = the saved registers). */
void els_dispatch(unsigned el, unsigned vec, els_regs_t *regs)
{
    els_exc_t e = { .el = el, .vec = vec, .regs = regs };
    switch (el) {
    case 1: e.esr = ELS_MRS("esr_el1"); e.far = ELS_MRS("far_el1"); e.elr = ELS_MRS("elr_el1"); e.spsr = ELS_MRS("spsr_el1"); break;
    case 2: e.esr = ELS_MRS("esr_el2"); e.far = ELS_MRS("far_el2"); e.elr = ELS_MRS("elr_el2"); e.spsr = ELS_MRS("spsr_el2"); break;
    default: e.esr = ELS_MRS("esr_el3"); e.far = ELS_MRS("far_el3"); e.elr = ELS_MRS("elr_el3"); e.spsr = ELS_MRS("spsr_el3"); break;
    }
    uint64_t elr = e.elr, spsr = e.spsr;
    if (!els_handler || !els_handler(&e)) {
        print_str("UNEXPECTED EXCEPTION at EL");
        print_udec(el);
        print_str(" vec=");
        print_hex(vec);
        print_str(" ESR=");
        print_hex(e.esr);
        print_str(" ELR=");
        print_hex(e.elr);
        print_str(" FAR=");
        print_hex(e.far);
        print_nl();
        sh_exit(0xEE);
    }
    if (e.elr != elr || e.spsr != spsr) {
        switch (el) {
        case 1: ELS_MSR("elr_el1", e.elr); ELS_MSR("spsr_el1", e.spsr); break;
        case 2: ELS_MSR("elr_el2", e.elr); ELS_MSR("spsr_el2", e.spsr); break;
        default: ELS_MSR("elr_el3", e.elr); ELS_MSR("spsr_el3", e.spsr); break;
        }
    }
}

__asm__(
"    .macro ELS_VENT el, off\n"
"    .balign 128\n"
"    sub sp, sp, #256\n"
"    stp x0, x1, [sp, #0]\n"
"    mov x1, #\\off\n"
"    b els_common_el\\el\n"
"    .endm\n"
"    .macro ELS_TABLE el\n"
"    .balign 2048\n"
"    .global els_vectors_el\\el\n"
"els_vectors_el\\el:\n"
"    ELS_VENT \\el, 0x000\n ELS_VENT \\el, 0x080\n ELS_VENT \\el, 0x100\n ELS_VENT \\el, 0x180\n"
"    ELS_VENT \\el, 0x200\n ELS_VENT \\el, 0x280\n ELS_VENT \\el, 0x300\n ELS_VENT \\el, 0x380\n"
"    ELS_VENT \\el, 0x400\n ELS_VENT \\el, 0x480\n ELS_VENT \\el, 0x500\n ELS_VENT \\el, 0x580\n"
"    ELS_VENT \\el, 0x600\n ELS_VENT \\el, 0x680\n ELS_VENT \\el, 0x700\n ELS_VENT \\el, 0x780\n"
"els_common_el\\el:\n"
"    stp x2, x3, [sp, #16]\n   stp x4, x5, [sp, #32]\n   stp x6, x7, [sp, #48]\n"
"    stp x8, x9, [sp, #64]\n   stp x10, x11, [sp, #80]\n stp x12, x13, [sp, #96]\n"
"    stp x14, x15, [sp, #112]\n stp x16, x17, [sp, #128]\n stp x18, x19, [sp, #144]\n"
"    stp x20, x21, [sp, #160]\n stp x22, x23, [sp, #176]\n stp x24, x25, [sp, #192]\n"
"    stp x26, x27, [sp, #208]\n stp x28, x29, [sp, #224]\n str x30, [sp, #240]\n"
"    mov x0, #\\el\n"
"    mov x2, sp\n"
"    bl els_dispatch\n"
"    ldp x0, x1, [sp, #0]\n    ldp x2, x3, [sp, #16]\n   ldp x4, x5, [sp, #32]\n"
"    ldp x6, x7, [sp, #48]\n   ldp x8, x9, [sp, #64]\n   ldp x10, x11, [sp, #80]\n"
"    ldp x12, x13, [sp, #96]\n ldp x14, x15, [sp, #112]\n ldp x16, x17, [sp, #128]\n"
"    ldp x18, x19, [sp, #144]\n ldp x20, x21, [sp, #160]\n ldp x22, x23, [sp, #176]\n"
"    ldp x24, x25, [sp, #192]\n ldp x26, x27, [sp, #208]\n ldp x28, x29, [sp, #224]\n"
"    ldr x30, [sp, #240]\n"
"    add sp, sp, #256\n"
"    eret\n"
"    .endm\n"
"    .section .text.els, \"ax\"\n"
"    ELS_TABLE 1\n"
"    ELS_TABLE 2\n"
"    ELS_TABLE 3\n"
"    .text\n");

extern char els_vectors_el1[], els_vectors_el2[], els_vectors_el3[];

static inline void els_install(unsigned el)
{
    switch (el) {
    case 1: ELS_MSR("vbar_el1", (uint64_t)els_vectors_el1); break;
    case 2: ELS_MSR("vbar_el2", (uint64_t)els_vectors_el2); break;
    default: ELS_MSR("vbar_el3", (uint64_t)els_vectors_el3); break;
    }
}

/* SCR_EL3: NS, RES1 bits 5:4, HCE (HVC enabled), RW (EL2 is AArch64). */
#define ELS_SCR_NS_EL2 ((1ull << 0) | (3ull << 4) | (1ull << 8) | (1ull << 10))

static inline int els_start(int (*handler)(els_exc_t *))
{
    if ((ELS_MRS("CurrentEL") >> 2) != 3) {
        print_str("FAIL: this test starts at EL3 (-M virt,secure=on,virtualization=on)\n");
        return 0;
    }
    els_handler = handler;
    els_install(3);
    return 1;
}

static unsigned els_aborts;
static uint64_t els_abort_esr, els_abort_far;

__attribute__((unused)) static int els_record_aborts(els_exc_t *e)
{
    if (e->vec != ELS_VEC_CUR_SPX || ELS_EC(e->esr) != 0x25)
        return 0;
    els_abort_esr = e->esr;
    els_abort_far = e->far;
    els_aborts++;
    e->elr += 4;
    return 1;
}

/* TCR_EL2 (E2H = 0) and TCR_EL3 share this layout: T0SZ, IRGN0/ORGN0
 * write-back, inner shareable, TG0 (4 KiB: 0, 64 KiB: 1, 16 KiB: 2),
 * PS = 48 bits (bits 18:16); bits 31 and 23 RES1. */
static inline uint64_t els_tcr_one_range(unsigned gbits, unsigned tsz)
{
    uint64_t tg0 = gbits == 12 ? 0 : gbits == 16 ? 1 : 2;
    return tsz | (1ull << 8) | (1ull << 10) | (3ull << 12) | tg0 << 14 | (5ull << 16) | (1ull << 23) | (1ull << 31);
}

__attribute__((noreturn)) static inline void els_enter(unsigned from, void (*entry)(uint64_t), uint64_t arg,
                                                       uint64_t spsr, void *sp)
{
    unsigned to = (spsr >> 2) & 3;
    uint64_t s = (uint64_t)sp;
    if (to == 0 || (spsr & 1) == 0)
        ELS_MSR("sp_el0", s);
    else if (to == 1)
        ELS_MSR("sp_el1", s);
    else
        ELS_MSR("sp_el2", s);
    register uint64_t x0 __asm__("x0") = arg;
    switch (from) {
    case 1: ELS_MSR("elr_el1", (uint64_t)entry); ELS_MSR("spsr_el1", spsr); break;
    case 2: ELS_MSR("elr_el2", (uint64_t)entry); ELS_MSR("spsr_el2", spsr); break;
    default: ELS_MSR("elr_el3", (uint64_t)entry); ELS_MSR("spsr_el3", spsr); break;
    }
    __asm__ volatile("eret" :: "r"(x0) : "memory");
    __builtin_unreachable();
}

#endif
