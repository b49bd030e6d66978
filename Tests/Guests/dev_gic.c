/* The GIC at EL1 (QEMU virt's default GICv2 here; dev_gicv3.c builds the same
 * test for GICv3), interrupts taken as IRQs at VBAR_EL1 + 0x280:
 *  - SGI to self: pending (ISPENDR, the highest-priority pending register)
 *    while PSTATE.I masks it, taken after DAIFClr, acknowledged with its INTID;
 *  - priorities: three SGIs pending at once are taken highest priority first,
 *    lowest INTID first among equals; the running priority in the handler;
 *  - preemption: inside a handler, an SGI of the same priority cannot be
 *    acknowledged (1023) while one of higher priority can (the runtime takes
 *    no nested exceptions, so the handler acknowledges it itself); the
 *    running priority returns to the first one's after that EOI; the
 *    same-priority SGI is taken after the handler's EOI;
 *  - the priority mask: an SGI of priority 0x80 stays pending while PMR is
 *    0x80 and is taken once PMR is 0x90;
 *  - EOImode 1: the EOI drops the running priority but leaves the interrupt
 *    active until a write to DIR;
 *  - an SPI: the PL011's transmit interrupt (SPI 1, INTID 33), level-sensitive,
 *    ended by clearing it at the UART (UARTICR);
 *  - the identification registers: GICD_IIDR, and on GICv2 GICC_IIDR, whose
 *    fields (IHI 0048B 4.4.16: ProductID [31:20], Architecture version
 *    [19:16], Revision [15:12], Implementer [11:0]) say an ARM GICv2. */
#include "semihost.h"
#include "gic.h"

#ifndef TEST_NAME
#define TEST_NAME "dev_gic"
#endif

#define UART_BASE 0x09000000ul
#define UARTDR 0x000
#define UARTCR 0x030
#define UARTIMSC 0x038
#define UARTMIS 0x040
#define UARTICR 0x044
#define UART_TX (1u << 5)
#define UART(off) (*(volatile uint32_t *)(UART_BASE + (off)))

static volatile uint32_t seen[16], seen_rpr[16], nseen;
static volatile int nest_sgi = -1, nest_same = -1, split_eoi;
static volatile uint32_t nest_ack_same, nest_rpr_after;
static volatile uint32_t split_active_after_eoi, split_rpr_after_eoi;

static inline void irq_on(void) { __asm__ volatile("msr daifclr, #2\n\tisb" : : : "memory"); }
static inline void irq_off(void) { __asm__ volatile("msr daifset, #2\n\tisb" : : : "memory"); }

static int irq_hook(exc_frame_t *f)
{
    if (f->vec != 0x280)
        return 0;
    uint32_t id = gic_ack() & 0x3FF;
    if (id == 1023)
        return 1;   /* spurious */
    uint32_t i = nseen++;
    if (i < 16) {
        seen[i] = id;
        seen_rpr[i] = gic_rpr();
    }
    if (id == 33)
        UART(UARTICR) = UART_TX;   /* the UART lowers its interrupt */
    if (id == 1 && nest_sgi >= 0) {
        /* While SGI 1 (0x80) is active: one of the same priority cannot be
         * acknowledged (1023), one of higher priority can. */
        int n = nest_sgi, same = nest_same;
        nest_sgi = -1;
        gic_sgi_self((uint32_t)same);
        for (volatile int k = 0; k < 100; k++)
            ;
        nest_ack_same = gic_ack() & 0x3FF;
        gic_sgi_self((uint32_t)n);
        for (volatile int k = 0; k < 100; k++)
            ;
        uint32_t id2 = gic_ack() & 0x3FF;
        uint32_t j = nseen++;
        if (j < 16) {
            seen[j] = id2;
            seen_rpr[j] = gic_rpr();
        }
        if (id2 < 1020)
            gic_eoi(id2);
        nest_rpr_after = gic_rpr();
    }
    gic_eoi(id);
    if (split_eoi) {
        split_rpr_after_eoi = gic_rpr();
        split_active_after_eoi = gic_active(id);
        gic_dir(id);
    }
    return 1;
}

static void show_seen(const char *what, uint32_t n)
{
    print_str(what);
    print_nl();
    CHECK_EQ("  interrupts taken", nseen, n);
    for (uint32_t i = 0; i < nseen && i < 16; i++) {
        print_str("  intid ");
        print_hex32(seen[i]);
        print_str(" running priority ");
        print_hex32(seen_rpr[i]);
        print_nl();
    }
}

static void expect_order(const uint32_t *ids, uint32_t n)
{
    int ok = nseen == n;
    for (uint32_t i = 0; ok && i < n; i++)
        ok = seen[i] == ids[i];
    CHECK(ok, "order of the interrupts taken");
    nseen = 0;
}

