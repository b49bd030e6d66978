/* AdvSIMD bit counts and reversals on both engines against QEMU 7.2: CNT,
 * CLZ, CLS, RBIT, REV16, REV32, REV64 in every arrangement, on lanes of
 * zero, all ones, the signed extremes, single bits and mixed patterns.
 * Each result is printed and checked against a C model; 64-bit forms zero
 * bits 127:64; FPSR stays 0.
 * Then the same on random operands: checked, and folded into a printed checksum. */
#include "simdcheck.h"

#define R(i) simd_regs[i]

enum { CNT, CLZ, CLS, RBIT };

static uint64_t count(int kind, uint64_t x, int bits)
{
    uint64_t n = 0;
    switch (kind) {
    case CNT:
        for (int i = 0; i < bits; i++) n += (x >> i) & 1;
        return n;
    case CLZ:
        for (int i = bits - 1; i >= 0 && !((x >> i) & 1); i--) n++;
        return n;
    case CLS: {
        uint64_t sign = (x >> (bits - 1)) & 1;
        for (int i = bits - 2; i >= 0 && ((x >> i) & 1) == sign; i--) n++;
        return n;
    }
    default:
        for (int i = 0; i < bits; i++) n |= ((x >> i) & 1) << (bits - 1 - i);
        return n;
    }
}

static vec m_count(int kind, int bits, int q, vec n)
{
    vec r = vmake(0, 0);
    for (int e = 0; e < 128 / bits; e++) vput(&r, e, bits, count(kind, vget(n, e, bits), bits));
    return vq(r, q);
}

/* REV<container>: lanes of `bits` reversed within each container. */
static vec m_rev(int container, int bits, int q, vec n)
{
    vec r = vmake(0, 0);
    int per = container / bits;
    for (int e = 0; e < 128 / bits; e++) vput(&r, (e / per) * per + per - 1 - e % per, bits, vget(n, e, bits));
    return vq(r, q);
}

#define C(op, kind, arr, bits, q) T(#op " " #arr, #op " v0." #arr ", v1." #arr, m_count(kind, bits, q, R(1)))
#define REV(op, cont, arr, bits, q) T(#op " " #arr, #op " v0." #arr ", v1." #arr, m_rev(cont, bits, q, R(1)))
#define C_BHS(op, kind) \
    C(op, kind, 8b, 8, 0); C(op, kind, 16b, 8, 1); C(op, kind, 4h, 16, 0); C(op, kind, 8h, 16, 1); \
    C(op, kind, 2s, 32, 0); C(op, kind, 4s, 32, 1)

static const uint64_t inputs[][2] = {
    { 0x0000000000000000ull, 0xffffffffffffffffull },
    { 0x8000000080008080ull, 0x7fffffff7fff7f7full },
    { 0x0000000100010101ull, 0xfffffffefffefefeull },
    { 0x40000000c0004020ull, 0x3fffffffbfff1008ull },
    { 0x0123456789abcdefull, 0xfedcba9876543210ull },
    { 0xf0e1d2c3b4a59687ull, 0x00ff00ffff0000ffull },
};

static void all_ops(void)
{
    C(cnt, CNT, 8b, 8, 0); C(cnt, CNT, 16b, 8, 1);
    C_BHS(clz, CLZ);
    C_BHS(cls, CLS);
    C(rbit, RBIT, 8b, 8, 0); C(rbit, RBIT, 16b, 8, 1);
    REV(rev16, 16, 8b, 8, 0); REV(rev16, 16, 16b, 8, 1);
    REV(rev32, 32, 8b, 8, 0); REV(rev32, 32, 16b, 8, 1); REV(rev32, 32, 4h, 16, 0); REV(rev32, 32, 8h, 16, 1);
    REV(rev64, 64, 8b, 8, 0); REV(rev64, 64, 16b, 8, 1); REV(rev64, 64, 4h, 16, 0); REV(rev64, 64, 8h, 16, 1);
    REV(rev64, 64, 2s, 32, 0); REV(rev64, 64, 4s, 32, 1);
}

int main(void)
{
    simd_enable();
    for (unsigned k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        R(1) = vmake(inputs[k][0], inputs[k][1]);
        R(0) = vmake(0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull);
        print_str("input "); print_hex64(R(1).d[1]); print_str(" "); print_hex64(R(1).d[0]); print_nl();
        all_ops();
        print_reg("fpsr", read_fpsr());
    }
    simd_quiet = 1;
    for (int k = 0; k < 300; k++) { simd_randomize(); all_ops(); }
    simd_quiet = 0;
    simd_print_sum("random checksum");
    print_reg("fpsr random", read_fpsr());
    /* In place: the source is the destination. */
    R(0) = vmake(0x0123456789abcdefull, 0x8000000000000001ull);
    T("cnt 16b v0,v0", "cnt v0.16b, v0.16b", m_count(CNT, 8, 1, R(0)));
    T("rev64 4s v0,v0", "rev64 v0.4s, v0.4s", m_rev(64, 32, 1, R(0)));
    return test_finish("simd_bitcount");
}
