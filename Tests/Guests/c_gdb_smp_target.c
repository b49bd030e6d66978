/* The program scripts/test-gdb.sh debugs with several CPUs (gdb threads):
 * CPU 0 powers CPUs 1, 2 and 3 on one after the other (each runs
 * gdb_smp_work(cpu) and powers itself off before the next starts), so a
 * breakpoint on gdb_smp_work is hit on CPU 1, then 2, then 3: threads 2, 3, 4.
 * While it waits, CPU 0 counts its polls in gdb_smp_polls: a debugger
 * stopped at the breakpoint sees the count stand still (all CPUs stop).
 * Run on its own it prints its results and passes.
 * ARMATURE-ARGS: -M virt -cpu max -smp 4 */
#include "semihost.h"
#include "smp.h"

volatile uint64_t gdb_smp_result[SMP_MAX_CPUS];
volatile uint64_t gdb_smp_polls;

__attribute__((noinline)) uint64_t gdb_smp_work(uint64_t cpu)
{
    return cpu * 0x100 + 0x42;
}

static void secondary(uint64_t cpu)
{
    gdb_smp_result[cpu] = gdb_smp_work(cpu);
}

int main(void)
{
    for (uint64_t cpu = 1; cpu < 4; cpu++) {
        CHECK_EQ("CPU_ON", smp_start(cpu, secondary), 0);
        /* Wait for its result, then for it to be off (QEMU may say OFF for a moment after CPU_ON). */
        while (gdb_smp_result[cpu] == 0) gdb_smp_polls = gdb_smp_polls + 1;
        smp_wait_state(cpu, 1);
        print_reg("result", gdb_smp_result[cpu]);
        CHECK_EQ("gdb_smp_work(cpu)", gdb_smp_result[cpu], cpu * 0x100 + 0x42);
    }
    return test_finish("c_gdb_smp_target");
}
