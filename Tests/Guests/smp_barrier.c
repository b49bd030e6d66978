/* Full barriers between two CPUs, and IC IALLUIS for code one of them
 * patches. Store buffering (Arm ARM B2.3, the SB litmus test): CPU 0 writes
 * x then reads y, CPU 1 writes y then reads x, each with a full barrier
 * (DMB ISH, then DSB SY) between; both reading 0 is forbidden, and on an
 * x86-64 host it happens unless the barrier fences the host's store buffer.
 * Then CPU 0 rewrites a function and invalidates with IC IALLUIS (not by
 * VA), and CPU 1 must run the new code after its ISB.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2 */
#include "semihost.h"
#include "smp.h"

#define DMB_ROUNDS 1000
#define DSB_ROUNDS 300
#define CODE_ROUNDS 16

/* Each on a cache line of its own. */
#define LINE __attribute__((aligned(64)))
static volatile uint64_t x LINE, y LINE, r1 LINE, start LINE, done1 LINE;
static uint32_t fn[1024] __attribute__((aligned(4096)));   /* a page of its own */

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline void store_release(volatile uint64_t *p, uint64_t v) {
    __asm__ volatile("stlr %0, [%1]" :: "r"(v), "r"(p) : "memory");
}

/* Waits: spins a while (CPUs on threads), then WFE (a turn for the other
 * CPU when they share a thread). */
static inline void wait_for(volatile uint64_t *p, uint64_t v) {
    for (int i = 0; i < 500; i++)
        if (load_acquire(p) == v) return;
    while (load_acquire(p) != v) __asm__ volatile("wfe" ::: "memory");
}

/* A delay that sweeps CPU 0's start against CPU 1's over the rounds. */
static inline void delay(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) __asm__ volatile("" ::: "memory");
}

/* *w = 1, full barrier, return *r. */
static inline uint64_t sb_dmb(volatile uint64_t *w, volatile uint64_t *r) {
    uint64_t v;
    __asm__ volatile("str %2, [%1]\n dmb ish\n ldr %0, [%3]" : "=&r"(v) : "r"(w), "r"(1ull), "r"(r) : "memory");
    return v;
}

static inline uint64_t sb_dsb(volatile uint64_t *w, volatile uint64_t *r) {
    uint64_t v;
    __asm__ volatile("str %2, [%1]\n dsb sy\n ldr %0, [%3]" : "=&r"(v) : "r"(w), "r"(1ull), "r"(r) : "memory");
    return v;
}

static inline uint64_t call_fn(void) {
    register uint64_t x0 __asm__("x0");
    register uint64_t x16 __asm__("x16") = (uint64_t)(uintptr_t)fn;
    __asm__ volatile("blr x16" : "=r"(x0), "+r"(x16) :: "x30", "memory");
    return x0;
}

static void patch(uint64_t g) {
    fn[0] = 0xd2800000u | (uint32_t)(g << 5);   /* movz x0, #g */
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ialluis\n dsb ish\n isb" :: "r"(fn) : "memory");
}

static volatile uint64_t code_seen[CODE_ROUNDS + 1];

static void secondary(uint64_t cpu) {
    (void)cpu;
    for (uint64_t k = 1; k <= DMB_ROUNDS + DSB_ROUNDS; k++) {
        wait_for(&start, k);
        r1 = k <= DMB_ROUNDS ? sb_dmb(&y, &x) : sb_dsb(&y, &x);
        store_release(&done1, k);
    }
    for (uint64_t g = 1; g <= CODE_ROUNDS; g++) {
        wait_for(&start, DMB_ROUNDS + DSB_ROUNDS + g);
        __asm__ volatile("isb" ::: "memory");
        code_seen[g] = call_fn();
        store_release(&done1, DMB_ROUNDS + DSB_ROUNDS + g);
    }
}

int main(void) {
    fn[1] = 0xd65f03c0u;   /* ret */
    patch(0);
    CHECK_EQ("CPU_ON(1)", smp_start(1, secondary), 0);
    uint64_t forbidden_dmb = 0, forbidden_dsb = 0;
    for (uint64_t k = 1; k <= DMB_ROUNDS + DSB_ROUNDS; k++) {
        x = 0;
        y = 0;
        store_release(&start, k);
        delay(k * 7 % 97);
        uint64_t r0 = k <= DMB_ROUNDS ? sb_dmb(&x, &y) : sb_dsb(&x, &y);
        wait_for(&done1, k);
        if (r0 == 0 && r1 == 0) {
            if (k <= DMB_ROUNDS) forbidden_dmb++; else forbidden_dsb++;
        }
    }
    CHECK_EQ("store buffering with DMB ISH: both read 0", forbidden_dmb, 0);
    CHECK_EQ("store buffering with DSB SY: both read 0", forbidden_dsb, 0);
    uint64_t stale = 0;
    for (uint64_t g = 1; g <= CODE_ROUNDS; g++) {
        patch(g);
        store_release(&start, DMB_ROUNDS + DSB_ROUNDS + g);
        wait_for(&done1, DMB_ROUNDS + DSB_ROUNDS + g);
        if (code_seen[g] != g) stale++;
    }
    CHECK_EQ("IC IALLUIS: calls that ran old code", stale, 0);
    smp_wait_state(1, 1);
    return test_finish("smp_barrier");
}
