/* LDTR/STTR at EL2 with FEAT_VHE (Arm ARM C3.2.5 "Load/store unprivileged"):
 * with HCR_EL2.{E2H, TGE} = {1, 1} they check EL0's permissions in the EL2&0
 * regime; with TGE = 0 they are ordinary EL2 accesses. The same (not inlined)
 * LDTR runs under both settings, alternately, so translated code must not
 * carry one setting into the other (LiftContext.el2Host keys it).
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max */
#include "semihost.h"
#include "mmu.h"
#include "els.h"

#define HCR_RW   (1ull << 31)
#define HCR_TGE  (1ull << 27)
#define HCR_E2H  (1ull << 34)
#define USER     0x10000000ull   /* EL0 and EL2 read/write */
#define KERNEL   0x10001000ull   /* EL2 only */

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[2][512] __attribute__((aligned(4096)));

__attribute__((noinline)) static uint64_t do_ldtr(uint64_t va)
{
    uint64_t v = 0xdead;
    __asm__ volatile("ldtr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

__attribute__((noinline)) static void do_sttr(uint64_t va, uint64_t v)
{
    __asm__ volatile("sttr %0, [%1]" :: "r"(v), "r"(va) : "memory");
}

static void probe(const char *label, uint64_t hcr)
{
    ELS_MSR("hcr_el2", hcr);
    unsigned before = els_aborts;
    uint64_t u = do_ldtr(USER), k = do_ldtr(KERNEL);
    do_sttr(KERNEL, 0x77);
    print_str(label);
    print_str(": LDTR user ");
    print_hex(u);
    print_str(", LDTR kernel ");
    print_hex(k);
    print_str(", aborts ");
    print_udec(els_aborts - before);
    if (els_aborts != before) {
        print_str(" (last ESR ");
        print_hex(els_abort_esr & 0xfe00007full);
        print_str(" FAR ");
        print_hex(els_abort_far);
        print_str(")");
    }
    print_str(", kernel word ");
    print_hex(pages[1][0]);
    print_nl();
    pages[1][0] = 0x22;
}

int main(void)
{
    if ((ELS_MRS("CurrentEL") >> 2) != 2) {
        print_str("FAIL: this test starts at EL2 (-M virt,virtualization=on)\n");
        return 1;
    }
    els_handler = els_record_aborts;
    els_install(2);
    pages[0][0] = 0x11;
    pages[1][0] = 0x22;
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    /* RAM: EL2 read/write/execute (AP[1] = 0: not EL0's). */
    mmu_map(&m, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN);
    mmu_map(&m, USER, (uint64_t)pages[0], 4096, 3, PTE_KDATA | PTE_EL0);
    mmu_map(&m, KERNEL, (uint64_t)pages[1], 4096, 3, PTE_KDATA);
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_TGE);
    ELS_MSR("mair_el2", MAIR_VALUE);
    ELS_MSR("tcr_el2", tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));   /* E2H: TCR_EL1's layout */
    ELS_MSR("ttbr0_el2", (uint64_t)m.root);
    __asm__ volatile("tlbi alle2\n\tdsb ish\n\tisb" ::: "memory");
    ELS_MSR("sctlr_el2", 0x30d00800ull | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN);

    probe("E2H 1, TGE 1", HCR_RW | HCR_E2H | HCR_TGE);
    CHECK_EQ("  aborts so far (LDTR and STTR of the kernel page)", els_aborts, 2);
    probe("E2H 1, TGE 0", HCR_RW | HCR_E2H);
    CHECK_EQ("  aborts so far (none more)", els_aborts, 2);
    probe("E2H 1, TGE 1 again", HCR_RW | HCR_E2H | HCR_TGE);
    CHECK_EQ("  aborts so far", els_aborts, 4);
    ELS_MSR("sctlr_el2", 0x30d00800ull);
    ELS_MSR("hcr_el2", HCR_RW);
    return test_finish("sys_vhe_unpriv");
}
