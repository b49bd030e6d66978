/* PL031 real-time clock at 0x09010000: identification, RTCCR (always
 * running), RTCDR counting host seconds (plausible: after 2020, within 2 s of
 * semihosting SYS_TIME, never going back), RTCLR loading the counter, the
 * match interrupt (RTCMR = the counter: at once; RTCMR ahead: when the counter
 * gets there; RTCMR behind: never), RTCIMSC/RTCMIS masking, RTCICR clearing.
 * Prints no clock value. */
#include "semihost.h"

#define RTC_BASE 0x09010000ul
#define RTCDR   0x000
#define RTCMR   0x004
#define RTCLR   0x008
#define RTCCR   0x00c
#define RTCIMSC 0x010
#define RTCRIS  0x014
#define RTCMIS  0x018
#define RTCICR  0x01c

static inline uint32_t rd(uint64_t off) { return *(volatile uint32_t *)(RTC_BASE + off); }
static inline void wr(uint64_t off, uint32_t v) { *(volatile uint32_t *)(RTC_BASE + off) = v; }

int main(void)
{
    static const uint32_t ids[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (int i = 0; i < 8; i++)
        CHECK_EQ("RTC ID register", rd(0xfe0 + 4 * i), ids[i]);
    CHECK_EQ("RTCCR (always running)", rd(RTCCR), 1);

    uint32_t t0 = rd(RTCDR);
    uint64_t host = sh_time();
    CHECK(t0 > 1577836800u, "RTCDR after 2020-01-01");
    CHECK(t0 + 2 >= host && host + 2 >= t0, "RTCDR within 2 s of SYS_TIME");
    CHECK(rd(RTCDR) >= t0, "RTCDR does not go back");
    CHECK_EQ("RTCRIS at reset", rd(RTCRIS), 0);

    /* Load the counter; it counts on from there. */
    wr(RTCLR, 1000);
    uint32_t t1 = rd(RTCDR);
    CHECK(t1 >= 1000 && t1 <= 1001, "RTCDR after RTCLR = 1000");

    /* A match equal to the counter fires at once; masked: RIS only. */
    wr(RTCMR, rd(RTCDR));
    CHECK_EQ("RTCRIS after RTCMR = RTCDR", rd(RTCRIS), 1);
    CHECK_EQ("RTCMIS (masked)", rd(RTCMIS), 0);
    wr(RTCIMSC, 1);
    CHECK_EQ("RTCIMSC", rd(RTCIMSC), 1);
    CHECK_EQ("RTCMIS (unmasked)", rd(RTCMIS), 1);
    wr(RTCICR, 1);
    CHECK_EQ("RTCRIS after RTCICR", rd(RTCRIS), 0);
    CHECK_EQ("RTCMR reads back", rd(RTCMR) >= 1000 && rd(RTCMR) <= 1001, 1);

    /* A match behind the counter never fires. */
    wr(RTCMR, rd(RTCDR) - 100);
    CHECK_EQ("RTCRIS with RTCMR behind", rd(RTCRIS), 0);

    /* A match one second ahead fires when the counter gets there. */
    uint32_t target = rd(RTCDR) + 1;
    wr(RTCMR, target);
    CHECK_EQ("RTCRIS before the match", rd(RTCRIS) & (rd(RTCDR) < target), 0);
    uint64_t spins = 0;
    while (rd(RTCDR) < target && spins < 400000000ull)
        spins++;
    CHECK(rd(RTCDR) >= target, "the counter reached RTCMR");
    /* QEMU raises it from a host timer at the same second: give it a moment. */
    spins = 0;
    while (!(rd(RTCRIS) & 1) && spins < 100000000ull)
        spins++;
    CHECK_EQ("RTCRIS after the match", rd(RTCRIS), 1);
    CHECK_EQ("RTCMIS after the match", rd(RTCMIS), 1);
    wr(RTCICR, 1);
    wr(RTCIMSC, 0);
    CHECK_EQ("RTCMIS cleared", rd(RTCMIS), 0);
    return test_finish("dev_pl031");
}
