/* Two CPUs, both waiting in WFI with nothing that can wake them (no timer
 * armed, no interrupt source): Armature ends the run with "every CPU is
 * waiting in WFI/WFE with nothing that can wake it" on stderr and exit
 * status 1, with the CPUs on one thread and on a thread each, where QEMU
 * hangs. CPU 1 waits first; CPU 0 prints PASS (no WFI returns) and waits too:
 * the exit status is the check.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2
 * EXPECT-EXIT: 1 */
#include "semihost.h"
#include "smp.h"

static volatile uint64_t waiting;

static void wait_forever(void) {
    __asm__ volatile("msr cntp_ctl_el0, xzr\n msr cntv_ctl_el0, xzr\n msr daifclr, #0xf" ::: "memory");
    for (;;) __asm__ volatile("wfi" ::: "memory");
}

static void secondary(uint64_t cpu) {
    (void)cpu;
    waiting = 1;
    wait_forever();
}

int main(void) {
    CHECK_EQ("CPU_ON(1)", smp_start(1, secondary), 0);
    while (!waiting) {}
    test_finish("smp_wfi_no_wake");
    wait_forever();
    return 0;
}
