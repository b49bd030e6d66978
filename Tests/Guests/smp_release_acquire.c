/* Store-release then load-acquire is ordered (Arm ARM B2.3: a Store-Release
 * is observed before a later Load-Acquire by the same PE, RCsc). Store
 * buffering with STLR and LDAR and no barrier: CPU 0 does STLR x; LDAR y,
 * CPU 1 does STLR y; LDAR x; both reading 0 is forbidden. On an x86-64 host
 * (TSO lets a store wait in the store buffer while a later load reads) it
 * happens unless the STLR fences the host. Each round the two CPUs run
 * through SLOTS fresh pairs (x[i], y[i]) at once, so any overlap of their
 * runs tests many pairs.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2 */
#include "semihost.h"
#include "smp.h"

#define ROUNDS 100
#define SLOTS 2048

#define LINE __attribute__((aligned(64)))
struct slot { volatile uint64_t v; uint64_t pad[7]; };
static struct slot x[SLOTS] LINE, y[SLOTS] LINE;
static uint8_t r0[SLOTS], r1[SLOTS];
static volatile uint64_t ready1 LINE, start LINE, done1 LINE;

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline void store_release(volatile uint64_t *p, uint64_t v) {
    __asm__ volatile("stlr %0, [%1]" :: "r"(v), "r"(p) : "memory");
}

/* Spins without WFE, so that both CPUs start a round at about the same
 * time when they run on host threads (CPUs sharing a thread take turns). */
static inline void wait_for(volatile uint64_t *p, uint64_t v) {
    while (load_acquire(p) != v) {}
}

/* STLR 1 to w[i], then LDAR r[i], for every slot: 64-bit forms in odd
 * rounds, 32-bit forms in even ones. */
static void run(struct slot *w, struct slot *r, uint8_t *out, uint64_t k) {
    for (int i = 0; i < SLOTS; i++) {
        uint64_t v;
        if (k & 1)
            __asm__ volatile("stlr %2, [%1]\n ldar %0, [%3]" : "=&r"(v) : "r"(&w[i].v), "r"(1ull), "r"(&r[i].v) : "memory");
        else
            __asm__ volatile("stlr %w2, [%1]\n ldar %w0, [%3]" : "=&r"(v) : "r"(&w[i].v), "r"(1ull), "r"(&r[i].v) : "memory");
        out[i] = (uint8_t)v;
    }
}

static void secondary(uint64_t cpu) {
    (void)cpu;
    for (uint64_t k = 1; k <= ROUNDS; k++) {
        store_release(&ready1, k);
        wait_for(&start, k);
        run(y, x, r1, k);
        store_release(&done1, k);
    }
}

int main(void) {
    CHECK_EQ("CPU_ON(1)", smp_start(1, secondary), 0);
    uint64_t forbidden = 0;
    for (uint64_t k = 1; k <= ROUNDS; k++) {
        for (int i = 0; i < SLOTS; i++) x[i].v = y[i].v = 0;
        wait_for(&ready1, k);
        store_release(&start, k);
        run(x, y, r0, k);
        wait_for(&done1, k);
        for (int i = 0; i < SLOTS; i++)
            if (r0[i] == 0 && r1[i] == 0) forbidden++;
    }
    CHECK_EQ("store buffering with STLR then LDAR: both read 0", forbidden, 0);
    smp_wait_state(1, 1);
    return test_finish("smp_release_acquire");
}
