/* A VHE hypervisor's world switch between its host's EL0 and a guest's EL0
 * (FEAT_VHE, Arm ARM D8 "The EL2&0 translation regime", D8.16): with
 * HCR_EL2.E2H = 1 the host's EL0 (TGE = 1) is in the EL2&0 regime
 * (TTBR0_EL2), the guest's EL0 (TGE = 0, VM = 1) in EL1&0 under stage 2.
 * The same VA reads each side's own page as the host flips TGE back and
 * forth with no TLB maintenance; TLBI VAE1 at EL2 with TGE = 1 names the
 * EL2&0 regime (a new host mapping is seen, the guest keeps its own);
 * TLBI IPAS2E1 + VMALLE1 with TGE = 0 name the guest's (a new stage 2
 * mapping is seen by the guest only); TLBI VMALLS12E1 leaves the host's
 * translations correct.
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max */
#include "semihost.h"
#include "mmu.h"
#include "els.h"
#include "elcall.h"
#include "stage2.h"

#define HCR_TGE  (1ull << 27)
#define HCR_E2H  (1ull << 34)
#define RAM      0x40000000ull
#define TSZ      25
#define VA       0x10000000ull   /* host: TTBR0_EL2; guest: an IPA (stage 1 off) */

extern char __data_start[];

static uint8_t pool0[8 * 4096] __attribute__((aligned(4096)));
static uint8_t s2pool[64 << 10] __attribute__((aligned(65536)));
static uint64_t pages[4][512] __attribute__((aligned(4096)));
static mmu_t host, s2;

#define CODE_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_RO | PTE_EL0)
#define DATA_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_EL0 | PTE_UXN)

static uint64_t el0_read(uint64_t va) { return *(volatile uint64_t *)va; }

/* The guest's EL0 returns by SVC to its EL1 (TGE = 0), which forwards the
 * value to EL2 by HVC (elcall's own forwarding goes to EL3). */
static int handler(els_exc_t *e)
{
    if (e->el == 1 && e->vec >= ELS_VEC_LOWER64 && ELS_EC(e->esr) == 0x15 && elcall_esr_imm(e->esr) == ELCALL_IMM) {
        register uint64_t x0 __asm__("x0") = e->regs->x[0];
        __asm__ volatile("hvc #0x7e5" : "+r"(x0) :: "memory");
    }
    return elcall_handler(e);
}

static uint64_t host_el0(uint64_t off)
{
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_TGE);
    return elcall(SPSR_EL0T, el0_read, VA + off);
}

static uint64_t guest_el0(uint64_t off)
{
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_VM);
    return elcall(SPSR_EL0T, el0_read, VA + off);
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 2 << 2);
    elcall_init_el2();
    els_handler = handler;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 512; j++)
            pages[i][j] = 0x1000 * (i + 1) + j;

    /* The host's EL2&0 tables: RAM 1:1 (EL0 code read-only), VA -> pages[0] (nG). */
    mmu_init(&host, 12, TSZ, pool0, sizeof pool0);
    uint64_t data = (uint64_t)__data_start;
    for (uint64_t va = RAM; va < RAM + 0x200000; va += 4096)
        mmu_map(&host, va, va, 4096, 3, va < data ? CODE_ATTRS : DATA_ATTRS);
    mmu_map(&host, RAM + 0x200000, RAM + 0x200000, (128ull << 20) - 0x200000, 2, DATA_ATTRS);
    mmu_map(&host, VA, (uint64_t)pages[0], 4096, 3, DATA_ATTRS | PTE_NG);
    /* The guest's stage 2: RAM 1:1, IPA VA -> pages[1]. Its stage 1 is off. */
    s2_init(&s2, 12, 24, 1, s2pool, sizeof s2pool);
    mmu_map(&s2, RAM, RAM, 128ull << 20, 2, S2_RW);
    mmu_map(&s2, VA, (uint64_t)pages[1], 4096, 3, S2_RW);
    ELS_MSR("vttbr_el2", (uint64_t)s2.root | (1ull << 48));
    ELS_MSR("vtcr_el2", vtcr_el2(12, 24, 1));

    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H);
    ELS_MSR("mair_el1", MAIR_VALUE);
    ELS_MSR("tcr_el1", tcr_el1(TSZ, 12, TSZ, 12, TCR_IPS_48 | TCR_EPD1));
    ELS_MSR("ttbr0_el1", (uint64_t)host.root);
    ELS_MSR("sctlr_el12", ELS_MRS("sctlr_el12") & ~SCTLR_M);
    __asm__ volatile("tlbi alle2\n\ttlbi alle1\n\tdsb ish\n\tisb" ::: "memory");
    uint64_t s = ELS_MRS("sctlr_el1");
    ELS_MSR("sctlr_el1", (s | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN) & ~(SCTLR_A | SCTLR_WXN));

    print_str("-- world switches, no maintenance\n");
    for (int round = 0; round < 3; round++) {
        CHECK_EQ("host EL0 reads the host's page", host_el0(8 * round), pages[0][round]);
        CHECK_EQ("guest EL0 reads the guest's page", guest_el0(8 * round), pages[1][round]);
    }
    CHECK_EQ("exceptions other than the calls", elcall_count, 0);

    print_str("-- TLBI VAE1 at EL2 with TGE = 1: the EL2&0 regime\n");
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_TGE);
    *mmu_entry(&host, VA, 3) = (uint64_t)pages[2] | DATA_ATTRS | PTE_NG | PTE_VALID | PTE_PAGE;
    __asm__ volatile("dsb ishst\n\ttlbi vae1, %0\n\tdsb ish\n\tisb" :: "r"(VA >> 12) : "memory");
    CHECK_EQ("host EL0 sees its new mapping", host_el0(16), pages[2][2]);
    CHECK_EQ("guest EL0 keeps its own", guest_el0(16), pages[1][2]);
    CHECK_EQ("host EL0 again", host_el0(24), pages[2][3]);

    print_str("-- TLBI IPAS2E1 + VMALLE1 with TGE = 0: the guest's\n");
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_VM);
    *mmu_entry(&s2, VA, 3) = (uint64_t)pages[3] | S2_RW | PTE_VALID | PTE_PAGE;
    s2_tlbi_ipa(VA);
    CHECK_EQ("guest EL0 sees its new mapping", guest_el0(32), pages[3][4]);
    CHECK_EQ("host EL0 keeps its own", host_el0(32), pages[2][4]);

    print_str("-- TLBI VMALLS12E1\n");
    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_VM);
    s2_tlbi_all();
    CHECK_EQ("host EL0", host_el0(40), pages[2][5]);
    CHECK_EQ("guest EL0", guest_el0(40), pages[3][5]);
    CHECK_EQ("exceptions other than the calls", elcall_count, 0);

    ELS_MSR("hcr_el2", HCR_RW | HCR_E2H | HCR_TGE);
    ELS_MSR("sctlr_el1", ELS_MRS("sctlr_el1") & ~SCTLR_M);
    ELS_MSR("hcr_el2", HCR_RW);
    __asm__ volatile("tlbi alle2\n\ttlbi alle1\n\tdsb ish\n\tisb" ::: "memory");
    return test_finish("sys_vhe_world_switch");
}
