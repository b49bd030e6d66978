/* TLB maintenance for the EL3 and EL2 regimes: TLBI ALLE3, VAE3, VALE3 (at
 * EL3) and ALLE2, VAE2, VALE2, ALLE2IS, VAE2IS (at EL2). After a descriptor
 * changes, the old translation may be used until the TLB is invalidated
 * (Arm ARM D8.13), so only what is read after TLBI + DSB + ISB is checked.
 * Also: a page made invalid els_aborts after its TLBI, and a TLBI by VA of
 * another page leaves the new mapping of this one reachable after its own.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "mmu.h"
#include "els.h"

#define WINDOW 0x10000000ull          /* the VA whose mapping changes */

static uint8_t pool[2][8 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[3][512] __attribute__((aligned(4096)));
static uint8_t stack_el2[8192] __attribute__((aligned(16)));
static volatile uint64_t sink;

static void remap(mmu_t *m, int page)
{
    uint64_t *e = mmu_entry(m, WINDOW, 3);
    *e = page < 0 ? 0 : (uint64_t)pages[page] | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN
                            | PTE_VALID | PTE_PAGE;
    __asm__ volatile("dsb ishst" ::: "memory");
    sink = ld64(WINDOW, 0);         /* may see the old mapping: not checked */
}

#define TLBI_VA(op, va) __asm__ volatile("tlbi " op ", %0\n\tdsb ish\n\tisb" :: "r"(((va) >> 12) & 0xfffffffffffull) : "memory")
#define TLBI_ALL(op) __asm__ volatile("tlbi " op "\n\tdsb ish\n\tisb" ::: "memory")

static void check_window(const char *label, uint64_t want)
{
    CHECK_EQ(label, ld64(WINDOW, 0xdead), want);
}

static void check_fault(const char *label)
{
    unsigned before = els_aborts;
    sink = ld64(WINDOW, 0);
    print_str(label);
    print_str(": ESR=");
    print_hex(els_aborts == before + 1 ? ESR_CMP(els_abort_esr) : 0);
    print_str(" FAR=");
    print_hex(els_aborts == before + 1 ? els_abort_far : 0);
    print_nl();
    CHECK(els_aborts == before + 1, "the invalid page els_aborts");
}

static void setup(mmu_t *m, unsigned which)
{
    mmu_init(m, 12, 25, pool[which], sizeof pool[which]);
    mmu_map(m, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF);
    mmu_map(m, WINDOW, (uint64_t)pages[0], 4096, 3, PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN);
}

static void el2_main(uint64_t arg)
{
    mmu_t m;
    els_install(2);
    setup(&m, 1);
    ELS_MSR("mair_el2", MAIR_VALUE);
    ELS_MSR("tcr_el2", els_tcr_one_range(12, 25));
    ELS_MSR("ttbr0_el2", (uint64_t)m.root);
    TLBI_ALL("alle2");
    ELS_MSR("sctlr_el2", 0x30c50830ull | SCTLR_M | SCTLR_C | SCTLR_I);
    check_window("EL2: WINDOW -> page 0", 0xa0);
    remap(&m, 1);
    TLBI_ALL("alle2");
    check_window("EL2: after TLBI ALLE2: page 1", 0xa1);
    remap(&m, 2);
    TLBI_VA("vae2", WINDOW + 0x1000);     /* another page: nothing checked */
    sink = ld64(WINDOW, 0);
    TLBI_VA("vae2", WINDOW);
    check_window("EL2: after TLBI VAE2: page 2", 0xa2);
    remap(&m, 0);
    TLBI_VA("vale2", WINDOW);
    check_window("EL2: after TLBI VALE2: page 0", 0xa0);
    remap(&m, 1);
    TLBI_ALL("alle2is");
    check_window("EL2: after TLBI ALLE2IS: page 1", 0xa1);
    remap(&m, -1);
    TLBI_VA("vae2is", WINDOW);
    check_fault("EL2: after TLBI VAE2IS of an invalid page");
    sh_exit(test_finish("mmu_tlbi_el23"));
}

int main(void)
{
    if (!els_start(els_record_aborts))
        return 1;
    for (int i = 0; i < 3; i++)
        pages[i][0] = 0xa0 + i;
    mmu_t m;
    setup(&m, 0);
    ELS_MSR("mair_el3", MAIR_VALUE);
    ELS_MSR("tcr_el3", els_tcr_one_range(12, 25));
    ELS_MSR("ttbr0_el3", (uint64_t)m.root);
    TLBI_ALL("alle3");
    ELS_MSR("sctlr_el3", 0x30c50830ull | SCTLR_M | SCTLR_C | SCTLR_I);
    check_window("EL3: WINDOW -> page 0", 0xa0);
    remap(&m, 1);
    TLBI_ALL("alle3");
    check_window("EL3: after TLBI ALLE3: page 1", 0xa1);
    remap(&m, 2);
    TLBI_VA("vae3", WINDOW + 0x1000);
    sink = ld64(WINDOW, 0);
    TLBI_VA("vae3", WINDOW);
    check_window("EL3: after TLBI VAE3: page 2", 0xa2);
    remap(&m, 0);
    TLBI_VA("vale3", WINDOW);
    check_window("EL3: after TLBI VALE3: page 0", 0xa0);
    remap(&m, -1);
    TLBI_VA("vae3", WINDOW);
    check_fault("EL3: after TLBI VAE3 of an invalid page");
    /* EL3's MMU stays on; the EL2 regime has its own tables and TLB entries. */
    ELS_MSR("scr_el3", ELS_SCR_NS_EL2);
    els_enter(3, el2_main, 0, SPSR_EL2H, stack_el2 + sizeof stack_el2);
}
