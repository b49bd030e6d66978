/* FEAT_VHE: a host kernel at EL2 with HCR_EL2.E2H = 1 (Arm ARM D5.6 and
 * D8 "The EL2&0 translation regime").
 *
 * - ID_AA64MMFR1_EL1.VH;
 * - with E2H, the EL1 encodings at EL2 reach the EL2 registers (CONTEXTIDR,
 *   MAIR, FAR, TCR, TTBR0, SCTLR, VBAR, CPACR = CPTR_EL2, CNTKCTL =
 *   CNTHCTL_EL2) and the *_EL12 ones the EL1 registers;
 * - the EL2&0 regime: MMU on through SCTLR_EL1's encoding, TTBR0_EL2 (an
 *   identity map) and TTBR1_EL2 (the upper VA range: an alias of RAM), TCR_EL2
 *   in TCR_EL1's layout; AT S1E2R on the upper range;
 * - E2H + TGE: EL0 runs in the EL2&0 regime and its exceptions go to EL2 (SVC,
 *   a data abort on an EL2-only page, CTR_EL0 trapped by SCTLR_EL2.UCT, an
 *   EL12 register at EL0); EL0's CNTP_* reach the EL2 physical timer
 *   (CNTHCTL_EL2.EL0PTEN), CNTV_* are trapped without EL0VTEN; the EL1
 *   registers stay reachable through *_EL12; at EL2 in the host LDTR/STTR
 *   are EL0 accesses (they pass PSTATE.PAN).
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max */
#include "semihost.h"
#include "mmu.h"
#include "els.h"
#include "elcall.h"

#define HCR_RW   (1ull << 31)
#define HCR_TGE  (1ull << 27)
#define HCR_E2H  (1ull << 34)
#define RAM      0x40000000ull
#define UPPER    0xFFFFFF8000000000ull       /* T1SZ = 25: the start of the upper range */
#define TSZ      25

extern char __data_start[];

static uint8_t pool0[8 * 4096] __attribute__((aligned(4096)));
static uint8_t pool1[2 * 4096] __attribute__((aligned(4096)));
static mmu_t lo, hi;
static volatile uint64_t shared_word;
static volatile uint64_t el2_only[512] __attribute__((aligned(4096)));

#define CODE_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_RO | PTE_EL0)
#define DATA_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_EL0 | PTE_UXN)

static void build_tables(void)
{
    mmu_init(&lo, 12, TSZ, pool0, sizeof pool0);
    uint64_t data = (uint64_t)__data_start;
    for (uint64_t va = RAM; va < RAM + 0x200000; va += 4096) {
        uint64_t attrs = va < data ? CODE_ATTRS : DATA_ATTRS;
        if (va == (uint64_t)el2_only)
            attrs &= ~PTE_EL0;
        mmu_map(&lo, va, va, 4096, 3, attrs);
    }
    mmu_map(&lo, RAM + 0x200000, RAM + 0x200000, (128ull << 20) - 0x200000, 2, DATA_ATTRS);
    mmu_init(&hi, 12, TSZ, pool1, sizeof pool1);
    mmu_map(&hi, UPPER, RAM, 1ull << 30, 1, DATA_ATTRS);
}

/* EL0, in the EL2&0 regime. */
static uint64_t el0_main(uint64_t arg)
{
    uint64_t ok = 0;
    ok += shared_word == arg;                                             /* identity map */
    ok += *(volatile uint64_t *)(UPPER + ((uint64_t)&shared_word - RAM)) == arg;   /* TTBR1_EL2 */
    (void)ld64((uint64_t)el2_only, 0);                                    /* data abort to EL2 */
    __asm__ volatile("svc #5" ::: "memory");                              /* SVC to EL2 */
    register uint64_t x5 __asm__("x5") = 0x55;
    __asm__ volatile("mrs x5, ctr_el0" : "+r"(x5) :: "memory");           /* SCTLR_EL2.UCT = 0: to EL2 */
    __asm__ volatile("mrs x5, sctlr_el12" : "+r"(x5) :: "memory");        /* UNDEFINED at EL0 */
    ok += x5 == 0x55;
    /* CNTP_CVAL_EL0 reaches CNTHP_CVAL_EL2 (CNTHCTL_EL2.EL0PTEN = 1); CNTV_CVAL_EL0
     * without EL0VTEN is trapped to EL2. */
    __asm__ volatile("msr cntp_cval_el0, %0" :: "r"(0x123456789ull) : "memory");
    x5 = 0x66;
    __asm__ volatile("mrs x5, cntv_cval_el0" : "+r"(x5) :: "memory");
    ok += x5 == 0x66;
    return ok;
}

