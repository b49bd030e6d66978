/* A guest hypervisor's broken stage 2 tables (Arm ARM D8.3 and the
 * pseudocode AArch64.S2Walk): each mistake is a stage 2 fault taken to EL2
 * with the syndrome the architecture gives it, and the machine goes on.
 *   - VTTBR_EL2 pointing at no memory: a synchronous External abort on the
 *     walk at the start level (0x15 for level 1), EL1's first fetch;
 *   - a level 3 descriptor of type 0b01 (reserved there): a translation fault
 *     at level 3;
 *   - a table descriptor pointing at its own table (a loop): the walk ends at
 *     level 3, where the same descriptor is a page without AF: an access flag
 *     fault at level 3, not a hang;
 *   - an output address above VTCR_EL2.PS (32 bits): an address size fault
 *     at level 3;
 *   - VTCR_EL2.{SL0,T0SZ} inconsistent (4 KiB granule, 40-bit IPA, start
 *     level 2: 1024 concatenated tables, more than 16): a translation fault
 *     at level 0, EL1's first fetch;
 *   - an IPA above the stage 2 input size (T0SZ): a translation fault at
 *     level 0.
 * After each, a good mapping still reads through stage 2. Here the first
 * exception EL1 takes to EL2 ends run_el1 (with VTTBR_EL2 broken, EL1's very
 * first fetch faults: an instruction abort, nothing to resume).
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

/* EL2 vectors: from EL1, HVC #0 returns fn's result from run_el1_raw (as
 * stage2.h's); any other exception is recorded (s2_esr, s2_far, s2_hpfar,
 * s2_elr, s2_count) and run_el1_raw returns 0xbad. */
__asm__(
"    .text\n"
"    .balign 2048\n"
"bad_vectors:\n"
"    .rept 8\n"
"    .balign 128\n"
"    b s2_vec_unexpected\n"
"    .endr\n"
"    .balign 128\n"
"    mrs x9, esr_el2\n"
"    lsr x10, x9, #26\n"
"    cmp x10, #0x16\n"
"    b.eq 1f\n"
"    adrp x10, s2_esr\n"
"    str x9, [x10, :lo12:s2_esr]\n"
"    mrs x9, far_el2\n"
"    adrp x10, s2_far\n"
"    str x9, [x10, :lo12:s2_far]\n"
"    mrs x9, hpfar_el2\n"
"    adrp x10, s2_hpfar\n"
"    str x9, [x10, :lo12:s2_hpfar]\n"
"    mrs x9, elr_el2\n"
"    adrp x10, s2_elr\n"
"    str x9, [x10, :lo12:s2_elr]\n"
"    adrp x10, s2_count\n"
"    ldr x9, [x10, :lo12:s2_count]\n"
"    add x9, x9, #1\n"
"    str x9, [x10, :lo12:s2_count]\n"
"    mov x0, #0xbad\n"
"1:  adrp x1, s2_saved_sp\n"
"    ldr x1, [x1, :lo12:s2_saved_sp]\n"
"    mov sp, x1\n"
CALLEE_FRAME_RESTORE_RET
"    .rept 7\n"
"    .balign 128\n"
"    b s2_vec_unexpected\n"
"    .endr\n"
);
extern char bad_vectors[];

static uint8_t s2_pool[256 << 10] __attribute__((aligned(65536)));
static uint64_t page[512] __attribute__((aligned(4096)));

#define IPA 0x80000000ull

static uint64_t el1_read(uint64_t va) { return ld64(va, 0xbad); }

/* One EL1 read of `ipa` that must fault at stage 2 with status `dfsc`. */
static void expect_fault(const char *what, uint64_t ipa, uint64_t dfsc)
{
    print_str(what);
    print_nl();
    s2_count = 0;
    uint64_t v = run_el1(el1_read, ipa);
    CHECK_EQ("  faults", s2_count, 1);
    CHECK_EQ("  value (the load did not complete)", v, 0xbad);
    print_reg("  ESR_EL2", s2_esr);
    CHECK_EQ("  EC (data abort from a lower EL)", s2_esr >> 26, 0x24);
    CHECK_EQ("  DFSC", s2_esr & 0x3f, dfsc);
    CHECK_EQ("  S1PTW", (s2_esr >> 7) & 1, 0);
    CHECK_EQ("  FAR_EL2", s2_far, ipa);
    CHECK_EQ("  HPFAR_EL2", s2_hpfar, (ipa >> 12) << 4);
    s2_count = 0;
}

