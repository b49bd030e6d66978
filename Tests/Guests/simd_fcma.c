/* FCMLA (vector: 4H, 8H, 2S, 4S, 2D; by element: 4H, 8H, 4S) and FCADD
 * (4H, 8H, 2S, 4S, 2D), FEAT_FCMA, on both engines against QEMU 7.2: every
 * rotation, normal values with inexact results, ±0, ±inf, quiet and
 * signalling NaNs with payloads, denormals, overflow; FPCR round to nearest
 * and with FZ, FZ16, DN and each rounding mode; FPSR after every instruction.
 * Each result is printed (its two halves, then FPSR); exact small-integer
 * products are checked here. */
#include "semihost.h"

#define FCMA __attribute__((target("+fullfp16,+complxnum")))

/* Data sets: v1 (Vn), v2 (Vm), v3 (Vd's old value), two 64-bit halves each. */
static const uint64_t half_sets[3][6] __attribute__((aligned(16))) = {
    { 0x42482e66c0803e00ull, 0x57b7bc0039a83555ull,     /* 1.5 -2.25 0.1 pi 1/3 0.707 -1 123.4 */
      0x57b7bc0039a83555ull, 0x42482e66c0803e00ull,
      0x80000000b2663c00ull, 0xfbff040000017bffull },
    { 0x7e5500007c007c01ull, 0x7c007bff80010200ull,     /* sNaN inf 0 qNaN; denormal -denormal max inf */
      0x3c00fc0000007c00ull, 0x7d007bff7bff3800ull,
      0xfd23fc003c00fe42ull, 0x80007bff00000001ull },
    { 0x7bff7bff7bff7bffull, 0x0001000103ff0400ull,     /* max normals; denormals and min normal */
      0x4000c00040004000ull, 0x3800b8003c003c00ull,
      0x7bfffbff7bff7bffull, 0x8001000180000000ull },
};
static const uint64_t single_sets[3][6] __attribute__((aligned(16))) = {
    { 0xc01000003fc00000ull, 0x40490fdb3dcccccdull,     /* 1.5 -2.25 0.1 pi */
      0x3f3504813eaaaaabull, 0x42f6e979bf800000ull,     /* 1/3 0.7071 -1 123.456 */
      0xbe4ccccd3f800000ull, 0x8000000000000000ull },   /* 1 -0.2 0 -0 */
    { 0x7f8000007f800001ull, 0x7fc1234500000000ull,     /* sNaN inf 0 qNaN */
      0x000000007f800000ull, 0x3f800000ff800000ull,
      0x3f800000ffc00042ull, 0xff812345ff800000ull },
    { 0x004000007f7fffffull, 0x8000000100800000ull,     /* max, denormal, min normal, -min denormal */
      0x3f00000040000000ull, 0x7f7fffff3f000001ull,
      0x000000017f7fffffull, 0x0000000080800000ull },
};
static const uint64_t double_sets[3][6] __attribute__((aligned(16))) = {
    { 0x3ff8000000000000ull, 0x400921fb54442d18ull,     /* 1.5 pi */
      0x3fd5555555555555ull, 0xbfe6a09e667f3bcdull,     /* 1/3 -0.7071 */
      0x3fb999999999999aull, 0x8000000000000000ull },   /* 0.1 -0 */
    { 0x7ff0000000000001ull, 0x7ff0000000000000ull,     /* sNaN inf */
      0x0000000000000000ull, 0x7ff8000000001234ull,     /* 0 qNaN */
      0xfff0000000000000ull, 0x3ff0000000000000ull },
    { 0x7fefffffffffffffull, 0x0008000000000000ull,     /* max, denormal */
      0x4000000000000000ull, 0x3fe0000000000000ull,
      0x7fefffffffffffffull, 0x8010000000000000ull },
};

static const uint64_t *cur;
static uint64_t cur_fpcr;
static uint64_t out[2] __attribute__((aligned(16)));

