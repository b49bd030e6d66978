/* AdvSIMD halving and absolute difference: SHADD, UHADD, SRHADD, URHADD,
 * SHSUB, UHSUB, SABD, UABD, SABA, UABA in every arrangement (8B 16B 4H 8H 2S
 * 4S), on the edge values of each lane size and pseudo-random lanes
 * (simd_arith.h); every result is printed for comparison with QEMU 7.2 and the
 * edges (sums past the lane, the rounding, differences of the extremes) are
 * checked here. None of them saturates: FPSR.QC must stay clear. */
#include "simd_arith.h"

#define SAME_V(op) \
    VFN(op##_8b, #op " v2.8b, v0.8b, v1.8b") VFN(op##_16b, #op " v2.16b, v0.16b, v1.16b") \
    VFN(op##_4h, #op " v2.4h, v0.4h, v1.4h") VFN(op##_8h, #op " v2.8h, v0.8h, v1.8h") \
    VFN(op##_2s, #op " v2.2s, v0.2s, v1.2s") VFN(op##_4s, #op " v2.4s, v0.4s, v1.4s")

SAME_V(shadd) SAME_V(uhadd) SAME_V(srhadd) SAME_V(urhadd) SAME_V(shsub) SAME_V(uhsub)
SAME_V(sabd) SAME_V(uabd) SAME_V(saba) SAME_V(uaba)

typedef struct { const char *name; int bits; vfn_t fn; } row_t;
#define ROWS(op) \
    { #op " 8b", 8, op##_8b }, { #op " 16b", 8, op##_16b }, { #op " 4h", 16, op##_4h }, { #op " 8h", 16, op##_8h }, \
    { #op " 2s", 32, op##_2s }, { #op " 4s", 32, op##_4s }

static const row_t rows[] = {
    ROWS(shadd), ROWS(uhadd), ROWS(srhadd), ROWS(urhadd), ROWS(shsub), ROWS(uhsub),
    ROWS(sabd), ROWS(uabd), ROWS(saba), ROWS(uaba),
};

int main(void) {
    simd_enable();
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) sweep(rows[i].name, rows[i].bits, rows[i].bits, rows[i].fn);

    /* Lane 0: 0x7F and 0x7F, lane 1: 0x80 and 0xFF, lane 2: 0x01 and 0x02 (bytes). */
    known("shadd 8b", shadd_8b, 0x01807F, 0, 0x02FF7F, 0, 0, 0, 0x01BF7F, 0, 0);
    known("uhadd 8b", uhadd_8b, 0x01807F, 0, 0x02FF7F, 0, 0, 0, 0x01BF7F, 0, 0);
    known("srhadd 8b", srhadd_8b, 0x01807F, 0, 0x02FF7F, 0, 0, 0, 0x02C07F, 0, 0);
    known("urhadd 8b", urhadd_8b, 0x01807F, 0, 0x02FF7F, 0, 0, 0, 0x02C07F, 0, 0);
    known("shsub 4s min-max", shsub_4s, 0x80000000, 0, 0x7FFFFFFF, 0, 0, 0, 0x80000000, 0, 0);
    known("uhsub 4s 0-ff..", uhsub_4s, 0, 0, 0xFFFFFFFF, 0, 0, 0, 0x80000000, 0, 0);
    known("sabd 8h min,max", sabd_8h, 0x8000, 0, 0x7FFF, 0, 0, 0, 0xFFFF, 0, 0);
    known("uabd 16b", uabd_16b, 0x00FF, 0xFF, 0xFF00, 0x01, 0, 0, 0xFFFF, 0xFE, 0);
    known("saba 2s wraps", saba_2s, 0x80000000, 0, 0x7FFFFFFF, 0, 5, 7, 4, 0, 0);
    known("uaba 4h", uaba_4h, 3, 0, 10, 0, 0xFFFF0001, 9, 0xFFFF0008, 0, 0);
    return test_finish("simd_halving");
}
