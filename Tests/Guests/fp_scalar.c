/* Scalar floating point, double and single precision (and FP16 where
 * FEAT_FP16 adds it): FADD, FSUB, FMUL, FDIV, FMAX, FMIN, FMAXNM, FMINNM,
 * FNMUL, FMADD, FMSUB, FNMADD, FNMSUB, FSQRT, FABS, FNEG, FRINTN/P/M/Z/A/X/I,
 * FCMP/FCMPE (NZCV), FCCMP, FCSEL, FCVT between precisions, FCVT[NPMZA][SU]
 * to W/X and fixed point, SCVTF/UCVTF, FMOV in every form, and the SIMD&FP
 * loads and stores. Every operation runs on every pair of special values
 * (+-0, +-1, 0.1, 1.5, 3, largest/smallest normals, denormals, +-inf, quiet
 * and signalling NaNs with payloads) under each FPCR setting (the four
 * rounding modes, FZ, DN, AHP); the result and FPSR after each are folded
 * into one checksum per (setting, operation), printed; the run is compared
 * with QEMU 7.2 byte for byte, and a few known results are checked here.
 * The FP code is inline assembly on bit patterns (the C around it handles
 * integers only). */
#include "semihost.h"

#define FPSR_READ() ({ uint64_t _v; __asm__ volatile("mrs %0, fpsr" : "=r"(_v)); _v; })

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0\n\tmsr fpsr, xzr" :: "r"(v)); }

