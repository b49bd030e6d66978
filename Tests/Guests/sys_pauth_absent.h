/* Shared by sys_pauth_a57.c and sys_pauth_off.c: a CPU without FEAT_PAuth.
 * The PAuth instructions outside the HINT space (PACIA, AUTDZB, XPACI,
 * PACGA, BRAA, BLRAAZ, RETAA, ERETAA, LDRAA) and the key registers are
 * UNDEFINED (EC 0, the registers unchanged); the HINT-space forms (PACIASP,
 * AUTIBSP, PACIA1716, XPACLRI) are NOPs; ID_AA64ISAR1_EL1.APA/API/GPA/GPI = 0. */
#include "semihost.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

/* Runs one instruction with x0 = 0x77, x1 = &word, x17 = x30 = 0x40081234;
 * returns the exception class (0x40: none) and x0 in *out. */
static volatile uint64_t word = 5;
#define TRY(insn, out) ({                                                         \
    uint64_t _before = exc_count;                                                 \
    register uint64_t x0 __asm__("x0") = 0x77;                                    \
    register uint64_t x1 __asm__("x1") = (uint64_t)&word;                         \
    __asm__ volatile("mov x17, #0x1234\n\tmovk x17, #0x4008, lsl #16\n\tmov x30, x17\n\t" \
                     insn "\n\tcmp x17, x30\n\tcsel x0, x0, xzr, eq"                 \
                     : "+r"(x0), "+r"(x1) :: "x17", "x30", "cc", "memory");        \
    *(out) = x0;                                                                  \
    exc_count != _before ? (exc_last.esr >> 26) & 0x3f : 0x40; })

static void check_pauth_absent(void)
{
    uint64_t isar1 = MRS("id_aa64isar1_el1");
    CHECK_EQ("ID_AA64ISAR1_EL1.APA/API", (isar1 >> 4) & 0xff, 0);
    CHECK_EQ("ID_AA64ISAR1_EL1.GPA/GPI", (isar1 >> 24) & 0xff, 0);
    exc_record_mode = 1;
    exc_skip = 4;
    uint64_t r;
    CHECK_EQ("PACIA: UNDEFINED (EC)", TRY("pacia x0, x1", &r), 0);
    CHECK_EQ("  x0 unchanged", r, 0x77);
    CHECK_EQ("AUTDZB: UNDEFINED (EC)", TRY("autdzb x0", &r), 0);
    CHECK_EQ("XPACI: UNDEFINED (EC)", TRY("xpaci x0", &r), 0);
    CHECK_EQ("PACGA: UNDEFINED (EC)", TRY("pacga x0, x1, x1", &r), 0);
    CHECK_EQ("BRAA: UNDEFINED (EC)", TRY("braa x1, x0", &r), 0);
    CHECK_EQ("BLRAAZ: UNDEFINED (EC)", TRY("blraaz x1", &r), 0);
    CHECK_EQ("RETAA: UNDEFINED (EC)", TRY("retaa", &r), 0);
    CHECK_EQ("ERETAA: UNDEFINED (EC)", TRY("eretaa", &r), 0);
    CHECK_EQ("LDRAA: UNDEFINED (EC)", TRY("ldraa x0, [x1]", &r), 0);
    CHECK_EQ("  x0 unchanged", r, 0x77);
    CHECK_EQ("MRS APIAKeyLo_EL1: UNDEFINED (EC)", TRY("mrs x0, apiakeylo_el1", &r), 0);
    CHECK_EQ("MSR APGAKeyHi_EL1: UNDEFINED (EC)", TRY("msr apgakeyhi_el1, x0", &r), 0);
    CHECK_EQ("PACIASP, AUTIBSP: NOPs (no exception)", TRY("paciasp\n\tautibsp", &r), 0x40);
    CHECK_EQ("  x30 unchanged", r, 0x77);
    CHECK_EQ("PACIA1716, XPACLRI, PACIAZ: NOPs", TRY("pacia1716\n\txpaclri\n\tpaciaz", &r), 0x40);
    CHECK_EQ("  x17, x30 unchanged", r, 0x77);
    exc_record_mode = 0;
}
