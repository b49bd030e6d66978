/* FEAT_PAuth (-cpu max, QARMA5): the ID fields (APA/GPA = 1: FEAT_PAuth
 * without PAuth2/FPAC, as QEMU 7.2's max), the key registers, PAC*, AUT*,
 * XPAC*, their Z, 1716, SP and Z-hint forms, PACGA, SCTLR_EL1.EnIA/EnIB/
 * EnDA/EnDB (a disabled key makes PAC* and AUT* leave the register alone),
 * where the PAC goes for several TCR_EL1 sizes and TBI settings, a failed
 * AUT* (the error code in bits 54:53, or 62:61 without TBI), and the
 * combined forms BRAA/BRAB/BRAAZ/BLRAA/BLRABZ/RETAA/RETAB and LDRAA/LDRAB
 * (offsets, writeback, the faults a failed authentication leads to).
 * Every PAC is printed: the values are QEMU 7.2's, bit for bit.
 * Arm ARM D8.10 (pointer authentication), pseudocode AArch64.AddPAC,
 * AArch64.Auth, AArch64.Strip. The MMU is off (TCR_EL1 still places the PAC). */
#include "semihost.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")

#define EN_IA (1ull << 31)
#define EN_IB (1ull << 30)
#define EN_DA (1ull << 27)
#define EN_DB (1ull << 13)
#define TG1_4K (2ull << 30)

/* Xd = insn(Xd, Xn): PAC* and AUT* Xd, Xn. */
#define OP2(insn, d, n) ({ uint64_t _d = (d); __asm__ volatile(insn " %0, %1" : "+r"(_d) : "r"((uint64_t)(n))); _d; })
/* Xd = insn(Xd): the Z forms and XPAC*. */
#define OP1(insn, d) ({ uint64_t _d = (d); __asm__ volatile(insn " %0" : "+r"(_d)); _d; })

static void set_keys(uint64_t salt)
{
    MSR("apiakeylo_el1", 0x0123456789abcdefull ^ salt);
    MSR("apiakeyhi_el1", 0xfedcba9876543210ull ^ salt);
    MSR("apibkeylo_el1", 0x1111222233334444ull ^ salt);
    MSR("apibkeyhi_el1", 0x5555666677778888ull ^ salt);
    MSR("apdakeylo_el1", 0x84be85ce9804e94bull ^ salt);
    MSR("apdakeyhi_el1", 0xec2802d4e0a488e9ull ^ salt);
    MSR("apdbkeylo_el1", 0x0f0f0f0ff0f0f0f0ull ^ salt);
    MSR("apdbkeyhi_el1", 0xa5a5a5a55a5a5a5aull ^ salt);
    MSR("apgakeylo_el1", 0xec2802d4e0a488e9ull ^ salt);
    MSR("apgakeyhi_el1", 0x84be85ce9804e94bull ^ salt);
}

/* The canonical form of p: its PAC field replaced by copies of bit 55. */
static uint64_t strip_expected(uint64_t p, unsigned bottom, int tbi)
{
    unsigned top = tbi ? 55 : 63;
    uint64_t field = (top == 63 ? ~0ull : ((1ull << (top + 1)) - 1)) & ~((1ull << bottom) - 1);
    return (p >> 55) & 1 ? p | field : p & ~field;
}

