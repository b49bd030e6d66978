/* AdvSIMD long multiply by element: SMULL, UMULL, SMLAL, UMLAL, SMLSL,
 * UMLSL, SQDMULL, SQDMLAL, SQDMLSL and their "2" forms (the high half of Vn),
 * 4S from 4H/8H with every index 0-7 of V15.H and 2D from 2S/4S with every
 * index 0-3 of V17.S, and SQDMULL, SQDMLAL, SQDMLSL as scalars (S from H, D
 * from S), on the edge values of each lane size and pseudo-random lanes
 * (simd_arith.h; the accumulator lanes are edge values of the wide size).
 * Every result and FPSR.QC is printed for comparison with QEMU 7.2; the
 * doubling and accumulation edges are checked here. */
#include "simd_arith.h"

#define LONG_V(op) \
    EFN8(op##_4s, #op " v2.4s, v0.4h, v15.h") EFN8(op##2_4s, #op "2 v2.4s, v0.8h, v15.h") \
    EFN4(op##_2d, #op " v2.2d, v0.2s, v17.s") EFN4(op##2_2d, #op "2 v2.2d, v0.4s, v17.s")
#define SCALAR(op) EFN8(op##_s, #op " s2, h0, v15.h") EFN4(op##_d, #op " d2, s0, v17.s")

LONG_V(smull) LONG_V(umull) LONG_V(smlal) LONG_V(umlal) LONG_V(smlsl) LONG_V(umlsl)
LONG_V(sqdmull) LONG_V(sqdmlal) LONG_V(sqdmlsl)
SCALAR(sqdmull) SCALAR(sqdmlal) SCALAR(sqdmlsl)

typedef struct { const char *name; int bits, count; efn_t fn; } row_t;
#define VROWS(op) { #op " 4s", 16, 8, op##_4s }, { #op "2 4s", 16, 8, op##2_4s }, \
                  { #op " 2d", 32, 4, op##_2d }, { #op "2 2d", 32, 4, op##2_2d }
#define SROWS(op) { #op " s", 16, 8, op##_s }, { #op " d", 32, 4, op##_d }

static const row_t rows[] = {
    VROWS(smull), VROWS(umull), VROWS(smlal), VROWS(umlal), VROWS(smlsl), VROWS(umlsl),
    VROWS(sqdmull), VROWS(sqdmlal), VROWS(sqdmlsl), SROWS(sqdmull), SROWS(sqdmlal), SROWS(sqdmlsl),
};

static void known_elem(const char *name, efn_t fn, int count, v128_t a, v128_t b, v128_t d0,
                       const v128_t *want, const int *qc) {
    v128_t d[8];
    uint64_t f[8];
    for (int i = 0; i < count; i++) d[i] = d0;
    fn(&a, &b, d, f);
    for (int i = 0; i < count; i++) {
        print_str("known ");
        print_result(name, 0, i, &d[i], f[i]);
        CHECK(d[i].lo == want[i].lo && d[i].hi == want[i].hi, name);
        CHECK(((f[i] & FPSR_QC) != 0) == (qc[i] != 0), name);
    }
}

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
        sweep_elem(rows[i].name, rows[i].bits, 2 * rows[i].bits, rows[i].count, rows[i].fn);

    /* Vm.S = { MIN, 1, -1, MAX }; Vn.S = { MIN, 2, 3, MIN } (the "2" form takes 3 and MIN). */
    v128_t a = { 0x0000000280000000ull, 0x8000000000000003ull }, b = { 0x0000000180000000ull, 0x7FFFFFFFFFFFFFFFull };
    v128_t z = { 0, 0 }, acc = { 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull };
    static const v128_t w1[4] = {
        { 0x7FFFFFFFFFFFFFFFull, 0xFFFFFFFE00000000ull }, { 0xFFFFFFFF00000000ull, 4 },
        { 0x0000000100000000ull, 0xFFFFFFFFFFFFFFFCull }, { 0x8000000100000000ull, 0x00000001FFFFFFFCull } };
    static const int q1[4] = { 1, 0, 0, 0 };
    known_elem("sqdmull 2d", sqdmull_2d, 4, a, b, z, w1, q1);
    /* sqdmlal2: acc { MIN, MAX } + 2 * { 3, MIN } * Vm.S[i]. */
    static const v128_t w2[4] = {
        { 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull }, { 0x8000000000000006ull, 0x7FFFFFFEFFFFFFFFull },
        { 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull }, { 0x80000002FFFFFFFAull, 0x00000000FFFFFFFFull } };
    static const int q2[4] = { 1, 0, 1, 0 };
    known_elem("sqdmlal2 2d", sqdmlal2_2d, 4, a, b, acc, w2, q2);
    /* Scalar: Dd = sat(Dd - sat(2 * Sn * Vm.S[i])), Sn = MIN, Dd = MIN. */
    static const v128_t w3[4] = { { 0x8000000000000000ull, 0 }, { 0x8000000100000000ull, 0 }, { 0x8000000000000000ull, 0 },
                                  { 0xFFFFFFFF00000000ull, 0 } };
    static const int q3[4] = { 1, 0, 1, 0 };
    v128_t dmin = { 0x8000000000000000ull, 0x1234 };
    known_elem("sqdmlsl d", sqdmlsl_d, 4, a, b, dmin, w3, q3);
    /* umlal: 0xFFFFFFFF * 0xFFFFFFFF + 0xFF..FF wraps. */
    v128_t au = { 0xFFFFFFFFFFFFFFFFull, 0 }, bu = { 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull };
    v128_t accu = { ~0ull, 1 };
    static const v128_t w4[4] = { { 0xFFFFFFFE00000000ull, 0xFFFFFFFE00000002ull }, { 0xFFFFFFFE00000000ull, 0xFFFFFFFE00000002ull },
                                  { 0xFFFFFFFE00000000ull, 0xFFFFFFFE00000002ull }, { 0xFFFFFFFE00000000ull, 0xFFFFFFFE00000002ull } };
    static const int q4[4] = { 0, 0, 0, 0 };
    known_elem("umlal 2d", umlal_2d, 4, au, bu, accu, w4, q4);
    return test_finish("simd_mla_elem_long");
}
