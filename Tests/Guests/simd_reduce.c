/* AdvSIMD across-lane and pairwise integer ops on both engines against
 * QEMU 7.2: ADDV, SMAXV, UMAXV, SMINV, UMINV, SADDLV, UADDLV, ADDP (vector
 * and scalar Dd, Vn.2D), SMAXP, UMAXP, SMINP, UMINP, SADDLP, UADDLP, SADALP,
 * UADALP in every arrangement, on lanes of zero, all ones, the signed
 * extremes and mixed patterns (sums that carry out of the lane, wrap in the
 * accumulator). Each result is printed and checked against a C model;
 * 64-bit forms zero bits 127:64, scalar results the rest of V0; FPSR stays 0.
 * Then the same on random operands: checked, and folded into a printed checksum. */
#include "simdcheck.h"

#define R(i) simd_regs[i]

enum { ADD, SMAX, UMAX, SMIN, UMIN };

static uint64_t step(int kind, uint64_t x, uint64_t y, int bits)
{
    switch (kind) {
    case ADD: return (x + y) & lane_mask(bits);
    case SMAX: return sx(x, bits) >= sx(y, bits) ? x : y;
    case UMAX: return x >= y ? x : y;
    case SMIN: return sx(x, bits) <= sx(y, bits) ? x : y;
    default: return x <= y ? x : y;
    }
}

static vec m_across(int kind, int bits, int q, vec n)
{
    int lanes = (q ? 128 : 64) / bits;
    uint64_t acc = vget(n, 0, bits);
    for (int e = 1; e < lanes; e++) acc = step(kind, acc, vget(n, e, bits), bits);
    return vmake(acc, 0);
}

static vec m_addlv(int sign, int bits, int q, vec n)
{
    int lanes = (q ? 128 : 64) / bits;
    uint64_t sum = 0;
    for (int e = 0; e < lanes; e++) sum += sign ? (uint64_t)sx(vget(n, e, bits), bits) : vget(n, e, bits);
    return vmake(sum & lane_mask(2 * bits), 0);
}

static vec m_pair(int kind, int bits, int q, vec n, vec m)
{
    int lanes = (q ? 128 : 64) / bits, half = lanes / 2;
    vec r = vmake(0, 0);
    for (int e = 0; e < lanes; e++) {
        vec s = e < half ? n : m;
        int p = 2 * (e % half);
        vput(&r, e, bits, step(kind, vget(s, p, bits), vget(s, p + 1, bits), bits));
    }
    return r;
}

static vec m_addlp(int sign, int acc, int bits, int q, vec n, vec old)
{
    int wide = 2 * bits;
    vec r = vmake(0, 0);
    for (int e = 0; e < (q ? 128 : 64) / wide; e++) {
        uint64_t x = vget(n, 2 * e, bits), y = vget(n, 2 * e + 1, bits);
        uint64_t s = sign ? (uint64_t)(sx(x, bits) + sx(y, bits)) : x + y;
        if (acc) s += vget(old, e, wide);
        vput(&r, e, wide, s & lane_mask(wide));
    }
    return r;
}

#define ACR(op, kind, reg, arr, bits, q) T(#op " " #arr, #op " " #reg "0, v1." #arr, m_across(kind, bits, q, R(1)))
#define ACR_ALL(op, kind) \
    ACR(op, kind, b, 8b, 8, 0); ACR(op, kind, b, 16b, 8, 1); ACR(op, kind, h, 4h, 16, 0); \
    ACR(op, kind, h, 8h, 16, 1); ACR(op, kind, s, 4s, 32, 1)
#define ADDLV(op, sign, reg, arr, bits, q) T(#op " " #arr, #op " " #reg "0, v1." #arr, m_addlv(sign, bits, q, R(1)))
#define ADDLV_ALL(op, sign) \
    ADDLV(op, sign, h, 8b, 8, 0); ADDLV(op, sign, h, 16b, 8, 1); ADDLV(op, sign, s, 4h, 16, 0); \
    ADDLV(op, sign, s, 8h, 16, 1); ADDLV(op, sign, d, 4s, 32, 1)
