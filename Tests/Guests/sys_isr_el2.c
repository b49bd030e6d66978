/* ISR_EL1 and the virtual interrupts: the program starts at EL2 and reads
 * ISR_EL1 at EL1 (run_el1, PSTATE.{A,I,F} masked) under HCR_EL2 settings.
 * With HCR_EL2.{IMO,FMO,AMO} set a bit shows the virtual interrupt
 * (HCR_EL2.{VI,VF,VSE}); without, the physical line (none is up), whatever
 * VI/VF/VSE say; at EL2 always the physical lines.
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_VF  (1ull << 6)
#define HCR_VI  (1ull << 7)
#define HCR_VSE (1ull << 8)

static uint64_t el1_isr(uint64_t x) { (void)x; uint64_t v; __asm__ volatile("mrs %0, isr_el1" : "=r"(v)); return v; }

static uint64_t isr_at_el1(uint64_t hcr)
{
    __asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(HCR_RW | hcr));
    uint64_t v = run_el1(el1_isr, 0);
    __asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(HCR_RW));
    return v;
}

int main(void)
{
    s2_el2_init();
    struct { const char *name; uint64_t hcr, isr; } cases[] = {
        {"no routing, nothing pending", 0, 0},
        {"IMO, VI: virtual IRQ", HCR_IMO | HCR_VI, 0x80},
        {"FMO, VF: virtual FIQ", HCR_FMO | HCR_VF, 0x40},
        {"AMO, VSE: virtual SError", HCR_AMO | HCR_VSE, 0x100},
        {"IMO, FMO, AMO with all three", HCR_IMO | HCR_FMO | HCR_AMO | HCR_VI | HCR_VF | HCR_VSE, 0x1c0},
        {"VI, VF, VSE without IMO, FMO, AMO: the physical lines", HCR_VI | HCR_VF | HCR_VSE, 0},
        {"IMO only: no virtual IRQ", HCR_IMO, 0},
        {"IMO, VF: FIQ not routed, physical", HCR_IMO | HCR_VF, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_EQ(cases[i].name, isr_at_el1(cases[i].hcr), cases[i].isr);
    uint64_t v;
    __asm__ volatile("msr hcr_el2, %1\n\tisb\n\tmrs %0, isr_el1" : "=&r"(v) : "r"(HCR_RW | HCR_IMO | HCR_VI));
    CHECK_EQ("at EL2 with VI: the physical lines", v, 0);
    __asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(HCR_RW));
    return test_finish("sys_isr_el2");
}
