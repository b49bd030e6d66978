/* AdvSIMD integer multiply by element, same element size: MUL, MLA, MLS,
 * SQDMULH, SQRDMULH and FEAT_RDM's SQRDMLAH, SQRDMLSH (4H 8H with every index
 * 0-7 of V15.H, the highest register the 16-bit form can name; 2S 4S with
 * every index 0-3 of V17.S, which needs the M bit; the saturating ones also
 * as scalars H and S), on the edge values of each lane size and pseudo-random
 * lanes (simd_arith.h). Every result and FPSR.QC is printed for comparison
 * with QEMU 7.2; the MIN * MIN edges are checked here. */
#include "simd_arith.h"

#define H_V(op) EFN8(op##_4h, #op " v2.4h, v0.4h, v15.h") EFN8(op##_8h, #op " v2.8h, v0.8h, v15.h")
#define S_V(op) EFN4(op##_2s, #op " v2.2s, v0.2s, v17.s") EFN4(op##_4s, #op " v2.4s, v0.4s, v17.s")
#define SCALAR(op) EFN8(op##_h, #op " h2, h0, v15.h") EFN4(op##_s, #op " s2, s0, v17.s")

H_V(mul) S_V(mul) H_V(mla) S_V(mla) H_V(mls) S_V(mls)
H_V(sqdmulh) S_V(sqdmulh) SCALAR(sqdmulh) H_V(sqrdmulh) S_V(sqrdmulh) SCALAR(sqrdmulh)
H_V(sqrdmlah) S_V(sqrdmlah) SCALAR(sqrdmlah) H_V(sqrdmlsh) S_V(sqrdmlsh) SCALAR(sqrdmlsh)

typedef struct { const char *name; int bits, count; efn_t fn; } row_t;
#define VROWS(op) { #op " 4h", 16, 8, op##_4h }, { #op " 8h", 16, 8, op##_8h }, \
                  { #op " 2s", 32, 4, op##_2s }, { #op " 4s", 32, 4, op##_4s }
#define SROWS(op) { #op " h", 16, 8, op##_h }, { #op " s", 32, 4, op##_s }

static const row_t rows[] = {
    VROWS(mul), VROWS(mla), VROWS(mls),
    VROWS(sqdmulh), SROWS(sqdmulh), VROWS(sqrdmulh), SROWS(sqrdmulh),
    VROWS(sqrdmlah), SROWS(sqrdmlah), VROWS(sqrdmlsh), SROWS(sqrdmlsh),
};

/* fn on (a, b, d): result i must be want[i] and QC must be qc[i]. */
static void known_elem(const char *name, efn_t fn, int count, v128_t a, v128_t b, v128_t d0,
                       const uint64_t *want_lo, const int *qc) {
    v128_t d[8];
    uint64_t f[8];
    for (int i = 0; i < count; i++) d[i] = d0;
    fn(&a, &b, d, f);
    for (int i = 0; i < count; i++) {
        print_str("known ");
        print_result(name, 0, i, &d[i], f[i]);
        CHECK(d[i].lo == want_lo[i] && d[i].hi == 0, name);
        CHECK(((f[i] & FPSR_QC) != 0) == (qc[i] != 0), name);
    }
}

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
        sweep_elem(rows[i].name, rows[i].bits, rows[i].bits, rows[i].count, rows[i].fn);

    /* Vm.S = { MIN, 1, 0x40000000, -1 }; Sn = MIN. */
    v128_t a = { 0x80000000, 0 }, b = { 0x0000000180000000ull, 0xFFFFFFFF40000000ull }, z = { 0, 0 };
    static const uint64_t w1[4] = { 0x7FFFFFFF, 0xFFFFFFFF, 0xC0000000, 1 };
    static const int q1[4] = { 1, 0, 0, 0 };
    known_elem("sqdmulh s", sqdmulh_s, 4, a, b, z, w1, q1);
    /* Vm.H[i] = i - 4 for i < 7 and MIN at 7; Hn = MIN; mul wraps. */
    v128_t ah = { 0x8000, 0 }, bh = { 0xFFFFFFFEFFFDFFFCull, 0x8000000200010000ull };
    static const uint64_t w2[8] = { 0, 0x8000, 0, 0x8000, 0, 0x8000, 0, 0 };
    static const int q2[8] = { 0 };
    known_elem("mul 4h", mul_4h, 8, ah, bh, z, w2, q2);
    static const uint64_t w3[8] = { 4, 3, 2, 1, 0, 0xFFFF, 0xFFFE, 0x7FFF };
    static const int q3[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    known_elem("sqdmulh h", sqdmulh_h, 8, ah, bh, z, w3, q3);
    return test_finish("simd_mla_elem");
}
