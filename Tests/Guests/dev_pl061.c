/* PL061 GPIO at 0x09030000: identification, GPIODIR, GPIODATA through the
 * address mask (bits 9:2 select the lines a read or write touches; only
 * output lines are written), the interrupt control registers read back, and
 * no edge interrupt from output lines. */
#include "semihost.h"

#define GPIO_BASE 0x09030000ul
#define GPIODIR   0x400
#define GPIOIS    0x404
#define GPIOIBE   0x408
#define GPIOIEV   0x40c
#define GPIOIE    0x410
#define GPIORIS   0x414
#define GPIOMIS   0x418
#define GPIOIC    0x41c
#define GPIOAFSEL 0x420
#define DATA(mask) ((uint64_t)(mask) << 2)

static inline uint32_t rd(uint64_t off) { return *(volatile uint32_t *)(GPIO_BASE + off); }
static inline void wr(uint64_t off, uint32_t v) { *(volatile uint32_t *)(GPIO_BASE + off) = v; }

int main(void)
{
    static const uint32_t ids[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (int i = 0; i < 8; i++)
        CHECK_EQ("GPIO ID register", rd(0xfe0 + 4 * i), ids[i]);
    CHECK_EQ("GPIODIR at reset", rd(GPIODIR), 0);
    CHECK_EQ("GPIOIE at reset", rd(GPIOIE), 0);
    CHECK_EQ("GPIORIS at reset", rd(GPIORIS), 0);

    /* Every line an output. */
    wr(GPIODIR, 0xff);
    CHECK_EQ("GPIODIR", rd(GPIODIR), 0xff);
    wr(DATA(0xff), 0xa5);
    CHECK_EQ("GPIODATA all lines", rd(DATA(0xff)), 0xa5);
    CHECK_EQ("GPIODATA read through mask 0x0f", rd(DATA(0x0f)), 0x05);
    CHECK_EQ("GPIODATA read through mask 0", rd(DATA(0)), 0);
    wr(DATA(0x03), 0xff);                      /* only lines 0 and 1 change */
    CHECK_EQ("GPIODATA after a masked write", rd(DATA(0xff)), 0xa7);
    wr(DATA(0xf0), 0x00);
    CHECK_EQ("GPIODATA after clearing the high lines", rd(DATA(0xff)), 0x07);

    /* Interrupt control registers are stored; outputs raise nothing. */
    wr(GPIOIEV, 0xc8);       /* lines 0-3 (0x7) do not match their level */
    wr(GPIOIBE, 0x30);
    wr(GPIOIS, 0x0f);        /* after GPIOIEV: no level matches on the way */
    wr(GPIOAFSEL, 0x81);
    CHECK_EQ("GPIOIS", rd(GPIOIS), 0x0f);
    CHECK_EQ("GPIOIBE", rd(GPIOIBE), 0x30);
    CHECK_EQ("GPIOIEV", rd(GPIOIEV), 0xc8);
    CHECK_EQ("GPIORIS with no level matching", rd(GPIORIS), 0);
    CHECK_EQ("GPIOAFSEL", rd(GPIOAFSEL), 0x81);
    wr(GPIOIS, 0);
    wr(GPIOIE, 0xf0);
    CHECK_EQ("GPIOIE", rd(GPIOIE), 0xf0);
    wr(DATA(0xff), 0xf0);
    wr(DATA(0xff), 0x00);
    CHECK_EQ("GPIORIS after output edges", rd(GPIORIS), 0);
    CHECK_EQ("GPIOMIS after output edges", rd(GPIOMIS), 0);
    wr(GPIOIC, 0xff);
    wr(GPIOIE, 0);
    wr(GPIODIR, 0);
    return test_finish("dev_pl061");
}
