/* Shared by the simd_fp_* tests: special values of each precision, FPCR
 * settings, and the loop that runs a vector operation on lanes drawn from
 * the values under every setting and prints one checksum of results and
 * FPSR per (setting, operation). An operation takes three Q registers
 * (q0, q1, q2 loaded from in[0..5]) and leaves its result in q0. */
#ifndef SIMD_FP_H
#define SIMD_FP_H
#include "semihost.h"

#define FPSR_READ() ({ uint64_t _v; __asm__ volatile("mrs %0, fpsr" : "=r"(_v)); _v; })
static inline void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0\n\tmsr fpsr, xzr" :: "r"(v)); }
static inline void fp_enable(void) { __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20)); }

typedef void (*vop_t)(const uint64_t *in, uint64_t *out);
/* bits: element size of the inputs (16, 32, 64); intin: integer inputs (ivals) rather than FP values. */
typedef struct { const char *name; vop_t fn; int bits; int intin; } vtest_t;

#define VOP(name, insn) static void name(const uint64_t *in, uint64_t *out) { \
    __asm__ volatile("ldr q0, [%0]\n\tldr q1, [%0, #16]\n\tldr q2, [%0, #32]\n\t" insn "\n\tstr q0, [%1]" \
                     :: "r"(in), "r"(out) : "v0", "v1", "v2", "memory"); }

static const uint64_t dvals[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fb999999999999a, 0x3ff8000000000000, 0x4008000000000000, 0xc004000000000000,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x0010000000000000, 0x000fffffffffffff,
    0x8000000000000001, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000123,
    0x7ff0000000000456, 0xfff8000000000789, 0x4330000000000001, 0x43e0000000000000,
    0x3fe0000000000000, 0xc3e0000000000001, 0x41dfffffffc00000, 0x0004000000000000,
    0x7fd0000000000000, 0x3ff4000000000001, 0x41e0000000000000, 0xc1e0000000200000,
};
static const uint64_t svals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3dcccccd, 0x3fc00000, 0x40400000, 0xc0200000,
    0x7f7fffff, 0xff7fffff, 0x00800000, 0x007fffff, 0x80000001, 0x7f800000, 0xff800000, 0x7fc00123,
    0x7f800456, 0xffc00789, 0x4b000001, 0x5f000000, 0x3f000000, 0x477fe000, 0x00200000, 0x38800000,
    0x7e800000, 0x3fa00001, 0x4f000000, 0xcf000001,
};
static const uint64_t hvals[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x2e66, 0x3e00, 0x4200, 0xc100, 0x7bff, 0xfbff, 0x0400, 0x03ff,
    0x8001, 0x7c00, 0xfc00, 0x7e12, 0x7c34, 0xfe56, 0x6400, 0x7800, 0x3800, 0x5bff, 0x0100, 0x0001,
    0x7400, 0x3c01, 0x7800, 0xf801,
};
static const uint64_t ivals[] = {
    0, 1, 0xffffffffffffffff, 7, 0x8000000000000000, 0x7fffffffffffffff, 0x00000000ffffffff, 0x80000000,
    0x20000000000001, 0x7fffffff, 0xfffffffffffff800, 12345678901234567, 3, 0xff, 0x100000001, 0x5555555555555555,
    0x40000000, 0x3fffffff, 0xc0000000, 0x8000, 0x7fff, 0xffff8000, 0x12345678, 0x9abcdef0,
    0xfffe, 0x10000, 0xa5a5a5a5a5a5a5a5, 0xc3,
};
#define NVALS 28
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const uint64_t fpcrs[] = {
    0,                                 /* round to nearest */
    1ull << 22,                        /* towards +inf */
    2ull << 22,                        /* towards -inf */
    3ull << 22,                        /* towards zero */
    (1ull << 24) | (1ull << 19),       /* FZ, FZ16 */
    1ull << 25,                        /* DN */
    (1ull << 24) | (1ull << 25) | (1ull << 19) | (2ull << 22),   /* FZ, DN, FZ16, towards -inf */
    1ull << 26,                        /* AHP */
};

static inline uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ull; return h ^ (h >> 29); }

/* Operand x (0..2), lane k of `bits` bits, for the pair (i, j). */
static inline void fill(uint64_t *in, int bits, const uint64_t *v, unsigned i, unsigned j)
{
    unsigned lanes = 128 / bits;
    for (unsigned x = 0; x < 6; x++) in[x] = 0;
    for (unsigned x = 0; x < 3; x++) {
        for (unsigned k = 0; k < lanes; k++) {
            unsigned idx = x == 0 ? (i + 5 * k) % NVALS : x == 1 ? (j + 7 * k) % NVALS : (i + j + 3 * k) % NVALS;
            uint64_t e = bits == 64 ? v[idx] : v[idx] & ((1ull << bits) - 1);
            unsigned bit = k * bits;
            in[2 * x + bit / 64] |= e << (bit % 64);
        }
    }
}

/* Runs every test under every FPCR setting in `fpcr_mask` (bit m: fpcrs[m]). */
static inline void run_all(const vtest_t *tests, unsigned count, unsigned fpcr_mask, unsigned jstep)
{
    static uint64_t in[6] __attribute__((aligned(16)));
    static uint64_t out[2] __attribute__((aligned(16)));
    for (unsigned m = 0; m < N(fpcrs); m++) {
        if (!(fpcr_mask >> m & 1)) continue;
        for (unsigned t = 0; t < count; t++) {
            const vtest_t *op = &tests[t];
            int bits = op->bits;
            const uint64_t *v = op->intin ? ivals : bits == 64 ? dvals : bits == 32 ? svals : hvals;
            uint64_t hash = 0xcbf29ce484222325ull, fpsr_or = 0;
            for (unsigned i = 0; i < NVALS; i++) {
                for (unsigned j = 0; j < NVALS; j += jstep) {
                    fill(in, bits, v, i, j);
                    set_fpcr(fpcrs[m]);
                    op->fn(in, out);
                    uint64_t f = FPSR_READ();
                    hash = mix(mix(mix(hash, out[0]), out[1]), f);
                    fpsr_or |= f;
                }
            }
            print_str("fpcr ");
            print_hex(fpcrs[m]);
            print_str(" ");
            print_str(op->name);
            print_str(": ");
            print_hex64(hash);
            print_str(" fpsr|=");
            print_hex(fpsr_or);
            print_nl();
        }
    }
    set_fpcr(0);
}

/* One operation on given 128-bit operands: result, and FPSR after it. */
static inline uint64_t run1(vop_t fn, uint64_t fpcr, uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi, uint64_t *hi, uint64_t *fpsr)
{
    static uint64_t in[6] __attribute__((aligned(16)));
    static uint64_t out[2] __attribute__((aligned(16)));
    in[0] = alo; in[1] = ahi; in[2] = blo; in[3] = bhi; in[4] = 0; in[5] = 0;
    set_fpcr(fpcr);
    fn(in, out);
    *fpsr = FPSR_READ();
    *hi = out[1];
    return out[0];
}
#endif

