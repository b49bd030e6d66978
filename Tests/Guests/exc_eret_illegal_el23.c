/* Illegal exception returns from EL3 and EL2 (Arm ARM D1.11.2, "Illegal
 * return events from AArch64 state"): ERET to an EL that is not enabled in the
 * Security state (EL2 with SCR_EL3.NS = 0 and no Secure EL2), or whose register
 * width (SCR_EL3.RW, HCR_EL2.RW = 0: AArch32) differs from SPSR.M[4] (AArch64),
 * keeps PSTATE.EL and SPSel, sets PSTATE.IL, and jumps to ELR; the instruction
 * there takes an Illegal Execution state exception (EC 0x0E) at the same EL.
 * So does a return to a higher EL or with the RES0 bit SPSR.M[1] set. A legal
 * return to each level is checked too.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"

#define SCR_NS  (1ull << 0)
#define SCR_RES1 (3ull << 4)
#define SCR_HCE (1ull << 8)
#define SCR_RW  (1ull << 10)
#define HCR_RW  (1ull << 31)

static uint8_t stack_el2[8192] __attribute__((aligned(16)));
static uint8_t stack_el1[8192] __attribute__((aligned(16)));
static unsigned exceptions;
static uint64_t last_esr, last_spsr, last_el;

extern char eret_target[], eret_back[];
/* The ERET target: an instruction that reports where it ran (x0 = CurrentEL)
 * and comes back with SMC or HVC (chosen by x1); on an illegal return it never
 * executes: the Illegal Execution state exception is taken instead. */
__asm__(".text\n"
        "eret_target:\n"
        "    mrs x0, CurrentEL\n"
        "    cbz x1, 1f\n"
        "    hvc #0x77\n"
        "    b .\n"
        "1:  smc #0x77\n"
        "    b .\n");

static int handler(els_exc_t *e)
{
    exceptions++;
    last_esr = e->esr;
    last_spsr = e->spsr;
    last_el = e->el;
    unsigned ec = ELS_EC(e->esr);
    if (ec == 0x0e) {                      /* illegal state: skip the instruction, clear IL */
        e->elr += 4;
        e->spsr &= ~(1ull << 20);
        e->regs->x[0] = 0xbad;
        e->elr = e->regs->x[30];           /* back to the caller of try_eret */
        return 1;
    }
    if (ec == 0x17 || ec == 0x16) {        /* the target ran at a lower EL and called back */
        e->elr = e->regs->x[30];
        e->spsr = e->el == 3 ? SPSR_EL3H : SPSR_EL2H;
        return 1;
    }
    return 0;
}

/* ERET from `from` to eret_target in the mode `spsr`; returns CurrentEL>>2 as
 * seen by the target, or 0xbad when the return was illegal. */
static uint64_t try_eret(unsigned from, uint64_t spsr, uint64_t via_hvc)
{
    register uint64_t x0 __asm__("x0") = 0;
    register uint64_t x1 __asm__("x1") = via_hvc;
    if (from == 3) {
        ELS_MSR("elr_el3", (uint64_t)eret_target);
        ELS_MSR("spsr_el3", spsr);
    } else {
        ELS_MSR("elr_el2", (uint64_t)eret_target);
        ELS_MSR("spsr_el2", spsr);
    }
    __asm__ volatile("bl 1f\n\tb 2f\n1:\teret\n2:"
                     : "+r"(x0), "+r"(x1) :: "x30", "memory");
    return x0 == 0xbad ? 0xbad : x0 >> 2;
}

static void report(const char *what, uint64_t got, uint64_t want)
{
    print_str(what);
    print_str(": ");
    if (got == 0xbad) {
        print_str("illegal return, EC=");
        print_hex(ELS_EC(last_esr));
        print_str(" at EL");
        print_udec(last_el);
        print_str(", SPSR.IL=");
        print_udec((last_spsr >> 20) & 1);
        print_str(" SPSR.M=");
        print_hex(last_spsr & 0xf);
    } else {
        print_str("ran at EL");
        print_udec(got);
    }
    print_nl();
    CHECK(got == want, what);
}

static void el2_main(uint64_t arg)
{
    els_install(2);
    ELS_MSR("hcr_el2", 0);
    report("EL2 -> EL1h, HCR_EL2.RW = 0 (EL1 AArch32)", try_eret(2, SPSR_EL1H, 1), 0xbad);
    ELS_MSR("hcr_el2", HCR_RW);
    report("EL2 -> EL1h, HCR_EL2.RW = 1", try_eret(2, SPSR_EL1H, 1), 1);
    report("EL2 -> EL3h (higher)", try_eret(2, SPSR_EL3H, 1), 0xbad);
    report("EL2 -> EL1 with SPSR.M[1] = 1 (RES0)", try_eret(2, SPSR_EL1H | 2, 1), 0xbad);
    print_str("exceptions: ");
    print_udec(exceptions);
    print_nl();
    sh_exit(test_finish("exc_eret_illegal_el23"));
}

int main(void)
{
    if (!els_start(handler))
        return 1;
    ELS_MSR("vbar_el2", (uint64_t)els_vectors_el2);
    ELS_MSR("sp_el2", (uint64_t)(stack_el2 + sizeof stack_el2));
    ELS_MSR("sp_el1", (uint64_t)(stack_el1 + sizeof stack_el1));
    ELS_MSR("scr_el3", SCR_RES1 | SCR_HCE | SCR_RW);
    report("EL3 -> EL2h, SCR_EL3.NS = 0 (no Secure EL2)", try_eret(3, SPSR_EL2H, 0), 0xbad);
    ELS_MSR("scr_el3", SCR_RES1 | SCR_HCE | SCR_NS);
    report("EL3 -> EL2h, SCR_EL3.RW = 0 (EL2 AArch32)", try_eret(3, SPSR_EL2H, 0), 0xbad);
    ELS_MSR("scr_el3", SCR_RES1 | SCR_HCE | SCR_NS | SCR_RW);
    report("EL3 -> EL2h, SCR_EL3.NS = 1, RW = 1", try_eret(3, SPSR_EL2H, 0), 2);
    els_enter(3, el2_main, 0, SPSR_EL2H, stack_el2 + sizeof stack_el2);
}
