/* FEAT_MEC: the MECID registers' access rules, and memory encryption
 * contexts as Realm EL2 sees them: data written with one MECID reads as
 * 0xdeadbeef with another, per 64-byte line, through every write path
 * (plain and pair stores, exclusives, LSE atomics, CAS, DC ZVA, page-crossing
 * stores) and for instruction fetches.
 *
 * Realm EL2 runs with its MMU on: code, stack and tables in blocks with
 * AMEC = 0 (MECID_P0_EL2 = 0, the MECID the loader wrote them with), the test
 * data in blocks with AMEC = 1 (MECID_A0_EL2, switched by the test).
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on */
#include "semihost.h"
#include "rme.h"

#define ALT        (RAM_BASE + 16 * BLOCK_SIZE)   /* 0x42000000: AMEC = 1 blocks 16..19 */
#define PAGE(n)    (ALT + (uint64_t)(n) * 4096)
#define DEAD       0xdeadbeefdeadbeefull

static void set_a0(uint64_t m) { MSR(MECID_A0_EL2, m); }

static uint64_t ldxr(uint64_t a) { uint64_t v; __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static uint64_t stxr(uint64_t a, uint64_t v)
{
    uint32_t s;
    __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(s) : "r"(v), "r"(a) : "memory");
    return s;
}
static uint64_t ldadd(uint64_t a, uint64_t v) { uint64_t o; __asm__ volatile("ldadd %1, %0, [%2]" : "=r"(o) : "r"(v), "r"(a) : "memory"); return o; }
static uint64_t cas(uint64_t a, uint64_t expected, uint64_t v)
{
    __asm__ volatile("cas %0, %1, [%2]" : "+r"(expected) : "r"(v), "r"(a) : "memory");
    return expected;
}
static void st64_unaligned(uint64_t a, uint64_t v) { __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static uint64_t ld64_unaligned(uint64_t a) { uint64_t v; __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static void stp64(uint64_t a, uint64_t v1, uint64_t v2) { __asm__ volatile("stp %0, %1, [%2]" :: "r"(v1), "r"(v2), "r"(a) : "memory"); }

/* Calls the code at `a` with x0 = 1; a fetch that is UNDEFINED resumes at the
 * return address, leaving x0 = 1. */
static uint64_t call_code(uint64_t a)
{
    register uint64_t x0 __asm__("x0") = 1;
    register uint64_t x1 __asm__("x1") = a;
    __asm__ volatile("blr x1" : "+r"(x0), "+r"(x1) :: "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
                     "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory", "cc");
    return x0;
}

static void put_code(uint64_t a, uint32_t w0, uint32_t w1)
{
    *(volatile uint32_t *)a = w0;
    *(volatile uint32_t *)(a + 4) = w1;
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb" :: "r"(a) : "memory");
}

static uint64_t realm_el2(uint64_t arg)
{
    (void)arg;
    CHECK_EQ("R-EL2 MECIDR_EL2", MRS(MECIDR_EL2), 15);
    CHECK_EQ("R-EL2 SCTLR2_EL2", MRS(SCTLR2_EL2), SCTLR2_EMEC);
    CHECK_EQ("R-EL2 TCR2_EL2", MRS(TCR2_EL2), TCR2_AMEC0);

    /* Write a page as MECID 3; MECID 4 reads ciphertext. */
    set_a0(3);
    for (uint64_t o = 0; o < 4096; o += 8) st64(PAGE(0) + o, 0x3000000000000000ull | o);
    CHECK_EQ("MECID 3 reads its own data", ld64(PAGE(0) + 0x88), 0x3000000000000088ull);
    set_a0(4);
    CHECK_EQ("MECID 4 reads MECID 3's page", ld64(PAGE(0) + 0x88), DEAD);
    CHECK_EQ("MECID 4, 32-bit read", *(volatile uint32_t *)(PAGE(0) + 0xFFC), 0xdeadbeef);
    CHECK_EQ("MECID 4, 16-bit read at +2", *(volatile uint16_t *)(PAGE(0) + 0x102), 0xdead);

    /* One line written as MECID 4: the page is mixed, answered per line. */
    st64(PAGE(0) + 0x80, 0x44);
    CHECK_EQ("mixed, MECID 4: its line", ld64(PAGE(0) + 0x80), 0x44);
    CHECK_EQ("mixed, MECID 4: rest of its line", ld64(PAGE(0) + 0xB8), DEAD);
    CHECK_EQ("mixed, MECID 4: line before", ld64(PAGE(0) + 0x78), DEAD);
    CHECK_EQ("mixed, MECID 4: line after", ld64(PAGE(0) + 0xC0), DEAD);
    set_a0(3);
    CHECK_EQ("mixed, MECID 3: MECID 4's line", ld64(PAGE(0) + 0x80), DEAD);
    CHECK_EQ("mixed, MECID 3: rest of that line (re-keyed)", ld64(PAGE(0) + 0x88), DEAD);
    CHECK_EQ("mixed, MECID 3: line before", ld64(PAGE(0) + 0x78), 0x3000000000000078ull);
    CHECK_EQ("mixed, MECID 3: line after", ld64(PAGE(0) + 0xC0), 0x30000000000000C0ull);
    /* MECID 3 rewrites one word of every line: uniform again. */
    for (uint64_t l = 0; l < 64; l++) st64(PAGE(0) + l * 64, 0x3100 + l);
    CHECK_EQ("rewritten, MECID 3: line 2", ld64(PAGE(0) + 0x80), 0x3102);
    CHECK_EQ("rewritten, MECID 3: rest of line 2", ld64(PAGE(0) + 0x88), DEAD);
    CHECK_EQ("rewritten, MECID 3: line 3", ld64(PAGE(0) + 0xC8), 0x30000000000000C8ull);
    set_a0(4);
    CHECK_EQ("rewritten, MECID 4: line 2", ld64(PAGE(0) + 0x80), DEAD);

    /* Exclusives: LDXR with another MECID reads ciphertext; STXR re-tags the line. */
    set_a0(3);
    st64(PAGE(1), 0x1111);
    st64(PAGE(1) + 64, 0x1112);
    set_a0(5);
    CHECK_EQ("LDXR, MECID 5", ldxr(PAGE(1)), DEAD);
    CHECK_EQ("STXR, MECID 5 (status)", stxr(PAGE(1), 0x5555), 0);
    CHECK_EQ("after STXR, MECID 5", ld64(PAGE(1)), 0x5555);
    set_a0(3);
    CHECK_EQ("after STXR, MECID 3", ld64(PAGE(1)), DEAD);
    CHECK_EQ("after STXR, MECID 3, next line", ld64(PAGE(1) + 64), 0x1112);

    /* LSE atomics and CAS. */
    st64(PAGE(2), 7);
    st64(PAGE(2) + 64, 8);
    set_a0(6);
    CHECK_EQ("LDADD, MECID 6: old value", ldadd(PAGE(2), 1), DEAD);
    CHECK_EQ("LDADD, MECID 6: new value", ld64(PAGE(2)), DEAD + 1);
    CHECK_EQ("CAS, MECID 6: old value", cas(PAGE(2) + 64, DEAD, 0x66), DEAD);
    CHECK_EQ("CAS, MECID 6: new value", ld64(PAGE(2) + 64), 0x66);
    set_a0(3);
    CHECK_EQ("after LDADD, MECID 3", ld64(PAGE(2)), DEAD);
    CHECK_EQ("after CAS, MECID 3", ld64(PAGE(2) + 64), DEAD);

    /* DC ZVA zeroes a line with the zeroing MECID. */
    for (uint64_t o = 0; o < 4096; o += 8) st64(PAGE(3) + o, 0x33);
    set_a0(7);
    dc_zva(PAGE(3) + 0x40);
    CHECK_EQ("DC ZVA, MECID 7: the line", ld64(PAGE(3) + 0x78), 0);
    CHECK_EQ("DC ZVA, MECID 7: next line", ld64(PAGE(3) + 0x80), DEAD);
    set_a0(3);
    CHECK_EQ("after DC ZVA, MECID 3: the line", ld64(PAGE(3) + 0x40), DEAD);
    CHECK_EQ("after DC ZVA, MECID 3: next line", ld64(PAGE(3) + 0x80), 0x33);

    /* A store across a page boundary re-tags the line on each side. */
    set_a0(8);
    st64_unaligned(PAGE(5) - 4, 0x0807060504030201ull);
    CHECK_EQ("page-crossing, MECID 8", ld64_unaligned(PAGE(5) - 4), 0x0807060504030201ull);
    CHECK_EQ("page-crossing, MECID 8: first page", ld64(PAGE(5) - 8), 0x04030201deadbeefull);
    CHECK_EQ("page-crossing, MECID 8: second page", ld64(PAGE(5)), 0xdeadbeef08070605ull);
    set_a0(0);
    CHECK_EQ("page-crossing, MECID 0: first page", ld64(PAGE(5) - 8), DEAD);
    CHECK_EQ("page-crossing, MECID 0: second page", ld64(PAGE(5)), DEAD);
    CHECK_EQ("page-crossing, MECID 0: line before", ld64(PAGE(5) - 72), 0);

    /* STP. */
    set_a0(9);
    stp64(PAGE(6) + 0x10, 0x91, 0x92);
    CHECK_EQ("STP, MECID 9", ld64(PAGE(6) + 0x18), 0x92);
    set_a0(3);
    CHECK_EQ("after STP, MECID 3", ld64(PAGE(6) + 0x10), DEAD);

    /* Instruction fetches: code written as MECID 3 runs as MECID 3 only. */
    put_code(PAGE(7), 0xd2800540, 0xd65f03c0);           /* mov x0, #42; ret */
    CHECK_EQ("fetch, MECID 3", call_code(PAGE(7)), 42);
    set_a0(4);
    rme_el2_to_lr = 1;
    uint64_t n = rme_el2_count;
    CHECK_EQ("fetch, MECID 4 (UNDEFINED: x0 unchanged)", call_code(PAGE(7)), 1);
    CHECK_EQ("fetch, MECID 4: exceptions", rme_el2_count - n, 1);
    CHECK_EQ("fetch, MECID 4: EC", ESR_EC(rme_el2_esr), 0);
    CHECK_EQ("fetch, MECID 4: ELR", rme_el2_elr, PAGE(7));
    set_a0(3);
    CHECK_EQ("fetch, MECID 3 again", call_code(PAGE(7)), 42);
    /* MECID 5 rewrites the first line of the code page: mixed code page. */
    set_a0(5);
    put_code(PAGE(7), 0xd28000e0, 0xd65f03c0);           /* mov x0, #7; ret */
    CHECK_EQ("fetch of its line, MECID 5", call_code(PAGE(7)), 7);
    set_a0(3);
    CHECK_EQ("fetch of MECID 5's line, MECID 3", call_code(PAGE(7)), 1);
    rme_el2_to_lr = 0;

    /* TCR2_EL2.AMEC0 = 0: a descriptor with AMEC = 1 is a Translation fault (level 2 block). */
    MSR(TCR2_EL2, 0);
    n = rme_el2_count;
    (void)ld64(PAGE(0));
    CHECK_EQ("AMEC0 = 0: faults", rme_el2_count - n, 1);
    CHECK_EQ("AMEC0 = 0: ESR", rme_el2_esr & 0xfc00003f, 0x94000006);   /* data abort, same EL, level 2 translation */
    CHECK_EQ("AMEC0 = 0: FAR", rme_el2_far, PAGE(0));
    MSR(TCR2_EL2, TCR2_AMEC0);
    set_a0(3);
    CHECK_EQ("AMEC0 = 1 again, MECID 3", ld64(PAGE(0) + 0xC8), 0x30000000000000C8ull);

    /* DC CIPAE (clean and invalidate by PA to the Point of Encryption) is
     * permitted at Realm EL2; DC CIGDPAE needs FEAT_MTE: UNDEFINED. */
    n = rme_el2_count;
    __asm__ volatile("sys #4, c7, c14, #0, %0" :: "r"(PAGE(0) | 3ull << 62) : "memory");
    CHECK_EQ("R-EL2 DC CIPAE: no exception", rme_el2_count - n, 0);
    __asm__ volatile("sys #4, c7, c14, #7, %0" :: "r"(PAGE(0) | 3ull << 62) : "memory");
    CHECK_EQ("R-EL2 DC CIGDPAE (no MTE): UNDEFINED", rme_el2_count - n, 1);
    CHECK_EQ("after DC CIPAE, MECID 3", ld64(PAGE(0) + 0xC8), 0x30000000000000C8ull);
    return 0;
}

/* Realm EL2 with SCR_EL3.MECEn = 0: the MECID registers trap to EL3. */
static uint64_t el2_mecen_probe(uint64_t arg)
{
    (void)arg;
    __asm__ volatile("mrs x5, " MECID_P0_EL2 ::: "x5");
    __asm__ volatile("msr " VMECID_A_EL2 ", x6" ::: "memory");
    return MRS(MECIDR_EL2);
}

/* Non-secure EL2: the MECID registers are UNDEFINED, MECIDR_EL2 is readable. */
static uint64_t el2_ns_probe(uint64_t arg)
{
    (void)arg;
    uint64_t n = rme_el2_count;
    __asm__ volatile("mrs x5, " MECID_P0_EL2 ::: "x5");
    CHECK_EQ("NS-EL2 MRS MECID_P0_EL2: UNDEFINED", rme_el2_count - n, 1);
    CHECK_EQ("NS-EL2 MRS MECID_P0_EL2: EC", ESR_EC(rme_el2_esr), 0);
    __asm__ volatile("mrs x5, " MECID_RL_A_EL3 ::: "x5");
    CHECK_EQ("NS-EL2 MRS MECID_RL_A_EL3: UNDEFINED", rme_el2_count - n, 2);
    __asm__ volatile("sys #4, c7, c14, #0, %0" :: "r"(RAM_BASE) : "memory");
    CHECK_EQ("NS-EL2 DC CIPAE: UNDEFINED", rme_el2_count - n, 3);
    return MRS(MECIDR_EL2);
}

/* SCR_EL3.SCTLR2En/TCR2En = 0: SCTLR2_EL2 and TCR2_EL2 trap to EL3. */
static uint64_t el2_ctl_probe(uint64_t arg)
{
    (void)arg;
    __asm__ volatile("mrs x7, " SCTLR2_EL2 ::: "x7");
    __asm__ volatile("msr " TCR2_EL2 ", x7" ::: "memory");
    return 0;
}

int main(void)
{
    rme_init();
    uint64_t pfr0 = MRS("id_aa64pfr0_el1");
    CHECK_EQ("ID_AA64PFR0_EL1.RME", (pfr0 >> 52) & 0xf, 1);
    CHECK_EQ("ID_AA64MMFR3_EL1.MEC, SCTLRX, TCRX", MRS(ID_AA64MMFR3) & 0xf00000ff, 0x10000011);
    CHECK_EQ("CurrentEL", MRS("CurrentEL"), 3 << 2);
    /* EL3 accesses every MECID register; 16-bit fields. */
    MSR(MECID_RL_A_EL3, 0xffff12345678ull);
    CHECK_EQ("EL3 MECID_RL_A_EL3", MRS(MECID_RL_A_EL3), 0x5678);
    MSR(VMECID_P_EL2, 0xabcd1);
    CHECK_EQ("EL3 VMECID_P_EL2", MRS(VMECID_P_EL2), 0xbcd1);
    MSR(MECID_RL_A_EL3, 0);
    MSR(VMECID_P_EL2, 0);

    /* Trap rules. */
    MSR("scr_el3", SCR_NSE | SCR_NS | SCR_HCE | SCR_RW | SCR_TCR2EN | SCR_SCTLR2EN);   /* MECEn = 0 */
    uint64_t n = rme_el3_count;
    CHECK_EQ("R-EL2 MECEn=0: MECIDR_EL2 still readable", run_el2(el2_mecen_probe, 0), 15);
    CHECK_EQ("R-EL2 MECEn=0: traps to EL3", rme_el3_count - n, 2);
    /* MSR VMECID_A_EL2, x6: EC 0x18, Op0 3, Op2 1, Op1 4, CRn 10, Rt 6, CRm 9, write. */
    CHECK_EQ("R-EL2 MECEn=0: ESR_EL3 of the MSR", rme_el3_esr,
             (0x18ull << 26) | (1ull << 25) | (3 << 20) | (1 << 17) | (4 << 14) | (10 << 10) | (6 << 5) | (9 << 1) | 0);
    rme_enter_ns();
    CHECK_EQ("NS-EL2: MECIDR_EL2", run_el2(el2_ns_probe, 0), 15);
    MSR("scr_el3", SCR_NSE | SCR_NS | SCR_HCE | SCR_RW | SCR_MECEN);               /* SCTLR2En = TCR2En = 0 */
    n = rme_el3_count;
    run_el2(el2_ctl_probe, 0);
    CHECK_EQ("SCTLR2En/TCR2En=0: traps to EL3", rme_el3_count - n, 2);
    CHECK_EQ("... last ESR_EL3 (MSR TCR2_EL2, x7)", rme_el3_esr,
             (0x18ull << 26) | (1ull << 25) | (3 << 20) | (3 << 17) | (4 << 14) | (2 << 10) | (7 << 5) | (0 << 1) | 0);

    /* Realm EL2 with its MMU on, EMEC = 1, alternate MECIDs for the test data. */
    rme_el2_tables(16, 20);
    MSR(SCTLR2_EL2, SCTLR2_EMEC);
    MSR(TCR2_EL2, TCR2_AMEC0);
    MSR(MECID_P0_EL2, 0);
    rme_enter_realm();
    rme_el2_mmu(1);
    run_el2(realm_el2, 0);
    rme_el2_mmu(0);
    return test_finish("mec_basic");
}
