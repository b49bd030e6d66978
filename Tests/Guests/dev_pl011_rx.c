/* PL011 receive: text fed to the emulator's stdin arrives in the receive FIFO
 * (UARTFR.RXFE clears), is read from UARTDR in order, and sets a receive
 * interrupt status (RX at the FIFO trigger level, or the receive timeout RT
 * below it: checked together, as QEMU 7.2 raises RX from one character on);
 * draining the FIFO clears them and sets RXFE again.
 *
 * GUEST-STDIN: hello pl011\n
 */
#include "semihost.h"

#define UART_BASE 0x09000000ul
#define UARTDR    0x000
#define UARTFR    0x018
#define UARTLCR_H 0x02c
#define UARTCR    0x030
#define UARTIMSC  0x038
#define UARTRIS   0x03c
#define UARTICR   0x044
#define FR_RXFE   (1u << 4)
#define INT_RX    (1u << 4)
#define INT_RT    (1u << 6)

static inline uint32_t rd(uint64_t off) { return *(volatile uint32_t *)(UART_BASE + off); }
static inline void wr(uint64_t off, uint32_t v) { *(volatile uint32_t *)(UART_BASE + off) = v; }

static int wait_rx(void)
{
    for (uint64_t spins = 0; spins < 200000000ull; spins++)
        if (!(rd(UARTFR) & FR_RXFE))
            return 1;
    return 0;
}

int main(void)
{
    wr(UARTCR, 0);
    wr(UARTLCR_H, 0x70);            /* 8 bits, FIFOs on */
    wr(UARTCR, 0x301);              /* UARTEN | TXE | RXE */
    char got[32];
    int n = 0;
    int status_seen = 0;
    while (n < (int)sizeof(got) - 1) {
        if (!wait_rx())
            break;
        if (rd(UARTRIS) & (INT_RX | INT_RT))
            status_seen = 1;
        uint32_t c = rd(UARTDR);
        CHECK_EQ("no receive errors", c >> 8, 0);
        got[n++] = (char)c;
        if ((char)c == '\n')
            break;
    }
    got[n] = 0;
    print_str("received: ");
    print_str(got);
    CHECK_EQ("characters received", n, 12);
    CHECK(memcmp(got, "hello pl011\n", 12) == 0, "the text fed to stdin");
    CHECK(status_seen, "RX or RT status while characters were waiting");
    CHECK_EQ("UARTFR.RXFE after draining", rd(UARTFR) & FR_RXFE, FR_RXFE);
    CHECK_EQ("RX, RT after draining", rd(UARTRIS) & (INT_RX | INT_RT), 0);
    CHECK_EQ("UARTDR when empty (no error bits)", rd(UARTDR) >> 8, 0);
    return test_finish("dev_pl011_rx");
}
