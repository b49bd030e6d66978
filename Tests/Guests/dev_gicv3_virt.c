/* GICv3 virtualization from EL2 (IHI 0069 chapter 6): list registers
 * programmed at EL2, virtual interrupts taken at EL1 through the ICV_* view
 * of the ICC_* registers (HCR_EL2.IMO/FMO), priorities (the highest pending
 * list register first, VPMR masking, preemption by the running priority),
 * EOI and EOImode 1 with ICV_DIR, EOIcount for an unmatched EOI, the
 * maintenance interrupt (PPI 25: EOI, underflow, no-pending, group enables)
 * taken at EL2, a HW = 1 list register deactivating its physical SPI, vFIQ
 * for Group 0, the ICH_HCR_EL2 traps (TALL0, TALL1, TC, TDIR) and the ICH_*
 * register reset values and ICH_VTR_EL2; ISR_EL1 at EL1 showing the virtual IRQ.
 * ARMATURE-ARGS: -M virt,virtualization=on,gic-version=3 -cpu max */
#define GIC_V3 1
#include "vgic.h"

#define TEST_NAME "dev_gicv3_virt"

#define RD(r) ELS_MRS(r)
#define WR(r, v) ELS_MSR(r, v)

#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_GROUP1 (1ull << 60)
#define LR_HW (1ull << 61)
#define LR_EOI (1ull << 41)
#define LR(state, group1, prio, vintid) ((state) | ((group1) ? LR_GROUP1 : 0) | ((uint64_t)(prio) << 48) | (vintid))


static volatile unsigned el1_eoi_mode;   /* 1: the EL1 handler writes DIR after EOIR */
static volatile uint64_t maint_misr, maint_eisr, maint_intid;
static volatile unsigned maint_count;

static int handler(els_exc_t *e)
{
    unsigned kind = e->vec & 0x180;
    if (e->el == 1 && kind == 0x80) {   /* vIRQ at EL1 */
        uint64_t id = RD("icc_iar1_el1");
        note(id);
        note(RD("icc_rpr_el1"));
        if (id < 1020) {
            WR("icc_eoir1_el1", id);
            if (el1_eoi_mode == 1) {
                note(RD("icc_rpr_el1"));
                WR("icc_dir_el1", id);
            }
        }
        return 1;
    }
    if (e->el == 1 && kind == 0x100) {  /* vFIQ at EL1 */
        uint64_t id = RD("icc_iar0_el1");
        note(0xF000 | id);
        note(RD("icc_rpr_el1"));
        if (id < 1020) WR("icc_eoir0_el1", id);
        return 1;
    }
    if (e->el == 2 && kind == 0x80) {   /* physical IRQ at EL2: the maintenance interrupt */
        uint64_t id = RD("icc_iar1_el1");
        maint_intid = id;
        maint_misr = RD("ich_misr_el2");
        maint_eisr = RD("ich_eisr_el2");
        maint_count = maint_count + 1;
        /* Handle it: the list registers that asked for EOI maintenance become free. */
        uint64_t eisr = maint_eisr;
        if (eisr & 1) WR("ich_lr0_el2", 0);
        if (eisr & 2) WR("ich_lr1_el2", 0);
        if (eisr & 4) WR("ich_lr2_el2", 0);
        if (eisr & 8) WR("ich_lr3_el2", 0);
        /* Underflow / no-pending maintenance: turn those requests off. */
        WR("ich_hcr_el2", RD("ich_hcr_el2") & ~0xEull);
        if (id < 1020) WR("icc_eoir1_el1", id);
        return 1;
    }
    return elcall_handler(e);
}

/* EL1: reads of the ICV_* registers (masks closed). */
static uint64_t el1_reads(uint64_t arg)
{
    (void)arg;
    note(RD("icc_hppir1_el1"));
    note(RD("icc_hppir0_el1"));
    note(RD("icc_rpr_el1"));
    note(RD("icc_pmr_el1"));
    note(RD("icc_ctlr_el1"));
    note(RD("icc_bpr0_el1"));
    note(RD("icc_bpr1_el1"));
    note(RD("icc_igrpen0_el1"));
    note(RD("icc_igrpen1_el1"));
    note(RD("isr_el1"));          /* I: the virtual IRQ is pending (masked or not) */
    return 0;
}

