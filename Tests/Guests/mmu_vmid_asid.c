/* TLB entries tagged by VMID and ASID (Arm ARM D8.16 "Translation Lookaside
 * Buffers", C5.5 TLBI): whatever a TLB keeps, each translation context sees
 * only its own mappings, and maintenance of one context leaves the others'
 * translations valid and correct.
 *
 * - Two VMIDs (VTTBR_EL2.VMID 1 and 2) whose stage 2 tables map the same IPA
 *   to different pages: EL1 of each reads its own, switching VTTBR_EL2 back
 *   and forth with no TLB maintenance; TLBI VMALLS12E1 under one VMID leaves
 *   the other reading its page; a new stage 2 mapping of one VMID (TLBI
 *   IPAS2E1 + VMALLE1 under it) is seen by it and not by the other.
 * - Two ASIDs (TTBR0_EL1.ASID 1 and 2, non-global pages) whose stage 1
 *   tables map the same VA to different IPAs: EL1 switches TTBR0_EL1 with no
 *   maintenance and reads its own; TLBI ASIDE1 of one ASID leaves the other
 *   correct; a global page reads the same in both.
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

static uint8_t s2_pool_a[64 << 10] __attribute__((aligned(65536)));
static uint8_t s2_pool_b[64 << 10] __attribute__((aligned(65536)));
static uint8_t s1_pool_1[32 << 10] __attribute__((aligned(4096)));
static uint8_t s1_pool_2[32 << 10] __attribute__((aligned(4096)));
static uint64_t pages[6][512] __attribute__((aligned(4096)));

#define IPA   0x80000000ull
#define VA    0x10000000ull
#define VMID(n) ((uint64_t)(n) << 48)
#define ASID(n) ((uint64_t)(n) << 48)

static uint64_t el1_read(uint64_t va) { return ld64(va, 0xbad); }
static uint64_t el1_mmu_on(uint64_t ttbr)
{
    mmu_enable_el1(ttbr, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS(2)));
    return read_sctlr_el1() & SCTLR_M;
}
static uint64_t el1_mmu_off(uint64_t x) { mmu_disable_el1(); return read_sctlr_el1() & SCTLR_M; }
/* A context switch as a kernel does it with ASIDs: TTBR0_EL1 and ISB, no TLBI. */
static uint64_t el1_switch_read(uint64_t ttbr)
{
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" :: "r"(ttbr) : "memory");
    return ld64(VA + 8, 0xbad);
}
static uint64_t el1_switch_read_global(uint64_t ttbr)
{
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" :: "r"(ttbr) : "memory");
    return ld64(VA + 0x1008, 0xbad);
}
static uint64_t el1_tlbi_aside1(uint64_t asid)
{
    __asm__ volatile("dsb ishst\n\ttlbi aside1, %0\n\tdsb ish\n\tisb" :: "r"(asid << 48) : "memory");
    return 0;
}

static void use_vmid(mmu_t *m, unsigned vmid)
{
    S2_MSR("vttbr_el2", (uint64_t)(uintptr_t)m->root | VMID(vmid));
}

static void tlbi_vmalls12e1(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalls12e1\n\tdsb ish\n\tisb" ::: "memory");
}

