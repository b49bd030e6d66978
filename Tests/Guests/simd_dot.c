/* FEAT_DotProd: SDOT and UDOT, vector (2S from 8B, 4S from 16B) and by
 * element (every index 0-3 of V17.4B, which needs the M bit, and of V1.4B),
 * on byte edge values and pseudo-random bytes with accumulators of 32-bit
 * edge values (simd_arith.h). Every result is printed for comparison with
 * QEMU 7.2; the extreme sums (-128 * -128 four times past a near-MAX
 * accumulator: the sum wraps, nothing saturates) are checked here. */
#include "simd_arith.h"

VFN(sdot_2s, "sdot v2.2s, v0.8b, v1.8b") VFN(sdot_4s, "sdot v2.4s, v0.16b, v1.16b")
VFN(udot_2s, "udot v2.2s, v0.8b, v1.8b") VFN(udot_4s, "udot v2.4s, v0.16b, v1.16b")
EFN4(sdot_2s_e, "sdot v2.2s, v0.8b, v17.4b") EFN4(sdot_4s_e, "sdot v2.4s, v0.16b, v17.4b")
EFN4(udot_2s_e, "udot v2.2s, v0.8b, v17.4b") EFN4(udot_4s_e, "udot v2.4s, v0.16b, v17.4b")
EFN4(sdot_4s_e1, "sdot v2.4s, v0.16b, v1.4b") EFN4(udot_2s_e1, "udot v2.2s, v0.8b, v1.4b")

int main(void) {
    simd_enable();
    sweep("sdot 2s", 8, 32, sdot_2s);
    sweep("sdot 4s", 8, 32, sdot_4s);
    sweep("udot 2s", 8, 32, udot_2s);
    sweep("udot 4s", 8, 32, udot_4s);
    sweep_elem("sdot 2s elem", 8, 32, 4, sdot_2s_e);
    sweep_elem("sdot 4s elem", 8, 32, 4, sdot_4s_e);
    sweep_elem("udot 2s elem", 8, 32, 4, udot_2s_e);
    sweep_elem("udot 4s elem", 8, 32, 4, udot_4s_e);
    sweep_elem("sdot 4s elem v1", 8, 32, 4, sdot_4s_e1);
    sweep_elem("udot 2s elem v1", 8, 32, 4, udot_2s_e1);

    /* Lane 0: four -128 * -128 = 16384 onto 0x7FFFFFFF wraps; lane 1: 0x7F * 0x80 four times. */
    known("sdot 2s wraps", sdot_2s, 0x7F7F7F7F80808080ull, 0xFFFF, 0x8080808080808080ull, 0xFFFF,
          0x000000007FFFFFFFull, 0x55, 0xFFFF02008000FFFFull, 0, 0);
    known("udot 4s", udot_4s, 0xFFFFFFFF01020304ull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF01010101ull, 0xFFFFFFFFFFFFFFFFull,
          0xFFFFFFFF00000001ull, 0, 0x0003F8030000000Bull, 0x0003F8040003F804ull, 0);
    return test_finish("simd_dot");
}
