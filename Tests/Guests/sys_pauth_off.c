/* -cpu max,pauth=off: FEAT_PAuth gone (sys_pauth_absent.h), the rest of
 * max kept (FEAT_RNG: ID_AA64ISAR0_EL1.RNDR = 1).
 *
 * ARMATURE-ARGS: -M virt -cpu max,pauth=off */
#include "sys_pauth_absent.h"

int main(void)
{
    check_pauth_absent();
    CHECK_EQ("ID_AA64ISAR0_EL1.RNDR", MRS("id_aa64isar0_el1") >> 60, 1);
    CHECK_EQ("ID_AA64ISAR1_EL1.SB (max's other features stay)", (MRS("id_aa64isar1_el1") >> 36) & 0xf, 1);
    test_finish("sys_pauth_off");
    return 0;
}
