/* Header-only runner of the table-driven AdvSIMD tests that gen/simd_shift.py
 * writes (simd_shift_imm, simd_shift_narrow, simd_shift_reg, simd_widen,
 * simd_widen_narrow): each case is one instruction (an OP function) run on
 * its inputs with FPSR cleared before and read after; the result and FPSR.QC
 * are checked against the expected values, and one hash per case is printed. */
#ifndef ARMATURE_SIMD_CASES_H
#define ARMATURE_SIMD_CASES_H

#include "semihost.h"

typedef struct { uint64_t lo, hi; } __attribute__((aligned(16))) v128_t;
typedef void (*fn_t)(const v128_t *, v128_t *);
/* `first`, `count`: its inputs; `expected`: the index of its first
 * expected triple (result low, high, FPSR.QC) per input. */
typedef struct { const char *insn; fn_t fn; unsigned first, count, expected; } case_t;

/* v0 = a, v1 = b, v2 = the destination's old value (accumulator); the result is v2. */
#define OP(name, insn) static void name(const v128_t *p, v128_t *r) { \
    __asm__ volatile("ldp q0, q1, [%0]\n\tldr q2, [%0, #32]\n\t" insn "\n\tstr q2, [%1]" \
                     :: "r"(p), "r"(r) : "v0", "v1", "v2", "memory"); }

static uint64_t simd_cases_mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ull; return h ^ (h >> 29); }

/* Runs the `n` cases and ends the test `name` (test_finish). */
static int run_simd_cases(const char *name, const case_t *cases, unsigned n,
                          const v128_t (*inputs)[3], const uint64_t *expected)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN: FP/SIMD at EL1 */
    for (unsigned c = 0; c < n; c++) {
        const case_t *k = &cases[c];
        uint64_t hash = 0xcbf29ce484222325ull;
        for (unsigned i = 0; i < k->count; i++) {
            v128_t r;
            uint64_t fpsr;
            __asm__ volatile("msr fpsr, xzr");
            k->fn(inputs[k->first + i], &r);
            __asm__ volatile("mrs %0, fpsr" : "=r"(fpsr));
            const uint64_t *e = &expected[k->expected + 3 * i];
            hash = simd_cases_mix(simd_cases_mix(simd_cases_mix(hash, r.lo), r.hi), fpsr);
            if (r.lo != e[0] || r.hi != e[1] || fpsr != e[2] << 27) {
                print_str("FAIL: ");
                print_str(k->insn);
                print_str(" input ");
                print_udec(i);
                print_str(": ");
                print_hex64(r.hi);
                print_char('_');
                print_hex64(r.lo);
                print_str(" fpsr ");
                print_hex(fpsr);
                print_str(", expected ");
                print_hex64(e[1]);
                print_char('_');
                print_hex64(e[0]);
                print_str(" qc ");
                print_udec(e[2]);
                print_nl();
                g_failures++;
            }
            g_checks++;
        }
        print_str(k->insn);
        print_str(": ");
        print_hex64(hash);
        print_nl();
    }
    return test_finish(name);
}

#endif
