/* Traps from EL1 to EL2 and from EL2 (and Secure EL1) to EL3: HCR_EL2.TVM,
 * TRVM, TID1, TID2, TID3 (with the reserved ID space), TACR, TSC, TWI, TDZ
 * (and DCZID_EL0.DZP), TTLB, TSW, TPU, TPCP; MDCR_EL2.TPM, TDA, TDOSA,
 * TDRA; CPTR_EL2.TCPAC; SCR_EL3.TWI, ST; MDCR_EL3.TPM, TDA, TDOSA;
 * CPTR_EL3.TCPAC. HCR_EL2 traps apply only while EL2 is enabled (not at
 * Secure EL1). Each trapped MRS/MSR/SYS is checked by its ESR (EC 0x18: Op0,
 * Op2, Op1, CRn, Rt, CRm, direction; EC 0x17, 0x01), the EL it was taken to
 * and its ELR (the instruction itself); a trapped MRS leaves Rt unchanged.
 * Arm ARM D1 "Traps and enables", D24 (the registers' access pseudocode).
 * (MDCR_EL2.TPMCR, which QEMU 7.2 does not implement, is in sys_pmu_debug.)
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SCR_NS   (1ull << 0)
#define SCR_HCE  (1ull << 8)
#define SCR_RW   (1ull << 10)
#define SCR_ST   (1ull << 11)
#define SCR_TWI  (1ull << 12)

#define HCR_TID1 (1ull << 16)
#define HCR_TID2 (1ull << 17)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC  (1ull << 19)
#define HCR_TWI  (1ull << 13)
#define HCR_TACR (1ull << 21)
#define HCR_TSW  (1ull << 22)
#define HCR_TPCP (1ull << 23)
#define HCR_TPU  (1ull << 24)
#define HCR_TTLB (1ull << 25)
#define HCR_TVM  (1ull << 26)
#define HCR_TDZ  (1ull << 28)
#define HCR_TRVM (1ull << 30)
#define HCR_RW   (1ull << 31)

#define MDCR_TPM   (1ull << 6)
#define MDCR_TDA   (1ull << 9)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA  (1ull << 11)
#define CPTR_TCPAC (1ull << 31)

#define SENTINEL 0x5e5e5e5eull

/* ESR of a trapped MSR/MRS (EC 0x18, IL 1) with Rt = x5. */
#define SYSREG(op0, op1, crn, crm, op2, dir) \
    ((0x18ull << 26) | (1ull << 25) | ((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | \
     ((uint64_t)(op1) << 14) | ((uint64_t)(crn) << 10) | (5ull << 5) | ((uint64_t)(crm) << 1) | (dir))
#define RD 1
#define WR 0
/* ESR of a trapped SYS (op0 1) with Rt = x5 (or 31). */
#define SYSOP(op1, crn, crm, op2, rt) \
    ((0x18ull << 26) | (1ull << 25) | (1ull << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) | \
     ((uint64_t)(crn) << 10) | ((uint64_t)(rt) << 5) | ((uint64_t)(crm) << 1))

/* One access with x5 preset to the sentinel; returns x5 afterwards. */
#define ACCESS(insn) ({ register uint64_t _x5 __asm__("x5") = SENTINEL; \
    __asm__ volatile(insn : "+r"(_x5) :: "memory"); _x5; })

static void expect(const char *what, unsigned el, const uint64_t *esr, unsigned n)
{
    print_str(what);
    print_str(": ");
    print_udec(elcall_count);
    print_str(" trap(s)\n");
    CHECK_EQ("  count", elcall_count, n);
    for (unsigned i = 0; i < n && i < elcall_count; i++) {
        CHECK_EQ("  ESR", elcall_log[i].esr, esr[i]);
        CHECK_EQ("  taken to EL", elcall_log[i].el, el);
    }
    elcall_reset();
}

static volatile uint64_t untouched;   /* how many trapped MRS left Rt unchanged */

/* ---- code run at EL1 ---- */

