/* Execute permissions of the EL1&0 regime. One page of code (xn_code:
 * x0 = 0x1234) is mapped at several VAs with different permissions; a fetch
 * that is not permitted is a Permission fault (IFSC 0x0F, level 3), from EL1
 * an instruction abort with EC 0x21, from EL0 EC 0x20, with ELR = FAR = the VA.
 *   X_OK    RO at EL1, PXN 0, UXN 1           EL1 runs it
 *   X_PXN   PXN 1                             EL1 faults
 *   X_EL0W  AP 01 (EL0 may write), PXN 0      EL1 faults (writable at EL0 => PXN)
 *   X_EL0R  AP 11 (read-only for both), PXN 0 EL1 runs it
 *   X_RW    AP 00 (EL1 read/write), PXN 0     EL1 runs it; with SCTLR_EL1.WXN it faults
 *   X_PXNT  like X_OK, under a table with PXNTable
 *   U_X     AP 11, UXN 0, PXN 1               EL0 runs it
 *   U_NOX   AP 11, UXN 1                      EL0 faults
 *   U_UXNT  like U_X, under a table with UXNTable
 * With WXN the image is mapped with its text read-only and its data
 * read/write (hence execute-never). */
#include "mmu.h"

#define X_OK    0x10000000ull
#define X_PXN   0x10001000ull
#define X_EL0W  0x10002000ull
#define X_EL0R  0x10003000ull
#define X_RW    0x10004000ull
#define U_X     0x10005000ull
#define U_NOX   0x10006000ull
#define X_PXNT  0x10200000ull
#define U_UXNT  0x10400000ull
#define EL0_CODE 0x20000000ull
#define EL0_DATA 0x20001000ull

static uint8_t pool0[12 * 4096] __attribute__((aligned(4096)));
static uint8_t pool1[12 * 4096] __attribute__((aligned(4096)));
static uint64_t el0_data[512] __attribute__((aligned(4096)));
extern char xn_code[], el0_xn[], __data_start[];

__asm__(".text\n"
        ".balign 4096\n"
        "xn_code:\n"
        "    movz x0, #0x1234\n"
        "    ret\n"
        ".balign 4096\n"
        "el0_xn:\n"                       /* x30 (run_el0's return) kept in x19 */
        "    mov x19, x30\n"
        "    movz x16, #0x1000, lsl #16\n"
        "    movz x18, #0x2000, lsl #16\n"
        "    add x18, x18, #0x1000\n"       /* EL0_DATA */
        "    movz x0, #0\n"
        "    add x17, x16, #0x5000\n"       /* U_X */
        "    blr x17\n"
        "    str x0, [x18]\n"
        "    movz x0, #0\n"
        "    add x17, x16, #0x6000\n"       /* U_NOX: fault */
        "    blr x17\n"
        "    str x0, [x18, #8]\n"
        "    movz x0, #0\n"
        "    movz x17, #0x1040, lsl #16\n"  /* U_UXNT: fault */
        "    blr x17\n"
        "    str x0, [x18, #16]\n"
        "    mov x30, x19\n"
        "    svc #0xe0\n"
        ".balign 4096\n");

#define RX_EL0  (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_EL0 | PTE_RO | PTE_PXN)

static void build(mmu_t *m, void *pool, uint64_t size, int wxn_layout)
{
    mmu_init(m, 12, 25, pool, size);
    if (wxn_layout) {
        /* Text read-only, data read/write and never executable. */
        uint64_t ds = (uint64_t)(uintptr_t)__data_start;
        for (uint64_t a = 0x40000000ull; a < 0x40200000ull; a += 4096)
            mmu_map(m, a, a, 4096, 3, a < ds ? (PTE_KERNEL | PTE_RO) : PTE_KDATA);
        mmu_map(m, 0x40200000ull, 0x40200000ull, (128ull << 20) - 0x200000, 2, PTE_KDATA);
    } else {
        mmu_map_ram(m, 2);
    }
    uint64_t c = (uint64_t)(uintptr_t)xn_code;
    mmu_map(m, X_OK, c, 4096, 3, PTE_KERNEL | PTE_RO);
    mmu_map(m, X_PXN, c, 4096, 3, PTE_KERNEL | PTE_RO | PTE_PXN);
    mmu_map(m, X_EL0W, c, 4096, 3, PTE_KERNEL | PTE_EL0);
    mmu_map(m, X_EL0R, c, 4096, 3, PTE_KERNEL | PTE_EL0 | PTE_RO);
    mmu_map(m, X_RW, c, 4096, 3, PTE_KERNEL);
    mmu_map(m, X_PXNT, c, 4096, 3, PTE_KERNEL | PTE_RO);
    mmu_table_bits(m, X_PXNT, 2, TBL_PXN);
    mmu_map(m, U_X, c, 4096, 3, RX_EL0);
    mmu_map(m, U_NOX, c, 4096, 3, RX_EL0 | PTE_UXN);
    mmu_map(m, U_UXNT, c, 4096, 3, RX_EL0);
    mmu_table_bits(m, U_UXNT, 2, TBL_UXN);
    mmu_map(m, EL0_CODE, (uint64_t)(uintptr_t)el0_xn, 4096, 3, RX_EL0);
    mmu_map(m, EL0_DATA, (uint64_t)(uintptr_t)el0_data, 4096, 3, PTE_KDATA | PTE_EL0);
}

