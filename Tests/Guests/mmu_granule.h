/* The body of mmu_granule_4k/16k/64k: with GBITS (12, 14, 16) and the TxSZ
 * values in TSZ_LIST, builds EL1&0 stage 1 tables for TTBR0 that map the RAM
 * 1:1 with level 2 blocks (level IDMAP_L1_TSZ: a 1 GiB level 1 block with 4
 * KiB granules at that TxSZ), plus
 *   ALIAS       pages (level 3) onto `buf` in swapped order: ALIAS + 0 -> buf + G,
 *               ALIAS + G -> buf, ALIAS + 2G -> buf + 2G (read-only)
 *   BLOCK_ALIAS a level 2 block onto the RAM block at 0x40000000,
 * turns the MMU on at EL1 and checks accesses through the aliases (also at the
 * far end of each granule, so the VA bits between 12 and the granule size are
 * taken from the address), a level 3 Translation fault on an unmapped page of
 * the alias table, a level 2 one where nothing is mapped, and a permission
 * fault on the read-only page. Start levels: see each test. */
#include "mmu.h"

#define G          (1ull << GBITS)
#define ALIAS      0x10000000ull
#define BLOCK_ALIAS 0x20000000ull
#ifndef NOMAP
#define NOMAP      0x30000000ull   /* no level 2 entry */
#endif

static uint8_t pool[12 * 65536] __attribute__((aligned(65536)));
static uint64_t buf[3 * 65536 / 8] __attribute__((aligned(65536)));
static volatile uint64_t marker = 0x1122334455667788ull;

static void run(unsigned tsz)
{
    mmu_t m;
    mmu_init(&m, GBITS, tsz, pool, sizeof pool);
    print_str("TxSZ ");
    print_udec(tsz);
    print_str(": start level ");
    print_udec(m.start);
    print_nl();
#ifdef IDMAP_L1_TSZ
    if (tsz == IDMAP_L1_TSZ)
        mmu_map(&m, 0x40000000ull, 0x40000000ull, 1ull << 30, 1, PTE_KERNEL);
    else
#endif
        mmu_map_ram(&m, 2);
    uint64_t b = (uint64_t)(uintptr_t)buf;
    mmu_map(&m, ALIAS, b + G, G, 3, PTE_KDATA);
    mmu_map(&m, ALIAS + G, b, G, 3, PTE_KDATA);
    mmu_map(&m, ALIAS + 2 * G, b + 2 * G, G, 3, PTE_KDATA | PTE_RO);
    mmu_map(&m, BLOCK_ALIAS, 0x40000000ull, 1ull << mmu_shift(&m, 2), 2, PTE_KDATA);
    for (uint64_t i = 0; i < 3 * G / 8; i++)
        buf[i] = 0;
    buf[2 * G / 8] = 0xA5A5A5A5A5A5A5A5ull;
    buf[3 * G / 8 - 1] = 0x5A5A5A5A5A5A5A5Aull;

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(tsz, GBITS, 25, GBITS, TCR_EPD1 | TCR_IPS_48));
    CHECK_EQ("  SCTLR_EL1.M", read_sctlr_el1() & 1, 1);

    volatile uint64_t *a = (volatile uint64_t *)ALIAS;
    a[0] = 0x1000 + tsz;                         /* -> buf + G */
    a[G / 8 - 1] = 0x2000 + tsz;                 /* -> end of buf + G */
    a[G / 8] = 0x3000 + tsz;                     /* -> buf */
    a[2 * G / 8 - 1] = 0x4000 + tsz;             /* -> end of buf's first granule */
    CHECK_EQ("  alias page 0 -> buf+G", buf[G / 8], 0x1000 + tsz);
    CHECK_EQ("  end of alias page 0", buf[2 * G / 8 - 1], 0x2000 + tsz);
    CHECK_EQ("  alias page 1 -> buf", buf[0], 0x3000 + tsz);
    CHECK_EQ("  end of alias page 1", buf[G / 8 - 1], 0x4000 + tsz);
    CHECK_EQ("  read-only page", a[2 * G / 8], 0xA5A5A5A5A5A5A5A5ull);
    CHECK_EQ("  end of read-only page", a[3 * G / 8 - 1], 0x5A5A5A5A5A5A5A5Aull);
    uint64_t via_block = BLOCK_ALIAS + ((uint64_t)(uintptr_t)&marker - 0x40000000ull);
    CHECK_EQ("  marker through the block alias", *(volatile uint64_t *)via_block, 0x1122334455667788ull);
    *(volatile uint64_t *)via_block = 0x99 + tsz;
    CHECK_EQ("  marker written through the block alias", marker, 0x99 + tsz);
    marker = 0x1122334455667788ull;

    exc_record(4);
    uint64_t n = exc_count;
    CHECK_EQ("  load, unmapped page", ld64(ALIAS + 3 * G + 8, 0x77), 0x77);
    CHECK_EQ("  esr (translation fault, level 3)", ESR_CMP(exc_last.esr), 0x96000007);
    CHECK_EQ("  far", exc_last.far, ALIAS + 3 * G + 8);
    st64(NOMAP, 1);
    CHECK_EQ("  esr (store, translation fault, level 2)", ESR_CMP(exc_last.esr), 0x96000046);
    CHECK_EQ("  far", exc_last.far, NOMAP);
    st64(ALIAS + 2 * G + 16, 1);
    CHECK_EQ("  esr (store to read-only page: permission, level 3)", ESR_CMP(exc_last.esr), 0x9600004f);
    CHECK_EQ("  far", exc_last.far, ALIAS + 2 * G + 16);
    CHECK_EQ("  three faults", exc_count - n, 3);
    exc_fatal();
    CHECK_EQ("  read-only page unchanged", buf[2 * G / 8 + 2], 0);

    mmu_disable_el1();
    CHECK_EQ("  SCTLR_EL1.M after", read_sctlr_el1() & 1, 0);
}

int main(void)
{
    static const unsigned tszs[] = { TSZ_LIST };
    for (unsigned i = 0; i < sizeof tszs / sizeof tszs[0]; i++)
        run(tszs[i]);
    return test_finish(TEST_NAME);
}
