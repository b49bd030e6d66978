/* Fault precision and self-modifying code of the SIMD&FP stores, on both
 * engines against QEMU 7.2.
 *
 * Self-modifying code (MMU off): ST1 (multiple, one lane) and STR Q write
 * instructions that then run; each rewrite must be seen.
 *
 * Page crossings (MMU on, Normal memory, SCTLR_EL1.A = 0, so no alignment
 * faults): ALIAS maps page A, ALIAS + 0x1000 page B (B is not A's physical
 * neighbour), ALIAS + 0x2000 nothing. A store that crosses from A into B
 * lands in both pages. A store that crosses into the unmapped page faults
 * (translation fault, level 3, WnR, FAR = the first byte of the unmapped page)
 * after the accesses before the crossing one have been done: a 128-bit
 * register is two doublewords, LD1/ST1 registers are doublewords, LD2-LD4/ST2-
 * ST4 and single structures are elements, and the access that crosses writes
 * neither page (both are translated first). The base register is not written
 * back. Destination registers of a faulting load are UNKNOWN (not printed).
 * For stores the pages start as 0xee; for loads A holds k and B k + 0x80 at
 * offset k (mod 256). */
#include "mmu.h"

#define ALIAS 0x10000000ull

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint8_t pages[3 * 4096] __attribute__((aligned(4096)));   /* A = pages[2], B = pages[0] */
static uint8_t pre[64] __attribute__((aligned(16)));
static uint8_t out[64] __attribute__((aligned(16)));   /* v0-v3 after the instruction */
static uint32_t code[16] __attribute__((aligned(64)));

#define PAGE_A (pages + 2 * 4096)
#define PAGE_B (pages)

