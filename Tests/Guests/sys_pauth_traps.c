/* FEAT_PAuth traps and ERETAA/ERETAB, from EL3 with EL2 (Arm ARM D1 "Traps
 * and enables"; the AddPAC and Auth pseudocode's TrapPACUse; the key
 * registers' access pseudocode):
 * - HCR_EL2.API = 0 traps PAC*, AUT*, PACGA and ERETAA from EL1 to EL2, EC
 *   0x09 (ISS 0); SCR_EL3.API = 0 traps them from EL1 and EL2 to EL3 (EL2's
 *   trap first). XPAC* is never trapped; PAC* and AUT* with their SCTLR_ELx key
 *   enable clear are NOPs and not trapped either (PACGA has no enable).
 * - HCR_EL2.APK = 0 traps the AP*Key_EL1 registers from EL1 to EL2, SCR_EL3.
 *   APK = 0 from EL1 and EL2 to EL3, as MSR/MRS (EC 0x18).
 * - ERETAA/ERETAB return to ELR_ELx authenticated with SP; a failure
 *   returns to the pointer with its error code, whose fetch faults.
 * Trapped instructions are skipped (their registers keep their values).
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SCR_NS  (1ull << 0)
#define SCR_HCE (1ull << 8)
#define SCR_RW  (1ull << 10)
#define SCR_APK (1ull << 16)
#define SCR_API (1ull << 17)
#define HCR_RW  (1ull << 31)
#define HCR_APK (1ull << 40)
#define HCR_API (1ull << 41)
#define EN_IA   (1ull << 31)
#define EN_IB   (1ull << 30)

#define PAC_TRAP 0x26000000ull   /* EC 0x09, IL 1 */
/* MRS/MSR of APIAKeyLo_EL1 (op0 3, op1 0, CRn 2, CRm 1, op2 0) with Rt = x5, EC 0x18. */
#define KEY_RD ((0x18ull << 26) | (1ull << 25) | (3ull << 20) | (2ull << 10) | (5ull << 5) | (1ull << 1) | 1)
#define KEY_WR (KEY_RD & ~1ull)

#define SENTINEL 0x40081234ull
#define OP2(insn, d, n) ({ uint64_t _d = (d); __asm__ volatile(insn " %0, %1" : "+r"(_d) : "r"((uint64_t)(n))); _d; })

static volatile uint64_t result[8];

/* The same sequence at EL1 or EL2: PACIA, AUTIA, PACGA, XPACI, MRS and MSR
 * of APIAKeyLo_EL1 (x5), with the instruction key enabled when arg = 1. */
static uint64_t ops(uint64_t enable, int el2)
{
    uint64_t sctlr = el2 ? ELS_MRS("sctlr_el2") : ELS_MRS("sctlr_el1");
    sctlr = enable ? sctlr | EN_IA : sctlr & ~EN_IA;
    if (el2) ELS_MSR("sctlr_el2", sctlr); else ELS_MSR("sctlr_el1", sctlr);
    result[0] = OP2("pacia", SENTINEL, 3);
    result[1] = OP2("autia", SENTINEL, 3);
    uint64_t g = SENTINEL;
    __asm__ volatile("pacga %0, %1, %2" : "+r"(g) : "r"(SENTINEL), "r"(5ull));
    result[2] = g;
    result[3] = ({ uint64_t _d = SENTINEL | 0x007f000000000000ull; __asm__ volatile("xpaci %0" : "+r"(_d)); _d; });
    register uint64_t x5 __asm__("x5") = 0x5e5e;
    __asm__ volatile("mrs x5, apiakeylo_el1" : "+r"(x5));
    result[4] = x5;
    x5 = 0x77;
    __asm__ volatile("msr apiakeylo_el1, x5" :: "r"(x5));
    return 0;
}
static uint64_t el1_ops(uint64_t enable) { return ops(enable, 0); }
static uint64_t el2_ops(uint64_t enable) { return ops(enable, 1); }

/* ERETAA/ERETAB at EL2 back to EL2h (arg bit 0: key B; bit 1: sign with a
 * wrong modifier). Returns 1 when the return reached its target. x30 holds
 * where a faulting return resumes (the handler below). */
static uint64_t el2_eret(uint64_t arg)
{
    uint64_t reached = 0;
    ELS_MSR("sctlr_el2", ELS_MRS("sctlr_el2") | EN_IA | EN_IB);
    ELS_MSR("spsr_el2", 0x3c9ull);
    if (arg & 1)
        __asm__ volatile("adr x0, 1f\n\tmov x1, sp\n\tadd x1, x1, %1\n\tpacib x0, x1\n\tmsr elr_el2, x0\n\t"
                         "adr x30, 2f\n\teretab\n1:\tmov %0, #1\n2:"
                         : "+r"(reached) : "r"((arg & 2) * 8) : "x0", "x1", "x30", "memory");
    else
        __asm__ volatile("adr x0, 1f\n\tmov x1, sp\n\tadd x1, x1, %1\n\tpacia x0, x1\n\tmsr elr_el2, x0\n\t"
                         "adr x30, 2f\n\teretaa\n1:\tmov %0, #1\n2:"
                         : "+r"(reached) : "r"((arg & 2) * 8) : "x0", "x1", "x30", "memory");
    return reached;
}

/* ERETAA at EL1 (trapped to EL2 by HCR_EL2.API = 0: skipped). */
static uint64_t el1_eretaa(uint64_t arg)
{
    ELS_MSR("sctlr_el1", ELS_MRS("sctlr_el1") | EN_IA);
    ELS_MSR("elr_el1", 0x1234ull);
    __asm__ volatile("eretaa" ::: "memory");
    return 5;
}