static void show_log(void)
{
    for (unsigned i = 0; i < elcall_count; i++) {
        unsigned ec = ELS_EC(elcall_log[i].esr);
        print_str("  EL"); print_udec(elcall_log[i].el);
        print_str(" EC="); print_hex(ec);
        print_str(" ESR="); print_hex(ec == 0x24 || ec == 0x25 ? ESR_CMP(elcall_log[i].esr) : elcall_log[i].esr);
        if (ec == 0x24 || ec == 0x25) { print_str(" FAR="); print_hex(elcall_log[i].far); }
        print_nl();
    }
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 2 << 2);
    elcall_init_el2();
    CHECK_EQ("ID_AA64MMFR1_EL1.VH", (ELS_MRS("id_aa64mmfr1_el1") >> 8) & 0xf, 1);

    /* E2H = 0: the EL1 encodings reach EL1. (The *_EL12 encodings are
     * UNDEFINED then, as the Arm ARM says; QEMU 7.2 lets them through, so
     * that is checked by the unit tests, SysRegTrapTests.) */
    ELS_MSR("hcr_el2", HCR_RW);
    ELS_MSR("contextidr_el1", 0x11);
    ELS_MSR("contextidr_el2", 0x22);
    ELS_MSR("mair_el1", 0x44);
    ELS_MSR("far_el1", 0x12);
    ELS_MSR("tpidr_el1", 0x13);

    /* E2H = 1: EL1 encodings reach the EL2 registers, EL12 the EL1 ones. */
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H);
    CHECK_EQ("HCR_EL2.E2H", ELS_MRS("hcr_el2") & HCR_E2H, HCR_E2H);
    CHECK_EQ("CONTEXTIDR_EL1 encoding at EL2 = CONTEXTIDR_EL2", ELS_MRS("contextidr_el1"), 0x22);
    CHECK_EQ("CONTEXTIDR_EL12 = CONTEXTIDR_EL1", ELS_MRS("contextidr_el12"), 0x11);
    ELS_MSR("contextidr_el1", 0x33);
    CHECK_EQ("  written through CONTEXTIDR_EL1's encoding", ELS_MRS("contextidr_el2"), 0x33);
    ELS_MSR("contextidr_el12", 0x44);
    CHECK_EQ("MAIR_EL12", ELS_MRS("mair_el12"), 0x44);
    CHECK_EQ("FAR_EL12", ELS_MRS("far_el12"), 0x12);
    ELS_MSR("far_el1", 0x77);
    CHECK_EQ("FAR_EL1 encoding = FAR_EL2", ELS_MRS("far_el2"), 0x77);
    CHECK_EQ("FAR_EL12 unchanged", ELS_MRS("far_el12"), 0x12);
    ELS_MSR("tpidr_el1", 0x78);
    CHECK_EQ("TPIDR_EL1 is not redirected", ELS_MRS("tpidr_el2") != 0x78, 1);
    CHECK_EQ("CPACR_EL1 encoding = CPTR_EL2", ELS_MRS("cpacr_el1") == ELS_MRS("cptr_el2"), 1);
    CHECK_EQ("CNTKCTL_EL1 encoding = CNTHCTL_EL2", ELS_MRS("cntkctl_el1") == ELS_MRS("cnthctl_el2"), 1);
    ELS_MSR("vbar_el12", 0x40010000);
    ELS_MSR("vbar_el1", (uint64_t)els_vectors_el2);
    CHECK_EQ("VBAR_EL1 encoding = VBAR_EL2", ELS_MRS("vbar_el2"), (uint64_t)els_vectors_el2);
    CHECK_EQ("VBAR_EL12", ELS_MRS("vbar_el12"), 0x40010000);
    ELS_MSR("hcr_el2", HCR_RW);
    CHECK_EQ("E2H = 0 again: CONTEXTIDR_EL1", ELS_MRS("contextidr_el1"), 0x44);
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H);

    /* The EL2&0 regime, set up through the EL1 encodings. */
    build_tables();
    ELS_MSR("mair_el1", MAIR_VALUE);
    ELS_MSR("tcr_el1", tcr_el1(TSZ, 12, TSZ, 12, TCR_IPS_48));
    ELS_MSR("ttbr0_el1", (uint64_t)lo.root);
    ELS_MSR("ttbr1_el2", (uint64_t)hi.root);
    __asm__ volatile("tlbi alle2\n\tdsb ish\n\tisb" ::: "memory");
    CHECK_EQ("TTBR0_EL2 through TTBR0_EL1's encoding", ELS_MRS("ttbr0_el2"), (uint64_t)lo.root);
    uint64_t s = ELS_MRS("sctlr_el1");
    /* SPAN: exceptions to EL2 leave PSTATE.PAN alone (QEMU has FEAT_PAN). */
    ELS_MSR("sctlr_el1", (s | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN) & ~(SCTLR_A | SCTLR_WXN));
    CHECK_EQ("SCTLR_EL2.M", ELS_MRS("sctlr_el2") & 1, 1);
    uint64_t alias = UPPER + ((uint64_t)&shared_word - RAM);
    *(volatile uint64_t *)alias = 0xfeed2020;
    CHECK_EQ("store through TTBR1_EL2, load through TTBR0_EL2", shared_word, 0xfeed2020);
    __asm__ volatile("at s1e2r, %0\n\tisb" :: "r"(alias) : "memory");
    CHECK_EQ("AT S1E2R on the upper range: PA", ELS_MRS("par_el1") & 0x0000fffffffff001ull, (uint64_t)&shared_word & ~0xfffull);

    /* E2H + TGE: EL0 in the EL2&0 regime; its exceptions go to EL2. */
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_TGE);
    shared_word = 0x1234;
    ELS_MSR("cnthctl_el2", (ELS_MRS("cnthctl_el2") | (1ull << 9)) & ~(1ull << 8));   /* EL0PTEN, not EL0VTEN */
    ELS_MSR("cntp_cval_el02", 0x1111);
    ELS_MSR("cnthp_cval_el2", 0x2222);
    elcall_reset();
    uint64_t ok = elcall(SPSR_EL0T, el0_main, 0x1234);
    CHECK_EQ("EL0 checks", ok, 4);
    print_str("EL0 exceptions taken to EL2:\n");
    show_log();
    CHECK_EQ("  count", elcall_count, 5);
    CHECK_EQ("  data abort (lower EL, level 3 permission)", ESR_CMP(elcall_log[0].esr), 0x9200000f);
    CHECK_EQ("  FAR", elcall_log[0].far, (uint64_t)el2_only);
    CHECK_EQ("  SVC #5", elcall_log[1].esr, 0x56000005);
    CHECK_EQ("  CTR_EL0 (SCTLR_EL2.UCT)", elcall_log[2].esr, 0x6232c0a1);
    CHECK_EQ("  SCTLR_EL12 at EL0", elcall_log[3].esr, 0x02000000);
    CHECK_EQ("  CNTV_CVAL_EL0 without EL0VTEN", elcall_log[4].esr, 0x6234f8a7ull);
    CHECK_EQ("  all at EL2", elcall_log[0].el + elcall_log[1].el + elcall_log[2].el + elcall_log[3].el + elcall_log[4].el, 10);
    CHECK_EQ("EL0's CNTP_CVAL_EL0 wrote CNTHP_CVAL_EL2", ELS_MRS("cnthp_cval_el2"), 0x123456789ull);
    CHECK_EQ("  not the EL0 timer (CNTP_CVAL_EL02)", ELS_MRS("cntp_cval_el02"), 0x1111);

    /* EL2 in the host (E2H, TGE) with PSTATE.PAN = 1: LDTR/STTR are EL0
     * accesses, so they reach an EL0 page that PAN closes to LDR/STR. (Every
     * data page here is EL0-accessible: nothing but LDTR/STTR may touch memory
     * while PAN is set.) */
    shared_word = 0x5151;
    uint64_t seen = 0;
    __asm__ volatile("msr pan, #1\n\t"
                     "ldtr %0, [%1]\n\t"
                     "sttr %2, [%1]\n\t"
                     "msr pan, #0"
                     : "=&r"(seen) : "r"(&shared_word), "r"(0x6262ull) : "memory");
    CHECK_EQ("LDTR at EL2 (host, PAN = 1)", seen, 0x5151);
    CHECK_EQ("STTR at EL2 (host, PAN = 1)", shared_word, 0x6262);

    /* The EL1 registers, through EL12 while TGE is set. */
    ELS_MSR("sctlr_el12", 0x30d00800);
    CHECK_EQ("SCTLR_EL12", ELS_MRS("sctlr_el12") & 0xffffffff, 0x30d00800);
    CHECK_EQ("SCTLR_EL1 encoding is still SCTLR_EL2", ELS_MRS("sctlr_el1") & 1, 1);

    /* MMU off, E2H off. */
    ELS_MSR("sctlr_el1", ELS_MRS("sctlr_el1") & ~SCTLR_M);
    ELS_MSR("hcr_el2", HCR_RW);
    __asm__ volatile("tlbi alle2\n\tdsb ish\n\tisb" ::: "memory");
    return test_finish("sys_vhe");
}
