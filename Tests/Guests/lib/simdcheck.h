/* Header-only harness for the AdvSIMD integer tests (simd_permute,
 * simd_reduce, simd_bitcount): v0-v5 and v31 are loaded from simd_regs[0..6]
 * (v0 = the destination's old value), one instruction sequence runs with its
 * result in v0, v0 is stored to simd_out, printed as "name: 0x<hi> 0x<lo>",
 * and compared with the expected value from a C model of the Arm ARM
 * pseudocode (plain scalar C: no builtins that compile to AdvSIMD). With
 * simd_quiet set (random inputs), results are checked and folded into
 * simd_sum (printed by simd_print_sum) instead of printed one by one. */
#ifndef ARMATURE_SIMDCHECK_H
#define ARMATURE_SIMDCHECK_H

#include "semihost.h"

typedef struct { uint64_t d[2]; } vec;

static vec simd_regs[7] __attribute__((aligned(16)));
static vec simd_out __attribute__((aligned(16)));
static int simd_quiet;
static uint64_t simd_sum = 0xcbf29ce484222325ull;

#define SIMD_RUN(insn) __asm__ volatile( \
    "ldp q1, q2, [%0, #16]\n\tldp q3, q4, [%0, #48]\n\tldr q5, [%0, #80]\n\t" \
    "ldr q31, [%0, #96]\n\tldr q0, [%0]\n\t" insn "\n\tstr q0, [%1]" \
    :: "r"(simd_regs), "r"(&simd_out) \
    : "v0", "v1", "v2", "v3", "v4", "v5", "v31", "memory")

static inline uint64_t lane_mask(int bits) { return bits == 64 ? ~0ull : (1ull << bits) - 1; }

static inline uint64_t vget(vec v, int i, int bits)
{
    int off = i * bits;
    return (v.d[off >> 6] >> (off & 63)) & lane_mask(bits);
}

static inline void vput(vec *v, int i, int bits, uint64_t x)
{
    int off = i * bits;
    uint64_t m = lane_mask(bits) << (off & 63);
    v->d[off >> 6] = (v->d[off >> 6] & ~m) | ((x << (off & 63)) & m);
}

static inline int64_t sx(uint64_t x, int bits)
{
    return bits == 64 ? (int64_t)x : (int64_t)(x << (64 - bits)) >> (64 - bits);
}

/* A 64-bit (Q = 0) result: bits 127:64 zero. */
static inline vec vq(vec v, int q) { if (!q) v.d[1] = 0; return v; }

static inline vec vmake(uint64_t lo, uint64_t hi) { vec v = { { lo, hi } }; return v; }

static void simd_report(const char *name, vec exp)
{
    if (simd_quiet) {
        simd_sum = (simd_sum ^ simd_out.d[0]) * 0x100000001b3ull;
        simd_sum = (simd_sum ^ simd_out.d[1]) * 0x100000001b3ull;
    } else {
        print_str(name); print_str(": ");
        print_hex64(simd_out.d[1]); print_str(" "); print_hex64(simd_out.d[0]); print_nl();
    }
    g_checks++;
    if (simd_out.d[0] != exp.d[0] || simd_out.d[1] != exp.d[1]) {
        print_str("FAIL: "); print_str(name); print_str(" expected ");
        print_hex64(exp.d[1]); print_str(" "); print_hex64(exp.d[0]); print_nl();
        g_failures++;
    }
}

/* Runs insn and checks v0 against the model expression (evaluated after). */
#define T(name, insn, model) do { SIMD_RUN(insn); simd_report((name), (model)); } while (0)

/* A pseudo-random 64-bit value (xorshift64*): the same sequence everywhere. */
static inline uint64_t simd_random(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    return x * 0x2545f4914f6cdd1dull;
}

/* Random vectors for v0-v5 and v31; bias some lanes toward edge values. */
static inline void simd_randomize(void)
{
    static const uint64_t edges[] = { 0, ~0ull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full,
                                      0x8000800080008000ull, 0x0000000080000000ull, 0x0101010101010101ull };
    for (int i = 0; i < 7; i++) {
        for (int h = 0; h < 2; h++) {
            uint64_t r = simd_random();
            if ((r & 7) == 0) r = edges[(r >> 3) % 7] ^ (simd_random() & simd_random() & simd_random());
            simd_regs[i].d[h] = r;
        }
    }
}

static inline void simd_print_sum(const char *label) { print_reg(label, simd_sum); }

static inline uint64_t read_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static inline void simd_enable(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    __asm__ volatile("msr fpsr, xzr");
}

#endif
