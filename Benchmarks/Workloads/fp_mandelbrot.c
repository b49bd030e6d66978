/* fp_mandelbrot: escape-time iteration counts of a 192x128 grid over
 * [-2, 1] x [-1, 1] in single precision (up to 256 iterations per point),
 * the counts and the last z of each row in the checksum.
 * Exercises: scalar float FMUL/FADD/FSUB, FMADD (contracted), FCMP and
 * conditional branches, int/float conversion (SCVTF). */
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS (3 * SCALE)
#endif
#define W 192
#define H 128
#define MAXIT 256

static uint32_t counts[H][W];

static uint32_t fbits(float f) { uint32_t u; __builtin_memcpy(&u, &f, 4); return u; }

static __attribute__((noinline)) uint64_t run(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        float shift = 0.001f * (float)r;
        for (int y = 0; y < H; y++) {
            float ci = -1.0f + 2.0f * (float)y / (float)H + shift;
            float zr = 0, zi = 0;
            for (int x = 0; x < W; x++) {
                float cr = -2.0f + 3.0f * (float)x / (float)W;
                zr = 0; zi = 0;
                int it = 0;
                while (it < MAXIT) {
                    float zr2 = zr * zr, zi2 = zi * zi;
                    if (zr2 + zi2 > 4.0f) break;
                    zi = 2.0f * zr * zi + ci;
                    zr = zr2 - zi2 + cr;
                    it++;
                }
                counts[y][x] = (uint32_t)it;
            }
            sum = bench_mix(sum, fbits(zr) ^ (uint64_t)fbits(zi) << 32);
        }
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) sum = bench_mix(sum, counts[y][x]);
    }
    return sum;
}

int main(void)
{
    bench_fp_enable();
    bench_report("fp_mandelbrot", run());
    return 0;
}
