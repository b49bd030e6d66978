/* sort: quicksort (median of three, insertion sort below 16 elements) and
 * top-down mergesort (with a scratch buffer) of pseudo-random uint32 arrays
 * of 128 Ki elements, repeated with fresh data each round.
 * Exercises: data-dependent branches, word loads/stores, recursion,
 * compare-and-swap sequences. */
#include "bench.h"

#define N (128u << 10)
#ifndef ROUNDS
#define ROUNDS (8 * SCALE)
#endif

static uint32_t a[N], b[N], tmp[N];

static void insertion_sort(uint32_t *v, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t x = v[i];
        long j = i - 1;
        while (j >= lo && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static inline void swap(uint32_t *v, long i, long j)
{
    uint32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

static void quicksort(uint32_t *v, long lo, long hi)
{
    while (hi - lo >= 16) {
        long mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) swap(v, mid, lo);
        if (v[hi] < v[lo]) swap(v, hi, lo);
        if (v[hi] < v[mid]) swap(v, hi, mid);
        uint32_t pivot = v[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                swap(v, i, j);
                i++;
                j--;
            }
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
    insertion_sort(v, lo, hi);
}

static void mergesort_rec(uint32_t *v, uint32_t *t, long lo, long hi)
{
    if (hi - lo < 8) {
        insertion_sort(v, lo, hi);
        return;
    }
    long mid = lo + (hi - lo) / 2;
    mergesort_rec(v, t, lo, mid);
    mergesort_rec(v, t, mid + 1, hi);
    if (v[mid] <= v[mid + 1])
        return;
    long i = lo, j = mid + 1, k = lo;
    while (i <= mid && j <= hi)
        t[k++] = v[i] <= v[j] ? v[i++] : v[j++];
    while (i <= mid)
        t[k++] = v[i++];
    while (j <= hi)
        t[k++] = v[j++];
    for (k = lo; k <= hi; k++)
        v[k] = t[k];
}

static uint64_t digest(const uint32_t *v)
{
    uint64_t h = 0, unsorted = 0;
    for (uint32_t i = 0; i < N; i++) {
        h = h * 0x100000001b3ull + v[i];
        if (i && v[i - 1] > v[i])
            unsorted++;
    }
    return h ^ (unsorted << 56);
}

int main(void)
{
    uint64_t st = 42, sum = 0;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < N; i++) {
            uint64_t x = bench_rand(&st);
            a[i] = (uint32_t)x;
            /* fewer distinct keys: many duplicates */
            b[i] = (uint32_t)(x >> 32) & 0xffffu;
        }
        quicksort(a, 0, N - 1);
        mergesort_rec(b, tmp, 0, N - 1);
        sum = bench_mix(sum, digest(a));
        sum = bench_mix(sum, digest(b));
        /* sort again the other way round: sorted input for quicksort */
        mergesort_rec(a, tmp, 0, N - 1);
        quicksort(b, 0, N - 1);
        sum = bench_mix(sum, digest(a) ^ digest(b));
    }
    bench_report("sort", sum);
    return 0;
}