/* Stage 2 broken as a whole: EL1's first instruction fetch faults with `ifsc`. */
static void expect_fetch_fault(const char *what, uint64_t ifsc)
{
    print_str(what);
    print_nl();
    s2_count = 0;
    CHECK_EQ("  run_el1", run_el1(el1_read, IPA), 0xbad);
    CHECK_EQ("  faults", s2_count, 1);
    print_reg("  ESR_EL2", s2_esr);
    CHECK_EQ("  EC (instruction abort from a lower EL)", s2_esr >> 26, 0x20);
    CHECK_EQ("  IFSC", s2_esr & 0x3f, ifsc);
    CHECK_EQ("  FAR_EL2 = ELR_EL2", s2_far, s2_elr);
    CHECK_EQ("  HPFAR_EL2", s2_hpfar, (s2_elr >> 12) << 4);
    s2_count = 0;
}

/* The good tables: RAM identity, `page` at IPA. */
static void good_tables(mmu_t *m)
{
    memset(s2_pool, 0, sizeof s2_pool);
    s2_init(m, 12, 24, 1, s2_pool, sizeof s2_pool);
    mmu_map(m, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(m, IPA, (uint64_t)page, 4096, 3, S2_RW);
}

static void check_good(mmu_t *m)
{
    good_tables(m);
    s2_enable(m, vtcr_el2(12, 24, 1));
    s2_count = 0;
    CHECK_EQ("  then a good mapping reads", run_el1(el1_read, IPA + 8), page[1]);
    CHECK_EQ("  with no fault", s2_count, 0);
}

int main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    CHECK_EQ("CurrentEL", el, 8);
    S2_MSR("vbar_el2", (uint64_t)bad_vectors);
    for (int i = 0; i < 512; i++)
        page[i] = 0x5200 + i;
    mmu_t m;
    check_good(&m);

    /* VTTBR_EL2.BADDR at 2 TiB: no memory there (PS = 48 bits). */
    good_tables(&m);
    s2_enable(&m, vtcr_el2(12, 24, 1));
    S2_MSR("vttbr_el2", 0x20000000000ull);
    s2_tlbi_all();
    expect_fetch_fault("VTTBR_EL2 at no memory: EL1's first fetch, external abort on the walk, level 1", 0x15);
    check_good(&m);

    /* Level 3 descriptor of type 0b01. */
    good_tables(&m);
    *mmu_entry(&m, IPA, 3) &= ~2ull;
    s2_enable(&m, vtcr_el2(12, 24, 1));
    expect_fault("reserved level 3 descriptor (type 0b01): translation fault, level 3", IPA, 0x07);
    check_good(&m);

    /* A level 1 table descriptor pointing at its own table: the IPA whose
     * level 1, 2 and 3 indexes are all 3 meets it three times. */
    good_tables(&m);
    uint64_t loop_ipa = 3ull << 30 | 3ull << 21 | 3ull << 12;
    m.root[3] = (uint64_t)(uintptr_t)m.root | 3;
    s2_enable(&m, vtcr_el2(12, 24, 1));
    expect_fault("table loop: access flag fault at level 3", loop_ipa, 0x0b);
    check_good(&m);

    /* Output address 4 GiB with VTCR_EL2.PS = 0 (32 bits; the IPA space
     * too: T0SZ = 32). */
    memset(s2_pool, 0, sizeof s2_pool);
    s2_init(&m, 12, 32, 1, s2_pool, sizeof s2_pool);
    mmu_map(&m, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&m, IPA, (uint64_t)page, 4096, 3, S2_RW);
    mmu_map(&m, IPA + 0x1000, 0x100000000ull, 4096, 3, S2_RW);
    s2_enable(&m, vtcr_el2(12, 32, 1) & ~(7ull << 16));
    CHECK_EQ("PS = 32 bits: a good mapping below reads", run_el1(el1_read, IPA + 16), page[2]);
    expect_fault("output address above PS: address size fault, level 3", IPA + 0x1000, 0x03);
    check_good(&m);

    /* 4 KiB granule, T0SZ = 24 (40-bit IPA), SL0 = 0 (start level 2). */
    good_tables(&m);
    s2_enable(&m, vtcr_el2(12, 24, 0));
    expect_fetch_fault("VTCR_EL2.SL0 inconsistent with T0SZ: EL1's first fetch, translation fault, level 0", 0x04);
    check_good(&m);

    /* IPA 1 << 44 with a 40-bit IPA space (stage 1 off: IPA = VA). */
    good_tables(&m);
    s2_enable(&m, vtcr_el2(12, 24, 1));
    expect_fault("IPA above the input size: translation fault, level 0", 1ull << 44, 0x04);
    check_good(&m);

    s2_disable();
    return test_finish("mmu_stage2_bad");
}