static void sync_code(void)
{
    for (int k = 0; k < 16; k += 4)
        __asm__ volatile("dc cvau, %0" :: "r"(&code[k]) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
    for (int k = 0; k < 16; k += 4)
        __asm__ volatile("ic ivau, %0" :: "r"(&code[k]) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

static uint64_t run_code(void)
{
    uint64_t (*fn)(void) = (uint64_t (*)(void))(uintptr_t)code;
    return fn();
}

#define MOVZ_X0(imm) (0xd2800000u | (uint32_t)(imm) << 5)
#define ADD_X0(imm) (0x91000000u | (uint32_t)(imm) << 10)
#define RET 0xd65f03c0u

static void self_modifying(void)
{
    static uint32_t words[8] __attribute__((aligned(16)));
    /* ST1 {v0.16b}: four instructions at once */
    words[0] = MOVZ_X0(1); words[1] = ADD_X0(2); words[2] = ADD_X0(4); words[3] = RET;
    __asm__ volatile("ldr q0, [%0]\n\tst1 {v0.16b}, [%1]" :: "r"(words), "r"(code) : "v0", "memory");
    sync_code();
    CHECK_EQ("st1 16b code", run_code(), 7);
    /* ST1 {v0.s}[2]: one instruction */
    words[2] = ADD_X0(40);
    __asm__ volatile("ldr q0, [%0]\n\tst1 {v0.s}[2], [%1]" :: "r"(words), "r"(code + 2) : "v0", "memory");
    sync_code();
    CHECK_EQ("st1 lane code", run_code(), 43);
    /* ST1 two registers at a 4-byte offset (its doublewords straddle instructions) */
    words[0] = ADD_X0(100); words[1] = ADD_X0(200); words[4] = RET; words[5] = 0;
    __asm__ volatile("ldp q0, q1, [%0]\n\tst1 {v0.2s, v1.2s}, [%1]" :: "r"(words), "r"(code + 1) : "v0", "v1", "memory");
    sync_code();
    CHECK_EQ("st1 2s code", run_code(), 301);
    /* STR Q */
    words[0] = MOVZ_X0(9); words[1] = RET;
    __asm__ volatile("ldr q0, [%0]\n\tstr q0, [%1]" :: "r"(words), "r"(code) : "v0", "memory");
    sync_code();
    CHECK_EQ("str q code", run_code(), 9);
    /* ST4 single structure: word k of v0-v3 lane 0, interleaved */
    __asm__ volatile("fmov s0, %w0\n\tfmov s1, %w1\n\tfmov s2, %w2\n\tfmov s3, %w3\n\t"
                     "st4 {v0.s, v1.s, v2.s, v3.s}[0], [%4]"
                     :: "r"(MOVZ_X0(5)), "r"(ADD_X0(6)), "r"(ADD_X0(7)), "r"(RET), "r"(code)
                     : "v0", "v1", "v2", "v3", "memory");
    sync_code();
    CHECK_EQ("st4 lane code", run_code(), 18);
}

static uint64_t word_at(const uint8_t *p)
{
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--) v = v << 8 | p[b];
    return v;
}

/* Prints the fault and the bytes around the crossing: the last 48 of A and
 * the first 16 of B, or the last 48 of B. */
static void report(const char *insn, uint64_t va, uint64_t wb, uint64_t before, int fault, int store)
{
    int faulted = exc_count != before;
    print_str(insn);
    print_str(faulted ? ": fault esr=" : ": ok esr=");
    print_hex64(faulted ? exc_last.esr : 0);
    print_str(" far=");
    print_hex64(faulted ? exc_last.far : 0);
    print_str(" wb=+");
    print_hex(wb - va);
    if (!faulted && !store) {   /* a faulting load's destinations are UNKNOWN */
        print_str(" v0-v3:");
        for (int w = 0; w < 64; w += 8) { print_char(' '); print_hex64(word_at(out + w)); }
    }
    print_nl();
    int into_b = va < ALIAS + 0x1000;
    print_str(into_b ? "  A:" : "  B:");
    for (int w = 4096 - 48; w < 4096; w += 8) { print_char(' '); print_hex64(word_at((into_b ? PAGE_A : PAGE_B) + w)); }
    if (into_b) {
        print_str(" | B:");
        for (int w = 0; w < 16; w += 8) { print_char(' '); print_hex64(word_at(PAGE_B + w)); }
    }
    print_nl();
    CHECK(faulted == fault, "fault as expected");
    if (fault && faulted) {
        CHECK_EQ("  esr", ESR_CMP(exc_last.esr), 0x96000007ull | (uint64_t)store << 6);
        CHECK_EQ("  far", exc_last.far, ALIAS + 0x2000);
        CHECK_EQ("  no writeback", wb, va);
    }
}

/* Runs insn with x9 = va (x10 = 16), v0-v3 = pre; A and B start as 0xee. */
#define F(insn, va, fault, store) do { \
    for (int k = 0; k < 4096; k++) { PAGE_A[k] = store ? 0xee : (uint8_t)k; PAGE_B[k] = store ? 0xee : (uint8_t)(k + 0x80); } \
    uint64_t va_ = (va), wb_, before_ = exc_count; \
    __asm__ volatile("ldp q0, q1, [%[pre]]\n\tldp q2, q3, [%[pre], #32]\n\tmov x9, %[a]\n\tmov x10, #16\n\t" \
                     insn "\n\tmov %[wb], x9\n\tstp q0, q1, [%[out]]\n\tstp q2, q3, [%[out], #32]" \
                     : [wb] "=&r"(wb_) : [pre] "r"(pre), [a] "r"(va_), [out] "r"(out) \
                     : "x9", "x10", "v0", "v1", "v2", "v3", "memory"); \
    report(insn, va_, wb_, before_, fault, store); \
} while (0)

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    for (int k = 0; k < 64; k++) pre[k] = (uint8_t)k;
    self_modifying();

    mmu_t m;
    mmu_init(&m, 12, 16, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    mmu_map(&m, ALIAS, (uint64_t)(uintptr_t)PAGE_A, 4096, 3, PTE_KDATA);
    mmu_map(&m, ALIAS + 0x1000, (uint64_t)(uintptr_t)PAGE_B, 4096, 3, PTE_KDATA);
    mmu_enable_el1((uint64_t)(uintptr_t)m.root, 0, tcr_el1(16, 12, 16, 12, TCR_EPD1 | TCR_IPS(0)));
    exc_record(4);

    const uint64_t B = ALIAS + 0x1000, C = ALIAS + 0x2000;
    /* crossing from A into B: done */
    F("st1 {v0.16b, v1.16b, v2.16b}, [x9]", B - 20, 0, 1);
    F("st3 {v0.4s, v1.4s, v2.4s}, [x9], #48", B - 26, 0, 1);
    F("st2 {v0.h, v1.h}[3], [x9]", B - 3, 0, 1);
    F("str q1, [x9]", B - 8, 0, 1);
    F("stp q0, q1, [x9]", B - 24, 0, 1);
    F("ld4 {v0.8h, v1.8h, v2.8h, v3.8h}, [x9]", B - 30, 0, 0);
    F("ld1r {v0.2d}, [x9], x10", B - 4, 0, 0);
    /* crossing from B into the unmapped page: the accesses before the crossing one are done */
    F("st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9]", C - 36, 1, 1);
    F("st1 {v0.2d, v1.2d}, [x9], #32", C - 24, 1, 1);
    F("st1 {v0.8b, v1.8b, v2.8b}, [x9], x10", C - 13, 1, 1);
    F("st4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x9]", C - 30, 1, 1);
    F("st2 {v0.8h, v1.8h}, [x9], #32", C - 17, 1, 1);
    F("st3 {v0.8b, v1.8b, v2.8b}, [x9]", C - 5, 1, 1);
    F("st1 {v0.d}[1], [x9]", C - 4, 1, 1);
    F("st3 {v0.b, v1.b, v2.b}[5], [x9], #3", C - 2, 1, 1);
    F("st4 {v0.s, v1.s, v2.s, v3.s}[2], [x9]", C - 10, 1, 1);
    F("str q0, [x9]", C - 8, 1, 1);
    F("str q0, [x9], #16", C - 12, 1, 1);
    F("stp q0, q1, [x9]", C - 16, 1, 1);
    F("stp q0, q1, [x9, #16]!", C - 40, 1, 1);
    F("ld1 {v0.16b, v1.16b}, [x9], #32", C - 20, 1, 0);
    F("ld3 {v0.2s, v1.2s, v2.2s}, [x9]", C - 7, 1, 0);
    F("ld2 {v0.d, v1.d}[1], [x9], x10", C - 9, 1, 0);
    F("ld4r {v0.4s, v1.4s, v2.4s, v3.4s}, [x9], #16", C - 3, 1, 0);
    F("ldr q0, [x9], #16", C - 8, 1, 0);
    F("ldp q0, q1, [x9]", C - 16, 1, 0);

    exc_fatal();
    mmu_disable_el1();
    return test_finish("simd_ldst_fault");
}
