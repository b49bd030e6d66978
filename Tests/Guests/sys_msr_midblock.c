/* MSR to registers that change nothing a translated block depends on
 * (thread IDs, exception and fault records, the timers, CONTEXTIDR) in the
 * middle of straight-line code, read back by the following instructions
 * (Arm ARM C5.2: a direct read after a direct write of a System register
 * sees it, no synchronization needed); with HCR_EL2.TVM such writes
 * (CONTEXTIDR_EL1, FAR_EL1) are trapped to EL2 precisely: ELR_EL2 is the
 * MSR, the instructions before it have retired and the ones after it have
 * not (the EL2 handler resumes after it, so a lost or repeated step shows).
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * QEMU-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

#define HCR_TVM  (1ull << 26)
#define MSR_ISS(op1, crn, crm, op2) \
    ((0x18ull << 26) | (1ull << 25) | (3ull << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) \
     | ((uint64_t)(crn) << 10) | (1ull << 5) | ((uint64_t)(crm) << 1))

uint64_t msr_block(uint64_t x);
extern char msr_far_at[];

/* x1 gathers the steps; each MSR writes x1 (Rt = 1), the next MRS reads it back into x3. */
__asm__(
"    .text\n"
"    .global msr_block\n"
"msr_block:\n"
"    mov x1, #0\n"
"    orr x1, x1, #1\n"
"    msr tpidr_el1, x1\n"
"    mrs x3, tpidr_el1\n"
"    orr x1, x1, x3, lsl #1\n"
"    msr tpidr_el0, x1\n"
"    mrs x3, tpidr_el0\n"
"    orr x1, x1, x3, lsl #2\n"
"msr_contextidr_at:\n"
"    msr contextidr_el1, x1\n"
"    orr x1, x1, #0x100\n"
"msr_far_at:\n"
"    msr far_el1, x1\n"
"    mrs x3, far_el1\n"
"    orr x1, x1, x3, lsl #12\n"
"    msr cntv_cval_el0, x1\n"
"    mrs x3, cntv_cval_el0\n"
"    add x1, x1, x3\n"
"    msr elr_el1, x1\n"
"    mrs x3, elr_el1\n"
"    add x1, x1, x3\n"
"    mov x0, x1\n"
"    ret\n"
);

static uint64_t el1_read_contextidr(uint64_t x) { return S2_MRS("contextidr_el1"); }

/* The same steps in C: `trapped` MSRs to CONTEXTIDR_EL1 and FAR_EL1 do not write. */
static uint64_t model(int trapped, uint64_t far_before)
{
    uint64_t x1 = 1;
    x1 |= 1 << 1;
    x1 |= x1 << 2;
    x1 |= 0x100;
    uint64_t far = trapped ? far_before : x1;
    x1 |= far << 12;
    x1 += x1;
    x1 += x1;
    return x1;
}

static void run(const char *what, uint64_t hcr, uint64_t traps)
{
    print_str(what);
    print_nl();
    S2_MSR("hcr_el2", HCR_RW);
    S2_MSR("far_el1", 0x5000);
    S2_MSR("contextidr_el1", 0x77);
    S2_MSR("cntv_ctl_el0", 0);
    S2_MSR("hcr_el2", HCR_RW | hcr);
    s2_count = 0;
    s2_elr = s2_esr = 0;
    uint64_t steps = run_el1(msr_block, 0);
    CHECK_EQ("  steps", steps, model(traps != 0, 0x5000));
    CHECK_EQ("  traps", s2_count, traps);
    CHECK_EQ("  CONTEXTIDR_EL1", run_el1(el1_read_contextidr, 0), traps ? 0x77 : 0xf);
    if (traps) {
        CHECK_EQ("  ELR_EL2 of the last is its MSR", s2_elr - (uint64_t)msr_far_at, 0);
        CHECK_EQ("  ESR_EL2 of the last (MSR FAR_EL1)", s2_esr, MSR_ISS(0, 6, 0, 0));
    }
}

int main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    CHECK_EQ("CurrentEL", el, 8);
    s2_el2_init();
    run("-- no traps", 0, 0);
    run("-- HCR_EL2.TVM: MSR CONTEXTIDR_EL1 and FAR_EL1 trapped", HCR_TVM, 2);
    S2_MSR("hcr_el2", HCR_RW);
    return test_finish("sys_msr_midblock");
}
