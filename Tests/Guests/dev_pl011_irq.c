/* PL011 receive by interrupt: the guest waits in WFI with the UART's receive
 * interrupts (RX, RT) unmasked and routed through the GIC (SPI 1, INTID 33);
 * text fed to the emulator's stdin wakes it, the handler drains the FIFO
 * (which lowers the interrupt) and ends the interrupt; the text arrives whole
 * and in order.
 *
 * GUEST-STDIN: hello irq\n
 */
#include "semihost.h"
#include "gic.h"

#define UART_BASE 0x09000000ul
#define UARTDR    0x000
#define UARTFR    0x018
#define UARTLCR_H 0x02c
#define UARTCR    0x030
#define UARTIMSC  0x038
#define UARTMIS   0x040
#define FR_RXFE   (1u << 4)
#define INT_RX    (1u << 4)
#define INT_RT    (1u << 6)
#define UART(off) (*(volatile uint32_t *)(UART_BASE + (off)))

static volatile char got[32];
static volatile uint32_t ngot, nirq, other;

static int irq_hook(exc_frame_t *f)
{
    if (f->vec != 0x280)
        return 0;
    uint32_t id = gic_ack() & 0x3FF;
    if (id == 1023)
        return 1;
    if (id == 33) {
        nirq++;
        while (!(UART(UARTFR) & FR_RXFE)) {
            uint32_t c = UART(UARTDR);
            if (ngot < sizeof(got) - 1)
                got[ngot++] = (char)c;
        }
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
    gic_enable(33, 0x80);
    UART(UARTCR) = 0;
    UART(UARTLCR_H) = 0x70;            /* 8 bits, FIFOs on */
    UART(UARTCR) = 0x301;
    UART(UARTIMSC) = INT_RX | INT_RT;
    for (uint32_t waits = 0; waits < 1000000; waits++) {
        if (ngot > 0 && got[ngot - 1] == '\n')
            break;
        __asm__ volatile("wfi" ::: "memory");
        __asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2\n\tisb" ::: "memory");
    }
    got[ngot] = 0;
    print_str("received: ");
    print_str((const char *)got);
    CHECK_EQ("characters received", ngot, 10);
    CHECK(memcmp((const char *)got, "hello irq\n", 10) == 0, "the text fed to stdin");
    CHECK(nirq >= 1, "taken as UART interrupts");
    CHECK_EQ("other interrupts", other, 0);
    CHECK_EQ("UARTMIS after draining", UART(UARTMIS), 0);
    CHECK_EQ("INTID 33 pending after draining", gic_pending(33), 0);
    UART(UARTIMSC) = 0;
    return test_finish("dev_pl011_irq");
}