/* EL1: writes of the ICV_* registers that land in ICH_VMCR_EL2. */
static uint64_t el1_writes(uint64_t arg)
{
    WR("icc_pmr_el1", arg);
    WR("icc_bpr0_el1", 0);        /* below the minimum: reads back as 2 */
    WR("icc_bpr1_el1", 5);
    WR("icc_igrpen0_el1", 1);
    WR("icc_ctlr_el1", 2);        /* EOImode */
    note(RD("icc_bpr0_el1"));
    note(RD("icc_bpr1_el1"));
    note(RD("icc_ctlr_el1"));
    WR("icc_ctlr_el1", 1);        /* CBPR: ICV_BPR1 reads VBPR0 + 1 */
    note(RD("icc_bpr1_el1"));
    WR("icc_bpr1_el1", 7);        /* ignored while CBPR */
    WR("icc_ctlr_el1", 0);
    note(RD("icc_bpr1_el1"));
    return 0;
}

/* EL1: acknowledge by hand (masks closed). */
static uint64_t el1_ack_eoi(uint64_t arg)
{
    uint64_t id = RD("icc_iar1_el1");
    note(id);
    note(RD("icc_rpr_el1"));
    if (arg & 1) WR("icc_eoir1_el1", id);
    if (arg & 2) WR("icc_eoir1_el1", 99);   /* no active list register holds 99 */
    note(RD("icc_rpr_el1"));
    return id;
}

static uint64_t el1_trapped_reads(uint64_t arg)
{
    (void)arg;
    (void)RD("icc_iar1_el1");     /* TALL1 */
    (void)RD("icc_iar0_el1");     /* TALL0 */
    (void)RD("icc_pmr_el1");      /* TC */
    WR("icc_dir_el1", 5);         /* TDIR */
    return 0;
}

static void print_lrs(const char *label)
{
    print_str(label);
    print_str(" LR0=");
    print_hex(RD("ich_lr0_el2"));
    print_str(" LR1=");
    print_hex(RD("ich_lr1_el2"));
    print_str(" LR2=");
    print_hex(RD("ich_lr2_el2"));
    print_str(" LR3=");
    print_hex(RD("ich_lr3_el2"));
    print_nl();
    print_str("  ELRSR=");
    print_hex(RD("ich_elrsr_el2"));
    print_str(" EISR=");
    print_hex(RD("ich_eisr_el2"));
    print_str(" MISR=");
    print_hex(RD("ich_misr_el2"));
    print_str(" AP0R0=");
    print_hex(RD("ich_ap0r0_el2"));
    print_str(" AP1R0=");
    print_hex(RD("ich_ap1r0_el2"));
    print_str(" HCR=");
    print_hex(RD("ich_hcr_el2"));
    print_nl();
}

static void clear_lrs(void)
{
    WR("ich_lr0_el2", 0);
    WR("ich_lr1_el2", 0);
    WR("ich_lr2_el2", 0);
    WR("ich_lr3_el2", 0);
}

