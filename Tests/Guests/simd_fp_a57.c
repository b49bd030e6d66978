/* -cpu cortex-a57 (Armv8.0): the AdvSIMD FP instructions of features the
 * A57 lacks are UNDEFINED under both engines: the FP16 vector and scalar
 * forms (FEAT_FP16), FRINT32Z/FRINT64X (FEAT_FRINTTS) and FJCVTZS
 * (FEAT_JSCVT); the single and double precision forms work.
 *
 * ARMATURE-ARGS: -M virt -cpu cortex-a57 */
#include "simd_fp.h"

/* Runs one instruction; returns the exception class it raised (0x40 when none). */
#define TRY(insn) ({                                                              \
    uint64_t _before = exc_count;                                                 \
    __asm__ volatile(insn ::: "v0", "v1", "x9", "memory");                        \
    exc_count != _before ? (exc_last.esr >> 26) & 0x3f : 0x40; })

static __attribute__((noinline)) int test(void)
{
    exc_record_mode = 1;
    exc_skip = 4;
    CHECK_EQ("FADD 4S works", TRY("fadd v0.4s, v0.4s, v1.4s"), 0x40);
    CHECK_EQ("FRECPE 2D works", TRY("frecpe v0.2d, v1.2d"), 0x40);
    CHECK_EQ("FMAXV S works", TRY("fmaxv s0, v1.4s"), 0x40);
    CHECK_EQ("FADD 8H: UNDEFINED (EC)", TRY("fadd v0.8h, v0.8h, v1.8h"), 0);
    CHECK_EQ("FABD H: UNDEFINED (EC)", TRY("fabd h0, h0, h1"), 0);
    CHECK_EQ("FCVTZS 4H: UNDEFINED (EC)", TRY("fcvtzs v0.4h, v1.4h"), 0);
    CHECK_EQ("FMAXNMV H: UNDEFINED (EC)", TRY("fmaxnmv h0, v1.8h"), 0);
    CHECK_EQ("FMLA 8H by element: UNDEFINED (EC)", TRY("fmla v0.8h, v1.8h, v1.h[7]"), 0);
    CHECK_EQ("FMOV 4H immediate: UNDEFINED (EC)", TRY("fmov v0.4h, #1.0"), 0);
    CHECK_EQ("SCVTF 4H fixed: UNDEFINED (EC)", TRY("scvtf v0.4h, v1.4h, #3"), 0);
    CHECK_EQ("FRINT32Z 4S: UNDEFINED (EC)", TRY("frint32z v0.4s, v1.4s"), 0);
    CHECK_EQ("FRINT64X D: UNDEFINED (EC)", TRY("frint64x d0, d1"), 0);
    CHECK_EQ("FJCVTZS: UNDEFINED (EC)", TRY("fjcvtzs w9, d1"), 0);
    exc_record_mode = 0;
    return test_finish("simd_fp_a57");
}

int main(void)
{
    fp_enable();
    return test();
}
