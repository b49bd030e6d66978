/* Stage 2 translation for EL1&0 (Arm ARM D8): the program starts at EL2,
 * builds stage 2 tables and runs code at EL1 with and without stage 1.
 * Checks translation through both stages, stage 2 translation, permission,
 * access flag and XN faults (ESR_EL2, FAR_EL2, HPFAR_EL2), faults on a stage 1
 * table walk (S1PTW), stage 1 faults still taken to EL1, AT S12E1x and S1E1x
 * into PAR_EL1 (and the AT S1E1R at EL1 whose walk faults at stage 2: taken
 * to EL2 with CM = 1), the new mapping after TLBI IPAS2E1IS + VMALLE1IS,
 * concatenated start-level tables, and the 16 KiB and 64 KiB granules.
 * Loads and stores of one X register report ISV = 1 with SAS = 3 and SF
 * (DA_X); SRT depends on the compiler's register choice: the full ESR is
 * printed (and compared with QEMU), the check masks SRT.
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

#define DA_X 0x01c08000ull                      /* ISV, SAS = 3 (64-bit), SF */
#define ESR2(esr) ((esr) & ~(0x1full << 16))    /* without SRT */

static uint8_t s2_pool[512 << 10] __attribute__((aligned(65536)));
static uint8_t s1_pool[64 << 10] __attribute__((aligned(4096)));
static uint64_t pages[8][512] __attribute__((aligned(4096)));
static uint64_t big[2][8192] __attribute__((aligned(65536)));

#define IPA 0x80000000ull
#define VA  0x10000000ull

