/* FP/SIMD access traps (Arm ARM AArch64.CheckFPAdvSIMDEnabled,
 * AArch64.CheckFPAdvSIMDTrap, AArch64.AdvSIMDFPAccessTrap): CPACR_EL1.FPEN
 * (00/10 trap EL0 and EL1, 01 traps EL0) to EL1, CPTR_EL2.TFP to EL2 (EL0,
 * EL1 and EL2 itself), CPTR_EL2.FPEN in its FEAT_VHE layout while
 * HCR_EL2.E2H is 1, CPTR_EL3.TFP to EL3, and a CPACR_EL1 trap of EL0 under
 * HCR_EL2.TGE taken to EL2 as EC 0x00. The trapped instructions are MRS/MSR
 * of FPCR and FPSR, FMOV and LDR (SIMD&FP): EC 0x07 with CV = 1, COND = 0xE, taken with ELR = the
 * instruction, Rt unchanged. FPCR's trap enables read as zero. (Built
 * with -mgeneral-regs-only like the other C tests, so FPCR and FPSR are
 * named by their encodings: S3_3_C4_C4_0 and S3_3_C4_C4_1.)
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SCR_NS   (1ull << 0)
#define SCR_HCE  (1ull << 8)
#define SCR_RW   (1ull << 10)
#define HCR_RW   (1ull << 31)
#define HCR_TGE  (1ull << 27)
#define HCR_E2H  (1ull << 34)
#define CPTR_TFP (1ull << 10)
#define FPEN(x)  ((uint64_t)(x) << 20)

#define SENTINEL 0x5e5e5e5eull
#define ESR_FP   ((0x07ull << 26) | (1ull << 25) | (1ull << 24) | (0xeull << 20))
#define ESR_UNCATEGORIZED (1ull << 25)

#define ACCESS(insn) ({ register uint64_t _x5 __asm__("x5") = SENTINEL; \
    __asm__ volatile(insn : "+r"(_x5) :: "memory"); _x5; })

static volatile uint64_t untouched;

/* Six FP/SIMD instructions (four system register accesses); counts the trapped MRS (Rt unchanged). */
static uint64_t fp_access(uint64_t a)
{
    unsigned same = 0;
    same += ACCESS("mrs x5, s3_3_c4_c4_0") == SENTINEL;
    ACCESS("msr s3_3_c4_c4_0, x5");
    same += ACCESS("mrs x5, s3_3_c4_c4_1") == SENTINEL;
    ACCESS("msr s3_3_c4_c4_1, x5");
    ACCESS(".inst 0x9e6700a0");          /* fmov d0, x5 */
    ACCESS(".inst 0xfd4003e0");          /* ldr d0, [sp] */
    untouched = same;
    return 0;
}

