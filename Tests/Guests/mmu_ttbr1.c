/* TTBR1: the upper VA range of the EL1&0 regime. TTBR0 maps the RAM 1:1 (4
 * KiB granule, T0SZ 25); TTBR1 (T1SZ 25: VAs 0xffffff80_00000000 and up)
 * uses each granule in turn (TG1 = 0b10 4 KiB, 0b01 16 KiB, 0b11 64 KiB: not
 * the TG0 encodings) and maps
 *   HIGH            -> `buf` (pages), HIGH + BLOCK -> the RAM block at 0x40000000,
 *   HIGH_CODE + off -> the page of hi_page (code executed only from there).
 * Checks data accesses through the upper range, code that runs there (ADR
 * sees the high PC, BL/RET stay there), TBI1 (a tagged upper address
 * translates only with TCR_EL1.TBI1 = 1), EPD1 = 1 (level 0 Translation
 * fault on a TLB miss), and the gap between the ranges (level 0 Translation
 * fault). */
#include "mmu.h"

#define HIGH      0xffffff8000000000ull
#define HIGH_CODE (HIGH + 0x40000000ull)
#define BLOCK     0x20000000ull          /* a multiple of every level 2 block size */

static uint8_t pool0[4 * 4096] __attribute__((aligned(4096)));
static uint8_t pool1[6 * 65536] __attribute__((aligned(65536)));
static uint64_t buf[65536 / 8] __attribute__((aligned(65536)));
static volatile uint64_t marker = 0xfeedface12345678ull;

extern char hi_page[], hi_adr[], hi_call[], hi_end[];
/* One 4 KiB page of code, executed only through HIGH_CODE (never at its 1:1 VA). */
__asm__(".text\n"
        ".balign 4096\n"
        "hi_page:\n"
        "hi_adr:\n"                  /* x0 = the VA this instruction runs at */
        "    adr x0, hi_adr\n"
        "    ret\n"
        "hi_call:\n"                 /* x0 = hi_adr's VA, reached by a BL from here */
        "    stp x29, x30, [sp, #-16]!\n"
        "    bl hi_adr\n"
        "    ldp x29, x30, [sp], #16\n"
        "    ret\n"
        "hi_end:\n"
        ".balign 4096\n");

static void run(unsigned g1)
{
    mmu_t t0, t1;
    mmu_init(&t0, 12, 25, pool0, sizeof pool0);
    mmu_map_ram(&t0, 2);
    mmu_init(&t1, g1, 25, pool1, sizeof pool1);
    uint64_t G = 1ull << g1;
    print_str("TTBR1 granule ");
    print_udec(G >> 10);
    print_str(" KiB, start level ");
    print_udec(t1.start);
    print_nl();
    uint64_t b = (uint64_t)(uintptr_t)buf;
    mmu_map(&t1, HIGH, b, G, 3, PTE_KDATA);
    mmu_map(&t1, HIGH + BLOCK, 0x40000000ull, 1ull << mmu_shift(&t1, 2), 2, PTE_KDATA);
    /* The code page: the same VA whatever the granule (offset in a 64 KiB frame). */
    uint64_t code = (uint64_t)(uintptr_t)hi_page;
    uint64_t code_va = HIGH_CODE + (code & 0xffff);
    mmu_map(&t1, code_va & ~(G - 1), code & ~(G - 1), G, 3, PTE_KERNEL | PTE_RO);
    for (unsigned i = 0; i < G / 8; i++)
        buf[i] = i;

    uint64_t tcr = tcr_el1(25, 12, 25, g1, TCR_IPS_48);
    mmu_enable_el1((uint64_t)(uintptr_t)t0.root, (uint64_t)(uintptr_t)t1.root, tcr);
    volatile uint64_t *h = (volatile uint64_t *)HIGH;
    CHECK_EQ("  high[1]", h[1], 1);
    CHECK_EQ("  high[511]", h[511], 511);
    h[2] = 0x2222 + g1;
    CHECK_EQ("  buf[2] written through the high VA", buf[2], 0x2222 + g1);
    uint64_t mva = HIGH + BLOCK + ((uint64_t)(uintptr_t)&marker - 0x40000000ull);
    CHECK_EQ("  marker through the high block", *(volatile uint64_t *)mva, 0xfeedface12345678ull);

    uint64_t adr = call_va(code_va + (hi_adr - hi_page), 0);
    CHECK_EQ("  ADR in high code - HIGH_CODE", adr - HIGH_CODE, (uint64_t)(uintptr_t)hi_adr & 0xffff);
    uint64_t via_bl = call_va(code_va + (hi_call - hi_page), 0);
    CHECK_EQ("  BL from high code lands in high code", via_bl - HIGH_CODE, (uint64_t)(uintptr_t)hi_adr & 0xffff);

    /* A tagged upper address: a Translation fault (level 0) without TBI1... */
    uint64_t tagged = (HIGH & ~(0xffull << 56)) | (0x5aull << 56) | 8;
    exc_record(4);
    uint64_t n = exc_count;
    CHECK_EQ("  tagged load without TBI1", ld64(tagged, 0xbad), 0xbad);
    CHECK_EQ("  esr (translation fault, level 0)", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  far", exc_last.far, tagged);
    /* ...and the gap between the ranges. */
    ld64(0x0000800000000000ull, 0);
    CHECK_EQ("  esr (gap: translation fault, level 0)", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  far", exc_last.far, 0x0000800000000000ull);
    ld64(0xffff000000000000ull, 0);
    CHECK_EQ("  esr (below the upper range)", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  two faults and one", exc_count - n, 3);

    /* ...translates with TBI1. */
    __asm__ volatile("msr tcr_el1, %0\n\tisb" :: "r"(tcr | TCR_TBI1));
    tlbi_vmalle1();
    CHECK_EQ("  tagged load with TBI1", ld64(tagged, 0xbad), 1);
    CHECK_EQ("  no fault", exc_count - n, 3);

    /* EPD1: no walks for the upper range. */
    __asm__ volatile("msr tcr_el1, %0\n\tisb" :: "r"(tcr | TCR_EPD1));
    tlbi_vmalle1();
    CHECK_EQ("  load with EPD1", ld64(HIGH + 8, 0xbad), 0xbad);
    CHECK_EQ("  esr (translation fault, level 0)", ESR_CMP(exc_last.esr), 0x96000004);
    CHECK_EQ("  far", exc_last.far, HIGH + 8);
    CHECK_EQ("  one more fault", exc_count - n, 4);
    exc_fatal();

    mmu_disable_el1();
}

int main(void)
{
    run(12);
    run(14);
    run(16);
    return test_finish("mmu_ttbr1");
}