int main(void)
{
    if (vgic_start(handler))
        return 1;

    /* Reset values and the implementation's shape. */
    CHECK_EQ("ICH_VTR_EL2", RD("ich_vtr_el2"), 0x90b80003);
    CHECK_EQ("ICH_VMCR_EL2 reset", RD("ich_vmcr_el2"), 0x004c0008);
    CHECK_EQ("ICH_HCR_EL2 reset", RD("ich_hcr_el2"), 0);
    CHECK_EQ("ICH_ELRSR_EL2 reset", RD("ich_elrsr_el2"), 0xf);
    CHECK_EQ("ICH_MISR_EL2 reset", RD("ich_misr_el2"), 0);
    CHECK_EQ("ID_AA64PFR0_EL1.GIC", (RD("id_aa64pfr0_el1") >> 24) & 0xf, 1);

    /* VMCR: writable fields, VFIQEn RES1, binary points at least their minimum. */
    WR("ich_vmcr_el2", 0xf0000203ull);
    CHECK_EQ("ICH_VMCR_EL2 written", RD("ich_vmcr_el2"), 0xf04c020b);

    WR("hcr_el2", HCR_RW | HCR_IMO | HCR_FMO);
    WR("ich_vmcr_el2", (0xf0ull << 24) | 2);      /* VPMR 0xF0, VENG1 */
    WR("ich_hcr_el2", 1);                          /* En */

    /* Two Group 1 interrupts and a Group 0 one (Group 0 disabled for now). */
    WR("ich_lr0_el2", LR(LR_PENDING, 1, 0xa0, 40));
    WR("ich_lr1_el2", LR(LR_PENDING, 1, 0x80, 41));
    WR("ich_lr2_el2", LR(LR_PENDING, 0, 0x40, 42));
    print_lrs("programmed");

    elcall(SPSR_EL1H, el1_reads, 0);
    print_seen("EL1 reads (HPPIR1 HPPIR0 RPR PMR CTLR BPR0 BPR1 IGRPEN0 IGRPEN1 ISR):");

    /* Taken in priority order: 41 (0x80) then 40 (0xa0); Group 0 stays disabled. */
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 vIRQs (IAR RPR):");
    print_lrs("after EOI");

    /* VPMR masks: priority 0x80 with VPMR 0x80 is not signalled, HPPIR still shows it. */
    clear_lrs();
    WR("ich_vmcr_el2", (0x80ull << 24) | 2);
    WR("ich_lr0_el2", LR(LR_PENDING, 1, 0x80, 50));
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("masked by VPMR (nothing):");
    elcall(SPSR_EL1H, el1_reads, 0);
    print_seen("masked reads:");
    WR("ich_vmcr_el2", (0xf0ull << 24) | 2);

    /* Preemption: 50 active at 0x80; 51 at 0x80 cannot preempt, 52 at 0x60 can. */
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("ack 50 without EOI (IAR RPR RPR):");
    WR("ich_lr1_el2", LR(LR_PENDING, 1, 0x80, 51));
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("51 cannot preempt (IAR RPR RPR):");
    WR("ich_lr2_el2", LR(LR_PENDING, 1, 0x60, 52));
    elcall(SPSR_EL1H, el1_ack_eoi, 1);
    print_seen("52 preempts, EOI (IAR RPR RPR):");
    print_lrs("50 active, 51 pending");
    /* An EOI naming no active list register: priority drop, EOIcount + 1. */
    elcall(SPSR_EL1H, el1_ack_eoi, 2);
    print_seen("EOI of 99 (IAR RPR RPR):");
    print_lrs("EOIcount");
    WR("ich_hcr_el2", 1);
    WR("ich_ap1r0_el2", 0);
    clear_lrs();

    /* ICV writes: VPMR, VBPR0/1, VENG0, VEOIM, VCBPR. */
    elcall(SPSR_EL1H, el1_writes, 0xe8);
    print_seen("EL1 writes (BPR0 BPR1 CTLR BPR1(CBPR) BPR1):");
    CHECK_EQ("ICH_VMCR_EL2 after EL1 writes", RD("ich_vmcr_el2"), 0xe854000b);

    /* EOImode 1: EOIR drops the priority, DIR deactivates. */
    WR("ich_vmcr_el2", (0xf0ull << 24) | (1ull << 9) | 2);
    WR("ich_lr0_el2", LR(LR_PENDING, 1, 0x90, 60));
    el1_eoi_mode = 1;
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EOImode 1 (IAR RPR RPR-after-EOIR):");
    print_lrs("after DIR");
    el1_eoi_mode = 0;
    WR("ich_vmcr_el2", (0xf0ull << 24) | 3);     /* VENG0, VENG1, EOImode 0 */

    /* vFIQ: Group 0 taken as FIQ at EL1, acknowledged with ICC_IAR0. */
    WR("ich_lr1_el2", LR(LR_PENDING, 0, 0x70, 61));
    WR("ich_lr2_el2", LR(LR_PENDING, 1, 0x50, 62));
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("vIRQ 62 then vFIQ 61:");
    print_lrs("after vFIQ");
    clear_lrs();

    /* The maintenance interrupt (PPI 25) at EL2: EOI maintenance for LR0. */
    gic_enable(25, 0x10);
    WR("ich_lr0_el2", LR(LR_PENDING, 1, 0x90, 70) | LR_EOI);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took 70:");
    CHECK_EQ("maintenance interrupts", maint_count, 1);
    CHECK_EQ("maintenance INTID", maint_intid, 25);
    CHECK_EQ("maintenance MISR", maint_misr, 1);
    CHECK_EQ("maintenance EISR", maint_eisr, 1);
    print_lrs("after maintenance");

    /* Underflow (UIE: at most one valid list register) and no-pending (NPIE). */
    maint_count = 0;
    WR("ich_lr0_el2", LR(LR_PENDING, 1, 0x90, 71));
    WR("ich_lr1_el2", LR(LR_PENDING, 1, 0x98, 72));
    WR("ich_hcr_el2", 1 | 2);                    /* En, UIE: two valid, no maintenance yet */
    CHECK_EQ("MISR with UIE, two valid", RD("ich_misr_el2"), 0);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took 71 72:");
    CHECK_EQ("underflow maintenance", maint_count, 1);
    CHECK_EQ("underflow MISR", maint_misr, 2);
    WR("ich_hcr_el2", 1 | 8);                    /* NPIE: nothing pending -> MISR.NP */
    CHECK_EQ("MISR NP", RD("ich_misr_el2"), 8);
    WR("ich_hcr_el2", 1 | 0x40);                 /* VGrp1EIE with VENG1 set */
    CHECK_EQ("MISR VGrp1E", RD("ich_misr_el2"), 0x40);
    WR("ich_hcr_el2", 1 | 0x80);                 /* VGrp1DIE with VENG1 set: nothing */
    CHECK_EQ("MISR VGrp1D", RD("ich_misr_el2"), 0);
    WR("ich_hcr_el2", 1 | 4 | (3ull << 27));     /* LRENPIE with EOIcount 3 */
    CHECK_EQ("MISR LRENP", RD("ich_misr_el2"), 4);
    WR("ich_hcr_el2", 0);                        /* En = 0: no maintenance interrupt */
    CHECK_EQ("MISR with En 0", RD("ich_misr_el2"), 0);
    gic_disable(25);
    WR("ich_hcr_el2", 1);
    clear_lrs();

    /* HW = 1: SPI 40 is acknowledged at EL2 with EOImode 1 (priority drop
     * only), handed to EL1 as vINTID 40; EL1's EOI deactivates it. */
    gic_enable(40, 0x20);
    gic_set_pending(40);
    gic_eoimode(1);
    uint64_t pid = RD("icc_iar1_el1");
    CHECK_EQ("physical ack", pid, 40);
    WR("icc_eoir1_el1", pid);
    CHECK_EQ("SPI 40 active after the priority drop", gic_active(40), 1);
    WR("ich_lr3_el2", LR(LR_PENDING, 1, 0xa0, 40) | LR_HW | (40ull << 32));
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took HW 40:");
    CHECK_EQ("SPI 40 deactivated by the virtual EOI", gic_active(40), 0);
    print_lrs("after HW");
    gic_eoimode(0);
    gic_disable(40);

    /* Traps to EL2: TALL1, TALL0, TC, TDIR (EC 0x18). */
    elcall_reset();
    WR("ich_hcr_el2", 1 | (1ull << 10) | (1ull << 11) | (1ull << 12) | (1ull << 14));
    elcall(SPSR_EL1H, el1_trapped_reads, 0);
    CHECK_EQ("traps", elcall_count, 4);
    for (unsigned i = 0; i < elcall_count && i < 4; i++) {
        print_str("trap ESR=");
        print_hex(elcall_log[i].esr);
        print_nl();
    }
    WR("ich_hcr_el2", 0);
    WR("hcr_el2", HCR_RW);

    return test_finish(TEST_NAME);
}