static uint64_t el1_tvm(uint64_t a)
{
    ACCESS("msr sctlr_el1, x5");
    ACCESS("msr ttbr0_el1, x5");
    ACCESS("msr ttbr1_el1, x5");
    ACCESS("msr tcr_el1, x5");
    ACCESS("msr esr_el1, x5");
    ACCESS("msr far_el1, x5");
    ACCESS("msr afsr0_el1, x5");
    ACCESS("msr afsr1_el1, x5");
    ACCESS("msr mair_el1, x5");
    ACCESS("msr amair_el1, x5");
    ACCESS("msr contextidr_el1, x5");
    ACCESS("mrs x5, sctlr_el1");       /* reads are not trapped by TVM */
    ACCESS("mrs x5, vbar_el1\n\tmsr vbar_el1, x5");   /* nor is VBAR_EL1 */
    return 0;
}
static const uint64_t tvm_esr[] = {
    SYSREG(3, 0, 1, 0, 0, WR), SYSREG(3, 0, 2, 0, 0, WR), SYSREG(3, 0, 2, 0, 1, WR), SYSREG(3, 0, 2, 0, 2, WR),
    SYSREG(3, 0, 5, 2, 0, WR), SYSREG(3, 0, 6, 0, 0, WR), SYSREG(3, 0, 5, 1, 0, WR), SYSREG(3, 0, 5, 1, 1, WR),
    SYSREG(3, 0, 10, 2, 0, WR), SYSREG(3, 0, 10, 3, 0, WR), SYSREG(3, 0, 13, 0, 1, WR),
};

static uint64_t el1_trvm(uint64_t a)
{
    unsigned same = 0;
    same += ACCESS("mrs x5, sctlr_el1") == SENTINEL;
    same += ACCESS("mrs x5, ttbr0_el1") == SENTINEL;
    same += ACCESS("mrs x5, ttbr1_el1") == SENTINEL;
    same += ACCESS("mrs x5, tcr_el1") == SENTINEL;
    same += ACCESS("mrs x5, esr_el1") == SENTINEL;
    same += ACCESS("mrs x5, far_el1") == SENTINEL;
    same += ACCESS("mrs x5, afsr0_el1") == SENTINEL;
    same += ACCESS("mrs x5, afsr1_el1") == SENTINEL;
    same += ACCESS("mrs x5, mair_el1") == SENTINEL;
    same += ACCESS("mrs x5, amair_el1") == SENTINEL;
    same += ACCESS("mrs x5, contextidr_el1") == SENTINEL;
    untouched = same;
    ACCESS("mrs x5, tpidr_el1");       /* not in the group */
    return 0;
}
static const uint64_t trvm_esr[] = {
    SYSREG(3, 0, 1, 0, 0, RD), SYSREG(3, 0, 2, 0, 0, RD), SYSREG(3, 0, 2, 0, 1, RD), SYSREG(3, 0, 2, 0, 2, RD),
    SYSREG(3, 0, 5, 2, 0, RD), SYSREG(3, 0, 6, 0, 0, RD), SYSREG(3, 0, 5, 1, 0, RD), SYSREG(3, 0, 5, 1, 1, RD),
    SYSREG(3, 0, 10, 2, 0, RD), SYSREG(3, 0, 10, 3, 0, RD), SYSREG(3, 0, 13, 0, 1, RD),
};

static uint64_t el1_tid(uint64_t a)
{
    ACCESS("mrs x5, id_aa64pfr0_el1");   /* TID3 */
    ACCESS("mrs x5, id_aa64isar0_el1");
    ACCESS("mrs x5, id_aa64mmfr1_el1");
    ACCESS("mrs x5, id_pfr0_el1");
    ACCESS("mrs x5, mvfr0_el1");
    ACCESS("mrs x5, s3_0_c0_c3_7");      /* reserved ID space */
    ACCESS("mrs x5, revidr_el1");        /* TID1 */
    ACCESS("mrs x5, aidr_el1");
    ACCESS("mrs x5, ctr_el0");           /* TID2 */
    ACCESS("mrs x5, clidr_el1");
    ACCESS("mrs x5, ccsidr_el1");
    ACCESS("mrs x5, csselr_el1");
    ACCESS("msr csselr_el1, x5");
    ACCESS("mrs x5, midr_el1");          /* never trapped */
    ACCESS("mrs x5, mpidr_el1");
    return 0;
}
static const uint64_t tid_esr[] = {
    SYSREG(3, 0, 0, 4, 0, RD), SYSREG(3, 0, 0, 6, 0, RD), SYSREG(3, 0, 0, 7, 1, RD), SYSREG(3, 0, 0, 1, 0, RD),
    SYSREG(3, 0, 0, 3, 0, RD), SYSREG(3, 0, 0, 3, 7, RD),
    SYSREG(3, 0, 0, 0, 6, RD), SYSREG(3, 1, 0, 0, 7, RD),
    SYSREG(3, 3, 0, 0, 1, RD), SYSREG(3, 1, 0, 0, 1, RD), SYSREG(3, 1, 0, 0, 0, RD), SYSREG(3, 2, 0, 0, 0, RD),
    SYSREG(3, 2, 0, 0, 0, WR),
};

