/* -cpu max,pauth-impdef=on: FEAT_PAuth with an IMPLEMENTATION DEFINED
 * algorithm (ID_AA64ISAR1_EL1.API = GPI = 1, APA = GPA = 0). The PACs are
 * the implementation's own (Armature's differ from QEMU's), so only what the
 * architecture fixes is printed: sign/authenticate round trips, a failed
 * authentication's error code, the PAC field (bits 54:48 and 63:56 here),
 * PACGA's zero low half.
 *
 * ARMATURE-ARGS: -M virt -cpu max,pauth-impdef=on */
#include "semihost.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define OP2(insn, d, n) ({ uint64_t _d = (d); __asm__ volatile(insn " %0, %1" : "+r"(_d) : "r"((uint64_t)(n))); _d; })

int main(void)
{
    uint64_t isar1 = MRS("id_aa64isar1_el1");
    CHECK_EQ("ID_AA64ISAR1_EL1.APA", (isar1 >> 4) & 0xf, 0);
    CHECK_EQ("ID_AA64ISAR1_EL1.API", (isar1 >> 8) & 0xf, 1);
    CHECK_EQ("ID_AA64ISAR1_EL1.GPA", (isar1 >> 24) & 0xf, 0);
    CHECK_EQ("ID_AA64ISAR1_EL1.GPI", (isar1 >> 28) & 0xf, 1);
    MSR("apiakeylo_el1", 0x0123456789abcdefull);
    MSR("apiakeyhi_el1", 0xfedcba9876543210ull);
    MSR("apdbkeylo_el1", 0x1111222233334444ull);
    MSR("apdbkeyhi_el1", 0x5555666677778888ull);
    MSR("apgakeylo_el1", 0x42ull);
    MSR("sctlr_el1", MRS("sctlr_el1") | 1ull << 31 | 1ull << 13);   /* EnIA, EnDB */
    MSR("tcr_el1", 2ull << 30);

    unsigned signed_count = 0, round_trips = 0, failures = 0, kept = 0;
    for (uint64_t i = 0; i < 64; i++) {
        uint64_t p = 0x40080000 + i * 0x10, m = i * 0x9e3779b97f4a7c15ull;
        uint64_t ia = OP2("pacia", p, m), db = OP2("pacdb", p, m);
        signed_count += ia != p;
        kept += (ia & 0x0080ffffffffffffull) == p && (db & 0x0080ffffffffffffull) == p;
        round_trips += OP2("autia", ia, m) == p && OP2("autdb", db, m) == p;
        failures += OP2("autia", ia, m + 1) == (p | 1ull << 61) && OP2("autdb", db, ~m) == (p | 2ull << 61);
    }
    /* A PAC of 15 bits is zero for one pointer in 2^15: none of these 64. */
    CHECK_EQ("pacia changed the pointer (of 64)", signed_count, 64);
    CHECK_EQ("bits 47:0 and 55 kept (of 64)", kept, 64);
    CHECK_EQ("autia(pacia), autdb(pacdb) round trips (of 64)", round_trips, 64);
    CHECK_EQ("wrong modifiers give error codes 01, 10 (of 64)", failures, 64);
    uint64_t g = 0;
    __asm__ volatile("pacga %0, %1, %2" : "=r"(g) : "r"(1ull), "r"(2ull));
    CHECK_EQ("pacga: low half zero", g & 0xffffffffull, 0);
    test_finish("sys_pauth_impdef");
    return 0;
}