static void sign_and_check(const char *what, uint64_t p, uint64_t mod, unsigned bottom, int tbi)
{
    uint64_t canon = strip_expected(p, bottom, tbi);
    print_str(what);
    print_nl();
    uint64_t ia = OP2("pacia", p, mod), ib = OP2("pacib", p, mod);
    uint64_t da = OP2("pacda", p, mod), db = OP2("pacdb", p, mod);
    check_eq("  pacia", ia, ia);
    check_eq("  pacib", ib, ib);
    check_eq("  pacda", da, da);
    check_eq("  pacdb", db, db);
    CHECK_EQ("  pacia keeps the bits below the PAC", ia & ((1ull << bottom) - 1), p & ((1ull << bottom) - 1));
    CHECK_EQ("  pacia keeps bit 55", (ia >> 55) & 1, (p >> 55) & 1);
    if (tbi) CHECK_EQ("  pacia keeps the top byte (TBI)", ia >> 56, p >> 56);
    if (p == canon) {
        CHECK_EQ("  autia(pacia) = p", OP2("autia", ia, mod), p);
        CHECK_EQ("  autib(pacib) = p", OP2("autib", ib, mod), p);
        CHECK_EQ("  autda(pacda) = p", OP2("autda", da, mod), p);
        CHECK_EQ("  autdb(pacdb) = p", OP2("autdb", db, mod), p);
    }
    CHECK_EQ("  xpaci(pacia) = canonical p", OP1("xpaci", ia), canon);
    CHECK_EQ("  xpacd(pacdb) = canonical p", OP1("xpacd", db), canon);
    /* A wrong modifier: the error code (key A: 01, key B: 10) in bits 54:53 or 62:61. */
    unsigned shift = tbi ? 53 : 61;
    uint64_t bad_a = OP2("autia", ia, mod ^ 1), bad_b = OP2("autdb", db, mod + 16);
    check_eq("  autia, wrong modifier", bad_a, bad_a);
    check_eq("  autdb, wrong modifier", bad_b, bad_b);
    CHECK_EQ("  autia failure: canonical with error code 01", bad_a, (canon & ~(3ull << shift)) | (1ull << shift));
    CHECK_EQ("  autdb failure: canonical with error code 10", bad_b, (canon & ~(3ull << shift)) | (2ull << shift));
    CHECK_EQ("  autib of an IA signature fails", (OP2("autib", ia, mod) >> shift) & 3, ia == ib ? 0 : 2);
}

static void forms(void)
{
    uint64_t p = 0x40081234, m = 0x1234;
    CHECK_EQ("paciza = pacia with 0", OP1("paciza", p), OP2("pacia", p, 0));
    CHECK_EQ("pacizb = pacib with 0", OP1("pacizb", p), OP2("pacib", p, 0));
    CHECK_EQ("pacdza = pacda with 0", OP1("pacdza", p), OP2("pacda", p, 0));
    CHECK_EQ("pacdzb = pacdb with 0", OP1("pacdzb", p), OP2("pacdb", p, 0));
    CHECK_EQ("autizb(pacizb) = p", OP1("autizb", OP1("pacizb", p)), p);
    CHECK_EQ("autdza(pacdza) = p", OP1("autdza", OP1("pacdza", p)), p);

    /* The HINT-space forms on x17/x16 and x30/sp/0. */
    uint64_t r17, r30;
    __asm__ volatile("mov x17, %2\n\tmov x16, %3\n\tpacia1716\n\tmov %0, x17\n\t"
                     "mov x30, %2\n\tpacibsp\n\tmov %1, x30"
                     : "=&r"(r17), "=&r"(r30) : "r"(p), "r"(m) : "x16", "x17", "x30");
    CHECK_EQ("pacia1716 = pacia x17, x16", r17, OP2("pacia", p, m));
    uint64_t sp = 0;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    CHECK_EQ("pacibsp = pacib x30, sp", r30, OP2("pacib", p, sp));
    __asm__ volatile("mov x30, %2\n\tpacibsp\n\tautibsp\n\tmov %0, x30\n\t"
                     "mov x17, %2\n\tmov x16, %3\n\tpacib1716\n\tautib1716\n\tmov %1, x17"
                     : "=&r"(r30), "=&r"(r17) : "r"(p), "r"(m) : "x16", "x17", "x30");
    CHECK_EQ("autibsp(pacibsp) = p", r30, p);
    CHECK_EQ("autib1716(pacib1716) = p", r17, p);
    __asm__ volatile("mov x30, %1\n\tpaciaz\n\tmov %0, x30" : "=&r"(r30) : "r"(p) : "x30");
    CHECK_EQ("paciaz = paciza x30", r30, OP1("paciza", p));
    __asm__ volatile("mov x30, %1\n\tpaciasp\n\tautiaz\n\tmov %0, x30" : "=&r"(r30) : "r"(p) : "x30");
    check_eq("autiaz of a paciasp signature (fails: error code)", r30, r30);
    CHECK_EQ("  error code 01 in bits 62:61", (r30 >> 61) & 3, 1);
    __asm__ volatile("mov x30, %1\n\tpacibz\n\txpaclri\n\tmov %0, x30" : "=&r"(r30) : "r"(p) : "x30");
    CHECK_EQ("xpaclri(pacibz) = p", r30, p);

    /* PACGA: the top 32 bits of the PAC of Xn with modifier Xm|SP, key GA. */
    uint64_t g = 0;
    __asm__ volatile("pacga %0, %1, %2" : "=r"(g) : "r"(0xfb623599da6e8127ull), "r"(0x477d469dec0b8762ull));
    check_eq("pacga", g, g);
    CHECK_EQ("pacga: low half zero", g & 0xffffffffull, 0);
}

