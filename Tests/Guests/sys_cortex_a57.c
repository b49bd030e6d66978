/* -cpu cortex-a57: the identification registers of an Armv8.0 Cortex-A57
 * (MIDR r1p0, CRC32 but no LSE atomics, LRCPC or SB; no VHE; the A57's
 * debug and PMU ID, cache geometry) and the instructions of features it
 * lacks UNDEFINED under both engines: LDADD, CAS, SWP (FEAT_LSE), LDAPR
 * (FEAT_LRCPC), SB (FEAT_SB), DC CVAP (FEAT_DPB), TLBI VMALLE1OS and RVAE1
 * (FEAT_TLBIOS, FEAT_TLBIRANGE); CRC32, DC CVAU and TLBI VMALLE1IS still work.
 *
 * Only the fields Armature implements as an A57 are printed: Armature has
 * no FP/AdvSIMD, no AArch32 and no crypto instructions (ID_AA64PFR0 and
 * ID_AA64ISAR0.AES/SHA differ from QEMU's), and keeps its 48-bit PA range
 * and 16 KiB granule (ID_AA64MMFR0).
 *
 * ARMATURE-ARGS: -M virt -cpu cortex-a57 */
#include "semihost.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

static volatile uint64_t word = 5;

/* Runs one instruction (with x1 = &word, x2 = 7); returns the exception class
 * it raised (0x40 when none) and x0 afterwards in *out. */
#define TRY(insn, out) ({                                                         \
    uint64_t _before = exc_count;                                                 \
    register uint64_t x0 __asm__("x0") = 0x77;                                    \
    register uint64_t x1 __asm__("x1") = (uint64_t)&word;                         \
    register uint64_t x2 __asm__("x2") = 7;                                       \
    __asm__ volatile(insn : "+r"(x0), "+r"(x1), "+r"(x2) :: "memory");            \
    *(out) = x0;                                                                  \
    exc_count != _before ? (exc_last.esr >> 26) & 0x3f : 0x40; })

int main(void)
{
    CHECK_EQ("MIDR_EL1", MRS("midr_el1"), 0x411FD070);
    CHECK_EQ("ID_AA64ISAR0_EL1.CRC32", (MRS("id_aa64isar0_el1") >> 16) & 0xf, 1);
    CHECK_EQ("ID_AA64ISAR0_EL1.Atomic", (MRS("id_aa64isar0_el1") >> 20) & 0xf, 0);
    CHECK_EQ("ID_AA64ISAR1_EL1", MRS("id_aa64isar1_el1"), 0);
    CHECK_EQ("ID_AA64MMFR1_EL1 (no VHE, PAN, HPDS...)", MRS("id_aa64mmfr1_el1"), 0);
    CHECK_EQ("ID_AA64MMFR2_EL1", MRS("id_aa64mmfr2_el1"), 0);
    CHECK_EQ("ID_AA64DFR0_EL1", MRS("id_aa64dfr0_el1"), 0x10305106);
    CHECK_EQ("ID_AA64PFR0_EL1.GIC/RAS/SVE...", MRS("id_aa64pfr0_el1") >> 24, 0);
    CHECK_EQ("CTR_EL0", MRS("ctr_el0"), 0x8444C004);
    CHECK_EQ("CLIDR_EL1", MRS("clidr_el1"), 0x0A200023);
    __asm__ volatile("msr csselr_el1, %0\n\tisb" :: "r"(2ull));
    CHECK_EQ("CCSIDR_EL1 (L2)", MRS("ccsidr_el1"), 0x70FFE07A);
    __asm__ volatile("msr csselr_el1, xzr\n\tisb");

    exc_record_mode = 1;
    exc_skip = 4;
    uint64_t r;
    CHECK_EQ("LDADD: UNDEFINED (EC)", TRY("ldadd x2, x0, [x1]", &r), 0);
    CHECK_EQ("  x0 unchanged", r, 0x77);
    CHECK_EQ("CAS: UNDEFINED (EC)", TRY("cas x0, x2, [x1]", &r), 0);
    CHECK_EQ("SWP: UNDEFINED (EC)", TRY("swp x2, x0, [x1]", &r), 0);
    CHECK_EQ("LDAPR: UNDEFINED (EC)", TRY("ldapr x0, [x1]", &r), 0);
    CHECK_EQ("  x0 unchanged", r, 0x77);
    CHECK_EQ("SB: UNDEFINED (EC)", TRY("sb", &r), 0);
    CHECK_EQ("DC CVAP (FEAT_DPB): UNDEFINED (EC)", TRY("dc cvap, x1", &r), 0);
    CHECK_EQ("TLBI VMALLE1OS (FEAT_TLBIOS): UNDEFINED (EC)", TRY(".arch armv8.4-a\n\ttlbi vmalle1os", &r), 0);
    CHECK_EQ("TLBI RVAE1 (FEAT_TLBIRANGE): UNDEFINED (EC)", TRY(".arch armv8.4-a\n\ttlbi rvae1, x2", &r), 0);
    CHECK_EQ("DC CVAU works (no exception)", TRY("dc cvau, x1", &r), 0x40);
    CHECK_EQ("TLBI VMALLE1IS works (no exception)", TRY("tlbi vmalle1is", &r), 0x40);
    CHECK_EQ("memory unchanged", word, 5);
    CHECK_EQ("LDAR works (no exception)", TRY("ldar x0, [x1]", &r), 0x40);
    CHECK_EQ("  x0", r, 5);
    CHECK_EQ("CRC32X works (no exception)", TRY("crc32x w0, w0, x2", &r), 0x40);
    CHECK_EQ("  w0", r, 0xAC509190);
    exc_record_mode = 0;
    return test_finish("sys_cortex_a57");
}
