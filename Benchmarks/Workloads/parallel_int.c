/* parallel_int: the same integer work on every CPU (-smp N), for scaling:
 * each CPU hashes its own 64 KiB buffer (xxHash64-style lanes, MUL + ROR)
 * and runs a Collatz step count, ROUNDS times; CPU 0 starts the others with
 * PSCI CPU_ON (as many as AFFINITY_INFO knows), does its share and waits
 * for them. The work per CPU is fixed, so -smp N does N times the work of
 * -smp 1: throughput = N x (time at -smp 1) / (time at -smp N). Every CPU
 * must get CPU 0's result; the checksum does not depend on N.
 * Exercises: loads/stores to private memory, 64-bit multiply, rotates,
 * branches; no sharing between CPUs but a done counter. */
#include "bench.h"
#include "smp.h"

#ifndef ROUNDS
#define ROUNDS (480 * SCALE)
#endif
#define WORDS 8192   /* 64 KiB per CPU */

static uint64_t bufs[SMP_MAX_CPUS][WORDS];
static volatile uint64_t results[SMP_MAX_CPUS], done;

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t work(uint64_t cpu)
{
    uint64_t *b = bufs[cpu];
    uint64_t s = 12345, sum = 0;
    for (int i = 0; i < WORDS; i++) b[i] = bench_rand(&s);
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t v1 = r, v2 = r * 3, v3 = r * 5, v4 = r * 7;
        for (int i = 0; i + 4 <= WORDS; i += 4) {
            v1 = rotl(v1 + b[i] * 0xc2b2ae3d27d4eb4full, 31) * 0x9e3779b185ebca87ull;
            v2 = rotl(v2 + b[i + 1] * 0xc2b2ae3d27d4eb4full, 31) * 0x9e3779b185ebca87ull;
            v3 = rotl(v3 + b[i + 2] * 0xc2b2ae3d27d4eb4full, 31) * 0x9e3779b185ebca87ull;
            v4 = rotl(v4 + b[i + 3] * 0xc2b2ae3d27d4eb4full, 31) * 0x9e3779b185ebca87ull;
        }
        uint64_t h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        b[r % WORDS] ^= h;   /* the next round reads what this one wrote */
        uint64_t steps = 0;
        for (uint64_t n = 1; n < 3000; n++) {
            uint64_t x = n + (h & 0xff);
            while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; steps++; }
        }
        sum = bench_mix(sum, h ^ steps);
    }
    return sum;
}

static void secondary(uint64_t cpu)
{
    results[cpu] = work(cpu);
    __asm__ volatile("" ::: "memory");
    __atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

int main(void)
{
    uint64_t n = 1;
    while (n < SMP_MAX_CPUS && psci(PSCI_AFFINITY_INFO64, n, 0, 0) >= 0) n++;
    for (uint64_t c = 1; c < n; c++) smp_start(c, secondary);
    results[0] = work(0);
    while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) != n - 1) {}
    uint64_t sum = results[0];
    for (uint64_t c = 1; c < n; c++)
        if (results[c] != results[0]) sum = 0;   /* a CPU computed something else */
    bench_report("parallel_int", sum);
    return 0;
}
