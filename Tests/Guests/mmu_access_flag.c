/* The access flag: a page or block descriptor with AF = 0 gives an Access
 * flag fault (DFSC/IFSC 0x08 + level) on any access, load, store or fetch;
 * the hardware does not set it (TCR_EL1.HA = 0). Once software sets AF (and
 * invalidates the TLB) the access goes through.
 *   PAGE  level 3 page -> buf, AF = 0
 *   BLOCK level 2 block (2 MiB) -> the RAM block at 0x40000000, AF = 0
 *   CODE  level 3 page -> the page of af_code, AF = 0 */
#include "mmu.h"

#define PAGE  0x10000000ull
#define BLOCK 0x10200000ull
#define CODE  0x10400000ull

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t buf[512] __attribute__((aligned(4096)));
static volatile uint64_t marker = 0xacce55ed;

extern char af_code[];
__asm__(".text\n"
        ".balign 4096\n"
        "af_code:\n"
        "    movz x0, #0xaf\n"
        "    ret\n"
        ".balign 4096\n");

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t mk = (uint64_t)(uintptr_t)&marker;
    mmu_map(&m, PAGE, (uint64_t)(uintptr_t)buf, 4096, 3, PTE_KDATA & ~PTE_AF);
    mmu_map(&m, BLOCK, mk & ~0x1fffffull, 0x200000, 2, PTE_KDATA & ~PTE_AF);
    mmu_map(&m, CODE, (uint64_t)(uintptr_t)af_code, 4096, 3, (PTE_KERNEL | PTE_RO) & ~PTE_AF);
    buf[3] = 0x3333;
    uint64_t block_marker = BLOCK + (mk & 0x1fffff);

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    exc_record(4);
    uint64_t n = exc_count;
    CHECK_EQ("load, AF = 0", ld64(PAGE + 24, 0x55), 0x55);
    CHECK_EQ("  esr (access flag, level 3)", ESR_CMP(exc_last.esr), 0x9600000b);
    CHECK_EQ("  far", exc_last.far, PAGE + 24);
    st64(PAGE + 32, 1);
    print_str("store, AF = 0\n");
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x9600004b);
    CHECK_EQ("  far", exc_last.far, PAGE + 32);
    CHECK_EQ("  memory unchanged", buf[4], 0);
    CHECK_EQ("load, block with AF = 0", ld64(block_marker, 0x55), 0x55);
    CHECK_EQ("  esr (access flag, level 2)", ESR_CMP(exc_last.esr), 0x9600000a);
    CHECK_EQ("  far", exc_last.far, block_marker);
    CHECK_EQ("data faults", exc_count - n, 3);

    exc_record(EXC_SKIP_TO_LR);
    n = exc_count;
    CHECK_EQ("fetch, AF = 0", call_va(CODE, 0x55), 0x55);
    CHECK_EQ("  esr (instruction abort, access flag, level 3)", ESR_ICMP(exc_last.esr), 0x8400000b);
    CHECK_EQ("  far", exc_last.far, CODE);
    CHECK_EQ("  elr", exc_last.elr, CODE);
    CHECK_EQ("instruction faults", exc_count - n, 1);

    /* Software sets AF: after TLBI the accesses go through. */
    *mmu_entry(&m, PAGE, 3) |= PTE_AF;
    *mmu_entry(&m, BLOCK, 2) |= PTE_AF;
    *mmu_entry(&m, CODE, 3) |= PTE_AF;
    tlbi_vmalle1();
    n = exc_count;
    CHECK_EQ("load, AF = 1", ld64(PAGE + 24, 0x55), 0x3333);
    st64(PAGE + 32, 0x4444);
    CHECK_EQ("store, AF = 1", buf[4], 0x4444);
    CHECK_EQ("load, block with AF = 1", ld64(block_marker, 0x55), 0xacce55ed);
    CHECK_EQ("fetch, AF = 1", call_va(CODE, 0x55), 0xaf);
    CHECK_EQ("no more faults", exc_count - n, 0);
    exc_fatal();

    mmu_disable_el1();
    return test_finish("mmu_access_flag");
}
