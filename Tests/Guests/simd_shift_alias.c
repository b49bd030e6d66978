/* AdvSIMD shifts and widening/narrowing ops whose destination is also a
 * source (Vd = Vn, Vd = Vm, all three the same): each result must equal the
 * same instruction on distinct registers holding the same values. Covers
 * the forms that read the old destination (accumulate, insert, the "2"
 * narrowing forms) and FPSR.QC for the saturating ones. */
#include "semihost.h"

typedef struct { uint64_t lo, hi; } __attribute__((aligned(16))) v128_t;

static const v128_t vals[] = {
    { 0x7f8000ff01fe817eull, 0x40c03fc155aa02fdull },
    { 0x8000000000000001ull, 0x7ffffffffffffffeull },
    { 0x0123456789abcdefull, 0xfedcba9876543210ull },
};

/* The aliased form runs on v5 (= a); the reference on v6 <- copies: v0 = a, v1 = a, v6 = a. */
#define PAIR(name, aliased, distinct) \
    static void name(const v128_t *a, v128_t *r, uint64_t *fpsr) { \
        __asm__ volatile("ldr q5, [%0]\n\tmsr fpsr, xzr\n\t" aliased "\n\tmrs x9, fpsr\n\tstr q5, [%1]\n\tstr x9, [%2]\n\t" \
                         "ldr q0, [%0]\n\tldr q1, [%0]\n\tldr q6, [%0]\n\tmsr fpsr, xzr\n\t" distinct "\n\tmrs x9, fpsr\n\t" \
                         "str q6, [%1, #16]\n\tstr x9, [%2, #8]" \
                         :: "r"(a), "r"(r), "r"(fpsr) : "v0", "v1", "v5", "v6", "x9", "memory"); }

PAIR(t_ssra, "ssra v5.2d, v5.2d, #1", "ssra v6.2d, v0.2d, #1")
PAIR(t_ursra, "ursra v5.16b, v5.16b, #8", "ursra v6.16b, v0.16b, #8")
PAIR(t_sli, "sli v5.4s, v5.4s, #5", "sli v6.4s, v0.4s, #5")
PAIR(t_sri, "sri v5.8h, v5.8h, #3", "sri v6.8h, v0.8h, #3")
PAIR(t_sqshlu, "sqshlu v5.16b, v5.16b, #2", "sqshlu v6.16b, v0.16b, #2")
PAIR(t_sqrshrn2, "sqrshrn2 v5.16b, v5.8h, #3", "sqrshrn2 v6.16b, v0.8h, #3")
PAIR(t_shrn2, "shrn2 v5.4s, v5.2d, #17", "shrn2 v6.4s, v0.2d, #17")
PAIR(t_ushll2, "ushll2 v5.2d, v5.4s, #7", "ushll2 v6.2d, v0.4s, #7")
PAIR(t_sqrshl, "sqrshl v5.8h, v5.8h, v5.8h", "sqrshl v6.8h, v0.8h, v1.8h")
PAIR(t_ushl, "ushl v5.16b, v5.16b, v5.16b", "ushl v6.16b, v0.16b, v1.16b")
PAIR(t_umlal2, "umlal2 v5.2d, v5.4s, v5.4s", "umlal2 v6.2d, v0.4s, v1.4s")
PAIR(t_sqdmlsl, "sqdmlsl v5.4s, v5.4h, v5.4h", "sqdmlsl v6.4s, v0.4h, v1.4h")
PAIR(t_sqdmlal_s, "sqdmlal d5, s5, s5", "sqdmlal d6, s0, s1")
PAIR(t_sabal2, "sabal2 v5.8h, v5.16b, v5.16b", "sabal2 v6.8h, v0.16b, v1.16b")
PAIR(t_usubw2, "usubw2 v5.4s, v5.4s, v5.8h", "usubw2 v6.4s, v0.4s, v1.8h")
PAIR(t_raddhn2, "raddhn2 v5.8h, v5.4s, v5.4s", "raddhn2 v6.8h, v0.4s, v1.4s")
PAIR(t_sqxtun2, "sqxtun2 v5.16b, v5.8h", "sqxtun2 v6.16b, v0.8h")
PAIR(t_xtn2, "xtn2 v5.4s, v5.2d", "xtn2 v6.4s, v0.2d")
PAIR(t_shll2, "shll2 v5.4s, v5.8h, #16", "shll2 v6.4s, v0.8h, #16")
PAIR(t_uqxtn_s, "uqxtn h5, s5", "uqxtn h6, s0")

typedef void (*fn_t)(const v128_t *, v128_t *, uint64_t *);
static const struct { const char *name; fn_t fn; } tests[] = {
    { "ssra", t_ssra }, { "ursra", t_ursra }, { "sli", t_sli }, { "sri", t_sri }, { "sqshlu", t_sqshlu },
    { "sqrshrn2", t_sqrshrn2 }, { "shrn2", t_shrn2 }, { "ushll2", t_ushll2 }, { "sqrshl", t_sqrshl },
    { "ushl", t_ushl }, { "umlal2", t_umlal2 }, { "sqdmlsl", t_sqdmlsl }, { "sqdmlal d", t_sqdmlal_s },
    { "sabal2", t_sabal2 }, { "usubw2", t_usubw2 }, { "raddhn2", t_raddhn2 }, { "sqxtun2", t_sqxtun2 },
    { "xtn2", t_xtn2 }, { "shll2", t_shll2 }, { "uqxtn h", t_uqxtn_s },
};

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN: FP/SIMD at EL1 */
    for (unsigned t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            v128_t r[2];
            uint64_t fpsr[2];
            tests[t].fn(&vals[i], r, fpsr);
            print_str(tests[t].name);
            print_str(": ");
            print_hex64(r[0].hi);
            print_char('_');
            print_hex64(r[0].lo);
            print_str(" fpsr ");
            print_hex(fpsr[0]);
            print_nl();
            CHECK(r[0].lo == r[1].lo && r[0].hi == r[1].hi, "aliased result equals the distinct-register one");
            CHECK(fpsr[0] == fpsr[1], "aliased FPSR equals the distinct-register one");
        }
    }
    return test_finish("simd_shift_alias");
}
