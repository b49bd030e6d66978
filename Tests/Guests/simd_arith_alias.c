/* The destination is also a source (Vd = Vn = Vm): each instruction must
 * read all of its operands before writing Vd, under both engines (the JIT
 * keeps vectors in host registers). Saturating, halving, multiply-accumulate,
 * by-element (same size, long "2" and scalar) and dot-product forms, on the
 * edge values of simd_arith.h, printed with FPSR.QC for comparison with
 * QEMU 7.2. */
#include "simd_arith.h"

VFN(a_sqadd, "sqadd v2.16b, v2.16b, v2.16b") VFN(a_uqsub, "uqsub v2.8h, v0.8h, v2.8h")
VFN(a_suqadd, "suqadd v2.4s, v2.4s") VFN(a_usqadd_d, "usqadd d2, d2") VFN(a_sqneg, "sqneg v2.2d, v2.2d")
VFN(a_srhadd, "srhadd v2.8b, v2.8b, v0.8b") VFN(a_uaba, "uaba v2.16b, v2.16b, v2.16b") VFN(a_saba, "saba v2.4h, v0.4h, v2.4h")
VFN(a_mla, "mla v2.4s, v2.4s, v2.4s") VFN(a_mls, "mls v2.8h, v0.8h, v2.8h") VFN(a_pmul, "pmul v2.16b, v2.16b, v2.16b")
VFN(a_sqrdmlah, "sqrdmlah v2.8h, v2.8h, v2.8h") VFN(a_sqrdmlsh_s, "sqrdmlsh s2, s2, s2") VFN(a_sqdmulh, "sqdmulh v2.4s, v2.4s, v2.4s")
VFN(a_mla_e, "mla v2.8h, v2.8h, v2.h[5]") VFN(a_sqrdmlah_e, "sqrdmlah v2.4s, v2.4s, v2.s[3]")
VFN(a_sqdmulh_e, "sqdmulh h2, h2, v2.h[7]") VFN(a_smlal2_e, "smlal2 v2.4s, v2.8h, v2.h[7]")
VFN(a_umlsl_e, "umlsl v2.2d, v2.2s, v2.s[3]") VFN(a_sqdmlal2_e, "sqdmlal2 v2.2d, v2.4s, v2.s[0]")
VFN(a_sqdmlsl_e, "sqdmlsl s2, h2, v2.h[1]") VFN(a_sdot, "sdot v2.4s, v2.16b, v2.16b") VFN(a_udot_e, "udot v2.2s, v2.8b, v2.4b[3]")

typedef struct { const char *name; int bits, dbits; vfn_t fn; } row_t;
static const row_t rows[] = {
    { "sqadd 16b d,d,d", 8, 8, a_sqadd }, { "uqsub 8h d,n,d", 16, 16, a_uqsub }, { "suqadd 4s d,d", 32, 32, a_suqadd },
    { "usqadd d d,d", 64, 64, a_usqadd_d }, { "sqneg 2d d,d", 64, 64, a_sqneg }, { "srhadd 8b d,d,n", 8, 8, a_srhadd },
    { "uaba 16b d,d,d", 8, 8, a_uaba }, { "saba 4h d,n,d", 16, 16, a_saba }, { "mla 4s d,d,d", 32, 32, a_mla },
    { "mls 8h d,n,d", 16, 16, a_mls }, { "pmul 16b d,d,d", 8, 8, a_pmul }, { "sqrdmlah 8h d,d,d", 16, 16, a_sqrdmlah },
    { "sqrdmlsh s d,d,d", 32, 32, a_sqrdmlsh_s }, { "sqdmulh 4s d,d,d", 32, 32, a_sqdmulh },
    { "mla 8h d,d,d[5]", 16, 16, a_mla_e }, { "sqrdmlah 4s d,d,d[3]", 32, 32, a_sqrdmlah_e },
    { "sqdmulh h d,d,d[7]", 16, 16, a_sqdmulh_e }, { "smlal2 4s d,d,d[7]", 16, 16, a_smlal2_e },
    { "umlsl 2d d,d,d[3]", 32, 32, a_umlsl_e }, { "sqdmlal2 2d d,d,d[0]", 32, 32, a_sqdmlal2_e },
    { "sqdmlsl s d,d,d[1]", 16, 16, a_sqdmlsl_e }, { "sdot 4s d,d,d", 8, 8, a_sdot }, { "udot 2s d,d,d[3]", 8, 8, a_udot_e },
};

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) sweep(rows[i].name, rows[i].bits, rows[i].dbits, rows[i].fn);
    /* MLA V2 = V2 + V2 * V2 on 4S lanes {3, -1, MAX, MIN}: 12, 0, MAX + 1 = MIN (wraps), MIN. */
    known("mla 4s d,d,d", a_mla, 0, 0, 0, 0, 0xFFFFFFFF00000003ull, 0x800000007FFFFFFFull,
          0x000000000000000Cull, 0x8000000080000000ull, 0);
    /* SQDMULH H2 = sat(2 * H2 * V2.H[7]) >> 16 with H2 = V2.H[7] = MIN: saturates. */
    known("sqdmulh h d,d,d[7]", a_sqdmulh_e, 0, 0, 0, 0, 0x8000, 0x8000000000000000ull, 0x7FFF, 0, 1);
    return test_finish("simd_arith_alias");
}
