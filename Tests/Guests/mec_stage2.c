/* FEAT_MEC with stage 2 (Arm ARM AArch64.S2OutputMECID, AArch64.TTWalkMECID):
 * from EL3, Realm EL2 builds stage 2 tables and runs code at Realm EL1. An
 * EL1&0 access uses VMECID_A_EL2 when the stage 2 descriptor has AMEC = 1,
 * VMECID_P_EL2 otherwise (0 in the Non-secure PA space: descriptor NS, bit
 * 55); stage 1 descriptor reads use the MECID of their own stage 2 mapping;
 * stage 2 walks use VMECID_P_EL2. VMECID_P_EL2 = 0 here, so that EL1's code
 * and stack (loaded with MECID 0) stay readable.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on */
#include "stage2.h"
#include "rme.h"

#define DEAD 0xdeadbeefdeadbeefull
#define IPA  0x80000000ull
#define VA   0x10000000ull

static uint8_t s2_pool[64 << 10] __attribute__((aligned(65536)));
static uint8_t s1_pool[32 << 10] __attribute__((aligned(4096)));
static uint64_t data[512] __attribute__((aligned(4096)));

static uint64_t el1_read(uint64_t va) { return ld64(va, 0xbad); }
static uint64_t el1_write(uint64_t va) { st64(va, 0x4444000000000000ull | (va & 0xffff)); return 0; }
static uint64_t el1_mmu_on(uint64_t ttbr)
{
    mmu_enable_el1(ttbr, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS(2)));
    return read_sctlr_el1() & SCTLR_M;
}
static uint64_t el1_mmu_off(uint64_t x) { mmu_disable_el1(); return 0; }

/* Builds the stage 1 tables at EL1 (stage 1 off) in the pool seen at
 * `pool_ipa`: the tables refer to each other by IPA, and are written with
 * the MECID of that stage 2 mapping. Returns the root's IPA. */
static mmu_t s1;
static uint64_t el1_build_s1(uint64_t pool_ipa)
{
    mmu_init(&s1, 12, 25, (void *)pool_ipa, sizeof s1_pool);
    mmu_map_ram(&s1, 2);
    mmu_map(&s1, VA, IPA + 0x1000, 4096, 3, PTE_KDATA);
    return (uint64_t)(uintptr_t)s1.root;
}

static uint64_t el2_read(uint64_t pa) { return *(volatile uint64_t *)pa; }

#define POOL_IPA 0x90000000ull

/* The pool's first two pages (the level 1 table and the level 2 table of
 * RAM, which EL1's own code and data walk through) always with AMEC = 1;
 * the others (the level 2 and 3 tables of VA) with `amec`. */
static void map_pool(mmu_t *s2, uint64_t amec)
{
    mmu_map(s2, POOL_IPA, (uint64_t)s1_pool, 0x2000, 3, S2_RW | PTE_AMEC);
    mmu_map(s2, POOL_IPA + 0x2000, (uint64_t)s1_pool + 0x2000, sizeof s1_pool - 0x2000, 3, S2_RW | amec);
    s2_tlbi_all();
}

static uint64_t realm_el2(uint64_t arg)
{
    (void)arg;
    s2_el2_init();
    MSR(VMECID_P_EL2, 0);
    MSR(VMECID_A_EL2, 4);
    MSR(MECID_P0_EL2, 0);    /* EL2, MMU off: MECID_P0_EL2 */

    mmu_t s2;
    s2_init(&s2, 12, 24, 1, s2_pool, sizeof s2_pool);
    mmu_map(&s2, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&s2, IPA + 0x0000, (uint64_t)data, 4096, 3, S2_RW);
    mmu_map(&s2, IPA + 0x1000, (uint64_t)data, 4096, 3, S2_RW | PTE_AMEC);
    mmu_map(&s2, IPA + 0x2000, (uint64_t)data, 4096, 3, S2_RW | PTE_AMEC | (1ull << 55));   /* NS */
    s2_enable(&s2, vtcr_el2(12, 24, 1));

    print_str("-- EL1, stage 1 off\n");
    run_el1(el1_write, IPA + 0x1008);
    CHECK_EQ("AMEC = 1 (VMECID_A 4) reads its write", run_el1(el1_read, IPA + 0x1008), 0x4444000000001008ull);
    CHECK_EQ("AMEC = 0 (VMECID_P 0) reads ciphertext", run_el1(el1_read, IPA + 0x0008), DEAD);
    CHECK_EQ("EL2 with MECID_P0 0: ciphertext", el2_read((uint64_t)&data[1]), DEAD);
    CHECK_EQ("Non-secure PA space (MECID 0): ciphertext", run_el1(el1_read, IPA + 0x2008), DEAD);
    MSR(VMECID_A_EL2, 5);
    CHECK_EQ("VMECID_A 5: ciphertext", run_el1(el1_read, IPA + 0x1008), DEAD);
    run_el1(el1_write, IPA + 0x1040);
    CHECK_EQ("VMECID_A 5 reads its own line", run_el1(el1_read, IPA + 0x1040), 0x4444000000001040ull);
    MSR(VMECID_A_EL2, 4);
    CHECK_EQ("VMECID_A 4: its line again", run_el1(el1_read, IPA + 0x1008), 0x4444000000001008ull);
    CHECK_EQ("VMECID_A 4: the line of MECID 5", run_el1(el1_read, IPA + 0x1040), DEAD);
    run_el1(el1_write, IPA + 0x0080);
    CHECK_EQ("AMEC = 0 writes with MECID 0", run_el1(el1_read, IPA + 0x0080), 0x4444000000000080ull);
    CHECK_EQ("...EL2 reads it with MECID 0", el2_read((uint64_t)&data[16]), 0x4444000000000080ull);
    CHECK_EQ("stage 2 faults", s2_count, 0);

    /* Stage 1 tables written by EL1 with MECID 4 (their stage 2 mapping has
     * AMEC = 1), read by the walk through that mapping; with AMEC = 0 for
     * VA's level 2 table the walk reads it with MECID 0: ciphertext. */
    print_str("-- EL1, stage 1 on\n");
    map_pool(&s2, PTE_AMEC);
    uint64_t root = run_el1(el1_build_s1, POOL_IPA);
    CHECK_EQ("stage 1 root (IPA)", root, POOL_IPA);
    CHECK_EQ("EL2 reads the tables with MECID 0: ciphertext", el2_read((uint64_t)s1_pool), DEAD);
    CHECK_EQ("SCTLR_EL1.M", run_el1(el1_mmu_on, root), 1);
    CHECK_EQ("read through tables of MECID 4", run_el1(el1_read, VA + 8), 0x4444000000001008ull);
    map_pool(&s2, 0);
    exc_count = 0;
    exc_record(4);
    uint64_t v = run_el1(el1_read, VA + 8);
    exc_fatal();
    CHECK_EQ("tables read with MECID 0: the load does not complete", v, 0xbad);
    CHECK_EQ("...a stage 1 fault at EL1", exc_count, 1);
    CHECK_EQ("...EC", ESR_EC(exc_last.esr), 0x25);
    CHECK_EQ("stage 2 faults", s2_count, 0);
    map_pool(&s2, PTE_AMEC);
    CHECK_EQ("AMEC = 1 again", run_el1(el1_read, VA + 8), 0x4444000000001008ull);
    run_el1(el1_mmu_off, 0);
    s2_disable();
    return 0;
}

int main(void)
{
    rme_init();
    MSR(SCTLR2_EL2, SCTLR2_EMEC);
    rme_enter_realm();
    run_el2(realm_el2, 0);
    return test_finish("mec_stage2");
}
