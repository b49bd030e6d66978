/* What -cpu max reports and does for the identification, PMU and debug
 * registers: exact ID register values (ID_AA64*, CTR, DCZID, CLIDR, CCSIDR
 * per CSSELR, the reserved ID space, AArch32 ID registers RAZ), MIDR/MPIDR
 * at EL1 = VPIDR_EL2/VMPIDR_EL2; the PMUv3 cycle counter (counts while
 * PMCR.E and PMCNTENSET.C; stops; PMCR.C resets it; PMCCFILTR P/U/NSK/NSH/M
 * and PMCR.DP filter it per EL; 32-bit overflow into PMOVSSET), its EL0 access
 * through PMUSERENR_EL0 (trapped to EL1 otherwise; PMUSERENR_EL0 is
 * read-only at EL0), MDCR_EL2.TPMCR; the OS lock, OSDLR, claim tags, the
 * breakpoint/watchpoint registers DFR0 advertises (and no more); HCR_EL2.TIDCP.
 * Arm ARM D13 (PMU), D2/D24.3 (debug), D24.2 (ID registers).
 *
 * Armature-only: QEMU 7.2's max CPU reports other features (SVE, GIC, RAS,
 * PMUv3p4 with event counters, debug v8.4...) and has no MDCR_EL2.TPMCR.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SCR_EL1_NS (1ull << 0 | 1ull << 8 | 1ull << 10)   /* NS, HCE, RW */
#define HCR_RW     (1ull << 31)
#define PMCR_E     (1ull << 0)
#define PMCR_C     (1ull << 2)
#define PMCR_DP    (1ull << 5)
#define PMCR_LC    (1ull << 6)
#define CYCLE      (1ull << 31)
#define FILT_P     (1ull << 31)
#define FILT_U     (1ull << 30)
#define FILT_NSK   (1ull << 29)
#define FILT_NSH   (1ull << 27)
#define FILT_M     (1ull << 26)

static void spin(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++) { }
}

/* Whether the cycle counter advances across a busy loop at the current EL. */
static uint64_t counts_here(uint64_t unused)
{
    uint64_t a = ELS_MRS("pmccntr_el0");
    spin(20000);
    uint64_t b = ELS_MRS("pmccntr_el0");
    return b > a;
}

static uint64_t el1_ids(uint64_t unused)
{
    return ELS_MRS("midr_el1") << 32 | ELS_MRS("mpidr_el1");
}

static uint64_t el2_ids(uint64_t unused)
{
    return ELS_MRS("midr_el1") << 32 | ELS_MRS("mpidr_el1");
}

static uint64_t el0_pmu(uint64_t unused)
{
    register uint64_t x5 __asm__("x5") = 0x77;
    __asm__ volatile("mrs x5, pmccntr_el0" : "+r"(x5) :: "memory");
    uint64_t r = x5;
    __asm__ volatile("mrs x5, pmuserenr_el0" : "+r"(x5) :: "memory");
    __asm__ volatile("msr pmuserenr_el0, x5" : "+r"(x5) :: "memory");
    return r;
}

static uint64_t el1_pmcr(uint64_t unused)
{
    register uint64_t x5 __asm__("x5") = 0;
    __asm__ volatile("mrs x5, pmcr_el0\n\tmrs x5, pmccntr_el0" : "+r"(x5) :: "memory");
    return 0;
}

static uint64_t el1_impdef(uint64_t unused)
{
    register uint64_t x5 __asm__("x5") = 0x44;
    __asm__ volatile("mrs x5, s3_0_c15_c0_0" : "+r"(x5) :: "memory");
    return x5;
}

