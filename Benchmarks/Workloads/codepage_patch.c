/* codepage_patch: rewrite one instruction of a function, make it visible
 * (DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB: Arm ARM B2.2.5), call it; again
 * and again, with a new immediate each time, as a kernel patching its code
 * (alternatives, static keys, jump labels) or a JIT does. A second function in
 * the same page is called every time and never written.
 * Exercises: invalidating exactly the block that was written, retranslating
 * it, and reclaiming what the old translations used. */
#include "bench.h"

#ifndef ITERATIONS
#define ITERATIONS (100000 * SCALE)
#endif
/* Calls of each version (scripts/test-codepages.py also runs it with 8, so
 * that every version lives long enough to be compiled). */
#ifndef CALLS
#define CALLS 1
#endif

#define MOVZ_X0 0xd2800000u   /* movz x0, #imm16 = MOVZ_X0 | imm16 << 5 */

/* cpp_patched(x0) = imm + x0 * 3; cpp_steady(x0) = x0 ^ (x0 >> 7) + 1. */
uint64_t cpp_patched(uint64_t);
uint64_t cpp_steady(uint64_t);
extern uint32_t cpp_slot[];
__asm__(
    "    .section .text.cpp, \"ax\"\n"
    "    .p2align 12\n"
    "    .globl cpp_patched, cpp_steady, cpp_slot\n"
    "cpp_patched:\n"
    "    add     x1, x0, x0, lsl #1\n"
    "cpp_slot:\n"
    "    movz    x0, #0\n"
    "    add     x0, x0, x1\n"
    "    ret\n"
    "    .p2align 7\n"
    "cpp_steady:\n"
    "    eor     x0, x0, x0, lsr #7\n"
    "    add     x0, x0, #1\n"
    "    ret\n"
    "    .text\n");

static inline void sync_icache(void *p)
{
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" : : "r"(p) : "memory");
}

int main(void)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < ITERATIONS; i++) {
        uint32_t imm = (i * 40503u) & 0xffff;
        *(volatile uint32_t *)cpp_slot = MOVZ_X0 | imm << 5;
        sync_icache(cpp_slot);
        for (int k = 0; k < CALLS; k++) {
            uint64_t v = cpp_patched(i + k);
            if (v != imm + (uint64_t)(i + k) * 3) {
                print_str("codepage_patch: stale code at iteration ");
                print_udec(i);
                print_nl();
                return 1;
            }
            sum = bench_mix(sum, v + cpp_steady(v));
        }
    }
    bench_report("codepage_patch", sum);
    return 0;
}
