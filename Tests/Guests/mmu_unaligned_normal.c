/* Unaligned accesses with the MMU on: Normal memory (write-back and
 * non-cacheable) performs them, also across a page boundary where the two
 * pages are not adjacent in physical memory (A -> buf page 2, A + 0x1000 ->
 * buf page 0), for loads, stores and pairs. With SCTLR_EL1.A = 1 every
 * unaligned access faults (alignment fault, DFSC 0x21), and an unaligned
 * load-exclusive faults whatever SCTLR_EL1.A says. */
#include "mmu.h"

#define A  0x10000000ull
#define NC 0x10010000ull

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));

static uint64_t pa_of(uint64_t va)
{
    uint64_t b = (uint64_t)(uintptr_t)buf;
    if (va >= NC)
        return b + 0x1000 + (va - NC);
    return va < A + 0x1000 ? b + 0x2000 + (va - A) : b + (va - A - 0x1000);
}

/* The little-endian value of `size` bytes at `va`, from the bytes in buf. */
static uint64_t model(uint64_t va, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)*(volatile uint8_t *)(uintptr_t)pa_of(va + i) << (8 * i);
    return v;
}

static uint64_t ld(uint64_t va, unsigned size)
{
    uint64_t v = 0;
    switch (size) {
    case 2: __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(va) : "memory"); break;
    case 4: __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(va) : "memory"); break;
    default: __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory"); break;
    }
    return v;
}

static void st(uint64_t va, unsigned size, uint64_t v)
{
    switch (size) {
    case 2: __asm__ volatile("strh %w0, [%1]" :: "r"(v), "r"(va) : "memory"); break;
    case 4: __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(va) : "memory"); break;
    default: __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(va) : "memory"); break;
    }
}

static void check_load(uint64_t va, unsigned size)
{
    print_str("load ");
    print_udec(size);
    print_str(" at +");
    print_hex(va & 0xffff);
    CHECK_EQ("", ld(va, size), model(va, size));
}

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t b = (uint64_t)(uintptr_t)buf;
    mmu_map(&m, A, b + 0x2000, 4096, 3, PTE_KDATA);
    mmu_map(&m, A + 0x1000, b, 4096, 3, PTE_KDATA);
    mmu_map(&m, NC, b + 0x1000, 4096, 3, (PTE_KDATA & ~PTE_ATTR(7)) | PTE_ATTR(ATTR_NC));
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 3);

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    static const struct { uint64_t off; unsigned size; } loads[] = {
        { 0x001, 2 }, { 0x003, 4 }, { 0x005, 8 }, { 0x7ff, 8 }, { 0xfff, 2 }, { 0xffd, 4 },
        { 0xffb, 8 }, { 0xff9, 8 }, { 0x1003, 8 },
    };
    for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++)
        check_load(A + loads[i].off, loads[i].size);
    check_load(NC + 0x13, 8);
    check_load(NC + 0xffe, 2);

    uint64_t x1, x2;
    __asm__ volatile("ldp %0, %1, [%2]" : "=r"(x1), "=r"(x2) : "r"(A + 0xff4) : "memory");
    CHECK_EQ("ldp across pages, first", x1, model(A + 0xff4, 8));
    CHECK_EQ("ldp across pages, second", x2, model(A + 0xffc, 8));

    st(A + 0xffb, 8, 0x8877665544332211ull);
    CHECK_EQ("store across pages: last 5 bytes of page A", model(A + 0xffb, 8), 0x8877665544332211ull);
    CHECK_EQ("  via buf page 2", *(volatile uint64_t *)(uintptr_t)(b + 0x2ff8) >> 24, 0x5544332211ull);
    CHECK_EQ("  via buf page 0", *(volatile uint64_t *)(uintptr_t)b & 0xffffff, 0x887766);
    st(A + 0x101, 2, 0xbeef);
    st(A + 0x203, 4, 0xcafef00d);
    st(NC + 0x7, 8, 0x0123456789abcdefull);
    CHECK_EQ("strh +0x101", model(A + 0x101, 2), 0xbeef);
    CHECK_EQ("str w +0x203", model(A + 0x203, 4), 0xcafef00d);
    CHECK_EQ("str x NC +0x7", model(NC + 0x7, 8), 0x0123456789abcdefull);
    __asm__ volatile("stp %0, %1, [%2]" :: "r"(0x1111111111111111ull), "r"(0x2222222222222222ull),
                     "r"(A + 0xffa) : "memory");
    CHECK_EQ("stp across pages, first", model(A + 0xffa, 8), 0x1111111111111111ull);
    CHECK_EQ("stp across pages, second", model(A + 0x1002, 8), 0x2222222222222222ull);

    /* Load-exclusive: always aligned. */
    exc_record(4);
    uint64_t n = exc_count;
    uint64_t v = 0x55;
    __asm__ volatile("ldxr %0, [%1]" : "+r"(v) : "r"(A + 0x104) : "memory");
    __asm__ volatile("clrex");
    CHECK_EQ("ldxr unaligned", v, 0x55);
    CHECK_EQ("  esr (alignment)", ESR_CMP(exc_last.esr), 0x96000021);
    CHECK_EQ("  far", exc_last.far, A + 0x104);

    /* SCTLR_EL1.A = 1 */
    write_sctlr_el1(read_sctlr_el1() | SCTLR_A);
    CHECK_EQ("SCTLR.A: aligned load", ld64(A + 0x100, 0), model(A + 0x100, 8));
    CHECK_EQ("SCTLR.A: unaligned load", ld64(A + 0x102, 0x55), 0x55);
    CHECK_EQ("  esr (alignment)", ESR_CMP(exc_last.esr), 0x96000021);
    CHECK_EQ("  far", exc_last.far, A + 0x102);
    st32(A + 0xffe, 0);
    CHECK_EQ("SCTLR.A: unaligned store across pages: esr", ESR_CMP(exc_last.esr), 0x96000061);
    CHECK_EQ("  far", exc_last.far, A + 0xffe);
    CHECK_EQ("  memory unchanged", model(A + 0xffe, 4), 0x11111111);
    CHECK_EQ("alignment faults", exc_count - n, 3);
    write_sctlr_el1(read_sctlr_el1() & ~SCTLR_A);
    exc_fatal();

    mmu_disable_el1();
    return test_finish("mmu_unaligned_normal");
}