static void disabled(void)
{
    uint64_t sctlr = MRS("sctlr_el1"), p = 0x40081234;
    uint64_t ia = OP2("pacia", p, 5), da = OP2("pacda", p, 5);
    MSR("sctlr_el1", sctlr & ~(EN_IA | EN_DB));
    CHECK_EQ("EnIA = 0: pacia leaves Xd", OP2("pacia", p, 5), p);
    CHECK_EQ("EnIA = 0: autia leaves Xd", OP2("autia", ia, 5), ia);
    CHECK_EQ("EnDB = 0: pacdzb leaves Xd", OP1("pacdzb", p), p);
    CHECK_EQ("EnDA = 1: pacda still signs", OP2("pacda", p, 5), da);
    CHECK_EQ("EnIA = 0: xpaci still strips", OP1("xpaci", ia), p);
    uint64_t r30;
    __asm__ volatile("mov x30, %1\n\tpaciasp\n\tpaciaz\n\tmov %0, x30" : "=&r"(r30) : "r"(p) : "x30");
    CHECK_EQ("EnIA = 0: paciasp, paciaz are NOPs", r30, p);
    uint64_t g = 0;
    __asm__ volatile("pacga %0, %1, %2" : "=r"(g) : "r"(p), "r"(5ull));
    CHECK_EQ("EnIA = 0: pacga still computes (no enable bit)", g != 0, 1);
    MSR("sctlr_el1", sctlr);
}

/* ---- combined branches ---- */

static volatile uint64_t arrived;
extern char pa_target[], pa_back[];
__asm__(".text\n"
        "pa_target:\n"
        "    mov x9, #1\n"
        "    adrp x10, arrived\n"
        "    str x9, [x10, :lo12:arrived]\n"
        "    ret\n");

/* Runs `body` with x2 = &pa_target (x3 = modifier) and returns x0 (x30 on a BLR form). */
#define BRANCH(body) ({ register uint64_t _x0 __asm__("x0") = 0; arrived = 0; \
    __asm__ volatile("adr x2, pa_target\n\tmov x3, #0x77\n\tadr x30, 1f\n\t" body "\n1:\tmov x0, x30" \
                     : "+r"(_x0) :: "x2", "x3", "x4", "x9", "x10", "x30", "memory"); _x0; })

