/* The misaligned SIMD&FP accesses of simd_ldst_align_device.c with
 * SCTLR_EL1.A = 1: the alignment check faults on every implementation (QEMU
 * 7.2 included), independently of the Device-memory rule, so this variant is
 * compared with QEMU. */
#define SET_SCTLR_A 1
#define ALIGN_TEST_NAME "simd_ldst_align_sctlr"
#include "simd_ldst_align_device.c"
