/* Stage 1 translation in the EL3 and EL2 (E2H = 0) regimes with each granule
 * (4, 16 and 64 KiB) and two VA sizes each, so walks start at levels 0, 1 and 2.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max
 *
 * For every configuration, at EL3 and then at EL2: RAM is mapped 1:1 with
 * level 2 blocks, and one page at the top of the VA range (a level 3 page
 * under tables made for it) aliases a data page. The test checks a store
 * through the alias reads back through the identity map, and prints the ESR
 * (EC, IL, WnR, DFSC) and FAR of three translation els_aborts: an unmapped entry
 * at the start level, a missing page in the alias's level 3 table, and a VA
 * above the configured range (a level 0 fault, Arm ARM D8.2 "VA size"). */
#include "semihost.h"
#include "mmu.h"
#include "els.h"

#define RAM 0x40000000ull

static uint8_t pool[4 * 65536] __attribute__((aligned(65536)));
static volatile uint64_t target_page[8192] __attribute__((aligned(65536)));
static uint8_t stack_el2[8192] __attribute__((aligned(16)));

static const struct { unsigned gbits, tsz; } configs[] = {
    { 12, 25 }, { 12, 16 },     /* 4 KiB: 39-bit (start level 1), 48-bit (level 0) */
    { 14, 28 }, { 14, 16 },     /* 16 KiB: 36-bit (level 2), 48-bit (level 0, 2 entries) */
    { 16, 22 }, { 16, 20 },     /* 64 KiB: 42-bit (level 2), 44-bit (level 1) */
};


static void set_mmu(unsigned el, uint64_t root, uint64_t tcrv, int on)
{
    uint64_t sctlr = 0x30c50830ull | (on ? SCTLR_M | SCTLR_C | SCTLR_I : 0);
    if (el == 3) {
        ELS_MSR("sctlr_el3", 0x30c50830ull);
        ELS_MSR("mair_el3", MAIR_VALUE);
        ELS_MSR("tcr_el3", tcrv);
        ELS_MSR("ttbr0_el3", root);
        __asm__ volatile("dsb ish\n\ttlbi alle3\n\tdsb ish\n\tisb" ::: "memory");
        ELS_MSR("sctlr_el3", sctlr);
    } else {
        ELS_MSR("sctlr_el2", 0x30c50830ull);
        ELS_MSR("mair_el2", MAIR_VALUE);
        ELS_MSR("tcr_el2", tcrv);
        ELS_MSR("ttbr0_el2", root);
        __asm__ volatile("dsb ish\n\ttlbi alle2\n\tdsb ish\n\tisb" ::: "memory");
        ELS_MSR("sctlr_el2", sctlr);
    }
}

static void expect_fault(const char *what, uint64_t va)
{
    unsigned before = els_aborts;
    (void)ld64(va, 0);
    print_str("    ");
    print_str(what);
    if (els_aborts != before + 1) {
        print_str(": no fault\n");
        g_failures++;
        return;
    }
    print_str(": ESR=");
    print_hex(ESR_CMP(els_abort_esr));
    print_str(" FAR=");
    print_hex(els_abort_far);
    print_nl();
    CHECK(els_abort_far == va, "FAR is the faulting VA");
}

static void run_configs(unsigned el)
{
    const uint64_t attrs = PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF;
    for (unsigned i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        unsigned gbits = configs[i].gbits, tsz = configs[i].tsz;
        mmu_t m;
        mmu_init(&m, gbits, tsz, pool, sizeof pool);
        uint64_t block = 1ull << mmu_shift(&m, 2);
        uint64_t ram_end = (RAM + (128ull << 20) + block - 1) & ~(block - 1);
        mmu_map(&m, RAM, RAM, ram_end - RAM, 2, attrs);
        uint64_t top = (1ull << (64 - tsz)) - (1ull << gbits);    /* the last page of the range */
        mmu_map(&m, top, (uint64_t)target_page, 1ull << gbits, 3, attrs | PTE_UXN);
        print_str("EL"); print_udec(el);
        print_str(": granule "); print_udec(1u << (gbits - 10));
        print_str(" KiB, "); print_udec(64 - tsz);
        print_str("-bit VAs, walk starts at level "); print_udec(m.start);
        print_str(", tables use "); print_udec(m.used >> gbits); print_nl();
        set_mmu(el, (uint64_t)m.root, els_tcr_one_range(gbits, tsz), 1);

        target_page[1] = 0;
        st64(top + 8, 0xa11a5000ull + i);
        CHECK_EQ("    alias store, identity load", target_page[1], 0xa11a5000ull + i);
        /* Unmapped at the start level: the second entry after RAM's last one
         * (none is free with two level 0 entries, one for RAM, one for the top). */
        uint64_t start_span = 1ull << mmu_shift(&m, m.start);
        uint64_t free_entry = ((ram_end + start_span - 1) & ~(start_span - 1)) + start_span;
        if (free_entry < (top & ~(start_span - 1)))
            expect_fault("unmapped start-level entry", free_entry + 0x40);
        expect_fault("missing level 3 page     ", top - (1ull << gbits));
        if (tsz > 16)
            expect_fault("VA above the range       ", 1ull << (64 - tsz));
        set_mmu(el, 0, 0, 0);
    }
}

static void el2_main(uint64_t arg)
{
    els_install(2);
    run_configs(2);
    sh_exit(test_finish("mmu_regimes_granules"));
}

int main(void)
{
    if (!els_start(els_record_aborts))
        return 1;
    run_configs(3);
    ELS_MSR("scr_el3", ELS_SCR_NS_EL2);
    els_enter(3, el2_main, 0, SPSR_EL2H, stack_el2 + sizeof stack_el2);
}