static void branches(void)
{
    exc_record_mode = 1;
    exc_skip = -1;   /* a failed authentication faults at the fetch: resume at x30 */
    exc_count = 0;

    BRANCH("pacia x2, x3\n\tbraa x2, x3");
    CHECK_EQ("braa reaches the target", arrived, 1);
    BRANCH("pacib x2, sp\n\tbrab x2, sp");
    CHECK_EQ("brab (modifier sp)", arrived, 1);
    BRANCH("paciza x2\n\tbraaz x2");
    CHECK_EQ("braaz", arrived, 1);
    uint64_t lr = BRANCH("pacia x2, x3\n\tblraa x2, x3\n2:\tadr x3, 2b\n\tsub x3, x3, x30\n\tadr x30, 1f\n\tcbz x3, 1f\n\tmov x30, #0");
    CHECK_EQ("blraa: reaches the target and links", arrived == 1 && lr != 0, 1);
    lr = BRANCH("pacizb x2\n\tblrabz x2\n2:\tadr x3, 2b\n\tsub x3, x3, x30\n\tadr x30, 1f\n\tcbz x3, 1f\n\tmov x30, #0");
    CHECK_EQ("blrabz: reaches the target and links", arrived == 1 && lr != 0, 1);
    /* RETAA/RETAB: x30 signed with sp. */
    BRANCH("adr x30, 3f\n\tpacia x30, sp\n\tretaa\n\tb 1f\n3:\tmov x9, #2\n\tadrp x10, arrived\n\tstr x9, [x10, :lo12:arrived]\n\tadr x30, 1f");
    CHECK_EQ("retaa", arrived, 2);
    BRANCH("adr x30, 3f\n\tpacib x30, sp\n\tretab\n\tb 1f\n3:\tmov x9, #2\n\tadrp x10, arrived\n\tstr x9, [x10, :lo12:arrived]\n\tadr x30, 1f");
    CHECK_EQ("retab", arrived, 2);
    CHECK_EQ("no exception so far", exc_count, 0);

    /* Failures: the branch goes to the non-canonical pointer, whose fetch faults. */
    BRANCH("pacia x2, x3\n\tmov x4, #0x78\n\tbraa x2, x4");
    CHECK_EQ("braa, wrong modifier: target not reached", arrived, 0);
    CHECK_EQ("  an exception", exc_count, 1);
    check_eq("  ESR (instruction abort, address size)", exc_last.esr, exc_last.esr);
    check_eq("  FAR (the pointer with error code 01)", exc_last.far, exc_last.far);
    CHECK_EQ("  FAR bits 62:61", (exc_last.far >> 61) & 3, 1);
    exc_count = 0;
    BRANCH("pacib x2, x3\n\tbrab x2, sp");
    CHECK_EQ("brab, wrong modifier: an exception", exc_count, 1);
    CHECK_EQ("  FAR bits 62:61 (key B: 10)", (exc_last.far >> 61) & 3, 2);
    exc_count = 0;
    BRANCH("adr x30, 1f\n\tretab");
    CHECK_EQ("retab of an unsigned x30: an exception", exc_count, 1);
    check_eq("  FAR", exc_last.far, exc_last.far);
    exc_record_mode = 0;
}

/* ---- LDRAA / LDRAB ---- */

static volatile uint64_t cells[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };

static void loads(void)
{
    uint64_t base = (uint64_t)&cells[1], v, wb;
    uint64_t sa = OP1("pacdza", base), sb = OP1("pacdzb", base);
    __asm__ volatile("ldraa %0, [%1]" : "=r"(v) : "r"(sa) : "memory");
    CHECK_EQ("ldraa [x]", v, 0x2222);
    __asm__ volatile("ldraa %0, [%1, #8]" : "=r"(v) : "r"(sa) : "memory");
    CHECK_EQ("ldraa [x, #8]", v, 0x3333);
    __asm__ volatile("ldrab %0, [%1, #16]" : "=r"(v) : "r"(sb) : "memory");
    CHECK_EQ("ldrab [x, #16]", v, 0x4444);
    wb = sa;
    __asm__ volatile("ldraa %0, [%1, #-8]!" : "=r"(v), "+r"(wb) :: "memory");
    CHECK_EQ("ldraa [x, #-8]!", v, 0x1111);
    CHECK_EQ("  writeback: the authenticated address", wb, (uint64_t)&cells[0]);
    /* A far offset from a lower base: S:imm9 * 8 = -4096 ... 4088. */
    uint64_t low = OP1("pacdza", base + 4096);
    __asm__ volatile("ldraa %0, [%1, #-4096]" : "=r"(v) : "r"(low) : "memory");
    CHECK_EQ("ldraa [x, #-4096]", v, 0x2222);
    uint64_t high = OP1("pacdzb", base - 4088);
    __asm__ volatile("ldrab %0, [%1, #4088]" : "=r"(v) : "r"(high) : "memory");
    CHECK_EQ("ldrab [x, #4088]", v, 0x2222);

    exc_record_mode = 1;
    exc_skip = 4;
    exc_count = 0;
    v = 0x5a;
    __asm__ volatile("ldraa %0, [%1, #8]" : "+r"(v) : "r"(sb) : "memory");   /* signed with key B */
    CHECK_EQ("ldraa of a DB-signed pointer: an exception", exc_count, 1);
    CHECK_EQ("  Xt unchanged", v, 0x5a);
    check_eq("  ESR (data abort)", exc_last.esr, exc_last.esr);
    check_eq("  FAR (error code 01, plus the offset)", exc_last.far, exc_last.far);
    exc_count = 0;
    wb = base;
    __asm__ volatile("ldrab %0, [%1, #8]!" : "+r"(v), "+r"(wb) :: "memory");   /* unsigned */
    CHECK_EQ("ldrab of an unsigned pointer: an exception", exc_count, 1);
    CHECK_EQ("  no writeback", wb, base);
    check_eq("  FAR", exc_last.far, exc_last.far);
    exc_record_mode = 0;
}

