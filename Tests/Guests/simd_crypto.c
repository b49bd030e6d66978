/* The cryptographic extension on both engines against QEMU 7.2: AESE, AESD,
 * AESMC, AESIMC, SHA1C/P/M/H/SU0/SU1, SHA256H/H2/SU0/SU1, SHA512H/H2/SU0/SU1,
 * EOR3, BCAX, RAX1, XAR, PMULL/PMULL2 (8-bit and 64x64). Each instruction
 * runs on two sets of inputs and its result is printed (QEMU compares them);
 * the known answers come through the instructions themselves: AES-128 of
 * FIPS-197 appendix C.1 (encryption and the equivalent inverse cipher), the
 * FIPS 180-4 digests of "abc" with SHA-1, SHA-256 and SHA-512, and PMULL
 * against a carry-less multiply in C. The SHA constants are the fractional
 * parts of the cube roots of the first primes (computed in Python). */
#include <arm_neon.h>
#include "semihost.h"

#define CRYPTO __attribute__((target("+aes,+sha2,+sha3")))

static const uint64_t inputs[2][8] __attribute__((aligned(16))) = {
    { 0x8000ff7f0102fe80ull, 0x7fffffff80000001ull,   /* v1 */
      0x0123456789abcdefull, 0xfedcba9876543210ull,   /* v2 */
      0xdeadbeefcafef00dull, 0x0f1e2d3c4b5a6978ull,   /* v3 (the destination's old value) */
      0x5555aaaa3333ccccull, 0x00ff00ff0f0f0f0full }, /* v4 (Va) */
    { 0x243f6a8885a308d3ull, 0x13198a2e03707344ull,
      0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull,
      0x452821e638d01377ull, 0xbe5466cf34e90c6cull,
      0xc0ac29b7c97c50ddull, 0x3f84d5b5b5470917ull },
};
static uint64_t out[2] __attribute__((aligned(16)));

/* Loads v1..v4 (v0 = v3), runs insn (result in v0), stores v0 and prints it. */
#define T(src, name, insn) do { \
    __asm__ volatile("ldp q1, q2, [%0]\n\tldp q3, q4, [%0, #32]\n\tmov v0.16b, v3.16b\n\t" insn "\n\tstr q0, [%1]" \
                     :: "r"(src), "r"(out) : "v0", "v1", "v2", "v3", "v4", "memory"); \
    print_str(name); print_str(": "); print_hex64(out[1]); print_str(" "); print_hex64(out[0]); print_nl(); \
} while (0)

CRYPTO static void each_instruction(const uint64_t *s)
{
    T(s, "aese", "aese v0.16b, v1.16b");
    T(s, "aesd", "aesd v0.16b, v2.16b");
    T(s, "aesmc", "aesmc v0.16b, v1.16b");
    T(s, "aesimc", "aesimc v0.16b, v2.16b");
    T(s, "aesmc same reg", "aesmc v0.16b, v0.16b");
    T(s, "sha1c", "sha1c q0, s1, v2.4s");
    T(s, "sha1p", "sha1p q0, s2, v1.4s");
    T(s, "sha1m", "sha1m q0, s4, v2.4s");
    T(s, "sha1h", "sha1h s0, s1");
    T(s, "sha1h hi", "sha1h s0, s2");
    T(s, "sha1su0", "sha1su0 v0.4s, v1.4s, v2.4s");
    T(s, "sha1su1", "sha1su1 v0.4s, v2.4s");
    T(s, "sha256h", "sha256h q0, q1, v2.4s");
    T(s, "sha256h2", "sha256h2 q0, q2, v4.4s");
    T(s, "sha256su0", "sha256su0 v0.4s, v1.4s");
    T(s, "sha256su1", "sha256su1 v0.4s, v1.4s, v2.4s");
    T(s, "sha512h", "sha512h q0, q1, v2.2d");
    T(s, "sha512h2", "sha512h2 q0, q2, v4.2d");
    T(s, "sha512su0", "sha512su0 v0.2d, v1.2d");
    T(s, "sha512su1", "sha512su1 v0.2d, v1.2d, v2.2d");
    T(s, "eor3", "eor3 v0.16b, v1.16b, v2.16b, v4.16b");
    T(s, "bcax", "bcax v0.16b, v1.16b, v2.16b, v4.16b");
    T(s, "rax1", "rax1 v0.2d, v1.2d, v2.2d");
    T(s, "xar #0", "xar v0.2d, v1.2d, v2.2d, #0");
    T(s, "xar #1", "xar v0.2d, v1.2d, v2.2d, #1");
    T(s, "xar #63", "xar v0.2d, v1.2d, v4.2d, #63");
    T(s, "xar #37", "xar v0.2d, v2.2d, v4.2d, #37");
    T(s, "pmull 8h", "pmull v0.8h, v1.8b, v2.8b");
    T(s, "pmull2 8h", "pmull2 v0.8h, v1.16b, v4.16b");
    T(s, "pmull 1q", "pmull v0.1q, v1.1d, v2.1d");
    T(s, "pmull2 1q", "pmull2 v0.1q, v2.2d, v4.2d");
    T(s, "pmull 1q same", "pmull v0.1q, v4.1d, v4.1d");
}

