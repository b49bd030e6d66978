/* ISR_EL1 at EL1: the pending physical IRQ (bit 7) whatever PSTATE.I says,
 * with the GIC (GICv2 here; sys_isr_v3.c builds the same test for GICv3)
 * signalling an SGI to this CPU; clear again once it is acknowledged, and
 * while the priority mask holds it back. */
#include "semihost.h"
#include "gic.h"

#ifndef TEST_NAME
#define TEST_NAME "sys_isr"
#endif

static inline uint64_t isr(void) { uint64_t v; __asm__ volatile("isb\n\tmrs %0, isr_el1" : "=r"(v)); return v; }

int main(void)
{
    CHECK_EQ("ISR_EL1 with nothing pending", isr(), 0);
    gic_init();
    gic_enable(3, 0x80);
    gic_sgi_self(3);
    CHECK_EQ("SGI 3 pending (GIC)", gic_pending(3), 1);
    CHECK_EQ("ISR_EL1.I with IRQs masked by PSTATE.I", isr(), 0x80);
    uint32_t id = gic_ack() & 0x3ff;
    CHECK_EQ("acknowledged", id, 3);
    CHECK_EQ("ISR_EL1 while the SGI is active", isr(), 0);
    gic_eoi(id);
    CHECK_EQ("ISR_EL1 after the EOI", isr(), 0);
    gic_set_priority(3, 0xf0);    /* not above the priority mask (0xf0) */
    gic_sgi_self(3);
    CHECK_EQ("ISR_EL1 with the SGI below the priority mask", isr(), 0);
    gic_set_priority(3, 0x80);
    CHECK_EQ("ISR_EL1 once its priority is raised", isr(), 0x80);
    id = gic_ack() & 0x3ff;
    gic_eoi(id);
    CHECK_EQ("ISR_EL1 at the end", isr(), 0);
    return test_finish(TEST_NAME);
}