int main(void)
{
    uint64_t isar1 = MRS("id_aa64isar1_el1");
    CHECK_EQ("ID_AA64ISAR1_EL1.APA", (isar1 >> 4) & 0xf, 1);
    CHECK_EQ("ID_AA64ISAR1_EL1.API", (isar1 >> 8) & 0xf, 0);
    CHECK_EQ("ID_AA64ISAR1_EL1.GPA", (isar1 >> 24) & 0xf, 1);
    CHECK_EQ("ID_AA64ISAR1_EL1.GPI", (isar1 >> 28) & 0xf, 0);

    set_keys(0);
    CHECK_EQ("APIAKeyLo_EL1 reads back", MRS("apiakeylo_el1"), 0x0123456789abcdefull);
    CHECK_EQ("APGAKeyHi_EL1 reads back", MRS("apgakeyhi_el1"), 0x84be85ce9804e94bull);
    MSR("sctlr_el1", MRS("sctlr_el1") | EN_IA | EN_IB | EN_DA | EN_DB);

    /* TCR_EL1 (TG1 = 4 KiB): reset T0SZ/T1SZ = 0 act as 16 (48-bit ranges). */
    MSR("tcr_el1", TG1_4K);
    sign_and_check("48-bit, no TBI, lower", 0x0000000040081234ull, 0x1234, 48, 0);
    sign_and_check("48-bit, no TBI, upper", 0xffff800000401230ull, 0, 48, 0);
    sign_and_check("48-bit, no TBI, non-canonical", 0x0001000040081234ull, 0x55, 48, 0);
    MSR("tcr_el1", TG1_4K | 25 | 25ull << 16 | 1ull << 37 | 1ull << 38);   /* 39-bit, TBI0, TBI1 */
    sign_and_check("39-bit, TBI, lower", 0x0000000040081234ull, 0xabcdef, 39, 1);
    sign_and_check("39-bit, TBI, tagged lower", 0x5a00000040081234ull, 0xabcdef, 39, 1);
    sign_and_check("39-bit, TBI, upper", 0xa5ffffc000123450ull, 7, 39, 1);
    MSR("tcr_el1", TG1_4K | 39 | 20ull << 16 | 1ull << 38);   /* 25-bit lower (no TBI0), 44-bit upper with TBI1 */
    sign_and_check("25-bit lower, no TBI", 0x0000000001081234ull, 1, 25, 0);
    sign_and_check("44-bit upper, TBI1", 0x3cfff00000001230ull, 2, 44, 1);
    MSR("tcr_el1", TG1_4K);

    forms();
    disabled();
    branches();
    loads();
    set_keys(0x9e3779b97f4a7c15ull);
    sign_and_check("other keys", 0x0000000040081234ull, 0x1234, 48, 0);

    test_finish("sys_pauth");
    return 0;
}