#define PAIR(op, kind, arr, bits, q) \
    T(#op " " #arr, #op " v0." #arr ", v1." #arr ", v2." #arr, m_pair(kind, bits, q, R(1), R(2)))
#define PAIR_BHS(op, kind) \
    PAIR(op, kind, 8b, 8, 0); PAIR(op, kind, 16b, 8, 1); PAIR(op, kind, 4h, 16, 0); PAIR(op, kind, 8h, 16, 1); \
    PAIR(op, kind, 2s, 32, 0); PAIR(op, kind, 4s, 32, 1)
#define ADDLP(op, sign, acc, wa, na, bits, q) \
    T(#op " " #na, #op " v0." #wa ", v1." #na, m_addlp(sign, acc, bits, q, R(1), R(0)))
#define ADDLP_ALL(op, sign, acc) \
    ADDLP(op, sign, acc, 4h, 8b, 8, 0); ADDLP(op, sign, acc, 8h, 16b, 8, 1); ADDLP(op, sign, acc, 2s, 4h, 16, 0); \
    ADDLP(op, sign, acc, 4s, 8h, 16, 1); ADDLP(op, sign, acc, 1d, 2s, 32, 0); ADDLP(op, sign, acc, 2d, 4s, 32, 1)

static const uint64_t inputs[][4] = {   /* v1 lo, hi, v2 lo, hi */
    { 0xffffffffffffffffull, 0xffffffffffffffffull, 0x8080808080808080ull, 0x8000800080000000ull },
    { 0x8000000080008080ull, 0x7fffffff7fff7f7full, 0x0000000000000000ull, 0x0000000000000001ull },
    { 0x0123456789abcdefull, 0xfedcba9876543210ull, 0x7f7f7f7f7fff7fffull, 0x7fffffff7fffffffull },
    { 0x0000000100010101ull, 0xfffffffefffefe80ull, 0xf0e1d2c3b4a59687ull, 0x00ff00ffff0000ffull },
};

static const uint64_t accumulators[][2] = {
    { 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull },
    { 0xffffffffffffffffull, 0x8000000000000000ull },
};

static void all_ops(void)
{
    ACR_ALL(addv, ADD);
    ACR_ALL(smaxv, SMAX);
    ACR_ALL(umaxv, UMAX);
    ACR_ALL(sminv, SMIN);
    ACR_ALL(uminv, UMIN);
    ADDLV_ALL(saddlv, 1);
    ADDLV_ALL(uaddlv, 0);
    PAIR_BHS(addp, ADD);
    PAIR(addp, ADD, 2d, 64, 1);
    PAIR_BHS(smaxp, SMAX);
    PAIR_BHS(umaxp, UMAX);
    PAIR_BHS(sminp, SMIN);
    PAIR_BHS(uminp, UMIN);
    T("addp d", "addp d0, v1.2d", m_across(ADD, 64, 1, R(1)));
    ADDLP_ALL(saddlp, 1, 0);
    ADDLP_ALL(uaddlp, 0, 0);
    ADDLP_ALL(sadalp, 1, 1);
    ADDLP_ALL(uadalp, 0, 1);
}

int main(void)
{
    simd_enable();
    for (unsigned k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        R(1) = vmake(inputs[k][0], inputs[k][1]);
        R(2) = vmake(inputs[k][2], inputs[k][3]);
        R(0) = vmake(accumulators[k & 1][0], accumulators[k & 1][1]);
        print_str("v1 "); print_hex64(R(1).d[1]); print_str(" "); print_hex64(R(1).d[0]);
        print_str(" v2 "); print_hex64(R(2).d[1]); print_str(" "); print_hex64(R(2).d[0]); print_nl();
        all_ops();
        print_reg("fpsr", read_fpsr());
    }
    simd_quiet = 1;
    for (int k = 0; k < 300; k++) { simd_randomize(); all_ops(); }
    simd_quiet = 0;
    simd_print_sum("random checksum");
    print_reg("fpsr random", read_fpsr());
    /* Sources that are the destination. */
    R(0) = vmake(0x0123456789abcdefull, 0x8000000000000001ull);
    T("addp 4s v0,v0,v0", "addp v0.4s, v0.4s, v0.4s", m_pair(ADD, 32, 1, R(0), R(0)));
    T("uadalp 8h v0,v0", "uadalp v0.8h, v0.16b", m_addlp(0, 1, 8, 1, R(0), R(0)));
    T("uminv b0, v0", "uminv b0, v0.16b", m_across(UMIN, 8, 1, R(0)));
    return test_finish("simd_reduce");
}
