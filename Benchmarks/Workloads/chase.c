/* chase: pointer chasing over 32 MiB. A static array of 8 Mi uint32 indices
 * (8192 pages of 4 KiB, 1024 slots each) holds one cycle through all of its
 * entries: the pages in a random cyclic order (Sattolo's algorithm), visited
 * 1024 times, each time at the next slot of a random slot permutation. Every
 * step is a dependent load from another page, so this measures the softmmu
 * TLB miss/refill path (and host cache misses). The array is filled page by
 * page, so building it is cheap; the random accesses are in the chase.
 * Memory: 32 MiB of .bss (start.S zeroes it first). */
#include "bench.h"

#define PAGES 8192u
#define SLOTS 1024u                   /* uint32 slots per 4 KiB page */
#define ENTRIES (PAGES * SLOTS)       /* 8 Mi x 4 bytes = 32 MiB */
#ifndef STEPS
#define STEPS (2u * 1000 * 1000 * SCALE)
#endif

static uint32_t next[ENTRIES] __attribute__((aligned(4096)));
static uint32_t page_order[PAGES], page_pos[PAGES];
static uint32_t slot_order[SLOTS], slot_pos[SLOTS];

/* Sattolo's algorithm: a uniformly random cyclic permutation of 0..n-1,
 * returned as order[] (visit order) and pos[] (its inverse). */
static void random_cycle(uint32_t *order, uint32_t *pos, uint32_t n, uint64_t *st)
{
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_rand(st) % i);   /* UDIV + MSUB */
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < n; i++)
        pos[order[i]] = i;
}

int main(void)
{
    uint64_t st = 0xdecafbad;
    random_cycle(page_order, page_pos, PAGES, &st);
    random_cycle(slot_order, slot_pos, SLOTS, &st);

    /* entry (page p, slot s) -> same slot of the next page in page order;
     * after the last page, the first page at the next slot in slot order. */
    for (uint32_t p = 0; p < PAGES; p++) {
        uint32_t k = page_pos[p];
        uint32_t *row = &next[p * SLOTS];
        if (k + 1 < PAGES) {
            uint32_t base = page_order[k + 1] * SLOTS;
            for (uint32_t s = 0; s < SLOTS; s++)
                row[s] = base + s;
        } else {
            uint32_t base = page_order[0] * SLOTS;
            for (uint32_t s = 0; s < SLOTS; s++)
                row[s] = base + slot_order[(slot_pos[s] + 1) % SLOTS];
        }
    }

    uint64_t sum = 0;
    uint32_t p = 0;
    for (uint32_t k = 0; k < STEPS; k++) {
        p = next[p];
        sum += p ^ k;
    }
    sum = bench_mix(sum, p);
    bench_report("chase", sum);
    return 0;
}
