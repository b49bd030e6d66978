/* What secure=on adds to the virt machine and who sees it (QEMU 7.2's
 * hw/arm/virt.c: the Secure address space holds secure RAM at 0x0E000000,
 * the secure PL011 at 0x09040000, the secure PL061 at 0x090B0000 and flash
 * bank 0; the Non-secure one holds none of them). From Secure EL3 and Secure
 * EL1 each reads (RAM holds what EL3 wrote, the PrimeCell IDs are the
 * PL011's and PL061's); from Non-secure EL1 each access is a synchronous
 * External abort (to EL1), while flash bank 1 and the Non-secure UART stay
 * readable.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"
#include "elcall.h"

#define SEC_RAM    0x0e000000ull
#define SEC_UART   0x09040000ull
#define SEC_GPIO   0x090b0000ull
#define FLASH0     0x00000000ull
#define FLASH1     0x04000000ull
#define NS_UART    0x09000000ull
#define PERIPH_ID0 0xfe0

#define SCR_NS  (1ull << 0)
#define SCR_HCE (1ull << 8)
#define SCR_RW  (1ull << 10)
#define HCR_RW  (1ull << 31)

static uint64_t load32(uint64_t pa) { return *(volatile uint32_t *)pa; }

static const struct { const char *name; uint64_t pa; int secure_only; } places[] = {
    { "secure RAM", SEC_RAM + 0x100, 1 },
    { "secure UART PeriphID0", SEC_UART + PERIPH_ID0, 1 },
    { "secure GPIO PeriphID0", SEC_GPIO + PERIPH_ID0, 1 },
    { "flash bank 0", FLASH0 + 0x1000, 1 },
    { "flash bank 1", FLASH1 + 0x1000, 0 },
    { "UART PeriphID0", NS_UART + PERIPH_ID0, 0 },
};
#define N (sizeof places / sizeof places[0])

static void from(const char *who, uint64_t spsr, int nonsecure)
{
    for (unsigned i = 0; i < N; i++) {
        elcall_reset();
        uint64_t v = spsr ? elcall(spsr, load32, places[i].pa) : load32(places[i].pa);
        print_str(who);
        print_str(" reads ");
        print_str(places[i].name);
        if (elcall_count) {
            print_str(": abort ESR=");
            print_hex(elcall_log[0].esr & 0xfe00003full);
            print_str(" to EL");
            print_udec(elcall_log[0].el);
            print_nl();
        } else {
            print_str(": ");
            print_hex(v);
            print_nl();
        }
        int want_abort = nonsecure && places[i].secure_only;
        CHECK(!!elcall_count == want_abort, "an abort exactly for Secure-only places from Non-secure");
        if (want_abort) {
            CHECK_EQ("  EC (data abort, same EL)", elcall_log[0].esr >> 26, 0x25);
            CHECK_EQ("  DFSC (synchronous External abort)", elcall_log[0].esr & 0x3f, 0x10);
        }
    }
}

int main(void)
{
    CHECK_EQ("CurrentEL", ELS_MRS("CurrentEL"), 3 << 2);
    elcall_init();
    *(volatile uint32_t *)(SEC_RAM + 0x100) = 0x5ec0de;
    CHECK_EQ("EL3: secure RAM holds what was written", load32(SEC_RAM + 0x100), 0x5ec0de);
    CHECK_EQ("EL3: secure UART PeriphID0 (PL011)", load32(SEC_UART + PERIPH_ID0), 0x11);
    CHECK_EQ("EL3: secure GPIO PeriphID0 (PL061)", load32(SEC_GPIO + PERIPH_ID0), 0x61);

    from("Secure EL3", 0, 0);
    ELS_MSR("scr_el3", SCR_RW);                      /* Secure EL1 (no Secure EL2) */
    from("Secure EL1", SPSR_EL1H, 0);
    ELS_MSR("scr_el3", SCR_NS | SCR_HCE | SCR_RW);   /* Non-secure EL1 under EL2 */
    ELS_MSR("hcr_el2", HCR_RW);
    from("Non-secure EL1", SPSR_EL1H, 1);
    return test_finish("dev_secure_map");
}
