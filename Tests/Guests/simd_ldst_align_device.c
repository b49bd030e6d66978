/* Alignment faults of the SIMD&FP loads and stores. With the MMU off every
 * data access is to Device-nGnRnE memory, so per the Arm ARM an access that
 * is not aligned to its size faults (DFSC 0x21, WnR for stores, ISV = 0, FAR
 * the address): a Q register (LDR/STR/LDP/STP) is one 16-byte access, checked
 * against 16 bytes although it is two single-copy atomic doublewords; a
 * structure load/store (LD1-LD4, ST1-ST4, LD1R-LD4R) checks each element
 * against the element size, so LD1 {v.16b} at an odd address does not fault
 * and LD1 {v.4s} at 2 mod 4 does. A faulting instruction writes nothing to
 * memory and no base register back. (QEMU 7.2 performs misaligned Device
 * accesses, so this variant is Armature-only.)
 * simd_ldst_align_sctlr.c includes this file with SET_SCTLR_A: the same
 * faults through SCTLR_EL1.A = 1, which QEMU 7.2 implements (compared). */
#include "semihost.h"

#ifndef ALIGN_TEST_NAME
#define ALIGN_TEST_NAME "simd_ldst_align_device"
#endif

static uint8_t buf[128] __attribute__((aligned(64)));
static uint8_t pre[64] __attribute__((aligned(16)));

static uint64_t sum_buf(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int k = 0; k < 128; k++) h = (h ^ buf[k]) * 0x100000001b3ull;
    return h;
}

/* Prints "insn: fault esr=... far=+off wb=+off mem=..." or "insn: ok ...",
 * and checks the fault against `fault` (1 expected, 0 not, with WnR `store`)
 * and FAR against the address accessed, addr + ea. */
static void report(const char *insn, uint64_t addr, int64_t ea, uint64_t wb, uint64_t count_before, int fault,
                   int store, uint64_t mem_before)
{
    int faulted = exc_count != count_before;
    uint64_t esr = exc_last.esr, far = exc_last.far;
    print_str(insn);
    if (faulted) {
        print_str(": fault esr=");
        print_hex64(esr);
        print_str(" far=+");
        print_hex(far - addr);
    } else {
        print_str(": ok");
    }
    print_str(" wb=+");
    print_hex(wb - addr);
    print_str(" mem=");
    print_hex64(sum_buf());
    print_nl();
    CHECK(faulted == fault, "fault as expected");
    if (faulted && fault) {
        CHECK((esr & 0xfe00007f) == (0x96000021ull | (uint64_t)store << 6), "alignment fault syndrome");
        CHECK(far == addr + (uint64_t)ea, "FAR is the address accessed");
        CHECK(wb == addr, "no writeback");
        CHECK(!store || sum_buf() == mem_before, "nothing stored");
    }
}

/* Runs insn with x9 = buf + off, x10 = 16, v0-v3 preset from pre; the
 * address accessed is x9 + ea. */
#define A(insn, off, ea, fault, store) do { \
    for (int k = 0; k < 128; k++) buf[k] = (uint8_t)(k * 7 + 1); \
    uint64_t a_ = (uint64_t)(buf + (off)), wb_, before_ = exc_count, mem_ = sum_buf(); \
    __asm__ volatile("ldp q0, q1, [%[pre]]\n\tldp q2, q3, [%[pre], #32]\n\tmov x9, %[a]\n\tmov x10, #16\n\t" \
                     insn "\n\tmov %[wb], x9" \
                     : [wb] "=&r"(wb_) : [pre] "r"(pre), [a] "r"(a_) \
                     : "x9", "x10", "v0", "v1", "v2", "v3", "memory"); \
    report(insn, a_, ea, wb_, before_, fault, store, mem_); \
} while (0)

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    for (int k = 0; k < 64; k++) pre[k] = (uint8_t)(0x80 + k);
#ifdef SET_SCTLR_A
    uint64_t sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    __asm__ volatile("msr sctlr_el1, %0\n\tisb" :: "r"(sctlr | 2));   /* SCTLR_EL1.A */
