/* Device memory with the MMU on: RAM pages mapped through MAIR attributes
 * 0x00 (Device-nGnRnE) and 0x04 (Device-nGnRE). Aligned accesses work;
 * unaligned ones give an alignment fault (DFSC 0x21, WnR for stores, FAR =
 * the address) and change nothing; DC ZVA to Device memory is an alignment
 * fault too. The same RAM through a Normal mapping takes unaligned accesses.
 * (QEMU 7.2 performs unaligned accesses to Device memory: see QEMU_SKIP.) */
#include "mmu.h"

#define DEV   0x10000000ull   /* Device-nGnRnE */
#define DEV2  0x10001000ull   /* Device-nGnRE */
#define NORM  0x10002000ull   /* Normal, the same page as DEV */

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t buf[2][512] __attribute__((aligned(4096)));

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t b = (uint64_t)(uintptr_t)buf;
    uint64_t dev = PTE_AF | PTE_UXN | PTE_PXN;
    mmu_map(&m, DEV, b, 4096, 3, dev | PTE_ATTR(ATTR_DEVICE));
    mmu_map(&m, DEV2, b + 4096, 4096, 3, dev | PTE_ATTR(ATTR_DEVICE_NGNRE));
    mmu_map(&m, NORM, b, 4096, 3, PTE_KDATA);
    for (int i = 0; i < 512; i++) {
        buf[0][i] = 0x0101010101010101ull * (uint64_t)(i & 0xff);
        buf[1][i] = 0x1000 + i;
    }

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    CHECK_EQ("aligned load, nGnRnE", ld64(DEV + 16, 0), 0x0202020202020202ull);
    CHECK_EQ("aligned load, nGnRE", ld32(DEV2 + 8, 0), 0x1001);
    st64(DEV + 24, 0x3333);
    CHECK_EQ("aligned store, nGnRnE", buf[0][3], 0x3333);
    CHECK_EQ("unaligned load through the Normal alias", ld32(NORM + 0x11, 0), 0x02020202);

    exc_record(4);
    uint64_t n = exc_count;
    CHECK_EQ("unaligned load, nGnRnE", ld64(DEV + 0x21, 0x55), 0x55);
    CHECK_EQ("  esr (alignment)", ESR_CMP(exc_last.esr), 0x96000021);
    CHECK_EQ("  far", exc_last.far, DEV + 0x21);
    CHECK_EQ("unaligned load, nGnRE", ld32(DEV2 + 0x6, 0x55), 0x55);
    CHECK_EQ("  esr (alignment)", ESR_CMP(exc_last.esr), 0x96000021);
    CHECK_EQ("  far", exc_last.far, DEV2 + 0x6);
    st64(DEV + 0x44, 0);
    CHECK_EQ("unaligned store, nGnRnE: esr", ESR_CMP(exc_last.esr), 0x96000061);
    CHECK_EQ("  far", exc_last.far, DEV + 0x44);
    CHECK_EQ("  memory unchanged", buf[0][8] ^ buf[0][9], 0x0101010101010101ull);
    __asm__ volatile("dc zva, %0" :: "r"(DEV + 0x80) : "memory");
    CHECK_EQ("dc zva: esr", ESR_CMP(exc_last.esr), 0x96000061);
    CHECK_EQ("  far", exc_last.far, DEV + 0x80);
    CHECK_EQ("  memory unchanged", buf[0][16], 0x1010101010101010ull);
    CHECK_EQ("alignment faults", exc_count - n, 4);
    exc_fatal();

    mmu_disable_el1();
    return test_finish("mmu_device_unaligned");
}