/* FPCR = cur_fpcr, FPSR = 0; v1, v2, v3 loaded, v0 = v3; insn; v0 and FPSR printed. */
#define T(name, insn) do { \
    uint64_t fpsr_; \
    __asm__ volatile("msr fpcr, %2\n\tmsr fpsr, xzr\n\tldp q1, q2, [%1]\n\tldr q3, [%1, #32]\n\tmov v0.16b, v3.16b\n\t" \
                     insn "\n\tstr q0, [%3]\n\tmrs %0, fpsr\n\tmsr fpcr, xzr" \
                     : "=&r"(fpsr_) : "r"(cur), "r"(cur_fpcr), "r"(out) : "v0", "v1", "v2", "v3", "memory"); \
    print_str(name); print_str(": "); print_hex64(out[1]); print_str(" "); print_hex64(out[0]); \
    print_str(" fpsr "); print_hex32((uint32_t)fpsr_); print_nl(); \
} while (0)

FCMA static void half_all(void)
{
    T("fcmla 4h #0", "fcmla v0.4h, v1.4h, v2.4h, #0");
    T("fcmla 8h #0", "fcmla v0.8h, v1.8h, v2.8h, #0");
    T("fcmla 8h #90", "fcmla v0.8h, v1.8h, v2.8h, #90");
    T("fcmla 8h #180", "fcmla v0.8h, v1.8h, v2.8h, #180");
    T("fcmla 4h #270", "fcmla v0.4h, v1.4h, v2.4h, #270");
    T("fcmla 8h #270", "fcmla v0.8h, v1.8h, v2.8h, #270");
    T("fcmla 4h [1] #90", "fcmla v0.4h, v1.4h, v2.h[1], #90");
    T("fcmla 8h [0] #0", "fcmla v0.8h, v1.8h, v2.h[0], #0");
    T("fcmla 8h [3] #180", "fcmla v0.8h, v1.8h, v2.h[3], #180");
    T("fcmla 8h [2] #270", "fcmla v0.8h, v1.8h, v2.h[2], #270");
    T("fcadd 4h #90", "fcadd v0.4h, v1.4h, v2.4h, #90");
    T("fcadd 8h #90", "fcadd v0.8h, v1.8h, v2.8h, #90");
    T("fcadd 8h #270", "fcadd v0.8h, v1.8h, v2.8h, #270");
}

FCMA static void single_all(void)
{
    T("fcmla 2s #0", "fcmla v0.2s, v1.2s, v2.2s, #0");
    T("fcmla 4s #0", "fcmla v0.4s, v1.4s, v2.4s, #0");
    T("fcmla 4s #90", "fcmla v0.4s, v1.4s, v2.4s, #90");
    T("fcmla 2s #180", "fcmla v0.2s, v1.2s, v2.2s, #180");
    T("fcmla 4s #180", "fcmla v0.4s, v1.4s, v2.4s, #180");
    T("fcmla 4s #270", "fcmla v0.4s, v1.4s, v2.4s, #270");
    T("fcmla 4s [0] #90", "fcmla v0.4s, v1.4s, v2.s[0], #90");
    T("fcmla 4s [1] #0", "fcmla v0.4s, v1.4s, v2.s[1], #0");
    T("fcmla 4s [1] #270", "fcmla v0.4s, v1.4s, v2.s[1], #270");
    T("fcadd 2s #90", "fcadd v0.2s, v1.2s, v2.2s, #90");
    T("fcadd 4s #90", "fcadd v0.4s, v1.4s, v2.4s, #90");
    T("fcadd 4s #270", "fcadd v0.4s, v1.4s, v2.4s, #270");
}

FCMA static void double_all(void)
{
    T("fcmla 2d #0", "fcmla v0.2d, v1.2d, v2.2d, #0");
    T("fcmla 2d #90", "fcmla v0.2d, v1.2d, v2.2d, #90");
    T("fcmla 2d #180", "fcmla v0.2d, v1.2d, v2.2d, #180");
    T("fcmla 2d #270", "fcmla v0.2d, v1.2d, v2.2d, #270");
    T("fcadd 2d #90", "fcadd v0.2d, v1.2d, v2.2d, #90");
    T("fcadd 2d #270", "fcadd v0.2d, v1.2d, v2.2d, #270");
}

