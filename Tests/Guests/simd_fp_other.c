/* AdvSIMD floating point, the rest: FMAXV/FMINV/FMAXNMV/FMINNMV (4S and
 * the FP16 4H/8H), FMLA/FMLS/FMUL/FMULX by element (2S, 4S, 2D, 4H, 8H
 * and the scalar H, S, D forms, several indices), the fixed-point
 * SCVTF/UCVTF/FCVTZS/FCVTZU by immediate (vector and scalar, the smallest,
 * a middle and the largest fraction bits), FMOV (vector, immediate) and
 * FJCVTZS (result and NZCV). Lanes are drawn from special values under each
 * FPCR setting; a checksum of the results and FPSR per (setting,
 * operation) is printed and compared with QEMU 7.2 byte for byte; a few
 * known results are checked here. */
#include "simd_fp.h"

#define ACROSS(op) VOP(op##_4s, #op " s0, v0.4s") VOP(op##_4h, #op " h0, v0.4h") VOP(op##_8h, #op " h0, v0.8h")
ACROSS(fmaxv) ACROSS(fminv) ACROSS(fmaxnmv) ACROSS(fminnmv)

/* By element: the destination is v2 (the accumulator of FMLA/FMLS). */
#define ELEM(op) \
    VOP(op##_2s, #op " v2.2s, v0.2s, v1.s[1]\n\tmov v0.16b, v2.16b") \
    VOP(op##_4s, #op " v2.4s, v0.4s, v1.s[3]\n\tmov v0.16b, v2.16b") \
    VOP(op##_4s0, #op " v2.4s, v0.4s, v1.s[0]\n\tmov v0.16b, v2.16b") \
    VOP(op##_2d, #op " v2.2d, v0.2d, v1.d[1]\n\tmov v0.16b, v2.16b") \
    VOP(op##_4h, #op " v2.4h, v0.4h, v1.h[5]\n\tmov v0.16b, v2.16b") \
    VOP(op##_8h, #op " v2.8h, v0.8h, v1.h[7]\n\tmov v0.16b, v2.16b") \
    VOP(op##_s, #op " s2, s0, v1.s[2]\n\tmov v0.16b, v2.16b") \
    VOP(op##_d, #op " d2, d0, v1.d[1]\n\tmov v0.16b, v2.16b") \
    VOP(op##_h, #op " h2, h0, v1.h[3]\n\tmov v0.16b, v2.16b")
ELEM(fmla) ELEM(fmls) ELEM(fmul) ELEM(fmulx)

#define FIXED(op) \
    VOP(op##_2s1, #op " v0.2s, v0.2s, #1") VOP(op##_4s32, #op " v0.4s, v0.4s, #32") \
    VOP(op##_2d1, #op " v0.2d, v0.2d, #1") VOP(op##_2d40, #op " v0.2d, v0.2d, #40") VOP(op##_2d64, #op " v0.2d, v0.2d, #64") \
    VOP(op##_4h3, #op " v0.4h, v0.4h, #3") VOP(op##_8h16, #op " v0.8h, v0.8h, #16") \
    VOP(op##_s7, #op " s0, s0, #7") VOP(op##_d64, #op " d0, d0, #64") \
    VOP(op##_h1, #op " h0, h0, #1\n\tmov v0.h[1], wzr")
/* The scalar H forms clear bits 31:16 after the operation: QEMU 7.2 sign-extends
 * the 16-bit result of FCVTZS Hd, Hn, #fbits into them (Arm: a 16-bit element,
 * the rest of the register zero; the unit tests check that). */
FIXED(scvtf) FIXED(ucvtf) FIXED(fcvtzs) FIXED(fcvtzu)

#define T_ACROSS(op) { #op " 4s", op##_4s, 32, 0 }, { #op " 4h", op##_4h, 16, 0 }, { #op " 8h", op##_8h, 16, 0 }
#define T_ELEM(op) { #op " 2s[1]", op##_2s, 32, 0 }, { #op " 4s[3]", op##_4s, 32, 0 }, { #op " 4s[0]", op##_4s0, 32, 0 }, \
    { #op " 2d[1]", op##_2d, 64, 0 }, { #op " 4h[5]", op##_4h, 16, 0 }, { #op " 8h[7]", op##_8h, 16, 0 }, \
    { #op " s[2]", op##_s, 32, 0 }, { #op " d[1]", op##_d, 64, 0 }, { #op " h[3]", op##_h, 16, 0 }
#define T_FIXED(op, in) { #op " 2s #1", op##_2s1, 32, in }, { #op " 4s #32", op##_4s32, 32, in }, \
    { #op " 2d #1", op##_2d1, 64, in }, { #op " 2d #40", op##_2d40, 64, in }, { #op " 2d #64", op##_2d64, 64, in }, \
    { #op " 4h #3", op##_4h3, 16, in }, { #op " 8h #16", op##_8h16, 16, in }, \
    { #op " s #7", op##_s7, 32, in }, { #op " d #64", op##_d64, 64, in }, { #op " h #1", op##_h1, 16, in }

static const vtest_t tests[] = {
    T_ACROSS(fmaxv), T_ACROSS(fminv), T_ACROSS(fmaxnmv), T_ACROSS(fminnmv),
    T_ELEM(fmla), T_ELEM(fmls), T_ELEM(fmul), T_ELEM(fmulx),
    T_FIXED(scvtf, 1), T_FIXED(ucvtf, 1), T_FIXED(fcvtzs, 0), T_FIXED(fcvtzu, 0),
};

/* FJCVTZS: W result in the low 32 bits, NZCV in the high 32. */
static uint64_t fjcvtzs(uint64_t d)
{
    uint64_t r, nzcv;
    __asm__ volatile("fmov d0, %2\n\tmsr nzcv, xzr\n\tfjcvtzs %w0, d0\n\tmrs %1, nzcv" : "=&r"(r), "=&r"(nzcv) : "r"(d) : "v0", "cc");
    return r | nzcv << 32;
}

#define FMOVIMM(name, insn) static void name(uint64_t *out) { \
    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\n\t" insn "\n\tstr q0, [%0]" :: "r"(out) : "v0", "memory"); }
FMOVIMM(fmov_2s, "fmov v0.2s, #-1.25") FMOVIMM(fmov_4s, "fmov v0.4s, #31.0") FMOVIMM(fmov_2d, "fmov v0.2d, #0.125")
FMOVIMM(fmov_4h, "fmov v0.4h, #1.0") FMOVIMM(fmov_8h, "fmov v0.8h, #-0.1875") FMOVIMM(fmov_2dn, "fmov v0.2d, #-15.5")

/* Not inlined into main: FP/SIMD must be enabled before any FP register is used. */
static __attribute__((noinline)) int test(void)
{
    uint64_t hi, f;
    static uint64_t out[2] __attribute__((aligned(16)));
    /* Known results. */
    CHECK_EQ("fmaxv 4s", run1(fmaxv_4s, 0, 0x400000003f800000, 0x4080000040400000, 0, 0, &hi, &f), 0x40800000);
    CHECK_EQ("fmul 2s by s[1]", run1(fmul_2s, 0, 0x400000003f800000, 0, 0x4040000000000000, 0, &hi, &f), 0x40c0000040400000);
    CHECK_EQ("scvtf 2s #1", run1(scvtf_2s1, 0, 0xfffffffd00000003, 0, 0, 0, &hi, &f), 0xbfc000003fc00000);
    CHECK_EQ("fcvtzu s #7 of 1.5", run1(fcvtzu_s7, 0, 0x3fc00000, 0, 0, 0, &hi, &f), 192);
    fmov_2s(out);
    CHECK_EQ("fmov 2s #-1.25", out[0], 0xbfa00000bfa00000);
    CHECK_EQ("fmov 2s clears the upper half", out[1], 0);
    fmov_8h(out);
    CHECK_EQ("fmov 8h #-0.1875", out[1], 0xb200b200b200b200);
    set_fpcr(0);
    CHECK_EQ("fjcvtzs -3.0", fjcvtzs(0xc008000000000000), 0x40000000fffffffd);
    CHECK_EQ("fjcvtzs 2^32+5.5", fjcvtzs(0x41f0000000580000), 5);
    CHECK_EQ("fjcvtzs FPSR (IOC)", FPSR_READ(), 1);

    /* FMOV (vector, immediate). */
    void (*fmovs[])(uint64_t *) = { fmov_2s, fmov_4s, fmov_2d, fmov_4h, fmov_8h, fmov_2dn };
    for (unsigned i = 0; i < N(fmovs); i++) {
        fmovs[i](out);
        print_str("fmov imm ");
        print_hex64(out[1]);
        print_str(" ");
        print_hex64(out[0]);
        print_nl();
    }
    /* FJCVTZS on every double value, under every FPCR setting. With FZ a
     * positive denormal is left out: it flushes to +0 and the Arm ARM's
     * FPToFixedJS clears Z for it (a non-zero fraction), QEMU 7.2 sets Z. */
    for (unsigned m = 0; m < N(fpcrs); m++) {
        uint64_t hash = 0xcbf29ce484222325ull, fpsr_or = 0;
        for (unsigned i = 0; i < N(dvals); i++) {
            if ((fpcrs[m] & (1ull << 24)) && dvals[i] >> 52 == 0 && dvals[i] != 0) continue;
            set_fpcr(fpcrs[m]);
            uint64_t r = fjcvtzs(dvals[i]);
            uint64_t fl = FPSR_READ();
            hash = mix(mix(hash, r), fl);
            fpsr_or |= fl;
        }
        print_str("fpcr ");
        print_hex(fpcrs[m]);
        print_str(" fjcvtzs: ");
        print_hex64(hash);
        print_str(" fpsr|=");
        print_hex(fpsr_or);
        print_nl();
    }

    run_all(tests, N(tests), 0x7f, 4);
    return test_finish("simd_fp_other");
}

int main(void)
{
    fp_enable();
    return test();
}
