/* AdvSIMD saturating integer add, subtract, absolute value and negate:
 * SQADD, UQADD, SQSUB, UQSUB (three same), SUQADD, USQADD, SQABS, SQNEG (two
 * register), in every arrangement (8B 16B 4H 8H 2S 4S 2D) and as scalars
 * (B, H, S, D), on the edge values of each lane size and pseudo-random lanes
 * (simd_arith.h). Every result and FPSR.QC (cleared before each instruction)
 * is printed for comparison with QEMU 7.2; the saturation edges are checked
 * here against values worked out from the Arm ARM pseudocode. */
#include "simd_arith.h"

#define SAME_V(op) \
    VFN(op##_8b, #op " v2.8b, v0.8b, v1.8b") VFN(op##_16b, #op " v2.16b, v0.16b, v1.16b") \
    VFN(op##_4h, #op " v2.4h, v0.4h, v1.4h") VFN(op##_8h, #op " v2.8h, v0.8h, v1.8h") \
    VFN(op##_2s, #op " v2.2s, v0.2s, v1.2s") VFN(op##_4s, #op " v2.4s, v0.4s, v1.4s") \
    VFN(op##_2d, #op " v2.2d, v0.2d, v1.2d") \
    VFN(op##_b, #op " b2, b0, b1") VFN(op##_h, #op " h2, h0, h1") VFN(op##_s, #op " s2, s0, s1") VFN(op##_d, #op " d2, d0, d1")
/* Two-register forms: the operand is V0 (V2 is the destination, and the
 * addend of SUQADD/USQADD). */
#define MISC_V(op) \
    VFN(op##_8b, #op " v2.8b, v0.8b") VFN(op##_16b, #op " v2.16b, v0.16b") \
    VFN(op##_4h, #op " v2.4h, v0.4h") VFN(op##_8h, #op " v2.8h, v0.8h") \
    VFN(op##_2s, #op " v2.2s, v0.2s") VFN(op##_4s, #op " v2.4s, v0.4s") \
    VFN(op##_2d, #op " v2.2d, v0.2d") \
    VFN(op##_b, #op " b2, b0") VFN(op##_h, #op " h2, h0") VFN(op##_s, #op " s2, s0") VFN(op##_d, #op " d2, d0")

SAME_V(sqadd) SAME_V(uqadd) SAME_V(sqsub) SAME_V(uqsub)
MISC_V(suqadd) MISC_V(usqadd) MISC_V(sqabs) MISC_V(sqneg)

typedef struct { const char *name; int bits; vfn_t fn; } row_t;
#define ROWS(op) \
    { #op " 8b", 8, op##_8b }, { #op " 16b", 8, op##_16b }, { #op " 4h", 16, op##_4h }, { #op " 8h", 16, op##_8h }, \
    { #op " 2s", 32, op##_2s }, { #op " 4s", 32, op##_4s }, { #op " 2d", 64, op##_2d }, \
    { #op " b", 8, op##_b }, { #op " h", 16, op##_h }, { #op " s", 32, op##_s }, { #op " d", 64, op##_d }

static const row_t rows[] = {
    ROWS(sqadd), ROWS(uqadd), ROWS(sqsub), ROWS(uqsub), ROWS(suqadd), ROWS(usqadd), ROWS(sqabs), ROWS(sqneg),
};

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) sweep(rows[i].name, rows[i].bits, rows[i].bits, rows[i].fn);

    /* Saturation edges. */
    known("sqadd 16b 7f+01", sqadd_16b, 0x807F, 0, 0x8001, 0, 0, 0, 0x807F, 0, 1);   /* 0x80+0x80 -> 0x80 too */
    known("sqadd 2d min+min", sqadd_2d, 1ull << 63, 5, 1ull << 63, 6, 0, 0, 1ull << 63, 11, 1);
    known("uqadd 4s ff..+1", uqadd_4s, 0xFFFFFFFF, 0, 1, 0, 0, 0, 0xFFFFFFFF, 0, 1);
    known("uqsub 8h 0-1", uqsub_8h, 0, 0, 1, 0, 0, 0, 0, 0, 1);
    known("sqsub d min-1", sqsub_d, 1ull << 63, 7, 1, 7, 9, 9, 1ull << 63, 0, 1);
    known("sqsub s no sat, upper lanes", sqsub_s, 5, 0x8000000000000000ull, 3, 0x7FFFFFFFFFFFFFFFull, 9, 9, 2, 0, 0);
    known("suqadd b 7f+ff", suqadd_b, 0xFF, 0, 0, 0, 0x7F, 0, 0x7F, 0, 1);
    known("suqadd 4h -1+1", suqadd_4h, 0x0001, 0, 0, 0, 0xFFFF, 0, 0, 0, 0);
    known("usqadd 8b 01+(-2)", usqadd_8b, 0xFE, 0, 0, 0, 0x01, 0xAA, 0, 0, 1);
    known("usqadd d max+1", usqadd_d, 1, 0, 0, 0, ~0ull, 0, ~0ull, 0, 1);
    known("sqabs 8h min", sqabs_8h, 0x8000FFFF, 0, 0, 0, 0, 0, 0x7FFF0001, 0, 1);
    known("sqneg 2d min,1", sqneg_2d, 1ull << 63, 1, 0, 0, 0, 0, 0x7FFFFFFFFFFFFFFFull, ~0ull, 1);
    known("sqneg h upper lanes", sqneg_h, 0x80000002, 0, 0, 0, 0, 0, 0xFFFE, 0, 0);

    /* QC is sticky: a later op that does not saturate leaves it set. */
    uint64_t f;
    v128_t a = { 0x7F, 0 }, b = { 1, 0 }, d = { 0, 0 };
    __asm__ volatile("ldr q0, [%1]\n\tldr q1, [%2]\n\tmsr fpsr, xzr\n\tsqadd b2, b0, b1\n\tsqadd b2, b1, b1\n\tmrs %0, fpsr\n\tstr q2, [%3]"
                     : "=&r"(f) : "r"(&a), "r"(&b), "r"(&d) : "v0", "v1", "v2", "memory");
    CHECK_EQ("qc sticky fpsr", f, FPSR_QC);
    CHECK_EQ("qc sticky result", d.lo, 2);
    return test_finish("simd_sat");
}
