/* AdvSIMD permutes on both engines against QEMU 7.2: ZIP1/ZIP2, UZP1/UZP2,
 * TRN1/TRN2 in every arrangement, EXT (8B and 16B, first, middle and last
 * positions), TBL/TBX with one to four table registers (8B and 16B, indices
 * in each register, past the table, 0xFF, a register list wrapping from V31
 * to V0, the destination inside the list). Each result is printed and
 * checked against a C model; 64-bit forms zero bits 127:64; FPSR stays 0.
 * Then the same on random operands: checked, and folded into a printed checksum. */
#include "simdcheck.h"

#define R(i) simd_regs[i]

enum { ZIP1, ZIP2, UZP1, UZP2, TRN1, TRN2 };

static vec m_perm(int kind, int bits, int q, vec n, vec m)
{
    int lanes = (q ? 128 : 64) / bits, half = lanes / 2;
    vec r = vmake(0, 0);
    for (int p = 0; p < half; p++) {
        switch (kind) {
        case ZIP1: case ZIP2: {
            int base = kind == ZIP1 ? 0 : half;
            vput(&r, 2 * p, bits, vget(n, base + p, bits));
            vput(&r, 2 * p + 1, bits, vget(m, base + p, bits));
            break;
        }
        case TRN1: case TRN2: {
            int odd = kind == TRN2;
            vput(&r, 2 * p, bits, vget(n, 2 * p + odd, bits));
            vput(&r, 2 * p + 1, bits, vget(m, 2 * p + odd, bits));
            break;
        }
        }
    }
    if (kind == UZP1 || kind == UZP2) {
        int odd = kind == UZP2;
        for (int e = 0; e < lanes; e++) {
            int s = 2 * e + odd;
            vput(&r, e, bits, s < lanes ? vget(n, s, bits) : vget(m, s - lanes, bits));
        }
    }
    return r;
}

static vec m_ext(int q, int pos, vec n, vec m)
{
    int bytes = q ? 16 : 8;
    vec r = vmake(0, 0);
    for (int i = 0; i < bytes; i++) {
        int s = i + pos;
        vput(&r, i, 8, s < bytes ? vget(n, s, 8) : vget(m, s - bytes, 8));
    }
    return r;
}

/* The saved copy of register reg (v0-v5, v31). */
static vec reg(int r) { return r == 31 ? R(6) : R(r); }

static vec m_tbl(int tbx, int q, int first, int len, vec idx)
{
    vec r = tbx ? R(0) : vmake(0, 0);
    for (int i = 0; i < 16; i++) {
        unsigned x = vget(idx, i, 8);
        if (x < 16u * len) vput(&r, i, 8, vget(reg((first + x / 16) % 32), x % 16, 8));
    }
    return vq(r, q);
}

#define PERM(op, kind, arr, bits, q) \
    T(#op " " #arr, #op " v0." #arr ", v1." #arr ", v2." #arr, m_perm(kind, bits, q, R(1), R(2)))
#define PERM_ALL(op, kind) \
    PERM(op, kind, 8b, 8, 0); PERM(op, kind, 16b, 8, 1); PERM(op, kind, 4h, 16, 0); PERM(op, kind, 8h, 16, 1); \
    PERM(op, kind, 2s, 32, 0); PERM(op, kind, 4s, 32, 1); PERM(op, kind, 2d, 64, 1)

static const uint8_t index_sets[3][16] = {
    { 0, 15, 16, 31, 32, 47, 48, 63, 64, 255, 5, 17, 33, 49, 128, 0x3f },
    { 3, 3, 0, 1, 2, 4, 8, 12, 14, 15, 11, 7, 6, 9, 10, 13 },
    { 80, 18, 20, 70, 35, 36, 200, 54, 60, 1, 16, 0x40, 0x30, 0x2f, 0x1f, 0x0f },
};

static void table_ops(void)
{
    T("tbl 16b 1", "tbl v0.16b, {v1.16b}, v5.16b", m_tbl(0, 1, 1, 1, R(5)));
    T("tbl 16b 2", "tbl v0.16b, {v1.16b, v2.16b}, v5.16b", m_tbl(0, 1, 1, 2, R(5)));
    T("tbl 16b 3", "tbl v0.16b, {v1.16b, v2.16b, v3.16b}, v5.16b", m_tbl(0, 1, 1, 3, R(5)));
    T("tbl 16b 4", "tbl v0.16b, {v1.16b, v2.16b, v3.16b, v4.16b}, v5.16b", m_tbl(0, 1, 1, 4, R(5)));
    T("tbl 8b 1", "tbl v0.8b, {v1.16b}, v5.8b", m_tbl(0, 0, 1, 1, R(5)));
    T("tbl 8b 2", "tbl v0.8b, {v2.16b, v3.16b}, v5.8b", m_tbl(0, 0, 2, 2, R(5)));
    T("tbl 8b 3", "tbl v0.8b, {v1.16b, v2.16b, v3.16b}, v5.8b", m_tbl(0, 0, 1, 3, R(5)));
    T("tbl 8b 4", "tbl v0.8b, {v2.16b, v3.16b, v4.16b, v5.16b}, v5.8b", m_tbl(0, 0, 2, 4, R(5)));
    T("tbx 16b 1", "tbx v0.16b, {v1.16b}, v5.16b", m_tbl(1, 1, 1, 1, R(5)));
    T("tbx 16b 2", "tbx v0.16b, {v1.16b, v2.16b}, v5.16b", m_tbl(1, 1, 1, 2, R(5)));
    T("tbx 16b 3", "tbx v0.16b, {v2.16b, v3.16b, v4.16b}, v5.16b", m_tbl(1, 1, 2, 3, R(5)));
    T("tbx 16b 4", "tbx v0.16b, {v1.16b, v2.16b, v3.16b, v4.16b}, v5.16b", m_tbl(1, 1, 1, 4, R(5)));
    T("tbx 8b 1", "tbx v0.8b, {v3.16b}, v5.8b", m_tbl(1, 0, 3, 1, R(5)));
    T("tbx 8b 2", "tbx v0.8b, {v1.16b, v2.16b}, v5.8b", m_tbl(1, 0, 1, 2, R(5)));
    T("tbx 8b 3", "tbx v0.8b, {v1.16b, v2.16b, v3.16b}, v5.8b", m_tbl(1, 0, 1, 3, R(5)));
    T("tbx 8b 4", "tbx v0.8b, {v1.16b, v2.16b, v3.16b, v4.16b}, v5.8b", m_tbl(1, 0, 1, 4, R(5)));
    T("tbl wrap v31-v1", "tbl v0.16b, {v31.16b, v0.16b, v1.16b}, v5.16b", m_tbl(0, 1, 31, 3, R(5)));
    T("tbx wrap v31-v2", "tbx v0.16b, {v31.16b, v0.16b, v1.16b, v2.16b}, v5.16b", m_tbl(1, 1, 31, 4, R(5)));
    T("tbl dest in list", "tbl v0.16b, {v0.16b, v1.16b}, v5.16b", m_tbl(0, 1, 0, 2, R(5)));
}

static void tables(void)
{
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 16; i++) vput(&R(5), i, 8, index_sets[k][i]);
        print_str("indices "); print_hex64(R(5).d[1]); print_str(" "); print_hex64(R(5).d[0]); print_nl();
        table_ops();
    }
}

