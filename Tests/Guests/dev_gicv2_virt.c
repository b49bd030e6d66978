/* GICv2 virtualization from EL2 (IHI 0048B chapter 5): the virtual
 * interface control registers GICH_* (0x08030000) programmed at EL2, virtual
 * interrupts taken at EL1 through the virtual CPU interface GICV_*
 * (0x08040000) while HCR_EL2.IMO/FMO are set: GICH_VTR and the reset values,
 * GICH_VMCR as the GICV_CTLR/PMR/BPR/ABPR of the guest, the highest-priority
 * list register first, the priority mask, preemption by the running priority
 * (GICV_RPR, GICH_APR), AckCtl (1022 for a Group 1 interrupt), the source CPU
 * of an SGI in GICV_IAR, EOImode 1 with GICV_DIR, EOICount for an unmatched
 * EOI and DIR, vFIQ for Group 0 with FIQEn, the maintenance interrupt (PPI 25:
 * EOI, underflow, no-pending, group enables, LRENP) taken at EL2 with GICH_MISR
 * and GICH_EISR, and a HW = 1 list register deactivating its physical SPI.
 * ARMATURE-ARGS: -M virt,virtualization=on,gic-version=2 -cpu max */
#include "vgic.h"

#define TEST_NAME "dev_gicv2_virt"

#define GICH_BASE 0x08030000ul
#define GICV_BASE 0x08040000ul
#define GICH(off) GIC_REG32(GICH_BASE + (off))
#define GICV(off) GIC_REG32(GICV_BASE + (off))

#define GICH_HCR 0x000
#define GICH_VTR 0x004
#define GICH_VMCR 0x008
#define GICH_MISR 0x010
#define GICH_EISR0 0x020
#define GICH_EISR1 0x024
#define GICH_ELRSR0 0x030
#define GICH_ELRSR1 0x034
#define GICH_APR 0x0F0
#define GICH_LR(n) (0x100 + 4 * (n))

#define GICV_CTLR 0x00
#define GICV_PMR 0x04
#define GICV_BPR 0x08
#define GICV_IAR 0x0C
#define GICV_EOIR 0x10
#define GICV_RPR 0x14
#define GICV_HPPIR 0x18
#define GICV_ABPR 0x1C
#define GICV_APR0 0xD0
#define GICV_IIDR 0xFC
#define GICV_DIR 0x1000

#define LR_PENDING (1u << 28)
#define LR_ACTIVE (1u << 29)
#define LR_GROUP1 (1u << 30)
#define LR_HW (1u << 31)
#define LR_EOI (1u << 19)
/* Priority [27:23] holds priority bits [7:3]. */
#define LR(state, group1, prio, vintid) ((state) | ((group1) ? LR_GROUP1 : 0) | ((uint32_t)((prio) >> 3) << 23) | (vintid))


static volatile unsigned el1_eoi_mode;   /* 1: the EL1 handler writes DIR after EOIR */
static volatile uint64_t maint_misr, maint_eisr, maint_intid;
static volatile unsigned maint_count;

static int handler(els_exc_t *e)
{
    unsigned kind = e->vec & 0x180;
    if (e->el == 1 && (kind == 0x80 || kind == 0x100)) {   /* vIRQ or vFIQ at EL1 */
        uint32_t id = GICV(GICV_IAR);
        note((kind == 0x100 ? 0xF000 : 0) | id);
        note(GICV(GICV_RPR));
        if ((id & 0x3ff) < 1020) {
            GICV(GICV_EOIR) = id;
            if (el1_eoi_mode == 1) {
                note(GICV(GICV_RPR));
                GICV(GICV_DIR) = id;
            }
        }
        return 1;
    }
    if (e->el == 2 && kind == 0x80) {   /* physical IRQ at EL2: the maintenance interrupt */
        uint32_t id = GIC_REG32(GICC_BASE + GICC_IAR);
        maint_intid = id;
        maint_misr = GICH(GICH_MISR);
        maint_eisr = GICH(GICH_EISR0);
        maint_count = maint_count + 1;
        /* Handle it: the list registers that asked for EOI maintenance become free. */
        for (unsigned i = 0; i < 4; i++)
            if (maint_eisr & (1u << i)) GICH(GICH_LR(i)) = 0;
        /* Underflow / no-pending / LRENP maintenance: turn those requests off. */
        GICH(GICH_HCR) = GICH(GICH_HCR) & ~0xEu;
        if (id < 1020) GIC_REG32(GICC_BASE + GICC_EOIR) = id;
        return 1;
    }
    return elcall_handler(e);
}