/* The identification registers, printed (compared with QEMU) and their
 * architected fields checked. */
static void show_ids(void)
{
    uint32_t d = GIC_REG32(GICD_BASE + GICD_IIDR);
    print_str("GICD_IIDR ");
    print_hex32(d);
    print_nl();
    CHECK_EQ("  GICD_IIDR implementer ARM", d & 0xFFF, 0x43B);
#if !GIC_V3
    uint32_t c = GIC_REG32(GICC_BASE + GICC_IIDR);
    print_str("GICC_IIDR ");
    print_hex32(c);
    print_nl();
    CHECK_EQ("  GICC_IIDR implementer ARM", c & 0xFFF, 0x43B);
    CHECK_EQ("  GICC_IIDR architecture version 2", c >> 16 & 0xF, 2);
#endif
}

int main(void)
{
    exception_hook = irq_hook;
    show_ids();
    gic_init();
    gic_enable(1, 0x80);
    gic_enable(2, 0x40);
    gic_enable(3, 0x40);
    gic_enable(4, 0x80);

    /* 1. An SGI to self, masked by PSTATE.I, then taken. */
    gic_sgi_self(1);
    for (volatile int k = 0; k < 100; k++)
        ;
    CHECK_EQ("sgi 1 pending", gic_pending(1), 1);
    CHECK_EQ("highest priority pending", gic_hppir() & 0x3FF, 1);
    CHECK_EQ("nothing taken while I is set", nseen, 0);
    irq_on();
    irq_off();
    show_seen("sgi to self:", 1);
    CHECK_EQ("  sgi 1 no longer pending", gic_pending(1), 0);
    CHECK_EQ("  nor active", gic_active(1), 0);
    CHECK_EQ("  running priority idle", gic_rpr(), 0xFF);
    expect_order((const uint32_t[]){1}, 1);

    /* 2. Priority order. */
    gic_sgi_self(1);
    gic_sgi_self(3);
    gic_sgi_self(2);
    irq_on();
    irq_off();
    show_seen("three pending sgis:", 3);
    expect_order((const uint32_t[]){2, 3, 1}, 3);

    /* 3. Preemption: SGI 2 (0x40) preempts SGI 1 (0x80); SGI 4 (0x80) waits. */
    nest_sgi = 2;
    nest_same = 4;
    gic_sgi_self(1);
    irq_on();
    irq_off();
    show_seen("preemption:", 3);
    CHECK_EQ("  same priority not acknowledged", nest_ack_same, 1023);
    CHECK_EQ("  running priority back to sgi 1's", nest_rpr_after, 0x80);
    expect_order((const uint32_t[]){1, 2, 4}, 3);

    /* 4. The priority mask. */
    gic_pmr(0x80);
    gic_sgi_self(1);
    irq_on();
    for (volatile int k = 0; k < 1000; k++)
        ;
    irq_off();
    CHECK_EQ("pmr 0x80 masks priority 0x80", nseen, 0);
    CHECK_EQ("  still pending", gic_pending(1), 1);
    gic_pmr(0x90);
    irq_on();
    irq_off();
    show_seen("pmr 0x90:", 1);
    expect_order((const uint32_t[]){1}, 1);
    gic_pmr(0xF0);

    /* 5. EOImode 1: EOI drops the priority, DIR deactivates. */
    gic_eoimode(1);
    split_eoi = 1;
    gic_sgi_self(2);
    irq_on();
    irq_off();
    show_seen("eoimode 1:", 1);
    CHECK_EQ("  running priority after eoi", split_rpr_after_eoi, 0xFF);
    CHECK_EQ("  active after eoi", split_active_after_eoi, 1);
    CHECK_EQ("  active after dir", gic_active(2), 0);
    expect_order((const uint32_t[]){2}, 1);
    split_eoi = 0;
    gic_eoimode(0);

    /* 6. The PL011's transmit interrupt, SPI 1 = INTID 33. */
    gic_enable(33, 0x60);
    UART(UARTCR) = 0x301;
    UART(UARTIMSC) = UART_TX;
    UART(UARTDR) = '*';
    UART(UARTDR) = '\n';
    CHECK_EQ("uart tx interrupt asserted", UART(UARTMIS), UART_TX);
    CHECK_EQ("intid 33 pending", gic_pending(33), 1);
    irq_on();
    irq_off();
    show_seen("uart tx interrupt:", 1);
    CHECK_EQ("  no longer pending", gic_pending(33), 0);
    expect_order((const uint32_t[]){33}, 1);
    UART(UARTIMSC) = 0;

    return test_finish(TEST_NAME);
}