/* An instruction abort (a failed ERETAA's target): record it, resume at x30. */
static int handler(els_exc_t *e)
{
    unsigned ec = ELS_EC(e->esr);
    int r = elcall_handler(e);
    if (ec == 0x20 || ec == 0x21) e->elr = e->regs->x[30];
    return r;
}

static void run(const char *what, uint64_t scr, uint64_t hcr, uint64_t spsr, uint64_t (*fn)(uint64_t), uint64_t arg)
{
    ELS_MSR("scr_el3", scr);
    ELS_MSR("hcr_el2", hcr);
    elcall_reset();
    for (unsigned i = 0; i < 8; i++) result[i] = SENTINEL;
    print_str(what);
    print_nl();
    elcall(spsr, fn, arg);
}

static void expect(unsigned n, unsigned el, const uint64_t *esr)
{
    CHECK_EQ("  traps", elcall_count, n);
    for (unsigned i = 0; i < n && i < elcall_count; i++) {
        CHECK_EQ("    ESR", elcall_log[i].esr, esr[i]);
        CHECK_EQ("    taken to EL", elcall_log[i].el, el);
    }
}

static void results(int signed_ok)
{
    check_eq("  pacia", result[0], result[0]);
    check_eq("  autia", result[1], result[1]);
    check_eq("  pacga", result[2], result[2]);
    CHECK_EQ("  xpaci (never trapped)", result[3], SENTINEL);
    if (signed_ok) CHECK_EQ("  pacia signed", result[0] != SENTINEL, 1);
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();
    els_handler = handler;
    uint64_t scr = SCR_NS | SCR_HCE | SCR_RW;
    static const uint64_t all[] = { PAC_TRAP, PAC_TRAP, PAC_TRAP, KEY_RD, KEY_WR };
    static const uint64_t ga_keys[] = { PAC_TRAP, KEY_RD, KEY_WR };

    run("EL1, HCR_EL2.API/APK = 0: to EL2", scr | SCR_API | SCR_APK, HCR_RW, SPSR_EL1H, el1_ops, 1);
    expect(5, 2, all);
    results(0);
    CHECK_EQ("  trapped MRS left x5", result[4], 0x5e5e);
    run("EL1, both: EL2's trap first", scr, HCR_RW, SPSR_EL1H, el1_ops, 1);
    expect(5, 2, all);
    run("EL1, SCR_EL3.API/APK = 0: to EL3", scr, HCR_RW | HCR_API | HCR_APK, SPSR_EL1H, el1_ops, 1);
    expect(5, 3, all);
    run("EL1, EnIA = 0: PACIA/AUTIA are NOPs, PACGA still traps", scr | SCR_API | SCR_APK, HCR_RW | HCR_APK,
        SPSR_EL1H, el1_ops, 0);
    expect(1, 2, ga_keys);
    CHECK_EQ("  pacia, autia left x", result[0] == SENTINEL && result[1] == SENTINEL, 1);
    run("EL1, no traps", scr | SCR_API | SCR_APK, HCR_RW | HCR_API | HCR_APK, SPSR_EL1H, el1_ops, 1);
    expect(0, 1, all);
    results(1);
    check_eq("  APIAKeyLo_EL1", result[4], result[4]);

    run("EL2, SCR_EL3.API/APK = 0: to EL3", scr, HCR_RW, SPSR_EL2H, el2_ops, 1);
    expect(5, 3, all);
    run("EL2, HCR_EL2.API/APK do not apply", scr | SCR_API | SCR_APK, HCR_RW, SPSR_EL2H, el2_ops, 1);
    expect(0, 2, all);
    results(1);
    CHECK_EQ("  APIAKeyLo_EL1 (written by EL1 before)", result[4], 0x77);

    /* ERETAA/ERETAB. */
    static const uint64_t pac_trap[] = { PAC_TRAP };
    scr |= SCR_API | SCR_APK;
    run("EL1 ERETAA, HCR_EL2.API = 0: to EL2", scr, HCR_RW, SPSR_EL1H, el1_eretaa, 0);
    expect(1, 2, pac_trap);
    print_str("EL2 ERETAA, ERETAB\n");
    ELS_MSR("scr_el3", scr);
    elcall_reset();
    CHECK_EQ("  eretaa reaches its target", elcall(SPSR_EL2H, el2_eret, 0), 1);
    CHECK_EQ("  eretab reaches its target", elcall(SPSR_EL2H, el2_eret, 1), 1);
    CHECK_EQ("  no exception", elcall_count, 0);
    CHECK_EQ("  eretaa, wrong modifier: target not reached", elcall(SPSR_EL2H, el2_eret, 2), 0);
    CHECK_EQ("    one exception", elcall_count, 1);
    CHECK_EQ("    instruction abort at EL2 (EC 0x21)", ELS_EC(elcall_log[0].esr), 0x21);
    check_eq("    FAR (error code 01 in bits 62:61)", elcall_log[0].far, elcall_log[0].far);
    elcall_reset();
    CHECK_EQ("  eretab, wrong modifier: target not reached", elcall(SPSR_EL2H, el2_eret, 3), 0);
    CHECK_EQ("    FAR bits 62:61 (key B: 10)", (elcall_log[0].far >> 61) & 3, 2);

    test_finish("sys_pauth_traps");
    return 0;
}
