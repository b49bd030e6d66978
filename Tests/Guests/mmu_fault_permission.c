/* Data access permissions of the EL1&0 regime (AP[2:1] and APTable), with
 * the MMU on (4 KiB granule, T0SZ 25):
 *   EL0_CODE  AP 11 (read-only at EL1 and EL0), UXN 0, PXN 1: the EL0 code
 *   EL0_RW    AP 01 (read/write at EL1 and EL0)
 *   EL0_RO    AP 11 (read-only at EL1 and EL0)
 *   EL1_RW    AP 00 (read/write at EL1, no EL0 access)
 *   EL1_RO    AP 10 (read-only at EL1, no EL0 access)
 *   VA_TBL_RO AP 00 under a level 2 table with APTable = 0b10 (read-only everywhere)
 *   TBL_NOEL0 AP 01 under a level 2 table with APTable = 0b01 (no EL0 access)
 * At EL1: stores to read-only pages fault (permission fault, level 3, WnR),
 * LDTR/STTR are checked with EL0 permissions. At EL0 (after an ERET): stores
 * to read-only pages and any access to EL1-only pages fault (EC 0x24). */
#include "mmu.h"

#define EL0_CODE  0x20000000ull
#define EL0_RW    0x20001000ull
#define EL0_RO    0x20002000ull
#define EL1_RW    0x20003000ull
#define EL1_RO    0x20004000ull
#define VA_TBL_RO 0x20200000ull
#define TBL_NOEL0 0x20400000ull