#endif
    exc_record_mode = 1;
    exc_skip = 4;

    /* 128-bit registers: 16-byte alignment */
    A("ldr q0, [x9]", 16, 0, 0, 0);
    A("ldr q0, [x9]", 8, 0, 1, 0);
    A("ldr q0, [x9], #16", 8, 0, 1, 0);
    A("ldr q0, [x9, #16]!", 8, 16, 1, 0);
    A("ldur q0, [x9, #8]", 0, 8, 1, 0);
    A("ldr q0, [x9, x10]", 8, 16, 1, 0);
    A("str q0, [x9]", 48, 0, 0, 1);
    A("str q0, [x9]", 40, 0, 1, 1);
    A("str q0, [x9], #-16", 24, 0, 1, 1);
    A("stur q0, [x9, #4]", 0, 4, 1, 1);
    A("ldp q0, q1, [x9]", 32, 0, 0, 0);
    A("ldp q0, q1, [x9]", 8, 0, 1, 0);
    A("ldp q0, q1, [x9], #32", 8, 0, 1, 0);
    A("ldnp q0, q1, [x9]", 8, 0, 1, 0);
    A("stp q0, q1, [x9]", 16, 0, 0, 1);
    A("stp q0, q1, [x9, #-32]!", 40, -32, 1, 1);
    A("stnp q0, q1, [x9]", 24, 0, 1, 1);
    /* narrower registers: their own size */
    A("ldr d0, [x9]", 8, 0, 0, 0);
    A("ldr d0, [x9]", 4, 0, 1, 0);
    A("str s0, [x9]", 2, 0, 1, 1);
    A("ldr h0, [x9]", 1, 0, 1, 0);
    A("ldp d0, d1, [x9]", 8, 0, 0, 0);
    A("stp s0, s1, [x9]", 6, 0, 1, 1);

    /* multiple structures: each element */
    A("ld1 {v0.16b}, [x9]", 1, 0, 0, 0);
    A("ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9], #64", 3, 0, 0, 0);
    A("st1 {v0.16b, v1.16b}, [x9]", 5, 0, 0, 1);
    A("ld1 {v0.8h}, [x9]", 2, 0, 0, 0);
    A("ld1 {v0.8h}, [x9]", 1, 0, 1, 0);
    A("ld1 {v0.4s}, [x9]", 4, 0, 0, 0);
    A("ld1 {v0.4s}, [x9]", 2, 0, 1, 0);
    A("ld1 {v0.2s, v1.2s}, [x9], #16", 6, 0, 1, 0);
    A("ld1 {v0.2d}, [x9]", 8, 0, 0, 0);
    A("ld1 {v0.2d, v1.2d, v2.2d}, [x9]", 4, 0, 1, 0);
    A("st1 {v0.1d}, [x9]", 12, 0, 1, 1);
    A("st1 {v0.4s, v1.4s, v2.4s, v3.4s}, [x9], x10", 6, 0, 1, 1);
    A("st1 {v0.8h, v1.8h, v2.8h}, [x9]", 3, 0, 1, 1);
    A("ld2 {v0.16b, v1.16b}, [x9]", 7, 0, 0, 0);
    A("ld2 {v0.8h, v1.8h}, [x9]", 1, 0, 1, 0);
    A("ld3 {v0.4s, v1.4s, v2.4s}, [x9], #48", 6, 0, 1, 0);
    A("ld4 {v0.2d, v1.2d, v2.2d, v3.2d}, [x9]", 8, 0, 0, 0);
    A("ld4 {v0.2d, v1.2d, v2.2d, v3.2d}, [x9]", 12, 0, 1, 0);
    A("st2 {v0.4h, v1.4h}, [x9]", 3, 0, 1, 1);
    A("st3 {v0.2s, v1.2s, v2.2s}, [x9], x10", 4, 0, 0, 1);
    A("st4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x9]", 2, 0, 1, 1);
    /* single structures and replicate */
    A("ld1 {v0.b}[3], [x9]", 3, 0, 0, 0);
    A("ld1 {v0.h}[7], [x9]", 1, 0, 1, 0);
    A("ld2 {v0.s, v1.s}[1], [x9], #8", 6, 0, 1, 0);
    A("ld3 {v0.d, v1.d, v2.d}[1], [x9]", 8, 0, 0, 0);
    A("ld4 {v0.d, v1.d, v2.d, v3.d}[0], [x9]", 4, 0, 1, 0);
    A("st1 {v0.d}[1], [x9]", 4, 0, 1, 1);
    A("st2 {v0.h, v1.h}[2], [x9]", 2, 0, 0, 1);
    A("st3 {v0.s, v1.s, v2.s}[3], [x9], x10", 2, 0, 1, 1);
    A("st4 {v0.b, v1.b, v2.b, v3.b}[9], [x9]", 5, 0, 0, 1);
    A("ld1r {v0.8h}, [x9]", 1, 0, 1, 0);
    A("ld2r {v0.4s, v1.4s}, [x9], #8", 4, 0, 0, 0);
    A("ld3r {v0.1d, v1.1d, v2.1d}, [x9]", 4, 0, 1, 0);
    A("ld4r {v0.16b, v1.16b, v2.16b, v3.16b}, [x9]", 9, 0, 0, 0);

    exc_record_mode = 0;
#ifdef SET_SCTLR_A
    __asm__ volatile("msr sctlr_el1, %0\n\tisb" :: "r"(sctlr));
#endif
    return test_finish(ALIGN_TEST_NAME);
}
