/* Header-only, for the smp_ tests (-smp N, PSCI through HVC at EL1):
 * psci() calls, and smp_start(cpu, fn) powering a secondary CPU on with
 * PSCI CPU_ON at smp_secondary_entry, which gives it a stack of its own and
 * the test's vectors, runs fn(cpu) and powers it off with CPU_OFF.
 * Only CPU 0 prints. */
#ifndef SMP_H
#define SMP_H
#include <stdint.h>

#define SMP_MAX_CPUS 8
#define SMP_STACK_SIZE 8192

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND64 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON64 0xc4000003u
#define PSCI_AFFINITY_INFO64 0xc4000004u
#define PSCI_MIGRATE64 0xc4000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_FEATURES 0x8400000au

static inline int64_t psci(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3) {
    register uint64_t x0 __asm__("x0") = fid, x1 __asm__("x1") = a1, x2 __asm__("x2") = a2, x3 __asm__("x3") = a3;
    /* SMCCC: x4-x17 may be corrupted by the call. */
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
                     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
                     "x17", "memory");
    return (int64_t)x0;
}

static inline uint64_t smp_mpidr(void) {
    uint64_t v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return v;
}

uint8_t smp_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE] __attribute__((aligned(16)));
void (*volatile smp_fn[SMP_MAX_CPUS])(uint64_t);

/* x0 = the context ID (the CPU number); Aff0 picks the stack. */
__asm__(
    ".text\n"
    ".global smp_secondary_entry\n"
    "smp_secondary_entry:\n"
    "    mrs x1, mpidr_el1\n"
    "    and x1, x1, #0xff\n"
    "    add x1, x1, #1\n"
    "    adrp x2, smp_stacks\n"
    "    add x2, x2, :lo12:smp_stacks\n"
    "    add x2, x2, x1, lsl #13\n"
    "    mov sp, x2\n"
    "    adrp x2, armature_vectors\n"
    "    add x2, x2, :lo12:armature_vectors\n"
    "    msr vbar_el1, x2\n"
    "    isb\n"
    "    bl smp_secondary_main\n"
    "1:  wfi\n"
    "    b 1b\n");

void smp_secondary_entry(void);

void smp_secondary_main(uint64_t cpu) {
    smp_fn[cpu](cpu);
    psci(PSCI_CPU_OFF, 0, 0, 0);
}

/* CPU_ON for CPU `cpu` (Aff0 = cpu) running fn(cpu); returns PSCI's status. */
static inline int64_t smp_start(uint64_t cpu, void (*fn)(uint64_t)) {
    smp_fn[cpu] = fn;
    __asm__ volatile("dsb sy" ::: "memory");
    return psci(PSCI_CPU_ON64, cpu, (uint64_t)(uintptr_t)smp_secondary_entry, cpu);
}

/* Waits until AFFINITY_INFO says `cpu` is in `state` (0 on, 1 off). */
static inline void smp_wait_state(uint64_t cpu, int64_t state) {
    while (psci(PSCI_AFFINITY_INFO64, cpu, 0, 0) != state) {}
}

#endif