static uint64_t el1_misc(uint64_t a)
{
    ACCESS("mrs x5, actlr_el1");         /* TACR */
    ACCESS("msr actlr_el1, x5");
    ACCESS("smc #0x12");                 /* TSC: ELR = the SMC */
    ACCESS("wfi");                       /* TWI (nothing pending: it would wait) */
    ACCESS("dc zva, x5");                /* TDZ */
    untouched = ACCESS("mrs x5, dczid_el0") & 0x1f;   /* DZP = 1, BS = 4 */
    ACCESS("tlbi vmalle1");              /* TTLB */
    ACCESS("dc cisw, x5");               /* TSW */
    ACCESS("ic iallu");                  /* TPU */
    ACCESS("dc civac, x5");              /* TPCP */
    return 0;
}
static const uint64_t misc_esr[] = {
    SYSREG(3, 0, 1, 0, 1, RD), SYSREG(3, 0, 1, 0, 1, WR),
    (0x17ull << 26) | (1ull << 25) | 0x12,
    (0x01ull << 26) | (1ull << 25) | (1ull << 24) | (0xeull << 20),
    SYSOP(3, 7, 4, 1, 5), SYSOP(0, 8, 7, 0, 31), SYSOP(0, 7, 14, 2, 5), SYSOP(0, 7, 5, 0, 31), SYSOP(3, 7, 14, 1, 5),
};

static uint64_t el1_mdcr(uint64_t a)
{
    ACCESS("mrs x5, pmcr_el0");          /* TPM */
    ACCESS("mrs x5, pmccntr_el0");       /* TPM */
    ACCESS("mrs x5, pmuserenr_el0");     /* TPM */
    ACCESS("mrs x5, mdscr_el1");         /* TDA */
    ACCESS("msr dbgbvr0_el1, x5");       /* TDA */
    ACCESS("mrs x5, oslsr_el1");         /* TDOSA */
    ACCESS("msr oslar_el1, xzr");        /* TDOSA */
    ACCESS("mrs x5, mdrar_el1");         /* TDRA */
    ACCESS("mrs x5, cpacr_el1");         /* CPTR_EL2.TCPAC */
    return 0;
}

/* ---- code run at EL2 ---- */

static uint64_t el2_to_el3(uint64_t a)
{
    ACCESS("wfi");                       /* SCR_EL3.TWI */
    ACCESS("mrs x5, pmccntr_el0");       /* MDCR_EL3.TPM */
    ACCESS("mrs x5, mdscr_el1");         /* MDCR_EL3.TDA */
    ACCESS("mrs x5, oslsr_el1");         /* MDCR_EL3.TDOSA */
    ACCESS("mrs x5, cptr_el2");          /* CPTR_EL3.TCPAC */
    ACCESS("mrs x5, cpacr_el1");
    ACCESS("mrs x5, hcr_el2");           /* not trapped */
    return 0;
}
static const uint64_t el3_esr[] = {
    (0x01ull << 26) | (1ull << 25) | (1ull << 24) | (0xeull << 20),
    SYSREG(3, 3, 9, 13, 0, RD), SYSREG(2, 0, 0, 2, 2, RD), SYSREG(2, 0, 1, 1, 4, RD),
    SYSREG(3, 4, 1, 1, 2, RD), SYSREG(3, 0, 1, 0, 2, RD),
};

/* ---- Secure EL1: EL2 is not enabled, HCR_EL2 traps nothing ---- */

static uint64_t el1_secure(uint64_t a)
{
    ACCESS("msr contextidr_el1, x5");    /* HCR_EL2.TVM ignored */
    ACCESS("mrs x5, id_aa64pfr0_el1");   /* HCR_EL2.TID3 ignored */
    ACCESS("mrs x5, cntps_ctl_el1");     /* SCR_EL3.ST = 0: to EL3 */
    ACCESS("mrs x5, cpacr_el1");         /* CPTR_EL3.TCPAC: to EL3 */
    return 0;
}
static const uint64_t secure_esr[] = { SYSREG(3, 7, 14, 2, 1, RD), SYSREG(3, 0, 1, 0, 2, RD) };

