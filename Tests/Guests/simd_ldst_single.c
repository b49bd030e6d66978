/* LD1-LD4 and ST1-ST4 (single structure: one lane of B/H/S/D registers, a
 * low and a high lane) and LD1R-LD4R (every arrangement) on both engines
 * against QEMU 7.2, with no offset and post-index (immediate and register),
 * register lists that wrap from v31 to v0, SP as the base. Each result is
 * checked against the Arm ARM pseudocode's model (simd_ldst.h) and printed. */
#include "simd_ldst.h"

int main(void)
{
    enable_fp();
#include "simd_ldst_single.inc"
    return test_finish("simd_ldst_single");
}
