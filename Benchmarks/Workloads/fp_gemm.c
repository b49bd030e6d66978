/* fp_gemm: single-precision matrix multiply C = A * B + C, 64x64, i-k-j
 * order (clang vectorises the inner loop: FMLA/FMUL+FADD on 4S vectors),
 * with the result scaled back into A each round; the bit patterns of C in
 * the checksum.
 * Exercises: vector float FMLA/FMUL/FADD, LDR/STR Q and LDP/STP, DUP of
 * an element; scalar float for the scaling. */
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS (60 * SCALE)
#endif
#define N 64

static float A[N][N] __attribute__((aligned(16)));
static float B[N][N] __attribute__((aligned(16)));
static float C[N][N] __attribute__((aligned(16)));

static void gemm(void)
{
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            float a = A[i][k];
            for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
        }
}

static __attribute__((noinline)) uint64_t run(void)
{
    uint64_t st = 11;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (float)(int)(bench_rand(&st) % 2001 - 1000) / 1024.0f;
            B[i][j] = (float)(int)(bench_rand(&st) % 2001 - 1000) / 1024.0f;
            C[i][j] = 0;
        }
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        gemm();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) A[i][j] = C[i][j] * (1.0f / 64.0f) - A[i][j];
        uint32_t u;
        __builtin_memcpy(&u, &C[r % N][(r * 7) % N], 4);
        sum = bench_mix(sum, u);
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            uint32_t u;
            __builtin_memcpy(&u, &C[i][j], 4);
            sum = bench_mix(sum, u);
        }
    return sum;
}

int main(void)
{
    bench_fp_enable();
    bench_report("fp_gemm", run());
    return 0;
}
