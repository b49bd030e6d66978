/* Machine reset by PSCI SYSTEM_RESET, with two CPUs. The first boot changes
 * state everywhere (system registers, the virtual timer, the GIC
 * distributor, the UART, the GPIO, the RTC, an initialized variable, CPU 1
 * powered on and spinning), records what it saw in a page at the top of RAM
 * that no loader writes (RAM survives a reset) and resets the machine. The
 * second boot finds every CPU, the GIC and the GPIO back in their reset
 * state, the ELF loaded again, CPU 1 off, the UART's and the RTC's registers
 * kept (QEMU 7.2 resets neither), the RTC still counting from the value the
 * first boot loaded, and the page kept.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2 */
#include "semihost.h"
#include "smp.h"

#define PSCI_SYSTEM_RESET 0x84000009u

#define KEEP_BASE 0x47fff000ul   /* the last page of the default 128 MiB */
#define KEEP_MAGIC 0x5245534554ull   /* "RESET" */

struct keep {
    uint64_t magic, boots, failures;
    uint64_t sctlr, tpidr, cntv_ctl, cpacr, mdscr;
    uint64_t rtc_loaded;
};
#define KEEP ((volatile struct keep *)KEEP_BASE)

#define GICD_BASE 0x08000000ul
#define UART_BASE 0x09000000ul
#define RTC_BASE 0x09010000ul
#define GPIO_BASE 0x09030000ul

static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

#define MRS(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define MSR(name, v) __asm__ volatile("msr " #name ", %0; isb" : : "r"((uint64_t)(v)))

static volatile uint64_t initialized = 0x1122334455667788ull;
static volatile uint64_t cpu1_running;

static void spin(uint64_t cpu) {
    (void)cpu;
    cpu1_running = 1;
    for (;;) __asm__ volatile("wfe");
}

static void first_boot(void) {
    print_str("first boot\n");
    KEEP->magic = KEEP_MAGIC;
    KEEP->boots = 1;
    KEEP->sctlr = MRS(sctlr_el1);
    KEEP->tpidr = MRS(tpidr_el1);
    KEEP->cntv_ctl = MRS(cntv_ctl_el0);
    KEEP->cpacr = MRS(cpacr_el1);
    KEEP->mdscr = MRS(mdscr_el1);

    MSR(sctlr_el1, KEEP->sctlr | (1ull << 26));   /* UCI */
    MSR(tpidr_el1, 0xfeedface);
    MSR(cntv_cval_el0, ~0ull);
    MSR(cntv_ctl_el0, 3);                         /* enabled, masked */
    MSR(cpacr_el1, 3ull << 20);
    MSR(mdscr_el1, 1ull << 12);                   /* TDCC */
    initialized = 0;

    wr32(GICD_BASE + 0x000, 1);                   /* GICD_CTLR.Enable */
    wr32(GICD_BASE + 0x104, 0x6);                 /* ISENABLER1: SPIs 1 and 2 */
    wr32(UART_BASE + 0x038, 0x50);                /* UARTIMSC: RX, RT */
    wr32(UART_BASE + 0x02c, 0x70);                /* UARTLCR_H: FIFOs, 8 bits */
    wr32(GPIO_BASE + 0x400, 0x0f);                /* GPIODIR */
    wr32(RTC_BASE + 0x008, 1000);                 /* RTCLR */
    wr32(RTC_BASE + 0x004, 5000);                 /* RTCMR */
    wr32(RTC_BASE + 0x010, 1);                    /* RTCIMSC */
    KEEP->rtc_loaded = rd32(RTC_BASE + 0x000);

    uint64_t r = smp_start(1, spin);
    while (!cpu1_running) {}
    uint64_t state = psci(PSCI_AFFINITY_INFO64, 1, 0, 0);
    print_str("CPU_ON(1): ");
    print_hex(r);
    print_str(", AFFINITY_INFO(1): ");
    print_hex(state);
    print_nl();
    KEEP->failures = (r != 0) + (state != 0);

    print_str("SYSTEM_RESET\n");
    psci(PSCI_SYSTEM_RESET, 0, 0, 0);
    print_str("FAIL: SYSTEM_RESET returned\n");
    sh_exit(1);
}

int main(void) {
    if (KEEP->magic != KEEP_MAGIC) first_boot();

    print_str("second boot\n");
    CHECK_EQ("boots before this one", KEEP->boots, 1);
    CHECK_EQ("failures of the first boot", KEEP->failures, 0);
    CHECK_EQ("CurrentEL", MRS(CurrentEL) >> 2, 1);
    CHECK_EQ("DAIF", MRS(daif), 0x3c0);
    CHECK_EQ("SCTLR_EL1 as at the first boot", MRS(sctlr_el1) == KEEP->sctlr, 1);
    CHECK_EQ("TPIDR_EL1 as at the first boot", MRS(tpidr_el1) == KEEP->tpidr, 1);
    CHECK_EQ("CNTV_CTL_EL0 as at the first boot", MRS(cntv_ctl_el0) == KEEP->cntv_ctl, 1);
    CHECK_EQ("CPACR_EL1 as at the first boot", MRS(cpacr_el1) == KEEP->cpacr, 1);
    CHECK_EQ("MDSCR_EL1 as at the first boot", MRS(mdscr_el1) == KEEP->mdscr, 1);
    CHECK_EQ("initialized variable loaded again", initialized, 0x1122334455667788ull);
    CHECK_EQ("GICD_CTLR", rd32(GICD_BASE + 0x000), 0);
    CHECK_EQ("GICD_ISENABLER1", rd32(GICD_BASE + 0x104), 0);
    CHECK_EQ("GPIODIR", rd32(GPIO_BASE + 0x400), 0);
    /* QEMU 7.2's PL011 and PL031 have no reset: they keep their registers
     * (the RTC counts on). */
    CHECK_EQ("UARTIMSC kept", rd32(UART_BASE + 0x038), 0x50);
    CHECK_EQ("UARTLCR_H kept", rd32(UART_BASE + 0x02c), 0x70);
    CHECK_EQ("UARTCR", rd32(UART_BASE + 0x030), 0x300);
    CHECK_EQ("RTCLR kept", rd32(RTC_BASE + 0x008), 1000);
    CHECK_EQ("RTCMR kept", rd32(RTC_BASE + 0x004), 5000);
    CHECK_EQ("RTCIMSC kept", rd32(RTC_BASE + 0x010), 1);
    uint32_t since = rd32(RTC_BASE + 0x000) - (uint32_t)KEEP->rtc_loaded;
    CHECK_EQ("RTCDR counts on from the loaded value (within 10 s)", since <= 10, 1);
    CHECK_EQ("AFFINITY_INFO(1) (OFF again)", psci(PSCI_AFFINITY_INFO64, 1, 0, 0), 1);
    cpu1_running = 0;
    CHECK_EQ("CPU_ON(1) after the reset", smp_start(1, spin), 0);
    while (!cpu1_running) {}
    CHECK_EQ("AFFINITY_INFO(1) (ON)", psci(PSCI_AFFINITY_INFO64, 1, 0, 0), 0);
    KEEP->magic = 0;
    return test_finish("sys_reset");
}
