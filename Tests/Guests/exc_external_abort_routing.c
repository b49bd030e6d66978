/* Routing of synchronous External aborts (an access to an address where
 * nothing is mapped) by SCR_EL3.EA (Arm ARM D1.3.3, "Routing synchronous
 * exceptions"; the EA row of SCR_EL3): with EA = 0 the abort goes to the
 * current EL (or EL1 from EL0), with EA = 1 to EL3, as a lower-EL abort
 * (EC 0x24/0x20) from EL2 and EL1. Loads, stores and instruction fetches.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max */
#include "semihost.h"
#include "els.h"

#define NOTHING   0x0f000000ull     /* no device, no memory (QEMU virt and Armature) */
#define SCR_BASE  ELS_SCR_NS_EL2
#define SCR_EA    (1ull << 3)
#define HCR_RW    (1ull << 31)

static uint8_t stack_el2[8192] __attribute__((aligned(16)));
static uint8_t stack_el1[8192] __attribute__((aligned(16)));

static unsigned expected_el, aborts;

static int handler(els_exc_t *e)
{
    unsigned ec = ELS_EC(e->esr);
    if (ec == 0x17 || ec == 0x16) {            /* SMC/HVC #n: set SCR_EL3.EA = n / pass up */
        unsigned imm = e->esr & 0xffff;
        if (e->el == 3)
            ELS_MSR("scr_el3", SCR_BASE | (imm & 1 ? SCR_EA : 0));
        else if (imm & 1)
            __asm__ volatile("smc #1" ::: "memory");
        else
            __asm__ volatile("smc #0" ::: "memory");
        return 1;
    }
    print_str("    taken to EL");
    print_udec(e->el);
    print_str(e->vec == ELS_VEC_LOWER64 ? " (lower EL)" : " (same EL)");
    print_str(" from EL");
    print_udec((e->spsr >> 2) & 3);
    print_str(": ESR=");
    print_hex(e->esr & 0xfe00007full);
    print_str(" FAR=");
    print_hex(e->far);
    print_nl();
    unsigned from = (e->spsr >> 2) & 3;
    unsigned want_ec = (ec == 0x20 || ec == 0x21 ? 0x20 : 0x24) | (from == e->el ? 1 : 0);
    CHECK(e->el == expected_el, "taken to the expected EL");
    CHECK(ec == want_ec, "EC: abort from a lower EL or the same EL");
    CHECK((e->esr & 0x3f) == 0x10, "FSC: synchronous External abort");
    aborts++;
    if (ec == 0x20 || ec == 0x21)
        e->elr = e->regs->x[30];               /* fetch abort: back to the caller */
    else
        e->elr += 4;
    return 1;
}

/* A load, a store and a fetch where nothing is mapped: three aborts, to `to`. */
static void accesses(const char *where, unsigned to)
{
    expected_el = to;
    unsigned before = aborts;
    print_str(where);
    print_str(": load, store, fetch\n");
    uint64_t v = 0;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(NOTHING) : "memory");
    __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(NOTHING + 8) : "memory");
    __asm__ volatile("blr %0" :: "r"(NOTHING + 0x100) : "x30", "memory");
    CHECK(aborts == before + 3, "three aborts");
}

/* EL1 asks EL3 (through EL2) to set or clear SCR_EL3.EA with HVC #1 / #0;
 * EL2 asks with SMC #n. */
static void set_ea_from_el1(int on)
{
    if (on) __asm__ volatile("hvc #1" ::: "memory");
    else __asm__ volatile("hvc #0" ::: "memory");
}

static void el1_main(uint64_t arg)
{
    els_install(1);
    set_ea_from_el1(0);
    accesses("EL1, SCR_EL3.EA = 0", 1);
    set_ea_from_el1(1);
    accesses("EL1, SCR_EL3.EA = 1", 3);
    sh_exit(test_finish("exc_external_abort_routing"));
}

static void el2_main(uint64_t arg)
{
    els_install(2);
    __asm__ volatile("smc #0" ::: "memory");
    accesses("EL2, SCR_EL3.EA = 0", 2);
    __asm__ volatile("smc #1" ::: "memory");
    accesses("EL2, SCR_EL3.EA = 1", 3);
    ELS_MSR("hcr_el2", HCR_RW);
    els_enter(2, el1_main, 0, SPSR_EL1H, stack_el1 + sizeof stack_el1);
}

int main(void)
{
    if (!els_start(handler))
        return 1;
    ELS_MSR("scr_el3", SCR_BASE);
    accesses("EL3, SCR_EL3.EA = 0", 3);
    ELS_MSR("scr_el3", SCR_BASE | SCR_EA);
    accesses("EL3, SCR_EL3.EA = 1", 3);
    els_enter(3, el2_main, 0, SPSR_EL2H, stack_el2 + sizeof stack_el2);
}
