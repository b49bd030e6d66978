/* Timer interrupts at EL1 through the GIC (QEMU virt's default GICv2 here;
 * dev_gicv3_timer_irq.c builds the same test for GICv3): the physical timer is
 * PPI 30 (INTID 30), the virtual timer INTID 27. The handler acknowledges
 * the interrupt at the GIC (its INTID is checked), disables both timers (the
 * interrupt is level-sensitive) and ends it. Checks:
 *  - an asserted timer IRQ is not taken while PSTATE.I is set, and is taken
 *    right after `msr daifclr, #2` at VBAR_EL1 + 0x280 (current EL, SPx), with
 *    ELR = the instruction after the MSR, SPSR = the interrupted PSTATE (EL1h,
 *    I clear), ESR_EL1 untouched, DAIF all masked in the handler;
 *  - the same for the virtual timer;
 *  - CNTP_CTL.IMASK keeps the interrupt away; clearing it with I clear takes it
 *    after that MSR;
 *  - an IRQ interrupts a tight loop (the host alarm at the deadline);
 *  - WFI with I set returns once the deadline passed (no IRQ taken); WFI with
 *    I clear is interrupted and ELR points after the WFI;
 *  - WFE: SEVL makes it return at once; a pending (masked) IRQ ends the wait
 *    (in a loop: WFE may return early);
 *    the event stream (CNTKCTL_EL1.EVNTEN) ends it; an exception return sets
 *    the event register. */
#include "semihost.h"
#include "gic.h"

#ifndef TEST_NAME
#define TEST_NAME "sys_timer_irq"
#endif

#define RD(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

#define TICKS_PER_MS 62500ull
#define ESR_MARK 0x5a5a5a5aull

static volatile uint64_t irq_count, irq_elr, irq_spsr, irq_esr, irq_vec, irq_daif, irq_which, irq_intid;

static int irq_hook(exc_frame_t *f)
{
    if (f->vec != 0x280)
        return 0;
    irq_count++;
    /* A WFI interrupted before it ran (the host thread was descheduled past
     * the deadline) is skipped, as if it had returned: it would wait forever
     * with the timer disabled. */
    if (*(volatile uint32_t *)(uintptr_t)f->elr == 0xd503207f)
        f->elr += 4;
    irq_elr = f->elr;
    irq_spsr = f->spsr;
    irq_esr = f->esr;
    irq_vec = f->vec;
    irq_daif = exc_handler_daif;
    uint64_t p = RD(cntp_ctl_el0), v = RD(cntv_ctl_el0);
    irq_which = ((p & 7) == 5 ? 1 : 0) | ((v & 7) == 5 ? 2 : 0);
    irq_intid = gic_ack();
    WR(cntp_ctl_el0, 0);
    WR(cntv_ctl_el0, 0);
    gic_eoi((uint32_t)irq_intid);
    return 1;
}

static void check_irq(const char *what, uint64_t count, uint64_t elr, uint64_t which)
{
    print_str(what);
    print_nl();
    CHECK_EQ("  irq count", irq_count, count);
    CHECK_EQ("  vector offset", irq_vec, 0x280);
    CHECK_EQ("  elr is the next instruction", irq_elr == elr, 1);
    CHECK_EQ("  spsr (EL1h, D A F set, I clear)", irq_spsr & 0x3cf, 0x345);
    CHECK_EQ("  esr untouched", irq_esr, ESR_MARK);
    CHECK_EQ("  daif in the handler", irq_daif, 0x3c0);
    CHECK_EQ("  source", irq_which, which);
    CHECK_EQ("  intid", irq_intid, which == 1 ? 30 : 27);
}