/* ---- run at EL1 ---- */
static uint64_t el1_currentel(uint64_t x) { uint64_t v; __asm__ volatile("mrs %0, CurrentEL" : "=r"(v)); return v; }
static uint64_t el1_read(uint64_t va) { return ld64(va, 0xbad); }
static uint64_t el1_write(uint64_t va) { st64(va, 0x5151); return 0; }
static uint64_t el1_call(uint64_t va) { return call_va(va, 0xbad); }
static uint64_t el1_read8(uint64_t va) { return ld8(va, 0xbad); }
static uint64_t el1_ldrsw(uint64_t va)
{
    uint64_t v = 0xbad;
    __asm__ volatile("ldrsw %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}
static uint64_t el1_stlr32(uint64_t va)
{
    __asm__ volatile("stlr %w0, [%1]" :: "r"(7), "r"(va) : "memory");
    return 0;
}
static uint64_t el1_ldr_pre(uint64_t va)
{
    uint64_t v = 0xbad, a = va - 8;
    __asm__ volatile("ldr %0, [%1, #8]!" : "+r"(v), "+r"(a) :: "memory");
    return v;
}
static uint64_t el1_at_s1e1r(uint64_t va)
{
    __asm__ volatile("at s1e1r, %0\n\tisb" :: "r"(va) : "memory");
    return read_par_el1();
}
static uint64_t el1_mmu_on(uint64_t ttbr)
{
    mmu_enable_el1(ttbr, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS(2)));
    return read_sctlr_el1() & SCTLR_M;
}
static uint64_t el1_mmu_off(uint64_t x) { mmu_disable_el1(); return read_sctlr_el1() & SCTLR_M; }

/* ---- at EL2 ---- */
static uint64_t at_el2(int op, uint64_t va)
{
    switch (op) {
    case 0: __asm__ volatile("at s12e1r, %0" :: "r"(va)); break;
    case 1: __asm__ volatile("at s12e1w, %0" :: "r"(va)); break;
    case 2: __asm__ volatile("at s12e0r, %0" :: "r"(va)); break;
    default: __asm__ volatile("at s1e1r, %0" :: "r"(va)); break;
    }
    __asm__ volatile("isb" ::: "memory");
    return read_par_el1();
}

/* Expects one stage 2 fault since the last call. */
static void expect_s2(const char *what, uint64_t esr, uint64_t far, uint64_t ipa)
{
    print_str(what);
    print_nl();
    CHECK_EQ("  faults", s2_count, 1);
    print_reg("  ESR_EL2", s2_esr);
    CHECK_EQ("  ESR_EL2 (SRT masked)", ESR2(s2_esr), esr);
    CHECK_EQ("  FAR_EL2", s2_far, far);
    CHECK_EQ("  HPFAR_EL2", s2_hpfar, (ipa >> 12) << 4);
    s2_count = 0;
}

static void sync_code(void *p)
{
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb" :: "r"(p) : "memory");
}

static void granule_test(unsigned gbits, unsigned t0sz, unsigned sl0, unsigned ram_level)
{
    mmu_t m;
    uint64_t g = 1ull << gbits;
    print_str("granule ");
    print_udec(g >> 10);
    print_str(" KiB\n");
    s2_init(&m, gbits, t0sz, sl0, s2_pool, sizeof s2_pool);
    uint64_t block = 1ull << mmu_shift(&m, ram_level);
    mmu_map(&m, 0x40000000ull, 0x40000000ull, block > (128ull << 20) ? block : 128ull << 20, ram_level, S2_RW);
    mmu_map(&m, IPA, (uint64_t)big[0], g, 3, S2_RW);
    mmu_map(&m, IPA + g, (uint64_t)big[0], g, 3, S2_RO);
    s2_enable(&m, vtcr_el2(gbits, t0sz, sl0));
    big[0][1] = 0x1600 + gbits;
    CHECK_EQ("  read via stage 2", run_el1(el1_read, IPA + 8), 0x1600 + gbits);
    CHECK_EQ("  read-only alias", run_el1(el1_read, IPA + g + 8), 0x1600 + gbits);
    run_el1(el1_write, IPA + g + 16);
    expect_s2("  write to the read-only alias", 0x9200004full | DA_X, IPA + g + 16, IPA + g);
    run_el1(el1_read, IPA + 2 * g + 0x18);
    expect_s2("  unmapped", 0x92000007ull | DA_X, IPA + 2 * g + 0x18, IPA + 2 * g);
    s2_disable();
}

int main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    CHECK_EQ("CurrentEL", el, 8);
    s2_el2_init();

    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 512; j++)
            pages[i][j] = 0xa000 * (i + 1) + j;
    /* Code for the executable / XN mappings: mov x0, #42; ret. */
    ((uint32_t *)pages[4])[0] = 0xd2800540;
    ((uint32_t *)pages[4])[1] = 0xd65f03c0;
    sync_code(pages[4]);

    /* Stage 2, 4 KiB granule, 40-bit IPA starting at level 1: two
     * concatenated level 1 tables. RAM identity (2 MiB blocks) plus pages
     * at IPA 0x8000_0000. */
    mmu_t s2;
    s2_init(&s2, 12, 24, 1, s2_pool, sizeof s2_pool);
    mmu_map(&s2, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&s2, IPA + 0x0000, (uint64_t)pages[0], 4096, 3, S2_RW);
    mmu_map(&s2, IPA + 0x1000, (uint64_t)pages[1], 4096, 3, S2_RW);
    /* IPA + 0x2000, + 0x7000: unmapped */
    mmu_map(&s2, IPA + 0x3000, (uint64_t)pages[2], 4096, 3, S2_RO);
    mmu_map(&s2, IPA + 0x4000, (uint64_t)pages[4], 4096, 3, S2_RO);
    mmu_map(&s2, IPA + 0x5000, (uint64_t)pages[0], 4096, 3, S2_RW & ~S2_AF);
    mmu_map(&s2, IPA + 0x6000, (uint64_t)pages[4], 4096, 3, S2_RO | S2_XN);
    mmu_map(&s2, IPA + 0x8000, (uint64_t)pages[3], 4096, 3, S2_MEM_NORMAL | S2_AF);   /* no access */
    CHECK_EQ("stage 2 root (concatenated) used bytes", s2.used, 0x5000);
    s2_enable(&s2, vtcr_el2(12, 24, 1));

    print_str("-- EL1, stage 1 off\n");
    CHECK_EQ("EL1 CurrentEL", run_el1(el1_currentel, 0), 4);
    CHECK_EQ("read IPA+0", run_el1(el1_read, IPA), pages[0][0]);
    CHECK_EQ("read IPA+0x1008", run_el1(el1_read, IPA + 0x1008), pages[1][1]);
    CHECK_EQ("read RAM identity", run_el1(el1_read, (uint64_t)&pages[6][7]), pages[6][7]);
    CHECK_EQ("faults so far", s2_count, 0);
    run_el1(el1_read, IPA + 0x2010);
    expect_s2("translation fault (level 3)", 0x92000007ull | DA_X, IPA + 0x2010, IPA + 0x2000);
    print_str("instruction syndrome (ISV, SAS, SSE, SF, AR; none with writeback)\n");
    run_el1(el1_read8, IPA + 0x2001);
    expect_s2("  LDRB W", 0x93000007ull, IPA + 0x2001, IPA + 0x2000);
    run_el1(el1_ldrsw, IPA + 0x2004);
    expect_s2("  LDRSW X", 0x93a08007ull, IPA + 0x2004, IPA + 0x2000);
    run_el1(el1_stlr32, IPA + 0x2008);
    expect_s2("  STLR W", 0x93804047ull, IPA + 0x2008, IPA + 0x2000);
    run_el1(el1_ldr_pre, IPA + 0x2010);
    expect_s2("  LDR X, pre-index", 0x92000007ull, IPA + 0x2010, IPA + 0x2000);
    run_el1(el1_write, IPA + 0x3008);
    expect_s2("permission fault (S2AP read-only, write)", 0x9200004full | DA_X, IPA + 0x3008, IPA + 0x3000);
    CHECK_EQ("read-only page still reads", run_el1(el1_read, IPA + 0x3000), pages[2][0]);
    CHECK_EQ("...and was not written", pages[2][1], 0xa000 * 3 + 1);
    run_el1(el1_read, IPA + 0x5000);
    expect_s2("access flag fault", 0x9200000bull | DA_X, IPA + 0x5000, IPA + 0x5000);
    CHECK_EQ("call executable page", run_el1(el1_call, IPA + 0x4000), 42);
    run_el1(el1_call, IPA + 0x6000);
    expect_s2("XN: instruction abort", 0x8200000full, IPA + 0x6000, IPA + 0x6000);
    run_el1(el1_read, 1ull << 40);
    expect_s2("IPA beyond T0SZ (level 0)", 0x92000004ull | DA_X, 1ull << 40, 1ull << 40);

    /* Stage 1 at EL1: tables in IPA space (identity-mapped by stage 2). */
    print_str("-- EL1, stage 1 on\n");
    mmu_t s1;
    mmu_init(&s1, 12, 25, s1_pool, sizeof s1_pool);
    mmu_map_ram(&s1, 2);
    mmu_map(&s1, VA + 0x0000, IPA + 0x0000, 4096, 3, PTE_KDATA);
    mmu_map(&s1, VA + 0x1000, IPA + 0x1000, 4096, 3, PTE_KDATA);
    mmu_map(&s1, VA + 0x2000, IPA + 0x2000, 4096, 3, PTE_KDATA);
    mmu_map(&s1, VA + 0x3000, IPA + 0x3000, 4096, 3, PTE_KDATA);
    mmu_map(&s1, VA + 0x5000, IPA + 0x0000, 4096, 3, PTE_KDATA | PTE_RO);
    *mmu_entry(&s1, VA + 0x200000, 2) = (IPA + 0x7000) | PTE_VALID | PTE_TABLE;   /* table at an unmapped IPA */
    *mmu_entry(&s1, VA + 0x400000, 2) = (IPA + 0x8000) | PTE_VALID | PTE_TABLE;   /* table stage 2 forbids reading */
    CHECK_EQ("SCTLR_EL1.M", run_el1(el1_mmu_on, (uint64_t)s1.root), 1);
    CHECK_EQ("read VA (both stages)", run_el1(el1_read, VA + 0x10), pages[0][2]);
    CHECK_EQ("read VA+0x1000", run_el1(el1_read, VA + 0x1000), pages[1][0]);
    run_el1(el1_read, VA + 0x2000);
    expect_s2("stage 2 translation fault for a VA", 0x92000007ull | DA_X, VA + 0x2000, IPA + 0x2000);
    run_el1(el1_write, VA + 0x3010);
    expect_s2("stage 2 permission fault for a VA", 0x9200004full | DA_X, VA + 0x3010, IPA + 0x3000);
    run_el1(el1_read, VA + 0x200008);
    expect_s2("stage 1 walk: stage 2 translation fault (S1PTW)", 0x92000087ull, VA + 0x200008, IPA + 0x7000);
    run_el1(el1_read, VA + 0x400000);
    expect_s2("stage 1 walk: stage 2 permission fault (S1PTW)", 0x9200008full, VA + 0x400000, IPA + 0x8000);

    print_str("stage 1 permission fault goes to EL1\n");
    exc_count = 0;
    exc_record(4);
    run_el1(el1_write, VA + 0x5000);
    exc_fatal();
    CHECK_EQ("  EL1 exceptions", exc_count, 1);
    CHECK_EQ("  ESR_EL1", ESR_CMP(exc_last.esr), 0x9600004full);
    CHECK_EQ("  FAR_EL1", exc_last.far, VA + 0x5000);
    CHECK_EQ("  EL2 faults", s2_count, 0);

    print_str("AT at EL1\n");
    CHECK_EQ("  AT S1E1R (IPA)", run_el1(el1_at_s1e1r, VA + 0x1234) & ~0xfull, 0xff00000000000000ull | (IPA + 0x1000) | 0xb80);
    run_el1(el1_at_s1e1r, VA + 0x200000);
    expect_s2("  AT S1E1R, stage 2 fault on the walk (CM, S1PTW)", 0x920001c7ull, VA + 0x200000, IPA + 0x7000);

    print_str("AT at EL2\n");
    CHECK_EQ("  AT S12E1R", at_el2(0, VA + 0x1234), 0xff00000000000000ull | (uint64_t)pages[1] | 0xb80);
    CHECK_EQ("  AT S12E1W", at_el2(1, VA + 0x1234), 0xff00000000000000ull | (uint64_t)pages[1] | 0xb80);
    CHECK_EQ("  AT S1E1R (IPA)", at_el2(3, VA + 0x1234), 0xff00000000000000ull | (IPA + 0x1000) | 0xb80);
    CHECK_EQ("  AT S12E1R unmapped IPA", at_el2(0, VA + 0x2000), 0xa0f);
    CHECK_EQ("  AT S12E1W read-only IPA", at_el2(1, VA + 0x3000), 0xa1f);
    CHECK_EQ("  AT S12E1R walk fault", at_el2(0, VA + 0x200000), 0xb0f);
    CHECK_EQ("  AT S1E1R walk permission fault", at_el2(3, VA + 0x400000), 0xb1f);
    CHECK_EQ("  AT S12E0R stage 1 permission", at_el2(2, VA + 0x1000), 0x81f);
    CHECK_EQ("  faults at EL2", s2_count, 0);

    print_str("TLBI IPAS2E1IS\n");
    CHECK_EQ("  before", run_el1(el1_read, VA + 0x1000), pages[1][0]);
    *mmu_entry(&s2, IPA + 0x1000, 3) = (uint64_t)pages[5] | S2_RW | PTE_VALID | PTE_PAGE;
    s2_tlbi_ipa(IPA + 0x1000);
    CHECK_EQ("  after", run_el1(el1_read, VA + 0x1000), pages[5][0]);
    CHECK_EQ("  AT S12E1R after", at_el2(0, VA + 0x1000), 0xff00000000000000ull | (uint64_t)pages[5] | 0xb80);

    CHECK_EQ("SCTLR_EL1.M off", run_el1(el1_mmu_off, 0), 0);
    s2_disable();

    /* Stage 2 starting at level 2 with 4 concatenated tables (32-bit IPA). */
    print_str("-- 4 KiB, start level 2, concatenated\n");
    s2_init(&s2, 12, 32, 0, s2_pool, sizeof s2_pool);
    CHECK_EQ("  root bytes", s2.used, 0x4000);
    mmu_map(&s2, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&s2, 0xc0000000ull, (uint64_t)pages[6], 4096, 3, S2_RW);
    s2_enable(&s2, vtcr_el2(12, 32, 0));
    CHECK_EQ("  read 0xc0000000", run_el1(el1_read, 0xc0000000ull), pages[6][0]);
    run_el1(el1_read, 0xc0001000ull);
    expect_s2("  unmapped", 0x92000007ull | DA_X, 0xc0001000ull, 0xc0001000ull);
    s2_disable();

    granule_test(14, 24, 2, 2);   /* 16 KiB, start level 1 */
    granule_test(16, 24, 1, 2);   /* 64 KiB, start level 2 */

    return test_finish("mmu_stage2");
}