int main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    CHECK_EQ("CurrentEL", el, 8);
    s2_el2_init();
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 512; j++)
            pages[i][j] = 0x1000 * (i + 1) + j;

    /* VMID 1: IPA -> pages[0]; VMID 2: IPA -> pages[1]. Both map RAM 1:1. */
    mmu_t a, b;
    s2_init(&a, 12, 24, 1, s2_pool_a, sizeof s2_pool_a);
    s2_init(&b, 12, 24, 1, s2_pool_b, sizeof s2_pool_b);
    mmu_map(&a, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&b, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&a, IPA, (uint64_t)pages[0], 4096, 3, S2_RW);
    mmu_map(&b, IPA, (uint64_t)pages[1], 4096, 3, S2_RW);
    s2_enable(&a, vtcr_el2(12, 24, 1));
    use_vmid(&a, 1);
    s2_tlbi_all();

    print_str("-- two VMIDs, the same IPA\n");
    CHECK_EQ("VMID 1 reads its page", run_el1(el1_read, IPA + 8), pages[0][1]);
    use_vmid(&b, 2);
    CHECK_EQ("VMID 2 reads its page", run_el1(el1_read, IPA + 8), pages[1][1]);
    use_vmid(&a, 1);
    CHECK_EQ("VMID 1 again", run_el1(el1_read, IPA + 8), pages[0][1]);
    use_vmid(&b, 2);
    CHECK_EQ("VMID 2 again", run_el1(el1_read, IPA + 8), pages[1][1]);
    tlbi_vmalls12e1();   /* VMID 2's entries */
    use_vmid(&a, 1);
    CHECK_EQ("VMID 1 after VMALLS12E1 of VMID 2", run_el1(el1_read, IPA + 16), pages[0][2]);
    use_vmid(&b, 2);
    CHECK_EQ("VMID 2 after its VMALLS12E1", run_el1(el1_read, IPA + 16), pages[1][2]);
    /* VMID 1 remaps the IPA to pages[2], maintenance under VMID 1. */
    use_vmid(&a, 1);
    *mmu_entry(&a, IPA, 3) = (uint64_t)pages[2] | S2_RW | PTE_VALID | PTE_PAGE;
    s2_tlbi_ipa(IPA);
    CHECK_EQ("VMID 1 sees its new mapping", run_el1(el1_read, IPA + 24), pages[2][3]);
    use_vmid(&b, 2);
    CHECK_EQ("VMID 2 keeps its own", run_el1(el1_read, IPA + 24), pages[1][3]);
    CHECK_EQ("stage 2 faults", s2_count, 0);

    /* Stage 1 in VMID 1 with two ASIDs: VA -> IPA (pages[2] through VMID 1's
     * stage 2) for ASID 1, VA -> pages[3] (RAM identity) for ASID 2; VA +
     * 0x1000 global, -> pages[4] in both tables. */
    print_str("-- two ASIDs, the same VA\n");
    use_vmid(&a, 1);
    mmu_t t1, t2;
    mmu_init(&t1, 12, 25, s1_pool_1, sizeof s1_pool_1);
    mmu_init(&t2, 12, 25, s1_pool_2, sizeof s1_pool_2);
    mmu_map_ram(&t1, 2);
    mmu_map_ram(&t2, 2);
    mmu_map(&t1, VA, IPA, 4096, 3, PTE_KDATA | PTE_NG);
    mmu_map(&t2, VA, (uint64_t)pages[3], 4096, 3, PTE_KDATA | PTE_NG);
    mmu_map(&t1, VA + 0x1000, (uint64_t)pages[4], 4096, 3, PTE_KDATA);
    mmu_map(&t2, VA + 0x1000, (uint64_t)pages[4], 4096, 3, PTE_KDATA);
    uint64_t ttbr1 = (uint64_t)t1.root | ASID(1), ttbr2 = (uint64_t)t2.root | ASID(2);
    CHECK_EQ("SCTLR_EL1.M", run_el1(el1_mmu_on, ttbr1), 1);
    CHECK_EQ("ASID 1 reads its page", run_el1(el1_switch_read, ttbr1), pages[2][1]);
    CHECK_EQ("ASID 2 reads its page", run_el1(el1_switch_read, ttbr2), pages[3][1]);
    CHECK_EQ("ASID 1 again", run_el1(el1_switch_read, ttbr1), pages[2][1]);
    CHECK_EQ("ASID 2 again", run_el1(el1_switch_read, ttbr2), pages[3][1]);
    CHECK_EQ("global page in ASID 1", run_el1(el1_switch_read_global, ttbr1), pages[4][1]);
    CHECK_EQ("global page in ASID 2", run_el1(el1_switch_read_global, ttbr2), pages[4][1]);
    run_el1(el1_tlbi_aside1, 1);
    CHECK_EQ("ASID 2 after TLBI ASIDE1 of ASID 1", run_el1(el1_switch_read, ttbr2), pages[3][1]);
    CHECK_EQ("ASID 1 after its TLBI ASIDE1", run_el1(el1_switch_read, ttbr1), pages[2][1]);
    /* VMID 2 with the same stage 1 tables and ASIDs: its own IPA page. */
    use_vmid(&b, 2);
    CHECK_EQ("ASID 1 in VMID 2", run_el1(el1_switch_read, ttbr1), pages[1][1]);
    use_vmid(&a, 1);
    CHECK_EQ("ASID 1 in VMID 1", run_el1(el1_switch_read, ttbr1), pages[2][1]);
    CHECK_EQ("SCTLR_EL1.M off", run_el1(el1_mmu_off, 0), 0);
    CHECK_EQ("stage 2 faults", s2_count, 0);
    s2_disable();
    return test_finish("mmu_vmid_asid");
}