static void pmu_at(const char *what, uint64_t filter, uint64_t pmcr, uint64_t spsr, uint64_t expect)
{
    ELS_MSR("pmccfiltr_el0", filter);
    ELS_MSR("pmcr_el0", pmcr);
    uint64_t r = spsr ? elcall(spsr, counts_here, 0) : counts_here(0);
    CHECK_EQ(what, r, expect);
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();

    /* Identification. */
    CHECK_EQ("MIDR_EL1", ELS_MRS("midr_el1"), 0x000F0510);
    CHECK_EQ("MPIDR_EL1", ELS_MRS("mpidr_el1"), 0x80000000);
    CHECK_EQ("REVIDR_EL1", ELS_MRS("revidr_el1"), 0);
    CHECK_EQ("AIDR_EL1", ELS_MRS("aidr_el1"), 0);
    CHECK_EQ("ID_AA64PFR0_EL1 (EL0-3, FP, AdvSIMD, DIT)", ELS_MRS("id_aa64pfr0_el1"), 0x0001000000111111ull);
    CHECK_EQ("ID_AA64PFR1_EL1", ELS_MRS("id_aa64pfr1_el1"), 0);
    CHECK_EQ("ID_AA64DFR0_EL1", ELS_MRS("id_aa64dfr0_el1"), 0x10305106);
    CHECK_EQ("ID_AA64DFR1_EL1", ELS_MRS("id_aa64dfr1_el1"), 0);
    CHECK_EQ("ID_AA64ISAR0_EL1 (AES, SHA1/2/512/3, CRC32, Atomic, RDM, DP, FHM, TLB, RNDR)", ELS_MRS("id_aa64isar0_el1"),
             0x1201100110212120ull);
    CHECK_EQ("ID_AA64ISAR1_EL1 (DPB, APA, JSCVT, FCMA, LRCPC, GPA, FRINTTS, SB)", ELS_MRS("id_aa64isar1_el1"), 0x0000001101111012ull);
    CHECK_EQ("ID_AA64ISAR2_EL1", ELS_MRS("s3_0_c0_c6_2"), 0);
    CHECK_EQ("ID_AA64MMFR0_EL1", ELS_MRS("id_aa64mmfr0_el1"), 0x00100025);
    CHECK_EQ("ID_AA64MMFR1_EL1 (VH, PAN, HAFDBS)", ELS_MRS("id_aa64mmfr1_el1"), 0x100102);
    CHECK_EQ("ID_AA64MMFR2_EL1", ELS_MRS("id_aa64mmfr2_el1"), 0);
    CHECK_EQ("ID_AA64AFR0_EL1", ELS_MRS("id_aa64afr0_el1"), 0);
    CHECK_EQ("ID_PFR0_EL1 (no AArch32)", ELS_MRS("id_pfr0_el1"), 0);
    CHECK_EQ("MVFR0_EL1", ELS_MRS("mvfr0_el1"), 0);
    CHECK_EQ("reserved S3_0_C0_C3_7", ELS_MRS("s3_0_c0_c3_7"), 0);
    CHECK_EQ("reserved S3_0_C0_C7_7", ELS_MRS("s3_0_c0_c7_7"), 0);
    CHECK_EQ("CTR_EL0", ELS_MRS("ctr_el0"), 0x8444C004);
    CHECK_EQ("DCZID_EL0", ELS_MRS("dczid_el0"), 0x4);
    CHECK_EQ("CLIDR_EL1", ELS_MRS("clidr_el1"), 0x0A200023);
    static const uint64_t ccsidr[] = { 0x701FE00A, 0x201FE012, 0x70FFE07A, 0, 0 };
    static const uint64_t sel[] = { 0, 1, 2, 3, 4 };
    for (unsigned i = 0; i < 5; i++) {
        ELS_MSR("csselr_el1", sel[i]);
        CHECK_EQ("CSSELR_EL1", ELS_MRS("csselr_el1"), sel[i]);
        CHECK_EQ("  CCSIDR_EL1", ELS_MRS("ccsidr_el1"), ccsidr[i]);
    }
    ELS_MSR("csselr_el1", 0xFFF0);
    CHECK_EQ("CSSELR_EL1 keeps Level and InD only", ELS_MRS("csselr_el1"), 0);

    /* MIDR/MPIDR at EL1 are VPIDR_EL2/VMPIDR_EL2 (which reset to them); not at EL2. */
    ELS_MSR("scr_el3", SCR_EL1_NS);
    ELS_MSR("hcr_el2", HCR_RW);
    CHECK_EQ("VPIDR_EL2 reset", ELS_MRS("vpidr_el2"), 0x000F0510);
    CHECK_EQ("VMPIDR_EL2 reset", ELS_MRS("vmpidr_el2"), 0x80000000);
    ELS_MSR("vpidr_el2", 0x410FD070);
    ELS_MSR("vmpidr_el2", 0x80000103);
    CHECK_EQ("EL1 MIDR:MPIDR", elcall(SPSR_EL1H, el1_ids, 0), 0x410FD07080000103ull);
    CHECK_EQ("EL2 MIDR:MPIDR", elcall(SPSR_EL2H, el2_ids, 0), 0x000F051080000000ull);

    /* PMU: PMCR (N = 0), PMCEID, the cycle counter. */
    CHECK_EQ("PMCR_EL0 reset", ELS_MRS("pmcr_el0"), 0);
    CHECK_EQ("PMCEID0_EL0 (CPU_CYCLES)", ELS_MRS("pmceid0_el0"), 1ull << 17);
    CHECK_EQ("PMCEID1_EL0", ELS_MRS("pmceid1_el0"), 0);
    ELS_MSR("pmcntenset_el0", ~0ull);
    CHECK_EQ("PMCNTENSET_EL0 (C only)", ELS_MRS("pmcntenset_el0"), CYCLE);
    CHECK_EQ("PMCNTENCLR_EL0 reads the same", ELS_MRS("pmcntenclr_el0"), CYCLE);
    CHECK_EQ("not counting before PMCR.E", counts_here(0), 0);
    ELS_MSR("pmcr_el0", PMCR_E | PMCR_LC);
    CHECK_EQ("PMCR_EL0 E, LC", ELS_MRS("pmcr_el0"), PMCR_E | PMCR_LC);
    CHECK_EQ("counts at EL3", counts_here(0), 1);
    ELS_MSR("pmcntenclr_el0", CYCLE);
    CHECK_EQ("stopped by PMCNTENCLR", counts_here(0), 0);
    ELS_MSR("pmcntenset_el0", CYCLE);
    uint64_t before = ELS_MRS("pmccntr_el0");
    ELS_MSR("pmcr_el0", PMCR_E | PMCR_LC | PMCR_C);
    CHECK(ELS_MRS("pmccntr_el0") < before, "PMCR.C resets the cycle counter");
    ELS_MSR("pmccntr_el0", 0x123456789ull);
    CHECK(ELS_MRS("pmccntr_el0") >= 0x123456789ull, "PMCCNTR_EL0 written");

    /* Filters: EL3 (M != P, or DP in the prohibited region), EL1 (P, NSK), EL2 (NSH), EL0 (U). */
    pmu_at("EL3, M = 1: filtered", FILT_M, PMCR_E | PMCR_LC, 0, 0);
    pmu_at("EL3, M = P = 1: counts", FILT_M | FILT_P, PMCR_E | PMCR_LC, 0, 1);
    pmu_at("EL3 with PMCR.DP (SPME = 0): stopped", 0, PMCR_E | PMCR_LC | PMCR_DP, 0, 0);
    pmu_at("EL1: counts", 0, PMCR_E | PMCR_LC, SPSR_EL1H, 1);
    pmu_at("EL1, P = 1: filtered", FILT_P, PMCR_E | PMCR_LC, SPSR_EL1H, 0);
    pmu_at("EL1, NSK = 1 (NSK != P): filtered", FILT_NSK, PMCR_E | PMCR_LC, SPSR_EL1H, 0);
    pmu_at("EL1, P = NSK = 1: counts", FILT_P | FILT_NSK, PMCR_E | PMCR_LC, SPSR_EL1H, 1);
    pmu_at("EL2, NSH = 0: filtered", 0, PMCR_E | PMCR_LC, SPSR_EL2H, 0);
    pmu_at("EL2, NSH = 1: counts", FILT_NSH, PMCR_E | PMCR_LC, SPSR_EL2H, 1);
    ELS_MSR("pmuserenr_el0", 1);
    pmu_at("EL0: counts", 0, PMCR_E | PMCR_LC, SPSR_EL0T, 1);
    pmu_at("EL0, U = 1: filtered", FILT_U, PMCR_E | PMCR_LC, SPSR_EL0T, 0);
    CHECK_EQ("no exception so far", elcall_count, 0);

    /* Overflow at 32 bits without PMCR.LC. */
    ELS_MSR("pmccfiltr_el0", 0);
    ELS_MSR("pmovsclr_el0", ~0ull);
    ELS_MSR("pmcr_el0", PMCR_E);
    ELS_MSR("pmccntr_el0", 0xFFFFFFF0ull);
    spin(1000);
    CHECK_EQ("PMOVSSET_EL0 after a 32-bit overflow", ELS_MRS("pmovsset_el0"), CYCLE);
    ELS_MSR("pmovsclr_el0", CYCLE);
    CHECK_EQ("PMOVSCLR_EL0 clears it", ELS_MRS("pmovsset_el0"), 0);
    ELS_MSR("pmintenset_el1", ~0ull);
    CHECK_EQ("PMINTENSET_EL1 (C only)", ELS_MRS("pmintenset_el1"), CYCLE);
    ELS_MSR("pmintenclr_el1", CYCLE);
    CHECK_EQ("PMINTENCLR_EL1", ELS_MRS("pmintenclr_el1"), 0);
    ELS_MSR("pmselr_el0", 31);
    ELS_MSR("pmxevtyper_el0", FILT_NSH | 0x3ff);
    CHECK_EQ("PMXEVTYPER_EL0 (SEL 31) = PMCCFILTR_EL0", ELS_MRS("pmccfiltr_el0"), FILT_NSH);
    ELS_MSR("pmccfiltr_el0", 0);

    /* EL0 access: PMUSERENR_EL0.EN/CR, else trapped to EL1; PMUSERENR read-only at EL0. */
    ELS_MSR("pmuserenr_el0", 0);
    elcall_reset();
    CHECK_EQ("EL0 PMCCNTR without EN/CR: Rt unchanged", elcall(SPSR_EL0T, el0_pmu, 0), 0x77);
    CHECK_EQ("  exceptions", elcall_count, 2);
    CHECK_EQ("  PMCCNTR trapped to EL1", elcall_log[0].el, 1);
    CHECK_EQ("  ESR", elcall_log[0].esr, 0x6230E4BB);
    CHECK_EQ("  MSR PMUSERENR_EL0 at EL0: UNDEFINED", elcall_log[1].esr, 0x02000000);
    ELS_MSR("pmuserenr_el0", 4);   /* CR */
    elcall_reset();
    CHECK(elcall(SPSR_EL0T, el0_pmu, 0) != 0x77, "EL0 PMCCNTR with CR");
    CHECK_EQ("  exceptions", elcall_count, 1);
    ELS_MSR("pmuserenr_el0", 0);

    /* MDCR_EL2.TPMCR: PMCR_EL0 only. */
    ELS_MSR("mdcr_el2", 1ull << 5);
    elcall_reset();
    elcall(SPSR_EL1H, el1_pmcr, 0);
    CHECK_EQ("MDCR_EL2.TPMCR: traps", elcall_count, 1);
    CHECK_EQ("  to EL", elcall_log[0].el, 2);
    CHECK_EQ("  ESR (PMCR_EL0 read)", elcall_log[0].esr, 0x6230E4B9);
    ELS_MSR("mdcr_el2", 0);
    ELS_MSR("pmcr_el0", 0);

    /* HCR_EL2.TIDCP: EL1's IMPLEMENTATION DEFINED encodings (none exist here:
     * UNDEFINED at EL1) are trapped to EL2. */
    elcall_reset();
    CHECK_EQ("S3_0_C15_C0_0 at EL1: Rt unchanged", elcall(SPSR_EL1H, el1_impdef, 0), 0x44);
    CHECK_EQ("  UNDEFINED: taken to EL", elcall_log[0].el, 1);
    CHECK_EQ("  ESR", elcall_log[0].esr, 0x02000000);
    ELS_MSR("hcr_el2", HCR_RW | (1ull << 20));
    elcall_reset();
    elcall(SPSR_EL1H, el1_impdef, 0);
    CHECK_EQ("  HCR_EL2.TIDCP: to EL2", elcall_log[0].el, 2);
    CHECK_EQ("  ESR", elcall_log[0].esr, 0x62303ca1);
    ELS_MSR("hcr_el2", HCR_RW);

    /* Debug registers. */
    CHECK_EQ("OSLSR_EL1 reset (OSLM = 0b10, OSLK = 1)", ELS_MRS("oslsr_el1"), 0xA);
    ELS_MSR("oslar_el1", 0);
    CHECK_EQ("OSLSR_EL1 after OSLAR_EL1 = 0", ELS_MRS("oslsr_el1"), 0x8);
    ELS_MSR("osdlr_el1", 3);
    CHECK_EQ("OSDLR_EL1 (DLK)", ELS_MRS("osdlr_el1"), 1);
    ELS_MSR("osdlr_el1", 0);
    ELS_MSR("dbgclaimset_el1", 0x105);
    ELS_MSR("dbgclaimclr_el1", 0x1);
    CHECK_EQ("DBGCLAIMSET_EL1", ELS_MRS("dbgclaimset_el1"), 0x4);
    CHECK_EQ("DBGCLAIMCLR_EL1", ELS_MRS("dbgclaimclr_el1"), 0x4);
    CHECK_EQ("MDRAR_EL1", ELS_MRS("mdrar_el1"), 0);
    ELS_MSR("mdscr_el1", 0x8000);
    CHECK_EQ("MDSCR_EL1", ELS_MRS("mdscr_el1"), 0x8000);
    ELS_MSR("mdscr_el1", 0);
    ELS_MSR("dbgbvr0_el1", 0x40001000); ELS_MSR("dbgbvr5_el1", 0x40005000);
    ELS_MSR("dbgbcr5_el1", 0x1e7);      ELS_MSR("dbgwvr3_el1", 0x40003000);
    ELS_MSR("dbgwcr3_el1", 0x1f4);
    CHECK_EQ("DBGBVR0_EL1", ELS_MRS("dbgbvr0_el1"), 0x40001000);
    CHECK_EQ("DBGBVR5_EL1", ELS_MRS("dbgbvr5_el1"), 0x40005000);
    CHECK_EQ("DBGBCR5_EL1", ELS_MRS("dbgbcr5_el1"), 0x1e7);
    CHECK_EQ("DBGWVR3_EL1", ELS_MRS("dbgwvr3_el1"), 0x40003000);
    CHECK_EQ("DBGWCR3_EL1", ELS_MRS("dbgwcr3_el1"), 0x1f4);
    elcall_reset();
    register uint64_t x5 __asm__("x5") = 0x99;
    __asm__ volatile("mrs x5, dbgbvr6_el1\n\tmrs x5, dbgwvr4_el1" : "+r"(x5) :: "memory");
    CHECK_EQ("DBGBVR6/DBGWVR4 (beyond BRPs/WRPs): UNDEFINED", elcall_count, 2);
    CHECK_EQ("  ESR", elcall_log[0].esr, 0x02000000);
    CHECK_EQ("  Rt unchanged", x5, 0x99);

    return test_finish("sys_pmu_debug");
}
