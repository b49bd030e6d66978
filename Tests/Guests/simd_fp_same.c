/* AdvSIMD floating point, three registers of the same arrangement: FADD,
 * FSUB, FMUL, FDIV, FMAX, FMIN, FMAXNM, FMINNM, FMLA, FMLS, FMULX, FABD,
 * FRECPS, FRSQRTS, FCMEQ, FCMGE, FCMGT, FACGE, FACGT and the pairwise FADDP,
 * FMAXP, FMINP, FMAXNMP, FMINNMP, in every arrangement (2S, 4S, 2D and the
 * FP16 4H, 8H), and the scalar forms (FABD, FMULX, FRECPS, FRSQRTS, the
 * compares, and the pairwise reductions of two lanes) in H, S and D. Lanes
 * are drawn from special values (+-0, +-1, largest/smallest normals,
 * denormals, +-inf, quiet and signalling NaNs with payloads) under each FPCR
 * setting; a checksum of the results and FPSR per (setting, operation) is
 * printed and compared with QEMU 7.2 byte for byte; a few known results are
 * checked here. */
#include "simd_fp.h"

#define V5(op) \
    VOP(op##_2s, #op " v0.2s, v0.2s, v1.2s") VOP(op##_4s, #op " v0.4s, v0.4s, v1.4s") \
    VOP(op##_2d, #op " v0.2d, v0.2d, v1.2d") VOP(op##_4h, #op " v0.4h, v0.4h, v1.4h") \
    VOP(op##_8h, #op " v0.8h, v0.8h, v1.8h")
#define V5ACC(op) \
    VOP(op##_2s, #op " v2.2s, v0.2s, v1.2s\n\tmov v0.16b, v2.16b") \
    VOP(op##_4s, #op " v2.4s, v0.4s, v1.4s\n\tmov v0.16b, v2.16b") \
    VOP(op##_2d, #op " v2.2d, v0.2d, v1.2d\n\tmov v0.16b, v2.16b") \
    VOP(op##_4h, #op " v2.4h, v0.4h, v1.4h\n\tmov v0.16b, v2.16b") \
    VOP(op##_8h, #op " v2.8h, v0.8h, v1.8h\n\tmov v0.16b, v2.16b")
#define S3(op) VOP(op##_s, #op " s0, s0, s1") VOP(op##_d, #op " d0, d0, d1") VOP(op##_h, #op " h0, h0, h1")
#define SP3(op) VOP(op##_ps, #op " s0, v0.2s") VOP(op##_pd, #op " d0, v0.2d") VOP(op##_ph, #op " h0, v0.2h")

V5(fadd) V5(fsub) V5(fmul) V5(fdiv) V5(fmax) V5(fmin) V5(fmaxnm) V5(fminnm) V5(fmulx) V5(fabd)
V5(frecps) V5(frsqrts) V5(fcmeq) V5(fcmge) V5(fcmgt) V5(facge) V5(facgt)
V5(faddp) V5(fmaxp) V5(fminp) V5(fmaxnmp) V5(fminnmp)
V5ACC(fmla) V5ACC(fmls)
S3(fabd) S3(fmulx) S3(frecps) S3(frsqrts) S3(fcmeq) S3(fcmge) S3(fcmgt) S3(facge) S3(facgt)
SP3(faddp) SP3(fmaxp) SP3(fminp) SP3(fmaxnmp) SP3(fminnmp)

#define T5(op) { #op " 2s", op##_2s, 32, 0 }, { #op " 4s", op##_4s, 32, 0 }, { #op " 2d", op##_2d, 64, 0 }, \
    { #op " 4h", op##_4h, 16, 0 }, { #op " 8h", op##_8h, 16, 0 }
#define TS3(op) { #op " s", op##_s, 32, 0 }, { #op " d", op##_d, 64, 0 }, { #op " h", op##_h, 16, 0 }
#define TSP3(op) { #op " s<-2s", op##_ps, 32, 0 }, { #op " d<-2d", op##_pd, 64, 0 }, { #op " h<-2h", op##_ph, 16, 0 }

static const vtest_t tests[] = {
    T5(fadd), T5(fsub), T5(fmul), T5(fdiv), T5(fmax), T5(fmin), T5(fmaxnm), T5(fminnm), T5(fmulx), T5(fabd),
    T5(frecps), T5(frsqrts), T5(fcmeq), T5(fcmge), T5(fcmgt), T5(facge), T5(facgt),
    T5(faddp), T5(fmaxp), T5(fminp), T5(fmaxnmp), T5(fminnmp), T5(fmla), T5(fmls),
    TS3(fabd), TS3(fmulx), TS3(frecps), TS3(frsqrts), TS3(fcmeq), TS3(fcmge), TS3(fcmgt), TS3(facge), TS3(facgt),
    TSP3(faddp), TSP3(fmaxp), TSP3(fminp), TSP3(fmaxnmp), TSP3(fminnmp),
};

/* Not inlined into main: FP/SIMD must be enabled before any FP register is used. */
static __attribute__((noinline)) int test(void)
{
    uint64_t hi, f;
    /* Known results. */
    CHECK_EQ("fadd 4s lo", run1(fadd_4s, 0, 0x400000003f800000, 0, 0x3f8000003f800000, 0, &hi, &f), 0x4040000040000000);
    CHECK_EQ("fadd 4s FPSR", f, 0);
    CHECK_EQ("fadd 2s clears the upper half", (run1(fadd_2s, 0, 0, 0x1234, 0, 0x5678, &hi, &f), hi), 0);
    CHECK_EQ("fmulx 2d inf*0 = 2", run1(fmulx_2d, 0, 0x7ff0000000000000, 0, 0x8000000000000000, 0, &hi, &f), 0xc000000000000000);
    CHECK_EQ("frecps 2d inf*0 = 2", run1(frecps_2d, 0, 0x7ff0000000000000, 0, 0, 0, &hi, &f), 0x4000000000000000);
    CHECK_EQ("frsqrts 2d 0*inf = 1.5", run1(frsqrts_2d, 0, 0, 0, 0xfff0000000000000, 0, &hi, &f), 0x3ff8000000000000);
    CHECK_EQ("fcmge 4s NaN: IOC", (run1(fcmge_4s, 0, 0x7fc00000, 0, 0, 0, &hi, &f), f), 1);
    CHECK_EQ("fcmeq 4s qNaN: no IOC", (run1(fcmeq_4s, 0, 0x7fc00000, 0, 0, 0, &hi, &f), f), 0);
    CHECK_EQ("faddp 2s", run1(faddp_2s, 0, 0x400000003f800000, 0, 0x4080000040400000, 0, &hi, &f), 0x40e0000040400000);
    CHECK_EQ("faddp s<-2s", run1(faddp_ps, 0, 0x400000003f800000, 0x1111111111111111, 0, 0, &hi, &f), 0x40400000);
    CHECK_EQ("fabd h", run1(fabd_h, 0, 0x3c00, 0, 0x4000, 0, &hi, &f), 0x3c00);

    run_all(tests, N(tests), 0x7f, 4);
    return test_finish("simd_fp_same");
}

int main(void)
{
    fp_enable();
    return test();
}
