/* AdvSIMD multiply and multiply-accumulate, three registers of one element
 * size: MLA, MLS (8B 16B 4H 8H 2S 4S), PMUL (8B 16B), SQDMULH, SQRDMULH and
 * FEAT_RDM's SQRDMLAH, SQRDMLSH (4H 8H 2S 4S, and scalar H and S), on the edge
 * values of each lane size and pseudo-random lanes (simd_arith.h). Every
 * result and FPSR.QC (cleared before each instruction) is printed for
 * comparison with QEMU 7.2; the saturation edges (MIN * MIN doubled, the
 * accumulations past the range) are checked here. */
#include "simd_arith.h"

#define BHS_V(op) \
    VFN(op##_8b, #op " v2.8b, v0.8b, v1.8b") VFN(op##_16b, #op " v2.16b, v0.16b, v1.16b") \
    VFN(op##_4h, #op " v2.4h, v0.4h, v1.4h") VFN(op##_8h, #op " v2.8h, v0.8h, v1.8h") \
    VFN(op##_2s, #op " v2.2s, v0.2s, v1.2s") VFN(op##_4s, #op " v2.4s, v0.4s, v1.4s")
#define HS_V(op) \
    VFN(op##_4h, #op " v2.4h, v0.4h, v1.4h") VFN(op##_8h, #op " v2.8h, v0.8h, v1.8h") \
    VFN(op##_2s, #op " v2.2s, v0.2s, v1.2s") VFN(op##_4s, #op " v2.4s, v0.4s, v1.4s") \
    VFN(op##_h, #op " h2, h0, h1") VFN(op##_s, #op " s2, s0, s1")

BHS_V(mla) BHS_V(mls)
VFN(pmul_8b, "pmul v2.8b, v0.8b, v1.8b") VFN(pmul_16b, "pmul v2.16b, v0.16b, v1.16b")
HS_V(sqdmulh) HS_V(sqrdmulh) HS_V(sqrdmlah) HS_V(sqrdmlsh)

typedef struct { const char *name; int bits; vfn_t fn; } row_t;
#define BROWS(op) { #op " 8b", 8, op##_8b }, { #op " 16b", 8, op##_16b }
#define HSROWS(op) \
    { #op " 4h", 16, op##_4h }, { #op " 8h", 16, op##_8h }, { #op " 2s", 32, op##_2s }, { #op " 4s", 32, op##_4s }, \
    { #op " h", 16, op##_h }, { #op " s", 32, op##_s }

static const row_t rows[] = {
    BROWS(mla), { "mla 4h", 16, mla_4h }, { "mla 8h", 16, mla_8h }, { "mla 2s", 32, mla_2s }, { "mla 4s", 32, mla_4s },
    BROWS(mls), { "mls 4h", 16, mls_4h }, { "mls 8h", 16, mls_8h }, { "mls 2s", 32, mls_2s }, { "mls 4s", 32, mls_4s },
    BROWS(pmul),
    HSROWS(sqdmulh), HSROWS(sqrdmulh), HSROWS(sqrdmlah), HSROWS(sqrdmlsh),
};

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) sweep(rows[i].name, rows[i].bits, rows[i].bits, rows[i].fn);

    known("mla 16b", mla_16b, 0x0310, 0xFF, 0x0510, 0xFF, 0x0101, 0x01, 0x1001, 0x02, 0);
    known("mls 4s", mls_4s, 0x7FFFFFFF, 0, 2, 0, 0, 0, 2, 0, 0);
    known("pmul 8b", pmul_8b, 0xFF03, 0, 0xFF03, 0, 0, 0, 0x5505, 0, 0);
    known("sqdmulh 8h min*min", sqdmulh_8h, 0x8000, 0x8000, 0x8000, 0x7FFF, 0, 0, 0x7FFF, 0x8001, 1);
    known("sqdmulh s min*min", sqdmulh_s, 0x80000000, 0, 0x80000000, 0, 0, 0, 0x7FFFFFFF, 0, 1);
    known("sqdmulh s no sat, upper lanes", sqdmulh_s, 0x8000000040000000ull, 0, 0x8000000040000000ull, 0, 0, 0, 0x20000000, 0, 0);
    known("sqrdmulh 4h round", sqrdmulh_4h, 0x4000FFFF, 0, 0x00010001, 0, 0, 0, 0x00010000, 0, 0);
    known("sqrdmulh h min*min", sqrdmulh_h, 0x8000, 0, 0x8000, 0, 0, 0, 0x7FFF, 0, 1);
    known("sqrdmlah 4s acc sat", sqrdmlah_4s, 0x40000000, 0, 0x40000000, 0, 0x7FFFFFFF, 0, 0x7FFFFFFF, 0, 1);
    known("sqrdmlah h min*min+min", sqrdmlah_h, 0x8000, 0, 0x8000, 0, 0x8000, 0, 0, 0, 0);
    known("sqrdmlsh 2s", sqrdmlsh_2s, 0x80000000, 0, 0x80000000, 0, 0x80000000, 0, 0x80000000, 0, 1);
    known("sqrdmlsh s min-min*max", sqrdmlsh_s, 0x7FFFFFFF, 0, 0x80000000, 0, 0x80000000, 0, 0xFFFFFFFF, 0, 0);
    return test_finish("simd_mla");
}
