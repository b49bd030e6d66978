/* Translation, address size and walk faults with the MMU on at EL1 (4 KiB
 * granule, T0SZ 16: start level 0). Each fault is a data abort from the
 * current EL (EC 0x25) with DFSC = 0x04 + level (translation), 0x00 + level
 * (address size) or 0x14 + level (synchronous External abort on the walk),
 * WnR for stores, FAR = the VA; an instruction fetch gives an instruction
 * abort (EC 0x21) with ELR = FAR = the VA. A faulting load leaves its
 * destination and a pre-index base register unchanged.
 *
 *   ALIAS + 0x0000  page -> buf (valid)          ALIAS + 0x1000  nothing (level 3)
 *   ALIAS + 0x2000  level 3 "reserved" encoding   ALIAS + 0x3000  page at PA 4 GiB (with IPS = 32 bits)
 *   ALIAS2          level 2 table at PA 4 GiB     ALIAS3          level 3 table at an unmapped PA
 *   0x30000000      no level 2 entry             4 GiB           no level 1 entry
 *   1 << 47         no level 0 entry */
#include "mmu.h"

#define ALIAS  0x10000000ull
#define ALIAS2 0x10200000ull
#define ALIAS3 0x10400000ull

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t buf[512] __attribute__((aligned(4096)));

static uint64_t n0;

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 16, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t b = (uint64_t)(uintptr_t)buf;
    mmu_map(&m, ALIAS, b, 4096, 3, PTE_KDATA);
    *mmu_entry(&m, ALIAS + 0x2000, 3) = b | PTE_KDATA | PTE_VALID;          /* bit 1 clear */
    mmu_map(&m, ALIAS + 0x3000, 0x100000000ull, 4096, 3, PTE_KDATA);       /* OA = 4 GiB */
    *mmu_entry(&m, ALIAS2, 2) = 0x100000000ull | PTE_VALID | PTE_TABLE;     /* next table at 4 GiB */
    *mmu_entry(&m, ALIAS3, 2) = 0x0f000000ull | PTE_VALID | PTE_TABLE;      /* next table: no memory */
    buf[1] = 0x1111;

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(16, 12, 16, 12, TCR_EPD1 | TCR_IPS(0)));
    CHECK_EQ("valid page", ld64(ALIAS + 8, 0), 0x1111);

    exc_record(4);
    n0 = exc_count;
    uint64_t v;

    v = ld64(ALIAS + 0x1008, 0x55);
    print_str("load, invalid level 3 descriptor\n");
    CHECK_EQ("  destination unchanged", v, 0x55);
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000007);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x1008);

    st32(ALIAS + 0x1ffc, 0);
    print_str("store, invalid level 3 descriptor\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000047);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x1ffc);

    ld8(ALIAS + 0x2001, 0);
    print_str("load, reserved level 3 encoding\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000007);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x2001);

    ld64(0x30000000ull, 0);
    print_str("load, no level 2 entry\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000006);
    CHECK_EQ("  far", exc_last.far, 0x30000000ull);

    st64(0x100000010ull, 0);
    print_str("store, no level 1 entry\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000045);
    CHECK_EQ("  far", exc_last.far, 0x100000010ull);

    ld64(1ull << 47, 0);
    print_str("load, no level 0 entry\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  far", exc_last.far, 1ull << 47);

    ld64(1ull << 48, 0);
    print_str("load, above the 48-bit range\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  far", exc_last.far, 1ull << 48);

    ld64(ALIAS + 0x3000, 0);
    print_str("load, output address above IPS (32 bits)\n");
    CHECK_EQ("  esr (address size, level 3)", ESR_CMP(exc_last.esr), 0x96000003);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x3000);

    st64(ALIAS2 + 0x18, 0);
    print_str("store, next-level table above IPS\n");
    CHECK_EQ("  esr (address size, level 2)", ESR_CMP(exc_last.esr), 0x96000042);
    CHECK_EQ("  far", exc_last.far, ALIAS2 + 0x18);

    ld64(ALIAS3 + 0x20, 0);
    print_str("load, level 3 table where there is no memory\n");
    CHECK_EQ("  esr (external abort on the walk, level 3)", ESR_CMP(exc_last.esr), 0x96000017);
    CHECK_EQ("  far", exc_last.far, ALIAS3 + 0x20);

    /* Pre-index: no writeback on a fault; a pair faults as a whole. */
    uint64_t base = ALIAS + 0x1000;
    uint64_t r1 = 1, r2 = 2;
    __asm__ volatile("ldr %0, [%1, #8]!" : "+r"(r1), "+r"(base) :: "memory");
    print_str("ldr pre-index, invalid level 3\n");
    CHECK_EQ("  base unchanged", base, ALIAS + 0x1000);
    CHECK_EQ("  destination unchanged", r1, 1);
    __asm__ volatile("ldp %0, %1, [%2]" : "+r"(r1), "+r"(r2) : "r"(ALIAS + 0xff8) : "memory");
    print_str("ldp across into the invalid page\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000007);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x1000);
    CHECK_EQ("  registers unchanged", r1 + (r2 << 8), 0x201);
    CHECK_EQ("  data aborts", exc_count - n0, 12);

    /* Instruction fetch. */
    exc_record(EXC_SKIP_TO_LR);
    n0 = exc_count;
    call_va(ALIAS + 0x1000, 0);
    print_str("fetch, invalid level 3 descriptor\n");
    CHECK_EQ("  esr (instruction abort, level 3)", ESR_ICMP(exc_last.esr), 0x84000007);
    CHECK_EQ("  far", exc_last.far, ALIAS + 0x1000);
    CHECK_EQ("  elr", exc_last.elr, ALIAS + 0x1000);
    call_va(0x30000000ull, 0);
    print_str("fetch, no level 2 entry\n");
    CHECK_EQ("  esr (instruction abort, level 2)", ESR_ICMP(exc_last.esr), 0x84000006);
    CHECK_EQ("  elr", exc_last.elr, 0x30000000ull);
    call_va(ALIAS + 0x3000, 0);
    print_str("fetch, output address above IPS\n");
    CHECK_EQ("  esr (instruction abort, address size, level 3)", ESR_ICMP(exc_last.esr), 0x84000003);
    CHECK_EQ("  instruction aborts", exc_count - n0, 3);
    exc_fatal();

    mmu_disable_el1();
    return test_finish("mmu_fault_translation");
}
