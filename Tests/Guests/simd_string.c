/* The AdvSIMD idioms of libc string routines (glibc/newlib strlen, strchr,
 * memchr, memcmp, and table translation) on both engines against QEMU 7.2:
 * aligned 16-byte loads, CMEQ, UMAXP/UMAXV/UMINV as the "any byte?" test,
 * a syndrome of one bit per byte made with AND and three ADDPs, RBIT/CLZ to
 * find the first byte, CNT + UADDLV for population counts, REV64 + EXT for
 * byte reversal, and TBL/TBX lookups over four table registers. Each routine
 * runs at every start offset within a 16-byte chunk and many lengths, in
 * loops (so the JIT runs them as compiled, chained blocks), and is checked
 * against plain C; a checksum of the results is printed. */
#include "semihost.h"

static inline uint64_t read_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static uint8_t buf[512] __attribute__((aligned(16)));
static uint8_t buf2[512] __attribute__((aligned(16)));
static uint8_t table[64] __attribute__((aligned(16)));
static const uint8_t bitmask[16] __attribute__((aligned(16))) = {
    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128 };

/* One bit per byte of the aligned chunk at p equal to c (bit i = byte i). */
static inline uint32_t match_syndrome(const uint8_t *p, uint8_t c)
{
    uint32_t r;
    __asm__ volatile("ldr q0, [%1]\n\tdup v1.16b, %w2\n\tldr q2, [%3]\n\t"
                     "cmeq v0.16b, v0.16b, v1.16b\n\tand v0.16b, v0.16b, v2.16b\n\t"
                     "addp v0.16b, v0.16b, v0.16b\n\taddp v0.16b, v0.16b, v0.16b\n\t"
                     "addp v0.16b, v0.16b, v0.16b\n\tumov %w0, v0.h[0]"
                     : "=r"(r) : "r"(p), "r"(c), "r"(bitmask) : "v0", "v1", "v2", "memory");
    return r;
}

/* Non-zero when the aligned chunk at p holds a zero byte (CMEQ + UMAXP). */
static inline uint64_t has_zero(const uint8_t *p)
{
    uint64_t r;
    __asm__ volatile("ldr q0, [%1]\n\tcmeq v0.16b, v0.16b, #0\n\tumaxp v0.16b, v0.16b, v0.16b\n\tfmov %0, d0"
                     : "=r"(r) : "r"(p) : "v0", "memory");
    return r;
}

static inline uint32_t first_bit(uint32_t syn)
{
    uint32_t r;
    __asm__("rbit %w0, %w1\n\tclz %w0, %w0" : "=r"(r) : "r"(syn));
    return r;
}

static uint64_t simd_strlen(const uint8_t *s)
{
    const uint8_t *p = (const uint8_t *)((uintptr_t)s & ~15ul);
    uint32_t syn = match_syndrome(p, 0) >> ((uintptr_t)s & 15);
    if (syn) return first_bit(syn);
    for (p += 16; !has_zero(p); p += 16) {}
    return (uint64_t)(p - s) + first_bit(match_syndrome(p, 0));
}

/* strchr: the first c or NUL (UMAXV of the two compares as the test). */
static const uint8_t *simd_strchr(const uint8_t *s, uint8_t c)
{
    const uint8_t *p = (const uint8_t *)((uintptr_t)s & ~15ul);
    uint32_t skip = (uintptr_t)s & 15;
    for (;;) {
        uint64_t any;
        __asm__ volatile("ldr q0, [%1]\n\tdup v1.16b, %w2\n\tcmeq v1.16b, v0.16b, v1.16b\n\t"
                         "cmeq v0.16b, v0.16b, #0\n\torr v0.16b, v0.16b, v1.16b\n\tumaxv b0, v0.16b\n\tfmov %w0, s0"
                         : "=r"(any) : "r"(p), "r"(c) : "v0", "v1", "memory");
        if (any) {
            uint32_t syn = (match_syndrome(p, c) | match_syndrome(p, 0)) >> skip << skip;
            if (syn) {
                const uint8_t *q = p + first_bit(syn);
                return *q == c ? q : 0;
            }
        }
        p += 16;
        skip = 0;
    }
}

static const uint8_t *simd_memchr(const uint8_t *s, uint8_t c, uint64_t n)
{
    if (n == 0) return 0;
    const uint8_t *p = (const uint8_t *)((uintptr_t)s & ~15ul);
    const uint8_t *end = s + n;
    uint32_t syn = match_syndrome(p, c) >> ((uintptr_t)s & 15) << ((uintptr_t)s & 15);
    for (;;) {
        if (syn) {
            const uint8_t *q = p + first_bit(syn);
            return q < end ? q : 0;
        }
        p += 16;
        if (p >= end) return 0;
        syn = match_syndrome(p, c);
    }
}

/* memcmp of two buffers at the same offset in their chunks: UMINV of CMEQ
 * says "all equal"; the first difference from the syndrome of the mismatch. */
