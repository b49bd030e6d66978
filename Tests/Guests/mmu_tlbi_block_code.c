/* TLB maintenance by VA and code reached through indirect branches (the
 * JIT's jump cache remembers code by VA; a TLBI by VA must make it forget
 * what that VA's page, or the block holding it, translated to):
 *  - a 2 MiB block of code remapped to another 2 MiB of RAM holding other
 *    code at the same offsets, then TLBI VAE1 of another page of the block:
 *    the block's TLB entry goes, so every page of it translates anew;
 *  - a 4 KiB page of code remapped, TLBI VALE1 of that page, while a second
 *    page of code (not remapped, its TLBI not made) keeps running;
 *  - the remapped code called many times between the maintenance, from a
 *    loop (BLR to the same VA), so the old translation was cached. */
#include "mmu.h"

#define BLOCK_VA 0x20000000ull           /* a level 2 block (2 MiB) */
#define PAGE_VA 0x30000000ull            /* level 3 pages */
#define RAM_A 0x44000000ull              /* 2 MiB aligned, inside RAM (128 MiB) */
#define RAM_B 0x44200000ull

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));

/* movz x0, #imm; ret at `pa` (RAM is mapped 1:1). */
static void put_code(uint64_t pa, uint32_t imm)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)pa;
    p[0] = 0xd2800000u | (imm << 5);
    p[1] = 0xd65f03c0u;
    __asm__ volatile("dc cvau, %0\n\tdsb ish" :: "r"(pa) : "memory");
}

static uint64_t calls(uint64_t va, unsigned n)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++) sum += call_va(va, 0);
    return sum;
}

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    /* Code at offsets 0x1000 and 0x5000 of each 2 MiB region, and in two pages. */
    put_code(RAM_A + 0x1000, 1);
    put_code(RAM_A + 0x5000, 11);
    put_code(RAM_B + 0x1000, 2);
    put_code(RAM_B + 0x5000, 22);
    put_code(RAM_A + 0x10000, 3);
    put_code(RAM_B + 0x10000, 4);
    put_code(RAM_A + 0x11000, 5);
    __asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
    mmu_map(&m, BLOCK_VA, RAM_A, 2ull << 20, 2, PTE_KERNEL | PTE_RO);
    mmu_map(&m, PAGE_VA, RAM_A + 0x10000, 4096, 3, PTE_KERNEL | PTE_RO);
    mmu_map(&m, PAGE_VA + 0x1000, RAM_A + 0x11000, 4096, 3, PTE_KERNEL | PTE_RO);
    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));

    CHECK_EQ("block, page 1: code A", calls(BLOCK_VA + 0x1000, 100), 100);
    CHECK_EQ("block, page 5: code A", calls(BLOCK_VA + 0x5000, 10), 110);
    /* The block now maps RAM B; the TLBI names page 5 of it only. */
    *mmu_entry(&m, BLOCK_VA, 2) = RAM_B | PTE_KERNEL | PTE_RO | PTE_VALID;
    __asm__ volatile("dsb ishst" ::: "memory");
    (void)calls(BLOCK_VA + 0x1000, 10);     /* old or new: not checked */
    tlbi_vae1(BLOCK_VA + 0x5000);
    CHECK_EQ("after TLBI VAE1 of page 5: page 1 is code B", calls(BLOCK_VA + 0x1000, 100), 200);
    CHECK_EQ("after TLBI VAE1 of page 5: page 5 is code B", calls(BLOCK_VA + 0x5000, 10), 220);

    CHECK_EQ("page: code 3", calls(PAGE_VA, 100), 300);
    CHECK_EQ("next page: code 5", calls(PAGE_VA + 0x1000, 100), 500);
    *mmu_entry(&m, PAGE_VA, 3) = (RAM_B + 0x10000) | PTE_KERNEL | PTE_RO | PTE_VALID | PTE_PAGE;
    __asm__ volatile("dsb ishst" ::: "memory");
    (void)calls(PAGE_VA, 10);
    __asm__ volatile("tlbi vale1, %0\n\tdsb ish\n\tisb" :: "r"(PAGE_VA >> 12) : "memory");
    CHECK_EQ("after TLBI VALE1: code 4", calls(PAGE_VA, 100), 400);
    CHECK_EQ("the next page still: code 5", calls(PAGE_VA + 0x1000, 100), 500);
    /* And back, with an unrelated TLBI by VA in between. */
    *mmu_entry(&m, PAGE_VA, 3) = (RAM_A + 0x10000) | PTE_KERNEL | PTE_RO | PTE_VALID | PTE_PAGE;
    __asm__ volatile("dsb ishst" ::: "memory");
    tlbi_vae1(PAGE_VA + 0x1000);
    (void)calls(PAGE_VA, 10);
    tlbi_vae1(PAGE_VA);
    CHECK_EQ("after TLBI VAE1: code 3 again", calls(PAGE_VA, 100), 300);

    mmu_disable_el1();
    return test_finish("mmu_tlbi_block_code");
}
