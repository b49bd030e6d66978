/* TLB maintenance: after a descriptor changes, the architecture allows the old
 * translation to be used until the TLB is invalidated, so only the values read
 * after TLBI (+ DSB + ISB) are checked (the ones before are read and thrown
 * away). Covers TLBI VMALLE1, VAE1, VALE1, VAAE1 and VMALLE1IS, a page made
 * invalid, a code page remapped (and the instruction cache invalidated), and
 * a TTBR0 switch between two sets of tables. */
#include "mmu.h"

#define DATA 0x10000000ull
#define CODE 0x10100000ull

static uint8_t pool0[8 * 4096] __attribute__((aligned(4096)));
static uint8_t pool1[8 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[3][512] __attribute__((aligned(4096)));
extern char code1[], code2[];

__asm__(".text\n"
        ".balign 4096\n"
        "code1: movz x0, #1\n"
        "    ret\n"
        ".balign 4096\n"
        "code2: movz x0, #2\n"
        "    ret\n"
        ".balign 4096\n");

static volatile uint64_t sink;

static void set(mmu_t *m, uint64_t va, uint64_t pa, uint64_t attrs)
{
    *mmu_entry(m, va, 3) = pa | attrs | PTE_VALID | PTE_PAGE;
    __asm__ volatile("dsb ishst" ::: "memory");
}

int main(void)
{
    mmu_t m, m2;
    mmu_init(&m, 12, 25, pool0, sizeof pool0);
    mmu_map_ram(&m, 2);
    mmu_init(&m2, 12, 25, pool1, sizeof pool1);
    mmu_map_ram(&m2, 2);
    uint64_t p0 = (uint64_t)(uintptr_t)pages[0], p1 = (uint64_t)(uintptr_t)pages[1],
             p2 = (uint64_t)(uintptr_t)pages[2];
    mmu_map(&m, DATA, p0, 4096, 3, PTE_KDATA);
    mmu_map(&m, CODE, (uint64_t)(uintptr_t)code1, 4096, 3, PTE_KERNEL | PTE_RO);
    mmu_map(&m2, DATA, p2, 4096, 3, PTE_KDATA);
    mmu_map(&m2, CODE, (uint64_t)(uintptr_t)code2, 4096, 3, PTE_KERNEL | PTE_RO);
    pages[0][0] = 0x1000;
    pages[1][0] = 0x1001;
    pages[2][0] = 0x1002;
    volatile uint64_t *d = (volatile uint64_t *)DATA;

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    CHECK_EQ("DATA -> page 0", d[0], 0x1000);
    set(&m, DATA, p1, PTE_KDATA);
    sink = d[0];                              /* old or new: not checked */
    tlbi_vmalle1();
    CHECK_EQ("after TLBI VMALLE1: page 1", d[0], 0x1001);
    set(&m, DATA, p2, PTE_KDATA);
    sink = d[0];
    tlbi_vae1(DATA);
    CHECK_EQ("after TLBI VAE1: page 2", d[0], 0x1002);
    set(&m, DATA, p0, PTE_KDATA);
    sink = d[0];
    __asm__ volatile("tlbi vale1, %0\n\tdsb ish\n\tisb" :: "r"(DATA >> 12) : "memory");
    CHECK_EQ("after TLBI VALE1: page 0", d[0], 0x1000);
    set(&m, DATA, p1, PTE_KDATA);
    sink = d[0];
    __asm__ volatile("tlbi vaae1, %0\n\tdsb ish\n\tisb" :: "r"(DATA >> 12) : "memory");
    CHECK_EQ("after TLBI VAAE1: page 1", d[0], 0x1001);
    set(&m, DATA, p2, PTE_KDATA);
    sink = d[0];
    __asm__ volatile("tlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
    CHECK_EQ("after TLBI VMALLE1IS: page 2", d[0], 0x1002);

    /* Invalid descriptor: a fault once the TLB forgets the page. */
    *mmu_entry(&m, DATA, 3) = 0;
    sink = d[0];
    tlbi_vae1(DATA);
    exc_record(4);
    uint64_t n = exc_count;
    CHECK_EQ("after TLBI, invalid", ld64(DATA + 8, 0x55), 0x55);
    CHECK_EQ("  esr (translation fault, level 3)", ESR_CMP(exc_last.esr), 0x96000007);
    CHECK_EQ("  faults", exc_count - n, 1);
    exc_fatal();
    set(&m, DATA, p0, PTE_KDATA);
    tlbi_vae1(DATA);
    CHECK_EQ("valid again: page 0", d[0], 0x1000);

    /* Code. */
    CHECK_EQ("CODE -> code1", call_va(CODE, 0), 1);
    set(&m, CODE, (uint64_t)(uintptr_t)code2, PTE_KERNEL | PTE_RO);
    tlbi_vae1(CODE);
    __asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
    CHECK_EQ("after TLBI: CODE -> code2", call_va(CODE, 0), 2);
    set(&m, CODE, (uint64_t)(uintptr_t)code1, PTE_KERNEL | PTE_RO);
    tlbi_vmalle1();
    __asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
    CHECK_EQ("after TLBI: CODE -> code1", call_va(CODE, 0), 1);

    /* Another set of tables. */
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" :: "r"((uint64_t)(uintptr_t)m2.root));
    tlbi_vmalle1();
    CHECK_EQ("TTBR0 = tables 2: DATA -> page 2", d[0], 0x1002);
    CHECK_EQ("TTBR0 = tables 2: CODE -> code2", call_va(CODE, 0), 2);
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" :: "r"((uint64_t)(uintptr_t)m.root));
    tlbi_vmalle1();
    CHECK_EQ("TTBR0 = tables 1: DATA -> page 0", d[0], 0x1000);
    CHECK_EQ("TTBR0 = tables 1: CODE -> code1", call_va(CODE, 0), 1);

    mmu_disable_el1();
    return test_finish("mmu_tlb_stale");
}