static const uint64_t ints[6] __attribute__((aligned(16))) = {
    0x400000003f800000ull, 0x4080000040400000ull,   /* n = 1 2 3 4 */
    0x40c0000040a00000ull, 0x4100000040e00000ull,   /* m = 5 6 7 8 */
    0x41a0000041200000ull, 0x4220000041f00000ull,   /* d = 10 20 30 40 */
};

FCMA static void exact(void)
{
    cur = ints; cur_fpcr = 0;
    T("ints fcmla #0", "fcmla v0.4s, v1.4s, v2.4s, #0");
    CHECK_EQ("fcmla #0 lo", out[0], 0x41d0000041700000ull);    /* 15 26 */
    CHECK_EQ("fcmla #0 hi", out[1], 0x42800000424c0000ull);    /* 51 64 */
    T("ints fcmla #90", "fcmla v0.4s, v1.4s, v2.4s, #90");
    CHECK_EQ("fcmla #90 lo", out[0], 0x41f00000c0000000ull);   /* -2 30 */
    CHECK_EQ("fcmla #90 hi", out[1], 0x42880000c0000000ull);   /* -2 68 */
    T("ints complex mla", "fcmla v0.4s, v1.4s, v2.4s, #0\n\tfcmla v0.4s, v1.4s, v2.4s, #90");
    CHECK_EQ("complex mla lo", out[0], 0x4210000040400000ull); /* 3 + 36i */
    CHECK_EQ("complex mla hi", out[1], 0x42b8000041980000ull); /* 19 + 92i */
    T("ints fcadd #90", "fcadd v0.4s, v1.4s, v2.4s, #90");
    CHECK_EQ("fcadd #90 lo", out[0], 0x40e00000c0a00000ull);   /* -5 7 */
    CHECK_EQ("fcadd #90 hi", out[1], 0x41300000c0a00000ull);   /* -5 11 */
    T("ints fcadd #270", "fcadd v0.4s, v1.4s, v2.4s, #270");
    CHECK_EQ("fcadd #270 lo", out[0], 0xc040000040e00000ull);  /* 7 -3 */
    CHECK_EQ("fcadd #270 hi", out[1], 0xc040000041300000ull);  /* 11 -3 */
    T("ints fcmla [1] #0", "fcmla v0.4s, v1.4s, v2.s[1], #0");
    CHECK_EQ("fcmla [1] lo", out[0], 0x41e0000041880000ull);   /* 10+1*7 20+1*8 */
    CHECK_EQ("fcmla [1] hi", out[1], 0x42800000424c0000ull);   /* 30+3*7 40+3*8 */
}

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    static const uint64_t fpcrs[] = { 0, 1u << 24, 1u << 25, 1u << 19, 1u << 22, 2u << 22, 3u << 22,
                                      (1u << 24) | (1u << 25) | (1u << 19) | (3u << 22) };
    for (int k = 0; k < 3; k++) {
        print_str("-- set "); print_dec(k); print_nl();
        cur_fpcr = 0;
        cur = half_sets[k]; half_all();
        cur = single_sets[k]; single_all();
        cur = double_sets[k]; double_all();
    }
    for (unsigned f = 1; f < sizeof fpcrs / sizeof fpcrs[0]; f++) {
        cur_fpcr = fpcrs[f];
        print_str("-- fpcr "); print_hex32((uint32_t)cur_fpcr); print_nl();
        for (int k = 0; k < 3; k++) {
            cur = half_sets[k]; T("h", "fcmla v0.8h, v1.8h, v2.8h, #90"); T("h", "fcadd v0.8h, v1.8h, v2.8h, #270");
            cur = single_sets[k]; T("s", "fcmla v0.4s, v1.4s, v2.4s, #90"); T("s", "fcadd v0.4s, v1.4s, v2.4s, #270");
            cur = double_sets[k]; T("d", "fcmla v0.2d, v1.2d, v2.2d, #180"); T("d", "fcadd v0.2d, v1.2d, v2.2d, #90");
        }
    }
    exact();
    return test_finish("simd_fcma");
}
