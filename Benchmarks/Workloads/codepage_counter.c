/* codepage_counter: a loop whose counters share a 4 KiB page with its code
 * (the usual layout of a small image without page-aligned sections), so every
 * store of the loop writes a page that holds translated code. Only bytes that
 * are not code are written: nothing needs retranslating.
 * Exercises: stores to a code page (the emulator's self-modifying-code
 * tracking must tell a data write beside code from a write to code). */
#include "bench.h"

#ifndef ITERATIONS
#define ITERATIONS (2000000 * SCALE)
#endif

/* x0 = iterations; returns a hash of the loop's values. The loop and its two
 * counters are in one page (the section starts on a page boundary). */
uint64_t cpc_loop(uint64_t n);
__asm__(
    "    .section .text.cpc, \"ax\"\n"
    "    .p2align 12\n"
    "    .globl cpc_loop\n"
    "cpc_loop:\n"
    "    adr     x1, cpc_data\n"
    "    mov     x2, #1\n"
    "    movz    x3, #0x7f2d\n"
    "    movk    x3, #0x4c95, lsl #16\n"
    "    movk    x3, #0xf42d, lsl #32\n"
    "    movk    x3, #0x5851, lsl #48\n"
    "1:  ldr     x4, [x1]\n"
    "    add     x4, x4, #1\n"
    "    str     x4, [x1]\n"
    "    madd    x2, x2, x3, x4\n"
    "    ldr     x5, [x1, #8]\n"
    "    eor     x5, x5, x2, lsr #17\n"
    "    str     x5, [x1, #8]\n"
    "    subs    x0, x0, #1\n"
    "    b.ne    1b\n"
    "    ldr     x4, [x1]\n"
    "    ldr     x5, [x1, #8]\n"
    "    eor     x0, x2, x5\n"
    "    add     x0, x0, x4\n"
    "    ret\n"
    "    .p2align 6\n"
    "cpc_data:\n"
    "    .quad   0, 0\n"
    "    .text\n");

int main(void)
{
    uint64_t sum = 0;
    for (int round = 0; round < 3; round++)
        sum = bench_mix(sum, cpc_loop(ITERATIONS / 3));
    bench_report("codepage_counter", sum);
    return 0;
}
