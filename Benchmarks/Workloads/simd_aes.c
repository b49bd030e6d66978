/* simd_aes: AES-128 through the ACLE intrinsics (arm_neon.h: vaeseq_u8,
 * vaesmcq_u8, vaesdq_u8, vaesimcq_u8): the key schedule (SubWord through
 * AESE), CBC encryption of a 16 KiB buffer (one block after another), CTR
 * encryption (four independent blocks at a time) and CBC decryption with
 * the equivalent inverse cipher, checked against the plaintext; the last
 * ciphertext blocks and the key in the checksum.
 * Exercises: AESE/AESD/AESMC/AESIMC, EOR, LDR/STR Q, ADD on vectors. */
#include <arm_neon.h>
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS (40 * SCALE)
#endif
#define BLOCKS 1024

static uint8_t plain[BLOCKS][16] __attribute__((aligned(16)));
static uint8_t cipher[BLOCKS][16] __attribute__((aligned(16)));
static uint8_t ctr_out[BLOCKS][16] __attribute__((aligned(16)));
static uint8_t back[BLOCKS][16] __attribute__((aligned(16)));
static uint32_t rk[44] __attribute__((aligned(16)));
static uint8x16_t ek[11], dk[11];

static uint32_t sub_word(uint32_t w)
{
    uint32_t v[4] __attribute__((aligned(16)));
    vst1q_u32(v, vreinterpretq_u32_u8(vaeseq_u8(vreinterpretq_u8_u32(vdupq_n_u32(w)), vdupq_n_u8(0))));
    return v[0];
}

static void expand(const uint32_t key[4])
{
    static const uint8_t rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
    for (int i = 0; i < 4; i++) rk[i] = key[i];
    for (int i = 4; i < 44; i++) {
        uint32_t t = rk[i - 1];
        if (i % 4 == 0) t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / 4 - 1];
        rk[i] = rk[i - 4] ^ t;
    }
    for (int r = 0; r < 11; r++) ek[r] = vld1q_u8((const uint8_t *)&rk[4 * r]);
    dk[0] = ek[10];
    for (int r = 1; r < 10; r++) dk[r] = vaesimcq_u8(ek[10 - r]);
    dk[10] = ek[0];
}

static inline uint8x16_t encrypt(uint8x16_t s)
{
    for (int r = 0; r < 9; r++) s = vaesmcq_u8(vaeseq_u8(s, ek[r]));
    return veorq_u8(vaeseq_u8(s, ek[9]), ek[10]);
}

static inline uint8x16_t decrypt(uint8x16_t s)
{
    for (int r = 0; r < 9; r++) s = vaesimcq_u8(vaesdq_u8(s, dk[r]));
    return veorq_u8(vaesdq_u8(s, dk[9]), dk[10]);
}

static __attribute__((noinline)) uint64_t run(void)
{
    uint64_t st = 3;
    for (int i = 0; i < BLOCKS; i++)
        for (int j = 0; j < 16; j += 8) {
            uint64_t r = bench_rand(&st);
            __builtin_memcpy(&plain[i][j], &r, 8);
        }
    uint32_t key[4] = { 0x16157e2b, 0xa6d2ae28, 0x8815f7ab, 0x3c4fcf09 };
    uint64_t sum = 0;
    for (int round = 0; round < ROUNDS; round++) {
        expand(key);
        uint8x16_t iv = vdupq_n_u8((uint8_t)round);
        for (int i = 0; i < BLOCKS; i++) {
            iv = encrypt(veorq_u8(vld1q_u8(plain[i]), iv));
            vst1q_u8(cipher[i], iv);
        }
        uint64x2_t ctr = vcombine_u64(vcreate_u64((uint64_t)round), vcreate_u64(0));
        const uint64x2_t one = vcombine_u64(vcreate_u64(1), vcreate_u64(0));
        for (int i = 0; i < BLOCKS; i += 4) {
            uint8x16_t k0 = encrypt(vreinterpretq_u8_u64(ctr)); ctr = vaddq_u64(ctr, one);
            uint8x16_t k1 = encrypt(vreinterpretq_u8_u64(ctr)); ctr = vaddq_u64(ctr, one);
            uint8x16_t k2 = encrypt(vreinterpretq_u8_u64(ctr)); ctr = vaddq_u64(ctr, one);
            uint8x16_t k3 = encrypt(vreinterpretq_u8_u64(ctr)); ctr = vaddq_u64(ctr, one);
            vst1q_u8(ctr_out[i], veorq_u8(vld1q_u8(plain[i]), k0));
            vst1q_u8(ctr_out[i + 1], veorq_u8(vld1q_u8(plain[i + 1]), k1));
            vst1q_u8(ctr_out[i + 2], veorq_u8(vld1q_u8(plain[i + 2]), k2));
            vst1q_u8(ctr_out[i + 3], veorq_u8(vld1q_u8(plain[i + 3]), k3));
        }
        uint8x16_t prev = vdupq_n_u8((uint8_t)round);
        for (int i = 0; i < BLOCKS; i++) {
            uint8x16_t c = vld1q_u8(cipher[i]);
            vst1q_u8(back[i], veorq_u8(decrypt(c), prev));
            prev = c;
        }
        uint64_t w[2], v[2];
        __builtin_memcpy(w, cipher[BLOCKS - 1], 16);
        __builtin_memcpy(v, ctr_out[BLOCKS - 1], 16);
        sum = bench_mix(bench_mix(sum, w[0] ^ v[1]), w[1] ^ v[0]);
        for (int i = 0; i < BLOCKS; i++)
            if (__builtin_memcmp(back[i], plain[i], 16) != 0) sum = bench_mix(sum, 0xbad0000 + i);
        key[round & 3] ^= (uint32_t)w[0];   /* a new key each round */
    }
    return sum;
}

int main(void)
{
    bench_fp_enable();
    bench_report("simd_aes", run());
    return 0;
}