static void el1_fetch(const char *what, uint64_t va, int faults)
{
    uint64_t n = exc_count;
    uint64_t r = call_va(va, 0x55);
    print_str(what);
    print_nl();
    if (!faults) {
        CHECK_EQ("  result", r, 0x1234);
        CHECK_EQ("  no fault", exc_count - n, 0);
        return;
    }
    CHECK_EQ("  result", r, 0x55);
    CHECK_EQ("  faults", exc_count - n, 1);
    CHECK_EQ("  esr (instruction abort, permission, level 3)", ESR_ICMP(exc_last.esr), 0x8400000f);
    CHECK_EQ("  far", exc_last.far, va);
    CHECK_EQ("  elr", exc_last.elr, va);
}

int main(void)
{
    mmu_t m, w;
    build(&m, pool0, sizeof pool0, 0);
    build(&w, pool1, sizeof pool1, 1);
    uint64_t tcr = tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48);
    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr);

    exc_record(EXC_SKIP_TO_LR);
    el1_fetch("EL1 X_OK", X_OK, 0);
    el1_fetch("EL1 X_PXN", X_PXN, 1);
    el1_fetch("EL1 X_EL0W", X_EL0W, 1);
    el1_fetch("EL1 X_EL0R", X_EL0R, 0);
    el1_fetch("EL1 X_RW", X_RW, 0);
    el1_fetch("EL1 X_PXNT", X_PXNT, 1);
    el1_fetch("EL1 U_X (PXN)", U_X, 1);
    exc_fatal();

    /* EL0 */
    static uint64_t el0_stack[64] __attribute__((aligned(16)));
    exception_hook = el0_hook;
    exc_count = 0;
    run_el0(EL0_CODE, (uint64_t)(uintptr_t)&el0_stack[64]);
    exception_hook = 0;
    CHECK_EQ("EL0 instruction aborts", exc_count, 2);
    CHECK_EQ("EL0 U_X result", el0_data[0], 0x1234);
    CHECK_EQ("EL0 U_NOX result", el0_data[1], 0);
    CHECK_EQ("EL0 U_UXNT result", el0_data[2], 0);
    CHECK_EQ("U_NOX esr (EC 0x20, permission, level 3)", ESR_ICMP(el0_esr[0]), 0x8000000f);
    CHECK_EQ("U_NOX far", el0_far[0], U_NOX);
    CHECK_EQ("U_NOX elr", el0_elr[0], U_NOX);
    CHECK_EQ("U_UXNT esr", ESR_ICMP(el0_esr[1]), 0x8000000f);
    CHECK_EQ("U_UXNT far", el0_far[1], U_UXNT);

    /* WXN: writable at EL1 => not executable at EL1. */
    __asm__ volatile("msr ttbr0_el1, %0\n\tisb" :: "r"((uint64_t)(uintptr_t)w.root));
    write_sctlr_el1(read_sctlr_el1() | SCTLR_WXN);
    tlbi_vmalle1();
    exc_record(EXC_SKIP_TO_LR);
    el1_fetch("WXN: EL1 X_OK", X_OK, 0);
    el1_fetch("WXN: EL1 X_RW", X_RW, 1);
    el1_fetch("WXN: EL1 X_EL0R", X_EL0R, 0);
    exc_fatal();

    mmu_disable_el1();
    return test_finish("mmu_xn");
}
