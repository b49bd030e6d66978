/* Shared by the AdvSIMD integer arithmetic tests (simd_sat*.c, simd_halving.c,
 * simd_mla*.c, simd_dot.c): operand vectors built from the edge values of a
 * lane size (0, 1, -1, the signed extremes and their neighbours, bit patterns,
 * the values whose doubled products saturate) and from a fixed pseudo-random
 * sequence; each instruction runs on V0 (first operand), V1 or V17 (second;
 * V15 for 16-bit elements) and V2 (destination, holding the accumulator or
 * old contents first, so the zeroed upper half of a 64-bit or scalar result
 * shows), with FPSR cleared before it and read after it. Every result and
 * FPSR.QC is printed: the run is compared with QEMU 7.2 byte for byte. */
#ifndef SIMD_ARITH_H
#define SIMD_ARITH_H
#include "semihost.h"

typedef struct { uint64_t lo, hi; } __attribute__((aligned(16))) v128_t;
/* Runs one instruction: a -> V0, b -> V1/V15/V17, *d -> V2, then V2 -> *d; returns FPSR. */
typedef uint64_t (*vfn_t)(const v128_t *a, const v128_t *b, v128_t *d);

#define FPSR_QC (1ull << 27)

#define VFN(name, insn) \
    static uint64_t name(const v128_t *a, const v128_t *b, v128_t *d) { \
        uint64_t f; \
        __asm__ volatile("ldr q0, [%1]\n\tldr q1, [%2]\n\tldr q2, [%3]\n\tmov v15.16b, v1.16b\n\tmov v17.16b, v1.16b\n\t" \
                         "msr fpsr, xzr\n\t" insn "\n\tmrs %0, fpsr\n\tstr q2, [%3]" \
                         : "=&r"(f) : "r"(a), "r"(b), "r"(d) : "v0", "v1", "v2", "v15", "v17", "memory"); \
        return f; \
    }

/* By element: the instruction (without "[index]") once for every index,
 * V2 reloaded from d[i] before index i; results in d[i], FPSR in f[i]. */
typedef void (*efn_t)(const v128_t *a, const v128_t *b, v128_t *d, uint64_t *f);
#define E1(insn, i) "ldr q2, [%2, #" #i "*16]\n\tmsr fpsr, xzr\n\t" insn "[" #i "]\n\tmrs x9, fpsr\n\t" \
                    "str q2, [%2, #" #i "*16]\n\tstr x9, [%3, #" #i "*8]\n\t"
#define EPRE "ldr q0, [%0]\n\tldr q1, [%1]\n\tmov v15.16b, v1.16b\n\tmov v17.16b, v1.16b\n\t"
#define ECLOB "x9", "v0", "v1", "v2", "v15", "v17", "memory"
#define EFN2(name, insn) static void name(const v128_t *a, const v128_t *b, v128_t *d, uint64_t *f) { \
        __asm__ volatile(EPRE E1(insn, 0) E1(insn, 1) :: "r"(a), "r"(b), "r"(d), "r"(f) : ECLOB); }
#define EFN4(name, insn) static void name(const v128_t *a, const v128_t *b, v128_t *d, uint64_t *f) { \
        __asm__ volatile(EPRE E1(insn, 0) E1(insn, 1) E1(insn, 2) E1(insn, 3) \
                         :: "r"(a), "r"(b), "r"(d), "r"(f) : ECLOB); }
#define EFN8(name, insn) static void name(const v128_t *a, const v128_t *b, v128_t *d, uint64_t *f) { \
        __asm__ volatile(EPRE E1(insn, 0) E1(insn, 1) E1(insn, 2) E1(insn, 3) E1(insn, 4) E1(insn, 5) E1(insn, 6) E1(insn, 7) \
                         :: "r"(a), "r"(b), "r"(d), "r"(f) : ECLOB); }

static inline uint64_t lane_ones(int bits) { return bits == 64 ? ~0ull : (1ull << bits) - 1; }