static int simd_memcmp(const uint8_t *a, const uint8_t *b, uint64_t n)
{
    uint64_t skip = (uintptr_t)a & 15;
    const uint8_t *pa = a - skip, *pb = b - skip;
    for (uint64_t done = 0; done < n + skip; done += 16) {
        uint64_t all;
        __asm__ volatile("ldr q0, [%1]\n\tldr q1, [%2]\n\tcmeq v0.16b, v0.16b, v1.16b\n\tuminv b0, v0.16b\n\tfmov %w0, s0"
                         : "=r"(all) : "r"(pa + done), "r"(pb + done) : "v0", "v1", "memory");
        if (all == 0xff) continue;
        uint32_t syn = 0;
        for (int i = 0; i < 16; i++) if (pa[done + i] != pb[done + i]) syn |= 1u << i;
        syn = syn >> (done ? 0 : skip) << (done ? 0 : skip);
        if (!syn) continue;
        uint64_t at = done + first_bit(syn);
        if (at >= n + skip) return 0;
        return (int)pa[at] - (int)pb[at];
    }
    return 0;
}

/* Set bits in n aligned chunks: CNT, UADDLV. */
static uint64_t simd_popcount(const uint8_t *p, int chunks)
{
    uint64_t total = 0;
    for (int k = 0; k < chunks; k++) {
        uint64_t c;
        __asm__ volatile("ldr q0, [%1]\n\tcnt v0.16b, v0.16b\n\tuaddlv h0, v0.16b\n\tfmov %w0, s0"
                         : "=r"(c) : "r"(p + 16 * k) : "v0", "memory");
        total += c;
    }
    return total;
}

/* A 16-byte chunk reversed (REV64 + EXT #8), then translated: bytes below 64
 * through the 64-byte table (TBX over four registers), the others kept. */
static void simd_reverse_translate(const uint8_t *in, uint8_t *out)
{
    __asm__ volatile("ldr q0, [%0]\n\trev64 v0.16b, v0.16b\n\text v0.16b, v0.16b, v0.16b, #8\n\t"
                     "ldp q4, q5, [%2]\n\tldp q6, q7, [%2, #32]\n\tmov v1.16b, v0.16b\n\t"
                     "tbx v1.16b, {v4.16b, v5.16b, v6.16b, v7.16b}, v0.16b\n\tstr q1, [%1]"
                     :: "r"(in), "r"(out), "r"(table) : "v0", "v1", "v4", "v5", "v6", "v7", "memory");
}

static uint64_t checksum;
static void mix(uint64_t v) { checksum = (checksum ^ v) * 0x100000001b3ull; }

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb\n\tmsr fpsr, xzr" :: "r"(3ull << 20));
    uint32_t seed = 12345;
    for (int i = 0; i < 512; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(seed >> 16) | 1;       /* no zero bytes yet */
        buf2[i] = buf[i];
    }
    for (int i = 0; i < 64; i++) table[i] = (uint8_t)(0xc0 + (i * 7) % 64);
    checksum = 0xcbf29ce484222325ull;

    int bad = 0;
    for (int len = 0; len < 70; len += 3) {
        for (int off = 0; off < 16; off++) {
            uint8_t *s = buf + 64 + off;
            uint8_t saved = s[len];
            s[len] = 0;
            uint64_t got = simd_strlen(s);
            if (got != (uint64_t)len) bad++;
            mix(got);
            uint8_t c = s[len / 2];
            const uint8_t *want = 0;
            for (int i = 0; i <= len; i++) if (s[i] == c) { want = s + i; break; }
            if (c == 0) want = s + len;
            if (simd_strchr(s, c) != want) bad++;
            if (simd_strchr(s, 0) != s + len) bad++;
            mix((uint64_t)(simd_strchr(s, c) - s));
            s[len] = saved;
            const uint8_t *m = 0;
            for (int i = 0; i < len; i++) if (s[i] == 0x55) { m = s + i; break; }
            if (simd_memchr(s, 0x55, len) != m) bad++;
            mix(m ? (uint64_t)(m - s) : 999);
        }
    }
    CHECK_EQ("strlen/strchr/memchr mismatches", bad, 0);

    bad = 0;
    for (int len = 0; len < 80; len += 5) {
        for (int off = 0; off < 16; off++) {
            for (int diff = -1; diff < len; diff += 7) {
                if (diff >= 0) buf2[off + diff] ^= 0x5a;
                int want = 0;
                for (int i = 0; i < len; i++) if (buf[off + i] != buf2[off + i]) { want = (int)buf[off + i] - (int)buf2[off + i]; break; }
                int got = simd_memcmp(buf + off, buf2 + off, len);
                if (got != want) bad++;
                mix((uint64_t)(int64_t)got);
                if (diff >= 0) buf2[off + diff] ^= 0x5a;
            }
        }
    }
    CHECK_EQ("memcmp mismatches", bad, 0);

    uint64_t ones = 0;
    for (int i = 0; i < 512; i++) for (int b = 0; b < 8; b++) ones += (buf[i] >> b) & 1;
    CHECK_EQ("popcount", simd_popcount(buf, 32), ones);

    bad = 0;
    static uint8_t out[16] __attribute__((aligned(16)));
    for (int k = 0; k < 32; k++) {
        for (int i = 0; i < 16; i++) buf2[i] = (uint8_t)(k * 16 + i * 5);
        simd_reverse_translate(buf2, out);
        for (int i = 0; i < 16; i++) {
            uint8_t x = buf2[15 - i];
            if (out[i] != (x < 64 ? table[x] : x)) bad++;
            mix(out[i]);
        }
    }
    CHECK_EQ("reverse+translate mismatches", bad, 0);
    print_reg("checksum", checksum);
    print_reg("fpsr", read_fpsr());
    return test_finish("simd_string");
}
