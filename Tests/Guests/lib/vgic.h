/* What the GIC virtualization guest tests share (dev_gicv2_virt.c,
 * dev_gicv3_virt.c, dev_gicv3_virt_bad.c; header-only): they start at EL2
 * (-M virt,virtualization=on), program the list registers there and run
 * short EL1 functions through elcall.h with HCR_EL2.IMO/FMO routing
 * interrupts to EL2, so that EL1 sees the virtual CPU interface.
 *
 *   vgic_start(handler)   checks that it runs at EL2, installs the elcall
 *                         exception handler `handler` and turns the GIC on
 *                         (gic_init); nonzero when not at EL2
 *   note(v), print_seen() what EL1 saw, printed back at EL2 (print_seen
 *                         forgets it, print_noted keeps it)
 *   el1_window            EL1: interrupt masks open for a moment
 *   HCR_RW, HCR_IMO, HCR_FMO  the HCR_EL2 bits */
#ifndef VGIC_H
#define VGIC_H
#include "semihost.h"
#include "gic.h"
#include "elcall.h"

#define HCR_RW (1ull << 31)
#define HCR_IMO (1ull << 4)
#define HCR_FMO (1ull << 3)

static volatile uint64_t seen[32];
static volatile unsigned nseen;

static inline void note(uint64_t v)
{
    if (nseen < 32) seen[nseen] = v;
    nseen = nseen + 1;
}

static inline void print_noted(const char *label)
{
    print_str(label);
    for (unsigned i = 0; i < nseen && i < 32; i++) {
        print_str(" ");
        print_hex(seen[i]);
    }
    print_nl();
}

static inline void print_seen(const char *label)
{
    print_noted(label);
    nseen = 0;
}

/* EL1: open the interrupt masks for a moment; what arrives is recorded. */
static inline uint64_t el1_window(uint64_t arg)
{
    (void)arg;
    __asm__ volatile("msr daifclr, #3\n\tisb\n\tnop\n\tnop\n\tmsr daifset, #3\n\tisb" ::: "memory");
    return 0;
}

static inline int vgic_start(int (*handler)(els_exc_t *))
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    if ((el >> 2) != 2) {
        print_str("FAIL: this test starts at EL2 (-M virt,virtualization=on)\n");
        return 1;
    }
    elcall_init_el2();
    els_handler = handler;
    gic_init();
    return 0;
}
#endif
