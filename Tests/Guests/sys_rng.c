/* FEAT_RNG (-cpu max): ID_AA64ISAR0_EL1.RNDR = 1; MRS RNDR and RNDRRS return
 * random numbers with NZCV = 0000 (success), from EL1 and from EL0 (no
 * FEAT_RNG_TRAP: ID_AA64PFR1_EL1.RNDR_trap = 0, nothing traps them).
 * Random values are never printed: only that they differ from each other
 * (64-bit values: a repeat has probability 2^-64).
 * Arm ARM D24.2 (RNDR, RNDRRS), C5.2 (NZCV). */
#include "semihost.h"
#include "mmu.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

/* Reads RNDR (or RNDRRS) with NZCV = 1111 before; returns NZCV after in *nzcv. */
#define RANDOM(reg, nzcv) ({ uint64_t _v, _f; \
    __asm__ volatile("msr nzcv, %2\n\tmrs %0, " reg "\n\tmrs %1, nzcv" : "=&r"(_v), "=&r"(_f) : "r"(0xF0000000ull)); \
    *(nzcv) = _f; _v; })

static uint64_t values[64];

static int distinct(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            if (values[i] == values[j]) return 0;
    return 1;
}

static volatile uint64_t el0_value[2], el0_nzcv;

static uint64_t el0_stack[256] __attribute__((aligned(16)));

/* Runs at EL0 (no stack use: it is a leaf writing to globals) and returns by SVC #0xE0. */
__attribute__((noinline)) static void el0_code(void)
{
    uint64_t f;
    el0_value[0] = RANDOM("s3_3_c2_c4_0", &f);
    el0_nzcv = f;
    el0_value[1] = RANDOM("s3_3_c2_c4_1", &f);
    el0_nzcv |= f;
    __asm__ volatile("svc #0xe0" ::: "memory");
}

int main(void)
{
    CHECK_EQ("ID_AA64ISAR0_EL1.RNDR", MRS("id_aa64isar0_el1") >> 60, 1);
    CHECK_EQ("ID_AA64PFR1_EL1.RNDR_trap", (MRS("id_aa64pfr1_el1") >> 28) & 0xf, 0);

    uint64_t f, all = 0;
    for (unsigned i = 0; i < 32; i++) {
        values[i] = RANDOM("s3_3_c2_c4_0", &f);   /* RNDR */
        all |= f;
    }
    for (unsigned i = 32; i < 64; i++) {
        values[i] = RANDOM("s3_3_c2_c4_1", &f);   /* RNDRRS */
        all |= f;
    }
    CHECK_EQ("NZCV after RNDR/RNDRRS (all 64 reads)", all, 0);
    CHECK_EQ("64 values all different", distinct(64), 1);
    uint64_t ones = 0, zeros = 0;
    for (unsigned i = 0; i < 64; i++) { ones |= values[i]; zeros |= ~values[i]; }
    CHECK_EQ("every bit position is 1 in some value", ones, ~0ull);
    CHECK_EQ("every bit position is 0 in some value", zeros, ~0ull);

    /* At EL0 (SCTLR_EL1 enables nothing for it: RNDR is always EL0-readable). */
    exception_hook = el0_hook;
    exc_count = 0;
    run_el0((uint64_t)(uintptr_t)el0_code, (uint64_t)(uintptr_t)&el0_stack[256]);
    CHECK_EQ("EL0: exceptions (other than the SVC back)", exc_count, 0);
    CHECK_EQ("EL0: NZCV after RNDR and RNDRRS", el0_nzcv, 0);
    CHECK_EQ("EL0: the two values differ", el0_value[0] != el0_value[1], 1);

    test_finish("sys_rng");
    return 0;
}