/* Double precision: operands and result as bit patterns. */
#define D2(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; (void)c; \
    __asm__ volatile("fmov d0, %1\n\tfmov d1, %2\n\t" insn "\n\tfmov %0, d0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }
#define D3(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; \
    __asm__ volatile("fmov d0, %1\n\tfmov d1, %2\n\tfmov d2, %3\n\t" insn "\n\tfmov %0, d0" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2"); return r; }
#define DX(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; (void)b; (void)c; \
    __asm__ volatile("fmov d0, %1\n\t" insn : "=r"(r) : "r"(a) : "v0"); return r; }
#define S2(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; (void)c; \
    __asm__ volatile("fmov s0, %w1\n\tfmov s1, %w2\n\t" insn "\n\tfmov %w0, s0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }
#define S3(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; \
    __asm__ volatile("fmov s0, %w1\n\tfmov s1, %w2\n\tfmov s2, %w3\n\t" insn "\n\tfmov %w0, s0" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2"); return r; }
#define SX(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; (void)b; (void)c; \
    __asm__ volatile("fmov s0, %w1\n\t" insn : "=r"(r) : "r"(a) : "v0"); return r; }
#define H2(name, insn) static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; (void)c; \
    __asm__ volatile("fmov h0, %w1\n\tfmov h1, %w2\n\t" insn "\n\tfmov %w0, h0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }

D2(d_add, "fadd d0, d0, d1") D2(d_sub, "fsub d0, d0, d1") D2(d_mul, "fmul d0, d0, d1") D2(d_div, "fdiv d0, d0, d1")
D2(d_max, "fmax d0, d0, d1") D2(d_min, "fmin d0, d0, d1") D2(d_maxnm, "fmaxnm d0, d0, d1") D2(d_minnm, "fminnm d0, d0, d1")
D2(d_nmul, "fnmul d0, d0, d1")
D3(d_madd, "fmadd d0, d0, d1, d2") D3(d_msub, "fmsub d0, d0, d1, d2") D3(d_nmadd, "fnmadd d0, d0, d1, d2")
D3(d_nmsub, "fnmsub d0, d0, d1, d2")
DX(d_sqrt, "fsqrt d0, d0\n\tfmov %0, d0") DX(d_abs, "fabs d0, d0\n\tfmov %0, d0") DX(d_neg, "fneg d0, d0\n\tfmov %0, d0")
DX(d_rintn, "frintn d0, d0\n\tfmov %0, d0") DX(d_rintp, "frintp d0, d0\n\tfmov %0, d0")
DX(d_rintm, "frintm d0, d0\n\tfmov %0, d0") DX(d_rintz, "frintz d0, d0\n\tfmov %0, d0")
DX(d_rinta, "frinta d0, d0\n\tfmov %0, d0") DX(d_rintx, "frintx d0, d0\n\tfmov %0, d0")
DX(d_rinti, "frinti d0, d0\n\tfmov %0, d0")
D2(d_cmp, "fcmp d0, d1\n\tmrs x9, nzcv\n\tfmov d0, x9")
D2(d_cmpe, "fcmpe d0, d1\n\tmrs x9, nzcv\n\tfmov d0, x9")
DX(d_cmp0, "fcmpe d0, #0.0\n\tmrs %0, nzcv")
D2(d_ccmp, "cmp x9, x9\n\tfccmp d0, d1, #3, eq\n\tmrs x9, nzcv\n\tfccmpe d1, d0, #5, ne\n\tmrs x10, nzcv\n\teor x9, x9, x10, lsr #4\n\tfmov d0, x9")
D2(d_csel, "fcmp d0, d1\n\tfcsel d0, d0, d1, gt")
DX(d_cvts, "fcvt s0, d0\n\tfmov %w0, s0") DX(d_cvth, "fcvt h0, d0\n\tfmov %w0, h0")
DX(d_zs, "fcvtzs %0, d0") DX(d_zu, "fcvtzu %0, d0") DX(d_ns, "fcvtns %0, d0") DX(d_nu, "fcvtnu %0, d0")
DX(d_ps, "fcvtps %0, d0") DX(d_mu, "fcvtmu %0, d0") DX(d_as, "fcvtas %w0, d0") DX(d_au, "fcvtau %w0, d0")
DX(d_zsfix, "fcvtzs %0, d0, #12") DX(d_zufix, "fcvtzu %w0, d0, #3")
DX(d_scvtf, "scvtf d0, %1\n\tfmov %0, d0") DX(d_ucvtf, "ucvtf d0, %1\n\tfmov %0, d0")
DX(d_scvtfw, "scvtf d0, %w1\n\tfmov %0, d0") DX(d_ucvtfix, "ucvtf d0, %1, #7\n\tfmov %0, d0")
DX(d_scvtfs, "scvtf s0, %1\n\tfmov %w0, s0")

S2(s_add, "fadd s0, s0, s1") S2(s_sub, "fsub s0, s0, s1") S2(s_mul, "fmul s0, s0, s1") S2(s_div, "fdiv s0, s0, s1")
S2(s_max, "fmax s0, s0, s1") S2(s_minnm, "fminnm s0, s0, s1")
S3(s_madd, "fmadd s0, s0, s1, s2")
SX(s_sqrt, "fsqrt s0, s0\n\tfmov %w0, s0") SX(s_rinta, "frinta s0, s0\n\tfmov %w0, s0")
SX(s_cvtd, "fcvt d0, s0\n\tfmov %0, d0") SX(s_cvth, "fcvt h0, s0\n\tfmov %w0, h0")
SX(s_zs, "fcvtzs %w0, s0") SX(s_nu, "fcvtnu %0, s0")
SX(h_cvts, "fmov s0, %w1\n\tfcvt s0, h0\n\tfmov %w0, s0") SX(h_cvtd, "fmov s0, %w1\n\tfcvt d0, h0\n\tfmov %0, d0")
H2(h_add, "fadd h0, h0, h1") H2(h_mul, "fmul h0, h0, h1")

typedef uint64_t (*fpop_t)(uint64_t, uint64_t, uint64_t);
typedef struct { const char *name; fpop_t fn; int kind; } op_t;   /* kind: 0 double, 1 single, 2 half, 3 integer input */

static const op_t ops[] = {
    { "fadd d", d_add, 0 }, { "fsub d", d_sub, 0 }, { "fmul d", d_mul, 0 }, { "fdiv d", d_div, 0 },
    { "fmax d", d_max, 0 }, { "fmin d", d_min, 0 }, { "fmaxnm d", d_maxnm, 0 }, { "fminnm d", d_minnm, 0 },
    { "fnmul d", d_nmul, 0 }, { "fmadd d", d_madd, 0 }, { "fmsub d", d_msub, 0 }, { "fnmadd d", d_nmadd, 0 },
    { "fnmsub d", d_nmsub, 0 }, { "fsqrt d", d_sqrt, 0 }, { "fabs d", d_abs, 0 }, { "fneg d", d_neg, 0 },
    { "frintn d", d_rintn, 0 }, { "frintp d", d_rintp, 0 }, { "frintm d", d_rintm, 0 }, { "frintz d", d_rintz, 0 },
    { "frinta d", d_rinta, 0 }, { "frintx d", d_rintx, 0 }, { "frinti d", d_rinti, 0 },
    { "fcmp d", d_cmp, 0 }, { "fcmpe d", d_cmpe, 0 }, { "fcmpe d #0", d_cmp0, 0 }, { "fccmp(e) d", d_ccmp, 0 },
    { "fcsel d", d_csel, 0 }, { "fcvt s<-d", d_cvts, 0 }, { "fcvt h<-d", d_cvth, 0 },
    { "fcvtzs x", d_zs, 0 }, { "fcvtzu x", d_zu, 0 }, { "fcvtns x", d_ns, 0 }, { "fcvtnu x", d_nu, 0 },
    { "fcvtps x", d_ps, 0 }, { "fcvtmu x", d_mu, 0 }, { "fcvtas w", d_as, 0 }, { "fcvtau w", d_au, 0 },
    { "fcvtzs x #12", d_zsfix, 0 }, { "fcvtzu w #3", d_zufix, 0 },
    { "scvtf d<-x", d_scvtf, 3 }, { "ucvtf d<-x", d_ucvtf, 3 }, { "scvtf d<-w", d_scvtfw, 3 },
    { "ucvtf d<-x #7", d_ucvtfix, 3 }, { "scvtf s<-x", d_scvtfs, 3 },
    { "fadd s", s_add, 1 }, { "fsub s", s_sub, 1 }, { "fmul s", s_mul, 1 }, { "fdiv s", s_div, 1 },
    { "fmax s", s_max, 1 }, { "fminnm s", s_minnm, 1 }, { "fmadd s", s_madd, 1 }, { "fsqrt s", s_sqrt, 1 },
    { "frinta s", s_rinta, 1 }, { "fcvt d<-s", s_cvtd, 1 }, { "fcvt h<-s", s_cvth, 1 },
    { "fcvtzs w<-s", s_zs, 1 }, { "fcvtnu x<-s", s_nu, 1 },
    { "fcvt s<-h", h_cvts, 2 }, { "fcvt d<-h", h_cvtd, 2 }, { "fadd h", h_add, 2 }, { "fmul h", h_mul, 2 },
};

static const uint64_t dvals[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fb999999999999a, 0x3ff8000000000000, 0x4008000000000000, 0xc004000000000000,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x0010000000000000, 0x000fffffffffffff,
    0x8000000000000001, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000123,
    0x7ff0000000000456, 0xfff8000000000789, 0x4330000000000001, 0x43e0000000000000,
    0x3fe0000000000000, 0xc3e0000000000001, 0x41dfffffffc00000, 0x3c90000000000000,
};
static const uint64_t svals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3dcccccd, 0x3fc00000, 0x40400000, 0xc0200000,
    0x7f7fffff, 0xff7fffff, 0x00800000, 0x007fffff, 0x80000001, 0x7f800000, 0xff800000, 0x7fc00123,
    0x7f800456, 0xffc00789, 0x4b000001, 0x5f000000, 0x3f000000, 0x477fe000, 0x33800000, 0x38800000,
};
static const uint64_t hvals[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x2e66, 0x3e00, 0x4200, 0xc100, 0x7bff, 0xfbff, 0x0400, 0x03ff,
    0x8001, 0x7c00, 0xfc00, 0x7e12, 0x7c34, 0xfe56, 0x6400, 0x7800, 0x3800, 0x5bff, 0x1400, 0x0001,
};
static const uint64_t ivals[] = {
    0, 1, 0xffffffffffffffff, 7, 0x8000000000000000, 0x7fffffffffffffff, 0x00000000ffffffff, 0x80000000,
    0x20000000000001, 0x7fffffff, 0xfffffffffffff800, 12345678901234567, 3, 0xff, 0x100000001, 0x5555555555555555,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const uint64_t fpcrs[] = {
    0,                                 /* round to nearest */
    1ull << 22,                        /* towards +inf */
    2ull << 22,                        /* towards -inf */
    3ull << 22,                        /* towards zero */
    1ull << 24,                        /* FZ */
    1ull << 25,                        /* DN */
    (1ull << 24) | (1ull << 25) | (1ull << 19) | (2ull << 22),   /* FZ, DN, FZ16, towards -inf */
    1ull << 26,                        /* AHP */
};

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ull; return h ^ (h >> 29); }

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN: FP/SIMD at EL0 and EL1 */

    /* Known results. */
    set_fpcr(0);
    CHECK_EQ("0.1 + 3.0", d_add(0x3fb999999999999a, 0x4008000000000000, 0), 0x4008cccccccccccd);
    CHECK_EQ("FPSR (IXC)", FPSR_READ(), 0x10);
    set_fpcr(0);
    CHECK_EQ("inf - inf (default NaN)", d_sub(0x7ff0000000000000, 0x7ff0000000000000, 0), 0x7ff8000000000000);
    CHECK_EQ("FPSR (IOC)", FPSR_READ(), 0x1);
    set_fpcr(0);
    CHECK_EQ("qNaN + sNaN (the signalling one, quieted)", d_add(0x7ff8000000000123, 0x7ff0000000000456, 0), 0x7ff8000000000456);
    set_fpcr(1ull << 24);
    CHECK_EQ("FZ: denormal * 1", d_mul(0x000fffffffffffff, 0x3ff0000000000000, 0), 0);
    CHECK_EQ("FPSR (IDC)", FPSR_READ(), 0x80);
    set_fpcr(0);
    CHECK_EQ("fcvtzs x, -1.5", d_zs(0xbff8000000000000, 0, 0), 0xffffffffffffffff);
    CHECK_EQ("fmov s, #-2.5 (bits)", ({ uint64_t r; __asm__ volatile("fmov s3, #-2.5\n\tfmov %w0, s3" : "=r"(r) :: "v3"); r; }), 0xc0200000);
    CHECK_EQ("fmov d, #0.125 (bits)", ({ uint64_t r; __asm__ volatile("fmov d3, #0.125\n\tfmov %0, d3" : "=r"(r) :: "v3"); r; }), 0x3fc0000000000000);
    /* FMOV Xd, Vn.D[1] / Vn.D[1], Xn; loads and stores of every size. */
    static uint64_t mem[8] __attribute__((aligned(16))) = { 0x1111111111111111, 0x2222222222222222 };
    uint64_t lo, hi, *p = mem;
    uint32_t b, h, s;
    __asm__ volatile(
        "ldr q4, [%5]\n\t"
        "fmov v4.d[1], %6\n\t"
        "str q4, [%5, #16]!\n\t"
        "ldp d5, d6, [%5], #-16\n\t"
        "stp s5, s6, [%5, #32]\n\t"
        "ldr b7, [%5, #33]\n\tfmov %w2, s7\n\t"
        "ldr h7, [%5, #34]\n\tfmov %w3, s7\n\t"
        "ldur s7, [%5, #36]\n\tfmov %w4, s7\n\t"
        "fmov %0, d4\n\tfmov %1, v4.d[1]\n\t"
        "stp q4, q4, [%5, #32]\n\t"
        : "=&r"(lo), "=&r"(hi), "=&r"(b), "=&r"(h), "=&r"(s), "+r"(p) : "r"(0xabcdef0123456789ull) : "v4", "v5", "v6", "v7", "memory");
    CHECK_EQ("q4 low", lo, 0x1111111111111111);
    CHECK_EQ("q4 high", hi, 0xabcdef0123456789);
    CHECK_EQ("ldr b", b, 0x11);
    CHECK_EQ("ldr h", h, 0x1111);
    CHECK_EQ("ldur s", s, 0x23456789);

    /* Every operation on every pair, under every FPCR setting. */
    for (unsigned m = 0; m < N(fpcrs); m++) {
        for (unsigned o = 0; o < N(ops); o++) {
            const op_t *op = &ops[o];
            const uint64_t *v = op->kind == 0 ? dvals : op->kind == 1 ? svals : op->kind == 2 ? hvals : ivals;
            unsigned n = op->kind == 3 ? N(ivals) : N(dvals);
            uint64_t hash = 0xcbf29ce484222325ull, fpsr_or = 0;
            for (unsigned i = 0; i < n; i++) {
                for (unsigned j = 0; j < n; j++) {
                    set_fpcr(fpcrs[m]);
                    uint64_t r = op->fn(v[i], v[j], v[(i + j) % n]);
                    uint64_t f = FPSR_READ();
                    hash = mix(mix(hash, r), f);
                    fpsr_or |= f;
                }
            }
            print_str("fpcr ");
            print_hex(fpcrs[m]);
            print_str(" ");
            print_str(op->name);
            print_str(": ");
            print_hex64(hash);
            print_str(" fpsr|=");
            print_hex(fpsr_or);
            print_nl();
        }
    }
    set_fpcr(0);
    return test_finish("fp_scalar");
}
