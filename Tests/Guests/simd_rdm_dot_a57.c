/* -cpu cortex-a57 (Armv8.0) has neither FEAT_RDM nor FEAT_DotProd:
 * SQRDMLAH/SQRDMLSH (vector, scalar, by element) and SDOT/UDOT (vector, by
 * element) are UNDEFINED under both engines (EC 0), while the Armv8.0
 * SQRDMULH and the other AdvSIMD multiplies next to them in the encoding
 * space still work.
 *
 * ARMATURE-ARGS: -M virt -cpu cortex-a57 */
#include "semihost.h"

/* Runs one instruction; returns the exception class it raised (0x40: none). */
#define TRY(insn) ({                                                               \
    uint64_t _before = exc_count;                                                  \
    __asm__ volatile("movi v1.4s, #3\n\tmovi v2.4s, #5\n\t" insn ::: "v0", "v1", "v2", "memory"); \
    exc_count != _before ? ESR_EC(exc_last.esr) : 0x40; })

int main(void) {
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN */
    exc_record_mode = 1;
    exc_skip = 4;
    CHECK_EQ("sqrdmlah 4s", TRY(".arch_extension rdm\n\tsqrdmlah v0.4s, v1.4s, v2.4s"), 0);
    CHECK_EQ("sqrdmlsh h", TRY(".arch_extension rdm\n\tsqrdmlsh h0, h1, h2"), 0);
    CHECK_EQ("sqrdmlah elem 8h", TRY(".arch_extension rdm\n\tsqrdmlah v0.8h, v1.8h, v2.h[7]"), 0);
    CHECK_EQ("sqrdmlsh elem s", TRY(".arch_extension rdm\n\tsqrdmlsh s0, s1, v2.s[3]"), 0);
    CHECK_EQ("sdot 4s", TRY(".arch_extension dotprod\n\tsdot v0.4s, v1.16b, v2.16b"), 0);
    CHECK_EQ("udot 2s", TRY(".arch_extension dotprod\n\tudot v0.2s, v1.8b, v2.8b"), 0);
    CHECK_EQ("sdot elem", TRY(".arch_extension dotprod\n\tsdot v0.2s, v1.8b, v2.4b[1]"), 0);
    CHECK_EQ("udot elem", TRY(".arch_extension dotprod\n\tudot v0.4s, v1.16b, v2.4b[3]"), 0);
    CHECK_EQ("sqrdmulh 4s", TRY("sqrdmulh v0.4s, v1.4s, v2.4s"), 0x40);
    CHECK_EQ("sqdmulh elem", TRY("sqdmulh v0.8h, v1.8h, v2.h[7]"), 0x40);
    CHECK_EQ("mla 16b", TRY("mla v0.16b, v1.16b, v2.16b"), 0x40);
    CHECK_EQ("uqadd d", TRY("uqadd d0, d1, d2"), 0x40);
    return test_finish("simd_rdm_dot_a57");
}
