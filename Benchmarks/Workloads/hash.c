/* hash: FNV-1a (64-bit, byte at a time) and an xxHash64-style hash (four
 * 64-bit lanes, multiply + rotate) over a 1 MiB pseudo-random buffer,
 * repeated with a different seed each round.
 * Exercises: byte and doubleword loads, 64-bit multiply, rotates, loops. */
#include "bench.h"

#define BUF_BYTES (1u << 20)
#ifndef ROUNDS
#define ROUNDS (200 * SCALE)
#endif

static uint64_t buf[BUF_BYTES / 8];

#define P1 0x9e3779b185ebca87ull
#define P2 0xc2b2ae3d27d4eb4full
#define P3 0x165667b19e3779f9ull
#define P4 0x85ebca77c2b2ae63ull
#define P5 0x27d4eb2f165667c5ull

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t xx_round(uint64_t acc, uint64_t in)
{
    acc += in * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static inline uint64_t xx_merge(uint64_t acc, uint64_t v)
{
    acc ^= xx_round(0, v);
    return acc * P1 + P4;
}

static uint64_t xxh64(const uint64_t *p, size_t words, uint64_t seed)
{
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    size_t i = 0;
    for (; i + 4 <= words; i += 4) {
        v1 = xx_round(v1, p[i]);
        v2 = xx_round(v2, p[i + 1]);
        v3 = xx_round(v3, p[i + 2]);
        v4 = xx_round(v4, p[i + 3]);
    }
    uint64_t h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = xx_merge(h, v1);
    h = xx_merge(h, v2);
    h = xx_merge(h, v3);
    h = xx_merge(h, v4);
    h += (uint64_t)words * 8;
    for (; i < words; i++)
        h = rotl(h ^ xx_round(0, p[i]), 27) * P1 + P4;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

int main(void)
{
    uint64_t st = 0x1234;
    for (size_t i = 0; i < BUF_BYTES / 8; i++)
        buf[i] = bench_rand(&st);

    uint64_t sum = 0;
    for (uint64_t r = 0; r < ROUNDS; r++) {
        uint64_t a = fnv1a((const uint8_t *)buf, BUF_BYTES, r);
        uint64_t b = xxh64(buf, BUF_BYTES / 8, a);
        /* perturb the buffer so no round repeats another */
        buf[r % (BUF_BYTES / 8)] ^= a ^ b;
        sum = bench_mix(sum, a);
        sum = bench_mix(sum, b);
    }
    bench_report("hash", sum);
    return 0;
}
