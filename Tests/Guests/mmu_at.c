/* AT S1E1R/S1E1W/S1E0R/S1E0W: the result in PAR_EL1. Success: F = 0,
 * PA[47:12], ATTR[63:56] = the MAIR byte, SH[8:7], bit 11 (RES1); the NS bit
 * (9) is UNKNOWN for a Non-secure regime and masked out. Failure: F = 1,
 * FST[6:1] = the fault status code, bit 11; nothing is taken. AT checks the
 * permission of the access it names (read or write, EL1 or EL0) and the
 * access flag. With the MMU off the PA is the VA.
 * SH is 0b10 for Device and Normal non-cacheable memory (and with the MMU
 * off) in the Arm ARM (PAREncodeShareability); QEMU 7.2 reports the
 * descriptor's SH (or 0) there, so those cases are compared without SH. */
#include "mmu.h"

#define NORM   0x10000000ull   /* Normal WB, inner shareable, EL1 RW */
#define RO     0x10001000ull   /* EL1 read-only */
#define USER   0x10002000ull   /* EL0 RW */
#define UROM   0x10003000ull   /* EL0 read-only */
#define DEVICE 0x10004000ull   /* Device-nGnRE, EL1 RW */
#define NOAF   0x10005000ull   /* AF = 0 */
#define HOLE   0x10006000ull   /* invalid */
#define BLOCK  0x10200000ull   /* 2 MiB block */
#define HIGH   0xffffff8000000000ull

static uint8_t pool[10 * 4096] __attribute__((aligned(4096)));
static uint8_t pool1[4 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[8][512] __attribute__((aligned(4096)));

static uint64_t at(int op, uint64_t va)
{
    switch (op) {
    case 0: __asm__ volatile("at s1e1r, %0" :: "r"(va) : "memory"); break;
    case 1: __asm__ volatile("at s1e1w, %0" :: "r"(va) : "memory"); break;
    case 2: __asm__ volatile("at s1e0r, %0" :: "r"(va) : "memory"); break;
    default: __asm__ volatile("at s1e0w, %0" :: "r"(va) : "memory"); break;
    }
    __asm__ volatile("isb" ::: "memory");
    return read_par_el1();
}

static const char *const names[] = { "AT S1E1R ", "AT S1E1W ", "AT S1E0R ", "AT S1E0W " };

#define NO_SH 4   /* compare without SH */

/* Prints and checks PAR for a successful translation. */
static void ok(int op, const char *what, uint64_t va, uint64_t pa, uint64_t attr, uint64_t sh)
{
    print_str(names[op]);
    print_str(what);
    uint64_t par = at(op, va) & ~(1ull << 9);
    if (sh == NO_SH) {
        par &= ~(3ull << 7);
        sh = 0;
    }
    CHECK_EQ("", par, (attr << 56) | (pa & 0x0000fffffffff000ull) | (1ull << 11) | (sh << 7));
}

static void fault(int op, const char *what, uint64_t va, uint64_t fst)
{
    print_str(names[op]);
    print_str(what);
    CHECK_EQ("", at(op, va), 1 | (fst << 1) | (1ull << 11));
}

int main(void)
{
    mmu_t m, hi;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t p = (uint64_t)(uintptr_t)pages;
    mmu_map(&m, NORM, p, 4096, 3, PTE_KDATA);
    mmu_map(&m, RO, p + 0x1000, 4096, 3, PTE_KDATA | PTE_RO);
    mmu_map(&m, USER, p + 0x2000, 4096, 3, PTE_KDATA | PTE_EL0);
    mmu_map(&m, UROM, p + 0x3000, 4096, 3, PTE_KDATA | PTE_EL0 | PTE_RO);
    mmu_map(&m, DEVICE, p + 0x4000, 4096, 3, PTE_AF | PTE_UXN | PTE_PXN | PTE_ATTR(ATTR_DEVICE_NGNRE));
    mmu_map(&m, NOAF, p + 0x5000, 4096, 3, PTE_KDATA & ~PTE_AF);
    mmu_map(&m, BLOCK, 0x40000000ull, 0x200000, 2, PTE_KDATA);
    mmu_init(&hi, 12, 25, pool1, sizeof pool1);
    mmu_map(&hi, HIGH, p + 0x6000, 4096, 3, (PTE_KDATA & ~PTE_ATTR(7)) | PTE_ATTR(ATTR_NC) | PTE_EL0);

    /* MMU off: flat. */
    ok(0, "MMU off", 0x40081234ull, 0x40081234ull, 0x00, NO_SH);

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, (uint64_t)(uintptr_t)hi.root,
                   tcr_el1(25, 12, 25, 12, TCR_IPS_48));
    ok(0, "NORM", NORM + 0x123, p, 0xff, 3);
    ok(1, "NORM", NORM + 0xff8, p, 0xff, 3);
    fault(2, "NORM (EL1 only)", NORM, 0x0f);
    fault(3, "NORM (EL1 only)", NORM, 0x0f);
    ok(0, "RO", RO, p + 0x1000, 0xff, 3);
    fault(1, "RO", RO + 8, 0x0f);
    ok(2, "USER", USER + 0x10, p + 0x2000, 0xff, 3);
    ok(3, "USER", USER + 0x10, p + 0x2000, 0xff, 3);
    ok(1, "USER", USER, p + 0x2000, 0xff, 3);
    ok(2, "UROM", UROM, p + 0x3000, 0xff, 3);
    fault(3, "UROM", UROM, 0x0f);
    fault(1, "UROM", UROM, 0x0f);
    print_str(names[0]);
    print_str("DEVICE ATTR/PA");
    CHECK_EQ("", at(0, DEVICE + 4) & 0xff0000fffffff001ull, (0x04ull << 56) | (p + 0x4000));
    fault(0, "NOAF", NOAF, 0x0b);
    fault(1, "NOAF", NOAF, 0x0b);
    fault(0, "HOLE", HOLE, 0x07);
    fault(0, "no level 2 entry", 0x30000000ull, 0x06);
    fault(0, "gap", 0x0000800000000000ull, 0x04);
    ok(0, "BLOCK", BLOCK + 0x81234, 0x40081234ull, 0xff, 3);
    ok(0, "HIGH (TTBR1, Normal-NC)", HIGH + 0x40, p + 0x6000, 0x44, NO_SH);
    ok(2, "HIGH (TTBR1, Normal-NC)", HIGH + 0x40, p + 0x6000, 0x44, NO_SH);

    /* AT does not fault and leaves the TLB usable. */
    CHECK_EQ("no exception taken", exc_count, 0);
    pages[0][1] = 0x5a5a;
    CHECK_EQ("load after AT", ld64(NORM + 8, 0), 0x5a5a);

    mmu_disable_el1();
    return test_finish("mmu_at");
}