/* EL1: reads of the GICV_* registers (masks closed). */
static uint64_t el1_reads(uint64_t arg)
{
    (void)arg;
    note(GICV(GICV_HPPIR));
    note(GICV(GICV_RPR));
    note(GICV(GICV_PMR));
    note(GICV(GICV_CTLR));
    note(GICV(GICV_BPR));
    note(GICV(GICV_ABPR));
    note(GICV(GICV_APR0));
    note(GICV(GICV_IIDR));
    uint64_t isr;
    __asm__ volatile("mrs %0, isr_el1" : "=r"(isr));
    note(isr);                    /* I/F: the virtual IRQ/FIQ is pending (masked or not) */
    return 0;
}

/* EL1: writes of the GICV_* registers that land in GICH_VMCR. */
static uint64_t el1_writes(uint64_t arg)
{
    GICV(GICV_PMR) = (uint32_t)arg;   /* low bits RAZ */
    GICV(GICV_BPR) = 0;               /* below the minimum: reads back as 2 */
    GICV(GICV_ABPR) = 5;
    GICV(GICV_CTLR) = 0x21f | 0x1e0;  /* every bit: only EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImode stay */
    note(GICV(GICV_PMR));
    note(GICV(GICV_BPR));
    note(GICV(GICV_ABPR));
    note(GICV(GICV_CTLR));
    GICV(GICV_BPR) = 4;
    note(GICV(GICV_BPR));
    return 0;
}

/* EL1: acknowledge by hand (masks closed); arg bit 0: EOI it, bit 1: EOI 99. */
static uint64_t el1_ack_eoi(uint64_t arg)
{
    uint32_t id = GICV(GICV_IAR);
    note(id);
    note(GICV(GICV_RPR));
    if (arg & 1) GICV(GICV_EOIR) = id;
    if (arg & 2) GICV(GICV_EOIR) = 99;   /* no active list register holds 99 */
    if (arg & 4) GICV(GICV_DIR) = 98;    /* nor 98 (EOImode 1) */
    note(GICV(GICV_RPR));
    return id;
}

static void print_lrs(const char *label)
{
    print_str(label);
    for (unsigned i = 0; i < 4; i++) {
        print_str(" LR");
        print_hex(i);
        print_str("=");
        print_hex(GICH(GICH_LR(i)));
    }
    print_nl();
    print_str("  ELRSR=");
    print_hex(GICH(GICH_ELRSR0));
    print_str(" EISR=");
    print_hex(GICH(GICH_EISR0));
    print_str(" MISR=");
    print_hex(GICH(GICH_MISR));
    print_str(" APR=");
    print_hex(GICH(GICH_APR));
    print_str(" HCR=");
    print_hex(GICH(GICH_HCR));
    print_str(" VMCR=");
    print_hex(GICH(GICH_VMCR));
    print_nl();
}

static void clear_lrs(void)
{
    for (unsigned i = 0; i < 4; i++) GICH(GICH_LR(i)) = 0;
}

#define SET_HCR_EL2(v) __asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