int main(void)
{
    exception_hook = irq_hook;
    WR(esr_el1, ESR_MARK);
    gic_init();
    gic_enable(30, 0x80);
    gic_enable(27, 0x80);
    uint64_t elr;

    /* 1. Masked by PSTATE.I until DAIFClr. */
    WR(cntp_tval_el0, TICKS_PER_MS / 10);
    WR(cntp_ctl_el0, 1);
    while (!(RD(cntp_ctl_el0) & 4))
        ;
    for (volatile int i = 0; i < 10000; i++)
        ;
    CHECK_EQ("no irq while I is set", irq_count, 0);
    __asm__ volatile("msr daifclr, #2\n1:\tadr %0, 1b\n\tmsr daifset, #2" : "=r"(elr) : : "memory");
    check_irq("physical timer, taken after daifclr:", 1, elr, 1);

    /* 2. The virtual timer. */
    WR(cntv_tval_el0, TICKS_PER_MS / 10);
    WR(cntv_ctl_el0, 1);
    while (!(RD(cntv_ctl_el0) & 4))
        ;
    CHECK_EQ("no virtual timer irq while I is set", irq_count, 1);
    __asm__ volatile("msr daifclr, #2\n1:\tadr %0, 1b\n\tmsr daifset, #2" : "=r"(elr) : : "memory");
    check_irq("virtual timer, taken after daifclr:", 2, elr, 2);

    /* 3. IMASK holds it off; clearing IMASK with I clear takes it. */
    WR(cntp_cval_el0, 0);
    WR(cntp_ctl_el0, 3);
    __asm__ volatile("msr daifclr, #2\n\tnop\n\tisb\n\tnop\n\tmsr daifset, #2" : : : "memory");
    CHECK_EQ("no irq while IMASK is set", irq_count, 2);
    __asm__ volatile("msr daifclr, #2\n\tmsr cntp_ctl_el0, %1\n1:\tadr %0, 1b\n\tmsr daifset, #2"
                     : "=r"(elr) : "r"(1ull) : "memory");
    check_irq("physical timer, taken after clearing IMASK:", 3, elr, 1);

    /* 4. A tight loop is interrupted at the deadline. */
    WR(cntp_tval_el0, TICKS_PER_MS);
    WR(cntp_ctl_el0, 1);
    uint64_t spins = 0;
    __asm__ volatile("msr daifclr, #2" : : : "memory");
    while (irq_count == 3 && spins < 4000000000ull)
        spins++;
    __asm__ volatile("msr daifset, #2" : : : "memory");
    print_str("tight loop:\n");
    CHECK_EQ("  irq count", irq_count, 4);
    CHECK_EQ("  source", irq_which, 1);
    CHECK_EQ("  intid", irq_intid, 30);

    /* 5. WFI with I set: returns after the deadline, no IRQ taken. */
    WR(cntp_tval_el0, 2 * TICKS_PER_MS);
    WR(cntp_ctl_el0, 1);
    uint64_t cval = RD(cntp_cval_el0);
    __asm__ volatile("wfi" : : : "memory");
    print_str("wfi with I set:\n");
    CHECK_EQ("  woke with istatus set", RD(cntp_ctl_el0), 5);
    CHECK_EQ("  count reached cval", RD(cntpct_el0) >= cval, 1);
    CHECK_EQ("  irq count", irq_count, 4);
    __asm__ volatile("msr daifclr, #2\n1:\tadr %0, 1b\n\tmsr daifset, #2" : "=r"(elr) : : "memory");
    check_irq("  then taken after daifclr:", 5, elr, 1);

    /* 6. WFI with I clear: interrupted, ELR after the WFI. */
    WR(cntp_tval_el0, 20 * TICKS_PER_MS);
    WR(cntp_ctl_el0, 1);
    __asm__ volatile("msr daifclr, #2\n\twfi\n1:\tadr %0, 1b\n\tmsr daifset, #2" : "=r"(elr) : : "memory");
    check_irq("wfi with I clear:", 6, elr, 1);

    /* 7. WFE. */
    __asm__ volatile("sevl\n\twfe" : : : "memory");                  /* event register set: no wait */
    WR(cntv_tval_el0, 2 * TICKS_PER_MS);
    WR(cntv_ctl_el0, 1);
    /* The second WFE waits for the IRQ line. WFE may also return early (the
     * Arm ARM allows spurious wake-ups; QEMU's WFE only yields), so wait in a
     * loop until the timer condition holds. */
    __asm__ volatile("sevl\n\twfe" : : : "memory");
    do
        __asm__ volatile("wfe" : : : "memory");
    while (!(RD(cntv_ctl_el0) & 4));
    print_str("wfe:\n");
    CHECK_EQ("  woke by the (masked) virtual timer irq", RD(cntv_ctl_el0), 5);
    WR(cntv_ctl_el0, 0);
    /* event stream on CNTVCT bit 10 (0 -> 1 every 2048 ticks, ~33 us) */
    WR(cntkctl_el1, (10 << 4) | (1 << 2));
    __asm__ volatile("sevl\n\twfe\n\twfe\n\twfe" : : : "memory");
    WR(cntkctl_el1, 0);
    CHECK_EQ("  woke by the event stream", 1, 1);
    /* an exception return sets the event register: SVC, then WFE does not wait */
    __asm__ volatile("sevl\n\twfe" : : : "memory");
    exc_record_mode = 1;
    exc_skip = 0;
    __asm__ volatile("svc #0x42" : : : "memory");
    exc_record_mode = 0;
    __asm__ volatile("wfe" : : : "memory");
    CHECK_EQ("  woke after eret", ESR_EC(exc_last.esr), 0x15);
    CHECK_EQ("  irq count", irq_count, 6);

    return test_finish(TEST_NAME);
}
