/* Four CPUs increment shared counters M times each: with LDXR/STXR, with
 * LDAXR/STLXR on a 32-bit counter, with LDADD, with a CAS loop, and a
 * 128-bit pair with LDXP/STXP: every total must be exactly 4 x M. Then
 * message passing: a producer writes data then a flag (DMB ISHST / STLR),
 * the consumer reads the flag then the data (DMB ISHLD / LDAR).
 * ARMATURE-ARGS: -M virt -cpu max -smp 4 */
#include "semihost.h"
#include "smp.h"

#define NCPUS 4
#define M 3000

static volatile uint64_t c_excl, c_ldadd, c_cas, pair[2] __attribute__((aligned(16)));
static volatile uint32_t c_excl32;
static volatile uint64_t done;

static void inc_exclusive(volatile uint64_t *p) {
    uint64_t v, fail;
    __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}

static void inc_exclusive32(volatile uint32_t *p) {
    uint32_t v, fail;
    __asm__ volatile("1: ldaxr %w0, [%2]\n add %w0, %w0, #1\n stlxr %w1, %w0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}

static void inc_ldadd(volatile uint64_t *p) {
    uint64_t old;
    __asm__ volatile("ldadd %1, %0, [%2]" : "=&r"(old) : "r"((uint64_t)1), "r"(p) : "memory");
}

static void inc_cas(volatile uint64_t *p) {
    uint64_t expected = *p;
    for (;;) {
        uint64_t cur = expected;
        __asm__ volatile("casal %0, %2, [%1]" : "+r"(cur) : "r"(p), "r"(expected + 1) : "memory");
        if (cur == expected) return;
        expected = cur;
    }
}

static void inc_pair(volatile uint64_t *p) {
    uint64_t lo, hi, fail;
    __asm__ volatile("1: ldxp %0, %1, [%3]\n add %0, %0, #1\n add %1, %1, #2\n stxp %w2, %0, %1, [%3]\n cbnz %w2, 1b"
                     : "=&r"(lo), "=&r"(hi), "=&r"(fail) : "r"(p) : "memory");
}

static void work(uint64_t cpu) {
    for (int i = 0; i < M; i++) {
        inc_exclusive(&c_excl);
        inc_exclusive32(&c_excl32);
        inc_ldadd(&c_ldadd);
        inc_cas(&c_cas);
        inc_pair(pair);
    }
    inc_ldadd(&done);
}

/* Message passing: CPU 1 produces N messages, CPU 0 consumes them. */
#define MESSAGES 200
static volatile uint64_t data_a, data_b, flag, ack;

static void producer(uint64_t cpu) {
    for (uint64_t i = 1; i <= MESSAGES; i++) {
        data_a = i * 3;
        data_b = i * 7;
        if (i & 1) {
            __asm__ volatile("dmb ishst" ::: "memory");
            flag = i;
        } else {
            __asm__ volatile("stlr %0, [%1]" : : "r"(i), "r"(&flag) : "memory");
        }
        while (ack != i) {}
    }
}

int main(void) {
    for (uint64_t c = 1; c < NCPUS; c++) CHECK_EQ("CPU_ON", smp_start(c, work), 0);
    work(0);
    while (done != NCPUS) {}
    for (uint64_t c = 1; c < NCPUS; c++) smp_wait_state(c, 1);
    CHECK_EQ("LDXR/STXR counter", c_excl, NCPUS * M);
    CHECK_EQ("LDAXR/STLXR 32-bit counter", c_excl32, NCPUS * M);
    CHECK_EQ("LDADD counter", c_ldadd, NCPUS * M);
    CHECK_EQ("CASAL counter", c_cas, NCPUS * M);
    CHECK_EQ("LDXP/STXP pair low", pair[0], NCPUS * M);
    CHECK_EQ("LDXP/STXP pair high", pair[1], 2 * NCPUS * M);

    CHECK_EQ("CPU_ON(1) producer", smp_start(1, producer), 0);
    uint64_t bad = 0;
    for (uint64_t i = 1; i <= MESSAGES; i++) {
        uint64_t f;
        if (i & 1) {
            while ((f = flag) != i) {}
            __asm__ volatile("dmb ishld" ::: "memory");
        } else {
            do { __asm__ volatile("ldar %0, [%1]" : "=r"(f) : "r"(&flag) : "memory"); } while (f != i);
        }
        if (data_a != i * 3 || data_b != i * 7) bad++;
        ack = i;
    }
    smp_wait_state(1, 1);
    CHECK_EQ("messages with stale data", bad, 0);
    return test_finish("smp_atomics");
}
