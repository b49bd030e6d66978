/* simd_sha256: SHA-256 through the ACLE intrinsics (arm_neon.h:
 * vsha256hq_u32, vsha256h2q_u32, vsha256su0q_u32, vsha256su1q_u32,
 * vrev32q_u8) of a 16 KiB message (FIPS 180-4 padding), repeated with the
 * digest written back into the message; a check of "abc" against its known
 * digest, and the digests in the checksum.
 * Exercises: SHA256H/H2/SU0/SU1, REV32, ADD on vectors, LDR/STR Q. The
 * round constants are the fractional parts of the cube roots of the first
 * 64 primes. */
#include <arm_neon.h>
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS (150 * SCALE)
#endif
#define LEN 16384

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
static uint8_t msg[LEN + 64] __attribute__((aligned(16)));

static void compress(uint32x4_t state[2], const uint8_t *p, int blocks)
{
    uint32x4_t s0 = state[0], s1 = state[1];
    for (int b = 0; b < blocks; b++, p += 64) {
        uint32x4_t m[4];
        for (int i = 0; i < 4; i++) m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
        uint32x4_t a = s0, e = s1;
        for (int i = 0; i < 16; i++) {
            uint32x4_t wk = vaddq_u32(m[i % 4], vld1q_u32(K256 + 4 * i));
            uint32x4_t t = s0;
            s0 = vsha256hq_u32(s0, s1, wk);
            s1 = vsha256h2q_u32(s1, t, wk);
            if (i < 12) m[i % 4] = vsha256su1q_u32(vsha256su0q_u32(m[i % 4], m[(i + 1) % 4]), m[(i + 2) % 4], m[(i + 3) % 4]);
        }
        s0 = vaddq_u32(s0, a);
        s1 = vaddq_u32(s1, e);
    }
    state[0] = s0;
    state[1] = s1;
}

/* SHA-256 of msg[0..len) (len a multiple of 64, or < 56 for a single block): the message is padded in place. */
static void sha256(uint32_t out[8], int len)
{
    static const uint32_t init[8] __attribute__((aligned(16))) = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    uint32x4_t st[2] = { vld1q_u32(init), vld1q_u32(init + 4) };
    int full = len / 64;
    compress(st, msg, full);
    uint8_t last[64] __attribute__((aligned(16)));
    int rest = len - 64 * full;
    for (int i = 0; i < 64; i++) last[i] = i < rest ? msg[64 * full + i] : 0;
    last[rest] = 0x80;
    uint64_t bitlen = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) last[63 - i] = (uint8_t)(bitlen >> (8 * i));
    compress(st, last, 1);
    vst1q_u32(out, st[0]);
    vst1q_u32(out + 4, st[1]);
}

static __attribute__((noinline)) uint64_t run(void)
{
    uint32_t d[8] __attribute__((aligned(16)));
    msg[0] = 'a'; msg[1] = 'b'; msg[2] = 'c';
    sha256(d, 3);
    uint64_t sum = (d[0] == 0xba7816bf && d[7] == 0xf20015ad) ? 0 : 0xbad;
    uint64_t st = 9;
    for (int i = 0; i < LEN; i += 8) {
        uint64_t r = bench_rand(&st);
        __builtin_memcpy(&msg[i], &r, 8);
    }
    for (int round = 0; round < ROUNDS; round++) {
        sha256(d, LEN);
        for (int i = 0; i < 8; i++) sum = bench_mix(sum, d[i]);
        __builtin_memcpy(&msg[(round * 32) % LEN], d, 32);
    }
    return sum;
}

int main(void)
{
    bench_fp_enable();
    bench_report("simd_sha256", run());
    return 0;
}
