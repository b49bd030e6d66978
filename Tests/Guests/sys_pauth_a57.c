/* -cpu cortex-a57 (Armv8.0): no FEAT_PAuth (sys_pauth_absent.h) and no
 * FEAT_RNG: ID_AA64ISAR0_EL1.RNDR = 0, MRS RNDR and RNDRRS UNDEFINED.
 *
 * ARMATURE-ARGS: -M virt -cpu cortex-a57 */
#include "sys_pauth_absent.h"

int main(void)
{
    check_pauth_absent();
    CHECK_EQ("ID_AA64ISAR0_EL1.RNDR", MRS("id_aa64isar0_el1") >> 60, 0);
    exc_record_mode = 1;
    exc_skip = 4;
    uint64_t r;
    CHECK_EQ("MRS RNDR: UNDEFINED (EC)", TRY("mrs x0, s3_3_c2_c4_0", &r), 0);
    CHECK_EQ("  x0 unchanged", r, 0x77);
    CHECK_EQ("MRS RNDRRS: UNDEFINED (EC)", TRY("mrs x0, s3_3_c2_c4_1", &r), 0);
    exc_record_mode = 0;
    test_finish("sys_pauth_a57");
    return 0;
}
