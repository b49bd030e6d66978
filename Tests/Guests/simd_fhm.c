/* FMLAL, FMLSL, FMLAL2, FMLSL2 (vector and by element; 2S and 4S),
 * FEAT_FHM, on both engines against QEMU 7.2: half-precision products added
 * to single-precision accumulators with one rounding. Normal values with
 * inexact sums, ±0, ±inf, quiet and signalling NaNs with payloads in either
 * precision (a half NaN is converted to single), half and single denormals
 * (FZ16 flushes the halves without IDC, FZ the accumulator and result), and
 * every rounding mode and DN; FPSR after every instruction. Each result is
 * printed (its two halves, then FPSR); exact values are checked here. */
#include "semihost.h"

#define FHM __attribute__((target("+fullfp16,+fp16fml")))

/* v1 (Vn: 8 halves), v2 (Vm: 8 halves), v3 (Vd: 4 singles). */
static const uint64_t sets[4][6] __attribute__((aligned(16))) = {
    { 0x42482e66c0803e00ull, 0x57b7bc0039a83555ull,     /* 1.5 -2.25 0.1 pi | 1/3 0.707 -1 123.4 */
      0x57b7bc0039a83555ull, 0x42482e66c0803e00ull,
      0xbe4ccccd3f800000ull, 0x4b800001c0490fdbull },   /* 1 -0.2 -pi 2^24+2 */
    { 0x7e5500007c007c01ull, 0x7c007bff80010200ull,     /* sNaN inf 0 qNaN | denormal -denormal max inf */
      0x3c00fc0000007c00ull, 0x7d007bff7bff3800ull,     /* inf 0 -inf 1 | 0.5 max max sNaN */
      0x3f800000ffc00042ull, 0xff812345ff800000ull },   /* qNaN 1 -inf sNaN */
    { 0x7bff7bff7bff7bffull, 0x0001000103ff0400ull,     /* max normals | min normal, denormals */
      0x4000c00040004000ull, 0x3800b8003c003c00ull,
      0x807fffff7f7fffffull, 0x0000000100800000ull },   /* max, -denormal, min normal, denormal */
    { 0x3c00fc00fc007c00ull, 0x3c003c003c000000ull,     /* inf -inf -inf 1 | 0 1 1 1 */
      0x00007c0000003c00ull, 0x7e00000000018000ull,     /* 1 0 inf 0 | -0 denormal 0 qNaN */
      0x7fc000017f800000ull, 0x7fa00000ff800000ull },   /* inf qNaN -inf sNaN */
};

static const uint64_t *cur;
static uint64_t cur_fpcr;
static uint64_t out[2] __attribute__((aligned(16)));

/* FPCR = cur_fpcr, FPSR = 0; v1, v2, v3 loaded, v0 = v3; insn; v0 and FPSR printed. */
#define T(name, insn) do { \
    uint64_t fpsr_; \
    __asm__ volatile("msr fpcr, %2\n\tmsr fpsr, xzr\n\tldp q1, q2, [%1]\n\tldr q3, [%1, #32]\n\tmov v0.16b, v3.16b\n\t" \
                     "mov v7.16b, v2.16b\n\t" insn "\n\tstr q0, [%3]\n\tmrs %0, fpsr\n\tmsr fpcr, xzr" \
                     : "=&r"(fpsr_) : "r"(cur), "r"(cur_fpcr), "r"(out) : "v0", "v1", "v2", "v3", "v7", "memory"); \
    print_str(name); print_str(": "); print_hex64(out[1]); print_str(" "); print_hex64(out[0]); \
    print_str(" fpsr "); print_hex32((uint32_t)fpsr_); print_nl(); \
} while (0)