/* ---- carry-less multiply in C ---- */
static void clmul64(uint64_t x, uint64_t y, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = 0, h = 0;
    for (int i = 0; i < 64; i++)
        if ((y >> i) & 1) { l ^= x << i; if (i) h ^= x >> (64 - i); }
    *lo = l; *hi = h;
}

static void expect(const char *what, uint64_t got, uint64_t exp)
{
    if (got != exp) {
        print_str("FAIL: "); print_str(what); print_str(" got "); print_hex64(got);
        print_str(" expected "); print_hex64(exp); print_nl();
        g_failures++;
    }
}

CRYPTO static void check_pmull(void)
{
    for (int k = 0; k < 2; k++) {
        const uint64_t *s = inputs[k];
        uint64_t lo, hi;
        poly128_t p = vmull_p64((poly64_t)s[0], (poly64_t)s[2]);
        uint64_t r[2];
        __builtin_memcpy(r, &p, 16);
        clmul64(s[0], s[2], &lo, &hi);
        expect("pmull 1q lo", r[0], lo);
        expect("pmull 1q hi", r[1], hi);
        poly16x8_t q = vmull_p8(vreinterpret_p8_u64(vcreate_u64(s[1])), vreinterpret_p8_u64(vcreate_u64(s[3])));
        uint16_t h[8];
        vst1q_u16(h, vreinterpretq_u16_p16(q));
        for (int e = 0; e < 8; e++) {
            clmul64((s[1] >> (8 * e)) & 0xff, (s[3] >> (8 * e)) & 0xff, &lo, &hi);
            expect("pmull 8h lane", h[e], lo);
        }
    }
    print_str("pmull checked against C\n");
}

/* ---- AES-128 (FIPS-197 C.1) ---- */
static const uint8_t aes_key[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t aes_pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
static const uint8_t aes_ct[16] = { 0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                    0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a };
static uint32_t rk[44] __attribute__((aligned(16)));
static uint8_t dk[11][16] __attribute__((aligned(16)));

/* SubWord through AESE with a zero round key: with four equal columns, ShiftRows changes nothing. */
CRYPTO static uint32_t sub_word(uint32_t w)
{
    uint32_t v[4] __attribute__((aligned(16)));
    vst1q_u32(v, vreinterpretq_u32_u8(vaeseq_u8(vreinterpretq_u8_u32(vdupq_n_u32(w)), vdupq_n_u8(0))));
    return v[0];
}

static void print_block(const char *name, const uint8_t *b, int n)
{
    print_str(name); print_str(": ");
    for (int i = 0; i < n; i++) { static const char hx[] = "0123456789abcdef"; print_char(hx[b[i] >> 4]); print_char(hx[b[i] & 15]); }
    print_nl();
}

CRYPTO static void check_aes(void)
{
    static const uint8_t rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
    __builtin_memcpy(rk, aes_key, 16);
    for (int i = 4; i < 44; i++) {
        uint32_t t = rk[i - 1];
        if (i % 4 == 0) t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / 4 - 1];
        rk[i] = rk[i - 4] ^ t;
    }
    expect("aes round key 10 word 3", rk[43], 0xc5302b4dull);   /* bytes 13 11 1d 7f e3 94 4a 17 f3 07 a7 8b 4d 2b 30 c5 */
    uint8x16_t st = vld1q_u8(aes_pt);
    for (int r = 0; r < 9; r++) st = vaesmcq_u8(vaeseq_u8(st, vld1q_u8((const uint8_t *)&rk[4 * r])));
    st = veorq_u8(vaeseq_u8(st, vld1q_u8((const uint8_t *)&rk[36])), vld1q_u8((const uint8_t *)&rk[40]));
    uint8_t ct[16] __attribute__((aligned(16)));
    vst1q_u8(ct, st);
    print_block("aes-128 encrypt", ct, 16);
    for (int i = 0; i < 16; i++) expect("aes ciphertext byte", ct[i], aes_ct[i]);

    /* The equivalent inverse cipher: InvMixColumns on the middle round keys. */
    vst1q_u8(dk[0], vld1q_u8((const uint8_t *)&rk[40]));
    for (int r = 1; r < 10; r++) vst1q_u8(dk[r], vaesimcq_u8(vld1q_u8((const uint8_t *)&rk[40 - 4 * r])));
    vst1q_u8(dk[10], vld1q_u8((const uint8_t *)&rk[0]));
    st = vld1q_u8(ct);
    for (int r = 0; r < 9; r++) st = vaesimcq_u8(vaesdq_u8(st, vld1q_u8(dk[r])));
    st = veorq_u8(vaesdq_u8(st, vld1q_u8(dk[9])), vld1q_u8(dk[10]));
    uint8_t pt[16] __attribute__((aligned(16)));
    vst1q_u8(pt, st);
    print_block("aes-128 decrypt", pt, 16);
    for (int i = 0; i < 16; i++) expect("aes plaintext byte", pt[i], aes_pt[i]);
}

