/* PL031 match alarm: RTCMR set two seconds ahead of the counter, its
 * interrupt unmasked (RTCIMSC) and enabled at the GIC (SPI 2, INTID 34);
 * the CPU waits in WFI with nothing else that could wake it, and the match
 * interrupt ends the wait when the counter gets there. The handler sees
 * RTCRIS and RTCMIS set and clears them with RTCICR. Prints no clock value. */
#include "semihost.h"
#include "gic.h"

#define RTC_BASE 0x09010000ul
#define RTCDR   0x000
#define RTCMR   0x004
#define RTCIMSC 0x010
#define RTCRIS  0x014
#define RTCMIS  0x018
#define RTCICR  0x01c
#define RTC_INTID 34

static inline uint32_t rd(uint64_t off) { return *(volatile uint32_t *)(RTC_BASE + off); }
static inline void wr(uint64_t off, uint32_t v) { *(volatile uint32_t *)(RTC_BASE + off) = v; }

static volatile uint32_t taken, other, ris_in_handler, mis_in_handler, dr_in_handler;

static int irq_hook(exc_frame_t *f)
{
    if (f->vec != 0x280)
        return 0;
    uint32_t id = gic_ack() & 0x3ff;
    if (id == 1023)
        return 1;
    if (id == RTC_INTID) {
        taken++;
        ris_in_handler = rd(RTCRIS);
        mis_in_handler = rd(RTCMIS);
        dr_in_handler = rd(RTCDR);
        wr(RTCICR, 1);
    } else {
        other++;
    }
    gic_eoi(id);
    return 1;
}

int main(void)
{
    exception_hook = irq_hook;
    gic_init();
    gic_enable(RTC_INTID, 0x80);
    wr(RTCIMSC, 1);
    uint32_t t = rd(RTCDR);
    wr(RTCMR, t + 2);
    CHECK_EQ("RTCRIS before the match", rd(RTCRIS), 0);
    __asm__ volatile("msr daifclr, #2\n\tisb" : : : "memory");
    unsigned waits = 0;
    while (!taken && waits < 100000) {
        __asm__ volatile("wfi" : : : "memory");
        waits++;
    }
    __asm__ volatile("msr daifset, #2\n\tisb" : : : "memory");
    CHECK_EQ("the match interrupt ended the WFI", taken, 1);
    CHECK_EQ("no other interrupt", other, 0);
    CHECK_EQ("RTCRIS in the handler", ris_in_handler, 1);
    CHECK_EQ("RTCMIS in the handler", mis_in_handler, 1);
    CHECK_EQ("RTCDR reached RTCMR", dr_in_handler - t >= 2 && dr_in_handler - t <= 4, 1);
    CHECK_EQ("RTCRIS after RTCICR", rd(RTCRIS), 0);
    CHECK_EQ("INTID 34 no longer pending", gic_pending(RTC_INTID), 0);
    return test_finish("dev_pl031_alarm");
}
