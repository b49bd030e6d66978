/* PL011 UART at 0x09000000: identification registers, programming the line
 * (IBRD/FBRD/LCR_H/CR read back), enabling the UART (UARTEN|TXE|RXE) and
 * transmitting through UARTDR while polling UARTFR.TXFF. The UART text and
 * the semihosting text share stdout in order. */
#include "semihost.h"

#define UART_BASE 0x09000000ul
#define UARTDR    0x000
#define UARTFR    0x018
#define UARTIBRD  0x024
#define UARTFBRD  0x028
#define UARTLCR_H 0x02c
#define UARTCR    0x030
#define UARTIMSC  0x038
#define FR_TXFF   (1u << 5)

static inline uint32_t rd(uint64_t off) { return *(volatile uint32_t *)(UART_BASE + off); }
static inline void wr(uint64_t off, uint32_t v) { *(volatile uint32_t *)(UART_BASE + off) = v; }

static void uart_putc(char c)
{
    unsigned spins = 0;
    while ((rd(UARTFR) & FR_TXFF) && spins < 1000000)
        spins++;
    wr(UARTDR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

int main(void)
{
    /* PrimeCell identification: PeriphID0/1 = part 0x011, designer 0x41;
     * PeriphID2 low nibble = designer[7:4]; PCellID = 0xb105f00d */
    CHECK_EQ("UARTPeriphID0", rd(0xfe0), 0x11);
    CHECK_EQ("UARTPeriphID1", rd(0xfe4), 0x10);
    CHECK_EQ("UARTPeriphID2 designer", rd(0xfe8) & 0xf, 0x4);
    CHECK_EQ("UARTPeriphID3", rd(0xfec), 0x00);
    CHECK_EQ("UARTPCellID0", rd(0xff0), 0x0d);
    CHECK_EQ("UARTPCellID1", rd(0xff4), 0xf0);
    CHECK_EQ("UARTPCellID2", rd(0xff8), 0x05);
    CHECK_EQ("UARTPCellID3", rd(0xffc), 0xb1);

    /* program the line: disable, 115200 at 24 MHz (IBRD 13, FBRD 1), 8N1 + FIFOs */
    wr(UARTCR, 0);
    wr(UARTIBRD, 13);
    wr(UARTFBRD, 1);
    wr(UARTLCR_H, 0x70);
    wr(UARTIMSC, 0);
    wr(UARTCR, 0x301);
    CHECK_EQ("UARTIBRD", rd(UARTIBRD), 13);
    CHECK_EQ("UARTFBRD", rd(UARTFBRD), 1);
    CHECK_EQ("UARTLCR_H", rd(UARTLCR_H), 0x70);
    CHECK_EQ("UARTCR", rd(UARTCR), 0x301);

    print_str("before the UART text\n");
    uart_puts("uart: hello from the PL011\n");
    uart_puts("uart: 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ !#$%&()*+,-./:;<=>?@[]^_{|}~\n");
    print_str("after the UART text\n");
    /* byte store to UARTDR (a 32-bit register; only the low byte is data) */
    uart_putc('u');
    uart_putc('8');
    uart_putc('\n');
    CHECK((rd(UARTFR) & FR_TXFF) == 0, "TX FIFO not full after polling");
    return test_finish("dev_pl011");
}
