/* Armature benchmark workloads: shared helpers.
 *
 * Each workload does a fixed amount of work, scaled by the compile-time
 * constant SCALE (default 1; Benchmarks/build-workloads.sh passes it), prints
 * exactly one line
 *     checksum <name> 0x<16 hex digits>
 * through semihosting and returns 0 from main (start.S exits with it).
 * The runtime (start.S, semihost.c, guest.ld) is Tests/Guests/lib. */
#ifndef ARMATURE_BENCH_H
#define ARMATURE_BENCH_H

#include <stdint.h>
#include <stddef.h>
#include "semihost.h"

#ifndef SCALE
#define SCALE 1
#endif

/* splitmix64: a tiny, good-enough PRNG; identical on every engine. */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Mixes a value into a running checksum. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* Prints "checksum <name> 0x<hex>\n" as one SYS_WRITE0. */
static inline void bench_report(const char *name, uint64_t sum)
{
    static const char hex[] = "0123456789abcdef";
    char line[96];
    int p = 0;
    const char *pre = "checksum ";
    while (*pre) line[p++] = *pre++;
    while (*name && p < 64) line[p++] = *name++;
    line[p++] = ' ';
    line[p++] = '0';
    line[p++] = 'x';
    for (int i = 15; i >= 0; i--)
        line[p++] = hex[(sum >> (i * 4)) & 0xf];
    line[p++] = '\n';
    line[p] = 0;
    sh_write0(line);
}

/* Turns on FP/SIMD at EL1 (CPACR_EL1.FPEN = 3: it resets to 0, trapping
 * FP/SIMD): the first thing the fp_ and simd_ workloads do, before any
 * FP/SIMD instruction (their work is in a function main calls). */
static inline void bench_fp_enable(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
}

/* Keeps the optimizer from folding a value away. */
#define BENCH_OPAQUE(x) __asm__ volatile("" : "+r"(x))

#endif