int main(void)
{
    if (vgic_start(handler))
        return 1;

    /* Reset values and the implementation's shape. */
    CHECK_EQ("GICH_VTR", GICH(GICH_VTR), 0x90000003);
    CHECK_EQ("GICH_VMCR reset", GICH(GICH_VMCR), 0x004c0000);
    CHECK_EQ("GICH_HCR reset", GICH(GICH_HCR), 0);
    CHECK_EQ("GICH_ELRSR0 reset", GICH(GICH_ELRSR0), 0xf);
    CHECK_EQ("GICH_ELRSR1 reset", GICH(GICH_ELRSR1), 0);
    CHECK_EQ("GICH_EISR0 reset", GICH(GICH_EISR0), 0);
    CHECK_EQ("GICH_EISR1 reset", GICH(GICH_EISR1), 0);
    CHECK_EQ("GICH_MISR reset", GICH(GICH_MISR), 0);
    CHECK_EQ("GICH_APR reset", GICH(GICH_APR), 0);
    CHECK_EQ("GICV_IIDR", GICV(GICV_IIDR), 0x0002043b);

    /* VMCR: the GICV_CTLR bits, VMABP/VMBP at least their minimum, VMPriMask. */
    GICH(GICH_VMCR) = 0xf8000000u | 0x21f;
    CHECK_EQ("GICH_VMCR written", GICH(GICH_VMCR), 0xf84c021f);
    GICH(GICH_VMCR) = 0x00fc0000u;
    CHECK_EQ("GICH_VMCR binary points", GICH(GICH_VMCR), 0x00fc0000);
    /* The list registers keep what is written (bits 22:20 are reserved). */
    GICH(GICH_LR(0)) = 0xff8ffc00u;
    CHECK_EQ("GICH_LR0 written", GICH(GICH_LR(0)), 0xff8ffc00u);
    GICH(GICH_LR(0)) = 0;
    GICH(GICH_HCR) = 0xf80000ffu;
    CHECK_EQ("GICH_HCR written", GICH(GICH_HCR), 0xf80000ffu);
    GICH(GICH_HCR) = 0;

    SET_HCR_EL2(HCR_RW | HCR_IMO | HCR_FMO);
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x6;   /* PMR 0xF0, EnableGrp1, AckCtl */
    GICH(GICH_HCR) = 1;                                        /* En */

    /* Two Group 1 interrupts and a Group 0 one (Group 0 disabled for now: it
     * is the highest priority, so nothing is signalled). */
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0xa0, 40);
    GICH(GICH_LR(1)) = LR(LR_PENDING, 1, 0x80, 41);
    GICH(GICH_LR(2)) = LR(LR_PENDING, 0, 0x40, 42);
    print_lrs("programmed");
    elcall(SPSR_EL1H, el1_reads, 0);
    print_seen("EL1 reads (HPPIR RPR PMR CTLR BPR ABPR APR0 IIDR ISR):");
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("Group 0 highest but disabled (nothing):");

    /* Without the Group 0 one: taken in priority order, 41 (0x80) then 40 (0xa0). */
    GICH(GICH_LR(2)) = 0;
    elcall(SPSR_EL1H, el1_reads, 0);
    print_seen("EL1 reads with 41 pending:");
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 vIRQs (IAR RPR):");
    print_lrs("after EOI");

    /* AckCtl clear: a Group 1 interrupt reads as 1022 and stays pending. */
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x2;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x80, 43);
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("AckCtl 0 (IAR RPR RPR):");
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x6;

    /* The priority mask: priority 0x80 with PMR 0x80 is not signalled. */
    clear_lrs();
    GICH(GICH_VMCR) = (0x80u >> 3) << 27 | 0x4c0000u | 0x6;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x80, 50);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("masked by PMR (nothing):");
    elcall(SPSR_EL1H, el1_reads, 0);
    print_seen("masked reads:");
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x6;

    /* Preemption: 50 active at 0x80; 51 at 0x80 cannot preempt, 52 at 0x60 can. */
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("ack 50 without EOI (IAR RPR RPR):");
    GICH(GICH_LR(1)) = LR(LR_PENDING, 1, 0x80, 51);
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("51 cannot preempt (IAR RPR RPR):");
    GICH(GICH_LR(2)) = LR(LR_PENDING, 1, 0x60, 52);
    elcall(SPSR_EL1H, el1_ack_eoi, 1);
    print_seen("52 preempts, EOI (IAR RPR RPR):");
    print_lrs("50 active, 51 pending");
    /* An EOI naming no active list register: priority drop, EOICount + 1. */
    elcall(SPSR_EL1H, el1_ack_eoi, 2);
    print_seen("EOI of 99 (IAR RPR RPR):");
    print_lrs("EOICount");
    GICH(GICH_HCR) = 1;
    GICH(GICH_APR) = 0;
    clear_lrs();

    /* A virtual SGI: GICV_IAR carries the list register's source CPU. */
    GICH(GICH_LR(3)) = LR(LR_PENDING, 1, 0x90, 5) | (3u << 10);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("SGI 5 from CPU 3 (IAR RPR):");
    clear_lrs();

    /* GICV writes: PMR, BPR, ABPR, CTLR, all seen in GICH_VMCR. */
    elcall(SPSR_EL1H, el1_writes, 0xef);
    print_seen("EL1 writes (PMR BPR ABPR CTLR BPR):");
    print_lrs("VMCR after EL1 writes");

    /* Binary points: BPR 4 makes 0x90 and 0x88 one group priority (0x80):
     * with CBPR Group 1 uses BPR, so 0x88 cannot preempt 0x90. */
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 4u << 21 | 3u << 18 | 0x16;   /* CBPR, AckCtl, EnableGrp1 */
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 53);
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    GICH(GICH_LR(1)) = LR(LR_PENDING, 1, 0x88, 54);
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("CBPR, BPR 4: 53 then 54 cannot preempt (IAR RPR RPR x2):");
    print_lrs("group priority 0x80 active");
    /* Without CBPR Group 1 uses ABPR - 1 = 2: 0x88 preempts 0x90. */
    GICH(GICH_APR) = 0;
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 4u << 21 | 3u << 18 | 0x6;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 53);
    GICH(GICH_LR(1)) = 0;
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    GICH(GICH_LR(1)) = LR(LR_PENDING, 1, 0x88, 54);
    elcall(SPSR_EL1H, el1_ack_eoi, 0);
    print_seen("ABPR 3: 53 then 54 preempts (IAR RPR RPR x2):");
    print_lrs("two active");
    GICH(GICH_APR) = 0;
    clear_lrs();

    /* EOImode 1: EOIR drops the priority, DIR deactivates; a DIR naming no
     * active list register counts in EOICount. */
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | (1u << 9) | 0x6;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 60);
    el1_eoi_mode = 1;
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EOImode 1 (IAR RPR RPR-after-EOIR):");
    print_lrs("after DIR");
    el1_eoi_mode = 0;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 63);
    elcall(SPSR_EL1H, el1_ack_eoi, 1 | 4);
    print_seen("EOImode 1, DIR of 98 (IAR RPR RPR):");
    print_lrs("63 still active, EOICount");
    GICH(GICH_HCR) = 1;
    clear_lrs();

    /* vFIQ: Group 0 with FIQEn is taken as FIQ at EL1; without FIQEn as IRQ. */
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0xf;   /* FIQEn, AckCtl, EnableGrp0/1 */
    GICH(GICH_LR(1)) = LR(LR_PENDING, 0, 0x70, 61);
    GICH(GICH_LR(2)) = LR(LR_PENDING, 1, 0x50, 62);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("vIRQ 62 then vFIQ 61:");
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x7;   /* FIQEn clear */
    GICH(GICH_LR(1)) = LR(LR_PENDING, 0, 0x70, 64);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("Group 0 without FIQEn: vIRQ 64:");
    print_lrs("after vFIQ");
    clear_lrs();
    GICH(GICH_VMCR) = (0xf0u >> 3) << 27 | 0x4c0000u | 0x6;

    /* The maintenance interrupt (PPI 25) at EL2: EOI maintenance for LR0. */
    gic_enable(25, 0x10);
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 70) | LR_EOI;
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took 70:");
    CHECK_EQ("maintenance interrupts", maint_count, 1);
    CHECK_EQ("maintenance INTID", maint_intid, 25);
    CHECK_EQ("maintenance MISR", maint_misr, 1);
    CHECK_EQ("maintenance EISR", maint_eisr, 1);
    print_lrs("after maintenance");

    /* Underflow (UIE: at most one valid list register) and the other conditions. */
    maint_count = 0;
    GICH(GICH_LR(0)) = LR(LR_PENDING, 1, 0x90, 71);
    GICH(GICH_LR(1)) = LR(LR_PENDING, 1, 0x98, 72);
    GICH(GICH_HCR) = 1 | 2;                      /* En, UIE: two valid, no maintenance yet */
    CHECK_EQ("MISR with UIE, two valid", GICH(GICH_MISR), 0);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took 71 72:");
    CHECK_EQ("underflow maintenance", maint_count, 1);
    CHECK_EQ("underflow MISR", maint_misr, 2);
    GICH(GICH_HCR) = 1 | 8;                      /* NPIE: nothing pending -> MISR.NP */
    CHECK_EQ("MISR NP", GICH(GICH_MISR), 8);
    gic_disable(25);
    GICH(GICH_HCR) = 1 | 0x40;                   /* VGrp1EIE with EnableGrp1 set */
    CHECK_EQ("MISR VGrp1E", GICH(GICH_MISR), 0x40);
    GICH(GICH_HCR) = 1 | 0x80;                   /* VGrp1DIE with EnableGrp1 set: nothing */
    CHECK_EQ("MISR VGrp1D", GICH(GICH_MISR), 0);
    GICH(GICH_HCR) = 1 | 0x20;                   /* VGrp0DIE with EnableGrp0 clear */
    CHECK_EQ("MISR VGrp0D", GICH(GICH_MISR), 0x20);
    GICH(GICH_HCR) = 1 | 4 | (3u << 27);         /* LRENPIE with EOICount 3 */
    CHECK_EQ("MISR LRENP", GICH(GICH_MISR), 4);
    CHECK_EQ("maintenance PPI 25 pending", gic_pending(25), 1);
    GICH(GICH_HCR) = 4 | (3u << 27);             /* En = 0: no maintenance interrupt */
    CHECK_EQ("maintenance PPI 25 not pending with En 0", gic_pending(25), 0);
    GICH(GICH_HCR) = 1;
    clear_lrs();

    /* HW = 1: SPI 40 is acknowledged at EL2 with EOImode 1 (priority drop
     * only), handed to EL1 as vINTID 40 with physical ID 40; EL1's EOI
     * deactivates it. */
    GIC_REG32(GICD_BASE + GICD_IGROUPR + 4) |= 1u << 8;     /* SPI 40 in Group 1 */
    GIC_REG32(GICC_BASE + GICC_CTLR) = 0x3 | 0x4 | (1u << 9);  /* AckCtl, EOImode */
    gic_enable(40, 0x20);
    gic_set_pending(40);
    uint32_t pid = GIC_REG32(GICC_BASE + GICC_IAR);
    CHECK_EQ("physical ack", pid, 40);
    GIC_REG32(GICC_BASE + GICC_EOIR) = pid;
    CHECK_EQ("SPI 40 active after the priority drop", gic_active(40), 1);
    GICH(GICH_LR(3)) = LR(LR_PENDING, 1, 0xa0, 40) | LR_HW | (40u << 10);
    elcall(SPSR_EL1H, el1_window, 0);
    print_seen("EL1 took HW 40:");
    CHECK_EQ("SPI 40 deactivated by the virtual EOI", gic_active(40), 0);
    print_lrs("after HW");
    gic_disable(40);

    GICH(GICH_HCR) = 0;
    SET_HCR_EL2(HCR_RW);
    return test_finish(TEST_NAME);
}
