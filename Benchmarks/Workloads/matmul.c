/* matmul: 96x96 integer matrix multiply (uint32, wrapping), C = A * B with
 * the naive i-j-k loop (strided column reads of B) and the cache-friendly
 * i-k-j loop, the result fed back into A each round.
 * Exercises: 32-bit multiply-add (MADD), strided and sequential loads,
 * nested counted loops. */
#include "bench.h"

#define M 96
#ifndef ROUNDS
#define ROUNDS (80 * SCALE)
#endif

static uint32_t A[M][M], B[M][M], C[M][M], D[M][M];

static void mul_ijk(uint32_t c[M][M], uint32_t x[M][M], uint32_t y[M][M])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            uint32_t s = 0;
            for (int k = 0; k < M; k++)
                s += x[i][k] * y[k][j];
            c[i][j] = s;
        }
}

static void mul_ikj(uint32_t c[M][M], uint32_t x[M][M], uint32_t y[M][M])
{
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < M; j++)
            c[i][j] = 0;
        for (int k = 0; k < M; k++) {
            uint32_t xik = x[i][k];
            for (int j = 0; j < M; j++)
                c[i][j] += xik * y[k][j];
        }
    }
}

int main(void)
{
    uint64_t st = 7;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            A[i][j] = (uint32_t)bench_rand(&st) & 0xffff;
            B[i][j] = (uint32_t)bench_rand(&st) & 0xffff;
        }
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        mul_ijk(C, A, B);
        mul_ikj(D, A, B);
        uint64_t h = 0, diff = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) {
                h = h * 31 + C[i][j];
                diff |= C[i][j] ^ D[i][j];   /* both orders must agree */
                A[i][j] = (C[i][j] >> 7) ^ (uint32_t)(i * M + j + r);
            }
        sum = bench_mix(sum, h);
        sum = bench_mix(sum, diff);
    }
    bench_report("matmul", sum);
    return 0;
}
