/* recurse: deep and call-heavy recursion: Ackermann A(2, n) and A(3, n),
 * naive Fibonacci, Takeuchi's tak, and a non-tail recursion 100 000 frames
 * deep. Runs on its own 8 MiB stack (switched to below), since start.S's
 * stack is 256 KiB.
 * Exercises: BL/RET (return prediction, a return-stack buffer), STP/LDP of
 * frames, deep stacks touching many pages. */
#include "bench.h"

#ifndef ACK_N
#define ACK_N 8
#endif
#ifndef FIB_N
#define FIB_N 27
#endif
#ifndef DEEP
#define DEEP 100000
#endif
#ifndef ROUNDS
#define ROUNDS (6 * SCALE)
#endif

#define STACK_BYTES (8u << 20)
static uint64_t big_stack[STACK_BYTES / 8] __attribute__((aligned(16)));

/* uint64_t run_on_stack(uint64_t (*fn)(uint64_t), uint64_t arg, void *top):
 * calls fn(arg) with SP = top, then restores the caller's SP. */
uint64_t run_on_stack(uint64_t (*fn)(uint64_t), uint64_t arg, void *top);
__asm__(
    "    .text\n"
    "    .global run_on_stack\n"
    "    .type run_on_stack, %function\n"
    "run_on_stack:\n"
    "    stp  x29, x30, [sp, #-16]!\n"
    "    mov  x29, sp\n"
    "    mov  x3, sp\n"
    "    mov  sp, x2\n"
    "    stp  x3, xzr, [sp, #-16]!\n"
    "    mov  x9, x0\n"
    "    mov  x0, x1\n"
    "    blr  x9\n"
    "    ldr  x3, [sp]\n"
    "    mov  sp, x3\n"
    "    ldp  x29, x30, [sp], #16\n"
    "    ret\n"
    "    .size run_on_stack, . - run_on_stack\n");

static uint64_t calls;

__attribute__((noinline)) static uint64_t ack(uint64_t m, uint64_t n)
{
    calls++;
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static uint64_t fib(uint64_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int64_t tak(int64_t x, int64_t y, int64_t z)
{
    if (y >= x)
        return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

/* Not a tail call: work after the recursive call keeps every frame live. */
__attribute__((noinline)) static uint64_t deep(uint64_t d, uint64_t x)
{
    if (d == 0)
        return x;
    uint64_t y = deep(d - 1, x * 6364136223846793005ull + d);
    return y ^ (y >> 13) ^ d;
}

static uint64_t body(uint64_t seed)
{
    uint64_t sum = seed;
    for (uint64_t r = 0; r < ROUNDS; r++) {
        uint64_t n = ACK_N + (r & 1);
        BENCH_OPAQUE(n);
        sum = bench_mix(sum, ack(2, n * 40));      /* 2n + 3 */
        sum = bench_mix(sum, ack(3, n));           /* 2^(n+3) - 3; depth ~2^(n+3) */
        uint64_t f = FIB_N;
        BENCH_OPAQUE(f);
        sum = bench_mix(sum, fib(f));
        int64_t x = 18, y = 12, z = 6;
        BENCH_OPAQUE(x);
        sum = bench_mix(sum, (uint64_t)tak(x, y, z));
        for (int k = 0; k < 4; k++) {
            uint64_t d = DEEP;
            BENCH_OPAQUE(d);
            sum = bench_mix(sum, deep(d, r + (uint64_t)k));
        }
    }
    return bench_mix(sum, calls);
}

int main(void)
{
    uint64_t sum = run_on_stack(body, 1, &big_stack[STACK_BYTES / 8]);
    bench_report("recurse", sum);
    return 0;
}
