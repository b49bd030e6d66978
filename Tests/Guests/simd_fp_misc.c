/* AdvSIMD floating point, two-register miscellaneous: FABS, FNEG, FSQRT,
 * FRINTN/A/P/M/Z/X/I, FRINT32X/32Z/64X/64Z (vector and scalar),
 * FCVTNS/NU/PS/PU/MS/MU/ZS/ZU/AS/AU, SCVTF, UCVTF, FCMEQ/FCMGE/FCMGT/FCMLE/
 * FCMLT with zero, FRECPE, FRSQRTE (the Arm ARM's estimates), FRECPX,
 * URECPE, URSQRTE, FCVTN/FCVTN2, FCVTXN/FCVTXN2, FCVTL/FCVTL2, in every
 * arrangement (2S, 4S, 2D, FP16 4H/8H) and the scalar forms in H, S and D.
 * Lanes are drawn from special values under each FPCR setting (rounding
 * modes, FZ/FZ16, DN, AHP); a checksum of the results and FPSR per
 * (setting, operation) is printed and compared with QEMU 7.2 byte for byte;
 * a few known results are checked here. */
#include "simd_fp.h"

#define U5(op) \
    VOP(op##_2s, #op " v0.2s, v0.2s") VOP(op##_4s, #op " v0.4s, v0.4s") VOP(op##_2d, #op " v0.2d, v0.2d") \
    VOP(op##_4h, #op " v0.4h, v0.4h") VOP(op##_8h, #op " v0.8h, v0.8h")
#define Z5(op) \
    VOP(op##_2s, #op " v0.2s, v0.2s, #0.0") VOP(op##_4s, #op " v0.4s, v0.4s, #0.0") \
    VOP(op##_2d, #op " v0.2d, v0.2d, #0.0") VOP(op##_4h, #op " v0.4h, v0.4h, #0.0") \
    VOP(op##_8h, #op " v0.8h, v0.8h, #0.0")
#define US3(op) VOP(op##_s, #op " s0, s0") VOP(op##_d, #op " d0, d0") VOP(op##_h, #op " h0, h0")
#define ZS3(op) VOP(op##_s, #op " s0, s0, #0.0") VOP(op##_d, #op " d0, d0, #0.0") VOP(op##_h, #op " h0, h0, #0.0")
#define U3(op) VOP(op##_2s, #op " v0.2s, v0.2s") VOP(op##_4s, #op " v0.4s, v0.4s") VOP(op##_2d, #op " v0.2d, v0.2d") \
    VOP(op##_s, #op " s0, s0") VOP(op##_d, #op " d0, d0")

U5(fabs) U5(fneg) U5(fsqrt) U5(frintn) U5(frinta) U5(frintp) U5(frintm) U5(frintz) U5(frintx) U5(frinti)
U3(frint32x) U3(frint32z) U3(frint64x) U3(frint64z)
U5(fcvtns) U5(fcvtnu) U5(fcvtps) U5(fcvtpu) U5(fcvtms) U5(fcvtmu) U5(fcvtzs) U5(fcvtzu) U5(fcvtas) U5(fcvtau)
US3(fcvtns) US3(fcvtnu) US3(fcvtps) US3(fcvtpu) US3(fcvtms) US3(fcvtmu) US3(fcvtzs) US3(fcvtzu) US3(fcvtas) US3(fcvtau)
U5(scvtf) U5(ucvtf) US3(scvtf) US3(ucvtf)
Z5(fcmeq) Z5(fcmge) Z5(fcmgt) Z5(fcmle) Z5(fcmlt) ZS3(fcmeq) ZS3(fcmge) ZS3(fcmgt) ZS3(fcmle) ZS3(fcmlt)
U5(frecpe) U5(frsqrte) US3(frecpe) US3(frsqrte) US3(frecpx)
VOP(urecpe_2s, "urecpe v0.2s, v0.2s") VOP(urecpe_4s, "urecpe v0.4s, v0.4s")
VOP(ursqrte_2s, "ursqrte v0.2s, v0.2s") VOP(ursqrte_4s, "ursqrte v0.4s, v0.4s")
VOP(fcvtn_4h, "fcvtn v0.4h, v0.4s") VOP(fcvtn2_8h, "fcvtn2 v2.8h, v0.4s\n\tmov v0.16b, v2.16b")
VOP(fcvtn_2s, "fcvtn v0.2s, v0.2d") VOP(fcvtn2_4s, "fcvtn2 v2.4s, v0.2d\n\tmov v0.16b, v2.16b")
VOP(fcvtxn_2s, "fcvtxn v0.2s, v0.2d") VOP(fcvtxn2_4s, "fcvtxn2 v2.4s, v0.2d\n\tmov v0.16b, v2.16b")
VOP(fcvtxn_s, "fcvtxn s0, d0")
VOP(fcvtl_4s, "fcvtl v0.4s, v0.4h") VOP(fcvtl2_4s, "fcvtl2 v0.4s, v0.8h")
VOP(fcvtl_2d, "fcvtl v0.2d, v0.2s") VOP(fcvtl2_2d, "fcvtl2 v0.2d, v0.4s")

#define T5(op) { #op " 2s", op##_2s, 32, 0 }, { #op " 4s", op##_4s, 32, 0 }, { #op " 2d", op##_2d, 64, 0 }, \
    { #op " 4h", op##_4h, 16, 0 }, { #op " 8h", op##_8h, 16, 0 }
#define TI5(op) { #op " 2s", op##_2s, 32, 1 }, { #op " 4s", op##_4s, 32, 1 }, { #op " 2d", op##_2d, 64, 1 }, \
    { #op " 4h", op##_4h, 16, 1 }, { #op " 8h", op##_8h, 16, 1 }
#define TS3(op) { #op " s", op##_s, 32, 0 }, { #op " d", op##_d, 64, 0 }, { #op " h", op##_h, 16, 0 }
#define TIS3(op) { #op " s", op##_s, 32, 1 }, { #op " d", op##_d, 64, 1 }, { #op " h", op##_h, 16, 1 }
#define T3(op) { #op " 2s", op##_2s, 32, 0 }, { #op " 4s", op##_4s, 32, 0 }, { #op " 2d", op##_2d, 64, 0 }, \
    { #op " s", op##_s, 32, 0 }, { #op " d", op##_d, 64, 0 }

static const vtest_t tests[] = {
    T5(fabs), T5(fneg), T5(fsqrt), T5(frintn), T5(frinta), T5(frintp), T5(frintm), T5(frintz), T5(frintx), T5(frinti),
    T3(frint32x), T3(frint32z), T3(frint64x), T3(frint64z),
    T5(fcvtns), T5(fcvtnu), T5(fcvtps), T5(fcvtpu), T5(fcvtms), T5(fcvtmu), T5(fcvtzs), T5(fcvtzu), T5(fcvtas), T5(fcvtau),
    TS3(fcvtns), TS3(fcvtnu), TS3(fcvtps), TS3(fcvtpu), TS3(fcvtms), TS3(fcvtmu), TS3(fcvtzs), TS3(fcvtzu), TS3(fcvtas),
    TS3(fcvtau),
    TI5(scvtf), TI5(ucvtf), TIS3(scvtf), TIS3(ucvtf),
    T5(fcmeq), T5(fcmge), T5(fcmgt), T5(fcmle), T5(fcmlt), TS3(fcmeq), TS3(fcmge), TS3(fcmgt), TS3(fcmle), TS3(fcmlt),
    T5(frecpe), T5(frsqrte), TS3(frecpe), TS3(frsqrte), TS3(frecpx),
    { "urecpe 2s", urecpe_2s, 32, 1 }, { "urecpe 4s", urecpe_4s, 32, 1 },
    { "ursqrte 2s", ursqrte_2s, 32, 1 }, { "ursqrte 4s", ursqrte_4s, 32, 1 },
    { "fcvtn 4h<-4s", fcvtn_4h, 32, 0 }, { "fcvtn2 8h<-4s", fcvtn2_8h, 32, 0 },
    { "fcvtn 2s<-2d", fcvtn_2s, 64, 0 }, { "fcvtn2 4s<-2d", fcvtn2_4s, 64, 0 },
    { "fcvtxn 2s<-2d", fcvtxn_2s, 64, 0 }, { "fcvtxn2 4s<-2d", fcvtxn2_4s, 64, 0 }, { "fcvtxn s<-d", fcvtxn_s, 64, 0 },
    { "fcvtl 4s<-4h", fcvtl_4s, 16, 0 }, { "fcvtl2 4s<-8h", fcvtl2_4s, 16, 0 },
    { "fcvtl 2d<-2s", fcvtl_2d, 32, 0 }, { "fcvtl2 2d<-4s", fcvtl2_2d, 32, 0 },
};

/* Not inlined into main: FP/SIMD must be enabled before any FP register is used. */
static __attribute__((noinline)) int test(void)
{
    uint64_t hi, f;
    /* Known results. */
    CHECK_EQ("frecpe 4s 1.0", run1(frecpe_4s, 0, 0x3f800000, 0, 0, 0, &hi, &f), 0x7f8000003f7f8000);
    CHECK_EQ("frecpe 4s 1/0: DZC", f, 2);
    CHECK_EQ("frsqrte 2s 4.0", run1(frsqrte_2s, 0, 0x40800000, 0, 0, 0, &hi, &f) & 0xffffffff, 0x3eff8000);
    CHECK_EQ("urecpe 2s", run1(urecpe_2s, 0, 0x7fffffff80000000, 0, 0, 0, &hi, &f), 0xffffffffff800000);
    CHECK_EQ("frint32z 2d 2^31: most negative", run1(frint32z_2d, 0, 0x41e0000000000000, 0, 0, 0, &hi, &f), 0xc1e0000000000000);
    CHECK_EQ("frint32z 2d FPSR (IOC)", f, 1);
    CHECK_EQ("fcvtzs 4s -1.5", run1(fcvtzs_4s, 0, 0xbfc00000, 0, 0, 0, &hi, &f), 0xffffffff);
    CHECK_EQ("fcvtxn s<-d 1+2^-30 (odd)", run1(fcvtxn_s, 0, 0x3ff0000004000000, 0, 0, 0, &hi, &f), 0x3f800001);
    CHECK_EQ("fcvtl2 2d<-4s", (run1(fcvtl2_2d, 0, 0, 0xc00000003fc00000, 0, 0, &hi, &f), hi), 0xc000000000000000);
    CHECK_EQ("fcmlt 4h -1 < 0", run1(fcmlt_4h, 0, 0x3c00bc00, 0, 0, 0, &hi, &f), 0xffff);
    CHECK_EQ("frecpx s 3.0", run1(frecpx_s, 0, 0x40400000, 0, 0, 0, &hi, &f), 0x3f800000);

    run_all(tests, N(tests), 0xff, 7);
    return test_finish("simd_fp_misc");
}

int main(void)
{
    fp_enable();
    return test();
}