static uint8_t pool[12 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[7][512] __attribute__((aligned(4096)));

extern char el0_page[];
/* EL0 code (one page, run only at EL0 through EL0_CODE). Each access that
 * faults is skipped by the handler; x20... keep what the others read. */
__asm__(".text\n"
        ".balign 4096\n"
        "el0_page:\n"
        "    movz x1, #0x2000, lsl #16\n"
        "    add x2, x1, #0x1000\n"        /* EL0_RW */
        "    ldr x20, [x2]\n"
        "    add x3, x20, #1\n"
        "    str x3, [x2]\n"
        "    add x4, x1, #0x2000\n"        /* EL0_RO */
        "    ldr x21, [x4]\n"
        "    str x21, [x4, #8]\n"          /* fault 1: write, read-only */
        "    add x5, x1, #0x3000\n"        /* EL1_RW */
        "    ldr x22, [x5]\n"              /* fault 2: read, EL1 only */
        "    str x22, [x5]\n"              /* fault 3: write, EL1 only */
        "    add x6, x1, #0x4000\n"        /* EL1_RO */
        "    ldrb w23, [x6, #3]\n"         /* fault 4 */
        "    movz x7, #0x2020, lsl #16\n"  /* TBL_RO (not used at EL0) */
        "    movz x8, #0x2040, lsl #16\n"  /* TBL_NOEL0 */
        "    ldr x24, [x8]\n"              /* fault 5: APTable[0] */
        "    stp x20, x21, [x2, #16]\n"
        "    svc #0xe0\n"
        ".balign 4096\n");

static void check_fault(const char *what, uint64_t n, uint64_t esr, uint64_t far)
{
    print_str(what);
    print_nl();
    CHECK_EQ("  faults", exc_count - n, 1);
    CHECK_EQ("  esr", ESR_CMP(exc_last.esr), esr);
    CHECK_EQ("  far", exc_last.far, far);
}

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    uint64_t p = (uint64_t)(uintptr_t)pages;
    mmu_map(&m, EL0_CODE, (uint64_t)(uintptr_t)el0_page, 4096, 3,
            PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_EL0 | PTE_RO | PTE_PXN);
    mmu_map(&m, EL0_RW, p + 0 * 4096, 4096, 3, PTE_KDATA | PTE_EL0);
    mmu_map(&m, EL0_RO, p + 1 * 4096, 4096, 3, PTE_KDATA | PTE_EL0 | PTE_RO);
    mmu_map(&m, EL1_RW, p + 2 * 4096, 4096, 3, PTE_KDATA);
    mmu_map(&m, EL1_RO, p + 3 * 4096, 4096, 3, PTE_KDATA | PTE_RO);
    mmu_map(&m, VA_TBL_RO, p + 4 * 4096, 4096, 3, PTE_KDATA);
    mmu_table_bits(&m, VA_TBL_RO, 2, TBL_RO);
    mmu_map(&m, TBL_NOEL0, p + 5 * 4096, 4096, 3, PTE_KDATA | PTE_EL0);
    mmu_table_bits(&m, TBL_NOEL0, 2, TBL_NO_EL0);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 4; j++)
            pages[i][j] = 0x100 * (i + 1) + j;

    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));

    /* EL1 */
    CHECK_EQ("EL1 reads EL1_RO", ld64(EL1_RO + 8, 0), 0x401);
    CHECK_EQ("EL1 reads TBL_RO", ld64(VA_TBL_RO, 0), 0x500);
    st64(EL1_RW, 0x3333);
    st64(EL0_RW + 8, 0x1111);
    CHECK_EQ("EL1 wrote EL1_RW", pages[2][0], 0x3333);
    CHECK_EQ("EL1 wrote EL0_RW", pages[0][1], 0x1111);
    exc_record(4);
    uint64_t n = exc_count;
    st64(EL1_RO + 8, 0);
    check_fault("EL1 store to EL1_RO", n, 0x9600004f, EL1_RO + 8);
    n = exc_count;
    st32(EL0_RO + 4, 0);
    check_fault("EL1 store to EL0_RO", n, 0x9600004f, EL0_RO + 4);
    n = exc_count;
    st8(VA_TBL_RO + 7, 0);
    check_fault("EL1 store under APTable read-only", n, 0x9600004f, VA_TBL_RO + 7);
    /* LDTR/STTR: EL0 permissions at EL1. */
    n = exc_count;
    CHECK_EQ("LDTR from EL1_RW", ldtr64(EL1_RW + 8, 0x77), 0x77);
    check_fault("  (fault)", n, 0x9600000f, EL1_RW + 8);
    n = exc_count;
    CHECK_EQ("LDTR from EL0_RO", ldtr64(EL0_RO + 16, 0x77), 0x202);
    CHECK_EQ("  no fault", exc_count - n, 0);
    sttr64(EL0_RO + 16, 5);
    check_fault("STTR to EL0_RO", n, 0x9600004f, EL0_RO + 16);
    n = exc_count;
    sttr64(EL0_RW + 24, 0x2424);
    CHECK_EQ("STTR to EL0_RW", pages[0][3], 0x2424);
    CHECK_EQ("LDTR under APTable no-EL0", ldtr64(TBL_NOEL0, 0x77), 0x77);
    check_fault("  (fault)", n, 0x9600000f, TBL_NOEL0);
    CHECK_EQ("EL1 reads under APTable no-EL0", ld64(TBL_NOEL0 + 8, 0), 0x601);
    n = exc_count;
    exc_fatal();
    CHECK_EQ("read-only pages unchanged", pages[1][1] + pages[3][1] + pages[4][0], 0x201 + 0x401 + 0x500);

    /* EL0 */
    static uint64_t el0_stack[64] __attribute__((aligned(16)));
    static const struct { uint64_t off, esr, far; const char *what; } exp[] = {
        { 0x1c, 0x9200004f, EL0_RO + 8, "EL0 store to EL0_RO" },
        { 0x24, 0x9200000f, EL1_RW, "EL0 load from EL1_RW" },
        { 0x28, 0x9200004f, EL1_RW, "EL0 store to EL1_RW" },
        { 0x30, 0x9200000f, EL1_RO + 3, "EL0 load from EL1_RO" },
        { 0x3c, 0x9200000f, TBL_NOEL0, "EL0 load under APTable no-EL0" },
    };
    exception_hook = el0_hook;
    exc_count = 0;
    run_el0(EL0_CODE, (uint64_t)(uintptr_t)&el0_stack[64]);
    exception_hook = 0;
    CHECK_EQ("EL0 faults", exc_count, 5);
    for (int i = 0; i < 5 && i < (int)exc_count; i++) {
        print_str(exp[i].what);
        print_nl();
        CHECK_EQ("  esr", ESR_CMP(el0_esr[i]), exp[i].esr);
        CHECK_EQ("  far", el0_far[i], exp[i].far);
        CHECK_EQ("  elr - EL0_CODE", el0_elr[i] - EL0_CODE, exp[i].off);
    }
    CHECK_EQ("EL0 read EL0_RW", pages[0][2], 0x100);
    CHECK_EQ("EL0 wrote EL0_RW", pages[0][0], 0x101);
    CHECK_EQ("EL0 read EL0_RO", pages[0][3], 0x200);
    CHECK_EQ("pages unchanged by EL0", pages[1][1] + pages[2][0] + pages[3][0], 0x201 + 0x3333 + 0x400);

    mmu_disable_el1();
    return test_finish("mmu_fault_permission");
}
