/* Generic timer without interrupts (compared with QEMU): CNTFRQ_EL0 is 62.5 MHz;
 * CNTPCT_EL0 and CNTVCT_EL0 never go backwards, and without EL2 they agree;
 * for the EL1 physical timer (CNTP_*) and the virtual timer (CNTV_*):
 * CTL keeps ENABLE/IMASK, ISTATUS is read-only and is 1 exactly when the count
 * has reached CVAL (whatever IMASK says); TVAL reads CVAL - count as a signed
 * 32-bit value (bits 63:32 zero); a TVAL write sets CVAL = count + SignExtend(TVAL);
 * CVAL holds 64 bits; polling CTL sees ISTATUS rise once a 1 ms deadline passes.
 * IRQs stay masked (PSTATE.I) throughout, so no GIC is needed. Counter values
 * are checked, never printed. */
#include "semihost.h"

#define RD(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

#define TICKS_PER_MS 62500ull

/* One timer: CTL, CVAL, TVAL registers and the counter it compares with. */
#define TIMER_TEST(name, CTL, CVAL, TVAL, CNT)                                         \
static void test_##name(void)                                                         \
{                                                                                     \
    print_str(#name ":\n");                                                           \
    WR(CTL, 0);                                                                       \
    CHECK_EQ("  ctl after writing 0", RD(CTL) & 3, 0);                                \
    /* deadline 10 s away: enabled, masked, condition not met */                      \
    WR(CVAL, RD(CNT) + 10000 * TICKS_PER_MS);                                         \
    WR(CTL, 3);                                                                       \
    CHECK_EQ("  ctl enabled+imask, future cval", RD(CTL), 3);                         \
    {                                                                                 \
        uint64_t t = RD(TVAL);                                                        \
        CHECK_EQ("  tval bits 63:32", t >> 32, 0);                                    \
        int32_t s = (int32_t)t;                                                       \
        CHECK_EQ("  tval positive and at most 10 s", s > 0 && s <= (int32_t)(10000 * TICKS_PER_MS), 1); \
    }                                                                                 \
    /* a deadline in the past: ISTATUS at once, TVAL negative */                      \
    WR(CVAL, RD(CNT) - 1);                                                            \
    CHECK_EQ("  ctl with cval in the past", RD(CTL), 7);                              \
    CHECK_EQ("  tval negative", (int32_t)RD(TVAL) < 0, 1);                            \
    /* ISTATUS is read-only; IMASK does not change it */                              \
    WR(CTL, 1 | 4);                                                                   \
    CHECK_EQ("  ctl enabled, unmasked (istatus write ignored)", RD(CTL), 5);          \
    WR(CTL, 3);                                                                       \
    /* TVAL write: CVAL = count + TVAL */                                             \
    {                                                                                 \
        uint64_t c0 = RD(CNT);                                                        \
        WR(TVAL, 1000 * TICKS_PER_MS);                                                \
        uint64_t c1 = RD(CNT);                                                        \
        uint64_t cv = RD(CVAL);                                                       \
        CHECK_EQ("  cval = count + tval", cv >= c0 + 1000 * TICKS_PER_MS && cv <= c1 + 1000 * TICKS_PER_MS, 1); \
        CHECK_EQ("  ctl after tval write", RD(CTL), 3);                               \
        /* TVAL is sign-extended: -1 puts CVAL just behind the count */               \
        c0 = RD(CNT);                                                                 \
        WR(TVAL, 0xffffffffull);                                                      \
        c1 = RD(CNT);                                                                 \
        cv = RD(CVAL);                                                                \
        CHECK_EQ("  tval -1: cval = count - 1", cv >= c0 - 1 && cv <= c1 - 1, 1);    \
        CHECK_EQ("  ctl after tval -1", RD(CTL), 7);                                  \
        /* only TVAL bits 31:0 count */                                               \
        c0 = RD(CNT);                                                                 \
        WR(TVAL, 0xabcd000000000000ull | (500 * TICKS_PER_MS));                       \
        cv = RD(CVAL);                                                                \
        CHECK_EQ("  tval bits 63:32 ignored", cv >= c0 + 500 * TICKS_PER_MS && cv <= RD(CNT) + 500 * TICKS_PER_MS, 1); \
    }                                                                                 \
    /* CVAL holds 64 bits */                                                          \
    WR(CVAL, 0xfffffffffffffff0ull);                                                  \
    CHECK_EQ("  cval read back", RD(CVAL), 0xfffffffffffffff0ull);                    \
    CHECK_EQ("  ctl with cval at the end of time", RD(CTL), 3);                       \
    /* poll: ISTATUS rises once 1 ms has passed */                                    \
    WR(TVAL, TICKS_PER_MS);                                                           \
    {                                                                                 \
        uint64_t cv = RD(CVAL);                                                       \
        uint64_t before = RD(CTL);                                                    \
        uint64_t n = 0;                                                               \
        while (!(RD(CTL) & 4) && n < 2000000000ull)                                   \
            n++;                                                                      \
        CHECK_EQ("  ctl right after arming 1 ms", before, 3);                         \
        CHECK_EQ("  istatus rose", RD(CTL), 7);                                       \
        CHECK_EQ("  count reached cval", RD(CNT) >= cv, 1);                           \
        CHECK_EQ("  still set later", RD(CTL), 7);                                    \
    }                                                                                 \
    WR(CTL, 0);                                                                       \
}

TIMER_TEST(cntp, cntp_ctl_el0, cntp_cval_el0, cntp_tval_el0, cntpct_el0)
TIMER_TEST(cntv, cntv_ctl_el0, cntv_cval_el0, cntv_tval_el0, cntvct_el0)

int main(void)
{
    CHECK_EQ("cntfrq_el0", RD(cntfrq_el0), 62500000);
    uint64_t last = RD(cntpct_el0), back = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t v = RD(cntpct_el0);
        back += v < last;
        last = v;
    }
    CHECK_EQ("cntpct went backwards", back, 0);
    last = RD(cntvct_el0);
    back = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t v = RD(cntvct_el0);
        back += v < last;
        last = v;
    }
    CHECK_EQ("cntvct went backwards", back, 0);
    /* no EL2: CNTVOFF is 0, so CNTVCT lies between two CNTPCT reads */
    uint64_t p0 = RD(cntpct_el0), v = RD(cntvct_el0), p1 = RD(cntpct_el0);
    CHECK_EQ("cntpct <= cntvct <= cntpct", p0 <= v && v <= p1, 1);
    /* the counter moves: 1 ms of busy waiting is >= 62500 ticks */
    p0 = RD(cntpct_el0);
    while (RD(cntpct_el0) - p0 < TICKS_PER_MS)
        ;
    CHECK_EQ("counter advanced", RD(cntpct_el0) - p0 >= TICKS_PER_MS, 1);

    test_cntp();
    test_cntv();
    return test_finish("sys_timer_poll");
}
