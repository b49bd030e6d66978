/* crc32: software CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320):
 * byte-at-a-time with one 256-entry table and slicing-by-4 with four
 * tables, over a 256 KiB pseudo-random buffer, repeated.
 * Exercises: byte/word loads, table lookups (indexed loads), shifts, xors.
 * The CRC of "123456789" must be 0xCBF43926; the checksum includes it. */
#include "bench.h"

#define BUF_BYTES (256u << 10)
#ifndef ROUNDS
#define ROUNDS (250 * SCALE)
#endif

static uint32_t table[4][256];
static uint32_t buf[BUF_BYTES / 4];

static void make_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = table[0][i];
        for (int t = 1; t < 4; t++) {
            c = table[0][c & 0xff] ^ (c >> 8);
            table[t][i] = c;
        }
    }
}

static uint32_t crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[0][(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc_slice4(uint32_t crc, const uint32_t *p, size_t words)
{
    crc = ~crc;
    for (size_t i = 0; i < words; i++) {
        uint32_t v = crc ^ p[i];   /* little-endian guest */
        crc = table[3][v & 0xff] ^ table[2][(v >> 8) & 0xff] ^
              table[1][(v >> 16) & 0xff] ^ table[0][v >> 24];
    }
    return ~crc;
}

int main(void)
{
    make_tables();
    uint64_t st = 0xc0ffee;
    for (size_t i = 0; i < BUF_BYTES / 4; i++)
        buf[i] = (uint32_t)bench_rand(&st);

    static const char check[] = "123456789";
    uint64_t sum = crc_bytes(0, (const uint8_t *)check, 9);      /* 0xcbf43926 */
    static const uint32_t check8[2] = { 0x34333231u, 0x38373635u };  /* "12345678" */
    sum = bench_mix(sum, crc_slice4(0, check8, 2) ==
                         crc_bytes(0, (const uint8_t *)check, 8));

    for (uint32_t r = 0; r < ROUNDS; r++) {
        uint32_t a = crc_bytes(r, (const uint8_t *)buf, BUF_BYTES);
        uint32_t b = crc_slice4(r, buf, BUF_BYTES / 4);
        buf[(r * 7919u) % (BUF_BYTES / 4)] += a;
        sum = bench_mix(sum, ((uint64_t)a << 32) | b);
        sum = bench_mix(sum, a == b);   /* the two methods must agree */
    }
    bench_report("crc32", sum);
    return 0;
}
