/* A guest hypervisor's misuse of the GICv3 virtual CPU interface (IHI 0069
 * 6.4 and the ICH_LR<n>_EL2 description): what the architecture makes
 * UNDEFINED is an Undefined Instruction exception at EL2, what it leaves
 * UNPREDICTABLE stays within the interface (no physical side effect, no
 * hang, the next use works):
 *   - ICH_LR4_EL2..ICH_LR15_EL2 with 4 list registers (ICH_VTR_EL2.ListRegs
 *     = 3) and ICH_AP0R1/AP1R1_EL2 with 5 preemption bits: UNDEFINED;
 *   - list register priorities below the 5 implemented priority bits;
 *   - two list registers holding the same vINTID;
 *   - HW = 1 with a pINTID that is special (1023) or an SGI (5): the virtual
 *     EOI deactivates no physical interrupt;
 *   - a list register with the special vINTID 1023.
 * ARMATURE-ARGS: -M virt,virtualization=on,gic-version=3 -cpu max */
#define GIC_V3 1
#include "vgic.h"

#define TEST_NAME "dev_gicv3_virt_bad"

#define RD(r) ELS_MRS(r)
#define WR(r, v) ELS_MSR(r, v)

#define LR_PENDING (1ull << 62)
#define LR_GROUP1 (1ull << 60)
#define LR_HW (1ull << 61)
#define LR(state, prio, vintid) ((state) | LR_GROUP1 | ((uint64_t)(prio) << 48) | (vintid))



static int handler(els_exc_t *e)
{
    if (e->el == 1 && (e->vec & 0x180) == 0x80) {   /* vIRQ at EL1 */
        uint64_t id = RD("icc_iar1_el1");
        note(id);
        if (id < 1020) WR("icc_eoir1_el1", id);
        return 1;
    }
    return elcall_handler(e);
}

/* EL1: open the interrupt masks for a little longer than el1_window. */
static uint64_t el1_window_long(uint64_t arg)
{
    (void)arg;
    __asm__ volatile("msr daifclr, #3\n\tisb\n\tnop\n\tnop\n\tnop\n\tnop\n\tmsr daifset, #3\n\tisb" ::: "memory");
    return 0;
}

static void clear_lrs(void)
{
    WR("ich_lr0_el2", 0);
    WR("ich_lr1_el2", 0);
    WR("ich_lr2_el2", 0);
    WR("ich_lr3_el2", 0);
}

static void print_lrs(const char *label)
{
    print_str(label);
    print_str(" LR0=");
    print_hex(RD("ich_lr0_el2"));
    print_str(" LR1=");
    print_hex(RD("ich_lr1_el2"));
    print_str(" ELRSR=");
    print_hex(RD("ich_elrsr_el2"));
    print_str(" AP1R0=");
    print_hex(RD("ich_ap1r0_el2"));
    print_nl();
}

/* The exceptions recorded since the last call: EL and EC of each. */
static void print_traps(const char *label, unsigned expected)
{
    print_str(label);
    for (unsigned i = 0; i < elcall_count && i < 64; i++) {
        print_str(" EL");
        print_udec(elcall_log[i].el);
        print_str(":EC=");
        print_hex(elcall_log[i].esr >> 26);
    }
    print_nl();
    CHECK_EQ("  exceptions", elcall_count, expected);
    elcall_reset();
}

int main(void)
{
    if (vgic_start(handler))
        return 1;
    CHECK_EQ("ICH_VTR_EL2", RD("ich_vtr_el2"), 0x90b80003);

    /* Beyond the implemented list registers and active priority registers. */
    elcall_reset();
    (void)RD("ich_lr4_el2");
    WR("ich_lr7_el2", LR(LR_PENDING, 0x80, 33));
    (void)RD("ich_lr15_el2");
    (void)RD("ich_ap0r1_el2");
    WR("ich_ap1r1_el2", 1);
    (void)RD("ich_ap1r3_el2");
    print_traps("LR4, LR7, LR15, AP0R1, AP1R1, AP1R3:", 6);
    CHECK_EQ("  LR0..3 untouched: ELRSR", RD("ich_elrsr_el2"), 0xf);

    WR("hcr_el2", HCR_RW | HCR_IMO | HCR_FMO);
    WR("ich_vmcr_el2", (0xf8ull << 24) | 2);      /* VPMR 0xF8, VENG1 */
    WR("ich_hcr_el2", 1);                          /* En */

    /* Priority 0x97: bits below the 5 implemented ones. */
    WR("ich_lr0_el2", LR(LR_PENDING, 0x97, 40));
    print_lrs("priority 0x97 written:");
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("  EL1 took:");
    CHECK_EQ("  one vIRQ", nseen, 1);
    CHECK_EQ("  vINTID", seen[0], 40);
    print_lrs("  after:");
    CHECK_EQ("  no active priority left", RD("ich_ap1r0_el2"), 0);
    clear_lrs();

    /* The same vINTID in two list registers. */
    WR("ich_lr0_el2", LR(LR_PENDING, 0xa0, 41));
    WR("ich_lr1_el2", LR(LR_PENDING, 0x80, 41));
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("same vINTID 41 twice, EL1 took:");
    CHECK(nseen >= 1 && nseen <= 2, "one or two vIRQs");
    for (unsigned i = 0; i < nseen && i < 32; i++) CHECK_EQ("  vINTID", seen[i], 41);
    CHECK_EQ("  no active priority left", RD("ich_ap1r0_el2"), 0);
    clear_lrs();

    /* HW = 1 with a special pINTID, and with an SGI's. */
    gic_enable(5, 0x20);
    WR("ich_lr0_el2", LR(LR_PENDING, 0x90, 42) | LR_HW | (1023ull << 32));
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("HW with pINTID 1023, EL1 took:");
    CHECK_EQ("  vINTID", nseen == 1 ? seen[0] : 0, 42);
    CHECK_EQ("  LR0 free again", RD("ich_elrsr_el2") & 1, 1);
    WR("ich_lr0_el2", LR(LR_PENDING, 0x90, 43) | LR_HW | (5ull << 32));
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("HW with pINTID 5 (an SGI), EL1 took:");
    CHECK_EQ("  vINTID", nseen == 1 ? seen[0] : 0, 43);
    CHECK_EQ("  SGI 5 not active", gic_active(5), 0);
    CHECK_EQ("  SGI 5 not pending", gic_pending(5), 0);
    CHECK_EQ("  no physical interrupt pending at EL2", RD("icc_hppir1_el1"), 1023);
    gic_disable(5);
    clear_lrs();

    /* A list register whose vINTID is the special 1023. */
    WR("ich_lr0_el2", LR(LR_PENDING, 0x90, 1023));
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("vINTID 1023, EL1 took:");
    CHECK_EQ("  no exception at EL2", elcall_count, 0);
    clear_lrs();
    WR("ich_ap1r0_el2", 0);

    /* The interface still works. */
    WR("ich_lr2_el2", LR(LR_PENDING, 0x90, 44));
    nseen = 0;
    elcall(SPSR_EL1H, el1_window_long, 0);
    print_noted("afterwards a good list register, EL1 took:");
    CHECK_EQ("  vINTID", nseen == 1 ? seen[0] : 0, 44);
    print_traps("exceptions at EL2 in all:", 0);

    WR("ich_hcr_el2", 0);
    WR("hcr_el2", HCR_RW);
    return test_finish(TEST_NAME);
}
