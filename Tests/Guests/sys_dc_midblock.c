/* Data cache maintenance by VA and by set/way in the middle of straight-line
 * code (Arm ARM C5.3, DC *): the instructions around each DC run once, in
 * order, whether the DC does nothing (caches are not modelled) or is
 * trapped to EL2 (HCR_EL2.TPCP: DC CIVAC, CVAC, IVAC; TPU: DC CVAU; TSW: DC
 * CISW). A trapped DC is taken precisely: ELR_EL2 is the DC itself, the
 * instructions before it have retired and the ones after it have not (the
 * EL2 handler resumes after the DC, so a lost or repeated step shows in the
 * sum). Stores before a DC are seen by loads after it.
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

#define HCR_TSW  (1ull << 22)
#define HCR_TPCP (1ull << 23)
#define HCR_TPU  (1ull << 24)
#define SYSOP(op1, crn, crm, op2) \
    ((0x18ull << 26) | (1ull << 25) | (1ull << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) \
     | ((uint64_t)(crn) << 10) | (2ull << 5) | ((uint64_t)(crm) << 1))

static volatile uint64_t buf[64] __attribute__((aligned(64)));

uint64_t dc_block(uint64_t va);
extern char dc_cvau_at[], dc_ivac_at[], dc_cisw_at[];

/* x1 gathers one bit per step; x2 holds the VA (Rt = 2 in every DC). Each
 * step also stores to buf and reloads after the next DC. */
__asm__(
"    .text\n"
"    .global dc_block\n"
"dc_block:\n"
"    mov x2, x0\n"
"    mov x1, #0\n"
"    orr x1, x1, #1\n"
"    str x1, [x2]\n"
"dc_civac_at:\n"
"    dc civac, x2\n"
"    ldr x3, [x2]\n"
"    orr x1, x1, x3, lsl #1\n"
"dc_cvac_at:\n"
"    dc cvac, x2\n"
"    orr x1, x1, #4\n"
"    str x1, [x2, #8]\n"
"dc_cvau_at:\n"
"    dc cvau, x2\n"
"    ldr x3, [x2, #8]\n"
"    orr x1, x1, x3, lsl #3\n"
"dc_ivac_at:\n"
"    dc ivac, x2\n"
"    orr x1, x1, #0x100\n"
"dc_cisw_at:\n"
"    dc cisw, x2\n"
"    orr x1, x1, #0x200\n"
"    mov x0, x1\n"
"    ret\n"
);

/* Runs the block at EL1 under `hcr`: every step once, `traps` DCs taken to
 * EL2, the last of them at `last`. */
static void run(const char *what, uint64_t hcr, uint64_t traps, const char *last, uint64_t last_esr)
{
    print_str(what);
    print_nl();
    S2_MSR("hcr_el2", HCR_RW | hcr);
    s2_count = 0;
    s2_elr = s2_esr = 0;
    buf[0] = buf[1] = 0;
    uint64_t steps = run_el1(dc_block, (uint64_t)buf);
    CHECK_EQ("  steps", steps, 0x33f);
    CHECK_EQ("  buf[1]", buf[1], 0x7);
    CHECK_EQ("  traps", s2_count, traps);
    if (traps) {
        CHECK_EQ("  ELR_EL2 of the last is its DC", s2_elr - (uint64_t)last, 0);
        CHECK_EQ("  ESR_EL2 of the last", s2_esr, last_esr);
    }
}

int main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    CHECK_EQ("CurrentEL", el, 8);
    s2_el2_init();
    /* x1: bit 0, bit 1 (bit 0 reloaded), bit 2, bits 3-5 (0x7 reloaded,
     * shifted), bit 8, bit 9: 0x33f. */
    run("-- no traps: every DC does nothing", 0, 0, 0, 0);
    run("-- HCR_EL2.TSW: DC CISW trapped", HCR_TSW, 1, dc_cisw_at, SYSOP(0, 7, 14, 2));
    run("-- HCR_EL2.TPCP: DC CIVAC, CVAC, IVAC trapped", HCR_TPCP, 3, dc_ivac_at, SYSOP(0, 7, 6, 1));
    run("-- HCR_EL2.TPU: DC CVAU trapped", HCR_TPU, 1, dc_cvau_at, SYSOP(3, 7, 11, 1));
    run("-- TPCP, TPU, TSW: five traps", HCR_TPCP | HCR_TPU | HCR_TSW, 5, dc_cisw_at, SYSOP(0, 7, 14, 2));
    S2_MSR("hcr_el2", HCR_RW);
    return test_finish("sys_dc_midblock");
}
