/* Code patched by one CPU while others run it. CPU 0 rewrites the MOVZ of
 * a two-instruction function (MOVZ X0, #g; RET) in RAM, G times; after each
 * rewrite it cleans and invalidates (DC CVAU, DSB ISH, IC IVAU, DSB ISH) and
 * publishes g with STLR. Each other CPU, in lock step: waits for g (LDAR),
 * ISB, calls the function and must get g. Then a free-running phase: the
 * callers call it in a loop while CPU 0 patches, and every value they see
 * must be one CPU 0 wrote, never decreasing, ending at the last.
 * ARMATURE-ARGS: -M virt -cpu max -smp 3 */
#include "semihost.h"
#include "smp.h"

#define NCPUS 3
#define G 40
#define FREE_G 400

static uint32_t fn[1024] __attribute__((aligned(4096)));   /* a page of its own */
static volatile uint64_t gen, acks[NCPUS], bad_lockstep[NCPUS], bad_free[NCPUS], last_free[NCPUS], done;

static inline uint64_t call_fn(void) {
    register uint64_t x0 __asm__("x0");
    register uint64_t x16 __asm__("x16") = (uint64_t)(uintptr_t)fn;
    __asm__ volatile("blr x16" : "=r"(x0), "+r"(x16) :: "x30", "memory");
    return x0;
}

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline void store_release(volatile uint64_t *p, uint64_t v) {
    __asm__ volatile("stlr %0, [%1]" :: "r"(v), "r"(p) : "memory");
}

static void patch(uint64_t g) {
    fn[0] = 0xd2800000u | (uint32_t)(g << 5);   /* movz x0, #g */
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" :: "r"(fn) : "memory");
}

static void caller(uint64_t cpu) {
    for (uint64_t g = 1; g <= G; g++) {
        while (load_acquire(&gen) != g) {}
        __asm__ volatile("isb" ::: "memory");
        if (call_fn() != g) bad_lockstep[cpu]++;
        store_release(&acks[cpu], g);
    }
    /* Free running: values only grow, up to FREE_G. */
    uint64_t last = G;
    while (load_acquire(&done) == 0 || last != FREE_G) {
        __asm__ volatile("isb" ::: "memory");
        uint64_t v = call_fn();
        if (v < last || v > FREE_G) bad_free[cpu]++;
        if (v > last) last = v;
        if (bad_free[cpu] > 100) break;
    }
    last_free[cpu] = last;
}

int main(void) {
    fn[1] = 0xd65f03c0u;   /* ret */
    patch(0);
    for (uint64_t c = 1; c < NCPUS; c++) CHECK_EQ("CPU_ON", smp_start(c, caller), 0);
    for (uint64_t g = 1; g <= G; g++) {
        patch(g);
        store_release(&gen, g);
        for (uint64_t c = 1; c < NCPUS; c++)
            while (load_acquire(&acks[c]) != g) {}
    }
    for (uint64_t g = G + 1; g <= FREE_G; g++) patch(g);
    store_release(&done, 1);
    for (uint64_t c = 1; c < NCPUS; c++) smp_wait_state(c, 1);
    for (uint64_t c = 1; c < NCPUS; c++) {
        CHECK_EQ("lock step: calls that ran old code", bad_lockstep[c], 0);
        CHECK_EQ("free running: values out of order", bad_free[c], 0);
        CHECK_EQ("free running: last value seen", last_free[c], FREE_G);
    }
    return test_finish("smp_code");
}
