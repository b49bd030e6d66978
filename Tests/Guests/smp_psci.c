/* PSCI with four CPUs: MPIDR, CPU_ON (started at the entry with the context
 * ID in X0, at EL1, MMU off), ALREADY_ON and INVALID_PARAMETERS, AFFINITY_INFO
 * (on, off, unknown CPU, level 1), CPU_OFF and a second CPU_ON of the same
 * CPU, CPU_SUSPEND with an invalid power state, MIGRATE_INFO_TYPE and
 * PSCI_FEATURES.
 * ARMATURE-ARGS: -M virt -cpu max -smp 4 */
#include "semihost.h"
#include "smp.h"

static volatile uint64_t seen_ctx[SMP_MAX_CPUS], seen_mpidr[SMP_MAX_CPUS], seen_el[SMP_MAX_CPUS],
    seen_sctlr[SMP_MAX_CPUS], runs[SMP_MAX_CPUS];
static volatile uint64_t seen_x0[SMP_MAX_CPUS];
static volatile uint64_t release_cpu1;

static void report(uint64_t cpu) {
    uint64_t el, sctlr;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    seen_ctx[cpu] = cpu;
    seen_mpidr[cpu] = smp_mpidr();
    seen_el[cpu] = el >> 2;
    seen_sctlr[cpu] = sctlr & 1;
    __asm__ volatile("dmb ish" ::: "memory");
    runs[cpu] = runs[cpu] + 1;
    if (cpu == 1) {
        while (!release_cpu1) {}   /* stays on until CPU 0 has tried CPU_ON again */
    }
}

/* The entry itself, to see X0 as CPU_ON left it. */
extern void raw_entry(void);
__asm__(
    ".text\n.global raw_entry\nraw_entry:\n"
    "    adrp x1, seen_x0\n"
    "    add x1, x1, :lo12:seen_x0\n"
    "    str x0, [x1, #24]\n"          /* CPU 3 */
    "    mov x0, #0x84000000\n"
    "    add x0, x0, #2\n"             /* CPU_OFF */
    "    hvc #0\n"
    "1:  b 1b\n");

int main(void) {
    CHECK_EQ("CPU 0 MPIDR", smp_mpidr(), 0x80000000);
    CHECK_EQ("AFFINITY_INFO(1) before CPU_ON (OFF)", psci(PSCI_AFFINITY_INFO64, 1, 0, 0), 1);
    CHECK_EQ("AFFINITY_INFO(0) (ON)", psci(PSCI_AFFINITY_INFO64, 0, 0, 0), 0);
    CHECK_EQ("AFFINITY_INFO(9) (INVALID_PARAMETERS)", psci(PSCI_AFFINITY_INFO64, 9, 0, 0), (uint64_t)-2);
    CHECK_EQ("AFFINITY_INFO(1, level 1) (ON)", psci(PSCI_AFFINITY_INFO64, 1, 1, 0), 0);
    CHECK_EQ("CPU_ON(0) (ALREADY_ON)", smp_start(0, report), (uint64_t)-4);
    CHECK_EQ("CPU_ON(4) (INVALID_PARAMETERS)", smp_start(4, report), (uint64_t)-2);
    CHECK_EQ("CPU_ON(0x100) (INVALID_PARAMETERS)", psci(PSCI_CPU_ON64, 0x100, 0x40080000, 0), (uint64_t)-2);

    CHECK_EQ("CPU_ON(1)", smp_start(1, report), 0);
    CHECK_EQ("CPU_ON(2)", smp_start(2, report), 0);
    /* QEMU 7.2 may report OFF until the CPU has started: wait for it to run. */
    while (runs[1] != 1 || runs[2] != 1) {}
    CHECK_EQ("CPU_ON(1) while it runs (ALREADY_ON)", smp_start(1, report), (uint64_t)-4);
    release_cpu1 = 1;
    smp_wait_state(1, 1);
    smp_wait_state(2, 1);
    for (int c = 1; c <= 2; c++) {
        CHECK_EQ("  context ID", seen_ctx[c], c);
        CHECK_EQ("  MPIDR", seen_mpidr[c], 0x80000000 | c);
        CHECK_EQ("  EL", seen_el[c], 1);
        CHECK_EQ("  SCTLR_EL1.M", seen_sctlr[c], 0);
        CHECK_EQ("  runs", runs[c], 1);
    }
    CHECK_EQ("AFFINITY_INFO(1) after CPU_OFF", psci(PSCI_AFFINITY_INFO64, 1, 0, 0), 1);
    CHECK_EQ("CPU_ON(1) after CPU_OFF", smp_start(1, report), 0);
    while (runs[1] != 2) {}
    smp_wait_state(1, 1);
    CHECK_EQ("CPU 1 runs", runs[1], 2);

    CHECK_EQ("CPU_ON(3) at raw_entry", psci(PSCI_CPU_ON64, 3, (uint64_t)(uintptr_t)raw_entry, 0x123456789abcdef0ull), 0);
    while (seen_x0[3] == 0) {}
    smp_wait_state(3, 1);
    CHECK_EQ("CPU 3 X0 at entry", seen_x0[3], 0x123456789abcdef0ull);

    CHECK_EQ("CPU_SUSPEND(power state 0x20000) (INVALID_PARAMETERS)",
             psci(PSCI_CPU_SUSPEND64, 0x20000, 0, 0), (uint64_t)-2);
    CHECK_EQ("MIGRATE_INFO_TYPE", psci(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
    CHECK_EQ("MIGRATE (NOT_SUPPORTED)", psci(PSCI_MIGRATE64, 1, 0, 0), (uint64_t)-1);
    CHECK_EQ("PSCI_FEATURES(CPU_ON64)", psci(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), 0);
    CHECK_EQ("PSCI_FEATURES(CPU_OFF)", psci(PSCI_FEATURES, PSCI_CPU_OFF, 0, 0), 0);
    CHECK_EQ("PSCI_FEATURES(AFFINITY_INFO64)", psci(PSCI_FEATURES, PSCI_AFFINITY_INFO64, 0, 0), 0);
    CHECK_EQ("PSCI_FEATURES(CPU_SUSPEND64)", psci(PSCI_FEATURES, PSCI_CPU_SUSPEND64, 0, 0), 0);
    CHECK_EQ("PSCI_FEATURES(MIGRATE_INFO_TYPE)", psci(PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE, 0, 0), 0);
    CHECK_EQ("PSCI_FEATURES(MIGRATE64) (NOT_SUPPORTED)", psci(PSCI_FEATURES, PSCI_MIGRATE64, 0, 0), (uint64_t)-1);
    return test_finish("smp_psci");
}
