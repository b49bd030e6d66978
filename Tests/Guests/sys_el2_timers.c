/* The EL2 timers as a hypervisor uses them: the EL2 physical timer
 * (CNTHP_*_EL2, PPI 26) firing and taken at EL2 through the GICv3, and,
 * with FEAT_VHE, the EL2 virtual timer
 * (CNTHV_*_EL2) counting without CNTVOFF_EL2 (QEMU 7.2 does not wire it to
 * its PPI 28, so only its condition is compared here);
 * CNTVOFF_EL2 moving the EL1 virtual timer's condition and EL1's
 * CNTVCT_EL0; the CNTHCTL_EL2 traps of EL1's physical counter and timer
 * (EL1PCTEN, EL1PCEN: EC 0x18 to EL2).
 * ARMATURE-ARGS: -M virt,virtualization=on,gic-version=3 -cpu max */
#define GIC_V3 1
#include "semihost.h"
#include "gic.h"
#include "elcall.h"

#define TEST_NAME "sys_el2_timers"
#define RD(r) ELS_MRS(r)
#define WR(r, v) ELS_MSR(r, v)

static volatile uint64_t irq_id[8];
static volatile unsigned irq_count;

static int handler(els_exc_t *e)
{
    if (e->el == 2 && (e->vec & 0x180) == 0x80) {
        uint64_t id = RD("icc_iar1_el1");
        if (irq_count < 8) irq_id[irq_count] = id;
        irq_count = irq_count + 1;
        /* Mask the timer that fired (IMASK), then EOI. */
        if (id == 26) WR("cnthp_ctl_el2", 3);
        if (id < 1020) WR("icc_eoir1_el1", id);
        return 1;
    }
    return elcall_handler(e);
}

/* Waits (bounded) for the timer's ISTATUS, then opens IRQs at EL2. */
static int wait_and_take(void)
{
    for (unsigned i = 0; i < 100000000; i++) {
        uint64_t ctl = RD("cnthp_ctl_el2");
        if (ctl & 4) break;
    }
    unsigned before = irq_count;
    __asm__ volatile("msr daifclr, #2\n\tisb\n\tnop\n\tmsr daifset, #2\n\tisb" ::: "memory");
    return irq_count - before;
}

static uint64_t el1_counts(uint64_t arg)
{
    (void)arg;
    uint64_t p0 = RD("cntpct_el0");
    uint64_t v = RD("cntvct_el0");
    uint64_t p1 = RD("cntpct_el0");
    uint64_t off = RD("cntvoff_el2");   /* not reached: UNDEFINED at EL1 (recorded, skipped) */
    (void)off;
    /* CNTVCT = CNTPCT - CNTVOFF: between the two physical reads, minus the offset. */
    return v + (1ull << 36) >= p0 && v + (1ull << 36) <= p1;
}

static uint64_t el1_physical(uint64_t arg)
{
    (void)arg;
    (void)RD("cntpct_el0");        /* EL1PCTEN */
    (void)RD("cntp_ctl_el0");      /* EL1PCEN */
    WR("cntp_cval_el0", 1);        /* EL1PCEN */
    (void)RD("cntvct_el0");        /* never trapped by CNTHCTL_EL2 */
    return 0;
}

int main(void)
{
    if ((RD("CurrentEL") >> 2) != 2) {
        print_str("FAIL: this test starts at EL2 (-M virt,virtualization=on)\n");
        return 1;
    }
    elcall_init_el2();
    els_handler = handler;
    gic_init();
    gic_enable(26, 0x40);
    WR("hcr_el2", (1ull << 31) | (1ull << 4) | (1ull << 3));   /* RW, IMO, FMO: physical IRQs to EL2 */

    /* The EL2 physical timer. */
    WR("cnthp_tval_el2", 2000);
    WR("cnthp_ctl_el2", 1);
    CHECK_EQ("CNTHP interrupts taken", wait_and_take(), 1);
    CHECK_EQ("CNTHP INTID", irq_id[0], 26);
    CHECK_EQ("CNTHP_CTL_EL2 after (ENABLE, IMASK, ISTATUS)", RD("cnthp_ctl_el2"), 7);
    WR("cnthp_ctl_el2", 0);

    /* The EL2 virtual timer (FEAT_VHE): its count has no CNTVOFF_EL2. */
    WR("cntvoff_el2", (uint64_t)0 - (1ull << 41));
    WR("cnthv_cval_el2", RD("cntpct_el0") + (1ull << 40));
    WR("cnthv_ctl_el2", 3);
    CHECK_EQ("CNTHV ISTATUS with CVAL far ahead, CNTVOFF_EL2 = -2^41", RD("cnthv_ctl_el2"), 3);
    WR("cntvoff_el2", 0);
    WR("cnthv_ctl_el2", 0);

    /* CNTVOFF_EL2 moves the EL1 virtual timer's condition. */
    WR("cntvoff_el2", 0);
    WR("cntv_cval_el0", RD("cntpct_el0") + (1ull << 40));
    WR("cntv_ctl_el0", 3);                                      /* enabled, masked */
    CHECK_EQ("CNTV ISTATUS, CVAL far ahead", RD("cntv_ctl_el0"), 3);
    WR("cntvoff_el2", (uint64_t)0 - (1ull << 41));             /* the virtual count jumps 2^41 ahead */
    CHECK_EQ("CNTV ISTATUS after CNTVOFF_EL2 = -2^41", RD("cntv_ctl_el0"), 7);
    WR("cntvoff_el2", 0);
    CHECK_EQ("CNTV ISTATUS after CNTVOFF_EL2 = 0 again", RD("cntv_ctl_el0"), 3);
    WR("cntvoff_el2", 1ull << 36);
    WR("cntv_ctl_el0", 0);

    /* EL1's CNTVCT_EL0 counts CNTPCT - CNTVOFF_EL2. */
    elcall_reset();
    CHECK_EQ("EL1 CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2", elcall(SPSR_EL1H, el1_counts, 0), 1);
    CHECK_EQ("EL1 CNTVOFF_EL2 access: one exception", elcall_count, 1);
    CHECK_EQ("  ESR (Unknown reason: UNDEFINED)", elcall_log[0].esr >> 26, 0);
    WR("cntvoff_el2", 0);

    /* CNTHCTL_EL2: EL1PCTEN (bit 0) and EL1PCEN (bit 1) clear trap EL1's physical counter and timer. */
    WR("cnthctl_el2", 0);
    elcall_reset();
    elcall(SPSR_EL1H, el1_physical, 0);
    CHECK_EQ("CNTHCTL_EL2 = 0: traps", elcall_count, 3);
    for (unsigned i = 0; i < elcall_count && i < 3; i++) {
        print_str("trap ESR=");
        print_hex(elcall_log[i].esr);
        print_nl();
    }
    WR("cnthctl_el2", 3);
    elcall_reset();
    elcall(SPSR_EL1H, el1_physical, 0);
    CHECK_EQ("CNTHCTL_EL2 = 3: no traps", elcall_count, 0);

    WR("hcr_el2", 1ull << 31);
    return test_finish(TEST_NAME);
}
