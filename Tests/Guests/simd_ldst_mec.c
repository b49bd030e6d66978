/* FEAT_MEC and the SIMD&FP stores: every one re-tags the 64-byte lines it
 * writes with the writer's MECID, as integer stores do (STR Q, STP Q, ST1
 * with one to four registers, ST2-ST4, single-structure stores, across a line
 * and a page boundary), and SIMD&FP loads of another MECID's line read
 * 0xdeadbeef. Realm EL2 with its MMU on, as in mec_basic (test data in
 * AMEC = 1 blocks, MECID_A0_EL2 switched by the test).
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on */
#include "semihost.h"
#include "rme.h"

#define ALT        (RAM_BASE + 16 * BLOCK_SIZE)   /* AMEC = 1 blocks 16..19 */
#define PAGE(n)    (ALT + (uint64_t)(n) * 4096)
#define DEAD       0xdeadbeefdeadbeefull

static void set_a0(uint64_t m) { MSR(MECID_A0_EL2, m); }

static const uint8_t pattern[64] __attribute__((aligned(16))) = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
};

/* Runs a store with x9 = a and v0-v3 = pattern. */
#define STORE(insn, a) __asm__ volatile("ldp q0, q1, [%1]\n\tldp q2, q3, [%1, #32]\n\tmov x9, %0\n\t" insn \
                                        :: "r"((uint64_t)(a)), "r"(pattern) \
                                        : "x9", "v0", "v1", "v2", "v3", "memory")

/* The low doubleword of LD1 {v0.2d} at a, and the high one. */
static void ld1_2d(uint64_t a, uint64_t *lo, uint64_t *hi)
{
    __asm__ volatile("ld1 {v0.2d}, [%2]\n\tfmov %0, d0\n\tmov %1, v0.d[1]"
                     : "=r"(*lo), "=r"(*hi) : "r"(a) : "v0", "memory");
}

/* Fills page n with 0x33 words as MECID 3. */
static void fill3(int n)
{
    set_a0(3);
    for (uint64_t o = 0; o < 4096; o += 8) st64(PAGE(n) + o, 0x3333333333333333ull);
}

