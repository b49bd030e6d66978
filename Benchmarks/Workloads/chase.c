/* chase: pointer chasing over 32 MiB. A static array of 8 Mi uint32 indices
 * is made into one random cycle (Sattolo's algorithm), then followed for a
 * fixed number of dependent loads. Nearly every access lands on another
 * 4 KiB page, so this measures the softmmu TLB (miss/refill) path.
 * Memory: 32 MiB of .bss (start.S zeroes it first). */
#include "bench.h"

#define ENTRIES (8u << 20)            /* 8 Mi x 4 bytes = 32 MiB */
#ifndef STEPS
#define STEPS (6u * 1000 * 1000 * SCALE)
#endif

static uint32_t next[ENTRIES];

int main(void)
{
    uint64_t st = 0xdecafbad;
    for (uint32_t i = 0; i < ENTRIES; i++)
        next[i] = i;
    /* Sattolo: a uniformly random single cycle through all entries */
    for (uint32_t i = ENTRIES - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_rand(&st) % i);   /* UDIV + MSUB */
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }

    uint64_t sum = 0;
    uint32_t p = 0;
    for (uint32_t k = 0; k < STEPS; k++) {
        p = next[p];
        sum += p ^ k;
    }
    sum = bench_mix(sum, p);

    /* walk the whole cycle once: its length must be ENTRIES */
    uint32_t len = 0;
    p = 0;
    do {
        p = next[p];
        len++;
    } while (p != 0 && len <= ENTRIES);
    sum = bench_mix(sum, len);

    bench_report("chase", sum);
    return 0;
}