/* Edge value i (mod 16) of a lane of `bits` bits. */
static inline uint64_t edge(int bits, int i) {
    uint64_t ones = lane_ones(bits), smin = 1ull << (bits - 1), smax = smin - 1, q = 1ull << (bits - 2);
    switch (i & 15) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ones;
    case 3: return smax;
    case 4: return smin;
    case 5: return smax - 1;
    case 6: return smin + 1;
    case 7: return 2;
    case 8: return ones - 1;
    case 9: return 0x5555555555555555ull & ones;
    case 10: return 0xAAAAAAAAAAAAAAAAull & ones;
    case 11: return q;
    case 12: return smin | q;
    case 13: return q - 1;
    case 14: return (smin | q) + 1;
    default: return 3;
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static inline uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

#define NSETS 8
/* Operand `which` (0 a, 1 b, 2 d) of input set `set`, lanes of `bits` bits:
 * sets 0-5 walk the edge values (a, b and d in different orders, so that the
 * extremes meet each other), sets 6 and 7 are pseudo-random. */
static inline void make_vec(v128_t *v, int bits, int set, int which) {
    v->lo = v->hi = 0;
    for (int i = 0; i < 128 / bits; i++) {
        uint64_t x;
        if (set >= 6) x = rnd() & lane_ones(bits);
        else if (which == 0) x = edge(bits, i + set * 3);
        else if (which == 1) x = edge(bits, i * 5 + set * 7 + 4);
        else x = edge(bits, i * 3 + set + 9);
        int off = i * bits;
        if (off < 64) v->lo |= x << off; else v->hi |= x << (off - 64);
    }
}

static inline void print_result(const char *name, int set, int index, const v128_t *d, uint64_t fpsr) {
    print_str(name);
    if (index >= 0) { print_char('['); print_dec(index); print_char(']'); }
    print_char(' ');
    print_dec(set);
    print_str(": ");
    print_hex64(d->hi);
    print_char(' ');
    print_hex64(d->lo);
    print_str((fpsr & FPSR_QC) ? " QC\n" : "\n");
}

/* Every input set through fn: a and b with lanes of `bits` bits, d of `dbits`. */
static inline void sweep(const char *name, int bits, int dbits, vfn_t fn) {
    for (int set = 0; set < NSETS; set++) {
        v128_t a, b, d;
        make_vec(&a, bits, set, 0);
        make_vec(&b, bits, set, 1);
        make_vec(&d, dbits, set, 2);
        uint64_t f = fn(&a, &b, &d);
        print_result(name, set, -1, &d, f);
    }
}

/* The same for a by-element instruction with `count` indices. */
static inline void sweep_elem(const char *name, int bits, int dbits, int count, efn_t fn) {
    for (int set = 0; set < NSETS; set += 2) {
        v128_t a, b, d[8];
        uint64_t f[8];
        make_vec(&a, bits, set, 0);
        make_vec(&b, bits, set, 1);
        make_vec(&d[0], dbits, set, 2);
        for (int i = 1; i < count; i++) d[i] = d[0];
        fn(&a, &b, d, f);
        for (int i = 0; i < count; i++) print_result(name, set, i, &d[i], f[i]);
    }
}

/* One known case: fn on (a, b, d) must give `want` and QC = want_qc. */
static inline void known(const char *name, vfn_t fn, uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi,
                  uint64_t dlo, uint64_t dhi, uint64_t wlo, uint64_t whi, int want_qc) {
    v128_t a = { alo, ahi }, b = { blo, bhi }, d = { dlo, dhi };
    uint64_t f = fn(&a, &b, &d);
    print_str("known ");
    print_result(name, 0, -1, &d, f);
    CHECK(d.lo == wlo && d.hi == whi, name);
    CHECK(((f & FPSR_QC) != 0) == (want_qc != 0), name);
}

static inline void simd_enable(void) {
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN: FP/SIMD at EL0 and EL1 */
}
#endif
