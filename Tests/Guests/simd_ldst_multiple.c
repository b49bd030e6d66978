/* LD1-LD4 and ST1-ST4 (multiple structures) on both engines against QEMU 7.2:
 * LD1/ST1 with one to four registers, LD2-LD4/ST2-ST4, every arrangement,
 * with no offset and post-index (immediate and register), register lists that
 * wrap from v31 to v0, SP as the base. Each result is checked against the
 * Arm ARM pseudocode's model (simd_ldst.h) and printed. */
#include "simd_ldst.h"

int main(void)
{
    enable_fp();
#include "simd_ldst_multiple.inc"
    return test_finish("simd_ldst_multiple");
}
