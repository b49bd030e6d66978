/* -cpu cortex-a57: the identification registers of an Armv8.0 Cortex-A57
 * (MIDR r1p0, CRC32 but no LSE atomics, LRCPC or SB; no VHE; the A57's
 * debug and PMU ID, cache geometry) and the instructions of features it
 * lacks UNDEFINED under both engines: LDADD, CAS, SWP (FEAT_LSE), LDAPR
 * (FEAT_LRCPC), SB (FEAT_SB), MSR/MRS DIT (FEAT_DIT), DC CVAP (FEAT_DPB), TLBI VMALLE1OS and RVAE1
 * (FEAT_TLBIOS, FEAT_TLBIRANGE), FP16 arithmetic, SHA512, SHA3 (EOR3), RDM
 * (SQRDMLAH), DotProd (SDOT), JSCVT (FJCVTZS), FCMA (FCMLA), FRINTTS
 * (FRINT32Z) and FHM (FMLAL); CRC32, DC CVAU, TLBI VMALLE1IS and the
 * Cryptographic Extension (AESE, SHA1H, SHA256H, PMULL of doublewords) still
 * work.
 *
 * Only the fields Armature implements as an A57 are printed: Armature has
 * no AArch32 (ID_AA64PFR0.EL0/EL1 differ from QEMU's), and keeps its 48-bit
 * PA range and 16 KiB granule (ID_AA64MMFR0).
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
    CHECK_EQ("ID_AA64ISAR0_EL1 (AES+PMULL, SHA1, SHA256, CRC32 only)", MRS("id_aa64isar0_el1"), 0x11120);
    CHECK_EQ("ID_AA64PFR0_EL1.FP/AdvSIMD (both, no FP16)", (MRS("id_aa64pfr0_el1") >> 16) & 0xff, 0);
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
    CHECK_EQ("MSR DIT, #1 (FEAT_DIT): UNDEFINED (EC)", TRY(".arch armv8.4-a\n\tmsr dit, #1", &r), 0);
    CHECK_EQ("MRS DIT (FEAT_DIT): UNDEFINED (EC)", TRY("mrs x0, s3_3_c4_c2_5", &r), 0);
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

    /* FP/SIMD: enabled at EL1 (CPACR_EL1.FPEN), so what is left is the feature. */
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
#define FPX ".arch armv8.5-a+fp16+sha3+rdm+dotprod+fp16fml+crypto\n\t"
    CHECK_EQ("FADD (half precision, FEAT_FP16): UNDEFINED (EC)", TRY(FPX "fadd h0, h1, h2", &r), 0);
    CHECK_EQ("SHA512H (FEAT_SHA512): UNDEFINED (EC)", TRY(FPX "sha512h q0, q1, v2.2d", &r), 0);
    CHECK_EQ("EOR3 (FEAT_SHA3): UNDEFINED (EC)", TRY(FPX "eor3 v0.16b, v1.16b, v2.16b, v3.16b", &r), 0);
    CHECK_EQ("SQRDMLAH (FEAT_RDM): UNDEFINED (EC)", TRY(FPX "sqrdmlah v0.4s, v1.4s, v2.4s", &r), 0);
    CHECK_EQ("SDOT (FEAT_DotProd): UNDEFINED (EC)", TRY(FPX "sdot v0.4s, v1.16b, v2.16b", &r), 0);
    CHECK_EQ("FJCVTZS (FEAT_JSCVT): UNDEFINED (EC)", TRY(FPX "fjcvtzs w0, d0", &r), 0);
    CHECK_EQ("FCMLA (FEAT_FCMA): UNDEFINED (EC)", TRY(FPX "fcmla v0.4s, v1.4s, v2.4s, #90", &r), 0);
    CHECK_EQ("FRINT32Z (FEAT_FRINTTS): UNDEFINED (EC)", TRY(FPX "frint32z d0, d1", &r), 0);
    CHECK_EQ("FMLAL (FEAT_FHM): UNDEFINED (EC)", TRY(FPX "fmlal v0.2s, v1.2h, v2.2h", &r), 0);
    CHECK_EQ("AESE works (no exception)", TRY(FPX "aese v0.16b, v1.16b", &r), 0x40);
    CHECK_EQ("SHA1H works (no exception)", TRY(FPX "sha1h s0, s1", &r), 0x40);
    CHECK_EQ("SHA256H works (no exception)", TRY(FPX "sha256h q0, q1, v2.4s", &r), 0x40);
    CHECK_EQ("PMULL of doublewords works (no exception)", TRY(FPX "pmull v0.1q, v1.1d, v2.1d", &r), 0x40);
    CHECK_EQ("FADD (double) works (no exception)", TRY(FPX "fadd d0, d1, d2", &r), 0x40);
    exc_record_mode = 0;
    return test_finish("sys_cortex_a57");
}
