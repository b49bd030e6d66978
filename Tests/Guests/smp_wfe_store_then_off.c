/* A CPU waiting in WFE for a value another CPU stores just before it powers
 * off (no SEV), round after round: CPU 1 is started with CPU_ON, stores the
 * round number and returns (CPU_OFF); CPU 0 loads and, when the value is not
 * there yet, waits in WFE. Half the rounds load with LDAR, half with LDAXR
 * (Linux's smp_cond_load_acquire: the store clears CPU 0's exclusive
 * monitor, a WFE wake-up event, Arm ARM D1.6.1). When the store lands
 * between CPU 0's load and its WFE, and CPU 1 is off by the time the WFE
 * would sleep, the emulator must let CPU 0 look again (WFE may complete at
 * any time) rather than end the run as a hang: every round completes.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2 */
#include "semihost.h"
#include "smp.h"

#define ROUNDS 400

static volatile uint64_t value __attribute__((aligned(64)));
static volatile uint64_t round_no;

static void secondary(uint64_t cpu) {
    (void)cpu;
    value = round_no;   /* a plain store: no SEV */
}

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline uint64_t load_exclusive(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldaxr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

int main(void) {
    uint64_t failed_on = 0, waits = 0;
    for (uint64_t k = 1; k <= ROUNDS; k++) {
        round_no = k;
        __asm__ volatile("dmb ish" ::: "memory");
        if (smp_start(1, secondary) != 0) failed_on++;
        if (k % 2) {
            while (load_acquire(&value) != k) { waits++; __asm__ volatile("wfe" ::: "memory"); }
        } else {
            while (load_exclusive(&value) != k) { waits++; __asm__ volatile("wfe" ::: "memory"); }
            __asm__ volatile("clrex" ::: "memory");
        }
        smp_wait_state(1, 1);
    }
    CHECK_EQ("CPU_ON failures", failed_on, 0);
    (void)waits;   /* how often CPU 0 waited depends on the host's timing */
    return test_finish("smp_wfe_store_then_off");
}