static void run(const char *what, uint64_t scr, uint64_t hcr, uint64_t mdcr2, uint64_t cptr2,
                uint64_t spsr, uint64_t (*fn)(uint64_t))
{
    ELS_MSR("scr_el3", scr);
    ELS_MSR("hcr_el2", hcr);
    ELS_MSR("mdcr_el2", mdcr2);
    ELS_MSR("cptr_el2", cptr2);
    elcall_reset();
    untouched = 0;
    elcall(spsr, fn, 0);
    (void)what;
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();
    uint64_t scr = SCR_NS | SCR_HCE | SCR_RW;

    run("TVM", scr, HCR_RW | HCR_TVM, 0, 0, SPSR_EL1H, el1_tvm);
    expect("HCR_EL2.TVM, EL1 writes", 2, tvm_esr, 11);

    run("TRVM", scr, HCR_RW | HCR_TRVM, 0, 0, SPSR_EL1H, el1_trvm);
    CHECK_EQ("TRVM: trapped MRS left Rt unchanged", untouched, 11);
    expect("HCR_EL2.TRVM, EL1 reads", 2, trvm_esr, 11);

    run("TID", scr, HCR_RW | HCR_TID1 | HCR_TID2 | HCR_TID3, 0, 0, SPSR_EL1H, el1_tid);
    expect("HCR_EL2.TID1/TID2/TID3", 2, tid_esr, 13);
    run("no TID", scr, HCR_RW, 0, 0, SPSR_EL1H, el1_tid);
    expect("no TIDx: nothing trapped", 2, tid_esr, 0);

    run("misc", scr, HCR_RW | HCR_TACR | HCR_TSC | HCR_TWI | HCR_TDZ | HCR_TTLB | HCR_TSW | HCR_TPU | HCR_TPCP,
        0, 0, SPSR_EL1H, el1_misc);
    CHECK_EQ("DCZID_EL0 with HCR_EL2.TDZ (DZP, BS)", untouched, 0x14);
    expect("HCR_EL2.TACR/TSC/TWI/TDZ/TTLB/TSW/TPU/TPCP", 2, misc_esr, 9);

    static const uint64_t tpm[] = { SYSREG(3, 3, 9, 12, 0, RD), SYSREG(3, 3, 9, 13, 0, RD), SYSREG(3, 3, 9, 14, 0, RD) };
    run("TPM", scr, HCR_RW, MDCR_TPM, 0, SPSR_EL1H, el1_mdcr);
    expect("MDCR_EL2.TPM", 2, tpm, 3);
    static const uint64_t tda[] = {
        SYSREG(2, 0, 0, 2, 2, RD), SYSREG(2, 0, 0, 0, 4, WR), SYSREG(2, 0, 1, 1, 4, RD),
        (0x18ull << 26) | (1ull << 25) | (2ull << 20) | (4ull << 17) | (1ull << 10) | (31ull << 5),
        SYSREG(2, 0, 1, 0, 0, RD), SYSREG(3, 0, 1, 0, 2, RD),
    };
    run("TDA", scr, HCR_RW, MDCR_TDA | MDCR_TDOSA | MDCR_TDRA, CPTR_TCPAC, SPSR_EL1H, el1_mdcr);
    expect("MDCR_EL2.TDA/TDOSA/TDRA, CPTR_EL2.TCPAC", 2, tda, 6);

    ELS_MSR("mdcr_el3", MDCR_TPM | MDCR_TDA | MDCR_TDOSA);
    ELS_MSR("cptr_el3", CPTR_TCPAC);
    run("EL2 to EL3", scr | SCR_TWI, HCR_RW, 0, 0, SPSR_EL2H, el2_to_el3);
    expect("SCR_EL3.TWI, MDCR_EL3.TPM/TDA/TDOSA, CPTR_EL3.TCPAC from EL2", 3, el3_esr, 6);

    run("secure EL1", SCR_RW, HCR_RW | HCR_TVM | HCR_TID3, 0, 0, SPSR_EL1H, el1_secure);
    expect("Secure EL1 (no EL2): SCR_EL3.ST, CPTR_EL3.TCPAC", 3, secure_esr, 2);
    ELS_MSR("mdcr_el3", 0);
    ELS_MSR("cptr_el3", 0);

    return test_finish("sys_trap_el2");
}
