/* TLB maintenance broadcast: CPU 0 remaps a VA between two pages (A holds
 * 0xAAAA, B 0xBBBB) and invalidates with an Inner Shareable TLBI (VAE1IS,
 * VALE1IS, VAAE1IS, VMALLE1IS in turn) then DSB ISH; the other CPUs,
 * which read the VA in the previous round (so their TLBs hold the old
 * page), must read the new page's value in the next one.
 * ARMATURE-ARGS: -M virt -cpu max -smp 3 */
#include "mmu.h"
#include "smp.h"

#define NCPUS 3
#define ROUNDS 40
#define VA 0x80000000ull

static uint8_t pool[16 * 4096] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
static mmu_t m;
static volatile uint64_t round_no, acks[NCPUS], bad[NCPUS];

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline void store_release(volatile uint64_t *p, uint64_t v) {
    __asm__ volatile("stlr %0, [%1]" :: "r"(v), "r"(p) : "memory");
}

static uint64_t tcr(void) { return tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48); }

static inline uint64_t expected(uint64_t k) { return (k & 1) ? 0xBBBB : 0xAAAA; }

static void reader(uint64_t cpu) {
    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr());
    for (uint64_t k = 0; k <= ROUNDS; k++) {
        while (load_acquire(&round_no) != k) {}
        if (*(volatile uint64_t *)VA != expected(k)) bad[cpu]++;
        store_release(&acks[cpu], k + 1);
    }
    mmu_disable_el1();
}

static void remap(uint64_t k) {
    uint64_t *pte = mmu_entry(&m, VA, 3);
    *pte = (uint64_t)(uintptr_t)((k & 1) ? page_b : page_a) | PTE_KDATA | PTE_VALID | PTE_PAGE;
    uint64_t arg = (VA >> 12) & 0xfffffffffffull;
    switch (k % 4) {
    case 0: __asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" :: "r"(arg) : "memory"); break;
    case 1: __asm__ volatile("dsb ishst\n tlbi vale1is, %0\n dsb ish\n isb" :: "r"(arg) : "memory"); break;
    case 2: __asm__ volatile("dsb ishst\n tlbi vaae1is, %0\n dsb ish\n isb" :: "r"(arg) : "memory"); break;
    default: __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory"); break;
    }
}

int main(void) {
    page_a[0] = 0xAAAA;
    page_b[0] = 0xBBBB;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    mmu_map(&m, VA, (uint64_t)(uintptr_t)page_a, 4096, 3, PTE_KDATA);
    __asm__ volatile("dsb ish" ::: "memory");
    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr());
    for (uint64_t c = 1; c < NCPUS; c++) CHECK_EQ("CPU_ON", smp_start(c, reader), 0);
    for (uint64_t k = 0; k <= ROUNDS; k++) {
        if (k > 0) remap(k);
        if (*(volatile uint64_t *)VA != expected(k)) bad[0]++;
        store_release(&round_no, k);
        for (uint64_t c = 1; c < NCPUS; c++)
            while (load_acquire(&acks[c]) != k + 1) {}
    }
    for (uint64_t c = 1; c < NCPUS; c++) smp_wait_state(c, 1);
    for (uint64_t c = 0; c < NCPUS; c++) CHECK_EQ("reads of the old page after TLBI IS", bad[c], 0);
    return test_finish("smp_tlbi");
}
