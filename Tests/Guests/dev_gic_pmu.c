/* The PMU's overflow interrupt through the GIC (PPI 7 = INTID 23 on QEMU's
 * virt): the cycle counter set just below its 32-bit overflow, counting
 * (PMCR_EL0.E, PMCNTENSET_EL0.C) with the overflow interrupt enabled
 * (PMINTENSET_EL1.C); the IRQ is taken with INTID 23 and PMOVSSET_EL0.C set;
 * clearing PMOVSCLR_EL0.C lowers it. Without PMINTENSET no IRQ is taken. */
#include "semihost.h"
#include "gic.h"

#define RD(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

static volatile uint64_t irq_count, irq_intid, irq_pmovs;

static int irq_hook(exc_frame_t *f)
{
    if (f->vec != 0x280)
        return 0;
    uint32_t id = gic_ack() & 0x3FF;
    if (id == 1023)
        return 1;
    irq_count++;
    irq_intid = id;
    irq_pmovs = RD(pmovsclr_el0) >> 31 & 1;
    WR(pmovsclr_el0, 1ull << 31);
    gic_eoi(id);
    return 1;
}

static void overflow_soon(void)
{
    WR(pmcr_el0, 0);
    WR(pmovsclr_el0, 1ull << 31);
    WR(pmccntr_el0, 0xFFFFF000ull);   /* overflows after 4096 cycles */
    WR(pmccfiltr_el0, 0);
    WR(pmcntenset_el0, 1ull << 31);
    WR(pmcr_el0, 1);                  /* E */
}

int main(void)
{
    exception_hook = irq_hook;
    gic_init();
    gic_enable(23, 0x80);

    /* 1. Overflow with the interrupt disabled: PMOVSSET.C, no IRQ. */
    WR(pmintenclr_el1, 1ull << 31);
    overflow_soon();
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (int i = 0; i < 1000000 && !(RD(pmovsset_el0) >> 31 & 1); i++)
        (void)RD(pmccntr_el0);
    __asm__ volatile("msr daifset, #2" ::: "memory");
    CHECK_EQ("overflow flag set", RD(pmovsset_el0) >> 31 & 1, 1);
    CHECK_EQ("no irq without pmintenset", irq_count, 0);

    /* 2. With PMINTENSET.C: the overflow interrupt. */
    WR(pmintenset_el1, 1ull << 31);
    overflow_soon();
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (int i = 0; i < 1000000 && irq_count == 0; i++)
        (void)RD(pmccntr_el0);
    __asm__ volatile("msr daifset, #2" ::: "memory");
    CHECK_EQ("overflow irq taken", irq_count, 1);
    CHECK_EQ("  intid", irq_intid, 23);
    CHECK_EQ("  pmovsset.c in the handler", irq_pmovs, 1);
    CHECK_EQ("  no longer pending", gic_pending(23), 0);
    WR(pmcr_el0, 0);
    WR(pmintenclr_el1, 1ull << 31);
    return test_finish("dev_gic_pmu");
}