/* ---- SHA-1, SHA-256, SHA-512 of "abc" (one padded block each) ---- */
static const uint32_t K256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint64_t K512[80] __attribute__((aligned(16))) = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
    0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
    0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
    0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
    0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
    0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
    0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
    0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
    0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
    0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
    0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
    0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
    0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
    0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

static void pad_abc(uint8_t *block, int size)
{
    __builtin_memset(block, 0, size);
    block[0] = 'a'; block[1] = 'b'; block[2] = 'c'; block[3] = 0x80;
    block[size - 1] = 24;   /* the length in bits, big-endian */
}

CRYPTO static void check_sha1(void)
{
    uint8_t block[64];
    uint32_t w[16] __attribute__((aligned(16)));
    pad_abc(block, 64);
    for (int i = 0; i < 16; i++) w[i] = be32(block + 4 * i);
    static const uint32_t init[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    static const uint32_t k[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6 };
    uint32x4_t abcd = vld1q_u32(init), abcd0 = abcd;
    uint32_t e = init[4];
    uint32x4_t msg[4] = { vld1q_u32(w), vld1q_u32(w + 4), vld1q_u32(w + 8), vld1q_u32(w + 12) };
    for (int i = 0; i < 20; i++) {
        uint32_t ki = k[i / 5];
        __asm__("" : "+r"(ki));   /* DUP from a general register (not LD1R) */
        uint32x4_t wk = vaddq_u32(msg[i % 4], vdupq_n_u32(ki));
        uint32_t v[4] __attribute__((aligned(16)));
        vst1q_u32(v, abcd);
        uint32_t e1 = vsha1h_u32(v[0]);
        if (i < 5) abcd = vsha1cq_u32(abcd, e, wk);
        else if (i < 10 || i >= 15) abcd = vsha1pq_u32(abcd, e, wk);
        else abcd = vsha1mq_u32(abcd, e, wk);
        e = e1;
        if (i < 16)
            msg[i % 4] = vsha1su1q_u32(vsha1su0q_u32(msg[i % 4], msg[(i + 1) % 4], msg[(i + 2) % 4]), msg[(i + 3) % 4]);
    }
    uint32_t h[4] __attribute__((aligned(16)));
    vst1q_u32(h, vaddq_u32(abcd, abcd0));
    static const uint32_t digest[5] = { 0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d };
    print_str("sha1(abc):");
    for (int i = 0; i < 4; i++) { print_char(' '); print_hex32(h[i]); expect("sha1 digest word", h[i], digest[i]); }
    print_char(' '); print_hex32(e + init[4]); print_nl();
    expect("sha1 digest word 4", e + init[4], digest[4]);
}

CRYPTO static void check_sha256(void)
{
    uint8_t block[64];
    uint32_t w[16] __attribute__((aligned(16)));
    pad_abc(block, 64);
    for (int i = 0; i < 16; i++) w[i] = be32(block + 4 * i);
    static const uint32_t init[8] __attribute__((aligned(16))) = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    uint32x4_t s0 = vld1q_u32(init), s1 = vld1q_u32(init + 4);
    uint32x4_t msg[4] = { vld1q_u32(w), vld1q_u32(w + 4), vld1q_u32(w + 8), vld1q_u32(w + 12) };
    for (int i = 0; i < 16; i++) {
        uint32x4_t wk = vaddq_u32(msg[i % 4], vld1q_u32(K256 + 4 * i));
        uint32x4_t t = s0;
        s0 = vsha256hq_u32(s0, s1, wk);
        s1 = vsha256h2q_u32(s1, t, wk);
        if (i < 12)
            msg[i % 4] = vsha256su1q_u32(vsha256su0q_u32(msg[i % 4], msg[(i + 1) % 4]), msg[(i + 2) % 4], msg[(i + 3) % 4]);
    }
    uint32_t h[8] __attribute__((aligned(16)));
    vst1q_u32(h, vaddq_u32(s0, vld1q_u32(init)));
    vst1q_u32(h + 4, vaddq_u32(s1, vld1q_u32(init + 4)));
    static const uint32_t digest[8] = { 0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                        0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad };
    print_str("sha256(abc):");
    for (int i = 0; i < 8; i++) { print_char(' '); print_hex32(h[i]); expect("sha256 digest word", h[i], digest[i]); }
    print_nl();
}

/* EXT #8 of two 64-bit pairs: (a[1], b[0]), with INS (element). */
CRYPTO static uint64x2_t ext8(uint64x2_t a, uint64x2_t b)
{
    uint64x2_t r;
    __asm__("mov %0.d[0], %1.d[1]\n\tmov %0.d[1], %2.d[0]" : "=&w"(r) : "w"(a), "w"(b));
    return r;
}

CRYPTO static void check_sha512(void)
{
    uint8_t block[128];
    uint64_t w[16] __attribute__((aligned(16)));
    pad_abc(block, 128);
    for (int i = 0; i < 16; i++) w[i] = be64(block + 8 * i);
    static const uint64_t init[8] __attribute__((aligned(16))) = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull };
    uint64x2_t s[5], msg[8];
    for (int i = 0; i < 4; i++) s[i] = vld1q_u64(init + 2 * i);
    s[4] = s[0];
    for (int i = 0; i < 8; i++) msg[i] = vld1q_u64(w + 2 * i);
    /* Two rounds per step; the state pairs (ab, cd, ef, gh) change roles each step. */
    int i0 = 0, i1 = 1, i2 = 2, i3 = 3, i4 = 4;
    for (int t = 0; t < 40; t++) {
        uint64x2_t k = vaddq_u64(vld1q_u64(K512 + 2 * t), msg[t % 8]);
        uint64x2_t v6 = ext8(s[i2], s[i3]);
        uint64x2_t v7 = ext8(s[i1], s[i2]);
        s[i3] = vaddq_u64(s[i3], ext8(k, k));
        uint64x2_t v5 = ext8(msg[(t + 4) % 8], msg[(t + 5) % 8]);
        if (t < 32) msg[t % 8] = vsha512su0q_u64(msg[t % 8], msg[(t + 1) % 8]);
        s[i3] = vsha512hq_u64(s[i3], v6, v7);
        if (t < 32) msg[t % 8] = vsha512su1q_u64(msg[t % 8], msg[(t + 7) % 8], v5);
        s[i4] = vaddq_u64(s[i1], s[i3]);
        s[i3] = vsha512h2q_u64(s[i3], s[i1], s[i0]);
        int n0 = i3, n1 = i0, n2 = i4, n3 = i2, n4 = i1;
        i0 = n0; i1 = n1; i2 = n2; i3 = n3; i4 = n4;
    }
    uint64_t h[8] __attribute__((aligned(16)));
    for (int i = 0; i < 4; i++) vst1q_u64(h + 2 * i, vaddq_u64(s[(int[]){ i0, i1, i2, i3 }[i]], vld1q_u64(init + 2 * i)));
    static const uint64_t digest[8] = {
        0xddaf35a193617abaull, 0xcc417349ae204131ull, 0x12e6fa4e89a97ea2ull, 0x0a9eeee64b55d39aull,
        0x2192992a274fc1a8ull, 0x36ba3c23a3feebbdull, 0x454d4423643ce80eull, 0x2a9ac94fa54ca49full };
    print_str("sha512(abc):");
    for (int i = 0; i < 8; i++) { print_char(' '); print_hex64(h[i]); expect("sha512 digest word", h[i], digest[i]); }
    print_nl();
}

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
    each_instruction(inputs[0]);
    each_instruction(inputs[1]);
    check_pmull();
    check_aes();
    check_sha1();
    check_sha256();
    check_sha512();
    return test_finish("simd_crypto");
}