FHM static void all(void)
{
    T("fmlal 2s", "fmlal v0.2s, v1.2h, v2.2h");
    T("fmlal 4s", "fmlal v0.4s, v1.4h, v2.4h");
    T("fmlsl 2s", "fmlsl v0.2s, v1.2h, v2.2h");
    T("fmlsl 4s", "fmlsl v0.4s, v1.4h, v2.4h");
    T("fmlal2 2s", "fmlal2 v0.2s, v1.2h, v2.2h");
    T("fmlal2 4s", "fmlal2 v0.4s, v1.4h, v2.4h");
    T("fmlsl2 2s", "fmlsl2 v0.2s, v1.2h, v2.2h");
    T("fmlsl2 4s", "fmlsl2 v0.4s, v1.4h, v2.4h");
    T("fmlal 2s [0]", "fmlal v0.2s, v1.2h, v2.h[0]");
    T("fmlal 4s [3]", "fmlal v0.4s, v1.4h, v7.h[3]");
    T("fmlsl 4s [7]", "fmlsl v0.4s, v1.4h, v2.h[7]");
    T("fmlsl 2s [5]", "fmlsl v0.2s, v1.2h, v7.h[5]");
    T("fmlal2 4s [1]", "fmlal2 v0.4s, v1.4h, v2.h[1]");
    T("fmlal2 2s [6]", "fmlal2 v0.2s, v1.2h, v7.h[6]");
    T("fmlsl2 4s [4]", "fmlsl2 v0.4s, v1.4h, v2.h[4]");
    T("fmlsl2 2s [2]", "fmlsl2 v0.2s, v1.2h, v2.h[2]");
}

static const uint64_t ints[6] __attribute__((aligned(16))) = {
    0x4400420040003c00ull, 0xc000bc00b8003800ull,   /* n = 1 2 3 4 | 0.5 -0.5 -1 -2 */
    0x7bffbc0034003800ull, 0x4400420040003c00ull,   /* m = 0.5 0.25 -1 65504 | 1 2 3 4 */
    0x3f8000003f800000ull, 0x3f8000003f800000ull,   /* d = 1 1 1 1 */
};

FHM static void exact(void)
{
    cur = ints; cur_fpcr = 0;
    T("ints fmlal 4s", "fmlal v0.4s, v1.4h, v2.4h");
    CHECK_EQ("fmlal lo", out[0], 0x3fc000003fc00000ull);      /* 1 + 0.5, 1 + 0.5 */
    CHECK_EQ("fmlal hi", out[1], 0x487fe040c0000000ull);      /* 1 - 3, 1 + 4 * 65504 */
    T("ints fmlsl2 4s", "fmlsl2 v0.4s, v1.4h, v2.4h");
    CHECK_EQ("fmlsl2 lo", out[0], 0x400000003f000000ull);     /* 1 - 0.5 * 1, 1 + 0.5 * 2 */
    CHECK_EQ("fmlsl2 hi", out[1], 0x4110000040800000ull);     /* 1 + 1 * 3, 1 + 2 * 4 */
    T("ints fmlal 4s [7]", "fmlal v0.4s, v1.4h, v2.h[7]");
    CHECK_EQ("fmlal [7] lo", out[0], 0x4110000040a00000ull);  /* 1 + 4, 1 + 8 */
    CHECK_EQ("fmlal [7] hi", out[1], 0x4188000041500000ull);  /* 1 + 12, 1 + 16 */
    T("ints fmlal2 2s", "fmlal2 v0.2s, v1.2h, v2.2h");
    CHECK_EQ("fmlal2 2s lo", out[0], 0x487fe040c0000000ull);  /* halves 2, 3: 1 + 3 * -1, 1 + 4 * 65504 */
    CHECK_EQ("fmlal2 2s hi", out[1], 0);
}

static __attribute__((noinline)) void run(void)
{
    static const uint64_t fpcrs[] = { 0, 1u << 24, 1u << 19, (1u << 24) | (1u << 19), 1u << 25, 1u << 22, 2u << 22,
                                      3u << 22, (1u << 24) | (1u << 25) | (1u << 19) | (2u << 22) };
    for (unsigned f = 0; f < sizeof fpcrs / sizeof fpcrs[0]; f++) {
        cur_fpcr = fpcrs[f];
        print_str("-- fpcr "); print_hex32((uint32_t)cur_fpcr); print_nl();
        for (int k = 0; k < 4; k++) {
            cur = sets[k];
            if (f == 0) all();
            else { T("fmlal 4s", "fmlal v0.4s, v1.4h, v2.4h"); T("fmlsl2 4s [3]", "fmlsl2 v0.4s, v1.4h, v2.h[3]"); }
        }
    }
}

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    run();
    exact();
    return test_finish("simd_fhm");
}
