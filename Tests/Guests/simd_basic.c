/* AdvSIMD integer basics on both engines against QEMU 7.2: DUP (general,
 * element), INS (general, element), UMOV, SMOV, MOVI/MVNI/ORR/BIC
 * (immediate, each cmode class), AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF, NOT,
 * ADD, SUB, MUL, CMEQ, CMGT, CMGE, CMHI, CMHS, CMTST, CMEQ/CMGT/CMGE/CMLT/CMLE
 * #0, UMAX, UMIN, SMAX, SMIN, ABS, NEG, in every arrangement, 64-bit forms
 * zeroing bits 127:64, and the scalar D forms. Each result register is
 * printed (its two halves); a few are checked here. */
#include "semihost.h"

static const uint64_t src[6] __attribute__((aligned(16))) = {
    0x8000ff7f0102fe80ull, 0x7fffffff80000001ull,   /* v1 */
    0x80007f7f0103fe7full, 0x7ffffffe80000001ull,   /* v2 */
    0x0123456789abcdefull, 0xfedcba9876543210ull,   /* v3 (the destination's old value) */
};
static uint64_t out[2] __attribute__((aligned(16)));

/* Loads v1, v2, v3, runs insn (result in v0, v3 preset as v0), stores v0. */
#define T(name, insn) do { \
    __asm__ volatile("ldp q1, q2, [%0]\n\tldr q0, [%0, #32]\n\t" insn "\n\tstr q0, [%1]" \
                     :: "r"(src), "r"(out) : "v0", "v1", "v2", "x9", "memory"); \
    print_str(name); print_str(": "); print_hex64(out[1]); print_str(" "); print_hex64(out[0]); print_nl(); \
} while (0)

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    T("dup 16b, w", "mov x9, #0x1ab\n\tdup v0.16b, w9");
    T("dup 4h, w", "mov x9, #0x1ab\n\tdup v0.4h, w9");
    T("dup 2d, x", "mov x9, #-5\n\tdup v0.2d, x9");
    T("dup 4s, v.s[3]", "dup v0.4s, v1.s[3]");
    T("dup 8b, v.b[9]", "dup v0.8b, v2.b[9]");
    T("dup d, v.d[1]", "dup d0, v1.d[1]");
    T("ins v.h[5], w", "mov x9, #0x1234\n\tmov v0.h[5], w9");
    T("ins v.d[0], x", "mov x9, #0x77\n\tmov v0.d[0], x9");
    T("ins v.s[1], v.s[2]", "mov v0.s[1], v1.s[2]");
    T("ins v.b[15], v.b[0]", "mov v0.b[15], v2.b[0]");
    T("umov w, v.b[7]", "umov w9, v1.b[7]\n\tfmov d0, x9");
    T("umov x, v.d[1]", "umov x9, v1.d[1]\n\tfmov d0, x9");
    T("smov x, v.h[3]", "smov x9, v1.h[3]\n\tfmov d0, x9");
    T("smov w, v.b[0]", "smov w9, v1.b[0]\n\tfmov d0, x9");
    T("movi 16b", "movi v0.16b, #0xa5");
    T("movi 4s lsl 16", "movi v0.4s, #0x12, lsl #16");
    T("movi 2s msl 8", "movi v0.2s, #0x34, msl #8");
    T("movi 8h lsl 8", "movi v0.8h, #0x56, lsl #8");
    T("movi 2d", "movi v0.2d, #0xff00ff0000ff00ff");
    T("movi d", "movi d0, #0x00ff00ff00ff00ff");
    T("mvni 4s", "mvni v0.4s, #0x80, lsl #24");
    T("mvni 2s msl 16", "mvni v0.2s, #0x9, msl #16");
    T("orr 4s imm", "orr v0.4s, #0x1, lsl #8");
    T("bic 8h imm", "bic v0.8h, #0xff");
    T("bic 2s imm", "bic v0.2s, #0xef");
    T("and", "and v0.16b, v1.16b, v2.16b");
    T("bic", "bic v0.8b, v1.8b, v2.8b");
    T("orr", "orr v0.16b, v1.16b, v2.16b");
    T("orn", "orn v0.16b, v1.16b, v2.16b");
    T("eor", "eor v0.8b, v1.8b, v2.8b");
    T("bsl", "bsl v0.16b, v1.16b, v2.16b");
    T("bit", "bit v0.16b, v1.16b, v2.16b");
    T("bif", "bif v0.8b, v1.8b, v2.8b");
    T("not", "not v0.16b, v1.16b");
    T("mov (orr) 8b", "mov v0.8b, v2.8b");
    T("add 16b", "add v0.16b, v1.16b, v2.16b");
    T("add 4h", "add v0.4h, v1.4h, v2.4h");
    T("add 4s", "add v0.4s, v1.4s, v2.4s");
    T("add 2d", "add v0.2d, v1.2d, v2.2d");
    T("add d", "add d0, d1, d2");
    T("sub 8h", "sub v0.8h, v1.8h, v2.8h");
    T("sub 2s", "sub v0.2s, v1.2s, v2.2s");
    T("sub d", "sub d0, d1, d2");
    T("mul 16b", "mul v0.16b, v1.16b, v2.16b");
    T("mul 4s", "mul v0.4s, v1.4s, v2.4s");
    T("cmeq 16b", "cmeq v0.16b, v1.16b, v2.16b");
    T("cmgt 8h", "cmgt v0.8h, v1.8h, v2.8h");
    T("cmge 4s", "cmge v0.4s, v1.4s, v2.4s");
    T("cmhi 2d", "cmhi v0.2d, v1.2d, v2.2d");
    T("cmhs 8b", "cmhs v0.8b, v1.8b, v2.8b");
    T("cmtst 4h", "cmtst v0.4h, v1.4h, v2.4h");
    T("cmgt d", "cmgt d0, d1, d2");
    T("cmeq d", "cmeq d0, d1, d1");
    T("cmeq #0 16b", "cmeq v0.16b, v1.16b, #0");
    T("cmgt #0 8h", "cmgt v0.8h, v1.8h, #0");
    T("cmge #0 2s", "cmge v0.2s, v1.2s, #0");
    T("cmlt #0 4s", "cmlt v0.4s, v1.4s, #0");
    T("cmle #0 16b", "cmle v0.16b, v2.16b, #0");
    T("cmlt #0 d", "cmlt d0, d1, #0");
    T("umax 16b", "umax v0.16b, v1.16b, v2.16b");
    T("umin 8h", "umin v0.8h, v1.8h, v2.8h");
    T("smax 4s", "smax v0.4s, v1.4s, v2.4s");
    T("smin 8b", "smin v0.8b, v1.8b, v2.8b");
    T("abs 16b", "abs v0.16b, v1.16b");
    T("abs 2d", "abs v0.2d, v1.2d");
    T("neg 4h", "neg v0.4h, v2.4h");
    T("neg d", "neg d0, d1");

    __asm__ volatile("ldp q1, q2, [%0]\n\tadd v0.4s, v1.4s, v2.4s\n\tstr q0, [%1]" :: "r"(src), "r"(out) : "v0", "v1", "v2", "memory");
    CHECK_EQ("add 4s low", out[0], 0x00017efe0206fcffull);
    CHECK_EQ("add 4s high", out[1], 0xfffffffd00000002ull);
    __asm__ volatile("movi v0.16b, #0xa5\n\tstr q0, [%0]" :: "r"(out) : "v0", "memory");
    CHECK_EQ("movi 16b high", out[1], 0xa5a5a5a5a5a5a5a5ull);
    return test_finish("simd_basic");
}