static uint64_t realm_el2(uint64_t arg)
{
    (void)arg;
    uint64_t lo, hi;

    /* STR Q across a line boundary: both lines re-tagged. */
    fill3(0);
    set_a0(4);
    STORE("str q0, [x9]", PAGE(0) + 0x38);
    CHECK_EQ("STR Q, MECID 4: first line", ld64(PAGE(0) + 0x38), 0x0706050403020100ull);
    CHECK_EQ("STR Q, MECID 4: second line", ld64(PAGE(0) + 0x40), 0x0f0e0d0c0b0a0908ull);
    CHECK_EQ("STR Q, MECID 4: rest of the first line", ld64(PAGE(0) + 0x30), DEAD);
    CHECK_EQ("STR Q, MECID 4: line after", ld64(PAGE(0) + 0x80), DEAD);
    set_a0(3);
    CHECK_EQ("after STR Q, MECID 3: first line", ld64(PAGE(0) + 0x00), DEAD);
    CHECK_EQ("after STR Q, MECID 3: second line", ld64(PAGE(0) + 0x78), DEAD);
    CHECK_EQ("after STR Q, MECID 3: line after", ld64(PAGE(0) + 0x80), 0x3333333333333333ull);

    /* ST1 with four registers: one whole line; LD1 with another MECID reads ciphertext. */
    set_a0(5);
    STORE("st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9]", PAGE(0) + 0x100);
    ld1_2d(PAGE(0) + 0x130, &lo, &hi);
    CHECK_EQ("ST1 x4, MECID 5: LD1 low", lo, 0x3736353433323130ull);
    CHECK_EQ("ST1 x4, MECID 5: LD1 high", hi, 0x3f3e3d3c3b3a3938ull);
    set_a0(3);
    ld1_2d(PAGE(0) + 0x110, &lo, &hi);
    CHECK_EQ("after ST1 x4, MECID 3: LD1 low", lo, DEAD);
    CHECK_EQ("after ST1 x4, MECID 3: LD1 high", hi, DEAD);
    CHECK_EQ("after ST1 x4, MECID 3: line after", ld64(PAGE(0) + 0x140), 0x3333333333333333ull);

    /* ST4 (multiple structures) and ST2 / ST3 single structure, each in a line of its own. */
    set_a0(6);
    STORE("st4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x9]", PAGE(0) + 0x180);
    CHECK_EQ("ST4, MECID 6", ld64(PAGE(0) + 0x180), 0x1312111003020100ull);
    STORE("st2 {v0.h, v1.h}[7], [x9]", PAGE(0) + 0x1c6);
    CHECK_EQ("ST2 lane, MECID 6: v0.h[7]", *(volatile uint16_t *)(PAGE(0) + 0x1c6), 0x0f0e);
    CHECK_EQ("ST2 lane, MECID 6: v1.h[7]", *(volatile uint16_t *)(PAGE(0) + 0x1c8), 0x1f1e);
    CHECK_EQ("ST2 lane, MECID 6: rest of its line", ld64(PAGE(0) + 0x1f8), DEAD);
    STORE("st3 {v0.b, v1.b, v2.b}[5], [x9]", PAGE(0) + 0x205);
    CHECK_EQ("ST3 lane, MECID 6: v0.b[5]", *(volatile uint8_t *)(PAGE(0) + 0x205), 0x05);
    CHECK_EQ("ST3 lane, MECID 6: v1.b[5], v2.b[5]", *(volatile uint16_t *)(PAGE(0) + 0x206), 0x2515);
    set_a0(3);
    CHECK_EQ("after ST4, MECID 3", ld64(PAGE(0) + 0x1b8), DEAD);
    CHECK_EQ("after ST2 lane, MECID 3", ld64(PAGE(0) + 0x1c0), DEAD);
    CHECK_EQ("after ST3 lane, MECID 3", ld64(PAGE(0) + 0x238), DEAD);
    CHECK_EQ("after ST3 lane, MECID 3: line after", ld64(PAGE(0) + 0x240), 0x3333333333333333ull);

    /* STP Q and ST1 across a page boundary: the line on each side. */
    fill3(1);
    fill3(2);
    set_a0(7);
    STORE("stp q0, q1, [x9]", PAGE(2) - 16);
    CHECK_EQ("STP Q across pages, MECID 7: first page", ld64(PAGE(2) - 8), 0x0f0e0d0c0b0a0908ull);
    CHECK_EQ("STP Q across pages, MECID 7: second page", ld64(PAGE(2) + 8), 0x1f1e1d1c1b1a1918ull);
    STORE("st1 {v0.2s, v1.2s}, [x9]", PAGE(2) + 0x3c);
    CHECK_EQ("ST1 across lines, MECID 7", ld64(PAGE(2) + 0x40), 0x1312111007060504ull);
    set_a0(3);
    CHECK_EQ("after STP Q, MECID 3: first page", ld64(PAGE(2) - 64), DEAD);
    CHECK_EQ("after STP Q, MECID 3: second page", ld64(PAGE(2)), DEAD);
    CHECK_EQ("after ST1, MECID 3: second line", ld64(PAGE(2) + 0x78), DEAD);
    CHECK_EQ("after STP Q, MECID 3: line before", ld64(PAGE(2) - 72), 0x3333333333333333ull);
    CHECK_EQ("after ST1, MECID 3: line after", ld64(PAGE(2) + 0x80), 0x3333333333333333ull);
    return 0;
}

int main(void)
{
    rme_init();
    MSR("cptr_el3", 0);              /* TFP = 0: FP/SIMD not trapped to EL3 */
    MSR("cptr_el2", 0x33ff);         /* TFP = 0 (the RES1 bits of E2H = 0 set) */
    rme_el2_tables(16, 20);
    MSR(SCTLR2_EL2, SCTLR2_EMEC);
    MSR(TCR2_EL2, TCR2_AMEC0);
    MSR(MECID_P0_EL2, 0);
    rme_enter_realm();
    rme_el2_mmu(1);
    run_el2(realm_el2, 0);
    rme_el2_mmu(0);
    return test_finish("simd_ldst_mec");
}
