/* The secure PL011 at 0x09040000 (secure=on) carries QEMU's second serial
 * port: Secure EL3 and Secure EL1 write a line each to it, which goes to the
 * second -serial (scripts/test-cli.py runs this test with -serial file:A
 * -serial file:B and compares B with QEMU 7.2's); with one -serial, as here,
 * the output is dropped. The flag register says the transmitter is idle
 * after each line (the UART transmits at once).
 *
 * ARMATURE-ARGS: -M virt,secure=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SEC_UART 0x09040000ull
#define UARTDR   0x000
#define UARTFR   0x018
#define UARTCR   0x030
#define FR_BUSY  (1u << 3)
#define FR_TXFF  (1u << 5)
#define FR_TXFE  (1u << 7)
#define SCR_RW   (1ull << 10)

static volatile uint32_t *reg(unsigned off) { return (volatile uint32_t *)(SEC_UART + off); }

/* Writes the line; returns the flag register afterwards. */
static uint64_t send(uint64_t text)
{
    for (const char *s = (const char *)text; *s; s++) {
        while (*reg(UARTFR) & FR_TXFF) { }
        *reg(UARTDR) = (uint8_t)*s;
    }
    return *reg(UARTFR);
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();
    *reg(UARTCR) = 0x301;                            /* RXE, TXE, UARTEN */
    uint64_t fr = send((uint64_t)"secure UART: hello from Secure EL3\n");
    CHECK_EQ("EL3: FR.BUSY, TXFF clear, TXFE set", fr & (FR_BUSY | FR_TXFF | FR_TXFE), FR_TXFE);
    ELS_MSR("scr_el3", SCR_RW);                      /* Secure EL1 (no Secure EL2) */
    elcall_reset();
    fr = elcall(SPSR_EL1H, send, (uint64_t)"secure UART: hello from Secure EL1\n");
    CHECK_EQ("Secure EL1: no exception", elcall_count, 0);
    CHECK_EQ("Secure EL1: FR.BUSY, TXFF clear, TXFE set", fr & (FR_BUSY | FR_TXFF | FR_TXFE), FR_TXFE);
    return test_finish("dev_secure_uart");
}