static void permutes(void)
{
    PERM_ALL(zip1, ZIP1);
    PERM_ALL(zip2, ZIP2);
    PERM_ALL(uzp1, UZP1);
    PERM_ALL(uzp2, UZP2);
    PERM_ALL(trn1, TRN1);
    PERM_ALL(trn2, TRN2);
    T("zip1 4s v0,v0,v1", "zip1 v0.4s, v0.4s, v1.4s", m_perm(ZIP1, 32, 1, R(0), R(1)));
    T("uzp2 8b v0,v1,v0", "uzp2 v0.8b, v1.8b, v0.8b", m_perm(UZP2, 8, 0, R(1), R(0)));
    T("ext 8b #0", "ext v0.8b, v1.8b, v2.8b, #0", vq(m_ext(0, 0, R(1), R(2)), 0));
    T("ext 8b #3", "ext v0.8b, v1.8b, v2.8b, #3", vq(m_ext(0, 3, R(1), R(2)), 0));
    T("ext 8b #7", "ext v0.8b, v1.8b, v2.8b, #7", vq(m_ext(0, 7, R(1), R(2)), 0));
    T("ext 16b #0", "ext v0.16b, v1.16b, v2.16b, #0", m_ext(1, 0, R(1), R(2)));
    T("ext 16b #1", "ext v0.16b, v1.16b, v2.16b, #1", m_ext(1, 1, R(1), R(2)));
    T("ext 16b #8", "ext v0.16b, v1.16b, v2.16b, #8", m_ext(1, 8, R(1), R(2)));
    T("ext 16b #15", "ext v0.16b, v1.16b, v2.16b, #15", m_ext(1, 15, R(1), R(2)));
    T("ext 16b v0,v0,v0 #9", "ext v0.16b, v0.16b, v0.16b, #9", m_ext(1, 9, R(0), R(0)));
}

int main(void)
{
    simd_enable();
    for (int i = 0; i < 16; i++) {
        vput(&R(0), i, 8, 0xa0 + i);
        vput(&R(1), i, 8, 0x10 + i);
        vput(&R(2), i, 8, 0x20 + i);
        vput(&R(3), i, 8, 0x30 + i);
        vput(&R(4), i, 8, 0x40 + i);
        vput(&R(5), i, 8, 0x50 + i);
        vput(&R(6), i, 8, 0xf0 + i);
    }
    permutes();
    print_reg("fpsr permutes", read_fpsr());
    tables();
    print_reg("fpsr tables", read_fpsr());
    /* Random operands and indices (mostly within the four-register table). */
    simd_quiet = 1;
    for (int k = 0; k < 200; k++) {
        simd_randomize();
        if (k % 4 != 3) { R(5).d[0] &= 0x3f3f3f3f3f3f3f3full; R(5).d[1] &= 0x3f3f3f3f3f3f3f3full; }
        permutes();
        table_ops();
    }
    simd_print_sum("random checksum");
    print_reg("fpsr random", read_fpsr());
    return test_finish("simd_permute");
}
