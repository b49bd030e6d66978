/* simd_intloop: integer loops that clang vectorises at -O3 over 16 KiB
 * arrays: a multiply-add with shifts and a saturating clamp on uint16, a
 * sum of absolute differences and a dot product on bytes (widening
 * reductions), a min/max scan on int32 and a byte histogram of the results
 * (scalar); the reductions in the checksum.
 * Exercises: vector MUL/MLA, ADD/SUB, shifts, UMIN/UMAX/SMIN/SMAX,
 * UABD/UABAL, widening multiplies and adds (UMULL/UADDL/UADDW), ADDV and
 * the other across-lane reductions, LDR/STR Q. */
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS (400 * SCALE)
#endif
#define LEN 8192

static uint16_t a16[LEN] __attribute__((aligned(16)));
static uint16_t b16[LEN] __attribute__((aligned(16)));
static uint16_t c16[LEN] __attribute__((aligned(16)));
static uint8_t x8[2 * LEN] __attribute__((aligned(16)));
static uint8_t y8[2 * LEN] __attribute__((aligned(16)));
static int32_t s32[LEN] __attribute__((aligned(16)));

static void madd_clamp(uint16_t k)
{
    for (int i = 0; i < LEN; i++) {
        uint32_t v = (uint32_t)a16[i] * k + (b16[i] >> 3);
        c16[i] = v > 60000 ? 60000 : (uint16_t)v;
    }
}

static uint32_t sad(void)
{
    uint32_t s = 0;
    for (int i = 0; i < 2 * LEN; i++) {
        int d = (int)x8[i] - (int)y8[i];
        s += (uint32_t)(d < 0 ? -d : d);
    }
    return s;
}

static uint32_t dot(void)
{
    uint32_t s = 0;
    for (int i = 0; i < 2 * LEN; i++) s += (uint32_t)x8[i] * y8[i];
    return s;
}

static void minmax(int32_t *lo, int32_t *hi)
{
    int32_t mn = INT32_MAX, mx = INT32_MIN;
    for (int i = 0; i < LEN; i++) {
        mn = s32[i] < mn ? s32[i] : mn;
        mx = s32[i] > mx ? s32[i] : mx;
    }
    *lo = mn;
    *hi = mx;
}

static __attribute__((noinline)) uint64_t run(void)
{
    uint64_t st = 5;
    for (int i = 0; i < LEN; i++) {
        uint64_t r = bench_rand(&st);
        a16[i] = (uint16_t)r;
        b16[i] = (uint16_t)(r >> 16);
        s32[i] = (int32_t)(r >> 32);
        x8[2 * i] = (uint8_t)(r >> 8);
        x8[2 * i + 1] = (uint8_t)(r >> 24);
        y8[2 * i] = (uint8_t)(r >> 40);
        y8[2 * i + 1] = (uint8_t)(r >> 56);
    }
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        madd_clamp((uint16_t)(3 + r));
        for (int i = 0; i < LEN; i++) {
            x8[i] ^= (uint8_t)c16[i];
            s32[i] += (int32_t)c16[i] - 30000;
        }
        int32_t lo, hi;
        minmax(&lo, &hi);
        sum = bench_mix(sum, sad());
        sum = bench_mix(sum, dot());
        sum = bench_mix(sum, (uint64_t)(uint32_t)lo << 32 | (uint32_t)hi);
    }
    uint32_t hist[256] = { 0 };
    for (int i = 0; i < LEN; i++) hist[c16[i] & 0xff]++;
    for (int i = 0; i < 256; i++) sum = bench_mix(sum, hist[i]);
    return sum;
}

int main(void)
{
    bench_fp_enable();
    bench_report("simd_intloop", run());
    return 0;
}
