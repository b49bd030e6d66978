/* A small C workload compiled with -O2: a 64-bit LCG fills arrays, which are
 * sorted by quicksort (recursive, function-pointer comparator), merge sort
 * and insertion sort; the results must agree and be sorted. Then FNV-1a 64,
 * table-driven CRC-32 (table built at run time) and a jump-table switch
 * digest. Expected values come from a Python model (gen/c_expected.py). */
#include "semihost.h"

#define N 600

static uint64_t lcg_state;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(lcg_state >> 33);
}

typedef int (*cmp_fn)(uint32_t, uint32_t);
static int cmp_u32(uint32_t a, uint32_t b) { return a < b ? -1 : a > b; }
static int cmp_i32(uint32_t a, uint32_t b) { return (int32_t)a < (int32_t)b ? -1 : (int32_t)a > (int32_t)b; }

static void quicksort(uint32_t *a, long lo, long hi, cmp_fn cmp)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (cmp(a[i], pivot) < 0) i++;
            while (cmp(a[j], pivot) > 0) j--;
            if (i <= j) {
                uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j, cmp);
            lo = i;
        } else {
            quicksort(a, i, hi, cmp);
            hi = j;
        }
    }
}

static uint32_t tmp[N];
static void merge_sort(uint32_t *a, long n, cmp_fn cmp)
{
    if (n < 2)
        return;
    long m = n / 2;
    merge_sort(a, m, cmp);
    merge_sort(a + m, n - m, cmp);
    long i = 0, j = m, k = 0;
    while (i < m && j < n)
        tmp[k++] = cmp(a[j], a[i]) < 0 ? a[j++] : a[i++];
    while (i < m) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    for (long t = 0; t < n; t++)
        a[t] = tmp[t];
}

static void insertion_sort(uint32_t *a, long n, cmp_fn cmp)
{
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && cmp(a[j], v) > 0) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static uint64_t fnv1a64(const void *p, uint64_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint32_t crc_table[256];
static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
}
static uint32_t crc32(const void *p, uint64_t n)
{
    const uint8_t *b = p;
    uint32_t c = 0xffffffffu;
    for (uint64_t i = 0; i < n; i++)
        c = crc_table[(c ^ b[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

/* a switch dense enough to become a jump table */
static __attribute__((noinline)) uint32_t op(uint32_t sel, uint32_t x)
{
    switch (sel & 15) {
    case 0: return x + 1;
    case 1: return x ^ 0x5a5a5a5a;
    case 2: return x << 3 | x >> 29;
    case 3: return x * 3;
    case 4: return ~x;
    case 5: return x - 7;
    case 6: return x >> 1;
    case 7: return x | 0x80000001;
    case 8: return x & 0x0ff00ff0;
    case 9: return x * x;
    case 10: return x + (x >> 16);
    case 11: return (uint32_t)((int32_t)x >> 4);
    case 12: return x ^ (x << 7);
    case 13: return x / 3;
    case 14: return x % 1000;
    default: return x;
    }
}

static int is_sorted(const uint32_t *a, long n, cmp_fn cmp)
{
    for (long i = 1; i < n; i++)
        if (cmp(a[i - 1], a[i]) > 0)
            return 0;
    return 1;
}

static uint32_t a[N], b[N], c[N];

int main(void)
{
    lcg_state = 12345;
    for (int i = 0; i < N; i++)
        a[i] = b[i] = c[i] = lcg_next();
    uint64_t h_unsorted = fnv1a64(a, sizeof a);
    CHECK_EQ("fnv1a64 unsorted", h_unsorted, 0x4e15af8493ed6678ull);

    quicksort(a, 0, N - 1, cmp_u32);
    merge_sort(b, N, cmp_u32);
    insertion_sort(c, N, cmp_u32);
    CHECK(is_sorted(a, N, cmp_u32), "quicksort sorted");
    CHECK(memcmp(a, b, sizeof a) == 0, "merge sort == quicksort");
    CHECK(memcmp(a, c, sizeof a) == 0, "insertion sort == quicksort");
    CHECK_EQ("min", a[0], 0x001e3cc3);
    CHECK_EQ("max", a[N - 1], 0x7ff4cbd7);
    CHECK_EQ("median", a[N / 2], 0x3e2d9542);
    CHECK_EQ("fnv1a64 sorted", fnv1a64(a, sizeof a), 0x9499b03559e8ed7cull);

    /* signed sort of values with the top bit set */
    for (int i = 0; i < N; i++)
        b[i] = a[i] ^ (i & 1 ? 0x80000000u : 0);
    quicksort(b, 0, N - 1, cmp_i32);
    CHECK(is_sorted(b, N, cmp_i32), "signed quicksort sorted");
    CHECK_EQ("signed min", b[0], 0x8021a99a);
    CHECK_EQ("signed max", b[N - 1], 0x7fe1d95b);
    CHECK_EQ("fnv1a64 signed sorted", fnv1a64(b, sizeof b), 0x5379d4c3ad9d5180ull);

    crc_init();
    CHECK_EQ("crc_table[1]", crc_table[1], 0x77073096);
    CHECK_EQ("crc_table[255]", crc_table[255], 0x2d02ef8d);
    CHECK_EQ("crc32 \"123456789\"", crc32("123456789", 9), 0xcbf43926);
    CHECK_EQ("crc32 sorted array", crc32(a, sizeof a), 0x33e78b3b);

    uint32_t x = 0x12345678;
    for (int i = 0; i < 1000; i++)
        x = op(a[i % N] ^ (uint32_t)i, x);
    CHECK_EQ("switch digest", x, 0xda5852b7);

    return test_finish("c_sort_hash");
}