static void run(const char *what, uint64_t hcr, uint64_t cpacr, uint64_t cptr2, uint64_t cptr3,
                uint64_t spsr, unsigned traps, unsigned el, uint64_t esr)
{
    ELS_MSR("hcr_el2", hcr);
    __asm__ volatile("isb");
    ELS_MSR("cptr_el2", cptr2);
    ELS_MSR("cptr_el3", cptr3);
    __asm__ volatile("msr cpacr_el1, %0" :: "r"(cpacr));
    elcall_reset();
    untouched = 0;
    elcall(spsr, fp_access, 0);
    print_str(what);
    print_str(": ");
    print_udec(elcall_count);
    print_str(" trap(s)\n");
    CHECK_EQ("  count", elcall_count, traps);
    CHECK_EQ("  MRS left Rt unchanged", untouched, traps ? 2 : 0);
    for (unsigned i = 0; i < traps && i < elcall_count; i++) {
        CHECK_EQ("  ESR", elcall_log[i].esr, esr);
        CHECK_EQ("  taken to EL", elcall_log[i].el, el);
    }
    ELS_MSR("cptr_el3", 0);
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();
    ELS_MSR("scr_el3", SCR_NS | SCR_HCE | SCR_RW);

    run("EL1, CPACR_EL1.FPEN = 00", HCR_RW, FPEN(0), 0, 0, SPSR_EL1H, 6, 1, ESR_FP);
    run("EL1, CPACR_EL1.FPEN = 10", HCR_RW, FPEN(2), 0, 0, SPSR_EL1H, 6, 1, ESR_FP);
    run("EL1, CPACR_EL1.FPEN = 01", HCR_RW, FPEN(1), 0, 0, SPSR_EL1H, 0, 0, 0);
    run("EL0, CPACR_EL1.FPEN = 01", HCR_RW, FPEN(1), 0, 0, SPSR_EL0T, 6, 1, ESR_FP);
    run("EL0, CPACR_EL1.FPEN = 11", HCR_RW, FPEN(3), 0, 0, SPSR_EL0T, 0, 0, 0);
    run("EL0, FPEN = 00, HCR_EL2.TGE", HCR_RW | HCR_TGE, FPEN(0), 0, 0, SPSR_EL0T, 6, 2, ESR_UNCATEGORIZED);
    run("EL1, CPTR_EL2.TFP", HCR_RW, FPEN(3), CPTR_TFP, 0, SPSR_EL1H, 6, 2, ESR_FP);
    run("EL0, CPTR_EL2.TFP", HCR_RW, FPEN(3), CPTR_TFP, 0, SPSR_EL0T, 6, 2, ESR_FP);
    run("EL1, FPEN = 00 and CPTR_EL2.TFP", HCR_RW, FPEN(0), CPTR_TFP, 0, SPSR_EL1H, 6, 1, ESR_FP);
    run("EL2, CPTR_EL2.TFP", HCR_RW, FPEN(0), CPTR_TFP, 0, SPSR_EL2H, 6, 2, ESR_FP);
    run("EL2, no traps", HCR_RW, FPEN(0), 0, 0, SPSR_EL2H, 0, 0, 0);
    run("EL2, CPTR_EL3.TFP", HCR_RW, FPEN(3), 0, CPTR_TFP, SPSR_EL2H, 6, 3, ESR_FP);
    run("EL1, CPTR_EL3.TFP", HCR_RW, FPEN(3), 0, CPTR_TFP, SPSR_EL1H, 6, 3, ESR_FP);
    run("EL1, CPTR_EL2.TFP and CPTR_EL3.TFP", HCR_RW, FPEN(3), CPTR_TFP, CPTR_TFP, SPSR_EL1H, 6, 2, ESR_FP);
    /* FEAT_VHE: CPTR_EL2 has CPACR_EL1's layout (FPEN, bits 21:20; TFP is
     * bit 10 no more). */
    run("E2H, EL2, CPTR_EL2.FPEN = 00", HCR_RW | HCR_E2H, FPEN(3), FPEN(0), 0, SPSR_EL2H, 6, 2, ESR_FP);
    run("E2H, EL2, CPTR_EL2.FPEN = 01", HCR_RW | HCR_E2H, FPEN(3), FPEN(1), 0, SPSR_EL2H, 0, 0, 0);
    run("E2H, EL2, CPTR_EL2 = TFP only", HCR_RW | HCR_E2H, FPEN(3), FPEN(3) | CPTR_TFP, 0, SPSR_EL2H, 0, 0, 0);
    run("E2H+TGE, EL0, CPTR_EL2.FPEN = 01", HCR_RW | HCR_E2H | HCR_TGE, FPEN(0), FPEN(1), 0, SPSR_EL0T, 6, 2, ESR_FP);
    run("E2H+TGE, EL0, CPTR_EL2.FPEN = 11 (CPACR_EL1 ignored)", HCR_RW | HCR_E2H | HCR_TGE, FPEN(0), FPEN(3), 0,
        SPSR_EL0T, 0, 0, 0);
    run("E2H, EL1, CPTR_EL2.FPEN = 01", HCR_RW | HCR_E2H, FPEN(3), FPEN(1), 0, SPSR_EL1H, 0, 0, 0);
    run("E2H, EL1, CPTR_EL2.FPEN = 00", HCR_RW | HCR_E2H, FPEN(3), FPEN(0), 0, SPSR_EL1H, 6, 2, ESR_FP);
    ELS_MSR("hcr_el2", HCR_RW);
    ELS_MSR("cptr_el2", 0);

    /* FPCR: the trap enables (IOE...IDE, bits 8-12 and 15) read as zero;
     * FPSR: QC and the cumulative flags. */
    uint64_t v;
    __asm__ volatile("msr s3_3_c4_c4_0, %1\n\tmrs %0, s3_3_c4_c4_0" : "=r"(v) : "r"(0x07c89f00ull));
    CHECK_EQ("FPCR after writing AHP, DN, FZ, RMode, FZ16 and the trap enables", v, 0x07c80000);
    __asm__ volatile("msr s3_3_c4_c4_0, %1\n\tmrs %0, s3_3_c4_c4_0" : "=r"(v) : "r"(0ull));
    CHECK_EQ("FPCR after writing 0", v, 0);
    __asm__ volatile("msr s3_3_c4_c4_1, %1\n\tmrs %0, s3_3_c4_c4_1" : "=r"(v) : "r"(0x0800019full));
    CHECK_EQ("FPSR after writing QC, IDC, IXC, UFC, OFC, DZC, IOC and bit 8", v, 0x0800009f);
    __asm__ volatile("msr s3_3_c4_c4_1, %1\n\tmrs %0, s3_3_c4_c4_1" : "=r"(v) : "r"(0ull));
    CHECK_EQ("FPSR after writing 0", v, 0);

    return test_finish("exc_fp_traps");
}
